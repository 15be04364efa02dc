"""Obligations you can close: each obligation of a solution's decided classification as a record with a
status, the record or evidence that meets it, who confirmed it and when, and a due date."""
