"""Queries per request are constant, not proportional to rows: the list, detail and report endpoints
send as many SQL statements for 100 related rows as for 1."""

from __future__ import annotations

import pytest

from ai_register.extensions import db
from ai_register.oversight.models import OversightAssignment
from ai_register.solutions.models import TransitionRequest
from tests.helpers import settle_auth_cache

from .conftest import BASE, counted_statements


def statements_for(client, url: str, headers: dict) -> list[str]:
    with counted_statements() as statements:
        response = client.get(url, headers=headers)
        response.get_data()  # streamed bodies run their queries while being read
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return statements


def test_list_queries_do_not_grow_with_the_number_of_solutions(client, build, without_auth_cache):
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
def test_detail_and_report_queries_do_not_grow_with_related_rows(app, client, build, path, without_auth_cache):
    small, large = build.solution(), build.solution(name="Stor lösning")
    build.grow(small, 1)
    build.grow(large, 100)
    one = statements_for(client, f"{BASE}/{small}{path}", build.compliance)
    hundred = statements_for(client, f"{BASE}/{large}{path}", build.compliance)
    assert len(hundred) == len(one), "\n".join(hundred)
    if path == "":  # the solution page: its owners, pending move, summary and oversight come with the solution
        officer = build.users["compliance"]
        one = _web_get(app, officer, f"/solutions/{small}")
        hundred = _web_get(app, officer, f"/solutions/{large}")
        assert len(hundred) == len(one), "\n".join(hundred)
    if path == "/report":  # the EU-database export reads its sections of the report (records.live_records)
        one = statements_for(client, f"{BASE}/{small}/eu-database", build.compliance)
        hundred = statements_for(client, f"{BASE}/{large}/eu-database", build.compliance)
        assert len(hundred) == len(one) <= 6, "\n".join(hundred)


def test_a_single_read_stays_within_its_statement_budget(app, client, build, steady_auth_cache):
    """GET /solutions/{id} runs on every screen and integration: the bearer token with its user (none on
    PostgreSQL once the worker's cache holds the token, users/auth_cache.py); the solution with its
    owners, pending transition, oversight owner and kept classification summary (classification/summaries.py;
    no version is read): one statement (two with the token's), however many versions, co-owners and updates
    it has."""
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
    cache = app.extensions["auth_cache"]
    if cache is not None:
        settle_auth_cache(cache)
        statements_for(client, f"{BASE}/{sid}", build.compliance)  # the token is kept
    statements = statements_for(client, f"{BASE}/{sid}", build.compliance)
    assert len(statements) <= (1 if cache is not None else 2), "\n".join(statements)
    assert not cache or not [s for s in statements if "api_tokens" in s], "\n".join(statements)
    assert not [s for s in statements if "FROM classifications" in s], "\n".join(statements)
    body = client.get(f"{BASE}/{sid}", headers=build.compliance).get_json()
    assert body["pending_transition"]["requested_by"]["id"] == owner.id
    assert body["oversight_owner"]["person"]["user_id"] == owner.id
    assert body["oversight_owner"]["deputy"]["user_id"] == deputy.id
    assert len(body["co_owners"]) == 20 and body["current_classification"]["version"] == 20


# --- pages and read endpoints: constant in the number of solutions and audit events ------------------

def _add_register(owner_id: int, count: int, start: int) -> None:
    """`count` solutions of another owner: some overdue, flagged, public, high-risk; and events on them."""
    from datetime import date, timedelta

    from sqlalchemy import insert, select

    from ai_register.audit import services as audit
    from ai_register.solutions.models import Solution

    today = date.today()
    db.session.execute(insert(Solution), [{
        "name": f"Lösning {start + n:04d}", "purpose": "Sorterar remisser.", "owner_id": owner_id,
        "created_by_id": owner_id, "phase": ("needs_analysis", "pilot", "management")[n % 3],
        "public": n % 2 == 0, "needs_rereview": n % 4 == 0, "current_ai_act_category": ("high_risk", None)[n % 2],
        "next_review_on": today - timedelta(days=30) if n % 3 == 2 else None,
    } for n in range(count)])
    for sid in db.session.scalars(select(Solution.id).where(Solution.name >= f"Lösning {start:04d}")):
        for _ in range(3):
            audit.record("update", "solution", sid, solution_id=sid, actor_id=owner_id, data={"n": 1})
    db.session.commit()


def _web_get(app, user, url: str) -> list[str]:
    from flask import g

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    for name in ("_login_user", "csrf_token", "_flask_babel"):
        g.pop(name, None)
    with counted_statements() as statements:
        response = client.get(url)
        response.get_data()
    assert response.status_code == 200, (url, response.status_code)
    return statements


