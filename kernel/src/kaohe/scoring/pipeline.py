"""The scoring pipeline: pure functions from (bureau, period, records) to results.

Steps for a base period (a month in a monthly scheme): every item due in the period is evaluated
over its window; its lines are summed and bounded by the item's cap and floor; a category's raw
score is its base plus its items' points (per-capita where the category says so), bounded by its
floor and cap; the raw score is normalised against the top raw score of the unit's group (seed 000
l.686); the total is the sum of the categories; a veto makes it 0; units are ranked within their
series and flagged. Longer periods aggregate base periods. See docs/readings.md for every choice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

import attrs

from ..contract.items import Item
from ..core.adjustments import Adjustment, for_unit
from ..core.decimals import ZERO, fmt, fmt_points, quantize
from ..core.errors import KaoheError
from ..core.model import CategoryResult, Gap, ItemResult, Line, PeriodResult, Record, Unit, UnitResult
from ..core.periods import MONTHS_PER, Period
from ..rules import RuleContext, Veto, competition_ranks
from ..rules.base import UnitRecords, group_key
from ..scheme.bureau import Bureau
from ..scheme.scheme import Category, Scheme
from ..rules.aggregate import Counter
from .aggregated import Counts, counts_of, lines_of, spec_of, started_sums
from .folding import Interner, Referred, fold_lines, folded_line


class DataSource(Protocol):
    """Where records come from: the store, or a list in a test."""

    def records(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterable[Record]:
        """Records of ``kinds`` dated from ``start`` to ``end`` inclusive."""
        ...


@attrs.frozen
class MemorySource:
    """Records held in memory (tests, dry runs). Later records with a key already seen are ignored."""

    items: Sequence[Record]
    adjusted: Sequence[Adjustment] = ()

    def adjustments(self, period: str) -> list[Adjustment]:
        return [a for a in self.adjusted if a.period == period]

    def records(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterable[Record]:
        wanted = set(kinds)
        seen: set[str] = set()
        first = []
        for r in self.items:  # a later record with a key already seen is ignored, whatever its kind or date
            if r.key not in seen:
                seen.add(r.key)
                first.append(r)
        return [r for r in first if r.kind in wanted and start <= r.date <= end]


def _by_unit(records: Iterable[Record]) -> UnitRecords:
    """Group by unit, keeping the first record of each source key (a record never counts twice)."""
    seen: set[str] = set()
    out = UnitRecords()
    for r in records:
        if r.key in seen:
            continue
        seen.add(r.key)
        recs = out.get(r.unit)
        if recs is None:
            recs = out[r.unit] = []
        recs.append(r)
    return out


def base_periods(bureau: Bureau, period: Period) -> list[Period]:
    base = bureau.scheme.base_period
    if MONTHS_PER[period.kind] < MONTHS_PER[base]:
        raise KaoheError(f"本局按{ {'month': '月', 'quarter': '季度'}[base] }考核,不能单独计算 {period.label}")
    first = period.months()[0].containing(base)
    out = [first]
    while not period.ends_with(out[-1].months()[-1]):
        out.append(out[-1].next())
    return out


def period_adjustments(data: DataSource, period: Period) -> tuple[Adjustment, ...]:
    """The adjustments a data source holds for ``period`` (none when it has no ``adjustments``)."""
    read = getattr(data, "adjustments", None)
    return tuple(read(period.label)) if read is not None else ()


def period_gaps(data: DataSource, period: Period) -> tuple[Mapping[str, str], bool, frozenset[str]]:
    """The data a data source says is missing in base period ``period``: kind → the department
    that has sent nothing for it, whether the period has no data at all, and the kinds whose
    department confirmed having nothing to report (none known for a source without ``gaps``: a
    list of records in a test is complete)."""
    read = getattr(data, "gaps", None)
    return read(period) if read is not None else ({}, False, frozenset())


Grouped = dict[tuple[tuple[str, ...], dt.date, dt.date], dict[str, list[Record]]]
"""(kinds, start, end) → the records of a data source's answer, grouped by unit (see ``_grouped``)."""


def _grouped(data: DataSource, kinds: Sequence[str], start: dt.date, end: dt.date, cache: Grouped | None) -> dict[str, list[Record]]:
    """``_by_unit(data.records(kinds, start, end))``, asked once per ``cache``: items reading the same
    kinds over the same window share one answer (a source's answer does not change while a period
    is scored; rules only read the records)."""
    if cache is None:
        return _by_unit(data.records(kinds, start, end))
    key = (tuple(kinds), start, end)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = _by_unit(data.records(kinds, start, end))
    return hit


