"""The follow-up web pages: report an incident in a minute, list and detail, duties, notifications."""

from __future__ import annotations

import re

import pytest
from flask import g
from freezegun import freeze_time
from sqlalchemy import select

from ai_register.extensions import db
from ai_register.incidents.models import Incident
from ai_register.notifications.models import Notification
from tests.answers import HIGH_RISK

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """A test client signed in as one user, posting forms with a real CSRF token."""

    def __init__(self, app, user):
        self.client = app.test_client()
        with self.client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True

    @staticmethod
    def _fresh() -> None:
        # The test keeps one app context open; Flask reuses it, so `g` would leak between clients.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    def get(self, url, **kwargs):
        self._fresh()
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, **kwargs):
        token = CSRF.search(self.get("/notifications").get_data(as_text=True)).group(1)
        self._fresh()
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


@pytest.fixture
def browser(app, users):
    return lambda who: Browser(app, users[who])


def text(response) -> str:
    return response.get_data(as_text=True)


def test_report_an_incident_in_a_minute(browser, solution, classify):
    classify(solution, HIGH_RISK, role="deployer")
    owner = browser("owner")
    form = owner.get(f"/incidents/new?solution_id={solution.id}")
    assert form.status_code == 200
    assert 'data-test="incident-form"' in text(form) and solution.name in text(form)
    response = owner.post("/incidents/new", {"solution_id": solution.id, "patient_harm": "serious",
                                              "what_happened": "Wrong dose suggested.",
                                              "care_unit": "Avd 12"})
    assert response.status_code == 302, text(response)
    incident = db.session.scalar(select(Incident))
    assert response.headers["Location"].endswith(f"/incidents/{incident.id}")
    assert incident.care_unit == "Avd 12" and incident.serious
    page = owner.get(f"/incidents/{incident.id}")
    assert page.status_code == 200
    body = text(page)
    assert 'data-duty="ai_act_art26_5_provider"' in body and "art. 26.5" in body  # the citation in Swedish
    assert 'data-test="suggest-pause"' in body


def test_form_errors_are_shown_and_nothing_is_saved(browser, solution):
    owner = browser("owner")
    response = owner.post("/incidents/new", {"solution_id": solution.id, "what_happened": "",
                                              "patient_harm": "none"})
    assert response.status_code == 422 and "error-summary" in text(response)
    future = owner.post("/incidents/new", {"solution_id": solution.id, "what_happened": "Something odd.",
                                            "patient_harm": "none", "became_aware_at": "2999-01-01T10:00"})
    assert future.status_code == 422
    assert db.session.scalar(select(Incident.id)) is None


def test_awareness_typed_in_stockholm_time(browser, solution):
    with freeze_time("2026-05-04 08:00:00"):
        owner = browser("owner")  # signed in at the frozen time, or the session cookie is from the future
        owner.post("/incidents/new", {"solution_id": solution.id, "what_happened": "Late alarm.",
                                      "patient_harm": "none", "became_aware_at": "2026-05-04T09:30"})
    incident = db.session.scalar(select(Incident))
    aware = incident.became_aware_at
    assert (aware.hour, aware.minute) == (7, 30)  # 09:30 CEST is 07:30 UTC


