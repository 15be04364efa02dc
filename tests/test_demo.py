"""`flask demo load`: the demo region, built through the services into a fresh database."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from ai_register.audit.models import AuditEvent
from ai_register.classification.models import Classification
from ai_register.demo import DEMO_PEOPLE
from ai_register.extensions import db
from ai_register.incidents.models import Incident
from ai_register.reviews.models import Review
from ai_register.solutions.models import Solution, TransitionRequest
from ai_register.users.models import User
from ai_register.users.services import find_user_by_email
from tests.helpers import details_read_alike_without_kept_summaries
from tests.webclient import WebClient


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_load_builds_a_region_in_every_phase(app, runner, client, auth):
    # The real pilot gate, trustworthy-AI self-assessment included (tests/web relaxes it elsewhere).
    app.config["TRUSTWORTHY_ASSESSMENT_REQUIRED"] = True
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "demo-owner-2026" in result.output

    assert _count(User) == 7  # two owners, two compliance officers, an auditor, an administrator, a staff member
    assert {user.role for user in db.session.scalars(select(User))} == {"owner", "compliance", "auditor", "admin",
                                                                        "staff"}
    phases = dict(db.session.execute(select(Solution.phase, func.count()).group_by(Solution.phase)).all())
    assert sum(phases.values()) == 12
    assert set(phases) == {"needs_analysis", "pilot", "rollout", "management", "decommissioning", "retired"}
    categories = set(db.session.scalars(select(Solution.current_ai_act_category).distinct()))
    assert {"high_risk", "limited_risk", "minimal_risk"} <= categories
    assert _count(Solution, Solution.status == "paused") == 1

    statuses = dict(db.session.execute(
        select(Classification.status, func.count()).group_by(Classification.status)).all())
    assert statuses["approved"] >= 8 and statuses["submitted"] == 1 and statuses["draft"] == 1
    # Every approval is four eyes: the reviewer never answered it.
    for c in db.session.scalars(select(Classification).where(Classification.status == "approved")):
        assert c.reviewed_by_id != c.answered_by_id
    approved = db.session.scalars(select(TransitionRequest).where(TransitionRequest.status == "approved")).all()
    assert len(approved) >= 8
    assert all(t.decided_by_id != t.requested_by_id for t in approved)
    assert _count(TransitionRequest, TransitionRequest.status == "pending") == 1
    # The reported incident, and the one the ambulance's oversight owner decided from a monitoring breach.
    assert _count(Incident) == 2
    from ai_register.monitoring.models import MonitoringAssessment

    decided = db.session.scalars(select(MonitoringAssessment)).all()
    assert [(a.status, a.incident_id is not None) for a in decided] == [("incident", True)]
    assert _count(Review) == 2
    _one_complete_high_risk_deployment(decided[0].solution_id)

    verify = runner.invoke(args=["audit", "verify"])
    report = json.loads(verify.output)
    assert verify.exit_code == 0 and report["intact"] is True
    assert report["events"] == _count(AuditEvent) > 150
    # Every record of every solution is in the trail, under its solution.
    assert _count(AuditEvent, AuditEvent.solution_id.is_not(None)) > 150
    # Every detail reads alike with the classification summaries the writes kept as computed from the versions.
    officer = db.session.scalar(select(User).where(User.role == "compliance").order_by(User.id).limit(1))
    details_read_alike_without_kept_summaries(client, auth(officer))
    _eu_database_exports_read_alike_from_their_sections(db.session.merge(officer))


def _eu_database_exports_read_alike_from_their_sections(officer) -> None:
    """The EU-database export reads only its sections of the traceability report (issue 22): for every demo
    solution, with and without the region's organisation configured, it is the export of the whole report."""
    from flask import current_app

    organisation = {"name": "Region", "address": "Gatan 1", "contact": "ai@region.example", "country": "SE"}
    with current_app.test_request_context("/"):
        _exports_read_alike(officer, organisation)


def _exports_read_alike(officer, organisation) -> None:
    from ai_register.reports import eu_database
    from ai_register.reports.traceability import build_sections

    for solution in db.session.scalars(select(Solution).order_by(Solution.id)):
        for config in ({}, {"ORGANISATION": organisation}):
            whole = eu_database.export(build_sections(solution, generated_by=officer), config)
            part = eu_database.export(build_sections(solution, generated_by=officer, only=eu_database.SECTIONS),
                                      config)
            assert {**part, "generated_at": None} == {**whole, "generated_at": None}, solution.name


