"""Sessions that end on the server, and tokens checked against their record (issue #19, items 6 and 7).

A web session is a signed cookie; signing out used to clear only the browser's copy, so a copied
cookie kept working for its whole life. Each account now has a session version: the cookie names it,
and signing out, a password change, deactivation and an administrator's "sign out everywhere" move it
on, which ends every session issued before."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from flask import g

from ai_register.config import ConfigError, check_production, from_environment
from ai_register.extensions import db
from ai_register.users.models import ApiToken
from tests.conftest import TEST_SECRET
from tests.webclient import CSRF

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a new and longer passphrase 2026"


@pytest.fixture
def person(make_user):
    return make_user("owner", "anna@region.example", password=PASSWORD, name="Anna Ägare")


def fresh() -> None:
    """The app fixture keeps one app context for the whole test: forget the last request's user, CSRF
    token and locale, as a new request in its own context would (see tests/web/conftest.py)."""
    for name in ("_login_user", "csrf_token", "_flask_babel"):
        g.pop(name, None)


def sign_in(app, email="anna@region.example", password=PASSWORD):
    """A browser that signed in through the real form; returns it and its session cookie."""
    browser = app.test_client()
    fresh()
    token = CSRF.search(browser.get("/login").get_data(as_text=True)).group(1)
    fresh()
    response = browser.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return browser, browser.get_cookie("session").value


def replay(app, cookie: str):
    """A second browser that carries a copy of the cookie (stolen, or kept from before sign-out)."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    fresh()
    return thief.get("/profile")


def post_form(browser, url, data):
    fresh()
    token = CSRF.search(browser.get("/profile").get_data(as_text=True)).group(1)
    fresh()
    return browser.post(url, data={**data, "csrf_token": token})


def test_a_copied_cookie_works_while_signed_in(app, person):
    _browser, cookie = sign_in(app)
    assert replay(app, cookie).status_code == 200


def test_sign_out_ends_the_session_on_the_server(app, person):
    browser, cookie = sign_in(app)
    response = post_form(browser, "/logout", {})
    assert response.status_code == 302
    stale = replay(app, cookie)
    assert stale.status_code == 302 and "/login" in stale.headers["Location"]


