"""Web pages of deviation reports: "Rapportera avvikelse" for every signed-in person (staff included),
one's own reports with their status, the solution search, and compliance's triage queue."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ai_register.exceptions import Conflict, InvalidInput
from ai_register.extensions import db
from ai_register.incidents import deviations
from ai_register.incidents.forms import UNKNOWN_SOLUTION, DeviationForm, TriageForm
from ai_register.incidents.labels import STATUS_LABELS
from ai_register.incidents.models import (
    DEVIATION_IN_TRIAGE,
    DEVIATION_NOT_IN_REGISTER,
    DEVIATION_REGISTERED,
)
from ai_register.monitoring.services import waiting_for
from ai_register.security import COMPLIANCE, SIGNED_IN, STAFF, access, actor
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.web.forms import options

bp = Blueprint("deviations_web", __name__, template_folder="templates")

REPORTERS = (*SIGNED_IN, STAFF)


def _solution_choices(found: list[deviations.Row], chosen: str | None) -> list[tuple[str, str]]:
    """The search's solutions (with the one already chosen kept) and "don't know", as radio options."""
    options = {str(s.id): s for s in found}
    if chosen and chosen.isdigit() and chosen not in options:
        kept = db.session.get(Solution, int(chosen))
        if kept is not None and kept.phase in deviations.IN_USE:
            options = {chosen: kept, **options}
    choices = [(key, _solution_text(s)) for key, s in options.items()]
    return [*choices, (UNKNOWN_SOLUTION, _("Don't know"))]


def _solution_text(solution: Solution | deviations.Row) -> str:
    units = ", ".join(str(u) for u in (solution.care_units or [])[:3])
    return f"{solution.name} ({units})" if units else solution.name


def deviation_status(deviation) -> str:
    """Where the reporter's report stands, in words."""
    if deviation.status == DEVIATION_REGISTERED and deviation.incident is not None:
        return _("Registered as incident %(id)s: %(status)s", id=deviation.incident_id,
                 status=STATUS_LABELS.get(deviation.incident.status, deviation.incident.status))
    if deviation.status == DEVIATION_NOT_IN_REGISTER:
        return _("Triaged: concerns no AI solution in the register")
    return _("Waiting for compliance to find the solution")


@bp.route("/deviations/new", methods=["GET", "POST"])
@access(*REPORTERS)
def report():
    form = DeviationForm()
    searching = request.method == "POST" and "search" in request.form
    if request.method == "GET" and request.args.get("solution_id", "").isdigit():
        form.solution.data = request.args["solution_id"]
    query = (form.solution_q.data or "") if searching or request.method == "POST" else ""
    form.solution.choices = options(_solution_choices(deviations.search_solutions(query), form.solution.data))
    status = 200
    if request.method == "POST" and not searching:
        status = 422
        if form.validate_on_submit():
            try:
                deviation = deviations.report_deviation(actor(), form.payload())
            except (InvalidInput, Conflict) as problem:
                for name, messages in getattr(problem, "errors", {}).items():
                    target = getattr(form, {"solution_id": "solution"}.get(name, name), None)
                    if target is not None:
                        target.errors = [*target.errors, *[_(m) for m in messages]]
            else:
                if deviation.status == DEVIATION_IN_TRIAGE:
                    flash(_("Thank you. Your report is received; compliance will find which solution it "
                            "concerns."), "success")
                else:
                    flash(_("Thank you. Your report is received and the AI owner and compliance are told."),
                          "success")
                return redirect(url_for("deviations_web.own"))
    return render_template("incidents/deviation_new.html", form=form, searching=searching,
                           UNKNOWN_SOLUTION=UNKNOWN_SOLUTION), status


@bp.get("/deviations")
@access(*REPORTERS)
def own():
    user = actor()
    items = deviations.own_deviations(user)
    # A member of staff named oversight owner finds a breach to assess here (their start page).
    return render_template("incidents/deviations_own.html", items=items, deviation_status=deviation_status,
                           names=_names(items), harm_text=_harm_text, monitoring_assessments=waiting_for(user),
                           today=region_today())


@bp.get("/deviations/solutions")
@access(*REPORTERS)
def search():
    """Search-as-you-type for the report form: names and care units of solutions in use, nothing else."""
    found = deviations.search_solutions(request.args.get("q", ""))
    return jsonify([{"id": s.id, "name": s.name, "care_units": list(s.care_units or [])} for s in found])


@bp.get("/deviations/triage")
@access(COMPLIANCE)
def triage_queue():
    query = request.args.get("q", "")
    queue = deviations.triage_queue(_page_number(request.args))
    return render_template("incidents/deviations_triage.html", items=queue["items"], queue=queue,
                           pages=max(1, -(-queue["total"] // queue["per_page"])),
                           page_url=lambda n: url_for("deviations_web.triage_queue", **({"q": query} if query else {}),
                                                      page=n),
                           found=deviations.search_solutions(query), q=query, form=TriageForm(),
                           solution_text=_solution_text, harm_text=_harm_text)


@bp.post("/deviations/<int:deviation_id>/triage")
@access(COMPLIANCE)
def triage(deviation_id: int):
    deviation = deviations.get_deviation(deviation_id)
    form = TriageForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please send it again."), "error")
        return _back_to_queue()
    raw = (form.solution_id.data or "").strip()
    try:
        deviations.triage(deviation, actor(), solution_id=int(raw) if raw.isdigit() else None,
                          note=form.triage_note.data)
    except (InvalidInput, Conflict) as problem:
        db.session.rollback()
        messages = [m for v in getattr(problem, "errors", {}).values() for m in v] or [problem.detail]
        flash(" ".join(_(m) for m in messages), "error")
        return _back_to_queue()
    if deviation.incident_id:
        flash(_("Registered as incident %(id)s; its deadlines run from the report's time.",
                id=deviation.incident_id), "success")
        return redirect(url_for("followup_web.show", incident_id=deviation.incident_id))
    flash(_("Recorded: the report concerns no AI solution in the register."), "success")
    return _back_to_queue()


def _page_number(values) -> int:
    number = values.get("page", "1")
    return int(number) if number.isdigit() and 0 < int(number) < 100_000 else 1


def _back_to_queue():
    """Back to the page of the queue (and the search) the triage was sent from."""
    query, page = request.form.get("q", ""), _page_number(request.form)
    return redirect(url_for("deviations_web.triage_queue", **({"q": query} if query else {}),
                            **({"page": page} if page > 1 else {})))


def _names(items) -> dict[int, str]:
    ids = {d.solution_id for d in items if d.solution_id}
    if not ids:
        return {}
    return dict(db.session.execute(db.select(Solution.id, Solution.name).where(Solution.id.in_(ids))).all())


def _harm_text(value: str) -> str:
    return {"yes": _("Yes"), "no": _("No"), "unknown": _("Don't know")}.get(value, value)
