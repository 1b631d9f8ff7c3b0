"""Exact scores: every point is a :class:`decimal.Decimal`, never a float.

Rounding happens in one place only — the normalised category score (see docs/readings.md,
"Rounding") — with ROUND_HALF_UP, as Chinese offices round.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_UP)


def D(value: Any) -> Decimal:
    """Convert ints, strings and Decimals to Decimal. Floats go through their shortest repr."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        if "_" in value:  # Python reads "1_5" as 15; a person means 1.5 or made a slip
            raise ValueError(f"not a number: {value!r}")
        try:
            return Decimal(value.strip().replace(",", ""))
        except decimal.InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    raise TypeError(f"not a number: {value!r}")


def quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP, context=CONTEXT)


_FMT: dict[Decimal | tuple[Decimal, bool], str] = {}
"""``fmt`` of the values met so far (a zero by value and sign: -0 prints as -0; equal non-zero values
print alike, 1.0 as 1); scores repeat a few values."""


def fmt(value: Decimal | None) -> str:
    """A number as a person writes it: no trailing zeros, no exponent, explicit sign for points."""
    if value is None:
        return "—"
    key = value if value else (value, value.is_signed())
    text = _FMT.get(key)
    if text is None:
        v = value.normalize(CONTEXT)
        if v == v.to_integral_value() and v.adjusted() < 60:
            v = v.quantize(Decimal(1), context=_WIDE)  # 1E+1 → 10 (a larger number prints all its digits anyway)
        text = format(v, "f")
        if len(_FMT) < 100_000:
            _FMT[key] = text
    return text


def fmt_points(value: Decimal) -> str:
    if value == 0:
        value = abs(value)  # −0 (a deduction of nothing) prints as +0, not +-0
    s = fmt(value)
    return s if value < 0 else "+" + s


# --- Bounds: every number that enters kaohe (a cell, a rule's parameter, a setting, an adjustment) is
# finite and within bounds, checked at the door (docs/configuration.md, "数值的范围").

CELL_LIMIT = Decimal("1e15")
"""A number in a department's file (整数、数字 columns): its absolute value is below 10^15 (15 digits,
what an Excel cell holds exactly)."""
PERCENT_LIMIT = Decimal("1e6")
"""A percentage in a department's file: its absolute value is below 10^6 (1,000,000%)."""
CELL_PLACES = 20
"""A non-zero number in a file is at least 10^-20 in absolute value (an Excel cell's
0.30000000000000004 has 17 decimal places)."""
PARAMETER_LIMIT = Decimal("1e9")
"""A rule's parameter, a number of the configuration, an adjustment's points: absolute value below 10^9."""
PARAMETER_PLACES = 10
"""At most this many digits after the decimal point in a parameter, setting or adjustment."""


_WIDE = decimal.Context(prec=80)
"""Room for any number within the bounds (15 digits before the point, 20 after) when checking its places."""


def out_of_bounds(value: Decimal, limit: Decimal, places: int) -> str | None:
    """Why ``value`` is refused (in Chinese), or None: it must be finite, its absolute value below
    ``limit``, with at most ``places`` digits after the decimal point (trailing zeros aside). Cheap
    whatever the value: a number of a billion digits is judged by its exponent, never expanded."""
    if not value.is_finite():
        return "不是有限的数(NaN、Infinity 之类不能计分)"
    if value.adjusted() >= limit.adjusted() and value.copy_abs() >= limit:
        return f"绝对值过大(应小于 10^{limit.adjusted()})"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places and value != value.quantize(Decimal(1).scaleb(-places), context=_WIDE):
        return f"小数位数过多(最多 {places} 位)"
    return None


def cell_problem(value: Decimal, limit: Decimal = CELL_LIMIT, places: int = CELL_PLACES) -> str | None:
    """:func:`out_of_bounds` for a number read from a file, made cheap (it runs for every number of
    every row): finite, below ``limit`` (a power of ten), and not a non-zero number smaller than
    10^-``places`` (1e-999999999); a number of more decimal places than that is accepted as written
    (its digits are bounded by the cell's length)."""
    if not value.is_finite():
        return "不是有限的数(NaN、Infinity 之类不能计分)"
    exponent = value.adjusted()
    if exponent >= limit.adjusted() and value:
        return f"绝对值过大(应小于 10^{limit.adjusted()})"
    if exponent < -places and value:
        return f"绝对值过小(非零的数应不小于 10^-{places})"
    return None


def bounded(value: Any, limit: Decimal = PARAMETER_LIMIT, places: int = PARAMETER_PLACES) -> Decimal:
    """``D(value)`` within bounds (:func:`out_of_bounds`); ValueError says why not."""
    number = D(value)
    problem = out_of_bounds(number, limit, places)
    if problem:
        raise ValueError(problem)
    return number
