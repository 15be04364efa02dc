"""Issue 20 in Chromium at 1280 px (Swedish): each role's navigation on one line, the page's own item marked
as current, and the portfolio table keeping the score and the meeting decision in sight (no sideways scroll)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.slow

NAV_LINKS = "nav.site-nav a"


def _one_line(page) -> list[str]:
    boxes = page.eval_on_selector_all(
        NAV_LINKS, "els => els.map(e => { const r = e.getBoundingClientRect(); "
                   "return [e.textContent.trim(), r.top, r.right]; })")
    tops = {round(top) for _label, top, _right in boxes}
    assert len(tops) == 1, f"the menu wraps: {boxes}"
    assert max(right for _l, _t, right in boxes) <= 1280
    assert page.eval_on_selector("nav.site-nav", "e => e.scrollWidth <= e.clientWidth")
    return [label for label, _t, _r in boxes]


def _current(page) -> list[str]:
    return page.eval_on_selector_all(f"{NAV_LINKS}[aria-current=page]", "els => els.map(e => e.textContent.trim())")


@pytest.fixture
def portfolio(accounts):
    from tests.helpers import solution_factory

    make = solution_factory(accounts, name="x", purpose="Stöd i vården.")
    past = date.today() - timedelta(days=40)
    return [
        make(name=name, phase=phase, critical_for_patient_care=True, next_review_on=past,
             care_units=["Akutmottagningen Sunderbyn", "Akutmottagningen Gällivare", "Röntgen Kiruna"])
        for name, phase in (("Prognos för vårdplatsbeläggning på länets sjukhus", "management"),
                            ("Sammanfattning av journalanteckningar", "rollout"),
                            ("Triagering av lungröntgen", "pilot"))
    ]


def test_navigation_and_portfolio_at_1280(signed_in, portfolio):
    sid = portfolio[0].id
    page = signed_in("compliance")
    expected = {
        "/": "Översikt",
        "/solutions": "Lösningar",
        f"/solutions/{sid}": "Lösningar",
        f"/solutions/{sid}/classify": "Lösningar",
        f"/solutions/{sid}/obligations": "Lösningar",
        "/review": "Granskningskö",
        "/portfolio": "Portfölj",
        "/indicators": "Portfölj",
        "/incidents": "Avvikelser",
        "/deviations/triage": "Avvikelser",
        "/audit": "Granskningslogg",
        "/imports/solutions": "Importera",
        "/profile": None,
    }
    for path, label in expected.items():
        page.goto(path)
        labels = _one_line(page)
        assert len(labels) == 7
        assert _current(page) == ([label] if label else []), path

    page.goto("/portfolio")
    wrap = page.locator(".table-wrap:has([data-test=portfolio-table])")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
    for header in ("Poäng", "Mötesbeslut"):
        box = page.locator("[data-test=portfolio-table] th", has_text=header).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280 - 24, header
    select = page.locator(f"#kind-{sid}").bounding_box()
    assert select["x"] + select["width"] <= 1280 - 24

    owner = signed_in("owner")
    for path, label in (("/", "Översikt"), ("/solutions/new", "Registrera en lösning"), ("/solutions", "Lösningar"),
                        ("/portfolio", "Portfölj"), ("/deviations/new", "Avvikelser")):
        owner.goto(path)
        _one_line(owner)
        assert _current(owner) == [label], path
    auditor = signed_in("auditor")
    auditor.goto("/audit")
    _one_line(auditor)
    assert _current(auditor) == ["Granskningslogg"]
