"""Portfolio steering on the web: the portfolio with its score, the indicator catalogue and the
trustworthy-AI assessment of a solution. Views parse and render; the services write."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ai_register.errors import Problem
from ai_register.portfolio import assessments, decisions, indicators, queries, scoring, trustworthy
from ai_register.portfolio.forms import (
    IndicatorForm,
    TrustworthyAssessmentForm,
    fill_assessment,
)
from ai_register.portfolio.schemas import (
    IndicatorPatchSchema,
    IndicatorWriteSchema,
    MeetingDecisionsSchema,
    PortfolioViewArgsSchema,
    TrustworthyAssessmentCreateSchema,
)
from ai_register.reports.export import iter_csv
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER, SIGNED_IN, access, actor
from ai_register.solutions.access import can_write, get_solution
from ai_register.solutions.schemas import DECISION_KINDS
from ai_register.solutions.services import region_today
from ai_register.web import labels
from ai_register.web.records import save

bp = Blueprint("portfolio_web", __name__, template_folder="templates")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
EDITORS = (COMPLIANCE, ADMIN)
FILTERS = ("q", "phase", "status", "ai_act_category", "care_unit", "critical", "overdue", "indicator",
           "perspective", "sort")


# --------------------------------------------------------------------------- portfolio


def _portfolio_args() -> tuple[dict, list[str]]:
    """The query string as the API's arguments; an invalid filter is dropped and named."""
    raw = {key: request.args.get(key, "").strip() for key in FILTERS}
    raw = {key: value for key, value in raw.items() if value}
    schema = PortfolioViewArgsSchema()
    try:
        return schema.load(raw), []
    except ValidationError as error:
        bad = sorted(error.messages)
        return schema.load({k: v for k, v in raw.items() if k not in bad}), bad


@bp.get("/portfolio")
@access(*READERS)
def portfolio():
    return _portfolio_page()


def _portfolio_page(meeting_errors: list[str] | None = None, status: int = 200):
    args, invalid = _portfolio_args()
    view = queries.portfolio(actor(), args)
    filters = {key: request.args.get(key, "") for key in FILTERS}
    return render_template(
        "portfolio/index.html", view=view, filters=filters, invalid=invalid,
        can_decide=actor().role == COMPLIANCE, decision_kinds=[(k, labels.decision_label(k)) for k in DECISION_KINDS],
        meeting_errors=meeting_errors or [], meeting=request.form if meeting_errors else {},
        active_filters={k: v for k, v in filters.items() if v and k != "sort"},
        legend=scoring.legend(), phase_choices=labels.phase_choices(),
        category_choices=labels.category_choices(), indicator_list=indicators.indicators(),
        perspectives=labels.PERSPECTIVES, sorts=_sort_choices(),
        csv_url=url_for("portfolio_web.portfolio_csv", **{k: v for k, v in filters.items() if v}),
    ), status


@bp.post("/portfolio/decisions")
@access(COMPLIANCE)
def portfolio_decisions():
    """The decisions of a portfolio meeting: a kind chosen on each row, one rationale and reference."""
    form = request.form
    items = [{"solution_id": key.removeprefix("kind-"), "kind": value, "rationale": form.get("rationale", "")}
             for key, value in form.items() if key.startswith("kind-") and value]
    raw = {"meeting_reference": form.get("meeting_reference", ""), "decisions": items}
    if form.get("decided_on"):
        raw["decided_on"] = form["decided_on"]
    try:
        data = MeetingDecisionsSchema().load(raw)
    except ValidationError as error:
        return _portfolio_page(_messages(error.messages), 422)
    try:
        recorded = decisions.record_meeting_decisions(data, actor())
    except Problem as problem:
        if problem.code not in (409, 412, 422):
            raise
        refused = problem.extensions.get("refused") or []
        details = [f"#{r['solution_id']}: {r['detail']}" for r in refused]
        return _portfolio_page([problem.description, *details, *_messages(problem.errors or {})], problem.code)
    flash(_("%(count)s decision(s) of meeting %(ref)s are recorded.", count=len(recorded),
            ref=data["meeting_reference"]), "success")
    return redirect(url_for("portfolio_web.portfolio"))


