"""The portfolio view: every solution the reader may see, with benefit, cost, risk, overdue items
and the prioritisation score; aggregates per goal perspective, common indicator and care unit.

Builds on the portfolio report's rows (`reports.portfolio_report.iter_portfolio`: phase, status, risk
classes, oversight owner, open obligations) and adds what steering needs, in a few queries per
batch of solutions rather than per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ai_register.apikit import page_window
from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.goals.models import BenefitEstimate, Goal
from ai_register.portfolio import assessments, ranking, scoring, stored
from ai_register.portfolio.models import Indicator
from ai_register.reports.export import portfolio_csv_row
from ai_register.reports.portfolio_report import portfolio_query, portfolio_rows
from ai_register.solutions.access import owned_ids, visible_by_id
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


def _enrich(rows: list[dict[str, Any]], today: date) -> None:
    """Add benefit, goals, criticality, continuity, assessment and overdue items to each row."""
    ids = [row["id"] for row in rows]
    benefit: dict[int, BenefitEstimate] = {}
    goals: dict[int, list[Goal]] = defaultdict(list)
    evidence: dict[int, list[EvidenceFact]] = defaultdict(list)
    solutions: dict[int, Any] = {}
    for chunk in _chunks(ids):
        benefit.update({b.solution_id: b for b in db.session.scalars(
            select(BenefitEstimate).where(BenefitEstimate.solution_id.in_(chunk)))})
        for goal in db.session.scalars(select(Goal).where(Goal.solution_id.in_(chunk))
                                       .options(selectinload(Goal.measurements)).order_by(Goal.id)):
            goals[goal.solution_id].append(goal)
        for item in db.session.scalars(select(Evidence).where(Evidence.solution_id.in_(chunk),
                                                              Evidence.superseded_by_id.is_(None))):
            evidence[item.solution_id].append(EvidenceFact(EvidenceType(item.type), item.issued_on,
                                                           item.expires_on))
        # The three columns it needs, not the solutions again (their JSON columns were parsed once already).
        solutions.update({s.id: s for s in db.session.execute(
            select(Solution.id, Solution.critical_for_patient_care, Solution.max_tolerable_outage_hours,
                   Solution.recovery_plan_tested_on).where(Solution.id.in_(chunk)))})
    latest = {}
    reviews = {}
    for chunk in _chunks(ids):
        latest.update(assessments.latest_assessments(chunk))
        reviews.update(assessments.last_reviews(chunk))
    indicator_codes = dict(db.session.execute(select(Indicator.id, Indicator.code)).all())

    for row in rows:
        sid = row["id"]
        solution = solutions[sid]
        estimate = benefit.get(sid)
        result = estimate.result if estimate is not None else None
        row["currency"] = estimate.currency if estimate else None
        row["yearly_net_benefit"] = _money(result.yearly_net_benefit) if result else None
        row["three_year_cost"] = (_money(scoring.three_year_cost(estimate.one_off_cost, estimate.yearly_cost))
                                  if estimate else None)
        own_goals = goals.get(sid, [])
        on_target = sum(1 for g in own_goals if g.target_met)
        row["goals"] = len(own_goals)
        row["goals_on_target"] = on_target
        row["realised_share"] = round(on_target / len(own_goals), 3) if own_goals else None
        row["perspectives"] = sorted({g.perspective for g in own_goals})
        row["indicators"] = sorted({indicator_codes[g.indicator_id] for g in own_goals
                                    if g.indicator_id in indicator_codes})
        row["critical_for_patient_care"] = solution.critical_for_patient_care
        row["max_tolerable_outage_hours"] = solution.max_tolerable_outage_hours
        row["recovery_plan_tested_on"] = solution.recovery_plan_tested_on
        facts = evidence.get(sid, [])
        continuity = continuity_if_critical(
            GateFacts(evidence=tuple(f for f in facts if f.type.value in CONTINUITY_TYPES),
                      critical_for_patient_care=solution.critical_for_patient_care,
                      recovery_plan_tested_on=solution.recovery_plan_tested_on), today, GateSettings())
        row["continuity_gaps"] = [u.code for u in continuity]
        row["trustworthy_assessment"] = assessments.assessment_state(latest.get(sid), reviews.get(sid))
        overdue = []
        if row.get("review_overdue"):
            overdue.append("review_overdue")
        if row["trustworthy_assessment"] == assessments.REFRESH_DUE:
            overdue.append("trustworthy_assessment_refresh_due")
        overdue += [f"continuity:{code}" for code in row["continuity_gaps"]]
        overdue += [f"evidence_expired:{kind}" for kind in _expired_types(facts, today)]
        row["overdue"] = overdue
        row["_goals"] = own_goals


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

    rows: Any  # subquery: id, name, phase, category, benefit, cost, perspectives, care_units, critical, tenths
    ids: Select  # the matching ids, unscored unless a minimum score filters them
    ordered: Select
    largest: ranking.Maxima
    weights: Mapping[str, float]
    today: date
    whole: bool = False  # every solution the reader sees, each with its kept score: no filter at all
    size: int | None = None  # how many solutions the reader sees (known from the kept rows' check)
    reader: int | None = None  # a reader who sees a part of the register: their kept rows (portfolio.readers)

    def total(self) -> int:
        if self.whole and self.size is not None:
            return self.size
        return db.session.scalar(select(func.count()).select_from(self.ids.subquery()))

    def aggregates(self) -> dict[str, list[dict[str, Any]]]:
        return ranking.aggregates(self.ids, whole=self.whole, reader=self.reader)

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        ids = list(db.session.scalars(self.ordered.offset(offset).limit(limit)))
        return self.build(ids)

    def build(self, ids: list[int]) -> list[dict[str, Any]]:
        """The portfolio rows of `ids`, in that order, enriched and scored (a few statements)."""
        if not ids:
            return []
        rows = list(portfolio_rows(ids, len(ids)))
        _enrich(rows, self.today)
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
        # The reader sees the whole register: its maxima are the stored basis's, its scores the stored ones.
        rows = ranking.matching(filtered, args, today)
        ids = ranking.matching_ids(filtered, args, today, rows)
        # Unfiltered, a reader who sees the whole register reads its kept aggregates and its counted size.
        whole = unfiltered and not ranking.criteria(filtered)
        reader, largest = None, register
    else:
        # A reader who sees a part (an owner): their rows and aggregates are kept for them, scored against the
        # largest among their own solutions (portfolio.readers), found by their id in an index; the kept rows are
        # the solutions they see (kept in step with every change of owners, checked against their ids above).
        largest, size = stored.reader_current(user, chosen)
        reader = user.id
        rows = ranking.matching(select(Solution.id).where(*solution_filters(filters)), args, today, reader=reader)
        filtered = select(Solution.id).where(visible, *solution_filters(filters))
        # Unfiltered, an owner's rows are their own ids (counted by the check above).
        ids = owned_ids(user) if unfiltered else ranking.matching_ids(filtered, args, today, rows)
        whole = unfiltered
    ordered = select(rows.c.id).order_by(*ranking.order_by(rows, args.get("sort", "-score")))
    return Ranked(rows, ids, ordered, largest, chosen, today, whole, size, reader)


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
