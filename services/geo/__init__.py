"""Places: the offline geodata, reference tables and PLZ resolution with reach."""
