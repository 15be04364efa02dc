"""Search as you type: the new-incident form and the audit trail choose a solution by typing part of
its name (GET /solutions/lookup), with the keyboard or the mouse; only solutions the person may use
are offered."""

from __future__ import annotations

import os
import re

import pytest

from ai_register.extensions import db
from ai_register.incidents.models import Incident
from ai_register.solutions.models import Solution

from .conftest import sign_in

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect
SHOTS = os.environ.get("AI_REGISTER_SCREENSHOTS")


def _solution(owner, name: str) -> Solution:
    solution = Solution(name=name, purpose="Stöd i vården.", owner_id=owner.id, created_by_id=owner.id)
    db.session.add(solution)
    db.session.commit()
    return solution


def test_report_an_incident_choosing_the_solution_by_typing(new_page, accounts):
    sepsis = _solution(accounts["owner"], "Sepsisvarning")
    _solution(accounts["owner"], "Triagestöd")
    _solution(accounts["owner2"], "Sepsisprognos hos annan ägare")
    page = sign_in(new_page(), "owner")
    page.goto("/incidents/new")
    field = page.get_by_role("combobox")
    field.fill("seps")
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Sepsisvarning")
    expect(field).to_have_attribute("aria-expanded", "true")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/lookup-incident.png", full_page=False)
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("Sepsisvarning")
    expect(page.get_by_role("listbox")).to_be_hidden()
    page.fill("#what_happened", "Larmet kom för sent.")
    page.check("input[name=patient_harm][value=none]")  # the form preselects no harm: the reporter judges
    page.click("form[data-test=incident-form] [type=submit]")
    page.wait_for_url(re.compile(r".*/incidents/\d+$"))
    db.session.expire_all()
    assert db.session.query(Incident).one().solution_id == sepsis.id


def test_a_typed_name_without_choosing_still_finds_the_solution(new_page, accounts):
    _solution(accounts["owner"], "Sepsisvarning")
    page = sign_in(new_page(), "owner")
    page.goto("/incidents/new")
    page.get_by_role("combobox").fill("Nothing like it")
    page.fill("#what_happened", "Larmet kom för sent.")
    page.click("form[data-test=incident-form] [type=submit]")
    expect(page.locator("#solution-error")).to_be_visible()  # the form comes back with the text kept
    expect(page.get_by_role("combobox")).to_have_value("Nothing like it")


def test_audit_trail_filtered_by_a_solution_found_by_typing(new_page, accounts):
    from ai_register.audit import services as audit

    first = _solution(accounts["owner"], "Sepsisvarning")
    other = _solution(accounts["owner"], "Triagestöd")
    audit.record("update", "solution", first.id, solution_id=first.id, data={"n": 1})
    audit.record("update", "solution", other.id, solution_id=other.id, data={"n": 2})
    db.session.commit()
    page = sign_in(new_page(), "auditor")
    page.goto("/audit")
    page.locator("#solution").fill("triage")
    page.get_by_role("option", name=re.compile("Triagestöd")).click()
    page.click("form.filters [type=submit]")
    rows = page.locator("[data-test=audit-table] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Triagestöd")
    expect(page.locator("#solution")).to_have_value("Triagestöd")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/lookup-audit.png", full_page=False)
