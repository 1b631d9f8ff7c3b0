"""公安信息化建设考核 (seed 000 l.456-472, 第七条): the items, one per scoring rule of the passage.

Every item keeps its seed reference and the seed's sentence (``text``); its ``department`` is the
office that supplies its data (l.456: 局办公室; 情报信息分析研判、转化应用 信息中心; 宣传报道、政工信息
政工室). Values are rule parameters with the seed's values as defaults; a bureau overrides them in
its TOML. Readings of ambiguous passages are in README.md (口径说明) and in the comments below.
"""

from __future__ import annotations

from decimal import Decimal

from kaohe import Item, ItemSet, rules

from . import formulas

OFFICE = "局办公室"
INFO_CENTRE = "信息中心"
ZHENGGONG_OFFICE = "政工室"
CATEGORY = "xinxihua"
SEED = "seed 000"
ITEM = ItemSet("bangongshi", OFFICE, category=CATEGORY, seed=SEED)

# Record kinds, one per register (a quota counts every record of its kinds).
INTEL = "bangongshi.intel_monthly"  # 情报信息报送月统计表 (局办公室)
QUALITY = "bangongshi.intel_quality"  # 情报信息退回及弄虚作假登记 (局办公室)
ADOPTION = "bangongshi.intel_adoption"  # 情报信息录用登记 (局办公室)
REPORTING = "bangongshi.reporting"  # 报告制度执行情况登记 (局办公室)
ANALYSIS = "bangongshi.analysis"  # 情报信息分析研判问题登记 (信息中心)
WARNING = "bangongshi.warning"  # 预警信息录用登记 (信息中心)
INSTRUCTION = "bangongshi.instruction"  # 查控指令、预警信息签注反馈及查控登记 (信息中心)
KEY_PERSON = "bangongshi.key_person"  # 重点人员签收反馈及管控登记 (信息中心)
BANK = "bangongshi.bank_catch"  # 银行系统报警抓获网上逃犯登记 (信息中心)
PUBLICITY = "bangongshi.publicity"  # 宣传报道及政工信息录用登记:宣传报道 (政工室)
ZHENGGONG = "bangongshi.zhenggong"  # 同上:政工信息 (政工室)

YES = "是"
NO = "否"

# 报告制度 violations (报告制度执行情况登记, 违规情形).
NOT_REPORTED = "未按规定报送"
LATE = "迟报"
MISSED = "漏报"
CONCEALED = "瞒报"
REPORTING_KINDS = (NOT_REPORTED, LATE, MISSED, CONCEALED)

# 情报信息质量 problems (l.460).
RETURNED = "退回"
FABRICATED = "弄虚作假"

# 分析研判 failures (l.464).
ANALYSIS_KINDS = ("预警分析研判不及时", "舆情导控不得力", "值班制度不健全")

# 情报信息录用 levels (l.462), as the adoption register names them, with the seed's points.
ADOPTION_LEVELS: dict[str, Decimal] = {
    "每日公安情况": Decimal(2),  # 市局《每日公安情况》
    "公安社情民意": Decimal(1),  # 市局《公安社情民意》
    "国保信息": Decimal(1),  # 市局《国保信息》
    "金坛市政府": Decimal(5),
    "常州市局": Decimal(5),
    "常州市政府": Decimal(20),
    "省厅": Decimal(20),
    "江苏省政府": Decimal(50),
    "公安部": Decimal(50),
}
# l.458: 档案信息的录用数按情报信息档次减半加分.
ARCHIVE_LEVELS: dict[str, Decimal] = {k: v / 2 for k, v in ADOPTION_LEVELS.items()}

# 宣传报道 levels (l.472): 全国 10, 省级 5, 地级 2, 金坛级 0.5; only 地级以上(含) count towards the target.
PUBLICITY_LEVELS: dict[str, Decimal] = {"全国": Decimal(10), "省级": Decimal(5), "地级": Decimal(2), "金坛级": Decimal("0.5")}
PUBLICITY_COUNTED = ("全国", "省级", "地级")
# 政工信息 levels (l.472): 公安部 30, 省厅政治部 10, 常州市局政治部 2 (《政工快讯》).
ZHENGGONG_LEVELS: dict[str, Decimal] = {"公安部": Decimal(30), "省厅政治部": Decimal(10), "常州市局政治部": Decimal(2)}

