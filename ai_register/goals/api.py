"""Goals, measured values and the benefit estimate of a solution."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound

from ai_register import preconditions
from ai_register.apikit import PageArgsSchema, page_of
from ai_register.exceptions import Stale
from ai_register.goals import services
from ai_register.goals.schemas import (
    BenefitPutSchema,
    BenefitSchema,
    GoalCreateSchema,
    GoalListSchema,
    GoalPatchSchema,
    GoalSchema,
    MeasurementCreateSchema,
    MeasurementListSchema,
    MeasurementSchema,
)
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution

blp = Blueprint("goals_api", __name__, url_prefix="/api/v1/solutions",
                description="Goals, measured values and the benefit estimate (effekt före insats)")
GOAL_ETAG = preconditions.etag_header("goal")
BENEFIT_ETAG = preconditions.etag_header("benefit estimate")


@blp.route("/<int:solution_id>/goals")
class Goals(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, GoalListSchema)
    def get(self, args, solution_id: int):
        """The solution's goals with their latest measured value."""
        solution = get_solution(solution_id, actor())
        return page_of(services.goals_query(solution.id), args)

    @access(OWNER, COMPLIANCE)
    @blp.arguments(GoalCreateSchema)
    @blp.response(201, GoalSchema, headers=GOAL_ETAG)
    def post(self, body, solution_id: int):
        """Record a goal in one of the five perspectives."""
        goal = services.create_goal(get_solution(solution_id, actor(), write=True), body, by=actor())
        return goal, 201, {"ETag": goal.etag}


@blp.route("/<int:solution_id>/goals/<int:goal_id>")
class GoalResource(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.response(200, GoalSchema, headers=GOAL_ETAG)
    def get(self, solution_id: int, goal_id: int):
        """One goal with its latest measured value; its `ETag` guards changes."""
        goal = services.get_goal(get_solution(solution_id, actor()), goal_id)
        return goal, 200, {"ETag": goal.etag}

    @access(OWNER, COMPLIANCE)
    @blp.arguments(GoalPatchSchema)
    @blp.response(200, GoalSchema, headers=GOAL_ETAG)
    @blp.alt_response(412, "PRECONDITION_FAILED", description="The goal changed since it was read")
    @blp.alt_response(428, "PRECONDITION_REQUIRED", description="No If-Match with the goal's ETag")
    @blp.doc(parameters=[preconditions.if_match_parameter("goal")])
    def patch(self, body, solution_id: int, goal_id: int):
        """Change a goal (e.g. fill in the indicator, baseline or target); If-Match with its ETag."""
        goal = services.get_goal(get_solution(solution_id, actor(), write=True), goal_id)
        preconditions.require_if_match(goal.version, request.headers.get("If-Match"), "goal")
        goal = services.update_goal(goal, body)
        return goal, 200, {"ETag": goal.etag}


@blp.route("/<int:solution_id>/goals/<int:goal_id>/measurements")
class Measurements(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, MeasurementListSchema)
    def get(self, args, solution_id: int, goal_id: int):
        """Measured values of a goal, oldest first."""
        goal = services.get_goal(get_solution(solution_id, actor()), goal_id)
        return page_of(services.measurements_query(goal), args)

    @access(OWNER, COMPLIANCE)
    @blp.arguments(MeasurementCreateSchema)
    @blp.response(201, MeasurementSchema)
    def post(self, body, solution_id: int, goal_id: int):
        """Record a measured value of the goal's indicator."""
        goal = services.get_goal(get_solution(solution_id, actor(), write=True), goal_id)
        return services.record_measurement(goal, body, by=actor())


@blp.route("/<int:solution_id>/benefit")
class Benefit(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.response(200, BenefitSchema, headers=BENEFIT_ETAG)
    def get(self, solution_id: int):
        """The benefit estimate with yearly net benefit and payback time; its `ETag` guards a replacement."""
        estimate = services.benefit_for(get_solution(solution_id, actor()).id)
        if estimate is None:
            raise NotFound("No benefit estimate is recorded for this solution.")
        return estimate, 200, {"ETag": estimate.etag}

    @access(OWNER, COMPLIANCE)
    @blp.arguments(BenefitPutSchema)
    @blp.response(200, BenefitSchema, headers=BENEFIT_ETAG)
    @blp.alt_response(201, schema=BenefitSchema, headers=BENEFIT_ETAG, description="The first estimate was recorded")
    @blp.alt_response(412, "PRECONDITION_FAILED", description="The estimate changed since it was read, or "
                                                              "If-Match was sent while there is none yet")
    @blp.alt_response(428, "PRECONDITION_REQUIRED", description="Replacing without If-Match")
    @blp.doc(parameters=[{**preconditions.if_match_parameter("benefit estimate"), "required": False,
                          "description": "The estimate's ETag as last read: required to replace one (428 "
                                         "without, 412 when stale); leave it out to record the first"}])
    def put(self, body, solution_id: int):
        """Record the first benefit estimate, or replace it (If-Match); earlier versions stay in the audit
        trail."""
        solution = get_solution(solution_id, actor(), write=True)
        current = services.benefit_for(solution.id)
        if_match = request.headers.get("If-Match")
        if current is not None:
            preconditions.require_if_match(current.version, if_match, "benefit estimate")
        elif if_match:
            raise Stale("No benefit estimate is recorded yet; leave out If-Match to record the first.")
        estimate, created = services.put_benefit(solution, body, by=actor())
        return estimate, 201 if created else 200, {"ETag": estimate.etag}
