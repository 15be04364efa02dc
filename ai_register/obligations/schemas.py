from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import StrictSchema, UtcDateTime, page_schema, text_field
from ai_register.extensions import ID_RANGE
from ai_register.obligations import rules


class ObligationPatchSchema(StrictSchema):
    status = ma.fields.String(validate=validate.OneOf(rules.STATUSES), metadata={
        "description": "open, in_progress, met (name the evidence or record), not_applicable (give the reason; "
                       "compliance confirms it)"})
    evidence_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                    metadata={"description": "Evidence of this solution that meets the obligation"})
    record_type = text_field(40, metadata={"description": "A record of the register that meets it: "
                                                     "oversight_assignment, fria, informing_record, log_retention, "
                                                     "supplier_document (a document of the product version the "
                                                     "solution uses, in force, where its kind fits the obligation) or "
                                                     "supplier_product (that product version's EU-database "
                                                     "registration), monitoring_metric (Art 26(5): an active "
                                                     "metric of the solution that compares with a value the "
                                                     "instructions for use of its product version state) or "
                                                     "literacy_measure (Art 4: a measure for the solution's staff "
                                                     "or region-wide)"})
    record_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE)
    note = text_field(10000)
    not_applicable_reason = text_field(10000)
    reason = text_field(2000, metadata={"description": "Why (kept in the audit trail)"})


class ObligationConfirmSchema(StrictSchema):
    reason = text_field(2000, metadata={"description": "Kept in the audit trail"})


class ObligationArgsSchema(StrictSchema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    overdue = ma.fields.Boolean(load_default=None, allow_none=True,
                                metadata={"description": "Only obligations past their due date and not closed"})
    status = ma.fields.String(load_default=None, allow_none=True, validate=validate.OneOf(rules.STATUSES))


class ObligationPageArgsSchema(StrictSchema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ObligationSchema(ma.Schema):
    id = ma.fields.Integer(allow_none=True, metadata={"description": "null until the record is first written"})
    solution_id = ma.fields.Integer(required=True)
    obligation_id = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    role = ma.fields.String(allow_none=True)
    citation = ma.fields.String(allow_none=True)
    applies_from = ma.fields.Date(allow_none=True)
    condition = ma.fields.String(allow_none=True)
    current = ma.fields.Boolean(required=True, metadata={
        "description": "false when the decided classification no longer lists it (the record is kept)"})
    opened_on = ma.fields.Date(required=True)
    due_on = ma.fields.Date(allow_none=True)
    overdue = ma.fields.Boolean(required=True)
    status = ma.fields.String(required=True)
    closed = ma.fields.Boolean(required=True)
    evidence_id = ma.fields.Integer(allow_none=True)
    record_type = ma.fields.String(allow_none=True)
    record_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String(allow_none=True)
    not_applicable_reason = ma.fields.String(allow_none=True)
    status_set_by = ma.fields.String(allow_none=True)
    status_set_at = UtcDateTime(allow_none=True)
    confirmed_by = ma.fields.String(allow_none=True)
    confirmed_at = UtcDateTime(allow_none=True)
    version = ma.fields.Integer(required=True)


ObligationPageSchema = page_schema(ObligationSchema, "ObligationPageSchema")
