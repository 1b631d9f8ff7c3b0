"""Rescoring only what changed (issue 18 point 3): which items of a base period must be evaluated
again since its results were stored, and the stored results of the others, taken as they are.

Since a base period was scored, the audit trail says what changed. When every entry touching it is
an import or a voided record (``INCREMENTAL``), the records they changed name their kinds
(``Store.kinds_changed_since``: the new and corrected records, their earlier versions, the voided
ones), widened to every kind of the same departments (whether a department has sent anything for a
month decides the carry-over of all its kinds, seed 000 l.88). An item is evaluated again, for every
unit (so a rule comparing the units, a rank, sees them all), when it reads one of those kinds, or
when its rule may raise a flag on its lines (``Shape.raises_flags``: a stored tree does not keep the
lines' flags); every other item's stored result is taken as it is. The categories, their
normalisation, the totals, ranks and flags are then made from the items as a full scoring makes
them (``pipeline.score_base``), so the result is the same.

An adjustment (or its revocation) named for the period has the items of every adjustment of the
period evaluated again (an adjustment of the unit's total is applied anew in any case); an appeal's
decision is itself nothing to evaluate (its adjustment or voided record is an entry of its own).
Anything else since (the configuration edited, a sign-off, results stored by an older version) and
the period is scored whole (``None``); so is it when its data missing changed (``jobs.score_period``).

Of the items to evaluate again, those whose rule makes each unit's lines from the unit's own records
(``per_unit``) are evaluated for the units whose records changed alone, the other units' stored
results taken as they are (``evaluated_for``); the stored trees hold such items' record lines
folded (docs/architecture.md, "Record lines made on demand"), so reading them back is light."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..contract.items import Item
from ..contract.registry import Registry
from ..core.model import Gap, ItemResult, PeriodResult, Unit, UnitResult
from ..core.periods import Period
from ..intake.staging import dumps
from ..scheme.bureau import Bureau
from ..scheme.scheme import Scheme
from ..rules.base import group_key, lines_per_unit
from ..scoring.explain import category_from_row, gap_data, shared_item, unit_from_data
from ..scoring.pipeline import (
    DERIVED_FLAGS,
    Grouped,
    _unit_gaps,
    base_periods,
    categorised,
    category_raw,
    evaluate_item,
    period_adjustments,
    period_gaps,
    rank_and_flag,
    unit_result,
)
from ..scoring.sources import StoreSource
from ..scoring.treejson import TreeEncoder
from ..store.store import Store
from .results import (
    ADJUSTMENTS,
    NOT_INPUTS,
    _aggregated,
    _gap,
    _Longer,
    _slim,
    _touches,
    _touches_long,
    config_digests,
    foldable,
    longer_gaps,
    staleness,
    stored_result,
)

INCREMENTAL = frozenset({"导入", "撤销记录"})
"""Audit actions whose changes are records only: after them, only the items reading those records'
kinds are evaluated again."""

DECISION = "复查决定"
"""An appeal's decision: what it changes is an entry of its own (an adjustment, 复查改分, or a voided
record), the decision itself changes nothing a score reads."""


def to_evaluate(store: Store, bureau: Bureau, registry: Registry, period: Period) -> set[str] | None:
    """The items of base period ``period`` to evaluate again since its results were stored, or None
    when the period is to be scored whole (never stored with its state, the configuration edited, or
    an entry of the audit trail touching it other than an import or a voided record)."""
    state = store.period_state(period.label)
    if state is None or state["config"] not in config_digests(bureau, period) or not state["digest"]:
        return None
    bureau = bureau.at(period)  # the items in force in the period (kaohe.scheme.dated)
    mark = int(state["mark"] or 0)
    adjusted = False
    for action, labels in store.changes_since(mark):
        if action in NOT_INPUTS or action in INCREMENTAL or action == DECISION:
            continue
        if action in ADJUSTMENTS:
            adjusted = adjusted or _touches(bureau, period, action, labels)
            continue
        if _touches(bureau, period, action, labels):
            return None
    items = {str(r["item"]) for r in store.adjustment_rows(period.label) if r["item"]} if adjusted else set()
    wide = _widened(store.kinds_changed_since(mark), bureau.items, registry)
    return {
        i.id for i in bureau.items
        if i.id in items or wide.intersection(i.reads) or getattr(type(i.rule), "raises_flags", True)
    }


def _widened(kinds: set[str], items: Sequence[Item], registry: Registry) -> set[str]:
    """``kinds`` and every kind ``items`` read of the same departments (whether a department has sent
    anything for a month decides the carry-over of all its kinds, seed 000 l.88)."""
    owner = {k: registry.owner_of_kind(k) for k in {*kinds, *(k for i in items for k in i.reads)}}
    departments = {owner[k] for k in kinds}
    return set(kinds) | {k for i in items for k in i.reads if owner[k] in departments}


def stored_items(
    store: Store, bureau: Bureau, period: Period, fresh: set[str]
) -> tuple[dict[str, Mapping[str, ItemResult]], dict[str, str], dict[str, dict[str, Any]]]:
    """item → unit → its stored result in ``period``, for the items not in ``fresh`` (those stored:
    an item not due is not in the trees, and is evaluated), the units active in it; every unit's
    tree as stored (for only the units whose tree changed to be written again:
    ``Store.save_result``'s ``keep``), and decoded (to tell them without encoding them again:
    ``stored``). The stored trees hold the record lines of most items folded
    (``folding.fold_stored``): what is read back is their count and sum. Equal results without
    lines (most items of most units) are decoded once."""
    active = {u.id for u in bureau.active_units(period)}
    out: dict[str, dict[str, ItemResult]] = {}
    trees: dict[str, str] = {}
    decoded: dict[str, dict[str, Any]] = {}
    empty: dict[tuple[Any, ...], ItemResult] = {}
    for unit, tree in store.period_trees(period.label):
        trees[unit] = tree
        if unit not in active:
            continue
        d = decoded[unit] = json.loads(tree)
        for c in d["categories"]:
            cid = c["category"]
            for i in c["items"]:
                if i["item"] in fresh:
                    continue
                res = shared_item(i, cid, False, empty)  # an item without lines made once for all units
                out.setdefault(i["item"], {})[unit] = res
    return dict(out), trees, decoded


def per_unit(store: Store, bureau: Bureau, registry: Registry, period: Period, fresh: set[str]) -> tuple[set[str], set[str]]:
    """Of the items ``fresh`` of base period ``period`` (``to_evaluate``), those to evaluate again
    for the units whose records changed alone, and those units: an item whose rule makes each
    unit's lines from the unit's own records (``rules.base.lines_per_unit``), that raises no flag,
    has no adjustment in the period, had no line carried over or missing in the stored results and
    whose departments have data in every month of its window now (no carry-over before or after:
    seed 000 l.88 makes every unit's lines of a department without data). Every other unit's
    stored result of such an item is what it is evaluated to again."""
    state = store.period_state(period.label)
    if state is None:
        return set(), set()
    bureau = bureau.at(period)
    touched = store.units_changed_since(int(state["mark"] or 0))
    adjusted = {str(r["item"]) for r in store.adjustment_rows(period.label) if r["item"]}
    blocked = store.items_carried_or_missing(period.label) | adjusted
    having: dict[tuple[str, str], bool] = {}

    def has(department: str, month: str) -> bool:
        if (department, month) not in having:
            having[(department, month)] = store.has_records(department, [month])
        return having[(department, month)]

    out = set()
    for item in bureau.items:
        if item.id not in fresh or item.id in blocked or not lines_per_unit(item.rule):
            continue
        if getattr(type(item.rule), "raises_flags", True):
            continue
        window = item.window(period)
        if window is None:
            continue
        owners = {registry.owner_of_kind(k) for k in item.reads}
        if any(o is None or not has(o, m.label) for o in owners for m in window.months()):
            continue
        out.add(item.id)
    return out, touched


def evaluated_for(
    store: Store, bureau: Bureau, registry: Registry, period: Period, items: set[str], touched: set[str],
    stored: Mapping[str, Mapping[str, ItemResult]], source: StoreSource,
) -> dict[str, dict[str, ItemResult]]:
    """item → unit → its result: for ``items`` (``per_unit``'s), the stored results, those of the
    ``touched`` units (and of any unit without one) evaluated again from each unit's own records
    (the data missing in the period as ``source``, the period's, says)."""
    missing, _, confirmed = period_gaps(source, period)
    bureau = bureau.at(period)
    out: dict[str, dict[str, ItemResult]] = {}
    units = bureau.active_units(period)
    # one source and one cache of records per unit, shared by its items (those reading the same kinds
    # over the same window read them once)
    sources: dict[str, tuple[StoreSource, Grouped]] = {}
    for item in bureau.items:
        if item.id not in items:
            continue
        mine = dict(stored.get(item.id, {}))
        for unit in units:
            if unit.id in touched or unit.id not in mine:
                own, cache = sources.get(unit.id) or sources.setdefault(unit.id, (StoreSource(store, bureau, registry, unit.id), {}))
                res = evaluate_item(bureau, item, period, [unit], own, cache, missing, confirmed)
                if res is None:
                    break
                mine[unit.id] = res[unit.id]
        else:
            out[item.id] = mine
    return out


@attrs.frozen
class Kept(UnitResult):
    """A unit's stored result of a base period taken as it is by a rescoring of what changed
    (``changed_only``): its fields and its categories' scores as stored (without their items), and
    whether it has lines carried over or marked missing, as stored (what ranking and flagging read)."""

    was_carried: bool = False
    was_missing: bool = False

    @classmethod
    def from_rows(cls, fields: dict[str, Any], categories: Sequence[tuple[str, str, str, str, str, str, str, str]]) -> Kept:
        """A unit as ``Store.stored_rows`` gives it: its stored fields and its category rows."""
        u = unit_from_data(fields, categories=False)
        return cls(
            **{a.name: getattr(u, a.name) for a in attrs.fields(UnitResult)} | {"categories": tuple(category_from_row(c) for c in categories)},
            was_carried=bool(fields["carried"]), was_missing="数据缺失" in fields["flags"],
        )

    @property
    def carried(self) -> bool:
        return self.was_carried

    @property
    def missing(self) -> bool:
        return self.was_missing


@attrs.frozen
class Rescored:
    """What ``changed_only`` made: the period's result (the units taken as stored ``Kept``), and what
    ``Store.save_result`` needs to write only what changed."""

    result: PeriodResult
    trees: dict[str, str]
    """Every unit stored but those taken as stored → its tree as stored (``keep``)."""
    decoded: dict[str, dict[str, Any]]
    """The units scored again → their stored tree, decoded (``stored``)."""
    reused: dict[str, dict[str, ItemResult]]
    """item → unit scored again → its result taken from its stored tree (``reused``)."""
    heads: dict[str, tuple[bytes, int]]
    """The units taken as stored → their stored tree's UTF-8 bytes and the length of its head in them
    (``heads``): never decoded, their heads hashed as they are."""


def changed_only(
    store: Store, bureau: Bureau, registry: Registry, period: Period, fresh: set[str], source: StoreSource,
    history: Sequence[PeriodResult],
) -> Rescored | None:
    """Base period ``period`` scored again where it changed since its results were stored (``fresh``:
    ``to_evaluate``'s items), the other units' stored results taken as they are, without decoding
    their trees: the same result as a full scoring, or None where it cannot tell (then
    ``score_period`` rescores as before).

    The items of ``fresh`` that compare the units (a rate, a rank) or may raise a flag are evaluated
    for every unit; those that make each unit's lines from its own records alone (``per_unit``) for
    the units whose records changed. A unit is scored again when its records changed, an adjustment
    of the period names it (in force or revoked; or its stored total has one), or one of the items evaluated for every unit comes out otherwise than
    stored for it (its encoded text not in the stored tree, or other line flags); its stored tree is
    then decoded for its other items' results. Every other unit keeps its stored tree, its
    categories' raw scores (``category_results``) count for the top of its group; where a group's top
    moves, every unit of the group is scored again (its normalised scores change). Ranks and flags are
    made for all from the totals (``pipeline.rank_and_flag``); a unit kept whose rank or flags moved
    has only its tree's tail and its score rewritten."""
    state = store.period_state(period.label)
    if state is None:
        return None
    narrow, touched = per_unit(store, bureau, registry, period, fresh)
    bureau = bureau.at(period)
    scheme = bureau.scheme
    units = bureau.active_units(period)
    texts = dict(store.period_texts(period.label))  # bytes: searched and hashed as they are, most never decoded
    stored = {f["unit"]: (f, cs) for f, cs in store.stored_rows(period.label)}
    if any(u.id not in texts or u.id not in stored for u in units):
        return None
    missing, empty, confirmed = period_gaps(source, period)
    adjustments = period_adjustments(source, period)
    categories = scheme.period_categories
    wanted = {c.id for c in categories}
    items = [i for i in bureau.items if i.category in wanted and i.window(period) is not None]
    wide = [i for i in items if i.id in fresh and i.id not in narrow]
    every: dict[str, dict[str, ItemResult]] = {}  # the items evaluated for every unit
    caches: dict[tuple[tuple[str, ...], Period | None], Grouped] = {}
    for item in wide:
        res = evaluate_item(
            bureau, item, period, units, source, caches.setdefault((tuple(item.reads), item.window(period)), {}), missing, confirmed,
        )
        if res is not None:
            every[item.id] = res
    del caches
    encoder = TreeEncoder(dumps, foldable(bureau, period))
    # the units whose records changed, and those any adjustment of the period names (in force or revoked)
    changed = set(touched) | {a.unit for a in adjustments} | {str(r["unit"]) for r in store.adjustment_rows(period.label)}
    heads: dict[str, tuple[bytes, int]] = {}
    kept: dict[str, Kept] = {}
    encoded: dict[int, tuple[ItemResult, bytes]] = {}  # id of a result → its encoded text (units share empty ones)

    def encode(res: ItemResult) -> bytes:
        seen = encoded.get(id(res))
        if seen is None or seen[0] is not res:
            seen = encoded[id(res)] = (res, encoder.item(res).encode())
        return seen[1]

    # the items evaluated for every unit in the order a unit's tree holds them (its categories' order)
    order = {c.id: n for n, c in enumerate(categories)}
    searched = sorted((i for i in wide if i.id in every), key=lambda i: order[i.category])
    for unit in units:
        if unit.id in changed:
            continue
        text = texts[unit.id]
        fields, cats = stored[unit.id]
        flags = [f for f in fields["flags"] if f not in DERIVED_FLAGS]
        if fields["adjustments"] or flags != _line_flags(scheme, unit, wide, every) or not _all_in(
            text, [encode(every[i.id][unit.id]) for i in searched]
        ):
            changed.add(unit.id)
            continue
        k = Kept.from_rows(fields, cats)
        tail = encoder.unit_tail(k).encode()
        if not text.endswith(tail):
            changed.add(unit.id)
            continue
        kept[unit.id] = k
        heads[unit.id] = (text, len(text) - len(tail))
    # the top raw score of each group and category: the units kept as stored, the others as scored now
    by_id = {u.id: u for u in units}
    decoded: dict[str, dict[str, Any]] = {}
    reused: dict[str, dict[str, ItemResult]] = {}
    own: dict[str, list[ItemResult]] = {}
    empty_items: dict[tuple[Any, ...], ItemResult] = {}
    while True:
        for uid in [u.id for u in units if u.id in changed and u.id not in own]:
            mine = _unit_items(store, bureau, registry, period, by_id[uid], items, every, narrow, uid in touched, texts[uid], missing,
                               confirmed, decoded, reused, empty_items)
            if mine is None:
                return None
            own[uid] = mine
        tops: dict[tuple[str, str], Decimal] = {}
        stored_tops: dict[tuple[str, str], Decimal] = {}
        for unit in units:
            g = group_key(unit, scheme.normalise_within)
            for cat in categories:
                if not cat.applies_to(unit.series):
                    continue
                if unit.id in own:
                    raw = category_raw(scheme, cat, unit, period, [i for i in own[unit.id] if i.category == cat.id])[0]
                else:
                    c = next((c for c in kept[unit.id].categories if c.category == cat.id), None)
                    if c is None:
                        return None
                    raw = c.raw
                    stored_tops[(g, cat.id)] = c.top
                tops[(g, cat.id)] = max(tops.get((g, cat.id), raw), raw)
        moved = {g for (g, cid), top in stored_tops.items() if top != tops[(g, cid)]}
        more = {u.id for u in units if u.id in kept and group_key(u, scheme.normalise_within) in moved}
        if not more:
            break
        changed |= more
        for uid in more:
            del kept[uid], heads[uid]
    scored = [u for u in units if u.id in own]
    others = [(by_id[uid], c.category, c.raw) for uid, k in kept.items() for c in k.categories]
    cats_of = categorised(bureau, period, scored, own, categories, others)
    results: list[UnitResult] = [
        kept[u.id] if u.id in kept else unit_result(scheme, u, period, cats_of[u.id], adjustments) for u in units
    ]
    ranked = rank_and_flag(scheme, results, history, period, empty)
    silent = set(missing.values())
    gaps = [Gap(d, period.label) for d in sorted(silent)]
    was = [g for g in json.loads(state["missing"] or "[]") if g.get("unit")]
    for r in results:
        if r.unit in kept:
            gaps += [Gap(**_gap(g)) for g in was if g["unit"] == r.unit]
        else:
            gaps += _unit_gaps([r], silent)
    result = PeriodResult(period.label, period.kind, tuple(ranked), tuple(gaps), (period.label,) if empty else ())
    trees = {uid: text.decode() for uid, text in texts.items() if uid not in kept}
    return Rescored(result, trees, decoded, reused, heads)


def _all_in(text: bytes, parts: Sequence[bytes]) -> bool:
    """Whether each of ``parts`` is in ``text``: each searched from where the one before it was found
    (``parts`` in the order ``text`` holds them: the text read once), else in the whole text."""
    start = 0
    for part in parts:
        at = text.find(part, start)
        if at >= 0:
            start = at + len(part)
        elif part not in text:
            return False
    return True


def _line_flags(scheme: Scheme, unit: Unit, wide: Sequence[Item], every: Mapping[str, Mapping[str, ItemResult]]) -> list[str]:
    """The flags ``unit``'s lines raise, each once, in the order a scoring finds them
    (``pipeline._line_flags``), from the items evaluated for every unit: the only ones whose lines
    may raise one (``to_evaluate``)."""
    seen: list[str] = []
    for cat in scheme.period_categories:
        if not cat.applies_to(unit.series):
            continue
        for item in wide:
            if item.category == cat.id and item.id in every:
                for ln in every[item.id][unit.id].lines:
                    if ln.flag and ln.flag not in seen:
                        seen.append(ln.flag)
    return seen


def _unit_items(
    store: Store, bureau: Bureau, registry: Registry, period: Period, unit: Unit, items: Sequence[Item],
    every: Mapping[str, Mapping[str, ItemResult]], narrow: set[str], touched: bool, tree: bytes, missing: Mapping[str, str],
    confirmed: frozenset[str], decoded: dict[str, dict[str, Any]], reused: dict[str, dict[str, ItemResult]],
    empty: dict[tuple[Any, ...], ItemResult],
) -> list[ItemResult] | None:
    """``unit``'s results of ``items`` (those due), in their order: those evaluated for every unit
    (``every``), those of ``narrow`` evaluated again from its own records when its records changed
    (``touched``), the others taken from its stored tree (decoded into ``decoded``, each taken noted
    in ``reused``). None when an item due is not in the stored tree."""
    d = decoded[unit.id] = json.loads(tree)
    taken: dict[str, ItemResult] = {}
    for c in d["categories"]:
        cid = c["category"]
        for i in c["items"]:
            if i["item"] in every or (touched and i["item"] in narrow):
                continue
            res = shared_item(i, cid, False, empty)  # an item without lines made once for all units
            taken[i["item"]] = res
    out: list[ItemResult] = []
    own: tuple[StoreSource, Grouped] | None = None
    for item in items:
        if item.id in every:
            out.append(every[item.id][unit.id])
        elif touched and item.id in narrow:
            if own is None:
                own = (StoreSource(store, bureau, registry, unit.id), {})
            made = evaluate_item(bureau, item, period, [unit], own[0], own[1], missing, confirmed)
            if made is None:
                return None
            out.append(made[unit.id])
        elif item.id in taken:
            out.append(taken[item.id])
            reused.setdefault(item.id, {})[unit.id] = taken[item.id]
        else:
            return None
    return out


def aggregate_changed(
    store: Store, bureau: Bureau, registry: Registry, period: Period, least: float = 0.5, read: bool = True,
) -> PeriodResult | bool | None:
    """The stored quarter, half-year or year ``period`` brought up to date where its base periods'
    stored results changed since it was aggregated, and stored: the units whose base periods' results
    were rewritten since (``Store.units_rewritten``: a base period scored again stores only the units
    whose results changed) aggregated again from them (``results._aggregated``), the others' stored
    results taken as they are (``Kept``: their trees neither decoded nor written again, their heads
    hashed as stored); ranks and flags made for all from the totals, a unit kept whose rank or flags
    moved having only its tree's tail and its score rewritten. The same result, and digest, as
    aggregating it whole (``results.aggregate_all``).

    None, nothing written, where it cannot tell so (then it is aggregated whole): the period never
    stored with its state, its configuration edited, its data missing or its base periods without
    data otherwise than stored, its units otherwise, an adjustment named for it or a period between
    since (``results._touches_long``), anything but an import, a voided record or an appeal's decision
    (whose changes are entries of their own) since touching the records of a year's own categories,
    or records of their departments changed, or more than ``least`` of
    its units to aggregate again (aggregating it whole is then no slower).

    Returns the period's result as stored (``results.stored_result``), or, without ``read``, True."""
    source = StoreSource(store, bureau, registry)
    bases = base_periods(bureau, period)
    labels = [b.label for b in bases]
    with store.writing():
        state = store.period_state(period.label)
        if state is None or not state["digest"] or state["config"] not in config_digests(bureau, period):
            return None
        states = {b: store.period_state(b) for b in labels}
        if any(staleness(store, bureau, b) is not None for b in bases):
            return None  # aggregate_all says which to score first
        gaps, blank = longer_gaps(labels, states)
        if dumps([gap_data(g) for g in gaps]) != (state["missing"] or "[]") or dumps(list(blank)) != (state["empty"] or "[]"):
            return None
        at = bureau.at(period)
        whole = period.kind == "year" and bool(at.scheme.year_categories)
        inputs = False
        for action, named in store.changes_since(int(state["mark"] or 0)):
            if not _touches_long(bureau, period, action, named, whole):
                continue
            if action not in INCREMENTAL and action != DECISION:
                return None
            inputs = True
        if inputs and _year_kinds_changed(store, at, registry, int(state["mark"] or 0)):
            return None
        order = store.units_in(labels)
        if set(order) != set(store.units_in([period.label])):
            return None
        run, parts = int(state["run_id"]), json.loads(state["parts"] or "{}")
        changed: set[str] = set()
        for b in labels:
            s = states[b]
            if s is not None and parts.get(b) != s["digest"]:  # (a base period not stored: stale, returned above)
                changed |= store.units_rewritten(b, run)
        if len(changed) > least * len(order):
            return None
        texts = dict(store.period_texts(period.label))
        stored = {f["unit"]: (f, cs) for f, cs in store.stored_rows(period.label)}
        encoder = TreeEncoder(dumps)  # as the writer of an aggregate encodes (nothing folded)
        kept: dict[str, Kept] = {}
        heads: dict[str, tuple[bytes, int]] = {}
        for uid in order:
            if uid in changed:
                continue
            if uid not in texts or uid not in stored:
                return None
            k = Kept.from_rows(*stored[uid])
            text, tail = texts[uid], encoder.unit_tail(k).encode()
            if not text.endswith(tail):
                changed.add(uid)
                continue
            kept[uid], heads[uid] = k, (text, len(text) - len(tail))
        if len(changed) > least * len(order):
            return None
        mark = store.audit_mark()
        agg = _Longer(store, bureau, source, period, mark, states, keep={uid: texts[uid].decode() for uid in changed if uid in texts})
        agg.writer.given = heads
        made: dict[str, UnitResult] = {}
        slim: dict[str, UnitResult] = {}
        try:
            for _, u in _aggregated(store, bureau, [agg], bases, [uid for uid in order if uid in changed]):
                made[u.unit], slim[u.unit] = u, _slim(u)
            for uid in order:
                agg.writer.head(made.pop(uid) if uid in slim else kept[uid])
            ranked = rank_and_flag(at.scheme, [slim.get(uid) or kept[uid] for uid in order], (), period, agg.nothing_sent)
            for u in ranked:
                agg.writer.tail(u)
            agg.writer.finish(agg.parts)
        finally:
            agg.writer.abandon()
    if not read:
        return True
    result = stored_result(store, period)
    assert result is not None
    return result


def _year_kinds_changed(store: Store, bureau: Bureau, registry: Registry, mark: int) -> bool:
    """Whether the records changed since ``mark`` (``Store.kinds_changed_since``, widened to every kind
    of the same departments, as ``to_evaluate`` widens them) are of a kind an item of the year's own
    categories reads (``bureau``: as in force in the year)."""
    own = {c.id for c in bureau.scheme.year_categories}
    return bool(_widened(store.kinds_changed_since(mark), bureau.items, registry) & {k for i in bureau.items if i.category in own for k in i.reads})
