"""Incidents (avvikelser): reporting, serious-incident assessment and the legal reporting duties."""
