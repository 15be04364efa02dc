from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from ai_register.apikit import PageArgsSchema, Shown, StrictSchema, UtcDateTime, page_schema
from ai_register.extensions import ID_RANGE
from ai_register.solutions.lifecycle.facts import EvidenceType

EVIDENCE_TYPES = [t.value for t in EvidenceType]


class EvidenceCreateSchema(StrictSchema):
    type = ma.fields.String(required=True, validate=validate.OneOf(EVIDENCE_TYPES))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    reference = ma.fields.String(
        allow_none=True, validate=validate.Length(max=200),
        metadata={"description": "Certificate number, EUDAMED / EU-database id, UDI-DI"})
    issued_on = ma.fields.Date(required=True)
    expires_on = ma.fields.Date(allow_none=True, metadata={
        "description": "Expiry date (validity as the lifecycle gates count it); null: no expiry"})
    issuer = ma.fields.String(allow_none=True, validate=validate.Length(max=200),
                              metadata={"description": "E.g. the notified body"})
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=10000))
    supersedes = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                   metadata={"description": "Id of the evidence record this one replaces"})
    reason = ma.fields.String(validate=validate.Length(max=2000),
                              metadata={"description": "Why (kept in the audit trail)"})


class EvidenceUploadSchema(EvidenceCreateSchema):
    """The multipart/form-data variant: the same fields plus the file (documentation only)."""

    file = Upload(required=True, metadata={"description": "pdf, png, jpeg, txt, docx or xlsx; at most 20 MB"})


class EvidenceFileSchema(ma.Schema):
    name = ma.fields.String(required=True)
    content_type = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    sha256 = ma.fields.String(required=True)
    download_url = ma.fields.String(required=True)


class EvidenceSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    reference = ma.fields.String(allow_none=True)
    issued_on = ma.fields.Date(required=True)
    expires_on = ma.fields.Date(allow_none=True)
    issuer = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    file = ma.fields.Nested(EvidenceFileSchema, attribute="file_info", allow_none=True,
                            metadata={"description": "null when no file is attached"})
    valid_today = Shown(ma.fields.Boolean(), required=True)
    superseded_by_id = ma.fields.Integer(allow_none=True)
    superseded_at = UtcDateTime(allow_none=True)
    created_by_id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)


class EvidenceListArgsSchema(PageArgsSchema):
    type = ma.fields.String(validate=validate.OneOf(EVIDENCE_TYPES))
    current = ma.fields.Boolean(load_default=False,
                                metadata={"description": "Only records not superseded by a newer one"})


EvidenceListSchema = page_schema(EvidenceSchema, "EvidenceListSchema")
