"""The office's jobs, shared by the command line and the demo: score a period and store it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

import attrs

from ..contract.registry import Registry
from ..core.decimals import D
from ..core.model import ItemResult, PeriodResult, UnitResult
from ..core.periods import MONTHS_PER, Period
from ..scheme.bureau import Bureau
from ..scoring.aggregated import typed_fields
from ..scoring.folding import light
from ..scoring.pipeline import DataSource, base_periods, collector_paused, score, score_base
from ..scoring.sources import StoreSource
from ..scoring.explain import gap_data
from ..intake.staging import dumps
from ..store.store import Store, StoreBusy
from .rescore import aggregate_changed, changed_only, evaluated_for, per_unit, stored_items, to_evaluate
from .results import aggregate_all, aggregate_stored, config_digest, explanation, foldable, staleness, stored_result

__all__ = ["config_digest", "history", "score_period", "score_year", "bring_up_to_date", "scored_now", "shown", "totals"]


def _stored(store: Store, period: Period) -> PeriodResult | None:
    rows = store.scores(period.label)
    if not rows:
        return None
    units = tuple(
        UnitResult(
            unit=r["unit"], name=r["name"], series=r["series"], klass=r["class"], period=r["period"], categories=(),
            subtotal=D(r["subtotal"]), total=D(r["total"]), rank=r["rank"], flags=tuple(_flags(r["flags"])),
        )
        for r in rows
    )
    return PeriodResult(period.label, period.kind, units)


def _flags(text: str) -> list[str]:
    return list(json.loads(text or "[]"))


def flag_history(bureau: Bureau, period: Period) -> list[Period]:
    """The base periods before ``period`` whose results its last-place flag reads, latest first."""
    out: list[Period] = []
    p = base_periods(bureau, period)[0]
    for _ in range(max(bureau.scheme.last_place_months - 1, 0)):
        p = p.previous()
        out.append(p)
    return out


def _digests(store: Store, periods: Iterable[Period]) -> dict[str, str]:
    """``period_results.digest`` of each of ``periods`` stored with its state."""
    out = {}
    for p in periods:
        state = store.period_state(p.label)
        if state is not None and state["digest"]:
            out[p.label] = str(state["digest"])
    return out


def history_parts(store: Store, bureau: Bureau, period: Period) -> dict[str, str]:
    """The digests of the stored results ``history`` reads (``period_results.digest`` of each base
    period its 末位 flags look back to, where stored with its state): kept with the period's
    results, so that when one of them is stored again with other results the period reads as out
    of date (``results.staleness``)."""
    return _digests(store, flag_history(bureau, period))


def base_parts(store: Store, bureau: Bureau, period: Period) -> dict[str, str]:
    """The digests of a longer period's stored base periods (``period_results.digest``), kept with
    the longer period's results when it is scored whole from the records (as an aggregate keeps
    those it was made from): ``results.staleness`` reads it as up to date while they are, and out
    of date once one of them is stored again with other results."""
    return _digests(store, base_periods(bureau, period))


def history(store: Store, bureau: Bureau, period: Period, source: StoreSource, stored: bool = True) -> list[PeriodResult]:
    """The base periods before ``period`` that the last-place flag looks at, latest first: stored
    results where they exist (unless ``stored`` is false), else scored now from ``source`` (the 末位
    flag of a period does not depend on its own history). Only the units' ranks and flags are kept
    (``folding.light``: the flag reads nothing else), not the periods' explanations."""
    return [
        (_stored(store, p) if stored else None) or light(score_base(bureau, p, source)) for p in flag_history(bureau, period)
    ]


def score_period(
    store: Store, bureau: Bureau, registry: Registry, period: Period, save: bool = True, full: bool = True
) -> PeriodResult:
    """Score ``period`` from the records (and store it, with ``save``). A base period without
    ``full``: only the items touched since its stored results are evaluated again, the others' stored
    results taken as they are (kaohe.office.rescore); the same result as a full scoring. Python's
    cycle collector is paused throughout (``pipeline.collector_paused``): the storing too walks the
    period's whole result (at full scale the collector's passes there cost about 1 s of 12)."""
    with collector_paused(collect_first=True):
        return _score_period(store, bureau, registry, period, save, full)