T458_INTEL = (
    "派出所民警每人每月收集上报情报信息不少于3条(涉及维护政治稳定的情报信息不少于1 条,其中,涉及国保类信息的报送及"
    "录用情况由国保大队核实报局办公室汇总),并及时录入有关信息系统,总量每少1条扣2分。"
)
T458_RULE = (
    "严格执行报告制度,各单位应及时向本局归口部门报送各种报表、信息、工作情况汇报及工作小结、总结等,违反规定的,每次扣2分"
)
T458_MAJOR = (
    "发生重大案件、事件、事故,各单位必须立即报告值班局领导和办公室,违反规定迟报、漏报或瞒报的,每次扣10分,"
    "因迟报、漏报或瞒报被上级公安机关通报或倒查的,每次扣30分。"
)
T458_ARCHIVE = "A类派出所每月上报4条档案信息,B、C类派出所每月上报2条档案信息,未完成的扣10分。"
T458_ARCHIVE_ADOPTED = (
    "录用数按情报信息档次减半加分(同一条档案信息被不同级重复录用的不累计加分,按最高值加分。档案信息加分最高不超过20分)。"
)
T460 = "情报信息粗、滥、差的,局办公室将予以退回,情报信息每退回一次,扣2分。发现弄虚作假的,扣10分。"
T462 = (
    "凡被市局《每日公安情况》采用的,有1条加2分;被市局《公安社情民意》、《国保信息》采用的,有1条加1分;"
    "被金坛政府或常州市局采用的,有1条加5分,被常州、市政府和省厅采用的,有一条加20分,被江苏政府和公安部采用的,有一条加50分。"
)
T462_LEADER = "上报信息被上级领导批示予以肯定的,另加5分。"
T464_FAIL = "本单位因情报信息预警分析研判不及时、舆情导控不得力、值班制度不健全发生重大敏感问题的,每次扣5分。"
T464_WARNING = (
    "A类派出所每月、B类派出所每季、C类派出所每半年上报录用1条预警信息,分别在每月、季度和半年末考核,未完成的扣10分,每超1条加2分。"
)
T466_SIGNOFF = (
    "对市局发布的查控指令、预警信息,各派出所认真落实并在2个工作日内签注反馈(以网上签阅的形式进行签注反馈,签阅内容必须注明"
    "如何落实及采用那些工作措施等内容);通知等其他签注事项在1个工作日内签注反馈。不及时签注反馈或反馈内容达不到要求的,每条扣2分。"
)
T466_RESULT = "针对查控指令、预警信息及时落实措施,抓获1名嫌疑人员加5分,破获年内本地案件的,有1起加10分;破获年前本地案件有1起加5分。"
T468_SIGN = "对市级情报平台下发的重点人员要按时签收、反馈,超时签收或反馈的,有一条扣2分;反馈内容必须详尽,要素齐全,因反馈质量被常州通报的,有一条扣5分。"
T468_BANK = "通过银行系统报警抓获网上逃犯的,有一名加10分"
T468_RESULT = (
    "根据情报平台下发的重点人员预警,通过落实管控经营措施抓获1名嫌疑人员加3分,破获年内本地案件的有1起加10分;"
    "破获年前本地案件有1起加5分(以警务平台数据为准)。"
)
T470 = "下发的重点人员预警管控不到位,被部、省、市倒查的有一人扣20分。"
T472_PUBLICITY = (
    "A类派出所月均撰写的地级以上(含)新闻稿件录用达2条,B、C类派出所录用达1条,未达标的,扣20分。在达标基础上,每超1条按档次"
    "分别每篇(全国)加10分、(省级)加5分、(地级)加2分、(金坛级)加0.5分(宣传报道加分不超过30 分)。"
)
T472_ZHENGGONG = (
    "政工信息A类派出所每月、B类派出所每季、C类派出所每半年被常州市局政治部《政工快讯》录用1条,未完成则按月、季、半年分别扣20分,"
    "每超1条按档次分别(公安部)加30分、(省厅政治部)加10分,(常州市局政治部)加2分。"
)


def _each(id: str, title: str, line: int, department: str, kind: str, points: int, text: str,
          match: dict | None = None, quantity: str | None = None, unit: str = "人次") -> Item:
    rule = rules.PerOccurrence(points=points, match=match or {}, quantity=quantity, quantity_unit=unit)
    return ITEM.item(id, title, line, [kind], rule, text, department=department)


