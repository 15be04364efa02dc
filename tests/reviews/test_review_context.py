"""The review page shows a reviewer what they need beside the answers: the solution's purpose, intended use,
supplier and product, its evidence with links, the previous approved version and what changed (answers
and result: category, routes, device class, obligations), and the fired rules with their citations."""

from __future__ import annotations

import io
from datetime import date, timedelta

from tests.answers import HIGH_RISK, MINIMAL
from tests.helpers import solution_factory
from tests.webclient import text


def _api(client, auth):
    def call(method: str, path: str, user, json=None, *, headers=None, **kwargs):
        return client.open(f"/api/v1{path}", method=method.upper(), json=json,
                           headers={**auth(user), **(headers or {})}, **kwargs)

    return call


def _store(api, solution, user, answers, *, submit=True) -> dict:
    response = api("post", f"/solutions/{solution.id}/classifications", user, {"answers": answers})
    assert response.status_code == 201, response.get_json()
    record = response.get_json()
    if submit:
        assert api("post", f"/classifications/{record['id']}/submit", user).status_code == 200
    return record


def test_a_review_with_context(web, users, client, auth):
    api = _api(client, auth)
    solution = solution_factory(users, name="Bemanningsplanering", purpose="Föreslår scheman för vårdpersonal.")(
        intended_use="Schemaläggare på vårdavdelningar; förslag som en människa godkänner.",
        supplier="Nordic Staffing AB", product="RosterAI", product_version="4.2",
    )
    owner, compliance = users["owner"], users["compliance"]
    # The first version has no approved predecessor: the page says so.
    first = _store(api, solution, owner, MINIMAL)
    page = text(web("compliance").get(f"/review/classifications/{first['id']}"))
    assert 'data-test="first-review"' in page
    assert "Föreslår scheman för vårdpersonal." in page and "Schemaläggare på vårdavdelningar" in page
    assert "Nordic Staffing AB" in page and "RosterAI version 4.2" in page
    assert api("post", f"/classifications/{first['id']}/approve", compliance, {}).status_code == 200

    # Evidence: one with a file (linked), one expired without a file.
    upload = client.post(
        f"/api/v1/solutions/{solution.id}/evidence", headers=auth(owner), content_type="multipart/form-data",
        data={"type": "dpia", "title": "Konsekvensbedömning RosterAI", "issued_on": date.today().isoformat(),
              "file": (io.BytesIO(b"%PDF-1.4 dpia"), "dpia.pdf")},
    )
    assert upload.status_code == 201, upload.get_json()
    expired = api("post", f"/solutions/{solution.id}/evidence", owner, {
        "type": "risk_assessment", "title": "Riskanalys 2023", "issued_on": "2023-01-10",
        "expires_on": (date.today() - timedelta(days=1)).isoformat()})
    assert expired.status_code == 201, expired.get_json()

    # Version 2 monitors workers by face: high-risk now.
    second = _store(api, solution, owner, HIGH_RISK)
    response = web("compliance2").get(f"/review/classifications/{second['id']}")
    assert response.status_code == 200
    page = text(response)
    changes = page.split('data-test="result-changes"')[1].split("</section>")[0]
    assert "Vad som ändrats sedan godkänd version 1" in changes
    rows = changes.split('data-test="result-row"')
    category = next(r for r in rows if "Kategori enligt AI-förordningen" in r)
    assert "Ändrad" in category and "<del>Minimal risk</del>" in category and "<strong>Hög risk</strong>" in category
    routes = next(r for r in rows if "Grunder för hög risk" in r)
    assert "Bilaga III 1 a: biometrisk fjärridentifiering" in routes and "Ny" in routes
    device = next(r for r in rows if "Medicinteknisk produkt" in r)
    assert "Ändrad" not in device
    obligations = changes.split('data-test="obligation-changes"')[1]
    assert "Skyldigheter" in obligations and "Ändrad" in obligations
    added = obligations.split('data-test="obligations-added"')[1].split("</ul>")[0]
    assert "Ny" in added and "förordning (EU) 2024/1689, art. 26" in added
    # Answers side by side with the changed one marked.
    diff = page.split('data-test="answers-diff"')[1].split("</table>")[0]
    assert "changed-row" in diff
    # The fired rules with their citations in Swedish (rules/citations.py), new ones marked.
    rules = page.split('data-test="fired-rules"')[1].split("</ul>")[0]
    assert "förordning (EU) 2024/1689" in rules and "bilaga III" in rules
    assert "Ny sedan den godkända versionen" in rules
    # Evidence with links.
    evidence = page.split('data-test="review-evidence"')[1].split("</section>")[0]
    evidence_id = upload.get_json()["id"]
    assert f'href="/evidence/{evidence_id}/file"' in evidence and "Konsekvensbedömning RosterAI" in evidence
    assert "Riskanalys 2023" in evidence and "Utgången" in evidence


