"""Data protection: data-subject requests (Art. 15, 16, 17, 21) and small-group suppression."""