def _str_levels(levels: dict[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in levels.items()}


ITEMS: list[Item] = [
    # --- (一)情报信息采集报送 (l.458) ---------------------------------------------------------------
    ITEM.item(
        "intel_per_capita",
        "情报信息采集报送:民警每人每月上报情报信息不少于3条",
        458,
        [INTEL],
        rules.Formula(
            function=formulas.intel_per_capita,
            params={"per_officer": 3, "stability_per_officer": 1, "per_short": -2},
            text="每人每月不少于3条(其中维稳信息不少于1条),总量每少1条 -2 分",
        ),
        T458_INTEL,
        department=OFFICE,
    ),
    _each("reporting_rule", "报告制度:未及时报送报表、信息、工作汇报及小结总结", 458, OFFICE, REPORTING, -2, T458_RULE,
          match={"violation": NOT_REPORTED}),
    # One record is −10 or −30, never both (l.404 不重复计算): the −30 item takes the records the
    # superior authorities notified or checked back, the −10 item the others.
    _each("major_late", "重大案件、事件、事故迟报、漏报或瞒报", 458, OFFICE, REPORTING, -10, T458_MAJOR,
          match={"violation": (LATE, MISSED, CONCEALED), "notified": NO}),
    _each("major_late_notified", "因迟报、漏报或瞒报被上级公安机关通报或倒查", 458, OFFICE, REPORTING, -30, T458_MAJOR,
          match={"violation": (LATE, MISSED, CONCEALED), "notified": YES}),
    ITEM.item(
        "archive_quota",
        "档案信息:A类每月上报4条,B、C类每月上报2条",
        458,
        [INTEL],
        rules.Quota(targets={"A": 4, "B": 2, "C": 2}, per_short=-10, short_once=True, field="archive",
                    what="上报档案信息条数"),
        T458_ARCHIVE,
        department=OFFICE,
    ),
    ITEM.item(
        "archive_adopted",
        "档案信息录用:按情报信息档次减半加分",
        458,
        [ADOPTION],
        rules.Tiered(levels=_str_levels(ARCHIVE_LEVELS), field="level", match={"archive": YES}),
        T458_ARCHIVE_ADOPTED,
        department=OFFICE,
        cap=20,
    ),
    # --- (二)情报信息采集质量 (l.460) ---------------------------------------------------------------
    _each("intel_returned", "情报信息采集质量:情报信息被退回", 460, OFFICE, QUALITY, -2, T460, match={"problem": RETURNED}),
    _each("intel_fabricated", "情报信息采集质量:弄虚作假", 460, OFFICE, QUALITY, -10, T460, match={"problem": FABRICATED}),
    # --- (三)情报信息录用情况 (l.462) ---------------------------------------------------------------
    ITEM.item(
        "intel_adopted",
        "情报信息录用:按采用刊物和级别加分",
        462,
        [ADOPTION],
        rules.Tiered(levels=_str_levels(ADOPTION_LEVELS), field="level", match={"archive": NO}),
        T462,
        department=OFFICE,
    ),
    _each("leader_endorsed", "上报信息被上级领导批示予以肯定", 462, OFFICE, ADOPTION, 5, T462_LEADER, match={"endorsed": YES}),
    # --- (四)情报信息分析研判 (l.464) ---------------------------------------------------------------
    _each("analysis_failure", "情报信息分析研判:因研判不及时、舆情导控不得力、值班制度不健全发生重大敏感问题", 464,
          INFO_CENTRE, ANALYSIS, -5, T464_FAIL),
    ITEM.item(
        "warning_quota",
        "预警信息:A类每月、B类每季、C类每半年上报录用1条",
        464,
        [WARNING],
        rules.Quota(targets={"A": 1, "B": 1, "C": 1}, per_short=-10, short_once=True, per_over=2,
                    window_months={"B": 3, "C": 6}, what="录用预警信息条数"),
        T464_WARNING,
        department=INFO_CENTRE,
    ),
    # --- (五)情报信息转化应用 (l.466-470) -----------------------------------------------------------
    _each("signoff_failed", "查控指令、预警信息、通知不及时签注反馈或反馈内容达不到要求", 466, INFO_CENTRE, INSTRUCTION, -2,
          T466_SIGNOFF, match={"failed": YES}),
    _each("instruction_catch", "落实查控指令、预警信息抓获嫌疑人员", 466, INFO_CENTRE, INSTRUCTION, 5, T466_RESULT,
          quantity="catches", unit="名"),
    _each("instruction_case_this_year", "落实查控指令、预警信息破获年内本地案件", 466, INFO_CENTRE, INSTRUCTION, 10,
          T466_RESULT, quantity="cases_this_year", unit="起"),
    _each("instruction_case_earlier", "落实查控指令、预警信息破获年前本地案件", 466, INFO_CENTRE, INSTRUCTION, 5,
          T466_RESULT, quantity="cases_earlier", unit="起"),
    _each("key_person_late", "重点人员超时签收或反馈", 468, INFO_CENTRE, KEY_PERSON, -2, T468_SIGN, match={"late": YES}),
    _each("key_person_notified", "重点人员反馈质量被常州通报", 468, INFO_CENTRE, KEY_PERSON, -5, T468_SIGN,
          match={"notified": YES}),
    _each("bank_catch", "通过银行系统报警抓获网上逃犯", 468, INFO_CENTRE, BANK, 10, T468_BANK),
    _each("key_person_catch", "落实重点人员预警管控措施抓获嫌疑人员", 468, INFO_CENTRE, KEY_PERSON, 3, T468_RESULT,
          quantity="catches", unit="名"),
    _each("key_person_case_this_year", "落实重点人员预警管控措施破获年内本地案件", 468, INFO_CENTRE, KEY_PERSON, 10,
          T468_RESULT, quantity="cases_this_year", unit="起"),
    _each("key_person_case_earlier", "落实重点人员预警管控措施破获年前本地案件", 468, INFO_CENTRE, KEY_PERSON, 5,
          T468_RESULT, quantity="cases_earlier", unit="起"),
    _each("key_person_checked_back", "重点人员预警管控不到位被部、省、市倒查", 470, INFO_CENTRE, KEY_PERSON, -20, T470,
          match={"checked_back": YES}),
    # --- (六)公安宣传报道和政工信息 (l.472) ---------------------------------------------------------
    ITEM.item(
        "publicity_quota",
        "宣传报道:地级以上(含)新闻稿件录用A类每月2条,B、C类1条",
        472,
        [PUBLICITY],
        rules.Quota(targets={"A": 2, "B": 1, "C": 1}, per_short=-20, short_once=True,
                    match={"level": PUBLICITY_COUNTED}, what="地级以上(含)新闻稿件录用条数"),
        T472_PUBLICITY,
        department=ZHENGGONG_OFFICE,
    ),
    ITEM.item(
        "publicity_bonus",
        "宣传报道:达标基础上每超1条按档次加分",
        472,
        [PUBLICITY],
        rules.Formula(
            function=formulas.surplus_by_level,
            params={
                "targets": {"A": 2, "B": 1, "C": 1},
                "levels": _str_levels(PUBLICITY_LEVELS),
                "counted": list(PUBLICITY_COUNTED),
                "window_months": {},
                "what": "地级以上(含)新闻稿件录用",
            },
            text="达标后每超1篇:全国 +10、省级 +5、地级 +2、金坛级 +0.5",
        ),
        T472_PUBLICITY,
        department=ZHENGGONG_OFFICE,
        cap=30,
    ),
    ITEM.item(
        "zhenggong_quota",
        "政工信息:A类每月、B类每季、C类每半年被《政工快讯》录用1条",
        472,
        [ZHENGGONG],
        rules.Quota(targets={"A": 1, "B": 1, "C": 1}, per_short=-20, short_once=True, window_months={"B": 3, "C": 6},
                    what="政工信息录用条数"),
        T472_ZHENGGONG,
        department=ZHENGGONG_OFFICE,
    ),
    ITEM.item(
        "zhenggong_bonus",
        "政工信息:每超1条按档次加分",
        472,
        [ZHENGGONG],
        rules.Formula(
            function=formulas.surplus_by_level,
            params={
                "targets": {"A": 1, "B": 1, "C": 1},
                "levels": _str_levels(ZHENGGONG_LEVELS),
                "counted": [],
                "window_months": {"B": 3, "C": 6},
                "what": "政工信息录用",
            },
            text="达标后每超1条:公安部 +30、省厅政治部 +10、常州市局政治部 +2;A类每月、B类每季、C类每半年",
        ),
        T472_ZHENGGONG,
        department=ZHENGGONG_OFFICE,
    ),
]
