"""The exports 出入境大队 hands in, and the pure functions that turn a row into records.

Two tables: 境外人员临时住宿登记 (one registration a row) and 月度数据 (a station's monthly figures on
resident foreigners, guarantee letters and exit-ban filings). Yes/no cells are stored as "是"/"否"
so that items match them by value.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kaohe import Adapter, CellError, Column, Draft, row_key

from .items import DEPARTMENT, LODGING, MONTHLY, NO, YES

ZERO = Decimal(0)


def yn(value: Any) -> str:
    return YES if value else NO


# --- 境外人员临时住宿登记 -------------------------------------------------------------------------------

LODGING_COLUMNS = [
    Column("登记编号", "id", "text", help="住宿登记(申报)编号,每条唯一"),
    Column("派出所", "unit", "unit", aliases=("辖区派出所", "单位"), help="境外人员住宿地辖区派出所"),
    Column("入住日期", "date", "date", aliases=("住宿日期",), help="入住日期,决定计入哪个考核月"),
    Column("姓名", "name", "text", required=False, aliases=("境外人员姓名",), help="可不填"),
    Column("国籍", "nationality", "text", required=False, aliases=("国籍(地区)",), help="可不填"),
    Column("人次", "count", "int", required=False, minimum=Decimal(1), help="本条登记的人次;空白按1"),
    Column("是否及时申报", "timely", "bool", help="是否在规定时间内进行住宿登记申报"),
    Column("申报是否准确", "accurate", "bool", aliases=("项目是否齐全准确",),
           help="申报项目是否齐全、信息是否准确(项目不全或信息错误填“否”)"),
]


def lodging_records(row: Mapping[str, Any]) -> list[Draft]:
    count = row.get("count") or 1
    who = " ".join(str(x) for x in (row.get("nationality"), row.get("name")) if x) or f"登记{row['id']}"
    problems = [text for key, text in (("timely", "未及时申报"), ("accurate", "项目不全或信息错误")) if not row[key]]
    note = f"境外人员住宿登记 {who}" + (f" {count}人次" if count != 1 else "") + (
        f"({'、'.join(problems)})" if problems else "(及时准确)")
    return [
        Draft(
            key=row_key(LODGING, row),
            kind=LODGING,
            unit=row["unit"],
            date=row["date"],
            attrs={"timely": yn(row["timely"]), "accurate": yn(row["accurate"]), "count": count},
            note=note,
        )
    ]


LODGINGS = Adapter(
    id="churujing.lodging",
    title="境外人员临时住宿登记",
    department=DEPARTMENT,
    columns=LODGING_COLUMNS,
    to_records=lodging_records,
    kinds=[LODGING],
)

# --- 月度数据 -------------------------------------------------------------------------------------------


def _n(name: str, key: str, help: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(name, key, "int", required=False, minimum=ZERO, aliases=aliases, help=help + ";空白按0")


MONTHLY_COLUMNS = [
    Column("统计截止日期", "date", "date", aliases=("日期",), help="本考核月的最后一天,如 2015-04-20"),
    Column("派出所", "unit", "unit", aliases=("单位",)),
    _n("常驻境外人员漏登人次", "missed", "检查发现辖区常驻境外人员漏登的人次"),
    _n("非法居留未发现人次", "illegal", "非法居留未满30日未发现的人次(30日以上的填下一列,不重复填写)"),
    _n("非法居留30日以上未发现人次", "illegal_30", "非法居留30日以上未发现的人次"),
    _n("租房境外人员户数", "rentals", "辖区境外人员租赁房屋户数", ("境外人员租赁房屋户数",)),
    _n("签订保证书户数", "signed", "与房主签订治安责任保证书的户数"),
    _n("未建档户数", "unfiled", "租赁房屋治安责任保证书未建档的户数"),
    _n("及时通报备案人数", "exit_ban", "法定不批准出境人员及时办理不批准出境通报备案手续的人数",
       ("不批准出境报备人数",)),
]

FIGURES = ("missed", "illegal", "illegal_30", "rentals", "signed", "unfiled", "exit_ban")


def monthly_records(row: Mapping[str, Any]) -> list[Draft]:
    attrs = {k: row.get(k) or 0 for k in FIGURES}
    if attrs["signed"] > attrs["rentals"]:
        raise CellError(f"签订保证书户数({attrs['signed']})不能多于租房境外人员户数({attrs['rentals']})")
    if attrs["unfiled"] > attrs["rentals"]:
        raise CellError(f"未建档户数({attrs['unfiled']})不能多于租房境外人员户数({attrs['rentals']})")
    return [
        Draft(
            key=f"{MONTHLY}:{{unit}}:{row['date'].isoformat()}",
            kind=MONTHLY,
            unit=row["unit"],
            date=row["date"],
            attrs=attrs,
            note="出入境管理月度数据",
        )
    ]


MONTHLY_FIGURES = Adapter(
    id="churujing.monthly",
    title="出入境管理月度数据",
    department=DEPARTMENT,
    columns=MONTHLY_COLUMNS,
    to_records=monthly_records,
    kinds=[MONTHLY],
)

ADAPTERS = [LODGINGS, MONTHLY_FIGURES]
