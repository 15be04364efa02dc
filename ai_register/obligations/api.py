"""/api/v1: the obligations of a solution as records with a status, and the overdue ones."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from ai_register import preconditions
from ai_register.apikit import page_of
from ai_register.extensions import db
from ai_register.obligations import rules, services
from ai_register.obligations.schemas import (
    ObligationArgsSchema,
    ObligationConfirmSchema,
    ObligationPageArgsSchema,
    ObligationPageSchema,
    ObligationPatchSchema,
    ObligationSchema,
)
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution
from ai_register.solutions.services import region_today

blp = Blueprint("obligations_api", __name__, url_prefix="/api/v1",
                description="Obligations of a solution: status, what meets them, who confirmed, due dates")

READERS = (OWNER, COMPLIANCE, AUDITOR)
ETAG_HEADER = {"ETag": {"description": "The obligation record's version, for If-Match", "schema": {"type": "string"}}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": preconditions.IF_MATCH_SCHEMA,
            "description": "The obligation's ETag (428 without, 412 when stale)"}


def as_item(row, today) -> dict:
    return {
        "id": row.id, "solution_id": row.solution_id, "obligation_id": row.obligation_id,
        "text": services.text_of(row), "role": row.role, "citation": row.citation,
        "applies_from": row.applies_from, "condition": row.condition, "current": row.current,
        "opened_on": row.opened_on, "due_on": row.due_on, "overdue": services.is_overdue(row, today),
        "status": row.status, "closed": rules.is_closed(row.status, row.confirmed),
        "evidence_id": row.evidence_id, "record_type": row.record_type, "record_id": row.record_id,
        "note": row.note, "not_applicable_reason": row.not_applicable_reason,
        "status_set_by": row.status_set_by.display_name if row.status_set_by else None,
        "status_set_at": row.status_set_at,
        "confirmed_by": row.confirmed_by.display_name if row.confirmed_by else None,
        "confirmed_at": row.confirmed_at, "version": row.version or 0,
    }


def _today():
    return region_today()


@blp.route("/solutions/<int:solution_id>/obligations", methods=["GET"])
@access(*READERS)
@blp.arguments(ObligationPageArgsSchema, location="query", unknown=ma.RAISE)
@blp.response(200, ObligationPageSchema)
def solution_obligations(args, solution_id: int):
    """The obligations of the solution's decided classification, each with its status and due date, and
    earlier ones no longer listed (`current` false). Soonest due first."""
    found = page_of(services.obligations_for(get_solution(solution_id, actor())), args)
    today = _today()
    return {**found, "items": [as_item(r, today) for r in found["items"]]}


@blp.route("/solutions/<int:solution_id>/obligations/<string:obligation_id>")
class Obligation(MethodView):
    @access(*READERS)
    @blp.response(200, ObligationSchema, headers=ETAG_HEADER)
    def get(self, solution_id: int, obligation_id: str):
        """One obligation with its ETag."""
        row = services.get_obligation(get_solution(solution_id, actor()), obligation_id)
        return as_item(row, _today()), 200, {"ETag": row.etag}

    @access(OWNER, COMPLIANCE)
    @blp.arguments(ObligationPatchSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, ObligationSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, "CONFLICT", description="The obligation is no longer listed")
    def patch(self, body, solution_id: int, obligation_id: str):
        """Set the status (If-Match): `met` names the evidence or record that meets it and records who
        confirmed it and when; `not_applicable` gives the reason, which compliance confirms."""
        solution = get_solution(solution_id, actor(), write=True)
        row = services.get_obligation(solution, obligation_id)
        services.require_if_match(row, request.headers.get("If-Match"))
        row = services.update_obligation(solution, row, body, by=actor())
        db.session.flush()
        return as_item(row, _today()), 200, {"ETag": row.etag}


@blp.route("/solutions/<int:solution_id>/obligations/<string:obligation_id>/confirm", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(ObligationConfirmSchema, required=False)
@blp.doc(parameters=[IF_MATCH])
@blp.response(200, ObligationSchema, headers=ETAG_HEADER)
@blp.alt_response(409, "CONFLICT", description="Not marked not applicable, or already confirmed")
def confirm_obligation(body, solution_id: int, obligation_id: str):
    """Confirm that the obligation does not apply (compliance, four eyes: not who said so, not an owner)."""
    solution = get_solution(solution_id, actor(), write=True)
    row = services.get_obligation(solution, obligation_id)
    services.require_if_match(row, request.headers.get("If-Match"))
    row = services.confirm_not_applicable(solution, row, body.get("reason"), by=actor())
    db.session.flush()
    return as_item(row, _today()), 200, {"ETag": row.etag}


@blp.route("/obligations", methods=["GET"])
@access(*READERS)
@blp.arguments(ObligationArgsSchema, location="query", unknown=ma.RAISE)
@blp.response(200, ObligationPageSchema)
def all_obligations(args):
    """Obligation records of every solution I may read; `overdue=true` for those past due and not closed."""
    today = _today()
    query = services.obligations_query(actor(), today=today, overdue=args.get("overdue"), status=args.get("status"))
    found = page_of(query, args)
    return {**found, "items": [as_item(r, today) for r in found["items"]]}
