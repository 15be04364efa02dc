"""The FRIA (AI Act Art 27) as a structured, versioned record (issue 21)."""

from __future__ import annotations

from datetime import date

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.fria import rules
from ai_register.solutions.gate_facts import build_gate_facts
from ai_register.solutions.lifecycle.facts import EvidenceType
from tests.answers import HIGH_RISK
from tests.helpers import four_eyes_bar

COMPLETE = {
    "processes": "Nattlig triage av lungröntgen på akutmottagningen; radiolog granskar varje förslag.",
    "period_and_frequency": "Från 2027-01-15, dygnet runt, cirka 120 undersökningar per natt.",
    "affected_persons": "Patienter på akuten, särskilt äldre och barn; radiologer och jourläkare.",
    "risks": [{"group": "Barn", "right": "Rätt till hälsa (art. 35)", "description": "Modellen är inte validerad "
               "för barn under 16 år.", "likelihood": "medium", "severity": "high",
               "mitigation": "Barn triageras manuellt."}],
    "provider_information": "Bruksanvisningen anger sensitivitet 0,94 och att barn inte ingick i valideringen.",
    "oversight_measures": "Radiolog granskar varje prioritering innan den visas för jourläkaren.",
    "materialisation_measures": "Pausa användningen, återgå till manuell triage, avvikelse i MedControl.",
    "internal_governance": "Förvaltningsgruppen beslutar; verksamhetschef informeras inom ett dygn.",
    "complaint_mechanisms": "Patientnämnden och regionens synpunktshantering.",
}


def _evidence(solution, users, kind, title) -> Evidence:
    record = Evidence(solution_id=solution.id, type=kind, title=title, issued_on=date(2026, 1, 1),
                      created_by_id=users["owner"].id)
    db.session.add(record)
    db.session.commit()
    return record


def _approved(api, solution, body=COMPLETE, approver="compliance") -> dict:
    created = api.post("owner", f"/api/v1/solutions/{solution.id}/fria", json=body)
    assert created.status_code == 201, created.get_json()
    fid = created.get_json()["id"]
    submitted = api.post("owner", f"/api/v1/fria/{fid}/submit", json={}, headers={"If-Match": created.headers["ETag"]})
    assert submitted.status_code == 200, submitted.get_json()
    approved = api.post(approver, f"/api/v1/fria/{fid}/approve", json={},
                        headers={"If-Match": submitted.headers["ETag"]})
    assert approved.status_code == 200, approved.get_json()
    return approved.get_json()


def test_completeness_names_every_point_of_art_27_1():
    missing = rules.missing_points({})
    assert set(missing) == {*rules.POINTS, "risks"}
    assert missing["processes"] == ["Required before submitting (Art 27(1)(a))."]
    assert rules.missing_points({**COMPLETE}) == {}
    assert "dpia_complement" in rules.missing_points({**COMPLETE, "dpia_evidence_id": 3})


def test_notification_mapping_is_data():
    template = {"name": "T", "version": "1", "fields": [
        {"key": "a", "label": {"sv": "Processer", "en": "Processes"}, "source": "fria.processes",
         "citation": "Art 27(1)(a)"},
        {"key": "b", "label": {"en": "Owner"}, "source": "oversight.name"}]}
    out = rules.notification(template, {"fria": {"processes": "X"}, "oversight": {}}, "sv")
    assert out["fields"] == [{"key": "a", "label": "Processer", "citation": "Art 27(1)(a)", "value": "X"},
                             {"key": "b", "label": "Owner", "citation": None, "value": None}]


