"""The portfolio view: every solution the reader may see, with benefit, cost, risk, overdue items
and the prioritisation score; aggregates per goal perspective, common indicator and care unit.

Builds on the portfolio report's rows (`reports.portfolio_report.iter_portfolio`: phase, status, risk
classes, oversight owner, open obligations) and adds what steering needs, in a few queries per
batch of solutions rather than per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.goals.models import BenefitEstimate, Goal
from ai_register.portfolio import assessments, scoring
from ai_register.portfolio.models import Indicator
from ai_register.reports.export import portfolio_csv_row
from ai_register.reports.portfolio_report import iter_portfolio
from ai_register.solutions.lifecycle import (
    EvidenceFact,
    EvidenceType,
    GateFacts,
    GateSettings,
    continuity_if_critical,
)
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.users.models import User

BATCH = 500
CONTINUITY_TYPES = (EvidenceType.FALLBACK_ROUTINE.value, EvidenceType.RECOVERY_PLAN.value)
SORTS = ("score", "name", "phase", "yearly_net_benefit", "three_year_cost", "risk")
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
    solutions: dict[int, Solution] = {}
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
        solutions.update({s.id: s for s in db.session.scalars(select(Solution).where(Solution.id.in_(chunk)))})
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


def _score(rows: list[dict[str, Any]], chosen: Mapping[str, float]) -> None:
    inputs = {row["id"]: scoring.ScoreInput(
        None if row["yearly_net_benefit"] is None else Decimal(str(row["yearly_net_benefit"])),
        None if row["three_year_cost"] is None else Decimal(str(row["three_year_cost"])),
        row["ai_act_category"], frozenset(row["perspectives"])) for row in rows}
    scores = scoring.score_all(inputs, chosen)
    for row in rows:
        row["score"] = scores[row["id"]].value
        row["score_parts"] = dict(scores[row["id"]].parts)


def _matches(row: dict[str, Any], args: Mapping[str, Any]) -> bool:
    if "critical" in args and bool(row["critical_for_patient_care"]) != args["critical"]:
        return False
    if "overdue" in args and bool(row["overdue"]) != args["overdue"]:
        return False
    if "indicator" in args and args["indicator"] not in row["indicators"]:
        return False
    if "perspective" in args and args["perspective"] not in row["perspectives"]:
        return False
    return not ("min_score" in args and row["score"] < args["min_score"])


def _sort_key(sort: str):
    name = sort.removeprefix("-")
    if name == "risk":
        return lambda row: scoring.RISK_LEVELS.get(row["ai_act_category"], 0.5)
    if name == "phase":
        from ai_register.solutions.lifecycle import PHASE_ORDER

        order = [p.value for p in PHASE_ORDER]
        return lambda row: order.index(row["phase"]) if row["phase"] in order else len(order)
    if name == "name":
        return lambda row: row["name"].lower()
    return lambda row: row[name] if row[name] is not None else float("-inf")


SOLUTION_FILTERS = ("phase", "status", "ai_act_category", "device_class", "owner_id", "care_unit", "tag",
                    "overdue_review", "q")


def portfolio(user: User, args: Mapping[str, Any]) -> dict[str, Any]:
    """Every visible solution scored against the whole visible portfolio, then filtered and sorted.

    The score's benefit and cost shares are relative to the largest among all the reader may see,
    so a filter does not change a solution's score.
    """
    today = region_today()
    rows = list(iter_portfolio(user, {}))
    _enrich(rows, today)
    chosen = weights()
    _score(rows, chosen)
    wanted = {row["id"] for row in iter_portfolio(user, {k: args[k] for k in SOLUTION_FILTERS if k in args})} \
        if any(k in args for k in SOLUTION_FILTERS) else None
    shown = [row for row in rows if (wanted is None or row["id"] in wanted) and _matches(row, args)]
    sort = args.get("sort", "-score")
    shown.sort(key=lambda row: row["id"])
    shown.sort(key=_sort_key(sort), reverse=sort.startswith("-"))
    return {"rows": shown, "weights": chosen, "formula": scoring.formula(chosen),
            "legend": [{"symbol": s, "meaning": m} for s, m in scoring.legend()],
            "aggregates": aggregates(shown)}


def aggregates(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Goals and solutions per goal perspective, per common indicator and per care unit."""
    per_perspective: dict[str, dict[str, Any]] = {}
    per_indicator: dict[str, dict[str, Any]] = {}
    per_unit: dict[str, dict[str, Any]] = {}
    codes = dict(db.session.execute(select(Indicator.id, Indicator.code)).all())

    def bucket(table, key, **extra):
        return table.setdefault(key, {"key": key, "solutions": set(), "goals": 0, "goals_measured": 0,
                                      "goals_on_target": 0, **extra})

    for row in rows:
        for goal in row["_goals"]:
            targets = [bucket(per_perspective, goal.perspective)]
            if goal.indicator_id in codes:
                targets.append(bucket(per_indicator, codes[goal.indicator_id]))
            for entry in targets:
                entry["solutions"].add(row["id"])
                entry["goals"] += 1
                entry["goals_measured"] += bool(goal.measurements)
                entry["goals_on_target"] += bool(goal.target_met)
        for unit in row["care_units"] or []:
            entry = bucket(per_unit, unit, critical=0, score_sum=0.0, yearly_net_benefit=0.0)
            entry["solutions"].add(row["id"])
            entry["goals"] += row["goals"]
            entry["goals_on_target"] += row["goals_on_target"]
            entry["goals_measured"] += sum(1 for g in row["_goals"] if g.measurements)
            entry["critical"] += bool(row["critical_for_patient_care"])
            entry["score_sum"] += row["score"]
            entry["yearly_net_benefit"] += row["yearly_net_benefit"] or 0.0

    def finish(table):
        out = []
        for key in sorted(table):
            entry = dict(table[key])
            count = len(entry.pop("solutions"))
            entry["solutions"] = count
            if "score_sum" in entry:
                entry["average_score"] = round(entry.pop("score_sum") / count, 1) if count else None
                entry["yearly_net_benefit"] = round(entry["yearly_net_benefit"], 2)
            out.append(entry)
        return out

    return {"per_perspective": finish(per_perspective), "per_indicator": finish(per_indicator),
            "per_care_unit": finish(per_unit)}


def csv_row(row: Mapping[str, Any]) -> list[str]:
    return portfolio_csv_row(row, CSV_COLUMNS)
