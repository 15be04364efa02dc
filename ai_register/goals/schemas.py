from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import N_, Message, StrictSchema, UtcDateTime, page_schema
from ai_register.extensions import ID_RANGE
from ai_register.goals.models import Perspective

LIMIT = 10**12


def _within(low: int, high: int):
    # A plain function, not validate.Range: apispec would print Decimal bounds as strings.
    def check(value) -> None:
        if not low <= value <= high:
            raise ma.ValidationError(Message(N_("Must be between {low} and {high}."), low=low, high=high))
    return check


def _bounded(places: int, low: int, high: int, kwargs: dict) -> ma.fields.Decimal:
    # The bounds are in the spec too (minimum/maximum), so a client and schemathesis know them.
    metadata = {"minimum": low, "maximum": high, **kwargs.pop("metadata", {})}
    return ma.fields.Decimal(places=places, allow_nan=False, validate=_within(low, high), metadata=metadata, **kwargs)


def indicator_value(**kwargs) -> ma.fields.Decimal:
    return _bounded(6, -LIMIT, LIMIT, kwargs)


def amount(**kwargs) -> ma.fields.Decimal:
    return _bounded(2, 0, LIMIT, kwargs)


def reason_field() -> ma.fields.String:
    return ma.fields.String(validate=validate.Length(max=2000),
                            metadata={"description": "Why (kept in the audit trail)"})


# --- goals -----------------------------------------------------------------------------------------

class GoalCreateSchema(StrictSchema):
    perspective = ma.fields.String(required=True, validate=validate.OneOf([p.value for p in Perspective]))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    indicator = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    indicator_id = ma.fields.Integer(required=True, validate=ID_RANGE, metadata={
        "description": "The common indicator the goal counts towards (GET /indicators)"})
    unit = ma.fields.String(allow_none=True, validate=validate.Length(max=50))
    baseline = indicator_value(allow_none=True)
    target = indicator_value(allow_none=True)
    higher_is_better = ma.fields.Boolean(load_default=True)
    reason = reason_field()


class GoalPatchSchema(StrictSchema):
    perspective = ma.fields.String(validate=validate.OneOf([p.value for p in Perspective]))
    title = ma.fields.String(validate=validate.Length(min=1, max=200))
    indicator = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    indicator_id = ma.fields.Integer(validate=ID_RANGE)
    unit = ma.fields.String(allow_none=True, validate=validate.Length(max=50))
    baseline = indicator_value(allow_none=True)
    target = indicator_value(allow_none=True)
    higher_is_better = ma.fields.Boolean()
    reason = reason_field()


class LatestMeasurementSchema(ma.Schema):
    measured_on = ma.fields.Date(required=True)
    value = ma.fields.Float(required=True)


class GoalSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True, metadata={"description": "The ETag; send it as If-Match to change it"})
    solution_id = ma.fields.Integer(required=True)
    perspective = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    indicator = ma.fields.String(allow_none=True)
    indicator_id = ma.fields.Integer(allow_none=True, metadata={"description": "The common indicator"})
    unit = ma.fields.String(allow_none=True)
    baseline = ma.fields.Float(allow_none=True)
    target = ma.fields.Float(allow_none=True)
    higher_is_better = ma.fields.Boolean(required=True)
    complete = ma.fields.Boolean(required=True,
                                 metadata={"description": "Has indicator, baseline and target (pilot gate)"})
    missing_parts = ma.fields.List(ma.fields.String(), required=True)
    measurement_count = ma.fields.Function(lambda goal: len(goal.measurements), required=True,
                                           metadata={"type": "integer"})
    latest_measurement = ma.fields.Nested(LatestMeasurementSchema, allow_none=True)
    target_met = ma.fields.Boolean(
        allow_none=True, metadata={"description": "Latest value reaches the target; null if unknown"})
    created_by_id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    withdrawn_at = UtcDateTime(allow_none=True, metadata={
        "description": "Set when the goal was withdrawn (kept, no longer counted by the gates)"})
    withdrawal_reason = ma.fields.String(allow_none=True)
    updated_at = UtcDateTime(required=True)


GoalListSchema = page_schema(GoalSchema, "GoalListSchema")


# --- measurements ----------------------------------------------------------------------------------

class MeasurementCreateSchema(StrictSchema):
    measured_on = ma.fields.Date(required=True, metadata={"description": "The day the value refers to; not in the "
                                                                         "future"})
    value = indicator_value(required=True)
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=5000))


class MeasurementSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    goal_id = ma.fields.Integer(required=True)
    measured_on = ma.fields.Date(required=True)
    value = ma.fields.Float(required=True)
    note = ma.fields.String(allow_none=True)
    recorded_by_id = ma.fields.Integer(required=True)
    recorded_at = UtcDateTime(required=True)


MeasurementListSchema = page_schema(MeasurementSchema, "MeasurementListSchema")


# --- benefit ---------------------------------------------------------------------------------------

class BenefitPutSchema(StrictSchema):
    currency = ma.fields.String(load_default="SEK", validate=validate.OneOf(["SEK"]))
    one_off_cost = amount(required=True)
    yearly_cost = amount(required=True)
    yearly_savings = amount(load_default=Decimal(0), metadata={"default": 0})
    hours_freed_per_year = amount(load_default=Decimal(0), metadata={"default": 0})
    hourly_cost = amount(allow_none=True, load_default=None,
                         metadata={"description": "Values the hours freed; without it they add no money"})
    assumptions = ma.fields.String(allow_none=True, validate=validate.Length(max=10000))
    reason = reason_field()


class BenefitSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True, metadata={"description": "The ETag; send it as If-Match to change it"})
    solution_id = ma.fields.Integer(required=True)
    currency = ma.fields.String(required=True)
    one_off_cost = ma.fields.Float(required=True)
    yearly_cost = ma.fields.Float(required=True)
    yearly_savings = ma.fields.Float(required=True)
    hours_freed_per_year = ma.fields.Float(required=True)
    hourly_cost = ma.fields.Float(allow_none=True)
    assumptions = ma.fields.String(allow_none=True)
    value_of_time_freed = ma.fields.Function(lambda b: float(b.result.value_of_time_freed), required=True,
                                             metadata={"type": "number"})
    yearly_net_benefit = ma.fields.Function(lambda b: float(b.result.yearly_net_benefit), required=True,
                                            metadata={"type": "number"})
    payback_years = ma.fields.Function(
        lambda b: None if b.result.payback_years is None else float(b.result.payback_years),
        allow_none=True, metadata={"type": "number", "description": "null when the estimate never pays back"},
    )
    created_by_id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_by_id = ma.fields.Integer(required=True)
    updated_at = UtcDateTime(required=True)
