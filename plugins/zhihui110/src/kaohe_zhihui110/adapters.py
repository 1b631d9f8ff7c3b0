"""The exports of 110 指挥中心 and the pure functions that turn a row into records.

The adapters derive durations (arrival minutes, feedback hours) from the times in the row; they
never decide whether a duration is late: the limits are the items' parameters (items.py).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from kaohe import Adapter, CellError, Column, D, Draft, Row, row_key

from .items import (
    ANSWER_OK,
    ANSWERS,
    AREAS,
    DEPARTMENT,
    DISPATCH,
    GRADES,
    MONTHLY,
    ORDINARY,
    PATROL_INFO,
    PROBLEM,
    PROBLEMS,
    ROBBERY,
    THEFT,
    URGENT,
)


def _elapsed(start: dt.datetime, end: dt.datetime, seconds_per: int, start_name: str, end_name: str) -> tuple[Decimal, str]:
    """Minutes or hours from ``start`` to ``end`` (whole seconds), to two decimals (half up), and
    as the note writes it (7, 7.5, 1.25). Worked in hundredths as integers: every 110 record has
    two of these."""
    delta = end - start
    if delta.days < 0:
        raise CellError(f"{end_name}{end:%Y-%m-%d %H:%M}早于{start_name}{start:%Y-%m-%d %H:%M}")
    hundredths, rest = divmod((delta.days * 86400 + delta.seconds) * 100, seconds_per)
    if 2 * rest >= seconds_per:
        hundredths += 1
    whole, cents = divmod(hundredths, 100)
    text = str(whole) if cents == 0 else f"{whole}.{cents:02d}".rstrip("0")
    return Decimal(hundredths).scaleb(-2), text


def _fmt(d: Decimal) -> str:
    d = d.normalize()
    return format(d.quantize(Decimal(1)) if d == d.to_integral_value() else d, "f")


# --- 110接处警记录 -------------------------------------------------------------------------------

DISPATCH_COLUMNS = [
    Column("警情编号", "id", "text", help="110接处警系统的警情编号,每条警情唯一"),
    Column("处警单位", "unit", "unit", aliases=("派出所",), help="派出所名称或简称(如 金城派出所、金城所)"),
    Column("警情等级", "grade", "text", choices=GRADES, aliases=("警情类别",), help="一类、二类、三类"),
    Column("发生地区域", "area", "text", choices=AREAS, help="城区(城区中心区域)、城郊(城郊结合部中心区域)、农村"),
    Column(
        "是否重大紧急",
        "urgent",
        "bool",
        required=False,
        help="是:重大紧急警情(2小时内反馈);否或空:一般警情(24小时内反馈)",
    ),
    Column("派单时间", "dispatched", "datetime", help="指挥中心下达处警指令的时间(如 2015-04-03 14:20)"),
    Column(
        "签收情况",
        "answer",
        "text",
        required=False,
        choices=ANSWERS,
        help="正常签收(空视为正常签收)、网络派单未登录、电话无人接听、通信装备失灵未事先申报",
    ),
    Column("到达时间", "arrived", "datetime", required=False, help="处警民警到达现场的时间;未到场或三类警情未出警可空"),
    Column("反馈时间", "fed_back", "datetime", required=False,
           help="通过警务综合平台反馈初步结果的时间;空白按“未反馈”,算作未及时反馈"),
    Column("反馈内容是否规范", "standard", "bool", required=False, help="是或空:规范;否:反馈内容不规范"),
]


def dispatch_to_records(row: Row) -> list[Draft]:
    """One 警情 → one record; durations derived from the times, limits left to the items."""
    start: dt.datetime = row["dispatched"]
    answer = row.get("answer") or ANSWER_OK
    urgency = URGENT if row.get("urgent") else ORDINARY
    attrs: dict[str, Any] = {
        "grade": row["grade"],
        "area": row["area"],
        "urgency": urgency,
        "answer": answer,
        "feedback_standard": "否" if row.get("standard") is False else "是",
    }
    note = [f"警情{row['id']}", f"{row['grade']}警情", row["area"]]
    if urgency == URGENT:
        note.append(URGENT)
    if answer != ANSWER_OK:
        note.append(answer)
    if row.get("arrived") is not None:
        minutes, text = _elapsed(start, row["arrived"], 60, "派单时间", "到达时间")
        attrs["arrival_minutes"] = minutes
        note.append(f"到场用时{text}分钟")
    if row.get("fed_back") is not None:
        hours, text = _elapsed(start, row["fed_back"], 3600, "派单时间", "反馈时间")
        attrs["feedback_hours"] = hours
        note.append(f"反馈用时{text}小时")
    if attrs["feedback_standard"] == "否":
        note.append("反馈内容不规范")
    return [
        Draft(
            key=row_key(DISPATCH, row),
            kind=DISPATCH,
            unit=row["unit"],
            date=start.date(),
            attrs=attrs,
            note=" ".join(note),
            column="派单时间",
        )
    ]


DISPATCH_ADAPTER = Adapter(
    id="zhihui110.dispatch",
    title="110接处警记录",
    department=DEPARTMENT,
    columns=DISPATCH_COLUMNS,
    to_records=dispatch_to_records,
    kinds=[DISPATCH],
    unit_column="unit",
    date_column="dispatched",
)


# --- 处警问题登记 --------------------------------------------------------------------------------

PROBLEM_COLUMNS = [
    Column("登记编号", "id", "text", help="指挥中心的问题登记编号,每条唯一"),
    Column("派出所", "unit", "unit", aliases=("责任单位",), help="被扣分的派出所(移交推诿、拒绝的,填接受单位)"),
    Column("发现日期", "date", "date", aliases=("日期",), help="问题发生或发现的日期"),
    Column("问题类别", "problem", "text", choices=PROBLEMS, help="见下表“问题类别”的取值"),
    Column(
        "扣分",
        "points",
        "decimal",
        required=False,
        minimum=Decimal(0),
        help="只在“造成群众投诉、媒体炒作等严重后果”“因联络不畅导致群众投诉等严重后果”时填写,5至10分(填正数)",
    ),
    Column("关联警情编号", "incident", "text", required=False, help="相关警情的编号"),
    Column("情况说明", "remark", "text", required=False, help="简要情况"),
]


def problem_to_records(row: Row) -> list[Draft]:
    """One registered problem → one record; the points of a range item (扣5-10分) travel as a
    negative value, which the item checks against its bounds at import."""
    points = row.get("points")
    value = None if points is None else -D(points)
    note = row["problem"]
    if row.get("incident"):
        note += f"(警情{row['incident']})"
    if row.get("remark"):
        note += f":{row['remark']}"
    attrs = {"problem": row["problem"]}
    if row.get("incident"):
        attrs["incident"] = row["incident"]
    return [
        Draft(
            key=row_key(PROBLEM, row),
            kind=PROBLEM,
            unit=row["unit"],
            date=row["date"],
            value=value,
            attrs=attrs,
            note=note,
            column="扣分" if value is not None else "问题类别",
        )
    ]


PROBLEM_ADAPTER = Adapter(
    id="zhihui110.problems",
    title="110处警问题登记",
    department=DEPARTMENT,
    columns=PROBLEM_COLUMNS,
    to_records=problem_to_records,
    kinds=[PROBLEM],
    unit_column="unit",
    date_column="date",
)


# --- 派出所月度回访、巡逻盘查统计 ------------------------------------------------------------------

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def parse_month(text: str) -> dt.date:
    """``2015-04`` / ``2015年4月`` / ``2015.4`` → the 1st of that month, which lies in assessment
    month 2015-04 whatever the bureau's cut-off day (the 1st is never after the cut-off)."""
    m = _MONTH.match(str(text))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise CellError(f"统计月份应写作 2015-04 或 2015年4月,得到 {text!r}")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


