"""The supplier register (issue 21): suppliers, product versions and their documents through the API, the
pilot gate of a medical device not made in-house (issue 20), expiry flags, and the supplier's contact in
incident duties."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from ai_register.extensions import db
from ai_register.solutions.gate_facts import build_gate_facts, gate_settings
from ai_register.solutions.lifecycle.facts import (
    ClassificationFact,
    EvidenceFact,
    EvidenceType,
    GateFacts,
    GateSettings,
)
from ai_register.solutions.lifecycle.gates import check_gate, device_conformity
from ai_register.solutions.lifecycle.phases import Phase
from ai_register.suppliers import rules
from tests.answers import MDR_DEVICE
from tests.webclient import WebClient

ON = date(2026, 12, 6)

SUPPLIER = {
    "name": "Lunit Nordic AB", "org_number": "559123-4567", "country": "SE",
    "contacts": [{"role": "contract", "name": "Eva Avtal", "email": "eva@lunit.example"},
                 {"role": "vigilance", "name": "Vigilance desk", "email": "vigilance@lunit.example",
                  "phone": "+46 8 123 45 67"}],
    "processing_countries": ["se", "IE"],
}


def _supplier(api, who="compliance", **changes):
    created = api.post(who, "/api/v1/suppliers", json={**SUPPLIER, **changes})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def _product(api, supplier_id, who="compliance", **changes):
    body = {"product": "INSIGHT CXR", "product_version": "3.1", "device_regulation": "mdr", "device_class": "IIb",
            "udi_di": "08800000000001", **changes}
    created = api.post(who, f"/api/v1/suppliers/{supplier_id}/products", json=body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def _document(api, supplier_id, who="compliance", **body):
    created = api.post(who, f"/api/v1/suppliers/{supplier_id}/documents", json=body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


# --------------------------------------------------------------------------- the pure pilot-gate rule


def _device(device_class="IIb", **kwargs):
    return ClassificationFact("high_risk", routes={"annex_i_mdr"}, device_regulation="mdr",
                              device_class=device_class, **kwargs)


def test_a_device_not_made_in_house_needs_its_declaration_and_the_notified_bodys_certificate():
    codes = [u.code for u in device_conformity(GateFacts(classification=_device()), ON, GateSettings())]
    assert codes == ["evidence_missing:declaration_of_conformity", "evidence_missing:notified_body_certificate"]
    # Class I self-certifies: only the declaration.
    codes = [u.code for u in device_conformity(GateFacts(classification=_device("I")), ON, GateSettings())]
    assert codes == ["evidence_missing:declaration_of_conformity"]
    # IVDR class B needs a notified body; an undecided class is treated as needing one.
    ivdr = ClassificationFact("high_risk", device_regulation="ivdr", device_class="B")
    assert len(device_conformity(GateFacts(classification=ivdr), ON, GateSettings())) == 2
    unmet = device_conformity(GateFacts(classification=_device(None)), ON, GateSettings())
    assert unmet[1].details["basis"] == "MDR Art 56, class not decided"
    # Made in-house (sourcing, or the Art 5(5) exemption) and non-devices: nothing asked here.
    assert device_conformity(GateFacts(classification=_device(), made_in_house=True), ON, GateSettings()) == []
    assert device_conformity(GateFacts(classification=_device(in_house_exemption=True)), ON, GateSettings()) == []
    assert device_conformity(GateFacts(classification=ClassificationFact("minimal_risk")), ON, GateSettings()) == []
    # Valid evidence on the day meets it; an expired certificate does not.
    valid = (EvidenceFact(EvidenceType.DECLARATION_OF_CONFORMITY, date(2025, 1, 1)),
             EvidenceFact(EvidenceType.CE_CERTIFICATE, date(2025, 1, 1), date(2027, 1, 1)))
    assert device_conformity(GateFacts(classification=_device(), evidence=valid), ON, GateSettings()) == []
    expired = (valid[0], EvidenceFact(EvidenceType.NOTIFIED_BODY_CERTIFICATE, date(2021, 1, 1), date(2026, 1, 1)))
    unmet = device_conformity(GateFacts(classification=_device(), evidence=expired), ON, GateSettings())
    assert [(u.code, u.details["reason"]) for u in unmet] == [("evidence_missing:notified_body_certificate",
                                                               "expired")]
    assert "evidence_missing:notified_body_certificate" in [
        u.code for u in check_gate(Phase.PILOT, GateFacts(classification=_device(), evidence=expired), ON)]


def test_transfer_basis_and_expiry_rules():
    assert rules.transfer_errors(["SE", "NO"], None) == {}
    assert "transfer_basis" in rules.transfer_errors(["SE", "US"], None)
    assert rules.transfer_errors(["US"], "standard_contractual_clauses") == {}
    assert rules.expiry_state(None, ON, 90) is None
    assert rules.expiry_state(ON - timedelta(days=1), ON, 90) == rules.EXPIRED
    assert rules.expiry_state(ON, ON, 90) == rules.EXPIRING  # the last valid day is still valid
    assert rules.expiry_state(ON + timedelta(days=90), ON, 90) == rules.EXPIRING
    assert rules.expiry_state(ON + timedelta(days=91), ON, 90) is None


# --------------------------------------------------------------------------- the API


def test_register_a_supplier_its_product_version_and_documents(api, solution, users):
    supplier = _supplier(api)
    assert supplier["processing_countries"] == ["SE", "IE"] and supplier["outside_eu_eea"] == []
    assert [c["role"] for c in supplier["contacts"]] == ["contract", "vigilance"]
    # Transfer outside the EU/EEA needs its legal basis.
    refused = api.post("compliance", "/api/v1/suppliers",
                       json={**SUPPLIER, "org_number": "556000-0001", "processing_countries": ["SE", "US"]})
    assert refused.status_code == 422 and "transfer_basis" in refused.get_json()["errors"]
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    # The body's shape (a contact's role) is the schema's; the country codes are the service's rule, named
    # once the shape is right.
    bad = api.post("compliance", "/api/v1/suppliers", json={**SUPPLIER, "processing_countries": ["XX"],
                                                             "contacts": [{"role": "boss"}]})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"contacts"}
    bad = api.post("compliance", "/api/v1/suppliers", json={**SUPPLIER, "processing_countries": ["SE", "XX"],
                                                             "contacts": [{"role": "other", "email": "x@"}]})
    assert bad.status_code == 422 and bad.get_json()["errors"] == {
        "processing_countries": {"1": ["Not an ISO 3166-1 alpha-2 country code (e.g. SE, IE, US)."]},
        "contacts": {"0": {"email": ["Not a valid email address."]}},
        "org_number": ["A supplier with this organisation number is already registered."]}  # all at once
    duplicate = api.post("owner", "/api/v1/suppliers", json=SUPPLIER)
    assert duplicate.status_code == 422 and "org_number" in duplicate.get_json()["errors"]

    product = _product(api, supplier["id"])
    again = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/products",
                     json={"product": "INSIGHT CXR", "product_version": "3.1"})
    assert again.status_code == 422 and "product_version" in again.get_json()["errors"]

    dpa = _document(api, supplier["id"], kind="dpa", title="Personuppgiftsbiträdesavtal", issued_on="2025-05-01",
                    valid_until="2028-04-30", reference="PUB-2025-17")
    assert dpa["product_id"] is None and dpa["expiry"] is None
    certificate = {"kind": "ce_certificate", "title": "EU technical documentation certificate",
                   "product_id": product["id"], "regulation": "mdr", "issued_on": "2024-03-01",
                   "valid_until": "2029-02-28", "notified_body_name": "BSI Group The Netherlands B.V.",
                   "notified_body_number": "2797", "reference": "MDR 740123"}
    missing = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/documents",
                       json={**certificate, "notified_body_number": None, "valid_until": None})
    assert missing.status_code == 422
    assert {"notified_body_number", "valid_until"} <= set(missing.get_json()["errors"])
    assert api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/documents",
                    json={**certificate, "notified_body_number": "27"}).status_code == 422
    misplaced = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/documents",
                         json={"kind": "declaration_of_conformity", "title": "DoC"})
    assert misplaced.status_code == 422 and "product_id" in misplaced.get_json()["errors"]
    _document(api, supplier["id"], **certificate)
    _document(api, supplier["id"], kind="declaration_of_conformity", title="EU-försäkran", product_id=product["id"],
              issued_on="2024-03-15")

    read = api.get("auditor", f"/api/v1/suppliers/{supplier['id']}")
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    body = read.get_json()
    assert [a["kind"] for a in body["agreements"]] == ["dpa"]
    assert sorted(d["kind"] for d in body["products"][0]["documents"]) == ["ce_certificate",
                                                                           "declaration_of_conformity"]
    listed = api.get("owner", "/api/v1/suppliers?q=lunit").get_json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "Lunit Nordic AB"
    assert api.get("owner", "/api/v1/suppliers?q=nothing").get_json()["total"] == 0


def test_updates_need_if_match_and_roles_are_checked(api, make_user, users):
    supplier = _supplier(api, who="owner")
    path = f"/api/v1/suppliers/{supplier['id']}"
    assert api.patch("owner", path, json={"note": "x"}).status_code == 428
    assert api.patch("owner", path, json={"note": "x"}, headers={"If-Match": '"7"'}).status_code == 412
    changed = api.patch("owner", path, json={"processing_countries": ["US"], "transfer_basis": "adequacy_decision",
                                              "transfer_note": "EU-US Data Privacy Framework"},
                        headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.get_json()
    assert changed.headers["ETag"] == '"2"' and changed.get_json()["outside_eu_eea"] == ["US"]
    cleared = api.patch("owner", path, json={"transfer_basis": None}, headers={"If-Match": '"2"'})
    assert cleared.status_code == 422 and "transfer_basis" in cleared.get_json()["errors"]
    # Auditors read only; another owner (who neither registered it nor uses it) may not change it.
    assert api.patch("auditor", path, json={"note": "x"}, headers={"If-Match": '"2"'}).status_code == 403
    assert api.post("auditor", "/api/v1/suppliers", json={"name": "X"}).status_code == 403
    stranger = make_user("owner", email="annan@region.example")
    assert api.get(stranger, path).status_code == 200
    assert api.patch(stranger, path, json={"note": "x"}, headers={"If-Match": '"2"'}).status_code == 403
    assert api.patch("compliance", path, json={"note": "Ramavtal 2025"}, headers={"If-Match": '"2"'}).status_code == 200
    product = _product(api, supplier["id"], who="owner")
    ppath = f"/api/v1/supplier-products/{product['id']}"
    assert api.patch("owner", ppath, json={"eu_database_number": "EUDB-123"}).status_code == 428
    assert api.patch("owner", ppath, json={"eu_database_number": "EUDB-123"},
                     headers=api.if_match("owner", ppath)).get_json()["eu_database_number"] == "EUDB-123"
    document = _document(api, supplier["id"], who="owner", kind="contract", title="Ramavtal",
                         issued_on="2025-01-01", valid_until="2026-12-31")
    dpath = f"/api/v1/supplier-documents/{document['id']}"
    refused = api.patch("owner", dpath, json={"withdrawn_on": "2026-11-01"}, headers=api.if_match("owner", dpath))
    assert refused.status_code == 422 and "withdrawn_reason" in refused.get_json()["errors"]
    withdrawn = api.patch("owner", dpath, json={"withdrawn_on": "2026-11-01", "withdrawn_reason": "Uppsagt"},
                          headers=api.if_match("owner", dpath))
    assert withdrawn.status_code == 200 and withdrawn.get_json()["withdrawn_on"] == "2026-11-01"
    assert api.get("auditor", dpath).status_code == 200  # kept, never deleted
    assert api.get("auditor", "/api/v1/supplier-documents/99999").status_code == 404


def test_a_solution_links_to_a_product_version(api, solution, make_solution, users):
    supplier = _supplier(api)
    product = _product(api, supplier["id"])
    path = f"/api/v1/solutions/{solution.id}/supplier"
    assert api.get("owner", path).get_json()["product"] is None
    assert api.get("owner", path).headers["ETag"] == '"0"'
    assert api.put("owner", path, json={"product_id": product["id"]}).status_code == 428
    linked = api.put("owner", path, json={"product_id": product["id"]}, headers={"If-Match": '"0"'})
    assert linked.status_code == 200, linked.get_json()
    body = linked.get_json()
    assert body["product"]["id"] == product["id"] and body["supplier"]["name"] == "Lunit Nordic AB"
    assert body["vigilance_contact"]["email"] == "vigilance@lunit.example"
    assert api.put("owner", path, json={"product_id": None}).status_code == 428
    assert api.put("auditor", path, json={"product_id": None}, headers={"If-Match": '"1"'}).status_code == 403
    assert api.get("compliance", f"/api/v1/supplier-products/{product['id']}").get_json()["solution_ids"] == [
        solution.id]
    # The owner of a solution using the supplier may now change it.
    assert api.patch("owner", f"/api/v1/suppliers/{supplier['id']}", json={"note": "x"},
                     headers={"If-Match": '"1"'}).status_code == 200
    in_house = make_solution(name="Egen modell", sourcing="in_house")
    refused = api.put("owner", f"/api/v1/solutions/{in_house.id}/supplier", json={"product_id": product["id"]},
                      headers={"If-Match": '"0"'})
    assert refused.status_code == 422 and "product_id" in refused.get_json()["errors"]
    assert api.put("owner", path, json={"product_id": 99999}, headers={"If-Match": '"1"'}).status_code == 422


# --------------------------------------------------------------------------- the gate with the register


def test_the_pilot_gate_reads_the_supplier_register_or_uploaded_evidence(app, api, solution, classify):
    classify(solution, MDR_DEVICE)
    on = date(2026, 12, 6)
    codes = {u.code for u in check_gate(Phase.PILOT, build_gate_facts(solution, on=on), on, gate_settings())}
    assert {"evidence_missing:declaration_of_conformity", "evidence_missing:notified_body_certificate"} <= codes
    supplier = _supplier(api)
    product = _product(api, supplier["id"])
    api.put("owner", f"/api/v1/solutions/{solution.id}/supplier", json={"product_id": product["id"]},
            headers={"If-Match": '"0"'})
    _document(api, supplier["id"], kind="declaration_of_conformity", title="EU-försäkran", product_id=product["id"],
              issued_on="2024-03-15")
    certificate = _document(api, supplier["id"], kind="ce_certificate", title="CE", product_id=product["id"],
                            issued_on="2024-03-01", valid_until="2026-12-05", notified_body_name="BSI",
                            notified_body_number="2797")
    unmet = [u for u in check_gate(Phase.PILOT, build_gate_facts(solution, on=on), on, gate_settings())
             if u.code.startswith("evidence_missing")]
    assert [(u.code, u.details["reason"]) for u in unmet] == [("evidence_missing:notified_body_certificate",
                                                               "expired")]
    # Renewed: its last valid day is today, so it still counts today.
    path = f"/api/v1/supplier-documents/{certificate['id']}"
    api.patch("compliance", path, json={"valid_until": "2026-12-06"}, headers=api.if_match("compliance", path))
    assert not [u for u in check_gate(Phase.PILOT, build_gate_facts(solution, on=on), on, gate_settings())
                if u.code.startswith("evidence_missing")]
    # The checklist row on the page names what is missing and links where to fix it.
    app.config["WTF_CSRF_ENABLED"] = False


def test_uploaded_evidence_meets_the_device_gate_too(api, solution, classify):
    classify(solution, MDR_DEVICE)
    for kind in ("declaration_of_conformity", "notified_body_certificate"):
        created = api.post("owner", f"/api/v1/solutions/{solution.id}/evidence",
                           json={"type": kind, "title": kind, "issued_on": "2025-01-01", "expires_on": "2029-01-01"})
        assert created.status_code == 201, created.get_json()
    on = date(2026, 12, 6)
    assert not [u for u in check_gate(Phase.PILOT, build_gate_facts(solution, on=on), on, gate_settings())
                if u.code.startswith("evidence_missing")]


@pytest.fixture
def expiring(api, solution, make_solution):
    """A supplier whose CE certificate expires in 30 days and whose DPA has expired, used by two solutions."""
    from ai_register.solutions.services import region_today

    today = region_today()
    supplier = _supplier(api)
    product = _product(api, supplier["id"])
    other = make_solution(name="Lungnodulfynd")
    for target in (solution, other):
        assert api.put("compliance", f"/api/v1/solutions/{target.id}/supplier", json={"product_id": product["id"]},
                       headers={"If-Match": '"0"'}).status_code == 200
    certificate = _document(api, supplier["id"], kind="ce_certificate", title="CE-certifikat MDR",
                            product_id=product["id"], issued_on="2024-01-01",
                            valid_until=(today + timedelta(days=30)).isoformat(), notified_body_name="BSI",
                            notified_body_number="2797")
    dpa = _document(api, supplier["id"], kind="dpa", title="PUB-avtal", issued_on="2023-01-01",
                    valid_until=(today - timedelta(days=1)).isoformat())
    return {"supplier": supplier, "product": product, "certificate": certificate, "dpa": dpa, "other": other,
            "today": today}


def test_expiring_documents_flag_every_solution_that_uses_them(app, api, solution, expiring, users, make_user):
    from ai_register.reviews.agenda import collect

    listed = api.get("compliance", "/api/v1/supplier-documents").get_json()
    by_id = {i["document"]["id"]: i for i in listed["items"]}
    assert by_id[expiring["certificate"]["id"]]["document"]["expiry"] == "expiring"
    assert by_id[expiring["dpa"]["id"]]["document"]["expiry"] == "expired"
    assert sorted(by_id[expiring["certificate"]["id"]]["solution_ids"]) == sorted([solution.id,
                                                                                   expiring["other"].id])
    assert api.get("compliance", "/api/v1/supplier-documents?state=expired").get_json()["total"] == 1
    # An owner sees only the solutions they may see.
    stranger = make_user("owner", email="annan@region.example")
    assert api.get(stranger, "/api/v1/supplier-documents").get_json()["total"] == 0
    # Reminders: one per (document, solution), to owners, and compliance when expired.
    items = [i for i in collect(today=expiring["today"]) if i.kind.startswith("supplier_document")]
    assert sorted((i.kind, i.solution.id) for i in items) == sorted(
        [("supplier_document_expiring", solution.id), ("supplier_document_expiring", expiring["other"].id),
         ("supplier_document_expired", solution.id), ("supplier_document_expired", expiring["other"].id)])
    from flask_babel import force_locale

    from ai_register.notifications.models import Notification
    from ai_register.notifications.reminders import RunReport, create_notifications
    from ai_register.notifications.services import message

    create_notifications(RunReport())
    notes = db.session.query(Notification).filter(Notification.kind.like("supplier_document%")).all()
    assert notes and {n.user_id for n in notes} >= {users["owner"].id, users["compliance"].id}
    with app.test_request_context(), force_locale("sv"):
        texts = {message(n) for n in notes}
    assert any("CE-certifikat MDR" in t and "går ut" in t for t in texts), texts
    # A larger window is configurable; a withdrawn document no longer flags.
    app.config["SUPPLIER_EXPIRY_WARNING_DAYS"] = 10
    assert api.get("compliance", "/api/v1/supplier-documents?state=expiring").get_json()["total"] == 0


# --------------------------------------------------------------------------- incident duties, report, pages


def test_incident_duties_name_the_suppliers_contact(app, api, solution, classify, web_login, users):
    from ai_register.reviews.agenda import collect

    classify(solution, MDR_DEVICE)
    supplier = _supplier(api)
    product = _product(api, supplier["id"])
    api.put("owner", f"/api/v1/solutions/{solution.id}/supplier", json={"product_id": product["id"]},
            headers={"If-Match": '"0"'})
    solution.phase = "pilot"
    db.session.commit()
    reported = api.post("owner", f"/api/v1/solutions/{solution.id}/incidents", json={
        "what_happened": "Systemet prioriterade inte en akut undersökning.", "patient_harm": "serious"})
    assert reported.status_code == 201, reported.get_json()
    incident_id = reported.get_json()["id"]
    items = [i for i in collect() if i.kind.startswith("incident_duty") and i.params.get("contact")]
    assert items, "a duty to inform the provider or manufacturer names the contact"
    assert {i.params["duty_key"] for i in items} & {"ai_act_art26_5_provider", "hslf_fs_2021_52_manufacturer"}
    assert all("vigilance@lunit.example" in i.params["contact"] for i in items)
    from flask_babel import force_locale

    from ai_register.notifications.models import Notification
    from ai_register.notifications.services import message

    with app.test_request_context(), force_locale("sv"):
        text = message(Notification(kind=items[0].kind, params={**items[0].params, "due_on": "2026-12-08"}))
    assert "kontakt: Lunit Nordic AB — Vigilance desk, vigilance@lunit.example" in text
    app.config["WTF_CSRF_ENABLED"] = False
    page = web_login(app.test_client(), users["owner"]).get(f"/incidents/{incident_id}").get_data(as_text=True)
    assert "Kontakt hos leverantören:" in page and "vigilance@lunit.example" in page


def test_the_report_and_bundle_hold_the_supplier_records(api, solution, tmp_path):
    import io
    import json
    import subprocess
    import zipfile

    supplier = _supplier(api)
    product = _product(api, supplier["id"])
    api.put("owner", f"/api/v1/solutions/{solution.id}/supplier", json={"product_id": product["id"]},
            headers={"If-Match": '"0"'})
    _document(api, supplier["id"], kind="dpa", title="PUB-avtal", issued_on="2025-01-01", valid_until="2027-12-31")
    _document(api, supplier["id"], kind="ce_certificate", title="CE-certifikat", product_id=product["id"],
              issued_on="2024-01-01", valid_until="2028-01-01", notified_body_name="BSI Group",
              notified_body_number="2797")
    report = api.get("auditor", f"/api/v1/solutions/{solution.id}/report").get_json()
    section = report["suppliers"]
    assert section["supplier"]["name"] == "Lunit Nordic AB" and section["product"]["product_version"] == "3.1"
    assert [(d["kind"], d["state"]) for d in section["documents"]] == [("dpa", None), ("ce_certificate", None)]
    pdf = api.get("auditor", f"/api/v1/solutions/{solution.id}/report?format=pdf&lang=sv")
    assert pdf.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Leverantör och produkt" in text and "CE-intyg" in text and "2797" in text
    english = api.get("auditor", f"/api/v1/solutions/{solution.id}/report?format=pdf&lang=en")
    path.write_bytes(english.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Supplier and product" in text and "CE certificate" in text
    bundle = api.get("auditor", f"/api/v1/solutions/{solution.id}/bundle")
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        assert json.loads(archive.read("report.json"))["suppliers"]["product"]["id"] == product["id"]


def test_report_as_of_replays_the_supplier_register(api):
    from ai_register.audit.models import AuditEvent

    created = api.post("owner", "/api/v1/solutions", json={"name": "Lungnodulfynd", "purpose": "Markerar noduler."})
    assert created.status_code == 201, created.get_json()
    solution_id = created.get_json()["id"]
    supplier = _supplier(api)
    product = _product(api, supplier["id"])
    api.put("owner", f"/api/v1/solutions/{solution_id}/supplier", json={"product_id": product["id"]},
            headers={"If-Match": '"0"'})
    _document(api, supplier["id"], kind="declaration_of_conformity", title="DoC", product_id=product["id"],
              issued_on="2024-01-01")
    # As of the moment the solution was linked, before the declaration was recorded.
    linked = db.session.query(AuditEvent).filter_by(entity_type="solution_supplier_product").one().occurred_at
    document = db.session.query(AuditEvent).filter_by(entity_type="supplier_document").one().occurred_at
    assert linked < document
    as_of = linked.replace(tzinfo=None).isoformat() + "Z"
    past = api.get("auditor", f"/api/v1/solutions/{solution_id}/report?as_of={as_of}").get_json()
    assert past["suppliers"]["product"]["id"] == product["id"] and past["suppliers"]["documents"] == []
    now = api.get("auditor", f"/api/v1/solutions/{solution_id}/report").get_json()
    assert [d["kind"] for d in now["suppliers"]["documents"]] == ["declaration_of_conformity"]


def test_supplier_pages_in_swedish(app, api, web_login, users, solution):
    app.config["WTF_CSRF_ENABLED"] = False
    owner = web_login(app.test_client(), users["owner"])
    assert "Inga leverantörer" not in owner.get("/suppliers").get_data(as_text=True)
    refused = owner.post("/suppliers/new", data={"name": "Röntgen-AI AB", "org_number": "556677-8899",
                                                 "processing_countries": "SE, US", "contacts-0-role": "vigilance",
                                                 "contacts-0-email": "pms@rontgen.example"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Röntgen-AI AB" in page and "pms@rontgen.example" in page
    assert "ange den rättsliga grunden för överföringen" in page
    saved = owner.post("/suppliers/new", data={"name": "Röntgen-AI AB", "org_number": "556677-8899",
                                               "processing_countries": "SE, US",
                                               "transfer_basis": "standard_contractual_clauses",
                                               "contacts-0-role": "vigilance",
                                               "contacts-0-email": "pms@rontgen.example"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    show = owner.get(saved.headers["Location"]).get_data(as_text=True)
    # Countries by their names in the reader's language (Babel's CLDR territory names), not ISO codes.
    assert "Standardavtalsklausuler (GDPR art. 46)" in show and "Sverige, USA" in show and "utanför EU/EES" in show
    supplier_id = int(saved.headers["Location"].rstrip("/").split("/")[-1])
    product = owner.post(f"/suppliers/{supplier_id}/products/new",
                         data={"product": "ChestScan", "product_version": "1.0", "device_regulation": "mdr",
                               "device_class": "IIa"})
    assert product.status_code == 302
    from ai_register.suppliers.models import SupplierProduct

    product_id = db.session.query(SupplierProduct).filter_by(supplier_id=supplier_id).one().id
    bad = owner.post(f"/suppliers/{supplier_id}/documents/new",
                     data={"kind": "ce_certificate", "product_id": str(product_id), "title": "CE",
                           "issued_on": "2025-01-01"})
    assert bad.status_code == 422 and "anmälda organ" in bad.get_data(as_text=True)
    good = owner.post(f"/suppliers/{supplier_id}/documents/new",
                      data={"kind": "ce_certificate", "product_id": str(product_id), "title": "CE-certifikat IIa",
                            "issued_on": "2025-01-01", "valid_until": "2029-12-31", "notified_body_name": "TÜV SÜD",
                            "notified_body_number": "0123", "regulation": "mdr"})
    assert good.status_code == 302
    link = owner.post(f"/solutions/{solution.id}/supplier", data={"product_id": str(product_id), "version": "0"})
    assert link.status_code == 302
    linked = owner.get(f"/solutions/{solution.id}/supplier").get_data(as_text=True)
    assert "Röntgen-AI AB · ChestScan 1.0" in linked and "CE-certifikat IIa" in linked
    stale = owner.post(f"/solutions/{solution.id}/supplier", data={"product_id": "", "version": "9"})
    assert stale.status_code == 412 and "Någon annan har ändrat" in stale.get_data(as_text=True)
    auditor = web_login(app.test_client(), users["auditor"])
    assert auditor.get(f"/suppliers/{supplier_id}").status_code == 200
    assert auditor.get(f"/suppliers/{supplier_id}/edit").status_code == 403
    # In English the same countries read in English (last: the shared app context keeps the locale).
    english = WebClient(app, users["owner"])
    english.language("en")
    assert "Sweden, United States" in english.get(f"/suppliers/{supplier_id}").get_data(as_text=True)
    assert "Sweden, United States" in english.get("/suppliers").get_data(as_text=True)



def test_a_linked_solution_takes_its_supplier_names_from_the_register(api, web, solution):
    """While linked, the solution's supplier, product and version are the register's: the API refuses another
    value (422 `supplier_linked`, each field named), the edit page shows them read-only with the register's link
    and puts the refusal beside the field; unlinked, they are the owner's free text again."""
    from tests.webclient import SOLUTION_FORM, field_error, hidden, text

    supplier = _supplier(api)
    product = _product(api, supplier["id"])
    link = f"/api/v1/solutions/{solution.id}/supplier"
    assert api.put("owner", link, json={"product_id": product["id"]}, headers={"If-Match": '"0"'}).status_code == 200
    one = f"/api/v1/solutions/{solution.id}"
    refused = api.patch("owner", one, json={"supplier": "Annan AB", "product_version": "3.1", "product": "X"},
                        headers=api.if_match("owner", one))
    body = refused.get_json()
    assert refused.status_code == 422 and body["code"] == "supplier_linked"
    assert set(body["errors"]) == {"supplier", "product"} and "supplier register" in body["errors"]["supplier"][0]
    same = api.patch("owner", one, json={"supplier": "Lunit Nordic AB", "product": "INSIGHT CXR",
                                         "product_version": "3.1", "purpose": "Flags findings on chest X-rays."},
                     headers=api.if_match("owner", one))
    assert same.status_code == 200, same.get_json()

    owner = web("owner")
    edit = f"/solutions/{solution.id}/edit"
    page = text(owner.get(edit))
    assert 'data-test="supplier-linked"' in page
    assert f'href="/suppliers/{supplier["id"]}#product-{product["id"]}"' in page
    for name, value in (("supplier", "Lunit Nordic AB"), ("product", "INSIGHT CXR"), ("product_version", "3.1")):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert " readonly" in tag and 'class="locked"' in tag and f'value="{value}"' in tag, tag
    form = {**SOLUTION_FORM, "name": solution.name, "purpose": "Flags findings on chest X-rays.",
            "supplier": "Lunit Nordic AB", "product": "INSIGHT CXR", "product_version": "3.1",
            "version": hidden(page, "version")}
    tampered = owner.post(edit, {**form, "product_version": "9.9"})
    assert tampered.status_code == 422 and "leverantörsregistret" in field_error(tampered, "product_version")
    assert 'value="9.9"' in text(tampered)
    assert owner.post(edit, {**form, "name": "Lungröntgen"}).status_code == 302
    assert api.get("owner", one).get_json()["name"] == "Lungröntgen"

    etag = api.get("owner", link).headers["ETag"]
    assert api.put("owner", link, json={"product_id": None}, headers={"If-Match": etag}).status_code == 200
    free = api.patch("owner", one, json={"supplier": "Annan AB"}, headers=api.if_match("owner", one))
    assert free.status_code == 200 and free.get_json()["supplier"] == "Annan AB"
    assert 'data-test="supplier-linked"' not in text(owner.get(edit))
