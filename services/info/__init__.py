"""Linksaktiv-Info: regular information by topic and region, sent through the outbox."""
