"""Stored results as the source of what is shown (issue 18): whether a period's stored results are
up to date, reading them back, aggregating the quarters, halves and the year from the stored months
unit by unit, and bringing a period up to date.

A base period's stored results are out of date when the configuration changed since it was scored,
or when the audit trail has an entry since then that touches it: an import, a voided record, a
decision, a sign-off of it or of the base periods its carry-over and its last-place flags read, an
adjustment named for such a period. A longer period's, when one of its base periods is out of date
or holds other results (another digest) than those it was aggregated from, or an adjustment of it
or of a period between was made since (docs/readings.md, "When a stored result is out of date").

A base period's stored trees keep the record lines of the items whose rule reads each unit's own
records folded (``foldable``); ``explanation`` makes them again for one unit from its records, the
same lines a scoring of the period makes (docs/architecture.md, "Record lines made on demand").
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import operator
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Any, cast

import attrs

from ..contract.registry import Registry
from ..core.decimals import D, ZERO, fmt
from ..core.errors import KaoheError
from ..core.model import Gap, ItemResult, Line, PeriodResult, UnitResult
from ..core.periods import MONTHS_PER, Period
from ..scheme.bureau import Bureau
from ..rules import Veto
from ..rules.base import lines_per_unit
from ..scoring.explain import _dec, shared_item, category_from_data, category_from_row, item_from_data, unit_data, unit_from_data
from ..scoring.folding import Interner, Referred, fold_lines, referred, unfolded
from ..scoring.pipeline import (
    DataSource,
    Grouped,
    collector_paused,
    _prefixed,
    aggregate_unit,
    evaluate_item,
    merge_item,
    base_periods,
    long_adjustments,
    rank_and_flag,
    year_categories,
)
from ..scoring.sources import StoreSource
from ..store.integrity import FILES
from ..store.store import Store
from .accounts import AUDIT_ACTIONS

NOT_INPUTS = frozenset({"发布", FILES, "复查申请", "确认缺数据发布", "导入被拒绝", "解除锁定", *AUDIT_ACTIONS})
"""Audit actions that change nothing a score reads (any other action is taken to change something)."""

ADJUSTMENTS = frozenset({"调整", "撤销调整"})

PLUGIN_ACTION = ":"
"""The mark of an audit action a plugin records for its own data: its name, a colon, the act
(``officers:异议``). Such an entry changes nothing a unit's score reads (a plugin writes records only
through the store's import primitives, recorded as 导入)."""


def not_input(action: str) -> bool:
    """Whether an audit action changes nothing a score reads."""
    return action in NOT_INPUTS or PLUGIN_ACTION in action


NOT_SCORED: tuple[tuple[str, ...], ...] = (
    ("bureau", "database"), ("site",), ("notify",), ("analysis",), ("report",), ("results",), ("appeals",),
)
"""The keys of the configuration that no score reads: where the database is, the site, the e-mail
reminders, the office's analysis, the published page's look, what to do with out-of-date results,
the appeals' windows. Editing them (or a comment, or the layout) leaves the stored results up to
date (``config_digest``)."""

_SCORED: dict[str, str] = {}


def _scored(text: str) -> str:
    """The configuration's text as scoring reads it: parsed, without the keys of ``NOT_SCORED``, in one
    canonical form (keys sorted; comments and layout gone). A text that is not TOML as a whole (a
    dated change's block read alone) is taken as it is."""
    hit = _SCORED.get(text)
    if hit is not None:
        return hit
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError:
        return text
    for path in NOT_SCORED:
        table: Any = data
        for key in path[:-1]:
            table = table.get(key) if isinstance(table, dict) else None
        if isinstance(table, dict):
            table.pop(path[-1], None)
    out = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_toml_value)
    if len(_SCORED) >= 64:
        _SCORED.clear()
    _SCORED[text] = out
    return out


def _toml_value(value: Any) -> Any:
    """A TOML date or time in ``_scored``'s canonical form: tagged with its type, never the same as a text."""
    return {"toml": type(value).__name__, "value": value.isoformat()}


def config_digest(bureau: Bureau, period: Period | None = None) -> str:
    """The digest of the configuration a result was scored with, as scoring reads it (``_scored``:
    a comment, the layout or a key no score reads edited leaves it as it was), and of its units
    file's units where it has one (``units_file``: a station added, merged, moved to another class or
    series, its headcount changed — the text alone does not show it). With dated changes
    (``[[changes]]``, kaohe.scheme.dated) and a ``period``: the digest of the configuration without
    them and of the changes in force up to the period's last month — a change added from a later month
    leaves the stored results of the periods before it up to date (the text without the changes is
    the text as it was, when the office wrote them as blocks of their own)."""
    return _digest(bureau, period, _scored)


def config_digests(bureau: Bureau, period: Period | None = None) -> tuple[str, str]:
    """The digests a stored result up to date with the configuration may have been stored with:
    ``config_digest``, and the digest of the configuration's whole text, which versions before
    ``config_digest`` read the configuration as scoring reads it stored (their results stay up to
    date until the configuration is edited)."""
    return config_digest(bureau, period), _digest(bureau, period, lambda text: text)