def _messages(errors, prefix: str = "") -> list[str]:
    """Nested marshmallow messages as flat lines for the error summary."""
    lines = []
    for name, value in errors.items():
        label = f"{prefix}{name}"
        if isinstance(value, dict):
            lines += _messages(value, f"{label}.")
        else:
            lines += [f"{label}: {m}" for m in (value if isinstance(value, list) else [value])]
    return lines


def _sort_choices() -> list[tuple[str, str]]:
    return [("-score", _("Score, highest first")), ("score", _("Score, lowest first")), ("name", _("Name")),
            ("phase", _("Phase")), ("-yearly_net_benefit", _("Benefit, highest first")),
            ("three_year_cost", _("Cost, lowest first")), ("-risk", _("Risk, highest first"))]


@bp.get("/portfolio/export.csv")
@access(*READERS)
def portfolio_csv():
    args, _invalid = _portfolio_args()
    rows = queries.portfolio(actor(), args)["rows"]
    response = Response(iter_csv(queries.CSV_COLUMNS, (queries.csv_row(r) for r in rows)),
                        mimetype="text/csv", content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="portfolio-{datetime.now(UTC).date().isoformat()}.csv"')
    return response


# --------------------------------------------------------------------------- indicator catalogue


@bp.get("/indicators")
@access(*SIGNED_IN)
def indicator_list():
    return render_template("portfolio/indicators.html", items=indicators.indicators(),
                           can_edit=actor().role in EDITORS)


@bp.route("/indicators/new", methods=["GET", "POST"])
@access(*EDITORS)
def indicator_new():
    form = IndicatorForm()
    if request.method == "POST" and save(form, IndicatorWriteSchema(), indicators.create_indicator):
        flash(_("The indicator is saved."), "success")
        return redirect(url_for("portfolio_web.indicator_list"))
    return render_template("portfolio/indicator_form.html", form=form, indicator=None), (
        422 if request.method == "POST" else 200)


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@access(*EDITORS)
def indicator_edit(indicator_id: int):
    indicator = indicators.get_indicator(indicator_id)
    form = IndicatorForm()
    if request.method == "GET":
        form.fill_from(indicator)
    elif save(form, IndicatorPatchSchema(), lambda data: indicators.update_indicator(indicator, data)):
        flash(_("The indicator is saved."), "success")
        return redirect(url_for("portfolio_web.indicator_list"))
    return render_template("portfolio/indicator_form.html", form=form, indicator=indicator), (
        422 if request.method == "POST" else 200)


# --------------------------------------------------------------------------- trustworthy-AI assessment


def _assessment_page(solution, form, status: int = 200):
    latest = assessments.latest_assessment(solution.id)
    return render_template(
        "portfolio/assessment.html", solution=solution, form=form,
        view=assessments.assessment_view(latest, solution.id),
        requirements=trustworthy.REQUIREMENTS, answer_labels=trustworthy.ANSWER_LABELS,
        can_edit=can_write(solution, actor()) and solution.phase != "retired", today=region_today(),
    ), status


@bp.get("/solutions/<int:solution_id>/trustworthy-assessment")
@access(*READERS)
def assessment(solution_id: int):
    solution = get_solution(solution_id)
    form = TrustworthyAssessmentForm(formdata=None)
    fill_assessment(form, assessments.latest_assessment(solution.id))
    return _assessment_page(solution, form)


@bp.post("/solutions/<int:solution_id>/trustworthy-assessment")
@access(*WRITERS)
def assessment_save(solution_id: int):
    solution = get_solution(solution_id, write=True)
    form = TrustworthyAssessmentForm()
    if save(form, TrustworthyAssessmentCreateSchema(),
            lambda data: assessments.record_assessment(solution, data, actor())):
        flash(_("The trustworthy-AI assessment is saved."), "success")
        return redirect(url_for("portfolio_web.assessment", solution_id=solution.id))
    return _assessment_page(solution, form, 422)
