"""/api/v1: periodic reviews, the review schedule, the follow-up agenda and benefit realisation."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from ai_register.apikit import PageArgsSchema
from ai_register.reviews import services
from ai_register.reviews.schemas import (
    AgendaArgsSchema,
    AgendaSchema,
    RealisationArgsSchema,
    RealisationSchema,
    ReviewCreateSchema,
    ReviewPageSchema,
    ReviewSchema,
    ScheduleArgsSchema,
    SchedulePageSchema,
)
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution, no_lost_update

blp = Blueprint("reviews_api", __name__, url_prefix="/api/v1",
                description="Follow-up: periodic reviews, what is due, benefit realisation")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)


@blp.route("/solutions/<int:solution_id>/reviews")
class SolutionReviews(MethodView):
    @access(*READERS)
    @blp.arguments(PageArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, ReviewPageSchema)
    def get(self, args, solution_id: int):
        """The solution's reviews, newest first, and its review schedule (interval, next date, state)."""
        return services.list_reviews(solution_id, actor(), **args)

    @access(*WRITERS)
    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, ReviewSchema)
    @blp.alt_response(412, "PRECONDITION_FAILED", description="The solution changed meanwhile")
    def post(self, body, solution_id: int):
        """Record a periodic review. It sets the solution's next review date (default: the review date
        plus the interval of its risk class) and asks the owners for a follow-up decision."""

        with no_lost_update(get_solution(services.require_id(solution_id, "solution"), actor())):
            return services.record_review(solution_id, body, by=actor()), 201


@blp.route("/reviews/schedule")
class ReviewSchedule(MethodView):
    @access(*READERS)
    @blp.arguments(ScheduleArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, SchedulePageSchema)
    def get(self, args):
        """Review schedules of the solutions I may read; by default the due and overdue ones."""
        return services.schedule_list(actor(), **args)


@blp.route("/follow-up")
class FollowUpAgenda(MethodView):
    @access(*READERS)
    @blp.arguments(AgendaArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, AgendaSchema)
    def get(self, args):
        """What is due or overdue on the solutions I may read: incident duties, serious incidents awaiting
        a decision, reviews, oversight re-confirmations, expiring evidence, pilots awaiting a decision."""
        return services.agenda_for(actor(), **args)


@blp.route("/solutions/<int:solution_id>/benefit-realisation")
class BenefitRealisation(MethodView):
    @access(*READERS)
    @blp.arguments(RealisationArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, RealisationSchema)
    def get(self, args, solution_id: int):
        """Measured values against goals: progress % and trend per goal, per perspective and overall."""
        return services.realisation_for(solution_id, actor(), **args)
