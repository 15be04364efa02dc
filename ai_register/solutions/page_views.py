"""Everything the solution page shows, read through the services of the areas that own it: web code of
the solutions area (views.py's `show` renders it with solutions/show.html; the shell's charts and gate
checklist build its parts)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ai_register import statements
from ai_register.audit.models import AuditEvent
from ai_register.classification import results
from ai_register.classification import services as classification
from ai_register.classification.rulesets import active_ruleset
from ai_register.classification.validity import latest_decided_of, obligations_checklist
from ai_register.evidence import services as evidence
from ai_register.extensions import db
from ai_register.goals import services as goals
from ai_register.incidents import services as incidents
from ai_register.incidents.models import Incident
from ai_register.oversight.rules import MONITORS
from ai_register.solutions import plans, services
from ai_register.solutions.access import READ_ONLY_PHASES, can_write
from ai_register.solutions.detail import solution_detail
from ai_register.solutions.lifecycle.phases import PHASE_ORDER, Phase
from ai_register.solutions.models import Decision, Solution, TransitionRequest
from ai_register.users.models import User
from ai_register.web import charts, gates

RECENT_EVENTS = 15
# The phases whose page shows the rollout plan, and the decommissioning checklist.
ROLLOUT_SHOWN = (Phase.PILOT, Phase.ROLLOUT, Phase.MANAGEMENT)
CHECKLIST_SHOWN = (Phase.DECOMMISSIONING, Phase.RETIRED)


# The history names who requested and decided each move and decision: read with them, not one by one.
_WITH_PEOPLE = (joinedload(TransitionRequest.requested_by), joinedload(TransitionRequest.decided_by))


def transitions_of(solution: Solution) -> list[TransitionRequest]:
    return list(
        db.session.scalars(
            select(TransitionRequest)
            .where(TransitionRequest.solution_id == solution.id)
            .options(*_WITH_PEOPLE)
            .order_by(TransitionRequest.requested_at, TransitionRequest.id)
        )
    )


def decisions_of(solution: Solution) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.solution_id == solution.id)
            .options(joinedload(Decision.decided_by))
            .order_by(Decision.decided_on, Decision.id)
        )
    )


def timeline(solution: Solution, transitions: list[TransitionRequest]) -> list[dict]:
    """The six phases with the day each was entered; the current one marked, and earlier phases the
    solution never went through (terminated before rollout, say) marked skipped rather than done."""
    entered: dict[str, object] = {Phase.NEEDS_ANALYSIS.value: solution.created_at}
    for request in transitions:
        if request.status in ("approved", "applied") and request.decided_at is not None:
            entered[request.to_phase] = request.decided_at
    here = PHASE_ORDER.index(Phase(solution.phase))
    steps = []
    for index, phase in enumerate(PHASE_ORDER):
        state = "done" if index < here else "current" if index == here else "future"
        if state == "done" and phase.value not in entered:
            state = "skipped"
        if phase is Phase.RETIRED and index == here:
            state = "done"
        steps.append({"phase": phase.value, "state": state, "entered": entered.get(phase.value)})
    return steps


def history(transitions: list[TransitionRequest], decisions: list[Decision]) -> list[dict]:
    """Phase changes and follow-up decisions in one story, newest first."""
    items = [{"kind": "transition", "when": t.decided_at or t.requested_at, "item": t} for t in transitions]
    items += [{"kind": "decision", "when": d.created_at, "item": d} for d in decisions]
    return sorted(items, key=lambda entry: _sortable(entry["when"]), reverse=True)


def _sortable(moment):
    return moment.replace(tzinfo=None) if moment is not None and moment.tzinfo is not None else moment


def goal_cards(goal_list: list) -> list[dict]:
    cards = []
    for goal in goal_list:
        points = [(m.measured_on, m.value) for m in goal.measurements]
        chart = charts.series_chart(points, baseline=goal.baseline, target=goal.target)
        cards.append({"goal": goal, "chart": chart})
    return cards


def evidence_rows(records: list, today: date) -> list[dict]:
    rows = []
    for record in records:
        valid = record.valid_on(today)
        soon = record.expires_on is not None and valid and (record.expires_on - today).days <= 60
        rows.append({"record": record, "valid": valid, "expiring": soon})
    return rows


def _events_statement(_kind: str):
    return (select(AuditEvent.action, AuditEvent.entity_type, AuditEvent.occurred_at, AuditEvent.actor_id,
                   AuditEvent.channel, AuditEvent.reason, AuditEvent.data, User.id.label("user_id"),
                   User.display_name)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.solution_id == bindparam("solution_id"))
            .order_by(AuditEvent.position.desc())
            .limit(bindparam("limit")))


def audit_events(solution: Solution, limit: int = RECENT_EVENTS) -> tuple[list, dict[int, object]]:
    """The latest events of the solution's trail, newest first, and the people who acted in them (by id: their
    `display_name`), in one statement, as plain rows: the page shows them and changes none (as objects they
    would cost loading and expiry at the request's commit)."""
    rows = db.session.execute(statements.built("solutions.page.events", _events_statement),
                              {"solution_id": solution.id, "limit": limit}).all()
    return rows, {row.actor_id: row for row in rows if row.user_id is not None}


def recent_incidents(solution: Solution, user: User, limit: int = 5) -> list[Incident]:
    query = incidents.incidents_query(user, solution_id=solution.id)
    return list(db.session.scalars(query.order_by(Incident.occurred_at.desc()).limit(limit)))


def build(solution: Solution, user: User) -> dict:
    """The page's data for `user` (the reader); `solution` read with `detail.detail_load_options()` (its
    owners, pending move, kept classification summary and current oversight assignment come with it)."""
    today = services.region_today()
    # Every version once, newest first: the page's list, the detail's summary where no kept one exists, the
    # obligations and the gate checklist (with the version waiting for review).
    versions = classification.classifications_of(solution)
    detail = solution_detail(solution, versions=versions[::-1])
    transitions = transitions_of(solution)
    decisions = decisions_of(solution)
    events, actors = audit_events(solution)
    phase = Phase(solution.phase)
    goal_list, benefit = goals.goals_for(solution.id), goals.benefit_for(solution.id)
    records = evidence.evidence_for(solution.id)
    # Read once and handed to the gate checklist: the versions, and the rollout plan's units and the
    # decommissioning checklist's items where the page shows them.
    shown = {"classifications": versions}
    if phase in ROLLOUT_SHOWN:
        shown["rollout"] = plans.rollout_units(solution)
    if phase in CHECKLIST_SHOWN:
        shown["decommissioning"] = plans.checklist_items(solution)
    return {
        "solution": solution,
        "detail": detail,
        "today": today,
        "can_edit": can_write(solution, user) and solution.phase not in READ_ONLY_PHASES,
        "timeline": timeline(solution, transitions),
        "history": history(transitions, decisions),
        "pending": detail.get("pending_transition"),
        "gate": gates.checklist(solution, today, assignment=solution.current_oversight, goal_list=goal_list,
                                benefit=benefit, evidence_list=records, **shown),
        "classification": detail.get("current_classification"),
        "classifications": versions,
        "obligations": results.obligations_in_language(
            obligations_checklist(solution, today, latest=latest_decided_of(versions)), active_ruleset()
        ),
        "oversight": solution.current_oversight,
        "monitors": MONITORS,
        "goals": goal_cards(goal_list),
        "benefit": benefit,
        "evidence": evidence_rows(records, today),
        "rollout": plans.rollout_plan(solution, shown["rollout"]) if phase in ROLLOUT_SHOWN else None,
        "checklist": (plans.decommissioning_checklist(solution, shown["decommissioning"])
                      if phase in CHECKLIST_SHOWN else None),
        "incidents": recent_incidents(solution, user),
        "events": events,
        "people": actors,
    }
