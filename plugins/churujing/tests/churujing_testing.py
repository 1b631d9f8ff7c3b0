"""Helpers shared by this plugin's tests (imported by name: the root pyproject.toml's pytest pythonpath lists this folder)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kaohe import Record
from kaohe.contract.adapters import Adapter

BUREAU = {
    "bureau": {"name": "测试局", "cutoff_day": 20},
    "scheme": {"base_period": "month"},
    "series": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
    "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
    "units": [
        {"id": "a1", "name": "甲派出所", "series": "A", "class": "A", "headcount": 10, "aliases": ["甲所"]},
        {"id": "b1", "name": "乙派出所", "series": "B", "class": "B", "headcount": 12},
        {"id": "c1", "name": "丙派出所", "series": "C", "class": "C", "headcount": 8},
    ],
    "items": {"enable": ["*"]},
}

# A day inside month 2015-04 (2015-03-21 .. 2015-04-20) and one in the next month.
IN_APRIL = dt.date(2015, 4, 10)
IN_MAY = dt.date(2015, 4, 25)


def to_records(adapter: Adapter, *rows: Mapping[str, Any]) -> list[Record]:
    """What the intake does with converted rows (the unit is already an id here)."""
    return [
        Record(key=d.key.replace("{unit}", d.unit), kind=d.kind, unit=d.unit, date=d.date, value=d.value, attrs=dict(d.attrs), note=d.note)
        for row in rows
        for d in adapter.to_records(row)
    ]
