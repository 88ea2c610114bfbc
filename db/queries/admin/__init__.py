"""Queries of the administration: users, offices, KV coverage, the audit log."""
