"""Queries per request are constant, not proportional to rows: the list, detail and report endpoints
send as many SQL statements for 100 related rows as for 1."""

from __future__ import annotations

import pytest

from ai_register.extensions import db
from ai_register.oversight.models import OversightAssignment
from ai_register.solutions.models import TransitionRequest

from .conftest import BASE, counted_statements


def statements_for(client, url: str, headers: dict) -> list[str]:
    with counted_statements() as statements:
        response = client.get(url, headers=headers)
        response.get_data()  # streamed bodies run their queries while being read
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return statements


def test_list_queries_do_not_grow_with_the_number_of_solutions(client, build):
    first = build.solution()
    build.grow(first, 1)
    url = f"{BASE}?per_page=200"
    one = statements_for(client, url, build.compliance)
    for n in range(99):
        sid = build.solution(name=f"Lösning {n}")
        build.grow(sid, 1)
    hundred = statements_for(client, url, build.compliance)
    assert client.get(url, headers=build.compliance).get_json()["total"] == 100
    assert len(hundred) == len(one), "\n".join(hundred)


@pytest.mark.parametrize("path", ["", "/report", "/report?verify=solution"])
def test_detail_and_report_queries_do_not_grow_with_related_rows(client, build, path):
    small, large = build.solution(), build.solution(name="Stor lösning")
    build.grow(small, 1)
    build.grow(large, 100)
    one = statements_for(client, f"{BASE}/{small}{path}", build.compliance)
    hundred = statements_for(client, f"{BASE}/{large}{path}", build.compliance)
    assert len(hundred) == len(one), "\n".join(hundred)


def test_a_single_read_stays_within_its_statement_budget(client, build):
    """GET /solutions/{id} runs on every screen and integration: the bearer token with its user; the
    solution with its owners, pending transition and oversight owner; its classification versions:
    three statements, however many versions, co-owners and updates it has."""
    sid = build.solution()
    build.grow(sid, 20)
    owner, deputy = build.make_user("owner"), build.make_user("owner")
    db.session.add_all([
        TransitionRequest(solution_id=sid, from_phase="needs_analysis", to_phase="pilot", approval_required=True,
                          requested_by_id=owner.id),
        OversightAssignment(solution_id=sid, user_id=owner.id, deputy_user_id=deputy.id, authority_to_suspend=True,
                            created_by_id=owner.id),
    ])
    db.session.commit()
    statements = statements_for(client, f"{BASE}/{sid}", build.compliance)
    assert len(statements) <= 3, "\n".join(statements)
    assert sum("FROM classifications" in s for s in statements) == 1, "\n".join(statements)
    body = client.get(f"{BASE}/{sid}", headers=build.compliance).get_json()
    assert body["pending_transition"]["requested_by"]["id"] == owner.id
    assert body["oversight_owner"]["person"]["user_id"] == owner.id
    assert body["oversight_owner"]["deputy"]["user_id"] == deputy.id
    assert len(body["co_owners"]) == 20 and body["current_classification"]["version"] == 20
