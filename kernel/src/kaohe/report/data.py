"""The report's data: one period's results, with what the published 通报 adds around them.

Built once from a :class:`~kaohe.model.PeriodResult` and, where a store is given, the stored scores
of other periods (the previous period's ranks for the change of rank, the months of the year for
the charts) and the stored records behind each line (date, department, source file and row). The
HTML, the XLSX and the JSON are all written from this one structure, so they cannot disagree.

Scores stay :class:`~decimal.Decimal` here; the writers format them with :func:`kaohe.decimals.fmt`
(the kernel's own way of printing a number) or store them as numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..bureau import Bureau
from ..decimals import ZERO, D, quantize
from ..model import CategoryResult, ItemResult, Line, PeriodResult, UnitResult
from ..periods import Period

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


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


@attrs.frozen
class ItemView:
    result: ItemResult
    lines: tuple[LineView, ...]
    text: str
    """The seed's sentence the item implements, if the item declares it."""
    anchor: str

    @property
    def silent(self) -> bool:
        """Nothing to show: no line and no points."""
        return not self.lines and self.result.points == 0


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
    result: UnitResult
    anchor: str
    series_name: str
    series_anchor: str
    previous_rank: int | None
    categories: tuple[CategoryView, ...]
    months: tuple[MonthPoint, ...]
    series_size: int

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

    def lines(self) -> list[tuple[CategoryView, ItemView, LineView]]:
        """Every line with points or a veto, in category and item order."""
        out = []
        for c in self.categories:
            for i in c.items:
                for ln in i.lines:
                    if ln.points != 0 or i.result.veto:
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
    """How an aggregated period's total is formed (the kernel's wording), else empty."""
    edition: dict[str, Any] | None = None
    """The published edition this report is of: number, published_on, reason, digest, appeal_days,
    deadline (None for a report not published as an edition)."""
    changes: Any = None
    """What changed since the previous edition (a :class:`kaohe.editions.Diff`), if any."""

    @property
    def adjusted(self) -> bool:
        """Some unit has a direct adjustment of its total (the ranking then shows the column)."""
        return any(u.result.adjustments for u in self.units)

    @property
    def units(self) -> list[UnitView]:
        return [u for s in self.series for u in s.units]

    def unit(self, unit_id: str) -> UnitView:
        for u in self.units:
            if u.result.unit == unit_id:
                return u
        raise KeyError(unit_id)


def anchor_for(prefix: str, ident: str, index: int) -> str:
    """An element id / hash for a unit or series: readable when the configured id is plain ASCII,
    else numbered (ids come from the bureau's files and are never trusted in markup)."""
    return f"{prefix}-{ident}" if _SAFE_ID.match(ident) else f"{prefix}-n{index}"


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
    for i in range(0, len(originals), 900):
        chunk = originals[i : i + 900]
        q = (
            "SELECT key, kind, date, department, note, value, attrs, file, sheet, row, version FROM records"
            f" WHERE key IN ({','.join('?' * len(chunk))})"
        )
        for key, kind, date, dept, note, value, attrs_json, file, sheet, row, version in store.db.execute(q, chunk).fetchall():
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


def _line_keys(result: PeriodResult) -> set[str]:
    return {ln.record for u in result.units for c in u.categories for i in c.items for ln in i.lines if ln.record}


def build(
    bureau: Bureau,
    result: PeriodResult,
    store: Any = None,
    previous: PeriodResult | None = None,
    generated: dt.datetime | None = None,
    edition: dict[str, Any] | None = None,
    changes: Any = None,
) -> ReportData:
    """The report's data for ``result``. ``store`` (a :class:`kaohe.store.Store`) supplies the
    previous period's ranks, the months of the year and the records; ``previous`` overrides the
    previous period's results (when they are not stored)."""
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

    infos = _record_infos(store, _line_keys(result))
    by_series = result.series()

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
            cats = []
            for c_index, c in enumerate(u.categories, start=1):
                items = []
                for i_index, it in enumerate(c.items, start=1):
                    declared = bureau.item(it.item)
                    items.append(
                        ItemView(
                            result=it,
                            lines=tuple(_line_view(ln, infos) for ln in it.lines),
                            text=declared.text if declared is not None else "",
                            anchor=f"{anchor}-c{c_index}-i{i_index}",
                        )
                    )
                mean, top = cat_stats.get((sid, c.category), (ZERO, ZERO))
                cats.append(CategoryView(c, tuple(items), f"{anchor}-c{c_index}", mean, top))
            months = []
            for m in month_labels:
                row = month_scores.get(m, {}).get(u.unit)
                total = D(row["total"]) if row else parts[u.unit].get(m)
                rank = row["rank"] if row else None
                months.append(MonthPoint(m, Period.parse(m).chinese, total, rank, month_means.get((m, sid))))
            views.append(
                UnitView(
                    result=u, anchor=anchor, series_name=s.name if s else sid, series_anchor=s_anchor, previous_rank=prev_rank,
                    categories=tuple(cats), months=tuple(months), series_size=len(units),
                )
            )
        totals = [u.total for u in units]
        stats = SeriesStats(len(totals), _mean(totals, places), _median(totals, places), max(totals), min(totals))
        series_views.append(
            SeriesView(sid, s.name if s else sid, s.pass_mark if s else None, tuple(views), stats, s_anchor)
        )

    when = generated or dt.datetime.now().astimezone()
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
        how=next((u.explanation for u in result.units if u.parts), ""),
        edition=edition,
        changes=changes,
    )


def _line_view(line: Line, infos: dict[str, RecordInfo]) -> LineView:
    return LineView(line.points, line.reason, line.record, line.carried, infos.get(line.record) if line.record else None)

