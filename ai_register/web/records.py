"""Forms for what the gates need: goals and measured values, the benefit estimate, evidence (with
upload) and the human-oversight owner (with re-confirmation). Services validate and write."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ai_register.evidence import services as evidence_services
from ai_register.evidence.schemas import EvidenceCreateSchema
from ai_register.exceptions import Conflict, InvalidInput, Stale
from ai_register.extensions import db
from ai_register.goals import services as goal_services
from ai_register.goals.schemas import BenefitPutSchema, GoalCreateSchema, MeasurementCreateSchema
from ai_register.oversight import services as oversight_services
from ai_register.oversight.schemas import ConfirmSchema, OversightPutSchema
from ai_register.portfolio.indicators import indicators as indicator_catalogue
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, SIGNED_IN, access, actor
from ai_register.solutions.access import can_read, get_solution, no_lost_update, require_if_match
from ai_register.solutions.models import Solution
from ai_register.users.models import User
from ai_register.web import labels
from ai_register.web.forms import (
    BenefitForm,
    ConfirmForm,
    EvidenceForm,
    GoalForm,
    MeasurementForm,
    OversightForm,
    WithdrawForm,
    options,
    show_errors,
)

bp = Blueprint("records_web", __name__)

WRITERS = (OWNER, COMPLIANCE)
READERS = (OWNER, COMPLIANCE, AUDITOR)


def save(form, schema, write) -> bool:
    """Validate with the form, then the API's schema, then let the service write. Errors of any of
    the three land beside their field; True when the record is written."""
    if not form.validate_on_submit():
        return False
    try:
        data = schema.load(form.payload())
    except ValidationError as error:
        show_errors(form, error.messages)
        return False
    try:
        write(data)
    except InvalidInput as problem:
        if not problem.errors:
            raise
        show_errors(form, problem.errors)
        return False
    return True


def _back(solution, message: str):
    flash(message, "success")
    return redirect(url_for("solutions_web.show", solution_id=solution.id))


# --------------------------------------------------------------------------- goals


def _goals_page(solution, goal_form, measurement_form, status=200):
    return render_template(
        "web/records/goals.html",
        solution=solution,
        goals=goal_services.goals_for(solution.id),
        common_indicators={i.id: i.name(labels.lang()) for i in indicator_catalogue()},
        goal_form=goal_form,
        measurement_form=measurement_form,
    ), status


def _goal_form(**kwargs) -> GoalForm:
    form = GoalForm(prefix="g", **kwargs)
    form.indicator_id.choices = options(
        [("", _("Choose…"))] + [(i.id, i.name(labels.lang())) for i in indicator_catalogue(include_inactive=False)]
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
    solution = get_solution(solution_id, write=True)
    goal = goal_services.get_goal(solution, goal_id)
    if goal.withdrawn_at is not None:
        flash(_("The goal is withdrawn and stays as it was."), "error")
        return redirect(url_for("records_web.goals", solution_id=solution.id))
    if request.method == "GET":
        form = _goal_form(formdata=None, obj=goal)
        form.higher_is_better.data = "yes" if goal.higher_is_better else "no"
        form.version.data = str(goal.version)
    else:
        form = _goal_form()
        if form.version.data != str(goal.version):
            form.form_errors.append(_("Someone changed the goal meanwhile. Check the values below and save again."))
            form.version.data = str(goal.version)
            return render_template("web/records/goal_edit.html", solution=solution, goal=goal, form=form,
                                   withdraw_form=WithdrawForm(prefix="w")), 412
        if save(form, GoalCreateSchema(), lambda data: goal_services.update_goal(goal, data)):
            flash(_("The goal “%(title)s” is saved.", title=goal.title), "success")
            return redirect(url_for("records_web.goals", solution_id=solution.id))
    status = 422 if request.method == "POST" else 200
    return render_template("web/records/goal_edit.html", solution=solution, goal=goal, form=form,
                           withdraw_form=WithdrawForm(prefix="w")), status


@bp.post("/solutions/<int:solution_id>/goals/<int:goal_id>/withdraw")
@access(*WRITERS)
def goal_withdraw(solution_id: int, goal_id: int):
    solution = get_solution(solution_id, write=True)
    goal = goal_services.get_goal(solution, goal_id)
    form = WithdrawForm(prefix="w")
    if form.validate_on_submit():
        try:
            goal_services.withdraw_goal(goal, form.reason.data)
        except (InvalidInput, Conflict) as problem:
            form.reason.errors = [*form.reason.errors, _(problem.detail)]
        else:
            flash(_("The goal “%(title)s” is withdrawn. It is kept in the record and no longer counts for the "
                    "checklist.", title=goal.title), "success")
            return redirect(url_for("records_web.goals", solution_id=solution.id))
    edit = _goal_form(formdata=None, obj=goal)
    edit.version.data = str(goal.version)
    return render_template("web/records/goal_edit.html", solution=solution, goal=goal, form=edit,
                           withdraw_form=form), 422


@bp.get("/solutions/<int:solution_id>/goals")
@access(*WRITERS)
def goals(solution_id: int):
    solution = get_solution(solution_id, write=True)
    return _goals_page(
        solution, _goal_form(formdata=None), _measurement_form(solution, formdata=None)
    )


@bp.post("/solutions/<int:solution_id>/goals")
@access(*WRITERS)
def goal_create(solution_id: int):
    solution = get_solution(solution_id, write=True)
    form = _goal_form()
    if save(form, GoalCreateSchema(), lambda data: goal_services.create_goal(solution, data)):
        flash(_("The goal “%(title)s” is saved.", title=form.title.data), "success")
        return redirect(url_for("records_web.goals", solution_id=solution.id))
    return _goals_page(solution, form, _measurement_form(solution, formdata=None), 422)


@bp.post("/solutions/<int:solution_id>/measurements")
@access(*WRITERS)
def measurement_create(solution_id: int):
    solution = get_solution(solution_id, write=True)
    form = _measurement_form(solution)

    def write(data):
        goal_services.record_measurement(goal_services.get_goal(solution, form.goal_id.data), data)

    if save(form, MeasurementCreateSchema(), write):
        flash(_("The measured value is saved."), "success")
        return redirect(url_for("records_web.goals", solution_id=solution.id))
    return _goals_page(solution, _goal_form(formdata=None), form, 422)


# --------------------------------------------------------------------------- benefit


@bp.route("/solutions/<int:solution_id>/benefit", methods=["GET", "POST"])
@access(*WRITERS)
def benefit(solution_id: int):
    solution = get_solution(solution_id, write=True)
    current = goal_services.benefit_for(solution.id)
    form = BenefitForm(obj=current if request.method == "GET" else None)
    if request.method == "POST" and save(
        form, BenefitPutSchema(), lambda data: goal_services.put_benefit(solution, data)
    ):
        return _back(solution, _("The benefit estimate is saved."))
    return render_template("web/records/benefit.html", solution=solution, form=form, current=current), (
        422 if request.method == "POST" else 200
    )


# --------------------------------------------------------------------------- evidence


@bp.route("/solutions/<int:solution_id>/evidence/new", methods=["GET", "POST"])
@access(*WRITERS)
def evidence_new(solution_id: int):
    solution = get_solution(solution_id, write=True)
    form = EvidenceForm()
    types = labels.evidence_choices()
    form.type.choices = options(types)
    existing = evidence_services.evidence_for(solution.id)
    form.supersedes.choices = options([("", _("Nothing"))] + [
        (e.id, f"{labels.evidence_label(e.type)}: {e.title} ({e.issued_on.isoformat()})") for e in existing
    ])
    if request.method == "GET" and request.args.get("type") in dict(types):
        form.type.data = request.args["type"]
    if request.method == "POST":
        upload = request.files.get(form.file.name)
        upload = upload if upload is not None and upload.filename else None
        if save(
            form,
            EvidenceCreateSchema(),
            lambda data: evidence_services.create_evidence(solution, data, upload),
        ):
            return _back(solution, _("The evidence “%(title)s” is recorded.", title=form.title.data))
    return render_template("web/records/evidence.html", solution=solution, form=form), (
        422 if request.method == "POST" else 200
    )


@bp.get("/evidence/<int:evidence_id>/file")
@access(*READERS)
def evidence_file(evidence_id: int):
    record = evidence_services.get_evidence(evidence_id)
    response = send_file(
        evidence_services.file_path(record),
        mimetype=record.file_content_type,
        as_attachment=True,
        download_name=record.file_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"  # register content never goes to shared caches
    return response


# --------------------------------------------------------------------------- oversight


def _people() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(oversight_services.ROLES_THAT_CAN_CONFIRM), User.active.is_(True))
            .order_by(User.display_name)
        )
    )


@bp.route("/solutions/<int:solution_id>/oversight", methods=["GET", "POST"])
@access(*WRITERS)
def oversight(solution_id: int):
    solution = get_solution(solution_id, write=True)
    current = oversight_services.current_oversight(solution.id)
    form = OversightForm()
    choices = options([("", _("Choose…"))] + [(u.id, f"{u.display_name} ({u.email})") for u in _people()])
    form.person_user_id.choices = choices
    form.deputy_user_id.choices = choices
    if request.method == "GET":
        if current is not None:
            form.fill_from(current)
        version = solution.version
    else:
        version = request.form.get("version", "")

        def write(data):
            require_if_match(solution, f'"{version}"' if version.isdigit() else None)
            with no_lost_update(solution):
                oversight_services.assign_oversight(solution, data)

        try:
            if save(form, OversightPutSchema(), write):
                return _back(solution, _("The oversight owner is saved."))
        except Stale:
            form.form_errors.append(
                _("Someone else changed the solution meanwhile. Open it again and repeat your change.")
            )
    history = db.session.scalars(oversight_services.history_query(solution.id)).all()
    return render_template(
        "web/records/oversight.html",
        solution=solution,
        form=form,
        current=current,
        history=history,
        version=version,
    ), (422 if request.method == "POST" else 200)


@bp.post("/solutions/<int:solution_id>/oversight/confirm")
@access(*SIGNED_IN)
def oversight_confirm(solution_id: int):
    """The person themself (or compliance, for someone without an account) re-confirms; the
    service decides who may."""
    form = ConfirmForm()
    if save(form, ConfirmSchema(), lambda data: oversight_services.confirm_oversight(solution_id, data)):
        flash(_("The oversight assignment is confirmed."), "success")
    else:
        for message in [*form.form_errors, *(m for f in form for m in f.errors)]:
            flash(message, "error")
    solution = db.session.get(Solution, solution_id)
    if solution is not None and can_read(solution, actor()):
        return redirect(url_for("solutions_web.show", solution_id=solution_id))
    return redirect(url_for("main.index"))
