"""Phase changes on the web: request a transition, record a follow-up decision, keep the rollout
plan and the decommissioning checklist. The lifecycle services check the gates and write."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ai_register.exceptions import DomainError, GateNotMet, InvalidInput, Stale
from ai_register.security import COMPLIANCE, OWNER, access, actor
from ai_register.solutions import plans, transitions
from ai_register.solutions.access import EAGER_OWNERS, get_solution, no_lost_update, require_if_match
from ai_register.solutions.detail import solution_detail
from ai_register.solutions.forms import ChecklistForm, DecisionForm, RolloutPlanForm, TransitionForm
from ai_register.solutions.labels import decision_label, phase_name
from ai_register.solutions.lifecycle.phases import Phase, requires_approval
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.web import gates
from ai_register.web.forms import options, show_errors, submit_or_show

bp = Blueprint("phases_web", __name__, url_prefix="/solutions/<int:solution_id>", template_folder="templates")

WRITERS = (OWNER, COMPLIANCE)
# The transition page's solution with its owners (the access check) and the move already pending, if any.
WITH_PENDING = (*EAGER_OWNERS, joinedload(Solution.pending_transition))
SPARE_ROWS = 3


def _version() -> str | None:
    version = request.form.get("version", "")
    return f'"{version}"' if version.isdigit() else None


def _stale(form) -> None:
    form.form_errors.append(
        _("Someone else changed the solution meanwhile. Open it again to see the change, then repeat yours.")
    )


def _unmet(form, refusal: GateNotMet) -> None:
    """A refused move: every unmet condition above the form, in the reader's language."""
    form.form_errors.extend(gates.unmet_text(unmet) for unmet in refusal.unmet)
    if not refusal.unmet:
        form.form_errors.append(refusal.detail)


def _show_refusal(form, problem: DomainError) -> int:
    """A refused write, shown on its form; returns the page's status. Other refusals are not the form's."""
    if isinstance(problem, Stale):
        _stale(form)
        return 422
    if isinstance(problem, GateNotMet):
        _unmet(form, problem)
        return 409
    if isinstance(problem, InvalidInput) and problem.errors:
        show_errors(form, problem.errors)
        return 422
    raise problem


# --------------------------------------------------------------------------- transitions


@bp.route("/transition", methods=["GET", "POST"])
@access(*WRITERS)
def transition(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user, write=True, options=WITH_PENDING)
    form = TransitionForm()
    wanted = request.values.get("to") or (gates.next_phase(solution) or Phase.DECOMMISSIONING).value
    try:
        to = Phase(wanted)
    except ValueError:
        to = Phase.DECOMMISSIONING
    form.to.data = to.value
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                require_if_match(solution, _version())
                with no_lost_update(solution):
                    _request, applied = transitions.request_transition(
                        solution, to, user, (form.reason.data or "").strip() or None
                    )
            except DomainError as problem:
                status = _show_refusal(form, problem)
            else:
                if applied:
                    flash(
                        _("The solution is now in %(phase)s.", phase=phase_name(to.value)), "success"
                    )
                else:
                    flash(
                        _(
                            "The request to move to %(phase)s is sent to compliance for approval.",
                            phase=phase_name(to.value),
                        ),
                        "success",
                    )
                return redirect(url_for("solutions_web.show", solution_id=solution.id))
    checklist = gates.checklist(solution, region_today(), to)
    return render_template(
        "solutions/phases/transition.html",
        solution=solution,
        form=form,
        to=to,
        approval=requires_approval(to),
        gate=checklist,
        pending=solution.pending_transition,
    ), status


# --------------------------------------------------------------------------- decisions


@bp.route("/decision", methods=["GET", "POST"])
@access(*WRITERS)
def decision(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user, write=True)
    allowed = solution_detail(solution)["allowed_decisions"]
    form = DecisionForm()
    form.kind.choices = options((kind, decision_label(kind)) for kind in allowed)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                require_if_match(solution, _version())
                with no_lost_update(solution):
                    transitions.record_decision(solution, form.values(), user)
            except DomainError as problem:
                status = _show_refusal(form, problem)
            else:
                flash(
                    _("The decision “%(kind)s” is recorded.", kind=decision_label(form.kind.data)),
                    "success",
                )
                return redirect(url_for("solutions_web.show", solution_id=solution.id))
    return render_template("solutions/phases/decision.html", solution=solution, form=form), status


# --------------------------------------------------------------------------- rollout plan


@bp.route("/rollout-plan", methods=["GET", "POST"])
@access(*WRITERS)
def rollout_plan(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user, write=True)
    if request.method == "GET":
        plan = plans.rollout_plan(solution)
        form = RolloutPlanForm(
            data={
                "units": [
                    {
                        "name": u["name"],
                        "planned_start": u["planned_start"],
                        "actual_start": u["actual_start"],
                    }
                    for u in plan["units"]
                ]
            }
        )
        for _spare in range(SPARE_ROWS):
            form.units.append_entry()
        return render_template("solutions/phases/rollout_plan.html", solution=solution, form=form)
    form = RolloutPlanForm()

    def write(data):
        try:
            with no_lost_update(solution):
                plans.replace_rollout_plan(solution, data["units"], user, reason=data.get("reason"))
        except InvalidInput as problem:  # its units counted among the filled rows: named by the form's rows
            raise InvalidInput(problem.detail, errors=form.on_rows(problem.errors)) from None

    return submit_or_show(form, write, saved=_("The rollout plan is saved."),
                          to=url_for("solutions_web.show", solution_id=solution.id),
                          page=lambda: render_template("solutions/phases/rollout_plan.html", solution=solution,
                                                       form=form))


# --------------------------------------------------------------------------- decommissioning checklist


@bp.route("/checklist", methods=["GET", "POST"])
@access(*WRITERS)
def checklist(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user, write=True)
    form = ChecklistForm()
    current = plans.decommissioning_checklist(solution)

    def write(data):
        with no_lost_update(solution):
            plans.update_checklist(solution, data["items"], user, reason=data.get("reason"))

    return submit_or_show(form, write, saved=_("The decommissioning checklist is saved."),
                          to=url_for("solutions_web.show", solution_id=solution.id),
                          page=lambda: render_template("solutions/phases/checklist.html", solution=solution,
                                                       form=form, current=current))
