"""The solution page and its transition page read each part once: on the demo region's solutions (records of
every module), for every role that reaches them, each page sends at most its budget of statements, no table
of a part the page and its gate checklist both show is read by two of them, and the counts stay the same when
the register grows by other owners' solutions and events. What the page hands the checklist gives what the
checklist would read for itself."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from ai_register.classification.services import classifications_of
from ai_register.extensions import db
from ai_register.solutions import plans
from ai_register.solutions.gate_facts import build_gate_facts
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.suppliers import services as suppliers
from ai_register.users.models import User
from ai_register.web import gates
from tests.reliability.conftest import counted_statements
from tests.reliability.test_query_counts import _add_register
from tests.webclient import WebClient

# Statements per page at most, the signed-in reader's account included (read twice per request here: no
# account cache on SQLite or with `without_auth_cache`); the richest demo solutions take 13 + 2 and 5 + 2.
PAGE_BUDGET = 15
TRANSITION_BUDGET = 7
# What the page shows and the gate checklist reads too: each from one statement.
SHARED = ("classifications", "rollout_units", "decommissioning_items", "supplier_documents", "goals", "evidence",
          "benefit_estimates", "oversight_assignments")
READERS = {"agare@region.example": "owner", "agare2@region.example": "owner", "granskare@region.example": "compliance",
           "revisor@region.example": "auditor"}


def _statements(app, user: User, url: str) -> list[str]:
    db.session.expunge_all()  # as a request's own session: nothing of the test's reads held
    with counted_statements() as statements:
        response = WebClient(app, user).get(url)
    assert response.status_code == 200, (user.email, url, response.status_code)
    db.session.rollback()
    return statements


def _reading(statements: list[str], table: str) -> list[str]:
    pattern = re.compile(rf"\b(?:FROM|JOIN)\s+{table}\b", re.IGNORECASE)
    return [s for s in statements if pattern.search(s)]


def _measure(app, people: list[User], solutions: dict[int, tuple[str, set[int]]]) -> dict:
    counts = {}
    for user in people:
        role = READERS[user.email]
        for sid, (phase, owners) in solutions.items():
            if role == "owner" and user.id not in owners:
                continue
            moves = role != "auditor" and phase != "retired"  # a retired solution moves no more (409)
            for url in [f"/solutions/{sid}"] + ([f"/solutions/{sid}/transition"] if moves else []):
                statements = _statements(app, user, url)
                counts[(user.email, url)] = len(statements)
                for table in SHARED:
                    assert len(_reading(statements, table)) <= 1, (url, table, _reading(statements, table))
    return counts


def _handed_in_alike(solutions: list[Solution]) -> None:
    """What the page reads once and hands on gives the gate facts, the checklist and its supplier notices
    that each would read for itself, today and on a day when certificates and confirmations have lapsed."""
    today = region_today()
    notices = 0
    for solution in solutions:
        handed = {"classifications": classifications_of(solution), "rollout": plans.rollout_units(solution),
                  "decommissioning": plans.checklist_items(solution),
                  "supplier_documents": suppliers.linked_documents(solution.id)}
        for on in (today, today + timedelta(days=800)):
            assert build_gate_facts(solution, on=on, **handed) == build_gate_facts(solution, on=on)
            assert gates.checklist(solution, on, **handed) == gates.checklist(solution, on)
            alone = suppliers.attention(on, solution_id=solution.id)
            assert suppliers.attention_from(handed["supplier_documents"], solution, on) == alone
            notices += len(alone)
        assert [d.id for d in handed["supplier_documents"]] == [d.id for d in suppliers.solution_documents(
            solution.id)[1]]
    assert notices  # not vacuous: some supplier document lapses


def test_the_solution_page_reads_each_part_once_and_as_much_in_a_large_register(app, runner, without_auth_cache):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.test_request_context():  # the checklist's texts are in the reader's language
        _handed_in_alike(list(db.session.scalars(select(Solution).order_by(Solution.id))))
    people = list(db.session.scalars(select(User).where(User.email.in_(READERS)).order_by(User.id)))
    solutions = {s.id: (s.phase, {s.owner_id, *(c.id for c in s.co_owners)})
                 for s in db.session.scalars(select(Solution).order_by(Solution.id))}
    small = _measure(app, people, solutions)
    pages = {key: count for key, count in small.items() if "/transition" not in key[1]}
    moves = {key: count for key, count in small.items() if "/transition" in key[1]}
    assert len(pages) >= 3 * len(solutions) and moves  # every solution for three readers at least
    assert max(pages.values()) <= PAGE_BUDGET, pages
    assert max(moves.values()) <= TRANSITION_BUDGET, moves
    _add_register(people[0].id, 40, 0)
    officer = [user for user in people if READERS[user.email] == "compliance"]
    assert _measure(app, officer, solutions) == {key: count for key, count in small.items()
                                                 if key[0] == officer[0].email}
