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
        try:
            return Decimal(value.strip().replace(",", ""))
        except decimal.InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    raise TypeError(f"not a number: {value!r}")


def quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP, context=CONTEXT)


_FMT: dict[tuple[Decimal, bool], str] = {}
"""``fmt`` of the values met so far (by value and sign: -0 prints as -0); scores repeat a few values."""


def fmt(value: Decimal | None) -> str:
    """A number as a person writes it: no trailing zeros, no exponent, explicit sign for points."""
    if value is None:
        return "—"
    key = (value, value.is_signed())
    text = _FMT.get(key)
    if text is None:
        v = value.normalize(CONTEXT)
        if v == v.to_integral_value():
            v = v.quantize(Decimal(1))
        text = format(v, "f")
        if len(_FMT) < 100_000:
            _FMT[key] = text
    return text


def fmt_points(value: Decimal) -> str:
    if value == 0:
        value = abs(value)  # −0 (a deduction of nothing) prints as +0, not +-0
    s = fmt(value)
    return s if value < 0 else "+" + s
