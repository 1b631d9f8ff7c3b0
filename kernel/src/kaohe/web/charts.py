"""Small charts drawn on the server as inline SVG (no script: the CSP allows none inline), for the
unit page's trends: the geometry only; the template draws it and the same numbers are in a table."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..core.decimals import D, fmt

WIDTH, HEIGHT = 480, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 18, 12, 30


def _coord(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")), "f")


def line_chart(labels: Sequence[str], lines: Sequence[tuple[str, str, Sequence[str | None]]]) -> dict[str, Any] | None:
    """The geometry of a line chart of ``lines`` — (css class, legend, one value a label, None where
    there is none) — over ``labels``: the polylines' points, the x labels and three y ticks (the
    lowest, the middle and the highest value). None when there is nothing to draw."""
    values = [D(v) for _, _, vs in lines for v in vs if v is not None]
    if not labels or not values:
        return None
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    plot_w, plot_h = Decimal(WIDTH - LEFT - RIGHT), Decimal(HEIGHT - TOP - BOTTOM)
    step = plot_w / max(len(labels) - 1, 1)

    def x(n: int) -> Decimal:
        return LEFT + step * n if len(labels) > 1 else LEFT + plot_w / 2

    def y(v: Decimal) -> Decimal:
        return TOP + (high - v) / (high - low) * plot_h

    drawn = []
    for css, legend, vs in lines:
        points = [(x(n), y(D(v))) for n, v in enumerate(vs) if v is not None]
        drawn.append({
            "class": css, "legend": legend,
            "points": " ".join(f"{_coord(px)},{_coord(py)}" for px, py in points),
            "dots": [{"x": _coord(px), "y": _coord(py)} for px, py in points],
        })
    middle = (low + high) / 2
    ticks = [{"y": _coord(y(v)), "label": fmt(v.quantize(Decimal("0.1")))} for v in (high, middle, low)]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": HEIGHT - BOTTOM,
        "lines": drawn, "ticks": ticks, "x": [{"x": _coord(x(n)), "label": lab} for n, lab in enumerate(labels)],
        "label_y": HEIGHT - BOTTOM + 18,
    }


BAR_WIDTH, BAR_LEFT, BAR_RIGHT, BAR_TOP, BAR_BOTTOM = 640, 170, 20, 8, 26
BAR, BAR_GAP = 9, 8
MAX_BARS = 40
"""A bar chart draws the first rows only (the table beside it has them all)."""


def bar_chart(categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[Any]]]) -> dict[str, Any] | None:
    """The geometry of a horizontal grouped bar chart: one row a category (the first
    ``MAX_BARS``), one bar in each row for each of ``series`` — (css class, legend, one value a
    category, None where there is none) — drawn from the zero line, negative values to its left.
    None when there is nothing to draw."""
    shown = list(categories[:MAX_BARS])
    values = [D(v) for _, _, vs in series for v in vs[: len(shown)] if v is not None]
    if not shown or not values:
        return None
    low, high = min(min(values), Decimal(0)), max(max(values), Decimal(0))
    if low == high:
        high = low + 1
    plot_w = Decimal(BAR_WIDTH - BAR_LEFT - BAR_RIGHT)

    def x(v: Decimal) -> Decimal:
        return BAR_LEFT + (v - low) / (high - low) * plot_w

    row_h = BAR * len(series) + BAR_GAP
    rows = []
    for n, label in enumerate(shown):
        top = BAR_TOP + n * row_h
        bars = []
        for k, (css, _, vs) in enumerate(series):
            v = vs[n] if n < len(vs) else None
            if v is None:
                continue
            a, b = sorted((x(Decimal(0)), x(D(v))))
            bars.append({"class": css, "x": _coord(a), "y": top + k * BAR, "w": _coord(max(b - a, Decimal("0.5"))), "h": BAR - 1, "value": fmt(D(v))})
        short = label if len(label) <= 12 else label[:11] + "…"
        rows.append({"label": short, "title": label, "y": top + (BAR * len(series)) / 2, "bars": bars})
    height = BAR_TOP + row_h * len(shown) + BAR_BOTTOM
    bottom = height - BAR_BOTTOM
    ticks = [{"x": _coord(x(v)), "label": fmt(v.quantize(Decimal("0.1")))} for v in dict.fromkeys((low, Decimal(0), high))]
    return {
        "width": BAR_WIDTH, "height": height, "left": BAR_LEFT, "right": BAR_WIDTH - BAR_RIGHT, "top": BAR_TOP, "bottom": bottom,
        "zero": _coord(x(Decimal(0))), "rows": rows, "ticks": ticks, "label_y": bottom + 16,
        "legend": [{"class": css, "name": name} for css, name, _ in series], "more": max(len(categories) - len(shown), 0),
    }