MONTHLY_COLUMNS = [
    Column("统计月份", "month", "text", aliases=("月份",), help="考核月份,如 2015-04 或 2015年4月"),
    Column("派出所", "unit", "unit", help="派出所名称或简称"),
    Column(
        "回访满意率",
        "satisfaction",
        "percent",
        required=False,
        minimum=Decimal(0),
        maximum=Decimal(100),
        help="指挥中心当月回访的满意率,如 96.5 或 96.5%",
    ),
    Column("巡逻民警人数", "patrol_officers", "int", minimum=Decimal(1), help="当月参加巡逻的民警人数"),
    Column(
        "盘查人(辆)次",
        "checks",
        "int",
        aliases=("盘查人次", "盘查人(辆)次"),
        minimum=Decimal(0),
        help="当月录入市局治安巡逻盘查系统的盘查嫌疑人员(车辆)人(辆)次合计",
    ),
]


def monthly_to_records(row: Row) -> list[Draft]:
    day = parse_month(row["month"])
    attrs: dict[str, Any] = {"patrol_officers": row["patrol_officers"], "checks": row["checks"]}
    note = f"{day.year}年{day.month}月 巡逻民警{row['patrol_officers']}人 盘查{row['checks']}人(辆)次"
    if row.get("satisfaction") is not None:
        attrs["satisfaction"] = row["satisfaction"]
        note += f" 回访满意率{_fmt(row['satisfaction'])}%"
    return [
        Draft(
            key=f"{MONTHLY}:{{unit}}:{day:%Y-%m}",
            kind=MONTHLY,
            unit=row["unit"],
            date=day,
            attrs=attrs,
            note=note,
            column="回访满意率",
        )
    ]


