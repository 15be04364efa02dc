"""Who may call which classification endpoint: every endpoint refuses the wrong role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ai_register.classification.models import Classification
from ai_register.extensions import db
from tests.answers import MINIMAL


@pytest.fixture
def stored(classify_as, users, solution):
    return classify_as(solution, users["owner"], MINIMAL)


def test_list_and_read_by_role(api, users, solution, stored):
    listing = f"/solutions/{solution.id}/classifications"
    one = f"/classifications/{stored['id']}"
    for role in ("owner", "compliance", "auditor"):
        assert api("get", listing, users[role]).status_code == 200, role
        assert api("get", one, users[role]).status_code == 200, role
    assert api("get", listing, users["admin"]).status_code == 403
    assert api("get", one, users["admin"]).status_code == 403
    # Another owner's solution does not exist for them.
    assert api("get", listing, users["owner2"]).status_code == 404
    assert api("get", one, users["owner2"]).status_code == 404
    assert api("get", listing, None).status_code == 401
    assert api("get", "/classifications/999999", users["compliance"]).status_code == 404


def test_store_by_role(api, users, solution):
    url = f"/solutions/{solution.id}/classifications"
    body = {"answers": MINIMAL}
    assert api("post", url, users["auditor"], body).status_code == 403
    assert api("post", url, users["admin"], body).status_code == 403
    assert api("post", url, users["owner2"], body).status_code == 404
    assert api("post", url, None, body).status_code == 401
    assert api("post", "/solutions/999999/classifications", users["compliance"], body).status_code == 404
    assert db.session.scalar(select(func.count(Classification.id))) == 0


def test_store_on_a_retired_solution_is_refused(api, users, make_solution):
    solution = make_solution(phase="retired")
    response = api("post", f"/solutions/{solution.id}/classifications", users["owner"], {"answers": MINIMAL})
    assert response.status_code == 409


def test_submit_by_role(api, users, stored):
    url = f"/classifications/{stored['id']}/submit"
    for role in ("compliance", "auditor", "admin"):
        assert api("post", url, users[role]).status_code == 403, role
    assert api("post", url, users["owner2"]).status_code == 404
    assert db.session.get(Classification, stored["id"]).status == "draft"


def test_an_officer_who_owns_the_solution_submits_and_another_reviews(api, users, make_solution):
    solution = make_solution(owner=users["compliance"], name="Registered by compliance for itself")
    stored = api("post", f"/solutions/{solution.id}/classifications", users["compliance"], {"answers": MINIMAL})
    url = f"/classifications/{stored.get_json()['id']}"
    assert api("post", f"{url}/submit", users["compliance2"]).status_code == 403  # not an owner
    assert api("post", f"{url}/submit", users["compliance"]).status_code == 200
    assert api("post", f"{url}/approve", users["compliance"], {}).status_code == 403  # four eyes
    assert api("post", f"{url}/approve", users["compliance2"], {}).status_code == 200


@pytest.mark.parametrize("action,body", [
    ("approve", {}),
    ("reject", {"justification": "Because"}),
    ("override", {"justification": "Because", "category": "high_risk"}),
])
def test_review_by_role(api, users, stored, action, body):
    api("post", f"/classifications/{stored['id']}/submit", users["owner"])
    url = f"/classifications/{stored['id']}/{action}"
    for role in ("owner", "owner2", "auditor", "admin"):
        assert api("post", url, users[role], body).status_code == 403, role
    assert api("post", url, None, body).status_code == 401
    assert db.session.get(Classification, stored["id"]).status == "submitted"
    assert api("post", url, users["compliance"], body).status_code == 200


def test_preview_and_questionnaire_for_every_signed_in_role(api, users):
    for role in ("owner", "compliance", "auditor", "admin"):
        preview = api("post", "/classifications/preview", users[role], {"answers": MINIMAL})
        assert preview.status_code == 200, role
        assert api("get", "/classifications/questionnaire", users[role]).status_code == 200, role
    assert api("post", "/classifications/preview", None, {"answers": MINIMAL}).status_code == 401
    assert api("get", "/classifications/questionnaire", None).status_code == 401


def test_rulesets_by_role(api, users, stored):
    version = stored["ruleset"]["version"]
    for role in ("compliance", "auditor"):
        assert api("get", "/rulesets", users[role]).status_code == 200, role
        assert api("get", f"/rulesets/{version}", users[role]).status_code == 200, role
    for role in ("owner", "admin"):
        assert api("get", "/rulesets", users[role]).status_code == 403, role
        assert api("get", f"/rulesets/{version}", users[role]).status_code == 403, role
    for role in ("owner", "admin"):
        for apply in (False, True):
            assert api("post", "/rulesets/impact", users[role], {"apply": apply}).status_code == 403, role
    # An auditor previews the impact (a read) but does not flag anything.
    assert api("post", "/rulesets/impact", users["auditor"], {"apply": False}).status_code == 200
    assert api("post", "/rulesets/impact", users["auditor"], {"apply": True}).status_code == 403
    assert api("post", "/rulesets/impact", users["compliance"], {"apply": False}).status_code == 200
