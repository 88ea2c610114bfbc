"""Zeitungsversand: editions, eligibility, orders with stock reservation, workflow, documents."""
