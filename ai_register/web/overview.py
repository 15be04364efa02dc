"""The start page: counts by phase, AI Act category and device class, what awaits the reader, and
recent changes. Read-only; every list comes from the visible solutions of the reader."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ai_register.audit.models import AuditEvent
from ai_register.classification.models import DRAFT, REJECTED, Classification
from ai_register.extensions import db
from ai_register.oversight.models import OversightAssignment
from ai_register.oversight.rules import confirmation_due_on
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER
from ai_register.solutions import services
from ai_register.solutions.lifecycle import PHASE_ORDER
from ai_register.solutions.models import Solution
from ai_register.users.models import User
from ai_register.web import charts, gates, labels, review

DEVICE_ORDER = ("I", "Im", "IIa", "IIb", "III", "A", "A_sterile", "B", "C", "D")
RECENT = 8
CONFIRM_AHEAD_DAYS = 30


def _visible(user) -> list[Solution]:
    return list(db.session.scalars(services.solutions_query(user, {}).order_by(Solution.name)))


def _phase_chart(solutions) -> dict:
    counts = Counter(s.phase for s in solutions)
    return charts.bar_chart([(labels.phase_label(p.value), counts.get(p.value, 0)) for p in PHASE_ORDER])


def _category_chart(solutions) -> dict:
    counts = Counter(s.current_ai_act_category for s in solutions)
    order = ["prohibited", "high_risk", "limited_risk", "minimal_risk", "out_of_scope", "needs_review", None]
    return charts.bar_chart(
        [(labels.category_label(c), counts.get(c, 0), labels.CATEGORY_TONE.get(c, "neutral")) for c in order]
    )


def _device_chart(solutions) -> dict:
    counts = Counter(s.current_device_class for s in solutions)
    rows = [
        (str(_l("Class %(c)s", c=c.replace("_sterile", " sterile"))), counts[c])
        for c in DEVICE_ORDER
        if counts.get(c)
    ]
    rows.append((str(_l("No device class")), counts.get(None, 0)))
    return charts.bar_chart(rows)


def _latest_versions(solution_ids: list[int]) -> dict[int, Classification]:
    if not solution_ids:
        return {}
    latest = (
        select(Classification.solution_id, func.max(Classification.version).label("v"))
        .where(Classification.solution_id.in_(solution_ids))
        .group_by(Classification.solution_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(Classification).join(
            latest,
            (Classification.solution_id == latest.c.solution_id) & (Classification.version == latest.c.v),
        )
    )
    return {c.solution_id: c for c in rows}


def owner_tasks(user, solutions: list[Solution], today) -> list[dict]:
    """What an owner should do next on their own solutions."""
    tasks: list[dict] = []
    mine = [s for s in solutions if user.id in s.owner_ids() and s.phase != "retired"]
    latest = _latest_versions([s.id for s in mine])
    for solution in mine:
        version = latest.get(solution.id)
        if version is not None and version.status == DRAFT:
            tasks.append(
                {"kind": "draft", "solution": solution, "text": _l("Classification draft to submit")}
            )
        elif version is not None and version.status == REJECTED:
            tasks.append(
                {
                    "kind": "rejected",
                    "solution": solution,
                    "text": _l("Classification rejected: answer again"),
                }
            )
        if solution.needs_rereview:
            tasks.append(
                {"kind": "rereview", "solution": solution, "text": _l("Rule set changed: classify again")}
            )
        if solution.next_review_on is not None and solution.next_review_on < today:
            tasks.append(
                {
                    "kind": "overdue",
                    "solution": solution,
                    "text": _l(
                        "Periodic review overdue since %(day)s", day=solution.next_review_on.isoformat()
                    ),
                }
            )
        if solution.status == "paused":
            tasks.append(
                {"kind": "paused", "solution": solution, "text": _l("Paused: decide to resume or terminate")}
            )
            continue
        if services.pending_request(solution) is not None:
            tasks.append(
                {"kind": "pending", "solution": solution, "text": _l("Phase change awaiting approval")}
            )
            continue
        checklist = gates.checklist(solution, today)
        if checklist is None:
            continue
        missing = len(checklist.rows) - checklist.met_count
        phase = labels.phase_name(checklist.to.value)
        if missing:
            tasks.append(
                {
                    "kind": "gate",
                    "solution": solution,
                    "missing": missing,
                    "text": _l(
                        "%(n)d of %(total)d conditions for %(phase)s missing",
                        n=missing,
                        total=len(checklist.rows),
                        phase=phase,
                    ),
                }
            )
        else:
            tasks.append(
                {"kind": "ready", "solution": solution, "text": _l("Ready: request %(phase)s", phase=phase)}
            )
    return tasks


def confirmations_due(user, today) -> list[dict]:
    """Oversight assignments the reader confirms themself, due within a month or overdue."""
    assignments = db.session.scalars(
        select(OversightAssignment).where(
            OversightAssignment.user_id == user.id, OversightAssignment.ended_at.is_(None)
        )
    )
    due = []
    for assignment in assignments:
        day = confirmation_due_on(assignment.accepted_on, assignment.confirmed_on)
        if day is None or (day - today).days <= CONFIRM_AHEAD_DAYS:
            due.append(
                {
                    "assignment": assignment,
                    "solution": db.session.get(Solution, assignment.solution_id),
                    "due": day,
                    "overdue": day is None or day < today,
                }
            )
    return due


@dataclass(frozen=True)
class Change:
    """The latest of `count` consecutive events of one kind on one solution (e.g. seven checklist ticks)."""

    event: AuditEvent
    count: int = 1


def recent_changes(user, solutions: list[Solution]) -> list[Change]:
    query = select(AuditEvent).where(AuditEvent.solution_id.is_not(None)).order_by(AuditEvent.position.desc())
    if user.role == OWNER:
        ids = [s.id for s in solutions]
        if not ids:
            return []
        query = query.where(AuditEvent.solution_id.in_(ids))
    changes: list[Change] = []
    # A run of the same change (ticking a checklist, recording values) would fill the list on its own.
    for event in db.session.scalars(query.limit(RECENT * 6)):
        last = changes[-1].event if changes else None
        if last is not None and (last.solution_id, last.action, last.entity_type) == (
                event.solution_id, event.action, event.entity_type):
            changes[-1] = Change(last, changes[-1].count + 1)
        elif len(changes) == RECENT:
            break
        else:
            changes.append(Change(event))
    return changes


def build(user) -> dict:
    today = services.region_today()
    if user.role == ADMIN:
        return {"admin": True}
    solutions = _visible(user)
    events = recent_changes(user, solutions)
    data = {
        "admin": False,
        "today": today,
        "total": len(solutions),
        "phase_chart": _phase_chart(solutions),
        "category_chart": _category_chart(solutions),
        "device_chart": _device_chart(solutions),
        "overdue": [s for s in solutions if s.next_review_on is not None and s.next_review_on < today],
        "flagged": [s for s in solutions if s.needs_rereview],
        "in_use": sum(1 for s in solutions if s.phase in ("pilot", "rollout", "management")),
        "high_risk": sum(1 for s in solutions if s.current_ai_act_category == "high_risk"),
        "events": events,
        "names": {s.id: s.name for s in solutions},
        "people": {
            u.id: u
            for u in db.session.scalars(
                select(User).where(User.id.in_({c.event.actor_id for c in events if c.event.actor_id}))
            )
        }
        if events
        else {},
        "tasks": [],
        "confirmations": [],
        "queue": None,
    }
    if user.role in (OWNER, COMPLIANCE):
        data["confirmations"] = confirmations_due(user, today)
        from ai_register.obligations.services import overdue_for_start_page

        data["overdue_obligations"] = overdue_for_start_page(user, today)
    if user.role == OWNER:
        data["tasks"] = owner_tasks(user, solutions, today)
    if user.role == COMPLIANCE:
        data["queue"] = {
            "classifications": [
                (c, db.session.get(Solution, c.solution_id), review.classification_conflict(c, user))
                for c in review.submitted_classifications()
            ],
            "requests": [(r, review.request_conflict(r, user)) for r in review.pending_requests()],
        }
    if user.role == AUDITOR:
        from ai_register.audit import services as audit

        data["head"] = audit.chain_head()
    return data
