"""The incidents' codes as words: where an incident's regulatory context came from."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from ai_register.classification.labels import review_label
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
