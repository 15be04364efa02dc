"""Request and response shapes of the solutions API (register, lifecycle, rollout, decommissioning)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import PageArgsSchema, StrictSchema, UtcDateTime, page_schema
from ai_register.extensions import ID_RANGE
from ai_register.solutions.lifecycle.decisions import DecisionKind
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST
from ai_register.solutions.lifecycle.phases import Phase, Status
from ai_register.solutions.models import KINDS, SOURCINGS, TRANSITION_STATUSES

PHASES = [p.value for p in Phase]
STATUSES = [s.value for s in Status]
DECISION_KINDS = [k.value for k in DecisionKind]
SORTS = ("name", "-name", "created_at", "-created_at", "phase", "-phase", "next_review_on", "-next_review_on")

LONG_TEXT = validate.Length(max=20_000)


class ShortStrings(ma.fields.List):
    """A list of short labels (care units, user groups, tags): trimmed, non-empty, duplicates dropped."""

    def __init__(self, **kwargs):
        super().__init__(ma.fields.String(validate=validate.Length(min=1, max=100)),
                         validate=validate.Length(max=50), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            value = [item.strip() if isinstance(item, str) else item for item in value]
        items = super()._deserialize(value, attr, data, **kwargs)
        return list(dict.fromkeys(items))


class FollowUpData(ma.fields.Field):
    """The data a decision rests on: a JSON object of figures, or a text summary."""

    default_error_messages = {"invalid": "Give a JSON object or a text summary.",
                              "too_long": "At most 20000 characters of text."}

    def __init__(self, **kwargs):
        # The spec says what is taken, so a client (and schemathesis) knows an array or a number is not.
        metadata = {"oneOf": [{"type": "object"}, {"type": "string", "maxLength": 20_000}],
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            return value
        if isinstance(value, str):
            if len(value) > 20_000:
                raise self.make_error("too_long")
            return value
        raise self.make_error("invalid")


class UserRefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    display_name = ma.fields.String(required=True)


# --------------------------------------------------------------------------- solutions


class SolutionWriteSchema(StrictSchema):
    """Every field an owner or compliance officer sets. Phase and status change only through the
    lifecycle endpoints; the current classification columns only through the classification module."""

    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    purpose = ma.fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    intended_use = ma.fields.String(allow_none=True, validate=LONG_TEXT)
    need_statement = ma.fields.String(allow_none=True, validate=LONG_TEXT,
                                      metadata={"description": "The problem the solution solves"})
    alternatives = ma.fields.String(allow_none=True, validate=LONG_TEXT)
    care_units = ShortStrings()
    user_groups = ShortStrings()
    tags = ShortStrings()
    supplier = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    product = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    product_version = ma.fields.String(allow_none=True, validate=validate.Length(max=100))
    sourcing = ma.fields.String(validate=validate.OneOf(SOURCINGS))
    in_service_since = ma.fields.Date(allow_none=True)
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    processes_personal_data = ma.fields.Boolean(allow_none=True,
                                                metadata={"description": "null: not yet assessed"})
    processes_health_data = ma.fields.Boolean(allow_none=True)
    legal_basis = ma.fields.String(allow_none=True, validate=LONG_TEXT)
    confidentiality = ma.fields.Integer(validate=validate.Range(min=1, max=4))
    integrity = ma.fields.Integer(validate=validate.Range(min=1, max=4))
    availability = ma.fields.Integer(validate=validate.Range(min=1, max=4))
    owner_id = ma.fields.Integer(validate=ID_RANGE, metadata={"description": "Defaults to the caller"})
    co_owner_ids = ma.fields.List(ma.fields.Integer(validate=ID_RANGE), validate=validate.Length(max=20))
    public = ma.fields.Boolean(metadata={"description": "Shown in the public transparency register"})
    external_id = ma.fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    review_interval_months = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1, max=120))
    next_review_on = ma.fields.Date(allow_none=True)
    critical_for_patient_care = ma.fields.Boolean(allow_none=True, metadata={
        "description": "Critical for patient care (needs a fallback routine and a tested recovery plan before "
                       "rollout); null: not yet assessed"})
    max_tolerable_outage_hours = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0, max=8760))
    recovery_plan_tested_on = ma.fields.Date(allow_none=True, metadata={
        "description": "The day the recovery plan was last tested; not in the future"})


class SolutionPatchSchema(SolutionWriteSchema):
    reason = ma.fields.String(validate=validate.Length(max=2000), load_only=True,
                              metadata={"description": "Why, for the audit trail"})


class TransitionRequestSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    from_phase = ma.fields.String(required=True)
    to_phase = ma.fields.String(required=True)
    reason = ma.fields.String(allow_none=True)
    approval_required = ma.fields.Boolean(required=True)
    status = ma.fields.String(required=True, metadata={"enum": list(TRANSITION_STATUSES)})
    requested_by = ma.fields.Nested(UserRefSchema, required=True)
    requested_at = UtcDateTime(required=True)
    decided_by = ma.fields.Nested(UserRefSchema, allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)


class SolutionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True, metadata={"description": "The ETag; send it as If-Match"})
    external_id = ma.fields.String(allow_none=True)
    name = ma.fields.String(required=True)
    purpose = ma.fields.String(required=True)
    intended_use = ma.fields.String(allow_none=True)
    need_statement = ma.fields.String(allow_none=True)
    alternatives = ma.fields.String(allow_none=True)
    care_units = ma.fields.List(ma.fields.String(), required=True)
    user_groups = ma.fields.List(ma.fields.String(), required=True)
    tags = ma.fields.List(ma.fields.String(), required=True)
    supplier = ma.fields.String(allow_none=True)
    product = ma.fields.String(allow_none=True)
    product_version = ma.fields.String(allow_none=True)
    sourcing = ma.fields.String(required=True)
    in_service_since = ma.fields.Date(allow_none=True)
    kind = ma.fields.String(required=True)
    processes_personal_data = ma.fields.Boolean(allow_none=True)
    processes_health_data = ma.fields.Boolean(allow_none=True)
    legal_basis = ma.fields.String(allow_none=True)
    confidentiality = ma.fields.Integer(required=True)
    integrity = ma.fields.Integer(required=True)
    availability = ma.fields.Integer(required=True)
    owner = ma.fields.Nested(UserRefSchema, required=True)
    co_owners = ma.fields.List(ma.fields.Nested(UserRefSchema), required=True)
    public = ma.fields.Boolean(required=True)
    phase = ma.fields.String(required=True, metadata={"enum": PHASES})
    status = ma.fields.String(required=True, metadata={"enum": STATUSES})
    phase_changed_at = UtcDateTime(required=True)
    review_interval_months = ma.fields.Integer(allow_none=True)
    next_review_on = ma.fields.Date(allow_none=True)
    decommission_rationale = ma.fields.String(allow_none=True)
    critical_for_patient_care = ma.fields.Boolean(allow_none=True)
    max_tolerable_outage_hours = ma.fields.Integer(allow_none=True)
    recovery_plan_tested_on = ma.fields.Date(allow_none=True)
    needs_rereview = ma.fields.Boolean(required=True)
    current_ai_act_category = ma.fields.String(allow_none=True)
    current_device_class = ma.fields.String(allow_none=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class SolutionDetailSchema(SolutionSchema):
    """One solution with what the classification and oversight areas hold about it (solutions.detail)."""

    current_classification = ma.fields.Dict(allow_none=True)
    oversight_owner = ma.fields.Dict(allow_none=True)
    obligations = ma.fields.List(ma.fields.Dict(), allow_none=True,
                                 metadata={"description": "Duties under the latest decided classification"})
    ai_act_role = ma.fields.String(allow_none=True,
                                   metadata={"description": "From the approved classification answers"})
    public_authority = ma.fields.Boolean(allow_none=True,
                                         metadata={"description": "From the approved classification answers"})
    pending_transition = ma.fields.Nested(TransitionRequestSchema, allow_none=True)
    allowed_transitions = ma.fields.List(ma.fields.String(), required=True,
                                         metadata={"description": "Legal moves (gates aside)"})
    allowed_decisions = ma.fields.List(ma.fields.String(), required=True)


class SolutionListArgsSchema(PageArgsSchema):
    phase = ma.fields.String(validate=validate.OneOf(PHASES))
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    ai_act_category = ma.fields.String(validate=validate.Length(min=1, max=32))
    device_class = ma.fields.String(validate=validate.Length(min=1, max=16))
    owner_id = ma.fields.Integer(validate=ID_RANGE)
    care_unit = ma.fields.String(validate=validate.Length(min=1, max=100))
    tag = ma.fields.String(validate=validate.Length(min=1, max=100))
    overdue_review = ma.fields.Boolean(metadata={"description": "next review date before today"})
    q = ma.fields.String(validate=validate.Length(min=1, max=200),
                         metadata={"description": "Search in name and purpose (case-insensitive)"})
    sort = ma.fields.String(load_default="name", validate=validate.OneOf(SORTS))


SolutionPageSchema = page_schema(SolutionSchema, "SolutionPageSchema")


# --------------------------------------------------------------------------- transitions


class TransitionCreateSchema(StrictSchema):
    to = ma.fields.String(required=True, validate=validate.OneOf(PHASES))
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=5000),
                              metadata={"description": "Into decommissioning: the rationale"})


class TransitionApproveSchema(StrictSchema):
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=5000))


class TransitionRejectSchema(StrictSchema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=5000))


TransitionPageSchema = page_schema(TransitionRequestSchema, "TransitionPageSchema")


# --------------------------------------------------------------------------- decisions


class DecisionCreateSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(DECISION_KINDS))
    rationale = ma.fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    decided_on = ma.fields.Date(metadata={"description": "Defaults to today"})
    follow_up_data = FollowUpData(allow_none=True, metadata={
        "description": "The follow-up data the decision rests on: a JSON object or a text summary"})
    meeting_reference = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    # A rationale of spaces alone, like every domain rule of a decision, the solutions service refuses.


class DecisionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": DECISION_KINDS})
    rationale = ma.fields.String(required=True)
    decided_on = ma.fields.Date(required=True)
    decided_by = ma.fields.Nested(UserRefSchema, required=True)
    follow_up_data = ma.fields.Raw(allow_none=True)
    meeting_reference = ma.fields.String(allow_none=True)
    phase = ma.fields.String(required=True, metadata={"description": "The phase the decision was taken in"})
    status_before = ma.fields.String(required=True)
    status_after = ma.fields.String(required=True)
    transition_request = ma.fields.Nested(TransitionRequestSchema, allow_none=True)
    created_at = UtcDateTime(required=True)


DecisionPageSchema = page_schema(DecisionSchema, "DecisionPageSchema")


# --------------------------------------------------------------------------- rollout plan


class RolloutUnitWriteSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    planned_start = ma.fields.Date(required=True)
    actual_start = ma.fields.Date(allow_none=True, metadata={
        "description": "Set when the unit has started; not in the future"})


class RolloutPlanWriteSchema(StrictSchema):
    units = ma.fields.List(ma.fields.Nested(RolloutUnitWriteSchema), required=True,
                           validate=validate.Length(max=500))
    reason = ma.fields.String(validate=validate.Length(max=2000), load_only=True)
    # A unit named twice (or by spaces alone) the rollout plan's service refuses.


class RolloutUnitSchema(ma.Schema):
    name = ma.fields.String(required=True)
    planned_start = ma.fields.Date(allow_none=True)
    actual_start = ma.fields.Date(allow_none=True)
    started = ma.fields.Boolean(required=True)


class RolloutPlanSchema(ma.Schema):
    solution_id = ma.fields.Integer(required=True)
    units = ma.fields.List(ma.fields.Nested(RolloutUnitSchema), required=True)
    all_started = ma.fields.Boolean(required=True)


# --------------------------------------------------------------------------- decommissioning checklist


class ChecklistItemWriteSchema(StrictSchema):
    key = ma.fields.String(required=True, validate=validate.OneOf(list(DECOMMISSIONING_CHECKLIST)))
    done = ma.fields.Boolean(required=True,
                             metadata={"description": "Done, or not relevant for this solution"})
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))


class ChecklistWriteSchema(StrictSchema):
    items = ma.fields.List(ma.fields.Nested(ChecklistItemWriteSchema), required=True,
                           validate=validate.Length(min=1, max=len(DECOMMISSIONING_CHECKLIST)),
                           metadata={"description": "The items to set; items not listed stay as they are"})
    reason = ma.fields.String(validate=validate.Length(max=2000), load_only=True)
    # An item listed twice the checklist's service refuses.


class ChecklistItemSchema(ma.Schema):
    key = ma.fields.String(required=True)
    label_sv = ma.fields.String(required=True)
    label_en = ma.fields.String(required=True)
    done = ma.fields.Boolean(required=True)
    done_by = ma.fields.Nested(UserRefSchema, allow_none=True)
    done_at = UtcDateTime(allow_none=True)
    note = ma.fields.String(allow_none=True)


class ChecklistSchema(ma.Schema):
    solution_id = ma.fields.Integer(required=True)
    items = ma.fields.List(ma.fields.Nested(ChecklistItemSchema), required=True)
    complete = ma.fields.Boolean(required=True)
