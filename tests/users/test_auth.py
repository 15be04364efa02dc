"""Sign-in, tokens and the refusals: wrong password, expired, tampered, alg none, revoked."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from ai_register import create_app
from ai_register.extensions import db
from tests.conftest import TEST_SECRET

PASSWORD = "correct horse battery staple"


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("role", ["owner", "compliance", "auditor", "admin"])
def test_each_role_signs_in_via_api_and_reaches_a_signed_in_endpoint(client, make_user, role):
    make_user(role, f"{role}@region.example", password=PASSWORD)
    response = client.post("/api/v1/auth/token", json={"email": f"{role.upper()}@region.example", "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 15 * 60
    claims = jwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"])
    assert {"sub", "jti", "iat", "exp"} <= set(claims)
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200 and listed.get_json() == []


@pytest.mark.parametrize("role", ["owner", "compliance", "auditor", "admin"])
def test_each_role_signs_in_on_the_web(app, make_user, role):
    make_user(role, f"{role}@region.example", password=PASSWORD)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post("/login", data={"email": f"{role}@region.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused(client, make_user):
    make_user("owner", "o@region.example", password=PASSWORD)
    body = problem(client.post("/api/v1/auth/token", json={"email": "o@region.example", "password": "nope"}), 401)
    assert "password" in body["detail"]
    problem(client.post("/api/v1/auth/token", json={"email": "nobody@region.example", "password": "x"}), 401)


def test_deactivated_user_cannot_sign_in_and_their_tokens_stop_working(client, make_user, auth):
    user = make_user("owner", "o@region.example", password=PASSWORD)
    headers = auth(user)
    assert client.get("/api/v1/tokens", headers=headers).status_code == 200
    from ai_register.users.services import deactivate_user

    deactivate_user(user)
    db.session.commit()
    problem(client.get("/api/v1/tokens", headers=headers), 401)
    problem(client.post("/api/v1/auth/token", json={"email": "o@region.example", "password": PASSWORD}), 401)


def test_missing_and_malformed_authorization_is_401(client):
    problem(client.get("/api/v1/tokens"), 401)
    problem(client.get("/api/v1/tokens", headers={"Authorization": "Basic abc"}), 401)
    problem(client.get("/api/v1/tokens", headers={"Authorization": "Bearer not.a.jwt"}), 401)


def test_expired_token_is_refused(client, make_user, auth, app):
    user = make_user("owner")
    app.config["JWT_ACCESS_TTL"] = timedelta(seconds=-1)
    body = problem(client.get("/api/v1/tokens", headers=auth(user)), 401)
    assert "expired" in body["detail"]


def test_a_token_verified_before_is_refused_once_it_expires(client, make_user, auth, app, monkeypatch):
    """The worker remembers tokens it verified (not their signature check each time), never their validity:
    the claim's expiry is checked on every use, and another key or algorithm verifies afresh."""
    from ai_register import security

    user = make_user("owner")
    headers = auth(user)
    assert client.get("/api/v1/tokens", headers=headers).status_code == 200
    exp = jwt.decode(headers["Authorization"].split()[1], TEST_SECRET, algorithms=["HS256"])["exp"]
    assert client.get("/api/v1/tokens", headers=headers).status_code == 200  # the remembered claims
    monkeypatch.setattr(security.time, "time", lambda: exp)
    assert "expired" in problem(client.get("/api/v1/tokens", headers=headers), 401)["detail"]
    monkeypatch.undo()
    app.config["JWT_SECRET"] = "another-secret-" + "y" * 40
    assert "not valid" in problem(client.get("/api/v1/tokens", headers=headers), 401)["detail"]


