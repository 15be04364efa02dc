"""Monitoring in operation (Art 26(5), (6)): metrics and thresholds, values, the breach's assessment by the
oversight owner (incident → deviation with its clocks from the decision, or not with a reason), log
retention (issue 21)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ai_register.extensions import db
from ai_register.incidents.models import Deviation, Incident
from ai_register.monitoring import rules
from ai_register.monitoring.models import MonitoringAssessment
from ai_register.notifications.models import Notification
from ai_register.oversight.models import OversightAssignment
from ai_register.solutions.services import region_today

SENSITIVITY = {"name": "Sensitivitet för pneumothorax", "kind": "sensitivity", "unit": "%",
               "direction": "higher_is_better", "lower_threshold": "90", "frequency": "monthly"}


# --------------------------------------------------------------------------- pure rules


def test_breach_thresholds():
    assert rules.breach(Decimal("89.9"), Decimal(90), None) == rules.BELOW
    assert rules.breach(Decimal(90), Decimal(90), None) is None  # the threshold itself is within
    assert rules.breach(Decimal("12.5"), None, Decimal(12)) == rules.ABOVE
    assert rules.threshold_errors("higher_is_better", None, Decimal(1)) == {
        "lower_threshold": ["Give the lower threshold: a value below it is a breach."]}
    assert "upper_threshold" in rules.threshold_errors("within_range", Decimal(5), Decimal(2))


def test_retention_rule_follows_art_26_6():
    assert rules.retention_errors(6, None) == {}
    assert "retention_months" in rules.retention_errors(5, None)
    assert "retention_months" in rules.retention_errors(5, "  ")
    assert rules.retention_errors(3, "Patientdatalagen 4 kap. … (kortare gallring)") == {}


def test_personal_identity_numbers_are_recognised():
    assert rules.has_personal_number("Patienten 19121212-1212 frågade")
    assert rules.has_personal_number("pnr 121212-1212")
    assert rules.has_personal_number("samordningsnr 701063-2391")
    assert not rules.has_personal_number("Ärende 2026-1234 om 12 fall")
    assert not rules.has_personal_number("121212-1213")  # wrong check digit


# --------------------------------------------------------------------------- API


@pytest.fixture
def in_use(make_solution, users):
    solution = make_solution(phase="management")
    db.session.add(OversightAssignment(solution_id=solution.id, user_id=users["owner2"].id,
                                       authority_to_suspend=True, accepted_on=date(2026, 1, 10),
                                       created_by_id=users["compliance"].id))
    db.session.commit()
    return solution


def _metric(api, solution, **changes):
    created = api.post("owner", f"/api/v1/solutions/{solution.id}/monitoring/metrics", json={**SENSITIVITY, **changes})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def _value(api, metric, value, who="owner", period_end="2026-11-30"):
    return api.post(who, f"/api/v1/monitoring/metrics/{metric['id']}/values",
                    json={"period_end": period_end, "value": value})


def test_metrics_roles_validation_and_if_match(api, in_use, make_solution):
    path = f"/api/v1/solutions/{in_use.id}/monitoring/metrics"
    assert api.post("auditor", path, json=SENSITIVITY).status_code == 403
    assert api.post("admin", path, json=SENSITIVITY).status_code in (403, 404)
    bad = api.post("owner", path, json={**SENSITIVITY, "lower_threshold": None, "kind": "magic"})
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]
    no_threshold = api.post("owner", path, json={**SENSITIVITY, "lower_threshold": None})
    assert no_threshold.status_code == 422
    assert "lower_threshold" in no_threshold.get_json()["errors"]
    crossed = api.post("owner", path, json={**SENSITIVITY, "direction": "within_range", "upper_threshold": "80"})
    assert crossed.status_code == 422 and "upper_threshold" in crossed.get_json()["errors"]
    metric = _metric(api, in_use)
    assert metric["lower_threshold"] == "90" and metric["created_by"] == "Olga Owner"
    other = make_solution(name="Annan", owner=api.users["compliance"], phase="management")
    assert api.get("owner", f"/api/v1/solutions/{other.id}/monitoring/metrics").status_code == 404
    listed = api.get("auditor", path).get_json()
    assert listed["total"] == 1

    one = f"/api/v1/monitoring/metrics/{metric['id']}"
    assert api.patch("owner", one, json={"lower_threshold": "85"}).status_code == 428
    assert api.patch("owner", one, json={"lower_threshold": "85"}, headers={"If-Match": '"99"'}).status_code == 412
    changed = api.patch_current("owner", one, json={"lower_threshold": "85", "reason": "Leverantörens nya IFU"})
    assert changed.status_code == 200 and changed.get_json()["lower_threshold"] == "85"
    assert api.patch_current("auditor", one, json={"active": False}).status_code == 403
    retired = api.patch_current("compliance", one, json={"active": False})
    assert retired.status_code == 200 and retired.get_json()["active"] is False
    assert _value(api, metric, 80).status_code == 409


def test_values_only_in_use_and_not_in_the_future(api, make_solution):
    planned = make_solution(phase="needs_analysis")
    metric = _metric(api, planned)
    refused = _value(api, metric, 95)
    assert refused.status_code == 409 and refused.get_json()["code"] == "conflict"
    planned.phase = "pilot"
    db.session.commit()
    future = _value(api, metric, 95, period_end=(date.today() + timedelta(days=3)).isoformat())
    assert future.status_code == 422 and "period_end" in future.get_json()["errors"]
    ok = _value(api, metric, "95.5")
    assert ok.status_code == 201 and ok.get_json()["breach"] is None and ok.get_json()["assessment_id"] is None
    assert ok.get_json()["reported_by"] == "Olga Owner"


def test_breach_opens_assessment_and_incident_decision_creates_the_deviation(api, in_use, users):
    metric = _metric(api, in_use)
    assert _value(api, metric, 93, period_end="2026-10-31").status_code == 201
    breach = _value(api, metric, "87.5")
    assert breach.status_code == 201, breach.get_json()
    body = breach.get_json()
    assert body["breach"] == "below" and body["lower_threshold"] == "90"
    aid = body["assessment_id"]
    notified = {n.user_id for n in db.session.scalars(db.select(Notification).where(
        Notification.kind == "monitoring_breach"))}
    assert notified == {users["owner"].id, users["owner2"].id}  # oversight owner with the AI owner

    one = f"/api/v1/monitoring/assessments/{aid}"
    assessment = api.get("owner2", one)  # the oversight owner sees it though not an owner of the solution
    assert assessment.status_code == 200 and assessment.get_json()["status"] == "open"
    assert assessment.get_json()["due_on"] == (region_today() + timedelta(days=5)).isoformat()
    decide = f"{one}/decision"
    incident_body = {"decision": "incident", "what_happened": "Sensitiviteten föll under 90 % i november.",
                     "patient_harm": "unknown"}
    assert api.post("owner2", decide, json=incident_body).status_code == 428
    # The AI owner is not the oversight owner: refused with the reason.
    refused = api.post("owner", decide, json=incident_body, headers=api.if_match("owner", one))
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_oversight_owner"
    missing = api.post("owner2", decide, json={"decision": "incident"}, headers=api.if_match("owner2", one))
    assert missing.status_code == 422 and {"what_happened", "patient_harm"} <= set(missing.get_json()["errors"])
    before = datetime.now(UTC)
    decided = api.post("owner2", decide, json=incident_body, headers=api.if_match("owner2", one))
    assert decided.status_code == 200, decided.get_json()
    result = decided.get_json()
    assert result["status"] == "incident" and result["decided_by"] == "Otto Owner"
    deviation = db.session.get(Deviation, result["deviation_id"])
    incident = db.session.get(Incident, result["incident_id"])
    assert deviation.incident_id == incident.id and deviation.reported_by_id == users["owner2"].id
    aware = incident.became_aware_at.replace(tzinfo=incident.became_aware_at.tzinfo or UTC)
    assert aware >= before - timedelta(seconds=1)  # the legal clocks run from the decision
    assert incident.duties, "the incident's duties are computed"
    again = api.post("owner2", decide, json=incident_body, headers=api.if_match("owner2", one))
    assert again.status_code == 409
    incidents = api.get("owner", f"/api/v1/solutions/{in_use.id}/incidents").get_json()
    assert [i["id"] for i in incidents["items"]] == [incident.id]


def test_not_an_incident_needs_the_reason_and_overdue_assessments_are_listed(api, in_use, users):
    metric = _metric(api, in_use, direction="lower_is_better", name="Larmfrekvens", kind="alert_rate",
                     lower_threshold=None, upper_threshold="12")
    aid = _value(api, metric, 15).get_json()["assessment_id"]
    row = db.session.get(MonitoringAssessment, aid)
    row.due_on = date(2026, 1, 1)
    db.session.commit()
    overdue = api.get("compliance", "/api/v1/monitoring/assessments?overdue=true").get_json()
    assert [a["id"] for a in overdue["items"]] == [aid] and overdue["items"][0]["overdue"] is True
    assert api.get("owner2", "/api/v1/monitoring/assessments?overdue=true").get_json()["total"] == 1
    one = f"/api/v1/monitoring/assessments/{aid}"
    no_reason = api.post("owner2", f"{one}/decision", json={"decision": "not_incident", "reason": " "},
                         headers=api.if_match("owner2", one))
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    # Compliance may record the oversight owner's decision.
    done = api.post("compliance", f"{one}/decision", json={
        "decision": "not_incident", "reason": "Influensasäsong: fler larm väntade, inga missade fynd."},
        headers=api.if_match("compliance", one))
    assert done.status_code == 200 and done.get_json()["deviation_id"] is None
    assert api.get("compliance", "/api/v1/monitoring/assessments?overdue=true").get_json()["total"] == 0
    assert db.session.scalar(db.select(db.func.count(Deviation.id))) == 0


def test_an_oversight_owner_with_the_staff_role_opens_and_decides_their_assessment(api, make_solution, make_user,
                                                                                   users):
    """A clinician named oversight owner may sign in as staff: they open and decide the breach's assessment;
    another member of staff sees nothing of it."""
    clinician = make_user("staff", "kliniker@region.example", name="Klara Kliniker")
    other = make_user("staff", "annan@region.example")
    solution = make_solution(phase="pilot")
    # Named while the account had the owner role; single sign-on later mapped it to staff.
    db.session.add(OversightAssignment(solution_id=solution.id, user_id=clinician.id, authority_to_suspend=True,
                                       accepted_on=date(2026, 1, 10), created_by_id=users["compliance"].id))
    db.session.commit()
    metric = _metric(api, solution)
    aid = _value(api, metric, "80").get_json()["assessment_id"]
    assert db.session.get(MonitoringAssessment, aid).assignee_id == clinician.id
    one = f"/api/v1/monitoring/assessments/{aid}"
    mine = api.get(clinician, one)
    assert mine.status_code == 200 and mine.get_json()["assignee"] == "Klara Kliniker"
    assert [a["id"] for a in api.get(clinician, "/api/v1/monitoring/assessments").get_json()["items"]] == [aid]
    assert api.get(other, one).status_code == 404
    assert api.get(other, "/api/v1/monitoring/assessments").get_json()["total"] == 0
    body = {"decision": "incident", "what_happened": "Sensitiviteten föll till 80 %.", "patient_harm": "no"}
    assert api.post(other, f"{one}/decision", json=body, headers={"If-Match": '"1"'}).status_code == 404
    # Staff still read no solution: the list of the solution's assessments stays closed to them.
    closed = api.get(clinician, f"/api/v1/solutions/{solution.id}/monitoring/assessments")
    assert closed.status_code == 403 and closed.get_json()["code"] == "role"
    decided = api.post(clinician, f"{one}/decision", json=body, headers=api.if_match(clinician, one))
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["status"] == "incident" and decided.get_json()["decided_by"] == "Klara Kliniker"
    deviation = db.session.get(Deviation, decided.get_json()["deviation_id"])
    assert deviation.reported_by_id == clinician.id and deviation.incident_id


def test_log_retention_at_least_six_months_unless_the_law_says_otherwise(api, in_use):
    path = f"/api/v1/solutions/{in_use.id}/log-retention"
    body = {"system": "LungTriage", "location": "Regionens loggarkiv (Splunk), index ai-lungtriage",
            "retention_months": 4}
    short = api.post("owner", path, json=body)
    assert short.status_code == 422 and "retention_months" in short.get_json()["errors"]
    assert api.post("owner", path, json={**body, "system": " "}).status_code == 422
    with_basis = api.post("owner", path, json={**body, "legal_basis": "Lag (2099:1) om kortare gallring, 3 §"})
    assert with_basis.status_code == 201
    assert api.post("auditor", path, json={**body, "retention_months": 12}).status_code == 403
    assert api.post("owner", path, json={**body, "retention_months": 12}).status_code == 201
    listed = api.get("auditor", path).get_json()
    assert [r["retention_months"] for r in listed["items"]] == [12, 4]


def test_report_pdf_and_bundle_hold_monitoring_and_informing(api, users, tmp_path):
    import io
    import json
    import subprocess
    import zipfile

    from ai_register.solutions.models import Solution

    # Registered through the API, so the trail holds the solution and the report can be replayed.
    created = api.post("owner", "/api/v1/solutions", json={"name": "Röntgentriage", "purpose": "Sorterar bilder."})
    assert created.status_code == 201, created.get_json()
    in_use = db.session.get(Solution, created.get_json()["id"])
    in_use.phase = "management"
    db.session.add(OversightAssignment(solution_id=in_use.id, user_id=users["owner2"].id,
                                       authority_to_suspend=True, accepted_on=date(2026, 1, 10),
                                       created_by_id=users["compliance"].id))
    db.session.commit()
    metric = _metric(api, in_use)
    assert _value(api, metric, 93, period_end="2026-10-31").status_code == 201
    before_breach = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    aid = _value(api, metric, "87.5").get_json()["assessment_id"]
    one = f"/api/v1/monitoring/assessments/{aid}"
    assert api.post("owner2", f"{one}/decision", json={"decision": "incident", "patient_harm": "no",
                                                       "what_happened": "Sensitiviteten föll."},
                    headers=api.if_match("owner2", one)).status_code == 200
    assert api.post("owner", f"/api/v1/solutions/{in_use.id}/log-retention", json={
        "system": "LungTriage", "location": "Loggarkivet", "retention_months": 12}).status_code == 201
    assert api.post("owner", f"/api/v1/solutions/{in_use.id}/informing", json={
        "kind": "workers", "informed_on": "2026-10-01", "audience": "Röntgensjuksköterskor", "how": "APT",
        "negotiated_on": "2026-09-20", "negotiation_parties": "Regionen, Vårdförbundet",
        "negotiation_outcome": "agreed"}).status_code == 201
    report = api.get("auditor", f"/api/v1/solutions/{in_use.id}/report").get_json()
    held = report["monitoring"]
    assert [m["name"] for m in held["metrics"]] == [SENSITIVITY["name"]]
    assert [v["breach"] for v in held["breaches"]] == ["below"] and len(held["values"]) == 2
    assert held["assessments"][0]["status"] == "incident" and held["assessments"][0]["decided_by"]["name"]
    assert held["log_retention"][0]["retention_months"] == 12
    assert held["informing"][0]["negotiation_outcome"] == "agreed"
    # As it was before the breach: replayed from the trail.
    earlier = api.get("auditor", f"/api/v1/solutions/{in_use.id}/report?as_of={before_breach}").get_json()
    assert len(earlier["monitoring"]["values"]) == 1 and earlier["monitoring"]["assessments"] == []
    pdf = api.get("auditor", f"/api/v1/solutions/{in_use.id}/report?format=pdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Övervakning i drift och information till berörda" in text and "Mått och gränsvärden" in text
    assert "Loggsparande (artikel 26(6))" in text and "Enighet" in text and "under det nedre" in text
    assert "87,5" in text and "87.500000" not in text
    bundle = api.get("auditor", f"/api/v1/solutions/{in_use.id}/bundle")
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".json") and "report" in n)
        assert json.loads(archive.read(name))["monitoring"]["assessments"][0]["incident_id"]


def test_a_metric_carries_the_providers_stated_value_from_the_instructions_for_use(app, api, in_use, web_login, users,
                                                                                   tmp_path):
    """The provider's stated performance (Art 13(3)(b)(ii)), from the IFU of the product version the solution
    uses, beside the region's threshold: API, page and chart, report."""
    import subprocess

    supplier = api.post("compliance", "/api/v1/suppliers", json={"name": "Nordic Imaging AI AB"}).get_json()
    product = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/products",
                       json={"product": "LungTriage", "product_version": "3.2"}).get_json()
    older = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/products",
                     json={"product": "LungTriage", "product_version": "3.1"}).get_json()

    def document(product_id, kind, title):
        return api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/documents", json={
            "kind": kind, "title": title, "product_id": product_id, "issued_on": "2026-01-15"}).get_json()

    ifu = document(product["id"], "instructions_for_use", "Bruksanvisning LungTriage 3.2")
    doc = document(product["id"], "declaration_of_conformity", "EU-försäkran LungTriage 3.2")
    old_ifu = document(older["id"], "instructions_for_use", "Bruksanvisning LungTriage 3.1")
    path = f"/api/v1/solutions/{in_use.id}/monitoring/metrics"
    stated = {**SENSITIVITY, "stated_value": "95", "stated_reference": "avsnitt 7.2, tabell 3"}
    unlinked = api.post("owner", path, json={**stated, "stated_document_id": ifu["id"]})
    assert unlinked.status_code == 422 and "stated_document_id" in unlinked.get_json()["errors"]
    assert api.put("owner", f"/api/v1/solutions/{in_use.id}/supplier", json={"product_id": product["id"]},
                   headers={"If-Match": '"0"'}).status_code == 200
    for wrong in ({}, {"stated_document_id": doc["id"]}, {"stated_document_id": old_ifu["id"]}):
        refused = api.post("owner", path, json={**stated, **wrong})
        assert refused.status_code == 422 and "stated_document_id" in refused.get_json()["errors"], wrong
    no_value = api.post("owner", path, json={**SENSITIVITY, "stated_document_id": ifu["id"]})
    assert no_value.status_code == 422 and "stated_value" in no_value.get_json()["errors"]
    created = api.post("owner", path, json={**stated, "stated_document_id": ifu["id"]})
    assert created.status_code == 201, created.get_json()
    metric = created.get_json()
    assert (metric["stated_value"], metric["stated_document"]) == ("95", "Bruksanvisning LungTriage 3.2")
    one = f"/api/v1/monitoring/metrics/{metric['id']}"
    changed = api.patch("owner", one, json={"stated_value": "94.5"}, headers=api.if_match("owner", one))
    assert changed.status_code == 200 and changed.get_json()["stated_value"] == "94.5"
    assert _value(api, metric, "92.1").status_code == 201

    page = web_login(app.test_client(), users["owner"]).get(f"/solutions/{in_use.id}/monitoring")
    text = page.get_data(as_text=True)
    assert "Leverantören anger 94,5 % i Bruksanvisning LungTriage 3.2 (avsnitt 7.2, tabell 3)" in text
    assert 'data-test="stated-line"' in text and "leverantörens angivna värde 94,5" in text
    report = api.get("auditor", f"/api/v1/solutions/{in_use.id}/report")
    assert report.status_code == 200, report.get_json()
    held = report.get_json()["monitoring"]["metrics"][0]
    assert held["stated_document_id"] == ifu["id"] and float(held["stated_value"]) == 94.5
    pdf = api.get("auditor", f"/api/v1/solutions/{in_use.id}/report?format=pdf&lang=sv")
    (tmp_path / "r.pdf").write_bytes(pdf.data)
    printed = " ".join(subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                                      check=True).stdout.split())
    assert "leverantören anger 94,5" in printed
