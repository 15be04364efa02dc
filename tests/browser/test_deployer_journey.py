"""Issue 21 in a real browser: an owner closes an obligation with its evidence (after a refusal that keeps
what was typed), writes and submits a FRIA, and another compliance officer approves it."""

from __future__ import annotations

from datetime import date

import pytest

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from tests.answers import HIGH_RISK
from tests.browser.conftest import sign_in
from tests.fria.test_fria import COMPLETE
from tests.helpers import Api, solution_factory

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def high_risk(app, client, auth, accounts):
    users = {"owner": accounts["owner"], "compliance": accounts["compliance"]}
    solution = solution_factory(users, name="Ambulansprioritering", purpose="Prioriterar ambulansuppdrag.")()
    api = Api(client, auth, users)
    stored = api.post("owner", f"/api/v1/solutions/{solution.id}/classifications", json={"answers": HIGH_RISK})
    cid = stored.get_json()["id"]
    api.post("owner", f"/api/v1/classifications/{cid}/submit", json={})
    assert api.post("compliance", f"/api/v1/classifications/{cid}/approve", json={}).status_code == 200
    db.session.add(Evidence(solution_id=solution.id, type="instructions_for_use", title="Bruksanvisning v3",
                            issued_on=date(2026, 1, 1), created_by_id=accounts["owner"].id))
    db.session.commit()
    return solution


def test_obligation_and_fria_journey(new_page, high_risk, tmp_path):
    sid = high_risk.id
    page = sign_in(new_page(), "owner")
    page.goto(f"/solutions/{sid}/obligations")
    expect(page.locator("h1")).to_have_text("Skyldigheter")
    page.locator("tr[data-obligation=ai_act_art26] a.button").click()
    page.select_option("#status", "met")
    page.fill("#note", "Alla användare har läst bruksanvisningen.")
    page.click("[data-test=obligation-form] [type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#note")).to_have_value("Alla användare har läst bruksanvisningen.")
    page.select_option("#met_by", label="Underlag: Bruksanvisning v3")
    page.click("[data-test=obligation-form] [type=submit]")
    row = page.locator("tr[data-obligation=ai_act_art26]")
    expect(row).to_contain_text("Uppfylld")
    expect(row).to_contain_text("Anna Lindqvist")
    page.screenshot(path=str(tmp_path / "obligations.png"), full_page=True)

    page.goto(f"/solutions/{sid}/fria")
    page.click("text=Påbörja FRIA:n")
    for name, value in COMPLETE.items():
        if name != "risks":
            page.fill(f"#{name}", value)
    risk = COMPLETE["risks"][0]
    page.fill("#risks-0-group", risk["group"])
    page.fill("#risks-0-description", risk["description"])
    page.select_option("#risks-0-likelihood", risk["likelihood"])
    page.select_option("#risks-0-severity", risk["severity"])
    page.click("[data-test=fria-form] [type=submit]")
    expect(page.locator("h1")).to_contain_text("FRIA version 1")
    page.click("[data-test=fria-submit]")
    expect(page.locator("h1")).to_contain_text("Inskickad")

    reviewer = sign_in(new_page(), "compliance2")
    reviewer.goto(page.url)
    reviewer.click("[data-test=fria-review] button[value=approve]")
    expect(reviewer.locator("h1")).to_contain_text("Godkänd")
    notification = reviewer.locator("[data-test=fria-notification]")
    expect(notification).to_contain_text("Anmälan till marknadskontrollmyndigheten")
    reviewer.screenshot(path=str(tmp_path / "fria.png"), full_page=True)
    print(tmp_path)  # the screenshots, for a look
