"""Issue 20 in Chromium (Swedish): the classification wizard resumed half-way (answer half, leave, come back,
go to any step, finish, change an answer from the result), and a review with context (the solution, what
changed since the approved version, the fired rules with their citations, the evidence with links)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from tests.answers import HIGH_RISK, MINIMAL, NOT_LISTED

from .test_journeys import answer, register

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


def _answer_visible(page, answers: dict) -> None:
    """Answer the questions shown on this step (wizard.js reveals follow-ups in place)."""
    answered: set[str] = set()
    while True:
        visible = [fs.get_attribute("data-question")
                   for fs in page.locator("fieldset[data-question]:not([hidden])").all()]
        todo = [q for q in visible if q not in answered and q in answers]
        if not todo:
            return
        for qid in todo:
            value = answers[qid]
            page.check(f"#q-{qid}-{'none' if value == [] else value}")
            answered.add(qid)


def test_the_wizard_resumed_half_way(signed_in, tmp_path):
    page = signed_in("owner")
    sid = register(page)
    page.goto(f"/solutions/{sid}/classify")
    expect(page.locator("#section-title")).to_have_text("Omfattas lösningen av AI-förordningen?")
    _answer_visible(page, NOT_LISTED)
    page.click("button[value=next]")
    expect(page.locator("#section-title")).to_have_text("Organisation och roll")
    _answer_visible(page, NOT_LISTED)
    page.click("button[value=next]")
    expect(page.locator("#section-title")).to_have_text("Förbjudna AI-användningar")
    expect(page.locator("[data-test=draft-status]")).to_contain_text("Senast sparat")

    # Leave half-way; come back through the solution page: the wizard opens where the answers stop.
    page.goto(f"/solutions/{sid}")
    page.click(f"a[href='/solutions/{sid}/classify'] >> nth=0")
    expect(page.locator("#section-title")).to_have_text("Förbjudna AI-användningar")
    expect(page.locator("[data-test=steps] li[aria-current=step]")).to_contain_text("Förbjudna AI-användningar")
    page.screenshot(path=str(tmp_path / "wizard-resumed.png"), full_page=True)

    # The step list goes to any step; the earlier answers are filled in.
    page.click("[data-test=goto-1]")
    expect(page.locator("#section-title")).to_have_text("Organisation och roll")
    expect(page.locator("#q-role-deployer")).to_be_checked()
    page.click("[data-test=goto-2]")
    expect(page.locator("#section-title")).to_have_text("Förbjudna AI-användningar")

    # Finish; the result lists each answer with a link back to its step.
    answer(page, NOT_LISTED)
    expect(page.locator("[data-test=result]")).to_have_attribute("data-category", "minimal_risk")
    page.screenshot(path=str(tmp_path / "wizard-result.png"), full_page=True)
    page.click("[data-test=change-role]")
    expect(page.locator("#section-title")).to_have_text("Organisation och roll")
    expect(page).to_have_url(re.compile(r"step=1#q-role$"))
    page.click("[data-test=goto-result]")
    page.click("[data-test=submit-classification]")
    expect(page.locator(".flash-success")).to_contain_text("skickad för granskning")
    page.goto(f"/solutions/{sid}/classify")
    expect(page.locator("[data-test=draft-status]")).to_have_count(0)


def test_a_review_with_context(signed_in, accounts, client, auth, tmp_path):
    from tests.helpers import solution_factory

    def api(method, path, who, json=None, **kwargs):
        return client.open(f"/api/v1{path}", method=method, json=json, headers=auth(accounts[who]), **kwargs)

    solution = solution_factory(accounts, name="Bemanningsplanering", purpose="Föreslår scheman för vårdpersonal.")(
        intended_use="Schemaläggare på vårdavdelningar; en människa godkänner varje schema.",
        supplier="Nordic Staffing AB", product="RosterAI", product_version="4.2")
    first = api("POST", f"/solutions/{solution.id}/classifications", "owner", {"answers": MINIMAL}).get_json()
    assert api("POST", f"/classifications/{first['id']}/submit", "owner").status_code == 200
    assert api("POST", f"/classifications/{first['id']}/approve", "compliance", {}).status_code == 200
    upload = client.post(f"/api/v1/solutions/{solution.id}/evidence", headers=auth(accounts["owner"]),
                         content_type="multipart/form-data",
                         data={"type": "dpia", "title": "Konsekvensbedömning RosterAI",
                               "issued_on": date.today().isoformat(),
                               "file": (io.BytesIO(b"%PDF-1.4\n% DPIA\n"), "dpia.pdf")})
    assert upload.status_code == 201
    second = api("POST", f"/solutions/{solution.id}/classifications", "owner", {"answers": HIGH_RISK}).get_json()
    assert api("POST", f"/classifications/{second['id']}/submit", "owner").status_code == 200

    page = signed_in("compliance2")
    page.goto("/review")
    page.click("[data-test=queue-classifications] a")
    facts = page.locator("[data-test=review-solution]")
    for fact in ("Föreslår scheman för vårdpersonal.", "en människa godkänner varje schema", "Nordic Staffing AB",
                 "RosterAI version 4.2"):
        expect(facts).to_contain_text(fact)
    changes = page.locator("[data-test=result-changes]")
    expect(changes.locator("h2")).to_have_text("Vad som ändrats sedan godkänd version 1")
    category = changes.locator("tr", has_text="Kategori enligt AI-förordningen")
    expect(category).to_contain_text("Ändrad")
    expect(category.locator("del")).to_have_text("Minimal risk")
    expect(category.locator("strong")).to_have_text("Hög risk")
    expect(changes.locator("tr", has_text="Grunder för hög risk")).to_contain_text("Bilaga III 4")
    rules = page.locator("[data-test=fired-rules]")
    expect(rules).to_contain_text("förordning (EU) 2024/1689")
    expect(rules).to_contain_text("Ny sedan den godkända versionen")
    evidence = page.locator("[data-test=review-evidence] a", has_text="Konsekvensbedömning RosterAI")
    href = evidence.get_attribute("href")
    assert page.request.get(href).body().startswith(b"%PDF")

    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    page.check("#outcome-0")
    page.click("form[data-test=review-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Bemanningsplanering")
