"""Browser tests: the app on a live werkzeug server in a thread, driven by Playwright with Debian's
chromium (never a downloaded browser). Every test here is marked slow."""

from __future__ import annotations

import socket
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "browser-test-password-2026"
PEOPLE = {
    "owner": ("anna@region.example", "owner", "Anna Lindqvist"),
    "owner2": ("erik@region.example", "owner", "Erik Nilsson"),
    "compliance": ("maria@region.example", "compliance", "Maria Johansson"),
    "compliance2": ("karin@region.example", "compliance", "Karin Berg"),
    "auditor": ("lars@region.example", "auditor", "Lars Holm"),
    "admin": ("sara@region.example", "admin", "Sara Ek"),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    from tests.webclient import compile_catalogs

    compile_catalogs()


@pytest.fixture
def app_config(app_config) -> dict:
    # The pilot gate's trustworthy-AI self-assessment has its own page and tests (portfolio); these
    # journeys are the issue-6 ones: goals, benefit, oversight owner and DPIA open the gate.
    return {**app_config, "TRUSTWORTHY_ASSESSMENT_REQUIRED": False}


@pytest.fixture
def accounts(make_user) -> dict:
    from tests.webclient import seed_indicators

    seed_indicators()
    return {
        key: make_user(role, email, password=PASSWORD, name=name)
        for key, (email, role, name) in PEOPLE.items()
    }


@pytest.fixture
def live_server(app, accounts):
    """The test app (schema from create_all, or a truncated PostgreSQL schema) served on 127.0.0.1."""
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() → a page in a fresh browser context (own cookies), base URL set to the live server."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": height},
            accept_downloads=True,
            locale="sv-SE",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, who: str):
    email = PEOPLE[who][0]
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form:has(#email) [type=submit]")
    page.wait_for_url("**/")
    return page


@pytest.fixture
def signed_in(new_page):
    """signed_in("owner") → a page signed in as that person."""

    def make(who: str, width: int = 1280):
        return sign_in(new_page(width), who)

    return make
