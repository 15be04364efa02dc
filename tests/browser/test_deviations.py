"""Issue 20, deviations in Chromium (Swedish): a staff member who owns nothing reports a deviation with
"Vet inte" from the header link, sees it waiting; a compliance officer triages it to the solution and the
incident's deadlines run from the report's time; an owner reports from the solution's page, prefilled."""

from __future__ import annotations

import re

import pytest

from ai_register.extensions import db
from tests.helpers import solution_factory

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def in_use(accounts, make_user):
    make_user("staff", "sofia@region.example", password=PASSWORD, name="Sofia Sjuksköterska")
    users = {"owner": accounts["owner"]}
    make = solution_factory(users, name="x", purpose="x")
    solution = make(name="Sepsisvarning på akuten", phase="pilot", care_units=["Akutmottagningen Sunderby"])
    db.session.commit()
    return solution


def _sign_in_staff(page):
    page.goto("/login")
    page.fill("#email", "sofia@region.example")
    page.fill("#password", PASSWORD)
    page.click("form:has(#email) [type=submit]")


def test_staff_dont_know_reaches_triage(new_page, in_use):
    page = new_page()
    _sign_in_staff(page)
    expect(page.locator("h1")).to_have_text("Mina avvikelser")
    expect(page.locator("nav.site-nav a[aria-current=page]")).to_have_text("Mina avvikelser")
    page.click("[data-test=report-deviation]")
    expect(page.locator("[data-test=identifier-warning]")).to_be_visible()
    page.fill("#what_happened", "Sepsislarmet kom inte trots stigande laktat.")
    page.fill("#occurred_at", "2026-12-01T08:30")
    page.check("label:has-text('Vet inte') >> xpath=preceding-sibling::input")
    page.check("#patient_harm-2")
    page.fill("#case_number", "AV-2026-0042")
    page.click("form[data-test=deviation-form] button.primary")
    expect(page.locator(".flash-success")).to_contain_text("Tack")
    expect(page.locator("[data-test=deviation-status]")).to_have_text("Väntar på att granskare hittar lösningen")
    assert page.goto("/solutions").status == 403

    officer = sign_in(new_page(), "compliance")
    officer.goto("/incidents")
    officer.click("[data-test=triage-link]")
    item = officer.locator("[data-test=triage-item]")
    expect(item).to_contain_text("Sepsislarmet kom inte")
    expect(item).to_contain_text("AV-2026-0042")
    item.locator("select").select_option(label="Sepsisvarning på akuten (Akutmottagningen Sunderby)")
    item.locator("button[type=submit]").click()
    expect(officer).to_have_url(re.compile(r"/incidents/\d+$"))
    expect(officer.locator(".flash-success")).to_contain_text("tidsfristerna räknas från när rapporten kom in")

    page.goto("/deviations")
    expect(page.locator("[data-test=deviation-status]")).to_contain_text("Registrerad som incident")


def test_owner_reports_from_the_solution_page_on_a_phone(new_page, in_use):
    page = sign_in(new_page(390, 844), "owner")
    page.goto(f"/solutions/{in_use.id}")
    page.click("[data-test=report-deviation]")
    expect(page.locator(f"input[name=solution][value='{in_use.id}']")).to_be_checked()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.fill("#solution_q", "akut")
    page.click("[data-test=solution-search]")
    expect(page.locator("[data-test=solution-options]")).to_contain_text("Sepsisvarning på akuten")
    page.fill("#what_happened", "Fel prioritet i listan.")
    page.fill("#occurred_at", "2026-12-02T10:00")
    page.check("#patient_harm-1")
    page.click("form[data-test=deviation-form] button.primary")
    expect(page.locator("[data-test=deviation-status]")).to_contain_text("Registrerad som incident")
