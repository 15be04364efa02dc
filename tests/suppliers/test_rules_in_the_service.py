"""The supplier service owns the register's rules; the API's schemas and the pages' forms only parse shapes.
Each rule moved out of the API schemas answers alike through both doors: the API's 422 names the field (a
list's entry by its place) with its `code`, the page shows the same message beside the same field in the
reader's language, the typed values kept, nothing saved (issue 16)."""

from __future__ import annotations

import re

from ai_register.extensions import db
from ai_register.suppliers.models import Supplier, SupplierDocument
from tests.helpers import problem
from tests.webclient import text

NOT_A_COUNTRY = ("Not an ISO 3166-1 alpha-2 country code (e.g. SE, IE, US).",
                 "Inte en landkod enligt ISO 3166-1 alfa-2 (t.ex. SE, IE, US).")
NOT_A_URL = ("Not a valid URL.", "Inte en giltig webbadress.")
NOT_AN_EMAIL = ("Not a valid email address.", "Inte en giltig e-postadress.")
NANDO = ("The notified body's number has four digits (NANDO), e.g. 2797.",
         "Det anmälda organets nummer har fyra siffror (NANDO), t.ex. 2797.")
SUPPLIER = {"name": "Lunit Nordic AB", "org_number": "559123-4567", "country": "SE"}
# As a browser posts the form: every contact row, empty ones with their select's first choice.
FORM = {"name": "Lunit Nordic AB", "org_number": "559123-4567", "country": "SE",
        **{f"contacts-{row}-{name}": "contract" if name == "role" else "" for row in range(4)
           for name in ("role", "name", "email", "phone")}}


def refused_alike(api_answer, page, errors: dict, form_field: str, swedish: str) -> None:
    """The API's problem holds exactly `errors`; the page shows `swedish` beside `form_field`."""
    body = problem(api_answer, 422)
    assert (body["code"], body["errors"]) == ("invalid_input", errors)
    assert page.status_code == 422
    beside = re.search(rf'<p class="error" id="{form_field}-error">([^<]*)</p>', text(page))
    assert beside is not None and beside.group(1) == swedish, text(page)[:3000]


def test_country_codes_and_web_and_e_mail_addresses_of_a_supplier(api, web):
    compliance = web("compliance")
    cases = [  # (API body's change, API errors, the form's change, the field beside which, the Swedish words)
        ({"country": "XX"}, {"country": [NOT_A_COUNTRY[0]]}, {"country": "XX"}, "country", NOT_A_COUNTRY[1]),
        ({"processing_countries": ["SE", "XX"]}, {"processing_countries": {"1": [NOT_A_COUNTRY[0]]}},
         {"processing_countries": "SE, XX"}, "processing_countries", NOT_A_COUNTRY[1]),
        ({"website": "www.lunit.example"}, {"website": [NOT_A_URL[0]]}, {"website": "www.lunit.example"},
         "website", NOT_A_URL[1]),
        # The third contact row, the first two left empty: the message stands beside that row's e-mail.
        ({"contacts": [{"role": "other"}, {"role": "other"}, {"role": "vigilance", "email": "vigilance@"}]},
         {"contacts": {"2": {"email": [NOT_AN_EMAIL[0]]}}},
         {"contacts-2-role": "vigilance", "contacts-2-email": "vigilance@"}, "contacts-2-email", NOT_AN_EMAIL[1]),
    ]
    for change, errors, typed, field, swedish in cases:
        page = compliance.post("/suppliers/new", {**FORM, **typed})
        refused_alike(api.post("compliance", "/api/v1/suppliers", json={**SUPPLIER, **change}), page, errors,
                      field, swedish)
        for value in typed.values():
            assert f'value="{value}"' in text(page)
    # The summary above the form names the contact's row in Swedish too.
    assert "Kontaktuppgift 3: E-post: Inte en giltig e-postadress." in text(page)
    assert db.session.scalars(db.select(Supplier)).all() == []

    saved = compliance.post("/suppliers/new", {**FORM, "website": "https://lunit.example", "processing_countries":
                                               "se, ie", "contacts-1-role": "vigilance",
                                               "contacts-1-email": "vigilance@lunit.example"})
    assert saved.status_code == 302, text(saved)[:2000]
    supplier = db.session.scalars(db.select(Supplier)).one()
    assert (supplier.processing_countries, supplier.website) == (["SE", "IE"], "https://lunit.example")
    assert supplier.contacts == [{"role": "vigilance", "name": None, "email": "vigilance@lunit.example",
                                  "phone": None}]
    # Changing it meets the same rule, on the page and in the API.
    edit = compliance.post(f"/suppliers/{supplier.id}/edit", {**FORM, "country": "S1", "version": supplier.version})
    refused_alike(api.patch("compliance", f"/api/v1/suppliers/{supplier.id}", json={"country": "S1"},
                            headers={"If-Match": f'"{supplier.version}"'}), edit,
                  {"country": [NOT_A_COUNTRY[0]]}, "country", NOT_A_COUNTRY[1])
    db.session.refresh(supplier)
    assert supplier.country == "SE"


def test_a_documents_link_and_notified_body_number(api, web):
    supplier = api.post("compliance", "/api/v1/suppliers", json=SUPPLIER).get_json()
    product = api.post("compliance", f"/api/v1/suppliers/{supplier['id']}/products",
                       json={"product": "INSIGHT CXR", "product_version": "3.1", "device_regulation": "mdr",
                             "device_class": "IIb"}).get_json()
    certificate = {"kind": "ce_certificate", "product_id": product["id"], "title": "EC certificate",
                   "issued_on": "2025-01-01", "valid_until": "2029-12-31", "notified_body_name": "BSI",
                   "notified_body_number": "2797"}
    compliance = web("compliance")
    path, page_path = f"/api/v1/suppliers/{supplier['id']}/documents", f"/suppliers/{supplier['id']}/documents/new"
    cases = [({"notified_body_number": "279"}, "notified_body_number", NANDO),
             ({"link": "javascript:alert(1)"}, "link", NOT_A_URL)]
    for change, field, (english, swedish) in cases:
        page = compliance.post(page_path, {**certificate, **change})
        refused_alike(api.post("compliance", path, json={**certificate, **change}), page, {field: [english]},
                      field, swedish)
        assert f'value="{change[field]}"' in text(page) and 'value="EC certificate"' in text(page)
    assert db.session.scalars(db.select(SupplierDocument)).all() == []
    good = {"link": "https://bsi.example/certificates/2797"}
    assert api.post("compliance", path, json={**certificate, **good}).status_code == 201
    assert compliance.post(page_path, {**certificate, **good}).status_code == 302
    assert [d.notified_body_number for d in db.session.scalars(db.select(SupplierDocument))] == ["2797", "2797"]
