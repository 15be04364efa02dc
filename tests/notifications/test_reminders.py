"""`flask reminders run`: notifications created once however often it runs; e-mail sent once."""

from __future__ import annotations

import email.policy
import json
import socket
import socketserver
import threading
from datetime import date
from email import message_from_bytes

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from ai_register.audit.services import verify_stored_chain
from ai_register.extensions import db
from ai_register.notifications.models import Notification
from tests.answers import HIGH_RISK


class FakeSmtp(socketserver.ThreadingTCPServer):
    """Just enough SMTP on loopback to receive messages from smtplib (no TLS, no auth)."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.messages: list = []
        super().__init__(("127.0.0.1", 0), _SmtpHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 fake ESMTP")
        envelope: dict = {"to": []}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 fake")
            elif verb == "MAIL":
                envelope = {"from": command, "to": []}
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["to"].append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with .")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    chunk = self.rfile.readline()
                    if not chunk:
                        return
                    data += chunk
                body = data[:-5].replace(b"\r\n..", b"\r\n.")
                self.server.messages.append((envelope["to"], message_from_bytes(body, policy=email.policy.default)))
                self.reply("250 queued")
            elif verb == "RSET":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp(app):
    server = FakeSmtp()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_DEFAULT_SENDER="ai@region.example",
                      PUBLIC_BASE_URL="https://ai-register.region.example")
    yield server
    server.shutdown()
    server.server_close()


def run(runner, *args) -> dict:
    result = runner.invoke(args=["reminders", "run", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def notification_count(**filters) -> int:
    db.session.expire_all()
    query = select(func.count(Notification.id))
    for name, value in filters.items():
        query = query.where(getattr(Notification, name) == value)
    return db.session.scalar(query)


def test_reminders_are_created_once_however_often_it_runs(runner, api, solution, classify, report, users):
    classify(solution, HIGH_RISK, role="provider")
    with freeze_time("2026-05-04 08:00:00") as clock:
        incident = report(solution, patient_harm="death").get_json()
        first = run(runner)
        # Each open duty reminds the owner and both compliance officers; the pause prompt was made at report.
        duties = len(incident["duties"])
        assert first["created_by_kind"] == {"incident_duty_due": duties * 3}
        assert first["emailed"] == 0  # no SMTP configured
        for _ in range(3):
            assert run(runner)["created"] == 0
        total = notification_count()
        assert notification_count(kind="incident_serious_consider_pause") == 1

        clock.move_to("2026-05-15 08:00:00")  # day 11: every duty is overdue
        later = run(runner)
        assert later["created_by_kind"] == {"incident_duty_overdue": duties * 3}
        assert run(runner)["created"] == 0
        assert notification_count() == total + duties * 3
    assert verify_stored_chain().intact


def test_reviews_oversight_and_evidence_remind_once(runner, make_solution, users):
    from ai_register.evidence.models import Evidence
    from ai_register.oversight.models import OversightAssignment

    with freeze_time("2026-05-04 08:00:00") as clock:
        solution = make_solution(phase="management", next_review_on=date(2026, 5, 20))
        db.session.add(Evidence(solution_id=solution.id, type="notified_body_certificate",
                                title="NB certificate",
                                issued_on=date(2021, 6, 1), expires_on=date(2026, 6, 30),
                                created_by_id=users["owner"].id))
        db.session.add(OversightAssignment(solution_id=solution.id, user_id=users["owner2"].id,
                                           created_by_id=users["owner"].id, authority_to_suspend=True,
                                           accepted_on=date(2025, 5, 10)))
        db.session.commit()
        first = run(runner)
        assert first["created_by_kind"] == {"review_due": 1, "evidence_expiring": 1,
                                            "oversight_confirmation_due": 1}
        assert notification_count(kind="oversight_confirmation_due", user_id=users["owner2"].id) == 1
        assert run(runner)["created"] == 0

        clock.move_to("2026-05-21 08:00:00")
        overdue = run(runner)
        # The overdue review reminds the owner and compliance; the overdue confirmation also the owners.
        assert overdue["created_by_kind"] == {"review_overdue": 3, "oversight_confirmation_overdue": 2}
        assert run(runner)["created"] == 0
        clock.move_to("2026-07-01 08:00:00")
        assert run(runner)["created_by_kind"] == {"evidence_expired": 3}


def test_pilot_evaluation_prompts_a_follow_up_decision_once(runner, make_solution, users):
    from ai_register.evidence.models import Evidence

    with freeze_time("2026-05-04 08:00:00"):
        pilot = make_solution(phase="pilot")
        db.session.add(Evidence(solution_id=pilot.id, type="pilot_evaluation", title="Pilot evaluation",
                                issued_on=date(2026, 5, 1), created_by_id=users["owner"].id))
        db.session.commit()
        assert run(runner)["created_by_kind"] == {"follow_up_decision": 1}
        assert run(runner)["created"] == 0


def test_email_is_sent_once(runner, smtp, solution, report, users, api):
    with freeze_time("2026-05-04 08:00:00"):
        report(solution, patient_harm="death")
        first = run(runner)
        pending = notification_count()
        assert first["emailed"] == pending and first["email_failed"] == 0
        for _ in range(2):
            again = run(runner)
            assert again["emailed"] == 0 and again["created"] == 0
    assert len(smtp.messages) == pending
    recipients = sorted(to[0] for to, _ in smtp.messages)
    assert set(recipients) == {users["owner"].email, users["compliance"].email, users["compliance2"].email}
    to, message = next(m for m in smtp.messages if "tillsynsansvarig" in m[1]["Subject"])
    assert to == [users["owner"].email]
    assert message["From"] == "ai@region.example"
    assert "https://ai-register.region.example/incidents/" in message.get_content()
    assert notification_count(emailed_at=None) == 0


def test_read_notifications_are_not_emailed_and_failures_are_retried(runner, app, solution, report, api):
    report(solution, patient_harm="serious")
    mine = api.get("owner", "/api/v1/notifications").get_json()["items"]
    api.post("owner", f"/api/v1/notifications/{mine[0]['id']}/read")
    # Nothing listens on this port: the send fails and is left for a later run.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_TIMEOUT=2)
    failed = run(runner)
    assert failed["emailed"] == 0 and failed["email_failed"] >= 1
    db.session.expire_all()
    errors = db.session.scalars(select(Notification).where(Notification.email_error.is_not(None))).all()
    assert errors and all(n.emailed_at is None and n.email_attempts == 1 for n in errors)
    server = FakeSmtp()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app.config.update(MAIL_PORT=server.port)
        retried = run(runner)
        assert retried["emailed"] == len(errors)
        assert len(server.messages) == len(errors)
    finally:
        server.shutdown()
        server.server_close()
    read = db.session.get(Notification, mine[0]["id"])
    db.session.refresh(read)
    assert read.emailed_at is None  # read before any e-mail went out: none is sent


def test_no_email_flag(runner, smtp, solution, report):
    report(solution, patient_harm="death")
    assert run(runner, "--no-email")["emailed"] == 0
    assert smtp.messages == []


def test_overdue_breach_assessments_and_explanation_requests_remind_once_in_swedish(runner, smtp, api,
                                                                                    make_solution, users):
    """A breach's assessment not decided in time, and a request for an explanation (Art 86) near or past its
    due day, are reminded once per due day, and the e-mail speaks Swedish."""
    from ai_register.oversight.models import OversightAssignment

    with freeze_time("2026-05-04 08:00:00") as clock:
        solution = make_solution(phase="management")
        db.session.add(OversightAssignment(solution_id=solution.id, user_id=users["owner2"].id,
                                           created_by_id=users["owner"].id, authority_to_suspend=True,
                                           accepted_on=date(2026, 1, 10)))
        db.session.commit()
        metric = api.post("owner", f"/api/v1/solutions/{solution.id}/monitoring/metrics", json={
            "name": "Larmfrekvens", "kind": "alert_rate", "direction": "lower_is_better", "upper_threshold": "12",
            "frequency": "weekly"}).get_json()
        breach = api.post("owner", f"/api/v1/monitoring/metrics/{metric['id']}/values",
                          json={"period_end": "2026-05-03", "value": "15"}).get_json()
        assert breach["assessment_id"]  # due in five days (AI_REGISTER_MONITORING_ASSESSMENT_DAYS)
        asked = api.post("owner", f"/api/v1/solutions/{solution.id}/explanation-requests", json={
            "received_on": "2026-05-04", "channel": "letter", "summary": "Varför prioriterades jag lägre?"})
        assert asked.status_code == 201 and asked.get_json()["due_on"] == "2026-06-03"
        first = run(runner)["created_by_kind"]
        assert not {"monitoring_assessment_overdue", "explanation_request_due",
                    "explanation_request_overdue"} & set(first)

        clock.move_to("2026-05-10 08:00:00")
        late = run(runner)
        # The oversight owner it waits for, the AI owner and both compliance officers.
        assert late["created_by_kind"] == {"monitoring_assessment_overdue": 4}
        assert run(runner)["created"] == 0
        to, message = next(m for m in smtp.messages if m[0] == [users["owner2"].email]
                           and "bedömningen av Larmfrekvens" in m[1]["Subject"])
        assert "FÖRSENAD" in message["Subject"]
        assert f"/monitoring/assessments/{breach['assessment_id']}" in message.get_content()

        clock.move_to("2026-05-28 08:00:00")  # within a week of the due day: the owners are reminded
        assert run(runner)["created_by_kind"] == {"explanation_request_due": 1}
        clock.move_to("2026-06-04 08:00:00")
        overdue = run(runner)
        assert overdue["created_by_kind"] == {"explanation_request_overdue": 3}
        assert run(runner)["created"] == 0
        subjects = [m["Subject"] for to, m in smtp.messages if to == [users["owner"].email]]
        assert any("begäran om förklaring (artikel 86) som kom in 2026-05-04 är FÖRSENAD" in s for s in subjects)

        # Answered: nothing more; decided: the overdue assessment leaves the agenda.
        one = f"/api/v1/explanation-requests/{asked.get_json()['id']}"
        assert api.patch("owner", one, json={"answered_on": "2026-06-04", "answer_summary": "Förklarat per brev."},
                         headers=api.if_match("owner", one)).status_code == 200
        assessment = f"/api/v1/monitoring/assessments/{breach['assessment_id']}"
        assert api.post("owner2", f"{assessment}/decision", json={"decision": "not_incident",
                                                                   "reason": "Influensasäsong."},
                        headers=api.if_match("owner2", assessment)).status_code == 200
        agenda = api.get("compliance", "/api/v1/follow-up").get_json()
        assert not [i for i in agenda["items"] if i["kind"].startswith(("monitoring_", "explanation_"))]
    assert verify_stored_chain().intact
