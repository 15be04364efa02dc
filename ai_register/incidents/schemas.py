from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import PageArgsSchema, Shown, StrictSchema, UtcDateTime, page_schema
from ai_register.incidents.duties import PATIENT_HARMS
from ai_register.incidents.models import DUTY_STATUSES, INCIDENT_STATUSES

_FLAGS = {
    "device_malfunction": "A malfunction of the medical device (or the AI system as a device)",
    "fundamental_rights_concern": "It may infringe obligations protecting fundamental rights (Art 3(49)(c))",
    "widespread_or_critical_infrastructure": "A widespread infringement, or a serious and irreversible "
                                             "disruption of critical infrastructure (Art 73(3))",
    "public_health_threat": "A serious public-health threat (MDR Art 87(4) / IVDR Art 82(4))",
    "property_or_environment_harm": "Serious harm to property or the environment (Art 3(49)(d))",
}


class IncidentTime(ma.fields.AwareDateTime):
    """An aware timestamp in a plausible range: one that cannot be held in UTC is a typing error."""

    EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError as error:
            raise ma.ValidationError("Not a valid point in time.") from error
        if moment < self.EARLIEST:
            raise ma.ValidationError("Must not be before 1970.")
        return moment


def _flag(description: str, **kwargs) -> ma.fields.Boolean:
    return ma.fields.Boolean(metadata={"description": description}, **kwargs)


class IncidentCreateSchema(StrictSchema):
    """Few required fields: what happened is enough; the rest has defaults."""

    what_happened = ma.fields.String(required=True, validate=validate.Length(min=3, max=10_000))
    occurred_at = IncidentTime(
        metadata={"description": "When it happened; default: became_aware_at; not in the future"})
    became_aware_at = IncidentTime(
        metadata={"description": "When the region became aware of it (deadlines run from here); "
                                 "default: now; not in the future"})
    care_unit = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    patient_harm = ma.fields.String(load_default="none", validate=validate.OneOf(PATIENT_HARMS))
    device_malfunction = _flag(_FLAGS["device_malfunction"], load_default=False)
    fundamental_rights_concern = _flag(_FLAGS["fundamental_rights_concern"], load_default=False)
    widespread_or_critical_infrastructure = _flag(_FLAGS["widespread_or_critical_infrastructure"],
                                                  load_default=False)
    public_health_threat = _flag(_FLAGS["public_health_threat"], load_default=False)
    property_or_environment_harm = _flag(_FLAGS["property_or_environment_harm"], load_default=False)


class DutyChangeSchema(StrictSchema):
    key = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    status = ma.fields.String(validate=validate.OneOf(DUTY_STATUSES))
    done_at = IncidentTime(metadata={"description": "When the report was made; default: now; not in the future"})
    reference = ma.fields.String(allow_none=True, validate=validate.Length(max=200),
                                 metadata={"description": "The recipient's case or report number"})
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=2000),
                            metadata={"description": "Required to mark a duty not applicable"})


class IncidentPatchSchema(StrictSchema):
    status = ma.fields.String(validate=validate.OneOf(INCIDENT_STATUSES),
                              metadata={"description": "reported → assessed → reported_to_authority → "
                                                       "closed"})
    what_happened = ma.fields.String(validate=validate.Length(min=3, max=10_000))
    occurred_at = IncidentTime(metadata={"description": "Not in the future"})
    became_aware_at = IncidentTime(metadata={"description": "Not in the future"})
    care_unit = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    patient_harm = ma.fields.String(validate=validate.OneOf(PATIENT_HARMS))
    device_malfunction = _flag(_FLAGS["device_malfunction"])
    fundamental_rights_concern = _flag(_FLAGS["fundamental_rights_concern"])
    widespread_or_critical_infrastructure = _flag(_FLAGS["widespread_or_critical_infrastructure"])
    public_health_threat = _flag(_FLAGS["public_health_threat"])
    property_or_environment_harm = _flag(_FLAGS["property_or_environment_harm"])
    assessment_notes = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000))
    actions_taken = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000))
    duties = ma.fields.List(ma.fields.Nested(DutyChangeSchema), validate=validate.Length(max=20))
    recompute = ma.fields.Boolean(metadata={"description": "Recompute the duties from the current "
                                                           "classification (role, device status)"})
    reason = ma.fields.String(validate=validate.Length(max=2000))


