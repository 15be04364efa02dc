"""The periodic review schedule, pure: how often a solution is reviewed and when next.

DOMAIN.md, "Reviews": "periodic re-review, more often for higher risk". The interval comes from
the AI Act category (a table in the configuration); a device whose class needs a notified body
is reviewed at least as often as a high-risk system; the solution's own interval overrides both.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date

UNCLASSIFIED = "unclassified"
# MDR / IVDR classes whose conformity assessment involves a notified body.
NOTIFIED_BODY_CLASSES = frozenset({"Im", "IIa", "IIb", "III", "A_sterile", "B", "C", "D"})


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st falls back to the month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def interval_months(table: Mapping[str, int], *, category: str | None, device_class: str | None = None,
                    override: int | None = None) -> int:
    if override:
        return override
    unclassified = table.get(UNCLASSIFIED, table.get("high_risk", 6))
    months = table.get(category or UNCLASSIFIED, unclassified)
    if device_class in NOTIFIED_BODY_CLASSES:
        months = min(months, table.get("high_risk", months))
    return months


def next_review_on(reviewed_on: date, months: int) -> date:
    return add_months(reviewed_on, months)


def review_state(next_on: date | None, today: date, remind_days: int) -> str:
    """"unscheduled", "overdue" (the day after the due date), "due" (within `remind_days`) or "scheduled"."""
    if next_on is None:
        return "unscheduled"
    if today > next_on:
        return "overdue"
    if (next_on - today).days <= remind_days:
        return "due"
    return "scheduled"
