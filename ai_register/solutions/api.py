"""/api/v1/solutions: register, read, list and update AI solutions; phase transitions, follow-up
decisions, rollout plan and decommissioning checklist. Views parse and render; services decide."""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from ai_register import preconditions
from ai_register.apikit import PageArgsSchema, page_of
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions import detail, plans, services, transitions
from ai_register.solutions.access import get_child, get_solution, no_lost_update, require_if_match
from ai_register.solutions.lifecycle.phases import Phase
from ai_register.solutions.models import Decision, Solution, TransitionRequest
from ai_register.solutions.schemas import (
    ChecklistSchema,
    ChecklistWriteSchema,
    DecisionCreateSchema,
    DecisionPageSchema,
    DecisionSchema,
    RolloutPlanSchema,
    RolloutPlanWriteSchema,
    SolutionDetailSchema,
    SolutionListArgsSchema,
    SolutionPageSchema,
    SolutionPatchSchema,
    SolutionWriteSchema,
    TransitionApproveSchema,
    TransitionCreateSchema,
    TransitionPageSchema,
    TransitionRejectSchema,
    TransitionRequestSchema,
)

blp = Blueprint("solutions_api", __name__, url_prefix="/api/v1",
                description="AI solutions: register, lifecycle, rollout and decommissioning")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)

ETAG_HEADER = {"ETag": {"description": "The solution's version; send it back as If-Match",
                        "schema": {"type": "string"}}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": preconditions.IF_MATCH_SCHEMA,
            "description": "The ETag of the solution as last read (428 without, 412 when stale)"}
OPTIONAL_IF_MATCH = {**IF_MATCH, "required": False,
                     "description": "The ETag of the solution as last read; checked when sent (412 if stale)"}


def _guarded(solution: Solution, *, required: bool = True) -> None:
    if_match = request.headers.get("If-Match")
    if required or if_match:
        require_if_match(solution, if_match)


def _with_etag(body, solution: Solution, status: int = 200, **headers):
    return body, status, {"ETag": solution.etag, **headers}


# --------------------------------------------------------------------------- solutions


@blp.route("/solutions")
class Solutions(MethodView):
    @access(*READERS)
    # A mistyped filter must not silently widen the list: unknown query parameters are refused.
    @blp.arguments(SolutionListArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, SolutionPageSchema)
    def get(self, args):
        """List the solutions I may read: filters, free-text search on name and purpose, sort, pages."""
        return services.list_solutions(actor(), args)

    @access(*WRITERS)
    @blp.arguments(SolutionWriteSchema)
    @blp.response(201, SolutionDetailSchema, headers=ETAG_HEADER)
    def post(self, body):
        """Register a solution (in needs analysis). Compliance may register it on behalf of an owner."""
        solution = services.register_solution(body, actor())
        location = url_for("solutions_api.SolutionResource", solution_id=solution.id)
        return _with_etag(detail.solution_detail(solution), solution, 201, Location=location)


@blp.route("/solutions/<int:solution_id>")
class SolutionResource(MethodView):
    @access(*READERS)
    @blp.response(200, SolutionDetailSchema, headers=ETAG_HEADER)
    def get(self, solution_id: int):
        """One solution with phase, status, owners, current classification and oversight owner."""
        solution = detail.read_detail(solution_id, actor())
        return _with_etag(detail.solution_detail(solution), solution)

    @access(*WRITERS)
    @blp.arguments(SolutionPatchSchema(partial=True))
    @blp.response(200, SolutionDetailSchema, headers=ETAG_HEADER)
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    @blp.doc(parameters=[IF_MATCH])
    def patch(self, body, solution_id: int):
        """Change fields of a solution (If-Match). Audited with the changed fields before and after."""
        user = actor()
        solution = get_solution(solution_id, user, write=True)
        _guarded(solution)
        reason = body.pop("reason", None)
        with no_lost_update(solution):
            services.update_solution(solution, body, by=user, reason=reason)
        return _with_etag(detail.solution_detail(solution), solution)


# --------------------------------------------------------------------------- transitions


@blp.route("/solutions/<int:solution_id>/transitions")
class SolutionTransitions(MethodView):
    @access(*READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, TransitionPageSchema)
    def get(self, args, solution_id: int):
        """Phase changes of the solution: pending requests, their outcome, and moves that took effect."""
        solution = get_solution(solution_id, actor())
        query = (select(TransitionRequest).where(TransitionRequest.solution_id == solution.id)
                 .order_by(TransitionRequest.requested_at, TransitionRequest.id))
        return page_of(query, args)

    @access(*WRITERS)
    @blp.arguments(TransitionCreateSchema)
    @blp.response(200, SolutionDetailSchema, headers=ETAG_HEADER,
                  description="The move took effect (into management, decommissioning, retired)")
    @blp.alt_response(202, schema=TransitionRequestSchema, headers=ETAG_HEADER, success=True,
                      description="Into pilot or rollout: a request waiting for a compliance officer")
    @blp.alt_response(409, "CONFLICT", description="Not allowed; `unmet` lists every unmet condition")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    @blp.doc(parameters=[IF_MATCH])
    def post(self, body, solution_id: int):
        """Move the solution to another phase, or request the move (If-Match); the gate is checked."""
        solution = get_solution(solution_id, actor(), write=True)
        _guarded(solution)
        with no_lost_update(solution):
            transition, applied = transitions.request_transition(solution, Phase(body["to"]), actor(),
                                                                 body.get("reason"))
        if applied:
            return _with_etag(detail.solution_detail(solution), solution)
        response = jsonify(TransitionRequestSchema().dump(transition))
        response.status_code = 202
        response.headers["ETag"] = solution.etag
        response.headers["Location"] = url_for("solutions_api.TransitionResource",
                                               transition_id=transition.id)
        return response


