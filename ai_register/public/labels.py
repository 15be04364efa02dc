"""The public register's words in the audit trail: what a solution's public description reads as in the
trail, the privacy inventory and the reports (audit/record_labels.py takes each word the register's own
tables do not already have)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

RECORD_TYPES = {"public_description": _l("Public description")}
RECORD_FIELDS = {
    "what_sv": _l("What it does and how it is used (Swedish)"),
    "what_en": _l("What it does and how it is used (English)"),
    "why_sv": _l("Why the region needs it (Swedish)"), "why_en": _l("Why the region needs it (English)"),
    "data_sv": _l("Which information it uses (Swedish)"), "data_en": _l("Which information it uses (English)"),
    "legal_basis_sv": _l("Legal basis (Swedish)"), "legal_basis_en": _l("Legal basis (English)"),
    "contact": _l("Contact for questions"),
}
