"""schemathesis on the portfolio endpoints only (the whole API runs in tests/hardening): no 5xx, and
every response matches the spec's status codes, content types and schemas."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from ai_register.extensions import db
from tests.hardening.test_schemathesis import CHECKS

pytestmark = pytest.mark.slow


@pytest.fixture
def portfolio_schema(app, users, auth, indicator_ids):
    app.config["RATELIMIT_ENABLED"] = False
    app.config["_SCHEMATHESIS_HEADERS"] = auth(users["compliance"])
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(
        path_regex="^/api/v1/(portfolio|indicators|solutions/\\{solution_id\\}/trustworthy)")


schema = schemathesis.pytest.from_fixture("portfolio_schema")


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_portfolio_api_conforms_to_its_spec(case, app):
    try:
        case.call_and_validate(headers=dict(app.config["_SCHEMATHESIS_HEADERS"]), checks=CHECKS)
    finally:
        db.session.rollback()
