"""The human-oversight owner of a solution, its history and its re-confirmation."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from ai_register import preconditions
from ai_register.apikit import PageArgsSchema, page_of
from ai_register.errors import Problem
from ai_register.oversight import services
from ai_register.oversight.schemas import (
    ConfirmSchema,
    OversightAssignmentListSchema,
    OversightAssignmentSchema,
    OversightPutSchema,
)
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution, require_if_match

blp = Blueprint("oversight_api", __name__, url_prefix="/api/v1/solutions",
                description="Human-oversight owner (AI Act Art 14, Art 26(2))")

ETAG_HEADER = {"ETag": {"description": "The solution's version, for If-Match", "schema": {"type": "string"}}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": preconditions.IF_MATCH_SCHEMA,
            "description": "The solution's ETag (428 without, 412 when stale)"}


@blp.route("/<int:solution_id>/oversight")
class Oversight(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.response(200, OversightAssignmentSchema, headers=ETAG_HEADER)
    def get(self, solution_id: int):
        """The current oversight owner, with the solution's ETag."""
        solution = get_solution(solution_id, actor())
        assignment = services.current_oversight(solution.id)
        if assignment is None:
            raise Problem(404, "No oversight owner is assigned to this solution.",
                          headers={"ETag": solution.etag})
        return services.shown(assignment), 200, {"ETag": solution.etag}

    @access(OWNER, COMPLIANCE)
    @blp.arguments(OversightPutSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, OversightAssignmentSchema, headers=ETAG_HEADER)
    @blp.alt_response(201, schema=OversightAssignmentSchema, headers=ETAG_HEADER,
                      description="The first owner was named")
    def put(self, body, solution_id: int):
        """Name the oversight owner (If-Match). The current assignment is ended and kept in the history."""
        solution = get_solution(solution_id, actor(), write=True)
        require_if_match(solution, request.headers.get("If-Match"))
        first = services.current_oversight(solution.id) is None
        assignment = services.assign_oversight(solution, body, by=actor())
        return services.shown(assignment), 201 if first else 200, {"ETag": solution.etag}


@blp.route("/<int:solution_id>/oversight/history", methods=["GET"])
@access(OWNER, COMPLIANCE, AUDITOR)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, OversightAssignmentListSchema)
def oversight_history(args, solution_id: int):
    """Every oversight assignment of the solution, newest first."""
    solution = get_solution(solution_id, actor())
    return services.shown_page(page_of(services.history_query(solution.id), args))


@blp.route("/<int:solution_id>/oversight/confirm", methods=["POST"])
@access(OWNER, COMPLIANCE)
@blp.arguments(ConfirmSchema, required=False)
@blp.response(200, OversightAssignmentSchema, headers=ETAG_HEADER)
def confirm_oversight(body, solution_id: int):
    """Re-confirm the assignment: by the oversight owner themself when they have an account,
    otherwise recorded by compliance. Due at least every 12 months."""
    solution, assignment = services.confirm_oversight(solution_id, body, by=actor())
    return services.shown(assignment), 200, {"ETag": solution.etag}
