"""Goals are edited and withdrawn, audited and never erased (issue 20): an incomplete goal can be
completed or withdrawn, and a withdrawn goal no longer counts for the gates' checklist."""

from __future__ import annotations

import re

from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.goals import services as goal_services
from ai_register.goals.models import Goal
from ai_register.solutions.models import Solution
from tests.webclient import SOLUTION_FORM, seed_indicators, text


def _solution_with_incomplete_goal(web):
    indicators = seed_indicators()
    owner = web("owner")
    owner.post("/solutions/new", SOLUTION_FORM)
    solution = db.session.scalars(select(Solution)).one()
    saved = owner.post(f"/solutions/{solution.id}/goals", {
        "g-perspective": "operations", "g-title": "Kortare svarstid",
        "g-indicator_id": str(next(iter(indicators.values()))), "g-higher_is_better": "no"})
    assert saved.status_code == 302, text(saved)
    return owner, solution, db.session.scalars(select(Goal)).one(), indicators


def test_an_incomplete_goal_is_completed_by_editing(web):
    owner, solution, goal, indicators = _solution_with_incomplete_goal(web)
    assert "baseline" in goal.missing_parts
    listing = text(owner.get(f"/solutions/{solution.id}/goals"))
    assert "Ofullständigt: stoppar grindarna" in listing and f"/goals/{goal.id}/edit" in listing
    form = text(owner.get(f"/solutions/{solution.id}/goals/{goal.id}/edit"))
    assert 'value="Kortare svarstid"' in form
    version = str(goal.version)
    saved = owner.post(f"/solutions/{solution.id}/goals/{goal.id}/edit", {
        "g-perspective": "operations", "g-title": "Kortare svarstid för röntgen",
        "g-indicator_id": str(goal.indicator_id),
        "g-indicator": "Median dagar från remiss till svar", "g-unit": "dagar", "g-baseline": "14",
        "g-target": "7", "g-higher_is_better": "no", "g-reason": "Mätetal från verksamheten", "g-version": version})
    assert saved.status_code == 302, text(saved)
    db.session.refresh(goal)
    assert goal.complete and goal.title == "Kortare svarstid för röntgen"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "goal",
                                                        AuditEvent.action == "update")).one()
    assert event.reason == "Mätetal från verksamheten" and "baseline" in event.data["changes"]
    stale = owner.post(f"/solutions/{solution.id}/goals/{goal.id}/edit", {
        "g-perspective": "operations", "g-title": "Gammal titel", "g-indicator_id": str(goal.indicator_id),
        "g-higher_is_better": "no", "g-version": version})
    assert stale.status_code == 412 and "ändrat målet under tiden" in text(stale)
    db.session.refresh(goal)
    assert goal.title == "Kortare svarstid för röntgen"


def test_withdrawing_keeps_the_goal_and_frees_the_checklist(web):
    owner, solution, goal, _ = _solution_with_incomplete_goal(web)
    assert any(not fact.has_baseline for fact in goal_services.goal_facts(solution.id))
    refused = owner.post(f"/solutions/{solution.id}/goals/{goal.id}/withdraw", {"w-reason": ""})
    assert refused.status_code == 422
    done = owner.post(f"/solutions/{solution.id}/goals/{goal.id}/withdraw", {"w-reason": "Fel mål, ersätts"})
    assert done.status_code == 302
    db.session.refresh(goal)
    assert goal.withdrawn_at is not None and goal.withdrawal_reason == "Fel mål, ersätts"
    assert goal_services.goal_facts(solution.id) == ()
    page = text(owner.get(f"/solutions/{solution.id}/goals"))
    assert 'data-test="goal-withdrawn"' in page and "Fel mål, ersätts" in page
    measured = re.search(r'<select[^>]*id="m-goal_id"[^>]*>(.*?)</select>', page, re.S)
    assert measured is None or "Kortare svarstid" not in measured.group(1)  # no value for a withdrawn goal
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "withdraw")).one()
    assert event.entity_type == "goal" and event.reason == "Fel mål, ersätts"
    assert owner.get(f"/solutions/{solution.id}/goals/{goal.id}/edit").status_code == 302
    assert owner.post(f"/solutions/{solution.id}/goals/{goal.id}/withdraw", {"w-reason": "igen"}).status_code == 422