def evaluate_item(
    bureau: Bureau, item: Item, period: Period, units: Sequence[Unit], data: DataSource, cache: Grouped | None = None,
    missing: Mapping[str, str] | None = None, confirmed: frozenset[str] = frozenset(),
    sums: Mapping[str, tuple[Line, int]] | None = None, counter: Counter | None = None,
) -> dict[str, ItemResult] | None:
    """One item's results for every unit, or None when the item is not due in ``period``.
    ``cache`` (optional) shares the records read with other items evaluated with the same cache.
    ``missing`` (kind → department, ``period_gaps``): an item reading a kind whose department has
    sent nothing for ``period`` is not evaluated — no unit gains or loses by a department's silence
    (a quota or a per-capita target would count the silence as every unit's shortfall) — and each
    unit's line says so, marked 数据缺失. An item all of whose kinds' departments ``confirmed`` having
    nothing to report has nothing missing: a rule's lines are not marked 数据缺失 (no row, no rate
    to assess). ``sums`` (kaohe.scoring.aggregated.summed): the item's line by unit from grouped
    counts, in place of its rule's ``evaluate``: the results are those a base period's stored
    result keeps (``folding.fold_stored``), two or more record lines folded. ``counter``
    (kaohe.scoring.aggregated.Counts): the units' counts for a rule that reads only counts, scored
    by its ``evaluate_counts`` instead of its ``evaluate``."""
    window = item.window(period)
    if window is None:
        return None
    silent = sorted({missing[k] for k in item.reads if k in missing}) if missing else []
    lines: Mapping[str, Sequence[Line]]
    if silent:
        gap = Line(ZERO, f"{'、'.join(silent)} {period.label} 数据未报送,本项暂不计分", None, missing=period.label)
        lines = {u.id: (gap,) for u in units}
    elif sums is not None:
        lines = {}  # each unit's one line and how many record lines it stands for: read below
    else:
        cal = bureau.calendar
        if counter is not None:
            ctx = RuleContext(title=item.title, period=period, window=window, calendar=cal, units=units, records={})
            lines = item.rule.evaluate_counts(ctx, counter)  # type: ignore[attr-defined]  # aggregated.counts_of
        else:
            records = _grouped(data, item.reads, cal.start(window), cal.end(window), cache)

            def fetch(periods: Sequence[Period]) -> Mapping[str, Sequence[Record]]:
                return _grouped(data, item.reads, cal.start(periods[0]), cal.end(periods[-1]), cache)

            ctx = RuleContext(
                title=item.title, period=period, window=window, calendar=cal, units=units, records=records, fetch=fetch
            )
            lines = item.rule.evaluate(ctx)
        if confirmed and all(k in confirmed for k in item.reads):
            none = f"{window.chinese}该部门确认本期无须报送,不计分"
            lines = {u: [attrs.evolve(ln, missing="", reason=none) if ln.missing else ln for ln in ls] for u, ls in lines.items()}
    changes = [a for a in period_adjustments(data, period) if a.item == item.id]
    out: dict[str, ItemResult] = {}
    empty: ItemResult | None = None  # the result of every unit without lines: one, shared (immutable)
    label = window.label
    veto = isinstance(item.rule, Veto)
    ls: tuple[Line, ...]
    for unit in units:
        uid = unit.id
        if sums is not None and not silent:
            one = sums.get(uid)
            ls, n = ((one[0],), one[1]) if one is not None else ((), 0)
        else:
            got = lines.get(uid)
            ls, n = tuple(got) if got else (), 0
        if changes:
            extra = tuple(a.line() for a in for_unit(changes, uid, item.id))
            if n and any(ln.record is not None for ln in extra):
                ls, n = _folded_in(ls[0], n, extra, label)
            else:
                ls += extra
        if ls:
            out[uid] = _item_result(item, label, ls, n, veto)
        else:
            if empty is None:
                empty = _item_result(item, label, (), 0, veto)
            out[uid] = empty
    return out


def _folded_in(one: Line, n: int, extra: tuple[Line, ...], window: str) -> tuple[tuple[Line, ...], int]:
    """The folded line ``one`` of ``n`` record lines with the record lines of ``extra`` (an item's
    adjustments, which name their entry) folded in as ``folding.fold_stored`` folds every record
    line, the others after it; and how many record lines it then stands for."""
    records = [ln for ln in extra if ln.record is not None]
    points = sum((ln.points for ln in records), one.points)
    line = folded_line(points, n + len(records), window, one.carried or any(ln.carried for ln in records), one.flag)
    return (line, *(ln for ln in extra if ln.record is None)), n + len(records)


def _item_result(item: Item, window: str, ls: tuple[Line, ...], folded: int = 0, veto: bool = False) -> ItemResult:
    """An item's result of ``window`` (its label) from its lines: their sum, bounded by the item's
    cap and floor (``folded``: how many record lines its first line stands for, ``ItemResult.folded``;
    ``veto``: whether its rule is a ``Veto``, whose lines' reasons are the result's vetoes)."""
    uncapped = ZERO + ls[0].points if len(ls) == 1 else sum((ln.points for ln in ls), ZERO)  # most: one line
    points, note = uncapped, ""
    if item.cap is not None and points > item.cap:
        points, note = item.cap, f"加分最高不超过{fmt(item.cap)}分,按{fmt(item.cap)}分计"
    if item.floor is not None and points < item.floor:
        points, note = item.floor, f"扣分最多{fmt(-item.floor)}分,按{fmt(item.floor)}分计"
    return ItemResult(
        item=item.id,
        title=item.title,
        department=item.department,
        category=item.category,
        reference=item.basis,
        window=window,
        lines=ls,
        points=points,
        uncapped=uncapped,
        direct_per_capita=item.direct_per_capita,
        note=note,
        veto=tuple(ln.reason for ln in ls if not ln.missing) if veto else (),
        folded=folded,
    )


