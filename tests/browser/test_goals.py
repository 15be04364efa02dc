"""Issue 20, goals in Chromium (Swedish): an owner completes an incomplete goal by editing it, then
withdraws another; the withdrawn goal stays listed, marked, with its reason."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


def _add_goal(page, sid: int, title: str):
    page.goto(f"/solutions/{sid}/goals")
    page.select_option("#g-perspective", index=1)
    page.fill("#g-title", title)
    page.select_option("#g-indicator_id", index=1)
    page.click("form[data-test=goal-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()


def test_owner_edits_and_withdraws_goals(signed_in):
    from .test_journeys import register

    page = signed_in("owner")
    sid = register(page)
    _add_goal(page, sid, "Kortare svarstid")
    _add_goal(page, sid, "Felaktigt mål")
    expect(page.locator("text=Ofullständigt: stoppar grindarna")).to_have_count(2)

    page.locator("tr", has_text="Kortare svarstid").locator("[data-test=goal-edit]").click()
    expect(page.locator("h1")).to_have_text("Ändra målet")
    page.fill("#g-indicator", "Median dagar från remiss till svar")
    page.fill("#g-baseline", "14")
    page.fill("#g-target", "7")
    page.check("#g-higher_is_better-1")
    page.fill("#g-reason", "Utgångsvärde från verksamhetens statistik")
    page.click("form[data-test=goal-edit-form] button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/solutions/{sid}/goals$"))
    expect(page.locator("text=Ofullständigt: stoppar grindarna")).to_have_count(1)

    page.locator("tr", has_text="Felaktigt mål").locator("[data-test=goal-edit]").click()
    page.fill("#w-reason", "Dubblett av målet om svarstid")
    page.click("form[data-test=goal-withdraw-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("återkallat")
    row = page.locator("tr", has_text="Felaktigt mål")
    expect(row.locator("[data-test=goal-withdrawn]")).to_have_text("Återkallad")
    expect(row).to_contain_text("Dubblett av målet om svarstid")
    expect(page.locator("text=Ofullständigt: stoppar grindarna")).to_have_count(0)


def test_a_swedish_amount_typed_in_chromium_is_saved_as_typed(signed_in):
    """Issue 18: "120000,50" in a Chromium number field once saved 12 000 050 kr. The amount is a text
    input read on the server, so the decimal comma means what a Swedish reader means."""
    from decimal import Decimal

    from ai_register.extensions import db
    from ai_register.goals.models import BenefitEstimate

    from .test_journeys import register

    page = signed_in("owner")
    sid = register(page)
    page.goto(f"/solutions/{sid}/benefit")
    expect(page.locator("#one_off_cost")).to_have_attribute("inputmode", "decimal")
    page.locator("#one_off_cost").press_sequentially("120000,50")  # typed key by key, as a person does
    page.locator("#yearly_cost").press_sequentially("12 000")
    page.locator("#hourly_cost").press_sequentially("1,234")  # thousands or decimals? refused, not guessed
    page.click("form[data-test=benefit-form] button[type=submit]")
    expect(page.locator("#hourly_cost-error")).to_contain_text("”1,234” kan läsas på två sätt")
    expect(page.locator("#one_off_cost")).to_have_value("120000,50")  # the form keeps what was typed
    page.locator("#hourly_cost").fill("")
    page.click("form[data-test=benefit-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    db.session.rollback()  # read what the server's thread committed
    estimate = db.session.scalars(db.select(BenefitEstimate)).one()
    assert (estimate.one_off_cost, estimate.yearly_cost) == (Decimal("120000.50"), Decimal("12000"))
    page.goto(f"/solutions/{sid}")
    expect(page.locator("body")).to_contain_text("120\u00a0000,50\u00a0kr")