def _digest(bureau: Bureau, period: Period | None, form: Callable[[str], str]) -> str:
    units = units_file_digest(bureau)
    if bureau.text and period is not None and bureau.assessment.versions:
        last = period.months()[-1]
        written = [v.written for v in bureau.assessment.versions if (v.start.year, v.start.index) <= (last.year, last.index)]
        h = hashlib.sha256(form(without_changes(bureau.text)).encode("utf-8"))
        for w in written:
            h.update(b"\0" + form(w).encode("utf-8"))
        if units:
            h.update(b"\0units_file\0" + units.encode("ascii"))
        return h.hexdigest()
    if bureau.text:  # the text the bureau was read from, not the file as it may be now
        text = form(bureau.text) + (f"\0units_file\0{units}" if units else "")
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        with open(bureau.source, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return ""


_UNITS_DIGESTS: dict[int, tuple[Bureau, str]] = {}


def units_file_digest(bureau: Bureau) -> str:
    """The digest of ``bureau``'s units, canonical, when its configuration reads them from a units
    file (``units_file``), else "" (units written in the configuration: its text covers them). Kept
    per bureau read (a site asks it on every page that shows stored results)."""
    hit = _UNITS_DIGESTS.get(id(bureau))
    if hit is not None and hit[0] is bureau:
        return hit[1]
    try:
        from_file = "units_file" in tomllib.loads(bureau.text.removeprefix("\ufeff")) if bureau.text else False
    except tomllib.TOMLDecodeError:  # not the text it was read from: taken as reading one
        from_file = True
    digest = ""
    if from_file:
        rows = [
            [u.id, u.name, u.series, u.klass, sorted(u.headcount.items()), list(u.tags),
             u.start.isoformat() if u.start else None, u.end.isoformat() if u.end else None, list(u.aliases)]
            for u in bureau.units
        ]
        digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()
    if len(_UNITS_DIGESTS) >= 64:
        _UNITS_DIGESTS.clear()
    _UNITS_DIGESTS[id(bureau)] = (bureau, digest)
    return digest


_CHANGES = re.compile(r"\s*\[\[?\s*changes\s*[.\]]")
_HEADER = re.compile(r"\s*\[")


def without_changes(text: str) -> str:
    """``text`` without its ``[[changes]]`` blocks (each with the blank and comment lines just
    before it): the configuration as it was before the office added them at its end or between
    its tables."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        if _CHANGES.match(line):
            while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith("#")):
                kept.pop()
            skipping = True
        elif skipping and _HEADER.match(line):
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _months(label: str) -> list[Period] | None:
    try:
        return Period.parse(label).months()
    except (KaoheError, ValueError):
        return None


def _window(bureau: Bureau, period: Period) -> tuple[Period, Period]:
    """The first and last month whose data a period's results read: its own, and before it the base
    periods its last-place flags look back to, each with the month its carry-over reads."""
    first = base_periods(bureau, period)[0]
    for _ in range(max(bureau.scheme.last_place_months, 1)):
        first = first.previous()
    return first.months()[0], period.months()[-1]


def _touches(bureau: Bureau, period: Period, action: str, labels: str) -> bool:
    if not_input(action):
        return False
    if not labels:
        return True  # an entry naming no period: assume it touches every one
    start, end = _window(bureau, period)
    for label in labels.split(","):
        months = _months(label.strip())
        if months is None:
            return True
        if action in ADJUSTMENTS and MONTHS_PER[Period.parse(label.strip()).kind] > MONTHS_PER[period.kind]:
            continue  # an adjustment of a longer period is not in this one
        if any(start <= m <= end for m in months):
            return True
    return False


def staleness(store: Store, bureau: Bureau, period: Period) -> str | None:
    """Why ``period``'s stored results are not to be shown as they are (in Chinese), or None when
    they are up to date. A base period: the configuration edited, or an entry of the audit trail
    touching it since it was scored. A longer period: the configuration edited, one of its base
    periods out of date or stored with other results than those it was aggregated from, or since
    then an adjustment named for it or a period between (the year: anything touching its year
    categories' records)."""
    store.inputs_present()
    state = store.period_state(period.label)
    if state is None:
        return "尚未计算" if not store.scores(period.label) else "计算时未记录其依据(由旧版本保存)"
    if state["config"] not in config_digests(bureau, period):
        return "此后配置文件(kaohe.toml)或其单位文件(units_file)已改动" if units_file_digest(bureau) else "此后配置文件(kaohe.toml)已改动"
    bases = base_periods(bureau, period)
    changes = store.changes_since(int(state["mark"] or 0))
    if len(bases) == 1 and bases[0] == period:
        for label, digest in json.loads(state["parts"] or "{}").items():  # the earlier periods its 末位 flags read
            s = store.period_state(label)
            if s is None or s["digest"] != digest:
                return f"此后 {label} 的计算结果已改变"
        touched = [a for a, p in changes if _touches(bureau, period, a, p)]
    else:
        parts = json.loads(state["parts"] or "{}")
        for b in bases:
            s = store.period_state(b.label)
            why = staleness(store, bureau, b)
            if s is None or why is not None:
                return f"{b.label}:{why}"
            if parts.get(b.label) != s["digest"]:
                return f"此后 {b.label} 的计算结果已改变"
        whole = period.kind == "year" and bool(bureau.at(period).scheme.year_categories)
        touched = [a for a, p in changes if _touches_long(bureau, period, a, p, whole)]
    if touched:
        return f"此后有{'、'.join(dict.fromkeys(touched))}"
    return None


def _touches_long(bureau: Bureau, period: Period, action: str, labels: str, whole: bool) -> bool:
    """Whether an audit entry touches what a longer period reads beside its base periods' results:
    the adjustments named for it or a period between (a quarter of the year), and, for a year with
    year categories (``whole``), any input of its months."""
    if not_input(action):
        return False
    if whole:
        return _touches(bureau, period, action, labels)
    if action not in ADJUSTMENTS:
        return False
    if not labels:
        return True
    base = MONTHS_PER[bureau.scheme.base_period]
    months = period.months()
    for label in labels.split(","):
        ms = _months(label.strip())
        if ms is None:
            return True
        if MONTHS_PER[Period.parse(label.strip()).kind] > base and all(m in months for m in ms):
            return True
    return False


def published_unchanged(store: Store, label: str) -> bool:
    """Whether the stored results of ``label`` are still those of its latest edition: false when it
    was scored again since and came out otherwise (an adjustment, a late import, a decided appeal not
    yet published again), so that no one who may see only what is published sees a draft. The
    edition's audit entry names the digest of the stored results it was made from; for an edition
    published before it did, the results stored before the edition count as published."""
    entries = store.audit(action="发布", period=label)
    state = store.period_state(label)
    if not entries or state is None:
        return False
    last = entries[-1]
    try:
        detail = json.loads(last["detail"]) if last["detail"] else {}
    except ValueError:
        detail = {}
    if isinstance(detail, dict) and detail.get("results"):
        return bool(detail["results"] == state["digest"])
    return int(state["mark"] or 0) < int(last["id"])


def stored_result(store: Store, period: Period, units: bool = True) -> PeriodResult | None:
    """``period``'s stored results without the items (what a ranking shows): units, categories,
    ranks, flags and the data missing (without ``units``, the data missing only); None when nothing
    is stored with its state."""
    state = store.period_state(period.label)
    if state is None:
        return None
    out = [unit_from_data(fields, categories=tuple(map(category_from_row, cats))) for fields, cats in store.stored_rows(period.label)] if units else []
    return PeriodResult(
        period.label, period.kind, tuple(out), tuple(Gap(**_gap(g)) for g in json.loads(state["missing"] or "[]")),
        tuple(json.loads(state["empty"] or "[]")),
    )


def _gap(d: dict[str, str | None]) -> dict[str, str]:
    return {k: d.get(k) or "" for k in ("department", "period", "unit", "name", "item", "title")}


def stored_unit(store: Store, period: Period, unit: str) -> UnitResult | None:
    """One unit's stored result as stored: the record lines of the items ``foldable`` holds folded
    (see ``explanation`` for the whole explanation)."""
    rows = store.unit_trees(unit, [period.label])
    return _resolved(store, unit, json.loads(rows[0][1])) if rows else None


def _resolved(store: Store, unit: str, d: dict[str, Any]) -> UnitResult:
    """``unit``'s stored tree ``d`` as a result, the lines of the items whose tree refers to its
    base periods' lines (a quarter, half-year or year aggregated from the stored base periods:
    ``"lines_from": "parts"``, ``folding.Referred``) made from their stored trees: each base period's
    lines of the item (``folding.fold_lines``), prefixed with its period, in order — the lines
    ``pipeline.aggregate_unit`` gives it."""
    u = unit_from_data(d)
    refs = {(c["category"], i["item"]) for c in d["categories"] for i in c["items"] if i.get("lines_from") == "parts"}
    if not refs:
        return u
    parts: dict[tuple[str, str], list[ItemResult]] = {}
    for _, tree, _, _ in store.unit_trees(unit, [p for p, _ in u.parts]):  # in the parts' order
        for c in json.loads(tree)["categories"]:
            for i in c["items"]:
                if i["lines"] and (c["category"], i["item"]) in refs:
                    parts.setdefault((c["category"], i["item"]), []).append(item_from_data(i, c["category"], fold=True))
    cats = []
    for c in u.categories:
        its = []
        for i in c.items:
            if (c.category, i.item) in refs:
                lines = tuple(_prefixed(ln, f"[{m.window}] ") for m in parts.get((c.category, i.item), ()) for ln in fold_lines(m))
                i = attrs.evolve(i, lines=lines)
            its.append(i)
        cats.append(attrs.evolve(c, items=tuple(its)))
    return attrs.evolve(u, categories=tuple(cats))


def foldable(bureau: Bureau, period: Period) -> frozenset[str]:
    """The items whose record lines ``period``'s stored results keep folded, none unless it is a
    base period (a longer period's lines are its own, folded by month already; count and sum,
    ``folding.fold_stored``), made again for one unit on demand (``explanation``): those whose rule
    makes a unit's lines from its own records alone (``rules.base.lines_per_unit``: per occurrence,
    tiers, flags, vetoes). A rule that compares the units (ranks, quotas, rates against the series,
    campaigns) or a plugin's own formula keeps its lines stored."""
    if base_periods(bureau, period) != [period]:
        return frozenset()
    return frozenset(i.id for i in bureau.at(period).items if lines_per_unit(i.rule))


def explanation(store: Store, bureau: Bureau, registry: Registry, period: Period, unit: str) -> UnitResult | None:
    """``unit``'s whole explanation of ``period`` from its stored result (None when nothing is
    stored for it): an item stored with its record lines folded has them made again from the
    unit's own records (``StoreSource`` of the unit: the index on unit, kind and date; the
    carry-over, the data missing and the adjustments as in scoring), the same lines a scoring of the
    period makes. Where they do not fold to what is stored (the records changed since, shown while
    out of date with ``[results] stale = "warn"``), the stored folded line is shown."""
    u = stored_unit(store, period, unit)
    if u is None or not any(i.folded for c in u.categories for i in c.items):
        return u
    bureau = bureau.at(period)  # the items as they were in force then (kaohe.scheme.dated)
    source = StoreSource(store, bureau, registry, unit)
    one = next((x for x in bureau.active_units(period) if x.id == unit), None) or bureau.unit(unit)
    if one is None:
        return u
    missing, _, confirmed = source.gaps(period)
    items = {i.id: i for i in bureau.items}
    cache: Grouped = {}
    cats = []
    for c in u.categories:
        its = []
        for i in c.items:
            item = items.get(i.item)
            made = evaluate_item(bureau, item, period, [one], source, cache, missing, confirmed) if i.folded and item else None
            whole = unfolded(i, made[unit]) if made and unit in made else None
            its.append(whole or i)
        cats.append(attrs.evolve(c, items=tuple(its)))
    return attrs.evolve(u, categories=tuple(cats))


BATCH = 16
"""How many units' record lines an edition makes again at once (``StoredPeriod.each``): each folded
item evaluated once over the batch, from its units' own records."""


class NotWhole(KaoheError):
    """A stored item's record lines made again do not fold to what is stored (the records changed
    since it was stored): the period is to be scored from the records."""


class StoredPeriod:
    """A period's stored results as an edition reads them (kaohe.office.publication), without every
    unit's record lines held at once. ``result``: every unit in the order stored, with its exact
    total, rank, flags and categories, its items without their record lines (only the lines carried
    over or marked missing are kept: a unit's ``carried`` and ``missing`` read them; equal items held
    once), and the data missing, as stored: what the ranking, the totals and the charts read.
    ``each`` gives the units whole, a batch at a time, as a scoring of the period gives them."""

    def __init__(self, store: Store, bureau: Bureau, registry: Registry, period: Period, result: PeriodResult,
                 exact: dict[str, tuple[str, str]], folded: frozenset[str]) -> None:
        self.store, self.bureau, self.registry, self.period = store, bureau, registry, period
        self.result = result
        self.exact = exact
        self.folded = folded
        """The items some unit's tree holds folded (their record lines are made again)."""

    def each(self, units: Iterable[UnitResult]) -> Iterator[UnitResult]:
        """``units`` (of ``result``) whole, in their order: each unit's stored tree, its folded items'
        record lines made again from its own records, ``BATCH`` units at a time (each folded item
        evaluated once over the batch; the store's index on unit, kind and date). Raises
        ``NotWhole`` where an item's lines made again do not fold to what is stored."""
        batch: list[str] = []
        for u in units:
            batch.append(u.unit)
            if len(batch) == BATCH:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, ids: Sequence[str]) -> Iterator[UnitResult]:
        made: dict[str, dict[str, ItemResult]] = {}
        if self.folded:
            source = StoreSource(self.store, self.bureau, self.registry, units=tuple(ids))
            missing, _, confirmed = source.gaps(self.period)
            wanted = set(ids)
            units = [x for x in self.bureau.active_units(self.period) if x.id in wanted]
            cache: Grouped = {}
            for item in self.bureau.items:
                if item.id in self.folded:
                    res = evaluate_item(self.bureau, item, self.period, units, source, cache, missing, confirmed)
                    if res is None:
                        raise NotWhole(f"{self.period.label} {item.id}")
                    made[item.id] = res
            del cache
        for unit in ids:
            rows = self.store.unit_trees(unit, [self.period.label])
            if not rows:
                raise NotWhole(f"{self.period.label} {unit}")
            yield _whole(_exact(_resolved(self.store, unit, json.loads(rows[0][1])), self.exact), made)


def _exact(u: UnitResult, exact: dict[str, tuple[str, str]]) -> UnitResult:
    """``u`` with its exact total and subtotal as stored (``scores``), where they are."""
    if u.unit in exact:
        return attrs.evolve(u, total=D(exact[u.unit][0]), subtotal=D(exact[u.unit][1]))
    return u


def _whole(u: UnitResult, made: dict[str, dict[str, ItemResult]]) -> UnitResult:
    """``u`` with each folded item's record lines from ``made`` (item → unit → the item made again),
    or ``NotWhole`` where they do not fold to what is stored."""
    if not made:
        return u
    cats = []
    for c in u.categories:
        its = []
        for i in c.items:
            if i.folded:
                whole = unfolded(i, made[i.item][u.unit]) if u.unit in made.get(i.item, {}) else None
                if whole is None:
                    raise NotWhole(f"{u.period} {u.unit} {i.item}")
                i = whole
            its.append(i)
        cats.append(attrs.evolve(c, items=tuple(its)))
    return attrs.evolve(u, categories=tuple(cats))


def _bare(u: UnitResult, intern: Interner) -> UnitResult:
    """``u`` without its items' record lines, but those carried over or marked missing (``StoredPeriod.result``)."""
    cats = tuple(
        attrs.evolve(c, items=tuple(
            intern(attrs.evolve(i, lines=tuple(ln for ln in i.lines if ln.carried or ln.missing))) for i in c.items
        ))
        for c in u.categories
    )
    return attrs.evolve(u, categories=cats)


def stored_period(store: Store, bureau: Bureau, registry: Registry, period: Period) -> StoredPeriod | None:
    """``period``'s stored results as an edition reads them (``StoredPeriod``): every unit's stored tree
    read once, kept without its record lines. None when nothing is stored with its state. Whether the
    stored results are up to date is the caller's to check (``staleness``)."""
    head = stored_result(store, period, units=False)
    if head is None:
        return None
    exact = {r["unit"]: (r["total"], r["subtotal"]) for r in store.scores(period.label)}
    folded: set[str] = set()
    intern = Interner()
    units = []
    for unit, tree in store.period_trees(period.label):
        d = json.loads(tree)
        folded.update(i["item"] for c in d["categories"] for i in c["items"] if i.get("folded"))
        units.append(_bare(_exact(_resolved(store, unit, d), exact), intern))
        del d
    return StoredPeriod(store, bureau, registry, period, attrs.evolve(head, units=tuple(units)), exact, frozenset(folded))


def stored_whole(store: Store, bureau: Bureau, registry: Registry, period: Period) -> PeriodResult | None:
    """``period``'s stored results whole, as a scoring of the period gives them: every unit in the
    order stored, with its whole explanation, its exact total, rank and flags, and the data missing,
    as stored (``stored_period``, every unit made whole: ``StoredPeriod.each``; an edition reads them
    a batch at a time instead). The categories, their normalisation, the totals and ranks are not
    evaluated again. None when nothing is stored with its state, or when an item's lines made again
    do not fold to what is stored (the records changed since it was stored). Whether the stored
    results are up to date is the caller's to check (``staleness``)."""
    stored = stored_period(store, bureau, registry, period)
    if stored is None:
        return None
    try:
        units = tuple(stored.each(stored.result.units))
    except NotWhole:
        return None
    return attrs.evolve(stored.result, units=units)


def explanation_data(store: Store, bureau: Bureau, registry: Registry, period: Period, unit: str) -> dict[str, Any] | None:
    """``explanation`` as JSON-ready data (``explain.unit_data``: the tree ``kaohe explain --json`` prints)."""
    u = explanation(store, bureau, registry, period, unit)
    return None if u is None else unit_data(u)


class _Known:
    """What the base periods' stored trees say alike for every unit, read from the first tree that
    has it (``_decoded``): each item's title, department, reference, window and per-capita mark by
    period, the note of its points capped or floored, its results without lines (shared)."""

    def __init__(self, store: Store, vetoes: frozenset[str]) -> None:
        self.store = store
        self.vetoes = vetoes
        """The items whose rule is a veto: their lines' reasons are the unit's veto (read from its tree)."""
        self.meta: dict[tuple[str, str], tuple[str, str, str, str, bool]] = {}
        self.notes: dict[tuple[str, str, str], str] = {}
        self.empty: dict[tuple[Any, ...], ItemResult] = {}

    def tree(self, unit: str, period: str) -> dict[tuple[str, str], dict[str, Any]]:
        """``unit``'s stored tree of ``period``, its items by (category, item); what it says alike for
        every unit noted."""
        d = json.loads(self.store.unit_trees(unit, [period])[0][1])
        out = {}
        for c in d["categories"]:
            for i in c["items"]:
                out[(c["category"], i["item"])] = i
                self.meta[(period, i["item"])] = (i["title"], i["department"], i["reference"], i["window"], bool(i["direct_per_capita"]))
                if i["note"]:
                    self.notes[(period, i["item"], i["points"])] = i["note"]
        return out

    def item(self, period: str, row: tuple[Any, ...]) -> ItemResult | None:
        """An item's result from its row of ``item_results`` (``Store.unit_results``) as an aggregate
        reads it (with lines: ``folding.Referred``), or None when the unit's tree must say it (a
        veto's reasons, a line marked missing, a note or an item not yet known)."""
        cid, iid, points, uncapped, n, named, carried, missing = row
        if not n:  # most items of most units: no line, their result shared
            hit = self.empty.get((period, iid, points, uncapped))
            if hit is not None:
                return hit
        meta = self.meta.get((period, iid))
        if meta is None or missing or (n and iid in self.vetoes):
            return None
        p, unc = _dec(points), _dec(uncapped)
        note = ""
        if p != unc:  # capped or floored (``pipeline._item_result``): the note says so
            found = self.notes.get((period, iid, fmt(p)))
            if found is None:
                return None
            note = found
        title, department, reference, window, per_capita = meta
        if not n:
            one = self.empty[(period, iid, points, uncapped)] = ItemResult(
                item=iid, title=title, department=department, category=cid, reference=reference, window=window, lines=(),
                points=p, uncapped=unc, direct_per_capita=per_capita, note=note,
            )
            return one
        if named >= 2:  # its record lines folded into one (``folding.folded``)
            count, named = n - named + 1, 0
        else:
            count = n
        return Referred(
            item=iid, title=title, department=department, category=cid, reference=reference, window=window,
            lines=(Line(ZERO, "", None, True),) if carried else (), points=p, uncapped=unc, direct_per_capita=per_capita, note=note,
            count=count, records=named,
        )


_CARRIED = Line(ZERO, "", None, True)
"""The line a ``Referred`` read from a row holds where its item carried a line over (``_Known.item``)."""


_CATEGORY = operator.itemgetter(0)
_ITEM = operator.itemgetter(1)
_LINES = operator.itemgetter(4)


class _Part:
    """One unit's stored result of one base period as ``aggregate_all`` reads it (``_decoded``): the
    unit and its categories without their items, and its rows of ``item_results`` (those of its
    categories, in the order stored)."""

    __slots__ = ("period", "unit", "rows")

    def __init__(self, period: str, unit: UnitResult, rows: list[tuple[Any, ...]]) -> None:
        self.period, self.unit, self.rows = period, unit, rows


def _decoded(stored: Sequence[tuple[str, dict[str, Any], list[dict[str, Any]], list[tuple[Any, ...]]]]) -> dict[str, _Part]:
    """A unit's stored results of the base periods of an aggregate (``Store.unit_results``: those
    stored, in their order), by period, with their exact totals, as an aggregate reads them: from
    their rows (``scores``, ``category_results``, ``item_results``); the items are merged from their
    rows (``_merged``)."""
    out = {}
    for period, fields, cats, rows in stored:
        u = unit_from_data(fields, categories=False)
        categories = tuple(category_from_data(c, items=False) for c in cats)
        ids = {c.category for c in categories}
        if not ids.issuperset(map(_CATEGORY, rows)):  # rows of no category of the unit's: not read (as its tree does not hold them)
            rows = [r for r in rows if r[0] in ids]
        out[period] = _Part(period, attrs.evolve(u, categories=categories), rows)
    return out


_Plan = list[tuple[str, tuple[str, ...], Callable[[Sequence[tuple[Any, ...]]], tuple[tuple[Any, ...], ...]]]]
"""How a shape of a unit's base periods' rows is paired by item (``_by_item``): each item's category,
the periods that have it and what takes its rows out of the periods' rows laid end to end."""

PLANS_KEPT = 64
"""How many shapes of rows ``_by_item`` keeps the pairing of (the units of a bureau have a few)."""


def _by_item(parts: Sequence[_Part], plans: dict[tuple[Any, ...], _Plan]) -> list[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]]]:
    """Each item's rows in ``parts`` (a unit's base periods, in order): (its category, the periods
    that have it, their rows), the items in the order ``pipeline.aggregate_unit`` merges them (by
    first appearance). Units whose base periods list the same items of the same categories in the
    same order (most of a bureau's) are paired alike: how, worked out once for each such shape and
    kept in ``plans`` (``_plan``)."""
    shape = (
        tuple(x.period for x in parts), *(tuple(map(_ITEM, x.rows)) for x in parts), *(tuple(map(_CATEGORY, x.rows)) for x in parts)
    )
    plan = plans.get(shape)
    if plan is None:
        if len(plans) >= PLANS_KEPT:
            plans.clear()
        plan = plans[shape] = _plan(parts)
    flat = list(chain.from_iterable(x.rows for x in parts))
    return [(cid, periods, take(flat)) for cid, periods, take in plan]


