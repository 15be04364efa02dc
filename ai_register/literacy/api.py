"""/api/v1: AI-literacy measures (AI Act Art 4) per solution and region-wide."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ai_register.literacy import services
from ai_register.literacy.schemas import LiteracyMeasureCreateSchema, LiteracyMeasureListSchema, LiteracyMeasureSchema
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution

blp = Blueprint("literacy_api", __name__, url_prefix="/api/v1",
                description="AI literacy (AI Act Art 4): measures for staff who operate or use AI")


@blp.route("/solutions/<int:solution_id>/literacy-measures")
class SolutionLiteracy(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.response(200, LiteracyMeasureListSchema)
    def get(self, solution_id: int):
        """The solution's measures and the region-wide ones (`solution_id` null), newest first."""
        items = services.measures_for(get_solution(solution_id, actor()).id)
        return {"items": items, "total": len(items)}

    @access(OWNER, COMPLIANCE)
    @blp.arguments(LiteracyMeasureCreateSchema)
    @blp.response(201, LiteracyMeasureSchema)
    def post(self, body, solution_id: int):
        """Record a measure for the staff of this solution: what, for whom, which care units, when, how many."""
        return services.record_measure(get_solution(solution_id, actor(), write=True), body, by=actor()), 201


@blp.route("/literacy-measures")
class RegionLiteracy(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.response(200, LiteracyMeasureListSchema)
    def get(self):
        """Region-wide measures (for the staff of every AI solution)."""
        items = services.measures_for(None)
        return {"items": items, "total": len(items)}

    @access(COMPLIANCE)
    @blp.arguments(LiteracyMeasureCreateSchema)
    @blp.response(201, LiteracyMeasureSchema)
    def post(self, body):
        """Record a region-wide measure (compliance)."""
        return services.record_measure(None, body, by=actor()), 201
