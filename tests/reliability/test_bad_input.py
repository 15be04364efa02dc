"""Bad input is answered with 4xx and a clear message, and writes nothing: oversized bodies, wrong
content types, invalid UTF-8, deeply nested JSON, huge page sizes, injection strings, path traversal."""

from __future__ import annotations

import io
import json

import marshmallow as ma
import pytest
from sqlalchemy import func, select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.solutions.models import Solution
from ai_register.solutions.schemas import SolutionWriteSchema

from .conftest import BASE

VALID = {"name": "Triagestöd", "purpose": "Sorterar remisser."}
INJECTION = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>' OR '1'='1'; DROP TABLE solutions;--"


def counts() -> tuple[int, int]:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Solution)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)))


def assert_problem(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == response.status_code and body["detail"]
    return body


@pytest.fixture
def owner(users, auth):
    return auth(users["owner"])


def test_an_oversized_json_body_is_413(client, owner):
    before = counts()
    body = json.dumps({**VALID, "purpose": "x" * (1024 * 1024 + 10)})
    problem = assert_problem(client.post(BASE, data=body, content_type="application/json", headers=owner), 413)
    assert "KiB" in problem["detail"]
    assert counts() == before


def test_an_oversized_upload_is_413(app, client, owner):
    sid = client.post(BASE, json=VALID, headers=owner).get_json()["id"]
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    before = counts()
    data = {"type": "dpia", "title": "DPIA", "issued_on": "2026-01-10",
            "file": (io.BytesIO(b"%PDF-1.7\n" + b"0" * 20_000), "dpia.pdf")}
    response = client.post(f"{BASE}/{sid}/evidence", data=data, content_type="multipart/form-data", headers=owner)
    assert_problem(response, 413)
    assert counts() == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_wrong_content_type_is_refused(client, owner, content_type):
    before = counts()
    response = client.post(BASE, data=json.dumps(VALID), content_type=content_type, headers=owner)
    problem = assert_problem(response, 415)
    assert "application/json" in problem["detail"] and content_type in problem["detail"]
    assert counts() == before


def test_a_body_without_a_type_is_refused_but_no_body_is_no_body(client, owner, users, auth):
    response = client.post(BASE, data=json.dumps(VALID), headers={**owner, "Content-Type": ""})
    assert_problem(response, 415)
    # No body at all is read as no body: an endpoint whose body the spec requires names the missing body.
    sid = client.post(BASE, json=VALID, headers=owner).get_json()["id"]
    preview = client.post("/api/v1/classifications/preview", headers=owner)
    assert preview.status_code == 422 and "_body" in preview.get_json()["errors"]
    assert client.get(f"{BASE}/{sid}", headers=owner).status_code == 200


def test_invalid_utf8_is_400(client, owner):
    before = counts()
    body = b'{"name": "Triage\xff\xfe", "purpose": "x"}'
    assert_problem(client.post(BASE, data=body, content_type="application/json", headers=owner), 400)
    assert counts() == before


def test_malformed_json_is_400(client, owner):
    assert_problem(client.post(BASE, data='{"name": ', content_type="application/json", headers=owner), 400)


@pytest.mark.parametrize("depth", [200, 5_000, 100_000])
def test_deeply_nested_json_is_refused(client, owner, depth):
    before = counts()
    body = '{"name": "x", "purpose": ' + "[" * depth + "]" * depth + "}"
    response = client.post(BASE, data=body, content_type="application/json", headers=owner)
    assert_problem(response, 400, 413, 422)
    assert counts() == before


@pytest.mark.parametrize("query", ["per_page=100000000", "per_page=-1", "page=0", "page=99999999999999999999",
                                   "page=2147483648", "per_page=abc"])
def test_huge_or_wrong_page_sizes_are_422(client, users, auth, query):
    problem = assert_problem(client.get(f"{BASE}?{query}", headers=auth(users["compliance"])), 422)
    assert set(problem["errors"]) & {"page", "per_page"}


def _text_fields() -> dict[str, int]:
    """Every free-text field of a solution, with its maximum length."""
    fields = {}
    for name, field in SolutionWriteSchema().fields.items():
        if type(field) is not ma.fields.String or any(isinstance(v, ma.validate.OneOf) for v in field.validators):
            continue
        lengths = [v.max for v in field.validators if isinstance(v, ma.validate.Length) and v.max]
        fields[name] = min(lengths) if lengths else 10_000
    return fields


def test_injection_strings_in_every_text_field_are_stored_verbatim_and_shown_escaped(client, users, auth):
    owner = auth(users["owner"])
    fields = _text_fields()
    assert {"name", "purpose", "supplier", "need_statement"} <= set(fields)
    body = {name: INJECTION[:length] for name, length in fields.items()}
    body["care_units"] = body["tags"] = body["user_groups"] = [INJECTION[:100]]
    response = client.post(BASE, json=body, headers=owner)
    assert response.status_code == 201, response.get_json()
    stored = client.get(f"{BASE}/{response.get_json()['id']}", headers=owner).get_json()
    for name in [*fields, "care_units", "tags"]:
        assert stored[name] == body[name], name
    assert client.get(BASE, headers=owner).get_json()["total"] == 1  # the table is still there

    with client.session_transaction() as session:
        session["_user_id"] = str(users["owner"].id)
        session["_fresh"] = True
    for path in (f"/solutions/{stored['id']}", "/solutions"):
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert" in html, path


@pytest.mark.parametrize("filename", ["../../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf",
                                      "/etc/shadow.pdf", "....//....//x.pdf"])
def test_path_traversal_in_upload_filenames_stays_in_the_upload_directory(app, client, owner, filename, tmp_path):
    from pathlib import Path

    sid = client.post(BASE, json=VALID, headers=owner).get_json()["id"]
    data = {"type": "dpia", "title": "DPIA", "issued_on": "2026-01-10",
            "file": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), filename)}
    response = client.post(f"{BASE}/{sid}/evidence", data=data, content_type="multipart/form-data", headers=owner)
    if response.status_code >= 400:
        assert_problem(response, 400, 415, 422)
        return
    assert response.status_code == 201, response.get_json()
    shown = json.dumps(response.get_json())
    assert ".." not in shown.replace("...", "") and "/etc/" not in shown and "\\\\" not in shown
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files and all(root in p.resolve().parents for p in files)
    assert not (tmp_path.parent / "etc").exists()


def test_the_nesting_check_counts_depth_not_brackets():
    from ai_register.request_limits import MAX_JSON_DEPTH, json_nesting_exceeds

    wide = b"[" + b"[{}]," * 1000 + b"[]]"
    assert not json_nesting_exceeds(wide)
    assert not json_nesting_exceeds(b'{"q": "' + b"[" * 500 + b'\\" [[["}')  # brackets inside strings
    assert json_nesting_exceeds(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert not json_nesting_exceeds(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
