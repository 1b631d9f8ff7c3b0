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
import operator
from typing import Any, cast

import attrs

from ..core.decimals import ZERO, D
from ..core.model import Record
from .base import as_text, lookup

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@attrs.frozen
class AggregateSpec:
    """Per unit: ``points`` × the sum over matching records of ``amount`` (its value; ``empty`` where
    the record has none, or an empty text); with ``amount`` None, ``points`` × the number of matching
    records; with ``when``, only the records whose ``when`` field crosses the limit."""

    match: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(field, allowed texts): a record matches when each field's text (``as_text``) is allowed."""
    points: Decimal = Decimal(1)
    amount: str | None = None
    """The field (``value`` or an attribute) each record adds, times ``points``."""
    empty: Decimal = ZERO
    """What a record without ``amount`` adds (1 for a quantity: one 人次; 0 for its own points)."""
    when: str | None = None
    """Only records whose ``when`` field crosses ``limit`` (``op``: >, >=, <, <=) count."""
    op: str = ">"
    limit: Any = None
    """A number, or a table walked with the record's values of ``limit_by`` (kaohe.rules.base.lookup)."""
    limit_by: tuple[str, ...] = ()
    missing_crosses: bool = False
    """A record whose ``when`` field is empty crosses the limit."""

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the store groups by for this spec."""
        out = [f for f, _ in self.match]
        for f in (self.amount, self.when, *self.limit_by):
            if f is not None and f not in out:
                out.append(f)
        return tuple(out)

    def crosses(self, values: Mapping[Any, Any]) -> bool:
        """Whether a group's records cross the limit (PerOccurrence._crosses)."""
        if self.when is None:
            return True
        limit = lookup(self.limit, cast(Record, values), self.limit_by) if self.limit_by else self.limit
        if limit is None:
            return False
        decided = values.get(key) if (key := self.decidable) is not None else None
        if decided is not None:
            return bool(decided.crosses)
        value = values.get(self.when)
        if value is None or value == "":
            return self.missing_crosses
        return bool(OPS[self.op](D(value), limit))

    @property
    def decidable(self) -> tuple[str, str, Decimal] | None:
        """(field, op, limit) where the store may compare the records' ``when`` field with a single
        limit itself (``Store.tallies``' ``decide``), grouping them by the outcome (:class:`Decided`)
        rather than by their values (minutes, hours: nearly one group a record)."""
        if self.when is None or self.limit_by or not isinstance(self.limit, Decimal):
            return None
        if self.when == "value" or self.when == self.amount or any(f == self.when for f, _ in self.match):
            return None  # the field's value is needed as it is
        return self.when, self.op, self.limit


@attrs.frozen
class Decided:
    """The outcome of comparing a group's ``when`` value with the limit, by the store (under the key
    ``decidable``): only where the comparison of binary floating-point numbers is certain (the value
    and the limit more than 10⁻⁶ apart, far beyond the rounding of numbers within kaohe's bounds);
    nearer values are given as they are, under the field's name, and compared in decimals."""

    crosses: bool


@attrs.frozen
class Tally:
    """A group of records of one unit: the values of the grouped fields (as the records hold them:
    None where absent), whether they were carried over from an earlier period, and how many."""

    values: Mapping[Any, Any]
    carried: bool
    count: int
    key: Any = None
    """What tells this group's values from the others' (shared by the specs finished from one scan:
    ``total``'s ``memo`` is keyed by it), never equal for values that compare equal but read
    differently (1, 1.0 and True; Decimal 1 and 1.0); None: made from ``values``."""
    first: Any = None
    """What names one of the group's records (the data source's reference): with ``count`` 1, its record."""


@attrs.frozen
class Sum:
    """A unit's points on a spec: their total, how many records gave a line, whether any of them was
    carried over (the unit's result is then marked 含沿用上期数据)."""

    points: Decimal
    lines: int
    carried: bool
    first: Any = None
    """With ``lines`` 1, the reference (``Tally.first``) of the record that gave the line."""


def _matches(values: Mapping[Any, Any], match: Sequence[tuple[str, tuple[str, ...]]]) -> bool:
    for field, allowed in match:
        value = values.get(field)
        if value is None or as_text(value) not in allowed:
            return False
    return True


def each(spec: AggregateSpec, values: Mapping[Any, Any]) -> Decimal | None:
    """The points of each record of a group with these ``values``; None where its records give no
    line (not matched, not crossing the limit, a quantity of 0). A value that is no number raises
    the error ``D`` raises (the rule's ``evaluate`` would too)."""
    if not _matches(values, spec.match) or not spec.crosses(values):
        return None
    if spec.amount is None:
        return spec.points
    raw = values.get(spec.amount)
    amount = spec.empty if raw is None or raw == "" else D(raw)
    if amount == 0 and spec.empty != 0:
        return None  # a quantity of 0: no line (PerOccurrence._line)
    return spec.points * amount


def total(spec: AggregateSpec, tallies: Iterable[Tally], memo: dict[Any, Decimal | None] | None = None) -> Sum | None:
    """A unit's points from its groups, in exact decimals; None when no record gives a line
    (the unit then has no lines on the item, as with the rule's ``evaluate``). ``memo`` keeps
    ``each`` by the groups' values, for the units of one spec (they share a few)."""
    points, lines, carried, first = ZERO, 0, False, None
    fields: tuple[Any, ...] = spec.fields + ((spec.decidable,) if spec.decidable else ())
    for t in tallies:
        if memo is None:
            pts = each(spec, t.values)
        else:
            key = t.key if t.key is not None else repr([t.values.get(f) for f in fields])  # 1, 1.0, True: apart
            try:
                pts = memo[key] if key in memo else memo.setdefault(key, each(spec, t.values))
            except TypeError:  # an unhashable value (a list): not kept
                pts = each(spec, t.values)
        if pts is None:
            continue
        points += pts * t.count
        lines += t.count
        carried = carried or t.carried
        first = t.first
    if not lines:
        return None
    return Sum(points, lines, carried, first if lines == 1 else None)
