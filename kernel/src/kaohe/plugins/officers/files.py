"""Reading the officers' files (民警名单, 身份, 请假) named in the bureau's ``[officers]`` table, for
the officers' coefficients (``coefficients``, 上城 2010). Their columns are the kernel's ``Column``s and
they are read by the kernel's intake (kaohe.intake.reader.column_rows: every sheet of a workbook,
the header found by the columns' names and aliases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ...contract.adapters import Column
from ...core.errors import KaoheError
from ...core.model import Record
from ...intake.reader import column_rows
from .coefficients import Leave, Officer, OfficerData, Role
from .settings import OfficerSettings

ROSTER_COLUMNS = (
    Column("警号", "id"), Column("姓名", "name"), Column("单位", "unit"),
    Column("入警日期", "joined", "date", aliases=("参加工作日期",)),
    Column("调入日期", "arrived", "date", False, ("调入本单位日期",)),
    Column("调出日期", "left", "date", False),
)
ROLE_COLUMNS = (
    Column("警号", "id"), Column("身份", "role", aliases=("身份类型",)),
    Column("起始日期", "start", "date", False, ("开始日期",)), Column("终止日期", "end", "date", False, ("结束日期",)),
)
LEAVE_COLUMNS = (
    Column("警号", "id"), Column("假别", "kind", aliases=("请假类型",)),
    Column("起始日期", "start", "date", aliases=("开始日期",)), Column("终止日期", "end", "date", aliases=("结束日期",)),
)

RECORD_COLUMNS = (
    Column("警号", "id"), Column("项目", "item", aliases=("考核项目",)), Column("日期", "date", "date"),
    Column("数值", "value", "decimal", False, ("数量",)), Column("级别", "level", required=False, aliases=("条款",)),
    Column("说明", "note", required=False, aliases=("备注",)),
)
LIST_COLUMNS = (Column("单位", "unit"), Column("季度", "period"), Column("报送日期", "date", "date"))


def _rows(path: Path, columns: Sequence[Column]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(where, row number, column key → converted value) of every sheet of a CSV or XLSX."""
    if not path.exists():
        raise KaoheError(f"找不到文件 {path}(见配置 [officers])")
    return column_rows(path, columns)


def read_data(settings: OfficerSettings, units: Mapping[str, str]) -> OfficerData:
    """Read the roster, roles and leave files. ``units`` maps every unit name, alias and id to the
    unit's id."""
    if settings.roster is None:
        raise KaoheError("配置中没有 [officers] roster(民警名单文件):请在 [officers] 中写 roster = \"民警名单.csv\"")
    known = settings.known_roles()
    officers: list[Officer] = []
    stints: dict[str, list[Officer]] = {}
    names: dict[str, str] = {}
    for file, n, v in _rows(settings.roster, ROSTER_COLUMNS):
        unit = units.get(v["unit"])
        if unit is None:
            raise KaoheError(f"{file} 第{n}行 “单位”列:“{v['unit']}”不是本局的考核单位(见单位名单)")
        o = Officer(v["id"], v["name"], unit, v["joined"], v["arrived"], v["left"])
        if o.arrived and o.arrived < o.joined:
            raise KaoheError(f"{file} 第{n}行 “调入日期”列:{o.arrived} 早于入警日期 {o.joined}")
        if o.left and o.left < o.start:
            raise KaoheError(f"{file} 第{n}行 “调出日期”列:{o.left} 早于到本单位的日期 {o.start}")
        for other in stints.setdefault(o.id, []):  # the officer's other rows only: a province's roster is 60,000 rows
            if other.start <= (o.left or dt.date.max) and o.start <= (other.left or dt.date.max):
                raise KaoheError(f"{file} 第{n}行 “警号”列:{o.id} 在本单位的时间与另一行重叠(调动的民警每个单位一行,写明调入、调出日期)")
        if names.get(o.id, o.name) != o.name:
            raise KaoheError(f"{file} 第{n}行 “姓名”列:警号 {o.id} 另一行的姓名是 {names[o.id]}")
        names[o.id] = o.name
        officers.append(o)
        stints[o.id].append(o)
    roles: list[Role] = []
    if settings.roles_file is not None:
        for file, n, v in _rows(settings.roles_file, ROLE_COLUMNS):
            if v["id"] not in names:
                raise KaoheError(f"{file} 第{n}行 “警号”列:{v['id']} 不在民警名单 {settings.roster.name} 中")
            if v["role"] not in known:
                raise KaoheError(f"{file} 第{n}行 “身份”列:“{v['role']}”不是本局配置的身份;可用:{'、'.join(known)}")
            if v["start"] and v["end"] and v["end"] < v["start"]:
                raise KaoheError(f"{file} 第{n}行 “终止日期”列:{v['end']} 早于起始日期 {v['start']}")
            roles.append(Role(v["id"], v["role"], v["start"], v["end"]))
    leave: list[Leave] = []
    if settings.leave_file is not None:
        kinds = (*settings.leave_types, *settings.other_leave)
        for file, n, v in _rows(settings.leave_file, LEAVE_COLUMNS):
            if v["id"] not in names:
                raise KaoheError(f"{file} 第{n}行 “警号”列:{v['id']} 不在民警名单 {settings.roster.name} 中")
            if v["kind"] not in kinds:
                raise KaoheError(f"{file} 第{n}行 “假别”列:“{v['kind']}”应为 {'、'.join(kinds)} 之一")
            if v["end"] < v["start"]:
                raise KaoheError(f"{file} 第{n}行 “终止日期”列:{v['end']} 早于起始日期 {v['start']}")
            leave.append(Leave(v["id"], v["kind"], v["start"], v["end"]))
    return OfficerData(tuple(officers), tuple(roles), tuple(leave))


