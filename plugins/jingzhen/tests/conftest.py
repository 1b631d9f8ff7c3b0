"""Fixtures: a small bureau (two class-A, one class-B and two class-C stations, the category 打处绩效)
with this plugin's item only, and helpers to build records and score one period."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from kaohe import Period, Record
from kaohe.plugins.discovery import Registry
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.pipeline import MemorySource, score
from kaohe.testing import plugin_registry

UNITS = [
    {"id": "a1", "name": "甲派出所", "series": "A", "class": "A", "headcount": 30, "aliases": ["甲所"]},
    {"id": "a2", "name": "丁派出所", "series": "A", "class": "A", "headcount": 25},
    {"id": "b1", "name": "乙派出所", "series": "B", "class": "B", "headcount": 15},
    {"id": "c1", "name": "丙派出所", "series": "C", "class": "C", "headcount": 8},
    {"id": "c2", "name": "戊派出所", "series": "C", "class": "C", "headcount": 7},
]


def config(items: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "bureau": {"name": "测试局", "cutoff_day": 20},
        "scheme": {"base_period": "month"},
        "series": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
        "categories": [{"id": "dachu", "name": "打处绩效", "weight": 300, "base": 300}],
        "units": UNITS,
        "items": {"enable": ["jingzhen.*"], **(items or {})},
    }


@pytest.fixture(scope="session")
def registry() -> Registry:
    return plugin_registry("jingzhen")


@pytest.fixture
def make_bureau(registry: Registry):
    return lambda items=None: parse_bureau(config(items), registry)


@pytest.fixture
def lines_of():
    """lines_of(bureau, records, "2015-03") -> unit id -> (points, reasons) of the item."""

    def run(bureau, records: list[Record], period: str) -> dict[str, tuple[Any, list[str]]]:
        res = score(bureau, Period.parse(period), MemorySource(records))
        out = {}
        for unit in ("a1", "a2", "b1", "c1", "c2"):
            [cat] = res.unit(unit).categories
            for it in cat.items:
                if it.item == "jingzhen.prosecuted_quarterly":
                    out[unit] = (it.points, [ln.reason for ln in it.lines])
        return out

    return run
