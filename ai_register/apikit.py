"""The API's plumbing, defined once: the strict base schema, the UTC datetime field, the field of a
computed member (`Shown`), a bounded text field, page arguments, the one paging helper, the schema of a
list answer, and marshmallow's messages marked for the catalog. Areas import these; none defines its own."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC
from typing import Any

import marshmallow as ma
from flask_babel import gettext
from marshmallow import validate
from sqlalchemy import Select, func, select

from ai_register.extensions import db


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message


class _Values(dict):
    """A message's values; a placeholder without one stays as it is (a message not yet formatted)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Message(str):
    """A message of a schema, marked for the catalog. As a string it is marshmallow's English, so the API
    answers as it always has (JSON, comparisons, `english()`); `str(message)` and formatting give the
    catalog's text in the reader's language, as a page shows it. Marshmallow fills placeholders with
    `str.format`, which keeps the message and its values."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        message = super().__new__(cls, msgid.format_map(_Values(params)))
        message.msgid, message.params = msgid, params
        return message

    def format(self, *args: Any, **params: Any) -> Message:  # type: ignore[override]
        return Message(self.msgid, **{**self.params, **params})

    def english(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return gettext(self.msgid).format_map(_Values(self.params))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __reduce__(self):
        return _message, (self.msgid, self.params)

    def __copy__(self) -> Message:
        return self

    def __deepcopy__(self, memo: dict) -> Message:
        return self


def _message(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


def english(messages: Any) -> Any:
    """Messages (a marshmallow error dict, a list, one message) with every `Message` as its English: how
    the API answers them."""
    if isinstance(messages, Message):
        return messages.english()
    if isinstance(messages, Mapping):
        return {key: english(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [english(value) for value in messages]
    return messages


# Marshmallow's own messages (the field classes' defaults, by key), marked for the catalog. A message a
# schema sets itself is left as it is.
REQUIRED = Message(N_("Missing data for required field."))
FIELD_MESSAGES: dict[type[ma.fields.Field], dict[str, Message]] = {
    ma.fields.Field: {"required": REQUIRED, "null": Message(N_("Field may not be null.")),
                      "validator_failed": Message(N_("Invalid value."))},
    ma.fields.Nested: {"type": Message(N_("Invalid type."))},
    ma.fields.List: {"invalid": Message(N_("Not a valid list."))},
    ma.fields.String: {"invalid": Message(N_("Not a valid string."))},
    ma.fields.Number: {"invalid": Message(N_("Not a valid number.")), "too_large": Message(N_("Number too large."))},
    ma.fields.Integer: {"invalid": Message(N_("Not a valid integer."))},
    ma.fields.Decimal: {"special": Message(N_("Special numeric values (nan or infinity) are not permitted."))},
    ma.fields.Boolean: {"invalid": Message(N_("Not a valid boolean."))},
    ma.fields.DateTime: {"invalid": Message(N_("Not a valid datetime."))},
    ma.fields.Date: {"invalid": Message(N_("Not a valid date."))},
    ma.fields.Mapping: {"invalid": Message(N_("Not a valid mapping type."))},
    ma.fields.Url: {"invalid": Message(N_("Not a valid URL."))},
    ma.fields.Email: {"invalid": Message(N_("Not a valid email address."))},
}
LENGTH_MESSAGES = {
    "min": Message(N_("Shorter than minimum length {min}.")),
    "max": Message(N_("Longer than maximum length {max}.")),
    "required_max": Message(N_("Length must be between 1 and {max}.")),
    "all": Message(N_("Length must be between {min} and {max}.")),
    "equal": Message(N_("Length must be {equal}.")),
}
RANGE_MESSAGES = {message.msgid: message for message in (
    Message(N_("Must be greater than or equal to {min}.")),
    Message(N_("Must be greater than {min}.")),
    Message(N_("Must be less than or equal to {max}.")),
    Message(N_("Must be less than {max}.")),
    Message(N_("Must be greater than or equal to {min} and less than or equal to {max}.")),
    Message(N_("Must be greater than {min} and less than {max}.")),
    Message(N_("Must be greater than or equal to {min} and less than {max}.")),
    Message(N_("Must be greater than {min} and less than or equal to {max}.")),
)}
ONE_OF = Message(N_("Must be one of: {choices}."))


def _default_messages(field: ma.fields.Field) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


def _mark_messages(field: ma.fields.Field) -> None:
    """Put the catalog's messages into a field's `error_messages` and its validators, where they hold
    marshmallow's defaults."""
    defaults, marked = _default_messages(field), {}
    for cls in reversed(type(field).__mro__):
        marked.update(FIELD_MESSAGES.get(cls, {}))
    kind = _Values(obj_type=getattr(field, "OBJ_TYPE", ""))  # "Not a valid {obj_type}." of date and time fields
    for key, message in marked.items():
        default = defaults.get(key)
        if default is not None and field.error_messages.get(key) == default and default.format_map(kind) == message:
            field.error_messages[key] = message
    for validator in field.validators:
        if isinstance(validator, validate.Length) and validator.error is None:
            validator.message_min = LENGTH_MESSAGES["min"]
            validator.message_max = LENGTH_MESSAGES["max"]
            validator.message_equal = LENGTH_MESSAGES["equal"]
            validator.message_all = LENGTH_MESSAGES["required_max" if validator.min == 1 else "all"]
        elif isinstance(validator, validate.Range) and validator.error is None:
            for name in ("message_min", "message_max", "message_all"):
                text = getattr(validator, name)
                if isinstance(text, str) and text in RANGE_MESSAGES:
                    setattr(validator, name, RANGE_MESSAGES[text])
        elif isinstance(validator, validate.OneOf) and validator.error == validate.OneOf.default_message:
            validator.error = ONE_OF
        elif isinstance(validator, validate.Email | validate.URL) and validator.error == marked.get("invalid"):
            validator.error = marked["invalid"]  # the field's own check, made with its message
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if isinstance(inner, ma.fields.Field):
            _mark_messages(inner)


