"""Rules that say what they add up: an aggregate spec, read by the store as one grouped count.

A rule whose points for a unit are a count or a sum of its matching records (per occurrence with
fixed points, optionally times a quantity field; a record carrying its own points in ``value``)
describes itself as an :class:`AggregateSpec`. No SQL here: the store groups
a window's records by unit, kind and the values of the fields the specs name and counts each group
(``Store.tallies``); :func:`total` finishes in exact decimals from the groups' values, decoded as
the records' attributes are (JSON) and compared as ``matches`` compares them. The rule's Python
``evaluate`` stays the reference: both give the same points for every unit (tests/test_aggregate.py,
bench/sql_check.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..core.decimals import ZERO, D
from .base import as_text


@attrs.frozen
class AggregateSpec:
    """Per unit: ``points`` × the sum over matching records of ``amount`` (its value; ``empty`` where
    the record has none, or an empty text); with ``amount`` None, ``points`` × the number of matching
    records."""

    match: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(field, allowed texts): a record matches when each field's text (``as_text``) is allowed."""
    points: Decimal = Decimal(1)
    amount: str | None = None
    """The field (``value`` or an attribute) each record adds, times ``points``."""
    empty: Decimal = ZERO
    """What a record without ``amount`` adds (1 for a quantity: one 人次; 0 for its own points)."""

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the store groups by for this spec."""
        out = [f for f, _ in self.match]
        if self.amount is not None and self.amount not in out:
            out.append(self.amount)
        return tuple(out)


@attrs.frozen
class Tally:
    """A group of records of one unit: the values of the grouped fields (as the records hold them:
    None where absent), whether they were carried over from an earlier period, and how many."""

    values: Mapping[str, Any]
    carried: bool
    count: int


@attrs.frozen
class Sum:
    """A unit's points on a spec: their total, how many records gave a line, whether any of them was
    carried over (the unit's result is then marked 含沿用上期数据)."""

    points: Decimal
    lines: int
    carried: bool


def _matches(values: Mapping[str, Any], match: Sequence[tuple[str, tuple[str, ...]]]) -> bool:
    for field, allowed in match:
        value = values.get(field)
        if value is None or as_text(value) not in allowed:
            return False
    return True


def total(spec: AggregateSpec, tallies: Iterable[Tally]) -> Sum | None:
    """A unit's points from its groups, in exact decimals; None when no record gives a line
    (the unit then has no lines on the item, as with the rule's ``evaluate``). A value that is no
    number raises the error ``D`` raises (the rule's ``evaluate`` would too)."""
    points, lines, carried = ZERO, 0, False
    for t in tallies:
        if not _matches(t.values, spec.match):
            continue
        if spec.amount is None:
            each = Decimal(1)
        else:
            raw = t.values.get(spec.amount)
            each = spec.empty if raw is None or raw == "" else D(raw)
            if each == 0 and spec.empty != 0:
                continue  # a quantity of 0: no line (PerOccurrence._line)
        points += spec.points * each * t.count
        lines += t.count
        carried = carried or t.carried
    if not lines:
        return None
    return Sum(points, lines, carried)