def _one_complete_high_risk_deployment(solution_id: int) -> None:
    """Issue 21: ONE solution shows the whole high-risk deployment: FRIA approved, AI-literacy measures, a
    supplier with a CE certificate in force, monitoring (against the provider's stated value) with one breach
    that opened a deviation, and the informing duties."""
    from ai_register.fria.models import FriaAssessment
    from ai_register.incidents.models import Deviation
    from ai_register.literacy.models import LiteracyMeasure
    from ai_register.monitoring.models import InformingRecord, LogRetention, MonitoringMetric
    from ai_register.obligations.models import SolutionObligation
    from ai_register.solutions.services import region_today
    from ai_register.suppliers import services as suppliers

    solution = db.session.get(Solution, solution_id)
    assert solution.name == "Prioritering av ambulanslarm" and solution.phase == "pilot"
    assert solution.current_ai_act_category == "high_risk"
    assert _count(FriaAssessment, FriaAssessment.solution_id == solution_id, FriaAssessment.status == "approved") == 1
    assert _count(LiteracyMeasure, LiteracyMeasure.solution_id == solution_id) >= 1
    product, documents = suppliers.solution_documents(solution_id)
    assert product.device_class == "IIb"
    certificates = [d for d in documents if d.kind == "ce_certificate" and suppliers.in_force(d, region_today())]
    assert [c.notified_body_number for c in certificates] == ["2862"]
    assert {d.kind for d in documents} >= {"declaration_of_conformity", "instructions_for_use", "dpa"}
    metric = db.session.scalars(select(MonitoringMetric).where(MonitoringMetric.solution_id == solution_id,
                                                               MonitoringMetric.stated_value.is_not(None))).one()
    assert metric.stated_document.kind == "instructions_for_use" and metric.lower_threshold < metric.stated_value
    deviation = db.session.scalars(select(Deviation).where(Deviation.solution_id == solution_id)).one()
    assert db.session.get(Incident, deviation.incident_id).solution_id == solution_id
    assert _count(LogRetention, LogRetention.solution_id == solution_id) == 1
    assert _count(InformingRecord, InformingRecord.solution_id == solution_id) == 2
    # The deployer's duties closed with those records (Art 26(5) by the metric against the stated value).
    met = {o.obligation_id: (o.record_type, o.record_id) for o in db.session.scalars(select(SolutionObligation).where(
        SolutionObligation.solution_id == solution_id, SolutionObligation.status == "met"))}
    assert met["ai_act_art26_5"] == ("monitoring_metric", metric.id)
    assert {met[o][0] for o in ("ai_act_art4_deployer", "ai_act_art26_2", "ai_act_art26", "ai_act_art27",
                                "ai_act_art26_11")} == {"literacy_measure", "oversight_assignment", "log_retention",
                                                        "fria", "informing_record"}


def test_demo_load_if_empty_is_idempotent(runner):
    assert runner.invoke(args=["demo", "load", "--if-empty"]).exit_code == 0
    events = _count(AuditEvent)
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert _count(AuditEvent) == events and _count(Solution) == 12
    assert runner.invoke(args=["demo", "load"]).exit_code != 0  # without --if-empty: refused, nothing added
    assert _count(Solution) == 12


def test_overview_shows_the_demo_and_folds_a_run_of_one_change(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    officer = WebClient(app, find_user_by_email(DEMO_PEOPLE["compliance"]))
    page = officer.get("/").get_data(as_text=True)
    assert "Prognos för vårdplatsbeläggning" in page and "Sepsisvarning på akuten" in page
    # The seven ticks of the retired solution's decommissioning checklist are one line, not seven.
    assert "×7" in page
    # Terminated in needs analysis: pilot, rollout and management were skipped, not done.
    retired = db.session.scalar(select(Solution.id).where(Solution.phase == "retired"))
    story = officer.get(f"/solutions/{retired}").get_data(as_text=True)
    assert story.count('class="skipped"') == 3 and story.count('class="done"') == 3


def test_demo_data_is_refused_in_production(app, runner):
    app.config["PRODUCTION"] = True
    for args in (["demo", "load"], ["demo", "load", "--scale", "10"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "production" in result.output
