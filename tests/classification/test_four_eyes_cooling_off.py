"""Four eyes, the gap of issue #19 item 11: an officer who stepped down as co-owner *before* the owner
answered a new version (or made a request) may not review it while the cooling-off period runs
(FOUR_EYES_COOLING_OFF_DAYS, 365 by default; docs/security.md gives the reasoning)."""

from __future__ import annotations

from datetime import timedelta

from ai_register.classification.models import Classification
from ai_register.extensions import db
from tests.answers import MINIMAL
from tests.helpers import four_eyes_bar


def step_down(client, auth, api, users, solution, who="compliance2") -> None:
    version = api("get", f"/solutions/{solution.id}", users[who]).headers["ETag"]
    response = client.patch(f"/api/v1/solutions/{solution.id}", json={"co_owner_ids": []},
                            headers=auth(users[who], **{"If-Match": version}))
    assert response.status_code == 200, response.get_json()


def answered_after_stepping_down(client, auth, api, users, make_solution, classify_as) -> dict:
    solution = make_solution(co_owners=[users["compliance2"]])
    step_down(client, auth, api, users, solution)
    record = classify_as(solution, users["owner"], MINIMAL)
    assert api("post", f"/classifications/{record['id']}/submit", users["owner"]).status_code == 200
    return record


def test_a_former_co_owner_may_not_review_a_version_answered_after_stepping_down(
        client, auth, api, users, make_solution, classify_as):
    record = answered_after_stepping_down(client, auth, api, users, make_solution, classify_as)
    for action, body in (("approve", {}), ("reject", {"justification": "x"}),
                         ("override", {"justification": "x", "category": "high_risk"})):
        response = api("post", f"/classifications/{record['id']}/{action}", users["compliance2"], body)
        assert four_eyes_bar(response) == "cooling_off", action
    assert api("post", f"/classifications/{record['id']}/approve", users["compliance"], {}).status_code == 200


def test_after_the_cooling_off_period_a_former_co_owner_may_review(
        app, client, auth, api, users, make_solution, classify_as):
    app.config["FOUR_EYES_COOLING_OFF_DAYS"] = 30
    record = answered_after_stepping_down(client, auth, api, users, make_solution, classify_as)
    classification = db.session.get(Classification, record["id"])
    classification.created_at = classification.created_at + timedelta(days=31)  # answered a month later
    db.session.commit()
    response = api("post", f"/classifications/{record['id']}/approve", users["compliance2"], {})
    assert response.status_code == 200, response.get_json()


def test_no_cooling_off_when_the_region_sets_zero(app, client, auth, api, users, make_solution, classify_as):
    app.config["FOUR_EYES_COOLING_OFF_DAYS"] = 0
    record = answered_after_stepping_down(client, auth, api, users, make_solution, classify_as)
    assert api("post", f"/classifications/{record['id']}/approve", users["compliance2"], {}).status_code == 200


def test_the_review_queue_page_names_the_cooling_off(client, auth, api, users, make_solution, classify_as, app):
    """The web review refuses it too, in Swedish."""
    record = answered_after_stepping_down(client, auth, api, users, make_solution, classify_as)
    from tests.webclient import WebClient

    web = WebClient(app, users["compliance2"])
    response = web.post(f"/review/classifications/{record['id']}", {"outcome": "approve", "justification": "ok"})
    page = response.get_data(as_text=True)
    assert response.status_code in (302, 403, 409, 422), response.status_code
    if response.status_code == 302:
        page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "karenstid" in page
    assert db.session.get(Classification, record["id"]).status == "submitted"
