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
  supplier_document_expiring / _expired        a certificate or agreement of the supplier a solution uses
                                               (suppliers/followup.py)
  monitoring_assessment_overdue                a breach's assessment not decided in time (monitoring/followup.py)
  explanation_request_due / _overdue           a request for an explanation (Art 86) to answer (same module)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, case, false, func, not_, select

from ai_register.incidents import duties as incident_rules
from ai_register.incidents.models import CLOSED, DUTY_OPEN, Incident, IncidentDuty
from ai_register.incidents.services import as_utc
from ai_register.monitoring import followup as monitoring_followup
from ai_register.notifications.services import active_users, compliance_user_ids
from ai_register.notifications.settings import setting
from ai_register.obligations import followup as obligations_followup
from ai_register.portfolio import followup as portfolio_followup
from ai_register.reports.instants import db_instant
from ai_register.reviews import agenda_items, sources
from ai_register.reviews.agenda_items import AgendaItem, Source, Want
from ai_register.solutions.access import owned_rows
from ai_register.solutions.models import Decision, Solution, SolutionPhaseReviewCount
from ai_register.solutions.services import region_today
from ai_register.suppliers import followup as suppliers_followup
from ai_register.suppliers import services as suppliers
from ai_register.users.models import utcnow

REVIEWED_PHASES = ("needs_analysis", "pilot", "rollout", "management")


def sort_key(item: AgendaItem):
    return (not item.overdue, item.due_on or date.max, item.kind, item.subject_id)


# Which source gives which kind, and whether that kind is the overdue one (None: either).
KINDS = {
    "incident_duty_due": ("duties", False), "incident_duty_overdue": ("duties", True),
    "incident_serious_consider_pause": ("serious", None),
    "review_due": ("reviews", False), "review_overdue": ("reviews", True),
    "oversight_confirmation_due": ("oversight", False), "oversight_confirmation_overdue": ("oversight", True),
    "evidence_expiring": ("evidence", False), "evidence_expired": ("evidence", True),
    "follow_up_decision": ("pilots", None),
    "continuity_overdue": ("continuity", None), "trustworthy_assessment_refresh": ("refresh", None),
    "obligation_due": ("obligations", False), "obligation_overdue": ("obligations", True),
    "supplier_document_expiring": ("suppliers", False), "supplier_document_expired": ("suppliers", True),
    "monitoring_assessment_overdue": ("assessments", True),
    "explanation_request_due": ("explanations", False), "explanation_request_overdue": ("explanations", True),
}


def page(*, now: datetime | None = None, today: date | None = None, visible: ColumnElement[bool] | None = None,
         overdue: bool | None = None, kind: str | None = None, offset: int = 0,
         limit: int | None = None, owner: object | None = None) -> tuple[list[AgendaItem], int, int]:
    """The agenda's items `offset` to `offset + limit` in its order (overdue first, then by due date),
    with how many items and overdue items there are in all. Every source is counted in one statement and
    read for at most `offset + limit` of its items in that order (`agenda_items.read`), so a page costs
    the same in a large register as in a small one. `visible`, a condition on the solution row (see
    solutions.access.visible_condition), limits it to those solutions; None: every solution. `owner`: the
    reader when `visible` is exactly their owned and co-owned solutions (some sources count those from the
    owner's index)."""

    now = now or utcnow()
    today = today or region_today()
    source = None
    if kind is not None:
        if kind not in KINDS:
            return [], 0, 0
        source, kind_overdue = KINDS[kind]
        if kind_overdue is not None:
            if overdue is not None and overdue != kind_overdue:
                return [], 0, 0
            overdue = kind_overdue
    want = Want(overdue, None if limit is None else offset + limit)
    sources = {
        "duties": lambda: _incident_duties(now),
        "serious": _serious_incidents,
        "reviews": lambda: _reviews(today),
        "oversight": lambda: _oversight(today),
        "evidence": lambda: _evidence(today),
        "pilots": _pilot_ends,
        "continuity": lambda: portfolio_followup.continuity_part(today),
        "refresh": portfolio_followup.refresh_part,
        "obligations": lambda: obligations_followup.agenda_part(today),
        "suppliers": lambda: suppliers_followup.agenda_part(today),
        "assessments": lambda: monitoring_followup.assessments_part(today),
        "explanations": lambda: monitoring_followup.explanations_part(today),
    }
    parts = agenda_items.read([describe() for name, describe in sources.items() if source is None or name == source],
                              want, visible, owner)
    items = sorted((item for part in parts for item in part.items), key=sort_key)
    if kind is not None:  # a source's kinds differ only in being overdue, which `want` already chose
        items = [item for item in items if item.kind == kind]
    end = None if limit is None else offset + limit
    return items[offset:end], sum(p.total for p in parts), sum(p.overdue for p in parts)


