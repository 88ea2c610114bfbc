"""Mailings to many Linksaktive with personal links (Linksaktiv-Info, surveys)."""
