"""Fixtures for the zhihui110 tests: a small bureau with the plugin's items only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from kaohe import Bureau, D, Period, Record
from kaohe.core.model import ItemResult
from kaohe.plugins.discovery import Registry
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.pipeline import MemorySource, evaluate_item
from kaohe.testing import plugin_registry

# Three stations, one per class of the 2015 scheme (seed 000 l.426).
UNITS = [
    {"id": "a1", "name": "甲城派出所", "series": "A", "class": "A", "headcount": 40, "tags": ["城区"], "aliases": ["甲城所"]},
    {"id": "b1", "name": "乙镇派出所", "series": "B", "class": "B", "headcount": 15, "tags": ["农村"]},
    {"id": "c1", "name": "丙村派出所", "series": "C", "class": "C", "headcount": 8, "tags": ["农村"]},
]


@pytest.fixture(scope="session")
def registry() -> Registry:
    return plugin_registry("zhihui110")


def bureau_config(items: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "bureau": {"name": "测试局", "cutoff_day": 20},
        "series": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
        "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
        "units": UNITS,
        "items": {"enable": ["zhihui110.*"], **(items or {})},
    }


@pytest.fixture
def make_bureau(registry: Registry) -> Callable[..., Bureau]:
    def make(items: Mapping[str, Any] | None = None) -> Bureau:
        return parse_bureau(bureau_config(items), registry)

    return make


@pytest.fixture
def bureau(make_bureau: Callable[..., Bureau]) -> Bureau:
    return make_bureau()


def _rec(kind: str, unit: str, date: dt.date, key: str, value: Any = None, **attrs: Any) -> Record:
    return Record(key=f"{kind}:{key}", kind=kind, unit=unit, date=date, value=None if value is None else D(value), attrs=attrs)


def _evaluate(bureau: Bureau, item_id: str, records: list[Record], period: str = "2015-04") -> dict[str, ItemResult]:
    item = next(i for i in bureau.items if i.id == item_id)
    p = Period.parse(period)
    out = evaluate_item(bureau, item, p, bureau.active_units(p), MemorySource(records))
    assert out is not None
    return out


def _points(bureau: Bureau, item_id: str, records: list[Record], period: str = "2015-04") -> dict[str, Any]:
    return {uid: r.points for uid, r in _evaluate(bureau, item_id, records, period).items()}


@pytest.fixture
def rec() -> Callable[..., Record]:
    """rec(kind, unit, date, key, value=None, **attrs): a record as the store holds it."""
    return _rec


@pytest.fixture
def evaluate() -> Callable[..., dict[str, ItemResult]]:
    """evaluate(bureau, item_id, records, period="2015-04"): the item's result per unit."""
    return _evaluate


@pytest.fixture
def points() -> Callable[..., dict[str, Any]]:
    """points(bureau, item_id, records, period="2015-04"): the item's points per unit."""
    return _points
