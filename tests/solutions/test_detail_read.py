"""GET /api/v1/solutions/{id} reads the solution in one Core statement into objects no session holds
(solutions.detail.read_detail); every other answer reads it through the ORM (`get_solution` with the
detail's loader options). Both must give the same answer to the byte: status, body, ETag and type, for
every reader, whatever the solution holds (co-owners, a pending move, an oversight owner and deputy of
either kind, a kept classification summary or none). The demo region's solutions are compared the same
way in tests/test_demo.py (tests/helpers.details_read_alike_without_kept_summaries)."""

from __future__ import annotations

from datetime import date

import pytest

from ai_register.extensions import db
from ai_register.oversight.models import OversightAssignment, Person
from ai_register.solutions import detail
from ai_register.solutions.access import get_solution
from ai_register.solutions.models import TransitionRequest
from tests.answers import HIGH_RISK, MINIMAL, PROHIBITED
from tests.area_fixtures import api, classify, make_solution  # noqa: F401 - fixtures

BASE = "/api/v1/solutions"


def through_the_orm(solution_id, user):
    return get_solution(solution_id, user, options=detail.detail_load_options())


@pytest.fixture
def fallbacks(monkeypatch) -> list[int]:
    """The solutions `read_detail` handed to the ORM path (no kept summary)."""
    handed: list[int] = []

    def counted(solution_id, user, **kwargs):
        handed.append(solution_id)
        return get_solution(solution_id, user, **kwargs)

    monkeypatch.setattr(detail, "get_solution", counted)
    return handed


def answers(client, monkeypatch, headers: dict, ids: list[int]) -> tuple[list, list]:
    """Each solution's answer read the API's way, then through the ORM path."""
    def read_all():
        out = []
        for sid in ids:
            response = client.get(f"{BASE}/{sid}", headers=headers)
            out.append((response.status_code, response.get_data(), response.headers.get("ETag"),
                        response.headers["Content-Type"]))
        return out

    fast = read_all()
    with monkeypatch.context() as patch:
        patch.setattr(detail, "read_detail", through_the_orm)
        orm = read_all()
    return fast, orm


def test_the_detail_reads_as_the_orm_reads_it(app, client, auth, users, make_user, make_solution, classify,  # noqa: F811
                                              monkeypatch, fallbacks):
    owner = users["owner"]
    helpers = [make_user("owner", name=f"Helper {n}") for n in range(3)]
    plain = make_solution(name="Unclassified")  # no kept summary: the ORM path
    shared = make_solution(name="Shared", co_owners=list(reversed(helpers)), care_units=["Akuten", "IVA"],
                           tags=["triage"], next_review_on=date(2027, 1, 31), critical_for_patient_care=True)
    classify(shared, HIGH_RISK)
    moving = make_solution(name="Moving", phase="pilot")
    classify(moving, MINIMAL)
    classify(moving, HIGH_RISK)  # a later decided version over an earlier one
    person = Person(name="Dr. Extern", title="Överläkare", unit="Kardiologi", contact="extern@example.org",
                    created_by_id=owner.id)
    deputy = Person(name="Sjuksköterska Vik", created_by_id=owner.id)
    db.session.add_all([person, deputy])
    db.session.flush()
    db.session.add_all([
        TransitionRequest(solution_id=moving.id, from_phase="pilot", to_phase="rollout", approval_required=True,
                          reason="Piloten är klar", requested_by_id=helpers[0].id),
        OversightAssignment(solution_id=moving.id, person_id=person.id, deputy_user_id=helpers[1].id,
                            authority_to_suspend=True, accepted_on=date(2025, 1, 2), competence="Kardiolog",
                            created_by_id=owner.id),
        OversightAssignment(solution_id=shared.id, user_id=helpers[2].id, deputy_person_id=deputy.id,
                            authority_to_suspend=False, created_by_id=owner.id),
    ])
    db.session.commit()
    blocked = make_solution(name="Blocked")
    classify(blocked, PROHIBITED)
    ids = [plain.id, shared.id, moving.id, blocked.id, 2**31 - 1]

    for reader in ("compliance", "auditor", "owner", "owner2"):
        fallbacks.clear()
        fast, orm = answers(client, monkeypatch, auth(users[reader]), ids)
        assert fast == orm, reader
        assert plain.id in fallbacks and shared.id not in fallbacks and moving.id not in fallbacks, reader
    def statuses(reader):
        return [status for status, *_ in answers(client, monkeypatch, auth(users[reader]), ids)[0]]

    assert statuses("owner") == [200, 200, 200, 200, 404]
    assert statuses("owner2") == [404] * 5  # another owner's solutions and a missing one alike
    body = client.get(f"{BASE}/{moving.id}", headers=auth(users["compliance"])).get_json()
    assert body["pending_transition"]["requested_by"]["id"] == helpers[0].id
    assert body["oversight_owner"]["person"]["name"] == "Dr. Extern"
    assert body["oversight_owner"]["deputy"]["user_id"] == helpers[1].id
    assert [u["id"] for u in client.get(f"{BASE}/{shared.id}", headers=auth(users["compliance"]))
            .get_json()["co_owners"]] == sorted(u.id for u in helpers)
    refused = client.get(f"{BASE}/{shared.id}", headers=auth(users["admin"]))
    assert refused.status_code == 403

    app.config["OWNERS_READ_ALL"] = True
    try:
        fast, orm = answers(client, monkeypatch, auth(users["owner2"]), ids)
    finally:
        app.config["OWNERS_READ_ALL"] = False
    assert fast == orm and [status for status, *_ in fast] == [200, 200, 200, 200, 404]
