"""The portfolio view: every solution the reader may see, with benefit, cost, risk, overdue items
and the prioritisation score; aggregates per goal perspective, common indicator and care unit.

Builds on the portfolio report's rows (`reports.portfolio_report.iter_portfolio`: phase, status, risk
classes, oversight owner, open obligations) and adds what steering needs, in a few queries per
batch of solutions rather than per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from flask import current_app
from sqlalchemy import Select, Text, and_, bindparam, cast, func, select

from ai_register import statements
from ai_register.apikit import page_window
from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.goals.benefit import calculate_benefit
from ai_register.goals.models import BenefitEstimate
from ai_register.portfolio import assessments, contributions, ranking, scoring, stored
from ai_register.portfolio.models import Indicator, PortfolioContribution, TrustworthyAssessment
from ai_register.reports.export import portfolio_csv_row
from ai_register.reports.portfolio_report import current_oversight_owners, open_obligations, portfolio_query
from ai_register.reviews.models import Review
from ai_register.solutions.access import owned_ids_of, visible_by_id
from ai_register.solutions.lifecycle.facts import EvidenceFact, EvidenceType, GateFacts, GateSettings
from ai_register.solutions.lifecycle.gates import continuity_if_critical
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today, solution_filters
from ai_register.users.models import User

BATCH = 500
CONTINUITY_TYPES = (EvidenceType.FALLBACK_ROUTINE.value, EvidenceType.RECOVERY_PLAN.value)
CSV_COLUMNS = ("id", "name", "phase", "status", "ai_act_category", "device_class", "owner", "care_units",
               "yearly_net_benefit", "three_year_cost", "currency", "goals", "goals_on_target",
               "realised_share", "critical_for_patient_care", "max_tolerable_outage_hours",
               "trustworthy_assessment", "open_obligations", "overdue", "score")


def weights() -> dict[str, float]:
    """The configured weights (a mapping, or the environment's `name=value,...` text)."""
    configured = current_app.config.get("PORTFOLIO_WEIGHTS")
    if isinstance(configured, Mapping):
        return {**scoring.DEFAULT_WEIGHTS, **{k: float(v) for k, v in configured.items()}}
    return scoring.parse_weights(configured)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _row_statements(kind: str) -> tuple[Select, Select, Select]:
    """`_rows`' three statements of the ids given at execution (`:ids`), built once (`statements.built`): the
    solutions with their owner's name, benefit estimate, last review and latest assessment; their goals' figures
    from their kept contributions; their evidence."""
    latest = (select(TrustworthyAssessment.assessed_on, TrustworthyAssessment.answers)
              .where(TrustworthyAssessment.solution_id == Solution.id)
              .order_by(TrustworthyAssessment.assessed_on.desc(), TrustworthyAssessment.id.desc()).limit(1))
    reviewed = select(func.max(Review.reviewed_on)).where(Review.solution_id == Solution.id).scalar_subquery()
    estimate = BenefitEstimate
    solutions = (
        select(Solution.id, Solution.name, Solution.phase, Solution.status, Solution.current_ai_act_category,
               Solution.current_device_class, Solution.next_review_on, Solution.care_units, Solution.needs_rereview,
               Solution.critical_for_patient_care, Solution.max_tolerable_outage_hours,
               Solution.recovery_plan_tested_on, User.display_name.label("owner"), estimate.id.label("estimate"),
               estimate.currency, estimate.one_off_cost, estimate.yearly_cost, estimate.yearly_savings,
               estimate.hours_freed_per_year, estimate.hourly_cost, reviewed.label("last_review"),
               latest.with_only_columns(TrustworthyAssessment.assessed_on).scalar_subquery().label("assessed_on"),
               latest.with_only_columns(TrustworthyAssessment.answers).scalar_subquery().label("answers"))
        .outerjoin(User, User.id == Solution.owner_id).outerjoin(estimate, estimate.solution_id == Solution.id)
        .where(statements.among(Solution.id, kind)))
    c = PortfolioContribution
    goals = (select(c.solution_id, c.kind, c.key, Indicator.code, c.goals, c.goals_on_target)
             .outerjoin(Indicator, and_(c.kind == contributions.INDICATOR, cast(Indicator.id, Text) == c.key))
             .where(statements.among(c.solution_id, kind),
                    c.kind.in_((contributions.PERSPECTIVE, contributions.INDICATOR))))
    evidence = (select(Evidence.solution_id, Evidence.type, Evidence.issued_on, Evidence.expires_on)
                .where(statements.among(Evidence.solution_id, kind), Evidence.superseded_by_id.is_(None))
                .order_by(Evidence.id))
    return solutions, goals, evidence


def _rows(ids: list[int], today: date) -> list[dict[str, Any]]:
    """The portfolio rows of `ids`, in that order: the portfolio report's columns (`portfolio_rows`: phase,
    status, risk classes, owners, next review, open obligations), benefit, goals, criticality, continuity, the
    trustworthy-AI assessment and overdue items. Five statements: the solutions with their owner's name, benefit
    estimate, last review and latest assessment; their goals' figures from their kept contributions
    (`portfolio.contributions`, current after `stored.current`); their evidence; the oversight owners; the open
    obligations."""
    solutions_statement, goals_statement, evidence_statement = statements.built("portfolio.rows", _row_statements)
    given = {"ids": ids}
    solutions = {row.id: row for row in db.session.execute(solutions_statement, given)}
    goals: dict[int, list] = defaultdict(list)
    for line in db.session.execute(goals_statement, given):
        goals[line.solution_id].append(line)
    evidence: dict[int, list[EvidenceFact]] = defaultdict(list)
    for item in db.session.execute(evidence_statement, given):
        evidence[item.solution_id].append(EvidenceFact(EvidenceType(item.type), item.issued_on, item.expires_on))
    oversight = current_oversight_owners(ids)
    obligations = open_obligations(ids, today)

    rows = []
    for sid in ids:
        solution = solutions[sid]
        next_review = solution.next_review_on
        row = {
            "id": sid, "name": solution.name, "phase": solution.phase, "status": solution.status,
            "ai_act_category": solution.current_ai_act_category, "device_class": solution.current_device_class,
            "owner": solution.owner, "oversight_owner": oversight[sid]["name"] if sid in oversight else None,
            "next_review_on": next_review.isoformat() if next_review else None,
            "review_overdue": bool(next_review and next_review < today),
            "open_obligations": obligations.get(sid, []), "care_units": list(solution.care_units or []),
            "needs_rereview": solution.needs_rereview,
        }
        if solution.estimate is not None:
            result = calculate_benefit(one_off_cost=solution.one_off_cost, yearly_cost=solution.yearly_cost,
                                       yearly_savings=solution.yearly_savings,
                                       hours_freed_per_year=solution.hours_freed_per_year,
                                       hourly_cost=solution.hourly_cost)
            row["currency"] = solution.currency
            row["yearly_net_benefit"] = _money(result.yearly_net_benefit)
            row["three_year_cost"] = _money(scoring.three_year_cost(solution.one_off_cost, solution.yearly_cost))
        else:
            row.update(currency=None, yearly_net_benefit=None, three_year_cost=None)
        lines = goals.get(sid, [])
        per_perspective = [line for line in lines if line.kind == contributions.PERSPECTIVE]
        count = sum(line.goals for line in per_perspective)  # every goal has one perspective
        on_target = sum(line.goals_on_target for line in per_perspective)
        row["goals"] = count
        row["goals_on_target"] = on_target
        row["realised_share"] = round(on_target / count, 3) if count else None
        row["perspectives"] = sorted(line.key for line in per_perspective)
        row["indicators"] = sorted(line.code for line in lines
                                   if line.kind == contributions.INDICATOR and line.code is not None)
        row["critical_for_patient_care"] = solution.critical_for_patient_care
        row["max_tolerable_outage_hours"] = solution.max_tolerable_outage_hours
        row["recovery_plan_tested_on"] = solution.recovery_plan_tested_on
        facts = evidence.get(sid, [])
        continuity = continuity_if_critical(
            GateFacts(evidence=tuple(f for f in facts if f.type.value in CONTINUITY_TYPES),
                      critical_for_patient_care=solution.critical_for_patient_care,
                      recovery_plan_tested_on=solution.recovery_plan_tested_on), today, GateSettings())
        row["continuity_gaps"] = [u.code for u in continuity]
        assessed = (None if solution.assessed_on is None else
                    LatestAssessment(solution.assessed_on, solution.answers))
        row["trustworthy_assessment"] = assessments.assessment_state(assessed, solution.last_review)
        overdue = []
        if row["review_overdue"]:
            overdue.append("review_overdue")
        if row["trustworthy_assessment"] == assessments.REFRESH_DUE:
            overdue.append("trustworthy_assessment_refresh_due")
        overdue += [f"continuity:{code}" for code in row["continuity_gaps"]]
        overdue += [f"evidence_expired:{kind}" for kind in _expired_types(facts, today)]
        row["overdue"] = overdue
        rows.append(row)
    return rows


@dataclass(frozen=True)
class LatestAssessment:
    """What `assessments.assessment_state` reads of a solution's latest trustworthy-AI assessment."""

    assessed_on: date
    answers: dict | None


def _expired_types(facts: list[EvidenceFact], today: date) -> list[str]:
    """Evidence types whose records have all expired (a valid record of the type replaces an old one)."""
    valid = {f.type.value for f in facts if f.valid_on(today)}
    lapsed = {f.type.value for f in facts
              if f.expires_on is not None and f.issued_on <= today and not f.valid_on(today)}
    return sorted(lapsed - valid)


def _score(rows: list[dict[str, Any]], chosen: Mapping[str, float], largest: ranking.Maxima) -> None:
    inputs = {row["id"]: scoring.ScoreInput(
        None if row["yearly_net_benefit"] is None else Decimal(str(row["yearly_net_benefit"])),
        None if row["three_year_cost"] is None else Decimal(str(row["three_year_cost"])),
        row["ai_act_category"], frozenset(row["perspectives"])) for row in rows}
    scores = scoring.score_all(inputs, chosen, largest.as_decimals())
    for row in rows:
        row["score"] = scores[row["id"]].value
        row["score_parts"] = dict(scores[row["id"]].parts)


SOLUTION_FILTERS = ("phase", "status", "ai_act_category", "device_class", "owner_id", "care_unit", "tag",
                    "overdue_review", "q")
ROW_FILTERS = ("critical", "overdue", "indicator", "perspective", "min_score")  # ranking.row_filters, matching


@dataclass(frozen=True)
class Ranked:
    """The rows a portfolio view's filters match, scored and ordered in the database."""

    # (rows, ids, ordered), built when first read (a whole view pages by `paged` and reads neither):
    # rows: subquery: id, name, phase, category, benefit, cost, perspectives, care_units, critical, tenths;
    # ids: the matching ids, unscored unless a minimum score filters them; ordered: their ids in the view's order
    source: Callable[[], tuple[Any, Select, Select]]
    largest: ranking.Maxima
    weights: Mapping[str, float]
    today: date
    whole: bool = False  # every solution the reader sees, each with its kept score: no filter at all
    size: int | None = None  # how many solutions the reader sees (known from the kept rows' check)
    reader: int | None = None  # a reader who sees a part of the register: their kept rows (portfolio.readers)
    paged: Select | None = None  # `ordered` with :offset and :limit (and :reader), built once: every whole view

    @cached_property
    def _built(self) -> tuple[Any, Select, Select]:
        return self.source()

    @property
    def rows(self) -> Any:
        return self._built[0]

    @property
    def ids(self) -> Select:
        return self._built[1]

    @property
    def ordered(self) -> Select:
        return self._built[2]

    def total(self) -> int:
        if self.whole and self.size is not None:
            return self.size
        return db.session.scalar(select(func.count()).select_from(self.ids.subquery()))

    def aggregates(self) -> dict[str, list[dict[str, Any]]]:
        return ranking.aggregates(self.ids, whole=self.whole, reader=self.reader)

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if self.paged is not None:
            given = {"offset": offset, "limit": limit, **({} if self.reader is None else {"reader": self.reader})}
            ids = list(db.session.scalars(self.paged, given))
        else:
            ids = list(db.session.scalars(self.ordered.offset(offset).limit(limit)))
        return self.build(ids)

    def build(self, ids: list[int]) -> list[dict[str, Any]]:
        """The portfolio rows of `ids`, in that order, enriched and scored (a few statements)."""
        if not ids:
            return []
        rows = []
        for chunk in _chunks(ids):
            rows += _rows(chunk, self.today)
        _score(rows, self.weights, self.largest)
        return rows

    def stream(self) -> Iterator[dict[str, Any]]:
        """Every matching row in order, read in batches from one cursor (constant memory)."""
        result = db.session.execute(self.ordered.execution_options(yield_per=BATCH))
        for partition in result.partitions():
            yield from self.build([row[0] for row in partition])


def ranked(user: User, args: Mapping[str, Any]) -> Ranked:
    """Score, filter and order the reader's portfolio in SQL (portfolio.ranking); no row is read yet.

    The score's benefit and cost shares are relative to the largest among all the reader may see,
    so a filter does not change a solution's score."""
    today = region_today()
    chosen = weights()
    ranking.without_jit()
    filters = {k: args[k] for k in SOLUTION_FILTERS if k in args}
    visible = visible_by_id(user)
    # The stored rows made current (kept numbers on the basis row: no table read whole on PostgreSQL).
    register, size = stored.current(chosen)
    unfiltered = not any(key in args for key in (*SOLUTION_FILTERS, *ROW_FILTERS))
    if visible is None:
        filtered = portfolio_query(user, filters).order_by(None).with_only_columns(Solution.id)

        def matched() -> tuple[Any, Select]:
            # The reader sees the whole register: its maxima are the stored basis's, its scores the stored ones.
            rows = ranking.matching(filtered, args, today)
            return rows, ranking.matching_ids(filtered, args, today, rows)

        # Unfiltered, a reader who sees the whole register reads its kept aggregates and its counted size.
        whole = unfiltered and not ranking.criteria(filtered)
        reader, largest = None, register
    else:
        # A reader who sees a part (an owner): their rows and aggregates are kept for them, scored against the
        # largest among their own solutions (portfolio.readers), found by their id in an index; the kept rows are
        # the solutions they see (kept in step with every change of owners, checked against their ids above).
        largest, size = stored.reader_current(user, chosen)
        reader = user.id

        def matched() -> tuple[Any, Select]:
            rows = ranking.matching(select(Solution.id).where(*solution_filters(filters)), args, today, reader=reader)
            filtered = select(Solution.id).where(visible, *solution_filters(filters))
            # Unfiltered, an owner's rows are their own ids (counted by the check above).
            return rows, owned_ids_of(reader) if unfiltered else ranking.matching_ids(filtered, args, today, rows)

        whole = unfiltered
    sort = args.get("sort", "-score")
    kept = whole and sort.removeprefix("-") in ranking.KEPT_ORDERS

    def source() -> tuple[Any, Select, Select]:
        rows, ids = matched()
        ordering = ranking.kept_rows(sort, reader=reader).subquery() if kept else rows
        return rows, ids, select(ordering.c.id).order_by(*ranking.order_by(ordering, sort))

    paged = None
    if kept:  # the same order over the kept rows, the reader and the page given at execution
        paged = statements.built(f"portfolio.kept_page:{sort}:{'reader' if reader is not None else 'register'}",
                                 lambda _kind: _kept_page(sort, reader is not None))
    return Ranked(source, largest, chosen, today, whole, size, reader, paged)


def _kept_page(sort: str, for_reader: bool) -> Select:
    """A page of the kept rows in `sort`'s order (`ranking.kept_rows`), of :reader's rows when `for_reader`."""
    source = ranking.kept_rows(sort, reader=ranking.READER if for_reader else None).subquery()
    return (select(source.c.id).order_by(*ranking.order_by(source, sort))
            .offset(bindparam("offset")).limit(bindparam("limit")))


def portfolio(user: User, args: Mapping[str, Any], page: int = 1, per_page: int = 50,
              clamp: bool = False) -> dict[str, Any]:
    """One page of the portfolio (every matching row scored against the whole visible portfolio, in
    the database), its total, and the aggregates over every matching row. `clamp`: a page past the end
    shows the last page (the web page); otherwise it is empty (the API)."""
    view = ranked(user, args)
    total = view.total()
    if clamp:
        page = min(max(1, page), max(1, -(-total // per_page)))
    offset, limit = page_window(page, per_page)
    return {"items": view.page(offset, limit), "total": total, "page": page, "per_page": per_page,
            "weights": view.weights, "formula": scoring.formula(view.weights),
            "legend": [{"symbol": s, "meaning": m} for s, m in scoring.legend()],
            "aggregates": view.aggregates()}


def iter_rows(user: User, args: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every matching row in the view's order, streamed (the CSV)."""
    return ranked(user, args).stream()


def csv_row(row: Mapping[str, Any]) -> list[str]:
    return portfolio_csv_row(row, CSV_COLUMNS)
