"""Shapes of the onboarding API: spreadsheet import reports, the personal-data inventory and export."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from ai_register.apikit import StrictSchema


class ImportArgsSchema(StrictSchema):
    dry_run = ma.fields.Boolean(load_default=False,
                                metadata={"description": "Check every row and report; write nothing"})


class ImportUploadSchema(ma.Schema):
    """The multipart/form-data body (documentation only)."""

    file = Upload(required=True, metadata={"description": ".xlsx or .csv following the template"})


class TemplateArgsSchema(StrictSchema):
    format = ma.fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))
    lang = ma.fields.String(load_default="sv", validate=validate.OneOf(("sv", "en")),
                            metadata={"description": "Column names in Swedish or English (both are accepted)"})


class CellErrorSchema(ma.Schema):
    row = ma.fields.Integer(required=True, metadata={"description": "Row number as the spreadsheet shows it"})
    column = ma.fields.String(required=True)
    reason = ma.fields.String(required=True)


class ImportRowSchema(ma.Schema):
    row = ma.fields.Integer(required=True)
    external_id = ma.fields.String(allow_none=True)
    name = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(required=True, metadata={"enum": ["create", "exists", "invalid"],
                                                        "description": "create: created (or would be, "
                                                                       "on a dry run); exists: skipped"})
    solution_id = ma.fields.Integer(allow_none=True)
    phase = ma.fields.String(allow_none=True)
    goals = ma.fields.Integer(required=True)
    classification = ma.fields.String(allow_none=True,
                                      metadata={"description": "AI Act category of the imported answers"})
    errors = ma.fields.List(ma.fields.Nested(CellErrorSchema), required=True)


class ImportReportSchema(ma.Schema):
    filename = ma.fields.String(required=True)
    dry_run = ma.fields.Boolean(required=True)
    ok = ma.fields.Boolean(required=True)
    written = ma.fields.Boolean(required=True)
    created = ma.fields.Integer(required=True)
    existing = ma.fields.Integer(required=True)
    invalid = ma.fields.Integer(required=True)
    rows = ma.fields.List(ma.fields.Nested(ImportRowSchema), required=True)
    errors = ma.fields.List(ma.fields.Nested(CellErrorSchema), required=True)


class CategorySchema(ma.Schema):
    key = ma.fields.String(required=True)
    table = ma.fields.String(required=True)
    fields = ma.fields.List(ma.fields.String(), required=True)
    purpose = ma.fields.String(required=True)
    legal_basis = ma.fields.String(required=True)
    retention = ma.fields.String(required=True)
    records = ma.fields.Integer(required=True)


class ReferenceSchema(ma.Schema):
    table = ma.fields.String(required=True)
    column = ma.fields.String(required=True)
    refers_to = ma.fields.String(required=True)
    people = ma.fields.Integer(required=True, metadata={"description": "How many different people the column names"})


class InventorySchema(ma.Schema):
    categories = ma.fields.List(ma.fields.Nested(CategorySchema), required=True)
    references = ma.fields.List(ma.fields.Nested(ReferenceSchema), required=True)
    users = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)
    audit_actors = ma.fields.Integer(required=True)
    retention = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(allow_none=True), required=True)


class PersonalDataExportSchema(ma.Schema):
    subject = ma.fields.Dict(required=True)
    generated_at = ma.fields.String(required=True)
    records = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Dict()), required=True,
                             metadata={"description": "Table → rows that refer to the person"})
    audit_events_as_actor = ma.fields.List(ma.fields.Dict(), required=True)
    audit_events_about = ma.fields.List(ma.fields.Dict(), required=True)