MONTHLY_ADAPTER = Adapter(
    id="zhihui110.monthly",
    title="派出所月度回访及巡逻盘查统计",
    department=DEPARTMENT,
    columns=MONTHLY_COLUMNS,
    to_records=monthly_to_records,
    kinds=[MONTHLY],
    unit_column="unit",
    date_column="month",
)


# --- 巡防信息报送登记 ----------------------------------------------------------------------------

INFO_COLUMNS = [
    Column("信息编号", "id", "text", help="巡防信息的登记编号,每条唯一"),
    Column("报送单位", "unit", "unit", aliases=("派出所",), help="报送信息的派出所"),
    Column("报送日期", "date", "date", help="报送日期(计入所在考核月)"),
    Column("信息标题", "title", "text", required=False, help="信息标题"),
    Column(
        "录用情况",
        "adopted",
        "text",
        required=False,
        help="空或“未录用”;被录用的填录用单位:常州市局、省厅(两级都录用的写“常州市局、省厅”,按最高一级计分)",
    ),
]

NOT_ADOPTED = {"", "未录用", "无", "否"}


def info_to_records(row: Row) -> list[Draft]:
    adopted = (row.get("adopted") or "").strip()
    attrs: dict[str, Any] = {"adopted": "否" if adopted in NOT_ADOPTED else "是"}
    note = f"巡防信息{row['id']}"
    if row.get("title"):
        note += f"“{row['title']}”"
    if attrs["adopted"] == "是":
        attrs["level"] = adopted
        note += f" 被{adopted}录用"
    return [
        Draft(
            key=row_key(PATROL_INFO, row),
            kind=PATROL_INFO,
            unit=row["unit"],
            date=row["date"],
            attrs=attrs,
            note=note,
            column="录用情况",
        )
    ]


INFO_ADAPTER = Adapter(
    id="zhihui110.patrol_info",
    title="巡防信息报送登记",
    department=DEPARTMENT,
    columns=INFO_COLUMNS,
    to_records=info_to_records,
    kinds=[PATROL_INFO],
    unit_column="unit",
    date_column="date",
)


# --- “两抢”、盗窃警情 ------------------------------------------------------------------------------

ROBBERY_TYPES = ("抢劫", "抢夺", "两抢")
THEFT_TYPES = ("盗窃",)

ALARM_COLUMNS = [
    Column("警情编号", "id", "text", help="110接处警系统的警情编号"),
    Column("管辖单位", "unit", "unit", aliases=("派出所",), help="警情发生地的派出所"),
    Column("报警日期", "date", "date", aliases=("报警时间",), help="报警日期(去年同期的警情也一并导入)"),
    Column("警情类型", "type", "text", choices=(*ROBBERY_TYPES, *THEFT_TYPES), help="抢劫、抢夺(合称“两抢”)或盗窃"),
]


def alarm_to_records(row: Row) -> list[Draft]:
    kind = ROBBERY if row["type"] in ROBBERY_TYPES else THEFT
    return [
        Draft(
            key=row_key(kind, row),
            kind=kind,
            unit=row["unit"],
            date=row["date"],
            attrs={"type": row["type"]},
            note=f"{row['type']}警情{row['id']}",
            column="警情类型",
        )
    ]


ALARM_ADAPTER = Adapter(
    id="zhihui110.alarms",
    title="“两抢”及盗窃警情",
    department=DEPARTMENT,
    columns=ALARM_COLUMNS,
    to_records=alarm_to_records,
    kinds=[ROBBERY, THEFT],
    unit_column="unit",
    date_column="date",
)

ADAPTERS = [DISPATCH_ADAPTER, PROBLEM_ADAPTER, MONTHLY_ADAPTER, INFO_ADAPTER, ALARM_ADAPTER]
