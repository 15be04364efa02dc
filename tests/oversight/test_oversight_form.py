"""The oversight owner's rules live in the oversight service, so the API and the page answer alike: the API
with a 422 naming the field, the page with the same message beside the field and the form kept."""

from __future__ import annotations

from ai_register.extensions import db
from ai_register.solutions.models import Solution
from tests.helpers import events, problem
from tests.webclient import field_error, text

from .test_oversight import MONITORS, NURSE, body, put

EITHER = ["Give either user_id (a user account) or name (a person without one)."]


def test_an_account_or_a_person_never_both_or_neither(api, solution, users):
    owner2 = users["owner2"].id
    for person, deputy, errors in (
        ({"user_id": owner2, "name": "Both"}, None, {"person": {"_schema": EITHER}}),
        ({}, None, {"person": {"_schema": EITHER}}),
        (NURSE, {}, {"deputy": {"_schema": EITHER}}),
        ({"user_id": owner2, "title": "Dr", "unit": "Akuten"}, None,
         {"person": {"title": ["Not used with user_id; the account has these."],
                     "unit": ["Not used with user_id; the account has these."]}}),
    ):
        refused = problem(put(api, solution.id, body(person, deputy=deputy)), 422)
        assert refused["errors"] == errors and refused["code"] == "invalid_input"
        assert refused["detail"] == f"Invalid input: {next(iter(errors))}"
    assert events(solution.id) == []


def _form(users, **changes) -> dict:
    return {"version": "1", "person_kind": "user", "person_user_id": str(users["owner2"].id),
            "deputy_kind": "none", "competence": "Tio år i triage", "authority_to_suspend": "y",
            **{name: "y" for name in MONITORS}, **changes}


def test_an_account_or_a_name_is_needed_on_the_page_as_in_the_api(web, api, solution, users):
    # The API refuses a reference without its account (shape) with marshmallow's "Field may not be null."
    refused = problem(put(api, solution.id, body({"user_id": None})), 422)
    assert refused["errors"] == {"person": {"user_id": ["Field may not be null."]}}
    owner = web("owner")
    for changes, field_id in (({"person_user_id": ""}, "person_user_id"),
                              ({"person_kind": "person", "person_name": " "}, "person_name"),
                              ({"deputy_kind": "person", "deputy_title": "Läkare"}, "deputy_name")):
        page = owner.post(f"/solutions/{solution.id}/oversight", _form(users, **changes))
        assert page.status_code == 422
        assert field_error(page, field_id) == "Måste anges."  # the catalog's "Field may not be null."
        assert "Tio år i triage" in text(page)  # the form is kept
    assert events(solution.id) == []


def test_the_deputy_is_someone_else_on_the_page_as_in_the_api(web, api, solution, users):
    refused = problem(put(api, solution.id, body({"user_id": users["owner2"].id},
                                                 deputy={"user_id": users["owner2"].id})), 422)
    assert refused["errors"] == {"deputy": ["Must be someone else than the owner."]}
    page = web("owner").post(f"/solutions/{solution.id}/oversight",
                             _form(users, deputy_kind="user", deputy_user_id=str(users["owner2"].id)))
    assert page.status_code == 422
    assert field_error(page, "deputy_kind") == "Måste vara någon annan än ägaren."
    assert "Tio år i triage" in text(page)
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).version == 1 and events(solution.id) == []


def test_a_saved_form_goes_back_to_the_solution_with_a_message(web, solution, users):
    owner = web("owner")
    saved = owner.post(f"/solutions/{solution.id}/oversight", _form(users), follow_redirects=True)
    assert saved.status_code == 200 and "Ansvarig för tillsyn är sparad." in text(saved)
    assert [e.action for e in events(solution.id, "oversight_assignment")] == ["create"]
