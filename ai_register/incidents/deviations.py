"""Deviation reports (avvikelser) by any member of staff: the short report, one's own reports, and
compliance's triage of the reports whose solution the reporter could not name.

A report about a named solution becomes an incident at once (assessment and duties of `services`); a
"don't know" waits in the triage queue until compliance names the solution. Either way the incident's
legal deadlines run from the report's time, not from the triage. Owners and compliance are notified.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import String, bindparam, cast, func, or_, select
from sqlalchemy.orm import joinedload

from ai_register.apikit import page_window
from ai_register.audit import services as audit
from ai_register.exceptions import Conflict, InvalidInput, NotFound
from ai_register.extensions import db
from ai_register.incidents import services as incidents
from ai_register.incidents.models import (
    DEVIATION_HARMS,
    DEVIATION_IN_TRIAGE,
    DEVIATION_NOT_IN_REGISTER,
    DEVIATION_REGISTERED,
    Deviation,
)
from ai_register.notifications import services as notifications
from ai_register.solutions import name_order
from ai_register.solutions.models import Solution
from ai_register.users.models import User, utcnow

ENTITY = "deviation"
# Only solutions in use take a deviation: in pilot, rollout or management (DOMAIN.md, the staff role).
IN_USE = ("pilot", "rollout", "management")
SEARCH_LIMIT = 20
TRIAGE_PER_PAGE = 20
# A search looks for its matches among this many solutions in use in name order first (search_solutions).
FIRST = name_order.FIRST
# The staff member's yes / no / don't know, as the incident's harm: "yes" is harm whose degree the
# assessment decides; "don't know" stays unknown until someone finds out.
INCIDENT_HARM = {"yes": "harm", "no": "none", "unknown": "unknown"}


class Row(NamedTuple):
    """A solution as the report form's search shows it."""

    id: int
    name: str
    care_units: list


def _in_use():
    """The phases as literal values in the statement, so the planner matches the partial indexes kept for the
    search (solutions.models, `ix_solutions_in_use_*`): a bound parameter does not prove their predicate."""
    return Solution.phase.in_(bindparam("in_use", IN_USE, expanding=True, literal_execute=True))


def search_solutions(q: str, *, limit: int = SEARCH_LIMIT) -> list[Row]:
    """Solutions in use whose name or care unit holds `q` (every one of them for an empty `q`, up to
    `limit`), in name order: their id, name and care units, which is all a staff member sees of them.

    Read from the index of the names in use (ix_solutions_in_use_name): without `q` its first entries; with
    it, the matches among its first FIRST entries, which are the first matches of all when there are
    `limit` of them (a word most solutions hold). Otherwise all matches are found (through the trigram
    indexes of the names and care units on PostgreSQL) and the first of them in name order kept: a rare
    word, or one whose solutions lie together further on in name order (their names start alike)."""
    columns = select(Solution.id, Solution.name, Solution.care_units).where(_in_use())
    in_order = (Solution.name, Solution.id)
    needle = q.strip().lower()[:200]
    if not needle:
        return [Row(*row) for row in db.session.execute(columns.order_by(*in_order).limit(limit))]

    def matching(rows):
        pattern = f"%{name_order.like_escaped(needle)}%"
        return or_(func.lower(rows.c.name).like(pattern, escape="/"),
                   func.lower(cast(rows.c.care_units, String)).like(pattern, escape="/"))

    found = name_order.first_matches(columns, matching, limit, first=FIRST)
    return [Row(*row) for row in found]


def solution_in_use(solution_id: int | None) -> Solution | None:
    if solution_id is None:
        return None
    solution = db.session.get(Solution, incidents.require_id(solution_id, "solution"))
    if solution is None or solution.phase not in IN_USE:
        raise InvalidInput("Invalid input: solution_id", errors={"solution_id": [
                           "Choose a solution in pilot, rollout or management, or “don't know”."]})
    return solution


