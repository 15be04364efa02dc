"""Recording goals, measured values and the benefit estimate. Services flush and audit; the request commits.

Public read functions for the lifecycle gates: `goals_for`, `goal_facts`, `benefit_for`,
`has_benefit_estimate`.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ai_register.audit import services as audit
from ai_register.exceptions import Conflict, InvalidInput, NotFound
from ai_register.extensions import db
from ai_register.goals.models import N_, BenefitEstimate, Goal, Measurement, indicator_given
from ai_register.portfolio.indicators import require_active_indicator
from ai_register.solutions.lifecycle.facts import GoalFact
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.users.models import User, utcnow

GOAL_FIELDS = ("perspective", "title", "indicator", "indicator_id", "unit", "baseline", "target",
               "higher_is_better")
BENEFIT_FIELDS = ("currency", "one_off_cost", "yearly_cost", "yearly_savings", "hours_freed_per_year",
                  "hourly_cost", "assumptions")
# The largest figure the register keeps (its Numeric columns): indicator values either way, amounts from 0.
LIMIT = 10**12
VALUE_OUTSIDE = N_("Must be between −1,000,000,000,000 and 1,000,000,000,000.")
AMOUNT_OUTSIDE = N_("Must be between 0 and 1,000,000,000,000.")
AMOUNTS = ("one_off_cost", "yearly_cost", "yearly_savings", "hours_freed_per_year", "hourly_cost")
# The version moves with every change (it is the ETag); the trail records what changed, not that.
NOT_AUDITED = frozenset({"version"})
BENEFIT_NOT_AUDITED = frozenset({"updated_at", "updated_by_id", "version"})


# --- reading ---------------------------------------------------------------------------------------

def goals_query(solution_id: int) -> Select:
    return (select(Goal).where(Goal.solution_id == solution_id)
            .options(selectinload(Goal.measurements)).order_by(Goal.id))


def goals_for(solution_id: int) -> list[Goal]:
    """Every goal of the solution, oldest first, with its measurements loaded."""
    return list(db.session.scalars(goals_query(solution_id)).all())


def goal_facts(solution_id: int) -> tuple[GoalFact, ...]:
    """The goals as the lifecycle gates see them (indicator, baseline, target, number of measurements)."""
    return goal_facts_of([solution_id])[solution_id]


def goal_facts_from(goals: list[Goal]) -> tuple[GoalFact, ...]:
    """`goal_facts` of a solution from its goals as `goals_for` reads them (every goal with its measurements,
    oldest first): a page that shows them builds the gate's facts without reading them again."""
    return tuple(_goal_fact(goal, len(goal.measurements)) for goal in goals if goal.withdrawn_at is None)


def _goal_fact(goal: Goal, measurements: int) -> GoalFact:
    return goal_fact_of(f"#{goal.id} {goal.title}", goal.indicator, goal.baseline is not None,
                        goal.target is not None, measurements)


def goal_fact_of(ref: str, indicator: str | None, has_baseline: bool, has_target: bool,
                 measurements: int) -> GoalFact:
    """A goal as the gates see it from its columns (`ref`: "#id title")."""
    return GoalFact(ref=ref, has_indicator=indicator_given(indicator), has_baseline=bool(has_baseline),
                    has_target=bool(has_target), measurements=measurements)


def goal_facts_of(solution_ids: list[int]) -> dict[int, tuple[GoalFact, ...]]:
    """`goal_facts` of each of `solution_ids`, in two statements."""
    counts = dict(db.session.execute(
        select(Measurement.goal_id, func.count(Measurement.id))
        .join(Goal, Goal.id == Measurement.goal_id)
        .where(Goal.solution_id.in_(solution_ids)).group_by(Measurement.goal_id)
    ).all())
    goals = db.session.scalars(select(Goal).where(Goal.solution_id.in_(solution_ids), Goal.withdrawn_at.is_(None))
                               .order_by(Goal.id)).all()
    facts: dict[int, tuple[GoalFact, ...]] = {sid: () for sid in solution_ids}
    for goal in goals:
        facts[goal.solution_id] += (_goal_fact(goal, counts.get(goal.id, 0)),)
    return facts