def test_write_submit_and_approve_with_four_eyes(api, solution, users, make_user):
    created = api.post("owner", f"/api/v1/solutions/{solution.id}/fria", json={"processes": "Triage"})
    assert created.status_code == 201 and created.get_json()["status"] == "draft"
    fid, etag = created.get_json()["id"], created.headers["ETag"]
    assert api.post("owner", f"/api/v1/solutions/{solution.id}/fria", json={}).status_code == 409
    incomplete = api.post("owner", f"/api/v1/fria/{fid}/submit", json={}, headers={"If-Match": etag})
    assert incomplete.status_code == 422
    assert set(incomplete.get_json()["errors"]) == {*rules.POINTS, "risks"} - {"processes"}
    bad_risk = api.patch("owner", f"/api/v1/fria/{fid}", headers={"If-Match": etag},
                         json={"risks": [{"group": "Barn", "description": "x", "likelihood": "often",
                                          "severity": "high"}]})
    assert bad_risk.status_code == 422 and "risks" in bad_risk.get_json()["errors"]
    assert api.patch("owner", f"/api/v1/fria/{fid}", json={"processes": "Y"}).status_code == 428
    dpia = _evidence(solution, users, "dpia", "DPIA röntgentriage")
    edited = api.patch("owner", f"/api/v1/fria/{fid}", headers={"If-Match": etag},
                       json={**COMPLETE, "dpia_evidence_id": dpia.id})
    assert edited.status_code == 200, edited.get_json()
    assert api.patch("owner", f"/api/v1/fria/{fid}", headers={"If-Match": etag}, json={}).status_code == 412
    etag = edited.headers["ETag"]
    needs_complement = api.post("owner", f"/api/v1/fria/{fid}/submit", json={}, headers={"If-Match": etag})
    assert needs_complement.status_code == 422 and "dpia_complement" in needs_complement.get_json()["errors"]
    edited = api.patch("owner", f"/api/v1/fria/{fid}", headers={"If-Match": etag},
                       json={"dpia_complement": "DPIA:n täcker personuppgifter; FRIA:n täcker rätten till hälsa "
                                                "och icke-diskriminering."})
    submitted = api.post("owner", f"/api/v1/fria/{fid}/submit", json={}, headers={"If-Match": edited.headers["ETag"]})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    etag = submitted.headers["ETag"]
    assert api.patch("owner", f"/api/v1/fria/{fid}", headers={"If-Match": etag},
                     json={"processes": "Z"}).status_code == 409
    assert api.post("owner", f"/api/v1/fria/{fid}/approve", json={}, headers={"If-Match": etag}).status_code == 403
    returned = api.post("compliance", f"/api/v1/fria/{fid}/return", json={}, headers={"If-Match": etag})
    assert returned.status_code == 422  # a note says what to change
    co_owner = make_user("compliance", email="medagare@region.example")
    solution.co_owners.append(co_owner)
    db.session.commit()
    own = api.post(co_owner, f"/api/v1/fria/{fid}/approve", json={}, headers={"If-Match": etag})
    assert four_eyes_bar(own) == "owner"
    approved = api.post("compliance", f"/api/v1/fria/{fid}/approve", json={"note": "Bra"},
                        headers={"If-Match": etag})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert api.patch("owner", f"/api/v1/fria/{fid}", headers={"If-Match": approved.headers["ETag"]},
                     json={"processes": "Z"}).status_code == 409
    notified = api.patch("owner", f"/api/v1/fria/{fid}", headers={"If-Match": approved.headers["ETag"]},
                         json={"notified_on": "2026-12-06T10:00:00Z", "notification_reference": "IMY-2026-77"})
    assert notified.status_code == 200 and notified.get_json()["notification_reference"] == "IMY-2026-77"


def test_an_update_is_a_new_version_starting_from_the_latest(api, solution):
    first = _approved(api, solution)
    second = api.post("owner", f"/api/v1/solutions/{solution.id}/fria", json={"period_and_frequency": "Dagtid"})
    assert second.status_code == 201
    body = second.get_json()
    assert body["version"] == 2 and body["processes"] == COMPLETE["processes"]
    assert body["period_and_frequency"] == "Dagtid" and body["risks"] == COMPLETE["risks"]
    listed = api.get("auditor", f"/api/v1/solutions/{solution.id}/fria").get_json()
    assert [v["version"] for v in listed["items"]] == [2, 1] and listed["items"][1]["id"] == first["id"]


def test_an_oversight_change_marks_the_fria_outdated(api, solution):
    fria = _approved(api, solution)
    assert fria["outdated"] == []
    etag = api.get("owner", f"/api/v1/solutions/{solution.id}").headers["ETag"]
    assigned = api.put("owner", f"/api/v1/solutions/{solution.id}/oversight", headers={"If-Match": etag},
                       json={"person": {"name": "Eva Ek"}, "monitors": {}, "authority_to_suspend": True})
    assert assigned.status_code in (200, 201), assigned.get_json()
    assert api.get("owner", f"/api/v1/fria/{fria['id']}").get_json()["outdated"] == ["oversight_owner_changed"]


def test_the_approved_fria_replaces_the_uploaded_one_at_the_gate(app, api, solution, classify, users):
    classify(solution, HIGH_RISK)
    _evidence(solution, users, "fria", "FRIA som pdf")
    on = date(2027, 3, 1)
    types = {e.type for e in build_gate_facts(solution, on=on).evidence}
    assert EvidenceType.FRIA not in types
    app.config["FRIA_UPLOAD_COUNTS"] = True
    assert EvidenceType.FRIA in {e.type for e in build_gate_facts(solution, on=on).evidence}
    app.config["FRIA_UPLOAD_COUNTS"] = False
    _approved(api, solution)
    facts = [e for e in build_gate_facts(solution, on=on).evidence if e.type == EvidenceType.FRIA]
    assert len(facts) == 1 and facts[0].valid_on(on)


