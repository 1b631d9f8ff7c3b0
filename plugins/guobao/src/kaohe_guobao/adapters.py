"""The two exports of the 国保大队: its 考核登记表 and the yearly list of controlled persons."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kaohe import Adapter, Column, Draft, Period, row_key

from .items import CONTROL, DEPARTMENT, FINDING, MATTERS

FINDING_COLUMNS = [
    Column("登记编号", "id", "text", help="国保大队的登记编号,每条唯一"),
    Column("派出所", "unit", "unit", aliases=("单位",), help="被考核的派出所"),
    Column("日期", "date", "date", aliases=("发现日期", "破案日期"), help="发现问题或破案的日期,决定计入哪个考核年度"),
    Column("考核事项", "matter", "text", choices=MATTERS, help="、".join(MATTERS)),
    Column("起数(项数)", "count", "int", required=False, minimum=Decimal(1), aliases=("起数", "项数", "数量"),
           help="迟报漏报瞒报、破案填起数,台帐问题填项数;空白按1"),
    Column("说明", "remark", "text", required=False, help="信息内容、案件名称或台帐问题,显示在扣分说明中"),
]


def finding_records(row: Mapping[str, Any]) -> list[Draft]:
    count = row.get("count") or 1
    note = row["matter"] + (f" {count}" if count != 1 else "") + (f":{row['remark']}" if row.get("remark") else "")
    return [Draft(key=row_key(FINDING, row), kind=FINDING, unit=row["unit"], date=row["date"],
                  attrs={"matter": row["matter"], "count": count}, note=note)]


FINDINGS = Adapter(
    id="guobao.findings",
    title="国保大队考核登记表",
    department=DEPARTMENT,
    columns=FINDING_COLUMNS,
    to_records=finding_records,
    kinds=[FINDING],
)

CONTROL_COLUMNS = [
    Column("考核年度", "year", "int", aliases=("年度",), minimum=Decimal(2000), maximum=Decimal(2100), help="如 2015"),
    Column("管控对象编号", "id", "text", aliases=("对象编号",), help="国保管控对象的编号,每人唯一"),
    Column("派出所", "unit", "unit", aliases=("管控单位",), help="负责管控的派出所"),
    Column("考察次数", "visits", "int", minimum=Decimal(0), help="本考核年度对该对象的考察次数"),
    Column("是否重点对象", "key_person", "bool", required=False, help="是/否;空白按“否”"),
]


def control_records(row: Mapping[str, Any]) -> list[Draft]:
    year = int(row["year"])
    key = "(重点对象)" if row.get("key_person") else ""
    return [Draft(key=f"{CONTROL}:{row['id']}:{year}", kind=CONTROL, unit=row["unit"], date=Period(year, "year", 1),
                  attrs={"visits": row["visits"], "key_person": "是" if row.get("key_person") else "否"},
                  note=f"管控对象{row['id']}{key}")]


CONTROL_LIST = Adapter(
    id="guobao.control",
    title="国保管控对象考察情况",
    department=DEPARTMENT,
    columns=CONTROL_COLUMNS,
    to_records=control_records,
    kinds=[CONTROL],
)

ADAPTERS = [FINDINGS, CONTROL_LIST]