def category_raw(scheme: Scheme, cat: Category, unit: Unit, period: Period, items: Sequence[ItemResult]) -> tuple[Decimal, str]:
    """A category's raw score and how it was formed (Chinese)."""
    normal = direct = ZERO
    for i in items:  # each added in order from 0, as ``sum`` adds
        if i.direct_per_capita:
            direct += i.points
        else:
            normal += i.points
    parts = [f"基础分{fmt(cat.base)}"] if cat.base else []
    head = unit.headcount_for(period) or 0 if cat.per_capita or direct else 0  # read only where it is used
    if not head and (cat.per_capita or (direct and scheme.per_capita_direct == "times_headcount")):
        raise KaoheError(f"单位 {unit.name}({unit.id})缺少 {period.label} 的民警人数,无法计算人均分:请在单位配置的 headcount 中填写")
    if cat.per_capita:
        normal_pc = quantize(normal / head, 4)
        parts.append(f"项目得分{fmt(normal)}÷民警{head}人={fmt(normal_pc)}")
        normal = normal_pc
    else:
        parts.append(f"项目得分{fmt(normal)}")
    if direct:
        if not cat.per_capita and scheme.per_capita_direct == "times_headcount":
            parts.append(f"直接计人均分{fmt(direct)}×{head}人")
            direct = direct * head
        else:
            parts.append(f"直接计人均分{fmt(direct)}")
    raw = cat.base + normal + direct
    text = " + ".join(parts) + f" = {fmt(raw)}"
    if cat.floor is not None and raw < cat.floor:
        raw = cat.floor
        text += f",扣完为止,按{fmt(cat.floor)}计"
    if cat.cap is not None and raw > cat.cap:
        raw = cat.cap
        text += f",最高{fmt(cat.cap)}"
    return raw, text


def normalise(raw: Decimal, top: Decimal, weight: Decimal, full: Decimal, places: int) -> tuple[Decimal, str]:
    """Seed 000 l.686: raw ÷ top × weight. When the top is 0 or negative the division means nothing;
    the unit then loses from the weight what it is below the top, on the category's full-score scale
    (weight − (top − raw) × weight ÷ full), so the top still gets the full weight and order is kept."""
    if top > 0:
        score = quantize(raw / top * weight, places)
        return score, f"{fmt(raw)} ÷ 组内最高分{fmt(top)} × 权重{fmt(weight)} = {fmt(score)}"
    scale = weight / full if full else Decimal(1)
    score = quantize(weight - (top - raw) * scale, places)
    return score, f"组内最高分{fmt(top)}不大于0,按 权重{fmt(weight)} − (最高分{fmt(top)} − {fmt(raw)}) × {fmt(weight)}/{fmt(full)} = {fmt(score)}"


def _evaluate_group(
    bureau: Bureau, items: Sequence[Item], members: Sequence[int], period: Period, units: Sequence[Unit], data: DataSource,
    missing: Mapping[str, str] | None, confirmed: frozenset[str], sums: Mapping[str, Any], counts: Counts | None,
    evaluated: list[dict[str, ItemResult] | None],
) -> None:
    """``evaluate_item`` of the ``members`` of a group of items (reading the same kinds over the same
    window: one read of their records, dropped after the group), into ``evaluated``."""
    cache: Grouped = {}
    for i in members:
        evaluated[i] = evaluate_item(
            bureau, items[i], period, units, data, cache, missing, confirmed, sums.get(items[i].id),
            counts.counter(items[i]) if counts is not None else None,
        )
    del cache


