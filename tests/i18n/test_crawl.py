"""Every page each role and an anonymous visitor reach in the demo region, in Swedish and in English,
shows labels, not codes: no snake_case token in the visible text (e-mail addresses and file names
aside). The crawl follows the links a person sees, signed in as the demo's own people."""

from __future__ import annotations

import pytest

from ai_register.demo import DEMO_PEOPLE
from ai_register.users.services import find_user_by_email
from tests.webclient import WebClient, compile_catalogs

from .crawl import crawl, raw_codes

ROLES = ("owner", "compliance", "auditor", "admin", "staff", None)


@pytest.fixture(scope="module", autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.fixture
def demo(app, runner):
    app.config["TRUSTWORTHY_ASSESSMENT_REQUIRED"] = True
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return app


def _client(app, role, lang):
    client = WebClient(app, find_user_by_email(DEMO_PEOPLE[role]) if role else None)
    client.language(lang)
    return client


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_page_shows_a_raw_code(demo, lang):
    reached = {}
    problems = {}
    for role in ROLES:
        client = _client(demo, role, lang)
        pages = crawl(client.get, starts=["/", "/public"])
        reached[role] = len(pages.pages)
        for url, codes in pages.findings(raw_codes).items():
            problems[f"{role or 'anonymous'} {url}"] = codes
    # The crawl itself: each role reaches what it should (every demo solution, the public register).
    assert reached["owner"] > 60 and reached["compliance"] > 100 and reached["auditor"] > 40
    assert reached[None] >= 2 and reached["admin"] >= 3 and reached["staff"] >= 2
    assert not problems, "\n".join(f"{where}: {codes[:10]}" for where, codes in sorted(problems.items()))


def test_the_check_finds_codes_and_spares_addresses_and_files():
    assert raw_codes("Kategori: limited_risk, se annex_iii_5d") == ["limited_risk", "annex_iii_5d"]
    assert raw_codes("agare_2@region.example laddade upp dpia_2026.pdf") == []
    assert raw_codes("Behovsanalys → Pilot; 2026-12-06 15:48") == []


def test_the_registers_own_reasons_are_stored_as_codes_and_read_in_each_language(demo):
    from sqlalchemy import select

    from ai_register.audit.models import AuditEvent
    from ai_register.extensions import db

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.reason.like("classification % approved"))).first()
    assert event.data["reason_code"] == "classification_reviewed"
    assert set(event.data["reason_params"]) == {"classification", "version", "status"}
    url = f"/audit?solution_id={event.solution_id}"
    swedish = _client(demo, "auditor", "sv").get(url).get_data(as_text=True)
    assert f"klassning {event.data['reason_params']['classification']} (version 1): godkänd" in swedish
    assert "approved</span>" not in swedish
    # The event's data reads as fields and values: labels, not the stored JSON.
    assert "Kategori enligt AI-förordningen" in swedish and '"changes"' not in swedish
    english = _client(demo, "auditor", "en").get(url).get_data(as_text=True)
    assert f"classification {event.data['reason_params']['classification']} (version 1) approved" in english


def test_a_reason_without_a_known_code_is_shown_as_stored():
    from ai_register.audit import reasons

    assert reasons.render({}, "Pilot på akuten.", str) == "Pilot på akuten."
    assert reasons.render({"reason_code": "nope"}, "as stored", str) == "as stored"
    assert reasons.coded("reminder", kind="review_due").english() == "reminder: review_due"
    with pytest.raises(ValueError):
        reasons.coded("no_such_reason")


def test_citations_on_a_classification_page_are_in_the_readers_language(demo):
    from sqlalchemy import select

    from ai_register.classification.models import Classification
    from ai_register.extensions import db

    item = db.session.scalars(select(Classification).where(Classification.status == "approved")).first()
    url = f"/solutions/{item.solution_id}/classifications/{item.id}"
    swedish = _client(demo, "compliance", "sv").get(url).get_data(as_text=True)
    assert "förordning (EU) 2024/1689, art." in swedish and "Regulation (EU)" not in swedish
    english = _client(demo, "compliance", "en").get(url).get_data(as_text=True)
    assert "Regulation (EU) 2024/1689, Art" in english
    # The API keeps the contract's text.
    assert item.result["fired_rules"][0]["citation"].startswith(("Regulation", "MDCG", "HSLF"))
