"""Helpers for plugins' tests. Installed as a pytest plugin too (``kaohe.testing.pytest_plugin``,
entry point ``pytest11``): fixtures and TOML case files, see ``docs/plugin-guide.md``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..contract.adapters import Adapter, Draft
from ..contract.registry import Registry
from ..core.model import ItemResult, Record
from ..core.periods import Calendar, Period
from ..intake.reader import read_export
from ..office.ingest import ingest
from ..scheme.bureau import Bureau
from ..scoring.pipeline import MemorySource, evaluate_item, score
from .support import registry_of

__all__ = [
    "MemorySource", "as_records", "ingest", "item_points", "item_result", "item_results", "plugin_registry", "read_export",
    "records_from", "records_of", "score",
]
"""What a plugin's tests import from here (docs/plugin-guide.md, "Testing a plugin"): the fixtures'
functions; reading a real file as ``kaohe ingest`` does (``read_export(path, bureau, registry)``:
its records, rejected rows and adapter) or importing it into a store (``ingest(store, bureau,
registry, path)``); scoring a whole period (``score(bureau, period, MemorySource(records))``)."""


def as_records(drafts: Iterable[Draft], calendar: Calendar | None = None) -> list[Record]:
    """Record drafts as the intake stores them, when each draft's unit is already a unit id:
    ``{unit}`` in a key becomes the unit, and a record of an assessment month is dated on the
    month's last day by ``calendar`` (cut-off day 20 by default). Unit lookup and bound checks are
    the intake's (test those with real files and ``kaohe.intake.reader.read_export``)."""
    calendar = calendar or Calendar(20)
    return [
        Record(
            key=d.key.replace("{unit}", d.unit), kind=d.kind, unit=d.unit,
            date=calendar.end(d.date) if isinstance(d.date, Period) else d.date,
            value=d.value, attrs=dict(d.attrs), note=d.note,
        )
        for d in drafts
    ]


def records_of(adapter: Adapter, row: Mapping[str, Any], calendar: Calendar | None = None) -> list[Record]:
    """What the intake makes of one converted row, when the row's unit is already a unit id (see
    :func:`as_records`)."""
    return as_records(adapter.to_records(row), calendar)


def records_from(adapter: Adapter, *rows: Mapping[str, Any], calendar: Calendar | None = None) -> list[Record]:
    """The records the adapter makes of these converted rows (each as :func:`records_of`)."""
    return [r for row in rows for r in records_of(adapter, row, calendar)]


def item_result(bureau: Bureau, records: Sequence[Record], period: str, item: str, unit: str) -> ItemResult | None:
    """Score ``period`` from ``records`` and return ``unit``'s result for ``item``, or None when the
    item is not due in that period."""
    res = score(bureau, Period.parse(period), MemorySource(records))
    for cat in res.unit(unit).categories:
        for it in cat.items:
            if it.item == item:
                return it
    return None


def item_results(bureau: Bureau, item: str, records: Sequence[Record], period: str = "2015-04") -> dict[str, ItemResult]:
    """Evaluate one item alone over ``period`` (the item's own window, without the category's
    base or caps): unit id → its ItemResult; empty when the item is not due in that period."""
    found = next((i for i in bureau.items if i.id == item), None)
    if found is None:
        raise LookupError(f"测试局中没有考核项目 {item}(检查 [items] enable)")
    p = Period.parse(period)
    return evaluate_item(bureau, found, p, bureau.active_units(p), MemorySource(list(records))) or {}


def item_points(bureau: Bureau, item: str, records: Sequence[Record], period: str = "2015-04") -> dict[str, Any]:
    """unit id → points of one item alone over ``period`` (see :func:`item_results`)."""
    return {uid: r.points for uid, r in item_results(bureau, item, records, period).items()}


def plugin_registry(*names: str) -> Registry:
    """A registry with only the named installed plugins (``kaohe`` entry points), cached per set of
    names; a refused plugin raises with the reason."""
    return registry_of(tuple(names))
