"""Helpers shared by this plugin's tests (imported by name: the root pyproject.toml's pytest pythonpath lists this folder)."""

from __future__ import annotations

import datetime as dt

from kaohe import Record
from kaohe_jingzhen.adapters import PERSONS


def persons(unit: str, *days: dt.date, prefix: str = "") -> list[Record]:
    """One person dealt with on each day, as the adapter turns a row into a record."""
    out = []
    for n, day in enumerate(days):
        row = {"id": f"{prefix or unit}-{n}", "unit": unit, "date": day, "measure": "刑拘", "name": None, "case": None,
               "remark": None}
        out += [Record(key=d.key, kind=d.kind, unit=d.unit, date=d.date, value=d.value, attrs=dict(d.attrs), note=d.note)
                for d in PERSONS.to_records(row)]
    return out
