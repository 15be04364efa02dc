"""Deviation reports (issue 20): any signed-in person, the new staff role included, reports a deviation in
a short form; a named solution becomes an incident at once with its owners and compliance told, "don't
know" waits for compliance's triage; the deadlines run from the report's time either way."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ai_register.extensions import db
from ai_register.incidents.models import Deviation, Incident
from ai_register.notifications.models import Notification
from ai_register.onboarding import sso
from ai_register.users import services as user_services
from tests.helpers import solution_factory
from tests.webclient import text

PASSWORD = "staff-member-password-2026"
WHEN = "2026-12-01T08:30"


@pytest.fixture
def staff(make_user):
    return make_user("staff", "sofia@region.example", password=PASSWORD, name="Sofia Sjuksköterska")


@pytest.fixture
def solutions(users):
    make = solution_factory(users, name="x", purpose="x")
    return {
        "pilot": make(name="Sepsisvarning", phase="pilot", care_units=["Akutmottagningen Sunderby"],
                      co_owners=[users["owner2"]]),
        "management": make(name="Taligenkänning", phase="management", care_units=["Vårdcentral Kiruna"]),
        "needs": make(name="Hudscreening", phase="needs_analysis"),
    }


def _report(client, **fields):
    data = {"what_happened": "Varningen uteblev trots höga värden.", "occurred_at": WHEN,
            "patient_harm": "unknown", **fields}
    return client.post("/deviations/new", data)


def test_staff_reach_only_deviations(web, staff, app):
    client = web(staff)
    assert client.get("/").headers["Location"].endswith("/deviations")
    assert client.get("/deviations").status_code == 200
    assert client.get("/deviations/new").status_code == 200
    for path in ("/solutions", "/profile", "/incidents", "/portfolio", "/review", "/deviations/triage",
                 "/notifications"):
        assert client.get(path).status_code == 403, path
    page = text(client.get("/deviations/new"))
    assert "Rapportera avvikelse" in page and "Medarbetare" in page
    api = app.test_client().post("/api/v1/auth/token", json={"email": staff.email, "password": PASSWORD})
    assert api.status_code == 403


def test_staff_report_about_a_named_solution_becomes_an_incident(web, staff, solutions, users):
    client = web(staff)
    form = text(client.get(f"/deviations/new?solution_id={solutions['pilot'].id}"))
    assert re.search(rf'<input checked[^>]*value="{solutions["pilot"].id}"', form)
    assert "Hudscreening" not in form  # not in use: no deviation can be about it
    assert "identifierar en patient" in form
    response = _report(client, solution=str(solutions["pilot"].id), case_number="AV-2026-114",
                       patient_harm="yes")
    assert response.status_code == 302 and response.headers["Location"].endswith("/deviations")
    deviation = db.session.scalars(select(Deviation)).one()
    incident = db.session.get(Incident, deviation.incident_id)
    assert incident.solution_id == solutions["pilot"].id and incident.patient_harm == "harm"
    assert incident.reported_by_id == staff.id
    assert incident.became_aware_at.replace(tzinfo=UTC) == deviation.reported_at.replace(tzinfo=UTC)
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "deviation_reported")))
    assert told == {users["owner"].id, users["owner2"].id, users["compliance"].id, users["compliance2"].id}
    own = text(client.get("/deviations"))
    assert "AV-2026-114" in own and f"Registrerad som incident {incident.id}: Rapporterad" in own


def test_dont_know_goes_to_triage_and_deadlines_run_from_the_report(web, staff, solutions, users):
    client = web(staff)
    assert _report(client, solution="unknown").status_code == 302
    deviation = db.session.scalars(select(Deviation)).one()
    assert deviation.status == "in_triage" and deviation.incident_id is None
    assert "Väntar på att granskare hittar lösningen" in text(client.get("/deviations"))
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "deviation_triage")))
    assert told == {users["compliance"].id, users["compliance2"].id}
    # Triaged three days later: the incident is still aware from the report's time.
    deviation.reported_at = datetime.now(UTC) - timedelta(days=3)
    db.session.commit()
    officer = web("compliance")
    queue = text(officer.get("/deviations/triage?q=tal"))
    assert "Varningen uteblev" in queue and "Taligenkänning" in queue
    refused = officer.post(f"/deviations/{deviation.id}/triage", {"solution_id": ""})
    assert refused.status_code == 302
    assert db.session.get(Deviation, deviation.id).status == "in_triage"
    done = officer.post(f"/deviations/{deviation.id}/triage", {"solution_id": str(solutions["management"].id)})
    assert done.status_code == 302 and "/incidents/" in done.headers["Location"]
    db.session.refresh(deviation)
    incident = db.session.get(Incident, deviation.incident_id)
    assert deviation.status == "registered" and deviation.triaged_by_id == users["compliance"].id
    assert incident.reported_at.replace(tzinfo=UTC) == deviation.reported_at.replace(tzinfo=UTC)
    assert incident.became_aware_at.replace(tzinfo=UTC) == deviation.reported_at.replace(tzinfo=UTC)
    assert incident.patient_harm == "unknown"
    assert "Ingen rapport väntar på sortering" in text(officer.get("/deviations/triage"))
    again = officer.post(f"/deviations/{deviation.id}/triage", {"solution_id": str(solutions["pilot"].id)})
    assert again.status_code == 302 and db.session.get(Deviation, deviation.id).incident_id == incident.id


def test_triage_can_find_no_solution_with_a_reason(web, staff, solutions):
    _report(web(staff), solution="unknown")
    deviation = db.session.scalars(select(Deviation)).one()
    web("compliance").post(f"/deviations/{deviation.id}/triage",
                           {"solution_id": "", "triage_note": "Gäller journalsystemets larm, ingen AI."})
    db.session.refresh(deviation)
    assert deviation.status == "not_in_register" and deviation.incident_id is None
    assert "gäller ingen AI-lösning" in text(web(staff).get("/deviations"))


def test_the_form_refuses_bad_input_and_keeps_it(web, staff, solutions):
    client = web(staff)
    response = client.post("/deviations/new", {"what_happened": "Patient 19121212-1212 fick fel prioritet",
                                               "occurred_at": "", "case_number": "AV-1"})
    assert response.status_code == 422
    page = text(response)
    assert "Ta bort personnumret" in page and "Ange när det hände" in page
    assert "Svara ja, nej eller vet inte" in page and 'value="AV-1"' in page
    future = _report(client, solution="unknown", occurred_at="2099-01-01T10:00")
    assert future.status_code == 422 and "framtiden" in text(future)
    not_in_use = _report(client, solution=str(solutions["needs"].id))
    assert not_in_use.status_code == 422
    assert db.session.scalars(select(Deviation)).first() is None


def test_the_solution_search_finds_by_name_and_unit_without_javascript(web, staff, solutions):
    client = web(staff)
    searched = client.post("/deviations/new", {"solution_q": "kiruna", "search": "1",
                                               "what_happened": "Behåll mig"})
    assert searched.status_code == 200
    page = text(searched)
    assert "Taligenkänning" in page and "Sepsisvarning" not in page and "Behåll mig" in page
    assert "error-summary" not in page
    found = client.get("/deviations/solutions?q=seps").get_json()
    assert found == [{"id": solutions["pilot"].id, "name": "Sepsisvarning",
                      "care_units": ["Akutmottagningen Sunderby"]}]
    assert [s["name"] for s in client.get("/deviations/solutions").get_json()] == ["Sepsisvarning", "Taligenkänning"]


def test_the_api_reports_and_lists_own_deviations(client, auth, users, solutions):
    headers = auth(users["auditor"])
    body = {"what_happened": "Fel svar i chatten", "occurred_at": "2026-12-01T08:00:00Z",
            "solution_id": None, "patient_harm": "no"}
    created = client.post("/api/v1/deviations", json=body, headers=headers)
    assert created.status_code == 201 and created.get_json()["status"] == "in_triage"
    named = client.post("/api/v1/deviations", json={**body, "solution_id": solutions["pilot"].id},
                        headers=headers)
    assert named.status_code == 201 and named.get_json()["incident_id"]
    listed = client.get("/api/v1/deviations", headers=headers).get_json()
    assert [d["id"] for d in listed] == [named.get_json()["id"], created.get_json()["id"]]
    assert client.get("/api/v1/deviations", headers=auth(users["owner"])).get_json() == []
    bad = client.post("/api/v1/deviations", json={**body, "patient_harm": "maybe"}, headers=headers)
    assert bad.status_code == 422


def test_every_page_offers_report_a_deviation(web, solutions):
    for role in ("owner", "compliance", "auditor", "admin"):
        assert 'data-test="report-deviation"' in text(web(role).get("/"))
    page = text(web("owner").get(f"/solutions/{solutions['pilot'].id}"))
    assert f'/deviations/new?solution_id={solutions["pilot"].id}' in page


def test_sso_staff_claim_gives_the_staff_role(app):
    app.config.update(OIDC_ISSUER="https://idp.region.example", OIDC_CLIENT_ID="ai-register",
                      OIDC_ROLE_MAP={"ai-agare": "owner"}, OIDC_STAFF_CLAIM="tid", OIDC_STAFF_VALUES=("region-nb",))
    user = sso.sign_in({"iss": "https://idp.region.example", "sub": "s-77", "email": "nils@region.example",
                        "email_verified": True, "groups": [], "tid": "region-nb", "name": "Nils"})
    assert user.role == "staff"
    with pytest.raises(sso.SignInRefused):
        sso.sign_in({"iss": "https://idp.region.example", "sub": "s-78", "email": "x@other.example",
                     "groups": [], "tid": "other-org"})
    owner = sso.sign_in({"iss": "https://idp.region.example", "sub": "s-79", "email": "o@region.example",
                         "groups": ["ai-agare"], "tid": "region-nb"})
    assert owner.role == "owner"
    assert user_services.find_user_by_email("nils@region.example").role == "staff"


def test_the_incident_form_preselects_no_judgement(web, solutions):
    page = text(web("owner").get("/incidents/new"))
    assert not re.search(r'<input checked[^>]*name="patient_harm"', page)
    assert re.search(r'<input[^>]*id="solution"[^>]*value=""', page) or 'id="solution" ' in page
    refused = web("owner").post("/incidents/new", {"solution": "", "solution_id": "", "what_happened": "Något hände"})
    assert refused.status_code == 422
    assert db.session.scalars(select(Incident)).first() is None


def test_a_near_miss_has_one_seriousness_verdict(web, solutions, users, client, auth):
    body = {"what_happened": "Fel prioritet, upptäcktes i tid", "patient_harm": "potential"}
    created = client.post(f"/api/v1/solutions/{solutions['pilot'].id}/incidents", json=body,
                          headers=auth(users["owner"]))
    assert created.status_code == 201, created.get_json()
    page = text(web("owner").get(f"/incidents/{created.get_json()['id']}"))
    verdict = re.search(r'data-test="serious-verdict">([^<]+)<', page).group(1)
    assert "tillbud" in verdict and "AI-förordningen art. 3.49" not in verdict
    assert 'data-test="serious-badge"' in page
    assert "Detta är en allvarlig incident" not in page
    assert "Det kan vara ett allvarligt tillbud" in page
    ordinary = client.post(f"/api/v1/solutions/{solutions['pilot'].id}/incidents",
                           json={**body, "patient_harm": "none"}, headers=auth(users["owner"]))
    calm = text(web("owner").get(f"/incidents/{ordinary.get_json()['id']}"))
    assert 'data-test="serious-badge"' not in calm and "Inte allvarlig enligt" in calm
