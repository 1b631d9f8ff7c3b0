"""Reading the officers' files (民警名单, 身份, 请假) named in the bureau's ``[officers]`` table, for
the officers' coefficients of kaohe.scheme.officers (上城 2010)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..contract.adapters import CellError, Column
from ..core.errors import KaoheError
from ..scheme.officers import Leave, Officer, OfficerData, OfficerSettings, Role
from .reader import tables

# --- reading the units' files (I/O) ------------------------------------------------------------------

ROSTER_COLUMNS = (("警号", "id", "text", True, ()), ("姓名", "name", "text", True, ()), ("单位", "unit", "text", True, ()),
                  ("入警日期", "joined", "date", True, ("参加工作日期",)), ("调入日期", "arrived", "date", False, ("调入本单位日期",)),
                  ("调出日期", "left", "date", False, ()))
ROLE_COLUMNS = (("警号", "id", "text", True, ()), ("身份", "role", "text", True, ("身份类型",)),
                ("起始日期", "start", "date", False, ("开始日期",)), ("终止日期", "end", "date", False, ("结束日期",)))
LEAVE_COLUMNS = (("警号", "id", "text", True, ()), ("假别", "kind", "text", True, ("请假类型",)),
                 ("起始日期", "start", "date", True, ("开始日期",)), ("终止日期", "end", "date", True, ("结束日期",)))


def _rows(path: Path, spec: Sequence[tuple[str, str, str, bool, tuple[str, ...]]]) -> Iterable[tuple[int, dict[str, Any]]]:
    """(row number, column key → converted value) of a CSV or XLSX: the header is the first
    non-empty row; a bad cell raises KaoheError naming the file, row and column."""
    if not path.exists():
        raise KaoheError(f"找不到文件 {path}(见配置 [officers])")
    columns = [Column(name, key, kind, required, aliases) for name, key, kind, required, aliases in spec]
    for _, rows in tables(path):
        index: dict[str, int] | None = None
        for n, row in enumerate(rows, start=1):
            cells = ["" if c is None else str(c).strip() for c in row]
            if not any(cells):
                continue
            if index is None:
                index = {}
                for col in columns:
                    hit = next((i for i, h in enumerate(cells) if h in col.headers), None)
                    if hit is not None:
                        index[col.key] = hit
                    elif col.required:
                        raise KaoheError(f"{path.name} 第{n}行(表头):缺少“{col.name}”列;应有 {'、'.join(c.name for c in columns)}")
                continue
            values: dict[str, Any] = {}
            for col in columns:
                i = index.get(col.key)
                raw = row[i] if i is not None and i < len(row) else None
                try:
                    values[col.key] = col.convert(raw)
                except CellError as exc:
                    raise KaoheError(f"{path.name} 第{n}行 “{col.name}”列:{exc}") from None
            yield n, values
        return  # the first sheet only
    return


def read_data(settings: OfficerSettings, units: Mapping[str, str]) -> OfficerData:
    """Read the roster, roles and leave files. ``units`` maps every unit name, alias and id to the
    unit's id."""
    if settings.roster is None:
        raise KaoheError("配置中没有 [officers] roster(民警名单文件):请在 [officers] 中写 roster = \"民警名单.csv\"")
    known = settings.known_roles()
    officers: list[Officer] = []
    names: dict[str, str] = {}
    for n, v in _rows(settings.roster, ROSTER_COLUMNS):
        file = settings.roster.name
        unit = units.get(v["unit"])
        if unit is None:
            raise KaoheError(f"{file} 第{n}行 “单位”列:“{v['unit']}”不是本局的考核单位(见单位名单)")
        o = Officer(v["id"], v["name"], unit, v["joined"], v["arrived"], v["left"])
        if o.arrived and o.arrived < o.joined:
            raise KaoheError(f"{file} 第{n}行 “调入日期”列:{o.arrived} 早于入警日期 {o.joined}")
        if o.left and o.left < o.start:
            raise KaoheError(f"{file} 第{n}行 “调出日期”列:{o.left} 早于到本单位的日期 {o.start}")
        for other in officers:
            if other.id == o.id and other.start <= (o.left or dt.date.max) and o.start <= (other.left or dt.date.max):
                raise KaoheError(f"{file} 第{n}行 “警号”列:{o.id} 在本单位的时间与另一行重叠(调动的民警每个单位一行,写明调入、调出日期)")
        if names.get(o.id, o.name) != o.name:
            raise KaoheError(f"{file} 第{n}行 “姓名”列:警号 {o.id} 另一行的姓名是 {names[o.id]}")
        names[o.id] = o.name
        officers.append(o)
    roles: list[Role] = []
    if settings.roles_file is not None:
        file = settings.roles_file.name
        for n, v in _rows(settings.roles_file, ROLE_COLUMNS):
            if v["id"] not in names:
                raise KaoheError(f"{file} 第{n}行 “警号”列:{v['id']} 不在民警名单 {settings.roster.name} 中")
            if v["role"] not in known:
                raise KaoheError(f"{file} 第{n}行 “身份”列:“{v['role']}”不是本局配置的身份;可用:{'、'.join(known)}")
            if v["start"] and v["end"] and v["end"] < v["start"]:
                raise KaoheError(f"{file} 第{n}行 “终止日期”列:{v['end']} 早于起始日期 {v['start']}")
            roles.append(Role(v["id"], v["role"], v["start"], v["end"]))
    leave: list[Leave] = []
    if settings.leave_file is not None:
        file = settings.leave_file.name
        kinds = (*settings.leave_types, *settings.other_leave)
        for n, v in _rows(settings.leave_file, LEAVE_COLUMNS):
            if v["id"] not in names:
                raise KaoheError(f"{file} 第{n}行 “警号”列:{v['id']} 不在民警名单 {settings.roster.name} 中")
            if v["kind"] not in kinds:
                raise KaoheError(f"{file} 第{n}行 “假别”列:“{v['kind']}”应为 {'、'.join(kinds)} 之一")
            if v["end"] < v["start"]:
                raise KaoheError(f"{file} 第{n}行 “终止日期”列:{v['end']} 早于起始日期 {v['start']}")
            leave.append(Leave(v["id"], v["kind"], v["start"], v["end"]))
    return OfficerData(tuple(officers), tuple(roles), tuple(leave))
