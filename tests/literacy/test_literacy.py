"""AI literacy (AI Act Art 4) measures, and the region-policy rule at the rollout gate (issue 21)."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.literacy.models import LiteracyMeasure
from ai_register.literacy.rules import MeasureFact, unreached_units
from ai_register.solutions.gate_facts import build_gate_facts, gate_settings
from ai_register.solutions.lifecycle.facts import ClassificationFact, GateFacts, GateSettings, RolloutUnitFact
from ai_register.solutions.lifecycle.gates import check_gate
from tests.answers import HIGH_RISK, MINIMAL
from tests.webclient import field_error

UNITS = ("Röntgen Sunderbyn", "Röntgen Gällivare")


def test_units_reached_by_measures_held_in_time():
    on = date(2027, 3, 1)
    measures = [MeasureFact(date(2027, 1, 10), frozenset({"röntgen sunderbyn "}))]
    assert unreached_units(UNITS, measures, on) == ["Röntgen Gällivare"]
    assert unreached_units(UNITS, [*measures, MeasureFact(date(2027, 4, 1), frozenset({"Röntgen Gällivare"}))],
                           on) == ["Röntgen Gällivare"]
    assert unreached_units(UNITS, [MeasureFact(date(2027, 1, 1), region_wide=True)], on) == []


def test_the_policy_rule_is_labelled_and_only_for_high_risk():
    on = date(2027, 3, 1)
    policy = GateSettings(require_literacy_for_high_risk_rollout=True)
    units = tuple(RolloutUnitFact(u, date(2027, 1, 1)) for u in UNITS)
    high = GateFacts(classification=ClassificationFact("high_risk", routes={"annex_iii_5a"}), rollout_units=units)
    unmet = [u for u in check_gate_codes(high, on, policy) if u.code == "policy_literacy_missing"]
    assert len(unmet) == 1 and unmet[0].details == {"policy": True, "units": list(UNITS)}
    assert unmet[0].message.startswith("Region policy")
    assert not [u for u in check_gate_codes(high, on, GateSettings()) if u.code == "policy_literacy_missing"]
    minimal = GateFacts(classification=ClassificationFact("minimal_risk"), rollout_units=units)
    assert not [u for u in check_gate_codes(minimal, on, policy) if u.code == "policy_literacy_missing"]
    reached = GateFacts(classification=high.classification, rollout_units=units,
                        literacy_measures=(MeasureFact(date(2027, 2, 1), frozenset(UNITS)),))
    assert not [u for u in check_gate_codes(reached, on, policy) if u.code == "policy_literacy_missing"]


def check_gate_codes(facts, on, settings):
    from ai_register.solutions.lifecycle.phases import Phase

    return check_gate(Phase.ROLLOUT, facts, on, settings)


def test_measures_per_solution_and_region_wide(app, api, solution, make_solution, make_user, users):
    body = {"kind": "training", "title": "Introduktion till LungTriage", "user_groups": ["Röntgenläkare"],
            "care_units": ["Röntgen Sunderbyn", " Röntgen Sunderbyn "], "held_on": "2026-11-20", "reached": 14}
    created = api.post("owner", f"/api/v1/solutions/{solution.id}/literacy-measures", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["care_units"] == ["Röntgen Sunderbyn"]
    bad = api.post("owner", f"/api/v1/solutions/{solution.id}/literacy-measures", json={**body, "kind": "poster"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"kind"}
    bad_link = api.post("owner", f"/api/v1/solutions/{solution.id}/literacy-measures",
                        json={**body, "material_link": "javascript:alert(1)"})
    assert bad_link.status_code == 422 and bad_link.get_json()["code"] == "invalid_input"
    assert bad_link.get_json()["errors"] == {"material_link": ["Not a valid URL."]}
    other = make_solution(name="Annat")
    foreign = Evidence(solution_id=other.id, type="other", title="Annan lösnings material", issued_on=date(2026, 1, 1),
                       created_by_id=solution.owner_id)
    db.session.add(foreign)
    db.session.commit()
    refused = api.post("owner", f"/api/v1/solutions/{solution.id}/literacy-measures",
                       json={**body, "material_evidence_id": foreign.id})
    assert refused.status_code == 422 and "material_evidence_id" in refused.get_json()["errors"]
    assert api.post("owner", "/api/v1/literacy-measures", json=body).status_code == 403
    region = api.post("compliance", "/api/v1/literacy-measures",
                      json={"kind": "instructions", "title": "Regionens AI-introduktion för all personal",
                            "held_on": "2026-09-01", "reached": 5200})
    assert region.status_code == 201 and region.get_json()["solution_id"] is None
    listed = api.get("auditor", f"/api/v1/solutions/{solution.id}/literacy-measures").get_json()
    assert listed["total"] == 2 and {i["solution_id"] for i in listed["items"]} == {solution.id, None}
    assert api.get("auditor", "/api/v1/literacy-measures").get_json()["total"] == 1
    # The traceability report lists the region-wide measure beside the solution's own (it reaches its staff
    # too), now and as it stood before it was recorded (replayed from its own events).
    report = api.get("auditor", f"/api/v1/solutions/{solution.id}/report")
    assert report.status_code == 200, report.get_json()
    held = report.get_json()["literacy"]
    assert [(m["title"], m["solution_id"]) for m in held] == [("Introduktion till LungTriage", solution.id), (
        "Regionens AI-introduktion för all personal", None)]
    assert held[1]["created_by"]["name"] == users["compliance"].display_name
    traced = api.post("owner", "/api/v1/solutions", json={"name": "Spårad", "purpose": "Registrerad via API."})
    assert traced.status_code == 201, traced.get_json()
    mark = db.session.scalar(db.select(db.func.max(AuditEvent.occurred_at)))
    assert api.post("compliance", "/api/v1/literacy-measures", json={
        "kind": "training", "title": "Fördjupning om automationsbias", "held_on": "2026-11-01"}).status_code == 201
    path = f"/api/v1/solutions/{traced.get_json()['id']}/report"
    assert [m["title"] for m in api.get("auditor", path).get_json()["literacy"]] == [
        "Regionens AI-introduktion för all personal", "Fördjupning om automationsbias"]
    as_of = (mark.replace(tzinfo=mark.tzinfo or UTC) + timedelta(microseconds=1)).isoformat().replace("+00:00", "Z")
    earlier = api.get("auditor", path, query_string={"as_of": as_of})
    assert earlier.status_code == 200, earlier.get_json()
    assert [m["title"] for m in earlier.get_json()["literacy"]] == ["Regionens AI-introduktion för all personal"]
    stranger = make_user("owner", email="annan@region.example")
    assert api.get(stranger, f"/api/v1/solutions/{solution.id}/literacy-measures").status_code == 404


def test_the_gate_reads_the_measures(app, api, solution, classify):
    classify(solution, HIGH_RISK)
    assert gate_settings().require_literacy_for_high_risk_rollout is True
    api.post("owner", f"/api/v1/solutions/{solution.id}/literacy-measures",
             json={"kind": "supervised_start", "title": "Handledd start", "care_units": ["Akuten"],
                   "held_on": "2026-10-01"})
    facts = build_gate_facts(solution, on=date(2027, 1, 1))
    assert facts.literacy_measures == (MeasureFact(date(2026, 10, 1), frozenset({"Akuten"})),)
    app.config["LITERACY_ROLLOUT_POLICY"] = False
    assert gate_settings().require_literacy_for_high_risk_rollout is False
    assert MINIMAL  # the rule does not apply below high risk (see the pure test)


def test_literacy_pages_in_swedish(app, web_login, users, solution):
    app.config["WTF_CSRF_ENABLED"] = False
    owner = web_login(app.test_client(), users["owner"])
    page = owner.get(f"/solutions/{solution.id}/literacy")
    assert page.status_code == 200 and "AI-kunnighet" in page.get_data(as_text=True)
    refused = owner.post(f"/solutions/{solution.id}/literacy", data={"kind": "training", "title": "Kurs X",
                                                                     "held_on": ""})
    assert refused.status_code == 422 and "Kurs X" in refused.get_data(as_text=True)
    saved = owner.post(f"/solutions/{solution.id}/literacy",
                       data={"kind": "training", "title": "Kurs X", "held_on": "2026-11-01",
                             "care_units": "Akuten\nAVA", "reached": "12"})
    assert saved.status_code == 302
    listing = owner.get(f"/solutions/{solution.id}/literacy").get_data(as_text=True)
    assert "Kurs X" in listing and "Akuten, AVA" in listing and "Utbildning" in listing
    region = owner.get("/literacy")
    assert region.status_code == 200 and "Spara åtgärden" not in region.get_data(as_text=True)
    assert owner.post("/literacy", data={"kind": "training", "title": "Y", "held_on": "2026-11-01"}).status_code == 403


def test_the_literacy_form_parses_the_shapes_and_hands_its_values_to_the_service(app, web_login, users, solution):
    """The form checks the lists' shape as the API's schema does; what it parsed goes to the service, whose rule
    for the link (an http(s) address, addresses.py) the page and the API share."""
    app.config["WTF_CSRF_ENABLED"] = False
    owner = web_login(app.test_client(), users["owner"])
    url = f"/solutions/{solution.id}/literacy"
    base = {"kind": "instructions", "title": "Lathund", "held_on": "2026-11-02"}
    too_long = owner.post(url, data={**base, "care_units": "Akuten\n" + "x" * 201})
    assert too_long.status_code == 422
    assert "Högst 100 namn, ett per rad, vart och ett högst 200 tecken." in too_long.get_data(as_text=True)
    refused = owner.post(url, data={**base, "material_link": "ftp://intra.region.se/lathund.pdf"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert field_error(refused, "material_link") == "Inte en giltig webbadress."
    assert 'value="ftp://intra.region.se/lathund.pdf"' in page and "Lathund" in page
    assert db.session.scalars(select(LiteracyMeasure).where(LiteracyMeasure.title == "Lathund")).all() == []
    saved = owner.post(url, data={**base, "material_link": "https://intra.region.se/lathund.pdf",
                                  "user_groups": "Sjuksköterskor\n\nSjuksköterskor", "description": "  "})
    assert saved.status_code == 302
    measure = db.session.scalars(select(LiteracyMeasure).where(LiteracyMeasure.title == "Lathund")).one()
    assert (measure.material_link, measure.user_groups, measure.description, str(measure.held_on)) == (
        "https://intra.region.se/lathund.pdf", ["Sjuksköterskor"], None, "2026-11-02")