def report_deviation(reporter: User, data: dict) -> Deviation:
    """The report as given; an incident at once when the solution is named, else a triage item."""
    now = utcnow()
    errors: dict[str, list[str]] = {}
    what = (data.get("what_happened") or "").strip()
    if len(what) < 3:
        errors["what_happened"] = ["Describe what happened."]
    occurred = data.get("occurred_at")
    if not isinstance(occurred, datetime):
        errors["occurred_at"] = ["Say when it happened."]
    elif incidents.as_utc(occurred).timestamp() > now.timestamp() + 300:
        errors["occurred_at"] = ["Must not be in the future."]
    if data.get("patient_harm") not in DEVIATION_HARMS:
        errors["patient_harm"] = ["Answer yes, no or don't know."]
    if errors:
        raise InvalidInput("Invalid input: " + ", ".join(sorted(errors)), errors=errors)
    solution = solution_in_use(data.get("solution_id"))
    deviation = Deviation(
        reported_by_id=reporter.id, reported_at=now, what_happened=what, occurred_at=incidents.as_utc(occurred),
        solution_id=solution.id if solution else None, patient_harm=data["patient_harm"],
        case_number=(data.get("case_number") or "").strip()[:64] or None,
        care_unit=(data.get("care_unit") or "").strip()[:200] or None,
        status=DEVIATION_IN_TRIAGE,
    )
    db.session.add(deviation)
    db.session.flush()
    audit.record_create(deviation, ENTITY, solution_id=deviation.solution_id)
    if solution is not None:
        _register(deviation, solution)
    else:
        notifications.notify_many(notifications.compliance_user_ids(), "deviation_triage",
                                  subject_type=ENTITY, subject_id=deviation.id,
                                  params={"deviation_id": deviation.id}, link="/deviations/triage")
    return deviation


def _register(deviation: Deviation, solution: Solution) -> None:
    """The incident of a deviation, reported at the deviation's time, and the owners and compliance told."""
    reporter = db.session.get(User, deviation.reported_by_id)
    incident = incidents.create_incident(solution, {
        "what_happened": deviation.what_happened, "occurred_at": incidents.as_utc(deviation.occurred_at),
        "became_aware_at": incidents.as_utc(deviation.reported_at), "care_unit": deviation.care_unit,
        "patient_harm": INCIDENT_HARM[deviation.patient_harm],
    }, reporter=reporter, reported_at=incidents.as_utc(deviation.reported_at))
    before = audit.snapshot(deviation)
    deviation.solution_id = solution.id
    deviation.incident_id = incident.id
    deviation.status = DEVIATION_REGISTERED
    audit.record_update(deviation, ENTITY, before, solution_id=solution.id)
    people = notifications.active_users(solution.owner_ids()) + notifications.compliance_user_ids()
    notifications.notify_many(people, "deviation_reported", subject_type="incident", subject_id=incident.id,
                              solution_id=solution.id,
                              params={"solution": solution.name, "incident_id": incident.id},
                              link=f"/incidents/{incident.id}")


def own_deviations(user: User, *, limit: int = 200) -> list[Deviation]:
    """The reporter's latest reports, each with its incident (the page says where it stands)."""
    return list(db.session.scalars(select(Deviation).where(Deviation.reported_by_id == user.id)
                                   .options(joinedload(Deviation.incident))
                                   .order_by(Deviation.reported_at.desc(), Deviation.id.desc()).limit(limit)))


def triage_queue(page: int = 1, per_page: int | None = None) -> dict:
    """A page of the reports waiting for triage, oldest first, each with its reporter (the page names them),
    and how many wait; a page past the last is the last."""
    per_page = per_page or TRIAGE_PER_PAGE
    waiting = Deviation.status == DEVIATION_IN_TRIAGE
    total = db.session.scalar(select(func.count(Deviation.id)).where(waiting))
    page = max(1, min(page, -(-total // per_page)))
    offset, limit = page_window(page, per_page)
    items = list(db.session.scalars(select(Deviation).where(waiting).options(joinedload(Deviation.reported_by))
                                    .order_by(Deviation.reported_at, Deviation.id).offset(offset).limit(limit)))
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def get_deviation(deviation_id: int) -> Deviation:
    deviation = db.session.get(Deviation, incidents.require_id(deviation_id, "deviation"))
    if deviation is None:
        raise NotFound("No such deviation.")
    return deviation


def triage(deviation: Deviation, triager: User, *, solution_id: int | None, note: str | None) -> Deviation:
    """Compliance names the solution (the incident is created, its deadlines from the report's time) or
    records that the report concerns no AI solution of the register (a note says why)."""
    if deviation.status != DEVIATION_IN_TRIAGE:
        raise Conflict("This report is already triaged.")
    note = (note or "").strip() or None
    if solution_id is None and not note:
        raise InvalidInput("Invalid input: triage_note", errors={"triage_note": [
                           "Say why the report concerns no AI solution in the register."]})
    solution = solution_in_use(solution_id) if solution_id is not None else None
    before = audit.snapshot(deviation)
    deviation.triaged_by_id, deviation.triaged_at, deviation.triage_note = triager.id, utcnow(), note
    if solution is None:
        deviation.status = DEVIATION_NOT_IN_REGISTER
        audit.record_update(deviation, ENTITY, before)
    else:
        audit.record_update(deviation, ENTITY, before, solution_id=solution.id)
        _register(deviation, solution)
    return deviation