def _plan(parts: Sequence[_Part]) -> _Plan:
    """How ``_by_item`` pairs the rows of ``parts``' shape: each (category, item) by first appearance,
    with the periods that have it and the places of its rows among the parts' rows laid end to end."""
    groups: dict[tuple[str, str], tuple[list[str], list[int]]] = {}
    at = 0
    for part in parts:
        for row in part.rows:
            entry = groups.get((row[0], row[1]))
            if entry is None:
                groups[(row[0], row[1])] = ([part.period], [at])
            else:
                entry[0].append(part.period)
                entry[1].append(at)
            at += 1
    return [(cid, tuple(ps), _taker(places)) for (cid, _), (ps, places) in groups.items()]


def _taker(places: Sequence[int]) -> Callable[[Sequence[tuple[Any, ...]]], tuple[tuple[Any, ...], ...]]:
    """What takes the rows at ``places`` of a sequence, as a tuple (one place too)."""
    if len(places) > 1:
        return operator.itemgetter(*places)
    (only,) = places
    return lambda rows: (rows[only],)


class _Merger:
    """Each item of a unit's longer period merged from its base periods' rows (``_decoded``), as
    ``pipeline.merge_item`` merges their results, mostly without making them: an item without lines
    in every base period once for every unit with the same rows (``same``: as many as items × periods
    × their points, not units), one with lines as a ``folding.Referred`` summed from its rows. Where
    the rows do not say it (``_Known.item``: a veto's reasons, a line marked missing, a note or an
    item not yet known), the base periods' results are made (from the unit's tree where needed) and
    merged by ``pipeline.merge_item``."""

    def __init__(self, known: _Known) -> None:
        self.known = known
        self.same: dict[tuple[Any, ...], ItemResult] = {}
        self.trees: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        self.merged: dict[tuple[Any, ...], tuple[tuple[ItemResult, ...], ItemResult]] = {}
        self.plans: dict[tuple[Any, ...], _Plan] = {}
        """How each shape of a unit's base periods' rows is paired by item (``_by_item``)."""
        self.metas: dict[tuple[tuple[str, ...], str], tuple[tuple[str, str, str, str, bool], ...]] = {}
        """Each item's title, department, reference, window and per-capita mark in each of the base
        periods of a longer period (``_Known.meta``): as many as items × periods."""

    def unit(self, unit: str, period: Period, parts: Sequence[_Part], intern: Interner) -> dict[str, list[ItemResult]]:
        """``unit``'s items of ``period`` merged from ``parts`` (its base periods', in order), by
        category, each category's items in the order ``pipeline.aggregate_unit`` gives them."""
        label = period.label
        out: dict[str, list[ItemResult]] = {}
        for cid, periods, rows in _by_item(parts, self.plans):
            made = out.get(cid)
            if made is None:
                made = out[cid] = []
            one: ItemResult | None
            if any(map(_LINES, rows)):
                one = self._referring(label, periods, rows)
            else:
                key = (label, periods, *rows)
                one = self.same.get(key)
                if one is None:
                    one = self._plain(label, periods, rows)
                    if one is not None:
                        self.same[key] = one
            if one is None:  # interned there, as the results merged from rows need not be (shared, or the unit's own)
                one = merge_item(period, [self._result(unit, p, row) for p, row in zip(periods, rows, strict=True)], intern, self.merged)
            made.append(one)
        self.trees.clear()
        return out

    def _result(self, unit: str, period: str, row: tuple[Any, ...]) -> ItemResult:
        """A base period's item result from its row, or from the unit's tree where the row does not say it."""
        it = self.known.item(period, row)
        if it is not None:
            return it
        tree = self.trees.get(period)
        if tree is None:
            tree = self.trees[period] = self.known.tree(unit, period)
        d = tree[(row[0], row[1])]
        return referred(d, row[0], _dec) if d["lines"] else shared_item(d, row[0], True, self.known.empty)

    def _plain(self, label: str, periods: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> ItemResult | None:
        """An item without lines in every base period merged (``merge_item``: the first period's
        result, its points summed), or None where a row does not say it."""
        results = []
        for p, row in zip(periods, rows, strict=True):
            it = self.known.item(p, row)
            if it is None:
                return None
            results.append(it)
        return attrs.evolve(
            results[0], window=label, folded=0, lines=(),
            points=sum((it.points for it in results), ZERO), uncapped=sum((it.uncapped for it in results), ZERO), veto=(),
        )

    def _referring(self, label: str, periods: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> Referred | None:
        """An item with lines in some base period merged (``pipeline._referring`` of the results
        ``_Known.item`` makes of its rows: a ``Referred`` of each row with lines, the shared result
        of each without, made from the same item's title … and note of its period), or None where a
        row does not say it. Column by column, most of it without a step of Python's per row."""
        known = self.known
        iid = rows[0][1]
        _, _, pts, uncs, ns, named, carried, missing = zip(*rows, strict=True)  # the rows' columns
        if iid in known.vetoes or any(missing):  # a veto's reasons, a line marked missing: the tree says them
            return None
        metas = self.metas.get((periods, iid))
        if metas is None:
            found = tuple(known.meta.get((p, iid)) for p in periods)
            if None in found:
                return None
            metas = self.metas[(periods, iid)] = cast(tuple[tuple[str, str, str, str, bool], ...], found)
        ds = list(map(_dec, pts))
        dus = ds if pts == uncs else list(map(_dec, uncs))
        note = ""
        if dus is not ds:  # capped or floored in some period: each such period's note must be known
            for p, d, du in zip(periods, ds, dus, strict=True):
                if d != du and (p, iid, fmt(d)) not in known.notes:
                    return None
            if ds[0] != dus[0]:
                note = known.notes[(periods[0], iid, fmt(ds[0]))]
        if max(named) < 2:
            count, records = sum(ns), sum(named)
        else:  # some period's record lines folded into one (``folding.folded``)
            count = records = 0
            for n, k in zip(ns, named, strict=True):
                if k >= 2:
                    count += n - k + 1
                else:
                    count, records = count + n, records + k
        held: tuple[Line, ...] = ()
        if any(carried):
            held = tuple(_prefixed(_CARRIED, f"[{m[3]}] ") for m, n, c in zip(metas, ns, carried, strict=True) if n and c)
        title, department, reference, _, per_capita = metas[0]
        return Referred(
            item=iid, title=title, department=department, category=rows[0][0], reference=reference, window=label,
            lines=held, points=sum(ds, ZERO), uncapped=sum(dus, ZERO), direct_per_capita=per_capita, note=note, veto=(), folded=0,
            count=count, records=records,
        )


def _aggregated(
    store: Store, bureau: Bureau, longer: Sequence[_Longer], bases: Sequence[Period], units: Sequence[str],
) -> Iterator[tuple[_Longer, UnitResult]]:
    """Each of ``units`` (in their order) aggregated for each of ``longer`` that has a base period
    stored for it, from its stored base periods' rows (read a few units ahead, on another core where
    it can: ``Store.units_results``), not yet ranked: one unit's rows read and decoded once for all
    of ``longer``, nothing of it held here once the next is read."""
    vetoes = frozenset(i.id for b in bases for i in bureau.at(b).items if isinstance(i.rule, Veto))
    known = _Known(store, vetoes)  # the items without lines: as many as items × periods × their points, not units
    merger = _Merger(known)  # their merged results, as many
    labels = [b.label for b in bases]
    with contextlib.closing(store.units_results(units, labels)) as rows:
        for uid, stored in rows:
            decoded = _decoded(stored)
            del stored
            for agg in longer:
                parts = [decoded[b] for b in agg.labels if b in decoded]
                if not parts:
                    continue
                intern = Interner()  # per unit: nothing of one unit is held while the next is aggregated
                merged = merger.unit(uid, agg.period, parts, intern)
                yield agg, aggregate_unit(
                    bureau, agg.period, [x.unit for x in parts], agg.blank, agg.extra.get(uid, []), agg.adjustments, intern, merged=merged,
                )
                del intern, merged
            del decoded


def _slim(u: UnitResult) -> UnitResult:
    """What ranking and flagging read of ``u`` (its total, series, flags, veto, whether it has carried
    over or missing lines), without its items' other lines: held for every unit while the period's
    trees are in the store."""
    cats = tuple(
        attrs.evolve(
            c,
            items=tuple(
                attrs.evolve(i, lines=tuple(ln for ln in i.lines if ln.carried or ln.missing))
                for i in c.items if i.carried or i.missing
            ),
        )
        for c in u.categories
    )
    return attrs.evolve(u, categories=cats)


def aggregate_stored(
    store: Store, bureau: Bureau, registry: Registry, period: Period, mark: int | None = None
) -> PeriodResult:
    """Aggregate the quarter, half-year or year ``period`` from its stored base periods and store it,
    unit by unit (``aggregate_all``, for this period alone). Returns the period's result without the
    categories' items (``stored_result``'s shape)."""
    return aggregate_all(store, bureau, registry, [period], mark)[0]


class _Longer:
    """One longer period being aggregated by ``aggregate_all``: what it reads beside its units' base
    results, its writer, and its units as ranking reads them."""

    def __init__(
        self, store: Store, bureau: Bureau, source: DataSource, period: Period, mark: int, states: dict[str, dict[str, Any] | None],
        keep: dict[str, str] | None = None,
    ) -> None:
        self.period = period
        self.labels = [b.label for b in base_periods(bureau, period)]
        self.parts = {b: str(s["digest"]) for b in self.labels if (s := states[b]) is not None}
        gaps, blank = longer_gaps(self.labels, states)
        self.blank = list(blank)
        self.extra = year_categories(bureau, period, source)
        self.adjustments = long_adjustments(bureau, period, source)
        self.units = store.units_in(self.labels)
        head = PeriodResult(period.label, period.kind, (), gaps, blank)
        self.writer = store.results_writer(
            head, config_digest(bureau, period), len(bureau.at(period).items), len(self.units), mark, keep,
        )
        """With ``keep`` (unit → its tree as stored), only the units whose tree changed are written
        again (``Store.results_writer``)."""
        self.slim: list[UnitResult] = []

    @property
    def nothing_sent(self) -> bool:
        """Every base period without any data (``rank_and_flag``'s ``empty``: no 末位 flag)."""
        return bool(self.labels) and len(self.blank) == len(self.labels)


def longer_gaps(labels: Sequence[str], states: Mapping[str, Mapping[str, Any] | None]) -> tuple[tuple[Gap, ...], tuple[str, ...]]:
    """A longer period's data missing (each gap once, in order) and its base periods without any
    data, from the stored states of its base periods ``labels`` (those not stored: none)."""
    mine = [s for b in labels if (s := states[b]) is not None]
    gaps: dict[Gap, None] = {}
    for s in mine:
        for g in json.loads(s["missing"] or "[]"):
            gaps.setdefault(Gap(**_gap(g)), None)
    return tuple(gaps), tuple(e for s in mine for e in json.loads(s["empty"] or "[]"))


def aggregate_all(
    store: Store, bureau: Bureau, registry: Registry, periods: Sequence[Period], mark: int | None = None
) -> list[PeriodResult]:
    """Aggregate the quarters, half-years or years ``periods`` from their stored base periods and
    store them, in one write, unit by unit: one unit's base-period trees are read and decoded once
    (``_decoded``), every period's result of that unit aggregated from them
    (``pipeline.aggregate_unit``) and its tree written before the next unit's are read; each period's
    units are then ranked and flagged and their trees completed. A year's own categories are
    evaluated over the year from the records. Where the periods do not list their units in one
    order (their base periods stored them otherwise), each period is aggregated in turn, as alone.
    Returns the periods' results without the categories' items (``stored_result``'s shape)."""
    source = cast(DataSource, StoreSource(store, bureau, registry))
    bases = list(dict.fromkeys(b for p in periods for b in base_periods(bureau, p)))
    given = mark
    with store.writing():
        if mark is None:
            mark = store.audit_mark()
        states = {b.label: store.period_state(b.label) for b in bases}
        behind = {b.label for b in bases if staleness(store, bureau, b) is not None}
        for p in periods:  # checked under the write lock: nothing changes them while they are aggregated
            late = [b.label for b in base_periods(bureau, p) if b.label in behind]
            if late:
                raise KaoheError(f"{p.label} 由各期汇总,但 {'、'.join(late)} 的计算结果不是最新的:请先运行 kaohe score {p.label}")
        order = store.units_in([b.label for b in bases])
        each = [store.units_in([b.label for b in base_periods(bureau, p)]) for p in periods]
        apart = len(periods) > 1 and any([u for u in order if u in set(units)] != units for units in each)
        if not apart:
            with collector_paused():  # no cycles to speak of (``pipeline.collector_paused``)
                _aggregate_units(store, bureau, source, periods, bases, order, mark, states)
    if apart:
        return [aggregate_all(store, bureau, registry, [p], given)[0] for p in periods]
    out = []
    for p in periods:
        result = stored_result(store, p)
        assert result is not None
        out.append(result)
    return out


def _aggregate_units(
    store: Store, bureau: Bureau, source: DataSource, periods: Sequence[Period], bases: Sequence[Period], order: Sequence[str],
    mark: int, states: dict[str, dict[str, Any] | None],
) -> None:
    """``aggregate_all``'s writing, inside its write transaction: units in ``order``."""
    longer = [_Longer(store, bureau, source, p, mark, states) for p in periods]
    for agg, u in _aggregated(store, bureau, longer, bases, order):
        agg.writer.head(u)
        agg.slim.append(_slim(u))
        del u
    for agg in longer:
        for u in rank_and_flag(bureau.at(agg.period).scheme, agg.slim, (), agg.period, agg.nothing_sent):  # the version in force (``pipeline.aggregate``)
            agg.writer.tail(u)
        agg.writer.finish(agg.parts)

