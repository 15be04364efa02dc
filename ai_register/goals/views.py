"""The goals pages: a solution's goals and measured values, correcting and withdrawing a goal, and the
benefit estimate. The goals service validates and writes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ai_register import formats
from ai_register.exceptions import Conflict, InvalidInput, Stale
from ai_register.goals import services as goal_services
from ai_register.goals.forms import BenefitForm, GoalForm, MeasurementForm, WithdrawForm
from ai_register.portfolio.indicators import indicators as indicator_catalogue
from ai_register.preconditions import form_version_holds
from ai_register.security import COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution
from ai_register.web.forms import options, submit_form

bp = Blueprint("goals_web", __name__, template_folder="templates")

WRITERS = (OWNER, COMPLIANCE)



def _back(solution, message: str):
    flash(message, "success")
    return redirect(url_for("solutions_web.show", solution_id=solution.id))


def _goals_page(solution, goal_form, measurement_form, status=200):
    return render_template(
        "goals/goals.html",
        solution=solution,
        goals=goal_services.goals_for(solution.id),
        common_indicators={i.id: i.name(formats.lang()) for i in indicator_catalogue()},
        goal_form=goal_form,
        measurement_form=measurement_form,
    ), status


def _goal_form(**kwargs) -> GoalForm:
    form = GoalForm(prefix="g", **kwargs)
    form.indicator_id.choices = options(
        [("", _("Choose…"))] + [(i.id, i.name(formats.lang())) for i in indicator_catalogue(include_inactive=False)]
    )
    return form


def _measurement_form(solution, **kwargs) -> MeasurementForm:
    form = MeasurementForm(prefix="m", **kwargs)
    form.goal_id.choices = options((g.id, g.title) for g in goal_services.goals_for(solution.id)
                                   if g.withdrawn_at is None)
    return form


@bp.route("/solutions/<int:solution_id>/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@access(*WRITERS)
def goal_edit(solution_id: int, goal_id: int):
    """Correct a goal (audited); a withdrawn goal is kept as it was."""
    solution = get_solution(solution_id, actor(), write=True)
    goal = goal_services.get_goal(solution, goal_id)
    if goal.withdrawn_at is not None:
        flash(_("The goal is withdrawn and stays as it was."), "error")
        return redirect(url_for("goals_web.goals", solution_id=solution.id))
    if request.method == "GET":
        form = _goal_form(formdata=None, obj=goal)
        form.higher_is_better.data = "yes" if goal.higher_is_better else "no"
        form.version.data = str(goal.version)
    else:
        form = _goal_form()
        try:
            with form_version_holds(goal.version, form.version.data, "goal"):
                saved = submit_form(form, lambda data: goal_services.update_goal(goal, data))
        except Stale:
            goal = goal_services.get_goal(solution, goal_id)
            form.form_errors.append(_("Someone changed the goal meanwhile. Check the values below and save again."))
            form.version.data = str(goal.version)
            return render_template("goals/goal_edit.html", solution=solution, goal=goal, form=form,
                                   withdraw_form=WithdrawForm(prefix="w")), 412
        if saved:
            flash(_("The goal “%(title)s” is saved.", title=goal.title), "success")
            return redirect(url_for("goals_web.goals", solution_id=solution.id))
    status = 422 if request.method == "POST" else 200
    return render_template("goals/goal_edit.html", solution=solution, goal=goal, form=form,
                           withdraw_form=WithdrawForm(prefix="w")), status


@bp.post("/solutions/<int:solution_id>/goals/<int:goal_id>/withdraw")
@access(*WRITERS)
def goal_withdraw(solution_id: int, goal_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    goal = goal_services.get_goal(solution, goal_id)
    form = WithdrawForm(prefix="w")
    if form.validate_on_submit():
        try:
            goal_services.withdraw_goal(goal, form.reason.data, by=actor())
        except (InvalidInput, Conflict) as problem:
            form.reason.errors = [*form.reason.errors, _(problem.detail)]
        else:
            flash(_("The goal “%(title)s” is withdrawn. It is kept in the record and no longer counts for the "
                    "checklist.", title=goal.title), "success")
            return redirect(url_for("goals_web.goals", solution_id=solution.id))
    edit = _goal_form(formdata=None, obj=goal)
    edit.version.data = str(goal.version)
    return render_template("goals/goal_edit.html", solution=solution, goal=goal, form=edit,
                           withdraw_form=form), 422


@bp.get("/solutions/<int:solution_id>/goals")
@access(*WRITERS)
def goals(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    return _goals_page(
        solution, _goal_form(formdata=None), _measurement_form(solution, formdata=None)
    )


@bp.post("/solutions/<int:solution_id>/goals")
@access(*WRITERS)
def goal_create(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    form = _goal_form()
    if submit_form(form, lambda data: goal_services.create_goal(solution, data, by=actor())):
        flash(_("The goal “%(title)s” is saved.", title=form.title.data), "success")
        return redirect(url_for("goals_web.goals", solution_id=solution.id))
    return _goals_page(solution, form, _measurement_form(solution, formdata=None), 422)


@bp.post("/solutions/<int:solution_id>/measurements")
@access(*WRITERS)
def measurement_create(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    form = _measurement_form(solution)

    def write(data):
        goal_services.record_measurement(goal_services.get_goal(solution, form.goal_id.data), data, by=actor())

    if submit_form(form, write):
        flash(_("The measured value is saved."), "success")
        return redirect(url_for("goals_web.goals", solution_id=solution.id))
    return _goals_page(solution, _goal_form(formdata=None), form, 422)


@bp.route("/solutions/<int:solution_id>/benefit", methods=["GET", "POST"])
@access(*WRITERS)
def benefit(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    current = goal_services.benefit_for(solution.id)
    form = BenefitForm(obj=current if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        form.version.data = "" if current is None else str(current.version)
    else:
        status = 422
        try:
            with form_version_holds(current.version if current else None, form.version.data, "benefit estimate"):
                saved = submit_form(form, lambda data: goal_services.put_benefit(solution, data, by=actor()))
        except Stale:
            current = goal_services.benefit_for(solution.id)
            form.form_errors.append(_("Someone changed the benefit estimate meanwhile. Check the values below and "
                                      "save again."))
            form.version.data = "" if current is None else str(current.version)
            status = 412
        else:
            if saved:
                return _back(solution, _("The benefit estimate is saved."))
    return render_template("goals/benefit.html", solution=solution, form=form, current=current), status
