"""/api/v1: the FRIA (AI Act Art 27) of a solution, its versions, review and the Art 27(3) export."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import get_locale
from flask_smorest import Blueprint

from ai_register import preconditions
from ai_register.extensions import db
from ai_register.fria import rules, services
from ai_register.fria.schemas import (
    FriaActionSchema,
    FriaListSchema,
    FriaNotificationSchema,
    FriaPatchSchema,
    FriaSchema,
    FriaWriteSchema,
)
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution

blp = Blueprint("fria_api", __name__, url_prefix="/api/v1",
                description="Fundamental-rights impact assessment (AI Act Art 27): versions, review, notification")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
ETAG_HEADER = {"ETag": {"description": "The FRIA version's ETag, for If-Match", "schema": {"type": "string"}}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": preconditions.IF_MATCH_SCHEMA,
            "description": "The FRIA's ETag (428 without, 412 when stale)"}


def as_item(record) -> dict:
    data = {name: getattr(record, name) for name in FriaSchema().fields if hasattr(record, name)}
    data["outdated"] = services.outdated_reasons(record)
    return data


@blp.route("/solutions/<int:solution_id>/fria")
class SolutionFria(MethodView):
    @access(*READERS)
    @blp.response(200, FriaListSchema)
    def get(self, solution_id: int):
        """Every FRIA version of the solution, newest first; the latest approved one counts at the gate."""
        items = [as_item(r) for r in services.versions_of(get_solution(solution_id, actor()).id)]
        return {"items": items, "total": len(items)}

    @access(*WRITERS)
    @blp.arguments(FriaWriteSchema, required=False)
    @blp.response(201, FriaSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, "CONFLICT", description="A version is already open")
    def post(self, body, solution_id: int):
        """Start a new version (the first, or an update under Art 27(2), starting from the latest's content)."""
        record = services.create_version(get_solution(solution_id, actor(), write=True), body, by=actor())
        db.session.flush()
        return as_item(record), 201, {"ETag": record.etag}


@blp.route("/fria/<int:fria_id>")
class Fria(MethodView):
    @access(*READERS)
    @blp.response(200, FriaSchema, headers=ETAG_HEADER)
    def get(self, fria_id: int):
        """One FRIA version with its ETag."""
        record = services.get_fria(fria_id, actor())
        return as_item(record), 200, {"ETag": record.etag}

    @access(*WRITERS)
    @blp.arguments(FriaPatchSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, FriaSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, "CONFLICT", description="Not editable in its status")
    def patch(self, body, fria_id: int):
        """Edit a draft or returned version (If-Match); on an approved one, record the Art 27(3) notification."""
        user = actor()
        record = services.get_fria(fria_id, user, write=True)
        services.require_if_match(record, request.headers.get("If-Match"))
        services.update_version(record, body, by=user)
        db.session.flush()
        return as_item(record), 200, {"ETag": record.etag}


def _action(fria_id: int, do):
    record = services.get_fria(fria_id, actor(), write=True)
    services.require_if_match(record, request.headers.get("If-Match"))
    do(record)
    db.session.flush()
    return as_item(record), 200, {"ETag": record.etag}


@blp.route("/fria/<int:fria_id>/submit", methods=["POST"])
@access(*WRITERS)
@blp.arguments(FriaActionSchema, required=False)
@blp.doc(parameters=[IF_MATCH])
@blp.response(200, FriaSchema, headers=ETAG_HEADER)
@blp.alt_response(409, "CONFLICT", description="Not a draft or returned version")
def submit_fria(body, fria_id: int):
    """Send for review; 422 names every point of Art 27(1) still missing."""
    return _action(fria_id, lambda r: services.submit(r, body.get("note"), by=actor()))


@blp.route("/fria/<int:fria_id>/approve", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(FriaActionSchema, required=False)
@blp.doc(parameters=[IF_MATCH])
@blp.response(200, FriaSchema, headers=ETAG_HEADER)
@blp.alt_response(409, "CONFLICT", description="Not submitted")
def approve_fria(body, fria_id: int):
    """Approve (compliance; four eyes: not who wrote or submitted it, not an owner)."""
    return _action(fria_id, lambda r: services.review(r, rules.APPROVED, body.get("note"), by=actor()))


@blp.route("/fria/<int:fria_id>/return", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(FriaActionSchema, required=False)
@blp.doc(parameters=[IF_MATCH])
@blp.response(200, FriaSchema, headers=ETAG_HEADER)
@blp.alt_response(409, "CONFLICT", description="Not submitted")
def return_fria(body, fria_id: int):
    """Return for changes with a note (compliance, four eyes)."""
    return _action(fria_id, lambda r: services.review(r, rules.RETURNED, body.get("note"), by=actor()))


@blp.route("/fria/<int:fria_id>/notification", methods=["GET"])
@access(*READERS)
@blp.response(200, FriaNotificationSchema)
def fria_notification(fria_id: int):
    """The notification to the market surveillance authority (Art 27(3)), field by field as the data-driven
    template maps them (the AI Office's template, Art 27(5), may still change)."""

    record = services.get_fria(fria_id, actor())
    return services.notification_export(record, "sv" if str(get_locale()) == "sv" else "en")