def test_sign_out_ends_the_sessions_of_every_browser(app, person):
    laptop, _ = sign_in(app)
    phone, phone_cookie = sign_in(app)
    post_form(laptop, "/logout", {})
    assert replay(app, phone_cookie).status_code == 302
    again, _ = sign_in(app)  # signing in again works
    fresh()
    assert again.get("/profile").status_code == 200


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, person, auth):
    browser, old_cookie = sign_in(app)
    other, other_cookie = sign_in(app)
    access = auth(person)
    named = app.test_client().post("/api/v1/tokens", json={"name": "script", "expires_in_days": 30}, headers=access)
    assert named.status_code == 201
    response = post_form(browser, "/profile/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                        "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    fresh()
    assert browser.get("/profile").status_code == 200  # this browser stays signed in
    assert replay(app, old_cookie).status_code == 302
    assert replay(app, other_cookie).status_code == 302
    client = app.test_client()
    # Sign-in tokens were got with the old password and end with it; named tokens are the owner's to revoke.
    assert client.get("/api/v1/tokens", headers=access).status_code == 401
    named_headers = {"Authorization": f"Bearer {named.get_json()['token']}"}
    assert client.get("/api/v1/tokens", headers=named_headers).status_code == 200
    assert client.post("/api/v1/auth/token", json={"email": person.email, "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": person.email, "password": NEW_PASSWORD}).status_code == 200


def test_a_password_change_needs_the_current_password(app, person):
    browser, cookie = sign_in(app)
    response = post_form(browser, "/profile/password", {"current_password": "wrong", "new_password": NEW_PASSWORD,
                                                        "confirm_password": NEW_PASSWORD})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nuvarande lösenord stämmer inte" in page
    assert replay(app, cookie).status_code == 200  # nothing changed


def test_a_password_change_refuses_a_short_or_mismatched_password(app, person):
    browser, _ = sign_in(app)
    for new, confirm in (("short", "short"), (NEW_PASSWORD, NEW_PASSWORD + "x")):
        response = post_form(browser, "/profile/password", {"current_password": PASSWORD, "new_password": new,
                                                            "confirm_password": confirm})
        assert response.status_code == 422
    client = app.test_client()
    assert client.post("/api/v1/auth/token", json={"email": person.email, "password": PASSWORD}).status_code == 200


def test_deactivation_ends_sessions_even_after_reactivation(app, person, users, auth):
    _browser, cookie = sign_in(app)
    admin = auth(users["admin"])
    client = app.test_client()
    assert client.patch(f"/api/v1/users/{person.id}", json={"active": False}, headers=admin).status_code == 200
    assert replay(app, cookie).status_code == 302
    assert client.patch(f"/api/v1/users/{person.id}", json={"active": True}, headers=admin).status_code == 200
    assert replay(app, cookie).status_code == 302  # a reactivated account does not revive old cookies


def test_admin_signs_a_person_out_everywhere(app, person, users, auth):
    _browser, cookie = sign_in(app)
    token = auth(person)
    response = app.test_client().delete(f"/api/v1/users/{person.id}/tokens", headers=auth(users["admin"]))
    assert response.status_code == 204
    assert replay(app, cookie).status_code == 302
    assert app.test_client().get("/api/v1/tokens", headers=token).status_code == 401


def test_cli_sign_out_and_set_password(app, person, runner):
    _browser, cookie = sign_in(app)
    result = runner.invoke(args=["users", "sign-out", person.email])
    assert result.exit_code == 0, result.output
    assert replay(app, cookie).status_code == 302
    _browser, cookie = sign_in(app)
    result = runner.invoke(args=["users", "set-password", "--password-stdin", person.email], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert replay(app, cookie).status_code == 302
    sign_in(app, password=NEW_PASSWORD)


def test_session_version_is_not_in_the_audit_trail(app, person):
    from sqlalchemy import select

    from ai_register.audit.models import AuditEvent

    browser, _ = sign_in(app)
    post_form(browser, "/logout", {})
    data = db.session.scalars(select(AuditEvent.data).where(AuditEvent.entity_type == "user")).all()
    assert all("session_version" not in str(item) for item in data)


# --- item 7: tokens ------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["x", "x" * 64, "0123456789abcdef" * 2, "password" * 5])
def test_production_refuses_a_weak_jwt_secret(secret):
    env = {"AI_REGISTER_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48), "AI_REGISTER_JWT_SECRET": secret}
    with pytest.raises(ConfigError, match="AI_REGISTER_JWT_SECRET"):
        check_production(from_environment(env))


@pytest.mark.parametrize("make_secret", [lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(32),
                                         lambda: secrets.token_urlsafe(64)], ids=["urlsafe-32", "hex-32", "urlsafe-64"])
def test_production_accepts_32_random_bytes(make_secret):
    # The secret is made inside the test: a random parameter id differs between xdist workers.
    secret = make_secret()
    env = {"AI_REGISTER_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48), "AI_REGISTER_JWT_SECRET": secret}
    check_production(from_environment(env))


def test_production_refuses_a_weak_secret_key_too():
    env = {"AI_REGISTER_ENV": "production", "SECRET_KEY": "s" * 48}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        check_production(from_environment(env))


def test_a_token_re_signed_with_a_later_expiry_is_refused(client, make_user, auth, app):
    """Whoever holds the signing secret (or a leaked one) cannot stretch a token: the record's expiry rules."""
    user = make_user("owner")
    token = auth(user)["Authorization"].split()[1]
    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
    claims["exp"] = int((datetime.now(UTC) + timedelta(days=30)).timestamp())
    record = db.session.query(ApiToken).filter_by(jti=claims["jti"]).one()
    record.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    stretched = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    response = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {stretched}"})
    assert response.status_code == 401 and "expired" in response.get_json()["detail"]
