"""Web pages: a solution's monitoring (metrics, chart, values, assessments, log retention), the oversight
owner's decision on a breach, and the informing of the people concerned with the explanation requests."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ai_register.evidence import services as evidence_services
from ai_register.exceptions import Conflict, NotFound, Stale
from ai_register.extensions import db
from ai_register.incidents.models import Deviation
from ai_register.monitoring import rules, services
from ai_register.monitoring.chart import metric_chart
from ai_register.monitoring.forms import (
    AnswerForm,
    DecisionForm,
    ExplanationForm,
    InformingForm,
    MetricEditForm,
    MetricForm,
    RetentionForm,
    ValueForm,
)
from ai_register.monitoring.labels import (
    ASSESSMENT_LABELS,
    BREACH_LABELS,
    CHANNEL_LABELS,
    DIRECTION_LABELS,
    FREQUENCY_LABELS,
    HARM_LABELS,
    INFORMING_LABELS,
    KIND_LABELS,
    MBL_LABELS,
)
from ai_register.preconditions import form_version_holds
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER, STAFF, access, actor
from ai_register.solutions.access import can_read, can_write, get_solution
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.users.models import User
from ai_register.web.forms import options, submit_form

bp = Blueprint("monitoring_web", __name__, template_folder="templates")
READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
# The named oversight owner decides whatever their account's role (services.get_assessment decides who sees it).
ASSESSORS = (OWNER, COMPLIANCE, AUDITOR, ADMIN, STAFF)


def _labels() -> dict:
    def look(table):
        return lambda code: table.get(code, code) if code else "—"

    return {"kind_label": look(KIND_LABELS), "direction_label": look(DIRECTION_LABELS),
            "frequency_label": look(FREQUENCY_LABELS), "breach_label": look(BREACH_LABELS),
            "assessment_label": look(ASSESSMENT_LABELS), "informing_label": look(INFORMING_LABELS),
            "mbl_label": look(MBL_LABELS), "channel_label": look(CHANNEL_LABELS), "harm_label": look(HARM_LABELS)}


def _value_form(solution, **kwargs) -> ValueForm:
    form = ValueForm(prefix="value", **kwargs)
    form.metric_id.choices = options([("", "—")] + [(m.id, m.name) for m in services.metrics_for(solution.id)
                                                     if m.active])
    return form


def _metric_form(solution, form_class=MetricForm, stated=None, **kwargs) -> MetricForm:
    """The metric's form; the stated value's document is chosen among the instructions for use of the product
    version the solution uses (an edited metric keeps its own document on offer, so the form shows what it
    says even after the link changed; the service refuses it when the stated value is changed)."""
    form = form_class(prefix="metric", **kwargs)
    documents = services.instructions_for_use(solution)
    if stated is not None and stated.id not in {d.id for d in documents}:
        documents = [*documents, stated]
    form.stated_document_id.choices = options(
        [("", _("No instructions for use linked") if not documents else _("None"))]
        + [(d.id, d.title) for d in documents])
    return form


def _monitoring_page(solution, by: User, *, metric_form=None, value_form=None, retention_form=None, status=200):
    today = region_today()
    metrics = services.metrics_for(solution.id)
    cards = []
    for metric in metrics:
        values = services.values_of(metric.id)
        cards.append({"metric": metric, "rows": values, "chart": metric_chart(
            [(v.period_end, v.value, v.breach) for v in values], lower=metric.lower_threshold,
            upper=metric.upper_threshold, stated=metric.stated_value),
            "next_due": rules.next_report_due(values[-1].period_end if values else None, metric.frequency,
                                              metric.created_at.date()) if metric.active else None})
    retention = services.retention_for(solution.id)
    editable = can_write(solution, by) and solution.phase != "retired"
    return render_template(
        "monitoring/index.html", solution=solution, cards=cards, today=today,
        assessments=services.assessments_for(solution.id), is_overdue=lambda a: services.is_overdue(a, today),
        retention=retention, can_edit=editable, in_use=solution.phase in rules.IN_USE,
        can_define=editable and solution.phase in rules.METRIC_PHASES,
        metric_form=metric_form or _metric_form(solution, formdata=None),
        value_form=value_form or _value_form(solution, formdata=None),
        retention_form=retention_form or RetentionForm(prefix="retention", formdata=None),
        min_months=rules.MIN_RETENTION_MONTHS, **_labels()), status


@bp.get("/solutions/<int:solution_id>/monitoring")
@access(*READERS)
def index(solution_id: int):
    by = actor()
    return _monitoring_page(get_solution(solution_id, by), by)


@bp.post("/solutions/<int:solution_id>/monitoring/metrics")
@access(*WRITERS)
def new_metric(solution_id: int):
    by = actor()
    solution = get_solution(solution_id, by, write=True)
    form = _metric_form(solution)
    if submit_form(form, lambda data: services.define_metric(solution, data, by)):
        flash(_("The metric is saved."), "success")
        return redirect(url_for("monitoring_web.index", solution_id=solution.id))
    return _monitoring_page(solution, by, metric_form=form, status=422)


def _metric_edit_page(solution, metric, form, status=200):
    return render_template("monitoring/metric_edit.html", solution=solution, metric=metric, form=form,
                           values_reported=len(services.values_of(metric.id)), **_labels()), status


def _changed(metric, values: dict) -> dict:
    """What the form changes on the metric (as the API's PATCH sends it): a stated value left as it was is not
    checked again against the product version's instructions for use."""
    return {name: value for name, value in values.items() if value != getattr(metric, name)}


@bp.route("/monitoring/metrics/<int:metric_id>/edit", methods=["GET", "POST"])
@access(*WRITERS)
def edit_metric(metric_id: int):
    by = actor()
    solution, metric = services.get_metric(metric_id, by, write=True)
    if request.method == "GET":
        form = _metric_form(solution, MetricEditForm, metric.stated_document, formdata=None, obj=metric,
                            version=str(metric.version))
        return _metric_edit_page(solution, metric, form)
    form = _metric_form(solution, MetricEditForm, metric.stated_document)

    def write(values):
        with form_version_holds(metric.version, form.version.data, "metric"):
            services.update_metric(solution, metric, {**_changed(metric, values),
                                                      "reason": (form.reason.data or "").strip() or None}, by)

    try:
        saved = submit_form(form, write)
    except Stale:
        form.form_errors.append(_("Someone else changed the metric meanwhile; open it again to see their change, "
                                  "then make yours."))
        return _metric_edit_page(solution, metric, form, 412)
    except Conflict:
        form.form_errors.append(_("The solution is being decommissioned: a metric can only be retired now."))
        return _metric_edit_page(solution, metric, form, 409)
    if saved:
        flash(_("The metric is saved."), "success")
        return redirect(url_for("monitoring_web.index", solution_id=solution.id) + f"#metric-{metric.id}")
    return _metric_edit_page(solution, metric, form, 422)


@bp.post("/solutions/<int:solution_id>/monitoring/values")
@access(*WRITERS)
def new_value(solution_id: int):
    by = actor()
    solution = get_solution(solution_id, by, write=True)
    form = _value_form(solution)
    created = {}

    def write(data):
        _solution, metric = services.get_metric(form.metric_id.data, by, write=True)
        if metric.solution_id != solution.id:
            raise NotFound("No such metric.")
        created["value"] = services.report_value(solution, metric, data, by)

    if submit_form(form, write):
        if created["value"].breach:
            flash(_("The value is outside the thresholds: the oversight owner has been asked to decide whether it "
                    "is an incident."), "warning")
        else:
            flash(_("The value is saved."), "success")
        return redirect(url_for("monitoring_web.index", solution_id=solution.id))
    return _monitoring_page(solution, by, value_form=form, status=422)


@bp.post("/solutions/<int:solution_id>/log-retention")
@access(*WRITERS)
def new_retention(solution_id: int):
    by = actor()
    solution = get_solution(solution_id, by, write=True)
    form = RetentionForm(prefix="retention")
    if submit_form(form, lambda data: services.record_retention(solution, data, by)):
        flash(_("The log retention is saved."), "success")
        return redirect(url_for("monitoring_web.index", solution_id=solution.id) + "#log-retention")
    return _monitoring_page(solution, by, retention_form=form, status=422)


# --------------------------------------------------------------------------- the oversight owner's decision


def _assessment_page(assessment, form, user: User, status=200):
    solution = db.session.get(Solution, assessment.solution_id)
    deviation = db.session.get(Deviation, assessment.deviation_id) if assessment.deviation_id else None
    return render_template("monitoring/assessment.html", assessment=assessment, solution=solution, form=form,
                           deviation=deviation, can_read_solution=can_read(solution, user),
                           can_decide=assessment.status == rules.OPEN and services.may_decide(assessment, user),
                           overdue=services.is_overdue(assessment, region_today()), **_labels()), status


@bp.route("/monitoring/assessments/<int:assessment_id>", methods=["GET", "POST"])
@access(*ASSESSORS)
def assessment(assessment_id: int):
    user = actor()
    found = services.get_assessment(assessment_id, user)
    if request.method == "GET":
        return _assessment_page(found, DecisionForm(formdata=None, version=str(found.version)), user)
    form = DecisionForm()

    def write(data):
        services.require_if_match(found, f'"{form.version.data or ""}"', "assessment")
        services.decide_assessment(found, data, user)

    try:
        saved = submit_form(form, write)
    except Stale:
        form.form_errors.append(_("Someone else decided meanwhile; read the assessment again."))
        return _assessment_page(found, form, user, 412)
    if saved:
        if found.status == rules.INCIDENT:
            flash(_("A deviation is reported; its reporting deadlines run from now."), "success")
            return redirect(url_for("monitoring_web.assessment", assessment_id=found.id))
        flash(_("Recorded: not an incident."), "success")
        if not can_read(db.session.get(Solution, found.solution_id), user):
            return redirect(url_for("monitoring_web.assessment", assessment_id=found.id))
        return redirect(url_for("monitoring_web.index", solution_id=found.solution_id))
    return _assessment_page(found, form, user, 422)


# --------------------------------------------------------------------------- informing and explanations


def _informing_form(solution, **kwargs) -> InformingForm:
    form = InformingForm(prefix="informing", **kwargs)
    form.evidence_id.choices = options([("", _("None"))] + [(e.id, e.title) for e in
                                                            evidence_services.evidence_for(solution.id)])
    return form


def _informing_page(solution, by: User, *, informing_form=None, explanation_form=None, status=200):
    today = region_today()
    return render_template(
        "monitoring/informing.html", solution=solution, records=services.informing_for(solution.id),
        requests=services.explanation_requests_for(solution.id), today=today,
        overdue=lambda r: services.explanation_overdue(r, today),
        can_edit=can_write(solution, by) and solution.phase != "retired",
        informing_form=informing_form or _informing_form(solution, formdata=None),
        explanation_form=explanation_form or ExplanationForm(prefix="request", formdata=None), **_labels()), status


@bp.get("/solutions/<int:solution_id>/informing")
@access(*READERS)
def informing(solution_id: int):
    by = actor()
    return _informing_page(get_solution(solution_id, by), by)


@bp.post("/solutions/<int:solution_id>/informing")
@access(*WRITERS)
def new_informing(solution_id: int):
    by = actor()
    solution = get_solution(solution_id, by, write=True)
    form = _informing_form(solution)
    if submit_form(form, lambda data: services.record_informing(solution, data, by)):
        flash(_("The informing is recorded."), "success")
        return redirect(url_for("monitoring_web.informing", solution_id=solution.id))
    return _informing_page(solution, by, informing_form=form, status=422)


@bp.post("/solutions/<int:solution_id>/explanation-requests")
@access(*WRITERS)
def new_explanation(solution_id: int):
    by = actor()
    solution = get_solution(solution_id, by, write=True)
    form = ExplanationForm(prefix="request")
    if submit_form(form, lambda data: services.log_explanation_request(solution, data, by)):
        flash(_("The request is logged."), "success")
        return redirect(url_for("monitoring_web.informing", solution_id=solution.id) + "#explanations")
    return _informing_page(solution, by, explanation_form=form, status=422)


@bp.route("/explanation-requests/<int:request_id>", methods=["GET", "POST"])
@access(*READERS)
def explanation(request_id: int):
    by = actor()
    solution, found = services.get_explanation_request(request_id, by, write=request.method == "POST")
    editable = can_write(solution, by) and found.answered_on is None and solution.phase != "retired"

    def page(form, status=200):
        return render_template("monitoring/explanation.html", solution=solution, row=found, form=form,
                               can_answer=editable, overdue=services.explanation_overdue(found, region_today()),
                               **_labels()), status

    if request.method == "GET":
        return page(AnswerForm(formdata=None, version=str(found.version)))
    form = AnswerForm()

    def write(data):
        services.require_if_match(found, f'"{form.version.data or ""}"', "request")
        services.answer_explanation_request(solution, found, data, by)

    try:
        saved = submit_form(form, write)
    except Stale:
        form.form_errors.append(_("Someone else answered meanwhile; read the request again."))
        return page(form, 412)
    if saved:
        flash(_("The answer is recorded."), "success")
        return redirect(url_for("monitoring_web.informing", solution_id=solution.id) + "#explanations")
    return page(form, 422)
