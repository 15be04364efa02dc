"""The review page shows a reviewer what they need beside the answers: the solution's purpose, intended use,
supplier and product, its evidence with links, the previous approved version and what changed (answers
and result: category, routes, device class, obligations), and the fired rules with their citations."""

from __future__ import annotations

import io
from datetime import date, timedelta

from tests.answers import HIGH_RISK, MINIMAL
from tests.helpers import solution_factory

from .conftest import text


def _api(client, auth):
    def call(method: str, path: str, user, json=None, **kwargs):
        return client.open(f"/api/v1{path}", method=method.upper(), json=json, headers=auth(user), **kwargs)

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
