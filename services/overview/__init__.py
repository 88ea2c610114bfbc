"""The Übersicht: key figures of the user's area."""
