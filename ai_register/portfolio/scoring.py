"""The prioritisation score of the portfolio, pure.

Region Norrbotten: "Genom portföljstyrning och prioritering fokuseras insatser på områden med högst
nytta i förhållande till kostnad och risk." The region tunes the weights in configuration
(`AI_REGISTER_PORTFOLIO_WEIGHTS`); the formula is shown beside the scores so nobody has to trust a
number they cannot rebuild.

    score = 100 × (w_benefit·B + w_risk·(1 − R) + w_cost·(1 − C) + w_fit·S) / (w_benefit + w_risk + w_cost + w_fit)

  B  yearly net benefit ÷ the largest yearly net benefit in the portfolio (0 when none or negative)
  R  risk: prohibited 1, high-risk 0.75, not yet classified or undecided 0.5, limited 0.25, minimal 0
  C  total cost over three years ÷ the largest in the portfolio (1 when no estimate: effect before effort)
  S  strategic fit: the share of the five goal perspectives the solution's goals cover
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

COMPONENTS = ("benefit", "risk", "cost", "strategic_fit")
DEFAULT_WEIGHTS: Mapping[str, float] = {"benefit": 0.4, "risk": 0.2, "cost": 0.2, "strategic_fit": 0.2}
COST_YEARS = 3
PERSPECTIVE_COUNT = 5

# Unknown and undecided risk count as medium: the score never guesses the lighter risk.
RISK_LEVELS: Mapping[str | None, float] = {
    "prohibited": 1.0, "high_risk": 0.75, "needs_review": 0.5, None: 0.5,
    "limited_risk": 0.25, "minimal_risk": 0.0, "out_of_scope": 0.0,
}


class WeightsError(ValueError):
    """The configured weights cannot be read; the message says what is wrong."""


def parse_weights(text: str | None) -> dict[str, float]:
    """`benefit=0.4,risk=0.2,cost=0.2,strategic_fit=0.2`; missing components keep their default."""
    weights = dict(DEFAULT_WEIGHTS)
    if not text or not text.strip():
        return weights
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in COMPONENTS:
            raise WeightsError(f"AI_REGISTER_PORTFOLIO_WEIGHTS: expected name=number with a name among "
                               f"{', '.join(COMPONENTS)}; got {part.strip()!r}.")
        try:
            number = float(value)
        except ValueError as exc:
            raise WeightsError(f"AI_REGISTER_PORTFOLIO_WEIGHTS: {name} must be a number, got {value!r}.") from exc
        if not 0 <= number <= 1000 or number != number:
            raise WeightsError(f"AI_REGISTER_PORTFOLIO_WEIGHTS: {name} must be between 0 and 1000.")
        weights[name] = number
    if sum(weights.values()) <= 0:
        raise WeightsError("AI_REGISTER_PORTFOLIO_WEIGHTS: at least one weight must be above 0.")
    return weights


@dataclass(frozen=True)
class ScoreInput:
    yearly_net_benefit: Decimal | None
    three_year_cost: Decimal | None
    ai_act_category: str | None
    perspectives: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Score:
    value: float
    parts: Mapping[str, float]


def three_year_cost(one_off: Decimal, yearly: Decimal) -> Decimal:
    return one_off + yearly * COST_YEARS


def largest(inputs: Iterable[ScoreInput]) -> tuple[Decimal | None, Decimal | None]:
    """The largest positive yearly net benefit and three-year cost among `inputs` (None when none is)."""
    items = list(inputs)
    return (max((i.yearly_net_benefit for i in items if i.yearly_net_benefit is not None and i.yearly_net_benefit > 0),
                default=None),
            max((i.three_year_cost for i in items if i.three_year_cost is not None and i.three_year_cost > 0),
                default=None))


def score_all(inputs: Mapping[int, ScoreInput], weights: Mapping[str, float],
              maxima: tuple[Decimal | None, Decimal | None] | None = None) -> dict[int, Score]:
    """Scores of every solution in `inputs`; benefit and cost are relative to the largest among them,
    or to `maxima` (the largest of a whole portfolio of which `inputs` are a page)."""
    max_benefit, max_cost = largest(inputs.values()) if maxima is None else maxima
    total = sum(weights[c] for c in COMPONENTS)
    scores = {}
    for key, item in inputs.items():
        benefit = _share(item.yearly_net_benefit, max_benefit)
        cost = 1.0 if item.three_year_cost is None else _share(item.three_year_cost, max_cost)
        parts = {
            "benefit": benefit,
            "risk": RISK_LEVELS.get(item.ai_act_category, 0.5),
            "cost": cost,
            "strategic_fit": min(len(item.perspectives), PERSPECTIVE_COUNT) / PERSPECTIVE_COUNT,
        }
        weighted = (weights["benefit"] * parts["benefit"] + weights["risk"] * (1 - parts["risk"])
                    + weights["cost"] * (1 - parts["cost"]) + weights["strategic_fit"] * parts["strategic_fit"])
        scores[key] = Score(round(100 * weighted / total, 1), {k: round(v, 3) for k, v in parts.items()})
    return scores


def _share(value: Decimal | None, largest: Decimal | None) -> float:
    if value is None or largest is None or value <= 0:
        return 0.0
    return float(value / largest)


def formula(weights: Mapping[str, float]) -> str:
    """The formula with the configured weights, as shown to users."""
    w = {k: _num(v) for k, v in weights.items()}
    total = _num(sum(weights[c] for c in COMPONENTS))
    return (f"score = 100 × ({w['benefit']}·B + {w['risk']}·(1 − R) + {w['cost']}·(1 − C) + "
            f"{w['strategic_fit']}·S) / {total}")


def _num(value: float) -> str:
    return f"{value:g}"


def legend() -> Iterable[tuple[str, str]]:
    return (
        ("B", "yearly net benefit ÷ the largest in the portfolio (0 when none or negative)"),
        ("R", "risk: prohibited 1, high-risk 0.75, unclassified or undecided 0.5, limited 0.25, minimal 0"),
        ("C", f"cost over {COST_YEARS} years (one-off + {COST_YEARS} × yearly) ÷ the largest in the portfolio; "
              "1 without a benefit estimate"),
        ("S", "share of the five goal perspectives covered by the solution's goals"),
    )
