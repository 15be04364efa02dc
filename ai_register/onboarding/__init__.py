"""Onboarding a region: spreadsheet import of the AI inventory, single sign-on through the region's
identity provider, and the register's own personal data (inventory, Art 15 export, retention)."""
