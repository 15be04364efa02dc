"""The demo region's supplier register: the X-ray triage supplier with its DPA and a product version with
its declaration of conformity, CE certificate (notified body, expiry) and instructions for use; the sepsis
alert's supplier whose CE certificate expires soon; the ambulance dispatch supplier (a class IIb device: CE
certificate, declaration of conformity, instructions for use stating its sensitivity) with a contract and a
DPA with processing outside the EU/EEA under standard contractual clauses. Called by demo_region."""

from __future__ import annotations

from datetime import timedelta

from ai_register.extensions import db
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.suppliers import services

VIGILANCE = {"role": "vigilance", "name": "Vigilansfunktionen", "email": "vigilance@nordicimaging.example",
             "phone": "+46 10 123 45 00"}


def _day(n: int):
    return region_today() + timedelta(days=n)


def _register(by, supplier: dict, product: dict, documents: list[dict], agreements: list[dict]):
    record = services.create_supplier(supplier, by)
    version = services.create_product(record, product, by)
    for body in agreements:
        services.create_document(record, body, by)
    for body in documents:
        services.create_document(record, {**body, "product_id": version.id}, by)
    return version


def xray(region, sid: int) -> None:
    """Before the pilot: the supplier register proves the declaration of conformity and the CE certificate."""
    with region.acting("owner") as by:
        version = _register(by, {
            "name": "Nordic Imaging AI AB", "org_number": "559231-4410", "country": "SE",
            "website": "https://nordicimaging.example",
            "contacts": [{"role": "contract", "name": "Karin Holm", "email": "karin.holm@nordicimaging.example"},
                         VIGILANCE,
                         {"role": "data_protection", "name": "Dataskyddsombud", "email": "dpo@nordicimaging.example"}],
            "processing_countries": ["SE", "FI"],
            "note": "Ramavtal via Sveriges kommuner och regioner (Adda), avrop 2025."}, {
            "product": "LungTriage", "product_version": "3.2", "device_regulation": "mdr", "device_class": "IIb",
            "udi_di": "07350123450012", "eu_database_number": "EUDAMED SRN SE-MF-000012345"}, [
            {"kind": "declaration_of_conformity", "title": "EU-försäkran om överensstämmelse LungTriage 3.2",
             "reference": "DoC-LT-3.2", "regulation": "mdr", "issued_on": _day(-420)},
            {"kind": "ce_certificate", "title": "CE-certifikat MDR klass IIb", "reference": "NB 2797-IIb-0421",
             "regulation": "mdr", "issued_on": _day(-400), "valid_until": _day(1100),
             "notified_body_name": "BSI Group The Netherlands B.V.", "notified_body_number": "2797"},
            {"kind": "instructions_for_use", "title": "Bruksanvisning LungTriage 3.2 (svenska)",
             "reference": "IFU-LT-3.2-sv", "issued_on": _day(-410),
             "link": "https://nordicimaging.example/ifu/lungtriage-3.2-sv.pdf"}], [
            {"kind": "dpa", "title": "Personuppgiftsbiträdesavtal LungTriage", "reference": "PUB-2025-031",
             "issued_on": _day(-300), "valid_until": _day(1500)},
            {"kind": "contract", "title": "Avtal Nordic Imaging AI AB (avrop)", "reference": "RN 2025/118",
             "issued_on": _day(-300), "valid_until": _day(400)}])
        services.link_solution(db.session.get(Solution, sid), version.id, by, '"0"')


def sepsis(region, sid: int) -> None:
    """The sepsis alert's supplier: its CE certificate expires in 45 days, so the solution is flagged."""
    with region.acting("owner") as by:
        version = _register(by, {
            "name": "CareSignal Oy", "org_number": "FI 2987654-3", "country": "FI",
            "contacts": [{"role": "vigilance", "name": "Post-market surveillance", "email": "pms@caresignal.example"}],
            "processing_countries": ["FI"]}, {
            "product": "SepsisGuard", "product_version": "2.0", "device_regulation": "mdr", "device_class": "III"}, [
            {"kind": "declaration_of_conformity", "title": "EU Declaration of Conformity SepsisGuard 2.0",
             "regulation": "mdr", "issued_on": _day(-1500)},
            {"kind": "ce_certificate", "title": "CE certificate MDR class III", "reference": "CE 0537-III-7781",
             "regulation": "mdr", "issued_on": _day(-1780), "valid_until": _day(45),
             "notified_body_name": "Eurofins Electric & Electronics Finland Oy", "notified_body_number": "0537"}],
            [{"kind": "dpa", "title": "Personuppgiftsbiträdesavtal SepsisGuard", "issued_on": _day(-200),
              "valid_until": _day(900)}])
        services.link_solution(db.session.get(Solution, sid), version.id, by, '"0"')


def ambulance(region, sid: int) -> None:
    """Annex III 5(d) and an MDR class IIb device: before the pilot, the supplier register proves the declaration
    of conformity and the notified body's CE certificate; instructions for use that state the sensitivity;
    contract and DPA with a transfer under SCCs."""
    with region.acting("owner2") as by:
        version = _register(by, {
            "name": "Nordic Dispatch AB", "org_number": "556812-0077", "country": "SE",
            "contacts": [{"role": "vigilance", "name": "Incidentdesk", "email": "incident@nordicdispatch.example",
                          "phone": "+46 20 120 120"}],
            "processing_countries": ["SE", "US"], "transfer_basis": "standard_contractual_clauses",
            "transfer_note": "Supportloggar hos underbiträde i USA; SCC modul 3 och konsekvensbedömning av "
                             "överföringen 2026-03."}, {
            "product": "DispatchPriority", "product_version": "5.1", "device_regulation": "mdr",
            "device_class": "IIb", "udi_di": "07350987650015", "eu_database_number": "EU-AI-HR-000981"}, [
            {"kind": "declaration_of_conformity", "title": "EU-försäkran om överensstämmelse DispatchPriority 5.1",
             "reference": "DoC-DP-5.1", "regulation": "mdr", "issued_on": _day(-160)},
            {"kind": "ce_certificate", "title": "CE-certifikat MDR klass IIb DispatchPriority",
             "reference": "2862-MDR-IIb-0107", "regulation": "mdr", "issued_on": _day(-170),
             "valid_until": _day(1650), "notified_body_name": "Intertek Medical Notified Body AB",
             "notified_body_number": "2862"},
            {"kind": "instructions_for_use", "title": "Bruksanvisning DispatchPriority 5.1",
             "reference": "IFU-DP-5.1-sv", "issued_on": _day(-150),
             "note": "Avsnitt 7.2 anger sensitivitet 95 % för prio 1 (valideringsstudie, svenska samtal)."}], [
            {"kind": "contract", "title": "Avtal larmcentralens beslutsstöd", "issued_on": _day(-160),
             "valid_until": _day(1300)},
            {"kind": "dpa", "title": "Personuppgiftsbiträdesavtal DispatchPriority", "issued_on": _day(-160),
             "valid_until": _day(1300)}])
        services.link_solution(db.session.get(Solution, sid), version.id, by, '"0"')


def stated_sensitivity(sid: int) -> dict:
    """What the ambulance's IFU states for prio-1 sensitivity: the metric carries it beside the threshold."""
    _product, documents = services.solution_documents(sid)
    ifu = next(d for d in documents if d.kind == "instructions_for_use")
    return {"stated_value": "95", "stated_document_id": ifu.id, "stated_reference": "avsnitt 7.2"}
