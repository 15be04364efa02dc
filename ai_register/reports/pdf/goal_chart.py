"""A goal's chart (measured values over time, baseline and target) and the benefit calculation in words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from ai_register import formats
from ai_register.reports.labels import N_
from ai_register.reports.pdf.document import ACCENT, FONT, MUTED, OK, RULE

CHART_HEIGHT = 34 * mm
BASELINE_INK = colors.HexColor("#7A8593")


def _decimal_or_none(value: Any) -> Decimal | None:
    try:
        return None if value is None or value == "" else Decimal(str(value))
    except InvalidOperation:
        return None


class GoalChart(Flowable):
    """A small chart of one goal's indicator: the measured values over time (a line with dots), the
    baseline and the target as dashed lines labelled at their right end. No numbers on the axes (the
    table below holds them): the first and last day under the time axis. Drawn on the canvas directly,
    in the embedded font (reportlab's graphics renderer would add an unembedded Helvetica)."""

    def __init__(self, goal: Mapping[str, Any], lang: str, width: float):
        super().__init__()
        self.lang, self.width, self.height = lang, width, CHART_HEIGHT
        points = [(date.fromisoformat(str(m["measured_on"])[:10]), _decimal_or_none(m.get("value")))
                  for m in goal.get("measurements") or [] if m.get("measured_on")]
        self.points = sorted((d, v) for d, v in points if v is not None)
        self.baseline, self.target = _decimal_or_none(goal.get("baseline")), _decimal_or_none(goal.get("target"))

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        values = [v for _d, v in self.points] + [v for v in (self.baseline, self.target) if v is not None]
        if not values:
            return
        canvas, lang = self.canv, self.lang
        low, high = min(values), max(values)
        pad = (high - low) * Decimal("0.12") or (abs(high) * Decimal("0.1") or Decimal(1))
        low, high = low - pad, high + pad
        left, right, bottom, top = 4, self.width - 34 * mm, 11, self.height - 4

        def y(value: Decimal) -> float:
            return bottom + float((value - low) / (high - low)) * (top - bottom)

        first, last = (self.points[0][0], self.points[-1][0]) if self.points else (None, None)
        span = (last - first).days if self.points else 0

        def x(day: date) -> float:
            return (left + right) / 2 if not span else left + (day - first).days / span * (right - left)

        canvas.saveState()
        canvas.setLineWidth(0.6)
        canvas.setStrokeColor(RULE)
        canvas.line(left, bottom, right, bottom)
        canvas.line(left, bottom, left, top)
        canvas.setFont(FONT, 6.5)
        for value, ink, key in ((self.baseline, BASELINE_INK, N_("Baseline")), (self.target, OK, N_("Target"))):
            if value is None:
                continue
            canvas.setStrokeColor(ink)
            canvas.setFillColor(ink)
            canvas.setLineWidth(0.8)
            canvas.setDash(3, 2)
            canvas.line(left, y(value), right, y(value))
            canvas.setDash()
            canvas.drawString(right + 3, y(value) - 2.5, f"{gettext(key)} {formats.number(value, lang)}")
        if self.points:
            canvas.setStrokeColor(ACCENT)
            canvas.setFillColor(ACCENT)
            canvas.setLineWidth(1.2)
            path = canvas.beginPath()
            for index, (d, v) in enumerate(self.points):
                (path.lineTo if index else path.moveTo)(x(d), y(v))
            canvas.drawPath(path, stroke=1, fill=0)
            for d, v in self.points:
                canvas.circle(x(d), y(v), 1.8, stroke=0, fill=1)
            canvas.setFillColor(MUTED)
            canvas.drawString(left, 2, formats.day(first, lang))
            if span:
                canvas.drawRightString(right, 2, formats.day(last, lang))
        canvas.restoreState()


def chart_legend(goal: Mapping[str, Any], lang: str) -> str:
    """What the chart shows, in words: the direction that is better and the latest value."""
    better = gettext("higher is better") if goal.get("higher_is_better", True) else gettext("lower is better")
    latest = goal.get("latest_value")
    if latest is None:
        return gettext("Measured values over time (line); baseline and target dashed; %(better)s.", better=better)
    met = goal.get("target_met")
    state = "" if met is None else (gettext("the target is met") if met else gettext("the target is not met yet"))
    return gettext("Measured values over time (line); baseline and target dashed; %(better)s. Latest value "
                   "%(value)s%(unit)s%(state)s.", better=better, value=formats.number(latest, lang),
                   unit=f" {goal['unit']}" if goal.get("unit") else "", state=f": {state}" if state else "")


def benefit_in_words(benefit: Mapping[str, Any], lang: str) -> str:
    """The benefit calculation as sentences in the reader's language, amounts in its form."""
    currency = benefit.get("currency") or "SEK"
    result = benefit.get("result") or {}

    def money(key: str, source: Mapping[str, Any] = benefit) -> str:
        return formats.money(source.get(key) or 0, currency, lang)

    hours = _decimal_or_none(benefit.get("hours_freed_per_year")) or Decimal(0)
    savings = _decimal_or_none(benefit.get("yearly_savings")) or Decimal(0)
    sentences = [gettext("The one-off cost is %(one_off)s and the yearly cost %(yearly)s.",
                         one_off=money("one_off_cost"), yearly=money("yearly_cost"))]
    if savings:
        sentences.append(gettext("The solution is expected to save %(savings)s a year.",
                                 savings=money("yearly_savings")))
    if hours and benefit.get("hourly_cost") is not None:
        sentences.append(gettext("It frees %(hours)s hours of staff time a year, worth %(value)s at an hourly "
                                 "cost of %(rate)s.", hours=formats.number(hours, lang),
                                 value=money("value_of_time_freed", result), rate=money("hourly_cost")))
    elif hours:
        sentences.append(gettext("It frees %(hours)s hours of staff time a year; they are not valued in money, "
                                 "as no hourly cost is given.", hours=formats.number(hours, lang)))
    if result.get("yearly_net_benefit") is not None:
        sentences.append(gettext("The yearly net benefit is thus %(net)s (savings and the value of time freed, "
                                 "less the yearly cost).", net=money("yearly_net_benefit", result)))
        if result.get("payback_years") is not None:
            sentences.append(gettext("The one-off cost is paid back after %(years)s years.",
                                     years=formats.number(result["payback_years"], lang)))
        else:
            sentences.append(gettext("As the net benefit is not positive, the one-off cost is never paid back."))
    return " ".join(sentences)
