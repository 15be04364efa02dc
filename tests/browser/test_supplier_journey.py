"""Issue 21 (suppliers) in a real browser, in Swedish: an owner registers a supplier (a transfer outside the
EU/EEA is refused until its legal basis is given, keeping what was typed), a product version with its CE
certificate from a notified body, links the medical-device solution to it, and the solution's pilot gate no
longer asks for the notified body's certificate."""

from __future__ import annotations

import os

import pytest

from tests.answers import MDR_DEVICE
from tests.browser.conftest import sign_in
from tests.helpers import Api, solution_factory

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def device(app, client, auth, accounts):
    users = {"owner": accounts["owner"], "compliance": accounts["compliance"]}
    solution = solution_factory(users, name="Lungröntgentriage", purpose="Prioriterar lungröntgen.")()
    api = Api(client, auth, users)
    stored = api.post("owner", f"/api/v1/solutions/{solution.id}/classifications", json={"answers": MDR_DEVICE})
    cid = stored.get_json()["id"]
    api.post("owner", f"/api/v1/classifications/{cid}/submit", json={})
    assert api.post("compliance", f"/api/v1/classifications/{cid}/approve", json={}).status_code == 200
    return solution


def test_supplier_product_certificate_and_link(new_page, device, tmp_path):
    shots = os.environ.get("AI_REGISTER_SCREENSHOTS") or str(tmp_path)
    page = sign_in(new_page(), "owner")
    page.goto(f"/solutions/{device.id}")
    gate = page.locator("[data-check=device_conformity]")
    expect(gate).to_contain_text("Intyg från anmält organ")
    gate.locator("a", has_text="Åtgärda").click()
    expect(page.locator("h1")).to_have_text("Leverantör och produkt")

    page.goto("/suppliers")
    page.click("text=Registrera leverantör")
    page.fill("#name", "Nordic Imaging AI AB")
    page.fill("#org_number", "559231-4410")
    page.fill("#contacts-0-name", "Vigilansfunktionen")
    page.select_option("#contacts-0-role", "vigilance")
    page.fill("#contacts-0-email", "vigilance@nordicimaging.example")
    page.fill("#processing_countries", "SE, US")
    page.click("[data-test=supplier-form] [type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#transfer_basis-error")).to_contain_text("rättsliga grunden")
    expect(page.locator("#contacts-0-email")).to_have_value("vigilance@nordicimaging.example")
    page.select_option("#transfer_basis", "standard_contractual_clauses")
    page.click("[data-test=supplier-form] [type=submit]")
    expect(page.locator("h1")).to_have_text("Nordic Imaging AI AB")
    expect(page.locator("[data-test=supplier-data]")).to_contain_text("utanför EU/EES")

    page.click("text=Registrera en produktversion")
    page.fill("#product", "LungTriage")
    page.fill("#product_version", "3.2")
    page.select_option("#device_regulation", "mdr")
    page.select_option("#device_class", "IIb")
    page.click("[data-test=product-form] [type=submit]")
    product = page.locator("[data-test=product]")
    expect(product).to_contain_text("LungTriage 3.2")

    product.locator("text=Registrera ett dokument").click()
    page.fill("#title", "CE-certifikat MDR klass IIb")
    page.fill("#issued_on", "2025-01-15")
    page.fill("#valid_until", "2029-01-14")
    page.fill("#notified_body_name", "BSI Group The Netherlands B.V.")
    page.fill("#notified_body_number", "2797")
    page.click("[data-test=document-form] [type=submit]")
    expect(page.locator("[data-test=product] [data-test=supplier-documents]")).to_contain_text("2797")
    page.screenshot(path=f"{shots}/supplier.png", full_page=True)

    page.goto(f"/solutions/{device.id}/supplier")
    page.select_option("#product_id", label="Nordic Imaging AI AB · LungTriage 3.2")
    page.click("[data-test=link-form] [type=submit]")
    expect(page.locator("[data-test=linked-product]")).to_contain_text("CE-certifikat MDR klass IIb")
    expect(page.locator("[data-test=linked-product]")).to_contain_text("vigilance@nordicimaging.example")
    page.screenshot(path=f"{shots}/solution_supplier.png", full_page=True)

    page.goto(f"/solutions/{device.id}")
    gate = page.locator("[data-check=device_conformity]")
    expect(gate).not_to_contain_text("Intyg från anmält organ")
    expect(gate).to_contain_text("EU-försäkran om överensstämmelse")  # the declaration is still missing
    page.screenshot(path=f"{shots}/solution_gate.png", full_page=True)
