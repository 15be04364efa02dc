"""Portfolio steering on the web: the portfolio with its score, the indicator catalogue and the
trustworthy-AI assessment of a solution. Views parse and render; the services write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ai_register import formats
from ai_register.classification.labels import category_choices, cite
from ai_register.errors import status_of
from ai_register.exceptions import Conflict, InvalidInput, Stale
from ai_register.extensions import MAX_ID, db
from ai_register.goals.labels import PERSPECTIVES
from ai_register.obligations.labels import obligation_label
from ai_register.portfolio import assessments, decisions, indicators, queries, scoring, trustworthy
from ai_register.portfolio.forms import (
    IndicatorForm,
    MeetingForm,
    TrustworthyAssessmentForm,
    fill_assessment,
)
from ai_register.portfolio.labels import overdue_label
from ai_register.portfolio.schemas import (
    PortfolioViewArgsSchema,
)
from ai_register.preconditions import form_version_holds
from ai_register.reports.export import iter_csv
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER, SIGNED_IN, access, actor
from ai_register.solutions.access import can_write, get_solution
from ai_register.solutions.labels import decision_label, phase_choices
from ai_register.solutions.models import Solution
from ai_register.solutions.schemas import DECISION_KINDS
from ai_register.solutions.services import region_today
from ai_register.web.forms import schema_message, submit_form, submit_or_show

bp = Blueprint("portfolio_web", __name__, template_folder="templates")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
EDITORS = (COMPLIANCE, ADMIN)
PER_PAGE = 50
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
    filters = {key: request.args.get(key, "") for key in FILTERS}
    # The page shows PER_PAGE rows (the aggregates and the count cover every row that matches).
    user = actor()
    view = queries.portfolio(user, args, request.args.get("page", 1, type=int) or 1, PER_PAGE, clamp=True)
    view["rows"] = view.pop("items")
    page, pages = view["page"], max(1, -(-view["total"] // PER_PAGE))
    catalogue = indicators.indicators()  # the filter's choices and the aggregate's names: read once
    return render_template(
        "portfolio/index.html", view=view, filters=filters, invalid=invalid, page=page, pages=pages,
        page_url=lambda n: url_for("portfolio_web.portfolio", **{k: v for k, v in filters.items() if v}, page=n),
        can_decide=user.role == COMPLIANCE, decision_kinds=[(k, decision_label(k)) for k in DECISION_KINDS],
        # Each row's label, the catalog read once: the pattern has no markup, the name is escaped as it is put in.
        decision_for=_("Decision for %(name)s"),
        # Each row's link: the path of a solution's page up to its number, built once.
        solution_path=url_for("solutions_web.show", solution_id=PATH_MARK).removesuffix(str(PATH_MARK)),
        labels=SimpleNamespace(obligation=remembered(obligation_text), overdue=remembered(overdue_label)),
        meeting_errors=meeting_errors or [], meeting=request.form if meeting_errors else {},
        active_filters={k: v for k, v in filters.items() if v and k != "sort"},
        legend=_legend(), phase_choices=phase_choices(),
        category_choices=category_choices(), indicator_list=catalogue,
        perspectives=PERSPECTIVES, sorts=_sort_choices(),
        indicator_names={item.code: item.name(formats.lang()) for item in catalogue},
        csv_url=url_for("portfolio_web.portfolio_csv", **{k: v for k, v in filters.items() if v}),
    ), status


PATH_MARK = 987654321  # a solution number no page shows: cut from the end of a built path


def remembered(label: Callable[[str], str]) -> Callable[[str], str]:
    """`label` for one page: each code's text found once (the rows repeat a few obligations and overdue items;
    each costs catalog lookups). The page's language and rule set are the request's, so nothing outlives it."""
    written: dict[str, str] = {}

    def text(code: str) -> str:
        found = written.get(code)
        if found is None:
            found = written[code] = label(code)
        return found

    return text


def obligation_text(code: str) -> str:
    """An open obligation as the page shows it: its citation under the active rule set."""
    return cite(obligation_label(code))


@bp.post("/portfolio/decisions")
@access(COMPLIANCE)
def portfolio_decisions():
    """The decisions of a portfolio meeting: a kind chosen on each row, one rationale and reference."""
    form = MeetingForm()
    if not form.validate_on_submit():
        fields = {f.name: f.errors for f in form if f.errors and f.name != "csrf_token"}
        return _portfolio_page([*_messages(fields), *form.form_errors], 422)
    data = form.values()
    try:
        recorded = decisions.record_meeting_decisions(data, actor())
    except InvalidInput as problem:
        if not problem.errors:
            raise
        return _portfolio_page(_messages(problem.errors), 422)
    except (Conflict, Stale) as problem:
        refused = problem.extensions.get("refused") or []
        details = [f"{_decision_row_of(r['solution_id'])}{schema_message(r['detail'])}" for r in refused]
        return _portfolio_page([schema_message(problem.detail), *details], status_of(problem))
    flash(_("%(count)s decision(s) of meeting %(ref)s are recorded.", count=len(recorded),
            ref=data["meeting_reference"]), "success")
    return redirect(url_for("portfolio_web.portfolio"))


MEETING_FIELDS = {
    "meeting_reference": _l("Meeting reference"),
    "decided_on": _l("Meeting date"),
    "decisions": _l("Decisions"),
    "rationale": _l("Rationale"),
    "kind": _l("Meeting decision"),
    "follow_up_data": _l("Follow-up data"),
    "solution_id": _l("Solution"),
}


def _messages(errors, where: str = "") -> list[str]:
    """Nested marshmallow messages as lines for the error summary, fields named by their labels.
    A decision's messages name its solution; its rationale is the meeting's one field."""
    lines = []
    for name, value in errors.items():
        if name == "decisions" and isinstance(value, dict):
            for index, item in value.items():
                if isinstance(item, dict):  # the rationale is one field for all of them
                    lines += _messages({k: v for k, v in item.items() if k == "rationale"})
                    lines += _messages({k: v for k, v in item.items() if k != "rationale"}, _decision_row(index))
                else:
                    lines += [f"{_decision_row(index)}{schema_message(m)}" for m in _as_list(item)]
            continue
        if name == "decisions" and not _chosen_rows():
            lines.append(_("Choose a decision for at least one solution."))
            continue
        label = f"{where}{MEETING_FIELDS[name]}: " if name in MEETING_FIELDS else where
        if isinstance(value, dict):
            lines += _messages(value, label)
        else:
            lines += [f"{label}{schema_message(m)}" for m in _as_list(value)]
    return list(dict.fromkeys(lines))


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _decision_row(index) -> str:
    """The solution a decision of the meeting form is for: the form's rows are "kind-<id>"."""
    rows = _chosen_rows()
    if str(index).isdigit() and int(index) < len(rows):
        return _decision_row_of(rows[int(index)])
    return ""


