"""Shared builders for the kernel's tests (test_periods, test_rules, test_pipeline, test_properties,
test_plugins, test_config). Plain functions, no pytest magic, so any test file may import them."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from kaohe.contract.items import Item
from kaohe.core.model import Record, Unit
from kaohe.core.periods import Calendar, Period
from kaohe.rules import RuleContext
from kaohe.scheme.bureau import Assessment, Bureau
from kaohe.scheme.scheme import Category, Scheme, Series
from kaohe.scoring.pipeline import MemorySource, _by_unit

CAL = Calendar(20)
_keys = itertools.count(1)


def D(x: Any) -> Decimal:
    return Decimal(str(x))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def rec(kind: str, unit: str, date: str | dt.date, value: Any = None, key: str | None = None, note: str = "", **attrs: Any) -> Record:
    """A record; a fresh key unless one is given."""
    return Record(
        key=key or f"k{next(_keys)}",
        kind=kind,
        unit=unit,
        date=day(date) if isinstance(date, str) else date,
        value=None if value is None else D(value),
        attrs=attrs,
        note=note,
    )


def unit(uid: str, name: str, series: str = "A", klass: str | None = "A", headcount: Any = None, tags: Sequence[str] = (), aliases: Sequence[str] = ()) -> Unit:
    hc = headcount if isinstance(headcount, dict) else ({"*": headcount} if headcount else {})
    return Unit(id=uid, name=name, series=series, klass=klass, headcount=hc, tags=tuple(tags), aliases=tuple(aliases))


def a_stations(headcount: int | None = None) -> tuple[Unit, Unit, Unit]:
    """The three class-A stations of seed 000 l.426 used throughout (城区四所 minus 城西)."""
    return (
        unit("jincheng", "金城派出所", headcount=headcount, aliases=("金城",)),
        unit("huacheng", "华城派出所", headcount=headcount, aliases=("华城",)),
        unit("chengdong", "城东派出所", headcount=headcount, aliases=("城东",)),
    )


def ctx(
    records: Iterable[Record],
    units: Sequence[Unit],
    period: str = "2015-04",
    window: str | None = None,
    calendar: Calendar = CAL,
    title: str = "测试项目",
) -> RuleContext:
    """A rule context: the records dated in the window are the window's; ``fetch`` serves any other
    periods from the same list (as the pipeline does from its data source)."""
    all_records = list(records)
    p = Period.parse(period)
    w = Period.parse(window) if window else p
    start, end = calendar.start(w), calendar.end(w)

    def fetch(periods: Sequence[Period]) -> dict[str, list[Record]]:
        s, e = calendar.start(periods[0]), calendar.end(periods[-1])
        return _by_unit(r for r in all_records if s <= r.date <= e)

    return RuleContext(
        title=title,
        period=p,
        window=w,
        calendar=calendar,
        units=tuple(units),
        records=_by_unit(r for r in all_records if start <= r.date <= end),
        fetch=fetch,
    )


def pts(lines: dict[str, list[Any]], uid: str) -> Decimal:
    """Sum of one unit's line points (0 when the rule gave it no lines)."""
    return sum((ln.points for ln in lines.get(uid, ())), Decimal(0))


def item(
    iid: str,
    rule: Any,
    category: str = "jichu",
    reads: Sequence[str] | None = None,
    cadence: str = "monthly",
    cap: Any = None,
    floor: Any = None,
    direct_per_capita: bool = False,
    title: str | None = None,
) -> Item:
    return Item(
        id=iid,
        title=title or iid,
        department="测试部门",
        category=category,
        reference="seed 000",
        reads=tuple(reads or (iid,)),
        rule=rule,
        cadence=cadence,
        cap=cap,
        floor=floor,
        direct_per_capita=direct_per_capita,
        plugin=iid.split(".", 1)[0],
    )


def category(cid: str, weight: Any, base: Any = 0, name: str | None = None, **kw: Any) -> Category:
    return Category(id=cid, name=name or cid, weight=weight, base=base, **kw)


def bureau(
    items: Sequence[Item],
    units: Sequence[Unit],
    categories: Sequence[Category],
    series: Sequence[Series] = (Series("A", "A类所"),),
    calendar: Calendar = CAL,
    **scheme_kw: Any,
) -> Bureau:
    scheme = Scheme(name="测试方案", categories=tuple(categories), series=tuple(series), **scheme_kw)
    return Bureau(assessment=Assessment(name="测试局", calendar=calendar, scheme=scheme, units=tuple(units), items=tuple(items)))


def source(*records: Record) -> MemorySource:
    return MemorySource(list(records))
