"""Web pages of the FRIA: its versions, the form, submitting, compliance's review and the notification."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ai_register.evidence import services as evidence_services
from ai_register.exceptions import InvalidInput, Stale, VersionRequired
from ai_register.fria import rules, services
from ai_register.fria.forms import RISK_ROWS, FriaForm
from ai_register.fria.labels import template_labels
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import can_write, get_solution
from ai_register.web.forms import options, submit_or_show

bp = Blueprint("fria_web", __name__, template_folder="templates")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)


def _form(solution, record=None, **kwargs) -> FriaForm:
    form = FriaForm(**kwargs)
    evidence = evidence_services.evidence_for(solution.id)

    def choose(kind):
        return options([("", _("None"))] + [(e.id, e.title) for e in evidence if kind is None or e.type == kind])

    form.instructions_evidence_id.choices = choose("instructions_for_use")
    form.dpia_evidence_id.choices = choose("dpia")
    form.attachment_evidence_id.choices = choose(None)
    return form


@bp.get("/solutions/<int:solution_id>/fria")
@access(*READERS)
def index(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user)
    versions = services.versions_of(solution.id)
    return render_template("fria/index.html", solution=solution, versions=versions,
                           approved=services.approved_fria(solution.id),
                           can_edit=can_write(solution, user) and solution.phase != "retired",
                           open_version=next((v for v in versions if v.status in rules.OPEN_STATUSES), None),
                           **template_labels())


def _edit_page(solution, form, record=None):
    return render_template("fria/edit.html", solution=solution, form=form, record=record, **template_labels())


@bp.route("/solutions/<int:solution_id>/fria/new", methods=["GET", "POST"])
@access(*WRITERS)
def new(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user, write=True)
    if request.method == "GET":
        latest = (services.versions_of(solution.id) or [None])[0]
        form = _form(solution, formdata=None, obj=latest)
        _fill_risks(form, latest)
        return _edit_page(solution, form)
    form = _form(solution)
    return submit_or_show(form, lambda data: services.create_version(solution, data, by=user),
                          saved=lambda record: _("FRIA version %(n)d is saved as a draft.", n=record.version),
                          to=lambda record: url_for("fria_web.show", fria_id=record.id),
                          page=lambda: _edit_page(solution, form))


def _fill_risks(form, record) -> None:
    for row, risk in zip(form.risks, (record.risks if record else []) or [], strict=False):
        for name in ("group", "right", "description", "likelihood", "severity", "mitigation"):
            getattr(row.form, name).data = risk.get(name)


@bp.route("/fria/<int:fria_id>/edit", methods=["GET", "POST"])
@access(*WRITERS)
def edit(fria_id: int):
    user = actor()
    record = services.get_fria(fria_id, user, write=True)
    solution = get_solution(record.solution_id, user, write=True)
    if request.method == "GET":
        form = _form(solution, formdata=None, obj=record)
        _fill_risks(form, record)
        return _edit_page(solution, form, record)
    form = _form(solution)
    try:
        services.require_if_match(record, f'"{request.form.get("lock_version", "")}"')
    except (Stale, VersionRequired):
        form.form_errors.append(_("Someone else changed the FRIA meanwhile; check it and save again."))
        return _edit_page(solution, form, record), 412
    return submit_or_show(form, lambda data: services.update_version(record, data, by=user),
                          saved=_("The FRIA is saved."), to=url_for("fria_web.show", fria_id=record.id),
                          page=lambda: _edit_page(solution, form, record))


@bp.get("/fria/<int:fria_id>")
@access(*READERS)
def show(fria_id: int):
    user = actor()
    record = services.get_fria(fria_id, user)
    solution = get_solution(record.solution_id, user)
    missing = rules.missing_points({name: getattr(record, name) for name in
                                    (*rules.TEXT_FIELDS, "risks", "dpia_evidence_id")})
    lang = "sv" if str(get_locale()) == "sv" else "en"
    evidence = {e.id: e for e in evidence_services.evidence_for(solution.id, include_superseded=True)}
    return render_template("fria/show.html", solution=solution, record=record, missing=missing,
                           outdated=services.outdated_reasons(record),
                           notification=services.notification_export(record, lang), evidence=evidence,
                           can_edit=can_write(solution, user) and solution.phase != "retired",
                           risk_rows=RISK_ROWS, **template_labels())


@bp.post("/fria/<int:fria_id>/submit")
@access(*WRITERS)
def submit(fria_id: int):
    user = actor()
    record = services.get_fria(fria_id, user, write=True)
    try:
        services.submit(record, by=user)
    except InvalidInput:
        flash(_("The FRIA is not complete: every point of Art 27(1) is needed. See what is missing below."), "error")
        return redirect(url_for("fria_web.show", fria_id=record.id))
    flash(_("The FRIA is sent to compliance for review."), "success")
    return redirect(url_for("fria_web.show", fria_id=record.id))


@bp.post("/fria/<int:fria_id>/review")
@access(COMPLIANCE)
def review(fria_id: int):
    user = actor()
    record = services.get_fria(fria_id, user, write=True)
    outcome = rules.APPROVED if request.form.get("outcome") == "approve" else rules.RETURNED
    note = (request.form.get("note") or "").strip() or None
    try:
        services.review(record, outcome, note, by=user)
    except InvalidInput:
        flash(_("Say what needs to change before returning the FRIA."), "error")
        return redirect(url_for("fria_web.show", fria_id=record.id))
    flash(_("The FRIA is approved.") if outcome == rules.APPROVED else _("The FRIA is returned to the owner."),
          "success")
    return redirect(url_for("fria_web.show", fria_id=record.id))
