"""Issue 20, the public register in Chromium (Swedish): a citizen searches and filters the list, opens a
solution's page and the accessibility statement, with JavaScript off, at 1280 px and at 390 px (nothing
scrolls sideways); axe-core (WCAG 2.1 A and AA rules) finds no violation on the public pages at 390 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ai_register.extensions import db
from tests.helpers import solution_factory

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect
AXE_JS = Path(pytest.importorskip("axe_playwright_python").__file__).parent / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def accounts(make_user) -> dict:
    """Nobody signs in here: one owner for the records, without the password hashing of the shared fixture."""
    return {"owner": make_user("owner")}


@pytest.fixture
def published(accounts):
    make = solution_factory({"owner": accounts["owner"]}, name="x", purpose="x")
    make(name="Prognos för akutbesök", purpose="Räknar ut hur många som kommer till akuten varje timme.",
         intended_use="Cheferna ser prognosen när de planerar hur många som ska arbeta.",
         care_units=["Akutmottagningen Gällivare", "Akutmottagningen Sunderbyn"], phase="management",
         current_ai_act_category="minimal_risk", processes_personal_data=False, public=True)
    make(name="Triagering av lungröntgen", purpose="Markerar röntgenbilder som kan visa något allvarligt.",
         care_units=["Röntgen Sunderbyn"], phase="pilot", current_ai_act_category="high_risk",
         current_device_class="IIa", public=True)
    make(name="Chattbot för 1177", purpose="Svarar på frågor om öppettider.", care_units=["1177 Norrbotten"],
         phase="rollout", public=True)
    make(name="Hemlig prognos", purpose="Inte publicerad.", care_units=["Akutmottagningen Sunderbyn"],
         phase="management", public=False)
    db.session.commit()


def _no_js_page(browser, live_server, width):
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900},
                                  java_script_enabled=False, locale="sv-SE")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_a_citizen_searches_filters_and_reads_a_page_without_javascript(browser, live_server, published):
    context, page = _no_js_page(browser, live_server, 1280)
    try:
        page.goto("/public")
        expect(page.locator("h1")).to_have_text("Offentlig förteckning över AI-lösningar")
        expect(page.locator("[data-test=public-count]")).to_have_text("3 lösningar")
        # Search (a GET form: no script needed), then narrow with a filter.
        page.fill("#q", "prognos")
        page.select_option("#phase", "management")
        page.click("form[data-test=public-filters] button[type=submit]")
        expect(page).to_have_url(re.compile(r"/public\?.*q=prognos.*phase=management"))
        expect(page.locator("[data-test=public-count]")).to_have_text("1 lösning stämmer med sökningen")
        expect(page.locator("[data-test=public-register]")).not_to_contain_text("Hemlig")
        page.click("text=Prognos för akutbesök")
        expect(page.locator("h1")).to_have_text("Prognos för akutbesök")
        solution = page.locator("[data-test=public-solution]")
        expect(solution).to_contain_text("Hur behåller människor kontrollen?")
        expect(solution).to_contain_text("EU:s AI-förordning ställer inga särskilda krav")
        expect(solution).to_contain_text("Lösningen använder inga uppgifter om enskilda personer.")
        # The page's data is open: the JSON link answers with the same solution.
        json_url = page.locator("[data-test=solution-json]").get_attribute("href")
        assert page.request.get(json_url).json()["name"] == "Prognos för akutbesök"
        # English, same page; then the accessibility statement from the footer.
        page.click("[data-test=public-language]")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("h2").first).to_have_text("What does the solution do, and why?")
        page.click("[data-test=accessibility-statement]")
        expect(page.locator("h1")).to_have_text("Accessibility statement for the public register of AI solutions")
        # The first Tab reaches the skip link, and it shows.
        page.goto("/public")
        page.keyboard.press("Tab")
        skip = page.locator("a.skip-link")
        expect(skip).to_be_focused()
        assert skip.bounding_box()["x"] >= 0
        # A wrong address: a friendly page, not a bare error.
        response = page.goto("/public/solutions/00000000000000000000")
        assert response.status == 404
        expect(page.locator("[data-test=public-not-found] h1")).to_have_text("Lösningen hittades inte")
    finally:
        context.close()


def test_the_public_pages_on_a_phone_without_javascript(browser, live_server, published):
    context, page = _no_js_page(browser, live_server, 390)
    try:
        page.goto("/public")
        page.select_option("#care_unit", "Röntgen Sunderbyn")
        page.click("form[data-test=public-filters] button[type=submit]")
        expect(page.locator("[data-test=public-count]")).to_have_text("1 lösning stämmer med sökningen")
        page.click("text=Triagering av lungröntgen")
        expect(page.locator("[data-test=public-solution]")).to_contain_text("Medicinteknisk produkt, klass IIa")
        expect(page.locator("[data-test=public-solution]")).to_contain_text("anmält organ")
        solution_url = page.url
    finally:
        context.close()
    # With a script, in a context of its own: nothing scrolls sideways at 390 px, and axe-core finds no
    # violation of the WCAG 2.1 A and AA rules. bypass_csp: axe is a script of the test's own, and the
    # pages' CSP refuses inline scripts.
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 900}, locale="sv-SE",
                                  bypass_csp=True)
    try:
        page = context.new_page()
        problems = {}
        for url in ("/public?q=prognos", solution_url, solution_url.replace("lang=sv", "lang=en"),
                    "/public/accessibility", "/public/solutions/00000000000000000000"):
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (url, width)
            if url.startswith("/public/solutions/0"):
                continue  # the 404 page: its layout is the list's; width checked, axe spared
            page.add_script_tag(path=str(AXE_JS))
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
            assert len(result["passes"]) > 10, url  # axe ran its rules
            found = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in result["violations"]]
            if found:
                problems[url] = found
        assert not problems, problems
    finally:
        context.close()


