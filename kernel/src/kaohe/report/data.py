"""The report's data: one period's results, with what the published 通报 adds around them.

Built once from a :class:`~kaohe.core.model.PeriodResult` and, where a store is given, the stored scores
of other periods (the previous period's ranks for the change of rank, the months of the year for
the charts). A unit's details — its categories, items and lines with the stored records behind them
(date, department, source file and row) — are made one unit at a time by :meth:`ReportData.detail`,
as each writer reaches the unit, and dropped once it is written: a province's month never has every
record of every unit in memory. The HTML, the XLSX and the JSON are all written from this one
structure, so they cannot disagree.

Scores stay :class:`~decimal.Decimal` here; the writers format them with :func:`kaohe.core.decimals.fmt`
(the kernel's own way of printing a number) or store them as numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..core.decimals import ZERO, D, fmt_points, quantize
from ..core.model import CategoryResult, Gap, ItemResult, Line, PeriodResult, UnitResult
from ..core.periods import Period
from ..scheme.bureau import LINES_PER_ITEM, Bureau, Regulation
from ..scoring.explain import Column, ranking_column_notes

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@attrs.frozen
class RecordInfo:
    """A stored record behind a line: what the department's file said."""

    key: str
    kind: str
    date: str
    department: str
    note: str
    value: str | None
    attrs: dict[str, Any]
    file: str
    sheet: str
    row: int | None
    version: int | None


@attrs.frozen
class LineView:
    points: Decimal
    reason: str
    record: str | None
    carried: bool
    info: RecordInfo | None
    folded: int = 0
    """For the one line that stands for an item's record lines beyond the report's limit (``[report]
    lines_per_item``): how many record lines it stands for (their points are its points)."""
    missing: str = ""
    """The base period whose data is missing for this line (数据缺失), if it is."""


@attrs.frozen
class ItemView:
    result: ItemResult
    lines: tuple[LineView, ...]
    """The item's lines: all of them, or (on the web page) the first record lines up to the limit,
    the rest folded into one line."""
    text: str
    """The seed's sentence the item implements, if the item declares it."""
    anchor: str

    @property
    def count(self) -> int:
        """How many lines the item has (folded ones included)."""
        return len(self.result.lines)

    @property
    def silent(self) -> bool:
        """Nothing to show: no line and no points."""
        return not self.result.lines and self.result.points == 0

    @property
    def missing(self) -> bool:
        """Some of the item's data is missing (a line marked 数据缺失)."""
        return self.result.missing

    @property
    def scored(self) -> bool:
        """Some of the item's lines are not missing data, or it has points."""
        return self.result.points != 0 or any(not ln.missing for ln in self.result.lines)


@attrs.frozen
class CategoryView:
    result: CategoryResult
    items: tuple[ItemView, ...]
    anchor: str
    series_mean: Decimal
    series_top: Decimal

    @property
    def shown(self) -> tuple[ItemView, ...]:
        return tuple(i for i in self.items if not i.silent)

    @property
    def silent(self) -> tuple[ItemView, ...]:
        return tuple(i for i in self.items if i.silent)

    @property
    def item_points(self) -> Decimal:
        return sum((i.result.points for i in self.items), ZERO)


@attrs.frozen
class MonthPoint:
    period: str
    name: str
    total: Decimal | None
    rank: int | None
    series_mean: Decimal | None


@attrs.frozen
class UnitView:
    """A unit as the ranking and the charts show it. Its categories, items and lines are made by
    :meth:`ReportData.detail` when a writer reaches the unit."""

    result: UnitResult
    anchor: str
    series_name: str
    series_anchor: str
    previous_rank: int | None
    months: tuple[MonthPoint, ...]
    series_size: int
    category_stats: tuple[tuple[Decimal, Decimal], ...] = ()
    """(series mean, series top) of each of the unit's categories, in order."""
    sheet: str = ""
    """The title of the unit's sheet in the XLSX (its 加扣分明细)."""
    values: tuple[Decimal | None, ...] = ()
    """The unit's figure in each of the ranking's score columns (:attr:`ReportData.columns`)."""

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive: up), None when not comparable."""
        if self.previous_rank is None or self.result.rank is None:
            return None
        return self.previous_rank - self.result.rank

    @property
    def adjustment_points(self) -> Decimal:
        """The office's direct adjustments of the total (通知单, 机动加分)."""
        return sum((ln.points for ln in self.result.adjustments), ZERO)

    def score_of(self, category: str) -> Decimal | None:
        for c in self.result.categories:
            if c.category == category:
                return c.score
        return None

    def category_anchor(self, index: int) -> str:
        """The element id of the unit's ``index``-th category (from 1)."""
        return f"{self.anchor}-c{index}"


