"""Rank-based shapes: points for the top and bottom places, or ±points per place from the middle."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

import attrs

from ..core.decimals import ZERO, D, fmt, fmt_points
from ..core.model import Line, Record, Unit
from .base import Lines, RuleContext, Shape, amount, dec, group_key

WITHIN = ("series", "class", "all")


def _dec_list(values: Sequence[object]) -> tuple[Decimal, ...]:
    return tuple(dec(v) for v in values)


def competition_ranks(values: dict[str, Decimal], descending: bool = True) -> dict[str, int]:
    """1, 1, 3 ranking: tied values share the better place."""
    ordered = sorted(values.items(), key=lambda kv: (-kv[1] if descending else kv[1], kv[0]))
    ranks: dict[str, int] = {}
    prev: Decimal | None = None
    rank = 0
    for i, (key, value) in enumerate(ordered, start=1):
        if value != prev:
            rank, prev = i, value
        ranks[key] = rank
    return ranks


class _Ranked(Shape):
    field: str | None
    measure: str
    order: str
    within: str
    what: str

    def _measure(self, ctx: RuleContext, unit: Unit) -> Decimal:
        return self._measure_of(ctx.of(unit))

    def _measure_of(self, recs: Sequence[Record]) -> Decimal:
        if self.measure == "latest":
            if not recs:
                return ZERO
            last = max(recs, key=lambda r: (r.date, r.key))
            return D(last.get(self.field or "value") or 0)
        return amount(recs, self.field)

    def _groups(self, ctx: RuleContext) -> dict[str, list[Unit]]:
        groups: dict[str, list[Unit]] = {}
        for unit in ctx.units:
            groups.setdefault(group_key(unit, self.within), []).append(unit)
        return groups


@attrs.frozen
class Rank(_Ranked):
    """前5名分别加25、20、15、10、5分,后5名各扣10分: points by place in the unit's group, ranked by
    a measure (the number of records, the sum of ``field``, or the latest ``field`` with
    ``measure = "latest"``), higher first unless ``order = "asc"``. Tied units share the better
    place. ``top`` lists the points of places 1, 2, …; ``bottom`` those of the last place, the one
    before it, …; a unit in both lists gets its ``top`` points."""

    shape: ClassVar[str] = "rank"

    top: tuple[Decimal, ...] = attrs.field(default=(), converter=_dec_list)
    bottom: tuple[Decimal, ...] = attrs.field(default=(), converter=_dec_list)
    field: str | None = None
    measure: str = attrs.field(default="sum", validator=attrs.validators.in_(("sum", "latest")))
    order: str = attrs.field(default="desc", validator=attrs.validators.in_(("desc", "asc")))
    within: str = attrs.field(default="series", validator=attrs.validators.in_(WITHIN))
    what: str = "完成数"
    skip_missing: bool = False
    """Rank only the units with records in the window (the others get no line)."""

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        for units in self._groups(ctx).values():
            if self.skip_missing:
                units = [u for u in units if ctx.of(u)]
            values = {u.id: self._measure(ctx, u) for u in units}
            best = competition_ranks(values, self.order == "desc")
            for u in units:
                # tied units share the better place from the bottom too: 5th of 6 is 倒数第2
                place = best[u.id]
                from_bottom = len(units) - place + 1
                reason = f"{self.what}{fmt(values[u.id])},组内第{place}名(共{len(units)}个单位)"
                if place <= len(self.top):
                    out[u.id] = [Line(self.top[place - 1], reason + f",前{len(self.top)}名")]
                elif from_bottom <= len(self.bottom):
                    out[u.id] = [Line(self.bottom[from_bottom - 1], reason + f",倒数第{from_bottom}名")]
                else:
                    out[u.id] = [Line(ZERO, reason)]
        return out

    def describe(self) -> str:
        parts = []
        if self.top:
            parts.append("前{}名 {}".format(len(self.top), "/".join(fmt_points(p) for p in self.top)))
        if self.bottom:
            parts.append("倒数{}名 {}".format(len(self.bottom), "/".join(fmt_points(p) for p in self.bottom)))
        return ",".join(parts)


@attrs.frozen
class MidRank(_Ranked):
    """以各序列中间排名为标准,排名上升(下降)一位加(减)1分 (seed 000 l.74): points = (middle place −
    place) × ``per_place``, where the middle place of n units is (n+1)/2 (so with an even n the two
    middle units get ±half a step). Tied units share the better place.

    With ``split_field`` each value of that record field (the name of a key work, 重点工作名称: the
    名称 column of the office register is stored as ``campaign``) is ranked on its own, one line per
    work; only the units with a record of that work are ranked in it, and the middle place is that
    of the units ranked."""

    shape: ClassVar[str] = "mid_rank"

    per_place: Decimal = attrs.field(default=Decimal(1), converter=dec)
    field: str | None = None
    measure: str = attrs.field(default="sum", validator=attrs.validators.in_(("sum", "latest")))
    order: str = attrs.field(default="desc", validator=attrs.validators.in_(("desc", "asc")))
    within: str = attrs.field(default="series", validator=attrs.validators.in_(WITHIN))
    what: str = "完成数"
    split_field: str | None = None

    def evaluate(self, ctx: RuleContext) -> Lines:
        if self.split_field is not None:
            return self._split(ctx, self.split_field)
        out: Lines = {}
        for units in self._groups(ctx).values():
            values = {u.id: self._measure(ctx, u) for u in units}
            ranks = competition_ranks(values, self.order == "desc")
            mid = Decimal(len(units) + 1) / 2
            for u in units:
                pts = (mid - ranks[u.id]) * self.per_place
                out[u.id] = [
                    Line(pts, f"{self.what}{fmt(values[u.id])},组内第{ranks[u.id]}名,中间名次{fmt(mid)}")
                ]
        return out

    def _split(self, ctx: RuleContext, split: str) -> Lines:
        works: dict[str, dict[str, list[Record]]] = {}
        for unit in ctx.units:
            for r in ctx.of(unit):
                name = str(r.get(split) or "").strip()
                if name:
                    works.setdefault(name, {}).setdefault(unit.id, []).append(r)
        order = sorted(works, key=lambda n: (min(r.date for rs in works[n].values() for r in rs), n))
        out: Lines = {}
        for name in order:
            for units in self._groups(ctx).values():
                values = {u.id: self._measure_of(works[name][u.id]) for u in units if u.id in works[name]}
                if not values:
                    continue
                ranks = competition_ranks(values, self.order == "desc")
                mid = Decimal(len(values) + 1) / 2
                for uid, value in values.items():
                    pts = (mid - ranks[uid]) * self.per_place
                    reason = (
                        f"“{name}”{self.what}{fmt(value)},组内第{ranks[uid]}名(共{len(values)}个单位),"
                        f"中间名次{fmt(mid)},计{fmt_points(pts) if pts else 0}分"
                    )
                    out.setdefault(uid, []).append(Line(pts, reason))
        return out

    def describe(self) -> str:
        each = "每项工作分别排名," if self.split_field else ""
        return f"{each}以中间名次为0,每高一位 {fmt_points(self.per_place)},每低一位 {fmt_points(-self.per_place)}"
