"""The public transparency register: solutions marked public, with no personal data."""
