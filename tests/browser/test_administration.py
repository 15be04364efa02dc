"""Issue 20, administration in Chromium (Swedish): an administrator finds an account, creates one with a
one-time password that the new person replaces at first sign-in, changes a role, signs them out
everywhere, deactivates and reactivates; the last administrator stays protected."""

from __future__ import annotations

import re

import pytest

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.slow

expect = pytest.importorskip("playwright.sync_api").expect


def test_administrator_manages_accounts(signed_in, new_page):
    page = signed_in("admin")
    page.click("nav.site-nav >> text=Konton")
    expect(page.locator("h1")).to_have_text("Konton")
    expect(page.locator("nav.site-nav a[aria-current=page]")).to_have_text("Konton")
    expect(page.locator("[data-test=accounts-table]")).to_contain_text("anna@region.example")
    page.fill("#q", "lars")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".result-count")).to_have_text("1 konto")
    expect(page.locator("[data-test=accounts-table]")).to_contain_text("Revisor")

    # A new compliance officer with a one-time password, handed over by the administrator.
    page.click("[data-test=new-account]")
    page.fill("#display_name", "Nils Nord")
    page.fill("#email", "nils@region.example")
    page.check("label:has-text('Granskare')")
    page.check("#delivery-0")
    page.click("form[data-test=account-form] button[type=submit]")
    expect(page.locator("h1")).to_have_text("Kontot är skapat")
    one_time = page.locator("[data-test=one-time-password]").input_value()
    assert len(one_time) >= 12

    person = new_page()
    person.goto("/login")
    person.fill("#email", "nils@region.example")
    person.fill("#password", one_time)
    person.click("form:has(#email) [type=submit]")
    expect(person.locator("[data-test=must-change]")).to_be_visible()
    person.goto("/solutions")
    expect(person).to_have_url(re.compile(r"/profile$"))
    person.fill("#current_password", one_time)
    person.fill("#new_password", "nils-eget-losenord-2026")
    person.fill("#confirm_password", "nils-eget-losenord-2026")
    person.click("[data-test=password-change] button[type=submit]")
    expect(person.locator(".flash-success")).to_be_visible()
    expect(person.locator("[data-test=must-change]")).to_have_count(0)
    person.goto("/solutions")
    expect(person.locator("h1")).to_have_text("Lösningar")

    # The administrator sees the sign-in, makes Nils an auditor, revokes his tokens, deactivates him.
    page.goto("/users?q=nils")
    page.click("[data-test=accounts-table] >> text=Nils Nord")
    expect(page.locator("aside")).not_to_contain_text("Aldrig")
    page.select_option("#role", "auditor")
    page.fill("#reason", "Byter tjänst till internrevisionen")
    page.click("form[data-test=role-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Nils Nord är nu Revisor")
    page.click("form[data-test=sign-out-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("utloggad överallt")
    person.goto("/solutions")
    expect(person).to_have_url(re.compile(r"/login"))
    page.fill("#deactivate-reason", "Slutat i regionen")
    page.click("form[data-test=deactivate-form] button[type=submit]")
    expect(page.locator("[data-test=account-status]")).to_have_text("Avaktiverad")
    events = page.locator("[data-test=account-events]")
    expect(events).to_contain_text("Byter tjänst till internrevisionen")
    expect(events).to_contain_text("Slutat i regionen")
    page.click("form[data-test=reactivate-form] button[type=submit]")
    expect(page.locator("[data-test=account-status]")).to_have_text("Aktiv")
    sign_in_again = new_page()
    sign_in_again.goto("/login")
    sign_in_again.fill("#email", "nils@region.example")
    sign_in_again.fill("#password", "nils-eget-losenord-2026")
    sign_in_again.click("form:has(#email) [type=submit]")
    expect(sign_in_again.locator("span.role")).to_have_text("Revisor")

    # The only administrator cannot remove themself.
    page.goto("/users?role=admin")
    page.click("[data-test=accounts-table] >> text=Sara Ek")
    expect(page.locator("[data-test=last-admin]")).to_be_visible()
    expect(page.locator("[data-test=deactivate-form]")).to_have_count(0)


def test_accounts_pages_are_for_administrators_only(signed_in):
    page = signed_in("compliance")
    assert "Konton" not in page.locator("nav.site-nav").inner_text()
    response = page.goto("/users")
    assert response.status == 403


def test_accounts_list_fits_a_phone(new_page):
    page = sign_in(new_page(390, 844), "admin")
    page.goto("/users")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert PASSWORD  # the conftest's accounts sign in with it