def evaluate_categories(
    bureau: Bureau, period: Period, units: Sequence[Unit], data: DataSource, categories: Sequence[Category],
    missing: Mapping[str, str] | None = None, confirmed: frozenset[str] = frozenset(),
    reuse: Mapping[str, Mapping[str, ItemResult]] | None = None,
) -> dict[str, list[CategoryResult]]:
    """The ``categories`` of every unit for ``period``: items due, raw scores, normalised scores
    (``missing``: see ``evaluate_item``). ``reuse``: item → unit → its result, taken as it is instead
    of evaluating the item (a rescoring of what changed, kaohe.office.rescore)."""
    wanted = {c.id for c in categories}
    items = [i for i in bureau.items if i.category in wanted]
    per_unit: dict[str, list[ItemResult]] = {u.id: [] for u in units}
    # Items reading the same kinds over the same window are evaluated together, sharing one read
    # of the records, which is dropped before the next group is read (so only one group's records
    # are held at a time); the results are then taken in the items' own order.
    groups: dict[tuple[tuple[str, ...], Period | None], list[int]] = {}
    for i, item in enumerate(items):
        if reuse is not None and item.id in reuse:
            continue
        groups.setdefault((tuple(item.reads), item.window(period)), []).append(i)
    evaluated: list[dict[str, ItemResult] | None] = [None] * len(items)
    sums: dict[str, Any] = {}  # [scoring] engine = "sql": the items scored from grouped counts (kaohe.scoring.aggregated)
    counts: Counts | None = None
    early: list[list[int]] = []
    early_done: set[int] = set()  # the groups evaluated as their scans were done
    if bureau.engine == "sql":
        counts = Counts(bureau, [i for i in items if not (reuse and i.id in reuse)], data)
        summable = [i for i in items if not (missing and any(k in missing for k in i.reads)) and not (reuse and i.id in reuse)]
        # the grouped scans started (made at once where the store can: Store.tallies_done), and the
        # groups of items that read neither sums nor counts (scored from their records) evaluated
        # meanwhile; then the others, from the scans
        started = started_sums(bureau, summable, period, data, counts)
        early = [m for m in groups.values() if all(spec_of(items[i]) is None and counts_of(items[i]) is None for i in m)]
        for members in early:
            _evaluate_group(bureau, items, members, period, units, data, missing, confirmed, {}, None, evaluated)
        # then each other group as soon as the scans it reads are done (those of its items scored
        # from sums: their lines made as each is done; those of the windows its items count), while
        # the others are made; the rest once every scan is done (a count of another block of months,
        # the year before say, is scanned when its item asks)
        scanned = {item.id for members in started.members for item, _ in members}
        waiting = [
            (
                {items[i].id for i in m} & scanned,
                {w for i in m if (w := counts.window_scan(items[i], period)) is not None},
                m,
            )
            for m in groups.values() if id(m) not in {id(e) for e in early}
        ]
        have: set[str] = set()
        try:
            for ready in started.each():
                sums.update(lines_of(bureau, ready, period, units, data, {item.id: started.out[item.id] for item in ready}))
                have.update(item.id for item in ready)
                for need, windows, members in waiting:
                    if id(members) not in early_done and need <= have and all(counts.taken(w) for w in windows):
                        _evaluate_group(bureau, items, members, period, units, data, missing, confirmed, sums, counts, evaluated)
                        early_done.add(id(members))
        finally:  # after an error, the scans under way given up, not waited for
            started.close()
    done = {id(m) for m in early} | early_done
    for members in groups.values():
        if id(members) not in done:
            _evaluate_group(bureau, items, members, period, units, data, missing, confirmed, sums, counts, evaluated)
    for i, item in enumerate(items):
        if reuse is not None and item.id in reuse:
            evaluated[i] = dict(reuse[item.id])
    for results in evaluated:
        if results:
            for uid, res in results.items():
                per_unit[uid].append(res)

    return categorised(bureau, period, units, per_unit, categories)


def categorised(
    bureau: Bureau, period: Period, units: Sequence[Unit], per_unit: Mapping[str, Sequence[ItemResult]],
    categories: Sequence[Category], others: Iterable[tuple[Unit, str, Decimal]] = (),
) -> dict[str, list[CategoryResult]]:
    """The ``categories`` of every unit of ``units`` from its items' results ``per_unit`` (unit →
    its items' results in the items' order): raw scores, each normalised against the top raw score
    of the unit's group; ``others``: (unit, category, raw score) of the group's other units, taken as
    given (a rescoring of what changed reads them as stored: kaohe.office.rescore)."""
    scheme = bureau.scheme
    raws: dict[tuple[str, str], tuple[Decimal, str]] = {}
    by_cat: dict[str, dict[str, list[ItemResult]]] = {}  # unit → category → its items' results, in order
    for unit in units:
        mine = by_cat[unit.id] = {cat.id: [] for cat in categories}
        for i in per_unit[unit.id]:
            got = mine.get(i.category)
            if got is not None:
                got.append(i)
        for cat in categories:
            if not cat.applies_to(unit.series):
                continue
            raws[(unit.id, cat.id)] = category_raw(scheme, cat, unit, period, mine[cat.id])

    tops: dict[tuple[str, str], Decimal] = {}
    for other, cid, raw in others:
        key = (group_key(other, scheme.normalise_within), cid)
        tops[key] = max(tops.get(key, raw), raw)
    for unit in units:
        g = group_key(unit, scheme.normalise_within)
        for cat in categories:
            if not cat.applies_to(unit.series):
                continue
            raw = raws[(unit.id, cat.id)][0]
            key = (g, cat.id)
            tops[key] = max(tops.get(key, raw), raw)

    out: dict[str, list[CategoryResult]] = {}
    for unit in units:
        g = group_key(unit, scheme.normalise_within)
        cats = []
        for cat in categories:
            if not cat.applies_to(unit.series):
                continue  # a category of other series only (docs/configuration.md, categories.series)
            raw, raw_text = raws[(unit.id, cat.id)]
            top = tops[(g, cat.id)]
            weight = cat.weight_for(unit.series)
            if cat.normalise:
                score, how = normalise(raw, top, weight, cat.full or weight, scheme.decimals)
            else:
                score, how = quantize(raw, scheme.decimals), "不折算,按原始分计"
            cats.append(
                CategoryResult(
                    category=cat.id,
                    name=cat.name,
                    base=cat.base,
                    items=tuple(by_cat[unit.id][cat.id]),
                    raw=raw,
                    top=top,
                    weight=weight,
                    score=score,
                    explanation=f"原始分:{raw_text};折算:{how}",
                )
            )
        out[unit.id] = cats
    return out


