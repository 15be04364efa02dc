"""Naming, replacing and re-confirming the human-oversight owner.

Services flush and audit; the request commits.

Public read functions for the lifecycle gates and the solution view: `current_oversight`,
`oversight_fact`, `oversight_summary`.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import joinedload

from ai_register.apikit import show_each
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.exceptions import InvalidInput, NotAllowed, NotFound, ReadOnly
from ai_register.extensions import db
from ai_register.oversight.models import OversightAssignment, Person
from ai_register.oversight.rules import MONITORS, confirmation_overdue
from ai_register.oversight.schemas import OversightAssignmentSchema
from ai_register.security import COMPLIANCE, OWNER
from ai_register.solutions.access import READ_ONLY_PHASES, get_solution, no_lost_update
from ai_register.solutions.lifecycle.facts import EvidenceFact, EvidenceType, OversightFact
from ai_register.solutions.models import Solution
from ai_register.solutions.services import (
    region_today,
    touch,
)
from ai_register.users.models import User, utcnow

# The owner re-confirms the assignment themself, so their account must be able to write.
ROLES_THAT_CAN_CONFIRM = (OWNER, COMPLIANCE)
ASSIGNMENT_FIELDS = ("competence", "training", "training_completed_on", "authority_to_suspend")


# --- reading ---------------------------------------------------------------------------------------

def current_oversight(solution_id: int, *options) -> OversightAssignment | None:
    """The current assignment (whether or not it counts for the gates), or None; `options` are
    loader options for what comes with it."""
    return db.session.scalar(select(OversightAssignment).where(
        OversightAssignment.solution_id == solution_id, OversightAssignment.ended_at.is_(None)).options(*options))


def oversight_fact(solution_id: int) -> OversightFact | None:
    """The oversight owner as the lifecycle gates see it: None unless a current assignment with
    the authority to suspend use exists."""
    return oversight_fact_of(current_oversight(solution_id))


def oversight_fact_of(assignment: OversightAssignment | None) -> OversightFact | None:
    """`oversight_fact` of a solution's current assignment (or None)."""
    if assignment is None or not assignment.counts_as_oversight_owner:
        return None
    return OversightFact(accepted_on=assignment.accepted_on, last_confirmed_on=assignment.confirmed_on)


def training_facts(solution_id: int) -> tuple[EvidenceFact, ...]:
    """The oversight owner's training as the register records it with the assignment (Art 26(2)): where the
    high-risk table asks for "the oversight owner's training recorded", the current owner's completed
    training counts from that day, as an uploaded training record does."""
    return training_facts_of(current_oversight(solution_id))


def training_facts_of(assignment: OversightAssignment | None) -> tuple[EvidenceFact, ...]:
    """`training_facts` of a solution's current assignment (or None)."""
    if assignment is None or not assignment.counts_as_oversight_owner or assignment.training_completed_on is None:
        return ()
    return (EvidenceFact(EvidenceType.OVERSIGHT_TRAINING, assignment.training_completed_on),)


# On a detail read the current assignment and its people come with the solution's own statement.
_PEOPLE = (OversightAssignment.user, OversightAssignment.person, OversightAssignment.deputy_user,
           OversightAssignment.deputy_person)
# The people's accounts only with what the summary shows of them (`models._describe`: id, name, e-mail):
# a user row's other columns would cost a column description and a value each on every read.
_ACCOUNT_SHOWN = (User.id, User.display_name, User.email)
DETAIL_LOAD = (
    *(joinedload(Solution.current_oversight).joinedload(account).load_only(*_ACCOUNT_SHOWN)
      for account in (OversightAssignment.user, OversightAssignment.deputy_user)),
    *(joinedload(Solution.current_oversight).joinedload(person)
      for person in (OversightAssignment.person, OversightAssignment.deputy_person)),
)


# Built once: a marshmallow schema costs more to construct (its fields are copied) than to dump one
# assignment, and this runs on every read of a solution.
_SUMMARY = OversightAssignmentSchema()


def oversight_summary(solution: Solution) -> dict | None:
    """The current assignment as the API shows it, for the solution's detail view."""
    if "current_oversight" in inspect(solution).unloaded:
        # Not loaded with the solution (a write answering with the detail): one statement, people included.
        assignment = current_oversight(solution.id, *(joinedload(person) for person in _PEOPLE))
    else:
        assignment = solution.current_oversight
    return None if assignment is None else _SUMMARY.dump(shown(assignment))


