"""JSON that parses but cannot be used is refused at the door with 400 problem+json, before sign-in
too (issue 19, item 4): lone UTF-16 surrogates and integers beyond Python's conversion limit."""

from __future__ import annotations

import pytest

from ai_register.request_limits import unusable_json

BIG = "7" * 4301


@pytest.mark.parametrize("body", [
    '{"email": "a\\ud800@x.example", "password": "whatever-123"}',
    '{"email": "a@x.example", "password": "\\udfff"}',
    '{"\\ud800": 1, "email": "a@x.example", "password": "p"}',
    '{"email": "a@x.example", "password": ' + BIG + "}",
])
def test_sign_in_with_unusable_json_is_a_400_problem(client, body):
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    detail = response.get_json()["detail"]
    assert "surrogate" in detail or "4300 digits" in detail


@pytest.mark.parametrize("method,path,body", [
    ("POST", "/api/v1/solutions", '{"name": "x\\udc00y", "purpose": "p"}'),
    ("POST", "/api/v1/solutions", '{"name": "x", "purpose": "p", "confidentiality": ' + BIG + "}"),
    ("POST", "/api/v1/classifications/preview", '{"answers": {"ai_system": ["\\ud83d"]}}'),
    ("PATCH", "/api/v1/solutions/1", '{"name": "\\ud800"}'),
])
def test_any_json_body_with_a_lone_surrogate_or_a_huge_integer_is_a_400(client, users, auth, method, path, body):
    response = client.open(path, method=method, data=body, content_type="application/json",
                           headers=auth(users["compliance"], **{"If-Match": '"1"'}))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_a_surrogate_pair_is_text_and_passes(client, users, auth):
    response = client.post("/api/v1/solutions", data='{"name": "Bild \\ud83d\\ude00", "purpose": "p"}',
                           content_type="application/json", headers=auth(users["compliance"]))
    assert response.status_code == 201
    assert response.get_json()["name"] == "Bild \U0001F600"


def test_the_check_leaves_malformed_json_to_the_parsers():
    assert unusable_json(b"{not json") is None
    assert unusable_json(b"") is None
    assert unusable_json(b'{"n": ' + b"9" * 4300 + b"}") is None
    assert unusable_json(b'"\xff"') == "The JSON body is not valid UTF-8."