def _score_period(store: Store, bureau: Bureau, registry: Registry, period: Period, save: bool, full: bool) -> PeriodResult:
    if save:  # the scheme's compared fields in typed columns (filled now when it compares a new one)
        store.type_fields(typed_fields(bureau))
    source = StoreSource(store, bureau, registry)
    with store.snapshot():  # one consistent state, whatever other processes import meanwhile
        mark = store.audit_mark()  # what the stored result will say it was scored from
        read = history_parts(store, bureau, period) if base_periods(bureau, period) == [period] else base_parts(store, bureau, period)
        fresh = None if full or base_periods(bureau, period) != [period] else to_evaluate(store, bureau, registry, period)
        keep: dict[str, str] | None = None
        state = None
        trees: dict[str, dict[str, Any]] = {}
        reuse: Mapping[str, Mapping[str, ItemResult]] = {}
        heads: dict[str, tuple[bytes, int]] = {}
        if fresh is not None:
            state = store.period_state(period.label)
            past = history(store, bureau, period, source)
            done = changed_only(store, bureau, registry, period, fresh, source, past)
            if done is not None:  # the units that did not change taken as stored, their trees not decoded
                result, keep, trees, reuse, heads = done.result, done.trees, done.decoded, done.reused, done.heads
            else:
                narrow, touched = per_unit(store, bureau, registry, period, fresh)
                reuse, keep, trees = stored_items(store, bureau, period, fresh - narrow)
                taken = {**reuse, **evaluated_for(store, bureau, registry, period, narrow, touched, reuse, source)} if narrow else reuse
                result = score_base(bureau, period, cast(DataSource, source), past, taken)
            if state is None or _gaps_data(result) != (json.loads(state["missing"] or "[]"), json.loads(state["empty"] or "[]")):
                fresh = None  # the data missing changed: scored whole
        if fresh is None:
            keep = None
            result = score(bureau, period, source, history(store, bureau, period, source))
    if save:  # only what changed rewritten (``keep``) when only what changed was evaluated again
        run = int(state["run_id"]) if keep is not None and state is not None else None
        store.save_result(
            result, config_digest(bureau, period), len(bureau.at(period).items), mark, keep, run, foldable(bureau, period), trees, reuse, read,
            heads,
        )
    return result


def _gaps_data(result: PeriodResult) -> tuple[list[dict[str, str | None]], list[str]]:
    """``result``'s data missing as ``period_results`` stores it (``missing``, ``empty``)."""
    return json.loads(dumps([gap_data(g) for g in result.missing])), list(result.empty)


def score_year(store: Store, bureau: Bureau, registry: Registry, year: int) -> list[PeriodResult]:
    """Every base period of the year in order, then its quarters, halves and the year, all stored.

    The longer periods are aggregated from the stored base periods unit by unit, all in one pass
    (``results.aggregate_all``: each unit's base-period trees read and decoded once), so each base
    period is scored once and no period's units are
    all held with their explanations. The list returned holds every period in that order: the base
    periods without their categories (``folding.light``: their explanations are in the store), the
    longer ones without their categories' items."""
    out = []
    for p in base_periods(bureau, Period(year, "year")):
        out.append(light(score_period(store, bureau, registry, p)))
    kinds = [k for k in ("quarter", "half", "year") if k != bureau.scheme.base_period]
    longer = [Period(year, kind, i) for kind in kinds for i in range(1, {"quarter": 5, "half": 3, "year": 2}[kind])]
    out.extend(aggregate_all(store, bureau, registry, longer))  # each unit's base trees decoded once for all
    return out


def _longer(bureau: Bureau, period: Period) -> Iterator[Period]:
    """The quarter, half-year and year containing base period ``period`` (those longer than the base)."""
    base = MONTHS_PER[bureau.scheme.base_period]
    for kind in ("quarter", "half", "year"):
        if MONTHS_PER[kind] > base:
            yield period.months()[0].containing(kind)


def bring_up_to_date(store: Store, bureau: Bureau, registry: Registry, period: Period) -> list[str]:
    """Score ``period`` again when its stored results are out of date (``results.staleness``): a base
    period from its records, a longer one from its base periods, each brought up to date first.
    Returns the labels of the periods scored, in order."""
    done: list[str] = []
    bases = base_periods(bureau, period)
    if len(bases) == 1 and bases[0] == period:
        if staleness(store, bureau, period) is not None:
            score_period(store, bureau, registry, period, full=False)
            done.append(period.label)
        return done
    for b in bases:
        done.extend(bring_up_to_date(store, bureau, registry, b))
    if staleness(store, bureau, period) is not None:
        if aggregate_changed(store, bureau, registry, period, read=False) is None:
            aggregate_stored(store, bureau, registry, period)
        done.append(period.label)
    return done


