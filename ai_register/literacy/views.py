"""Web pages of AI-literacy measures: per solution, and the region's overview."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ai_register.evidence import services as evidence_services
from ai_register.literacy import services
from ai_register.literacy.forms import LiteracyForm
from ai_register.literacy.labels import KIND_LABELS
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import can_write, get_solution
from ai_register.web.forms import options, submit_form

bp = Blueprint("literacy_web", __name__, template_folder="templates")
READERS = (OWNER, COMPLIANCE, AUDITOR)


def _form(solution=None, **kwargs) -> LiteracyForm:
    form = LiteracyForm(**kwargs)
    evidence = evidence_services.evidence_for(solution.id) if solution is not None else []
    form.material_evidence_id.choices = options([("", _("None"))] + [(e.id, e.title) for e in evidence])
    return form


def _page(solution, form, status=200):
    measures = services.measures_for(solution.id if solution is not None else None)
    user = actor()
    can_add = (can_write(solution, user) and solution.phase != "retired") if solution is not None \
        else user.role == COMPLIANCE
    return render_template("literacy/index.html", solution=solution, measures=measures, form=form, can_add=can_add,
                           kind_label=lambda k: KIND_LABELS.get(k, k),
                           total_reached=sum(m.reached or 0 for m in measures)), status


def _save(solution, form):
    return submit_form(form, lambda data: services.record_measure(solution, data, by=actor()))


@bp.route("/solutions/<int:solution_id>/literacy", methods=["GET", "POST"])
@access(*READERS)
def solution_measures(solution_id: int):
    solution = get_solution(solution_id, actor(), write=request.method == "POST")
    if request.method == "GET":
        return _page(solution, _form(solution, formdata=None))
    form = _form(solution)
    if _save(solution, form):
        flash(_("The AI-literacy measure is saved."), "success")
        return redirect(url_for("literacy_web.solution_measures", solution_id=solution.id))
    return _page(solution, form, 422)


@bp.route("/literacy", methods=["GET", "POST"])
@access(*READERS)
def region_measures():
    if request.method == "GET":
        return _page(None, _form(formdata=None))
    form = _form()
    if _save(None, form):
        flash(_("The AI-literacy measure is saved."), "success")
        return redirect(url_for("literacy_web.region_measures"))
    return _page(None, form, 422)
