"""Shapes of the monitoring and informing API (marshmallow); the answers are the services' dicts."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import PageArgsSchema, StrictSchema, page_schema, text_field
from ai_register.extensions import ID_RANGE
from ai_register.monitoring import rules


def _number(description: str, **kwargs) -> ma.fields.Decimal:
    # A number's shape; its bounds and places are the monitoring service's rule (declared here for the spec).
    return ma.fields.Decimal(allow_nan=False, metadata={"minimum": -rules.MEASURE_LIMIT,
                                                        "maximum": rules.MEASURE_LIMIT,
                                                        "description": description}, **kwargs)


def _date(description: str | None = None, **kwargs):
    return ma.fields.String(metadata={"format": "date", **({"description": description} if description else {})},
                            **kwargs)


def _time(**kwargs):
    return ma.fields.String(metadata={"format": "date-time"}, **kwargs)


REASON = text_field(2000, metadata={"description": "Why (kept in the audit trail)"})


# --------------------------------------------------------------------------- metrics and values


class MetricCreateSchema(StrictSchema):
    name = text_field(200, required=True, metadata={"description": "E.g. Sensitivitet för pneumothorax"})
    kind = ma.fields.String(required=True, validate=validate.OneOf(rules.KINDS),
                            metadata={"description": ", ".join(rules.KINDS)})
    description = text_field(5000)
    unit = text_field(50, metadata={"description": "E.g. %, per 100 cases"})
    direction = ma.fields.String(required=True, validate=validate.OneOf(rules.DIRECTIONS), metadata={
        "description": "higher_is_better (a lower threshold), lower_is_better (an upper one), within_range (both)"})
    lower_threshold = _number("A value below it is a breach", allow_none=True)
    upper_threshold = _number("A value above it is a breach", allow_none=True)
    frequency = ma.fields.String(required=True, validate=validate.OneOf(rules.FREQUENCIES),
                                 metadata={"description": "How often a value is reported"})
    stated_value = _number("The provider's stated value of the same measure in its instructions for use "
                           "(AI Act Art 13(3)(b)(ii)), shown beside the thresholds; with stated_document_id",
                           allow_none=True)
    stated_document_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE, metadata={
        "description": "The instructions for use (a supplier document) of the product version the solution uses"})
    stated_reference = text_field(200, metadata={"description": "Where in the instructions for use, e.g. 7.2, table 3"})
    reason = REASON


class MetricPatchSchema(StrictSchema):
    name = ma.fields.String(validate=validate.Length(min=1, max=200))
    kind = ma.fields.String(validate=validate.OneOf(rules.KINDS))
    description = text_field(5000)
    unit = text_field(50)
    direction = ma.fields.String(validate=validate.OneOf(rules.DIRECTIONS))
    lower_threshold = _number("A value below it is a breach (new values only)", allow_none=True)
    upper_threshold = _number("A value above it is a breach (new values only)", allow_none=True)
    frequency = ma.fields.String(validate=validate.OneOf(rules.FREQUENCIES))
    stated_value = _number("The provider's stated value of the same measure in its instructions for use "
                           "(AI Act Art 13(3)(b)(ii)), shown beside the thresholds; with stated_document_id",
                           allow_none=True)
    stated_document_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE, metadata={
        "description": "The instructions for use (a supplier document) of the product version the solution uses"})
    stated_reference = text_field(200, metadata={"description": "Where in the instructions for use, e.g. 7.2, table 3"})
    active = ma.fields.Boolean(metadata={"description": "false retires the metric (its values are kept)"})
    reason = REASON


class MetricSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    description = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    direction = ma.fields.String(required=True)
    lower_threshold = ma.fields.String(allow_none=True, metadata={"description": "A decimal number"})
    upper_threshold = ma.fields.String(allow_none=True, metadata={"description": "A decimal number"})
    frequency = ma.fields.String(required=True)
    stated_value = ma.fields.String(allow_none=True, metadata={
        "description": "A decimal number: the provider's stated value in the instructions for use"})
    stated_document_id = ma.fields.Integer(allow_none=True)
    stated_document = ma.fields.String(allow_none=True, metadata={"description": "The document's title"})
    stated_reference = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean(required=True)
    created_by = ma.fields.String(allow_none=True)
    created_at = _time(required=True)
    version = ma.fields.Integer(required=True)


MetricListSchema = page_schema(MetricSchema, "MetricListSchema", paged=False)


class ValueCreateSchema(StrictSchema):
    period_end = ma.fields.Date(required=True, metadata={"description": "The last day of the period the value covers"})
    value = _number("The measured value", required=True)
    note = text_field(5000, metadata={"description": "Source or context; nothing that identifies a patient"})


class ValueSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    metric_id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    period_end = _date(required=True)
    value = ma.fields.String(required=True, metadata={"description": "A decimal number"})
    note = ma.fields.String(allow_none=True)
    lower_threshold = ma.fields.String(allow_none=True, metadata={"description": "As in force when reported"})
    upper_threshold = ma.fields.String(allow_none=True, metadata={"description": "As in force when reported"})
    breach = ma.fields.String(allow_none=True, metadata={"description": "below, above or null"})
    reported_by = ma.fields.String(allow_none=True)
    reported_at = _time(required=True)


ValueListSchema = page_schema(ValueSchema, "ValueListSchema", paged=False)


class ValueCreatedSchema(ValueSchema):
    assessment_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "The assessment a breach opened for the oversight owner"})


# --------------------------------------------------------------------------- assessments


class BreachAssessmentArgsSchema(PageArgsSchema, StrictSchema):
    status = ma.fields.String(load_default=None, allow_none=True, validate=validate.OneOf(rules.ASSESSMENT_STATUSES))
    overdue = ma.fields.Boolean(load_default=None, allow_none=True,
                                metadata={"description": "Only open assessments past their due date"})


class BreachDecisionSchema(StrictSchema):
    decision = ma.fields.String(required=True, validate=validate.OneOf((rules.INCIDENT, rules.NOT_INCIDENT)),
                                metadata={"description": "incident (a deviation is reported now) or not_incident"})
    reason = text_field(10000, metadata={"description": "Required for not_incident: why the breach is not an incident"})
    what_happened = text_field(10000, metadata={"description": "For incident: the deviation's description"})
    patient_harm = ma.fields.String(allow_none=True, validate=validate.OneOf(("yes", "no", "unknown")),
                                    metadata={"description": "For incident: did a patient come to harm?"})
    care_unit = text_field(200)
    case_number = text_field(64, metadata={"description": "The case number in the region's deviation system"})


class BreachAssessmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    metric_id = ma.fields.Integer(required=True)
    metric = ma.fields.String(required=True)
    value_id = ma.fields.Integer(required=True)
    value = ma.fields.String(required=True)
    breach = ma.fields.String(allow_none=True)
    assignee = ma.fields.String(allow_none=True, metadata={"description": "The oversight owner's account"})
    opened_at = _time(required=True)
    due_on = _date(required=True)
    overdue = ma.fields.Boolean(required=True)
    status = ma.fields.String(required=True, metadata={"description": "open, incident or not_incident"})
    decided_by = ma.fields.String(allow_none=True)
    decided_at = _time(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    deviation_id = ma.fields.Integer(allow_none=True)
    incident_id = ma.fields.Integer(allow_none=True)
    version = ma.fields.Integer(required=True)


BreachAssessmentPageSchema = page_schema(BreachAssessmentSchema, "BreachAssessmentPageSchema")


# --------------------------------------------------------------------------- log retention


class RetentionCreateSchema(StrictSchema):
    system = text_field(200, required=True, metadata={"description": "The system that keeps the logs"})
    location = text_field(300, required=True, metadata={"description": "Where they live (environment, archive)"})
    # The range is the service's rule (declared here for the spec).
    retention_months = ma.fields.Integer(required=True, metadata={
        "minimum": 1, "maximum": rules.MAX_RETENTION_MONTHS,
        "description": "At least 6 (Art 26(6)) unless legal_basis names the law that provides otherwise"})
    legal_basis = text_field(5000, metadata={"description": "The Union or national law allowing a shorter period"})
    note = text_field(5000)
    reason = REASON


class RetentionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    system = ma.fields.String(required=True)
    location = ma.fields.String(required=True)
    retention_months = ma.fields.Integer(required=True)
    legal_basis = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    recorded_by = ma.fields.String(allow_none=True)
    recorded_at = _time(required=True)


RetentionListSchema = page_schema(RetentionSchema, "RetentionListSchema", paged=False,
                                  description="Newest first; the first is in force")


# --------------------------------------------------------------------------- informing


class InformingCreateSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(rules.INFORMING_KINDS), metadata={
        "description": "workers (Art 26(7)), affected_persons (Art 26(11)), explanation_procedure (Art 86)"})
    informed_on = ma.fields.Date(required=True)
    audience = text_field(2000, required=True, metadata={"description": "Who was informed"})
    how = text_field(10000, required=True, metadata={"description": "How (meeting, letter, notice, 1177, …)"})
    care_units = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                                validate=validate.Length(max=100))
    negotiated_on = ma.fields.Date(allow_none=True, metadata={"description": "Workers: the MBL negotiation's date"})
    negotiation_parties = text_field(2000, metadata={"description": "Workers: the parties of the negotiation"})
    negotiation_outcome = ma.fields.String(allow_none=True, validate=validate.OneOf(rules.MBL_OUTCOMES),
                                           metadata={"description": ", ".join(rules.MBL_OUTCOMES)})
    negotiation_note = text_field(10000)
    evidence_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                    metadata={"description": "The minutes or the material, as evidence"})
    link = text_field(500)  # an http(s) address: the service checks it
    reason = REASON


class InformingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    informed_on = _date(required=True)
    audience = ma.fields.String(required=True)
    how = ma.fields.String(required=True)
    care_units = ma.fields.List(ma.fields.String(), required=True)
    negotiated_on = _date(allow_none=True)
    negotiation_parties = ma.fields.String(allow_none=True)
    negotiation_outcome = ma.fields.String(allow_none=True)
    negotiation_note = ma.fields.String(allow_none=True)
    evidence_id = ma.fields.Integer(allow_none=True)
    link = ma.fields.String(allow_none=True)
    recorded_by = ma.fields.String(allow_none=True)
    recorded_at = _time(required=True)


InformingListSchema = page_schema(InformingSchema, "InformingListSchema", paged=False)


# --------------------------------------------------------------------------- explanation requests


class ExplanationCreateSchema(StrictSchema):
    received_on = ma.fields.Date(required=True)
    channel = ma.fields.String(required=True, validate=validate.OneOf(rules.CHANNELS),
                               metadata={"description": ", ".join(rules.CHANNELS)})
    summary = text_field(5000, required=True, metadata={
        "description": "What is asked; no names or personal identity numbers (refused)"})
    case_number = text_field(64, metadata={"description": "The region's own case or diary number"})


class ExplanationAnswerSchema(StrictSchema):
    answered_on = ma.fields.Date(required=True)
    answer_summary = text_field(10000, required=True, metadata={"description": "What was explained, and how"})


class ExplanationArgsSchema(PageArgsSchema, StrictSchema):
    overdue = ma.fields.Boolean(load_default=None, allow_none=True,
                                metadata={"description": "Only unanswered requests past their due date"})


class ExplanationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    received_on = _date(required=True)
    channel = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    case_number = ma.fields.String(allow_none=True)
    due_on = _date(required=True)
    overdue = ma.fields.Boolean(required=True)
    answered_on = _date(allow_none=True)
    answered_by = ma.fields.String(allow_none=True)
    answer_summary = ma.fields.String(allow_none=True)
    recorded_by = ma.fields.String(allow_none=True)
    recorded_at = _time(required=True)
    version = ma.fields.Integer(required=True)


ExplanationPageSchema = page_schema(ExplanationSchema, "ExplanationPageSchema")