def read_records(settings: OfficerSettings, officers: Mapping[str, str]) -> list[Record]:
    """The officers' own records (民警考核登记, ``records_file``) for the officer-level items: one
    Record per row, its ``unit`` the officer's 警号 (the items' rules score officers as the kernel's
    rules score units), its kind the item's id; the key names the file and row, so a row counts once.
    ``officers`` maps every 警号 on the roster to the officer's name."""
    if settings.records_file is None:
        return []
    by_title = {it.title: it.id for it in settings.items.values()}
    out: list[Record] = []
    for file, n, v in _rows(settings.records_file, RECORD_COLUMNS):
        if v["id"] not in officers:
            raise KaoheError(f"{file} 第{n}行 “警号”列:{v['id']} 不在民警名单中")
        item = v["item"] if v["item"] in settings.items else by_title.get(v["item"])
        if item is None:
            names = "、".join(it.title for it in settings.items.values()) or "(未配置 [officers.items])"
            raise KaoheError(f"{file} 第{n}行 “项目”列:“{v['item']}”不是本局配置的民警考核项目;可用:{names}")
        fields = {k: v[k] for k in ("level",) if v[k] is not None}
        record = Record(f"{file} 第{n}行", item, v["id"], v["date"], v["value"], fields, v["note"] or "")
        problem = settings.items[item].rule.check(record)
        if problem:
            raise KaoheError(f"{file} 第{n}行:{problem}")
        out.append(record)
    return out


def read_lists(settings: OfficerSettings, units: Mapping[str, str]) -> dict[tuple[str, str], dt.date]:
    """(unit id, quarter label) → the day the unit's coefficient list reached the office
    (考核系数名单报送登记, ``lists_file``); the latest where a unit sent it twice (变动情况)."""
    if settings.lists_file is None:
        return {}
    out: dict[tuple[str, str], dt.date] = {}
    for file, n, v in _rows(settings.lists_file, LIST_COLUMNS):
        unit = units.get(v["unit"])
        if unit is None:
            raise KaoheError(f"{file} 第{n}行 “单位”列:“{v['unit']}”不是本局的考核单位(见单位名单)")
        key = (unit, str(v["period"]).strip())
        out[key] = max(out.get(key, v["date"]), v["date"])
    return out
