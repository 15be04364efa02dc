from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import PageArgsSchema
from ai_register.audit.chain import format_timestamp
from ai_register.extensions import ID_RANGE


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    position = ma.fields.Integer(required=True)
    occurred_at = ma.fields.Method("_occurred_at", required=True, metadata={"type": "string", "format": "date-time"})
    actor_id = ma.fields.Integer(allow_none=True)
    channel = ma.fields.String(required=True)
    action = ma.fields.String(required=True)
    entity_type = ma.fields.String(required=True)
    entity_id = ma.fields.String(required=True)
    solution_id = ma.fields.Integer(allow_none=True)
    solution_seq = ma.fields.Integer(allow_none=True)
    data = ma.fields.Dict(required=True)
    reason = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    prev_hash = ma.fields.String(required=True)
    hash = ma.fields.String(required=True)

    def _occurred_at(self, event) -> str:
        value = event["occurred_at"] if isinstance(event, dict) else event.occurred_at
        return format_timestamp(value)


class AuditEventArgsSchema(PageArgsSchema):
    """Filters, pages (`page`, `per_page`, with `total`) and a cursor (`after`, the last position seen)."""

    solution_id = ma.fields.Integer(validate=ID_RANGE)
    actor_id = ma.fields.Integer(validate=ID_RANGE)
    action = ma.fields.String(validate=validate.Length(min=1, max=64))
    entity_type = ma.fields.String(validate=validate.Length(min=1, max=64))
    since = ma.fields.AwareDateTime(default_timezone=None)
    until = ma.fields.AwareDateTime(default_timezone=None)
    after = ma.fields.Integer(validate=validate.Range(min=0, max=2**62),
                              metadata={"description": "Cursor: only events with position greater than this; "
                                                       "`page` then counts pages from the cursor (1: the first "
                                                       "page after it)"})


class AuditEventPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AuditEventSchema), required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "Events matching the filters"})
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    next_cursor = ma.fields.Integer(allow_none=True, required=True)
    chain_head = ma.fields.Dict(required=True)


class ChainBrokenSchema(ma.Schema):
    position = ma.fields.Integer(allow_none=True)
    id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    kind = ma.fields.String(allow_none=True, validate=validate.OneOf(
        ["position", "link", "content", "checkpoint_shorter", "checkpoint_differs"]), metadata={
        "description": "The rule that broke: position (a gap or reorder), link (prev_hash), content (stored hash), "
                       "checkpoint_shorter / checkpoint_differs (against a signed checkpoint)"})
    expected_position = ma.fields.Integer(allow_none=True, metadata={
        "description": "For kind=position: the position the chain expected"})


class ChainReportSchema(ma.Schema):
    intact = ma.fields.Boolean(required=True)
    events = ma.fields.Integer(required=True)
    head = ma.fields.String(required=True)
    first_broken = ma.fields.Nested(ChainBrokenSchema, allow_none=True, required=True)
    verified_at = ma.fields.String(required=True)
    checkpoints = ma.fields.Dict(required=True, metadata={
        "description": "How many signed checkpoints the chain was held against, the latest, and any it "
                       "contradicts (`contradicted`: shorter than a checkpoint, or another hash at its position)"})


class CheckpointsBodySchema(ma.Schema):
    checkpoints = ma.fields.List(ma.fields.Dict(), required=True, validate=validate.Length(min=1, max=100_000),
                                 metadata={"description": "Signed checkpoints (ai-register-checkpoint/1), as "
                                                          "e-mailed by `flask audit checkpoint`"})
