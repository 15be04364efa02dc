"""AI literacy's codes as words: a measure's kind; and what its records read as in the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ai_register.formats import lookup

KIND_LABELS = {"training": _l("Training"), "instructions": _l("Instructions"),
               "supervised_start": _l("Supervised start"), "other": _l("Other")}


# --------------------------------------------------------------------------- in the audit trail
# What its records read as in the audit trail, the privacy inventory and the reports (audit/record_labels.py
# takes each word the register's own tables do not already have).

RECORD_TYPES = {"literacy_measure": _l("AI-literacy measure")}
RECORD_FIELDS = {
    "held_on": _l("When"), "reached": _l("People reached"), "material_evidence_id": _l("Material (evidence)"),
    "material_link": _l("Link to the material"), "user_groups": _l("User groups"), "care_units": _l("Care units"),
}
RECORD_VALUES = {("literacy_measure", "kind"): lambda code: lookup(KIND_LABELS, code)}
