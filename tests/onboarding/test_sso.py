"""Single sign-on against a small OpenID Connect provider on loopback (tests/onboarding/conftest.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from ai_register.extensions import db
from ai_register.onboarding.models import ExternalIdentity
from ai_register.onboarding.sso import claimed_groups, mapped_role
from ai_register.users.models import User
from tests.onboarding.conftest import CLIENT_ID, CLIENT_SECRET

ROLE_MAP = {"ai-owners": "owner", "ai-compliance": "compliance", "ai-auditors": "auditor", "ai-admins": "admin"}


@pytest.fixture
def app_config(app_config, oidc_provider):
    return {**app_config, "OIDC_ISSUER": oidc_provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_PROVIDER_NAME": "Region Norrbotten",
            "OIDC_ROLE_CLAIM": "groups", "OIDC_ROLE_MAP": ROLE_MAP}


def sign_in(client, provider, **claims):
    """The browser's round trip: register → provider → register's callback. Returns the callback's response."""
    provider.next_claims = claims
    start = client.get("/login/oidc?next=/solutions")
    assert start.status_code == 302 and start.location.startswith(provider.issuer + "/authorize")
    back = requests.get(start.location, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/login/oidc/callback"
    return client.get(f"{callback.path}?{callback.query}")


def test_role_mapping_is_pure_and_ordered():
    assert mapped_role(["x", "ai-auditors", "ai-owners"], ROLE_MAP) == "owner"  # configuration order wins
    assert mapped_role(["x"], ROLE_MAP) is None
    assert claimed_groups({"groups": "a, b c"}, "groups") == ["a", "b", "c"]
    assert claimed_groups({}, "groups") == []


def test_login_page_offers_the_provider(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert b"Region Norrbotten" in page.data and b'name="password"' in page.data


def test_first_sign_in_creates_the_user_with_the_mapped_role(client, oidc_provider):
    response = sign_in(client, oidc_provider, sub="abc-123", email="Nina.Nurse@Region.example",
                       name="Nina Nurse", groups=["staff", "ai-compliance"])
    assert response.status_code == 302 and response.location.endswith("/solutions")
    user = db.session.scalar(select(User).where(User.email == "nina.nurse@region.example"))
    assert user.role == "compliance" and user.display_name == "Nina Nurse" and user.password_hash is None
    identity = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    assert identity.subject == "abc-123" and identity.issuer == oidc_provider.issuer
    assert client.get("/").status_code == 200  # signed in

    # The role is read again at the next sign-in; the subject, not the e-mail, finds the account.
    other = client.application.test_client()
    sign_in(other, oidc_provider, sub="abc-123", email="nina.new@region.example", name="Nina Nurse",
            groups="ai-auditors")
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "auditor"
    assert db.session.scalar(select(User).where(User.email == "nina.new@region.example")) is None


def test_existing_local_account_is_linked_by_verified_email(client, oidc_provider, make_user):
    local = make_user("owner", "olle@region.example", password="a long password 123")
    sign_in(client, oidc_provider, sub="olle-sub", email="olle@region.example", email_verified=True,
            groups=["ai-owners"])
    assert db.session.scalar(select(ExternalIdentity.user_id).where(ExternalIdentity.subject == "olle-sub")) \
        == local.id
    refused = sign_in(client.application.test_client(), oidc_provider, sub="other-sub",
                      email="olle@region.example", email_verified=False, groups=["ai-owners"])
    assert refused.status_code == 403 and b'data-reason="email_unverified"' in refused.data
    silent = sign_in(client.application.test_client(), oidc_provider, sub="third-sub",
                     email="olle@region.example", groups=["ai-owners"])  # no email_verified claim at all
    assert silent.status_code == 403 and b'data-reason="email_unverified"' in silent.data


def test_no_mapped_group_is_refused_with_a_clear_page(client, oidc_provider):
    response = sign_in(client, oidc_provider, sub="x-1", email="stranger@region.example", groups=["staff"])
    assert response.status_code == 403
    assert b'data-reason="no_group"' in response.data and b"Region Norrbotten" in response.data
    assert db.session.scalar(select(User).where(User.email == "stranger@region.example")) is None
    assert client.get("/").status_code == 302  # not signed in


def test_deactivated_account_is_refused(client, oidc_provider, make_user):
    from ai_register.users.services import deactivate_user

    user = make_user("owner", "gone@region.example")
    deactivate_user(user)
    db.session.commit()
    response = sign_in(client, oidc_provider, sub="gone", email="gone@region.example", email_verified=True,
                       groups=["ai-owners"])
    assert response.status_code == 403 and b'data-reason="deactivated"' in response.data


def test_forged_or_replayed_callbacks_are_refused(client, oidc_provider):
    assert client.get("/login/oidc/callback").status_code == 400
    assert client.get("/login/oidc/callback?code=x&state=unknown").status_code == 401
    assert client.get("/login/oidc/callback?error=access_denied").status_code == 401


def test_id_token_not_signed_by_the_provider_is_refused(client, oidc_provider):
    from joserfc.jwk import RSAKey

    oidc_provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    try:
        response = sign_in(client, oidc_provider, sub="forged", email="forged@region.example",
                           groups=["ai-admins"])
    finally:
        oidc_provider.signing_key = oidc_provider.key
    assert response.status_code == 401
    assert db.session.scalar(select(User).where(User.email == "forged@region.example")) is None


def test_local_passwords_can_be_switched_off(app, client, make_user, users):
    make_user("owner", "pw@region.example", password="a long password 123")
    app.config["LOCAL_PASSWORDS"] = False
    app.config["WTF_CSRF_ENABLED"] = False
    page = client.get("/login")
    assert page.status_code == 200
    assert b'name="password"' not in page.data and b"Region Norrbotten" in page.data
    refused = client.post("/login", data={"email": "pw@region.example", "password": "a long password 123"})
    assert refused.status_code == 403
    token = client.post("/api/v1/auth/token", json={"email": "pw@region.example", "password": "a long password 123"})
    assert token.status_code == 403 and token.mimetype == "application/problem+json"
    assert "switched off" in token.get_json()["detail"]


def test_sso_pages_are_404_when_not_configured(app, client):
    app.config["OIDC_ISSUER"] = None
    assert client.get("/login/oidc").status_code == 404
    assert client.get("/login/oidc/callback?code=a&state=b").status_code == 404
