"""The simple benefit calculation of "effekt före insats", pure: no Flask, no database.

DOMAIN.md, "Other records": "a simple benefit calculation (costs, savings, time freed)". Time freed
is valued only when an hourly cost is given; unvalued hours are still recorded (a benefit for staff,
the "medarbetare och chef" perspective) but add nothing to the money figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class BenefitResult:
    value_of_time_freed: Decimal
    yearly_net_benefit: Decimal
    # Years until the one-off cost is paid back by the yearly net benefit; None when it never is.
    payback_years: Decimal | None


def calculate_benefit(*, one_off_cost: Decimal, yearly_cost: Decimal, yearly_savings: Decimal,
                      hours_freed_per_year: Decimal = Decimal(0),
                      hourly_cost: Decimal | None = None) -> BenefitResult:
    value_of_time = (hours_freed_per_year * hourly_cost) if hourly_cost is not None else Decimal(0)
    net = yearly_savings + value_of_time - yearly_cost
    payback = None if net <= 0 else (one_off_cost / net).quantize(CENT, rounding=ROUND_HALF_UP)
    return BenefitResult(
        value_of_time_freed=value_of_time.quantize(CENT, rounding=ROUND_HALF_UP),
        yearly_net_benefit=net.quantize(CENT, rounding=ROUND_HALF_UP),
        payback_years=payback,
    )
