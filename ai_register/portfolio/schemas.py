"""Request and response shapes of the portfolio API: indicators, portfolio, meeting decisions and the
trustworthy-AI assessment."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate, validates_schema

from ai_register.apikit import N_, Message, StrictSchema, UtcDateTime, page_schema
from ai_register.extensions import ID_RANGE
from ai_register.goals.models import Perspective
from ai_register.portfolio import trustworthy
from ai_register.solutions.schemas import (
    DECISION_KINDS,
    DecisionSchema,
    FollowUpData,
    SolutionListArgsSchema,
    UserRefSchema,
)

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,39}$", error="Lower-case letters, digits and _, 2–40 characters.")


def reason_field() -> ma.fields.String:
    return ma.fields.String(validate=validate.Length(max=2000), load_only=True,
                            metadata={"description": "Why (kept in the audit trail)"})


# --------------------------------------------------------------------------- indicators


class IndicatorWriteSchema(StrictSchema):
    code = ma.fields.String(required=True, validate=CODE, metadata={"description": "Stable key, e.g. quality"})
    name_sv = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    name_en = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    definition = ma.fields.String(required=True, validate=validate.Length(min=1, max=5000))
    unit = ma.fields.String(allow_none=True, validate=validate.Length(max=50))
    higher_is_better = ma.fields.Boolean(load_default=True)
    active = ma.fields.Boolean(load_default=True, metadata={"description": "Inactive ones cannot be chosen "
                                                                           "for new goals"})
    reason = reason_field()

    @validates_schema
    def _not_blank(self, data, **kwargs):
        for name in ("name_sv", "name_en", "definition"):
            if name in data and not data[name].strip():
                raise ma.ValidationError(Message(N_("Must not be blank.")), name)


class IndicatorPatchSchema(IndicatorWriteSchema):
    """Any of the fields; those not sent stay as they are."""

    code = ma.fields.String(validate=CODE)
    name_sv = ma.fields.String(validate=validate.Length(min=1, max=120))
    name_en = ma.fields.String(validate=validate.Length(min=1, max=120))
    definition = ma.fields.String(validate=validate.Length(min=1, max=5000))
    higher_is_better = ma.fields.Boolean()
    active = ma.fields.Boolean()


class IndicatorSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True, metadata={"description": "The ETag; send it as If-Match to change it"})
    code = ma.fields.String(required=True)
    name_sv = ma.fields.String(required=True)
    name_en = ma.fields.String(required=True)
    definition = ma.fields.String(required=True)
    unit = ma.fields.String(allow_none=True)
    higher_is_better = ma.fields.Boolean(required=True)
    active = ma.fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


IndicatorListSchema = page_schema(IndicatorSchema, "IndicatorListSchema")


# --------------------------------------------------------------------------- portfolio

# The orders `ranking.order_by` knows, each ascending or descending ("-").
SORTS = [s for name in ("score", "name", "phase", "yearly_net_benefit", "three_year_cost", "risk")
         for s in (name, f"-{name}")]


class PortfolioViewArgsSchema(SolutionListArgsSchema):
    """The solutions list's filters, plus the portfolio's own; sort by score by default."""

    class Meta:
        unknown = ma.RAISE

    sort = ma.fields.String(load_default="-score", validate=validate.OneOf(SORTS))
    critical = ma.fields.Boolean(metadata={"description": "Critical for patient care"})
    overdue = ma.fields.Boolean(metadata={"description": "Has overdue items"})
    indicator = ma.fields.String(validate=validate.Length(min=1, max=40),
                                 metadata={"description": "Code of a common indicator a goal links to"})
    perspective = ma.fields.String(validate=validate.OneOf([p.value for p in Perspective]))
    min_score = ma.fields.Float(validate=validate.Range(min=0, max=100))
    format = ma.fields.String(validate=validate.OneOf(("json", "csv")),
                              metadata={"description": "json (default) or csv (all rows, no paging)"})


class ScorePartsSchema(ma.Schema):
    benefit = ma.fields.Float(required=True)
    risk = ma.fields.Float(required=True)
    cost = ma.fields.Float(required=True)
    strategic_fit = ma.fields.Float(required=True)


class PortfolioViewRowSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    phase = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    ai_act_category = ma.fields.String(allow_none=True)
    device_class = ma.fields.String(allow_none=True)
    owner = ma.fields.String(allow_none=True)
    oversight_owner = ma.fields.String(allow_none=True)
    care_units = ma.fields.List(ma.fields.String(), required=True)
    next_review_on = ma.fields.String(allow_none=True)
    review_overdue = ma.fields.Boolean(required=True)
    needs_rereview = ma.fields.Boolean(required=True)
    open_obligations = ma.fields.List(ma.fields.String(), required=True,
                                      metadata={"description": "Obligation records listed now and not closed"})
    currency = ma.fields.String(allow_none=True)
    yearly_net_benefit = ma.fields.Float(allow_none=True, metadata={"description": "Expected benefit"})
    three_year_cost = ma.fields.Float(allow_none=True)
    goals = ma.fields.Integer(required=True)
    goals_on_target = ma.fields.Integer(required=True, metadata={"description": "Realised benefit"})
    realised_share = ma.fields.Float(allow_none=True)
    perspectives = ma.fields.List(ma.fields.String(), required=True)
    indicators = ma.fields.List(ma.fields.String(), required=True)
    critical_for_patient_care = ma.fields.Boolean(allow_none=True)
    max_tolerable_outage_hours = ma.fields.Integer(allow_none=True)
    recovery_plan_tested_on = ma.fields.Date(allow_none=True)
    continuity_gaps = ma.fields.List(ma.fields.String(), required=True)
    trustworthy_assessment = ma.fields.String(required=True, metadata={
        "enum": ["missing", "refresh_due", "incomplete", "current"]})
    overdue = ma.fields.List(ma.fields.String(), required=True)
    score = ma.fields.Float(required=True)
    score_parts = ma.fields.Nested(ScorePartsSchema, required=True)


class ScoreLegendSchema(ma.Schema):
    symbol = ma.fields.String(required=True)
    meaning = ma.fields.String(required=True)


class PortfolioAggregateSchema(ma.Schema):
    key = ma.fields.String(required=True)
    solutions = ma.fields.Integer(required=True)
    goals = ma.fields.Integer(required=True)
    goals_measured = ma.fields.Integer(required=True)
    goals_on_target = ma.fields.Integer(required=True)
    critical = ma.fields.Integer()
    average_score = ma.fields.Float(allow_none=True)
    yearly_net_benefit = ma.fields.Float()


class PortfolioAggregatesSchema(ma.Schema):
    per_perspective = ma.fields.List(ma.fields.Nested(PortfolioAggregateSchema), required=True)
    per_indicator = ma.fields.List(ma.fields.Nested(PortfolioAggregateSchema), required=True)
    per_care_unit = ma.fields.List(ma.fields.Nested(PortfolioAggregateSchema), required=True)


class PortfolioViewSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PortfolioViewRowSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    weights = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(), required=True)
    formula = ma.fields.String(required=True, metadata={"description": "The score's formula with the weights"})
    legend = ma.fields.List(ma.fields.Nested(ScoreLegendSchema), required=True)
    aggregates = ma.fields.Nested(PortfolioAggregatesSchema, required=True)


# --------------------------------------------------------------------------- meeting decisions


class MeetingDecisionItemSchema(StrictSchema):
    solution_id = ma.fields.Integer(required=True, validate=ID_RANGE)
    kind = ma.fields.String(required=True, validate=validate.OneOf(DECISION_KINDS))
    rationale = ma.fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    follow_up_data = FollowUpData(allow_none=True)
    version = ma.fields.Integer(validate=ID_RANGE, metadata={
        "description": "The solution's version as read (its ETag); 412 when it has changed"})


class MeetingDecisionsSchema(StrictSchema):
    meeting_reference = ma.fields.String(required=True, validate=validate.Length(min=1, max=200),
                                         metadata={"description": "E.g. the minutes' number of the meeting"})
    decided_on = ma.fields.Date(metadata={"description": "The meeting's date; defaults to today"})
    decisions = ma.fields.List(ma.fields.Nested(MeetingDecisionItemSchema), required=True,
                               validate=validate.Length(min=1, max=100))
    # A reference or a rationale of spaces alone the portfolio's decisions service refuses.


class MeetingDecisionsResultSchema(ma.Schema):
    meeting_reference = ma.fields.String(required=True)
    items = ma.fields.List(ma.fields.Nested(DecisionSchema), required=True)
    total = ma.fields.Integer(required=True)


# --------------------------------------------------------------------------- trustworthy-AI assessment


class TrustworthyAnswerSchema(StrictSchema):
    answer = ma.fields.String(required=True, allow_none=True, validate=validate.OneOf(trustworthy.ANSWERS),
                              metadata={"description": "yes, partly, no, not_applicable; null: not yet answered"})
    evidence = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000),
                                metadata={"description": "What shows it (documents, tests, references)"})
    open_actions = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000))


class AnswersField(ma.fields.Dict):
    """The seven HLEG requirements by key; unknown keys are refused."""

    def __init__(self, **kwargs):
        super().__init__(keys=ma.fields.String(validate=validate.OneOf(trustworthy.REQUIREMENT_KEYS)),
                         values=ma.fields.Nested(TrustworthyAnswerSchema), **kwargs)


class TrustworthyAssessmentCreateSchema(StrictSchema):
    answers = AnswersField(required=True, metadata={
        "description": "By requirement: " + ", ".join(trustworthy.REQUIREMENT_KEYS)})
    assessed_on = ma.fields.Date(metadata={"description": "Defaults to today; not in the future"})
    summary = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000))
    review_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                  metadata={"description": "The periodic review this refresh belongs to"})
    reason = reason_field()


class TrustworthyAssessmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    assessed_on = ma.fields.Date(required=True)
    answers = ma.fields.Dict(required=True)
    summary = ma.fields.String(allow_none=True)
    review_id = ma.fields.Integer(allow_none=True)
    assessed_by = ma.fields.Nested(UserRefSchema, required=True)
    created_at = UtcDateTime(required=True)


class TrustworthyOpenActionSchema(ma.Schema):
    requirement = ma.fields.String(required=True)
    open_actions = ma.fields.String(required=True)


class TrustworthyAssessmentStateSchema(ma.Schema):
    state = ma.fields.String(required=True, metadata={"enum": ["missing", "refresh_due", "incomplete", "current"]})
    last_review_on = ma.fields.Date(allow_none=True)
    assessment = ma.fields.Nested(TrustworthyAssessmentSchema, allow_none=True)
    unanswered = ma.fields.List(ma.fields.String(), required=True)
    open_actions = ma.fields.List(ma.fields.Nested(TrustworthyOpenActionSchema), required=True)


TrustworthyAssessmentListSchema = page_schema(TrustworthyAssessmentSchema, "TrustworthyAssessmentListSchema")
