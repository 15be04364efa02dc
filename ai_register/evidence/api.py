"""Evidence records of a solution and their files."""

from __future__ import annotations

import marshmallow as ma
from flask import request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.datastructures import FileStorage

from ai_register.apikit import page_of
from ai_register.errors import Problem
from ai_register.evidence import services
from ai_register.evidence.schemas import (
    EvidenceCreateSchema,
    EvidenceListArgsSchema,
    EvidenceListSchema,
    EvidenceSchema,
    EvidenceUploadSchema,
)
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution

blp = Blueprint("evidence_api", __name__, url_prefix="/api/v1",
                description="Evidence: DPIA, FRIA, CE certificate, declarations, registrations, "
                            "pilot evaluation")

CREATE_BODY = {
    "required": True,
    "description": "JSON, or multipart/form-data with the same fields and a `file`.",
    "content": {
        "application/json": {"schema": EvidenceCreateSchema},
        "multipart/form-data": {"schema": EvidenceUploadSchema},
    },
}


def _creation_body() -> tuple[dict, FileStorage | None]:
    """The fields (validated) and the uploaded file, from a JSON or a multipart/form-data body."""
    upload = None
    if request.mimetype == "multipart/form-data":
        # An empty form input arrives as "": it means not given.
        data = {name: value for name, value in request.form.items() if value != ""}
        unexpected = sorted(set(request.files) - {"file"})
        if unexpected:
            raise Problem(422, "Unexpected file fields.",
                          errors={name: ["Unknown field."] for name in unexpected})
        upload = request.files.get("file")
        if upload is not None and not upload.filename:
            upload = None
    elif request.is_json:
        data = request.get_json()
        if not isinstance(data, dict):
            raise Problem(422, "The body must be a JSON object.", errors={"_schema": ["Expected an object."]})
    else:
        raise Problem(415, "Send application/json, or multipart/form-data with a file.")
    try:
        return EvidenceCreateSchema().load(data), upload
    except ma.ValidationError as error:
        raise Problem(422, "Invalid input.", errors=error.messages) from error


@blp.route("/solutions/<int:solution_id>/evidence")
class EvidenceList(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.arguments(EvidenceListArgsSchema, location="query")
    @blp.response(200, EvidenceListSchema)
    def get(self, args, solution_id: int):
        """The solution's evidence records (`?current=true`: only those not superseded)."""
        solution = get_solution(solution_id, actor())
        query = services.evidence_query(solution.id, type=args.get("type"), current=args["current"])
        return services.shown_page(page_of(query, args))

    @access(OWNER, COMPLIANCE)
    @blp.doc(requestBody=CREATE_BODY)
    @blp.response(201, EvidenceSchema)
    def post(self, solution_id: int):
        """Record evidence, as JSON or with a file (multipart/form-data).

        `supersedes` names an older record this one replaces; evidence is never deleted."""
        solution = get_solution(solution_id, actor(), write=True)
        body, upload = _creation_body()
        return services.shown(services.create_evidence(solution, body, upload, by=actor()))


@blp.route("/evidence/<int:evidence_id>", methods=["GET"])
@access(OWNER, COMPLIANCE, AUDITOR)
@blp.response(200, EvidenceSchema)
def get_evidence(evidence_id: int):
    """One evidence record's metadata."""
    return services.shown(services.get_evidence(evidence_id, actor()))


@blp.route("/evidence/<int:evidence_id>/file", methods=["GET"])
@access(OWNER, COMPLIANCE, AUDITOR)
@blp.response(200, description="The stored file, as an attachment")
@blp.doc(responses={"200": {"description": "The stored file, as an attachment", "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
def download_evidence_file(evidence_id: int):
    """Download the evidence file, byte for byte as uploaded."""
    evidence = services.get_evidence(evidence_id, actor())
    response = send_file(services.file_path(evidence), mimetype=evidence.file_content_type,
                         as_attachment=True, download_name=evidence.file_name, max_age=0,
                         conditional=False, etag=False)
    # Register content is confidential: no shared caches, ever.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-SHA256"] = evidence.file_sha256
    return response
