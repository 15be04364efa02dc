"""FRIA versions of a solution: written by its owners (or compliance), submitted, approved or returned by
compliance (four eyes), exported for the Art 27(3) notification. Audited; the request commits."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import func, select

from ai_register import preconditions
from ai_register.audit import services as audit
from ai_register.evidence.models import Evidence
from ai_register.evidence.services import evidence_for
from ai_register.exceptions import Conflict, FourEyes, InvalidInput, RoleNotAllowed
from ai_register.extensions import db
from ai_register.fria import rules
from ai_register.fria.models import FriaAssessment
from ai_register.obligations.services import _region_day
from ai_register.oversight.models import OversightAssignment
from ai_register.oversight.services import current_oversight
from ai_register.security import COMPLIANCE
from ai_register.solutions.access import get_child
from ai_register.solutions.lifecycle.facts import EvidenceFact, EvidenceType
from ai_register.solutions.models import Solution
from ai_register.solutions.services import owner_ids_since
from ai_register.users.models import User, utcnow

ENTITY = "fria"
NOT_AUDITED = frozenset({"updated_at", "lock_version"})
TEMPLATE_PATH = Path(__file__).with_name("notification_template.yaml")
EVIDENCE_LINKS = {"instructions_evidence_id": "instructions_for_use", "dpia_evidence_id": "dpia",
                  "attachment_evidence_id": None}


# --------------------------------------------------------------------------- reading


def versions_of(solution_id: int) -> list[FriaAssessment]:
    return list(db.session.scalars(select(FriaAssessment).where(FriaAssessment.solution_id == solution_id)
                                   .order_by(FriaAssessment.version.desc())))


def get_fria(fria_id: int, user: User, *, write: bool = False) -> FriaAssessment:
    """The version if `user` may see its solution (404 otherwise); for `write`, may change it."""
    return get_child(FriaAssessment, fria_id, user, for_write=write, what="FRIA")


def approved_fria(solution_id: int) -> FriaAssessment | None:
    """The latest approved version: the one that counts."""
    return db.session.scalar(select(FriaAssessment).where(
        FriaAssessment.solution_id == solution_id, FriaAssessment.status == rules.APPROVED)
        .order_by(FriaAssessment.version.desc()).limit(1))


def approved_on(record: FriaAssessment) -> date | None:
    return _region_day(record.reviewed_at) if record.reviewed_at else None


def outdated_reasons(record: FriaAssessment) -> list[str]:
    """Art 27(2): what changed since this version, so that it should be updated."""

    reasons = []
    current = current_oversight(record.solution_id)
    if current is not None and current.id != record.oversight_assignment_id:
        reasons.append("oversight_owner_changed")
    return reasons


def require_if_match(record: FriaAssessment, if_match: str | None) -> None:
    """As every versioned record (preconditions.py): `If-Match: *` names no version and is refused too."""
    preconditions.require_if_match(record.lock_version, if_match, "FRIA")


# --------------------------------------------------------------------------- writing


def _check(solution: Solution, values: dict) -> dict:
    errors: dict = {}
    for name, kind in EVIDENCE_LINKS.items():
        evidence_id = values.get(name)
        if evidence_id is None:
            continue
        evidence = db.session.get(Evidence, evidence_id)
        if evidence is None or evidence.solution_id != solution.id or (kind and evidence.type != kind):
            errors[name] = ["No such evidence of the right type for this solution."]
    risk_errors = rules.risk_errors(values.get("risks") or [])
    if risk_errors:
        errors["risks"] = risk_errors
    return errors


def _apply(record: FriaAssessment, values: dict) -> None:
    for name in (*rules.TEXT_FIELDS, "risks", *EVIDENCE_LINKS):
        if name in values:
            value = values[name]
            setattr(record, name, value.strip() or None if isinstance(value, str) else value)
    current = current_oversight(record.solution_id)
    record.oversight_assignment_id = current.id if current is not None else None


def create_version(solution: Solution, data: dict, *, by: User) -> FriaAssessment:
    """A new version: the first, or an update of the latest (Art 27(2)), starting from its content."""
    versions = versions_of(solution.id)
    if any(v.status in rules.OPEN_STATUSES for v in versions):
        raise Conflict("A FRIA version is already being written or reviewed; finish it first.")
    latest = versions[0] if versions else None
    values = {name: getattr(latest, name) for name in (*rules.TEXT_FIELDS, "risks", *EVIDENCE_LINKS)} if latest else {}
    values.update({k: v for k, v in data.items() if k != "reason"})
    errors = _check(solution, values)
    if errors:
        raise InvalidInput("The FRIA cannot be saved.", errors=errors)
    number = (db.session.scalar(select(func.max(FriaAssessment.version))
                                .where(FriaAssessment.solution_id == solution.id)) or 0) + 1
    record = FriaAssessment(solution_id=solution.id, version=number, status=rules.DRAFT, risks=[],
                            created_by_id=by.id)
    _apply(record, values)
    db.session.add(record)
    audit.record_create(record, ENTITY, solution_id=solution.id, reason=data.get("reason"), exclude=NOT_AUDITED)
    return record


def update_version(record: FriaAssessment, data: dict, *, by: User) -> FriaAssessment:
    """Edit a draft or a returned version (it becomes a draft again). An approved version takes only the
    date and reference of the notification to the market surveillance authority (Art 27(3))."""
    solution = db.session.get(Solution, record.solution_id)
    before = audit.snapshot(record, exclude=NOT_AUDITED)
    content = {k: v for k, v in data.items() if k not in ("reason", "notified_on", "notification_reference")}
    if record.status == rules.APPROVED:
        if content:
            raise Conflict("An approved FRIA is not changed; write a new version to update it (Art 27(2)).")
    elif record.status not in rules.EDITABLE_STATUSES:
        raise Conflict("The FRIA is with compliance for review; it can be changed once returned.")
    elif any(k in data for k in ("notified_on", "notification_reference")):
        raise Conflict("The notification is recorded once the FRIA is approved.")
    if content:
        values = {name: getattr(record, name) for name in (*rules.TEXT_FIELDS, "risks", *EVIDENCE_LINKS)}
        values.update(content)
        errors = _check(solution, values)
        if errors:
            raise InvalidInput("The FRIA cannot be saved.", errors=errors)
        _apply(record, content)
        record.status = rules.DRAFT
    for name in ("notified_on", "notification_reference"):
        if name in data:
            setattr(record, name, data[name])
    audit.record_update(record, ENTITY, before, solution_id=solution.id, reason=data.get("reason"),
                        exclude=NOT_AUDITED, actor_id=by.id)
    return record


def submit(record: FriaAssessment, reason: str | None = None, *, by: User) -> FriaAssessment:
    if record.status not in rules.EDITABLE_STATUSES:
        raise Conflict("Only a draft or a returned FRIA can be submitted.")
    missing = rules.missing_points({name: getattr(record, name) for name in
                                    (*rules.TEXT_FIELDS, "risks", "dpia_evidence_id")})
    if missing:
        raise InvalidInput("The FRIA is not complete: every point of Art 27(1) is needed.", errors=missing)
    before = audit.snapshot(record, exclude=NOT_AUDITED)
    record.status, record.submitted_by_id, record.submitted_at = rules.SUBMITTED, by.id, utcnow()
    audit.record_update(record, ENTITY, before, solution_id=record.solution_id, action="submit", reason=reason,
                        exclude=NOT_AUDITED)
    return record


def review(record: FriaAssessment, outcome: str, note: str | None, *, by: User) -> FriaAssessment:
    """Approve or return a submitted version: compliance, not who wrote or submitted it and not an owner or
    co-owner of the solution since it was written (four eyes)."""

    user = by
    if user.role != COMPLIANCE:
        raise RoleNotAllowed("Your role may not do this.")
    if record.status != rules.SUBMITTED:
        raise Conflict("Only a submitted FRIA can be reviewed.")
    if user.id in (record.created_by_id, record.submitted_by_id):
        raise FourEyes("Four eyes: you wrote or submitted this FRIA, so another compliance officer must review it.",
                       because="answered" if user.id == record.created_by_id else "submitted")
    solution = db.session.get(Solution, record.solution_id)
    if user.id in owner_ids_since(solution, record.created_at):
        raise FourEyes("Four eyes: you are, or were since this version was written, an owner or co-owner of this "
                       "solution, so another compliance officer must review it.", because="owner")
    if outcome == rules.RETURNED and not (note or "").strip():
        raise InvalidInput("Say what needs to change.", errors={"note": ["Required to return the FRIA."]})
    before = audit.snapshot(record, exclude=NOT_AUDITED)
    record.status, record.reviewed_by_id, record.reviewed_at = outcome, user.id, utcnow()
    record.review_note = (note or "").strip() or None
    audit.record_update(record, ENTITY, before, solution_id=record.solution_id,
                        action="approve" if outcome == rules.APPROVED else "return", reason=record.review_note,
                        exclude=NOT_AUDITED)
    return record


# --------------------------------------------------------------------------- the gate and the export


def gate_fact(solution_id: int):
    """The approved FRIA as the rollout gate's FRIA evidence (issued the day it was approved)."""

    return gate_fact_of(approved_fria(solution_id))


