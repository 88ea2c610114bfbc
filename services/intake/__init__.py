"""Contact intake without a database: read uploaded tables, map columns, validate rows, find duplicates."""
