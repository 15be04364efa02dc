"""`GET /api/v1/public/solutions`: the transparency register as open data (JSON and CSV), no sign-in."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, request, stream_with_context
from flask_smorest import Blueprint
from marshmallow import validate

from ai_register.public import queries
from ai_register.reports.export import iter_csv
from ai_register.security import PUBLIC, access

blp = Blueprint("public_api", __name__, url_prefix="/api/v1/public",
                description="The public transparency register (no sign-in)")

CSV = "text/csv"


class PublicArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    format = ma.fields.String(validate=validate.OneOf(("json", "csv")), metadata={
        "description": "json (default) or csv (every entry, no paging); `Accept: text/csv` does the same"})


class LabelSchema(ma.Schema):
    sv = ma.fields.String(required=True)
    en = ma.fields.String(required=True)


class PublicSolutionSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "Opaque, stable identifier"})
    name = ma.fields.String(required=True)
    purpose = ma.fields.String(required=True)
    care_units = ma.fields.List(ma.fields.String(), required=True)
    phase = ma.fields.String(required=True)
    phase_label = ma.fields.Nested(LabelSchema, allow_none=True, required=True)
    status = ma.fields.String(required=True)
    status_label = ma.fields.Nested(LabelSchema, allow_none=True, required=True)
    ai_act_category = ma.fields.String(allow_none=True, required=True)
    ai_act_category_label = ma.fields.Nested(LabelSchema, required=True)
    oversight_role = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The role (title) of the person accountable for human oversight"})
    oversight_name = ma.fields.String(allow_none=True, metadata={
        "description": "Only when the region publishes names (PUBLIC_SHOW_OVERSIGHT_NAMES)"})


class PublicPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PublicSolutionSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)


@blp.get("/solutions")
@access(PUBLIC)
@blp.arguments(PublicArgsSchema, location="query")
@blp.response(200, PublicPageSchema)
@blp.doc(security=[], responses={200: {"description": "JSON (paged) or CSV (all entries)",
                                         "content": {CSV: {"schema": {"type": "string"}}}}})
def public_solutions(args):
    """The solutions the region publishes: name, purpose, care units, phase, AI Act category and
    oversight role."""
    best = request.accept_mimetypes.best_match(["application/json", CSV], default="application/json")
    wanted = args.get("format") or ("csv" if best == CSV else "json")
    if wanted == "csv":
        rows = (queries.csv_row(entry) for entry in queries.public_solutions())
        response = Response(stream_with_context(iter_csv(queries.csv_columns(), rows)),
                            content_type=f"{CSV}; charset=utf-8")
        response.headers["Content-Disposition"] = 'attachment; filename="ai-register-public.csv"'
        response.headers["Cache-Control"] = "public, max-age=300"
        return response
    items = list(queries.public_solutions(page=args["page"], per_page=args["per_page"]))
    return {"items": items, "total": queries.count_public(), "page": args["page"],
            "per_page": args["per_page"]}
