"""/api/v1: monitoring in operation (Art 26(5), (6)) and informing the people concerned (Art 26(7), 26(11),
Art 86)."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from ai_register import preconditions
from ai_register.apikit import page_of
from ai_register.extensions import db
from ai_register.monitoring import services
from ai_register.monitoring.schemas import (
    BreachAssessmentArgsSchema,
    BreachAssessmentPageSchema,
    BreachAssessmentSchema,
    BreachDecisionSchema,
    ExplanationAnswerSchema,
    ExplanationArgsSchema,
    ExplanationCreateSchema,
    ExplanationPageSchema,
    ExplanationSchema,
    InformingCreateSchema,
    InformingListSchema,
    InformingSchema,
    MetricCreateSchema,
    MetricListSchema,
    MetricPatchSchema,
    MetricSchema,
    RetentionCreateSchema,
    RetentionListSchema,
    RetentionSchema,
    ValueCreatedSchema,
    ValueCreateSchema,
    ValueListSchema,
)
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER, STAFF, access, actor
from ai_register.solutions.access import get_solution
from ai_register.solutions.services import region_today

blp = Blueprint("monitoring_api", __name__, url_prefix="/api/v1",
                description="Monitoring in operation (Art 26(5), (6)) and informing the people concerned "
                            "(Art 26(7), 26(11), Art 86)")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
# A breach's assessment is the named oversight owner's task whatever their account's role (a clinician may
# sign in as staff); the service shows it only to them, their deputy and the solution's readers.
ASSESSORS = (OWNER, COMPLIANCE, AUDITOR, ADMIN, STAFF)


def _listed(items) -> dict:
    return {"items": items, "total": len(items)}


# --------------------------------------------------------------------------- metrics and values


@blp.route("/solutions/<int:solution_id>/monitoring/metrics")
class SolutionMetrics(MethodView):
    @access(*READERS)
    @blp.response(200, MetricListSchema)
    def get(self, solution_id: int):
        """The solution's monitoring metrics with their thresholds (active ones first)."""
        return _listed([services.metric_dict(m) for m in services.metrics_for(get_solution(solution_id, actor()).id)])

    @access(*WRITERS)
    @blp.arguments(MetricCreateSchema)
    @blp.response(201, MetricSchema, headers=preconditions.etag_header("metric"))
    @blp.alt_response(409, "CONFLICT", description="The solution is being decommissioned or retired")
    def post(self, body, solution_id: int):
        """Define a metric: name, kind, unit, direction, the threshold(s) that make a value a breach, and how
        often a value is reported."""
        by = actor()
        metric = services.define_metric(get_solution(solution_id, by, write=True), body, by)
        db.session.flush()
        return services.metric_dict(metric), 201, {"ETag": metric.etag}


@blp.route("/monitoring/metrics/<int:metric_id>")
class Metric(MethodView):
    @access(*READERS)
    @blp.response(200, MetricSchema, headers=preconditions.etag_header("metric"))
    def get(self, metric_id: int):
        """One metric with its ETag."""
        _solution, metric = services.get_metric(metric_id, actor())
        return services.metric_dict(metric), 200, {"ETag": metric.etag}

    @access(*WRITERS)
    @blp.arguments(MetricPatchSchema)
    @blp.doc(parameters=[preconditions.if_match_parameter("metric")])
    @blp.response(200, MetricSchema, headers=preconditions.etag_header("metric"))
    @blp.alt_response(409, "CONFLICT", description="The solution is no longer in a phase where metrics change")
    def patch(self, body, metric_id: int):
        """Change the metric (If-Match); new thresholds judge new values only; `active: false` retires it."""
        by = actor()
        solution, metric = services.get_metric(metric_id, by, write=True)
        services.require_if_match(metric, request.headers.get("If-Match"), "metric")
        metric = services.update_metric(solution, metric, body, by)
        db.session.flush()
        return services.metric_dict(metric), 200, {"ETag": metric.etag}


