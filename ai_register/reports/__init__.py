"""Traceability reports, signed evidence bundles, the EU database export and the portfolio report."""
