"""The evidence pages: record evidence (with its file) for a solution, and download a stored file."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ai_register.evidence import services as evidence_services
from ai_register.evidence.forms import EvidenceForm
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution
from ai_register.solutions.labels import evidence_choices, evidence_label
from ai_register.web.forms import options, submit_form

bp = Blueprint("evidence_web", __name__, template_folder="templates")

WRITERS = (OWNER, COMPLIANCE)
READERS = (OWNER, COMPLIANCE, AUDITOR)



def _back(solution, message: str):
    flash(message, "success")
    return redirect(url_for("solutions_web.show", solution_id=solution.id))


@bp.route("/solutions/<int:solution_id>/evidence/new", methods=["GET", "POST"])
@access(*WRITERS)
def evidence_new(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    form = EvidenceForm()
    types = evidence_choices()
    form.type.choices = options(types)
    existing = evidence_services.evidence_for(solution.id)
    form.supersedes.choices = options([("", _("Nothing"))] + [
        (e.id, f"{evidence_label(e.type)}: {e.title} ({e.issued_on.isoformat()})") for e in existing
    ])
    if request.method == "GET" and request.args.get("type") in dict(types):
        form.type.data = request.args["type"]
    if request.method == "POST":
        upload = request.files.get(form.file.name)
        upload = upload if upload is not None and upload.filename else None
        if submit_form(form, lambda data: evidence_services.create_evidence(solution, data, upload, by=actor())):
            return _back(solution, _("The evidence “%(title)s” is recorded.", title=form.title.data))
    return render_template("evidence/new.html", solution=solution, form=form), (
        422 if request.method == "POST" else 200
    )


@bp.get("/evidence/<int:evidence_id>/file")
@access(*READERS)
def evidence_file(evidence_id: int):
    record = evidence_services.get_evidence(evidence_id, actor())
    response = send_file(
        evidence_services.file_path(record),
        mimetype=record.file_content_type,
        as_attachment=True,
        download_name=record.file_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"  # register content never goes to shared caches
    return response
