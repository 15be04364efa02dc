"""The monitoring and informing pages in Swedish: a metric typed with a Swedish decimal comma, a breaching
value, the oversight owner's decision, refusals that keep the form; informing with MBL; Art 86 requests
(issue 21)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.monitoring.models import ExplanationRequest, MonitoringAssessment
from ai_register.obligations.models import SolutionObligation
from ai_register.oversight.models import OversightAssignment


def test_monitoring_pages_from_metric_to_not_an_incident(app, web_login, users, make_solution):
    app.config["WTF_CSRF_ENABLED"] = False
    solution = make_solution(phase="pilot")
    db.session.add(OversightAssignment(solution_id=solution.id, user_id=users["owner2"].id, authority_to_suspend=True,
                                       accepted_on=date(2026, 1, 10), created_by_id=users["compliance"].id))
    db.session.commit()
    owner = web_login(app.test_client(), users["owner"])
    base = f"/solutions/{solution.id}/monitoring"
    page = owner.get(base)
    assert page.status_code == 200 and "Övervakning i drift" in page.get_data(as_text=True)
    metric_form = {"metric-name": "PPV vid larm", "metric-kind": "positive_predictive_value",
                   "metric-direction": "higher_is_better", "metric-frequency": "monthly"}
    refused = owner.post(f"{base}/metrics", data={**metric_form, "metric-lower_threshold": "0,8x"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'value="PPV vid larm"' in text and 'value="0,8x"' in text
    saved = owner.post(f"{base}/metrics", data={**metric_form, "metric-lower_threshold": "0,80",
                                                "metric-unit": "andel"})
    assert saved.status_code == 302
    page = owner.get(base).get_data(as_text=True)
    assert "PPV vid larm" in page and "Positivt prediktivt värde" in page
    metric_id = db.session.scalar(db.select(db.text("id")).select_from(db.text("monitoring_metrics")))
    for day, value in (("2026-09-30", "0,86"), ("2026-10-31", "0,83")):
        assert owner.post(f"{base}/values", data={"value-metric_id": str(metric_id), "value-period_end": day,
                                                  "value-value": value}).status_code == 302
    breach = owner.post(f"{base}/values", data={"value-metric_id": str(metric_id), "value-period_end": "2026-11-30",
                                                "value-value": "0,74"}, follow_redirects=True)
    page = breach.get_data(as_text=True)
    assert "ombetts avgöra" in page and 'data-test="metric-chart"' in page and "dot breach" in page
    assessment = db.session.scalar(db.select(MonitoringAssessment))
    # The AI owner sees the task but may not decide it.
    shown = owner.get(f"/monitoring/assessments/{assessment.id}").get_data(as_text=True)
    assert "Spara beslutet" not in shown and "Väntar på den som har tillsynen" in shown
    oversight = web_login(app.test_client(), users["owner2"])
    start = oversight.get("/").get_data(as_text=True)
    assert 'data-test="monitoring-assessments"' in start and "PPV vid larm" in start
    no_reason = oversight.post(f"/monitoring/assessments/{assessment.id}",
                               data={"decision": "not_incident", "reason": "", "version": str(assessment.version)})
    assert no_reason.status_code == 422
    assert "Ange varför gränsvärdesavvikelsen inte är en avvikelse." in no_reason.get_data(as_text=True)
    done = oversight.post(f"/monitoring/assessments/{assessment.id}",
                          data={"decision": "not_incident", "reason": "Ny röntgenapparat kalibrerades; åtgärdat.",
                                "version": str(assessment.version)})
    assert done.status_code == 302
    db.session.refresh(assessment)
    assert assessment.status == "not_incident" and assessment.decided_by_id == users["owner2"].id

    retention = owner.post(f"/solutions/{solution.id}/log-retention",
                           data={"retention-system": "TriageX", "retention-location": "Loggarkivet",
                                 "retention-retention_months": "3"})
    assert retention.status_code == 422 and "loggar sparas minst sex månader" in retention.get_data(as_text=True)


def test_informing_meets_the_obligation_and_explanations_refuse_identifiers(app, api, web_login, users,
                                                                           make_solution):
    app.config["WTF_CSRF_ENABLED"] = False
    solution = make_solution(phase="management")
    db.session.add(SolutionObligation(solution_id=solution.id, obligation_id="ai_act_art26_11", status="open",
                                      opened_on=date(2026, 1, 1), current=True, citation="AI Act Art 26(11)"))
    db.session.commit()
    owner = web_login(app.test_client(), users["owner"])
    base = f"/solutions/{solution.id}/informing"
    assert owner.get(base).status_code == 200
    workers = {"informing-kind": "workers", "informing-informed_on": "2026-10-01",
               "informing-audience": "Röntgensjuksköterskor", "informing-how": "Arbetsplatsträff"}
    refused = owner.post(base, data=workers)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'value="Röntgensjuksköterskor"' in text
    assert "Ange förhandlingens parter." in text
    assert owner.post(base, data={**workers, "informing-negotiated_on": "2026-09-20",
                                  "informing-negotiation_parties": "Regionen, Vårdförbundet",
                                  "informing-negotiation_outcome": "agreed"}).status_code == 302
    persons = {"informing-kind": "affected_persons", "informing-informed_on": "2026-10-02",
               "informing-audience": "Patienter", "informing-how": "Text på 1177"}
    rows = {r["id"]: r for r in api.get("compliance", "/api/v1/reports/portfolio").get_json()["items"]}
    assert rows[solution.id]["open_obligations"] == ["ai_act_art26_11"]
    assert owner.post(base, data=persons).status_code == 302
    obligation = db.session.scalar(db.select(SolutionObligation))
    assert obligation.status == "met" and obligation.record_type == "informing_record"
    # The portfolio reads the obligation records: met by the record, no longer open.
    rows = {r["id"]: r for r in api.get("compliance", "/api/v1/reports/portfolio").get_json()["items"]}
    assert rows[solution.id]["open_obligations"] == []
    page = owner.get(base).get_data(as_text=True)
    assert "Enighet" in page and "Arbetstagare och deras företrädare" in page

    request_form = {"request-received_on": "2026-11-02", "request-channel": "letter",
                    "request-summary": "Patient 19121212-1212 undrar varför remissen prioriterades ned"}
    refused = owner.post(f"/solutions/{solution.id}/explanation-requests", data=request_form)
    assert refused.status_code == 422 and "Ser ut som ett personnummer" in refused.get_data(as_text=True)
    ok = owner.post(f"/solutions/{solution.id}/explanation-requests",
                    data={**request_form, "request-summary": "Undrar varför remissen prioriterades ned",
                          "request-case_number": "RN 2026/118"})
    assert ok.status_code == 302
    row = db.session.scalar(db.select(ExplanationRequest))
    answer = owner.post(f"/explanation-requests/{row.id}", data={
        "answered_on": "2026-11-10", "version": str(row.version), "answer_summary": "Förklarade modellens roll."})
    assert answer.status_code == 302
    db.session.refresh(row)
    assert row.answered_by_id == users["owner"].id and row.answered_on == date(2026, 11, 10)


def test_an_oversight_owner_with_the_staff_role_decides_on_the_page(app, web_login, users, make_user,
                                                                     make_solution):
    app.config["WTF_CSRF_ENABLED"] = False
    clinician = make_user("staff", "kliniker@region.example", name="Klara Kliniker")
    other = make_user("staff", "annan@region.example")
    solution = make_solution(phase="management")
    db.session.add(OversightAssignment(solution_id=solution.id, user_id=clinician.id, authority_to_suspend=True,
                                       accepted_on=date(2026, 1, 10), created_by_id=users["compliance"].id))
    db.session.commit()
    owner = web_login(app.test_client(), users["owner"])
    base = f"/solutions/{solution.id}/monitoring"
    assert owner.post(f"{base}/metrics", data={
        "metric-name": "Larmfrekvens", "metric-kind": "alert_rate", "metric-direction": "lower_is_better",
        "metric-upper_threshold": "12", "metric-frequency": "weekly"}).status_code == 302
    metric_id = db.session.scalar(db.select(db.text("id")).select_from(db.text("monitoring_metrics")))
    assert owner.post(f"{base}/values", data={"value-metric_id": str(metric_id), "value-period_end": "2026-11-29",
                                              "value-value": "15,5"}).status_code == 302
    assessment = db.session.scalar(db.select(MonitoringAssessment))
    page = f"/monitoring/assessments/{assessment.id}"

    staff = web_login(app.test_client(), clinician)
    start = staff.get("/", follow_redirects=True).get_data(as_text=True)  # staff start on their own reports
    assert 'data-test="monitoring-assessments"' in start and "Larmfrekvens" in start and page in start
    shown = staff.get(page)
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Spara beslutet" in text and "Klara Kliniker" in text
    assert f'href="{base}"' not in text  # no way into the solution's pages, which staff do not read
    assert web_login(app.test_client(), other).get(page).status_code == 404
    assert staff.get(base).status_code == 403
    done = staff.post(page, data={"decision": "not_incident", "reason": "Influensasäsong: fler larm väntade.",
                                  "version": str(assessment.version)})
    assert done.status_code == 302 and done.headers["Location"].endswith(page)
    after = staff.get(page).get_data(as_text=True)
    assert "Ingen avvikelse" in after and "Influensasäsong" in after and "Spara beslutet" not in after
    db.session.refresh(assessment)
    assert assessment.status == "not_incident" and assessment.decided_by_id == clinician.id


def test_the_metric_is_changed_on_its_page_as_through_the_api(app, api, web_login, users, make_solution):
    """Thresholds and the rest changed on the metric's page: the form kept with the refusal beside the field, a
    stale version refused, the change audited with its reason, the new threshold judging new values only, the
    metric retired; who may change it as the API's PATCH."""
    app.config["WTF_CSRF_ENABLED"] = False
    solution = make_solution(phase="pilot")
    created = api.post("owner", f"/api/v1/solutions/{solution.id}/monitoring/metrics", json={
        "name": "Sensitivitet", "kind": "sensitivity", "unit": "%", "direction": "higher_is_better",
        "lower_threshold": "90", "frequency": "monthly"})
    metric = created.get_json()
    assert api.post("owner", f"/api/v1/monitoring/metrics/{metric['id']}/values",
                    json={"period_end": "2026-10-31", "value": "91"}).status_code == 201
    edit = f"/monitoring/metrics/{metric['id']}/edit"
    owner = web_login(app.test_client(), users["owner"])
    shown = owner.get(f"/solutions/{solution.id}/monitoring").get_data(as_text=True)
    assert f'href="{edit}"' in shown and "Ändra måttet" in shown
    page = owner.get(edit).get_data(as_text=True)
    assert 'value="Sensitivitet"' in page and 'value="90"' in page
    assert "de 1 värden som redan rapporterats" in page and 'name="metric-active" type="checkbox" value="y"' in page
    form = {"metric-name": "Sensitivitet (vuxna)", "metric-kind": "sensitivity", "metric-unit": "%",
            "metric-direction": "higher_is_better", "metric-frequency": "monthly", "metric-active": "y",
            "metric-version": str(metric["version"]), "metric-reason": "Ny klinisk bedömning av gränsen"}
    refused = owner.post(edit, data={**form, "metric-lower_threshold": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'value="Sensitivitet (vuxna)"' in text
    assert 'id="metric-lower_threshold-error"' in text and "Ange det nedre gränsvärdet" in text
    stale = owner.post(edit, data={**form, "metric-lower_threshold": "92", "metric-version": "99"})
    assert stale.status_code == 412 and "Någon annan ändrade måttet" in stale.get_data(as_text=True)
    for who, status in (("auditor", 403), ("owner2", 404)):
        assert web_login(app.test_client(), users[who]).post(edit, data=form).status_code == status, who
    saved = owner.post(edit, data={**form, "metric-lower_threshold": "92,5"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#metric-{metric['id']}")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "monitoring_metric",
                                                        AuditEvent.action == "update")).one()
    assert event.reason == "Ny klinisk bedömning av gränsen" and event.actor_id == users["owner"].id
    assert set(event.data["changes"]) == {"name", "lower_threshold"}
    held = api.get("owner", f"/api/v1/monitoring/metrics/{metric['id']}").get_json()
    assert (held["name"], held["lower_threshold"], held["version"]) == ("Sensitivitet (vuxna)", "92.5", 2)
    breach = api.post("owner", f"/api/v1/monitoring/metrics/{metric['id']}/values",
                      json={"period_end": "2026-11-30", "value": "92"}).get_json()
    assert breach["breach"] == "below"
    first = api.get("owner", f"/api/v1/monitoring/metrics/{metric['id']}/values").get_json()["items"][0]
    assert (first["lower_threshold"], first["breach"]) == ("90", None)  # judged by the threshold of its day
    compliance = web_login(app.test_client(), users["compliance"])
    retired = compliance.post(edit, data={**form, "metric-lower_threshold": "92,5", "metric-version": "2",
                                          "metric-active": ""})
    assert retired.status_code == 302
    assert api.get("owner", f"/api/v1/monitoring/metrics/{metric['id']}").get_json()["active"] is False