def test_the_notification_export_follows_the_template(app, api, solution, users):
    app.config["ORGANISATION"] = {"name": "Region Norrbotten", "contact": "ai@norrbotten.example"}
    fria = _approved(api, solution)
    out = api.get("auditor", f"/api/v1/fria/{fria['id']}/notification")
    assert out.status_code == 200
    fields = {f["key"]: f for f in out.get_json()["fields"]}
    assert fields["deployer_name"]["value"] == "Region Norrbotten"
    assert fields["processes"]["value"] == COMPLETE["processes"] and fields["processes"]["citation"] == "Art 27(1)(a)"
    assert fields["risks"]["value"][0]["group"] == "Barn"
    assert fields["approved_on"]["value"]
    sv = api.get("auditor", f"/api/v1/fria/{fria['id']}/notification", headers={"Accept-Language": "sv"})
    assert {f["key"]: f for f in sv.get_json()["fields"]}["processes"]["label"] == "Processer där systemet används"


def test_fria_as_the_record_meeting_the_art_27_obligation(api, solution, classify):
    classify(solution, HIGH_RISK)
    fria = _approved(api, solution)
    path = f"/api/v1/solutions/{solution.id}/obligations/ai_act_art27"
    etag = api.get("owner", path).headers["ETag"]
    met = api.patch("owner", path, headers={"If-Match": etag},
                    json={"status": "met", "record_type": "fria", "record_id": fria["id"]})
    assert met.status_code == 200, met.get_json()


def test_fria_pages_in_swedish(app, web_login, users, solution):
    app.config["WTF_CSRF_ENABLED"] = False
    owner = web_login(app.test_client(), users["owner"])
    page = owner.get(f"/solutions/{solution.id}/fria")
    assert page.status_code == 200 and "Konsekvensbedömning avseende grundläggande rättigheter" in page.get_data(
        as_text=True)
    form = {"processes": "Triage", "risks-0-group": "Barn", "risks-0-description": "", "risks-0-likelihood": "high",
            "risks-0-severity": "high"}
    refused = owner.post(f"/solutions/{solution.id}/fria/new", data=form)
    assert refused.status_code == 422 and "Triage" in refused.get_data(as_text=True)
    form["risks-0-description"] = "Inte validerad för barn."
    saved = owner.post(f"/solutions/{solution.id}/fria/new", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    shown = owner.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Utkast" in shown and "Krävs innan den skickas in (art. 27.1 b)." in shown
    compliance = web_login(app.test_client(), users["compliance"])
    assert compliance.get(saved.headers["Location"]).status_code == 200


def test_the_report_and_bundle_hold_the_records(api, solution, classify, tmp_path):
    import io
    import json
    import subprocess
    import zipfile

    classify(solution, HIGH_RISK)
    fria = _approved(api, solution)
    api.post("owner", f"/api/v1/solutions/{solution.id}/literacy-measures",
             json={"kind": "training", "title": "Introduktion", "care_units": ["Akuten"], "held_on": "2026-11-01",
                   "reached": 9})
    report = api.get("auditor", f"/api/v1/solutions/{solution.id}/report").get_json()
    assert {"obligation_records", "fria", "literacy"} <= set(report) and not (
        {"obligation_records", "fria", "literacy"} & set(report["omitted_sections"]))
    assert [v["id"] for v in report["fria"]] == [fria["id"]] and report["fria"][0]["reviewed_by"]
    assert report["literacy"][0]["title"] == "Introduktion"
    assert any(r["obligation_id"] == "ai_act_art27" for r in report["obligation_records"])
    required = {item["type"]: item for item in report["obligations"]["required_evidence"]}
    assert required["fria"]["status"] == "met" and required["fria"]["fria_ids"] == [fria["id"]]
    pdf = api.get("auditor", f"/api/v1/solutions/{solution.id}/report?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Konsekvensbedömning avseende grundläggande rättigheter" in text and "AI-kunnighet" in text
    assert "Skyldigheter: status och underlag" in text
    bundle = api.get("auditor", f"/api/v1/solutions/{solution.id}/bundle")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".json") and "report" in n)
        assert json.loads(archive.read(name))["fria"][0]["id"] == fria["id"]