class IncidentListArgsSchema(PageArgsSchema):
    class Meta:
        unknown = ma.RAISE

    overdue = ma.fields.Boolean(
        metadata={"description": "Only incidents with an open duty past its deadline"})
    status = ma.fields.String(validate=validate.OneOf(INCIDENT_STATUSES))
    serious = ma.fields.Boolean()


class DutySchema(ma.Schema):
    key = ma.fields.String(required=True)
    recipient = ma.fields.String(required=True)
    recipient_label = Shown(ma.fields.String(), required=True)
    citation = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    deadline_kind = ma.fields.String(required=True,
                                     metadata={"description": "days | immediately | as_soon_as_possible"})
    deadline_days = ma.fields.Integer(allow_none=True)
    ground = ma.fields.String(allow_none=True)
    due_on = ma.fields.Date(required=True, metadata={"description": "The last day, Europe/Stockholm"})
    due_at = UtcDateTime(required=True,
                                     metadata={"description": "End of the last day (for 'immediately': "
                                                              "the moment of awareness)"})
    overdue_after = UtcDateTime(required=True)
    overdue = Shown(ma.fields.Boolean(), required=True)
    condition = ma.fields.String(allow_none=True,
                                 metadata={"description": "When it applies only if an unknown fact holds"})
    fallback = ma.fields.String(allow_none=True)
    applies = ma.fields.Boolean(required=True)
    status = ma.fields.String(required=True, metadata={"description": "open | done | not_applicable"})
    done_at = UtcDateTime(allow_none=True)
    done_by_id = ma.fields.Integer(allow_none=True)
    reference = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)


class AssessmentSchema(ma.Schema):
    serious = ma.fields.Boolean(required=True,
                                metadata={"description": "A serious incident, AI Act Art 3(49)"})
    grounds = ma.fields.List(ma.fields.String(), required=True)
    device_serious_incident = ma.fields.Boolean(allow_none=True)
    serious_care_injury = ma.fields.Boolean(required=True)
    prompts_pause = ma.fields.Boolean()
    notes = ma.fields.List(ma.fields.String(), required=True)


class RegulatoryContextSchema(ma.Schema):
    role = ma.fields.String(allow_none=True,
                            metadata={"description": "provider | deployer | provider_and_deployer | "
                                                     "null (unknown)"})
    role_known = ma.fields.Boolean()
    device = ma.fields.String(allow_none=True, metadata={"description": "mdr | ivdr | none | null (unknown)"})
    ai_act_category = ma.fields.String(allow_none=True)
    in_house_device = ma.fields.Boolean()
    source = ma.fields.String()


class IncidentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True, metadata={"description": "The ETag; send it as If-Match to change it"})
    solution_id = ma.fields.Integer(required=True)
    what_happened = ma.fields.String(required=True)
    occurred_at = UtcDateTime(required=True)
    became_aware_at = UtcDateTime(required=True)
    care_unit = ma.fields.String(allow_none=True)
    patient_harm = ma.fields.String(required=True)
    device_malfunction = ma.fields.Boolean(required=True)
    fundamental_rights_concern = ma.fields.Boolean(required=True)
    widespread_or_critical_infrastructure = ma.fields.Boolean(required=True)
    public_health_threat = ma.fields.Boolean(required=True)
    property_or_environment_harm = ma.fields.Boolean(required=True)
    status = ma.fields.String(required=True)
    serious = ma.fields.Boolean(required=True)
    assessment = ma.fields.Nested(AssessmentSchema, required=True)
    regulatory_context = ma.fields.Nested(RegulatoryContextSchema, required=True)
    duties = Shown(ma.fields.List(ma.fields.Nested(DutySchema)), attribute="duties_in_order", required=True,
                   metadata={"description": "Applicable duties first, then by deadline"})
    overdue = Shown(ma.fields.Boolean(), required=True)
    next_due_at = Shown(ma.fields.String(metadata={"format": "date-time"}), allow_none=True)
    suggested_decision = Shown(
        ma.fields.String(), allow_none=True,
        metadata={"description": "'pause' while a serious incident awaits a decision; record it via POST "
                                 "/solutions/{id}/decisions"})
    assessment_notes = ma.fields.String(allow_none=True)
    actions_taken = ma.fields.String(allow_none=True)
    reported_by_id = ma.fields.Integer(required=True)
    reported_at = UtcDateTime(required=True)
    status_changed_at = UtcDateTime(required=True)
    closed_at = UtcDateTime(allow_none=True)


IncidentPageSchema = page_schema(IncidentSchema, "IncidentPageSchema")
