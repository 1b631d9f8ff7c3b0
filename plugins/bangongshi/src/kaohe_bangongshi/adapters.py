"""The registers of the 局办公室, 信息中心 and 政工室, and how each row becomes records.

``to_records`` functions are pure. A record's key is the register's own number (for a monthly figure
the unit and the month; for an instruction signed by several stations the instruction and the unit),
so a re-import or a corrected register never counts a fact twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kaohe import Adapter, Column, Draft, row_key, working_day_deadline

from .items import (
    ADOPTION,
    ADOPTION_LEVELS,
    ANALYSIS,
    ANALYSIS_KINDS,
    BANK,
    FABRICATED,
    INFO_CENTRE,
    INSTRUCTION,
    INTEL,
    KEY_PERSON,
    NO,
    OFFICE,
    PUBLICITY,
    PUBLICITY_LEVELS,
    QUALITY,
    REPORTING,
    REPORTING_KINDS,
    RETURNED,
    WARNING,
    YES,
    ZHENGGONG,
    ZHENGGONG_LEVELS,
    ZHENGGONG_OFFICE,
)

Row = Mapping[str, Any]
ZERO_OK = Decimal(0)


def _yes(value: Any) -> str:
    return YES if value else NO


def _n(value: Any) -> int:
    return int(value or 0)


# --- 局办公室 情报信息报送月统计表 (l.458) -------------------------------------------------------------


def intel_records(row: Row) -> list[Draft]:
    month = row["month"]
    attrs: dict[str, Any] = {"total": row["total"], "stability": _n(row.get("stability")), "archive": _n(row.get("archive"))}
    note = f"{month.chinese}报送情报信息{row['total']}条,其中维稳信息{attrs['stability']}条,档案信息{attrs['archive']}条"
    if row.get("headcount"):
        attrs["headcount"] = row["headcount"]
        note += f"(民警{row['headcount']}人)"
    return [Draft(key=f"{INTEL}:{{unit}}:{month.label}", kind=INTEL, unit=row["unit"], date=month, attrs=attrs, note=note)]


INTEL_MONTHLY = Adapter(
    id="bangongshi.intel_monthly",
    title="情报信息报送月统计表",
    department=OFFICE,
    columns=[
        Column("月份", "month", "month", aliases=("考核月份",), help="考核月份,如 2015-04 或 2015年4月(上月21日至当月20日)"),
        Column("单位", "unit", "unit", aliases=("派出所", "报送单位"), help="派出所名称"),
        Column("民警人数", "headcount", "int", required=False, minimum=Decimal(1),
               help="本月民警人数;留空按本局单位名单中的民警人数计算"),
        Column("上报情报信息数", "total", "int", minimum=ZERO_OK, aliases=("情报信息报送数",),
               help="本月收集上报并录入信息系统的情报信息条数(含维稳信息、档案信息、经国保大队核实的国保类信息)"),
        Column("其中维稳信息数", "stability", "int", required=False, minimum=ZERO_OK,
               help="其中涉及维护政治稳定的情报信息条数;留空为0"),
        Column("上报档案信息数", "archive", "int", required=False, minimum=ZERO_OK, help="本月上报的档案信息条数;留空为0"),
    ],
    to_records=intel_records,
    kinds=[INTEL],
)

# --- 局办公室 情报信息退回及弄虚作假登记 (l.460) ----------------------------------------------------


def quality_records(row: Row) -> list[Draft]:
    note = f"情报信息{row['problem']}:{row['title']}" + (f"({row['reason']})" if row.get("reason") else "")
    return [Draft(key=row_key(QUALITY, row), kind=QUALITY, unit=row["unit"], date=row["date"],
                  attrs={"problem": row["problem"]}, note=note)]


QUALITY_REGISTER = Adapter(
    id="bangongshi.intel_quality",
    title="情报信息退回及弄虚作假登记",
    department=OFFICE,
    columns=[
        Column("登记编号", "id", "text", help="登记编号(唯一);同一条信息退回两次登记两行"),
        Column("单位", "unit", "unit", aliases=("派出所", "报送单位"), help="报送信息的派出所"),
        Column("日期", "date", "date", aliases=("退回日期", "发现日期"), help="退回或发现弄虚作假的日期"),
        Column("信息标题", "title", "text", help="被退回或弄虚作假的情报信息标题"),
        Column("处理情况", "problem", "text", choices=(RETURNED, FABRICATED), help="退回 或 弄虚作假"),
        Column("原因", "reason", "text", required=False, help="如:要素不全、表达不清、内容虚假"),
    ],
    to_records=quality_records,
    kinds=[QUALITY],
)

# --- 局办公室 情报信息录用登记 (l.458, l.462) ------------------------------------------------------

LEVEL_ALIASES = {
    "市局每日公安情况": "每日公安情况",
    "市局公安社情民意": "公安社情民意",
    "市局国保信息": "国保信息",
    "金坛政府": "金坛市政府",
    "常州市公安局": "常州市局",
    "常州政府": "常州市政府",
    "省公安厅": "省厅",
    "江苏政府": "江苏省政府",
    "江苏省人民政府": "江苏省政府",
    "国家级": "全国",
    "省": "省级",
    "地市级": "地级",
    "县级": "金坛级",
    "部": "公安部",
    "省厅": "省厅",
}


def _levels(text: str, allowed: Mapping[str, Decimal]) -> list[str]:
    """The levels written in a cell (several separated by 、 , ;), normalised; unknown levels raise."""
    parts = str(text)
    for sep in (",", ";", ";", ",", "/", " "):
        parts = parts.replace(sep, "、")
    out = []
    for raw in parts.split("、"):
        name = raw.strip().replace("《", "").replace("》", "")
        if not name:
            continue
        name = name if name in allowed else LEVEL_ALIASES.get(name, name)
        if name not in allowed:
            raise ValueError(f"录用级别“{raw.strip()}”不是 {'、'.join(allowed)} 之一")
        if name not in out:
            out.append(name)
    if not out:
        raise ValueError("录用级别不能为空")
    return out


def _highest(levels: list[str], table: Mapping[str, Decimal]) -> str:
    return max(levels, key=lambda lv: table[lv])


def adoption_records(row: Row) -> list[Draft]:
    levels = _levels(row["levels"], ADOPTION_LEVELS)
    archive = bool(row.get("archive"))
    note = ("档案信息" if archive else "情报信息") + f"“{row['title']}”被{'、'.join(levels)}录用"
    if row.get("endorsed"):
        note += ",获上级领导批示肯定"
    attrs = {"level": "、".join(levels), "archive": _yes(archive), "endorsed": _yes(row.get("endorsed"))}
    return [Draft(key=row_key(ADOPTION, row), kind=ADOPTION, unit=row["unit"], date=row["date"], attrs=attrs, note=note)]


ADOPTIONS = Adapter(
    id="bangongshi.intel_adoption",
    title="情报信息录用登记",
    department=OFFICE,
    columns=[
        Column("信息编号", "id", "text", help="上报信息的编号(唯一);同一条信息被多级录用只登记一行"),
        Column("报送单位", "unit", "unit", aliases=("单位", "派出所"), help="报送信息的派出所"),
        Column("录用日期", "date", "date", help="录用日期(被多级录用的,填最高一级的录用日期)"),
        Column("信息标题", "title", "text", help="信息标题"),
        Column("档案信息", "archive", "bool", required=False, help="是/否:是档案信息的按情报信息档次减半加分;留空为否"),
        Column("录用刊物(级别)", "levels", "text", aliases=("录用级别", "采用刊物"),
               help="每日公安情况、公安社情民意、国保信息、金坛市政府、常州市局、常州市政府、省厅、江苏省政府、公安部;"
               "被多级录用的用顿号分开全部写上,按最高值加分"),
        Column("领导批示肯定", "endorsed", "bool", required=False, aliases=("上级领导批示肯定",),
               help="是/否:上报信息被上级领导批示予以肯定;留空为否"),
    ],
    to_records=adoption_records,
    kinds=[ADOPTION],
)

# --- 局办公室 报告制度执行情况登记 (l.458) ---------------------------------------------------------


def reporting_records(row: Row) -> list[Draft]:
    notified = bool(row.get("notified"))
    note = f"{row['violation']}:{row['matter']}" + (",被上级公安机关通报或倒查" if notified else "")
    return [Draft(key=row_key(REPORTING, row), kind=REPORTING, unit=row["unit"], date=row["date"],
                  attrs={"violation": row["violation"], "notified": _yes(notified)}, note=note)]


REPORTING_REGISTER = Adapter(
    id="bangongshi.reporting",
    title="报告制度执行情况登记",
    department=OFFICE,
    columns=[
        Column("登记编号", "id", "text", help="登记编号(唯一)"),
        Column("单位", "unit", "unit", aliases=("派出所",), help="违反报告制度的派出所"),
        Column("日期", "date", "date", aliases=("发生日期",), help="应报送(或案事件发生)的日期"),
        Column("违规情形", "violation", "text", choices=REPORTING_KINDS,
               help="未按规定报送(报表、信息、工作汇报、小结总结,每次扣2分);迟报、漏报、瞒报(重大案件、事件、事故,每次扣10分)"),
        Column("事由", "matter", "text", help="未报送的材料,或重大案件、事件、事故的简要情况"),
        Column("被上级通报或倒查", "notified", "bool", required=False,
               help="是/否:因迟报、漏报或瞒报被上级公安机关通报或倒查的(每次扣30分,不再另扣10分);留空为否"),
    ],
    to_records=reporting_records,
    kinds=[REPORTING],
)

# --- 信息中心 情报信息分析研判问题登记 (l.464) -----------------------------------------------------


def analysis_records(row: Row) -> list[Draft]:
    return [Draft(key=row_key(ANALYSIS, row), kind=ANALYSIS, unit=row["unit"], date=row["date"],
                  attrs={"cause": row["cause"]}, note=f"{row['cause']},发生重大敏感问题:{row['matter']}")]


ANALYSIS_REGISTER = Adapter(
    id="bangongshi.analysis",
    title="情报信息分析研判问题登记",
    department=INFO_CENTRE,
    columns=[
        Column("登记编号", "id", "text", help="登记编号(唯一)"),
        Column("单位", "unit", "unit", aliases=("派出所",), help="派出所名称"),
        Column("发生日期", "date", "date", help="重大敏感问题发生的日期"),
        Column("原因", "cause", "text", choices=ANALYSIS_KINDS, help="预警分析研判不及时、舆情导控不得力 或 值班制度不健全"),
        Column("重大敏感问题", "matter", "text", help="发生的重大敏感问题"),
    ],
    to_records=analysis_records,
    kinds=[ANALYSIS],
)

# --- 信息中心 预警信息录用登记 (l.464) -------------------------------------------------------------


def warning_records(row: Row) -> list[Draft]:
    return [Draft(key=row_key(WARNING, row), kind=WARNING, unit=row["unit"], date=row["date"],
                  note=f"预警信息“{row['title']}”录用")]


WARNINGS = Adapter(
    id="bangongshi.warning",
    title="预警信息录用登记",
    department=INFO_CENTRE,
    columns=[
        Column("预警信息编号", "id", "text", help="编号(唯一)"),
        Column("上报单位", "unit", "unit", aliases=("单位", "派出所"), help="上报预警信息的派出所"),
        Column("录用日期", "date", "date", help="预警信息被录用的日期"),
        Column("预警信息标题", "title", "text", help="标题"),
    ],
    to_records=warning_records,
    kinds=[WARNING],
)

# --- 信息中心 查控指令、预警信息签注反馈及查控登记 (l.466) ------------------------------------------

INSTRUCTION_TYPES = {"查控指令": 2, "预警信息": 2, "通知": 1}
"""Working days allowed for the 签注反馈 (l.466): 查控指令、预警信息 2 个工作日; 通知等其他事项 1 个工作日."""


def signoff_deadline(issued: dt.date, working_days: int) -> dt.date:
    """The last day of the sign-off: the ``working_days``-th working day after the day of issue
    (Saturdays and Sundays are not working days; public holidays are not known to the register)."""
    return working_day_deadline(issued, working_days)


def instruction_records(row: Row) -> list[Draft]:
    issued: dt.date = row["date"]
    kind_text = row["type"]
    deadline = signoff_deadline(issued, INSTRUCTION_TYPES[kind_text])
    signed: dt.date | None = row.get("signed")
    if signed is not None and signed < issued:
        raise ValueError(f"签注反馈日期 {signed} 早于下发日期 {issued}")
    problems = []
    if signed is None:
        problems.append("未签注反馈")
    elif signed > deadline:
        problems.append(f"{signed.month}月{signed.day}日签注反馈,超过期限{deadline.month}月{deadline.day}日")
    if row.get("substandard"):
        problems.append("反馈内容达不到要求")
    catches, this_year, earlier = _n(row.get("catches")), _n(row.get("cases_this_year")), _n(row.get("cases_earlier"))
    note = f"{kind_text}{row['id']}" + (f"({';'.join(problems)})" if problems else "")
    results = [f"抓获{catches}人" if catches else "", f"破获年内本地案件{this_year}起" if this_year else "",
               f"破获年前本地案件{earlier}起" if earlier else ""]
    if any(results):
        note += ",落实措施" + "、".join(r for r in results if r)
    attrs = {
        "type": kind_text,
        "failed": _yes(problems),
        "catches": catches,
        "cases_this_year": this_year,
        "cases_earlier": earlier,
    }
    return [Draft(key=f"{INSTRUCTION}:{row['id']}:{{unit}}", kind=INSTRUCTION, unit=row["unit"], date=issued,
                  attrs=attrs, note=note)]


INSTRUCTIONS = Adapter(
    id="bangongshi.instructions",
    title="查控指令、预警信息签注反馈及查控登记",
    department=INFO_CENTRE,
    columns=[
        Column("指令编号", "id", "text", aliases=("编号",), help="市局发布的查控指令、预警信息或通知的编号;同一编号下发多个所的,每个所一行"),
        Column("签收单位", "unit", "unit", aliases=("单位", "派出所"), help="派出所名称"),
        Column("类型", "type", "text", choices=tuple(INSTRUCTION_TYPES),
               help="查控指令、预警信息(2个工作日内签注反馈)或 通知(1个工作日内)"),
        Column("下发日期", "date", "date", help="市局下发日期"),
        Column("签注反馈日期", "signed", "date", required=False, help="网上签阅反馈的日期;未签注反馈的留空"),
        Column("反馈内容不合要求", "substandard", "bool", required=False,
               help="是/否:签阅内容未注明如何落实及采用哪些工作措施等;留空为否"),
        Column("抓获嫌疑人员数", "catches", "int", required=False, minimum=ZERO_OK, help="针对该指令落实措施抓获的嫌疑人员数"),
        Column("破获年内本地案件数", "cases_this_year", "int", required=False, minimum=ZERO_OK, help="破获年内本地案件起数"),
        Column("破获年前本地案件数", "cases_earlier", "int", required=False, minimum=ZERO_OK, help="破获年前本地案件起数"),
    ],
    to_records=instruction_records,
    kinds=[INSTRUCTION],
)

# --- 信息中心 重点人员签收反馈及管控登记 (l.468, l.470) ---------------------------------------------


def key_person_records(row: Row) -> list[Draft]:
    catches, this_year, earlier = _n(row.get("catches")), _n(row.get("cases_this_year")), _n(row.get("cases_earlier"))
    flags = [
        ("late", "超时签收或反馈"),
        ("notified", "因反馈质量被常州通报"),
        ("checked_back", "管控不到位被部、省、市倒查"),
    ]
    parts = [f"重点人员预警{row['id']}({row['person']})"]
    parts += [label for key, label in flags if row.get(key)]
    results = [f"抓获{catches}人" if catches else "", f"破获年内本地案件{this_year}起" if this_year else "",
               f"破获年前本地案件{earlier}起" if earlier else ""]
    if any(results):
        parts.append("落实管控措施" + "、".join(r for r in results if r))
    attrs: dict[str, Any] = {key: _yes(row.get(key)) for key, _ in flags}
    attrs.update(catches=catches, cases_this_year=this_year, cases_earlier=earlier)
    return [Draft(key=f"{KEY_PERSON}:{row['id']}:{{unit}}", kind=KEY_PERSON, unit=row["unit"], date=row["date"],
                  attrs=attrs, note=" ".join(parts))]


KEY_PERSONS = Adapter(
    id="bangongshi.key_persons",
    title="重点人员签收反馈及管控登记",
    department=INFO_CENTRE,
    columns=[
        Column("预警编号", "id", "text", help="市级情报平台下发的重点人员预警编号"),
        Column("签收单位", "unit", "unit", aliases=("单位", "派出所"), help="派出所名称"),
        Column("下发日期", "date", "date", help="情报平台下发日期"),
        Column("重点人员", "person", "text", aliases=("姓名",), help="重点人员姓名"),
        Column("超时签收或反馈", "late", "bool", required=False, help="是/否:超时签收或超时反馈;留空为否"),
        Column("反馈质量被常州通报", "notified", "bool", required=False, help="是/否;留空为否"),
        Column("抓获嫌疑人员数", "catches", "int", required=False, minimum=ZERO_OK,
               help="根据该预警落实管控经营措施抓获的嫌疑人员数(以警务平台数据为准)"),
        Column("破获年内本地案件数", "cases_this_year", "int", required=False, minimum=ZERO_OK, help="破获年内本地案件起数"),
        Column("破获年前本地案件数", "cases_earlier", "int", required=False, minimum=ZERO_OK, help="破获年前本地案件起数"),
        Column("被部省市倒查", "checked_back", "bool", required=False,
               help="是/否:该重点人员预警管控不到位,被部、省、市倒查;留空为否"),
    ],
    to_records=key_person_records,
    kinds=[KEY_PERSON],
)

# --- 信息中心 银行系统报警抓获网上逃犯登记 (l.468) ------------------------------------------------


def bank_records(row: Row) -> list[Draft]:
    return [Draft(key=row_key(BANK, row), kind=BANK, unit=row["unit"], date=row["date"],
                  note=f"通过银行系统报警抓获网上逃犯{row['person']}")]


BANK_CATCHES = Adapter(
    id="bangongshi.bank_catches",
    title="银行系统报警抓获网上逃犯登记",
    department=INFO_CENTRE,
    columns=[
        Column("登记编号", "id", "text", help="编号(唯一),一名逃犯一行"),
        Column("抓获单位", "unit", "unit", aliases=("单位", "派出所"), help="派出所名称"),
        Column("抓获日期", "date", "date", help="抓获日期"),
        Column("逃犯姓名", "person", "text", help="网上逃犯姓名"),
    ],
    to_records=bank_records,
    kinds=[BANK],
)

# --- 政工室 宣传报道及政工信息录用登记 (l.472) -----------------------------------------------------

CATEGORY_PUBLICITY = "宣传报道"
CATEGORY_ZHENGGONG = "政工信息"
LEVEL_TABLES = {CATEGORY_PUBLICITY: (PUBLICITY, PUBLICITY_LEVELS), CATEGORY_ZHENGGONG: (ZHENGGONG, ZHENGGONG_LEVELS)}


def publicity_records(row: Row) -> list[Draft]:
    kind, table = LEVEL_TABLES[row["category"]]
    levels = _levels(row["levels"], table)
    level = _highest(levels, table)
    note = f"{row['category']}“{row['title']}”" + (f"({row['media']})" if row.get("media") else "") + f" {_level_name(level)}录用"
    if len(levels) > 1:
        note += f"(另被{'、'.join(lv for lv in levels if lv != level)}录用,按最高值计)"
    return [Draft(key=row_key(kind, row), kind=kind, unit=row["unit"], date=row["date"], attrs={"level": level}, note=note)]


PUBLICITY_REGISTER = Adapter(
    id="bangongshi.publicity",
    title="宣传报道及政工信息录用登记",
    department=ZHENGGONG_OFFICE,
    columns=[
        Column("稿件编号", "id", "text", help="编号(唯一);同一篇稿件被多级录用只登记一行"),
        Column("单位", "unit", "unit", aliases=("派出所", "撰稿单位"), help="派出所名称"),
        Column("录用日期", "date", "date", aliases=("刊发日期",), help="录用(刊发)日期"),
        Column("类别", "category", "text", choices=tuple(LEVEL_TABLES), help="宣传报道 或 政工信息"),
        Column("稿件标题", "title", "text", help="标题"),
        Column("录用级别", "levels", "text",
               help="宣传报道:全国、省级、地级、金坛级;政工信息:公安部、省厅政治部、常州市局政治部(《政工快讯》)。"
               "被多级录用的用顿号分开,按最高值计"),
        Column("刊发媒体", "media", "text", required=False, help="刊发的报刊、网站或简报名称"),
    ],
    to_records=publicity_records,
    kinds=[PUBLICITY, ZHENGGONG],
)

ADAPTERS = [
    INTEL_MONTHLY,
    QUALITY_REGISTER,
    ADOPTIONS,
    REPORTING_REGISTER,
    ANALYSIS_REGISTER,
    WARNINGS,
    INSTRUCTIONS,
    KEY_PERSONS,
    BANK_CATCHES,
    PUBLICITY_REGISTER,
]


def _level_name(level: str) -> str:
    """A level as a sentence names it: 省厅 → 省厅级, 地级 and 金坛级 stay as they are (never 地级级)."""
    return level if level.endswith("级") else f"{level}级"
