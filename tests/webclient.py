"""Web test helpers: a signed-in test client per role (`web` fixture), posts that carry a real CSRF
token, the classification wizard walked step by step, and the region's common indicators."""

from __future__ import annotations

import html as _html
import os
import re
from pathlib import Path

import pytest
from flask import g

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# The solution form of /solutions/new, filled in as an owner would.
SOLUTION_FORM = {
    "name": "Chest X-ray triage",
    "purpose": "Prioritises chest X-rays with suspected findings for the radiologist.",
    "kind": "machine_learning",
    "sourcing": "procured",
    "processes_personal_data": "yes",
    "processes_health_data": "yes",
    "confidentiality": "3",
    "integrity": "3",
    "availability": "2",
    "care_units": "Röntgen Sunderby\nRöntgen Gällivare",
    "need_statement": "Long waiting times for radiology answers.",
}


class WebClient:
    """A Flask test client signed in as one user, posting forms the way a browser does."""

    def __init__(self, app, user=None):
        self.client = app.test_client()
        self.user = user
        if user is not None:
            with self.client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True

    @staticmethod
    def _fresh_request() -> None:
        # The `app` fixture keeps one app context open for the whole test and Flask reuses it for
        # every request, so `g` (Flask-Login's cached user, Flask-WTF's CSRF token, Flask-Babel's
        # locale) would leak between clients.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        g.pop("_flask_babel", None)

    def get(self, url, **kwargs):
        self._fresh_request()
        return self.client.get(url, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/login" if self.user is None else "/profile").get_data(as_text=True)
        return CSRF.search(page).group(1)

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        self._fresh_request()
        return self.client.post(url, data=data, **kwargs)

    def language(self, lang: str):
        return self.post(f"/language/{lang}", {"next": "/"})


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def web(app, users):
    """web("owner") → a client signed in as that user of the `users` fixture; web(None) → anonymous."""

    def make(who="owner"):
        if who is None:
            return WebClient(app)
        return WebClient(app, users[who] if isinstance(who, str) else who)

    return make


def register_solution(client, **changes):
    """Register a solution through /solutions/new (SOLUTION_FORM) as `client`'s user; returns it, the
    test's only solution."""
    from ai_register.extensions import db
    from ai_register.solutions.models import Solution

    assert client.post("/solutions/new", {**SOLUTION_FORM, **changes}).status_code == 302
    return db.session.scalars(db.select(Solution)).one()


def seed_indicators() -> dict[str, int]:
    """The region's five common indicators (every new goal names one); {code: id}."""
    from ai_register.extensions import db
    from ai_register.portfolio.indicators import ensure_default_indicators, indicators

    ensure_default_indicators()
    db.session.commit()
    return {indicator.code: indicator.id for indicator in indicators()}


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    return _html.unescape(match.group(1)) if match else ""


def answer_wizard(client, solution_id: int, answers: dict, final: str = "submit", max_steps: int = 20):
    """Walk the wizard section by section, answering what is shown; returns the final response."""
    url = f"/solutions/{solution_id}/classify"
    page = text(client.get(url))
    seen_sections = []
    for _step in range(max_steps):
        data = {
            "answers": hidden(page, "answers"),
            "step": hidden(page, "step"),
            "shown": hidden(page, "shown"),
        }
        shown = [q for q in data["shown"].split(",") if q]
        seen_sections.append(shown)
        if not shown:  # the result step
            data["action"] = final
            return client.post(url, data), seen_sections
        for qid in shown:
            value = answers.get(qid)
            if isinstance(value, list):
                data[f"q-{qid}"] = value or ["__none__"]
            elif value is not None:
                data[f"q-{qid}"] = value
        data["action"] = "next"
        response = client.post(url, data)
        assert response.status_code == 200, text(response)[:2000]
        page = text(response)
    raise AssertionError("the wizard did not end")


def compile_catalogs() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1] / "ai_register" / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        # Written aside and moved into place: another test worker may be reading the catalog now.
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as target:
            write_mo(target, catalog)
        os.replace(partial, mo)


def field_error(response, field_id: str) -> str | None:
    """The message a page shows beside a field (`<p class="error" id="<field id>-error">`), as the reader
    reads it; None when the field has none."""
    found = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', text(response), re.S)
    return _html.unescape(found.group(1)).strip() if found else None
