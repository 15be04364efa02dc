"""The catalogue of common indicators. Services flush and audit; the request (or CLI) commits.

Region Norrbotten, "Uppföljning": "För digitaliseringsinsatser används ett begränsat antal
gemensamma indikatorer kopplade till kvalitet, tillgänglighet, arbetsmiljö, robusthet och ekonomi".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ai_register import statements
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.exceptions import InvalidInput, NotFound
from ai_register.extensions import db
from ai_register.portfolio.models import Indicator

INDICATOR_FIELDS = ("code", "name_sv", "name_en", "definition", "unit", "higher_is_better", "active")

# The five of the strategy; a region rewords them in the catalogue, the codes stay.
DEFAULT_INDICATORS: tuple[dict[str, Any], ...] = (
    {"code": "quality", "name_sv": "Kvalitet", "name_en": "Quality",
     "definition": "Medical and care quality and patient safety: correct, timely and safe care, e.g. share of "
                   "findings confirmed, adverse events avoided.", "unit": "%", "higher_is_better": True},
    {"code": "accessibility", "name_sv": "Tillgänglighet", "name_en": "Accessibility",
     "definition": "How quickly and easily residents reach care, e.g. waiting time from referral to answer, "
                   "share served within the care guarantee.", "unit": "days", "higher_is_better": False},
    {"code": "work_environment", "name_sv": "Arbetsmiljö", "name_en": "Work environment",
     "definition": "Staff workload and working conditions, e.g. hours of administration freed, overtime, "
                   "perceived workload.", "unit": "hours", "higher_is_better": True},
    {"code": "robustness", "name_sv": "Robusthet", "name_en": "Robustness",
     "definition": "Ability to keep critical services running through disruption, e.g. availability, "
                   "time to recover, tested recovery plans.", "unit": "%", "higher_is_better": True},
    {"code": "economy", "name_sv": "Ekonomi", "name_en": "Economy",
     "definition": "Cost and savings in money, e.g. yearly net benefit, cost per case.", "unit": "SEK",
     "higher_is_better": True},
)


def indicators(*, include_inactive: bool = True) -> list[Indicator]:
    if include_inactive:  # every page of the portfolio reads the catalogue: one statement built once
        return list(db.session.scalars(statements.built("indicators.all", lambda _kind: select(Indicator)
                                                        .order_by(Indicator.id))))
    return list(db.session.scalars(select(Indicator).where(Indicator.active.is_(True)).order_by(Indicator.id)))


def get_indicator(indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("No such indicator.")
    return indicator


def require_active_indicator(indicator_id: int, field: str = "indicator_id") -> Indicator:
    """For a new goal: the indicator exists and is in use (422 beside the field otherwise)."""
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or not indicator.active:
        raise InvalidInput(f"Invalid input: {field}",
                           errors={field: ["Choose one of the active common indicators."]})
    return indicator


def _check_code_free(code: str, indicator_id: int | None) -> None:
    clash = db.session.scalar(select(Indicator.id).where(func.lower(Indicator.code) == code.lower(),
                                                         Indicator.id != (indicator_id or 0)))
    if clash is not None:
        raise InvalidInput("Invalid input: code", errors={"code": ["Another indicator has this code."]})


def create_indicator(data: dict[str, Any]) -> Indicator:
    _check_code_free(data["code"], None)
    indicator = Indicator(**{name: data[name] for name in INDICATOR_FIELDS if name in data})
    db.session.add(indicator)
    audit.record_create(indicator, "indicator", reason=data.get("reason"))
    return indicator


def update_indicator(indicator: Indicator, data: dict[str, Any]) -> Indicator:
    if "code" in data:
        _check_code_free(data["code"], indicator.id)
    before = audit.snapshot(indicator, exclude=frozenset({"updated_at", "version"}))
    for name in INDICATOR_FIELDS:
        if name in data:
            setattr(indicator, name, data[name])
    audit.record_update(indicator, "indicator", before, reason=data.get("reason"),
                        exclude=frozenset({"updated_at", "version"}))
    return indicator


def ensure_default_indicators() -> list[Indicator]:
    """The five common indicators of the strategy, added where their code is missing (idempotent,
    audited). For the demo loader, `flask portfolio seed-indicators` and the lead's data migration."""
    known = set(db.session.scalars(select(Indicator.code)))
    added = []
    for values in DEFAULT_INDICATORS:
        if values["code"] not in known:
            added.append(create_indicator({**values, "reason": coded("default_indicators")}))
    return added


def indicator_ids_by_code() -> dict[str, int]:
    return dict(db.session.execute(select(Indicator.code, Indicator.id)).all())
