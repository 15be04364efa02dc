"""Accounts in the web (issue 20): an administrator lists and searches, creates with a one-time password
or a set-password link, changes a role, deactivates and reactivates, revokes tokens; the last active
administrator and SSO-managed roles are protected; every change is in the audit trail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.onboarding.models import ExternalIdentity
from ai_register.users import accounts
from ai_register.users import services as user_services
from ai_register.users.models import ApiToken, User
from tests.webclient import WebClient, text

PASSWORD = "a-long-enough-password-2026"


def _events(user_id: int) -> list[str]:
    return [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user_id))
        .order_by(AuditEvent.id))]


@pytest.mark.parametrize("role,status", [("owner", 403), ("compliance", 403), ("auditor", 403), ("admin", 200)])
def test_only_administrators_reach_the_accounts_pages(web, users, role, status):
    client = web(role)
    assert client.get("/users").status_code == status
    assert client.get("/users/new").status_code == status
    assert client.get(f"/users/{users['owner'].id}").status_code == status
    assert client.post(f"/users/{users['owner'].id}/active", {"active": "false"}).status_code in (status, 302)
    db.session.refresh(users["owner"])
    assert users["owner"].active is True or role == "admin"


def test_list_and_search_show_role_status_last_sign_in_and_method(web, users, app):
    app.config.update(OIDC_ISSUER="https://idp.region.example", OIDC_CLIENT_ID="ai-register")
    db.session.add(ExternalIdentity(user_id=users["auditor"].id, issuer="https://idp.region.example", subject="s-1",
                                    last_groups="ai-revisorer"))
    user_services.update_user(users["owner2"], active=False)
    users["compliance"].password_hash = "set"
    db.session.commit()
    admin = web("admin")
    page = text(admin.get("/users"))
    assert "6 konton" in page
    for user in users.values():
        assert user.email in page
    assert "Regionens inloggning" in page and "Lösenord" in page and "Avaktiverad" in page and "Aldrig" in page
    found = text(admin.get("/users?q=otto"))
    assert "owner2@region.example" in found and "owner@region.example" not in found.replace("owner2@", "")
    only_auditors = text(admin.get("/users?role=auditor"))
    assert "1 konto" in only_auditors and "auditor@region.example" in only_auditors
    inactive = text(admin.get("/users?status=inactive"))
    assert "1 konto" in inactive and "owner2@region.example" in inactive
    assert admin.get("/users?page=abc&role=nonsense").status_code == 200


def test_create_with_a_one_time_password_that_must_be_replaced(web, app, users):
    admin = web("admin")
    response = admin.post("/users/new", {"display_name": "Nora Nyström", "email": "Nora@Region.example",
                                         "role": "compliance", "delivery": "password"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="one-time-password" readonly value="([^"]+)"', text(response)).group(1)
    nora = user_services.find_user_by_email("nora@region.example")
    assert nora.role == "compliance" and nora.password_must_change
    assert secret not in text(admin.get(f"/users/{nora.id}"))
    # The API refuses the one-time password; the web sends the person to choose their own first.
    api = app.test_client().post("/api/v1/auth/token", json={"email": nora.email, "password": secret})
    assert api.status_code == 403
    person = WebClient(app)
    signed_in = person.post("/login", {"email": nora.email, "password": secret})
    assert signed_in.status_code == 302
    assert person.get("/").headers["Location"].endswith("/profile")
    assert person.get("/solutions").headers["Location"].endswith("/profile")
    assert 'data-test="must-change"' in text(person.get("/profile"))
    wrong = person.post("/profile/password", {"current_password": "nope", "new_password": PASSWORD,
                                              "confirm_password": PASSWORD})
    assert wrong.status_code == 422
    changed = person.post("/profile/password", {"current_password": secret, "new_password": PASSWORD,
                                                "confirm_password": PASSWORD})
    assert changed.status_code == 302
    db.session.refresh(nora)
    assert not nora.password_must_change and nora.last_sign_in_at is not None
    assert person.get("/").status_code == 200
    assert _events(nora.id) == ["create", "change_password"]


def test_create_with_a_set_password_link_by_e_mail(web, app, monkeypatch):
    sent = []
    app.config["MAIL_SERVER"] = "smtp.region.example"
    monkeypatch.setattr("ai_register.notifications.mail.send", lambda to, **kw: sent.append((to, kw["body"])))
    admin = web("admin")
    form = text(admin.get("/users/new"))
    assert re.search(r'<input checked[^>]*value="link"', form)
    response = admin.post("/users/new", {"display_name": "Lena Lund", "email": "lena@region.example",
                                         "role": "owner", "delivery": "link"})
    assert response.status_code == 200 and "lena@region.example" in text(response)
    assert sent and sent[0][0] == "lena@region.example"
    link = re.search(r"(http://\S+/password/set/\S+)", sent[0][1]).group(1)
    path = link.split("localhost", 1)[1]
    person = WebClient(app)
    page = person.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    short = person.post(path, {"new": "short", "repeat": "short"})
    assert short.status_code == 422
    done = person.post(path, {"new": PASSWORD, "repeat": PASSWORD})
    assert done.status_code == 302
    lena = user_services.find_user_by_email("lena@region.example")
    assert user_services.authenticate("lena@region.example", PASSWORD).id == lena.id
    # The link works once.
    again = WebClient(app).get(path)
    assert again.status_code == 404 and "redan använts" in text(again)
    assert _events(lena.id) == ["create", "change_password"]
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "change_password")).one().data["by"] \
        == "set_password_link"


def test_without_mail_only_the_one_time_password_is_offered(web):
    form = text(web("admin").get("/users/new"))
    assert 'value="password"' in form and 'value="link"' not in form
    refused = web("admin").post("/users/new", {"display_name": "X", "email": "x@region.example", "role": "owner",
                                               "delivery": "link"})
    assert refused.status_code == 422 and user_services.find_user_by_email("x@region.example") is None


def test_bad_input_keeps_the_form(web, users):
    response = web("admin").post("/users/new", {"display_name": "Dubblett", "email": users["owner"].email,
                                                "role": "owner", "delivery": "password"})
    assert response.status_code == 422
    page = text(response)
    assert "finns redan" in page and 'value="Dubblett"' in page
    missing = web("admin").post("/users/new", {"display_name": "", "email": "not-an-address", "role": "boss",
                                               "delivery": "password"})
    assert missing.status_code == 422 and "error-summary" in text(missing)


def test_change_role_deactivate_reactivate_and_revoke_tokens(web, users, auth, client):
    admin, owner = web("admin"), users["owner"]
    headers = auth(owner)
    user_services.create_named_token(owner, "export", 30)
    db.session.commit()
    changed = admin.post(f"/users/{owner.id}/role", {"role": "auditor", "reason": "ny tjänst"})
    assert changed.status_code == 302
    db.session.refresh(owner)
    assert owner.role == "auditor"
    assert client.get("/api/v1/solutions", headers=headers).status_code == 200
    session = web(owner)
    assert session.get("/solutions").status_code == 200
    signed_out = admin.post(f"/users/{owner.id}/sign-out")
    assert signed_out.status_code == 302
    assert client.get("/api/v1/solutions", headers=headers).status_code == 401
    assert session.get("/solutions").status_code == 302  # the browser session has ended too
    off = admin.post(f"/users/{owner.id}/active", {"active": "false", "reason": "slutat"})
    assert off.status_code == 302
    db.session.refresh(owner)
    assert not owner.active
    assert web(owner).get("/").status_code == 302  # the session no longer signs anyone in
    on = admin.post(f"/users/{owner.id}/active", {"active": "true"})
    assert on.status_code == 302
    db.session.refresh(owner)
    assert owner.active
    page = text(admin.get(f"/users/{owner.id}"))
    assert "ny tjänst" in page and "slutat" in page
    actions = _events(owner.id)
    assert actions[0] == "create" and actions.count("update") == 3 and "sign_out_everywhere" in actions
    assert all(t.revoked for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == owner.id)))


def test_signing_out_without_tokens_is_still_recorded(web, users):
    web("admin").post(f"/users/{users['auditor'].id}/sign-out")
    assert "sign_out_everywhere" in _events(users["auditor"].id)


def test_the_last_active_administrator_is_protected(web, users):
    admin = users["admin"]
    client = web("admin")
    page = text(client.get(f"/users/{admin.id}"))
    assert 'data-test="last-admin"' in page and 'data-test="deactivate-form"' not in page
    assert client.post(f"/users/{admin.id}/role", {"role": "owner"}).status_code == 409
    assert client.post(f"/users/{admin.id}/active", {"active": "false"}).status_code == 409
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active
    other = user_services.create_user("second-admin@region.example", "admin", password=PASSWORD)
    db.session.commit()
    assert client.post(f"/users/{admin.id}/role", {"role": "auditor"}).status_code == 302
    db.session.refresh(admin)
    assert admin.role == "auditor"
    assert web(other).post(f"/users/{other.id}/active", {"active": "false"}).status_code == 409


def test_role_from_the_identity_provider_is_not_edited_by_hand(web, users, app, auth, client):
    app.config.update(OIDC_ISSUER="https://idp.region.example", OIDC_CLIENT_ID="ai-register")
    owner = users["owner"]
    db.session.add(ExternalIdentity(user_id=owner.id, issuer="https://idp.region.example", subject="s-9",
                                    last_groups="ai-agare"))
    db.session.commit()
    admin = web("admin")
    page = text(admin.get(f"/users/{owner.id}"))
    assert 'data-test="role-from-provider"' in page and "ai-agare" in page and 'data-test="role-form"' not in page
    assert admin.post(f"/users/{owner.id}/role", {"role": "compliance"}).status_code == 409
    api = client.patch(f"/api/v1/users/{owner.id}", json={"role": "compliance"}, headers=auth(users["admin"]))
    assert api.status_code == 409
    db.session.refresh(owner)
    assert owner.role == "owner"
    # Deactivation still works for SSO accounts: the register decides who may sign in.
    assert admin.post(f"/users/{owner.id}/active", {"active": "false"}).status_code == 302


def test_reset_password_gives_a_new_one_time_password(web, users, make_user):
    person = make_user("owner", "pia@region.example", password=PASSWORD)
    response = web("admin").post(f"/users/{person.id}/password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="one-time-password" readonly value="([^"]+)"', text(response)).group(1)
    db.session.refresh(person)
    assert person.password_must_change
    assert user_services.authenticate(person.email, secret).id == person.id
    assert "change_password" in _events(person.id)


def test_set_password_links_refuse_tampering(web, app, users):
    token = accounts.set_password_token(users["owner"])
    assert WebClient(app).get(f"/password/set/{token}x").status_code == 404
    assert WebClient(app).get("/password/set/nonsense").status_code == 404
    db.session.refresh(users["owner"])
    user_services.update_user(users["owner"], active=False)
    db.session.commit()
    assert WebClient(app).get(f"/password/set/{token}").status_code == 404


def test_sign_in_is_recorded(app, make_user):
    person = make_user("owner", "sam@region.example", password=PASSWORD)
    WebClient(app).post("/login", {"email": person.email, "password": PASSWORD})
    db.session.refresh(person)
    assert person.last_sign_in_at is not None
    assert db.session.get(User, person.id).last_sign_in_at is not None
