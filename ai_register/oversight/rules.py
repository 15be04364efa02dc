"""The rules of the oversight assignment, pure: what the owner monitors and when they re-confirm.

DOMAIN.md, "Human-oversight owner": "a re-confirmation at least every 12 months". The due date is
the anniversary of the last confirmation (acceptance counts as the first), the same day the
rollout gate (`lifecycle.oversight_confirmed`) still accepts; 29 February falls back to 28.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import NamedTuple

CONFIRMATION_MONTHS = 12


class Monitor(NamedTuple):
    point: str
    sv: str
    en: str


# AI Act Art 14(4) (a)–(e): what the natural persons assigned to oversight must be enabled to do.
MONITORS: dict[str, Monitor] = {
    "understands_capabilities_limits": Monitor(
        "Art 14(4)(a)", "Förstår systemets förmågor och begränsningar och övervakar driften",
        "Understands the capacities and limitations and monitors operation"),
    "aware_of_automation_bias": Monitor(
        "Art 14(4)(b)", "Medveten om automationsbias", "Aware of automation bias"),
    "interprets_output": Monitor(
        "Art 14(4)(c)", "Tolkar systemets utdata korrekt", "Correctly interprets the output"),
    "can_disregard_override_reverse": Monitor(
        "Art 14(4)(d)", "Kan bortse från, åsidosätta eller upphäva utdata",
        "Can disregard, override or reverse the output"),
    "can_interrupt_stop": Monitor(
        "Art 14(4)(e)", "Kan ingripa i eller stoppa systemet", "Can intervene in or stop the system"),
}


def add_months(day: date, months: int) -> date:
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def last_confirmed_on(accepted_on: date | None, confirmed_on: date | None) -> date | None:
    return max((d for d in (accepted_on, confirmed_on) if d is not None), default=None)


def confirmation_due_on(accepted_on: date | None, confirmed_on: date | None) -> date | None:
    """The last day the assignment counts as confirmed; None until it has been accepted."""
    last = last_confirmed_on(accepted_on, confirmed_on)
    return add_months(last, CONFIRMATION_MONTHS) if last is not None else None


def confirmation_overdue(accepted_on: date | None, confirmed_on: date | None, today: date) -> bool:
    due = confirmation_due_on(accepted_on, confirmed_on)
    return due is None or today > due
