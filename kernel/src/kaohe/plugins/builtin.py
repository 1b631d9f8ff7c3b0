"""The assessment office's own data (考核办): the built-in plugin ``office``.

The office declares its own items in the bureau's configuration (``[[office_items]]``, seed 000
l.94); their records come in through one generic register, read by the adapter below: one row per
record, with its kind (``记录类型``, the item's ``reads``), its unit, date, an optional value and
name (the campaign of 专项工作), and a note; optional columns give a record's 级别 (the article of
a deduction list or the level of an award, read by ``points_by``), and a place among how many
(名次, 参评单位数: a superior's ranking, read by ``campaigns`` with ``rank = "reported"``). Its demo data are the special-work campaigns of the
demo year (seed 000 l.688-690).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..contract.adapters import Adapter, Column, Draft, Row
from ..contract.hookspecs import DemoBureau, hookimpl
from ..core.version import __version__ as __version__
from ..intake.workbook import latest_time, save_workbook

DEPARTMENT = "考核办"


def _records(row: Row) -> Iterable[Draft]:
    kind = row["kind"] if row["kind"].startswith("office.") else f"office.{row['kind']}"
    attrs: dict[str, Any] = {"campaign": row["name"]} if row["name"] else {}
    for key in ("level", "place", "of"):
        if row.get(key) not in (None, ""):
            attrs[key] = row[key]
    note = " ".join(x for x in (row["name"], row["note"]) if x)
    return [Draft(f"{kind}:{row['id']}", kind, row["unit"], row["date"], value=row["value"], attrs=attrs, note=note, column="数值")]


REGISTER = Adapter(
    id="office.records",
    title="考核办登记表",
    department=DEPARTMENT,
    columns=[
        Column("编号", "id", help="本表内唯一的编号;同一编号再次导入视为更正"),
        Column("单位", "unit", "unit"),
        Column("日期", "date", "date"),
        Column("记录类型", "kind", help="考核办自设项目读取的记录类型,如 office.campaign、office.flood_duty"),
        Column("数值", "value", "decimal", required=False, help="分值或得分(视项目而定)"),
        Column("名称", "name", required=False, aliases=("专项工作名称", "项目名称"), help="专项工作的名称"),
        Column("说明", "note", required=False),
        Column("级别", "level", required=False, aliases=("条款",), help="扣(加)分标准表中的条款或级别,如 第3条、省厅典型案件"),
        Column("名次", "place", "int", required=False, minimum=Decimal(1), help="上级考核中的名次"),
        Column("参评单位数", "of", "int", required=False, minimum=Decimal(1), aliases=("同类单位数",), help="上级考核中参加排名的单位数"),
    ],
    to_records=_records,
    kinds=["office"],
    kind_column="kind",
)

CAMPAIGNS = [
    ("春季严打整治专项行动", dt.date(2015, 3, 15)),
    ("夏季治安巡防专项行动", dt.date(2015, 6, 12)),
    ("秋冬季攻势专项行动", dt.date(2015, 9, 18)),
    ("岁末年初安全防范专项行动", dt.date(2015, 12, 10)),
]


@hookimpl
def kaohe_adapters(register: Callable[[Adapter], None]) -> None:
    register(REGISTER)


@hookimpl
def kaohe_demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    """The demo year's special-work campaigns: each station's score in each of four campaigns; one
    station of class C is last in two campaigns running; one row names a campaign with no score."""
    import openpyxl

    rng = random.Random(seed + 94)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "专项工作"
    ws.append([f"{bureau.name} 2015年专项工作考核得分登记表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(REGISTER.columns))
    ws.append([c.name for c in REGISTER.columns])
    n = 0
    for ci, (name, day) in enumerate(CAMPAIGNS):
        for unit in bureau.units:
            score = round(rng.uniform(70, 98), 1)
            if unit.id == "maolu" and ci in (1, 2):
                score = 55.0  # last in its class in two campaigns running (l.426)
            n += 1
            ws.append([f"ZX{n:04d}", unit.name, day, "office.campaign", score, name, ""])
    ws.append([f"ZX{n + 1:04d}", "金城派出所", CAMPAIGNS[0][1], "office.campaign", None, CAMPAIGNS[0][0], "漏填得分"])
    # findings of the 法制室 and the 网监大队, for the office's own 执法规范化 and 信息化应用 items
    # (the demo bureau defines them in its configuration: seed 000 l.534, l.536 "另定")
    start = dt.date(2014, 12, 21)
    for kind, what in (("office.zhifa", "执法质量考评发现问题"), ("office.yingyong", "信息化应用检查发现问题")):
        for _ in range(40):
            unit = bureau.units[rng.randrange(len(bureau.units))]
            day = start + dt.timedelta(days=rng.randrange(364))
            n += 1
            ws.append([f"ZX{n + 1:04d}", unit.name, day, kind, -rng.choice([1, 2, 2, 3, 5]), "", what])
    path = Path(directory) / "考核办_专项工作得分_2015.xlsx"
    save_workbook(wb, path, latest_time(ws.iter_rows(values_only=True)))
    return [path]
