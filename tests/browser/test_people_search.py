"""Issue 20 in Chromium (Swedish): co-owners chosen by typing part of a name (a compliance officer among
them is warned of), and the deviation form's solution list following the typed text."""

from __future__ import annotations

import re

import pytest

from ai_register.extensions import db
from ai_register.solutions.models import Solution

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


def test_co_owners_by_typing_with_the_four_eyes_warning(signed_in, accounts):
    from .test_journeys import register

    page = signed_in("owner")
    sid = register(page)
    page.goto(f"/solutions/{sid}/edit")
    warning = page.locator("[data-test=compliance-warning]")
    expect(warning).to_be_hidden()
    search = page.locator("#co_owner_add")
    search.fill("erik")
    offered = page.locator("#co_owner_add-list [role=option]")
    expect(offered).to_have_count(1)
    offered.click()
    search.fill("karin")
    option = page.locator("#co_owner_add-list [role=option]", has_text=re.compile("Karin Berg"))
    expect(option).to_contain_text("kan inte längre granska")
    search.press("ArrowDown")
    search.press("Enter")
    chosen = page.locator("[data-test=co-owners] .chips input:checked")
    expect(chosen).to_have_count(2)
    expect(warning).to_be_visible()
    page.click("form[data-test=solution-form] button[type=submit]")
    expect(page.locator(".flash-warning")).to_contain_text("Karin Berg kan inte längre granska")
    db.session.expire_all()
    names = {u.display_name for u in db.session.get(Solution, sid).co_owners}
    assert names == {"Erik Nilsson", "Karin Berg"}


def test_the_deviation_form_offers_solutions_as_you_type(signed_in, accounts):
    for name in ("Sepsisvarning", "Triagestöd"):
        db.session.add(Solution(name=name, purpose="Stöd i vården.", owner_id=accounts["owner"].id,
                                created_by_id=accounts["owner"].id, phase="pilot",
                                care_units=["Akuten Sunderbyn"]))
    db.session.commit()
    page = signed_in("auditor")
    page.goto("/deviations/new")
    options = page.locator("[data-test=solution-options] li")
    expect(options).to_have_count(3)  # both solutions in use and "Vet inte"
    page.fill("#solution_q", "seps")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("Sepsisvarning (Akuten Sunderbyn)")
    expect(options.last).to_contain_text("Vet inte")
    options.first.locator("input").check()
    page.fill("#solution_q", "ingen sådan")
    expect(page.locator("[data-test=solution-options]")).to_contain_text("Ingen lösning i användning matchar")
    expect(page.locator("[data-test=solution-options] input:checked")).to_have_count(1)  # the choice stays
