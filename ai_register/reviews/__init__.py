"""Periodic reviews, the follow-up agenda (what is due) and benefit realisation."""
