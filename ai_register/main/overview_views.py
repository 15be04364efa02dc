"""The start page: counts by phase, AI Act category and device class, what awaits the reader, and
recent changes. Read-only; every list comes from the visible solutions of the reader. Web code: views.py
renders it with main/index.html, with the shell's charts and gate checklist."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, Select, bindparam, func, literal, select, union_all
from sqlalchemy.orm import joinedload, load_only

from ai_register import statements
from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.classification.labels import CATEGORY_TONE, category_label
from ai_register.classification.models import DRAFT, REJECTED, Classification
from ai_register.extensions import db
from ai_register.monitoring.services import start_page_assessments
from ai_register.obligations.services import overdue_for_start_page
from ai_register.oversight.models import OversightAssignment
from ai_register.oversight.rules import confirmation_due_on
from ai_register.reviews import queue as review
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER
from ai_register.solutions import services
from ai_register.solutions.access import owned_rows, visible_solution_ids, writable_solutions_query
from ai_register.solutions.labels import phase_label, phase_name
from ai_register.solutions.lifecycle.phases import PHASE_ORDER
from ai_register.solutions.models import Solution, SolutionClassCount, SolutionReviewCount, TransitionRequest
from ai_register.suppliers.services import attention_for_start_page
from ai_register.users.models import User
from ai_register.web import charts, gates

DEVICE_ORDER = ("I", "Im", "IIa", "IIb", "III", "A", "A_sterile", "B", "C", "D")
RECENT = 8
CONFIRM_AHEAD_DAYS = 30


TASK_SOLUTIONS = 20
# The gate checklist reads every module's records of a solution (about 17 statements): the page runs it for
# the first few of the owner's solutions only, so the page stays cheap for an owner of many (issue 22).
GATE_CHECKS = 5
TOP = 10  # the overview lists the first items of a kind and links to the whole list


@dataclass(frozen=True)
class Counts:
    """The visible solutions by (phase, AI Act category, device class); also how many are overdue for review
    and flagged, where they were counted with them (None: count them apart)."""

    by: Counter
    overdue: int | None = None
    flagged: int | None = None


def _counts(user, today) -> Counts:
    """Visible solutions by (phase, AI Act category, device class). The whole register's come from the counts
    kept in step with every write (`SolutionClassCount`, `SolutionReviewCount`: a few hundred rows, not 100,000
    index entries per request; PostgreSQL), or from one grouped statement (SQLite). An owner's come from one
    grouped read of their solutions' index entries (`access.owned_rows`), with their overdue and flagged
    counts beside them."""
    if visible_solution_ids(user) is not None:
        columns = (Solution.phase, Solution.current_ai_act_category, Solution.current_device_class,
                   Solution.next_review_on, Solution.needs_rereview)
        mine = owned_rows(user, *columns).subquery()
        keys = [mine.c.phase, mine.c.current_ai_act_category, mine.c.current_device_class]
        rows = db.session.execute(select(*keys, func.count(), func.count().filter(mine.c.next_review_on < today),
                                         func.count().filter(mine.c.needs_rereview.is_(True))).group_by(*keys)).all()
        by = Counter({(row[0], row[1], row[2]): row[3] for row in rows})
        return Counts(by, sum(row[4] for row in rows), sum(row[5] for row in rows))
    if db.session.get_bind().dialect.name != "postgresql":
        keys = [Solution.phase, Solution.current_ai_act_category, Solution.current_device_class]
        rows = db.session.execute(select(*keys, func.count(), func.count().filter(Solution.next_review_on < today))
                                  .group_by(*keys)).all()
        return Counts(Counter({(row[0], row[1], row[2]): row[3] for row in rows}), sum(row[4] for row in rows))
    rows = db.session.execute(statements.built("start.counts", _kept_counts), {"today": today}).all()
    by = Counter({(row[0], row[1] or None, row[2] or None): row[3] for row in rows})
    return Counts(by, rows[0][4] if rows else 0)


def _kept_counts(_kind: str) -> Select:
    overdue = (select(func.coalesce(func.sum(SolutionReviewCount.solutions), 0))
               .where(SolutionReviewCount.next_review_on < bindparam("today", type_=Date)).scalar_subquery())
    return select(SolutionClassCount.phase, SolutionClassCount.ai_act_category, SolutionClassCount.device_class,
                  SolutionClassCount.solutions, overdue)


def _by(counts: Counter, part: int) -> Counter:
    totals: Counter = Counter()
    for key, n in counts.items():
        totals[key[part]] += n
    return totals


def _phase_chart(counts: Counter) -> dict:
    return charts.bar_chart([(phase_label(p.value), counts.get(p.value, 0)) for p in PHASE_ORDER])


def _category_chart(counts: Counter) -> dict:
    order = ["prohibited", "high_risk", "limited_risk", "minimal_risk", "out_of_scope", "needs_review", None]
    return charts.bar_chart(
        [(category_label(c), counts.get(c, 0), CATEGORY_TONE.get(c, "neutral")) for c in order]
    )


def _device_chart(counts: Counter) -> dict:
    rows = [
        (str(_l("Class %(c)s", c=c.replace("_sterile", " sterile"))), counts[c])
        for c in DEVICE_ORDER
        if counts.get(c)
    ]
    rows.append((str(_l("No device class")), counts.get(None, 0)))
    return charts.bar_chart(rows)


def _firsts(user, today, *lists: tuple) -> list[tuple[list[Solution], int]]:
    """For each of `lists` (a condition on the solutions the user sees, made from the day given at execution;
    their order; how many there are or None), the first TOP solutions in that order and how many there are (an
    indexed count, unless known), all in one statement; built once per process for a reader of the whole
    register (`statements.built`: only the day and the known counts vary)."""
    found: list[tuple[list[Solution], int]] = [([], count or 0) for _condition, _order, count in lists]
    present = tuple((k, count is None) for k, (_condition, _order, count) in enumerate(lists) if count != 0)
    if not present:
        return found

    def make(_kind: str | None) -> Select:
        day, visible = bindparam("today", type_=Date), services.solutions_query(user, {})
        branches = []
        for k, unknown in present:
            condition, order, _count = lists[k]
            query = visible.where(condition(day))
            first = query.with_only_columns(Solution.id, *order).order_by(*order, Solution.id).limit(TOP).subquery()
            total = (query.with_only_columns(func.count()).order_by(None).scalar_subquery() if unknown
                     else bindparam(f"n{k}", type_=Integer))
            branches.append(select(first.c.id, literal(k).label("k"), total.label("n"), func.row_number().over(
                order_by=[first.c[column.key] for column in order] + [first.c.id]).label("r")))
        listed = union_all(*branches).subquery()
        return (select(Solution, listed.c.k, listed.c.n).join(listed, listed.c.id == Solution.id)
                .order_by(listed.c.k, listed.c.r))

    statement = (statements.built(f"start.firsts:{present}", make) if visible_solution_ids(user) is None
                 else make(None))
    given = {"today": today, **{f"n{k}": lists[k][2] for k, unknown in present if not unknown}}
    for solution, k, n in db.session.execute(statement, given):
        found[k][0].append(solution)
        found[k] = (found[k][0], n)
    return found


def owned_count(user) -> int:
    """How many solutions (not retired) the user owns or co-owns."""
    return db.session.scalar(writable_solutions_query(user).where(Solution.phase != "retired")
                             .with_only_columns(func.count())) or 0


def owner_tasks(user, today) -> tuple[list[dict], int]:
    """What an owner should do next on the solutions they own or co-own: the first TASK_SOLUTIONS of
    them by name (an owner of more finds the rest in the list), read in a few statements; and for the
    first GATE_CHECKS of those that may move on, how far the next gate is. Also how many solutions had
    their gate left unchecked (their own pages show it)."""
    by_name = (Solution.name, Solution.id)
    first = owned_rows(user, Solution.id, Solution.name, where=(Solution.phase != "retired",), order_by=by_name,
                       limit=TASK_SOLUTIONS).subquery()
    # Each with its latest classification version's status and whether a phase change awaits a decision, in
    # the same statement.
    latest_status = (select(Classification.status).where(Classification.solution_id == Solution.id)
                     .order_by(Classification.version.desc()).limit(1).correlate(Solution).scalar_subquery())
    awaiting = (select(TransitionRequest.id).where(TransitionRequest.solution_id == Solution.id,
                                                   TransitionRequest.status == "pending")
                .correlate(Solution).exists())
    rows = db.session.execute(select(Solution, latest_status, awaiting).join(first, first.c.id == Solution.id)
                              .order_by(*by_name).limit(TASK_SOLUTIONS)).all()
    mine = [row[0] for row in rows]
    tasks: list[dict] = []
    latest = {row[0].id: row[1] for row in rows}
    pending = {row[0].id for row in rows if row[2]}
    # The first GATE_CHECKS that may move on (neither paused nor awaiting a decided move) get their gate
    # counted, their records read for all of them at once.
    movable = [s for s in mine if s.status != "paused" and s.id not in pending]
    checked = gates.progress_of(movable[:GATE_CHECKS], today)
    gates_unchecked = len(movable) - len(checked)
    for solution in mine:
        version_status = latest.get(solution.id)
        if version_status == DRAFT:
            tasks.append(
                {"kind": "draft", "solution": solution, "text": _l("Classification draft to submit")}
            )
        elif version_status == REJECTED:
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
        if solution.id in pending:
            tasks.append(
                {"kind": "pending", "solution": solution, "text": _l("Phase change awaiting approval")}
            )
            continue
        checklist = checked.get(solution.id)
        if checklist is None:  # unchecked (counted above), or no next phase
            continue
        missing = checklist.missing
        phase = phase_name(checklist.to.value)
        if missing:
            tasks.append(
                {
                    "kind": "gate",
                    "solution": solution,
                    "missing": missing,
                    "text": _l(
                        "%(n)d of %(total)d conditions for %(phase)s missing",
                        n=missing,
                        total=checklist.total,
                        phase=phase,
                    ),
                }
            )
        else:
            tasks.append(
                {"kind": "ready", "solution": solution, "text": _l("Ready: request %(phase)s", phase=phase)}
            )
    return tasks, gates_unchecked


def confirmations_due(user, today) -> list[dict]:
    """Oversight assignments the reader confirms themself, due within a month or overdue."""
    # with their solutions, in one statement (built once: the reader given at execution)
    rows = db.session.execute(statements.built("start.confirmations", lambda _kind: (
        select(OversightAssignment, Solution).join(Solution, Solution.id == OversightAssignment.solution_id)
        .where(OversightAssignment.user_id == bindparam("user_id", type_=Integer),
               OversightAssignment.ended_at.is_(None)).order_by(OversightAssignment.id))), {"user_id": user.id})
    due = []
    for assignment, solution in rows:
        day = confirmation_due_on(assignment.accepted_on, assignment.confirmed_on)
        if day is None or (day - today).days <= CONFIRM_AHEAD_DAYS:
            due.append({"assignment": assignment, "solution": solution, "due": day,
                        "overdue": day is None or day < today})
    return due


@dataclass(frozen=True)
class Change:
    """The latest of `count` consecutive events of one kind on one solution (e.g. seven checklist ticks)."""

    event: AuditEvent
    count: int = 1


# What the page shows of an event (not its data, reason or hashes: a create event holds a whole record).
SHOWN_EVENT = (AuditEvent.id, AuditEvent.position, AuditEvent.occurred_at, AuditEvent.actor_id, AuditEvent.action,
               AuditEvent.entity_type, AuditEvent.solution_id)


def _recent(scope: Select | None) -> Select:
    """The latest events (with their solutions' names and people) on the solutions of `scope` (None: all)."""
    query = (select(AuditEvent, Solution.name, User).where(AuditEvent.solution_id.is_not(None))
             .outerjoin(Solution, Solution.id == AuditEvent.solution_id)
             .outerjoin(User, User.id == AuditEvent.actor_id).order_by(AuditEvent.position.desc())
             .options(load_only(*SHOWN_EVENT), load_only(User.id, User.display_name)))
    if scope is not None:
        query = query.where(AuditEvent.solution_id.in_(scope))
    return query.limit(RECENT * 6)


def recent_changes(user) -> tuple[list[Change], dict[int, str], dict[int, User]]:
    """The latest changes on the solutions `user` sees (a run of one change folded), with the names of their
    solutions and the people who made them, read in the same statement."""
    scope = visible_solution_ids(user)
    query = (statements.built("start.recent", lambda _kind: _recent(None)) if scope is None
             else _recent(scope))
    changes: list[Change] = []
    names: dict[int, str] = {}
    people: dict[int, User] = {}
    # A run of the same change (ticking a checklist, recording values) would fill the list on its own.
    for event, name, person in db.session.execute(query):
        last = changes[-1].event if changes else None
        if last is not None and (last.solution_id, last.action, last.entity_type) == (
                event.solution_id, event.action, event.entity_type):
            changes[-1] = Change(last, changes[-1].count + 1)
            continue
        if len(changes) == RECENT:
            break
        changes.append(Change(event))
        if name is not None:
            names[event.solution_id] = name
        if person is not None:
            people[person.id] = person
    return changes, names, people


def build(user) -> dict:
    """Counts from one grouped statement and the first items of each list: nothing here grows with
    the register (the lists link to the whole of themselves)."""
    today = services.region_today()
    if user.role == ADMIN:
        return {"admin": True}
    tally = _counts(user, today)
    counts = tally.by
    events, names, people = recent_changes(user)
    # The page lists the overdue ones for the readers of the whole register only.
    (overdue, listed_overdue), (flagged, flagged_count) = _firsts(
        user, today, (lambda day: Solution.next_review_on < day, (Solution.next_review_on,),
                      0 if user.role == OWNER else tally.overdue),
        (lambda _day: Solution.needs_rereview.is_(True), (Solution.name,), tally.flagged))
    overdue_count = tally.overdue if user.role == OWNER else listed_overdue
    phases = _by(counts, 0)
    categories = _by(counts, 1)
    data = {
        "admin": False,
        "today": today,
        "total": sum(counts.values()),
        "phase_chart": _phase_chart(phases),
        "category_chart": _category_chart(categories),
        "device_chart": _device_chart(_by(counts, 2)),
        "overdue": overdue,
        "overdue_count": overdue_count,
        "flagged": flagged,
        "flagged_count": flagged_count,
        "in_use": sum(phases.get(p, 0) for p in ("pilot", "rollout", "management")),
        "high_risk": categories.get("high_risk", 0),
        "events": events,
        "names": names,
        "people": people,
        "tasks": [],
        "confirmations": [],
        "queue": None,
    }
    if user.role in (OWNER, COMPLIANCE):
        data["confirmations"] = confirmations_due(user, today)

        data["overdue_obligations"] = overdue_for_start_page(user, today)

        data["supplier_attention"] = attention_for_start_page(user, today)
    # Whoever is named oversight owner decides a breach's assessment, whatever their role.
    data["monitoring_assessments"] = start_page_assessments(user, today)
    if user.role == OWNER:
        data["tasks"], data["gates_unchecked"] = owner_tasks(user, today)
        data["tasks_of"] = TASK_SOLUTIONS
        data["gates_of"] = GATE_CHECKS
        # An owner who reads only their own solutions changes all of them: the count is in hand.
        data["owned"] = (data["total"] - phases.get("retired", 0) if visible_solution_ids(user) is not None
                         else owned_count(user))
    if user.role == COMPLIANCE:
        classifications, requests = review.submitted_classifications(TOP), review.pending_requests(TOP)
        # Their solutions with the co-owners four eyes read, in one statement for all of them (the session
        # keeps them: each item's solution below is found there, not read again).
        listed = {c.solution_id for c in classifications} | {r.solution_id for r in requests}
        solutions = {s.id: s for s in db.session.scalars(select(Solution).where(Solution.id.in_(listed)).options(
            joinedload(Solution.co_owners))).unique()} if listed else {}
        data["queue"] = {
            "classifications": [(c, solutions[c.solution_id], review.classification_conflict(c, user))
                                for c in classifications],
            "requests": [(r, review.request_conflict(r, user)) for r in requests],
        }
    if user.role == AUDITOR:
        data["head"] = audit.chain_head()
    return data