def collect(*, now: datetime | None = None, today: date | None = None,
            visible: ColumnElement[bool] | None = None) -> list[AgendaItem]:
    """Everything due, overdue or waiting for a decision (the reminders run reads it all)."""
    return page(now=now, today=today, visible=visible)[0]


def _incident_duties(now: datetime) -> Source:
    late = IncidentDuty.overdue_after < db_instant(now)
    query = (select(IncidentDuty, Incident, Solution)
             .join(Incident, Incident.id == IncidentDuty.incident_id)
             .join(Solution, Solution.id == Incident.solution_id)
             .where(IncidentDuty.status == DUTY_OPEN, IncidentDuty.applies.is_(True), Incident.status != CLOSED)
             .order_by(case((late, 0), else_=1), IncidentDuty.due_on.is_(None), IncidentDuty.due_on,
                       IncidentDuty.id))

    def build(rows) -> list[AgendaItem]:
        contacts = _in_chunks(suppliers.vigilance_contacts, [
            solution.id for duty, _, solution in rows if duty.recipient in incident_rules.SUPPLIER_RECIPIENTS])
        items = []
        for duty, incident, solution in rows:
            overdue = as_utc(duty.overdue_after) < now
            params = {"incident_id": incident.id, "duty_key": duty.key, "duty": _duty_label(duty),
                      "recipient": duty.recipient, "citation": duty.citation,
                      "deadline_kind": duty.deadline_kind, "due_at": as_utc(duty.due_at).isoformat(),
                      "solution": solution.name}
            if duty.recipient in incident_rules.SUPPLIER_RECIPIENTS:
                contact = suppliers.contact_text(contacts.get(solution.id))
                if contact:
                    params["contact"] = contact
            items.append(AgendaItem(
                "incident_duty_overdue" if overdue else "incident_duty_due", solution, "incident_duty", duty.id,
                duty.due_on, overdue, params, f"/incidents/{incident.id}", ("owners", "compliance")))
        return items

    return Source(query, late, build)


def _in_chunks(read: Callable[[list], dict], ids: list, size: int = 1000) -> dict:
    """`read` of every id, a bounded list at a time (the reminders run reads the whole agenda)."""
    found: dict = {}
    for start in range(0, len(ids), size):
        found.update(read(ids[start:start + size]))
    return found


def _duty_label(duty: IncidentDuty) -> str:
    return f"{incident_rules.recipient_label(duty.recipient)} ({duty.citation})"


def _serious_incidents() -> Source:
    """Open serious incidents whose assessment prompts a pause, on an active solution not being
    decommissioned, with no pause decided since the report: `incidents.services.suggested_decision` in SQL."""
    paused_since = select(Decision.id).where(Decision.solution_id == Incident.solution_id,
                                             Decision.kind == "pause",
                                             Decision.created_at >= Incident.reported_at).exists()
    query = (select(Incident, Solution).join(Solution, Solution.id == Incident.solution_id)
             .where(Incident.status != CLOSED, Solution.status == "active",
                    Solution.phase.not_in(("decommissioning", "retired")),
                    Incident.assessment["prompts_pause"].as_boolean().is_(True), not_(paused_since))
             .order_by(Incident.id))

    def build(rows) -> list[AgendaItem]:
        return [AgendaItem("incident_serious_consider_pause", solution, "incident", incident.id, None, False,
                           {"incident_id": incident.id, "solution": solution.name, "suggested_decision": "pause"},
                           f"/incidents/{incident.id}", ("oversight",))
                for incident, solution in rows]

    return Source(query, false(), build)  # never overdue: a decision to consider, not a deadline


