"""/api/v1/deviations: report a deviation about a solution chosen by name, or "don't know" (compliance
triages it), and read one's own reports. Staff use the web page; the API is for the other roles."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import validate

from ai_register.apikit import StrictSchema, UtcDateTime
from ai_register.incidents import deviations
from ai_register.incidents.models import DEVIATION_HARMS, DEVIATION_STATUSES
from ai_register.security import SIGNED_IN, access, actor

blp = Blueprint("deviations_api", __name__, url_prefix="/api/v1",
                description="Deviation reports (avvikelser) by any member of staff")


class DeviationCreateSchema(StrictSchema):
    what_happened = ma.fields.String(required=True, validate=validate.Length(min=3, max=10_000),
                                     metadata={"description": "No patient names or identity numbers."})
    occurred_at = UtcDateTime(required=True, metadata={"description": "Not in the future"})
    solution_id = ma.fields.Integer(required=True, allow_none=True, strict=True,
                                    metadata={"description": "A solution in pilot, rollout or management, "
                                                             "or null for \"don't know\"."})
    patient_harm = ma.fields.String(required=True, validate=validate.OneOf(DEVIATION_HARMS))
    case_number = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    care_unit = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class DeviationSchema(ma.Schema):
    id = ma.fields.Integer()
    what_happened = ma.fields.String()
    occurred_at = UtcDateTime()
    reported_at = UtcDateTime()
    solution_id = ma.fields.Integer(allow_none=True)
    patient_harm = ma.fields.String(validate=validate.OneOf(DEVIATION_HARMS))
    case_number = ma.fields.String(allow_none=True)
    care_unit = ma.fields.String(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(DEVIATION_STATUSES))
    incident_id = ma.fields.Integer(allow_none=True)


@blp.route("/deviations")
class Deviations(MethodView):
    @access(*SIGNED_IN)
    @blp.response(200, DeviationSchema(many=True))
    def get(self):
        """My own deviation reports, newest first, with their status."""
        return deviations.own_deviations(actor())

    @access(*SIGNED_IN)
    @blp.arguments(DeviationCreateSchema)
    @blp.response(201, DeviationSchema)
    def post(self, body):
        """Report a deviation: an incident at once when the solution is named, else the triage queue."""
        return deviations.report_deviation(actor(), body)
