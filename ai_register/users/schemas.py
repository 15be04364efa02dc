from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import StrictSchema, UtcDateTime, page_schema
from ai_register.config import NAMED_TOKEN_CEILING_DAYS
from ai_register.security import ALL_ROLES


class TokenRequestSchema(StrictSchema):
    email = ma.fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class TokenResponseSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True)
    expires_in = ma.fields.Integer(required=True)


class NamedTokenCreateSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    expires_in_days = ma.fields.Integer(
        load_default=90, validate=validate.Range(min=1, max=NAMED_TOKEN_CEILING_DAYS),
        metadata={"description": "Days until the token expires; a region may set a lower limit "
                                 "(AI_REGISTER_NAMED_TOKEN_MAX_DAYS), never a higher one."})


class NamedTokenSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(allow_none=True)
    created_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(required=True)
    revoked_at = UtcDateTime(allow_none=True)
    last_used_at = UtcDateTime(allow_none=True)


class NamedTokenCreatedSchema(NamedTokenSchema):
    token = ma.fields.String(required=True, attribute="plain_token",
                             metadata={"description": "Shown once; store it safely."})


class UserSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)
    role = ma.fields.String(required=True)
    active = ma.fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)
    deactivated_at = UtcDateTime(allow_none=True)


class UserCreateSchema(StrictSchema):
    email = ma.fields.Email(required=True)
    display_name = ma.fields.String(validate=validate.Length(min=1, max=200))
    role = ma.fields.String(required=True, validate=validate.OneOf(sorted(ALL_ROLES)))
    password = ma.fields.String(load_only=True, validate=validate.Length(min=12, max=1024))


class UserPatchSchema(StrictSchema):
    display_name = ma.fields.String(validate=validate.Length(min=1, max=200))
    role = ma.fields.String(validate=validate.OneOf(sorted(ALL_ROLES)))
    active = ma.fields.Boolean()
    reason = ma.fields.String(validate=validate.Length(max=2000))


UserListSchema = page_schema(UserSchema, "UserListSchema")
