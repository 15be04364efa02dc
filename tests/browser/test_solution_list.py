"""Issue 22, the register's list in Chromium (Swedish): a compliance officer searches the whole register by a
word in names and purposes (on PostgreSQL from the kept search words), reads the number of matches, pages on
with "Nästa" and sorts by next review; the pager and the count agree with the matches."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from ai_register.extensions import db
from ai_register.solutions.models import Solution

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def register(accounts):
    """30 sepsis solutions (the word in the name of some, the purpose of others, in either case) among 40."""
    owner = accounts["owner"].id
    today = date.today()
    db.session.execute(insert(Solution), [{
        "name": f"Sepsisvarning {n:02d}" if n % 2 and n < 30 else f"Vårdstöd {n:02d}",
        "purpose": "Varnar för SEPSIS hos inlagda." if n < 30 else "Planerar scheman.",
        "owner_id": owner, "created_by_id": owner, "next_review_on": today + timedelta(days=n),
    } for n in range(40)])
    db.session.commit()


def test_an_officer_searches_the_register_and_pages_through_the_matches(signed_in, register):
    page = signed_in("compliance")
    page.goto("/solutions")
    expect(page.locator(".result-count")).to_have_text("40 lösningar")
    page.fill("#q", "sepsis")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"/solutions\?q=sepsis"))
    expect(page.locator(".result-count")).to_have_text("30 lösningar")
    rows = page.locator("[data-test=solutions-table] tbody tr")
    expect(rows).to_have_count(25)
    # By name: the "Sepsisvarning" ones first, then the "Vårdstöd" ones whose purpose holds the word.
    expect(rows.first.locator(".row-title")).to_have_text("Sepsisvarning 01")
    page.click("nav[aria-label=Sidor] a[rel=next]")
    expect(page).to_have_url(re.compile(r"/solutions\?q=sepsis.*page=2"))
    expect(rows).to_have_count(5)
    expect(rows.last.locator(".row-title")).to_have_text("Vårdstöd 28")
    expect(page.locator("nav[aria-label=Sidor] [aria-current=page]")).to_have_text("2")
    expect(page.locator("nav[aria-label=Sidor] a[rel=next]")).to_have_count(0)
    # Sorted by next review, the search is kept and the first due comes first.
    page.select_option("#sort", "next_review_on")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".result-count")).to_have_text("30 lösningar")
    expect(rows.first.locator(".row-title")).to_have_text("Vårdstöd 00")