def score_base(
    bureau: Bureau, period: Period, data: DataSource, history: Sequence[PeriodResult] = (),
    reuse: Mapping[str, Mapping[str, ItemResult]] | None = None,
) -> PeriodResult:
    """Score one base period. ``history`` holds earlier results of the same kind, latest first
    (for the "last place N periods running" flag); ``reuse``: items' results taken as they are
    (``evaluate_categories``). Scored under the version of the scheme in force in ``period``
    (``Bureau.at``: the bureau's dated changes, kaohe.scheme.dated)."""
    with collector_paused():
        return _score_base(bureau, period, data, history, reuse)


@contextlib.contextmanager
def collector_paused(collect_first: bool = False) -> Iterator[None]:
    """Python's cycle collector paused while a base period is scored (and, from
    ``office.jobs.score_period``, stored): scoring makes hundreds of
    thousands of objects (lines, items' results) and no cycles to speak of (144 objects collected
    in a month at 1/10), and each of the collector's full passes walks every object alive, which
    grows with the stations (16 passes, 2.0 s of a 20 s month at full scale: bench/RESULTS.md, MP18).
    Reference counting still frees everything as before; the collector resumes afterwards (a
    nested or concurrent scoring leaves it as it found it at its start). ``collect_first``, when it
    is paused already (``kaohe score`` pauses it for the whole command, which may score several
    months and aggregate their quarters and year): the cycles left by what ran before (an earlier
    month's scoring) collected first, while little of it is alive (12-17 ms at full scale), so that
    they do not add up over the months."""
    if not gc.isenabled():
        if collect_first:
            gc.collect()
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _score_base(
    bureau: Bureau, period: Period, data: DataSource, history: Sequence[PeriodResult],
    reuse: Mapping[str, Mapping[str, ItemResult]] | None,
) -> PeriodResult:
    bureau = bureau.at(period)
    scheme = bureau.scheme
    units = bureau.active_units(period)
    missing, empty, confirmed = period_gaps(data, period)
    by_unit = evaluate_categories(bureau, period, units, data, scheme.period_categories, missing, confirmed, reuse)
    adjustments = period_adjustments(data, period)
    results = [unit_result(scheme, unit, period, by_unit[unit.id], adjustments) for unit in units]
    gaps = [Gap(d, period.label) for d in sorted(set(missing.values()))]
    gaps += _unit_gaps(results, set(missing.values()))
    ranked = rank_and_flag(scheme, results, history, period, empty)
    return PeriodResult(period.label, period.kind, tuple(ranked), tuple(gaps), (period.label,) if empty else ())


def unit_result(
    scheme: Scheme, unit: Unit, period: Period, cats: Sequence[CategoryResult], adjustments: tuple[Adjustment, ...]
) -> UnitResult:
    """``unit``'s result of base period ``period`` from its categories, not yet ranked: their sum
    (times its class's coefficient, plus the office's direct adjustments), its veto and line flags."""
    subtotal = sum((c.score for c in cats), ZERO)
    how = ""
    k = scheme.coefficient(unit.klass)
    if k != 1:  # 难度系数 by class (seed 002; docs/readings.md)
        adjusted = quantize(subtotal * k, scheme.decimals)
        how = f"各考核内容合计{fmt(subtotal)} × {unit.klass}难度系数{fmt(k)} = {fmt(adjusted)}"
        subtotal = adjusted
    direct = tuple(a.line() for a in for_unit(adjustments, unit.id))
    if direct:
        subtotal, how = _adjusted(subtotal, direct, how)
    vetoes: list[str] = []
    flags: list[str] = []  # ``_line_flags``, in the same pass
    for c in cats:
        for i in c.items:
            if i.veto:
                vetoes.extend(i.veto)
            for ln in i.lines:
                if ln.flag and ln.flag not in flags:
                    flags.append(ln.flag)
    veto = tuple(vetoes)
    return UnitResult(
        unit=unit.id,
        name=unit.name,
        series=unit.series,
        klass=unit.klass,
        period=period.label,
        categories=tuple(cats),
        subtotal=subtotal,
        total=ZERO if veto else subtotal,
        veto=veto,
        flags=tuple(flags),
        explanation=how,
        adjustments=direct,
    )


