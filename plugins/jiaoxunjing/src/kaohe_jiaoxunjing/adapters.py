"""The export of 交巡警大队: a list of cases and incidents a station helped with."""

from __future__ import annotations

from kaohe import Adapter, Column, Draft, Row, row_key

from .items import ASSIST, DEPARTMENT, TYPES

COLUMNS = [
    Column("登记编号", "id", "text", help="交巡警大队的登记编号,每个派出所的每次协助一条、唯一"),
    Column("协助单位", "unit", "unit", aliases=("派出所",), help="协助破案或稳控的派出所(名称或简称)"),
    Column("认定日期", "date", "date", aliases=("日期",), help="交巡警大队认定协助的日期(破案或稳控完成的日期),计入所在考核月"),
    Column("协助类别", "type", "text", choices=TYPES, help="协助侦破死亡逃逸交通事故、协助侦破其他逃逸交通事故、协助做好重大事件稳控工作、协助做好其他事件稳控工作"),
    Column("事故(事件)编号", "case", "text", required=False, aliases=("事故编号", "案件编号"), help="交通事故或事件的编号"),
    Column("简要情况", "remark", "text", required=False, help="事故或事件的简要情况"),
]


def assist_to_records(row: Row) -> list[Draft]:
    note = row["type"]
    attrs = {"type": row["type"]}
    if row.get("case"):
        attrs["case"] = row["case"]
        note += f"(事故/事件{row['case']})"
    if row.get("remark"):
        note += f":{row['remark']}"
    return [
        Draft(
            key=row_key(ASSIST, row),
            kind=ASSIST,
            unit=row["unit"],
            date=row["date"],
            attrs=attrs,
            note=note,
            column="协助类别",
        )
    ]


ASSIST_ADAPTER = Adapter(
    id="jiaoxunjing.assists",
    title="派出所协助破案及稳控登记",
    department=DEPARTMENT,
    columns=COLUMNS,
    to_records=assist_to_records,
    kinds=[ASSIST],
    unit_column="unit",
    date_column="date",
)

ADAPTERS = [ASSIST_ADAPTER]
