"""Phase changes on the web: request a transition, record a follow-up decision, keep the rollout
plan and the decommissioning checklist. The lifecycle services check the gates and write."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ai_register.exceptions import DomainError, GateNotMet, InvalidInput, Stale
from ai_register.security import COMPLIANCE, OWNER, access, actor
from ai_register.solutions import plans, transitions
from ai_register.solutions.access import get_solution, no_lost_update, require_if_match
from ai_register.solutions.detail import solution_detail
from ai_register.solutions.forms import ChecklistForm, DecisionForm, RolloutPlanForm, TransitionForm
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST
from ai_register.solutions.lifecycle.phases import Phase, requires_approval
from ai_register.solutions.schemas import (
    ChecklistWriteSchema,
    DecisionCreateSchema,
    RolloutPlanWriteSchema,
    TransitionCreateSchema,
)
from ai_register.solutions.services import region_today
from ai_register.web import gates, labels
from ai_register.web.forms import options, show_errors

bp = Blueprint("phases_web", __name__, url_prefix="/solutions/<int:solution_id>", template_folder="templates")

WRITERS = (OWNER, COMPLIANCE)
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
    solution = get_solution(solution_id, actor(), write=True)
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
                body = TransitionCreateSchema().load(
                    {"to": to.value, "reason": (form.reason.data or "").strip() or None}
                )
                require_if_match(solution, _version())
                with no_lost_update(solution):
                    _request, applied = transitions.request_transition(
                        solution, to, actor(), body.get("reason")
                    )
            except ValidationError as error:
                show_errors(form, error.messages)
            except DomainError as problem:
                status = _show_refusal(form, problem)
            else:
                if applied:
                    flash(
                        _("The solution is now in %(phase)s.", phase=labels.phase_name(to.value)), "success"
                    )
                else:
                    flash(
                        _(
                            "The request to move to %(phase)s is sent to compliance for approval.",
                            phase=labels.phase_name(to.value),
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
        pending=solution_detail(solution).get("pending_transition"),
    ), status


# --------------------------------------------------------------------------- decisions


@bp.route("/decision", methods=["GET", "POST"])
@access(*WRITERS)
def decision(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    allowed = solution_detail(solution)["allowed_decisions"]
    form = DecisionForm()
    form.kind.choices = options((kind, labels.decision_label(kind)) for kind in allowed)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                data = DecisionCreateSchema().load(form.payload())
                require_if_match(solution, _version())
                with no_lost_update(solution):
                    transitions.record_decision(solution, data, actor())
            except ValidationError as error:
                show_errors(form, error.messages)
            except DomainError as problem:
                status = _show_refusal(form, problem)
            else:
                flash(
                    _("The decision “%(kind)s” is recorded.", kind=labels.decision_label(form.kind.data)),
                    "success",
                )
                return redirect(url_for("solutions_web.show", solution_id=solution.id))
    return render_template("solutions/phases/decision.html", solution=solution, form=form), status


# --------------------------------------------------------------------------- rollout plan


@bp.route("/rollout-plan", methods=["GET", "POST"])
@access(*WRITERS)
def rollout_plan(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
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
    if form.validate_on_submit():
        try:
            data = RolloutPlanWriteSchema().load(form.payload())
            with no_lost_update(solution):
                plans.replace_rollout_plan(solution, data["units"], actor(), reason=data.get("reason"))
        except ValidationError as error:
            _unit_errors(form, error.messages)
        except InvalidInput as problem:
            if not problem.errors:
                raise
            _unit_errors(form, problem.errors)
        else:
            flash(_("The rollout plan is saved."), "success")
            return redirect(url_for("solutions_web.show", solution_id=solution.id))
    return render_template("solutions/phases/rollout_plan.html", solution=solution, form=form), 422


def _unit_errors(form: RolloutPlanForm, errors: dict) -> None:
    """Schema errors name units by their index among the filled rows; put them beside those rows."""
    filled = [
        entry
        for entry in form.units
        if (entry.form.name.data or "").strip()
        or entry.form.planned_start.data
        or entry.form.actual_start.data
    ]
    units = errors.pop("units", None)
    if isinstance(units, dict):
        for index, messages in units.items():
            if str(index).isdigit() and int(index) < len(filled):
                show_errors(
                    filled[int(index)].form, messages if isinstance(messages, dict) else {"name": messages}
                )
            else:
                show_errors(form, {"_schema": messages})
    elif units:
        show_errors(form, {"_schema": units})
    show_errors(form, errors)


# --------------------------------------------------------------------------- decommissioning checklist


@bp.route("/checklist", methods=["GET", "POST"])
@access(*WRITERS)
def checklist(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    form = ChecklistForm()
    current = plans.decommissioning_checklist(solution)
    if request.method == "POST" and form.validate_on_submit():
        items = [
            {
                "key": key,
                "done": request.form.get(f"done-{key}") == "on",
                "note": (request.form.get(f"note-{key}") or "").strip() or None,
            }
            for key in DECOMMISSIONING_CHECKLIST
        ]
        try:
            data = ChecklistWriteSchema().load(
                {
                    "items": items,
                    **({"reason": form.reason.data.strip()} if (form.reason.data or "").strip() else {}),
                }
            )
            with no_lost_update(solution):
                plans.update_checklist(solution, data["items"], actor(), reason=data.get("reason"))
        except ValidationError as error:
            show_errors(form, error.messages)
        else:
            flash(_("The decommissioning checklist is saved."), "success")
            return redirect(url_for("solutions_web.show", solution_id=solution.id))
    return render_template("solutions/phases/checklist.html", solution=solution, form=form, current=current), (
        422 if request.method == "POST" else 200
    )