def _transition(transition_id: int, *, write: bool = False) -> TransitionRequest:
    return get_child(TransitionRequest, transition_id, actor(), for_write=write)


@blp.route("/transitions/<int:transition_id>")
class TransitionResource(MethodView):
    @access(*READERS)
    @blp.response(200, TransitionRequestSchema)
    def get(self, transition_id: int):
        """One transition request and its outcome."""
        return _transition(transition_id)


@blp.route("/transitions/<int:transition_id>/approve", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(TransitionApproveSchema, required=False)
@blp.response(200, TransitionRequestSchema)
@blp.alt_response(409, "CONFLICT", description="The gate no longer holds; `unmet` lists why")
def approve_transition(body, transition_id: int):
    """Approve a pending move into pilot or rollout (four eyes; the gate is checked again)."""
    transition = _transition(transition_id, write=True)
    with no_lost_update(transition.solution):
        return transitions.approve_request(transition, actor(), body.get("reason"))


@blp.route("/transitions/<int:transition_id>/reject", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(TransitionRejectSchema)
@blp.response(200, TransitionRequestSchema)
def reject_transition(body, transition_id: int):
    """Reject a pending request with a reason (four eyes)."""
    transition = _transition(transition_id, write=True)
    with no_lost_update(transition.solution):
        return transitions.reject_request(transition, actor(), body["reason"])


@blp.route("/transitions/<int:transition_id>/withdraw", methods=["POST"])
@access(*WRITERS)
@blp.arguments(TransitionApproveSchema, required=False)
@blp.response(200, TransitionRequestSchema)
def withdraw_transition(body, transition_id: int):
    """Withdraw a pending request (an owner of the solution, or compliance)."""
    transition = _transition(transition_id, write=True)
    with no_lost_update(transition.solution):
        return transitions.withdraw_request(transition, actor(), body.get("reason"))


# --------------------------------------------------------------------------- decisions


@blp.route("/solutions/<int:solution_id>/decisions")
class SolutionDecisions(MethodView):
    @access(*READERS)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, DecisionPageSchema)
    def get(self, args, solution_id: int):
        """Follow-up decisions of the solution, oldest first."""
        solution = get_solution(solution_id, actor())
        query = (select(Decision).where(Decision.solution_id == solution.id)
                 .order_by(Decision.decided_on, Decision.id))
        return page_of(query, args)

    @access(*WRITERS)
    @blp.arguments(DecisionCreateSchema)
    @blp.response(201, DecisionSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, "CONFLICT", description="Not possible now; `unmet` lists why")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.alt_response(428, "PRECONDITION_REQUIRED")
    @blp.doc(parameters=[IF_MATCH])
    def post(self, body, solution_id: int):
        """Record a follow-up decision (scale up, adjust, pause, resume, terminate) and its effect at once."""
        solution = get_solution(solution_id, actor(), write=True)
        _guarded(solution)
        with no_lost_update(solution):
            decision = transitions.record_decision(solution, body, actor())
        return _with_etag(decision, solution, 201)


# --------------------------------------------------------------------------- rollout plan


@blp.route("/solutions/<int:solution_id>/rollout-plan")
class RolloutPlan(MethodView):
    @access(*READERS)
    @blp.response(200, RolloutPlanSchema, headers=ETAG_HEADER)
    def get(self, solution_id: int):
        """The care units of the rollout, with planned and actual start dates."""
        solution = get_solution(solution_id, actor())
        return _with_etag(plans.rollout_plan(solution), solution)

    @access(*WRITERS)
    @blp.arguments(RolloutPlanWriteSchema)
    @blp.response(200, RolloutPlanSchema, headers=ETAG_HEADER)
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.doc(parameters=[OPTIONAL_IF_MATCH])
    def put(self, body, solution_id: int):
        """Replace the rollout plan (audited before and after)."""
        solution = get_solution(solution_id, actor(), write=True)
        _guarded(solution, required=False)
        with no_lost_update(solution):
            plans.replace_rollout_plan(solution, body["units"], actor(), reason=body.get("reason"))
        return _with_etag(plans.rollout_plan(solution), solution)


# --------------------------------------------------------------------------- decommissioning checklist


@blp.route("/solutions/<int:solution_id>/decommissioning-checklist")
class DecommissioningChecklist(MethodView):
    @access(*READERS)
    @blp.response(200, ChecklistSchema, headers=ETAG_HEADER)
    def get(self, solution_id: int):
        """The decommissioning checklist: each item, whether done, by whom and when."""
        solution = get_solution(solution_id, actor())
        return _with_etag(plans.decommissioning_checklist(solution), solution)

    @access(*WRITERS)
    @blp.arguments(ChecklistWriteSchema)
    @blp.response(200, ChecklistSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, "CONFLICT", description="Only in the decommissioning phase")
    @blp.alt_response(412, "PRECONDITION_FAILED")
    @blp.doc(parameters=[OPTIONAL_IF_MATCH])
    def put(self, body, solution_id: int):
        """Tick or untick checklist items (only while decommissioning); items not listed stay as they are."""
        solution = get_solution(solution_id, actor(), write=True)
        _guarded(solution, required=False)
        with no_lost_update(solution):
            plans.update_checklist(solution, body["items"], actor(), reason=body.get("reason"))
        return _with_etag(plans.decommissioning_checklist(solution), solution)