def test_tampered_token_is_refused(client, make_user, auth):
    user = make_user("owner")
    other = make_user("admin")
    token = auth(user)["Authorization"].split()[1]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = str(other.id)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    problem(client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {header}.{forged}.{signature}"}), 401)


def test_alg_none_and_other_algorithms_are_refused(client, make_user, auth):
    user = make_user("admin")
    token = auth(user)["Authorization"].split()[1]
    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    problem(client.get("/api/v1/users", headers={"Authorization": f"Bearer {unsigned}"}), 401)
    other_alg = jwt.encode(claims, TEST_SECRET, algorithm="HS512")
    problem(client.get("/api/v1/users", headers={"Authorization": f"Bearer {other_alg}"}), 401)


def test_token_signed_with_another_key_is_refused(client, make_user, auth):
    user = make_user("admin")
    claims = jwt.decode(auth(user)["Authorization"].split()[1], TEST_SECRET, algorithms=["HS256"])
    problem(client.get("/api/v1/users", headers={"Authorization": f"Bearer {jwt.encode(claims, 'x' * 40)}"}), 401)


def test_named_token_lifecycle_create_list_use_revoke(client, make_user, auth):
    user = make_user("auditor")
    headers = auth(user)
    created = client.post("/api/v1/tokens", json={"name": "report pipeline", "expires_in_days": 30}, headers=headers)
    assert created.status_code == 201
    token = created.get_json()["token"]
    token_id = created.get_json()["id"]
    script = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/tokens", headers=script).get_json()
    assert [t["name"] for t in listed] == ["report pipeline"] and "token" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 204
    body = problem(client.get("/api/v1/tokens", headers=script), 401)
    assert "revoked" in body["detail"]
    assert client.get("/api/v1/tokens", headers=headers).get_json()[0]["revoked_at"] is not None


def test_cannot_revoke_someone_elses_token(client, make_user, auth):
    alice, bob = make_user("owner"), make_user("owner")
    created = client.post("/api/v1/tokens", json={"name": "alice"}, headers=auth(alice)).get_json()
    problem(client.delete(f"/api/v1/tokens/{created['id']}", headers=auth(bob)), 404)


def test_wrong_role_gets_403(client, make_user, auth):
    for role in ("owner", "compliance", "auditor"):
        problem(client.get("/api/v1/users", headers=auth(make_user(role))), 403)
    assert client.get("/api/v1/users", headers=auth(make_user("admin"))).status_code == 200


def test_accounts_and_tokens_give_their_times_with_a_zone(client, make_user, auth):
    """RFC 3339 date-times carry an offset on both databases (SQLite stores them without one)."""
    admin = make_user("admin")
    client.post("/api/v1/tokens", json={"name": "zone"}, headers=auth(admin))
    account = next(user for user in client.get("/api/v1/users", headers=auth(admin)).get_json()["items"]
                   if user["id"] == admin.id)
    token = client.get("/api/v1/tokens", headers=auth(admin)).get_json()[0]
    for moment in (account["created_at"], token["created_at"], token["expires_at"]):
        assert datetime.fromisoformat(moment).utcoffset() == timedelta(0), moment


def test_role_change_takes_effect_at_once_for_existing_tokens(client, make_user, auth):
    admin, user = make_user("admin"), make_user("auditor")
    headers = auth(user)
    assert client.get("/api/v1/audit/verify", headers=headers).status_code == 200
    response = client.patch(f"/api/v1/users/{user.id}", json={"role": "owner"}, headers=auth(admin))
    assert response.status_code == 200 and response.get_json()["role"] == "owner"
    problem(client.get("/api/v1/audit/verify", headers=headers), 403)


def test_admin_deactivation_revokes_all_tokens(client, make_user, auth):
    admin, user = make_user("admin"), make_user("owner")
    headers = auth(user)
    client.post("/api/v1/tokens", json={"name": "script"}, headers=headers)
    response = client.patch(f"/api/v1/users/{user.id}", json={"active": False, "reason": "left the region"},
                            headers=auth(admin))
    assert response.status_code == 200 and response.get_json()["active"] is False
    from ai_register.users.models import ApiToken

    assert all(t.revoked_at is not None for t in db.session.query(ApiToken).filter_by(user_id=user.id))


def test_a_named_token_beyond_the_registers_limit_is_refused_with_the_field(client, make_user, auth):
    response = client.post("/api/v1/tokens", json={"name": "forever", "expires_in_days": 3000},
                           headers=auth(make_user("owner")))
    assert "expires_in_days" in problem(response, 422)["errors"]


def test_the_last_active_administrator_stays_one(client, make_user, auth):
    admin = make_user("admin")
    for change in ({"active": False}, {"role": "auditor"}):
        response = client.patch(f"/api/v1/users/{admin.id}", json=change, headers=auth(admin))
        assert response.status_code == 409 and "last active administrator" in problem(response, 409)["detail"]
    second = make_user("admin")
    response = client.patch(f"/api/v1/users/{admin.id}", json={"active": False}, headers=auth(second))
    assert response.status_code == 200 and response.get_json()["active"] is False
    refused = client.patch(f"/api/v1/users/{second.id}", json={"role": "owner"}, headers=auth(second))
    assert refused.status_code == 409


def test_admin_revokes_every_token_of_an_account_without_deactivating_it(client, make_user, auth):
    admin, user = make_user("admin"), make_user("owner")
    headers = auth(user)
    named = client.post("/api/v1/tokens", json={"name": "script", "expires_in_days": 30}, headers=headers)
    script = {"Authorization": f"Bearer {named.get_json()['token']}"}
    assert client.get("/api/v1/tokens", headers=script).status_code == 200
    assert client.delete(f"/api/v1/users/{user.id}/tokens", headers=auth(user)).status_code == 403
    assert client.delete(f"/api/v1/users/{user.id}/tokens", headers=auth(admin)).status_code == 204
    for old in (headers, script):
        problem(client.get("/api/v1/tokens", headers=old), 401)
    assert client.get("/api/v1/tokens", headers=auth(user)).status_code == 200  # the account still works
    assert client.delete("/api/v1/users/999999/tokens", headers=auth(admin)).status_code == 404
    from ai_register.audit.models import AuditEvent

    event = db.session.query(AuditEvent).filter_by(action="revoke_all_tokens", entity_id=str(user.id)).one()
    assert event.actor_id == admin.id and event.data == {"tokens_revoked": 3}  # two sign-ins, one script


def test_login_is_rate_limited(app_config, make_user):
    """Flask-Limiter's general limit per address, one bucket for the web form and the API (the failed-
    sign-in counts per account are tests/test_sign_in_throttle.py; distinct e-mails stay below them)."""
    limited_app = create_app({**app_config, "RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": False})
    make_user("owner", "o@region.example", password=PASSWORD)
    client = limited_app.test_client()
    statuses = [client.post("/api/v1/auth/token", json={"email": f"u{n}@region.example", "password": "bad"}).status_code
                for n in range(5)]
    statuses += [client.post("/login", data={"email": f"w{n}@region.example", "password": "bad"}).status_code
                 for n in range(5)]
    assert statuses == [401] * 10
    problem(client.post("/api/v1/auth/token", json={"email": "o@region.example", "password": PASSWORD}), 429)
    assert client.post("/login", data={"email": "o@region.example", "password": PASSWORD}).status_code == 429


def test_token_is_not_accepted_in_the_query_string(client, make_user, auth):
    token = auth(make_user("admin"))["Authorization"].split()[1]
    problem(client.get(f"/api/v1/users?access_token={token}"), 401)


def test_web_form_without_csrf_token_is_refused(app, make_user):
    make_user("owner", "o@region.example", password=PASSWORD)
    client = app.test_client()
    response = client.post("/login", data={"email": "o@region.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formuläret har gått ut" in response.get_data(as_text=True)  # the page speaks Swedish by default
    page = client.get("/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": "o@region.example", "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302


def test_web_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_redirect_target_must_be_local(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    make_user("owner", "o@region.example", password=PASSWORD)
    client = app.test_client()
    response = client.post("/login?next=//evil.example/x", data={"email": "o@region.example", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_token_expiry_claim_matches_configuration(client, make_user, auth):
    claims = jwt.decode(auth(make_user("owner"))["Authorization"].split()[1], TEST_SECRET, algorithms=["HS256"])
    lifetime = datetime.fromtimestamp(claims["exp"], UTC) - datetime.now(UTC)
    assert timedelta(minutes=14) < lifetime <= timedelta(minutes=15)
