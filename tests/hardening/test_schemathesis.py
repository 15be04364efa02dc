"""schemathesis against the app's own OpenAPI spec, authenticated: no 5xx, and every response
(errors included) matches the spec's status codes, content types and schemas."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ai_register.extensions import db

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(app, users, auth):
    app.config["RATELIMIT_ENABLED"] = False
    app.config["_SCHEMATHESIS_HEADERS"] = auth(users["compliance"])
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_spec(case, app):
    headers = dict(app.config["_SCHEMATHESIS_HEADERS"])
    if case.path == "/auth/token" or case.path.endswith("/auth/token"):
        headers = {}
    try:
        case.call_and_validate(headers=headers, checks=CHECKS)
    finally:
        db.session.rollback()
