"""A solution with a story, built through the real API: registered, renamed, classified and reviewed,
an oversight owner named, a goal measured, evidence recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from tests.answers import PUBLIC_BENEFITS

# Annex III 5(a), deployer, public authority: high-risk; FRIA and EU-database registration due.
# Profiling answered "unsure": high-risk all the same (Art 6(3) cannot lift it).
HIGH_RISK_ANSWERS = {**PUBLIC_BENEFITS, "profiling": "unsure"}

ORIGINAL_NAME = "Triagestöd för akuten"
NEW_NAME = "Triagestöd för akutmottagningen – åäö ÅÄÖ"


@dataclass
class Story:
    solution_id: int
    created_at: str
    renamed_at: str
    classification_id: int | None = None
    evidence_ids: list[int] = field(default_factory=list)


def ok(response, *statuses):
    assert response.status_code in (statuses or (200, 201)), (response.status_code,
                                                               response.get_data(as_text=True))
    return response.get_json(silent=True)


def etag(client, headers, solution_id) -> str:
    response = client.get(f"/api/v1/solutions/{solution_id}", headers=headers)
    ok(response, 200)
    return response.headers["ETag"]


def register_solution(client, auth, owner, *, name=ORIGINAL_NAME, public=True, **extra) -> int:
    body = {"name": name, "purpose": "Stöd för prioritering av patienter på akuten.",
            "care_units": ["Akutmottagningen Sunderby sjukhus"], "public": public,
            "supplier": "Exempel AB", "product": "TriageAI", "product_version": "2.1", **extra}
    return ok(client.post("/api/v1/solutions", json=body, headers=auth(owner)), 201)["id"]


@pytest.fixture
def story(client, auth, users) -> Story:
    owner, compliance = users["owner"], users["compliance"]
    owner_headers = auth(owner)
    solution_id = register_solution(client, auth, owner)
    created_at = (db.session.query(AuditEvent.occurred_at)
                  .filter_by(solution_id=solution_id, solution_seq=1).scalar())

    response = client.patch(f"/api/v1/solutions/{solution_id}",
                            json={"name": NEW_NAME, "reason": "clearer name"},
                            headers={**owner_headers, "If-Match": etag(client, owner_headers, solution_id)})
    ok(response, 200)
    renamed_at = db.session.query(AuditEvent.occurred_at).filter_by(solution_id=solution_id).order_by(
        AuditEvent.solution_seq.desc()).limit(1).scalar()

    result = Story(solution_id, _iso(created_at), _iso(renamed_at))
    classification = ok(client.post(f"/api/v1/solutions/{solution_id}/classifications",
                                    json={"answers": HIGH_RISK_ANSWERS}, headers=owner_headers), 201)
    result.classification_id = classification["id"]
    ok(client.post(f"/api/v1/classifications/{classification['id']}/submit", json={},
                   headers=owner_headers), 200)
    ok(client.post(f"/api/v1/classifications/{classification['id']}/approve",
                   json={"justification": "Stämmer med bilaga III 5 a."}, headers=auth(compliance)), 200)

    ok(client.put(f"/api/v1/solutions/{solution_id}/oversight", json={
        "person": {"name": "Åsa Öberg", "title": "Verksamhetschef", "unit": "Akutmottagningen",
                   "contact": "asa.oberg@region.example"},
        "authority_to_suspend": True,
        "monitors": {"understands_capabilities_limits": True, "aware_of_automation_bias": True,
                     "interprets_output": True, "can_disregard_override_reverse": True,
                     "can_interrupt_stop": True},
        "accepted_on": "2026-01-15",
    }, headers={**owner_headers, "If-Match": etag(client, owner_headers, solution_id)}), 200, 201)

    from ai_register.portfolio.indicators import ensure_default_indicators, indicator_ids_by_code

    ensure_default_indicators()
    db.session.commit()
    goal = ok(client.post(f"/api/v1/solutions/{solution_id}/goals", json={
        "indicator_id": indicator_ids_by_code()["accessibility"],
        "perspective": "operations", "title": "Kortare väntetid", "indicator": "Minuter till triage",
        "unit": "min", "baseline": 42, "target": 20, "higher_is_better": False}, headers=owner_headers), 201)
    ok(client.post(f"/api/v1/solutions/{solution_id}/goals/{goal['id']}/measurements",
                   json={"measured_on": "2026-03-01", "value": 31}, headers=owner_headers), 201)

    for body in ({"type": "fria", "title": "FRIA akuttriage", "issued_on": "2026-02-01",
                  "expires_on": "2027-02-01", "note": "Inga oproportionerliga risker."},
                 {"type": "dpia", "title": "DPIA akuttriage", "issued_on": "2025-01-01",
                  "expires_on": "2025-12-31"}):
        result.evidence_ids.append(ok(client.post(f"/api/v1/solutions/{solution_id}/evidence", json=body,
                                                  headers=owner_headers), 201)["id"])
    return result


def _iso(moment) -> str:
    from ai_register.audit.chain import format_timestamp

    return format_timestamp(moment)
