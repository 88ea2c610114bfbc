"""Queries of the volunteer matching: leads, offers, assignments."""
