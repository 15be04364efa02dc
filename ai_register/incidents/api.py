"""/api/v1: incidents (avvikelser) of a solution, their duties and deadlines, and the overdue list."""

from __future__ import annotations

import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ai_register import preconditions
from ai_register.incidents import services
from ai_register.incidents.schemas import (
    IncidentCreateSchema,
    IncidentListArgsSchema,
    IncidentPageSchema,
    IncidentPatchSchema,
    IncidentSchema,
)
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution

blp = Blueprint("incidents_api", __name__, url_prefix="/api/v1",
                description="Incidents (avvikelser): serious-incident assessment, reporting duties, "
                            "deadlines")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
ETAG_HEADER = preconditions.etag_header("incident")


@blp.route("/solutions/<int:solution_id>/incidents")
class SolutionIncidents(MethodView):
    @access(*READERS)
    @blp.arguments(IncidentListArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, IncidentPageSchema)
    def get(self, args, solution_id: int):
        """The solution's incidents, newest awareness first; `overdue=true` for those past a deadline."""
        get_solution(services.require_id(solution_id, "solution"), actor())
        return services.shown_page(services.list_incidents(actor(), solution_id=solution_id, **args))

    @access(*WRITERS)
    @blp.arguments(IncidentCreateSchema)
    @blp.response(201, IncidentSchema, headers=ETAG_HEADER)
    def post(self, body, solution_id: int):
        """Report an incident. Only `what_happened` is required; awareness defaults to now. The answer
        says whether it is serious (AI Act Art 3(49)) and lists the reporting duties with deadlines."""
        incident = services.shown(services.report_incident(solution_id, body, by=actor()))
        return incident, 201, {"Location": url_for("incidents_api.IncidentResource", incident_id=incident.id),
                               "ETag": incident.etag}


@blp.route("/incidents")
class Incidents(MethodView):
    @access(*READERS)
    @blp.arguments(IncidentListArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, IncidentPageSchema)
    def get(self, args):
        """Incidents of every solution I may read (owners: their own); `overdue=true` for the overdue list."""
        return services.shown_page(services.list_incidents(actor(), **args))


@blp.route("/incidents/<int:incident_id>")
class IncidentResource(MethodView):
    @access(*READERS)
    @blp.response(200, IncidentSchema, headers=ETAG_HEADER)
    def get(self, incident_id: int):
        """One incident with its assessment and duties; its `ETag` guards changes."""
        incident = services.get_incident(incident_id, actor())
        return services.shown(incident), 200, {"ETag": incident.etag}

    @access(*WRITERS)
    @blp.arguments(IncidentPatchSchema)
    @blp.response(200, IncidentSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, "CONFLICT", description="A status move that is not allowed, or duties still open")
    @blp.alt_response(412, "PRECONDITION_FAILED", description="The incident changed since it was read")
    @blp.alt_response(428, "PRECONDITION_REQUIRED", description="No If-Match with the incident's ETag")
    @blp.doc(parameters=[preconditions.if_match_parameter("incident")])
    def patch(self, body, incident_id: int):
        """Assess and manage (If-Match): correct facts (duties are recomputed), record reports made (duty
        status, reference) and move the status reported → assessed → reported_to_authority → closed."""
        incident = services.get_incident(incident_id, actor(), write=True)
        preconditions.require_if_match(incident.version, request.headers.get("If-Match"), "incident")
        incident = services.update_incident(incident_id, body, by=actor())
        return services.shown(incident), 200, {"ETag": incident.etag}
