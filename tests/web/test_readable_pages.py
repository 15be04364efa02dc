"""What the Swedish pages say when something is wrong or coded: errors of list rows and of the
portfolio meeting in words, four eyes before the reviewer types, error pages, the portfolio's and
the incident page's codes as labels, and the oversight form's required fields."""

from __future__ import annotations

from datetime import date, timedelta

from ai_register.classification.models import Classification
from ai_register.extensions import db
from ai_register.incidents.models import Incident
from ai_register.solutions.models import Solution
from tests.webclient import SOLUTION_FORM as GOOD

from .conftest import MINIMAL_ANSWERS, answer_wizard, text
from .test_journey import fill_records


def _register(owner, **changes) -> Solution:
    assert owner.post("/solutions/new", {**GOOD, **changes}).status_code == 302
    return db.session.scalars(db.select(Solution).order_by(Solution.id.desc())).first()


def _summary(page: str) -> str:
    return page.split('id="error-summary"')[1].split("</div>")[0]


# --------------------------------------------------------------------------- 1 rollout plan rows


def test_rollout_plan_row_errors_are_readable_beside_the_field_and_in_the_summary(web):
    owner = web("owner")
    solution = _register(owner)
    response = owner.post(
        f"/solutions/{solution.id}/rollout-plan",
        {
            "units-0-name": "Röntgen Sunderby",
            "units-0-planned_start": "2030-01-10",
            "units-1-name": "Röntgen Gällivare",
            "units-1-planned_start": "2030-13-45",
            "units-2-name": "",
            "units-2-planned_start": "2030-03-01",
        },
    )
    page = text(response)
    assert response.status_code == 422
    assert "{'" not in page and "{}" not in page and "Units:" not in page
    summary = _summary(page)
    assert "Enhet 2: Planerad start: Inte ett giltigt datum" in summary
    assert "Enhet 3: Vårdenhet: Ange vårdenhetens namn." in summary
    assert 'href="#units-1-planned_start"' in summary and 'href="#units-2-name"' in summary
    assert "Length must be between" not in page
    # Beside the field: the message in the row's cell.
    assert '<p class="error" id="units-2-name-error">Ange vårdenhetens namn.</p>' in page
    assert 'value="Röntgen Gällivare"' in page  # what was typed is kept


def test_rollout_plan_schema_errors_land_on_their_row_in_swedish(web):
    owner = web("owner")
    solution = _register(owner)
    response = owner.post(
        f"/solutions/{solution.id}/rollout-plan",
        {
            "units-0-name": "Röntgen Sunderby",
            "units-0-planned_start": "2030-01-10",
            "units-1-name": "röntgen sunderby",
            "units-1-planned_start": "2030-02-10",
        },
    )
    page = text(response)
    assert response.status_code == 422
    assert "Enhet 2: Vårdenhet: röntgen sunderby står två gånger." in _summary(page)
    assert "listed twice" not in page


def test_nested_schema_errors_in_english_when_english_is_chosen(web):
    owner = web("owner")
    owner.language("en")
    solution = _register(owner)
    response = owner.post(
        f"/solutions/{solution.id}/rollout-plan",
        {"units-0-name": "Ward 1", "units-0-planned_start": "2030-01-10", "units-1-name": "Ward 2",
         "units-1-planned_start": "nope"},
    )
    assert "Unit 2: Planned start: Not a valid date value." in _summary(text(response))
    owner.language("sv")


# --------------------------------------------------------------------------- 2 portfolio meeting


def test_portfolio_meeting_errors_name_the_fields(web):
    owner, compliance = web("owner"), web("compliance")
    solution = _register(owner)
    response = compliance.post(
        "/portfolio/decisions", {f"kind-{solution.id}": "pause", "meeting_reference": "", "rationale": ""}
    )
    assert response.status_code == 422
    errors = text(response).split('data-test="meeting-errors"')[1].split("</div>")[0]
    assert "Mötesreferens: Måste anges, högst 200 tecken." in errors
    assert "Motivering: Måste anges, högst 20000 tecken." in errors
    assert errors.count("Motivering:") == 1  # one field, however many decisions
    assert "meeting_reference" not in errors and "decisions." not in errors and "rationale" not in errors
    nothing = compliance.post("/portfolio/decisions", {"meeting_reference": "PR 1", "rationale": "x"})
    assert "Välj ett beslut för minst en lösning." in text(nothing)


# --------------------------------------------------------------------------- 3 four eyes on review


def _submitted(owner) -> Classification:
    solution = _register(owner)
    response, _sections = answer_wizard(owner, solution.id, MINIMAL_ANSWERS)
    assert response.status_code == 302
    return db.session.scalars(db.select(Classification)).one()


def test_review_form_is_not_offered_to_a_reviewer_four_eyes_bar(web, users):
    owner, compliance, compliance2 = web("owner"), web("compliance"), web("compliance2")
    item = _submitted(owner)
    solution = db.session.get(Solution, item.solution_id)
    solution.co_owners.append(users["compliance"])
    db.session.commit()

    page = text(compliance.get(f"/review/classifications/{item.id}"))
    assert 'data-test="four-eyes"' in page and "Du äger lösningen." in page
    assert 'data-test="review-form"' not in page
    assert 'data-test="review-form"' in text(compliance2.get(f"/review/classifications/{item.id}"))
    assert "Du äger lösningen." in text(compliance.get("/review"))  # the queue says the same