def get_goal(solution: Solution, goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.solution_id != solution.id:
        raise NotFound("No such goal for this solution.")
    return goal


def measurements_query(goal: Goal) -> Select:
    return select(Measurement).where(Measurement.goal_id == goal.id).order_by(Measurement.measured_on,
                                                                              Measurement.id)


def benefit_for(solution_id: int) -> BenefitEstimate | None:
    return db.session.scalar(select(BenefitEstimate).where(BenefitEstimate.solution_id == solution_id))


def has_benefit_estimate(solution_id: int) -> bool:
    return benefit_for(solution_id) is not None


# --- writing ---------------------------------------------------------------------------------------

def _figures(data: dict, names, *, low: int, places: int, outside: str) -> dict:
    """`data` with its figures rounded to what the register keeps (`places` decimals); a figure outside
    `low`..LIMIT is refused by its field."""
    checked, errors = dict(data), {}
    for name in names:
        value = checked.get(name)
        if value is None:
            continue
        if not low <= value <= LIMIT:
            errors[name] = [outside]
        else:
            checked[name] = Decimal(value).quantize(Decimal(1).scaleb(-places))
    if errors:
        raise InvalidInput("Invalid input: " + ", ".join(sorted(errors)), errors=errors)
    return checked


def _goal_figures(data: dict) -> dict:
    return _figures(data, ("baseline", "target"), low=-LIMIT, places=6, outside=VALUE_OUTSIDE)


def create_goal(solution: Solution, data: dict, *, by: User) -> Goal:
    data = _goal_figures(data)
    require_active_indicator(data["indicator_id"])
    goal = Goal(solution_id=solution.id, created_by_id=by.id,
                **{name: data[name] for name in GOAL_FIELDS if name in data})
    db.session.add(goal)
    audit.record_create(goal, "goal", solution_id=solution.id, reason=data.get("reason"))
    return goal


def update_goal(goal: Goal, data: dict) -> Goal:
    data = _goal_figures(data)
    if data.get("indicator_id") is not None and data["indicator_id"] != goal.indicator_id:
        require_active_indicator(data["indicator_id"])
    before = audit.snapshot(goal, exclude=NOT_AUDITED)
    for name in GOAL_FIELDS:
        if name in data:
            setattr(goal, name, data[name])
    audit.record_update(goal, "goal", before, solution_id=goal.solution_id, reason=data.get("reason"),
                        exclude=NOT_AUDITED)
    return goal


def withdraw_goal(goal: Goal, reason: str, *, by: User) -> Goal:
    """Withdraw a goal (a wrong or abandoned one): kept and audited, no longer counted by the gates."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Invalid input: reason", errors={"reason": ["Say why the goal is withdrawn."]})
    if goal.withdrawn_at is not None:
        raise Conflict("The goal is already withdrawn.")
    before = audit.snapshot(goal, exclude=NOT_AUDITED)
    goal.withdrawn_at, goal.withdrawn_by_id, goal.withdrawal_reason = utcnow(), by.id, reason[:2000]
    audit.record_update(goal, "goal", before, solution_id=goal.solution_id, reason=reason, action="withdraw",
                        exclude=NOT_AUDITED)
    return goal


def record_measurement(goal: Goal, data: dict, *, by: User) -> Measurement:
    if goal.withdrawn_at is not None:
        raise InvalidInput("The goal is withdrawn.", errors={"goal_id": ["The goal is withdrawn."]})
    if data["measured_on"] > region_today():
        raise InvalidInput("A measured value cannot be dated in the future.",
                           errors={"measured_on": [N_("Must not be later than today.")]})
    data = _figures(data, ("value",), low=-LIMIT, places=6, outside=VALUE_OUTSIDE)
    measurement = Measurement(goal_id=goal.id, measured_on=data["measured_on"], value=data["value"],
                              note=data.get("note"), recorded_by_id=by.id)
    db.session.add(measurement)
    audit.record_create(measurement, "goal_measurement", solution_id=goal.solution_id)
    return measurement


def put_benefit(solution: Solution, data: dict, *, by: User) -> tuple[BenefitEstimate, bool]:
    """Replace the benefit estimate (or record the first). Returns the estimate and whether it is new."""
    data = _figures(data, AMOUNTS, low=0, places=2, outside=AMOUNT_OUTSIDE)
    values = {name: data.get(name) for name in BENEFIT_FIELDS}
    values["currency"] = values["currency"] or "SEK"  # the register's only currency
    for name in ("yearly_savings", "hours_freed_per_year"):
        values[name] = Decimal(0) if values[name] is None else values[name]
    estimate = benefit_for(solution.id)
    user_id = by.id
    if estimate is None:
        estimate = BenefitEstimate(solution_id=solution.id, created_by_id=user_id, updated_by_id=user_id,
                                   **values)
        db.session.add(estimate)
        audit.record_create(estimate, "benefit_estimate", solution_id=solution.id, reason=data.get("reason"))
        return estimate, True
    before = audit.snapshot(estimate, exclude=BENEFIT_NOT_AUDITED)
    for name, value in values.items():
        setattr(estimate, name, value)
    changed = audit.diff(before, audit.snapshot(estimate, exclude=BENEFIT_NOT_AUDITED))
    if changed:
        estimate.updated_by_id = user_id
        audit.record_update(estimate, "benefit_estimate", before, solution_id=solution.id,
                            reason=data.get("reason"), exclude=BENEFIT_NOT_AUDITED)
    return estimate, False
