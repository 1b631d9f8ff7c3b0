"""The exports 刑侦大队 hands in, and the pure functions that turn a row into records.

Four tables: 破案记录 (cases), 打击处理人员 (persons), 考核登记表 (findings: every item counted per
人/人次/份/项/起 that a squad registers) and 月度数据 (a station's monthly figures).
Yes/no cells are stored as "是"/"否" so that items match them by value.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kaohe import Adapter, CellError, Column, Draft, row_key

from .items import (
    CASE,
    DEPARTMENT,
    FINDING,
    FUGITIVE,
    MATTERS,
    MONTHLY,
    NO,
    ORIGINS,
    PERSON,
    PERSON_CATEGORIES,
    YES,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def yn(value: Any) -> str:
    """A converted bool cell (None when the optional cell is empty) as 是/否."""
    return YES if value else NO


# --- 破案记录 -----------------------------------------------------------------------------------------

CASE_COLUMNS = [
    Column("案件编号", "id", "text", help="警务平台案件编号"),
    Column("办案单位", "unit", "unit", aliases=("派出所",), help="破案的派出所"),
    Column("破案日期", "date", "date", help="破案日期,决定计入哪个考核月"),
    Column("案件类别", "category", "text", help="如 盗窃汽车、盗窃摩托车、入室盗窃、抢劫;“盗窃汽车”“盗窃摩托车”另计分"),
    Column("是否八类", "eight", "bool", help="是否“八类”案件"),
    Column("是否本辖区", "local", "bool", help="是否本派出所辖区案件"),
    Column("是否年内在帐", "in_year", "bool", help="是否年内在帐案件"),
    Column("是否积隐案", "backlog", "bool", required=False, help="是否在帐积隐案(以入警务平台案件数为准);空白按“否”"),
    Column("是否外省市案件", "other_province", "bool", required=False, help="是否外省市案件;空白按“否”"),
    Column("追回被盗抢汽车数", "cars", "int", required=False, minimum=ZERO,
           help="本案追回的被盗抢库内汽车辆数;空白按0"),
    Column("简要案情", "summary", "text", required=False, help="可不填"),
]


def case_records(row: Mapping[str, Any]) -> list[Draft]:
    if row["in_year"] and row.get("backlog"):
        raise CellError("同一起案件不能既是“年内在帐”又是“积隐案”")
    flags = [label for key, label in (("in_year", "年内在帐"), ("eight", "八类"), ("local", "本辖区"),
                                      ("backlog", "积隐案"), ("other_province", "外省市")) if row.get(key)]
    cars = row.get("cars") or 0
    if cars:
        flags.append(f"追回汽车{cars}辆")
    note = f"案件{row['id']} {row['category']}" + (f"({'、'.join(flags)})" if flags else "")
    return [
        Draft(
            key=row_key(CASE, row),
            kind=CASE,
            unit=row["unit"],
            date=row["date"],
            attrs={
                "category": row["category"],
                "eight": yn(row["eight"]),
                "local": yn(row["local"]),
                "in_year": yn(row["in_year"]),
                "backlog": yn(row.get("backlog")),
                "other_province": yn(row.get("other_province")),
                "cars": cars,
            },
            note=note,
        )
    ]


CASES = Adapter(
    id="xingzhen.cases",
    title="破案记录",
    department=DEPARTMENT,
    columns=CASE_COLUMNS,
    to_records=case_records,
    kinds=[CASE],
    unit_column="unit",
    date_column="date",
)

# --- 打击处理人员 ---------------------------------------------------------------------------------------

PERSON_COLUMNS = [
    Column("人员编号", "id", "text", help="警务平台人员编号"),
    Column("姓名", "name", "text", required=False, help="可不填"),
    Column("办案单位", "unit", "unit", aliases=("派出所",), help="办案(抓获)的派出所"),
    Column("日期", "date", "date", aliases=("处理日期", "抓获日期"), help="刑拘、逮捕、劳教、戒毒决定或抓获的日期"),
    Column("类别", "category", "text", choices=PERSON_CATEGORIES, help="、".join(PERSON_CATEGORIES)),
    Column("是否特种行业", "special_trade", "bool", required=False,
           help="逮捕(直诉)人员是否通过特种行业治安管理抓获(不含旅馆业抓获网上逃犯);空白按“否”"),
    Column("是否涉毒", "drug", "bool", required=False,
           help="逮捕(直诉)人员是否涉毒人员(查处涉毒人员季度加考,l.530);空白按“否”"),
    Column("逃犯来源", "origin", "text", required=False, choices=ORIGINS,
           help="网上逃犯必填:" + "、".join(ORIGINS)),
    Column("是否历年逃犯", "past", "bool", required=False, help="网上逃犯:是否历年逃犯(否即年内逃犯);空白按“否”"),
    Column("是否命案逃犯", "homicide", "bool", required=False, help="网上逃犯:是否命案逃犯;空白按“否”"),
    Column("说明", "remark", "text", required=False, help="可不填"),
]


def person_records(row: Mapping[str, Any]) -> list[Draft]:
    category = row["category"]
    who = row.get("name") or row["id"]
    attrs: dict[str, Any] = {"category": category, "special_trade": yn(row.get("special_trade")),
                             "drug": yn(row.get("drug"))}
    note = f"{category} {who}" + ("(涉毒)" if row.get("drug") else "")
    if category == FUGITIVE:
        if not row.get("origin"):
            raise CellError("网上逃犯须填写“逃犯来源”(外省、本省外市、本市)")
        attrs.update(origin=row["origin"], past=yn(row.get("past")), homicide=yn(row.get("homicide")))
        note += f"({row['origin']}{'历年' if row.get('past') else '年内'}逃犯{',命案逃犯' if row.get('homicide') else ''})"
    elif row.get("special_trade"):
        note += "(通过特种行业治安管理)"
    return [
        Draft(
            key=f"{PERSON}:{row['id']}:{category}",
            kind=PERSON,
            unit=row["unit"],
            date=row["date"],
            attrs=attrs,
            note=note,
        )
    ]


PERSONS = Adapter(
    id="xingzhen.persons",
    title="打击处理人员",
    department=DEPARTMENT,
    columns=PERSON_COLUMNS,
    to_records=person_records,
    kinds=[PERSON],
)

# --- 考核登记表 -----------------------------------------------------------------------------------------

FINDING_COLUMNS = [
    Column("编号", "id", "text", aliases=("登记编号",), help="登记编号,每条登记唯一"),
    Column("单位", "unit", "unit", aliases=("派出所",), help="被考核的派出所"),
    Column("日期", "date", "date", aliases=("发现日期", "查实日期"), help="发现、查实或完成的日期"),
    Column("事项", "matter", "text", choices=tuple(MATTERS.values()), help="见下表“事项”一栏"),
    Column("人数", "count", "int", required=False, aliases=("数量", "人次", "份数", "项数", "起数", "次数"),
           minimum=Decimal(1), help="人数、人次、份数、项数或起数,按事项的计分单位填写;空白按1"),
    Column("说明", "remark", "text", required=False, help="案件编号、人员姓名等,显示在扣分说明中"),
]


def finding_records(row: Mapping[str, Any]) -> list[Draft]:
    count = row.get("count") or 1
    note = row["matter"] + (f" {count}" if count != 1 else "") + (f":{row['remark']}" if row.get("remark") else "")
    return [
        Draft(
            key=row_key(FINDING, row),
            kind=FINDING,
            unit=row["unit"],
            date=row["date"],
            attrs={"matter": row["matter"], "count": count},
            note=note,
        )
    ]


FINDINGS = Adapter(
    id="xingzhen.findings",
    title="刑侦大队考核登记表",
    department=DEPARTMENT,
    columns=FINDING_COLUMNS,
    to_records=finding_records,
    kinds=[FINDING],
)

# --- 月度数据 -------------------------------------------------------------------------------------------


def _pct(name: str, key: str, help: str) -> Column:
    return Column(name, key, "percent", required=False, minimum=ZERO, maximum=HUNDRED, help=help + ";本月无此类案件的留空")


MONTHLY_COLUMNS = [
    Column("统计截止日期", "date", "date", aliases=("日期",), help="本考核月的最后一天,如 2015-04-20"),
    Column("派出所", "unit", "unit", aliases=("单位",)),
    Column("指纹捺印份数", "prints", "int", minimum=ZERO, help="本月捺印指纹份数(人均5份指标)"),
    Column("不合格指纹份数", "bad_prints", "int", required=False, minimum=ZERO, help="本月送交不合格的指纹份数;空白按0"),
    Column("是否设立技术员", "has_technician", "bool", help="责任区刑警中队12名专职、其它派出所1名兼职技术员是否设立"),
    _pct("“八类”等案件勘查率", "rate_key", "“八类”案件、投放危险物质、入室盗窃、撬盗保险箱、盗窃汽车、破坏生产案件的现场勘查率(%)"),
    _pct("其他案件勘查率", "rate_other", "其他案件的现场勘查率(%)"),
    _pct("现场勘查率", "rate_scene", "现场勘查后两天内按要求上传现场照片等资料的比率(%)"),
    _pct("入库率", "rate_storage", "七天内按要求录入《现场勘验系统》的比率(%)"),
]


def monthly_records(row: Mapping[str, Any]) -> list[Draft]:
    attrs = {
        "prints": row["prints"],
        "bad_prints": row.get("bad_prints") or 0,
        "has_technician": yn(row["has_technician"]),
    }
    parts = [f"捺印指纹{row['prints']}份"]
    if attrs["bad_prints"]:
        parts.append(f"不合格{attrs['bad_prints']}份")
    if not row["has_technician"]:
        parts.append("未设立技术员")
    for key in ("rate_key", "rate_other", "rate_scene", "rate_storage"):
        if row.get(key) is not None:
            attrs[key] = row[key]
    return [
        Draft(
            key=f"{MONTHLY}:{{unit}}:{row['date'].isoformat()}",
            kind=MONTHLY,
            unit=row["unit"],
            date=row["date"],
            attrs=attrs,
            note="月度数据:" + ",".join(parts),
        )
    ]


MONTHLY_FIGURES = Adapter(
    id="xingzhen.monthly",
    title="刑侦基础工作月度数据",
    department=DEPARTMENT,
    columns=MONTHLY_COLUMNS,
    to_records=monthly_records,
    kinds=[MONTHLY],
)

ADAPTERS = [CASES, PERSONS, FINDINGS, MONTHLY_FIGURES]
