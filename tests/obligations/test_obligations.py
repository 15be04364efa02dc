"""Obligations you can close (issue 21): status, what meets it, who confirmed, due dates, overdue lists."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import yaml
from freezegun import freeze_time
from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.monitoring import rules as monitoring_rules
from ai_register.notifications.models import Notification
from ai_register.obligations import rules
from ai_register.obligations.models import SolutionObligation
from tests.answers import HIGH_RISK, MDR_DEVICE, MINIMAL
from tests.helpers import four_eyes_bar

BASE = "/api/v1/solutions/{}/obligations"
RULE_FILE = Path(__file__).resolve().parents[2] / "risk_rules" / "obligations.yaml"


def _items(api, solution, who="owner") -> dict:
    response = api.get(who, BASE.format(solution.id))
    assert response.status_code == 200, response.get_json()
    return {item["obligation_id"]: item for item in response.get_json()["items"]}


def _evidence(solution, users, kind="instructions_for_use") -> Evidence:
    record = Evidence(solution_id=solution.id, type=kind, title="Bruksanvisning v3", issued_on=date(2026, 1, 1),
                      created_by_id=users["owner"].id)
    db.session.add(record)
    db.session.commit()
    return record


# --------------------------------------------------------------------------- pure rules


def test_due_date_is_the_application_date_or_a_period_from_opening():
    opened = date(2026, 12, 6)
    assert rules.due_on(date(2027, 12, 2), opened, 90) == date(2027, 12, 2)
    assert rules.due_on(date(2025, 2, 2), opened, 90) == opened + timedelta(days=90)
    assert rules.due_on(None, opened, 30) == opened + timedelta(days=30)
    assert rules.due_on(None, opened, 30, "significant_change") is None


def test_closed_and_overdue():
    today = date(2026, 12, 6)
    assert rules.is_closed("met", False)
    assert not rules.is_closed("not_applicable", False) and rules.is_closed("not_applicable", True)
    assert rules.is_overdue(status="open", confirmed=False, current=True, due=date(2026, 12, 5), today=today)
    assert not rules.is_overdue(status="open", confirmed=False, current=True, due=today, today=today)
    assert not rules.is_overdue(status="open", confirmed=False, current=False, due=date(2026, 1, 1), today=today)
    assert rules.is_overdue(status="not_applicable", confirmed=False, current=True, due=date(2026, 1, 1),
                            today=today)
    assert rules.status_errors("met", evidence=False, record=False, reason=None) == {
        "evidence_id": ["Name the evidence or the record that meets the obligation."]}
    assert "not_applicable_reason" in rules.status_errors("not_applicable", evidence=False, record=False,
                                                          reason="  ")


# --------------------------------------------------------------------------- API


def test_approval_opens_a_record_per_obligation_due_from_its_application_date(api, solution, classify):
    classify(solution, HIGH_RISK)
    items = _items(api, solution)
    art26 = items["ai_act_art26"]
    assert art26["id"] is not None and art26["status"] == "open" and art26["current"] is True
    assert art26["due_on"] == art26["applies_from"] == "2027-12-02"
    assert art26["overdue"] is False and art26["closed"] is False
    assert art26["citation"].startswith("Regulation (EU) 2024/1689")
    stored = db.session.scalars(select(SolutionObligation).where(SolutionObligation.solution_id == solution.id)).all()
    assert {row.obligation_id for row in stored} == set(items)
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "solution_obligation",
                                                          AuditEvent.action == "create")).all()
    assert len(created) == len(items) and all("opened by classification version 1" in e.reason for e in created)


def test_an_obligation_already_in_force_is_due_a_configured_period_after_it_opened(app, api, solution, classify):
    app.config["OBLIGATION_DUE_DAYS"] = 30
    with freeze_time("2026-12-06 10:00:00"):
        classify(solution, MDR_DEVICE)
        items = _items(api, solution)
    in_force = [i for i in items.values() if i["applies_from"] and i["applies_from"] <= "2026-12-06"]
    assert in_force, items.keys()
    assert all(i["opened_on"] == "2026-12-06" and i["due_on"] == "2027-01-05" for i in in_force)
    with freeze_time("2027-01-07 10:00:00"):
        overdue = api.get("compliance", "/api/v1/obligations?overdue=true").get_json()
    assert {i["obligation_id"] for i in overdue["items"]} == {i["obligation_id"] for i in in_force}
    assert overdue["total"] == len(in_force) and all(i["overdue"] for i in overdue["items"])


def test_met_needs_if_match_and_the_evidence_that_meets_it(api, solution, classify, users, make_solution):
    classify(solution, HIGH_RISK)
    path = BASE.format(solution.id) + "/ai_act_art26"
    etag = api.get("owner", path).headers["ETag"]
    assert api.patch("owner", path, json={"status": "met"}).status_code == 428
    missing = api.patch("owner", path, json={"status": "met"}, headers={"If-Match": etag})
    assert missing.status_code == 422 and "evidence_id" in missing.get_json()["errors"]
    assert missing.headers["Content-Type"] == "application/problem+json"
    other = _evidence(make_solution(name="Annan"), users)
    foreign = api.patch("owner", path, json={"status": "met", "evidence_id": other.id}, headers={"If-Match": etag})
    assert foreign.status_code == 422 and foreign.get_json()["errors"]["evidence_id"] == [
        "No such evidence for this solution."]
    ifu = _evidence(solution, users)
    done = api.patch("owner", path, json={"status": "met", "evidence_id": ifu.id, "note": "IFU read by all users"},
                     headers={"If-Match": etag})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["closed"] and body["evidence_id"] == ifu.id and body["confirmed_by"] == users["owner"].display_name
    assert body["confirmed_at"] and done.headers["ETag"] != etag
    stale = api.patch("owner", path, json={"status": "in_progress"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "set_status")).one()
    assert event.data["changes"]["status"] == {"before": "open", "after": "met"}


def test_met_by_a_record_of_the_register(api, solution, classify, users):
    classify(solution, HIGH_RISK)
    put = api.get("owner", f"/api/v1/solutions/{solution.id}")
    assignment = api.put("owner", f"/api/v1/solutions/{solution.id}/oversight",
                         headers={"If-Match": put.headers["ETag"]},
                         json={"person": {"name": "Eva Ek", "title": "Överläkare"}, "monitors": {},
                               "authority_to_suspend": True, "competence": "Radiolog"})
    assert assignment.status_code in (200, 201), assignment.get_json()
    path = BASE.format(solution.id) + "/ai_act_art26_2"
    etag = api.get("owner", path).headers["ETag"]
    wrong = api.patch("owner", path, headers={"If-Match": etag},
                      json={"status": "met", "record_type": "spaceship", "record_id": 1})
    assert wrong.status_code == 422 and "record_type" in wrong.get_json()["errors"]
    ok = api.patch("owner", path, headers={"If-Match": etag},
                   json={"status": "met", "record_type": "oversight_assignment",
                         "record_id": assignment.get_json()["id"]})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["record_type"] == "oversight_assignment"


def test_what_each_of_the_solutions_own_records_meets_is_data_and_every_obligation_named_exists():
    listed = {o["id"] for o in yaml.safe_load(RULE_FILE.read_text(encoding="utf-8"))["obligations"]}
    named = set().union(*rules.OWN_RECORD_FITS.values(), *rules.INFORMING_FITS.values(), set(rules.SUPPLIER_FITS),
                        set(rules.MONITORING_FITS), rules.LITERACY_FITS)
    assert named <= listed, named - listed
    assert set(rules.INFORMING_FITS) == set(monitoring_rules.INFORMING_KINDS)
    # The monitoring area closes an obligation by itself when an informing record is saved: with one that fits.
    for kind, obligation_id in monitoring_rules.INFORMING_OBLIGATION.items():
        assert rules.own_record_fits(obligation_id, rules.INFORMING_RECORD, kind)
    assert rules.own_record_fits("ai_act_art26_2", rules.OVERSIGHT_ASSIGNMENT)
    assert not rules.own_record_fits("ai_act_art27", rules.OVERSIGHT_ASSIGNMENT)
    assert not rules.own_record_fits("ai_act_art86", rules.INFORMING_RECORD, monitoring_rules.WORKERS)


def test_the_solutions_own_records_meet_only_the_obligations_they_fit(app, api, solution, classify, users, web_login):
    """An oversight assignment, a log retention record or an informing record chosen for an obligation it does
    not meet is refused (422, `record_does_not_fit`, the message on record_id); the page does not offer it; one
    chosen before the check stays as it was, flagged in the list."""
    app.config["WTF_CSRF_ENABLED"] = False
    classify(solution, HIGH_RISK)
    root = f"/api/v1/solutions/{solution.id}"
    assignment = api.put("owner", root + "/oversight", headers=api.if_match("owner", root), json={
        "person": {"name": "Eva Ek", "title": "Överläkare"}, "monitors": {}, "authority_to_suspend": True,
        "competence": "Radiolog"}).get_json()
    retention = api.post("owner", root + "/log-retention", json={
        "system": "LungTriage", "location": "Loggarkivet", "retention_months": 12}).get_json()
    workers = api.post("owner", root + "/informing", json={
        "kind": "workers", "informed_on": "2026-10-01", "audience": "Röntgensjuksköterskor", "how": "APT",
        "negotiated_on": "2026-09-20", "negotiation_parties": "Regionen, Vårdförbundet",
        "negotiation_outcome": "agreed"}).get_json()

    def meet(obligation_id, record_type, record_id):
        path = BASE.format(solution.id) + "/" + obligation_id
        return api.patch("owner", path, headers=api.if_match("owner", path),
                         json={"status": "met", "record_type": record_type, "record_id": record_id})

    for obligation_id, record_type, record, words in (
            ("ai_act_art27", "oversight_assignment", assignment, "Art 26(2)"),
            ("ai_act_art26_2", "log_retention", retention, "Art 26(6)"),
            ("ai_act_art86", "informing_record", workers, "informing workers meets Art 26(7)")):
        refused = meet(obligation_id, record_type, record["id"])
        body = refused.get_json()
        assert refused.status_code == 422 and body["code"] == "record_does_not_fit", body
        assert words in body["errors"]["record_id"][0]
    assert meet("ai_act_art27", "fria", 10**6).get_json()["code"] == "invalid_input"  # no such record
    assert meet("ai_act_art26_2", "oversight_assignment", assignment["id"]).status_code == 200
    assert meet("ai_act_art26", "informing_record", workers["id"]).status_code == 200
    assert meet("ai_act_art26", "log_retention", retention["id"]).status_code == 200

    client = web_login(app.test_client(), users["owner"])
    fria_form = client.get(f"/solutions/{solution.id}/obligations/ai_act_art27").get_data(as_text=True)
    assert f'oversight_assignment:{assignment["id"]}' not in fria_form
    assert f'log_retention:{retention["id"]}' not in fria_form and "informing_record:" not in fria_form
    oversight_form = client.get(f"/solutions/{solution.id}/obligations/ai_act_art26_2").get_data(as_text=True)
    assert f'value="oversight_assignment:{assignment["id"]}"' in oversight_form
    tampered = client.post(f"/solutions/{solution.id}/obligations/ai_act_art86", data={
        "status": "met", "met_by": f"informing_record:{workers['id']}", "note": "Min anteckning", "version": "1"})
    assert tampered.status_code == 422 and "Min anteckning" in tampered.get_data(as_text=True)

    # Chosen before the check: kept as it was, flagged on the page.
    row = db.session.scalars(select(SolutionObligation).where(
        SolutionObligation.solution_id == solution.id, SolutionObligation.obligation_id == "ai_act_art86")).one()
    row.status, row.record_type, row.record_id = "met", "oversight_assignment", assignment["id"]
    db.session.commit()
    listing = client.get(f"/solutions/{solution.id}/obligations").get_data(as_text=True)
    assert listing.count('data-test="met-by-unfit"') == 1 and "uppfyller inte skyldigheten" in listing


def test_not_applicable_needs_a_reason_confirmed_by_another_compliance_officer(api, solution, classify, users,
                                                                               make_user):
    classify(solution, HIGH_RISK)
    path = BASE.format(solution.id) + "/ai_act_art86"
    etag = api.get("owner", path).headers["ETag"]
    no_reason = api.patch("owner", path, json={"status": "not_applicable"}, headers={"If-Match": etag})
    assert no_reason.status_code == 422 and "not_applicable_reason" in no_reason.get_json()["errors"]
    marked = api.patch("compliance", path, headers={"If-Match": etag},
                       json={"status": "not_applicable", "not_applicable_reason": "The output is not used "
                             "for decisions about persons."})
    assert marked.status_code == 200 and marked.get_json()["closed"] is False
    etag = marked.headers["ETag"]
    assert api.post("owner", path + "/confirm", json={}, headers={"If-Match": etag}).status_code == 403
    own = api.post("compliance", path + "/confirm", json={}, headers={"If-Match": etag})
    assert four_eyes_bar(own) == "submitted"
    other = make_user("compliance", email="granskare2@region.example")
    confirmed = api.post(other, path + "/confirm", json={"reason": "Agreed"}, headers={"If-Match": etag})
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["closed"] is True and confirmed.get_json()["confirmed_by"] == other.display_name
    again = api.post(other, path + "/confirm", json={}, headers={"If-Match": confirmed.headers["ETag"]})
    assert again.status_code == 409


def test_records_survive_a_changed_classification(api, solution, classify, users):
    classify(solution, HIGH_RISK)
    path = BASE.format(solution.id) + "/ai_act_art26"
    ifu = _evidence(solution, users)
    etag = api.get("owner", path).headers["ETag"]
    assert api.patch("owner", path, json={"status": "met", "evidence_id": ifu.id},
                     headers={"If-Match": etag}).status_code == 200
    classify(solution, MINIMAL)
    items = _items(api, solution)
    assert items["ai_act_art26"]["current"] is False and items["ai_act_art26"]["status"] == "met"
    assert not any(i["current"] for i in items.values() if i["obligation_id"].startswith("ai_act_art2"))
    current = api.get("owner", path).headers["ETag"]
    refused = api.patch("owner", path, json={"status": "open"}, headers={"If-Match": current})
    assert refused.status_code == 409
    classify(solution, HIGH_RISK)
    again = _items(api, solution)["ai_act_art26"]
    assert again["current"] is True and again["status"] == "met"


def test_roles_and_other_owners(api, solution, classify, make_user):
    classify(solution, HIGH_RISK)
    path = BASE.format(solution.id) + "/ai_act_art26"
    etag = api.get("auditor", path).headers["ETag"]
    assert api.patch("auditor", path, json={"status": "in_progress"}, headers={"If-Match": etag}).status_code == 403
    stranger = make_user("owner", email="annan@region.example")
    assert api.get(stranger, path).status_code == 404
    assert api.get(stranger, "/api/v1/obligations").get_json()["total"] == 0
    assert api.get("owner", BASE.format(solution.id) + "/no_such_thing").status_code == 404
    assert api.get("owner", BASE.format(solution.id) + "/Bad-Id").status_code == 404


def test_records_are_written_for_classifications_decided_before_and_reminded(runner, api, solution, classify, users):
    with freeze_time("2026-12-06 10:00:00"):
        classify(solution, MDR_DEVICE)
    db.session.query(SolutionObligation).delete()  # as before this feature
    db.session.commit()
    listed = _items(api, solution)
    assert listed and all(i["id"] is None and i["version"] == 0 for i in listed.values())
    with freeze_time("2027-06-01 10:00:00"):
        result = runner.invoke(args=["reminders", "run"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output.strip().splitlines()[-1])
        again = json.loads(runner.invoke(args=["reminders", "run"]).output.strip().splitlines()[-1])
    assert report["created_by_kind"].get("obligation_overdue")
    assert again["created"] == 0  # once per due day, however often the run comes
    rows = db.session.scalars(select(SolutionObligation).where(SolutionObligation.solution_id == solution.id)).all()
    assert rows and all(row.opened_on == date(2026, 12, 6) for row in rows)
    kinds = {n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == users["owner"].id))}
    assert "obligation_overdue" in kinds


# --------------------------------------------------------------------------- web


def test_start_pages_show_overdue_obligations(app, client, web_login, users, solution, classify):
    app.config["OBLIGATION_DUE_DAYS"] = 10
    with freeze_time("2026-12-06 10:00:00"):
        classify(solution, MDR_DEVICE)
    with freeze_time("2027-01-10 10:00:00"):
        for who in ("owner", "compliance"):
            page = web_login(app.test_client(), users[who]).get("/")
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            assert "Skyldigheter som är försenade" in html and solution.name in html
        auditor = web_login(app.test_client(), users["auditor"]).get("/").get_data(as_text=True)
        assert "Skyldigheter som är försenade" not in auditor


def test_obligation_pages_in_swedish_keep_the_form_on_error(app, web_login, users, solution, classify):
    app.config["WTF_CSRF_ENABLED"] = False
    classify(solution, HIGH_RISK)
    client = web_login(app.test_client(), users["owner"])
    page = client.get(f"/solutions/{solution.id}/obligations")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Skyldigheter" in html and "Öppen" in html
    edit = f"/solutions/{solution.id}/obligations/ai_act_art26"
    form = client.get(edit)
    assert form.status_code == 200 and "Uppfylld genom" in form.get_data(as_text=True)
    refused = client.post(edit, data={"status": "met", "met_by": "", "note": "Min anteckning", "version": "1"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Min anteckning" in body
    assert "Ange underlaget eller registerposten som visar att skyldigheten är uppfylld." in body
    ifu = _evidence(solution, users)
    saved = client.post(edit, data={"status": "met", "met_by": f"evidence:{ifu.id}", "version": "1"})
    assert saved.status_code == 302
    listing = client.get(f"/solutions/{solution.id}/obligations").get_data(as_text=True)
    assert "Uppfylld" in listing and users["owner"].display_name in listing
    auditor = web_login(app.test_client(), users["auditor"])
    assert auditor.get(f"/solutions/{solution.id}/obligations").status_code == 200
    assert auditor.get(edit).status_code == 403


def test_a_supplier_document_of_the_linked_product_version_meets_an_obligation_it_fits(app, api, solution, classify,
                                                                                    web_login, users, tmp_path):
    """The provider's Art 6(4) documentation meets the region's duty to ask for it, and the product version's
    EU-database registration the duty to check it (Art 49(2)): chosen in the API and on the page, shown in
    the list and the report; a document that does not fit, of another product, or withdrawn is refused."""
    import subprocess

    app.config["WTF_CSRF_ENABLED"] = False
    classify(solution, MINIMAL)  # Art 6(3) exemption claimed → Art 6(4) and Art 49(2) checks
    supplier = api.post("compliance", "/api/v1/suppliers", json={"name": "Nordic Dispatch AB"}).get_json()
    version = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/products", json={
        "product": "DispatchPriority", "product_version": "5.1", "eu_database_number": "EU-AI-000981",
        "art6_3_exemption_claimed": True}).get_json()
    other = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/products", json={
        "product": "DispatchPriority", "product_version": "4.0"}).get_json()

    def document(product_id, kind, title):
        created = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/documents", json={
            "kind": kind, "title": title, "product_id": product_id, "issued_on": "2026-03-01"})
        assert created.status_code == 201, created.get_json()
        return created.get_json()

    assessment = document(version["id"], "art6_4_documentation", "Bedömning enligt art. 6.4 DispatchPriority 5.1")
    ifu = document(version["id"], "instructions_for_use", "Bruksanvisning DispatchPriority 5.1")
    older = document(other["id"], "art6_4_documentation", "Bedömning enligt art. 6.4 version 4.0")
    path = BASE.format(solution.id) + "/ai_act_art6_4_request_assessment"

    def meet(record_type, record_id, at=path):
        return api.patch("owner", at, headers=api.if_match("owner", at),
                         json={"status": "met", "record_type": record_type, "record_id": record_id})

    unlinked = meet("supplier_document", assessment["id"])
    assert unlinked.status_code == 422 and "link" in unlinked.get_json()["errors"]["record_id"][0]
    assert api.put("owner", f"/api/v1/solutions/{solution.id}/supplier", json={"product_id": version["id"]},
                   headers={"If-Match": '"0"'}).status_code == 200
    assert "does not meet" in meet("supplier_document", ifu["id"]).get_json()["errors"]["record_id"][0]
    assert meet("supplier_document", older["id"]).status_code == 422  # another version's document
    met = meet("supplier_document", assessment["id"])
    assert met.status_code == 200, met.get_json()
    assert (met.get_json()["record_type"], met.get_json()["record_id"]) == ("supplier_document", assessment["id"])
    registration = BASE.format(solution.id) + "/ai_act_art49_2_check_registration"
    assert meet("supplier_product", other["id"], registration).status_code == 422
    assert meet("supplier_product", version["id"], registration).status_code == 200

    # The page offers only what fits, in Swedish, and the list names the document.
    client = web_login(app.test_client(), users["owner"])
    form = client.get(f"/solutions/{solution.id}/obligations/ai_act_art6_4_request_assessment").get_data(as_text=True)
    assert f'value="supplier_document:{assessment["id"]}"' in form and "Bedömning enligt art. 6.4" in form
    assert f'supplier_document:{ifu["id"]}' not in form and f'supplier_document:{older["id"]}' not in form
    saved = client.post(f"/solutions/{solution.id}/obligations/ai_act_art49_2_check_registration",
                        data={"status": "met", "met_by": f"supplier_product:{version['id']}",
                              "note": "Kontrollerad i EU-databasen", "version": "2"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    listing = client.get(f"/solutions/{solution.id}/obligations").get_data(as_text=True)
    assert "Bedömning enligt art. 6.4 DispatchPriority 5.1 (Nordic Dispatch AB)" in listing
    assert "EU-databasregistrering EU-AI-000981 av DispatchPriority 5.1" in listing
    # Withdrawn later: still the record that met it, flagged as no longer valid.
    doc = f"/api/v1/supplier-documents/{assessment['id']}"
    assert api.patch("compliance", doc, json={"withdrawn_on": date.today().isoformat(),
                                              "withdrawn_reason": "Ersatt av ny bedömning."},
                     headers=api.if_match("compliance", doc)).status_code == 200
    assert "gäller inte längre" in client.get(f"/solutions/{solution.id}/obligations").get_data(as_text=True)

    report = api.get("auditor", f"/api/v1/solutions/{solution.id}/report").get_json()
    held = {r["obligation_id"]: r for r in report["obligation_records"]}
    assert held["ai_act_art6_4_request_assessment"]["record_type"] == "supplier_document"
    pdf = api.get("auditor", f"/api/v1/solutions/{solution.id}/report?format=pdf&lang=sv")
    (tmp_path / "report.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = " ".join(text.split())  # table cells wrap
    assert "Bedömning enligt art. 6.4 DispatchPriority 5.1" in text and "DispatchPriority 5.1: EU-AI-000981" in text


def test_monitoring_against_the_instructions_for_use_meets_art_26_5(app, api, solution, classify, web_login, users,
                                                                    tmp_path):
    """Art 26(5) (monitor the operation on the basis of the instructions for use) is met by a metric of the
    solution that compares with a value its product version's IFU states: chosen in the API and on the page,
    named in the list, the report and the PDF; a metric without the stated value, or for another obligation, is
    refused; one retired later is flagged."""
    import subprocess

    app.config["WTF_CSRF_ENABLED"] = False
    classify(solution, HIGH_RISK)
    supplier = api.post("compliance", "/api/v1/suppliers", json={"name": "Nordic Imaging AI AB"}).get_json()
    product = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/products",
                       json={"product": "LungTriage", "product_version": "3.2"}).get_json()
    ifu = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/documents", json={
        "kind": "instructions_for_use", "title": "Bruksanvisning LungTriage 3.2", "product_id": product["id"],
        "issued_on": "2026-01-15"}).get_json()
    assert api.put("owner", f"/api/v1/solutions/{solution.id}/supplier", json={"product_id": product["id"]},
                   headers={"If-Match": '"0"'}).status_code == 200
    metrics = f"/api/v1/solutions/{solution.id}/monitoring/metrics"
    body = {"name": "Sensitivitet", "kind": "sensitivity", "unit": "%", "direction": "higher_is_better",
            "lower_threshold": "90", "frequency": "monthly"}
    plain = api.post("owner", metrics, json=body).get_json()
    stated = api.post("owner", metrics, json={**body, "name": "Sensitivitet mot IFU", "stated_value": "95",
                                              "stated_document_id": ifu["id"]}).get_json()
    path = BASE.format(solution.id) + "/ai_act_art26_5"

    def meet(metric_id, at=path):
        return api.patch("owner", at, headers=api.if_match("owner", at),
                         json={"status": "met", "record_type": "monitoring_metric", "record_id": metric_id})

    assert "no value stated" in meet(plain["id"]).get_json()["errors"]["record_id"][0]
    other = meet(stated["id"], BASE.format(solution.id) + "/ai_act_art26_2")
    assert other.status_code == 422 and "does not meet" in other.get_json()["errors"]["record_id"][0]
    met = meet(stated["id"])
    assert met.status_code == 200, met.get_json()
    assert (met.get_json()["record_type"], met.get_json()["record_id"]) == ("monitoring_metric", stated["id"])

    client = web_login(app.test_client(), users["owner"])
    form = client.get(f"/solutions/{solution.id}/obligations/ai_act_art26_5").get_data(as_text=True)
    assert f'value="monitoring_metric:{stated["id"]}"' in form and f'monitoring_metric:{plain["id"]}' not in form
    listing = client.get(f"/solutions/{solution.id}/obligations").get_data(as_text=True)
    assert ("Övervakning: Sensitivitet mot IFU mot leverantörens angivna 95 % (Bruksanvisning LungTriage 3.2)"
            in listing) and "gäller inte längre" not in listing
    report = api.get("auditor", f"/api/v1/solutions/{solution.id}/report").get_json()
    held = {r["obligation_id"]: r for r in report["obligation_records"]}["ai_act_art26_5"]
    assert (held["status"], held["record_type"], held["record_id"]) == ("met", "monitoring_metric", stated["id"])
    pdf = api.get("auditor", f"/api/v1/solutions/{solution.id}/report?format=pdf&lang=sv")
    (tmp_path / "report.pdf").write_bytes(pdf.data)
    printed = " ".join(subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True,
                                      text=True, check=True).stdout.split())
    assert "Mått för övervakning: Sensitivitet mot IFU · leverantören anger 95 % (Bruksanvisning LungTriage 3.2)" \
        in printed
    # Art 4: an AI-literacy measure, the solution's own or region-wide, meets the deployer's duty (only that).
    region = api.post("compliance", "/api/v1/literacy-measures", json={
        "kind": "training", "title": "AI-kunnighet för alla chefer", "held_on": "2026-11-02"}).get_json()
    literacy = BASE.format(solution.id) + "/ai_act_art4_deployer"
    wrong = api.patch("owner", path, headers=api.if_match("owner", path),
                      json={"status": "met", "record_type": "literacy_measure", "record_id": region["id"]})
    assert wrong.status_code == 422 and "does not meet" in wrong.get_json()["errors"]["record_id"][0]
    form = client.get(f"/solutions/{solution.id}/obligations/ai_act_art4_deployer").get_data(as_text=True)
    assert f'value="literacy_measure:{region["id"]}"' in form
    assert client.post(f"/solutions/{solution.id}/obligations/ai_act_art4_deployer", data={
        "status": "met", "met_by": f"literacy_measure:{region['id']}",
        "version": api.if_match("owner", literacy)["If-Match"].strip('"')}).status_code == 302
    assert "AI-kunnighet, hela regionen: AI-kunnighet för alla chefer (2026-11-02)" in client.get(
        f"/solutions/{solution.id}/obligations").get_data(as_text=True)
    # Retired later: still the record that met it, flagged as no longer counting.
    one = f"/api/v1/monitoring/metrics/{stated['id']}"
    assert api.patch("owner", one, json={"active": False}, headers=api.if_match("owner", one)).status_code == 200
    assert "gäller inte längre" in client.get(f"/solutions/{solution.id}/obligations").get_data(as_text=True)
