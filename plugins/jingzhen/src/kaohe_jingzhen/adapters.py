"""The export of 经侦大队: 经济案件打击处理人员名单, one row per person dealt with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe import Adapter, Column, Draft, row_key

from .items import DEPARTMENT, MEASURES, PERSON, SHORT_NAMES

COLUMNS = [
    Column("人员编号", "id", "text", help="经侦大队编的人员编号,每人唯一;同一编号只计一人"),
    Column("办案单位", "unit", "unit", aliases=("派出所", "单位"), help="派出所名称或简称(金城派出所、金城所、金城)"),
    Column("处理日期", "date", "date", aliases=("日期",), help="首次打击处理(刑拘、逮捕或直诉)的日期,决定计入哪个季度"),
    Column("处理方式", "measure", "text", choices=(*MEASURES, *SHORT_NAMES), help="、".join(MEASURES) + "(“刑拘”同“刑事拘留”)"),
    Column("姓名", "name", "text", required=False, help="可不填"),
    Column("案件编号", "case", "text", required=False, help="可不填"),
    Column("说明", "remark", "text", required=False, aliases=("备注",), help="可不填"),
]


def person_records(row: Mapping[str, Any]) -> list[Draft]:
    measure = SHORT_NAMES.get(row["measure"], row["measure"])
    who = row.get("name") or row["id"]
    parts = [measure, who]
    if row.get("case"):
        parts.append(f"(案件{row['case']})")
    return [
        Draft(
            key=row_key(PERSON, row),
            kind=PERSON,
            unit=row["unit"],
            date=row["date"],
            attrs={"measure": measure},
            note=" ".join(parts),
        )
    ]


PERSONS = Adapter(
    id="jingzhen.persons",
    title="经济案件打击处理人员名单",
    department=DEPARTMENT,
    columns=COLUMNS,
    to_records=person_records,
    kinds=[PERSON],
)

ADAPTERS = [PERSONS]
