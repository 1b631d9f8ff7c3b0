"""Shared fixtures: the demo bureau with only this plugin's items, and helpers to score one item."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from kaohe import Period
from kaohe.core.model import Record
from kaohe.demo import CONFIG, HERE
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.pipeline import MemorySource, evaluate_item
from kaohe.testing import plugin_registry


@pytest.fixture(scope="session")
def registry():
    return plugin_registry("zhian")


def make_bureau(registry, overrides: Mapping[str, Any] | None = None):
    """The demo bureau (15 stations of seed 000 l.426), with item overrides as a bureau's TOML has them."""
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    if overrides:
        data["items"] = {**data.get("items", {}), **overrides}
    return parse_bureau(data, registry, str(CONFIG), HERE)


@pytest.fixture(scope="session")
def bureau(registry):
    return make_bureau(registry)


def to_records(drafts: Iterable[Any]) -> list[Record]:
    """Drafts (unit written as the unit id) as the intake would store them ({unit} in a key is the unit id)."""
    return [Record(d.key.replace("{unit}", d.unit), d.kind, d.unit, d.date, d.value, dict(d.attrs), d.note) for d in drafts]


def item_points(bureau, item_id: str, records: Iterable[Record], period: str = "2015-04") -> dict[str, Any]:
    """unit id → points of one item in ``period`` (None when the item is not due in it)."""
    item = next(i for i in bureau.items if i.id == item_id)
    p = Period.parse(period)
    res = evaluate_item(bureau, item, p, bureau.active_units(p), MemorySource(list(records)))
    if res is None:
        return {}
    return {uid: r.points for uid, r in res.items()}


def item_result(bureau, item_id: str, records: Iterable[Record], unit: str, period: str = "2015-04"):
    item = next(i for i in bureau.items if i.id == item_id)
    p = Period.parse(period)
    return evaluate_item(bureau, item, p, bureau.active_units(p), MemorySource(list(records)))[unit]


@pytest.fixture
def bureau_with(registry):
    """A function: item overrides → the demo bureau with them."""
    return lambda overrides: make_bureau(registry, overrides)


@pytest.fixture
def points():
    """A function: (bureau, item id, records, period) → unit id → points."""
    return item_points


@pytest.fixture
def result():
    """A function: (bureau, item id, records, unit, period) → the unit's ItemResult."""
    return item_result


@pytest.fixture
def records():
    """A function: drafts → records."""
    return to_records
