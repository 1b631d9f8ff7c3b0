"""The office's what-if analysis (issue 20): ``compare`` scores the stored records of a period under
the scheme in force and under a proposal, ``diagnose`` says how each part of a scheme weighs. Nothing
is stored: the records are read through :class:`SharedRecords` (each query of the store asked once,
its answer kept for both schemes), inside one snapshot of the store; no result, edition or audit
entry is written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from decimal import Decimal
from typing import Any

import attrs

from ..contract.registry import Registry
from ..core.errors import KaoheError
from ..core.model import ItemResult, PeriodResult, Record
from ..core.periods import Period
from ..report.analysis import (
    Analysis, Evaluation, ItemStats, Parts, add_item_stats, base_parts, compare_data, diagnose_data, item_stats, parts_of, period_parts,
)
from ..scheme.bureau import Bureau
from ..scheme.proposal import analysis_settings, proposal
from ..scoring.folding import light
from ..scoring.pipeline import aggregate, base_periods, score_base
from ..scoring.sources import StoreSource
from ..store.store import Store
from .jobs import history
from .rescore import stored_items
from .results import staleness, stored_result


class SharedRecords:
    """The store as the scoring's record store, each query asked once: the records and grouped
    counts of the same kinds over the same dates are read from SQLite once and kept, so that a
    second scheme scored over the same period reads nothing again. Everything else is the store's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._records: dict[tuple[tuple[str, ...], dt.date, dt.date], list[Record]] = {}
        self._tallies: dict[Any, list[Any]] = {}
        self._cached: dict[tuple[str, Any], Any] = {}
        self.decoded: dict[str, dict[str, Mapping[str, ItemResult]]] = {}
        """The stored results of the items, decoded once a period (``reusable``)."""
        self.reads = 0
        """How many times the records were read from the store (the benchmark checks it)."""

    def records(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterator[Record]:
        key = (tuple(kinds), start, end)
        hit = self._records.get(key)
        if hit is None:
            self.reads += 1
            hit = self._records[key] = list(self.store.records(kinds, start, end))
        return iter(hit)

    def unit_records(self, unit: str, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterator[Record]:
        """One unit's records (an explanation's lines made on demand): from the period's records
        already read, else from the store."""
        hit = self._records.get((tuple(kinds), start, end))
        if hit is None:
            return self.store.unit_records(unit, kinds, start, end)
        return (r for r in hit if r.unit == unit)

    def tallies(self, kinds: Sequence[str], fields: Sequence[str], start: dt.date, end: dt.date, decide: Sequence[Any] = ()) -> Iterator[Any]:
        key = (tuple(kinds), tuple(fields), start, end, tuple(decide))
        hit = self._tallies.get(key)
        if hit is None:
            self.reads += 1
            hit = self._tallies[key] = list(self.store.tallies(kinds, fields, start, end, decide))
        return iter(hit)

    def tallies_each(self, calls: Sequence[tuple[Any, ...]]) -> Iterator[Iterator[Any]]:
        """``tallies`` of each call, those not asked before made at once (``Store.tallies_each``: started
        now, before the first is taken)."""
        keys = [(tuple(k), tuple(f), start, end, tuple(d)) for k, f, start, end, *rest in calls for d in [rest[0] if rest else ()]]
        new = [key for key in dict.fromkeys(keys) if key not in self._tallies]
        scans = iter(self.store.tallies_each(new))

        def taken() -> Iterator[Iterator[Any]]:
            for key in keys:
                if key not in self._tallies:
                    self.reads += 1
                    self._tallies[key] = list(next(scans))
                yield iter(self._tallies[key])

        return taken()

    def records_of(self, keys: Sequence[str]) -> Iterator[Record]:
        return self.store.records_of(keys)

    def _once(self, name: str, *args: Any) -> Any:
        key = (name, args)
        if key not in self._cached:
            self._cached[key] = getattr(self.store, name)(*args)
        return self._cached[key]

    def departments_with_data(self, month: str) -> Any:
        return self._once("departments_with_data", month)

    def adjustments(self, period: str) -> Any:
        return self._once("adjustments", period)

    def has_records(self, department: str, months: Sequence[str]) -> Any:
        return self._once("has_records", department, tuple(months))

    def signoffs(self, period: str) -> Any:
        return self._once("signoffs", period)


def reusable(
    store: Store, in_force: Bureau, bureau: Bureau, period: Period, decoded: dict[str, dict[str, Mapping[str, ItemResult]]]
) -> dict[str, Mapping[str, ItemResult]] | None:
    """The stored results of base period ``period``'s items that ``bureau`` (the scheme in force or
    a proposal) defines exactly as the scheme in force does (same id, rule, category, cap, floor,
    window), taken as they are instead of evaluating the items again — only while the stored
    results are up to date (``results.staleness``) and the proposal has the same units, the same
    dates for the period and the same carry-over; None otherwise (every item evaluated).
    ``decoded``: the stored items already decoded, by period (each period's trees decoded once for
    both schemes)."""
    if store.period_state(period.label) is None or staleness(store, in_force, period) is not None:
        return None
    in_force, bureau = in_force.at(period), bureau.at(period)  # the versions in force then (kaohe.scheme.dated)
    cal, mine = in_force.calendar, bureau.calendar
    if (
        bureau.active_units(period) != in_force.active_units(period)  # a proposal file's own units (headcounts)
        or (mine.start(period), mine.end(period)) != (cal.start(period), cal.end(period))
        or bureau.carry_over != in_force.carry_over
    ):
        return None  # what the items read is not the same: every item evaluated
    same = {i.id: i for i in in_force.items}
    fresh = {i.id for i in bureau.items if same.get(i.id) != i}
    if period.label not in decoded:
        decoded[period.label] = stored_items(store, in_force, period, set())[0]
    return {iid: units for iid, units in decoded[period.label].items() if iid not in fresh}


def analysed(
    bureau: Bureau, registry: Registry, store: Store, shared: SharedRecords, period: Period, stored_history: bool,
    in_force: Bureau | None = None,
) -> Analysis:
    """``bureau``'s scheme scored over ``period`` from ``shared`` (nothing stored), split into parts
    for the analysis. The 末位 flag's earlier periods: the stored results with ``stored_history``
    (the scheme in force, as ``kaohe score`` does), else scored under ``bureau`` too (a proposal).
    With ``in_force`` (the scheme in force), the items ``bureau`` defines as it does are taken from
    the stored results where they are up to date (``reusable``): the same results, without
    evaluating them again."""
    source = StoreSource(shared, bureau, registry)
    bases = base_periods(bureau, period)
    hist: list[PeriodResult] = []
    if stored_history:
        hist = history(store, bureau, bases[0], source, stored=True)
    else:  # the proposal's own earlier periods, latest first (only their ranks and flags are read)
        p = bases[0]
        for _ in range(max(bureau.scheme.last_place_months - 1, 0)):
            p = p.previous()
            reuse = reusable(store, in_force, bureau, p, shared.decoded) if in_force is not None else None
            hist.append(light(score_base(bureau, p, source, (), reuse)))
    parts: list[PeriodResult] = []
    months: list[tuple[str, dict[str, Parts]]] = []
    stats: dict[str, ItemStats] = {}
    single = len(bases) == 1 and bases[0] == period
    for p in bases:
        reuse = reusable(store, in_force, bureau, p, shared.decoded) if in_force is not None else None
        res = score_base(bureau, p, source, hist, reuse)
        months.append((p.label, {u.unit: base_parts(u) for u in res.units}))
        item_stats(stats, bureau.at(p), res)
        parts.append(res)
        hist.insert(0, light(res))
    result = parts[0] if single else aggregate(bureau, period, parts, source)
    here = bureau.at(period)  # the version the period is formed under (kaohe.scheme.dated): its nominal weights
    return Analysis(here, result, period_parts(here, result, months), stats, months)


def from_stored(store: Store, in_force: Bureau, scheme: Bureau, period: Period) -> Analysis | None:
    """``analysed`` of the scheme in force (``scheme``: it, or it with other ``[analysis]`` blocks)
    over ``period`` from its stored results read in bulk (``Store.results_in_bulk``: the category
    and item results of every base period and of the period, no tree decoded, nothing evaluated):
    the same analysis, in a few reads. None (to be scored) unless the period and its base periods
    are stored and up to date (``results.staleness``) with the units active in each and every item
    due in each."""
    bases = base_periods(scheme, period)
    labels = [p.label for p in bases] + ([] if bases == [period] else [period.label])
    if any(store.period_state(label) is None for label in labels) or staleness(store, in_force, period) is not None:
        return None
    months: list[tuple[str, dict[str, Parts]]] = []
    stats: dict[str, ItemStats] = {}
    read: dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = {}
    for p in bases:
        here = scheme.at(p)
        titles = {i.id: i.title for i in here.items}
        units, cats, items, empty = store.results_in_bulk(p.label)
        read[p.label] = items, empty
        wanted = {c.id for c in here.scheme.period_categories}
        due = {i.id for i in here.items if i.category in wanted and i.window(p) is not None}
        if due != {iid for _, iid, *_ in items} | {iid for iid, _, _ in empty}:
            return None  # an item not stored (a plugin installed since) is evaluated
        if [u for u, _, _ in units] != [u for u in dict.fromkeys(u for u, *_ in cats)] or {u for u, _, _ in units} != {
            u.id for u in here.active_units(p)
        }:
            return None
        scored: dict[str, dict[str, list[tuple[str, Decimal]]]] = {}
        evaluations: list[Evaluation] = []
        for unit, iid, cid, pts, unc, lines, records, missing in items:
            got, uncapped = Decimal(pts), Decimal(unc)
            if got:
                scored.setdefault(unit, {}).setdefault(cid, []).append((iid, got))
            # a line not data missing: none marked missing, or a record's line (data missing has none)
            triggered = lines > 0 and (not missing or records > 0 or (lines > 1 and _not_missing(store, p.label, unit, iid)))
            evaluations.append((iid, cid, titles[iid], got, uncapped, lines > 0, triggered))
        add_item_stats(stats, here, evaluations, [(iid, cid, titles[iid], n) for iid, cid, n in empty])
        by_unit: dict[str, list[tuple[str, Decimal, Decimal, Decimal, Decimal]]] = {}
        for unit, cid, score, raw, top, weight in cats:
            by_unit.setdefault(unit, []).append((cid, Decimal(score), Decimal(raw), Decimal(top), Decimal(weight)))
        months.append((p.label, {
            unit: parts_of(Decimal(total), ((*c, scored.get(unit, {}).get(c[0], ())) for c in by_unit.get(unit, ())))
            for unit, _, total in units
        }))
    result = stored_result(store, period)
    if result is None:
        return None
    here = scheme.at(period)
    rows, empty = read[period.label] if period.label in read else store.results_in_bulk(period.label)[2:]
    points: dict[str, dict[str, Decimal]] = {}
    year: dict[str, dict[str, list[tuple[str, Decimal]]]] = {}
    for unit, iid, cid, pts, *_ in rows:
        value = Decimal(pts)
        points.setdefault(iid, {}).setdefault(unit, value)
        year.setdefault(unit, {}).setdefault(cid, []).append((iid, value))
    yearly = {c.id for c in here.scheme.year_categories} if period.kind == "year" else set()
    stored = {*points, *(iid for iid, _, _ in empty)}
    if any(i.category in yearly and i.id not in stored and i.window(period) is not None for i in here.items):
        return None  # a year category's item not stored (a plugin installed since) is evaluated
    return Analysis(here, result, period_parts(here, result, months, year), stats, months, points)


def _not_missing(store: Store, period: str, unit: str, item: str) -> bool:
    """Whether ``unit``'s stored result of ``item`` in ``period`` has a line not marked data missing
    (read from its tree: an item with a missing line beside others, none a record's)."""
    for _, tree, _, _ in store.unit_trees(unit, [period]):
        for c in json.loads(tree)["categories"]:
            for i in c["items"]:
                if i["item"] == item:
                    return any(not ln.get("missing") for ln in i["lines"])
    return False


@attrs.frozen
class Proposal:
    """What is proposed: another configuration file and/or overrides (``--set``)."""

    file: Path | None = None
    sets: tuple[str, ...] = ()
    undated: bool = False
    """Without the bureau's dated changes (``[[changes]]``): "as it would have been"."""
    text: str | None = None
    """Another configuration given as text (the site's form) instead of ``file``."""

    @property
    def empty(self) -> bool:
        return self.file is None and self.text is None and not self.sets and not self.undated


def compare(store: Store, bureau: Bureau, registry: Registry, period: Period, change: Proposal, reuse: bool = True) -> dict[str, Any]:
    """``period`` scored under the bureau's scheme and under ``change``, compared
    (``report.analysis.compare_data``). Reads the store only. Without ``reuse``, every item is
    evaluated from the records (the same result: the tests check it)."""
    if change.undated and not bureau.assessment.versions and change.file is None and change.text is None and not change.sets:
        raise KaoheError("本局配置中没有按期间生效的变更([[changes]]):不含变更的方案与现行方案相同,无可对比")
    proposed, description = proposal(bureau, registry, change.file, change.sets, change.undated, change.text)
    settings = analysis_settings(bureau)
    shared = SharedRecords(store)
    in_force = bureau if reuse else None
    with store.snapshot():
        a = analysed(bureau, registry, store, shared, period, True, in_force)
        b = analysed(proposed, registry, store, shared, period, False, in_force)
    return compare_data(a, b, settings.award_places, description)


def diagnose(store: Store, bureau: Bureau, registry: Registry, period: Period, change: Proposal, reuse: bool = True) -> dict[str, Any]:
    """The diagnostics (``report.analysis.diagnose_data``) of the bureau's scheme, or of a proposal,
    over ``period``. Reads the store only (``reuse``: as ``compare``)."""
    if change.empty:
        scheme, description, stored = bureau, "本局现行方案", True
    elif change.file is None and change.text is None and not change.undated and all(s.strip().startswith("analysis.") for s in change.sets):  # only the blocks given
        scheme, description, stored = proposal(bureau, registry, None, change.sets)[0], "本局现行方案", True
    else:
        scheme, description = proposal(bureau, registry, change.file, change.sets, change.undated, change.text)
        stored = False
    settings = analysis_settings(scheme if not change.empty and "analysis" in scheme.text else bureau)
    shared = SharedRecords(store)
    with store.snapshot():
        x = from_stored(store, bureau, scheme, period) if stored and reuse else None
        if x is None:
            x = analysed(scheme, registry, store, shared, period, stored, bureau if reuse else None)
    return diagnose_data(x, settings.blocks, description)