def test_only_writers_edit_goals(web):
    owner, solution, goal, _ = _solution_with_incomplete_goal(web)
    assert web("auditor").get(f"/solutions/{solution.id}/goals/{goal.id}/edit").status_code == 403
    assert web("owner2").get(f"/solutions/{solution.id}/goals/{goal.id}/edit").status_code == 404
    assert web("compliance").get(f"/solutions/{solution.id}/goals/{goal.id}/edit").status_code == 200
    assert web("admin").post(f"/solutions/{solution.id}/goals/{goal.id}/withdraw", {"w-reason": "x"}).status_code == 403


def test_a_stale_benefit_form_never_overwrites_and_keeps_what_was_typed(web):
    owner, solution, _goal, _ = _solution_with_incomplete_goal(web)
    path = f"/solutions/{solution.id}/benefit"
    figures = {"one_off_cost": "400000", "yearly_cost": "120000", "yearly_savings": "300000"}
    assert 'name="version" type="hidden" value=""' in text(owner.get(path))  # no estimate yet
    assert owner.post(path, {**figures, "version": ""}).status_code == 302  # the first estimate
    officer = web("compliance")
    read_at = re.search(r'name="version" type="hidden" value="(\d+)"', text(officer.get(path))).group(1)
    assert owner.post(path, {**figures, "yearly_savings": "350000", "version": read_at}).status_code == 302
    stale = officer.post(path, {**figures, "yearly_savings": "999999", "version": read_at})
    page = text(stale)
    assert stale.status_code == 412 and "ändrat nyttokalkylen under tiden" in page and 'value="999999"' in page
    assert goal_services.benefit_for(solution.id).yearly_savings == 350000
    # A second first estimate (the form opened before anyone saved one) is refused the same way.
    assert officer.post(path, {**figures, "version": ""}).status_code == 412
    current = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert officer.post(path, {**figures, "yearly_savings": "999999", "version": current}).status_code == 302
    assert goal_services.benefit_for(solution.id).yearly_savings == 999999


def test_the_forms_values_go_to_the_service_which_refuses_beside_the_field(web):
    """No round trip through the API's schema: the service rounds and bounds the figures, and its refusal
    is shown beside the field in Swedish with what was typed kept."""
    owner, solution, goal, _ = _solution_with_incomplete_goal(web)
    refused = owner.post(f"/solutions/{solution.id}/benefit", {
        "one_off_cost": "2 000 000 000 000", "yearly_cost": "1200,50", "version": ""})
    page = text(refused)
    assert refused.status_code == 422
    assert "Måste vara mellan 0 och 1 000 000 000 000." in page and 'value="2 000 000 000 000"' in page
    assert goal_services.benefit_for(solution.id) is None
    saved = owner.post(f"/solutions/{solution.id}/benefit", {
        "one_off_cost": "120000,505", "yearly_cost": "1200,50", "version": ""})
    assert saved.status_code == 302, text(saved)
    estimate = goal_services.benefit_for(solution.id)
    assert (estimate.currency, str(estimate.one_off_cost), estimate.yearly_savings) == ("SEK", "120000.50", 0)
    measured = owner.post(f"/solutions/{solution.id}/measurements", {
        "m-goal_id": str(goal.id), "m-measured_on": "2026-01-15", "m-value": "12,3456789"})
    assert measured.status_code == 302, text(measured)
    assert str(goal.measurements[0].value) == "12.345679"
    future = owner.post(f"/solutions/{solution.id}/measurements", {
        "m-goal_id": str(goal.id), "m-measured_on": "2999-01-01", "m-value": "3"})
    assert future.status_code == 422 and "Får inte vara senare än i dag." in text(future)
