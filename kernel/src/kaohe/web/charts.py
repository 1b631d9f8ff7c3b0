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
