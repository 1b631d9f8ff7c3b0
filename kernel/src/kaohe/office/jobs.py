"""The office's jobs, shared by the command line and the demo: score a period and store it."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from ..contract.registry import Registry
from ..core.decimals import D
from ..core.model import PeriodResult, UnitResult
from ..core.periods import Period
from ..scheme.bureau import Bureau
from ..scoring.folding import Interner, fold_result, light
from ..scoring.pipeline import aggregate, base_periods, score, score_base
from ..scoring.sources import StoreSource
from ..store.store import Store


def config_digest(bureau: Bureau) -> str:
    if bureau.text:  # the text the bureau was read from, not the file as it may be now
        return hashlib.sha256(bureau.text.encode("utf-8")).hexdigest()
    try:
        with open(bureau.source, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return ""


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


def history(store: Store, bureau: Bureau, period: Period, source: StoreSource, stored: bool = True) -> list[PeriodResult]:
    """The base periods before ``period`` that the last-place flag looks at, latest first: stored
    results where they exist (unless ``stored`` is false), else scored now from ``source`` (the 末位
    flag of a period does not depend on its own history). Only the units' ranks and flags are kept
    (``folding.light``: the flag reads nothing else), not the periods' explanations."""
    n = bureau.scheme.last_place_months - 1
    first = base_periods(bureau, period)[0]
    out: list[PeriodResult] = []
    p = first
    for _ in range(max(n, 0)):
        p = p.previous()
        res = (_stored(store, p) if stored else None) or light(score_base(bureau, p, source))
        out.append(res)
    return out


def score_period(store: Store, bureau: Bureau, registry: Registry, period: Period, save: bool = True) -> PeriodResult:
    source = StoreSource(store, bureau, registry)
    with store.snapshot():  # one consistent state, whatever other processes import meanwhile
        result = score(bureau, period, source, history(store, bureau, period, source))
    if save:
        store.save_result(result, config_digest(bureau), len(bureau.items))
    return result


def score_year(store: Store, bureau: Bureau, registry: Registry, year: int) -> list[PeriodResult]:
    """Every base period of the year in order, then its quarters, halves and the year, all stored.

    The longer periods are aggregated from the base periods just scored (what ``score_period``
    would score again for each of them: the same records, the same history, hence the same
    results), so each base period is scored once. The year streams: once stored, a base period is
    kept folded (``folding.fold_result``: its record lines, which are in the store, dropped, equal
    item results and points shared), which is all its aggregates need, and a quarter or half-year
    once stored is kept without its categories (``folding.light``). The list returned holds every
    period in that order: the year in full, the others as kept (their explanations are in the
    store)."""
    out = []
    scored: dict[Period, PeriodResult] = {}
    intern = Interner()
    for p in base_periods(bureau, Period(year, "year")):
        scored[p] = fold_result(score_period(store, bureau, registry, p), intern)
        out.append(scored[p])
    kinds = [k for k in ("quarter", "half", "year") if k != bureau.scheme.base_period]
    digest = config_digest(bureau)
    source = StoreSource(store, bureau, registry)
    for kind in kinds:
        for i in range(1, {"quarter": 5, "half": 3, "year": 2}[kind]):
            period = Period(year, kind, i)
            result = aggregate(bureau, period, [scored[b] for b in base_periods(bureau, period)], source)
            store.save_result(result, digest, len(bureau.items))
            out.append(result if kind == "year" else light(result))
            del result  # not kept in full while the next period is aggregated
    del scored, intern
    return [r if r.kind == "year" else (light(r) if r.kind == bureau.scheme.base_period else r) for r in out]


def totals(result: PeriodResult) -> dict[str, Decimal]:
    return {u.unit: u.total for u in result.units}