def _chosen_rows() -> list[str]:
    return [key.removeprefix("kind-") for key, value in request.form.items() if key.startswith("kind-") and value]


def _decision_row_of(solution_id) -> str:
    return f"{_('Decision for %(name)s', name=_solution_name(str(solution_id)))}: "


def _solution_name(solution_id: str) -> str:
    known = solution_id.isdigit() and 0 < int(solution_id) <= MAX_ID
    solution = db.session.get(Solution, int(solution_id)) if known else None
    return solution.name if solution is not None else f"#{solution_id}"


def _legend() -> list[tuple[str, str]]:
    """scoring.legend() in the reader's language (the pure module keeps the English the API gives)."""
    years = scoring.COST_YEARS
    return [
        ("B", _("yearly net benefit ÷ the largest in the portfolio (0 when none or negative)")),
        ("R", _("risk: prohibited 1, high-risk 0.75, unclassified or undecided 0.5, limited 0.25, minimal 0")),
        ("C", _("cost over %(years)d years (one-off + %(years)d × yearly) ÷ the largest in the portfolio; "
                "1 without a benefit estimate", years=years)),
        ("S", _("share of the five goal perspectives covered by the solution's goals")),
    ]


def _sort_choices() -> list[tuple[str, str]]:
    return [("-score", _("Score, highest first")), ("score", _("Score, lowest first")), ("name", _("Name")),
            ("phase", _("Phase")), ("-yearly_net_benefit", _("Benefit, highest first")),
            ("three_year_cost", _("Cost, lowest first")), ("-risk", _("Risk, highest first"))]


@bp.get("/portfolio/export.csv")
@access(*READERS)
def portfolio_csv():
    args, _invalid = _portfolio_args()
    rows = queries.iter_rows(actor(), args)
    response = Response(stream_with_context(iter_csv(queries.CSV_COLUMNS, (queries.csv_row(r) for r in rows))),
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
    if request.method == "POST" and submit_form(form, indicators.create_indicator):
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
        return render_template("portfolio/indicator_form.html", form=form, indicator=indicator)
    try:
        with form_version_holds(indicator.version, form.version.data, "indicator"):
            saved = submit_form(form, lambda data: indicators.update_indicator(indicator, data))
    except Stale:
        indicator = indicators.get_indicator(indicator_id)
        form.form_errors.append(_("Someone changed the indicator meanwhile. Check the values below and save again."))
        form.version.data = str(indicator.version)
        return render_template("portfolio/indicator_form.html", form=form, indicator=indicator), 412
    if saved:
        flash(_("The indicator is saved."), "success")
        return redirect(url_for("portfolio_web.indicator_list"))
    return render_template("portfolio/indicator_form.html", form=form, indicator=indicator), 422


# --------------------------------------------------------------------------- trustworthy-AI assessment


def _assessment_page(solution, form, user):
    latest = assessments.latest_assessment(solution.id)
    return render_template(
        "portfolio/assessment.html", solution=solution, form=form,
        view=assessments.assessment_view(latest, solution.id),
        requirements=trustworthy.REQUIREMENTS, answer_labels=trustworthy.ANSWER_LABELS,
        can_edit=can_write(solution, user) and solution.phase != "retired", today=region_today(),
    )


@bp.get("/solutions/<int:solution_id>/trustworthy-assessment")
@access(*READERS)
def assessment(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user)
    form = TrustworthyAssessmentForm(formdata=None)
    fill_assessment(form, assessments.latest_assessment(solution.id))
    return _assessment_page(solution, form, user)


@bp.post("/solutions/<int:solution_id>/trustworthy-assessment")
@access(*WRITERS)
def assessment_save(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user, write=True)
    form = TrustworthyAssessmentForm()
    return submit_or_show(form, lambda data: assessments.record_assessment(solution, data, user),
                          saved=_("The trustworthy-AI assessment is saved."),
                          to=url_for("portfolio_web.assessment", solution_id=solution.id),
                          page=lambda: _assessment_page(solution, form, user))
