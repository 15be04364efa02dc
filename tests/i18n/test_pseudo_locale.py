"""Every word a person reads comes from the catalog or from the records themselves.

The Swedish catalog is rebuilt in a pseudo form that wraps every translation in ⟦ ⟧ and served as the
app's Swedish. The demo region is crawled as each role and an anonymous visitor (tests/i18n/crawl.py),
and the traceability PDF of every demo solution is read with pdftotext. With the marked texts taken
away, what is left must be numbers and punctuation, or words of the data: the records' own texts
(names, purposes, notes typed by people), the rule set's Swedish texts (versioned data, not catalog
entries), a few words the number and date formats print ("kr"), and the Swedish names (Babel's CLDR
territory names) of the countries the records hold as ISO codes. Literal code and commands (<code>,
<pre>) are not prose and are left out. A word left over is a text that
reached the page past the catalog: English, or Swedish written into code.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from babel import Locale
from babel.messages.mofile import write_mo
from sqlalchemy import select

from ai_register.demo import DEMO_PEOPLE
from ai_register.extensions import babel, db
from ai_register.solutions.models import Solution
from ai_register.suppliers.models import Supplier
from ai_register.users.services import find_user_by_email, issue_access_token
from tests.helpers import read_catalog
from tests.web.conftest import WebClient

from .crawl import _parsed, crawl

ROOT = Path(__file__).resolve().parents[2]
OPEN, CLOSE = "⟦", "⟧"
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# A catalog text cut short in a table cell ("⟦Planerad sta [continued in the JSON report]"): it began
# in the catalog, so it is explained up to the cut.
CUT_SHORT = re.compile(f"{OPEN}[^{CLOSE}\\[\n]*")
WORD = re.compile(r"[^\W\d_]{2,}")
ROLES = ("owner", "compliance", "auditor", "admin", "staff", None)
# Words the formatters print that no catalog holds (the currency from Babel's CLDR data, the time zone),
# and the language switch, which names each language in that language.
FORMAT_WORDS = {"kr", "sek", "utc", "english", "svenska", "json", "csv"}  # and the open-data formats' names
# Hashes, ids and versions ("9cae7aec…", "v2", "2026.2"): a token with digits is no word.
WITH_DIGITS = re.compile(r"\S*\d\S*")
# Columns the register writes in English for the API (shown through catalog messages, never as stored);
# their words are not the records' own data.
NOT_DATA = {("audit_events", "reason"), ("incident_duties", "summary"), ("incident_duties", "condition"),
            ("incident_duties", "fallback"), ("incidents", "assessment"), ("audit_events", "data"),
            # the kinds of the portfolio's kept aggregate lines: codes of derived rows, never shown
            ("portfolio_contributions", "kind"), ("portfolio_aggregates", "kind")}


def pseudo_catalog(directory: Path) -> None:
    """The Swedish catalog with every translation wrapped in ⟦ ⟧ (placeholders kept), as sv's .mo."""
    catalog = read_catalog("sv")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple):
            message.string = tuple(f"{OPEN}{s}{CLOSE}" if s else s for s in message.string)
        elif message.string:
            message.string = f"{OPEN}{message.string}{CLOSE}"
    target = directory / "sv" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)


@pytest.fixture
def app_config(app_config, tmp_path) -> dict:
    pseudo_catalog(tmp_path / "pseudo")
    return {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "pseudo"),
            "TRUSTWORTHY_ASSESSMENT_REQUIRED": True}


@pytest.fixture
def pseudo_app(app, runner):
    babel.domain_instance.cache.clear()  # the Babel extension caches catalogs across apps
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    yield app
    babel.domain_instance.cache.clear()


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def data_words() -> set[str]:
    """The words of the records' own data and of the rule set's Swedish texts."""
    words = set(FORMAT_WORDS)
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in NOT_DATA]
        for row in db.session.execute(select(*columns)):
            for value in row:
                for text in _strings(value):
                    words.update(w.lower() for w in WORD.findall(text))
    for path in (ROOT / "risk_rules").glob("*.yaml"):
        for text in _swedish(yaml.safe_load(path.read_text(encoding="utf-8"))):
            words.update(w.lower() for w in WORD.findall(text))
    return words | territory_words()


