"""The public pages a personal link opens (no login, no navigation): one view per link purpose."""