def _reviews(today: date) -> Source:
    horizon = today + timedelta(days=int(setting("REVIEW_REMINDER_DAYS")))
    due = (Solution.phase.in_(REVIEWED_PHASES), Solution.next_review_on.is_not(None),
           Solution.next_review_on <= horizon)
    order = (Solution.next_review_on, Solution.id)
    query = select(Solution).where(*due).order_by(*order)

    def build(rows) -> list[AgendaItem]:
        items = []
        for (solution,) in rows:
            overdue = today > solution.next_review_on
            audience = ("owners", "compliance") if overdue else ("owners",)
            items.append(AgendaItem("review_overdue" if overdue else "review_due", solution, "solution",
                                    solution.id, solution.next_review_on, overdue, {"solution": solution.name},
                                    f"/solutions/{solution.id}", audience))
        return items

    def kept(overdue: bool | None) -> Select:
        # The same count from the solutions kept per phase and review day: a sum over the days up to the horizon.
        day, solutions = SolutionPhaseReviewCount.next_review_on, SolutionPhaseReviewCount.solutions
        counted = select(func.coalesce(func.sum(solutions), 0).label("total"),
                         func.coalesce(func.sum(case((day < today, solutions), else_=0)), 0).label("late")
                         ).where(SolutionPhaseReviewCount.phase.in_(REVIEWED_PHASES), day <= horizon)
        return counted if overdue is None else counted.where(day < today if overdue else day >= today)

    def owned(reader, overdue: bool | None) -> Select:
        # The same count over the reader's own and co-owned solutions, from the owner's index alone (its
        # entries carry the phase and review day), not a bitmap of every review due in the register.
        where = list(due)
        if overdue is not None:
            where.append(Solution.next_review_on < today if overdue else Solution.next_review_on >= today)
        mine = owned_rows(reader, Solution.next_review_on.label("day"), where=tuple(where)).subquery()
        return select(func.count().label("total"), func.count().filter(mine.c.day < today).label("late"))

    def owned_first(reader, conditions: tuple, limit: int | None) -> Select:
        # Their first rows: the ids in order from the owner's index (a top-N of their own entries, not a walk
        # of every review due in date order past other owners' rows), then those rows.
        mine = owned_rows(reader, Solution.id, *order[:1], where=(*due, *conditions), order_by=order,
                          limit=limit).subquery()
        first = select(Solution).where(Solution.id.in_(select(mine.c.id))).order_by(*order)
        return first if limit is None else first.limit(limit)

    return Source(query, Solution.next_review_on < today, build, kept, owned, owned_first)


def _oversight(today: date) -> Source:
    horizon = today + timedelta(days=int(setting("OVERSIGHT_REMINDER_DAYS")))
    query, last = sources.oversight_confirmations_query()
    # Due 12 months after the last acceptance or confirmation: due by `day` ⇔ last ≤ latest_confirmed_for(day).
    query = query.where(last <= sources.latest_confirmed_for(horizon))
    late = last <= sources.latest_confirmed_for(today - timedelta(days=1))

    def build(rows) -> list[AgendaItem]:
        people = sources.load_oversight_people([assignment for assignment, _ in rows])  # `owner` reads them
        items = []
        for assignment, solution in rows:
            due_on = assignment.confirmation_due_on
            overdue = today > due_on
            # By the person themself when they have an account, otherwise recorded by compliance.
            audience = (assignment.user_id,) if assignment.user_id is not None else ("compliance",)
            if overdue:
                audience += ("owners",)
            items.append(AgendaItem("oversight_confirmation_overdue" if overdue else "oversight_confirmation_due",
                                    solution, "oversight_assignment", assignment.id, due_on, overdue,
                                    {"solution": solution.name, "oversight_owner": assignment.owner["name"]},
                                    f"/solutions/{solution.id}", audience))
        del people
        return items

    return Source(query, late, build)


def _evidence(today: date) -> Source:
    horizon = today + timedelta(days=int(setting("EVIDENCE_EXPIRY_WARNING_DAYS")))
    query, expires_on = sources.expiring_evidence_query(horizon)

    def build(rows) -> list[AgendaItem]:
        items = []
        for evidence, solution in rows:
            # The expiry date is the last valid day (evidence.validity).
            expired = today > evidence.expires_on
            items.append(AgendaItem("evidence_expired" if expired else "evidence_expiring", solution,
                                    "evidence", evidence.id, evidence.expires_on, expired,
                                    {"solution": solution.name, "evidence": evidence.title,
                                     "evidence_type": evidence.type},
                                    f"/solutions/{solution.id}",
                                    ("owners", "compliance") if expired else ("owners",)))
        return items

    return Source(query, expires_on < today, build)


def _pilot_ends() -> Source:
    query = sources.pilot_evaluations_query()

    def build(rows) -> list[AgendaItem]:
        items = []
        for evidence, solution in rows:
            params = {"solution": solution.name, "event": "pilot_evaluated", "on": evidence.issued_on.isoformat()}
            items.append(AgendaItem("follow_up_decision", solution, "evidence", evidence.id,
                                    evidence.issued_on, False, params, f"/solutions/{solution.id}", ("owners",)))
        return items

    return Source(query, false(), build)


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
