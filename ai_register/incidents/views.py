"""Web pages of the follow-up: report an incident, incident list and detail, my notifications.

Views parse forms and render; the incident and notification services decide and write.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from ai_register.errors import status_of
from ai_register.exceptions import Conflict, DomainError, InvalidInput, Stale
from ai_register.extensions import db
from ai_register.incidents import duties as rules
from ai_register.incidents import services
from ai_register.incidents.forms import DutyForm, IncidentForm, StatusForm
from ai_register.incidents.labels import HARM_CHOICES, STATUS_LABELS
from ai_register.incidents.models import INCIDENT_STATUSES
from ai_register.incidents.services import NEXT_STATUSES
from ai_register.notifications import services as notifications
from ai_register.notifications.settings import init_app
from ai_register.preconditions import form_version_holds
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, SIGNED_IN, access, actor
from ai_register.solutions.access import (
    READ_ONLY_PHASES,
    can_write,
    get_solution,
    writable_solutions_query,
)
from ai_register.solutions.models import Solution
from ai_register.suppliers import services as supplier_services
from ai_register.web.forms import options

bp = Blueprint("followup_web", __name__, template_folder="templates")
# The follow-up settings' defaults, applied once when the pages are registered.
bp.record_once(lambda state: init_app(state.app))

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
PER_PAGE = 50


def _labels() -> dict:
    return {
        "harm_label": dict(HARM_CHOICES).get,
        "incident_status_label": lambda s: STATUS_LABELS.get(s, s),
        "recipient_label": lambda r: _(rules.recipient_label(r)),
        # The duty's text in the reader's language, from the rule set (stored in English).
        "duty_text": lambda duty: services.duty_text(duty, _lang()),
        "notification_message": notifications.message,
    }


def _lang() -> str:
    return str(get_locale() or "sv")


def _writable() -> Select:
    """The solutions the reader may report an incident on (may change, not retired)."""
    return writable_solutions_query(actor()).where(Solution.phase.not_in(READ_ONLY_PHASES))


def _chosen_solution(form) -> int | None:
    """The solution of the form: the search field's choice, or the text typed without a script (a
    number, or the exact name of one the reader may change); None with an error on the field."""
    text = (form.solution.data or "").strip()
    if form.solution_id.data:
        match = Solution.id == form.solution_id.data
    elif not text:
        form.solution.errors = [*form.solution.errors, _("Choose the AI solution.")]
        return None
    else:
        number = text.removeprefix("#")
        match = Solution.id == int(number) if number.isdigit() and len(number) < 10 else \
            func.lower(Solution.name) == text.lower()
    found = db.session.scalar(_writable().with_only_columns(Solution.id).where(match)
                              .order_by(Solution.id).limit(1))
    if found is None:
        form.solution.errors = [*form.solution.errors, _("No solution you may report on has that name or "
                                                         "number; choose one from the list.")]
    return found


def _show_problem(form, problem: DomainError) -> None:
    errors = getattr(problem, "errors", None) or {}
    for name, messages in errors.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + list(messages if isinstance(messages, list) else [messages])
        else:
            form.form_errors.append(f"{name}: {messages}")
    if not errors:
        form.form_errors.append(problem.detail)


# --------------------------------------------------------------------------- reporting


@bp.route("/incidents/new", methods=["GET", "POST"])
@access(*WRITERS)
def report():
    """Report an incident: only what happened is required; the rest has sensible defaults."""
    form = IncidentForm()
    any_writable = db.session.scalar(_writable().with_only_columns(Solution.id).limit(1)) is not None
    if request.method == "GET" and request.args.get("solution_id", "").isdigit():
        chosen = db.session.execute(_writable().with_only_columns(Solution.id, Solution.name)
                                    .where(Solution.id == int(request.args["solution_id"]))).first()
        if chosen is not None:
            form.solution_id.data, form.solution.data = chosen
    status = 200
    if request.method == "POST":
        status = 422
        valid = form.validate_on_submit()
        solution_id = _chosen_solution(form)
        if valid and solution_id is not None:
            try:
                incident = services.report_incident(solution_id, form.payload(), by=actor())
            except (InvalidInput, Conflict) as problem:
                _show_problem(form, problem)
            else:
                if incident.serious or incident.duties:
                    flash(_("The incident is reported. It has reporting duties with legal deadlines: "
                            "see below."), "warning")
                else:
                    flash(_("The incident is reported."), "success")
                return redirect(url_for("followup_web.show", incident_id=incident.id))
    return render_template("incidents/report.html", form=form, solutions=any_writable, **_labels()), status


# --------------------------------------------------------------------------- list and detail


@bp.get("/incidents")
@access(*READERS)
def index():
    overdue = {"true": True, "false": False}.get(request.args.get("overdue", ""))
    state = request.args.get("status") if request.args.get("status") in INCIDENT_STATUSES else None
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    result = services.list_incidents(actor(), overdue=overdue, status=state, page=page, per_page=PER_PAGE)
    names = dict(db.session.execute(select(Solution.id, Solution.name).where(
        Solution.id.in_({i.solution_id for i in result["items"]}))).all()) if result["items"] else {}
    pages = max(1, -(-result["total"] // PER_PAGE))
    return render_template("incidents/index.html", result=result, names=names, overdue=overdue, status=state,
                           statuses=INCIDENT_STATUSES, pages=pages, is_overdue=services.is_overdue,
                           **_labels())


def _changed_meanwhile() -> str:
    return _("Someone changed the incident meanwhile. Check it below and save again.")


def _detail(incident, *, status_form=None, duty_errors=None, duty_form=None, code: int = 200):
    solution = db.session.get(Solution, incident.solution_id)
    user = actor()
    writable = can_write(solution, user) and solution.phase not in READ_ONLY_PHASES
    status_form = status_form or StatusForm()
    status_form.version.data = str(incident.version)  # a stale form comes back with the version to save over
    status_form.status.choices = options((s, STATUS_LABELS[s]) for s in NEXT_STATUSES[incident.status])
    duties = sorted(incident.duties, key=lambda d: (not d.applies, services.as_utc(d.overdue_after), d.key))
    return render_template(
        "incidents/show.html", incident=incident, solution=solution, duties=duties, writable=writable,
        status_form=status_form, duty_form=duty_form or DutyForm(formdata=None), duty_errors=duty_errors or {},
        grounds=[_(rules.ground_label(g)) for g in (incident.assessment or {}).get("grounds", ())],
        serious_under=[_(rules.serious_definition_label(code))
                       for code in rules.serious_under(incident.assessment)],
        suggested=services.suggested_decision(incident, solution), overdue=services.is_overdue(incident),
        now=services.utcnow(), aware=services.as_utc, supplier_contact=supplier_services.vigilance_contact(solution.id),
        supplier_recipients=rules.SUPPLIER_RECIPIENTS, **_labels()), code


@bp.get("/incidents/<int:incident_id>")
@access(*READERS)
def show(incident_id: int):
    return _detail(services.get_incident(incident_id, actor()))


@bp.post("/incidents/<int:incident_id>/duties")
@access(*WRITERS)
def update_duty(incident_id: int):
    incident = services.get_incident(incident_id, actor(), write=True)
    form = DutyForm()
    if not form.validate_on_submit():
        return _detail(incident, duty_errors={form.key.data: [m for f in form for m in f.errors]}, code=422)
    try:
        with form_version_holds(incident.version, form.version.data, "incident"):
            services.update_incident(incident_id, form.payload(), by=actor())
    except Stale:
        db.session.rollback()
        return _detail(services.get_incident(incident_id, actor()),
                       duty_errors={form.key.data: [_changed_meanwhile()]}, duty_form=form, code=412)
    except (InvalidInput, Conflict) as problem:
        db.session.rollback()
        incident = services.get_incident(incident_id, actor())
        errors = getattr(problem, "errors", None) or {}
        messages = [m for v in errors.values() for m in (v if isinstance(v, list) else [v])]
        return _detail(incident, duty_errors={form.key.data: messages or [problem.detail]},
                       code=status_of(problem))
    flash(_("The reporting duty is updated."), "success")
    return redirect(url_for("followup_web.show", incident_id=incident_id) + "#duties")


@bp.post("/incidents/<int:incident_id>/status")
@access(*WRITERS)
def update_status(incident_id: int):
    incident = services.get_incident(incident_id, actor(), write=True)
    form = StatusForm()
    form.status.choices = options((s, STATUS_LABELS[s]) for s in NEXT_STATUSES[incident.status])
    if not form.validate_on_submit():
        return _detail(incident, status_form=form, code=422)
    try:
        with form_version_holds(incident.version, form.version.data, "incident"):
            services.update_incident(incident_id, form.payload(), by=actor())
    except Stale:
        db.session.rollback()
        form.form_errors.append(_changed_meanwhile())
        return _detail(services.get_incident(incident_id, actor()), status_form=form, code=412)
    except (InvalidInput, Conflict) as problem:
        db.session.rollback()
        incident = services.get_incident(incident_id, actor())
        form.status.errors = [problem.detail]
        if problem.extensions.get("open_duties"):
            keys = ", ".join(problem.extensions["open_duties"])
            form.status.errors.append(_("Open duties: %(keys)s", keys=keys))
        return _detail(incident, status_form=form, code=status_of(problem))
    flash(_("The incident is now: %(status)s.", status=STATUS_LABELS[form.status.data]), "success")
    return redirect(url_for("followup_web.show", incident_id=incident_id))


@bp.get("/solutions/<int:solution_id>/incidents")
@access(*READERS)
def for_solution(solution_id: int):
    solution = get_solution(solution_id, actor())
    result = services.list_incidents(actor(), solution_id=solution.id, page=1, per_page=200)
    return render_template("incidents/index.html", result=result, names={solution.id: solution.name},
                           overdue=None, status=None, statuses=INCIDENT_STATUSES, pages=1, solution=solution,
                           is_overdue=services.is_overdue, **_labels())


# --------------------------------------------------------------------------- notifications


@bp.get("/notifications")
@access(*SIGNED_IN)
def notifications_page():
    unread = {"true": True}.get(request.args.get("unread", ""))
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    result = notifications.own_notifications(actor(), unread=unread, page=page, per_page=PER_PAGE)
    return render_template("incidents/notifications.html", result=result, unread=unread,
                           unread_count=notifications.unread_count(actor().id),
                           pages=max(1, -(-result["total"] // PER_PAGE)), **_labels())


@bp.post("/notifications/<int:notification_id>/read")
@access(*SIGNED_IN)
def read_notification(notification_id: int):
    notification = notifications.mark_read(notification_id, by=actor())
    target = request.form.get("next")
    if target == "link" and notification.link and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect(url_for("followup_web.notifications_page"))


@bp.post("/notifications/read-all")
@access(*SIGNED_IN)
def read_all_notifications():
    user = actor()
    for item in notifications.own_notifications(user, unread=True, per_page=200)["items"]:
        notifications.mark_read(item.id, by=user)
    return redirect(url_for("followup_web.notifications_page"))
