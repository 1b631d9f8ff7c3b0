"""The 纪委's two registers: 一票否决情形登记 (the veto) and 队伍建设扣分登记 (the deductions)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import attrs
from kaohe import Adapter, CellError, Column, Draft, Row, row_key

from .items import COUNTED_IN, DEDUCTION, DEPARTMENT, DISCIPLINE, MATTERS, ONCE, SITUATIONS, VETO

_SPACES_QUOTES = re.compile(r"[\s“”\"‘’'「」]")


def normalise_situation(raw: Any) -> Any:
    """The 否决情形 as the register's list gives it: full-width brackets, quotes and spaces do not
    matter, and the ordinal alone — (三), (三), 三 — names the situation."""
    if not isinstance(raw, str):
        return raw
    text = _SPACES_QUOTES.sub("", raw).replace("(", "(").replace(")", ")")
    for label in SITUATIONS:
        if text in (_SPACES_QUOTES.sub("", label), label[:3], label[1]):
            return label
    return raw


@attrs.frozen
class SituationColumn(Column):
    """The 否决情形 column: normalised before the kernel checks it against the seven situations."""

    def convert(self, raw: Any) -> Any:
        return super().convert(normalise_situation(raw))


# --- 一票否决情形登记 -------------------------------------------------------------------------------

VETO_COLUMNS = [
    Column("编号", "id", "text", aliases=("登记编号",), help="纪委的登记编号,每条唯一"),
    Column("单位", "unit", "unit", aliases=("派出所", "责任单位"), help="被否决的派出所(名称或简称)"),
    Column("日期", "date", "date", aliases=("认定日期",),
           help="纪委认定该情形的日期;该日期所在的考核月(上月21日至当月20日)为零分"),
    SituationColumn("否决情形", "situation", "text", choices=SITUATIONS,
                    help="第五条所列七种情形之一,见下表;可只写序号,如“(三)”"),
    Column("说明", "remark", "text", required=False, aliases=("情况说明", "备注"), help="简要情况,显示在考核说明中"),
]


def veto_to_records(row: Row) -> list[Draft]:
    note = row["situation"] + (f":{row['remark']}" if row.get("remark") else "")
    return [
        Draft(
            key=row_key(VETO, row),
            kind=VETO,
            unit=row["unit"],
            date=row["date"],
            attrs={"situation": row["situation"]},
            note=note,
            column="否决情形",
        )
    ]


VETO_ADAPTER = Adapter(
    id="jiwei.vetoes",
    title="一票否决情形登记",
    department=DEPARTMENT,
    columns=VETO_COLUMNS,
    to_records=veto_to_records,
    kinds=[VETO],
)

# --- 队伍建设扣分登记 -------------------------------------------------------------------------------

DEDUCTION_COLUMNS = [
    Column("编号", "id", "text", aliases=("登记编号",), help="纪委的登记编号(通报、通知书的文号也可),每条唯一"),
    Column("单位", "unit", "unit", aliases=("派出所", "责任单位"), help="被扣分的派出所(名称或简称)"),
    Column("日期", "date", "date", aliases=("查实日期", "认定日期"), help="查实、发文或认定的日期,计入所在考核月"),
    Column("事项", "matter", "text", aliases=("扣分事项",), choices=MATTERS, help="下表所列事项之一,须一字不差"),
    Column("人次", "count", "int", required=False, aliases=("份数", "次数"), minimum=Decimal(1),
           help="本行的人次(督查督办通知书为份数,通报批评为次数);空白按1"),
    # Required, so that the register is never mistaken for another department's list of 事项
    # (刑侦大队's 考核登记表 has 编号/单位/日期/事项/人次 too): the kernel picks the adapter by header.
    Column("是否自查主动上报", "self_reported", "bool", aliases=("自查主动上报",),
           help="填“是”或“否”;填“是”的违反内务条令等行为不列入考核(第六条(一))"),
    Column("说明", "remark", "text", required=False, aliases=("情况说明", "备注"), help="涉及民警、简要情况,显示在考核说明中"),
]


def deduction_to_records(row: Row) -> list[Draft]:
    matter: str = row["matter"]
    count = row.get("count") or 1
    if matter in ONCE and count != 1:
        raise CellError(f"“{matter}”每次只扣一次分,人次应为1或空白,得到 {count}")
    self_reported = bool(row.get("self_reported"))
    note = matter
    if count != 1:
        note += f" {count}{COUNTED_IN.get(matter, '人次')}"
    if self_reported:
        note += "(自查主动上报)" if matter == DISCIPLINE else "(自查主动上报,此事项不减免)"
    if row.get("remark"):
        note += f":{row['remark']}"
    return [
        Draft(
            key=row_key(DEDUCTION, row),
            kind=DEDUCTION,
            unit=row["unit"],
            date=row["date"],
            attrs={"matter": matter, "count": count, "self_reported": self_reported},
            note=note,
            column="事项",
        )
    ]


DEDUCTION_ADAPTER = Adapter(
    id="jiwei.deductions",
    title="队伍建设扣分登记",
    department=DEPARTMENT,
    columns=DEDUCTION_COLUMNS,
    to_records=deduction_to_records,
    kinds=[DEDUCTION],
)

ADAPTERS = [VETO_ADAPTER, DEDUCTION_ADAPTER]
