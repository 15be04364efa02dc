"""`GET /api/v1/public/solutions`: the transparency register as open data (JSON and CSV), no sign-in;
`GET /api/v1/public/solutions/<id>`: one solution's public page as data."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, request, stream_with_context, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import validate

from ai_register.apikit import PageArgsSchema, UtcDateTime, page_schema
from ai_register.classification.labels import CATEGORIES
from ai_register.exceptions import NotFound
from ai_register.public import queries, services
from ai_register.public.schemas import PublicDescriptionSchema, PublicDescriptionWriteSchema
from ai_register.reports.export import iter_csv
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, PUBLIC, access, actor
from ai_register.solutions.access import get_solution
from ai_register.solutions.lifecycle.phases import Phase

blp = Blueprint("public_api", __name__, url_prefix="/api/v1/public",
                description="The public transparency register (no sign-in)")

CSV = "text/csv"


class PublicArgsSchema(PageArgsSchema):
    format = ma.fields.String(validate=validate.OneOf(("json", "csv")), metadata={
        "description": "json (default) or csv (every matching entry, no paging); `Accept: text/csv` does "
                       "the same"})
    q = ma.fields.String(validate=validate.Length(max=200), metadata={
        "description": "Search in the name and purpose (case-insensitive, part of a word is enough)"})
    phase = ma.fields.String(validate=validate.OneOf([p.value for p in Phase]), metadata={
        "description": "Only solutions in this lifecycle phase"})
    ai_act_category = ma.fields.String(
        validate=validate.OneOf([*(code for code in CATEGORIES if code), queries.NOT_CLASSIFIED_CODE]),
        metadata={"description": "Only solutions in this AI Act category (`not_classified`: not yet assessed)"})
    care_unit = ma.fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "Only solutions used in this care unit (its exact name)"})


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


class OwnWordsSchema(ma.Schema):
    """A text the region wrote, in Swedish and English; either may be missing (null)."""

    sv = ma.fields.String(allow_none=True, required=True)
    en = ma.fields.String(allow_none=True, required=True)


class MeasureSchema(ma.Schema):
    code = ma.fields.String(required=True)
    text = ma.fields.Nested(LabelSchema, required=True)


class PublicDetailSchema(PublicSolutionSchema):
    """One solution's public page: the list's fields and what the page explains in words."""

    what_it_does = ma.fields.Nested(OwnWordsSchema, required=True, metadata={
        "description": "What it does and how it is used, in the region's own words"})
    why = ma.fields.Nested(OwnWordsSchema, required=True, metadata={"description": "Why the region needs it"})
    data_used = ma.fields.Nested(OwnWordsSchema, required=True, metadata={
        "description": "Which information it uses, in the region's own words"})
    user_groups = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Who uses it (groups of staff or residents, never persons)"})
    kind = ma.fields.String(required=True)
    kind_meaning = ma.fields.Nested(LabelSchema, allow_none=True, required=True)
    sourcing = ma.fields.String(required=True)
    sourcing_meaning = ma.fields.Nested(LabelSchema, allow_none=True, required=True)
    ai_act_category_meaning = ma.fields.Nested(LabelSchema, allow_none=True, required=True)
    device_class = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "MDR (I, Im, IIa, IIb, III) or IVDR (A, A_sterile, B, C, D) class; null when not a device "
                       "or not assessed"})
    device_class_label = ma.fields.Nested(LabelSchema, required=True)
    device_class_meaning = ma.fields.Nested(LabelSchema, required=True)
    phase_meaning = ma.fields.Nested(LabelSchema, allow_none=True, required=True)
    paused_meaning = ma.fields.Nested(LabelSchema, allow_none=True, required=True)
    phase_since = ma.fields.Date(required=True, metadata={"description": "When it entered its current phase"})
    in_use_since = ma.fields.Date(allow_none=True, required=True, metadata={
        "description": "The recorded in-service date, else the day it first went into pilot; null while never used"})
    personal_data = ma.fields.Boolean(allow_none=True, required=True)
    health_data = ma.fields.Boolean(allow_none=True, required=True)
    data_meaning = ma.fields.Nested(LabelSchema, required=True)
    legal_basis = ma.fields.Nested(OwnWordsSchema, required=True)
    oversight_measures = ma.fields.List(ma.fields.Nested(MeasureSchema), required=True, metadata={
        "description": "How people stay in control (AI Act Art 14)"})
    oversight_meaning = ma.fields.Nested(LabelSchema, allow_none=True, required=True)
    organisation = ma.fields.String(allow_none=True, required=True)
    contact = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The region's contact for questions (a function, not a person)"})
    updated_at = UtcDateTime(required=True, metadata={"description": "When the public information last changed"})


PublicPageSchema = page_schema(PublicSolutionSchema, "PublicPageSchema")


@blp.get("/solutions")
@access(PUBLIC)
@blp.arguments(PublicArgsSchema, location="query", unknown=ma.RAISE)  # a mistyped filter must not widen
@blp.response(200, PublicPageSchema)
@blp.doc(security=[], responses={200: {"description": "JSON (paged) or CSV (all entries)",
                                         "content": {CSV: {"schema": {"type": "string"}}}}})
def public_solutions(args):
    """The solutions the region publishes: name, purpose, care units, phase, AI Act category and
    oversight role; searched and filtered as the public list page does."""
    best = request.accept_mimetypes.best_match(["application/json", CSV], default="application/json")
    wanted = args.get("format") or ("csv" if best == CSV else "json")
    filters = {name: args[name] for name in queries.FILTERS if args.get(name)}
    if wanted == "csv":
        rows = (queries.csv_row(entry) for entry in queries.public_solutions(filters))
        response = Response(stream_with_context(iter_csv(queries.csv_columns(), rows)),
                            content_type=f"{CSV}; charset=utf-8")
        response.headers["Content-Disposition"] = 'attachment; filename="ai-register-public.csv"'
        response.headers["Cache-Control"] = "public, max-age=300"
        return response
    return queries.search(filters, page=args["page"], per_page=args["per_page"])


@blp.get("/solutions/<string:public_id>")
@access(PUBLIC)
@blp.response(200, PublicDetailSchema)
@blp.doc(security=[])
@blp.alt_response(404, "NOT_FOUND", description="No public solution has this id")
def public_solution(public_id):
    """One public solution's page as data: what it does and why, who answers for it, its AI Act category
    and medical-device class in words, how people stay in control, its data, legal basis, where and since
    when it is used, its phase and when it last changed."""
    solution = queries.find_public(public_id)
    if solution is None:
        raise NotFound("No public solution has this id.")
    return queries.public_detail(solution)


# --------------------------------------------------------------------------- the owners' side

descriptions_blp = Blueprint("public_description_api", __name__, url_prefix="/api/v1",
                             description="A solution's public description: the region's plain words")


def _description_answer(solution):
    description = services.description_for(solution.id)
    answer = {name: getattr(description, name) if description is not None else None for name in services.FIELDS}
    answer["updated_at"] = description.updated_at if description is not None else None
    answer["public_page"] = (url_for("public.solution", public_id=queries.opaque_id(solution.id))
                             if solution.public else None)
    return answer


@descriptions_blp.route("/solutions/<int:solution_id>/public-description")
class PublicDescription(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @descriptions_blp.response(200, PublicDescriptionSchema)
    def get(self, solution_id: int):
        """What the solution's public page says in the region's own words (all null while none is written)."""
        return _description_answer(get_solution(solution_id, actor()))

    @access(OWNER, COMPLIANCE)
    @descriptions_blp.arguments(PublicDescriptionWriteSchema)
    @descriptions_blp.response(200, PublicDescriptionSchema)
    def put(self, body, solution_id: int):
        """Write the whole description (audited: the fields that changed). Published at once when the
        solution is public. A personal identity number in any text is refused."""
        solution = get_solution(solution_id, actor(), write=True)
        services.save_description(solution, body, by=actor())
        return _description_answer(solution)
