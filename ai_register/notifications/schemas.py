from __future__ import annotations

import marshmallow as ma

from ai_register.apikit import PageArgsSchema, Shown, UtcDateTime


class NotificationArgsSchema(PageArgsSchema):
    class Meta:
        unknown = ma.RAISE

    unread = ma.fields.Boolean(metadata={"description": "true: only unread; false: only read"})


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    message = Shown(ma.fields.String(), required=True)
    solution_id = ma.fields.Integer(allow_none=True)
    subject_type = ma.fields.String(required=True)
    subject_id = ma.fields.String(required=True)
    due_on = ma.fields.Date(allow_none=True)
    params = ma.fields.Dict(required=True)
    link = ma.fields.String(allow_none=True)
    created_at = UtcDateTime(required=True)
    read_at = UtcDateTime(allow_none=True)
    emailed_at = UtcDateTime(allow_none=True)


class NotificationPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NotificationSchema), required=True)
    total = ma.fields.Integer(required=True)
    unread = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
