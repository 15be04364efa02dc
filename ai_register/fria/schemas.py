from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import StrictSchema, UtcDateTime, page_schema, text_field
from ai_register.extensions import ID_RANGE
from ai_register.fria import rules

ANSWER = 20000  # the longest answer to one of Art 27(1)'s points


class FriaRiskSchema(StrictSchema):
    group = ma.fields.String(required=True, validate=validate.Length(min=1, max=300),
                             metadata={"description": "Persons or group at risk (Art 27(1)(c))"})
    right = text_field(300, "The fundamental right concerned, e.g. non-discrimination")
    description = text_field(5000, required=True)
    likelihood = ma.fields.String(required=True, validate=validate.OneOf(rules.LEVELS))
    severity = ma.fields.String(required=True, validate=validate.OneOf(rules.LEVELS))
    mitigation = text_field(5000)


class FriaWriteSchema(StrictSchema):
    processes = text_field(ANSWER, "Art 27(1)(a): the deployer's processes in which the system is used")
    period_and_frequency = text_field(ANSWER, "Art 27(1)(b): period of time and frequency of use")
    affected_persons = text_field(ANSWER, "Art 27(1)(c): categories of natural persons and groups likely affected")
    risks = ma.fields.List(ma.fields.Nested(FriaRiskSchema), validate=validate.Length(max=50),
                           metadata={"description": "Art 27(1)(d): specific risks of harm"})
    provider_information = text_field(ANSWER,
                                      "Art 27(1)(d): how the provider's Art 13 information was taken into account")
    instructions_evidence_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                                 metadata={"description": "The instructions for use (evidence)"})
    oversight_measures = text_field(ANSWER, "Art 27(1)(e): human oversight measures per the instructions for use")
    materialisation_measures = text_field(ANSWER, "Art 27(1)(f): measures if the risks materialise")
    internal_governance = text_field(ANSWER, "Art 27(1)(f): internal governance arrangements")
    complaint_mechanisms = text_field(ANSWER, "Art 27(1)(f): complaint mechanisms")
    dpia_evidence_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                         metadata={"description": "Art 27(4): the DPIA it complements (evidence)"})
    dpia_complement = text_field(ANSWER, "Art 27(4): how the FRIA complements the DPIA")
    attachment_evidence_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                               metadata={"description": "An uploaded document attached"})
    reason = ma.fields.String(validate=validate.Length(max=2000), metadata={"description": "Kept in the audit trail"})


class FriaPatchSchema(FriaWriteSchema):
    notified_on = UtcDateTime(allow_none=True, metadata={
        "description": "Art 27(3): when the market surveillance authority was notified (approved versions)"})
    notification_reference = text_field(200)


class FriaActionSchema(StrictSchema):
    note = text_field(5000, "Review note; required to return")


class FriaSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    processes = ma.fields.String(allow_none=True)
    period_and_frequency = ma.fields.String(allow_none=True)
    affected_persons = ma.fields.String(allow_none=True)
    risks = ma.fields.List(ma.fields.Dict(), required=True)
    provider_information = ma.fields.String(allow_none=True)
    instructions_evidence_id = ma.fields.Integer(allow_none=True)
    oversight_measures = ma.fields.String(allow_none=True)
    oversight_assignment_id = ma.fields.Integer(allow_none=True)
    materialisation_measures = ma.fields.String(allow_none=True)
    internal_governance = ma.fields.String(allow_none=True)
    complaint_mechanisms = ma.fields.String(allow_none=True)
    dpia_evidence_id = ma.fields.Integer(allow_none=True)
    dpia_complement = ma.fields.String(allow_none=True)
    attachment_evidence_id = ma.fields.Integer(allow_none=True)
    created_at = UtcDateTime(required=True)
    submitted_at = UtcDateTime(allow_none=True)
    reviewed_at = UtcDateTime(allow_none=True)
    review_note = ma.fields.String(allow_none=True)
    notified_on = UtcDateTime(allow_none=True)
    notification_reference = ma.fields.String(allow_none=True)
    outdated = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Art 27(2): what changed since this version (e.g. oversight_owner_changed)"})
    lock_version = ma.fields.Integer(required=True)


FriaListSchema = page_schema(FriaSchema, "FriaListSchema", paged=False)


class NotificationFieldSchema(ma.Schema):
    key = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    citation = ma.fields.String(allow_none=True)
    value = ma.fields.Raw(allow_none=True)


class FriaNotificationSchema(ma.Schema):
    solution_id = ma.fields.Integer(required=True)
    fria_id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    template = ma.fields.String(allow_none=True)
    template_version = ma.fields.String(allow_none=True)
    fields = ma.fields.List(ma.fields.Nested(NotificationFieldSchema), required=True)
