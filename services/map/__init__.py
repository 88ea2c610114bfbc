"""The Karte: per-PLZ and per-Kreis aggregates, white spots, figures."""
