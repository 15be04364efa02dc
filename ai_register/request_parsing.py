"""The JSON boundary of the API, where the spec and the code must agree (issue 19, item 10).

flask-smorest hands every request body to webargs' parser; this parser adds, for JSON bodies, what
marshmallow alone does not enforce:

- a body the operation requires (the spec says `requestBody.required`) must be sent: no body is 422,
  not "nothing to change";
- integer fields take JSON integers only: `7.9` was stored as 7 and `"3"` and `true` passed as
  numbers; each refusal names the field; true/false fields take JSON booleans only (`0`, `"yes"`
  passed as false and true);
- a text field that must hold at least one character (Length(min=1)) must hold a visible one: a
  name of only spaces is refused like an empty one.

Query strings are text by nature, but an integer parameter holds ASCII digits only (an optional minus
sign before them): Python's int() would take " 3", "+3", "1_000" and other scripts' digits, and
`page=1.5` or `per_page=1e3` must be refused with the parameter named, as a body's `7.9` is.
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask import current_app
from marshmallow import validate
from webargs.flaskparser import FlaskParser

NOT_AN_INTEGER = "Not a valid integer: send a whole number without quotes."
NOT_A_BOOLEAN = "Not a valid boolean: send true or false without quotes."
BLANK = "Must not be blank (spaces alone are not a value)."
BODY_REQUIRED = "A JSON body is required."
QUERY_INTEGER = re.compile(r"-?[0-9]+")
QUERY_NOT_AN_INTEGER = "Not a valid integer: send digits only (no spaces, decimals, exponents or plus sign)."


def _needs_visible_text(field: ma.fields.Field) -> bool:
    validators = field.validators if isinstance(field.validators, list | tuple) else [field.validators]
    return any(isinstance(v, validate.Length) and (v.min or 0) >= 1 for v in validators if v)


def _field_errors(field: ma.fields.Field, value: Any) -> list | dict | None:
    if value is None:
        return None
    if isinstance(field, ma.fields.Integer):
        return [NOT_AN_INTEGER] if isinstance(value, bool) or not isinstance(value, int) else None
    if isinstance(field, ma.fields.Boolean):
        return None if isinstance(value, bool) else [NOT_A_BOOLEAN]
    if isinstance(field, ma.fields.String) and isinstance(value, str):
        return [BLANK] if _needs_visible_text(field) and not value.strip() else None
    if isinstance(field, ma.fields.Nested) and isinstance(value, dict | list):
        schema = field.schema
        if isinstance(value, list) and schema.many:
            return _list_errors(lambda item: _schema_errors(schema, item), value)
        return _schema_errors(schema, value) if isinstance(value, dict) else None
    if isinstance(field, ma.fields.List) and isinstance(value, list):
        return _list_errors(lambda item: _field_errors(field.inner, item), value)
    if isinstance(field, ma.fields.Dict) and isinstance(value, dict) and field.value_field is not None:
        errors = {key: e for key, item in value.items() if (e := _field_errors(field.value_field, item))}
        return errors or None
    return None


def _list_errors(check, items: list) -> dict | None:
    errors = {index: e for index, item in enumerate(items) if (e := check(item))}
    return errors or None


def _schema_errors(schema: ma.Schema, data: Any) -> dict:
    if not isinstance(data, dict):
        return {}
    errors = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        key = field.data_key or name
        if key in data and (field_errors := _field_errors(field, data[key])):
            errors[key] = field_errors
    return errors


def _body_required(req) -> bool:
    """What the operation's spec says: flask-smorest keeps `arguments(..., required=)` on the view."""
    view = current_app.view_functions.get(req.endpoint)
    function = getattr(getattr(view, "view_class", None), req.method.lower(), None) or view
    for parameter in getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        if parameter.get("in") == "json":
            return bool(parameter.get("required", True))
    return True


def _query_errors(schema: ma.Schema, args) -> dict:
    """Integer parameters whose text is not a plain whole number, by parameter name."""
    errors = {}
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, ma.fields.List) else field
        if field.dump_only or not isinstance(inner, ma.fields.Integer):
            continue
        key = field.data_key or name
        if any(not QUERY_INTEGER.fullmatch(value) for value in args.getlist(key)):
            errors[key] = [QUERY_NOT_AN_INTEGER]
    return errors


class BoundaryParser(FlaskParser):
    def pre_load(self, location_data, *, schema, req, location):
        if location == "query":
            if errors := _query_errors(schema, req.args):
                raise ma.ValidationError(errors)
            return location_data
        if location != "json":
            return location_data
        if not req.get_data(cache=True).strip():
            if _body_required(req):
                raise ma.ValidationError({"_body": [BODY_REQUIRED]})
            return location_data
        errors = _schema_errors(schema, location_data)
        if errors:
            raise ma.ValidationError(errors)
        return location_data
