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

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
import operator
from typing import Any, cast

import attrs

from ..core.decimals import ZERO, D
from ..core.model import Record
from ..core.periods import Period
from .base import amount, as_text, lookup, select

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
    def decidable(self) -> tuple[Any, ...] | None:
        """(field, op, limit) where the store may compare the records' ``when`` field with a single
        limit itself (``Store.tallies``' ``decide``), grouping them by the outcome (:class:`Decided`)
        rather than by their values (minutes, hours: nearly one group a record); (field, op, table,
        limit_by) with a table of limits walked with the records' attributes ``limit_by`` (the
        table as nested pairs, ``frozen``)."""
        if self.when is None:
            return None
        if self.when == "value" or self.when == self.amount or any(f == self.when for f, _ in self.match):
            return None  # the field's value is needed as it is
        if self.limit_by:
            if not isinstance(self.limit, Mapping) or "value" in self.limit_by or self.when in self.limit_by:
                return None
            return self.when, self.op, frozen(self.limit), self.limit_by
        if not isinstance(self.limit, Decimal):
            return None
        return self.when, self.op, self.limit


def frozen(table: Any) -> Any:
    """A table of limits (``lookup``'s: text → limit or table) as nested (key, limit or table) pairs,
    sorted: hashable, one value for equal tables; anything else as it is."""
    if isinstance(table, Mapping):
        return tuple(sorted((str(k), frozen(v)) for k, v in table.items()))
    return table


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
    fields: tuple[Any, ...] | None = None
    for t in tallies:
        if memo is None:
            pts = each(spec, t.values)
        else:
            key = t.key
            if key is None:
                if fields is None:
                    fields = spec.fields + ((spec.decidable,) if spec.decidable else ())
                key = repr([t.values.get(f) for f in fields])  # 1, 1.0, True: apart
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


@attrs.frozen
class Count:
    """What a unit's records of an item's kinds over some months add up to, for a rule that reads
    nothing else of them (a quota, the same period last year): ``amount``, the number of the records
    that match (or the sum of their ``field``); ``carried``, whether one of those was carried over;
    ``any_carried``, whether one of the unit's records, matching or not, was."""

    amount: Decimal
    carried: bool = False
    any_carried: bool = False


NONE = Count(ZERO)
"""A unit without records."""

Counter = Callable[[Sequence[Period]], Mapping[str, Count]]
"""Months (consecutive) → unit id → its ``Count`` over them (units without records left out)."""


@attrs.frozen
class CountSpec:
    """What a rule reads of the records when it reads only counts (``Count``): the records whose
    fields ``match`` (as ``matches`` compares them), counted, or their ``field`` (``value`` or an
    attribute) added up. The store counts them grouped by these fields (``Store.tallies``), the
    rule's ``evaluate_counts`` scores from them; its ``evaluate`` does the same from records
    (``record_counter``), and is the reference."""

    match: tuple[tuple[str, tuple[str, ...]], ...] = ()
    field: str | None = None

    @property
    def spec(self) -> AggregateSpec:
        """The same as an aggregate spec: each matching record adds 1, or its ``field`` (0 where it has none)."""
        return AggregateSpec(self.match, Decimal(1), self.field, ZERO)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.spec.fields


def record_counter(records: Mapping[str, Sequence[Record]], window: Sequence[Period], fetch: Callable[[Sequence[Period]], Mapping[str, Sequence[Record]]],
                   match: Mapping[str, tuple[str, ...]], field: str | None) -> Counter:
    """A ``Counter`` over records: ``records`` (the window's, by unit) for the months of ``window``,
    ``fetch`` for others; each months' counts made once."""
    memo: dict[tuple[Period, ...], dict[str, Count]] = {}

    def count(months: Sequence[Period]) -> Mapping[str, Count]:
        key = tuple(months)
        hit = memo.get(key)
        if hit is None:
            recs = records if list(months) == list(window) else fetch(months)
            chosen = select(recs, match)
            hit = memo[key] = {
                u: Count(
                    amount(chosen.get(u, ()), field),
                    any(r.carried_from is not None for r in chosen.get(u, ())),
                    any(r.carried_from is not None for r in rs),
                )
                for u, rs in recs.items() if rs
            }
        return hit

    return count


def counted(spec: CountSpec, tallies: Iterable[Tally], memo: dict[Any, Decimal | None] | None = None) -> Count:
    """A unit's ``Count`` from its groups (``total`` of ``spec.spec``), in exact decimals."""
    groups = list(tallies)
    s = total(spec.spec, groups, memo)
    any_carried = any(t.carried for t in groups)
    if s is None:
        return Count(ZERO, False, any_carried)
    return Count(s.points if spec.field is not None else Decimal(s.lines), s.carried, any_carried)
