"""Calls to action: write, preview the audience, send once, record the answers."""
