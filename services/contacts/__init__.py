"""Linksaktive: search, the card, capture, edit and care (status, consents, topics)."""
