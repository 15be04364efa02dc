"""Evidence records (DPIA, FRIA, CE certificate, ...) with issue and expiry dates and optional files."""
