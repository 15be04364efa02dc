"""The public transparency register: no sign-in, public solutions only, nothing private (field by field)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.reports.conftest import NEW_NAME, register_solution
from tests.web.conftest import compile_catalogs

PUBLIC_KEYS = {"id", "name", "purpose", "care_units", "phase", "phase_label", "status", "status_label",
               "ai_act_category", "ai_act_category_label", "oversight_role"}
CSV_HEADER = ["id", "name", "purpose", "care_units", "phase", "phase_sv", "phase_en", "status",
              "ai_act_category", "ai_act_category_sv", "ai_act_category_en", "oversight_role"]
SECRET_NAME = "Hemlig intern lösning"


@pytest.fixture(scope="module", autouse=True)
def _catalogs():
    compile_catalogs()  # the pages' words come from the catalogue


@pytest.fixture
def register(client, auth, users, story):
    """The story's solution (public) and a second, non-public one."""
    hidden = register_solution(client, auth, users["owner2"], name=SECRET_NAME, public=False)
    return {"public": story.solution_id, "hidden": hidden}


def _private_strings(users) -> list[str]:
    people = [users[k] for k in ("owner", "owner2", "compliance", "auditor", "admin")]
    return ([u.email for u in people] + [u.display_name for u in people]
            + ["asa.oberg@region.example", "Åsa Öberg", SECRET_NAME, "Exempel AB", "@"])


def test_json_lists_public_solutions_only_with_public_fields(client, users, register):
    response = client.get("/api/v1/public/solutions")  # no token
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 50
    (entry,) = body["items"]
    assert set(entry) == PUBLIC_KEYS
    # Field by field: what each holds, and that it is the public value.
    assert re.fullmatch(r"[0-9a-f]{20}", entry["id"])
    assert entry["name"] == NEW_NAME
    assert entry["purpose"] == "Stöd för prioritering av patienter på akuten."
    assert entry["care_units"] == ["Akutmottagningen Sunderby sjukhus"]
    assert entry["phase"] == "needs_analysis" and entry["phase_label"] == {"sv": "Behovsanalys",
                                                                          "en": "Needs analysis"}
    assert entry["status"] == "active" and entry["status_label"] == {"sv": "Aktiv", "en": "Active"}
    assert entry["ai_act_category"] == "high_risk"
    assert entry["ai_act_category_label"] == {"sv": "Hög risk", "en": "High risk"}
    assert entry["oversight_role"] == "Verksamhetschef, Akutmottagningen"
    raw = response.get_data(as_text=True)
    for private in _private_strings(users):
        assert private not in raw, private
    assert f'"id":{register["public"]}' not in raw.replace(" ", "")


def test_the_opaque_id_is_stable_and_not_the_internal_one(client, register):
    first = client.get("/api/v1/public/solutions").get_json()["items"][0]["id"]
    assert first == client.get("/api/v1/public/solutions").get_json()["items"][0]["id"]
    assert first != str(register["public"])


def test_csv_open_data(client, users, register):
    response = client.get("/api/v1/public/solutions?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == CSV_HEADER and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["name"] == NEW_NAME and row["phase_sv"] == "Behovsanalys"
    assert row["ai_act_category_en"] == "High risk"
    assert row["oversight_role"] == "Verksamhetschef, Akutmottagningen"
    for private in _private_strings(users):
        assert private not in text, private
    by_accept = client.get("/api/v1/public/solutions", headers={"Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv" and by_accept.get_data(as_text=True) == text


def test_names_only_when_the_region_publishes_them(app, client, register):
    app.config["PUBLIC_SHOW_OVERSIGHT_NAMES"] = True
    entry = client.get("/api/v1/public/solutions").get_json()["items"][0]
    assert set(entry) == PUBLIC_KEYS | {"oversight_name"} and entry["oversight_name"] == "Åsa Öberg"
    header = next(csv.reader(io.StringIO(client.get("/api/v1/public/solutions?format=csv")
                                         .get_data(as_text=True).lstrip("\ufeff"))))
    assert header == CSV_HEADER + ["oversight_name"]
    assert "asa.oberg@region.example" not in anonymous_get(client, "/public").get_data(as_text=True)


def test_an_owner_with_an_account_shows_as_a_role_not_a_name(client, auth, users, register):
    from tests.reports.conftest import etag

    headers = auth(users["owner"])
    solution_id = register["public"]
    response = client.put(f"/api/v1/solutions/{solution_id}/oversight", json={
        "person": {"user_id": users["owner"].id}, "authority_to_suspend": True, "monitors": {},
    }, headers={**headers, "If-Match": etag(client, headers, solution_id)})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    entry = client.get("/api/v1/public/solutions").get_json()["items"][0]
    assert entry["oversight_role"] == "Tillsynsansvarig / Human-oversight owner"
    assert "Olga Owner" not in client.get("/api/v1/public/solutions").get_data(as_text=True)


def anonymous_get(client, url):
    """The tests share one app context, so `g` keeps Flask-Login's last user; a visitor has none."""
    from flask import g

    g.pop("_login_user", None)
    return client.get(url)


def test_public_page_in_swedish_and_english(client, users, register):
    swedish = anonymous_get(client, "/public")
    assert swedish.status_code == 200
    html = swedish.get_data(as_text=True)
    assert '<html lang="sv"' in html and "Offentlig förteckning över AI-lösningar" in html
    assert NEW_NAME in html and "Behovsanalys" in html and "Hög risk" in html
    assert "Verksamhetschef, Akutmottagningen" in html
    english = anonymous_get(client, "/public?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in english and "Public register of AI solutions" in english
    assert "Needs analysis" in english and "High risk" in english
    for page in (html, english):
        for private in _private_strings(users):
            if private != "@":
                assert private not in page, private
        assert not re.search(rf"/solutions/{register['public']}(?![0-9a-f])", page)
        assert "mailto:" not in page


def test_public_page_when_empty(client, users):
    html = anonymous_get(client, "/public").get_data(as_text=True)
    assert "Inga lösningar är publicerade ännu." in html


def test_public_list_pages(client, auth, users):
    for n in range(3):
        register_solution(client, auth, users["owner"], name=f"Lösning {n}")
    body = client.get("/api/v1/public/solutions?per_page=2&page=2").get_json()
    assert body["total"] == 3 and [e["name"] for e in body["items"]] == ["Lösning 2"]
    assert client.get("/api/v1/public/solutions?per_page=500").status_code == 422


def test_a_token_is_not_needed_but_does_no_harm(client, auth, users, register):
    with_token = client.get("/api/v1/public/solutions", headers=auth(users["admin"]))
    assert with_token.status_code == 200
    assert with_token.get_json() == client.get("/api/v1/public/solutions").get_json()
