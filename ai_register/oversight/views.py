"""The human-oversight pages: name the oversight owner and deputy of a solution, and re-confirm an
assignment. The oversight service decides who may and writes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ai_register.exceptions import Stale
from ai_register.extensions import db
from ai_register.oversight import services as oversight_services
from ai_register.oversight.forms import ConfirmForm, OversightForm
from ai_register.security import COMPLIANCE, OWNER, SIGNED_IN, access, actor
from ai_register.solutions.access import can_read, get_solution, no_lost_update, require_if_match
from ai_register.solutions.models import Solution
from ai_register.users.models import User
from ai_register.web.forms import options, submit_form, submit_or_show

bp = Blueprint("oversight_web", __name__, template_folder="templates")

WRITERS = (OWNER, COMPLIANCE)


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
    user = actor()
    solution = get_solution(solution_id, user, write=True)
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

    def page():
        history = db.session.scalars(oversight_services.history_query(solution.id)).all()
        return render_template("oversight/edit.html", solution=solution, form=form, current=current,
                               history=history, version=version)

    def write(data):
        require_if_match(solution, f'"{version}"' if version.isdigit() else None)
        with no_lost_update(solution):
            oversight_services.assign_oversight(solution, data, by=user)

    try:
        return submit_or_show(form, write, saved=_("The oversight owner is saved."),
                              to=url_for("solutions_web.show", solution_id=solution.id), page=page)
    except Stale:
        form.form_errors.append(
            _("Someone else changed the solution meanwhile. Open it again and repeat your change.")
        )
        return page(), 422


@bp.post("/solutions/<int:solution_id>/oversight/confirm")
@access(*SIGNED_IN)
def oversight_confirm(solution_id: int):
    """The person themself (or compliance, for someone without an account) re-confirms; the
    service decides who may."""
    user = actor()
    form = ConfirmForm()

    def confirm(data):
        oversight_services.confirm_oversight(solution_id, data, by=user)

    if submit_form(form, confirm):
        flash(_("The oversight assignment is confirmed."), "success")
    else:
        for message in [*form.form_errors, *(m for f in form for m in f.errors)]:
            flash(message, "error")
    solution = db.session.get(Solution, solution_id)
    if solution is not None and can_read(solution, user):
        return redirect(url_for("solutions_web.show", solution_id=solution_id))
    return redirect(url_for("main.index"))
