"""GET /notifications (own only) and POST /notifications/{id}/read."""

from __future__ import annotations

from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db


def test_own_notifications_and_marking_read(api, solution, report, users):
    report(solution, patient_harm="death")
    mine = api.get("owner", "/api/v1/notifications")
    assert mine.status_code == 200
    body = mine.get_json()
    assert body["total"] == 1 and body["unread"] == 1
    item = body["items"][0]
    assert item["kind"] == "incident_serious_consider_pause" and item["read_at"] is None
    assert item["link"].startswith("/incidents/")
    # Nobody else sees it or can mark it read.
    for who in ("owner2", "compliance", "auditor", "admin"):
        assert api.get(who, "/api/v1/notifications").get_json()["total"] == 0
    assert api.post("owner2", f"/api/v1/notifications/{item['id']}/read").status_code == 404
    assert api.post("admin", f"/api/v1/notifications/{item['id']}/read").status_code == 404
    read = api.post("owner", f"/api/v1/notifications/{item['id']}/read")
    assert read.status_code == 200 and read.get_json()["read_at"]
    again = api.post("owner", f"/api/v1/notifications/{item['id']}/read")
    assert again.get_json()["read_at"] == read.get_json()["read_at"]
    assert api.get("owner", "/api/v1/notifications?unread=true").get_json()["total"] == 0
    assert api.get("owner", "/api/v1/notifications?unread=false").get_json()["total"] == 1
    assert api.get("owner", "/api/v1/notifications?colour=red").status_code == 422
    assert api.client.get("/api/v1/notifications").status_code == 401
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "notification")).all()
    assert events == ["create", "read"]


def test_admin_has_an_own_list(api):
    response = api.get("admin", "/api/v1/notifications")
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_an_incident_duty_reminder_names_the_recipient_and_citation_in_the_readers_language(app):
    """The agenda stores the recipient's code and the citation; the message words them at display."""
    from datetime import date

    from flask_babel import force_locale

    from ai_register.notifications.models import Notification
    from ai_register.notifications.services import message

    params = {"solution": "LungTriage", "incident_id": 7, "duty_key": "ai_act_art73",
              "duty": "Market-surveillance authority (AI Act) (Regulation (EU) 2024/1689, Art 73(2))",
              "recipient": "market_surveillance_authority", "citation": "Regulation (EU) 2024/1689, Art 73(2)"}
    reminder = Notification(kind="incident_duty_due", params=params, due_on=date(2026, 12, 20))
    with force_locale("sv"):
        swedish = message(reminder)
    with force_locale("en"):
        english = message(reminder)
    assert "Marknadskontrollmyndigheten (AI-förordningen) (förordning (EU) 2024/1689, art. 73.2)" in swedish
    assert "Market-surveillance authority (AI Act) (Regulation (EU) 2024/1689, Art 73(2))" in english
    stored_before = Notification(kind="incident_duty_due", params={**params, "recipient": None},
                                 due_on=date(2026, 12, 20))
    with force_locale("sv"):
        assert "Market-surveillance authority (AI Act) (Regulation (EU) 2024/1689, Art 73(2))" in message(stored_before)