def test_four_eyes_says_why_from_the_refusal_not_its_words(web, users, client, auth):
    api = _api(client, auth)
    solution = solution_factory(users, name="Triage", purpose="Sorterar remisser.")(
        co_owners=[users["compliance"]])
    record = _store(api, solution, users["owner"], MINIMAL)
    refused = api("post", f"/classifications/{record['id']}/approve", users["compliance"], {})
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "four_eyes" and refused.get_json()["because"] == "owner"
    assert "Du äger lösningen." in text(web("compliance").get(f"/review/classifications/{record['id']}"))


def test_the_review_shows_the_supplier_register_when_the_solution_is_linked(web, users, client, auth):
    """Linked to a product version: the register's supplier, product, version and device class with the notified
    body's certificate and its state; the solution's free text follows the register's names (audited)."""
    from ai_register.audit.models import AuditEvent
    from ai_register.extensions import db

    api = _api(client, auth)
    solution = solution_factory(users, name="Lungröntgen", purpose="Prioriterar lungröntgenbilder.")(
        supplier="Nordic Imaging", product="Lungtriage", product_version="3")
    compliance = users["compliance"]
    supplier = api("post", "/suppliers", compliance, {"name": "Nordic Imaging AI AB"}).get_json()
    product = api("post", f"/suppliers/{supplier['id']}/products", compliance, {
        "product": "LungTriage", "product_version": "3.2", "device_regulation": "mdr",
        "device_class": "IIb"}).get_json()
    record = _store(api, solution, users["owner"], MINIMAL)
    review = f"/review/classifications/{record['id']}"
    page = text(web("compliance").get(review))
    assert "Nordic Imaging" in page and "inte kopplad till leverantörsregistret" in page
    assert 'data-test="review-certificate"' not in page

    linked = api("put", f"/solutions/{solution.id}/supplier", users["owner"], {"product_id": product["id"]},
                 headers={"If-Match": '"0"'})
    assert linked.status_code == 200, linked.get_json()
    page = text(web("compliance").get(review))
    facts = page.split('data-test="review-solution"')[1].split("</section>")[0]
    assert "Nordic Imaging AI AB" in facts and "(Leverantörsregistret)" in facts
    assert "LungTriage version 3.2 · Medicinteknisk produkt (MDR), klass IIb" in facts
    assert "Saknas" in facts and "anmält organ" in facts  # class IIb needs the certificate; none yet
    api("post", f"/suppliers/{supplier['id']}/documents", compliance, {
        "kind": "ce_certificate", "product_id": product["id"], "title": "CE-certifikat", "issued_on": "2025-01-01",
        "valid_until": (date.today() + timedelta(days=30)).isoformat(), "notified_body_name": "BSI Group",
        "notified_body_number": "2797", "regulation": "mdr"})
    facts = text(web("compliance").get(review)).split('data-test="review-certificate"')[1].split("</dd>")[0]
    assert "BSI Group (2797)" in facts and "Går snart ut" in facts
    # The solution's own fields now say what the register says, as an audited change of the solution.
    shown = api("get", f"/solutions/{solution.id}", users["owner"]).get_json()
    assert (shown["supplier"], shown["product"], shown["product_version"]) == (
        "Nordic Imaging AI AB", "LungTriage", "3.2")
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.entity_type == "solution",
                                                           AuditEvent.entity_id == str(solution.id))
                               .order_by(AuditEvent.position.desc())).first()
    assert event.data["reason_code"] == "supplier_register_names"
    # A renamed product version follows to every solution that uses it.
    etag = api("get", f"/supplier-products/{product['id']}", compliance).headers["ETag"]
    assert api("patch", f"/supplier-products/{product['id']}", compliance, {"product_version": "3.2.1"},
               headers={"If-Match": etag}).status_code == 200
    assert api("get", f"/solutions/{solution.id}", users["owner"]).get_json()["product_version"] == "3.2.1"
