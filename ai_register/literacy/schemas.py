from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import StrictSchema, UtcDateTime, page_schema, text_field
from ai_register.extensions import ID_RANGE
from ai_register.literacy.rules import KINDS


def _names(description: str) -> ma.fields.List:
    return ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                          validate=validate.Length(max=100), metadata={"description": description})


class LiteracyMeasureCreateSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS),
                            metadata={"description": "training, instructions, supervised_start or other"})
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = text_field(10000)
    user_groups = _names("For whom: user groups, e.g. Röntgenläkare")
    care_units = _names("Care units reached; a region-wide measure without units reaches every unit")
    held_on = ma.fields.Date(required=True, metadata={"description": "When (the first session, or the date issued)"})
    reached = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0, max=1_000_000),
                                metadata={"description": "How many people were reached"})
    material_evidence_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                             metadata={"description": "Material as evidence of the solution"})
    # an http(s) address: literacy.services checks it (addresses.py), for the API and the page alike
    material_link = ma.fields.String(allow_none=True, validate=validate.Length(max=500))
    reason = ma.fields.String(validate=validate.Length(max=2000))


class LiteracyMeasureSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(allow_none=True, metadata={"description": "null: region-wide"})
    kind = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(allow_none=True)
    user_groups = ma.fields.List(ma.fields.String(), required=True)
    care_units = ma.fields.List(ma.fields.String(), required=True)
    held_on = ma.fields.Date(required=True)
    reached = ma.fields.Integer(allow_none=True)
    material_evidence_id = ma.fields.Integer(allow_none=True)
    material_link = ma.fields.String(allow_none=True)
    created_at = UtcDateTime(required=True)


LiteracyMeasureListSchema = page_schema(LiteracyMeasureSchema, "LiteracyMeasureListSchema", paged=False)
