"""Administration: accounts, offices, which Kreise a KV covers, the audit log."""
