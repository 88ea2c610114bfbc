"""Query helpers every capability uses: dialect switches, staging tables, area names."""
