"""A solution's detail: its own fields with what the classification and oversight areas hold about it,
gathered by calling them by name (as `gate_facts` does), for GET /solutions/{id} and the solution page.

It sits above those areas (they import `solutions.services`; this module imports them), so the
solutions area's services do not depend on them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased, joinedload

from ai_register.classification.models import ClassificationSummary
from ai_register.classification.summaries import classification_summary
from ai_register.extensions import db
from ai_register.oversight import services as oversight
from ai_register.oversight.models import OversightAssignment, Person
from ai_register.solutions.access import get_solution, readable
from ai_register.solutions.lifecycle.decisions import allowed_decisions
from ai_register.solutions.lifecycle.phases import Phase, Status, allowed_targets
from ai_register.solutions.models import Solution, TransitionRequest
from ai_register.users.models import User

# `current_classification` may carry `ai_act_role`, `public_authority` (from the approved answers) and
# `obligations` (the duties under the latest decided result); they are shown at the top level too.
DETAIL_KEYS = ("current_classification", "oversight_owner")


# What the detail shows of an account it names (owner, co-owners, who requested the pending move): its
# id and name (`UserRefSchema`). Loading only those (and the e-mail, which the oversight summary shows
# of its people) keeps the joined statement from carrying every user column for each of them.
SHOWN_USER_COLUMNS = (User.id, User.display_name, User.email)


# Built once: loader options are immutable, and building them cost more than a tenth of a millisecond on
# every read of a solution.
_DETAIL_LOAD = (joinedload(Solution.owner).load_only(*SHOWN_USER_COLUMNS),
                joinedload(Solution.co_owners).load_only(*SHOWN_USER_COLUMNS),
                joinedload(Solution.pending_transition).joinedload(TransitionRequest.requested_by)
                .load_only(*SHOWN_USER_COLUMNS),
                joinedload(Solution.classification_summary),
                *oversight.DETAIL_LOAD)


def detail_load_options() -> tuple:
    """Loader options for reading a solution to show its detail: owners, the pending transition, the
    kept classification summary and the current oversight assignment, in one statement."""
    return _DETAIL_LOAD


_SOLUTION_KEYS = tuple(attr.key for attr in db.inspect(Solution).mapper.column_attrs)


def solution_detail(solution: Solution, versions: list | None = None) -> dict[str, Any]:
    """The solution with its links to other areas' records; `versions`: every classification version in
    order, when the caller has read them (the summary of a solution without a kept one comes from them)."""
    summary = classification_summary(solution) if versions is None else classification_summary(solution,
                                                                                                versions=versions)
    current = summary or {}
    phase, status = Phase(solution.phase), Status(solution.status)
    return {
        **{key: getattr(solution, key) for key in _SOLUTION_KEYS},
        "owner": solution.owner,
        "co_owners": solution.co_owners,
        "current_classification": summary,
        "oversight_owner": oversight.oversight_summary(solution),
        "ai_act_role": current.get("ai_act_role", current.get("role")),
        "public_authority": current.get("public_authority"),
        "obligations": current.get("obligations", []),
        "pending_transition": solution.pending_transition,
        "allowed_transitions": [p.value for p in allowed_targets(phase, status)],
        "allowed_decisions": [k.value for k in allowed_decisions(phase, status)],
    }


# --- the API's read of one solution, without the ORM's loading ---------------------------------------
#
# GET /api/v1/solutions/{id} is the register's most frequent read. Through the ORM (`get_solution` with the
# options above) the statement's eleven joined entities cost about twice what the rest of the request does
# (row processors and identity map for each entity on every read). This reads the same columns over the same
# joins (the relationships' own join conditions) as one Core statement, compiled once, and puts each
# record's values into an object of its model class that no session holds (`_record`): the detail above,
# the access rule, the classification and oversight summaries and the schemas then run on it unchanged.
# Nothing else is loaded: these objects are read, never changed, and leave with the request.
# `tests/solutions/test_detail_read.py` holds its answers (body, ETag) to the ORM path's for every solution
# of the demo region and generated ones (co-owners, a pending move, an oversight owner or deputy either
# kind, a kept summary or none), on both databases.

_OWNER, _CO_OWNER, _REQUESTER = aliased(User), aliased(User), aliased(User)
_PENDING, _OVERSIGHT = aliased(TransitionRequest), aliased(OversightAssignment)
_O_USER, _O_PERSON, _D_USER, _D_PERSON = aliased(User), aliased(Person), aliased(User), aliased(Person)
_SHOWN_USER_KEYS = tuple(column.key for column in SHOWN_USER_COLUMNS)


def _keys(model) -> tuple[str, ...]:
    return tuple(attr.key for attr in db.inspect(model).column_attrs)


# (name, model, its alias in the statement, the attributes read); the statement's columns in this order.
_PARTS = (
    ("solution", Solution, Solution, _SOLUTION_KEYS),
    ("owner", User, _OWNER, _SHOWN_USER_KEYS),
    ("co_owner", User, _CO_OWNER, _SHOWN_USER_KEYS),
    ("pending", TransitionRequest, _PENDING, _keys(TransitionRequest)),
    ("requester", User, _REQUESTER, _SHOWN_USER_KEYS),
    ("oversight", OversightAssignment, _OVERSIGHT, _keys(OversightAssignment)),
    ("o_user", User, _O_USER, _SHOWN_USER_KEYS),
    ("o_person", Person, _O_PERSON, _keys(Person)),
    ("d_user", User, _D_USER, _SHOWN_USER_KEYS),
    ("d_person", Person, _D_PERSON, _keys(Person)),
    ("summary", ClassificationSummary, ClassificationSummary, _keys(ClassificationSummary)),
)
_COLUMNS = [getattr(alias, key) for _, _, alias, keys in _PARTS for key in keys]
# name → (model, attributes, their columns in a row, the position of the primary key among them)
_SLICES: dict[str, tuple[type, tuple[str, ...], slice, int]] = {}
_start = 0
for _name, _model, _, _part_keys in _PARTS:
    _key = _part_keys.index(db.inspect(_model).primary_key[0].key)
    _SLICES[_name] = (_model, _part_keys, slice(_start, _start + len(_part_keys)), _key)
    _start += len(_part_keys)

_DETAIL_STATEMENT = (
    select(*_COLUMNS)
    .outerjoin(Solution.owner.of_type(_OWNER))
    .outerjoin(Solution.co_owners.of_type(_CO_OWNER))
    .outerjoin(Solution.pending_transition.of_type(_PENDING))
    .outerjoin(_PENDING.requested_by.of_type(_REQUESTER))
    .outerjoin(Solution.current_oversight.of_type(_OVERSIGHT))
    .outerjoin(_OVERSIGHT.user.of_type(_O_USER))
    .outerjoin(_OVERSIGHT.person.of_type(_O_PERSON))
    .outerjoin(_OVERSIGHT.deputy_user.of_type(_D_USER))
    .outerjoin(_OVERSIGHT.deputy_person.of_type(_D_PERSON))
    .outerjoin(Solution.classification_summary)
    .where(Solution.id == bindparam("solution_id"))
    .order_by(_CO_OWNER.id)  # the co-owners in the relationship's order
)


def _record(name: str, row) -> Any:
    """The part `name` of a row as an object of its model, or None when the outer join found nothing."""
    model, keys, columns, key = _SLICES[name]
    values = row[columns]
    if values[key] is None:  # no record: its (non-null) primary key is null
        return None
    record = model.__mapper__.class_manager.new_instance()
    record.__dict__.update(zip(keys, values, strict=True))
    return record


def read_detail(solution_id: int, user: User) -> Solution:
    """The solution with what its detail shows, if `user` may see it (404 otherwise, as `get_solution`):
    one statement, no ORM loading. A solution without a kept classification summary (its summary is
    computed from the versions) is read through the ORM as before."""
    # On the Core connection: the ORM session's execute would add its own handling of the result.
    rows = db.session.connection().execute(_DETAIL_STATEMENT, {"solution_id": solution_id}).all()
    summary = _record("summary", rows[0]) if rows else None
    if summary is None:
        return get_solution(solution_id, user, options=_DETAIL_LOAD)
    first = rows[0]
    solution = _record("solution", first)
    pending = _record("pending", first)
    if pending is not None:
        pending.__dict__.update(requested_by=_record("requester", first), decided_by=None)
        if pending.decided_by_id is not None:  # not a pending move's: read as the ORM would
            return get_solution(solution_id, user, options=_DETAIL_LOAD)
    assignment = _record("oversight", first)
    if assignment is not None:
        assignment.__dict__.update(user=_record("o_user", first), person=_record("o_person", first),
                                   deputy_user=_record("d_user", first), deputy_person=_record("d_person", first))
    co_owners = [co_owner for co_owner in (_record("co_owner", row) for row in rows) if co_owner is not None]
    solution.__dict__.update(owner=_record("owner", first), co_owners=co_owners, pending_transition=pending,
                             current_oversight=assignment, classification_summary=summary)
    return readable(solution, user)