def gate_fact_of(record: FriaAssessment | None) -> EvidenceFact | None:
    if record is None or record.reviewed_at is None:
        return None
    return EvidenceFact(EvidenceType.FRIA, approved_on(record))


@lru_cache(maxsize=4)
def _template(path: str) -> dict:
    with open(path, encoding="utf-8") as source:
        return yaml.safe_load(source)


def notification_template() -> dict:
    return _template(str(current_app.config.get("FRIA_TEMPLATE") or TEMPLATE_PATH))


def notification_export(record: FriaAssessment, lang: str = "en") -> dict:
    """The Art 27(3) notification of this version, as the data-driven template maps it."""

    solution = db.session.get(Solution, record.solution_id)
    evidence = {e.id: e for e in evidence_for(solution.id)}
    registration = next((e for e in evidence.values() if e.type == "eu_database_registration"), None)
    dpia = db.session.get(Evidence, record.dpia_evidence_id) if record.dpia_evidence_id else None
    assignment = db.session.get(OversightAssignment, record.oversight_assignment_id) \
        if record.oversight_assignment_id else None
    context: dict[str, Any] = {
        "organisation": current_app.config.get("ORGANISATION") or {},
        "solution": {"name": solution.name, "purpose": solution.purpose,
                     "eu_database_id": registration.reference if registration else None},
        "fria": {**{name: getattr(record, name) for name in (*rules.TEXT_FIELDS, "risks")},
                 "version": record.version,
                 "approved_on": approved_on(record).isoformat() if approved_on(record) else None},
        "oversight": {"name": assignment.owner.get("name")} if assignment else {},
        "dpia": {"title": dpia.title, "reference": dpia.reference} if dpia else {},
    }
    return {"solution_id": solution.id, "fria_id": record.id, "status": record.status,
            **rules.notification(notification_template(), context, lang)}


def gate_evidence(evidence: tuple, solution_id: int) -> tuple:
    """The evidence the gates see, with the FRIA taken from the register's record: an approved FRIA
    version counts; an uploaded FRIA document alone does not (it can be attached to the version),
    unless the region allows uploads (AI_REGISTER_FRIA_UPLOAD_COUNTS) while it moves its FRIAs over."""

    return gate_evidence_with(evidence, gate_fact(solution_id))


def gate_evidence_with(evidence: tuple, fact: EvidenceFact | None) -> tuple:
    """`gate_evidence` with the solution's FRIA fact (`gate_fact`) in hand."""
    if not current_app.config.get("FRIA_UPLOAD_COUNTS", False):
        evidence = tuple(e for e in evidence if e.type != EvidenceType.FRIA)
    return (*evidence, fact) if fact is not None else tuple(evidence)
