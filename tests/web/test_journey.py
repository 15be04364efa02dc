"""The main journey on the web, through the forms only: register, goals, benefit, oversight owner,
DPIA, classification wizard and review, the gate checklist turning green, pilot request and
approval by a second compliance officer; auditors read it all and change nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

from ai_register.classification.models import Classification
from ai_register.extensions import db
from ai_register.solutions.models import Solution, TransitionRequest
from tests.webclient import SOLUTION_FORM as GOOD
from tests.webclient import register_solution as _register

from .conftest import MINIMAL_ANSWERS, answer_wizard, text


def indicator_id(code: str) -> int:
    from ai_register.portfolio.indicators import indicators

    return {indicator.code: indicator.id for indicator in indicators()}[code]


def _gate(page: str) -> str:
    return page.split('data-test="gate"')[1].split("</section>")[0]


def fill_records(owner, solution, users):
    sid = solution.id
    response = owner.post(
        f"/solutions/{sid}/goals",
        {
            "g-perspective": "operations",
            "g-title": "Shorter answer time",
            "g-indicator_id": str(indicator_id("accessibility")),
            "g-indicator": "Median days to answer",
            "g-unit": "days",
            "g-baseline": "12",
            "g-target": "5",
            "g-higher_is_better": "no",
        },
    )
    assert response.status_code == 302, text(response)
    assert "Tillgänglighet" in text(owner.get(f"/solutions/{sid}/goals"))  # the common indicator it counts towards
    goal_id = db.session.execute(db.text("select id from goals")).scalar()
    response = owner.post(
        f"/solutions/{sid}/measurements",
        {"m-goal_id": str(goal_id), "m-measured_on": date.today().isoformat(), "m-value": "10.5"},
    )
    assert response.status_code == 302, text(response)
    response = owner.post(
        f"/solutions/{sid}/benefit",
        {
            "one_off_cost": "400000",
            "yearly_cost": "120000",
            "yearly_savings": "300000",
            "hours_freed_per_year": "900",
            "hourly_cost": "450",
        },
    )
    assert response.status_code == 302, text(response)
    version = db.session.get(Solution, sid).version
    response = owner.post(
        f"/solutions/{sid}/oversight",
        {
            "version": str(version),
            "person_kind": "person",
            "person_name": "Dr Eva Ek",
            "person_title": "Chief physician",
            "person_unit": "Radiology",
            "deputy_kind": "none",
            "authority_to_suspend": "y",
            "understands_capabilities_limits": "y",
            "can_interrupt_stop": "y",
            "accepted_on": date.today().isoformat(),
        },
    )
    assert response.status_code == 302, text(response)
    response = owner.post(
        f"/solutions/{sid}/evidence/new",
        {
            "type": "dpia",
            "title": "DPIA chest X-ray triage",
            "issued_on": (date.today() - timedelta(days=3)).isoformat(),
            "expires_on": (date.today() + timedelta(days=700)).isoformat(),
            "file": (io.BytesIO(b"%PDF-1.4 test dpia"), "dpia.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)


def test_owner_to_pilot_through_the_web(web, users):
    owner, compliance, compliance2, auditor = (
        web("owner"),
        web("compliance"),
        web("compliance2"),
        web("auditor"),
    )
    solution = _register(owner)
    sid = solution.id
    page = text(owner.get(f"/solutions/{sid}"))
    assert 'data-test="gate-closed"' in page

    fill_records(owner, solution, users)
    gate = _gate(text(owner.get(f"/solutions/{sid}")))
    assert (
        'data-check="valid_classification"' in gate
        and 'class="unmet" data-check="valid_classification"' in gate
    )
    for met in (
        "need_statement",
        "complete_goal",
        "benefit_estimate",
        "oversight_owner_named",
        "dpia_if_personal_data",
    ):
        assert f'class="met" data-check="{met}"' in gate, met

    response, sections = answer_wizard(owner, sid, MINIMAL_ANSWERS)
    assert response.status_code == 302
    stored = db.session.scalars(db.select(Classification)).one()
    assert stored.status == "submitted" and stored.result["ai_act"]["category"] == "minimal_risk"
    # Branching: medical_purpose = no leaves the device follow-up questions out.
    assert not any("mdr_decision_support" in shown for shown in sections)

    queue = text(compliance.get("/review"))
    assert "Chest X-ray triage" in queue
    review_page = compliance.get(f"/review/classifications/{stored.id}")
    assert review_page.status_code == 200 and 'data-test="fired-rules"' in text(review_page)
    bad = compliance.post(f"/review/classifications/{stored.id}", {"outcome": "reject"})
    assert bad.status_code == 422 and 'id="justification-error"' in text(bad)
    assert compliance.post(f"/review/classifications/{stored.id}", {"outcome": "approve"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Classification, stored.id).status == "approved"

    page = text(owner.get(f"/solutions/{sid}"))
    assert 'data-test="gate-open"' in page

    version = db.session.get(Solution, sid).version
    response = owner.post(
        f"/solutions/{sid}/transition",
        {"to": "pilot", "reason": "Pilot at two units", "version": str(version)},
    )
    assert response.status_code == 302, text(response)
    request = db.session.scalars(db.select(TransitionRequest)).one()
    assert request.status == "pending"

    # The auditor sees the story but no edit controls, and is refused on every post.
    page = text(auditor.get(f"/solutions/{sid}"))
    assert 'data-test="pending-transition"' in page and 'data-test="request-transition"' not in page
    assert 'data-test="edit-solution"' not in page and "/classify" not in page
    assert auditor.post(f"/review/transitions/{request.id}", {"outcome": "approve"}).status_code == 403
    assert auditor.post(f"/solutions/{sid}/goals", {"g-title": "x"}).status_code == 403

    # Four eyes: the approver of the classification may approve the pilot; the requester may not.
    assert (
        compliance2.post(
            f"/review/transitions/{request.id}", {"outcome": "approve", "reason": "Gate met"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Solution, sid).phase == "pilot"
    page = text(owner.get(f"/solutions/{sid}"))
    assert "Ready for rollout" in page or "Redo för breddinförande" in page


def test_transition_refused_lists_every_unmet_condition(web):
    owner = web("owner")
    solution = _register(owner)
    response = owner.post(
        f"/solutions/{solution.id}/transition", {"to": "pilot", "version": str(solution.version)}
    )
    assert response.status_code == 409
    body = text(response)
    assert body.count("<li>") >= 3 and 'class="error-summary"' in body


def test_compliance_cannot_review_own_answers(web, users):
    compliance = web("compliance")
    assert compliance.post("/solutions/new", {**GOOD, "owner_id": str(users["owner"].id)}).status_code == 302
    solution = db.session.scalars(db.select(Solution)).one()
    response, _ = answer_wizard(compliance, solution.id, MINIMAL_ANSWERS, final="save")
    assert response.status_code == 302
    stored = db.session.scalars(db.select(Classification)).one()
    assert stored.status == "draft"
    # Only the owner submits; compliance saved a draft, the owner submits it.
    owner_client = web(solution.owner)
    assert (
        owner_client.post(f"/solutions/{solution.id}/classifications/{stored.id}/submit").status_code == 302
    )
    response = compliance.post(f"/review/classifications/{stored.id}", {"outcome": "approve"})
    assert response.status_code == 403
    assert "Four eyes" in text(
        compliance.get(f"/review/classifications/{stored.id}")
    ) or "Fyraögonsprincipen" in text(compliance.get(f"/review/classifications/{stored.id}"))


def test_override_requires_justification_and_a_value(web):
    owner, compliance = web("owner"), web("compliance")
    solution = _register(owner)
    answers = {**MINIMAL_ANSWERS, "medical_purpose": "unsure"}
    answer_wizard(owner, solution.id, answers)
    stored = db.session.scalars(db.select(Classification)).one()
    assert stored.result["needs_review"] is True
    url = f"/review/classifications/{stored.id}"
    response = compliance.post(url, {"outcome": "override", "justification": "Not a device"})
    assert response.status_code == 422 and 'id="category-error"' in text(response)
    response = compliance.post(
        url,
        {"outcome": "override", "justification": "Not a device per MDCG 2019-11", "category": "minimal_risk"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Classification, stored.id).status == "overridden"


def test_wizard_branches_and_shows_a_preview(web):
    owner = web("owner")
    solution = _register(owner)
    answers = {
        **MINIMAL_ANSWERS,
        "medical_purpose": "yes",
        "data_action": "beyond_storage",
        "in_vitro_diagnostic": "no",
        "mdr_decision_support": "yes",
        "mdr_decision_impact": "serious_deterioration_or_surgical_intervention",
        "mdr_monitoring": "none",
        "mdr_closed_loop_therapy": "no",
        "mdr_drives_device": "no",
        "in_house_exemption": "no",
    }
    response, sections = answer_wizard(owner, solution.id, answers, final="save")
    assert response.status_code == 302
    assert any("mdr_decision_impact" in shown for shown in sections)
    stored = db.session.scalars(db.select(Classification)).one()
    assert stored.result["medical_device"]["class"] == "IIb"
    assert stored.result["ai_act"]["category"] == "high_risk"
    page = text(owner.get(f"/solutions/{solution.id}/classifications/{stored.id}"))
    assert 'data-test="fired-rules"' in page and "bilaga VIII" in page  # the citation in Swedish


def test_wizard_refuses_conflicting_multiple_choice(web):
    owner = web("owner")
    solution = _register(owner)
    url = f"/solutions/{solution.id}/classify"
    response = owner.post(
        url,
        {
            "answers": '{"ai_system": "yes", "excluded_purpose": "none"}',
            "step": "2",
            "shown": "prohibited_practices,emotion_recognition",
            "q-prohibited_practices": ["unsure", "social_scoring"],
            "action": "next",
        },
    )
    assert response.status_code == 422 and 'id="q-prohibited_practices"' in text(response)


def test_wizard_is_for_writers_only(web):
    owner = web("owner")
    solution = _register(owner)
    assert web("auditor").get(f"/solutions/{solution.id}/classify").status_code == 403
    assert web("owner2").get(f"/solutions/{solution.id}/classify").status_code == 404
    assert web("auditor").post(f"/solutions/{solution.id}/classify", {"action": "next"}).status_code == 403


def test_evidence_upload_refuses_a_file_of_the_wrong_kind(web):
    owner = web("owner")
    solution = _register(owner)
    response = owner.post(
        f"/solutions/{solution.id}/evidence/new",
        {
            "type": "dpia",
            "title": "Keep this title",
            "issued_on": date.today().isoformat(),
            "file": (io.BytesIO(b"MZ not a pdf"), "dpia.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    body = text(response)
    assert 'id="file-error"' in body and 'value="Keep this title"' in body


def test_evidence_file_download_follows_the_solution_rule(web, users):
    owner = web("owner")
    solution = _register(owner)
    fill_records(owner, solution, users)
    evidence_id = db.session.execute(db.text("select id from evidence")).scalar()
    assert owner.get(f"/evidence/{evidence_id}/file").status_code == 200
    assert web("auditor").get(f"/evidence/{evidence_id}/file").status_code == 200
    assert web("owner2").get(f"/evidence/{evidence_id}/file").status_code == 404


def test_measurement_in_the_future_is_refused_beside_the_field(web):
    owner = web("owner")
    solution = _register(owner)
    owner.post(
        f"/solutions/{solution.id}/goals",
        {"g-perspective": "economy", "g-title": "Save money", "g-higher_is_better": "yes",
         "g-indicator_id": str(indicator_id("economy"))},
    )
    goal_id = db.session.execute(db.text("select id from goals")).scalar()
    response = owner.post(
        f"/solutions/{solution.id}/measurements",
        {
            "m-goal_id": str(goal_id),
            "m-measured_on": (date.today() + timedelta(days=5)).isoformat(),
            "m-value": "3",
        },
    )
    assert response.status_code == 422 and 'id="m-measured_on-error"' in text(response)


def test_decision_and_rollout_plan_forms(web, users):
    owner = web("owner")
    solution = _register(owner)
    response = owner.post(
        f"/solutions/{solution.id}/decision",
        {"kind": "pause", "rationale": "Supplier issue", "version": str(solution.version)},
    )
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).status == "paused"
    detail = text(owner.get(f"/solutions/{solution.id}"))
    assert 'data-test="gate"' in detail and 'data-test="request-transition"' not in detail  # resume first
    page = text(owner.get(f"/solutions/{solution.id}/decision"))
    assert 'value="resume"' in page and 'value="pause"' not in page
    missing = owner.post(
        f"/solutions/{solution.id}/decision", {"kind": "resume", "rationale": "", "version": "1"}
    )
    assert missing.status_code == 422 and 'id="rationale-error"' in text(missing)
    plan = owner.post(
        f"/solutions/{solution.id}/rollout-plan",
        {
            "units-0-name": "Röntgen Sunderby",
            "units-0-planned_start": "2030-01-10",
            "units-1-name": "röntgen sunderby",
            "units-1-planned_start": "2030-02-10",
        },
    )
    assert plan.status_code == 422 and "står två gånger" in text(plan)


def test_audit_trail_filters_and_verifies(web):
    owner = web("owner")
    solution = _register(owner)
    for role in ("compliance", "auditor"):
        client = web(role)
        page = text(client.get(f"/audit?solution_id={solution.id}&verify=1"))
        assert 'data-test="chain-intact"' in page and 'data-test="audit-table"' in page
    assert web("owner").get("/audit").status_code == 403
    assert web("admin").get("/audit").status_code == 403


def test_review_queue_is_for_compliance_only(web):
    assert web("compliance").get("/review").status_code == 200
    for role in ("owner", "auditor", "admin"):
        assert web(role).get("/review").status_code == 403


def test_report_download(web):
    owner = web("owner")
    solution = _register(owner)
    response = web("auditor").get(f"/solutions/{solution.id}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert web("owner2").get(f"/solutions/{solution.id}/report.pdf").status_code == 404


def test_language_switch(web):
    owner = web("owner")
    assert "Översikt" in text(owner.get("/"))
    assert owner.language("en").status_code == 302
    page = text(owner.get("/"))
    assert "Overview" in page and 'lang="en"' in page
    owner.language("sv")
    assert "Översikt" in text(owner.get("/"))
