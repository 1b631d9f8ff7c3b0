"""The values the kernel works on: units, records, and the results of scoring them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from .decimals import ZERO
from .periods import Period


@attrs.frozen
class Unit:
    """An assessed unit (派出所, 大队, 科室)."""

    id: str
    """Stable identifier, used in files and on the command line (e.g. ``jincheng``)."""
    name: str
    """Chinese name as printed in the 通报 (e.g. ``金城派出所``)."""
    series: str
    """The series (序列) it is ranked in."""
    klass: str | None = None
    """Difficulty class (类别: A/B/C, 一类/二类), if the scheme has classes."""
    headcount: Mapping[str, int] = attrs.field(factory=dict)
    """民警人数 by period label; key ``"*"`` is the default. The most specific label wins."""
    tags: tuple[str, ...] = ()
    """Free tags: 城区/城郊/农村 …"""
    start: dt.date | None = None
    """First day the unit exists (None: always)."""
    end: dt.date | None = None
    """Last day the unit exists (None: still exists)."""
    aliases: tuple[str, ...] = ()
    """Other names departments use for it in their exports (e.g. ``金城``, ``金城所``)."""

    def headcount_for(self, period: Period) -> int | None:
        """民警人数 for ``period``: the month's own figure, else its quarter's, half's, year's, else ``*``."""
        first = period.months()[0]
        for label in (
            period.label,
            first.label,
            first.containing("quarter").label,
            first.containing("half").label,
            first.containing("year").label,
            "*",
        ):
            if label in self.headcount:
                return self.headcount[label]
        return None

    def active(self, start: dt.date, end: dt.date) -> bool:
        """Whether the unit exists on any day between ``start`` and ``end`` (inclusive)."""
        return (self.start is None or self.start <= end) and (self.end is None or self.end >= start)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.aliases)


@attrs.frozen
class Record:
    """One fact from a department's data: an occurrence, a count or a rate, for one unit on one day.

    ``key`` is the record's stable source key: the same real-world fact always has the same key, so
    importing it twice never counts it twice (seed 000 l.404: "加减分均不重复计算").
    """

    key: str
    kind: str
    unit: str
    date: dt.date
    value: Decimal | None = None
    attrs: Mapping[str, Any] = attrs.field(factory=dict)
    note: str = ""
    carried_from: str | None = None
    """Label of the period whose data this record was carried over from (seed 000 l.88), if any."""

    def get(self, name: str, default: Any = None) -> Any:
        if name == "value":
            return self.value
        return self.attrs.get(name, default)


@attrs.frozen
class Line:
    """One line of an item's result: points, and the one-line Chinese reason for them."""

    points: Decimal
    reason: str
    record: str | None = None
    """Key of the record that produced the line, if one did."""
    carried: bool = False
    flag: str | None = None
    """A flag the rule raises on the unit (e.g. 专项工作连续两次排名末位), shown beside its rank."""
    missing: str = ""
    """The label of the base period whose data is missing for this line (数据缺失): the unit's row
    is absent from a sheet the item needs (a rule's ``missing = "missing"``), or the department owning
    the item has sent nothing for the period (docs/readings.md, "缺数据"). Empty: not missing."""


@attrs.frozen
class Gap:
    """Data missing in a period (数据缺失): a department's data for a base period (``unit`` empty:
    for every unit), or one unit's figure for one item."""

    department: str
    period: str
    """The base period (a month in a monthly scheme)."""
    unit: str = ""
    name: str = ""
    """The unit's name (empty with ``unit``)."""
    item: str = ""
    title: str = ""

    def text(self) -> str:
        if not self.unit:
            return f"{self.department} {self.period} 数据未报送"
        return f"{self.name} {self.period} {self.title}:无数据〔{self.department}〕"


@attrs.frozen
class ItemResult:
    item: str
    title: str
    department: str
    category: str
    reference: str
    window: str
    """Label of the period the item was evaluated over (its cadence window)."""
    lines: tuple[Line, ...]
    points: Decimal
    """Item points after the item's own cap and floor."""
    uncapped: Decimal
    direct_per_capita: bool = False
    note: str = ""
    """Why ``points`` differs from the sum of the lines (cap/floor), if it does."""
    veto: tuple[str, ...] = ()
    folded: int = 0
    """How many record lines ``lines`` holds folded into one line (a stored result, whose record lines
    are made again on demand: kaohe.office.results.explanation); 0: ``lines`` are all there."""

    @property
    def carried(self) -> bool:
        return any(line.carried for line in self.lines)

    @property
    def missing(self) -> bool:
        """Some of the item's data is missing (a line marked 数据缺失)."""
        return any(line.missing for line in self.lines)


@attrs.frozen
class CategoryResult:
    category: str
    name: str
    base: Decimal
    items: tuple[ItemResult, ...]
    raw: Decimal
    """base + item points (per-capita and cap/floor applied): the score compared within the group."""
    top: Decimal
    """The highest raw score in the unit's normalisation group."""
    weight: Decimal
    score: Decimal
    """The normalised score: raw ÷ top × weight (rounded, see docs/readings.md)."""
    explanation: str = ""
    """How raw became score, in Chinese."""


@attrs.frozen
class UnitResult:
    unit: str
    name: str
    series: str
    klass: str | None
    period: str
    categories: tuple[CategoryResult, ...]
    subtotal: Decimal
    """Sum of the categories' scores (plus adjustments) before a veto."""
    total: Decimal
    veto: tuple[str, ...] = ()
    rank: int | None = None
    flags: tuple[str, ...] = ()
    parts: tuple[tuple[str, Decimal], ...] = ()
    """For aggregated periods (quarter, half, year): the parts (period label, total) it is made of."""
    explanation: str = ""
    adjustments: tuple[Line, ...] = ()
    """Direct adjustments of the total (通知单, 机动加分: kaohe.core.adjustments), included in ``subtotal``."""

    @property
    def carried(self) -> bool:
        return any(ln.carried for c in self.categories for i in c.items for ln in i.lines)  # each item's ``carried``, inlined

    @property
    def missing(self) -> bool:
        """Some of the unit's items lack data (lines marked 数据缺失)."""
        return any(ln.missing for c in self.categories for i in c.items for ln in i.lines)

    def item_points(self) -> Decimal:
        return sum((i.points for c in self.categories for i in c.items), ZERO)


@attrs.frozen
class PeriodResult:
    period: str
    kind: str
    units: tuple[UnitResult, ...]
    missing: tuple[Gap, ...] = ()
    """The data missing in the period's base periods: departments that sent nothing, and units'
    figures absent from the sheets (lines marked 数据缺失), in period, department, unit order."""
    empty: tuple[str, ...] = ()
    """The base periods of the period with no data at all (no department sent anything)."""

    def unit(self, unit_id: str) -> UnitResult:
        for u in self.units:
            if u.unit == unit_id:
                return u
        raise KeyError(unit_id)

    def series(self) -> dict[str, list[UnitResult]]:
        """Units by series, best first (by rank, then id)."""
        out: dict[str, list[UnitResult]] = {}
        for u in self.units:
            out.setdefault(u.series, []).append(u)
        for units in out.values():
            units.sort(key=lambda u: (u.rank or 10**9, u.unit))
        return out