def shown(assignment: OversightAssignment, today: date | None = None) -> OversightAssignment:
    """The assignment as the API shows it: with `confirmation_overdue` (on the region's calendar day)."""
    assignment.confirmation_overdue = confirmation_overdue(assignment.accepted_on, assignment.confirmed_on,
                                                           today or region_today())
    return assignment


def shown_page(page: dict) -> dict:
    """A page of assignments (`apikit.page_of`), each as the API shows it."""
    return show_each(page, partial(shown, today=region_today()))


def history_query(solution_id: int) -> Select:
    return (select(OversightAssignment).where(OversightAssignment.solution_id == solution_id)
            .order_by(OversightAssignment.started_at.desc(), OversightAssignment.id.desc()))


# --- writing ---------------------------------------------------------------------------------------

def _bump_solution_version(solution: Solution) -> None:
    """The oversight owner is part of the solution's representation, so its ETag moves. Flushing
    first also locks the solution row, which serialises concurrent writers (412 for the loser)."""
    with no_lost_update(solution):
        touch(solution)


def _not_in_future(value: date | None, field: str) -> None:
    if value is not None and value > region_today():
        raise InvalidInput(f"{field} cannot be in the future.",
                           errors={field: ["Must not be later than today."]})


def _reference_errors(ref: dict) -> dict:
    """What is wrong with a reference to the oversight owner or deputy: an account (`user_id`) or a person
    without one (`name`, and `title`, `unit`, `contact` only then), never both or neither."""
    has_user, has_name = "user_id" in ref, bool((ref.get("name") or "").strip())
    if has_user == has_name:
        return {"_schema": ["Give either user_id (a user account) or name (a person without one)."]}
    if has_user:
        return {name: ["Not used with user_id; the account has these."]
                for name in ("title", "unit", "contact") if ref.get(name)}
    return {}


def _check_references(data: dict) -> None:
    errors = {field: found for field in ("person", "deputy")
              if data.get(field) is not None and (found := _reference_errors(data[field]))}
    if errors:
        raise InvalidInput("The oversight owner or deputy is not named right.", errors=errors)


def _resolve_person(ref: dict, field: str, solution_id: int, by: User) -> tuple[int | None, int | None]:
    """(user_id, person_id) for a reference to an account or to a person without one."""
    if "user_id" in ref:
        user = db.session.get(User, ref["user_id"])
        if user is None or not user.active:
            raise InvalidInput("No active user account with this id.",
                               errors={field: {"user_id": ["No active user account with this id."]}})
        if user.role not in ROLES_THAT_CAN_CONFIRM:
            raise InvalidInput("This account cannot confirm the assignment.", errors={field: {"user_id": [
                               "The account must have the owner or compliance role, to be able to confirm."]}})
        return user.id, None
    details = {name: (ref.get(name) or "").strip() or None for name in ("name", "title", "unit", "contact")}
    query = select(Person)
    for name, value in details.items():
        column = getattr(Person, name)
        query = query.where(column.is_(None) if value is None else column == value)
    person = db.session.scalars(query.order_by(Person.id).limit(1)).first()
    if person is None:
        person = Person(**details, created_by_id=by.id)
        db.session.add(person)
        audit.record_create(person, "person", solution_id=solution_id)
    return None, person.id


def assign_oversight(solution: Solution, data: dict, *, by: User) -> OversightAssignment:
    """Name the oversight owner. A current assignment is ended and kept in the history. When the
    same person stays, their acceptance and last confirmation stand."""
    _check_references(data)
    _not_in_future(data.get("accepted_on"), "accepted_on")
    _not_in_future(data.get("training_completed_on"), "training_completed_on")
    _bump_solution_version(solution)
    user_id, person_id = _resolve_person(data["person"], "person", solution.id, by)
    deputy_user_id = deputy_person_id = None
    if data.get("deputy"):
        deputy_user_id, deputy_person_id = _resolve_person(data["deputy"], "deputy", solution.id, by)
        if (deputy_user_id, deputy_person_id) == (user_id, person_id):
            raise InvalidInput("The deputy must be someone else than the owner.",
                               errors={"deputy": ["Must be someone else than the owner."]})
    assignment = OversightAssignment(
        solution_id=solution.id, user_id=user_id, person_id=person_id, deputy_user_id=deputy_user_id,
        deputy_person_id=deputy_person_id, accepted_on=data.get("accepted_on"), created_by_id=by.id,
        **{name: data.get(name) for name in ASSIGNMENT_FIELDS},
        **{name: bool(data["monitors"].get(name)) for name in MONITORS},
    )
    previous = current_oversight(solution.id)
    _check_acceptance(data, assignment, previous if previous is not None and previous.same_owner_as(assignment)
                      else None, by)
    if previous is not None:
        if previous.same_owner_as(assignment):
            if "accepted_on" not in data:
                assignment.accepted_on = previous.accepted_on
            assignment.confirmed_on = previous.confirmed_on
            assignment.confirmed_by_id = previous.confirmed_by_id
        before = audit.snapshot(previous)
        previous.ended_at = utcnow()
        previous.ended_by_id = by.id
        # Flushed (in record_update) before the new row: at most one current assignment per solution.
        audit.record_update(previous, "oversight_assignment", before, solution_id=solution.id,
                            reason=data.get("reason"), action="end")
    db.session.add(assignment)
    audit.record_create(assignment, "oversight_assignment", solution_id=solution.id,
                        reason=data.get("reason"))
    return assignment


