"""Recording and listing AI-literacy measures; the facts the region-policy rollout rule reads."""

from __future__ import annotations

from sqlalchemy import or_, select

from ai_register.addresses import web_address_errors
from ai_register.audit import services as audit
from ai_register.evidence.models import Evidence
from ai_register.exceptions import InvalidInput, NotAllowed
from ai_register.extensions import db
from ai_register.literacy.models import LiteracyMeasure
from ai_register.literacy.rules import MeasureFact
from ai_register.security import COMPLIANCE
from ai_register.users.models import User

ENTITY = "literacy_measure"


def _clean(values) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values or () if v and v.strip()))


def record_measure(solution, data: dict, *, by: User) -> LiteracyMeasure:
    """A measure for one solution's staff (owners, compliance), or region-wide (`solution` None; compliance)."""
    if solution is None and by.role != COMPLIANCE:
        raise NotAllowed("Only compliance records region-wide measures.")
    errors: dict[str, list[str]] = {}
    evidence_id = data.get("material_evidence_id")
    if evidence_id is not None:
        evidence = db.session.get(Evidence, evidence_id)
        if evidence is None or solution is None or evidence.solution_id != solution.id:
            errors["material_evidence_id"] = ["No such evidence for this solution."]
    if link_errors := web_address_errors(data.get("material_link")):
        errors["material_link"] = link_errors
    if errors:
        raise InvalidInput("The measure cannot be saved.", errors=errors)
    measure = LiteracyMeasure(
        solution_id=solution.id if solution is not None else None, kind=data["kind"], title=data["title"].strip(),
        description=(data.get("description") or "").strip() or None, user_groups=_clean(data.get("user_groups")),
        care_units=_clean(data.get("care_units")), held_on=data["held_on"], reached=data.get("reached"),
        material_evidence_id=evidence_id, material_link=data.get("material_link"), created_by_id=by.id)
    db.session.add(measure)
    audit.record_create(measure, ENTITY, solution_id=measure.solution_id, reason=data.get("reason"))
    return measure


def measures_for(solution_id: int | None, *, include_region: bool = True) -> list[LiteracyMeasure]:
    """A solution's measures (and the region-wide ones), newest first; None: only the region-wide ones."""
    if solution_id is None:
        where = LiteracyMeasure.solution_id.is_(None)
    elif include_region:
        where = or_(LiteracyMeasure.solution_id == solution_id, LiteracyMeasure.solution_id.is_(None))
    else:
        where = LiteracyMeasure.solution_id == solution_id
    return list(db.session.scalars(select(LiteracyMeasure).where(where)
                                   .order_by(LiteracyMeasure.held_on.desc(), LiteracyMeasure.id.desc())))


def measure_facts(solution_id: int) -> tuple[MeasureFact, ...]:
    return tuple(measure_fact(m) for m in measures_for(solution_id))


def measure_fact(measure: LiteracyMeasure) -> MeasureFact:
    return MeasureFact(measure.held_on, frozenset(measure.care_units or ()), measure.solution_id is None)
