"""Geometry for the small server-rendered SVG charts. Pure: numbers in, coordinates out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

BAR_WIDTH = 320
BAR_VALUE_SPACE = 36
BAR_ROW = 36


def bar_chart(rows: Iterable[tuple], *, width: int = BAR_WIDTH) -> dict:
    """Horizontal bars, label above each bar so the chart stays legible when scaled to a phone.
    A row is (label, value) or (label, value, tone); the tone names the bar's colour class."""
    rows = [(row[0], row[1], row[2] if len(row) > 2 else "brand") for row in rows]
    top = max((value for _label, value, _tone in rows), default=0)
    track = width - BAR_VALUE_SPACE
    bars = []
    for index, (label, value, tone) in enumerate(rows):
        y = index * BAR_ROW
        length = 0 if top == 0 else max(round(track * value / top, 1), 2 if value else 0)
        bars.append(
            {
                "label": label,
                "value": value,
                "tone": tone,
                "text_y": y + 13,
                "bar_y": y + 18,
                "length": length,
                "value_x": length + 8,
            }
        )
    return {
        "width": width,
        "height": max(len(rows) * BAR_ROW, BAR_ROW),
        "track": track,
        "bars": bars,
        "bar_height": 12,
        "total": sum(value for _label, value, _tone in rows),
    }


def _scale(value: float, low: float, high: float, out_low: float, out_high: float) -> float:
    if high == low:
        return (out_low + out_high) / 2
    return out_low + (value - low) * (out_high - out_low) / (high - low)


def series_chart(
    points: Sequence[tuple[date, float]],
    *,
    baseline: float | None = None,
    target: float | None = None,
    width: int = 360,
    height: int = 150,
) -> dict | None:
    """A line of measured values over time with the baseline and target as reference lines."""
    points = sorted((day, float(value)) for day, value in points if value is not None)
    if not points:
        return None
    baseline = None if baseline is None else float(baseline)
    target = None if target is None else float(target)
    left, right, top, bottom = 48, 12, 12, 26
    values = [v for _d, v in points] + [v for v in (baseline, target) if v is not None]
    low, high = min(values), max(values)
    pad = (high - low) * 0.12 or abs(high) * 0.1 or 1
    low, high = low - pad, high + pad
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()

    def x_of(day: date) -> float:
        if first == last:
            return (left + width - right) / 2
        return round(_scale(day.toordinal(), first, last, left, width - right), 1)

    def y_of(value: float) -> float:
        return round(_scale(value, low, high, height - bottom, top), 1)

    dots = [{"x": x_of(day), "y": y_of(value), "day": day, "value": value} for day, value in points]
    path = " ".join(f"{'M' if i == 0 else 'L'}{d['x']} {d['y']}" for i, d in enumerate(dots))
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": height - bottom,
        "path": path,
        "dots": dots,
        "baseline_y": y_of(baseline) if baseline is not None else None,
        "target_y": y_of(target) if target is not None else None,
        "high": high - pad,
        "low": low + pad,
        "high_y": y_of(high - pad),
        "low_y": y_of(low + pad),
        "first_day": points[0][0],
        "last_day": points[-1][0],
    }
