"""The web pages: the portfolio (filters, sort, formula, CSV), the indicator catalogue (compliance and
admin edit), the trustworthy-AI assessment form on a solution, criticality on the solution form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ai_register.exceptions import InvalidInput
from ai_register.extensions import db
from ai_register.portfolio import decisions
from ai_register.portfolio.models import Indicator, TrustworthyAssessment
from ai_register.solutions.models import Decision, Solution
from tests.webclient import WebClient, field_error, text

from .conftest import full_answers


@pytest.fixture
def web(app, users):
    return lambda who: WebClient(app, users[who])


def test_portfolio_page_shows_formula_filters_and_csv(web, api, indicator_ids):
    api.solution(name="Alpha", care_units=["Sunderby akut"], critical_for_patient_care=True)
    api.solution(name="Beta")
    page = text(web("compliance").get("/portfolio"))
    assert 'data-test="score-formula"' in page and "score = 100 × (0.4·B" in page
    assert 'data-test="portfolio-table"' in page and "Alpha" in page and "Beta" in page
    assert 'href="/portfolio/export.csv"' in page
    filtered = text(web("compliance").get("/portfolio?critical=true&sort=name"))
    assert "Alpha" in filtered and "Beta" not in filtered.split('data-test="portfolio-table"')[1]
    assert "Sunderby akut" in filtered
    bad = text(web("compliance").get("/portfolio?sort=colour"))
    assert "sort" in bad.split('class="notice notice-warn"')[1][:300]
    csv = web("auditor").get("/portfolio/export.csv?critical=true")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data(as_text=True)
    assert "Alpha" in body and "Beta" not in body
    assert web("owner2").get("/portfolio").status_code == 200
    assert "Alpha" not in text(web("owner2").get("/portfolio"))
    assert web("admin").get("/portfolio").status_code == 403
    nav = text(web("owner").get("/portfolio"))
    assert 'aria-current="page">' in nav and "/portfolio" in nav
    # An owner's export streams their own rows (read after the request's transaction ended).
    mine = web("owner").get("/portfolio/export.csv").get_data(as_text=True)
    assert "Alpha" in mine and "Beta" in mine
    assert web("owner2").get("/portfolio/export.csv").get_data(as_text=True).count("\n") == 1


def test_indicator_catalogue_is_edited_by_compliance_and_admin(web, indicator_ids):
    page = text(web("owner").get("/indicators"))
    assert "Tillgänglighet" in page or "Accessibility" in page
    assert 'data-test="indicator-new"' not in page
    assert web("owner").get("/indicators/new").status_code == 403
    assert web("auditor").post("/indicators/new", {"code": "x"}).status_code == 403
    officer = web("compliance")
    assert 'data-test="indicator-new"' in text(officer.get("/indicators"))
    bad = officer.post("/indicators/new", {"code": "quality", "name_sv": "K", "name_en": "Q", "definition": "d",
                                           "higher_is_better": "yes", "active": "y"})
    assert bad.status_code == 422 and "En annan indikator har redan den koden." in text(bad)
    # The form parses the code's shape (as the API's schema does) before the values go to the service.
    shape = officer.post("/indicators/new", {"code": "Patient-NPS", "name_sv": "K", "name_en": "Q", "definition": "d",
                                             "higher_is_better": "yes", "active": "y"})
    assert shape.status_code == 422 and "Små bokstäver, siffror och _, 2–40 tecken." in text(shape)
    assert 'value="Patient-NPS"' in text(shape)
    created = officer.post("/indicators/new", {"code": "patient_experience", "name_sv": "Patientupplevelse",
                                               "name_en": "Patient experience", "definition": "NPS", "unit": "%",
                                               "higher_is_better": "yes", "active": "y"})
    assert created.status_code == 302
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == "patient_experience"))
    admin = web("admin")
    read_at = re.search(r'name="version" type="hidden" value="(\d+)"',
                        text(admin.get(f"/indicators/{indicator.id}/edit"))).group(1)
    edit = admin.post(f"/indicators/{indicator.id}/edit", {
        "code": "patient_experience", "name_sv": "Patientupplevelse", "name_en": "Patient experience",
        "definition": "Net promoter score", "unit": "NPS", "higher_is_better": "yes", "version": read_at})
    assert edit.status_code == 302
    db.session.expire_all()
    assert indicator.unit == "NPS" and indicator.active is False  # the unticked box takes it out of use
    # The officer's form was opened before the admin's save: refused, the typed text kept, nothing overwritten.
    stale = officer.post(f"/indicators/{indicator.id}/edit", {
        "code": "patient_experience", "name_sv": "Patientupplevelse", "name_en": "Patient experience",
        "definition": "Share of patients who would recommend", "unit": "%", "higher_is_better": "yes",
        "active": "y", "version": read_at})
    assert stale.status_code == 412 and "ändrat indikatorn under tiden" in text(stale)
    assert "Share of patients who would recommend" in text(stale)
    db.session.expire_all()
    assert indicator.unit == "NPS" and indicator.definition == "Net promoter score"


def test_assessment_form_opens_the_gate_row(web, api):
    sid = api.solution(need_statement="Referrals wait.")["id"]
    owner = web("owner")
    solution_page = text(owner.get(f"/solutions/{sid}"))
    assert 'data-test="trustworthy-link"' in solution_page
    assert 'class="unmet" data-check="trustworthy_assessment"' in solution_page
    page = text(owner.get(f"/solutions/{sid}/trustworthy-assessment"))
    assert 'data-test="assessment-form"' in page and 'data-state="missing"' in page
    form = {}
    for key, item in full_answers().items():
        form[f"{key}-answer"] = item["answer"]
        form[f"{key}-evidence"] = item["evidence"]
    form["diversity_fairness-open_actions"] = "Test for bias by age"
    response = owner.post(f"/solutions/{sid}/trustworthy-assessment", form)
    assert response.status_code == 302, text(response)
    stored = db.session.scalars(select(TrustworthyAssessment)).one()
    assert stored.answers["diversity_fairness"]["open_actions"] == "Test for bias by age"
    assert 'class="met" data-check="trustworthy_assessment"' in text(owner.get(f"/solutions/{sid}"))
    auditor = text(web("auditor").get(f"/solutions/{sid}/trustworthy-assessment"))
    assert 'data-test="assessment-answers"' in auditor and 'data-test="assessment-form"' not in auditor
    assert "Test for bias by age" in auditor
    assert web("auditor").post(f"/solutions/{sid}/trustworthy-assessment", form).status_code == 403
    assert web("owner2").get(f"/solutions/{sid}/trustworthy-assessment").status_code == 404


def test_bad_assessment_date_is_shown_beside_the_form(web, api):
    sid = api.solution()["id"]
    refused = api.post("owner", f"/api/v1/solutions/{sid}/trustworthy-assessment",
                       json={"answers": full_answers(), "assessed_on": "2999-01-01"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"assessed_on": ["An assessment cannot be dated later than today."]}
    response = web("owner").post(f"/solutions/{sid}/trustworthy-assessment",
                                 {"assessed_on": "2999-01-01", "summary": "Granskad av förvaltningen"})
    assert response.status_code == 422 and 'class="error-summary"' in text(response)
    assert field_error(response, "assessed_on") == "En bedömning kan inte dateras senare än i dag."
    assert "Granskad av förvaltningen" in text(response)  # the form is kept
    assert db.session.scalars(select(TrustworthyAssessment)).all() == []


def test_criticality_on_the_solution_form(web, api):
    sid = api.solution()["id"]
    owner = web("owner")
    page = text(owner.get(f"/solutions/{sid}/edit"))
    assert 'name="critical_for_patient_care"' in page and 'name="recovery_plan_tested_on"' in page
    solution = db.session.get(Solution, sid)
    response = owner.post(f"/solutions/{sid}/edit", {
        "name": solution.name, "purpose": solution.purpose, "kind": "machine_learning", "sourcing": "procured",
        "processes_personal_data": "unknown", "processes_health_data": "unknown", "confidentiality": "2",
        "integrity": "2", "availability": "2", "critical_for_patient_care": "yes",
        "max_tolerable_outage_hours": "4", "recovery_plan_tested_on": "2026-01-15",
        "version": str(solution.version)})
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    solution = db.session.get(Solution, sid)
    assert (solution.critical_for_patient_care, solution.max_tolerable_outage_hours,
            str(solution.recovery_plan_tested_on)) == (True, 4, "2026-01-15")


def test_portfolio_meeting_decisions_through_the_web(web, api):
    first, second = api.solution(name="One")["id"], api.solution(name="Two")["id"]
    assert 'data-test="meeting-form"' not in text(web("owner").get("/portfolio"))
    officer = web("compliance")
    assert 'data-test="meeting-form"' in text(officer.get("/portfolio"))
    refused = officer.post("/portfolio/decisions", {"meeting_reference": "PR 7", "rationale": "Results reviewed.",
                                                    f"kind-{first}": "pause", f"kind-{second}": "scale_up"})
    assert refused.status_code == 409 and 'data-test="meeting-errors"' in text(refused)
    assert db.session.scalars(select(Decision)).all() == []
    missing = officer.post("/portfolio/decisions", {"rationale": "x", f"kind-{first}": "pause"})
    assert missing.status_code == 422 and "meeting_reference" in text(missing)
    # The page again keeps each row's chosen decision, and only that one.
    chosen = text(missing).split(f'name="kind-{first}"')[1].split("</select>")[0]
    assert '<option value="pause" selected>' in chosen and chosen.count(" selected") == 1
    assert " selected" not in text(missing).split(f'name="kind-{second}"')[1].split("</select>")[0]
    done = officer.post("/portfolio/decisions", {"meeting_reference": "PR 7", "rationale": "Results reviewed.",
                                                 f"kind-{first}": "pause", f"kind-{second}": ""})
    assert done.status_code == 302
    (decision,) = db.session.scalars(select(Decision)).all()
    assert (decision.solution_id, decision.kind, decision.meeting_reference) == (first, "pause", "PR 7")
    assert web("owner").post("/portfolio/decisions", {"meeting_reference": "x"}).status_code == 403


def test_a_meetings_reference_and_rationale_of_spaces_alone_are_refused_by_the_service(web, api, users):
    first = api.solution(name="One")["id"]
    with pytest.raises(InvalidInput) as refused:
        decisions.record_meeting_decisions({"meeting_reference": "  ", "decisions": [
            {"solution_id": first, "kind": "pause", "rationale": " "}]}, users["compliance"])
    assert refused.value.errors == {"meeting_reference": ["Give the meeting reference."],
                                    "decisions": {0: {"rationale": ["Give the rationale."]}}}
    page = web("compliance").post("/portfolio/decisions", {"meeting_reference": "   ", "rationale": "  ",
                                                           f"kind-{first}": "pause"})
    assert page.status_code == 422
    errors = text(page).split('data-test="meeting-errors"')[1].split("</ul>")[0]
    assert "Mötesreferens: Ange mötesreferensen." in errors and "Motivering: Ange motiveringen." in errors
    assert "Invalid input" not in text(page)
    assert db.session.scalars(select(Decision)).all() == []


def test_a_meeting_dated_later_than_today_on_the_page_as_in_the_api(web, api):
    first = api.solution(name="One")["id"]
    refused = api.post("compliance", "/api/v1/portfolio/decisions", json={
        "meeting_reference": "PR 9", "decided_on": "2099-01-01",
        "decisions": [{"solution_id": first, "kind": "pause", "rationale": "Leverantörens incident"}]})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"decided_on": ["A decision cannot be dated later than today."]}
    page = web("compliance").post("/portfolio/decisions", {"meeting_reference": "PR 9", "decided_on": "2099-01-01",
                                                           "rationale": "Leverantörens incident",
                                                           f"kind-{first}": "pause"})
    assert page.status_code == 422
    errors = text(page).split('data-test="meeting-errors"')[1].split("</ul>")[0]
    assert "Mötesdatum: Ett beslut kan inte dateras senare än i dag." in errors
    assert 'value="PR 9"' in text(page) and "Leverantörens incident" in text(page)  # the form is kept
    typo = web("compliance").post("/portfolio/decisions", {"meeting_reference": "PR 9", "decided_on": "2026-13-45",
                                                           "rationale": "x", f"kind-{first}": "pause"})
    assert typo.status_code == 422
    assert "Mötesdatum: Inte ett giltigt datum" in text(typo).split('data-test="meeting-errors"')[1].split("</ul>")[0]
    assert db.session.scalars(select(Decision)).all() == []
