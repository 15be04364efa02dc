"""The evidence a stored classification calls for, and whether the evidence on record meets it on a day
(for the report's obligations section and the portfolio's open obligations)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ai_register.evidence.validity import is_valid_on
from ai_register.formats import both
from ai_register.reports.instants import parse_day
from ai_register.solutions.lifecycle.evidence_table import EvidenceNeed
from ai_register.solutions.lifecycle.facts import EVIDENCE_LABELS, ClassificationFact, EvidenceType


def classification_fact(version: Mapping[str, Any]) -> ClassificationFact | None:
    """The lifecycle's view of a stored classification record (the officer's values for an override)."""
    overridden = version.get("status") == "overridden"
    try:
        return ClassificationFact.from_result(
            version.get("result") or {}, version.get("answers") or {},
            override_category=version.get("override_category") if overridden else None,
            override_device_class=version.get("override_device_class") if overridden else None)
    except (KeyError, ValueError, TypeError):
        return None


def evidence_status(kind: EvidenceType, need: EvidenceNeed, evidence: list[dict],
                     on: date) -> dict[str, Any]:
    accepted = {t.value for t in need.accepted}
    matching = [e for e in evidence if e.get("type") in accepted]
    valid = [e for e in matching if valid_on(e, on)]
    if valid:
        status = "met"
    elif not matching:
        status = "missing"
    elif any((parse_day(e.get("issued_on")) or on) <= on for e in matching):
        status = "expired"
    else:
        status = "not_yet_issued"
    label = EVIDENCE_LABELS[kind]
    return {"type": kind.value, "label": both(label), "accepted_types": sorted(accepted),
            "basis": need.basis, "status": status, "evidence_ids": [e.get("id") for e in valid]}


def valid_on(evidence: Mapping[str, Any], on: date) -> bool:
    issued, expires = parse_day(evidence.get("issued_on")), parse_day(evidence.get("expires_on"))
    if issued is None:
        return False
    return is_valid_on(_Dated(issued, expires), on)


@dataclass(frozen=True)
class _Dated:
    issued_on: date
    expires_on: date | None