@attrs.frozen
class UnitDetail:
    """A unit with its categories, items and lines (and the stored records behind them)."""

    unit: UnitView
    categories: tuple[CategoryView, ...]

    def lines(self) -> list[tuple[CategoryView, ItemView, LineView]]:
        """Every line with points, a veto or missing data, in category and item order."""
        out = []
        for c in self.categories:
            for i in c.items:
                for ln in i.lines:
                    if ln.points != 0 or i.result.veto or ln.missing:
                        out.append((c, i, ln))
        return out


@attrs.frozen
class SeriesStats:
    count: int
    mean: Decimal
    median: Decimal
    top: Decimal
    bottom: Decimal


@attrs.frozen
class SeriesView:
    id: str
    name: str
    pass_mark: Decimal | None
    units: tuple[UnitView, ...]
    stats: SeriesStats
    anchor: str
    sheet: str = ""
    """The title of the series' sheet in the XLSX (its ranking)."""


@attrs.frozen
class ReportData:
    bureau: str
    scheme: str
    period: Period
    period_name: str
    date_range: tuple[str, str]
    previous: str
    previous_available: bool
    generated: str
    decimals: int
    categories: tuple[tuple[str, str, Decimal], ...]
    """(id, name, weight) of each category of the scheme."""
    series: tuple[SeriesView, ...]
    months: tuple[str, ...]
    """Labels of the months of the year up to the period's end (for the charts)."""
    has_store: bool
    aggregated: bool
    """The period is made of several base periods (a quarter, half-year or year of a monthly scheme)."""
    how: str
    """How an aggregated period's total is formed (the kernel's wording, with the figures of the unit
    :attr:`how_unit`), else empty."""
    columns: tuple[Column, ...] = ()
    """The ranking's score columns, as the CLI's ``kaohe ranking`` shows them (each category; for a
    period not made by summing its base periods, the part made of them on the period's own scale
    and the period's own categories). The office's adjustments are shown apart."""
    how_unit: str = ""
    """The name of the unit whose figures :attr:`how` quotes."""
    year_categories: frozenset[str] = frozenset()
    """The ids of the year's own categories (normalised over the year, not summed from its months)."""
    edition: dict[str, Any] | None = None
    """The published edition this report is of: number, published_on, reason, digest, appeal_days,
    deadline (None for a report not published as an edition)."""
    changes: Any = None
    """What changed since the previous edition (a :class:`kaohe.report.editions.Diff`), if any."""
    lines_per_item: int = LINES_PER_ITEM
    """How many record lines of an item the web page lists one by one (``[report] lines_per_item``)."""
    xlsx_name: str = ""
    json_name: str = ""
    edition_sheet: str = ""
    """The title of the XLSX's 版本说明 sheet (for an edition)."""
    completeness_sheet: str = ""
    """The title of the XLSX's 数据完整性 sheet (when data is missing)."""
    store: Any = attrs.field(default=None, repr=False, eq=False)
    """The store the records behind the lines are read from, unit by unit (None: no records)."""
    texts: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    """Item id → the seed's sentence it implements."""
    regulations: tuple[Regulation, ...] = ()
    """The regulations the items cite (``[regulations]``): the report names them with their 文号."""
    whole: Callable[[UnitResult], UnitResult] | None = attrs.field(default=None, repr=False, eq=False)
    """A unit's whole result (with every record line) from its result as the ranking holds it, where
    the units are held without their record lines (an edition made from the stored results:
    kaohe.office.publication); None: the units are whole."""

    @property
    def generated_text(self) -> str:
        """When the report was made, as a reader writes it: ``2026年12月4日 22:29:55(UTC+08:00)``."""
        return chinese_datetime(dt.datetime.fromisoformat(self.generated))

    missing: tuple[Gap, ...] = ()
    """The data missing in the period (kaohe.core.model.PeriodResult.missing): the report's
    数据完整性 block lists it, and every line it concerns is marked."""
    empty: tuple[str, ...] = ()
    """The base periods of the period with no data at all."""

    @functools.cached_property
    def complete(self) -> bool:
        return not self.missing and not self.empty

    @functools.cached_property
    def missing_departments(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(department, its base periods with no data), in order."""
        out: dict[str, list[str]] = {}
        for g in self.missing:
            if not g.unit:
                out.setdefault(g.department, []).append(g.period)
        return tuple((d, tuple(ps)) for d, ps in out.items())

    @functools.cached_property
    def missing_units(self) -> tuple[Gap, ...]:
        """The units' own missing figures (their departments did send data)."""
        return tuple(g for g in self.missing if g.unit)

    @property
    def confirmed(self) -> str | None:
        """The office's reason for publishing with data missing (``kaohe publish --allow-missing``)."""
        return (self.edition or {}).get("confirmed")

    @functools.cached_property
    def adjusted(self) -> bool:
        """Some unit has a direct adjustment of its total (the ranking then shows the column)."""
        return any(u.result.adjustments for u in self.units)

    @functools.cached_property
    def units(self) -> tuple[UnitView, ...]:
        return tuple(u for s in self.series for u in s.units)

    def unit(self, unit_id: str) -> UnitView:
        for u in self.units:
            if u.result.unit == unit_id:
                return u
        raise KeyError(unit_id)

    def detail(self, u: UnitView, limit: int | None = None) -> UnitDetail:
        """``u`` with its categories, items and lines, and the stored record behind each line.
        With ``limit``, an item with more record lines than ``limit`` keeps its first ``limit``
        (in the explanation's order, the rule's own lines all kept) and one folded line, where the
        first record left out stood, for the rest (how many, their points, and where each is
        listed); only the kept lines' records are read."""
        if self.whole is not None:
            u = attrs.evolve(u, result=self.whole(u.result))
        plans = [[_split(it.lines, limit) for it in c.items] for c in u.result.categories]
        infos = _record_infos(self.store, [ln.record for p in plans for kept, _ in p for ln in kept if ln is not None and ln.record])
        stats = u.category_stats or [(ZERO, ZERO)] * len(u.result.categories)
        cats = []
        for c_index, (c, plan, (mean, top)) in enumerate(zip(u.result.categories, plans, stats, strict=True), start=1):
            c_anchor = u.category_anchor(c_index)
            items = []
            for i_index, (it, (kept, rest)) in enumerate(zip(c.items, plan, strict=True), start=1):
                lines = tuple(self._folded(u, rest) if ln is None else _line_view(ln, infos) for ln in kept)
                items.append(ItemView(it, lines, self.texts.get(it.item, ""), f"{c_anchor}-i{i_index}"))
            cats.append(CategoryView(c, tuple(items), c_anchor, mean, top))
        return UnitDetail(u, tuple(cats))

    def _folded(self, u: UnitView, rest: Sequence[Line]) -> LineView:
        points = sum((ln.points for ln in rest), ZERO)
        where = f"表格 {self.xlsx_name} 的“{u.sheet}”工作表" if self.xlsx_name and u.sheet else "本单位的加扣分明细表"
        if self.json_name:
            where += f"和 {self.json_name}"
        text = f"其余{len(rest)}条记录合计{'0' if points == 0 else fmt_points(points)}分,逐条见{where}"
        return LineView(points, text, None, any(ln.carried for ln in rest), None, len(rest))


def chinese_datetime(when: dt.datetime) -> str:
    """``2026年12月4日 22:29:55``, with the time zone as ``(UTC+08:00)`` when it is known."""
    text = f"{when.year}年{when.month}月{when.day}日 {when:%H:%M:%S}"
    offset = when.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return text + "(UTC)"
    sign = "+" if minutes > 0 else "-"
    return text + f"(UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"


def anchor_for(prefix: str, ident: str, index: int) -> str:
    """An element id / hash for a unit or series: readable when the configured id is plain ASCII,
    else numbered (ids come from the bureau's files and are never trusted in markup)."""
    return f"{prefix}-{ident}" if _SAFE_ID.match(ident) else f"{prefix}-n{index}"


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\, not starting with ')."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'").strip() or "表"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def _mean(values: Sequence[Decimal], places: int) -> Decimal:
    return quantize(sum(values, ZERO) / len(values), places) if values else ZERO


def _median(values: Sequence[Decimal], places: int) -> Decimal:
    s = sorted(values)
    if not s:
        return ZERO
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else quantize((s[mid - 1] + s[mid]) / 2, places)


def _store_scores(store: Any, label: str) -> dict[str, dict[str, Any]]:
    if store is None:
        return {}
    return {r["unit"]: r for r in store.scores(label)}


def _record_infos(store: Any, keys: Iterable[str]) -> dict[str, RecordInfo]:
    """The stored records for line keys. A carried-over line's key is ``<key>@<month>``: it is
    looked up by its original key."""
    if store is None:
        return {}
    wanted: dict[str, str] = {}
    for k in keys:
        wanted[k] = k
        if "@" in k:
            wanted.setdefault(k.rsplit("@", 1)[0], k)
    originals = sorted(set(wanted) | {k.rsplit("@", 1)[0] for k in wanted if "@" in k})
    found: dict[str, RecordInfo] = {}
    for key, kind, date, dept, note, value, attrs_json, file, sheet, row, version in store.stored_records(originals):
        found[key] = RecordInfo(
            key=key, kind=kind, date=date, department=dept or "", note=note or "", value=value,
            attrs=json.loads(attrs_json or "{}"), file=file or "", sheet=sheet or "", row=row, version=version,
        )
    out = {}
    for k in keys:
        info = found.get(k) or (found.get(k.rsplit("@", 1)[0]) if "@" in k else None)
        if info is not None:
            out[k] = info
    return out


def _split(lines: tuple[Line, ...], limit: int | None) -> tuple[list[Line | None], list[Line]]:
    """(the lines shown, with None where the folded line stands; the record lines folded). With
    ``limit``, the record lines after the first ``limit`` are folded when there are more than
    ``limit``; the rule's own lines (no record) are always shown, in their place."""
    if limit is None or sum(1 for ln in lines if ln.record is not None) <= limit:
        return list(lines), []
    kept: list[Line | None] = []
    rest: list[Line] = []
    records = 0
    for ln in lines:
        if ln.record is None:
            kept.append(ln)
        elif records < limit:
            kept.append(ln)
            records += 1
        else:
            if not rest:
                kept.append(None)
            rest.append(ln)
    return kept, rest


def build(
    bureau: Bureau,
    result: PeriodResult,
    store: Any = None,
    previous: PeriodResult | None = None,
    generated: dt.datetime | None = None,
    edition: dict[str, Any] | None = None,
    changes: Any = None,
    whole: Callable[[UnitResult], UnitResult] | None = None,
) -> ReportData:
    """The report's data for ``result``. ``store`` (a :class:`kaohe.store.store.Store`) supplies the
    previous period's ranks, the months of the year and the records; ``previous`` overrides the
    previous period's results (when they are not stored). ``whole``: each unit's whole result, where
    ``result``'s units are without their record lines (:attr:`ReportData.whole`)."""
    period = Period.parse(result.period)
    scheme = bureau.scheme
    places = scheme.decimals
    prev_period = period.previous()
    if previous is not None:
        prev_ranks = {u.unit: (u.rank, u.series) for u in previous.units}
    else:
        prev_ranks = {uid: (r["rank"], r["series"]) for uid, r in _store_scores(store, prev_period.label).items()}

    last = period.months()[-1]
    month_labels = tuple(Period(period.year, "month", m).label for m in range(1, last.index + 1))
    month_scores: dict[str, dict[str, dict[str, Any]]] = {m: _store_scores(store, m) for m in month_labels}
    parts = {u.unit: dict(u.parts) for u in result.units}
    if result.kind == "month":
        month_scores.setdefault(result.period, {})
        for u in result.units:
            month_scores[result.period].setdefault(u.unit, {"total": str(u.total), "rank": u.rank, "series": u.series})

    by_series = result.series()
    columns = ranking_column_notes(bureau, result, adjustment=False)

    # Category means and tops per series (for "a unit against its series").
    cat_stats: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for sid, units in by_series.items():
        for cat in scheme.categories:
            vals = [c.score for u in units for c in u.categories if c.category == cat.id]
            if vals:
                cat_stats[(sid, cat.id)] = (_mean(vals, places), max(vals))

    # Series mean per month (for the line chart's reference line).
    month_means: dict[tuple[str, str], Decimal] = {}
    for m, rows in month_scores.items():
        grouped: dict[str, list[Decimal]] = {}
        for r in rows.values():
            grouped.setdefault(r["series"], []).append(D(r["total"]))
        for sid, vals in grouped.items():
            month_means[(m, sid)] = _mean(vals, places)

    series_views = []
    ordered = [s.id for s in scheme.series if s.id in by_series] + [s for s in by_series if scheme.series_by_id(s) is None]
    unit_index = 0
    for s_index, sid in enumerate(ordered, start=1):
        units = by_series[sid]
        s = scheme.series_by_id(sid)
        s_anchor = anchor_for("series", sid, s_index)
        views = []
        for u in units:
            unit_index += 1
            anchor = anchor_for("unit", u.unit, unit_index)
            prev = prev_ranks.get(u.unit)
            prev_rank = prev[0] if prev is not None and prev[1] == u.series else None
            months = []
            for m in month_labels:
                row = month_scores.get(m, {}).get(u.unit)
                total = D(row["total"]) if row else parts[u.unit].get(m)
                rank = row["rank"] if row else None
                months.append(MonthPoint(m, Period.parse(m).chinese, total, rank, month_means.get((m, sid))))
            views.append(
                UnitView(
                    result=u, anchor=anchor, series_name=s.name if s else sid, series_anchor=s_anchor, previous_rank=prev_rank,
                    months=tuple(months), series_size=len(units),
                    category_stats=tuple(cat_stats.get((sid, c.category), (ZERO, ZERO)) for c in u.categories),
                    values=tuple(col.value(u) for col in columns),
                )
            )
        totals = [u.total for u in units]
        stats = SeriesStats(len(totals), _mean(totals, places), _median(totals, places), max(totals), min(totals))
        series_views.append(
            SeriesView(sid, s.name if s else sid, s.pass_mark if s else None, tuple(views), stats, s_anchor)
        )

    # The XLSX's sheet titles, in the workbook's order (the web page's folded lines name them).
    taken: set[str] = set()
    series_views = [attrs.evolve(s, sheet=sheet_title(s.name, taken)) for s in series_views]
    series_views = [
        attrs.evolve(s, units=tuple(attrs.evolve(u, sheet=sheet_title(u.result.name, taken)) for u in s.units))
        for s in series_views
    ]
    edition_sheet = sheet_title("版本说明", taken) if edition is not None else ""
    completeness_sheet = sheet_title("数据完整性", taken) if result.missing or result.empty else ""

    when = generated or dt.datetime.now().astimezone()
    how_unit = next((u.result for u in (v for s in series_views for v in s.units) if u.result.parts), None)
    return ReportData(
        bureau=bureau.name,
        scheme=scheme.name,
        period=period,
        period_name=period.chinese,
        date_range=(bureau.calendar.start(period).isoformat(), bureau.calendar.end(period).isoformat()),
        previous=prev_period.chinese,
        previous_available=bool(prev_ranks),
        generated=when.isoformat(timespec="seconds"),
        decimals=places,
        categories=tuple((c.id, c.name, c.weight) for c in scheme.categories),
        series=tuple(series_views),
        months=month_labels,
        has_store=store is not None,
        aggregated=any(u.parts for u in result.units),
        how=how_unit.explanation if how_unit is not None else "",
        how_unit=how_unit.name if how_unit is not None else "",
        columns=tuple(columns),
        year_categories=frozenset(c.id for c in scheme.year_categories) if period.kind == "year" else frozenset(),
        edition=edition,
        changes=changes,
        lines_per_item=bureau.report.lines_per_item,
        xlsx_name=f"通报-{period.label}.xlsx",
        json_name=f"report-{period.label}.json",
        edition_sheet=edition_sheet,
        completeness_sheet=completeness_sheet,
        store=store,
        texts={i.id: i.text for i in bureau.items},
        regulations=bureau.regulations,
        whole=whole,
        missing=result.missing,
        empty=result.empty,
    )


def _line_view(line: Line, infos: dict[str, RecordInfo]) -> LineView:
    return LineView(
        line.points, line.reason, line.record, line.carried, infos.get(line.record) if line.record else None,
        missing=line.missing,
    )

