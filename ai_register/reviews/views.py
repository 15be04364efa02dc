"""The review queue of compliance: submitted classifications and pending phase-change requests, each
decided under four eyes by the services that own them (classification, solutions.transitions). The
classification review shows its context beside the answers (reviews/context.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from ai_register.classification import results
from ai_register.classification import services as classification_services
from ai_register.classification.labels import category_label, review_label
from ai_register.classification.models import DEVICE_CLASSES, OVERRIDE_CATEGORIES
from ai_register.classification.review import (
    approve_classification,
    override_classification,
    reject_classification,
)
from ai_register.classification.rulesets import ruleset_of
from ai_register.exceptions import GateNotMet, InvalidInput, NotAllowed
from ai_register.extensions import db
from ai_register.reviews.context import review_context
from ai_register.reviews.forms import ClassificationReviewForm, TransitionReviewForm
from ai_register.reviews.queue import (
    classification_conflict,
    pending_requests,
    request_conflict,
    submitted_classifications,
)
from ai_register.security import COMPLIANCE, access, actor
from ai_register.solutions import transitions
from ai_register.solutions.access import get_solution
from ai_register.solutions.labels import phase_name
from ai_register.solutions.lifecycle.phases import Phase
from ai_register.solutions.models import TransitionRequest
from ai_register.solutions.services import region_today
from ai_register.web import gates
from ai_register.web.forms import options, show_errors

bp = Blueprint("review_web", __name__, url_prefix="/review", template_folder="templates")


@bp.get("")
@access(COMPLIANCE)
def queue():
    user = actor()
    return render_template(
        "reviews/queue.html",
        classifications=[
            (c, get_solution(c.solution_id, actor()), classification_conflict(c, user))
            for c in submitted_classifications()
        ],
        requests=[(r, request_conflict(r, user)) for r in pending_requests()],
    )


# --------------------------------------------------------------------------- classifications


@bp.route("/classifications/<int:classification_id>", methods=["GET", "POST"])
@access(COMPLIANCE)
def classification(classification_id: int):
    writing = request.method == "POST"  # a retired solution is read-only (409), as in the API
    user = actor()
    item = classification_services.get_classification(classification_id, user, write=writing)
    solution = get_solution(item.solution_id, user, write=writing)
    form = ClassificationReviewForm()
    form.category.choices = options([("", _("Keep the engine's"))] + [
        (c, category_label(c)) for c in OVERRIDE_CATEGORIES
    ])
    form.device_class.choices = options([("", _("Keep the engine's"))] + [
        (c, c) for c in DEVICE_CLASSES
    ])
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            justification = (form.justification.data or "").strip() or None
            try:
                if form.outcome.data == "approve":
                    approve_classification(item, justification, by=user)
                elif form.outcome.data == "reject":
                    reject_classification(item, justification, by=user)
                else:
                    override_classification(
                        item,
                        justification,
                        by=user,
                        category=form.category.data or None,
                        device_class=form.device_class.data or None,
                    )
            except NotAllowed:
                # Four eyes refused it (the page hid the form, but a co-ownership may have changed
                # meanwhile): say so on the page and keep what was typed.
                db.session.rollback()
                reason = classification_conflict(item, actor()) or _("Your role may not do this.")
                form.form_errors.append(_("Four eyes: %(why)s Another compliance officer must decide.", why=reason))
                status = 403
            except InvalidInput as problem:
                if not problem.errors:
                    raise
                show_errors(form, problem.errors)
            else:
                flash(
                    _(
                        "Classification version %(n)d of “%(name)s”: %(outcome)s.",
                        n=item.version,
                        name=solution.name,
                        outcome=review_label(item.status),
                    ),
                    "success",
                )
                return redirect(url_for("review_web.queue"))
    ruleset = ruleset_of(item)
    return render_template(
        "reviews/classification.html",
        item=item,
        solution=solution,
        form=form,
        context=review_context(item, solution, region_today()),
        explain=results.explainer(ruleset),
        qtext=results.question_text(ruleset),
        conflict=classification_conflict(item, actor()),
        refused=status == 403,
    ), status


# --------------------------------------------------------------------------- transition requests


@bp.route("/transitions/<int:request_id>", methods=["GET", "POST"])
@access(COMPLIANCE)
def transition(request_id: int):
    item = db.session.get(TransitionRequest, request_id)
    if item is None:
        raise NotFound("No such request.")
    solution = get_solution(item.solution_id, actor(), write=request.method == "POST")
    form = TransitionReviewForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            reason = (form.reason.data or "").strip() or None
            try:
                if form.outcome.data == "approve":
                    transitions.approve_request(item, actor(), reason)
                else:
                    transitions.reject_request(item, actor(), reason)
            except GateNotMet as refusal:
                form.form_errors.extend(gates.unmet_text(unmet) for unmet in refusal.unmet)
                status = 409
            except InvalidInput as problem:
                if not problem.errors:
                    raise
                show_errors(form, problem.errors)
            else:
                done = _("approved") if form.outcome.data == "approve" else _("rejected")
                flash(
                    _(
                        "The move of “%(name)s” to %(phase)s is %(done)s.",
                        name=solution.name,
                        phase=phase_name(item.to_phase),
                        done=done,
                    ),
                    "success",
                )
                return redirect(url_for("review_web.queue"))
    checklist = (
        gates.checklist(solution, region_today(), Phase(item.to_phase)) if item.status == "pending" else None
    )
    return render_template(
        "reviews/transition.html",
        item=item,
        solution=solution,
        form=form,
        gate=checklist,
        conflict=request_conflict(item, actor()),
    ), status
