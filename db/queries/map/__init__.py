"""Queries of the Karte: counts per PLZ and Kreis, PLZ and office lookups."""
