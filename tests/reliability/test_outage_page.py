"""A database outage seen by signed-in web users (issue #19, item 5): the error page itself used to load the
user from the dead database and ended in gunicorn's bare "Internal Server Error". It must render without
the database, in the reader's language, as 503 with Retry-After."""

from __future__ import annotations

import pytest
from flask import g

from ai_register.extensions import db

from .test_faults import database_gone


def web_client(app, user, lang: str | None = None):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        if lang:
            session["lang"] = lang
    return client


def fresh() -> None:
    for name in ("_login_user", "csrf_token", "_flask_babel"):
        g.pop(name, None)


@pytest.mark.parametrize("path", ["/", "/solutions", "/profile"])
def test_signed_in_web_user_gets_the_outage_page_in_swedish(app, users, path):
    client = web_client(app, users["owner"])
    fresh()
    assert client.get(path).status_code == 200
    with database_gone():
        db.engine.dispose()
        fresh()
        response = client.get(path)
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Tillfälligt otillgänglig" in page and "Registret är tillfälligt otillgängligt" in page
    assert '<html lang="sv">' in page
    assert "Olga Owner" not in page  # nobody could be read, and nobody is shown


def test_the_outage_page_follows_the_chosen_language(app, users):
    client = web_client(app, users["compliance"], lang="en")
    with database_gone():
        db.engine.dispose()
        fresh()
        response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert "Temporarily unavailable" in page and '<html lang="en">' in page


def test_a_form_post_during_the_outage_is_503_too(app, users):
    client = web_client(app, users["owner"])
    app.config["WTF_CSRF_ENABLED"] = False
    with database_gone():
        db.engine.dispose()
        fresh()
        response = client.post("/profile/tokens", data={"name": "x", "expires_in_days": "5"})
    assert response.status_code == 503 and response.headers["Retry-After"]


def test_the_api_says_503_with_retry_after(app, users, auth):
    headers = auth(users["auditor"])
    with database_gone():
        db.engine.dispose()
        response = app.test_client().get("/api/v1/solutions", headers=headers)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "30"
