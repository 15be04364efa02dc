"""The register's own personal data: inventory, Art 15 export, retention with a verifiable audit chain."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.incidents.models import Incident
from ai_register.oversight.models import Person
from ai_register.users.models import User


def register(client, headers, name="Sepsis warning") -> int:
    response = client.post("/api/v1/solutions", headers=headers, json={"name": name, "purpose": "Warns early."})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def report_incident(client, headers, solution_id: int) -> int:
    response = client.post(f"/api/v1/solutions/{solution_id}/incidents", headers=headers,
                           json={"what_happened": "Patient Anna A. was missed by the model."})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_inventory_lists_the_personal_data(client, users, auth):
    response = client.get("/api/v1/privacy/inventory", headers=auth(users["admin"]))
    assert response.status_code == 200
    body = response.get_json()
    keys = {c["key"] for c in body["categories"]}
    assert {"users", "persons", "oversight_assignments", "incidents", "audit_events"} <= keys
    assert body["users"]["active"] == 6
    assert ("incidents", "reported_by_id") in {(r["table"], r["column"]) for r in body["references"]}


def test_inventory_counts_people_and_records_in_two_statements(client, users, auth, without_auth_cache):
    """How many different people each column names, records per category and the trail's length, from
    indexes: two statements however many rows name the people."""
    from tests.reliability.conftest import counted_statements

    for n, who in enumerate(("owner", "owner2", "owner")):
        register(client, auth(users[who]), f"Solution {n}")
    headers = auth(users["admin"])
    with counted_statements() as statements:
        body = client.get("/api/v1/privacy/inventory", headers=headers).get_json()
    inventory = [s for s in statements if not s.startswith(("SELECT api_tokens", "SELECT users"))]  # the token's
    assert len(inventory) == 2, inventory
    named = {(r["table"], r["column"]): r["people"] for r in body["references"]}
    assert named[("solutions", "owner_id")] == 2 and named[("solutions", "created_by_id")] == 2
    assert named[("classifications", "answered_by_id")] == 0
    records = {c["key"]: c["records"] for c in body["categories"]}
    assert records["audit_events"] == db.session.scalar(select(func.count()).select_from(AuditEvent)) > 3
    assert records["users"] == 6 and records["persons"] == 0
    assert body["audit_actors"] == db.session.scalar(select(func.count(func.distinct(AuditEvent.actor_id))))


def test_every_column_that_names_a_person_is_indexed(app):
    """The inventory walks each such column's index, and an export finds a person's rows by it: a column
    added later without an index would make both read the whole table."""
    from ai_register.onboarding.privacy import _reference_columns

    unindexed = [f"{table.name}.{column.name}" for target in ("users", "persons")
                 for table, columns in _reference_columns(target) for column in columns
                 if not any(next(iter(index.columns), None) is column for index in table.indexes)
                 and list(table.primary_key.columns)[0] is not column]
    assert not unindexed


def test_export_of_a_user_lists_their_records(client, users, auth):
    owner = users["owner"]
    headers = auth(owner)
    solution_id = register(client, headers)
    incident_id = report_incident(client, headers, solution_id)
    response = client.get(f"/api/v1/privacy/users/{owner.id}/export", headers=auth(users["admin"]))
    assert response.status_code == 200 and response.is_streamed
    export = json.loads(response.get_data())
    assert export["subject"]["email"] == "owner@region.example" and "password_hash" not in export["subject"]
    assert solution_id in [row["id"] for row in export["records"]["solutions"]]
    assert incident_id in [row["id"] for row in export["records"]["incidents"]]
    assert all("jti" not in row for row in export["records"].get("api_tokens", []))
    assert {e["entity_type"] for e in export["audit_events_as_actor"]} >= {"solution", "incident"}
    assert export["audit_events_about"][0]["action"] == "create"
    assert "hash" not in export["audit_events_about"][0] and export["audit_events_about"][0]["entity_type"] == "user"
    # Nothing else is exported about a person than rows that name them: no table without such rows.
    assert "classifications" not in export["records"] and all(export["records"].values())
    # The disclosure itself is on the trail.
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export_personal_data",
                                                      AuditEvent.entity_id == str(owner.id))) is not None


def test_export_of_a_person_without_account(client, users, auth):
    person = Person(name="Petra Person", title="Nurse", created_by_id=users["compliance"].id)
    db.session.add(person)
    db.session.commit()
    response = client.get(f"/api/v1/privacy/persons/{person.id}/export", headers=auth(users["admin"]))
    assert response.status_code == 200 and response.get_json()["subject"]["name"] == "Petra Person"
    assert client.get("/api/v1/privacy/persons/999999/export", headers=auth(users["admin"])).status_code == 404


def test_roles_and_unknown_ids(client, users, auth):
    for role in ("owner", "compliance", "auditor"):
        headers = auth(users[role])
        assert client.get("/api/v1/privacy/inventory", headers=headers).status_code == 403
        assert client.get(f"/api/v1/privacy/users/{users['owner'].id}/export", headers=headers).status_code == 403
    assert client.get("/api/v1/privacy/users/999999/export", headers=auth(users["admin"])).status_code == 404
    assert client.get("/api/v1/privacy/inventory").status_code == 401


def test_web_page_and_download(client, users):
    def as_user(user):
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True

    as_user(users["compliance"])
    assert client.get("/privacy").status_code == 403
    assert client.get(f"/privacy/users/{users['owner'].id}/export").status_code == 403
    as_user(users["admin"])
    page = client.get("/privacy")
    assert page.status_code == 200 and b"Olga Owner" in page.data
    download = client.get(f"/privacy/users/{users['owner'].id}/export")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data)["subject"]["display_name"] == "Olga Owner"


def test_the_people_to_export_are_searched_and_paged(client, users, monkeypatch):
    """A region has thousands of staff accounts: the page lists a page of people (accounts and persons
    without an account together, by name) and finds one by name, e-mail or contact."""
    from ai_register.onboarding import privacy

    monkeypatch.setattr(privacy, "PEOPLE_PER_PAGE", 3)
    db.session.add_all([Person(name="Anna Andersson", contact="anna@vardcentral.example",
                               created_by_id=users["compliance"].id),
                        Person(name="Pia Persson", created_by_id=users["compliance"].id)])
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(users["admin"].id)
        session["_fresh"] = True

    def names(url: str) -> list[str]:
        page = client.get(url)
        assert page.status_code == 200
        return re.findall(r'<td data-label="Namn">([^<]+)</td>', page.get_data(as_text=True))

    first, third = names("/privacy"), names("/privacy?page=3")
    assert first == ["Adam Admin", "Agnes Auditor", "Anna Andersson"]  # 6 accounts and 2 persons, by name
    assert third == ["Otto Owner", "Pia Persson"]
    assert "8 personer" in client.get("/privacy").get_data(as_text=True)
    assert names("/privacy?q=VARDCENTRAL") == ["Anna Andersson"]  # a person's contact, any case
    assert names("/privacy?q=owner2%40region") == ["Otto Owner"]  # an account's e-mail
    found = client.get("/privacy?q=100%25").get_data(as_text=True)
    assert "Ingen person matchar." in found and 'value="100%"' in found  # the search is kept; % is a character
    assert names("/privacy?page=x") == first


def test_retention_pseudonymises_departed_staff_and_blanks_old_incident_text(app, client, runner, users, auth,
                                                                             make_user):
    from ai_register.users.services import deactivate_user

    departed = make_user("owner", "leaver@region.example", name="Lena Leaver")
    recent = make_user("owner", "recent@region.example", name="Rita Recent")
    solution_id = register(client, auth(departed), "Leaver's solution")
    old_incident = report_incident(client, auth(departed), solution_id)
    open_incident = report_incident(client, auth(departed), solution_id)
    deactivate_user(departed)
    deactivate_user(recent)
    db.session.commit()
    long_ago = datetime.now(UTC) - timedelta(days=400)
    # Set the past directly: the register has no way to backdate a deactivation or a closing.
    db.session.execute(User.__table__.update().where(User.id == departed.id).values(deactivated_at=long_ago))
    db.session.execute(Incident.__table__.update().where(Incident.id == old_incident)
                       .values(status="closed", closed_at=long_ago, actions_taken="Called Anna's family."))
    db.session.commit()

    result = runner.invoke(args=["privacy", "apply-retention"])
    assert "no retention set" in result.output  # nothing is culled until the region decides

    app.config.update(RETENTION_DEPARTED_STAFF_DAYS=365, RETENTION_INCIDENT_TEXT_DAYS=365)
    result = runner.invoke(args=["privacy", "apply-retention"])
    assert result.exit_code == 0, result.output
    assert "pseudonymised 1" in result.output and "closed incident(s)" in result.output
    db.session.expire_all()
    leaver = db.session.get(User, departed.id)
    assert leaver.display_name == f"Former staff {departed.id}" and "leaver" not in leaver.email
    assert db.session.get(User, recent.id).display_name == "Rita Recent"
    blanked = db.session.get(Incident, old_incident)
    assert blanked.what_happened == "" and blanked.actions_taken is None
    assert db.session.get(Incident, open_incident).what_happened.startswith("Patient")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(["pseudonymise", "erase_text"])))
    assert {(e.action, e.entity_id) for e in events} == {("pseudonymise", str(departed.id)),
                                                        ("erase_text", str(old_incident))}
    pseudonymise = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pseudonymise"))
    assert "Lena" not in json.dumps(pseudonymise.chain_fields(), default=str)
    assert audit.verify_stored_chain().intact

    # Idempotent: a second run changes nothing.
    events_before = db.session.scalar(select(AuditEvent.position).order_by(AuditEvent.position.desc()).limit(1))
    result = runner.invoke(args=["privacy", "apply-retention"])
    assert "pseudonymised 0" in result.output and "of 0 closed" in result.output
    assert db.session.scalar(select(AuditEvent.position).order_by(AuditEvent.position.desc()).limit(1)) \
        == events_before
    # The export of the pseudonymised account still lists their records, under the pseudonym.
    export = client.get(f"/api/v1/privacy/users/{departed.id}/export", headers=auth(users["admin"])).get_json()
    assert export["subject"]["display_name"] == f"Former staff {departed.id}"
    assert solution_id in [row["id"] for row in export["records"]["solutions"]]
