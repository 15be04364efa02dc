"""The rollout plan's and a decision's rules live in the solutions services, so the API and the pages refuse
alike: the API with a 422 naming the unit or field, the page with the same message beside its row, the form
kept."""

from __future__ import annotations

import pytest

from ai_register.exceptions import InvalidInput
from ai_register.extensions import db
from ai_register.solutions import plans, transitions
from ai_register.solutions.models import Solution
from tests.helpers import problem
from tests.webclient import SOLUTION_FORM, field_error, text

from .conftest import events
from .test_plans import decommissioning


def register_solution(owner, **changes) -> Solution:
    assert owner.post("/solutions/new", {**SOLUTION_FORM, **changes}).status_code == 302
    return db.session.scalars(db.select(Solution).order_by(Solution.id.desc())).first()


def test_a_unit_named_twice_on_the_page_as_in_the_api(reg, web):
    sid = reg.create()["id"]
    refused = problem(reg.put_plan(sid, [{"name": "Akuten", "planned_start": "2030-01-10"},
                                         {"name": " akuten ", "planned_start": "2030-02-10"}]), 422)
    assert refused["errors"] == {"units": {"1": {"name": ["'akuten' is listed twice."]}}}
    assert refused["code"] == "invalid_input" and refused["detail"] == "Invalid input: units"
    owner = web("owner")
    solution = register_solution(owner)
    page = owner.post(f"/solutions/{solution.id}/rollout-plan", {
        "units-0-name": "Akuten", "units-0-planned_start": "2030-01-10",
        "units-1-name": "", "units-1-planned_start": "",  # an empty spare row between them
        "units-2-name": " akuten ", "units-2-planned_start": "2030-02-10", "reason": "Andra vågen"})
    assert page.status_code == 422
    assert field_error(page, "units-2-name") == "akuten står två gånger."  # beside its own row
    assert field_error(page, "units-0-name") is None
    assert 'value="Andra vågen"' in text(page) and 'value="2030-02-10"' in text(page)  # the form is kept
    assert plans.rollout_units(solution) == []


def test_a_saved_plan_takes_the_trimmed_names(web):
    owner = web("owner")
    solution = register_solution(owner)
    saved = owner.post(f"/solutions/{solution.id}/rollout-plan", {
        "units-0-name": " Akuten ", "units-0-planned_start": "2030-01-10"}, follow_redirects=True)
    assert saved.status_code == 200 and "Planen för breddinförande är sparad." in text(saved)
    assert [u.name for u in plans.rollout_units(solution)] == ["Akuten"]


def test_a_late_start_stands_beside_its_row(reg, web):
    owner = web("owner")
    solution = register_solution(owner)
    page = owner.post(f"/solutions/{solution.id}/rollout-plan", {
        "units-0-name": "", "units-1-name": "BUP", "units-1-planned_start": "2030-01-10",
        "units-1-actual_start": "2099-01-01"})
    assert page.status_code == 422
    assert field_error(page, "units-1-actual_start") == ("En enhet kan inte ha startat efter i dag; ange planerad "
                                                          "start i stället.")


def test_a_decision_needs_a_rationale_in_the_service(reg, users):
    # Spaces alone: the API's parser refuses them before any schema and the page's form too (both say the
    # field is required); the service refuses them whoever calls it (the spreadsheet import, the meeting).
    sid = reg.create()["id"]
    solution = db.session.get(Solution, sid)
    with pytest.raises(InvalidInput) as refused:
        transitions.record_decision(solution, {"kind": "pause", "rationale": "   "}, users["owner"])
    assert refused.value.errors == {"rationale": ["Give the rationale."]}
    db.session.rollback()
    assert problem(reg.decide(sid, "pause", rationale="   "), 422)["errors"] == {
        "rationale": ["Must not be blank (spaces alone are not a value)."]}
    assert [e.entity_type for e in events(sid)] == ["solution"]


def test_a_decision_dated_later_than_today_on_the_page_as_in_the_api(reg, web):
    sid = reg.create()["id"]
    refused = problem(reg.decide(sid, "pause", decided_on="2099-01-01"), 422)
    assert refused["errors"] == {"decided_on": ["A decision cannot be dated later than today."]}
    owner = web("owner")
    solution = register_solution(owner, name="Andra lösningen")
    page = owner.post(f"/solutions/{solution.id}/decision", {
        "kind": "pause", "rationale": "Leverantörens incident", "decided_on": "2099-01-01",
        "version": str(solution.version)})
    assert page.status_code == 422
    assert field_error(page, "decided_on") == "Ett beslut kan inte dateras senare än i dag."
    assert "Leverantörens incident" in text(page)


def test_the_checklist_names_each_item_once_and_keeps_notes_short(reg, web, users):
    sid = decommissioning(reg)
    refused = problem(reg.put_checklist(sid, [{"key": "access_removed", "done": True},
                                              {"key": "access_removed", "done": False}]), 422)
    assert refused["errors"] == {"items": ["Each checklist item may be listed once."]}
    owner = web("owner")
    page = owner.post(f"/solutions/{sid}/checklist", {"done-access_removed": "on", "note-access_removed": "x" * 2001})
    assert page.status_code == 422 and "Behörigheter borttagna: högst 2000 tecken." in text(page)
    saved = owner.post(f"/solutions/{sid}/checklist", {"done-access_removed": "on", "note-access_removed": "Klart",
                                                       "reason": "Avveckling"})
    assert saved.status_code == 302
    ticked = {item["key"]: item for item in plans.decommissioning_checklist(db.session.get(Solution, sid))["items"]}
    assert ticked["access_removed"]["done"] and ticked["access_removed"]["note"] == "Klart"
    assert ticked["access_removed"]["done_by"].id == users["owner"].id
