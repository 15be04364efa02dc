"""The monitoring service owns its domain rules; the API's schema and the page's form only parse shapes.
Each rule moved out of the API schema answers alike through both doors: the API's 422 names the field with
its `code`, the page shows the same message beside the same field in the reader's language, the typed
values kept, nothing saved (issue 16)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from ai_register.extensions import db
from ai_register.monitoring.models import InformingRecord, LogRetention, MonitoringMetric, MonitoringValue
from tests.helpers import problem
from tests.webclient import text

OUTSIDE = "Must be between -1000000000000 and 1000000000000."
OUTSIDE_SV = "Måste vara mellan -1000000000000 och 1000000000000."
METRIC = {"name": "PPV vid larm", "kind": "positive_predictive_value", "direction": "higher_is_better",
          "frequency": "monthly"}


@pytest.fixture
def in_use(make_solution):
    return make_solution(phase="management")


def refused_alike(api_answer, page, field: str, english: str, swedish: str, form_field: str) -> None:
    """The API's problem names `field` with `english`; the page shows `swedish` beside `form_field`."""
    body = problem(api_answer, 422)
    assert (body["code"], body["errors"]) == ("invalid_input", {field: [english]})
    assert body["detail"] == f"Invalid input: {field}"
    assert page.status_code == 422
    beside = re.search(rf'<p class="error" id="{form_field}-error">([^<]*)</p>', text(page))
    assert beside is not None and beside.group(1) == swedish, text(page)[:3000]


def test_a_measured_number_is_bounded_and_rounded_by_the_service(api, web, in_use):
    path = f"/api/v1/solutions/{in_use.id}/monitoring/metrics"
    page_path = f"/solutions/{in_use.id}/monitoring/metrics"
    owner = web("owner")
    form = {f"metric-{k}": v for k, v in METRIC.items()}
    too_big = owner.post(page_path, {**form, "metric-lower_threshold": "2000000000000"})
    refused_alike(api.post("owner", path, json={**METRIC, "lower_threshold": "2000000000000"}), too_big,
                  "lower_threshold", OUTSIDE, OUTSIDE_SV, "metric-lower_threshold")
    assert 'value="2000000000000"' in text(too_big) and 'value="PPV vid larm"' in text(too_big)
    assert db.session.scalars(db.select(MonitoringMetric)).all() == []

    # Six decimals kept, from the API's JSON and from the page's Swedish decimal comma alike.
    created = api.post("owner", path, json={**METRIC, "lower_threshold": "0.12345678"})
    assert created.status_code == 201 and created.get_json()["lower_threshold"] == "0.123457"
    assert owner.post(page_path, {**form, "metric-name": "PPV 2", "metric-lower_threshold": "0,12345649"}
                      ).status_code == 302
    kept = {m.name: m.lower_threshold for m in db.session.scalars(db.select(MonitoringMetric))}
    assert kept == {"PPV vid larm": Decimal("0.123457"), "PPV 2": Decimal("0.123456")}

    metric_id = created.get_json()["id"]
    value_page = owner.post(f"/solutions/{in_use.id}/monitoring/values", {
        "value-metric_id": str(metric_id), "value-period_end": "2026-10-31", "value-value": "-2000000000000"})
    refused_alike(api.post("owner", f"/api/v1/monitoring/metrics/{metric_id}/values",
                           json={"period_end": "2026-10-31", "value": "-2000000000000"}), value_page,
                  "value", OUTSIDE, OUTSIDE_SV, "value-value")
    assert 'value="-2000000000000"' in text(value_page)
    assert db.session.scalars(db.select(MonitoringValue)).all() == []
    owner.language("en")
    english = owner.post(page_path, {**form, "metric-upper_threshold": "10000000000000", "metric-lower_threshold": "1"})
    assert f'id="metric-upper_threshold-error">{OUTSIDE}</p>' in text(english)


def test_log_retention_months_are_a_range_of_the_service(api, web, in_use):
    body = {"system": "LungTriage", "location": "Loggarkivet", "retention_months": 1201}
    message = "Must be greater than or equal to 1 and less than or equal to 1200."
    owner = web("owner")
    form = {"retention-system": "LungTriage", "retention-location": "Loggarkivet"}
    for months in (0, 1201):
        page = owner.post(f"/solutions/{in_use.id}/log-retention", {**form, "retention-retention_months": months})
        refused_alike(api.post("owner", f"/api/v1/solutions/{in_use.id}/log-retention",
                               json={**body, "retention_months": months}), page,
                      "retention_months", message, "Måste vara mellan 1 och 1200.", "retention-retention_months")
        assert f'value="{months}"' in text(page) and 'value="Loggarkivet"' in text(page)
    assert db.session.scalars(db.select(LogRetention)).all() == []
    saved = owner.post(f"/solutions/{in_use.id}/log-retention", {**form, "retention-retention_months": "1200"})
    assert saved.status_code == 302
    assert [r.retention_months for r in db.session.scalars(db.select(LogRetention))] == [1200]


def test_an_informing_link_is_a_web_address_by_the_services_rule(api, web, in_use):
    body = {"kind": "affected_persons", "informed_on": "2026-10-01", "audience": "Patienter på akuten",
            "how": "Anslag i väntrummet", "link": "ftp://intranat.region.se/ai"}
    owner = web("owner")
    form = {f"informing-{k}": v for k, v in body.items()}
    page = owner.post(f"/solutions/{in_use.id}/informing", form)
    refused_alike(api.post("owner", f"/api/v1/solutions/{in_use.id}/informing", json=body), page,
                  "link", "Not a valid URL.", "Inte en giltig webbadress.", "informing-link")
    assert 'value="ftp://intranat.region.se/ai"' in text(page) and "Anslag i väntrummet" in text(page)
    assert db.session.scalars(db.select(InformingRecord)).all() == []
    good = "https://intranat.region.se/ai"
    assert api.post("owner", f"/api/v1/solutions/{in_use.id}/informing", json={**body, "link": good}
                    ).status_code == 201
    assert owner.post(f"/solutions/{in_use.id}/informing", {**form, "informing-link": good}).status_code == 302
    assert [r.link for r in db.session.scalars(db.select(InformingRecord))] == [good, good]
