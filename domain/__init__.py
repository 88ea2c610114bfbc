"""The vocabulary every layer shares: enums with German labels, roles, user-facing errors, display formats."""