def test_duties_and_status_through_the_pages(browser, solution, classify):
    classify(solution, HIGH_RISK, role="provider")
    owner = browser("owner")
    owner.post("/incidents/new", {"solution_id": solution.id, "what_happened": "Missed sepsis.",
                                  "patient_harm": "death"})
    incident = db.session.scalar(select(Incident))
    path = f"/incidents/{incident.id}"

    def save(kind: str, data: dict):
        """As the page does: the form carries the incident's version when it was read."""
        db.session.expire_all()
        return owner.post(f"{path}/{kind}", {**data, "version": db.session.get(Incident, incident.id).version})

    done = save("duties", {"key": "ai_act_art73", "action": "done", "reference": "MSA-9"})
    assert done.status_code == 302
    refused = save("duties", {"key": "lex_maria", "action": "not_applicable"})
    assert refused.status_code == 422 and "Say why" in text(refused)
    save("duties", {"key": "lex_maria", "action": "done", "reference": "IVO-1"})
    for key in ("lex_maria_investigation", "lex_maria_patient_information"):
        save("duties", {"key": key, "action": "done", "reference": "Utredning 1"})
    assert save("status", {"status": "assessed"}).status_code == 302
    wrong = save("status", {"status": "reported"})
    assert wrong.status_code == 422
    assert save("status", {"status": "reported_to_authority"}).status_code == 302
    assert save("status", {"status": "closed"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status == "closed"


def test_a_stale_incident_page_never_overwrites_and_keeps_what_was_typed(browser, solution, classify):
    """Two officers have the incident open; the second save is refused with the form kept (as If-Match)."""
    classify(solution, HIGH_RISK, role="provider")
    owner, officer = browser("owner"), browser("compliance")
    owner.post("/incidents/new", {"solution_id": solution.id, "what_happened": "Missed sepsis.",
                                  "patient_harm": "death"})
    incident = db.session.scalar(select(Incident))
    path = f"/incidents/{incident.id}"
    read_at = re.search(r'name="version" value="(\d+)"', text(owner.get(path))).group(1)
    assert officer.post(f"{path}/duties", {"key": "ai_act_art73", "action": "done", "reference": "MSA-9",
                                           "version": read_at}).status_code == 302
    stale = owner.post(f"{path}/status", {"status": "assessed", "assessment_notes": "Sepsis missed twice.",
                                          "version": read_at})
    page = text(stale)
    assert stale.status_code == 412 and "Någon har ändrat avvikelsen under tiden" in page
    assert "Sepsis missed twice." in page  # what the owner typed is still in the form
    stale_duty = owner.post(f"{path}/duties", {"key": "lex_maria", "action": "done", "reference": "IVO-7",
                                               "version": read_at})
    assert stale_duty.status_code == 412 and 'value="IVO-7"' in text(stale_duty)
    db.session.expire_all()
    kept = db.session.get(Incident, incident.id)
    assert kept.status != "assessed" and not kept.assessment_notes
    assert {d.key: d.reference for d in kept.duties}["lex_maria"] is None
    # The page came back with the current version: saving again, having seen the change, goes through.
    current = re.search(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"', page)
    assert owner.post(f"{path}/status", {"status": "assessed", "assessment_notes": "Sepsis missed twice.",
                                         "version": current.group(1) or current.group(2)}).status_code == 302


def test_lists_by_role(browser, make_solution, report, users):
    mine = make_solution(name="Mine")
    theirs = make_solution(owner=users["owner2"], name="Theirs")
    report(mine, patient_harm="death")
    report(theirs, "owner2")
    owner_list = text(browser("owner").get("/incidents"))
    assert "Mine" in owner_list and "Theirs" not in owner_list
    auditor_list = browser("auditor").get("/incidents")
    assert auditor_list.status_code == 200 and "Theirs" in text(auditor_list)
    assert browser("auditor").get("/incidents?overdue=true").status_code == 200
    assert browser("auditor").get(f"/solutions/{mine.id}/incidents").status_code == 200
    assert browser("owner2").get(f"/solutions/{mine.id}/incidents").status_code == 404
    assert browser("admin").get("/incidents").status_code == 403


def test_auditor_and_other_owner_change_nothing(browser, solution, report):
    incident = report(solution, patient_harm="death").get_json()
    auditor, other = browser("auditor"), browser("owner2")
    page = auditor.get(f"/incidents/{incident['id']}")
    assert page.status_code == 200 and "update_duty" not in text(page) and 'name="action"' not in text(page)
    assert auditor.get("/incidents/new").status_code == 403
    assert auditor.post(f"/incidents/{incident['id']}/status", {"status": "assessed"}).status_code == 403
    assert auditor.post(f"/incidents/{incident['id']}/duties", {"key": "lex_maria", "action": "done"}
                        ).status_code == 403
    assert other.get(f"/incidents/{incident['id']}").status_code == 404
    assert other.post(f"/incidents/{incident['id']}/status", {"status": "assessed"}).status_code == 404
    # Another owner's solution is not offered, and posting it anyway is refused.
    assert f'value="{solution.id}"' not in text(other.get("/incidents/new"))
    assert other.post("/incidents/new", {"solution_id": solution.id, "what_happened": "x y z",
                                         "patient_harm": "none"}).status_code == 422


def test_notifications_page(browser, solution, report, users):
    report(solution, patient_harm="death")
    owner = browser("owner")
    page = owner.get("/notifications")
    assert page.status_code == 200 and "överväg att pausa" in text(page)
    notification = db.session.scalar(select(Notification))
    other = browser("owner2").post(f"/notifications/{notification.id}/read", {"next": "list"})
    assert other.status_code == 404
    opened = owner.post(f"/notifications/{notification.id}/read", {"next": "link"})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(notification.link)
    db.session.refresh(notification)
    assert notification.read_at is not None
    assert owner.post("/notifications/read-all").status_code == 302
    assert browser("admin").get("/notifications").status_code == 200


def test_anonymous_is_sent_to_sign_in(app):
    response = app.test_client().get("/incidents")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
