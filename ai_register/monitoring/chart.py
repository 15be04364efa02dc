"""Geometry of a metric's chart (server-rendered SVG, no script): values over time, the thresholds as
lines, breaches marked. Pure: numbers in, coordinates out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal


def metric_chart(points: Sequence[tuple[date, Decimal, str | None]], *, lower: Decimal | None = None,
                 upper: Decimal | None = None, stated: Decimal | None = None, width: int = 760,
                 height: int = 220) -> dict | None:
    """`points`: (period end, value, breach or None), in any order; `stated`: the provider's stated value
    (instructions for use), drawn as a line of its own. None when there is nothing to draw."""
    points = sorted(((day, float(value), breach) for day, value, breach in points), key=lambda p: p[0])
    if not points:
        return None
    left, right, top, bottom = 56, 16, 14, 28
    thresholds = [float(t) for t in (lower, upper, stated) if t is not None]
    values = [v for _d, v, _b in points] + thresholds
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1
    low, high = low - pad, high + pad
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    inner_left, inner_right = left, width - right

    def x_of(day: date) -> float:
        if first == last:
            return round((inner_left + inner_right) / 2, 1)
        return round(inner_left + (day.toordinal() - first) * (inner_right - inner_left) / (last - first), 1)

    def y_of(value: float) -> float:
        return round(height - bottom - (value - low) * (height - bottom - top) / (high - low), 1)

    dots = [{"x": x_of(day), "y": y_of(value), "day": day, "value": value, "breach": breach}
            for day, value, breach in points]
    return {
        "width": width, "height": height, "left": inner_left, "right": inner_right, "top": top,
        "bottom": height - bottom,
        "path": " ".join(f"{'M' if i == 0 else 'L'}{d['x']} {d['y']}" for i, d in enumerate(dots)),
        "dots": dots,
        "lower_y": y_of(float(lower)) if lower is not None else None,
        "upper_y": y_of(float(upper)) if upper is not None else None,
        "lower": lower, "upper": upper,
        "stated_y": y_of(float(stated)) if stated is not None else None, "stated": stated,
        "high": high - pad, "low": low + pad, "high_y": y_of(high - pad), "low_y": y_of(low + pad),
        "first_day": points[0][0], "last_day": points[-1][0],
        "breaches": sum(1 for d in dots if d["breach"]),
    }
