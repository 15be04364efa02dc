from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import PageArgsSchema, StrictSchema, UtcDateTime, page_schema
from ai_register.extensions import ID_RANGE
from ai_register.reviews.models import OUTCOMES


class ReviewCreateSchema(StrictSchema):
    reviewed_on = ma.fields.Date(metadata={"description": "Default: today (Europe/Stockholm); not in the future"})
    checked = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=200)), required=True,
                             validate=validate.Length(min=1, max=50),
                             metadata={"description": "What was checked, e.g. classification, oversight, "
                                                      "goals, incidents, evidence"})
    outcome = ma.fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=10_000))
    next_review_on = ma.fields.Date(metadata={"description": "Default: reviewed_on + the review interval"})
    reason = ma.fields.String(validate=validate.Length(max=2000))


class ReviewSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    reviewed_on = ma.fields.Date(required=True)
    checked = ma.fields.List(ma.fields.String(), required=True)
    outcome = ma.fields.String(required=True)
    notes = ma.fields.String(allow_none=True)
    interval_months = ma.fields.Integer(required=True)
    next_review_on = ma.fields.Date(required=True)
    reviewed_by_id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)


class ReviewScheduleSchema(ma.Schema):
    solution_id = ma.fields.Integer(required=True)
    solution_name = ma.fields.String()
    interval_months = ma.fields.Integer(required=True)
    interval_source = ma.fields.String(required=True, metadata={"description": "solution | risk"})
    risk_category = ma.fields.String(allow_none=True)
    next_review_on = ma.fields.Date(allow_none=True)
    state = ma.fields.String(required=True,
                             metadata={"description": "unscheduled | scheduled | due | overdue"})
    last_reviewed_on = ma.fields.Date(allow_none=True)
    last_review_id = ma.fields.Integer(allow_none=True)


class ReviewPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReviewSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    schedule = ma.fields.Nested(ReviewScheduleSchema, required=True)


class ScheduleArgsSchema(PageArgsSchema):
    class Meta:
        unknown = ma.RAISE

    state = ma.fields.String(validate=validate.OneOf(("unscheduled", "scheduled", "due", "overdue")),
                             metadata={"description": "Default: due and overdue"})


SchedulePageSchema = page_schema(ReviewScheduleSchema, "SchedulePageSchema")


class AgendaArgsSchema(StrictSchema, PageArgsSchema):
    overdue = ma.fields.Boolean(metadata={"description": "Only overdue items"})
    kind = ma.fields.String(validate=validate.Length(max=48))
    solution_id = ma.fields.Integer(validate=ID_RANGE)


class AgendaItemSchema(ma.Schema):
    kind = ma.fields.String(required=True)
    solution_id = ma.fields.Integer(required=True)
    solution_name = ma.fields.String(required=True)
    subject_type = ma.fields.String(required=True)
    subject_id = ma.fields.Integer(required=True)
    due_on = ma.fields.Date(allow_none=True)
    overdue = ma.fields.Boolean(required=True)
    details = ma.fields.Dict(required=True)
    link = ma.fields.String(allow_none=True)


class AgendaSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AgendaItemSchema), required=True)
    total = ma.fields.Integer(required=True)
    overdue = ma.fields.Integer(required=True, metadata={"description": "Overdue items in all (every page)"})
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)


class RealisationArgsSchema(StrictSchema):
    as_of = ma.fields.Date(metadata={"description": "Leave out measurements after this day"})


class SeriesPointSchema(ma.Schema):
    measured_on = ma.fields.String(required=True)
    value = ma.fields.Float(allow_none=True)
    progress_pct = ma.fields.Float(allow_none=True)


class GoalRealisationSchema(ma.Schema):
    goal_id = ma.fields.Integer(allow_none=True)
    perspective = ma.fields.String(allow_none=True)
    title = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    baseline = ma.fields.Float(allow_none=True)
    target = ma.fields.Float(allow_none=True)
    higher_is_better = ma.fields.Boolean()
    latest_value = ma.fields.Float(allow_none=True)
    latest_measured_on = ma.fields.String(allow_none=True)
    progress_pct = ma.fields.Float(allow_none=True)
    target_met = ma.fields.Boolean(allow_none=True)
    trend = ma.fields.String(metadata={"description": "improving | worsening | stable | insufficient_data"})
    measurements = ma.fields.Integer()
    series = ma.fields.List(ma.fields.Nested(SeriesPointSchema))


class RealisationSummarySchema(ma.Schema):
    perspective = ma.fields.String()
    goals = ma.fields.Integer()
    goals_measured = ma.fields.Integer()
    goals_met = ma.fields.Integer()
    progress_pct = ma.fields.Float(allow_none=True)
    trend = ma.fields.String()


class RealisationSchema(ma.Schema):
    solution_id = ma.fields.Integer(required=True)
    as_of = ma.fields.String(allow_none=True)
    goals = ma.fields.List(ma.fields.Nested(GoalRealisationSchema), required=True)
    perspectives = ma.fields.List(ma.fields.Nested(RealisationSummarySchema), required=True)
    overall = ma.fields.Nested(RealisationSummarySchema, required=True)
