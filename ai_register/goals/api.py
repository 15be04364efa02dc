"""Goals, measured values and the benefit estimate of a solution."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Select, func, select
from werkzeug.exceptions import NotFound

from ai_register.extensions import db
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
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access
from ai_register.solutions.access import get_solution
from ai_register.users.schemas import PageArgsSchema

blp = Blueprint("goals_api", __name__, url_prefix="/api/v1/solutions",
                description="Goals, measured values and the benefit estimate (effekt före insats)")


def _page(query: Select, args: dict) -> dict:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    offset = (args["page"] - 1) * args["per_page"]
    items = db.session.scalars(query.offset(offset).limit(args["per_page"])).all()
    return {"items": items, "total": total, **args}


@blp.route("/<int:solution_id>/goals")
class Goals(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, GoalListSchema)
    def get(self, args, solution_id: int):
        """The solution's goals with their latest measured value."""
        solution = get_solution(solution_id)
        return _page(services.goals_query(solution.id), args)

    @access(OWNER, COMPLIANCE)
    @blp.arguments(GoalCreateSchema)
    @blp.response(201, GoalSchema)
    def post(self, body, solution_id: int):
        """Record a goal in one of the five perspectives."""
        return services.create_goal(get_solution(solution_id, write=True), body)


@blp.route("/<int:solution_id>/goals/<int:goal_id>", methods=["PATCH"])
@access(OWNER, COMPLIANCE)
@blp.arguments(GoalPatchSchema)
@blp.response(200, GoalSchema)
def patch_goal(body, solution_id: int, goal_id: int):
    """Change a goal (e.g. fill in the indicator, baseline or target)."""
    goal = services.get_goal(get_solution(solution_id, write=True), goal_id)
    return services.update_goal(goal, body)


@blp.route("/<int:solution_id>/goals/<int:goal_id>/measurements")
class Measurements(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, MeasurementListSchema)
    def get(self, args, solution_id: int, goal_id: int):
        """Measured values of a goal, oldest first."""
        goal = services.get_goal(get_solution(solution_id), goal_id)
        return _page(services.measurements_query(goal), args)

    @access(OWNER, COMPLIANCE)
    @blp.arguments(MeasurementCreateSchema)
    @blp.response(201, MeasurementSchema)
    def post(self, body, solution_id: int, goal_id: int):
        """Record a measured value of the goal's indicator."""
        goal = services.get_goal(get_solution(solution_id, write=True), goal_id)
        return services.record_measurement(goal, body)


@blp.route("/<int:solution_id>/benefit")
class Benefit(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.response(200, BenefitSchema)
    def get(self, solution_id: int):
        """The benefit estimate with yearly net benefit and payback time."""
        estimate = services.benefit_for(get_solution(solution_id).id)
        if estimate is None:
            raise NotFound("No benefit estimate is recorded for this solution.")
        return estimate

    @access(OWNER, COMPLIANCE)
    @blp.arguments(BenefitPutSchema)
    @blp.response(200, BenefitSchema)
    @blp.alt_response(201, schema=BenefitSchema, description="The first estimate was recorded")
    def put(self, body, solution_id: int):
        """Record or replace the benefit estimate; earlier versions stay in the audit trail."""
        estimate, created = services.put_benefit(get_solution(solution_id, write=True), body)
        return estimate, 201 if created else 200
