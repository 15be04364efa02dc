"""schemathesis against the app's own OpenAPI spec with every check, as every role (issue 19, item 10).

Each role (owner, compliance officer, auditor, admin, staff) runs two tests:

- per operation, the examples, coverage and fuzzing phases under every check schemathesis has (the
  CLI's `--checks all`): no 5xx; status codes, content types, headers and bodies as the spec declares
  them; invalid data refused; valid data accepted; a missing required header refused; an undeclared
  method answered 405 with a true `Allow`; authentication not ignored; a deleted resource gone; a
  created one readable;
- the stateful phase: schemathesis' state machine over the links it infers from the spec (the id a
  POST answers is fed to the reads, changes and actions of that resource), with the same checks.

Examples are few per operation and derandomized with a fixed seed, so a run repeats and its time is
known (the slow suite runs on PostgreSQL in CI). The coverage phase (boundary and invalid values of every
parameter and field: about 7,000 requests, 96% of a run) is off in CI for time and on with
AI_REGISTER_SCHEMATHESIS_COVERAGE=1; it then runs once per operation, as the first role that may call it
(compliance, owner, admin, auditor, staff; tests/hardening/test_authorization_matrix.py says who may): the
other roles meet the role check first.

Two rules of the register's that a JSON Schema cannot hold are told to schemathesis rather than left to
fail (everything else the code refuses is in the spec, and the checks hold it to that):

- `412` on a guarded write: the spec says If-Match must hold a version, not which version is current;
- `422` on the operations in DOMAIN_RULES: the refusal depends on other records or on several fields
  together, each named there. A schema-valid request to any other operation must be accepted.
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig

from ai_register.extensions import db
from tests.hardening.test_authorization_matrix import EXPECTED

pytestmark = pytest.mark.slow

ROLES = ("owner", "compliance", "auditor", "admin", "staff")
COVERAGE_ORDER = ("compliance", "owner", "admin", "auditor", "staff")  # who runs an operation's coverage
COVERAGE = os.environ.get("AI_REGISTER_SCHEMATHESIS_COVERAGE") == "1"
SEED = 19
MAX_EXAMPLES = 2
STATEFUL_SCENARIOS = 5
STATEFUL_STEPS = 6

# Schema-valid, refused with 422 by a rule over other records or several fields (the reason why).
DOMAIN_RULES = {
    "POST /api/v1/classifications/preview": "answers' question ids are the active rule set's",
    "POST /api/v1/solutions/{solution_id}/classifications": "answers' question ids are the active rule set's",
    "POST /api/v1/classifications/{classification_id}/override": "a category, a device class, or both",
    "POST /api/v1/deviations": "the solution chosen must be in pilot, rollout or management",
    "POST /api/v1/imports/solutions": "the file must be an .xlsx or .csv spreadsheet",
    "POST /api/v1/audit/verify": "each checkpoint must be signed by this register's key",
    "POST /api/v1/rulesets/impact": "a candidate must be a rule set installed on the server",
    "POST /api/v1/solutions/{solution_id}/evidence": "supersedes must name this solution's evidence",
    "POST /api/v1/solutions/{solution_id}/fria": "evidence ids must name this solution's evidence of the type",
    "PATCH /api/v1/fria/{fria_id}": "evidence ids must name this solution's evidence of the type",
    "POST /api/v1/solutions/{solution_id}/goals": "indicator_id must name an active common indicator",
    "PATCH /api/v1/solutions/{solution_id}/goals/{goal_id}": "indicator_id must name an active common indicator",
    "POST /api/v1/solutions/{solution_id}/reviews": "the next review comes after this one",
    "POST /api/v1/solutions/{solution_id}/trustworthy-assessment": "review_id must name this solution's review",
    "PUT /api/v1/solutions/{solution_id}/decommissioning-checklist": "each checklist item (by key) once",
    "PUT /api/v1/solutions/{solution_id}/oversight": "a person is a user account or a name, one of them",
    "PUT /api/v1/solutions/{solution_id}/rollout-plan": "each care unit (by name) once",
    "POST /api/v1/literacy-measures": "material_link must be an http(s) address with a host name",
    "POST /api/v1/solutions/{solution_id}/literacy-measures": "material_link must be an http(s) address with a "
                                                               "host name",
    "POST /api/v1/solutions/{solution_id}/informing": "link must be an http(s) address with a host name; a date "
                                                      "not in the future; workers come with the MBL negotiation",
    "POST /api/v1/solutions": "external_id is unique among solutions",
    "PATCH /api/v1/solutions/{solution_id}": "external_id is unique among solutions; a date not in the future; "
                                              "a linked solution's supplier names are the register's",
    "POST /api/v1/indicators": "code is unique among indicators",
    "PATCH /api/v1/indicators/{indicator_id}": "code is unique among indicators",
    "POST /api/v1/solutions/{solution_id}/goals/{goal_id}/measurements": "a date not in the future",
    "POST /api/v1/solutions/{solution_id}/incidents": "a time not in the future",
    # Supplier register (a21s)
    "POST /api/v1/suppliers": "a country outside the EU/EEA needs transfer_basis; org_number unique; country and "
                              "website real (ISO code, http(s) address with a host name)",
    "PATCH /api/v1/suppliers/{supplier_id}": "a country outside the EU/EEA needs transfer_basis; org_number unique; "
                                             "country and website real",
    "POST /api/v1/suppliers/{supplier_id}/products": "product and version once per supplier; a class needs its "
                                                     "regulation",
    "PATCH /api/v1/supplier-products/{product_id}": "product and version once per supplier; a class needs its "
                                                    "regulation",
    "POST /api/v1/suppliers/{supplier_id}/documents": "agreements belong to the supplier, other kinds to one of its "
                                                      "product versions; a CE certificate names its notified body and "
                                                      "last valid day; evidence the caller may read; a real link",
    "PATCH /api/v1/supplier-documents/{document_id}": "as when recorded; the product version stays; a withdrawal "
                                                      "needs its reason",
    "PUT /api/v1/solutions/{solution_id}/supplier": "the product version exists and the solution is not in-house",
    # Obligations, monitoring and informing (issue 21)
    "PATCH /api/v1/solutions/{solution_id}/obligations/{obligation_id}": "met names this solution's evidence or "
        "a record (a supplier document of its product version that fits the obligation); not applicable gives why",
    "POST /api/v1/solutions/{solution_id}/monitoring/metrics": "the threshold(s) the direction needs, the lower "
                                                               "below the upper",
    "PATCH /api/v1/monitoring/metrics/{metric_id}": "the threshold(s) the direction needs, the lower below the upper",
    "POST /api/v1/monitoring/metrics/{metric_id}/values": "a period not in the future; no personal identity number",
    "POST /api/v1/monitoring/assessments/{assessment_id}/decision": "an incident says what happened and the harm; "
                                                                    "not an incident says why; no identity numbers",
    "POST /api/v1/solutions/{solution_id}/log-retention": "at least six months unless legal_basis names the law",
    "POST /api/v1/solutions/{solution_id}/explanation-requests": "a date not in the future; no identity numbers",
    "PATCH /api/v1/explanation-requests/{request_id}": "answered not in the future nor before it was received",
    "PATCH /api/v1/incidents/{incident_id}": "a time not in the future; duties by their key",
    "GET /api/v1/solutions/{solution_id}/report": "as_of not in the future, nor before the solution existed",
}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "429"]


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def coverage_role(method: str, path: str) -> str:
    """The first role of COVERAGE_ORDER that may call the operation (public ones: compliance)."""
    allowed = next((roles for (m, rule), roles in EXPECTED.items() if m == method and _openapi_path(rule) == path),
                   frozenset())
    return next((role for role in COVERAGE_ORDER if role in allowed), "compliance")


def _operation_settings(role: str, operations: list[tuple[str, str]]) -> list[dict]:
    settings_ = []
    for method, path in operations:
        name = f"{method} {path}"
        entry = {}
        if name in DOMAIN_RULES:
            entry["checks"] = {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}}
        if COVERAGE and coverage_role(method, path) != role:
            entry["phases"] = {"coverage": {"enabled": False}}
        if entry:
            settings_.append({"include-name": name, **entry})
    return settings_


def _config(token: str, role: str, operations: list[tuple[str, str]]) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "seed": SEED,
        "headers": {"Authorization": f"Bearer {token}"},
        "checks": {"enabled": True, "positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        # Text with a NUL character is refused everywhere before anything else (400): not data for any field.
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "allow-x00": False},
        "phases": {"coverage": {"enabled": COVERAGE}},
        "operations": _operation_settings(role, operations),
    })


def _load(app, make_user, auth, role: str):
    app.config["RATELIMIT_ENABLED"] = False
    user = make_user(role, f"fuzz-{role}@region.example", name=f"Fuzz {role}")
    token = auth(user)["Authorization"].removeprefix("Bearer ")
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    operations = [(method.upper(), path) for path, item in paths.items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")]
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=_config(token, role, operations))


@pytest.fixture(params=ROLES)
def api_schema(request, app, make_user, auth):
    return _load(app, make_user, auth, request.param)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_spec(case):
    try:
        case.call_and_validate()
    finally:
        db.session.rollback()


@pytest.mark.parametrize("role", ROLES)
def test_stateful_sequences_conform(role, app, make_user, auth):
    machine = _load(app, make_user, auth, role).as_state_machine()

    class Machine(machine):
        def teardown(self):
            db.session.rollback()

    Machine.run(settings=settings(
        max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate]))


def test_every_domain_rule_names_an_operation_and_every_operation_has_its_coverage_role(client):
    """A renamed path must not silently widen what may be refused, nor lose its coverage phase."""
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]
    for name in DOMAIN_RULES:
        method, path = name.split(" ", 1)
        assert method.lower() in spec.get(path, {}), name
    for path, item in spec.items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                allowed = next((roles for (m, rule), roles in EXPECTED.items()
                                if m == method.upper() and _openapi_path(rule) == path), None)
                assert allowed is not None, f"{method.upper()} {path} is not in the authorisation matrix"
                assert coverage_role(method.upper(), path) in allowed | {"compliance"}
