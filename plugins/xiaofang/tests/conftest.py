"""Fixtures: a small bureau with one station per class and this plugin's items only."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from kaohe import Record
from kaohe.contract.adapters import Adapter
from kaohe.scheme.config import parse_bureau
from kaohe.testing import item_result, plugin_registry, records_of


@pytest.fixture(scope="session")
def registry():
    return plugin_registry("xiaofang")


BUREAU = {
    "bureau": {"name": "测试局", "cutoff_day": 20},
    "scheme": {"base_period": "month"},
    "series": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
    "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
    "units": [
        {"id": "a1", "name": "甲所", "series": "A", "class": "A", "headcount": 30},
        {"id": "b1", "name": "乙所", "series": "B", "class": "B", "headcount": 15},
        {"id": "c1", "name": "丙所", "series": "C", "class": "C", "headcount": 8},
    ],
    "items": {"enable": ["*"]},
}


@pytest.fixture(scope="session")
def bureau(registry):
    return parse_bureau(BUREAU, registry)


def to_record(adapter: Adapter, row: Mapping[str, Any]) -> list[Record]:
    """What the intake does with a converted row (the unit is already an id here)."""
    return records_of(adapter, row)


@pytest.fixture
def result(bureau) -> Callable[..., Any]:
    """result(records, "2015-04", "xiaofang.meeting", "a1") -> the unit's ItemResult, or None when
    the item is not due in that month."""

    def run(records: list[Record], period: str, item: str, unit: str):
        return item_result(bureau, records, period, item, unit)

    return run


@pytest.fixture
def rows() -> Callable[..., list[Record]]:
    """rows(adapter, dict, ...) -> the records the adapter makes of those converted rows."""

    def run(adapter: Adapter, *values: Mapping[str, Any]) -> list[Record]:
        out: list[Record] = []
        for v in values:
            out += to_record(adapter, v)
        return out

    return run
