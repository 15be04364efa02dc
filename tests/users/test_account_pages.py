"""Profile and named API tokens: create shows the token once, list, revoke; errors beside the field."""

from __future__ import annotations

import pytest

from ai_register.users import services as users_services
from tests.webclient import text


@pytest.mark.parametrize("role", ["owner", "compliance", "auditor", "admin"])
def test_every_role_sees_its_profile(web, users, role):
    page = web(role).get("/profile")
    assert page.status_code == 200
    assert users[role].email in text(page)
    assert page.headers["Cache-Control"] == "no-store"


def test_profile_requires_sign_in(web):
    response = web(None).get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_create_token_shows_it_once_and_it_works(web, users, client):
    owner = web("owner")
    response = owner.post("/profile/tokens", {"name": "nightly export", "expires_in_days": "30"})
    assert response.status_code == 200
    page = text(response)
    token = page.split('data-test="new-token">')[1].split("</textarea>")[0]
    assert token.count(".") == 2  # a JWT
    api = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.get_json()[0]["name"] == "nightly export"
    listed = text(owner.get("/profile"))
    assert "nightly export" in listed and token not in listed


def test_bad_token_form_shows_error_next_to_field_and_keeps_input(web):
    response = web("owner").post("/profile/tokens", {"name": "keep me", "expires_in_days": "9999"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="expires_in_days-error"' in page and 'aria-invalid="true"' in page
    assert 'value="keep me"' in page and 'value="9999"' in page


def test_revoke_own_token(web, users, client):
    token, record = users_services.create_named_token(users["auditor"], "report pull", 10)
    from ai_register.extensions import db

    db.session.commit()
    auditor = web("auditor")
    response = auditor.post(f"/profile/tokens/{record.id}/revoke")
    assert response.status_code == 302
    assert client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "Revoked" in text(auditor.get("/profile")) or "Återkallad" in text(auditor.get("/profile"))


def test_cannot_revoke_someone_elses_token(web, users):
    _token, record = users_services.create_named_token(users["owner2"], "theirs", 10)
    from ai_register.extensions import db

    db.session.commit()
    assert web("owner").post(f"/profile/tokens/{record.id}/revoke").status_code == 404


def test_post_without_csrf_token_is_refused(web):
    response = web("owner").post("/profile/tokens", {"name": "x", "expires_in_days": "5"}, csrf=False)
    assert response.status_code == 400
