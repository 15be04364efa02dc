"""`flask demo load --scale N`: N solutions, N classified answer sets and 10·N chained audit events,
bulk-written (COPY on PostgreSQL); the chain verifies and the app keeps numbering after them."""

from __future__ import annotations

from sqlalchemy import func, select

from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.classification.models import Classification
from ai_register.extensions import db
from ai_register.solutions.models import Solution

from .conftest import BASE


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_scale_load_writes_a_verifiable_chain(runner, client, users, auth):
    events_before = count(AuditEvent)
    result = runner.invoke(args=["demo", "load", "--scale", "30"])
    assert result.exit_code == 0, result.output
    assert "Loaded 30 solutions and 300 chained audit events" in result.output
    db.session.expire_all()
    assert (count(Solution), count(Classification)) == (30, 30)
    scale_events = count(AuditEvent) - events_before
    assert 300 <= scale_events <= 300 + 60  # the scale users and the rule-set snapshot are audited too
    report = audit.verify_stored_chain()
    assert report.intact and report.events == count(AuditEvent)
    seqs = db.session.scalars(select(AuditEvent.solution_seq).where(AuditEvent.solution_id == 7)
                              .order_by(AuditEvent.position)).all()
    assert seqs == list(range(1, 11))

    # The app carries on after the bulk load: new ids, the next chain link, the list and its search.
    response = client.post(BASE, json={"name": "Efter skalning", "purpose": "x"}, headers=auth(users["owner"]))
    assert response.status_code == 201 and response.get_json()["id"] == 31
    assert audit.verify_stored_chain().intact
    listed = client.get(f"{BASE}?q=sepsis&per_page=200", headers=auth(users["compliance"])).get_json()
    assert all("sepsis" in (s["name"] + s["purpose"]).lower() for s in listed["items"])
