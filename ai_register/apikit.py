"""The API's plumbing, defined once: the strict base schema, the UTC datetime field, the field of a
computed member (`Shown`), page arguments and the one paging helper. Areas import these; none defines its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Any

import marshmallow as ma
from marshmallow import validate
from sqlalchemy import Select, func, select

from ai_register.extensions import db


class StrictSchema(ma.Schema):
    """A body or query schema that refuses fields it does not know (a typo must not pass unnoticed)."""

    class Meta:
        unknown = ma.RAISE


class UtcDateTime(ma.fields.DateTime):
    """Times are stored in UTC; SQLite hands them back without a zone, so it is added on the way out."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Shown(ma.fields.Raw):
    """A member the answer shows beside the record's own columns (valid today, overdue, a message): the
    area's service computes it and sets it on the record before it is serialised, so the schema only
    reads. A record the service was not asked to show is an error, not a silently missing member."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, **kwargs)

    def serialize(self, attr, obj, accessor=None, **kwargs):
        value = self.get_value(obj, attr, accessor=accessor)
        if value is ma.missing:
            raise AttributeError(f"{type(obj).__name__}.{self.attribute or attr} is computed by its "
                                 f"service's shown(); call it before serialising")
        return self._serialize(value, attr, obj, **kwargs)


class PageArgsSchema(ma.Schema):
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
