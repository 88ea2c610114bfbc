"""Queries on contacts: search, edit and consent."""
