from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import Shown, StrictSchema, UtcDateTime, page_schema, text_field
from ai_register.extensions import ID_RANGE
from ai_register.oversight.rules import MONITORS


class PersonRefSchema(StrictSchema):
    """Either a user account (`user_id`) or a person without one (`name`, `title`, `unit`, `contact`)."""

    # The shape only: both, neither, or a title beside an account the oversight service refuses.

    user_id = ma.fields.Integer(validate=ID_RANGE)
    name = ma.fields.String(validate=validate.Length(min=1, max=200))
    title = text_field(200)
    unit = text_field(200)
    contact = text_field(200, metadata={"description": "E-mail or phone"})


def _monitor(name: str) -> ma.fields.Boolean:
    point = MONITORS[name]
    return ma.fields.Boolean(load_default=False, metadata={"description": f"{point.point}: {point.en}"})


class MonitorsSchema(StrictSchema):
    """What the owner is enabled to do, AI Act Art 14(4) (a)–(e); unticked when left out."""

    understands_capabilities_limits = _monitor("understands_capabilities_limits")
    aware_of_automation_bias = _monitor("aware_of_automation_bias")
    interprets_output = _monitor("interprets_output")
    can_disregard_override_reverse = _monitor("can_disregard_override_reverse")
    can_interrupt_stop = _monitor("can_interrupt_stop")


class OversightPutSchema(StrictSchema):
    person = ma.fields.Nested(PersonRefSchema, required=True, metadata={"description": "The oversight owner"})
    deputy = ma.fields.Nested(PersonRefSchema, allow_none=True)
    competence = text_field(5000)
    training = text_field(5000)
    training_completed_on = ma.fields.Date(allow_none=True, metadata={"description": "Not in the future"})
    authority_to_suspend = ma.fields.Boolean(
        required=True, metadata={"description": "Has the authority to suspend use; must be true to count"})
    monitors = ma.fields.Nested(MonitorsSchema, required=True,
                                metadata={"description": "AI Act Art 14(4) (a)–(e)"})
    accepted_on = ma.fields.Date(allow_none=True, metadata={
        "description": "The day the person accepted; kept from the current assignment when the person stays; "
                       "not in the future"})
    reason = ma.fields.String(validate=validate.Length(max=2000))


class ConfirmSchema(StrictSchema):
    confirmed_on = ma.fields.Date(metadata={"description": "Defaults to today; not in the future"})
    reason = ma.fields.String(validate=validate.Length(max=2000))


class OversightPersonSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(["user", "person"]))
    user_id = ma.fields.Integer(allow_none=True)
    person_id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String(required=True)
    title = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    contact = ma.fields.String(allow_none=True)


class OversightAssignmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    person = ma.fields.Nested(OversightPersonSchema, attribute="owner", required=True)
    deputy = ma.fields.Nested(OversightPersonSchema, allow_none=True)
    competence = ma.fields.String(allow_none=True)
    training = ma.fields.String(allow_none=True)
    training_completed_on = ma.fields.Date(allow_none=True)
    authority_to_suspend = ma.fields.Boolean(required=True)
    monitors = ma.fields.Nested(MonitorsSchema, required=True)
    accepted_on = ma.fields.Date(allow_none=True)
    confirmed_on = ma.fields.Date(allow_none=True)
    confirmed_by_id = ma.fields.Integer(allow_none=True)
    confirmation_due_on = ma.fields.Date(allow_none=True, metadata={
        "description": "Last confirmation (acceptance counts) + 12 months; null until accepted"})
    confirmation_overdue = Shown(ma.fields.Boolean(), required=True)
    counts_as_oversight_owner = ma.fields.Boolean(required=True)
    current = ma.fields.Boolean(required=True)
    started_at = UtcDateTime(required=True)
    ended_at = UtcDateTime(allow_none=True)
    ended_by_id = ma.fields.Integer(allow_none=True)
    created_by_id = ma.fields.Integer(required=True)


OversightAssignmentListSchema = page_schema(OversightAssignmentSchema, "OversightAssignmentListSchema")