def _check_acceptance(data: dict, assignment: OversightAssignment, staying: OversightAssignment | None,
                      user: User) -> None:
    """Who may record the date the oversight owner accepted: the person themself when they have an
    account; for a person without one, whoever names them, but once recorded only compliance moves
    it. Otherwise naming someone would restart the 12-month re-confirmation without that person."""
    accepted_on = data.get("accepted_on")
    if accepted_on is None or (staying is not None and accepted_on == staying.accepted_on):
        return  # nothing recorded, or the date as it stands (a form sends it back unchanged)
    if assignment.user_id is not None and assignment.user_id != user.id:
        raise InvalidInput("A person with an account records their own acceptance: leave the date empty "
                           "and ask them to confirm the assignment.",
                      errors={"accepted_on": ["Only the named person can record their acceptance."]})
    if (staying is not None and assignment.user_id is None and staying.accepted_on is not None
            and user.role != COMPLIANCE):
        raise InvalidInput("The oversight owner stays: their acceptance is not re-dated here. Compliance "
                           "records a new confirmation instead.",
                      errors={"accepted_on": ["Stays as recorded while the same person stays."]})


def confirm_oversight(solution_id: int, data: dict, *, by: User) -> tuple[Solution, OversightAssignment]:
    """Re-confirm the current assignment: by the person themself when they have an account,
    otherwise recorded by compliance. The person may confirm even without other access to the solution."""
    user = by
    solution = db.session.get(Solution, solution_id)
    assignment = current_oversight(solution_id) if solution is not None else None
    if assignment is not None and assignment.user_id == user.id:
        if user.role not in ROLES_THAT_CAN_CONFIRM:
            # The account's role changed (e.g. to auditor) after the assignment: it changes nothing now.
            raise NotAllowed("This account can no longer confirm; name a new oversight owner.")
        if solution.phase in READ_ONLY_PHASES:
            raise ReadOnly("The solution is retired and read-only.")
    else:
        solution = get_solution(solution_id, user, write=True)
        if assignment is None:
            raise NotFound("No oversight owner is assigned to this solution.")
        if assignment.user_id is not None:
            raise NotAllowed("The oversight owner has an account and confirms the assignment themself.")
        if user.role != COMPLIANCE:
            raise NotAllowed("For an oversight owner without an account, compliance records the confirmation.")
    confirmed_on = data.get("confirmed_on") or region_today()
    _not_in_future(confirmed_on, "confirmed_on")
    last = assignment.last_confirmed_on
    if last is not None and confirmed_on < last:
        raise InvalidInput("A confirmation cannot be dated before the last one.",
                           errors={"confirmed_on": [f"Must not be earlier than {last.isoformat()}."]})
    before = audit.snapshot(assignment)
    assignment.confirmed_on = confirmed_on
    assignment.confirmed_by_id = user.id
    if assignment.accepted_on is None:
        assignment.accepted_on = confirmed_on  # the first confirmation is the acceptance
    if not audit.diff(before, audit.snapshot(assignment)):
        return solution, assignment  # confirmed again the same day by the same person: nothing new
    _bump_solution_version(solution)
    audit.record_update(assignment, "oversight_assignment", before, solution_id=solution.id,
                        reason=data.get("reason"), action="confirm")
    return solution, assignment


def end_on_retirement(solution: Solution, *, by: User) -> None:
    """A retired solution is no longer in use: its oversight owner is released (kept in the history)."""
    assignment = current_oversight(solution.id)
    if assignment is None:
        return
    before = audit.snapshot(assignment)
    assignment.ended_at = utcnow()
    assignment.ended_by_id = by.id
    audit.record_update(assignment, "oversight_assignment", before, solution_id=solution.id,
                        reason=coded("solution_retired"), action="end")