def _unit_gaps(results: Sequence[UnitResult], silent: set[str]) -> list[Gap]:
    """The units' own missing figures: lines marked 数据缺失 of items whose department did send data."""
    out = []
    for r in results:
        for c in r.categories:
            for i in c.items:
                if i.department in silent:
                    continue
                for ln in i.lines:
                    if ln.missing:
                        out.append(Gap(i.department, ln.missing, r.unit, r.name, i.item, i.title))
    return out


def _adjusted(total: Decimal, lines: Sequence[Line], how: str) -> tuple[Decimal, str]:
    """``total`` plus the direct adjustments, and the explanation extended to say so."""
    points = sum((ln.points for ln in lines), ZERO)
    head = how or f"各考核内容合计{fmt(total)}"
    return total + points, f"{head};考核办调整{fmt_points(points)},计{fmt(total + points)}"


def _line_flags(cats: Sequence[CategoryResult]) -> tuple[str, ...]:
    """Flags raised by rules on their lines (e.g. last in two campaigns running), each once."""
    seen: list[str] = []
    for c in cats:
        for i in c.items:
            for ln in i.lines:
                if ln.flag and ln.flag not in seen:
                    seen.append(ln.flag)
    return tuple(seen)


def _carried_missing(r: UnitResult) -> tuple[bool, bool]:
    """``r.carried`` and ``r.missing``, in one pass over its lines where they are ``UnitResult``'s own
    (a subclass may know them otherwise: kaohe.office.rescore's ``Kept``)."""
    if type(r) is not UnitResult:
        return r.carried, r.missing
    carried = missing = False
    for c in r.categories:
        for i in c.items:
            for ln in i.lines:
                if ln.carried:
                    carried = True
                if ln.missing:
                    missing = True
                if carried and missing:
                    return True, True
    return carried, missing


DERIVED_FLAGS = ("一票否决", "含沿用上期数据", "数据缺失", "末位", "整改单位", "取消年终评先创优资格")


def rank_and_flag(
    scheme: Scheme, results: Sequence[UnitResult], history: Sequence[PeriodResult], period: Period, empty: bool = False
) -> list[UnitResult]:
    """Rank within series (ties share the better place) and set the flags. A period with no data
    at all (``empty``) raises no 末位 flag (nor 整改单位, nor a run of last places): nobody was
    assessed (docs/readings.md, "缺数据")."""
    by_series: dict[str, list[UnitResult]] = defaultdict(list)
    for r in results:
        by_series[r.series].append(r)
    past = [{u.unit: u for u in h.units} for h in history]
    out = []
    for series, members in by_series.items():
        ranks = competition_ranks({r.unit: r.total for r in members})
        last_rank = max(ranks.values())
        lowest = [u for u, rk in ranks.items() if rk == last_rank]
        s = scheme.series_by_id(series)
        for r in members:
            flags = [f for f in r.flags if f not in DERIVED_FLAGS]
            rank = ranks[r.unit]
            is_last = last_rank > 1 and r.unit in lowest and not empty
            if r.veto:
                flags.append("一票否决")
                if period.kind == "year":
                    flags.append("取消年终评先创优资格")  # seed 000 l.430
            carried, missing = _carried_missing(r)
            if carried:
                flags.append("含沿用上期数据")
            if missing:
                flags.append("数据缺失")
            if is_last:
                flags.append("末位")
                n = scheme.last_place_months
                running = 1
                for h in past[: n - 1]:
                    prev = h.get(r.unit)
                    if prev is None or "末位" not in prev.flags:
                        break
                    running += 1
                if n > 1 and running >= n and period.kind == scheme.base_period:
                    flags.append(f"连续{n}期排名末位")
                if s is not None and s.pass_mark is not None and r.total < s.pass_mark:
                    flags.append("整改单位")
            out.append(attrs.evolve(r, rank=rank, flags=tuple(flags)))
    return out


def aggregate(bureau: Bureau, period: Period, parts: Sequence[PeriodResult], data: DataSource | None = None) -> PeriodResult:
    """A quarter, half-year or year from its base periods (scheme.aggregate / scheme.year_method).
    Each item's lines are those of its base periods, prefixed with the period, record lines folded
    (``folding.fold_lines``: each record's line is in its base period's explanation).

    For the year, the scheme's year categories (``scope = "year"``: the year-end extra test, special
    work) are evaluated over the whole year from ``data`` and added to the periods' part (seed 000
    l.422: 月考核 60%、年度加考 20%、专项工作 20%). Formed under the version of the scheme in force
    for ``period`` (``Bureau.at``), each base period having been scored under its own."""
    bureau = bureau.at(period)
    scheme = bureau.scheme
    year_cats = year_categories(bureau, period, data)
    adjustments = long_adjustments(bureau, period, data)
    blank = [e for p in parts for e in p.empty]
    intern = Interner()  # units with equal merged items share one (most items are empty for most units)
    units: dict[str, list[UnitResult]] = defaultdict(list)
    for p in parts:
        for u in p.units:
            units[u.unit].append(u)
    results = [
        aggregate_unit(bureau, period, us, blank, year_cats.get(uid, []), adjustments, intern) for uid, us in units.items()
    ]
    gaps = tuple(dict.fromkeys(g for p in parts for g in p.missing))
    ranked = rank_and_flag(scheme, results, (), period, bool(parts) and len(blank) == len(parts))
    return PeriodResult(period.label, period.kind, tuple(ranked), gaps, tuple(blank))