@blp.route("/monitoring/metrics/<int:metric_id>/values")
class MetricValues(MethodView):
    @access(*READERS)
    @blp.response(200, ValueListSchema)
    def get(self, metric_id: int):
        """The reported values, oldest first, with who reported them and whether they breached."""
        _solution, metric = services.get_metric(metric_id, actor())
        return _listed([services.value_dict(v) for v in services.values_of(metric.id)])

    @access(*WRITERS)
    @blp.arguments(ValueCreateSchema)
    @blp.response(201, ValueCreatedSchema)
    @blp.alt_response(409, "CONFLICT", description="The solution is not in use, or the metric is retired")
    def post(self, body, metric_id: int):
        """Report a value for a period. Outside the thresholds it opens an assessment for the oversight owner
        (notified with the owners), who decides whether it is an incident."""
        by = actor()
        solution, metric = services.get_metric(metric_id, by, write=True)
        value = services.report_value(solution, metric, body, by)
        db.session.flush()
        assessment = db.session.scalar(
            db.select(services.MonitoringAssessment.id).where(services.MonitoringAssessment.value_id == value.id))
        return {**services.value_dict(value), "assessment_id": assessment}, 201


# --------------------------------------------------------------------------- assessments


@blp.route("/solutions/<int:solution_id>/monitoring/assessments", methods=["GET"])
@access(*READERS)
@blp.arguments(BreachAssessmentArgsSchema, location="query", unknown=ma.RAISE)
@blp.response(200, BreachAssessmentPageSchema)
def solution_assessments(args, solution_id: int):
    """The assessments breaches opened on this solution, newest first."""
    today = region_today()
    found = page_of(services.assessments_for(get_solution(solution_id, actor()).id), args)
    return {**found, "items": [services.assessment_dict(a, today) for a in found["items"]]}


@blp.route("/monitoring/assessments", methods=["GET"])
@access(*ASSESSORS)
@blp.arguments(BreachAssessmentArgsSchema, location="query", unknown=ma.RAISE)
@blp.response(200, BreachAssessmentPageSchema)
def all_assessments(args):
    """Assessments of the solutions I may read and those waiting for me as oversight owner; `overdue=true`
    for open ones past their due date."""
    today = region_today()
    query = services.assessments_query(actor(), today=today, status=args.get("status"), overdue=args.get("overdue"))
    found = page_of(query, args)
    return {**found, "items": [services.assessment_dict(a, today) for a in found["items"]]}


@blp.route("/monitoring/assessments/<int:assessment_id>", methods=["GET"])
@access(*ASSESSORS)
@blp.response(200, BreachAssessmentSchema, headers=preconditions.etag_header("assessment"))
def get_assessment(assessment_id: int):
    """One assessment with its ETag."""
    assessment = services.get_assessment(assessment_id, actor())
    return services.assessment_dict(assessment, region_today()), 200, {"ETag": assessment.etag}


@blp.route("/monitoring/assessments/<int:assessment_id>/decision", methods=["POST"])
@access(*ASSESSORS)
@blp.arguments(BreachDecisionSchema)
@blp.doc(parameters=[preconditions.if_match_parameter("assessment")])
@blp.response(200, BreachAssessmentSchema, headers=preconditions.etag_header("assessment"))
@blp.alt_response(409, "CONFLICT", description="Already decided, or the solution is no longer in use")
def decide(body, assessment_id: int):
    """The oversight owner's decision (If-Match): `incident` reports a deviation now (its legal clocks start
    at this decision), `not_incident` records the reason. The oversight owner or deputy decides whatever
    their account's role; compliance may record the oversight owner's decision; others: 403
    `not_oversight_owner` (or 404 when they may not see the assessment)."""
    user = actor()
    assessment = services.get_assessment(assessment_id, user)
    services.require_if_match(assessment, request.headers.get("If-Match"), "assessment")
    assessment = services.decide_assessment(assessment, body, user)
    db.session.flush()
    return services.assessment_dict(assessment, region_today()), 200, {"ETag": assessment.etag}


# --------------------------------------------------------------------------- log retention


