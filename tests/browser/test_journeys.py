"""The main journeys of issue 6 in a real browser: sign-in per role, the language switch, a form
with a bad value, API tokens, and an owner taking a solution to pilot with two compliance officers
and an auditor reading it all."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.answers import NOT_LISTED

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect

@pytest.mark.parametrize(
    "who,nav",
    [
        ("owner", ["Översikt", "Lösningar", "Registrera en lösning"]),
        ("compliance", ["Översikt", "Lösningar", "Granskningskö", "Granskningslogg"]),
        ("auditor", ["Översikt", "Lösningar", "Granskningslogg"]),
        ("admin", ["Översikt", "Profil och API-nycklar"]),
    ],
)
def test_sign_in_per_role(signed_in, who, nav):
    page = signed_in(who)
    expect(page.locator("h1")).to_contain_text("Välkommen")
    links = page.locator("nav.site-nav a").all_inner_texts()
    for label in nav:
        assert label in links
    if who in ("auditor", "admin"):
        assert "Registrera en lösning" not in links


def test_wrong_password_is_refused(new_page):
    page = new_page()
    page.goto("/login")
    page.fill("#email", "anna@region.example")
    page.fill("#password", "not the password")
    page.click("form:has(#email) [type=submit]")
    expect(page.locator(".flash-error")).to_be_visible()


def test_language_switch(signed_in):
    page = signed_in("owner")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.click("[data-test=language-switch]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.locator("nav.site-nav")).to_contain_text("Solutions")
    page.click("[data-test=language-switch]")
    expect(page.locator("h1")).to_contain_text("Välkommen")


def register(page, name="Triagering av lungröntgen", purpose="Prioriterar lungröntgen med misstänkta fynd."):
    page.goto("/solutions/new")
    page.fill("#name", name)
    page.fill("#purpose", purpose)
    page.fill("#need_statement", "Långa svarstider för röntgensvar.")
    page.check("#processes_personal_data-0")
    page.check("#processes_health_data-0")
    page.click("form[data-test=solution-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/solutions/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def test_register_with_a_bad_value_then_fix_it(signed_in):
    page = signed_in("owner")
    page.goto("/solutions/new")
    page.fill("#purpose", "Taligenkänning för journalföring")
    page.fill("#supplier", "Röstbolaget AB")
    page.fill("#review_interval_months", "0")
    page.click("form[data-test=solution-form] button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#name-error")).to_be_visible()
    expect(page.locator("#review_interval_months-error")).to_be_visible()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#purpose")).to_have_value("Taligenkänning för journalföring")
    expect(page.locator("#supplier")).to_have_value("Röstbolaget AB")
    page.fill("#name", "Taligenkänning")
    page.fill("#review_interval_months", "12")
    page.click("form[data-test=solution-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/solutions/\d+$"))
    expect(page.locator("h1")).to_have_text("Taligenkänning")
    expect(page.locator(".flash-success")).to_be_visible()


def test_keyboard_reaches_the_form_and_focus_is_visible(signed_in):
    page = signed_in("owner")
    page.goto("/solutions/new")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.focus("#name")
    outline = page.eval_on_selector("#name", "el => getComputedStyle(el).outlineStyle")
    assert outline != "none"


def test_api_tokens_page(signed_in):
    page = signed_in("auditor")
    page.goto("/profile")
    page.fill("#name", "Nattlig export")
    page.fill("#expires_in_days", "30")
    page.click("form[action$='/profile/tokens'] button[type=submit]")
    token = page.locator("[data-test=new-token]").input_value()
    assert token.count(".") == 2
    # Meant for copying: it must not look locked like a linked solution's supplier fields.
    assert page.eval_on_selector("[data-test=new-token]", "el => getComputedStyle(el).borderTopStyle") == "solid"
    expect(page.locator("table")).to_contain_text("Nattlig export")
    page.goto("/profile")
    expect(page.locator("[data-test=new-token]")).to_have_count(0)
    page.click("button:has-text('Återkalla')")
    expect(page.locator("table")).to_contain_text("Återkallad")


def answer(page, answers: dict, branch_check=None):
    """Answer the wizard step by step; wizard.js reveals follow-up questions in place."""
    for _ in range(30):
        if page.locator("[data-test=submit-classification]").count():
            return
        answered = set()
        while True:
            visible = [
                fs.get_attribute("data-question")
                for fs in page.locator("fieldset[data-question]:not([hidden])").all()
            ]
            todo = [q for q in visible if q not in answered and q in answers]
            if not todo:
                break
            for qid in todo:
                value = answers[qid]
                page.check(f"#q-{qid}-{'none' if value == [] else value}")
                answered.add(qid)
                if branch_check:
                    branch_check(page, qid)
        page.click("button[value=next]")
    raise AssertionError("the wizard did not reach the result step")


def test_owner_takes_a_solution_to_pilot(signed_in, tmp_path):
    owner = signed_in("owner")
    sid = register(owner)
    expect(owner.locator("[data-test=gate-closed]")).to_be_visible()

    # Goal and a measured value.
    owner.goto(f"/solutions/{sid}/goals")
    owner.select_option("#g-perspective", "operations")
    owner.select_option("#g-indicator_id", label="Tillgänglighet")
    owner.fill("#g-title", "Kortare svarstid")
    owner.fill("#g-indicator", "Median antal dagar från remiss till svar")
    owner.fill("#g-unit", "dagar")
    owner.fill("#g-baseline", "12")
    owner.fill("#g-target", "5")
    owner.check("#g-higher_is_better-1")
    owner.click("form[data-test=goal-form] button[type=submit]")
    expect(owner.locator(".flash-success")).to_be_visible()
    owner.fill("#m-measured_on", date.today().isoformat())
    owner.fill("#m-value", "11")
    owner.click("form[data-test=measurement-form] button[type=submit]")
    expect(owner.locator(".flash-success")).to_be_visible()

    # Benefit estimate.
    owner.goto(f"/solutions/{sid}/benefit")
    owner.fill("#one_off_cost", "400000")
    owner.fill("#yearly_cost", "120000")
    owner.fill("#yearly_savings", "300000")
    owner.click("form[data-test=benefit-form] button[type=submit]")
    expect(owner.locator(".flash-success")).to_be_visible()

    # Oversight owner: a person without an account.
    owner.goto(f"/solutions/{sid}/oversight")
    owner.check("#person_kind-1")
    owner.fill("#person_name", "Eva Ek")
    owner.fill("#person_title", "Överläkare")
    owner.check("#authority_to_suspend")
    owner.check("#can_interrupt_stop")
    owner.fill("#accepted_on", date.today().isoformat())
    owner.click("form[data-test=oversight-form] button[type=submit]")
    expect(owner.locator(".flash-success")).to_be_visible()

    # DPIA with a PDF.
    pdf = Path(tmp_path) / "dpia.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% DPIA\n")
    owner.goto(f"/solutions/{sid}/evidence/new?type=dpia")
    owner.fill("#title", "DPIA lungröntgen")
    owner.fill("#issued_on", (date.today() - timedelta(days=2)).isoformat())
    owner.set_input_files("#file", str(pdf))
    owner.click("form[data-test=evidence-form] button[type=submit]")
    expect(owner.locator("[data-test=evidence-table]")).to_contain_text("DPIA lungröntgen")
    expect(owner.locator("[data-check=valid_classification].unmet")).to_be_visible()

    # The wizard, with a branching path: a medical purpose reveals the device questions in place.
    owner.goto(f"/solutions/{sid}/classify")
    seen = {}

    def branch(page, qid):
        if qid == "medical_purpose":  # answered "no"; try "yes" first, then back to "no"
            seen["hidden_before"] = page.locator("#q-data_action").is_hidden()
            page.check("#q-medical_purpose-yes")
            seen["shown_on_yes"] = page.locator("#q-data_action").is_visible()
            page.check("#q-medical_purpose-no")
            seen["hidden_on_no"] = page.locator("#q-data_action").is_hidden()

    answer(owner, NOT_LISTED, branch)
    assert seen == {"hidden_before": True, "shown_on_yes": True, "hidden_on_no": True}
    expect(owner.locator("[data-test=result]")).to_have_attribute("data-category", "minimal_risk")
    owner.click("[data-test=submit-classification]")
    expect(owner.locator(".flash-success")).to_be_visible()

    # A compliance officer approves the classification.
    compliance = signed_in("compliance")
    compliance.goto("/review")
    compliance.click("[data-test=queue-classifications] a")
    expect(compliance.locator("[data-test=fired-rules]")).to_be_visible()
    compliance.check("#outcome-0")
    compliance.click("form[data-test=review-form] button[type=submit]")
    expect(compliance.locator(".flash-success")).to_be_visible()

    # The gate checklist turns green; the owner requests pilot.
    owner.goto(f"/solutions/{sid}")
    expect(owner.locator("[data-test=gate-open]")).to_be_visible()
    owner.click("[data-test=request-transition]")
    owner.fill("#reason", "Pilot på två röntgenenheter")
    owner.click("form[data-test=transition-form] button[type=submit]")
    expect(owner.locator("[data-test=pending-transition]")).to_be_visible()

    # A second compliance officer approves the move.
    compliance2 = signed_in("compliance2")
    compliance2.goto("/review")
    compliance2.click("[data-test=queue-transitions] a")
    compliance2.check("#outcome-0")
    compliance2.click("form[data-test=transition-review-form] button[type=submit]")
    expect(compliance2.locator(".flash-success")).to_be_visible()
    owner.goto(f"/solutions/{sid}")
    expect(owner.locator(".timeline li[aria-current=step]")).to_contain_text("Pilot")

    # The auditor reads the solution, sees no edit controls and downloads the report.
    auditor = signed_in("auditor")
    auditor.goto(f"/solutions/{sid}")
    expect(auditor.locator("h1")).to_contain_text("Triagering av lungröntgen")
    for control in (
        "[data-test=edit-solution]",
        "[data-test=request-transition]",
        "a[href$='/classify']",
        "a[href*='/evidence/new']",
        "a[href$='/oversight']",
    ):
        expect(auditor.locator(control)).to_have_count(0)
    with auditor.expect_download() as download:
        auditor.click("[data-test=download-report]")
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    auditor.goto("/audit?verify=1")
    expect(auditor.locator("[data-test=chain-intact]")).to_be_visible()


def test_narrow_screen_has_no_horizontal_scroll(signed_in):
    page = signed_in("owner", width=390)
    register(page)
    for path in ("/", "/solutions", "/solutions/new", "/profile"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, (path, width)
        clipped = page.evaluate("[...document.querySelectorAll('td')].filter(td => td.scrollWidth > td.clientWidth + 1)"
                                ".map(td => td.dataset.label)")
        assert not clipped, (path, clipped)


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit'].includes(el.type) && !el.closest('[hidden]')
    && !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""


def test_every_field_has_a_label(signed_in):
    owner = signed_in("owner")
    sid = register(owner)
    pages = ["/solutions/new", "/solutions", "/profile"] + [
        f"/solutions/{sid}{tail}"
        for tail in ("/edit", "/goals", "/benefit", "/oversight", "/evidence/new", "/classify", "/decision",
                     "/rollout-plan", "/transition?to=pilot")
    ]
    for path in pages:
        owner.goto(path)
        assert owner.evaluate(UNLABELLED) == [], path
    compliance = signed_in("compliance")
    for path in ("/audit", "/review", "/solutions"):
        compliance.goto(path)
        assert compliance.evaluate(UNLABELLED) == [], path
