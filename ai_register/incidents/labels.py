"""The incidents' codes as words: an incident's status and patient harm, where its regulatory context came from;
and what its records read as in the audit trail."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from ai_register.classification.labels import review_label
from ai_register.formats import lookup
from ai_register.incidents.context import UNKNOWN_NO_CLASSIFICATION, UNKNOWN_NO_MODULE

_CONTEXT_SOURCE = re.compile(r"classification \d+ \(version (?P<version>\d+), (?P<status>\w+)\)")


def context_source_label(source: str | None) -> str:
    """Where an incident's regulatory context came from, as incidents.context words it."""

    if source == UNKNOWN_NO_CLASSIFICATION:
        return str(_l("no approved classification"))
    if source == UNKNOWN_NO_MODULE:
        return str(_l("the classification could not be read"))
    match = _CONTEXT_SOURCE.fullmatch(source or "")
    if match:
        return str(_l("classification version %(version)s, %(status)s", version=match["version"],
                      status=review_label(match["status"]).lower()))
    return source or ""


HARM_CHOICES = [
    ("unknown", _l("Not known yet")),
    ("none", _l("None")),
    ("potential", _l("Could have harmed a patient (near miss)")),
    ("harm", _l("Harm")),
    ("serious", _l("Serious harm")),
    ("death", _l("Death")),
]

STATUS_LABELS = {
    "reported": _l("Reported"),
    "assessed": _l("Assessed"),
    "reported_to_authority": _l("Reported to the authority"),
    "closed": _l("Closed"),
}


# --------------------------------------------------------------------------- in the audit trail
# What its records read as in the audit trail, the privacy inventory and the reports (audit/record_labels.py
# takes each word the register's own tables do not already have).

RECORD_TYPES = {"deviation": _l("Deviation report")}
NOTIFICATION_KINDS = {"deviation_reported": _l("deviation reported"), "deviation_triage": _l("deviation to triage")}
DEVIATION_STATUSES = {"in_triage": _l("Awaiting triage"), "registered": _l("Registered"),
                      "not_in_register": _l("Concerns no solution in the register")}
RECORD_FIELDS = {
    "case_number": _l("Case number"), "triaged_by_id": _l("Triaged by"), "triaged_at": _l("Triaged at"),
    "triage_note": _l("Triage note"), "prompts_pause": _l("Prompts a decision to pause"),
    "description": _l("Description"),
}
RECORD_VALUES = {("deviation", "status"): lambda code: lookup(DEVIATION_STATUSES, code)}
