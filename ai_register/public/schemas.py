"""Shapes of a solution's public description in the API (the region's plain words, Swedish and English)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import StrictSchema, UtcDateTime

TEXT = validate.Length(max=2000)


def _text(description: str) -> ma.fields.String:
    return ma.fields.String(allow_none=True, load_default=None, validate=TEXT, metadata={"description": description})


class PublicDescriptionWriteSchema(StrictSchema):
    """The whole description: a field left out or null is empty (the public page then shows the register's
    own text where it has one)."""

    what_sv = _text("What it does and how it is used, in plain Swedish")
    what_en = _text("The same in English")
    why_sv = _text("Why the region needs it, in plain Swedish")
    why_en = _text("The same in English")
    data_sv = _text("Which information it uses and where it comes from, in plain Swedish")
    data_en = _text("The same in English")
    legal_basis_sv = _text("The legal basis, explained in plain Swedish")
    legal_basis_en = _text("The same in English")
    contact = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200), metadata={
        "description": "A function's mailbox or telephone number for questions (never a person's)"})


class PublicDescriptionSchema(ma.Schema):
    what_sv = ma.fields.String(allow_none=True, required=True)
    what_en = ma.fields.String(allow_none=True, required=True)
    why_sv = ma.fields.String(allow_none=True, required=True)
    why_en = ma.fields.String(allow_none=True, required=True)
    data_sv = ma.fields.String(allow_none=True, required=True)
    data_en = ma.fields.String(allow_none=True, required=True)
    legal_basis_sv = ma.fields.String(allow_none=True, required=True)
    legal_basis_en = ma.fields.String(allow_none=True, required=True)
    contact = ma.fields.String(allow_none=True, required=True)
    updated_at = UtcDateTime(allow_none=True, required=True, metadata={"description": "null while none is written"})
    public_page = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The public page's address while the solution is public, else null"})