def year_categories(bureau: Bureau, period: Period, data: DataSource | None) -> dict[str, list[CategoryResult]]:
    """The scheme's year categories (``scope = "year"``) of every unit, evaluated over the whole year
    from ``data``, for the year; none for another period."""
    bureau = bureau.at(period)
    scheme = bureau.scheme
    if period.kind != "year" or not scheme.year_categories:
        return {}
    if data is None:
        raise ValueError("the year's categories need the records: pass data")
    return evaluate_categories(bureau, period, bureau.active_units(period), data, scheme.year_categories)


def long_adjustments(bureau: Bureau, period: Period, data: DataSource | None) -> list[tuple[Period, Adjustment]]:
    """The adjustments named for ``period`` and for the periods between it and its base periods."""
    out: list[tuple[Period, Adjustment]] = []
    if data is not None:
        for p in (*between_periods(bureau, period), period):
            out.extend((p, a) for a in period_adjustments(data, p))
    return out


def aggregate_unit(
    bureau: Bureau, period: Period, us: Sequence[UnitResult], blank: Sequence[str], extra: Sequence[CategoryResult],
    adjustments: Sequence[tuple[Period, Adjustment]], intern: Interner,
    same: dict[tuple[Any, ...], tuple[tuple[ItemResult, ...], ItemResult]] | None = None,
    merged: Mapping[str, Sequence[ItemResult]] | None = None,
) -> UnitResult:
    """One unit's quarter, half-year or year from its base periods' results ``us`` (in order), not yet
    ranked: ``blank``, the base periods without any data; ``extra``, its year categories; the
    adjustments of ``long_adjustments``. ``aggregate`` makes every unit's with it; a period
    aggregated from stored months makes them one unit at a time. ``same``, kept by the caller
    across units: an item whose base periods' results are the very objects (without lines) another
    unit's were is merged once (stored months share their equal results without lines).
    ``merged``: the unit's items of ``period`` merged already (``merge_item``'s results), by category,
    in their order (a period aggregated from the stored months' rows: kaohe.office.results); the
    base periods' results ``us`` then need no items."""
    bureau = bureau.at(period)
    scheme = bureau.scheme
    method = scheme.year_method if period.kind == "year" else scheme.aggregate
    first = us[0]
    uid = first.unit
    totals = [u.total for u in us]
    s = sum(totals, ZERO)
    if method == "sum":
        total, how = s, "各期得分之和"
    elif method == "mean":
        total, how = quantize(s / len(us), scheme.decimals), f"各期得分平均({len(us)}期)"
    else:
        full = scheme.full_total(first.series)
        total = quantize(s / len(us) / full * scheme.year_scale, scheme.decimals)
        how = f"各期平均分 ÷ 满分{fmt(full)} × {fmt(scheme.year_scale)}({len(us)}期)"
    if blank:  # said where the total is explained: a mean over months without data is not a month's score
        how += f"(其中{'、'.join(blank)}没有任何数据,各单位该期同分)"
    cats = []
    by_id = [{c.category: c for c in u.categories} for u in us]
    for cat in _categories_of(us):  # by id: a dated change may add or drop a category within the period
        members = [b[cat.category] for b in by_id if cat.category in b]
        if merged is not None:
            made = list(merged.get(cat.category, ()))
        else:
            items: dict[str, list[ItemResult]] = defaultdict(list)
            for m in members:
                for it in m.items:
                    items[it.item].append(it)
            made = [merge_item(period, its, intern, same) for its in items.values()]
        cats.append(
            attrs.evolve(
                cat,
                items=tuple(made),
                base=sum((m.base for m in members), ZERO),
                raw=sum((m.raw for m in members), ZERO),
                top=ZERO,
                weight=sum((m.weight for m in members), ZERO),
                score=sum((m.score for m in members), ZERO),
                explanation="各期合计",
            )
        )
    if extra:
        how = f"各期部分:{how} = {fmt(total)};另加" + "、".join(f"{c.name}{fmt(c.score)}" for c in extra)
        total = total + sum((c.score for c in extra), ZERO)
        cats.extend(extra)
    inherited = [(u.period, ln) for u in us for ln in u.adjustments]
    if inherited:  # in the parts' totals already: said, not added again
        how += ";其中" + "、".join(f"{p}考核办调整{fmt_points(ln.points)}" for p, ln in inherited) + "已计入该期得分"
    direct = tuple(
        a.line() if p == period else attrs.evolve(a.line(), reason=f"[{p.label}] {a.line().reason}")
        for p, a in sorted(adjustments, key=lambda pa: pa[1].id)
        if a.unit == uid and a.item is None
    )
    if direct:
        total, how = _adjusted(total, direct, how)
    return UnitResult(
        unit=uid,
        name=first.name,
        series=first.series,
        klass=first.klass,
        period=period.label,
        categories=tuple(cats),
        subtotal=total,
        total=total,
        flags=tuple(dict.fromkeys([*(f for u in us for f in u.flags if f not in DERIVED_FLAGS), *_line_flags(extra)])),
        veto=tuple(v for u in us for v in u.veto),
        parts=tuple((u.period, u.total) for u in us),
        explanation=how,
        adjustments=direct,
    )