def scored_now(store: Store, bureau: Bureau, registry: Registry, period: Period, full: bool = False) -> PeriodResult:
    """``period`` scored from the records and stored (``kaohe score``): a base period, then the
    stored quarter, half-year and year containing it brought up to date (never left silently
    stale); a longer period, its base periods scored and stored, then aggregated from them, with the
    stored quarters, halves and year that share a base period with it and are out of date
    (``_longer_up_to_date``). Without ``full`` (``kaohe score --full``), a base period stored before
    has only what changed since evaluated again (``score_period``): the same result."""
    bases = base_periods(bureau, period)
    if len(bases) == 1 and bases[0] == period:
        result = score_period(store, bureau, registry, period, full=full)
        _longer_up_to_date(store, bureau, registry, bases, full=full)
        return result
    for b in bases:
        score_period(store, bureau, registry, b, full=full)
    return _longer_up_to_date(store, bureau, registry, bases, [period], full)[0]


def _longer_up_to_date(
    store: Store, bureau: Bureau, registry: Registry, scored: Sequence[Period], given: Sequence[Period] = (), full: bool = False,
) -> list[PeriodResult]:
    """The longer periods ``given`` aggregated from their stored base periods, with the stored
    quarters, halves and year sharing a base period with ``scored`` (base periods just scored) that
    this made out of date (a month's quarter, half-year and year; a year's quarters and halves), their
    other base periods brought up to date first; a longer period never stored is not made. Each
    stored before has only the units whose base periods' results changed aggregated again
    (``rescore.aggregate_changed``: the same result), unless ``full``; the others are aggregated
    whole in one pass (``aggregate_all``: each unit's base periods read once). Each period is
    written in a transaction of its own (an error leaves those written before it up to date, the
    others as they were). Returns ``given``'s results."""
    others = [p for p in dict.fromkeys(q for b in scored for q in _longer(bureau, b)) if p not in given and store.scores(p.label)]
    for p in others:
        for b in base_periods(bureau, p):
            if b not in scored:
                bring_up_to_date(store, bureau, registry, b)
    todo = [*given, *(p for p in others if staleness(store, bureau, p) is not None)]
    done = {p: None if full else aggregate_changed(store, bureau, registry, p, read=p in given) for p in todo}
    whole = [p for p, r in done.items() if r is None]
    made = dict(zip(whole, aggregate_all(store, bureau, registry, whole), strict=True)) if whole else {}
    return [cast(PeriodResult, done[p]) if done[p] is not None else made[p] for p in given]


def shown(store: Store, bureau: Bureau, registry: Registry, period: Period, unit: str | None = None) -> tuple[PeriodResult, str]:
    """What ``kaohe ranking`` and ``kaohe explain`` show of ``period``, and a one-line note (in
    Chinese, empty when there is nothing to say): its stored results when they are up to date (with
    ``unit``, that unit alone with its whole explanation; else every unit, without the items).
    Out of date (``results.staleness``), with ``[results] stale = "score"`` (or nothing stored yet),
    it is scored again and stored first; where the store cannot be written without waiting, scored
    without being stored, and the note says so. With ``"warn"``, the stored results are shown and the
    note says they are out of date. Never re-scored when up to date."""
    reason = staleness(store, bureau, period)
    kept = store.period_state(period.label) is not None
    note = ""
    if reason is not None and bureau.results.stale == "warn" and kept:
        note = f"警告:{period.label} 保存的计算结果已过时({reason}),以下仍是保存的结果;运行 kaohe score {period.label} 可重新计算"
    elif reason is not None:
        try:
            with store.without_waiting():
                bring_up_to_date(store, bureau, registry, period)
        except StoreBusy as exc:  # a unit's explanation shows every record's line: scored from the records
            whole = bureau if unit is None else bureau.evolve(engine="python")
            result = score_period(store, whole, registry, period, save=False)
            if kept:
                note = f"注意:{period.label} 保存的计算结果已过时({reason}),以下是重新计算的结果,未能保存({exc}):运行 kaohe score {period.label} 保存"
            if unit is not None:
                result = attrs.evolve(result, units=tuple(u for u in result.units if u.unit == unit))
            return result, note
    stored = stored_result(store, period, units=unit is None)
    assert stored is not None
    if unit is not None:
        one = explanation(store, bureau, registry, period, unit)
        stored = attrs.evolve(stored, units=(one,) if one is not None else ())
    return stored, note


def totals(result: PeriodResult) -> dict[str, Decimal]:
    return {u.unit: u.total for u in result.units}