@blp.route("/solutions/<int:solution_id>/log-retention")
class Retention(MethodView):
    @access(*READERS)
    @blp.response(200, RetentionListSchema)
    def get(self, solution_id: int):
        """Where the solution's logs live and how long they are kept; newest first (the first is in force)."""
        solution = get_solution(solution_id, actor())
        return _listed([services.retention_dict(r) for r in services.retention_for(solution.id)])

    @access(*WRITERS)
    @blp.arguments(RetentionCreateSchema)
    @blp.response(201, RetentionSchema)
    def post(self, body, solution_id: int):
        """Record the log retention (Art 26(6)): at least six months, unless `legal_basis` names the Union or
        national law that provides otherwise. Supersedes the earlier record (kept as history)."""
        by = actor()
        row = services.record_retention(get_solution(solution_id, by, write=True), body, by)
        return services.retention_dict(row), 201


# --------------------------------------------------------------------------- informing


@blp.route("/solutions/<int:solution_id>/informing")
class Informing(MethodView):
    @access(*READERS)
    @blp.response(200, InformingListSchema)
    def get(self, solution_id: int):
        """How and when workers (Art 26(7)), persons subject to decisions (Art 26(11)) were informed, and how a
        person asks for an explanation (Art 86)."""
        solution = get_solution(solution_id, actor())
        return _listed([services.informing_dict(r) for r in services.informing_for(solution.id)])

    @access(*WRITERS)
    @blp.arguments(InformingCreateSchema)
    @blp.response(201, InformingSchema)
    def post(self, body, solution_id: int):
        """Record an informing; workers come with the MBL negotiation (date, parties, outcome). The record
        meets the matching obligation (Art 26(11), Art 86) where the classification lists it."""
        by = actor()
        row = services.record_informing(get_solution(solution_id, by, write=True), body, by)
        return services.informing_dict(row), 201


# --------------------------------------------------------------------------- explanation requests


@blp.route("/solutions/<int:solution_id>/explanation-requests")
class SolutionExplanations(MethodView):
    @access(*READERS)
    @blp.arguments(ExplanationArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, ExplanationPageSchema)
    def get(self, args, solution_id: int):
        """Requests for an explanation of an individual decision (Art 86), newest first."""
        today = region_today()
        found = page_of(services.explanation_requests_for(get_solution(solution_id, actor()).id), args)
        return {**found, "items": [services.explanation_dict(r, today) for r in found["items"]]}

    @access(*WRITERS)
    @blp.arguments(ExplanationCreateSchema)
    @blp.response(201, ExplanationSchema, headers=preconditions.etag_header("request"))
    def post(self, body, solution_id: int):
        """Log a request received: date, channel, what is asked (no patient identifiers: refused)."""
        by = actor()
        row = services.log_explanation_request(get_solution(solution_id, by, write=True), body, by)
        db.session.flush()
        return services.explanation_dict(row, region_today()), 201, {"ETag": row.etag}


@blp.route("/explanation-requests", methods=["GET"])
@access(*READERS)
@blp.arguments(ExplanationArgsSchema, location="query", unknown=ma.RAISE)
@blp.response(200, ExplanationPageSchema)
def all_explanations(args):
    """Requests of every solution I may read; `overdue=true` for unanswered ones past their due date."""
    today = region_today()
    found = page_of(services.explanation_query(actor(), today=today, overdue=args.get("overdue")), args)
    return {**found, "items": [services.explanation_dict(r, today) for r in found["items"]]}


@blp.route("/explanation-requests/<int:request_id>")
class Explanation(MethodView):
    @access(*READERS)
    @blp.response(200, ExplanationSchema, headers=preconditions.etag_header("request"))
    def get(self, request_id: int):
        """One request with its ETag."""
        _solution, row = services.get_explanation_request(request_id, actor())
        return services.explanation_dict(row, region_today()), 200, {"ETag": row.etag}

    @access(*WRITERS)
    @blp.arguments(ExplanationAnswerSchema)
    @blp.doc(parameters=[preconditions.if_match_parameter("request")])
    @blp.response(200, ExplanationSchema, headers=preconditions.etag_header("request"))
    @blp.alt_response(409, "CONFLICT", description="Already answered")
    def patch(self, body, request_id: int):
        """Record the answer (If-Match): when, and what was explained; who answered is the one recording it."""
        by = actor()
        solution, row = services.get_explanation_request(request_id, by, write=True)
        services.require_if_match(row, request.headers.get("If-Match"), "request")
        row = services.answer_explanation_request(solution, row, body, by)
        db.session.flush()
        return services.explanation_dict(row, region_today()), 200, {"ETag": row.etag}
