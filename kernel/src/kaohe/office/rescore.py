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
from collections.abc import Mapping
from typing import Any

from ..contract.registry import Registry
from ..core.model import ItemResult
from ..core.periods import Period
from ..scheme.bureau import Bureau
from ..rules.base import lines_per_unit
from ..scoring.explain import item_from_data
from ..scoring.pipeline import Grouped, evaluate_item, period_gaps
from ..scoring.sources import StoreSource
from ..store.store import Store
from .results import ADJUSTMENTS, NOT_INPUTS, _touches, config_digest

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
    if state is None or state["config"] != config_digest(bureau, period) or not state["digest"]:
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
    kinds = store.kinds_changed_since(mark)
    owner = {k: registry.owner_of_kind(k) for k in {*kinds, *(k for i in bureau.items for k in i.reads)}}
    departments = {owner[k] for k in kinds}
    wide = set(kinds)
    for item in bureau.items:
        wide.update(k for k in item.reads if owner[k] in departments)
    return {
        i.id for i in bureau.items
        if i.id in items or wide.intersection(i.reads) or getattr(type(i.rule), "raises_flags", True)
    }


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
                if i["lines"]:
                    res = item_from_data(i, cid)
                else:
                    key = (
                        cid, i["item"], i["title"], i["department"], i["reference"], i["window"], i["points"], i["uncapped"],
                        i["note"], i["direct_per_capita"], tuple(i["veto"]), i.get("folded", 0),
                    )
                    res = empty.get(key) or empty.setdefault(key, item_from_data(i, cid))
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
