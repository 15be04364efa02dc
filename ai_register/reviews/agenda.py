"""The follow-up agenda: every item that is due or overdue, and who is reminded of it.

One collector serves the API's agenda (filtered to what the reader may see) and `flask reminders
run` (which notifies the recipients). Kinds:
  incident_duty_due / incident_duty_overdue    an open reporting duty of an incident
  incident_serious_consider_pause              a serious incident, no pause decided since
  review_due / review_overdue                  the solution's next periodic review
  oversight_confirmation_due / _overdue        the oversight owner's 12-month re-confirmation
  evidence_expiring / evidence_expired         current evidence expiring within the warning window
  follow_up_decision                           the pilot was evaluated and no decision followed
  continuity_overdue, trustworthy_assessment_refresh   portfolio steering (portfolio/followup.py)
  obligation_due / obligation_overdue          an obligation record not closed (obligations/followup.py)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select

from ai_register.extensions import db
from ai_register.incidents import duties as incident_rules
from ai_register.incidents.models import CLOSED, DUTY_OPEN, Incident, IncidentDuty
from ai_register.incidents.services import as_utc, suggested_decision
from ai_register.notifications.services import active_users, compliance_user_ids
from ai_register.notifications.settings import setting
from ai_register.reviews import sources
from ai_register.solutions.models import Solution
from ai_register.users.models import utcnow

REVIEWED_PHASES = ("needs_analysis", "pilot", "rollout", "management")


@dataclass(frozen=True)
class AgendaItem:
    kind: str
    solution: Solution
    subject_type: str
    subject_id: int
    due_on: date | None
    overdue: bool
    params: dict = field(default_factory=dict)
    link: str | None = None
    # Who is reminded: "owners", "compliance", "oversight", or a user id.
    audience: tuple = ()

    def as_dict(self) -> dict:
        return {"kind": self.kind, "solution_id": self.solution.id, "solution_name": self.solution.name,
                "subject_type": self.subject_type, "subject_id": self.subject_id, "due_on": self.due_on,
                "overdue": self.overdue, "details": self.params, "link": self.link}


def collect(*, now: datetime | None = None, today: date | None = None,
            scope: Select | None = None) -> list[AgendaItem]:
    """Everything due, overdue or waiting for a decision; `scope`, a SELECT of solution ids (never a
    list: see solutions.access.visible_solution_ids), limits it to those solutions."""
    from ai_register.solutions.services import region_today

    now = now or utcnow()
    today = today or region_today()
    items: list[AgendaItem] = []
    items += _incident_duties(now, scope)
    items += _serious_incidents(scope)
    items += _reviews(today, scope)
    items += _oversight(today, scope)
    items += _evidence(today, scope)
    items += _pilot_ends(scope)
    from ai_register.portfolio.followup import agenda_items as portfolio_items  # builds on this module

    items += portfolio_items(today, scope)
    from ai_register.obligations.followup import agenda_items as obligation_items  # builds on this module

    items += obligation_items(today, scope)
    return sorted(items, key=lambda i: (not i.overdue, i.due_on or date.max, i.kind, i.subject_id))


def _limit(query, scope: Select | None):
    return query.where(Solution.id.in_(scope)) if scope is not None else query


def _incident_duties(now: datetime, scope) -> list[AgendaItem]:
    query = _limit(select(IncidentDuty, Incident, Solution)
                   .join(Incident, Incident.id == IncidentDuty.incident_id)
                   .join(Solution, Solution.id == Incident.solution_id)
                   .where(IncidentDuty.status == DUTY_OPEN, IncidentDuty.applies.is_(True),
                          Incident.status != CLOSED)
                   .order_by(IncidentDuty.overdue_after, IncidentDuty.id), scope)
    items = []
    for duty, incident, solution in db.session.execute(query).all():
        overdue = as_utc(duty.overdue_after) < now
        items.append(AgendaItem(
            "incident_duty_overdue" if overdue else "incident_duty_due", solution, "incident_duty", duty.id,
            duty.due_on, overdue,
            {"incident_id": incident.id, "duty_key": duty.key, "duty": _duty_label(duty),
             "recipient": duty.recipient, "citation": duty.citation,
             "deadline_kind": duty.deadline_kind, "due_at": as_utc(duty.due_at).isoformat(),
             "solution": solution.name},
            f"/incidents/{incident.id}", ("owners", "compliance")))
    return items


def _duty_label(duty: IncidentDuty) -> str:
    return f"{incident_rules.recipient_label(duty.recipient)} ({duty.citation})"


def _serious_incidents(scope) -> list[AgendaItem]:
    query = _limit(select(Incident, Solution).join(Solution, Solution.id == Incident.solution_id)
                   .where(Incident.status != CLOSED, Solution.status == "active")
                   .order_by(Incident.id), scope)
    items = []
    for incident, solution in db.session.execute(query).all():
        if not (incident.assessment or {}).get("prompts_pause"):
            continue
        if suggested_decision(incident, solution) == "pause":
            params = {"incident_id": incident.id, "solution": solution.name, "suggested_decision": "pause"}
            items.append(AgendaItem("incident_serious_consider_pause", solution, "incident", incident.id,
                                    None, False, params, f"/incidents/{incident.id}", ("oversight",)))
    return items


def _reviews(today: date, scope) -> list[AgendaItem]:
    horizon = today + timedelta(days=int(setting("REVIEW_REMINDER_DAYS")))
    query = _limit(select(Solution).where(Solution.phase.in_(REVIEWED_PHASES),
                                          Solution.next_review_on.is_not(None),
                                          Solution.next_review_on <= horizon)
                   .order_by(Solution.next_review_on, Solution.id), scope)
    items = []
    for solution in db.session.scalars(query):
        overdue = today > solution.next_review_on
        audience = ("owners", "compliance") if overdue else ("owners",)
        items.append(AgendaItem("review_overdue" if overdue else "review_due", solution, "solution",
                                solution.id, solution.next_review_on, overdue, {"solution": solution.name},
                                f"/solutions/{solution.id}", audience))
    return items


def _oversight(today: date, scope) -> list[AgendaItem]:
    horizon = today + timedelta(days=int(setting("OVERSIGHT_REMINDER_DAYS")))
    items = []
    for due in sources.oversight_confirmations(scope):
        if due.due_on > horizon:
            continue
        overdue = today > due.due_on
        # By the person themself when they have an account, otherwise recorded by compliance.
        audience = (due.user_id,) if due.user_id is not None else ("compliance",)
        if overdue:
            audience += ("owners",)
        items.append(AgendaItem("oversight_confirmation_overdue" if overdue else "oversight_confirmation_due",
                                due.solution, "oversight_assignment", due.assignment_id, due.due_on, overdue,
                                {"solution": due.solution.name, "oversight_owner": due.name},
                                f"/solutions/{due.solution.id}", audience))
    return items


def _evidence(today: date, scope) -> list[AgendaItem]:
    horizon = today + timedelta(days=int(setting("EVIDENCE_EXPIRY_WARNING_DAYS")))
    items = []
    for expiry in sources.expiring_evidence(horizon, scope):
        # The expiry date is the last valid day (evidence.validity).
        expired = today > expiry.expires_on
        items.append(AgendaItem("evidence_expired" if expired else "evidence_expiring", expiry.solution,
                                "evidence", expiry.evidence_id, expiry.expires_on, expired,
                                {"solution": expiry.solution.name, "evidence": expiry.title,
                                 "evidence_type": expiry.type},
                                f"/solutions/{expiry.solution.id}",
                                ("owners", "compliance") if expired else ("owners",)))
    return items


def _pilot_ends(scope) -> list[AgendaItem]:
    items = []
    for end in sources.pilot_evaluations(scope):
        params = {"solution": end.solution.name, "event": "pilot_evaluated", "on": end.issued_on.isoformat()}
        items.append(AgendaItem("follow_up_decision", end.solution, "evidence", end.evidence_id,
                                end.issued_on, False, params, f"/solutions/{end.solution.id}", ("owners",)))
    return items


def recipients(item: AgendaItem) -> list[int]:
    """The active users an item reminds."""
    ids: set[int] = set()
    for who in item.audience:
        if who == "owners":
            ids |= item.solution.owner_ids()
        elif who == "compliance":
            ids |= set(compliance_user_ids())
        elif who == "oversight":
            ids |= set(sources.oversight_user_ids(item.solution) or item.solution.owner_ids())
        else:
            ids.add(int(who))
    return sorted(active_users(ids))