def merge_item(
    period: Period, its: Sequence[ItemResult], intern: Interner,
    same: dict[tuple[Any, ...], tuple[tuple[ItemResult, ...], ItemResult]] | None = None,
) -> ItemResult:
    """One item of ``period`` merged from its base periods' results ``its`` (in order): the points
    summed, the lines of each prefixed with its period (``_referring`` where some are ``Referred``);
    ``same``: ``aggregate_unit``'s."""
    key: tuple[Any, ...] | None = None
    if same is not None and not any(it.lines or isinstance(it, Referred) for it in its):  # shared, not one unit's
        key = (period.label, *map(id, its))
        hit = same.get(key)
        if hit is not None and len(hit[0]) == len(its) and all(a is b for a, b in zip(hit[0], its, strict=True)):
            return hit[1]
    one = intern(
        attrs.evolve(
            its[0],
            window=period.label,
            folded=0,  # the base periods' folded lines are the aggregate's own lines
            lines=tuple(_prefixed(ln, f"[{it.window}] ") for it in its for ln in fold_lines(it)),
            points=sum((it.points for it in its), ZERO),
            uncapped=sum((it.uncapped for it in its), ZERO),
            veto=tuple(v for it in its for v in it.veto),
        ) if not any(isinstance(it, Referred) for it in its) else _referring(period, its)
    )
    if key is not None and same is not None:
        same[key] = (tuple(its), one)
    return one


def _referring(period: Period, its: Sequence[ItemResult]) -> Referred:
    """An item of ``period`` aggregated from its base periods' results ``its``, some of them
    ``Referred``: its lines are theirs (``fold_lines``, prefixed), referred to, not held."""
    count = records = 0
    held: list[Line] = []
    for it in its:
        if isinstance(it, Referred):
            count, records = count + it.count, records + it.records
            lines = it.lines
        else:
            lines = fold_lines(it)
            count, records = count + len(lines), records + sum(1 for ln in lines if ln.record is not None)
        held.extend(_prefixed(ln, f"[{it.window}] ") for ln in lines if ln.carried or ln.missing)
    f = its[0]
    return Referred(
        item=f.item, title=f.title, department=f.department, category=f.category, reference=f.reference, window=period.label,
        lines=tuple(held), points=sum((it.points for it in its), ZERO), uncapped=sum((it.uncapped for it in its), ZERO),
        direct_per_capita=f.direct_per_capita, note=f.note, veto=tuple(v for it in its for v in it.veto), folded=0,
        count=count, records=records,
    )


def _categories_of(us: Sequence[UnitResult]) -> list[CategoryResult]:
    """The categories of the base periods' results ``us``, each once (its first result), in their
    order (the first period's, then any a later period adds)."""
    first = us[0].categories
    ids = {c.category for c in first}
    if all(len(u.categories) == len(first) and all(c.category in ids for c in u.categories) for u in us[1:]):
        return list(first)
    seen: dict[str, CategoryResult] = {}
    for u in us:
        for c in u.categories:
            seen.setdefault(c.category, c)
    return list(seen.values())


def _prefixed(ln: Line, prefix: str) -> Line:
    """``ln`` with ``prefix`` before its reason (``attrs.evolve``'s result, made directly: an
    aggregate makes one per line of each base period)."""
    return Line(ln.points, prefix + ln.reason, ln.record, ln.carried, ln.flag, ln.missing)


def between_periods(bureau: Bureau, period: Period) -> list[Period]:
    """The periods longer than the base period and shorter than ``period`` inside it (the quarters
    and halves of a year of a monthly scheme): adjustments named for them count in ``period`` too,
    since it is aggregated from the base periods, not from them."""
    base = MONTHS_PER[bureau.scheme.base_period]
    months = period.months()
    out = []
    for kind in ("quarter", "half"):
        if base < MONTHS_PER[kind] < MONTHS_PER[period.kind]:
            p = months[0].containing(kind)
            while p.months()[0] in months:
                out.append(p)
                p = p.next()
    return out


def score(bureau: Bureau, period: Period, data: DataSource, history: Sequence[PeriodResult] = ()) -> PeriodResult:
    """Score any period: a base period directly, a longer one by aggregating its base periods."""
    bases = base_periods(bureau, period)
    if len(bases) == 1 and bases[0] == period:
        return score_base(bureau, period, data, history)
    parts: list[PeriodResult] = []
    hist = list(history)
    for p in bases:
        res = score_base(bureau, p, data, hist)
        parts.append(res)
        hist.insert(0, res)
    return aggregate(bureau, period, parts, data)
