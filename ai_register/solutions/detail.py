"""A solution's detail: its own fields with what the classification and oversight areas hold about it,
gathered by calling them by name (as `gate_facts` does), for GET /solutions/{id} and the solution page.

It sits above those areas (they import `solutions.services`; this module imports them), so the
solutions area's services do not depend on them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from ai_register.classification.summaries import classification_summary
from ai_register.extensions import db
from ai_register.oversight import services as oversight
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


def solution_detail(solution: Solution) -> dict[str, Any]:
    """The solution with its links to other areas' records."""
    summary = classification_summary(solution)
    current = summary or {}
    phase, status = Phase(solution.phase), Status(solution.status)
    return {
        **{attr.key: getattr(solution, attr.key) for attr in db.inspect(Solution).mapper.column_attrs},
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
