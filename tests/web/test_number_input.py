"""Money and decimal inputs read the Swedish and the English form on the server, refuse what reads two
ways with a message naming the field (the typed text kept), and pages show amounts in the reader's form."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

from ai_register.extensions import db
from ai_register.goals.models import BenefitEstimate, Goal, Measurement
from ai_register.solutions.models import Solution
from tests.webclient import SOLUTION_FORM as GOOD

from .conftest import text
from .test_journey import indicator_id

NBSP = "\u00a0"
BENEFIT = {"one_off_cost": "120000,50", "yearly_cost": "12 000", "yearly_savings": "300,000.25",
           "hours_freed_per_year": "900", "hourly_cost": "450,5"}


def _solution(owner) -> int:
    assert owner.post("/solutions/new", GOOD).status_code == 302
    return db.session.scalars(db.select(Solution)).one().id


def test_benefit_amounts_in_swedish_and_english_form_are_saved_exactly_and_shown_in_swedish(web):
    owner = web("owner")
    sid = _solution(owner)
    page = text(owner.get(f"/solutions/{sid}/benefit"))
    assert 'inputmode="decimal"' in page and 'type="number"' not in page  # no browser rewrites "120000,50"
    response = owner.post(f"/solutions/{sid}/benefit", BENEFIT)
    assert response.status_code == 302, text(response)
    estimate = db.session.scalars(db.select(BenefitEstimate)).one()
    assert (estimate.one_off_cost, estimate.yearly_cost, estimate.yearly_savings, estimate.hourly_cost) == (
        Decimal("120000.50"), Decimal("12000"), Decimal("300000.25"), Decimal("450.50"))
    shown = text(owner.get(f"/solutions/{sid}"))
    assert f"120{NBSP}000,50{NBSP}kr" in shown and f"300{NBSP}000,25{NBSP}kr" in shown
    edit = text(owner.get(f"/solutions/{sid}/benefit"))
    assert 'value="120000,5"' in edit  # the edit form shows what it reads back
    owner.language("en")
    assert f"120,000.50{NBSP}SEK" in text(owner.get(f"/solutions/{sid}"))


def test_an_amount_that_reads_two_ways_is_refused_naming_the_field_and_nothing_is_saved(web):
    owner = web("owner")
    sid = _solution(owner)
    response = owner.post(f"/solutions/{sid}/benefit", {**BENEFIT, "yearly_cost": "1,234", "hourly_cost": "4x"})
    assert response.status_code == 422  # the page again, the form kept
    page = html.unescape(text(response))
    assert "Årlig kostnad (kr): ”1,234” kan läsas på två sätt" in page and "(1234)" in page and "(1,2340)" in page
    assert "Timkostnad (kr): ”4x” är inget tal" in page
    assert 'value="1,234"' in page and 'value="120000,50"' in page  # the form keeps what was typed
    assert page.count("Årlig kostnad (kr): Årlig kostnad (kr)") == 0  # the summary names it once
    assert db.session.scalars(db.select(BenefitEstimate)).first() is None
    owner.language("en")
    page = html.unescape(text(owner.post(f"/solutions/{sid}/benefit", {**BENEFIT, "one_off_cost": "120.000"})))
    assert "One-off cost (SEK): “120.000” can be read two ways" in page


def test_goal_baseline_target_and_measured_value_take_a_decimal_comma(web):
    owner = web("owner")
    sid = _solution(owner)
    response = owner.post(f"/solutions/{sid}/goals", {
        "g-perspective": "operations", "g-title": "Shorter answer time",
        "g-indicator_id": str(indicator_id("accessibility")), "g-unit": "days",
        "g-baseline": "12,5", "g-target": "1 000,25", "g-higher_is_better": "no"})
    assert response.status_code == 302, text(response)
    goal = db.session.scalars(db.select(Goal)).one()
    assert (goal.baseline, goal.target) == (Decimal("12.5"), Decimal("1000.25"))
    response = owner.post(f"/solutions/{sid}/measurements", {
        "m-goal_id": str(goal.id), "m-measured_on": date.today().isoformat(), "m-value": "10,75"})
    assert response.status_code == 302, text(response)
    assert db.session.scalars(db.select(Measurement)).one().value == Decimal("10.75")
    page = text(owner.get(f"/solutions/{sid}/goals"))
    assert "12,5" in page and f"1{NBSP}000,25" in page and "10,75" in page
    refused = html.unescape(text(owner.post(f"/solutions/{sid}/measurements", {
        "m-goal_id": str(goal.id), "m-measured_on": date.today().isoformat(), "m-value": "10.750.0"})))
    assert "”10.750.0” är inget tal" in refused
