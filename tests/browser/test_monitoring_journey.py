"""Issue 21 in a real browser, in Swedish: the AI owner reports a monitoring value typed with a decimal comma
that breaches its threshold; the oversight owner, whose account single sign-on made staff, finds the task on
their start page, decides "incident", and the deviation appears with its reporting duties."""

from __future__ import annotations

from datetime import date

import pytest

from ai_register.extensions import db
from ai_register.oversight.models import OversightAssignment
from tests.browser.conftest import PASSWORD, PEOPLE, sign_in
from tests.helpers import solution_factory

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def monitored(app, accounts):
    users = {"owner": accounts["owner"]}
    solution = solution_factory(users, name="Ambulansprioritering", purpose="Prioriterar ambulansuppdrag.")(
        phase="pilot")
    db.session.add(OversightAssignment(solution_id=solution.id, user_id=accounts["owner2"].id,
                                       authority_to_suspend=True, accepted_on=date(2026, 1, 10),
                                       created_by_id=accounts["compliance"].id))
    # Named while an owner; single sign-on later mapped the account to staff: it still decides the assessment.
    accounts["owner2"].role = "staff"
    db.session.commit()
    return solution


def test_a_breach_becomes_a_deviation_by_the_oversight_owners_decision(new_page, monitored, tmp_path):
    sid = monitored.id
    page = sign_in(new_page(), "owner")
    page.goto(f"/solutions/{sid}/monitoring")
    expect(page.locator("h1")).to_have_text("Övervakning i drift")
    page.fill("#metric-name", "Sensitivitet för prio 1")
    page.select_option("#metric-kind", "sensitivity")
    page.select_option("#metric-direction", "higher_is_better")
    page.fill("#metric-lower_threshold", "0,9")
    page.fill("#metric-unit", "andel")
    page.click("[data-test=metric-form] [type=submit]")
    expect(page.locator("[data-test=metrics]")).to_contain_text("nedre gränsvärde 0,9")

    page.select_option("#value-metric_id", label="Sensitivitet för prio 1")
    page.fill("#value-period_end", "2026-10-31")
    page.fill("#value-value", "0,93")
    page.click("[data-test=value-form] [type=submit]")
    expect(page.locator(".flash").first).to_contain_text("Värdet är sparat")
    page.select_option("#value-metric_id", label="Sensitivitet för prio 1")
    page.fill("#value-period_end", "2026-11-30")
    page.fill("#value-value", "0,874")
    page.click("[data-test=value-form] [type=submit]")
    expect(page.locator("body")).to_contain_text("den som har tillsynen har ombetts avgöra")
    expect(page.locator("[data-test=metric-chart] circle.breach")).to_have_count(1)
    expect(page.locator("[data-test=assessments]")).to_contain_text("Väntar på den som har tillsynen")
    page.screenshot(path=str(tmp_path / "monitoring.png"), full_page=True)

    oversight = new_page()
    oversight.goto("/login")
    oversight.fill("#email", PEOPLE["owner2"][0])
    oversight.fill("#password", PASSWORD)
    oversight.click("form:has(#email) [type=submit]")
    oversight.wait_for_url("**/deviations")  # staff start on their own deviation reports
    card = oversight.locator("[data-test=monitoring-assessments]")
    expect(card).to_contain_text("Ambulansprioritering: Sensitivitet för prio 1")
    card.locator("a").first.click()
    expect(oversight.locator("h1")).to_have_text("Är det en avvikelse?")
    oversight.check("input[name=decision][value=incident]")
    oversight.click("[data-test=decision-form] [type=submit]")
    expect(oversight.locator(".error-summary")).to_be_visible()  # what happened, and harm, are asked for
    oversight.check("input[name=decision][value=incident]")
    oversight.fill("#what_happened", "Sensitiviteten föll till 0,874 i november; två prio 1-samtal fick prio 2.")
    oversight.check("input[name=patient_harm][value=unknown]")
    oversight.click("[data-test=decision-form] [type=submit]")
    expect(oversight.locator("body")).to_contain_text("En avvikelse är rapporterad")
    expect(oversight.locator("body")).to_contain_text("Sensitiviteten föll till 0,874 i november")
    oversight.screenshot(path=str(tmp_path / "incident.png"), full_page=True)
    expect(oversight.locator("a[href*='/solutions/']")).to_have_count(0)  # staff read no solution pages

    page.goto(f"/solutions/{sid}/monitoring")
    expect(page.locator("[data-test=assessments]")).to_contain_text("Avvikelse")
    # The owner raises the threshold on the metric's own page: a bad number keeps the form with the message
    # beside the field, then the change is saved and shown on the monitoring page.
    page.click("[data-test=edit-metric]")
    expect(page.locator("h1")).to_have_text("Ändra måttet")
    page.fill("#metric-lower_threshold", "0,9x")
    page.fill("#metric-reason", "Skärpt gräns efter avvikelsen")
    page.click("[data-test=metric-edit-form] [type=submit]")
    expect(page.locator("#metric-lower_threshold-error")).to_be_visible()
    expect(page.locator("#metric-reason")).to_have_value("Skärpt gräns efter avvikelsen")
    page.fill("#metric-lower_threshold", "0,92")
    page.click("[data-test=metric-edit-form] [type=submit]")
    expect(page.locator(".flash").first).to_contain_text("Måttet är sparat")
    expect(page.locator("[data-test=metrics]")).to_contain_text("nedre gränsvärde 0,92")
