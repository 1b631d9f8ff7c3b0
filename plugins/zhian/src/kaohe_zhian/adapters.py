"""The 治安大队's exports and how each row becomes records.

Six exports (their headers as the department's staff name them; README has the tables):

- 治安大队考核事项登记表 (``zhian.events``): every finding, incident and bonus of 基础工作建设, one row
  each, named by its 事项类别;
- 派出所治安基础工作月报表 (``zhian.monthly``): one row per station per month with the rates and counts;
- 旅馆业信息系统抓获人员登记表 (``zhian.hotel_fugitives``);
- 治安部门管辖刑事案件破案登记表 (``zhian.criminal_cases``);
- 查处治安案件登记表 (``zhian.ps_cases``);
- 查处治安案件涉案人员登记表 (``zhian.vice_persons``).

``to_records`` functions are pure: one converted row (column key → value) to drafts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kaohe import Adapter, Column, Draft, fmt, row_key

from .items import (
    CRIMINAL_CASE,
    DEPARTMENT,
    ECON_CASE,
    EVENT,
    EVENT_LABELS,
    HOTEL_FUGITIVE,
    MONTHLY,
    PS_CASE,
    VICE_PERSON,
)

Row = Mapping[str, Any]


def yes(value: Any) -> str:
    """A bool column as the text the items match on."""
    return "是" if value else "否"


def _note(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p not in (None, ""))


# --- 考核事项登记表 -----------------------------------------------------------------------------

EVENT_COLUMNS = (
    Column("编号", "id", "text", aliases=("登记编号", "事项编号"), help="每条事项一个编号,同一编号不重复计分"),
    Column("单位", "unit", "unit", aliases=("派出所", "责任单位"), help="被考核的派出所"),
    Column("日期", "date", "date", aliases=("发现日期", "发生日期"), help="发现、发生或认定的日期,决定计入哪个月"),
    Column("事项类别", "category", "text", choices=EVENT_LABELS, help="见下方“事项类别”表,须一字不差"),
    Column("人数/次数", "count", "int", required=False, aliases=("人次", "次数", "人数", "数量", "家数"),
           minimum=Decimal(1), help="本行代表的人次、次数、家数或台数,空白按1计"),
    Column("是否及时破获", "solved", "bool", required=False, aliases=("是否破获",),
           help="危险物品丢失被盗被抢案件及时破获的填“是”,减半扣分"),
    Column("是否主动查处上报", "self_reported", "bool", required=False,
           help="辅警违法违纪系本单位主动查处上报的填“是”,减半扣分"),
    Column("说明", "remark", "text", required=False, aliases=("情况说明", "备注"), help="简要情况"),
)


def event_records(row: Row) -> list[Draft]:
    count = row.get("count") or 1
    return [
        Draft(
            key=row_key(EVENT, row),
            kind=EVENT,
            unit=row["unit"],
            date=row["date"],
            attrs={
                "category": row["category"],
                "count": count,
                "solved": yes(row.get("solved")),
                "self_reported": yes(row.get("self_reported")),
            },
            note=_note(row["category"], row.get("remark")),
        )
    ]


# --- 月报表 -------------------------------------------------------------------------------------

_MONTH_RE = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})|(\d{2}))\s*(?:月|[-/.]\d{1,2}.*|\s.*)?$")

MONTHLY_FIGURES = (
    # (column, key, type, help)
    ("旅客登记传输率", "transmission_rate", "percent", "旅客登记信息传输率,%(目标100%)"),
    ("传输旅客信息数量", "guest_records", "int", "本月传输旅客信息条数(与去年同期比)"),
    ("网络指纹枪柜畅通率", "gun_cabinet_rate", "percent", "%(目标100%);及时发现系统故障并报备的时段不计入未畅通"),
    ("治安信息员有效利用率", "informant_rate", "percent", "%(目标10%)"),
    ("常住人口次项差错率", "minor_error_rate", "percent", "%(超过1%扣分)"),
    ("社区入室盗窃和三车案件发案数", "burglary_cases", "int", "本月社区入室盗窃案件和“三车”案件发案数(与去年同期比)"),
    ("警务室考核得分", "room_score", "decimal", "市局当月对本所社区警务室及农村重点警务室的考核得分(用于全局排名)"),
)
_FIGURE_ALIASES = {
    "guest_records": ("传输旅客信息数", "旅客信息传输数量"),
    "burglary_cases": ("社区入室盗窃和“三车”案件发案数", "社区入室盗窃和\"三车\"案件发案数"),
    "room_score": ("市局警务室考核得分", "警务室月考核得分"),
}

MONTHLY_COLUMNS = (
    Column("单位", "unit", "unit", aliases=("派出所",), help="派出所"),
    Column("月份", "month", "text", aliases=("考核月份", "统计月份"),
           help="考核月,如 2015-04 或 2015年4月(按本局考核月统计:上月21日至当月20日)"),
    *(
        Column(name, key, type_, required=False, aliases=_FIGURE_ALIASES.get(key, ()), minimum=Decimal(0),
               maximum=Decimal(100) if type_ == "percent" else None, help=help_)
        for name, key, type_, help_ in MONTHLY_FIGURES
    ),
)


def parse_month(text: Any) -> tuple[int, int]:
    """(year, month) from 2015-04, 2015/4, 2015.04, 2015年4月, 201504 or a date written by Excel."""
    if isinstance(text, dt.date):
        return text.year, text.month
    m = _MONTH_RE.match(str(text))
    if not m:
        raise ValueError(f"“月份”应写作 2015-04 或 2015年4月,得到 {text!r}")
    year, month = int(m.group(1)), int(m.group(2) or m.group(3))
    if not 1 <= month <= 12:
        raise ValueError(f"“月份”不是有效月份:{text!r}")
    return year, month


def monthly_records(row: Row) -> list[Draft]:
    year, month = parse_month(row["month"])
    figures = {key: row[key] for _, key, _, _ in MONTHLY_FIGURES if row.get(key) is not None}
    if not figures:
        raise ValueError("该行除单位和月份外没有填写任何数据")
    label = f"{year}-{month:02d}"
    return [
        Draft(
            key=f"{MONTHLY}:{{unit}}:{label}",
            kind=MONTHLY,
            unit=row["unit"],
            # Day 1 of the month lies in assessment month ``month`` whatever the bureau's cut-off day.
            date=dt.date(year, month, 1),
            attrs=figures,
            note=f"{year}年{month}月月报:" + ",".join(
                f"{name}{fmt(Decimal(figures[key]))}{'%' if type_ == 'percent' else ''}"
                for name, key, type_, _ in MONTHLY_FIGURES
                if key in figures
            ),
        )
    ]


# --- 旅馆业信息系统抓获人员 --------------------------------------------------------------------

HOTEL_TYPES = ("部厅通缉通报人员", "网上逃犯", "省厅布控对象")

HOTEL_COLUMNS = (
    Column("编号", "id", "text", aliases=("登记编号", "抓获编号"), help="每名抓获人员一个编号,不重复计数"),
    Column("抓获单位", "unit", "unit", aliases=("单位", "派出所"), help="派出所"),
    Column("抓获日期", "date", "date", aliases=("日期",)),
    Column("人员类别", "type", "text", choices=HOTEL_TYPES, help="部厅通缉通报人员、网上逃犯或省厅布控对象"),
    Column("旅馆名称", "hotel", "text", required=False),
    Column("说明", "remark", "text", required=False, aliases=("备注",)),
)


def hotel_records(row: Row) -> list[Draft]:
    return [
        Draft(
            key=row_key(HOTEL_FUGITIVE, row),
            kind=HOTEL_FUGITIVE,
            unit=row["unit"],
            date=row["date"],
            attrs={"type": row["type"]},
            note=_note("旅馆信息系统抓获", row["type"], row.get("hotel"), row.get("remark")),
        )
    ]


# --- 治安部门管辖刑事案件 ----------------------------------------------------------------------

CASE_NATURES = ("年内在帐", "在帐积隐案", "外省市案件")

CRIMINAL_COLUMNS = (
    Column("案件编号", "id", "text", help="警务平台案件编号"),
    Column("办案单位", "unit", "unit", aliases=("单位", "派出所")),
    Column("破案日期", "date", "date"),
    Column("案件性质", "nature", "text", choices=CASE_NATURES, help="年内在帐、在帐积隐案或外省市案件"),
    Column("是否八类案件", "eight_kinds", "bool", required=False, help="年内在帐“八类”案件另计30分"),
    Column("是否本辖区案件", "local", "bool", required=False, help="本辖区年内在帐案件另计10分"),
    Column("是否盗窃汽车案件", "car_theft", "bool", required=False, help="另计50分"),
    Column("是否本市年内盗窃摩托车案件", "motorbike", "bool", required=False, help="另计20分"),
    Column("追回被盗抢库内汽车数", "cars_recovered", "int", required=False, minimum=Decimal(0),
           aliases=("追回被盗抢汽车数",), help="辆,每辆计200分"),
    Column("简要案情", "remark", "text", required=False, aliases=("说明", "备注")),
)


def criminal_records(row: Row) -> list[Draft]:
    flags = [("八类", row.get("eight_kinds")), ("本辖区", row.get("local")), ("盗窃汽车", row.get("car_theft")),
             ("本市年内盗窃摩托车", row.get("motorbike"))]
    cars = row.get("cars_recovered") or 0
    return [
        Draft(
            key=row_key(CRIMINAL_CASE, row),
            kind=CRIMINAL_CASE,
            unit=row["unit"],
            date=row["date"],
            attrs={
                "nature": row["nature"],
                "eight_kinds": yes(row.get("eight_kinds")),
                "local": yes(row.get("local")),
                "car_theft": yes(row.get("car_theft")),
                "motorbike": yes(row.get("motorbike")),
                "cars_recovered": cars,
            },
            note=_note(f"破获{row['nature']}刑事案件{row['id']}", *(name for name, on in flags if on),
                       f"追回汽车{cars}辆" if cars else "", row.get("remark")),
        )
    ]


# --- 查处治安案件 -------------------------------------------------------------------------------

PS_TYPES = ("治安案件", "经文保案件")
RULINGS = ("查处场所", "罚款以上处罚")

PS_COLUMNS = (
    Column("案件编号", "id", "text"),
    Column("办案单位", "unit", "unit", aliases=("单位", "派出所")),
    Column("查处日期", "date", "date"),
    Column("案件类别", "type", "text", choices=PS_TYPES, help="治安案件,或经文保行政执法案件填“经文保案件”"),
    Column("是否涉危案件", "dangerous", "bool", required=False, help="涉危案件加20分"),
    Column("市局裁决结果", "ruling", "text", required=False, choices=RULINGS,
           help="报市局裁决的:治安案件“查处场所”加40分;经文保案件“罚款以上处罚”加30分"),
    Column("是否违规跨区域查处赌毒娼", "cross_region", "bool", required=False, help="发现一次扣50分"),
    Column("简要案情", "remark", "text", required=False, aliases=("说明", "备注")),
)


def ps_case_records(row: Row) -> list[Draft]:
    econ = row["type"] == "经文保案件"
    ruling = row.get("ruling")
    if ruling == "查处场所" and econ:
        raise ValueError("“市局裁决结果”为“查处场所”的加分只适用于治安案件,经文保案件应填“罚款以上处罚”")
    if ruling == "罚款以上处罚" and not econ:
        raise ValueError("“市局裁决结果”为“罚款以上处罚”的加分只适用于经文保案件,治安案件应填“查处场所”")
    kind = ECON_CASE if econ else PS_CASE
    return [
        Draft(
            key=row_key(kind, row),
            kind=kind,
            unit=row["unit"],
            date=row["date"],
            attrs={
                "type": row["type"],
                "dangerous": yes(row.get("dangerous")),
                "ruling": ruling or "",
                "cross_region": yes(row.get("cross_region")),
            },
            note=_note(f"查处{row['type']}{row['id']}", "涉危" if row.get("dangerous") else "",
                       f"市局裁决{ruling}" if ruling else "", "违规跨区域查处" if row.get("cross_region") else "",
                       row.get("remark")),
        )
    ]


# --- 查处治安案件涉案人员 ----------------------------------------------------------------------

OFFENCES = ("赌博", "吸毒", "卖淫嫖娼", "其他")

VICE_COLUMNS = (
    Column("登记编号", "id", "text", aliases=("人员编号",), help="每名人员每次查处一个编号"),
    Column("办案单位", "unit", "unit", aliases=("单位", "派出所")),
    Column("查处日期", "date", "date"),
    Column("违法类型", "offence", "text", choices=OFFENCES, help="赌博、吸毒、卖淫嫖娼或其他"),
    Column("是否治安拘留", "detained", "bool", required=False),
    Column("是否通过特种行业治安管理处罚", "special_trade", "bool", required=False,
           help="以行管中队检查认定为准"),
    Column("案件编号", "case", "text", required=False),
    Column("说明", "remark", "text", required=False, aliases=("备注",)),
)


def vice_records(row: Row) -> list[Draft]:
    return [
        Draft(
            key=row_key(VICE_PERSON, row),
            kind=VICE_PERSON,
            unit=row["unit"],
            date=row["date"],
            attrs={
                "offence": row["offence"],
                "detained": yes(row.get("detained")),
                "special_trade": yes(row.get("special_trade")),
            },
            note=_note(f"查处{row['offence']}人员{row['id']}", "治安拘留" if row.get("detained") else "",
                       "通过特种行业治安管理处罚" if row.get("special_trade") else "", row.get("remark")),
        )
    ]


ADAPTERS = (
    Adapter(id="zhian.events", title="治安大队考核事项登记表", department=DEPARTMENT, columns=EVENT_COLUMNS,
            to_records=event_records, kinds=[EVENT]),
    Adapter(id="zhian.monthly", title="派出所治安基础工作月报表", department=DEPARTMENT, columns=MONTHLY_COLUMNS,
            to_records=monthly_records, kinds=[MONTHLY], date_column="month"),
    Adapter(id="zhian.hotel_fugitives", title="旅馆业信息系统抓获人员登记表", department=DEPARTMENT,
            columns=HOTEL_COLUMNS, to_records=hotel_records, kinds=[HOTEL_FUGITIVE]),
    Adapter(id="zhian.criminal_cases", title="治安部门管辖刑事案件破案登记表", department=DEPARTMENT,
            columns=CRIMINAL_COLUMNS, to_records=criminal_records, kinds=[CRIMINAL_CASE]),
    Adapter(id="zhian.ps_cases", title="查处治安案件登记表", department=DEPARTMENT, columns=PS_COLUMNS,
            to_records=ps_case_records, kinds=[PS_CASE, ECON_CASE]),
    Adapter(id="zhian.vice_persons", title="查处治安案件涉案人员登记表", department=DEPARTMENT,
            columns=VICE_COLUMNS, to_records=vice_records, kinds=[VICE_PERSON]),
)
