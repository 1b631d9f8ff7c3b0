"""The 消防大队's exports and how each row becomes records. ``to_records`` functions are pure."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kaohe import Adapter, Column, Draft, row_key

from .items import (
    CATASTROPHIC,
    DAY119,
    DEPARTMENT,
    FINDING,
    FINDING_CATEGORIES,
    FIRE,
    GENERAL,
    MAJOR,
    MEETING,
    ONSITE,
    RECTIFICATION,
    TRAINING,
    YES,
)

Row = Mapping[str, Any]

# --- 消防监督系统 执法文书导出 -------------------------------------------------------------------

DOC_RECTIFICATION = "责令改正通知书"
DOC_ONSITE = "当场处罚"
DOC_GENERAL = "一般程序处罚"
# C类 wording of l.638 (“责令限期改正通知书”) is the same document as 责令改正通知书.
DOC_KINDS = {
    DOC_RECTIFICATION: RECTIFICATION,
    "责令限期改正通知书": RECTIFICATION,
    DOC_ONSITE: ONSITE,
    DOC_GENERAL: GENERAL,
}


def enforcement_records(row: Row) -> list[Draft]:
    kind = DOC_KINDS[row["doc_type"]]
    fine: Decimal | None = row.get("fine")
    if kind == RECTIFICATION:
        value = None  # a notice carries no fine; a stray amount is not counted as 罚款额
        note = f"{row['doc_type']} {row['id']}"
    else:
        value = fine if fine is not None else Decimal(0)
        note = f"{row['doc_type']} {row['id']} 罚款{value}元"
    return [Draft(key=row_key(kind, row), kind=kind, unit=row["unit"], date=row["date"], value=value, note=note)]


ENFORCEMENT = Adapter(
    id="xiaofang.enforcement",
    title="消防监督系统执法文书",
    department=DEPARTMENT,
    columns=[
        Column("文书编号", "id", "text", help="消防监督系统中的文书编号(唯一)"),
        Column("派出所", "unit", "unit", aliases=("承办单位", "单位"), help="承办派出所"),
        Column("日期", "date", "date", aliases=("文书日期", "处罚日期", "签发日期"), help="文书签发或处罚决定日期"),
        Column("文书类型", "doc_type", "text", choices=tuple(DOC_KINDS), help="责令改正通知书、当场处罚或一般程序处罚"),
        Column("罚款金额", "fine", "decimal", required=False, minimum=Decimal(0), aliases=("罚款金额(元)",),
               help="处罚的罚款金额(元);警告或责令改正通知书留空"),
    ],
    to_records=enforcement_records,
    kinds=[RECTIFICATION, ONSITE, GENERAL],
)

# --- 消防大队 检查发现问题清单 ---------------------------------------------------------------------


def finding_records(row: Row) -> list[Draft]:
    count = row.get("count") or 1
    remark = row.get("remark") or ""
    note = row["category"] + (f"{count}处" if count != 1 else "") + (f"({remark})" if remark else "")
    return [
        Draft(
            key=row_key(FINDING, row),
            kind=FINDING,
            unit=row["unit"],
            date=row["date"],
            attrs={"category": row["category"], "count": count},
            note=note,
        )
    ]


FINDINGS = Adapter(
    id="xiaofang.findings",
    title="消防大队检查发现问题清单",
    department=DEPARTMENT,
    columns=[
        Column("编号", "id", "text", help="问题编号(唯一)"),
        Column("单位", "unit", "unit", aliases=("派出所",), help="被检查的派出所"),
        Column("检查日期", "date", "date", help="检查发现问题的日期"),
        Column("问题类别", "category", "text", choices=FINDING_CATEGORIES, help="见下表“问题类别”"),
        Column("数量", "count", "int", required=False, minimum=Decimal(1),
               help="缺几项(类)、几处未更新、警务室少几项;留空按1计"),
        Column("说明", "remark", "text", required=False, help="具体情况"),
    ],
    to_records=finding_records,
    kinds=[FINDING],
)

# --- 消防宣传培训活动登记表 -----------------------------------------------------------------------

ACT_TRAINING = "消防宣传培训"
ACT_119 = "119消防宣传日"
ACTIVITY_KINDS = {ACT_TRAINING: TRAINING, ACT_119: DAY119, "“119”消防宣传日": DAY119}


def activity_records(row: Row) -> list[Draft]:
    kind = ACTIVITY_KINDS[row["type"]]
    monotonous = bool(row.get("monotonous"))
    content = row.get("content") or ""
    note = ("“119”消防宣传日活动" if kind == DAY119 else "消防宣传培训活动") + (f":{content}" if content else "")
    if monotonous:
        note += "(内容单调)"
    attrs: dict[str, Any] = {"monotonous": YES if monotonous else "否"}
    if row.get("people") is not None:
        attrs["people"] = row["people"]
    return [Draft(key=row_key(kind, row), kind=kind, unit=row["unit"], date=row["date"], attrs=attrs, note=note)]


ACTIVITIES = Adapter(
    id="xiaofang.activities",
    title="消防宣传培训活动登记表",
    department=DEPARTMENT,
    columns=[
        Column("活动编号", "id", "text", help="活动编号(唯一)"),
        Column("派出所", "unit", "unit", aliases=("单位",), help="开展活动的派出所"),
        Column("活动日期", "date", "date", help="活动日期"),
        Column("活动类型", "type", "text", choices=tuple(ACTIVITY_KINDS), help="消防宣传培训 或 119消防宣传日"),
        Column("活动内容", "content", "text", required=False, help="活动内容摘要"),
        Column("参加人数", "people", "int", required=False, minimum=Decimal(0), help="参加人数"),
        Column("内容单调", "monotonous", "bool", required=False,
               help="是/否,由消防大队评定(119消防宣传日活动内容单调的扣1分);留空为否"),
    ],
    to_records=activity_records,
    kinds=[TRAINING, DAY119],
)

# --- 消防工作例会登记表 ---------------------------------------------------------------------------


def meeting_records(row: Row) -> list[Draft]:
    topic = row.get("topic") or ""
    return [
        Draft(
            key=row_key(MEETING, row),
            kind=MEETING,
            unit=row["unit"],
            date=row["date"],
            note="消防工作例会" + (f":{topic}" if topic else ""),
        )
    ]


MEETINGS = Adapter(
    id="xiaofang.meetings",
    title="消防工作例会登记表",
    department=DEPARTMENT,
    columns=[
        Column("会议编号", "id", "text", help="会议编号(唯一)"),
        Column("派出所", "unit", "unit", aliases=("单位",), help="召开例会的派出所"),
        Column("会议日期", "date", "date", help="例会召开日期"),
        Column("会议内容", "topic", "text", required=False, help="议题摘要"),
        Column("参会人数", "people", "int", required=False, minimum=Decimal(0), help="参会人数"),
    ],
    to_records=meeting_records,
    kinds=[MEETING],
)

# --- 火灾接处警及调查登记表 -----------------------------------------------------------------------

GRADES = ("一般", "较大", "重大", "特大", "特别重大")


def fire_severity(grade: str, deaths: int) -> str:
    """特大 (or 特别重大) counts as 特大 only, even with deaths (one record, highest level: l.404, l.458);
    重大, or any fire with a death, is 重大或亡人; otherwise none."""
    if grade in ("特大", "特别重大"):
        return CATASTROPHIC
    if grade == "重大" or deaths > 0:
        return MAJOR
    return ""


def _yes(value: Any) -> str:
    return YES if value else "否"


def fire_records(row: Row) -> list[Draft]:
    deaths = row.get("deaths") or 0
    severity = fire_severity(row["grade"], deaths)
    flags = {
        "late_arrival": ("接警未及时到场", row.get("late_arrival")),
        "investigation_late": ("调查处理不及时", row.get("investigation_late")),
        "no_cooperation": ("未积极配合调查", row.get("no_cooperation")),
        "supervision_failed": ("监督措施未到位", row.get("supervision_failed")),
    }
    parts = [f"{row['grade']}火灾 {row['id']}"]
    if row.get("place"):
        parts.append(str(row["place"]))
    if deaths:
        parts.append(f"死亡{deaths}人")
    parts += [label for label, v in flags.values() if v]
    attrs: dict[str, Any] = {"grade": row["grade"], "deaths": deaths, "severity": severity}
    attrs.update({k: _yes(v) for k, (_, v) in flags.items()})
    if row.get("loss") is not None:
        attrs["loss"] = row["loss"]
    return [Draft(key=row_key(FIRE, row), kind=FIRE, unit=row["unit"], date=row["date"], attrs=attrs, note=" ".join(parts))]


FIRES = Adapter(
    id="xiaofang.fires",
    title="火灾接处警及调查登记表",
    department=DEPARTMENT,
    columns=[
        Column("火灾编号", "id", "text", help="火灾编号(唯一)"),
        Column("派出所", "unit", "unit", aliases=("辖区派出所",), help="火灾所在辖区派出所"),
        Column("起火日期", "date", "date", aliases=("报警日期",), help="起火(报警)日期"),
        Column("起火地点", "place", "text", required=False, help="起火单位或地点"),
        Column("火灾等级", "grade", "text", choices=GRADES, help="一般、较大、重大、特大(特别重大)"),
        Column("死亡人数", "deaths", "int", required=False, minimum=Decimal(0), help="死亡人数;留空为0"),
        Column("直接经济损失", "loss", "decimal", required=False, minimum=Decimal(0), aliases=("直接经济损失(元)",),
               help="直接经济损失(元)"),
        Column("接警未及时到场", "late_arrival", "bool", required=False, help="是/否:接到报警不及时到现场"),
        Column("调查处理不及时", "investigation_late", "bool", required=False, help="是/否:火灾调查处理不及时"),
        Column("未积极配合调查", "no_cooperation", "bool", required=False, help="是/否:不积极配合消防机构调查火灾"),
        Column("监督措施未到位", "supervision_failed", "bool", required=False, help="是/否:因监督措施未到位发生火灾"),
    ],
    to_records=fire_records,
    kinds=[FIRE],
)

ADAPTERS = [ENFORCEMENT, FINDINGS, ACTIVITIES, MEETINGS, FIRES]