PAGES = [  # (who, url, web page?)
    ("owner", "/", True), ("compliance", "/", True), ("auditor", "/", True),
    ("compliance", "/solutions", True), ("owner", "/solutions", True),
    ("compliance", "/solutions?q=L%C3%B6sning&sort=-next_review_on", True),
    ("compliance", "/solutions?sort=-next_review_on", True), ("owner", "/solutions?q=L%C3%B6sning&sort=phase", True),
    ("compliance", "/solutions?sort=-next_review_on&page=2000", True), ("auditor", "/solutions?phase=pilot", True),
    ("owner", "/api/v1/solutions?phase=pilot&per_page=2&page=2", False),
    ("compliance", "/solutions?q=L%C3%B6sning", True),
    ("auditor", "/api/v1/solutions?q=L%C3%B6sning&care_unit=Akuten&per_page=5", False),
    ("compliance", "/api/v1/solutions?phase=pilot&status=active&care_unit=Akuten&q=l%C3%B6sning&page=2&per_page=2",
     False),
    ("compliance", "/audit", True), ("auditor", "/audit?solution=L%C3%B6sning+0001", True),
    ("compliance", "/incidents/new", True), ("owner", "/incidents/new", True),
    # A whole-register lookup sends one statement when the first solutions by name hold enough matches,
    # else two (tests/solutions/test_lookup_search.py): a word found in neither register takes the same path.
    ("compliance", "/solutions/lookup?q=Kiruna", True), ("owner", "/solutions/lookup?q=1&write=1", True),
    (None, "/public", True), (None, "/public?q=L%C3%B6sning&phase=management&ai_act_category=high_risk", True),
    ("compliance", "/api/v1/solutions?per_page=20", False), ("owner", "/api/v1/solutions", False),
    ("compliance", "/api/v1/follow-up", False), ("owner", "/api/v1/follow-up", False),
    ("compliance", "/api/v1/follow-up?per_page=5&page=2", False),
    ("auditor", "/api/v1/follow-up?overdue=true&per_page=5", False),
    ("auditor", "/api/v1/audit/events?per_page=20", False),
    ("auditor", "/api/v1/audit/events?per_page=20&page=3", False),
    ("compliance", "/api/v1/audit/events?action=update&per_page=20", False),
    (None, "/api/v1/public/solutions?per_page=20", False),
    (None, "/api/v1/public/solutions?format=csv", False),
    ("compliance", "/portfolio", True), ("owner", "/portfolio", True),
    ("compliance", "/portfolio?sort=name&overdue=false", True),
    ("compliance", "/api/v1/portfolio?per_page=20", False),
    ("auditor", "/api/v1/portfolio?per_page=4&page=2&sort=-yearly_net_benefit&critical=false", False),
    (None, "/api/v1/public/solutions?q=L%C3%B6sning&phase=management&per_page=20", False),
    ("owner", "/api/v1/reviews/schedule", False), ("compliance", "/api/v1/reviews/schedule?state=overdue", False),
    ("auditor", "/api/v1/rulesets", False),
    ("admin", "/api/v1/privacy/inventory", False), ("admin", "/privacy", True),
    ("owner", "/deviations/new", True), ("auditor", "/deviations/solutions", True),
    ("compliance", "/deviations/solutions?q=Kiruna", True), ("compliance", "/deviations/triage", True),
    (None, "/api/v1/openapi.json", False),
]


def test_pages_send_as_many_statements_for_a_large_register_as_for_a_small_one(app, client, users, auth,
                                                                               make_user, without_auth_cache):
    """Each page and read endpoint of PAGES, per role, for 3 solutions then 60 (and 3 events each):
    the same number of statements. (The owner's own solutions stay the same; another owner's grow.)
    The account is read on every request here (no token and account cache on PostgreSQL): a cache
    hit on the second pass would count one statement fewer for a reason that is not the page's."""
    from ai_register.extensions import db as _db

    other = make_user("owner")
    own = users["owner"]
    _add_register(own.id, 3, 0)
    _add_register(other.id, 3, 3)

    def measure() -> dict:
        counts = {}
        for who, url, page in PAGES:
            user = users[who] if who else None
            if page and user is not None:
                counts[(who, url)] = len(_web_get(app, user, url))
            elif page:
                with counted_statements() as statements:
                    response = client.get(url)
                    response.get_data()
                assert response.status_code == 200, url
                counts[(who, url)] = len(statements)
            else:
                counts[(who, url)] = len(statements_for(client, url, auth(user) if user else {}))
            _db.session.rollback()
        return counts

    small = measure()
    _add_register(other.id, 57, 6)
    large = measure()
    grown = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert not grown, grown