class Schema(ma.Schema):
    """The register's base schema: marshmallow's messages marked for the catalog (`Message`)."""

    error_messages = {"unknown": Message(N_("Unknown field.")), "type": Message(N_("Invalid input type."))}

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        _mark_messages(field_obj)


class StrictSchema(Schema):
    """A body or query schema that refuses fields it does not know (a typo must not pass unnoticed)."""

    class Meta:
        unknown = ma.RAISE


class UtcDateTime(ma.fields.DateTime):
    """Times are stored in UTC; SQLite hands them back without a zone, so it is added on the way out."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Shown(ma.fields.Field):
    """A member the answer shows beside the record's own columns (valid today, overdue, a message): the
    area's service computes it and sets it on the record before it is serialised, so the schema only
    reads. A record the service was not asked to show is an error, not a silently missing member.

    It is declared with the field it is shown as (`Shown(ma.fields.Boolean(), required=True)`): that
    field writes the value, and the OpenAPI document gives its type (openapi.py reads `shown_as`)."""

    def __init__(self, shown_as: ma.fields.Field, **kwargs):
        super().__init__(dump_only=True, **kwargs)
        self.shown_as = shown_as

    def _bind_to_schema(self, field_name, schema):
        super()._bind_to_schema(field_name, schema)
        self.shown_as = copy.deepcopy(self.shown_as)
        self.shown_as._bind_to_schema(field_name, self)

    def serialize(self, attr, obj, accessor=None, **kwargs):
        value = self.get_value(obj, attr, accessor=accessor)
        if value is ma.missing:
            raise AttributeError(f"{type(obj).__name__}.{self.attribute or attr} is computed by its "
                                 f"service's shown(); call it before serialising")
        return self._serialize(value, attr, obj, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else self.shown_as._serialize(value, attr, obj, **kwargs)


def show_each(page: dict[str, Any], show: Callable[[Any], Any]) -> dict[str, Any]:
    """A page of records (`page_of`), each as the API shows it: `show` is the area service's `shown`
    (with what it reads once for the page, the day or the moment, bound)."""
    for item in page["items"]:
        show(item)
    return page


class PageArgsSchema(Schema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_window(page: int, per_page: int) -> tuple[int, int]:
    """(offset, limit) of a 1-based page."""
    return (page - 1) * per_page, per_page


def page_of(source: Select | Sequence, args: Mapping[str, Any]) -> dict[str, Any]:
    """One page of `source` with its total, as every list answer carries it (`items`, `total`, `page`,
    `per_page`). A SELECT is counted and sliced in the database; a sequence already in memory is sliced."""
    page, per_page = args["page"], args["per_page"]
    offset, limit = page_window(page, per_page)
    if isinstance(source, Select):
        total = db.session.scalar(select(func.count()).select_from(source.order_by(None).subquery()))
        items = db.session.scalars(source.offset(offset).limit(limit)).all()
    else:
        total, items = len(source), list(source[offset:offset + limit])
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def page_schema(items: type[ma.Schema], name: str, *, paged: bool = True, description: str | None = None
                ) -> type[ma.Schema]:
    """The schema of a list answer: `items` of `items` (described by `description`), `total` and, for a paged
    list (`page_of`), `page` and `per_page`. `name` is the class name, which the spec shows
    (`SolutionPageSchema` → `SolutionPage`)."""
    fields: dict[str, ma.fields.Field] = {
        "items": ma.fields.List(ma.fields.Nested(items), required=True,
                                **({"metadata": {"description": description}} if description else {})),
        "total": ma.fields.Integer(required=True),
    }
    if paged:
        fields["page"] = ma.fields.Integer(required=True)
        fields["per_page"] = ma.fields.Integer(required=True)
    return ma.Schema.from_dict(fields, name=name)


def text_field(max_length: int, description: str | None = None, *, required: bool = False,
               **kwargs: Any) -> ma.fields.String:
    """A text member of at most `max_length` characters: optional (null allowed), or `required` and not empty."""
    if description:
        kwargs["metadata"] = {**kwargs.get("metadata", {}), "description": description}
    if required:
        return ma.fields.String(required=True, validate=validate.Length(min=1, max=max_length), **kwargs)
    return ma.fields.String(allow_none=True, validate=validate.Length(max=max_length), **kwargs)