def territory_words() -> set[str]:
    """The one allowance for text from outside the catalog: the names of the countries the records hold
    (a supplier's seat and where it processes data), as Babel's CLDR data name them in Swedish
    (formats.country). Only those names: no other CLDR text, and no other country's."""
    codes = set()
    for country, processing in db.session.execute(select(Supplier.country, Supplier.processing_countries)):
        codes.update(c for c in [country, *(processing or [])] if c)
    names = Locale.parse("sv").territories
    return {w.lower() for code in codes for w in WORD.findall(names.get(code, ""))}


def _swedish(value, key: str = "") -> Iterator[str]:
    """The rule files' Swedish texts (`sv:` keys) and their names and citations (acts, locators)."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _swedish(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _swedish(item, key)
    elif isinstance(value, str) and key != "en":
        yield value


def unexplained(text: str, known: set[str]) -> list[str]:
    while MARKED.search(text):
        text = MARKED.sub(" ", text)
    text = CUT_SHORT.sub(" ", text)
    text = WITH_DIGITS.sub(" ", text)
    return sorted({w for w in WORD.findall(text) if w.lower() not in known})


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout


@pytest.mark.slow  # 30–60 s: the demo region, five crawls and four PDFs
def test_every_visible_word_comes_from_the_catalog_or_the_records(pseudo_app):
    known = data_words()
    problems: dict[str, list[str]] = {}
    pages = 0
    for role in ROLES:
        client = WebClient(pseudo_app, find_user_by_email(DEMO_PEOPLE[role]) if role else None)
        client.language("sv")
        result = crawl(client.get, starts=["/", "/public"], per_pattern=3)
        pages += len(result.pages)
        for url, page in result.pages.items():
            if "lang=en" in url:
                continue  # a public page in English by its own language link: English is right there
            words = unexplained(page.prose_text, known)
            if words:
                problems[f"{role or 'anonymous'} {url}"] = words
    assert pages > 100
    token, _ = issue_access_token(find_user_by_email(DEMO_PEOPLE["auditor"]))
    db.session.commit()
    reports = pseudo_app.test_client()
    # Four reports (the demo's first four: in pilot, management, needs analysis and rollout) keep the time
    # modest; every section's words are in each (test_report_pdf reads all twelve for raw codes).
    for solution_id in db.session.scalars(select(Solution.id).order_by(Solution.id)).all()[:4]:
        response = reports.get(f"/api/v1/solutions/{solution_id}/report?format=pdf&lang=sv",
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        words = unexplained(pdf_text(response.data), known)
        if words:
            problems[f"PDF of solution {solution_id}"] = words
    assert not problems, "\n".join(f"{where}: {words[:25]}" for where, words in sorted(problems.items()))


def test_the_check_finds_text_from_outside_the_catalog():
    known = {"röntgen", "sunderby", "kr"}
    assert unexplained("⟦Vårdenhet⟧: Röntgen Sunderby · 120 000 kr", known) == []
    assert unexplained("⟦Senast ändrad ⟦2026-12-06⟧⟧ AI Act Art 27", known) == ["AI", "Act", "Art"]
    assert unexplained("⟦Planerad sta [⟦se JSON-rapporten⟧] Withdrawn by id", known) == ["Withdrawn", "by", "id"]
    assert unexplained("hash 9cae7aec67 version v2", known) == ["hash", "version"]


def test_literal_code_is_visible_but_not_prose():
    parsed = _parsed("<p>⟦Kör⟧ <pre><code>python3 tools/verify_bundle.py --checkpoints</code></pre> Withdrawn</p>")
    assert parsed.prose == ["⟦Kör⟧", "Withdrawn"]
    assert "python3 tools/verify_bundle.py --checkpoints" in parsed.parts
