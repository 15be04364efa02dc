"""/api/v1 for onboarding: spreadsheet import of solutions, its template, and the register's own
personal data for the data-protection officer. Views parse and render; the services decide."""

from __future__ import annotations

from flask import Response, request, stream_with_context
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound

from ai_register.classification.rulesets import active_ruleset
from ai_register.errors import Problem
from ai_register.extensions import db
from ai_register.onboarding import importer, privacy, spreadsheet
from ai_register.onboarding.schemas import (
    ImportArgsSchema,
    ImportReportSchema,
    ImportUploadSchema,
    InventorySchema,
    PersonalDataExportSchema,
    TemplateArgsSchema,
)
from ai_register.oversight.models import Person
from ai_register.security import ADMIN, COMPLIANCE, OWNER, access, actor
from ai_register.users.models import User

blp = Blueprint("onboarding_api", __name__, url_prefix="/api/v1",
                description="Onboarding: spreadsheet import, and the register's own personal data")

# Personal data of the register (accounts, exports of one person) is the data-protection officer's,
# held by the admin role: compliance reviews solutions, not staff records (least privilege, GDPR Art 25, 32).
DPO = (ADMIN,)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def uploaded_file() -> tuple[str, bytes]:
    upload = request.files.get("file")
    if request.mimetype != "multipart/form-data" or upload is None or not upload.filename:
        raise Problem(422, "Send the sheet as multipart/form-data in the field `file`.",
                      errors={"file": ["Missing data for required field."]})
    unexpected = sorted(set(request.files) - {"file"})
    if unexpected:
        raise Problem(422, "Unexpected file fields.", errors={name: ["Unknown field."] for name in unexpected})
    return upload.filename, upload.read()


def template_file(args: dict) -> tuple[bytes, str, str]:
    lang = args["lang"]
    if args["format"] == "csv":
        return spreadsheet.template_csv(lang), "text/csv; charset=utf-8", f"ai-register-import-{lang}.csv"
    questions = tuple(question.id for question in active_ruleset().questions)
    return spreadsheet.template_xlsx(lang, questions), XLSX, f"ai-register-import-{lang}.xlsx"


def template_response(args: dict) -> Response:
    content, mimetype, name = template_file(args)
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/imports/solutions", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(ImportArgsSchema, location="query")
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": ImportUploadSchema}}})
@blp.response(201, ImportReportSchema, description="Imported (rows already registered are skipped)")
@blp.alt_response(200, schema=ImportReportSchema, description="Dry run: what would be created, nothing written")
def import_solutions(args):
    """Import solutions from an .xlsx or .csv following the template. All or nothing: any bad cell
    refuses the whole file (422, every cell named). Re-importing the same file creates nothing."""
    filename, content = uploaded_file()
    report = importer.import_file(filename, content, by=actor(), dry_run=args["dry_run"])
    if not report.ok and not args["dry_run"]:
        raise importer.refused(report)
    return report.as_dict(), 200 if args["dry_run"] else 201


@blp.route("/imports/solutions/template", methods=["GET"])
@access(OWNER, COMPLIANCE)
@blp.arguments(TemplateArgsSchema, location="query")
@blp.response(200, description="The import template")
@blp.doc(responses={"200": {"description": "The import template", "content": {
    XLSX: {"schema": {"type": "string", "format": "binary"}}, "text/csv": {"schema": {"type": "string"}}}}})
def import_template(args):
    """The import template (`?format=xlsx|csv`, `?lang=sv|en`); the .xlsx documents every column."""
    return template_response(args)


@blp.route("/privacy/inventory", methods=["GET"])
@access(*DPO)
@blp.response(200, InventorySchema)
def personal_data_inventory():
    """Which personal data the register holds: categories with purpose, legal basis and retention, and
    every column that refers to a person."""
    return privacy.inventory()


@blp.route("/privacy/users/<int:user_id>/export", methods=["GET"])
@access(*DPO)
@blp.response(200, PersonalDataExportSchema)
def export_user(user_id: int):
    """Everything about one account holder (GDPR Art 15). The export itself is audited.

    Streamed as it is read, one row per line: a long-serving colleague is named by tens of thousands of
    rows and audit events."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return Response(stream_with_context(privacy.export_user(user)), mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


@blp.route("/privacy/persons/<int:person_id>/export", methods=["GET"])
@access(*DPO)
@blp.response(200, PersonalDataExportSchema)
def export_person(person_id: int):
    """Everything about one person without an account (an oversight owner or deputy)."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person.")
    return Response(stream_with_context(privacy.export_person(person)), mimetype="application/json",
                    headers={"Cache-Control": "no-store"})
