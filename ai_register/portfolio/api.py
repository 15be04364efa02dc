"""/api/v1: the common indicators, the portfolio view, portfolio-meeting decisions and the
trustworthy-AI assessment. Views parse and render; services decide and write."""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma
from flask import Response, request, stream_with_context, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from ai_register import preconditions
from ai_register.apikit import PageArgsSchema, page_of
from ai_register.portfolio import assessments, decisions, indicators, queries
from ai_register.portfolio.models import Indicator
from ai_register.portfolio.schemas import (
    IndicatorListSchema,
    IndicatorPatchSchema,
    IndicatorSchema,
    IndicatorWriteSchema,
    MeetingDecisionsResultSchema,
    MeetingDecisionsSchema,
    PortfolioViewArgsSchema,
    PortfolioViewSchema,
    TrustworthyAssessmentCreateSchema,
    TrustworthyAssessmentListSchema,
    TrustworthyAssessmentSchema,
    TrustworthyAssessmentStateSchema,
)
from ai_register.reports.export import iter_csv
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER, SIGNED_IN, access, actor
from ai_register.solutions.access import get_solution

blp = Blueprint("portfolio_api", __name__, url_prefix="/api/v1",
                description="Portfolio steering: common indicators, portfolio view and meeting decisions, "
                            "trustworthy-AI assessment")

CATALOGUE_EDITORS = (COMPLIANCE, ADMIN)
READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
CSV = "text/csv"
INDICATOR_ETAG = preconditions.etag_header("indicator")


# --------------------------------------------------------------------------- indicators


@blp.route("/indicators")
class Indicators(MethodView):
    @access(*SIGNED_IN)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, IndicatorListSchema)
    def get(self, args):
        """The catalogue of common indicators (quality, accessibility, work environment, robustness, economy)."""
        return page_of(select(Indicator).order_by(Indicator.id), args)

    @access(*CATALOGUE_EDITORS)
    @blp.arguments(IndicatorWriteSchema)
    @blp.response(201, IndicatorSchema)
    def post(self, body):
        """Add a common indicator (compliance or admin; audited)."""
        indicator = indicators.create_indicator(body)
        return indicator, 201, {"Location": url_for("portfolio_api.IndicatorResource", indicator_id=indicator.id)}


@blp.route("/indicators/<int:indicator_id>")
class IndicatorResource(MethodView):
    @access(*SIGNED_IN)
    @blp.response(200, IndicatorSchema, headers=INDICATOR_ETAG)
    def get(self, indicator_id: int):
        """One common indicator; its `ETag` guards changes."""
        indicator = indicators.get_indicator(indicator_id)
        return indicator, 200, {"ETag": indicator.etag}

    @access(*CATALOGUE_EDITORS)
    @blp.arguments(IndicatorPatchSchema)
    @blp.response(200, IndicatorSchema, headers=INDICATOR_ETAG)
    @blp.alt_response(412, "PRECONDITION_FAILED", description="The indicator changed since it was read")
    @blp.alt_response(428, "PRECONDITION_REQUIRED", description="No If-Match with the indicator's ETag")
    @blp.doc(parameters=[preconditions.if_match_parameter("indicator")])
    def patch(self, body, indicator_id: int):
        """Change an indicator's names, definition, unit, direction or whether it is in use (If-Match; audited)."""
        indicator = indicators.get_indicator(indicator_id)
        preconditions.require_if_match(indicator.version, request.headers.get("If-Match"), "indicator")
        indicator = indicators.update_indicator(indicator, body)
        return indicator, 200, {"ETag": indicator.etag}


# --------------------------------------------------------------------------- portfolio


@blp.route("/portfolio")
class Portfolio(MethodView):
    @access(*READERS)
    # A mistyped filter must not silently widen the view: unknown query parameters are refused.
    @blp.arguments(PortfolioViewArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, PortfolioViewSchema)
    @blp.doc(responses={200: {"description": "JSON, or CSV with `Accept: text/csv` / `?format=csv`",
                              "content": {CSV: {"schema": {"type": "string"}}}}})
    def get(self, args):
        """The portfolio: every solution I may read with phase, status, risk classes, expected and realised
        benefit, cost, open obligations, overdue items and the prioritisation score (formula included)."""
        wants_csv = args.get("format") == "csv" or (
            "format" not in args and request.accept_mimetypes.best_match(["application/json", CSV]) == CSV)
        if wants_csv:
            day = datetime.now(UTC).date().isoformat()
            rows = queries.iter_rows(actor(), args)
            response = Response(stream_with_context(iter_csv(queries.CSV_COLUMNS, (queries.csv_row(r) for r in rows))),
                                mimetype=CSV, content_type=f"{CSV}; charset=utf-8")
            response.headers["Content-Disposition"] = f'attachment; filename="portfolio-{day}.csv"'
            return response
        return queries.portfolio(actor(), args, args["page"], args["per_page"])


@blp.route("/portfolio/decisions", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(MeetingDecisionsSchema)
@blp.response(201, MeetingDecisionsResultSchema)
@blp.alt_response(409, "CONFLICT", description="Some decision is not possible; `refused` lists each; none "
                                               "is recorded")
@blp.alt_response(412, "PRECONDITION_FAILED")
def meeting_decisions(body):
    """Record the decisions of a portfolio meeting (scale up, adjust, pause, resume, terminate), one per
    solution, with the meeting reference: all or nothing, each audited like a single decision."""
    recorded = decisions.record_meeting_decisions(body, actor())
    return {"meeting_reference": body["meeting_reference"], "items": recorded, "total": len(recorded)}, 201


# --------------------------------------------------------------------------- trustworthy-AI assessment


@blp.route("/solutions/<int:solution_id>/trustworthy-assessment")
class TrustworthyAssessment(MethodView):
    @access(*READERS)
    @blp.response(200, TrustworthyAssessmentStateSchema)
    def get(self, solution_id: int):
        """The latest trustworthy-AI self-assessment (seven HLEG requirements) and whether a refresh is due."""
        solution = get_solution(solution_id, actor())
        return assessments.assessment_view(assessments.latest_assessment(solution.id), solution.id)

    @access(*WRITERS)
    @blp.arguments(TrustworthyAssessmentCreateSchema)
    @blp.response(201, TrustworthyAssessmentSchema)
    def post(self, body, solution_id: int):
        """Record a new version of the self-assessment: per requirement an answer, evidence and open actions."""
        solution = get_solution(solution_id, actor(), write=True)
        return assessments.record_assessment(solution, body, actor()), 201


@blp.route("/solutions/<int:solution_id>/trustworthy-assessments")
class TrustworthyAssessmentHistory(MethodView):
    @access(*READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, TrustworthyAssessmentListSchema)
    def get(self, args, solution_id: int):
        """Every version of the self-assessment, newest first."""
        solution = get_solution(solution_id, actor())
        return page_of(assessments.assessments_query(solution.id), args)
