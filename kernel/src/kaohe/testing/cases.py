"""Case files: a period, records (or an adapter's rows) and the expected points per unit, in TOML,
written by a department's staff without Python and run as tests (``docs/plugin-guide.md``)."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..core.model import Record
from ..core.periods import Period
from ..scoring.pipeline import MemorySource, score
from . import records_of
from .support import bureau_of, plugin_of, registry_of

CASE_KEYS = {"说明", "description", "plugins", "bureau", "period", "records", "rows", "expected"}
RECORD_KEYS = {"kind", "unit", "date", "value", "attrs", "key", "note"}


class CaseError(Exception):
    """A case file that cannot be read: one line naming the file, the place and what was expected."""


@attrs.frozen
class Mismatch:
    unit: str
    item: str  # an item id, or "合计" for the unit's total
    expected: Decimal | None
    got: Decimal | None

    def line(self) -> str:
        exp = "不计分" if self.expected is None else format(self.expected, "f")
        got = "未计分(该项本期不考核或该单位无此项)" if self.got is None else format(self.got, "f")
        return f"单位 {self.unit} 的 {self.item}:应为 {exp},实为 {got}"


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise CaseError(f"{where}:应为数值,实为 {value!r}")
    try:
        return Decimal(value) if not isinstance(value, Decimal) else value
    except ArithmeticError:
        raise CaseError(f"{where}:应为数值,实为 {value!r}") from None


def load_case(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except tomllib.TOMLDecodeError as e:
        raise CaseError(f"{path.name}:不是有效的 TOML({e})") from None
    unknown = sorted(set(data) - CASE_KEYS)
    if unknown:
        raise CaseError(f"{path.name}:未知的键 {', '.join(unknown)}(可用:{', '.join(sorted(CASE_KEYS))})")
    for key in ("bureau", "period", "expected"):
        if key not in data:
            raise CaseError(f"{path.name}:缺少键 {key}")
    return data


def run_case(path: Path) -> list[Mismatch]:
    """Score the case's period and compare each expected figure; the mismatches (empty: passed)."""
    data = load_case(path)
    name = path.name
    plugins = tuple(data.get("plugins") or plugin_of(path))
    if not plugins:
        raise CaseError(f"{name}:缺少键 plugins(找不到该文件所属插件的 pyproject.toml)")
    registry = registry_of(plugins)
    bureau = bureau_of(data["bureau"], registry, base=path.parent, file=name)
    try:
        period = Period.parse(str(data["period"]))
    except Exception as e:  # noqa: BLE001 - reported as the case's one line
        raise CaseError(f"{name}:period 应为考核期,如 2015-07、2015-Q2,实为 {data['period']!r}({e})") from None
    records: list[Record] = []
    for n, rec in enumerate(data.get("records", []), 1):
        where = f"{name} records 第 {n} 条"
        unknown = sorted(set(rec) - RECORD_KEYS)
        if unknown:
            raise CaseError(f"{where}:未知的键 {', '.join(unknown)}")
        for key in ("kind", "unit", "date"):
            if key not in rec:
                raise CaseError(f"{where}:缺少键 {key}")
        date = rec["date"]
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise CaseError(f"{where}:date 应为日期,如 2015-07-03,实为 {date!r}")
        value = rec.get("value")
        records.append(Record(
            key=str(rec.get("key") or f"{rec['kind']}:{name}:{n}"), kind=str(rec["kind"]), unit=str(rec["unit"]),
            date=date, value=None if value is None else _decimal(value, f"{where} value"),
            attrs=dict(rec.get("attrs", {})), note=str(rec.get("note", "")),
        ))
    for n, row in enumerate(data.get("rows", []), 1):
        where = f"{name} rows 第 {n} 行"
        adapter = registry.adapters.get(str(row.get("adapter", "")))
        if adapter is None:
            raise CaseError(f"{where}:adapter 应为已注册的适配器之一({', '.join(sorted(registry.adapters))})")
        values: dict[str, Any] = {c.key: None for c in adapter.columns}  # a column left blank
        unknown = sorted(set(row) - set(values) - {"adapter"})
        if unknown:
            raise CaseError(f"{where}:适配器 {adapter.id} 没有列 {', '.join(unknown)}"
                            f"(可用:{', '.join(values)})")
        values.update((k, v) for k, v in row.items() if k != "adapter")
        records += records_of(adapter, values, bureau.calendar)
    result = score(bureau, period, MemorySource(records))
    expected = data["expected"]
    if not isinstance(expected, dict) or not expected:
        raise CaseError(f"{name}:expected 应为「单位 = {{ 事项 = 分值 }}」的表")
    out: list[Mismatch] = []
    for unit, items in expected.items():
        try:
            ur = result.unit(unit)
        except Exception:  # noqa: BLE001 - an unknown unit is the case's error
            raise CaseError(f"{name} expected.{unit}:本期没有单位 {unit}") from None
        got = {i.item: i.points for c in ur.categories for i in c.items}
        for item, value in items.items():
            where = f"{name} expected.{unit}.{item}"
            exp = None if value == "不计分" else _decimal(value, where)
            actual = ur.total if item in ("合计", "total") else got.get(item)
            if item not in ("合计", "total") and item not in registry.items:
                raise CaseError(f"{where}:没有事项 {item}(该插件的事项:{', '.join(sorted(registry.items))})")
            if actual != exp:
                out.append(Mismatch(unit, item, exp, actual))
    return out