def test_a_refused_review_post_stays_on_the_page_with_what_was_typed(web, users):
    owner, compliance = web("owner"), web("compliance")
    item = _submitted(owner)
    solution = db.session.get(Solution, item.solution_id)
    solution.co_owners.append(users["compliance"])
    db.session.commit()

    response = compliance.post(
        f"/review/classifications/{item.id}",
        {"outcome": "reject", "justification": "Svaret om medicinskt syfte stämmer inte med avtalet."},
    )
    page = text(response)
    assert response.status_code == 403
    assert 'data-test="review-form"' in page and "Svaret om medicinskt syfte stämmer inte med avtalet." in page
    assert "Fyraögonsprincipen: Du äger lösningen." in _summary(page)
    assert "Forbidden" not in page and "Four eyes" not in page
    db.session.expire_all()
    assert db.session.get(Classification, item.id).status == "submitted"


# --------------------------------------------------------------------------- 4 error pages


def test_error_pages_are_in_swedish(web):
    owner = web("owner")
    missing = owner.get("/solutions/999999")
    page = text(missing)
    assert missing.status_code == 404
    assert "404 · Hittades inte" in page and "Lösningen finns inte." in page
    assert "Not Found" not in page and "No such solution." not in page
    unknown = text(owner.get("/no-such-page"))
    assert "Hittades inte" in unknown and "The requested URL" not in unknown
    forbidden = text(web("auditor").get("/solutions/new"))
    assert "403 · Inte tillåtet" in forbidden and "Forbidden" not in forbidden


def test_error_pages_in_english_and_the_api_keeps_problem_json(web, client):
    owner = web("owner")
    owner.language("en")
    page = text(owner.get("/solutions/999999"))
    assert "404 · Not found" in page and "No such solution." in page
    owner.language("sv")
    api = client.get("/api/v1/solutions/999999")
    assert api.mimetype == "application/problem+json" and api.get_json()["title"] in ("Not Found", "Unauthorized")


# --------------------------------------------------------------------------- 5 portfolio labels


def test_portfolio_shows_labels_not_codes(web, users):
    owner, compliance = web("owner"), web("compliance")
    solution = _register(owner, next_review_on=(date.today() - timedelta(days=30)).isoformat(),
                         critical_for_patient_care="yes")
    fill_records(owner, solution, users)
    page = text(compliance.get("/portfolio"))
    table = page.split('data-test="portfolio-table"')[1].split("</table>")[0]
    assert "Periodisk granskning försenad" in table and ">review_overdue<" not in table
    assert "Saknas: Reservrutin" in table and "continuity:" not in table.replace('data-code="continuity:', "")
    per_indicator = page.split('data-test="per_indicator"')[1].split("</section>")[0]
    assert "Tillgänglighet" in per_indicator and ">accessibility<" not in per_indicator
    assert 'class="table-wrap"' in per_indicator
    assert 'class="table-wrap"' in page.split('data-test="per_perspective"')[1].split("</section>")[0]
    formula = page.split('data-test="score-formula"')[1].split("</section>")[0]
    assert "årlig nettonytta" in formula and "yearly net benefit" not in formula


# --------------------------------------------------------------------------- 6 incident context


def test_incident_page_names_role_device_and_category(web):
    owner, compliance = web("owner"), web("compliance2")
    solution = _register(owner)
    answer_wizard(owner, solution.id, MINIMAL_ANSWERS)
    item = db.session.scalars(db.select(Classification)).one()
    assert compliance.post(f"/review/classifications/{item.id}", {"outcome": "approve"}).status_code == 302
    response = owner.post("/incidents/new", {"solution_id": solution.id, "what_happened": "Odd output.",
                                             "patient_harm": "none"})
    assert response.status_code == 302, text(response)
    incident = db.session.scalar(db.select(Incident))
    page = text(owner.get(f"/incidents/{incident.id}"))
    context = page.split("Beräknat för:")[1].split("</p>")[0]
    assert "Tillhandahållare" in context and "Inte en medicinteknisk produkt" in context
    assert "Minimal risk" in context and "riskklassning version 1, godkänd" in context
    for raw in ("deployer", ">none<", "minimal_risk", "approved"):
        assert raw not in context


# --------------------------------------------------------------------------- 8 oversight form


def test_oversight_form_does_not_call_the_account_optional(web):
    owner = web("owner")
    solution = _register(owner)
    page = text(owner.get(f"/solutions/{solution.id}/oversight"))
    account = page.split('for="person_user_id"')[1].split("</div>")[0]
    assert "frivilligt" not in account and "Krävs för en person med konto" in account


def test_an_acceptance_typed_in_for_an_account_holder_is_refused_in_swedish(web, users):
    owner = web("owner")
    solution = _register(owner)
    response = owner.post(f"/solutions/{solution.id}/oversight", {
        "version": str(solution.version), "person_kind": "user", "person_user_id": str(users["owner2"].id),
        "deputy_kind": "none", "authority_to_suspend": "y", "can_interrupt_stop": "y",
        "accepted_on": date.today().isoformat(),
    })
    page = text(response)
    assert response.status_code == 422
    assert "Bara den utsedda personen kan registrera sitt åtagande." in page
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).version == solution.version  # nothing written


def test_every_gate_check_has_its_words_on_the_checklist(app):
    """The gate checklist names each check in the reader's language: a check without a label would show its
    code ("literacy policy") on a Swedish page."""
    from flask_babel import force_locale

    from ai_register.solutions.lifecycle.gates import GATES
    from ai_register.web.gates import CHECK_LABELS

    checks = {check.__name__ for row in GATES.values() for check in row}
    assert checks <= set(CHECK_LABELS), checks - set(CHECK_LABELS)
    with app.test_request_context(), force_locale("sv"):
        assert str(CHECK_LABELS["literacy_policy"]).startswith("Regionens policy: en åtgärd för AI-kunnighet")
