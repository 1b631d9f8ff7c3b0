"""消防大队考核派出所基础工作 (seed 000 l.626-640): the items, one per scoring rule of the passage.

Every item keeps its seed reference and the seed's sentence (``text``). Values that vary by class
are rule parameters with the seed's values as defaults; a bureau overrides them in its TOML
(``[items."xiaofang.quota_fine".params]``). Readings of ambiguous passages are in README.md
("口径说明") and in the comments below.
"""

from __future__ import annotations

from kaohe import Item, ItemSet, rules

DEPARTMENT = "消防大队"
CATEGORY = "jichu"
SEED = "seed 000"
ITEM = ItemSet("xiaofang", DEPARTMENT, category=CATEGORY, seed=SEED)

# Record kinds (one adapter may produce several: a quota counts every record of its kinds, so each
# quota item needs a kind of its own).
FINDING = "xiaofang.finding"  # 消防大队检查发现的问题 (adapter xiaofang.findings)
RECTIFICATION = "xiaofang.rectification"  # 责令(限期)改正通知书 (adapter xiaofang.enforcement)
ONSITE = "xiaofang.onsite_penalty"  # 当场处罚
GENERAL = "xiaofang.general_penalty"  # 一般程序处罚
TRAINING = "xiaofang.training"  # 消防宣传培训活动 (adapter xiaofang.activities)
DAY119 = "xiaofang.day119"  # “119”消防宣传日活动
MEETING = "xiaofang.meeting"  # 消防工作例会 (adapter xiaofang.meetings)
FIRE = "xiaofang.fire"  # 火灾 (adapter xiaofang.fires)

# 问题类别 of the inspection findings list, in the seed's wording.
LEADER = "未明确分管领导"
OFFICER = "未明确专(兼)职消防民警和辅警"
DUTY = "人员未履行职责"
LEDGER_MISSING = "基础档案台帐缺项"
LEDGER_STALE = "台帐未及时更新修订"
BOARD = "未设立固定消防宣传栏"
ROOM = "消防警务室缺项"
DOC_SYSTEM = "法律文书未落实领用审批登记制度"
DOC_FILING = "法律文书未按月归档"
FINDING_CATEGORIES = (LEADER, OFFICER, DUTY, LEDGER_MISSING, LEDGER_STALE, BOARD, ROOM, DOC_SYSTEM, DOC_FILING)

# Fire severity as the fires adapter derives it from 火灾等级 and 死亡人数.
MAJOR = "重大或亡人"
CATASTROPHIC = "特大"

YES = "是"

T628 = "派出所未明确分管领导的扣2分,未明确专(兼)职消防民警和辅警的扣2分,人员未履行职责的扣2分。"
T630 = "未按规定建立健全辖区基础档案、台帐和专项治理档案的,每缺1项(类)扣3分,未及时更新修订的每处扣1分。"
T638 = (
    "A类派出所每月发责令改正通知书4份、当场处罚5起、一般程序处罚1起,罚款额不得少于5千;"
    "B 类派出所每月发责令改正通知书1份、当场处罚2起、一般程序处罚1起,罚款额不得少于2千;"
    "C类派出所每两月发责令限期改正通知书1份、当场处罚2起、一般程序处罚1起(录入消防监督系统),"
    "每项未达标的,分别扣20分,超过基础数据的每项加5分。"
)
T119 = "未开展“119”消防宣传日活动的扣3分,活动内容单调的扣1分(11月份考)"
T640 = (
    "接到报警不及时到现场的每次扣5分,火灾调查处理不及时的,每起扣3分,不积极配合消防机构调查火灾的,每起扣5分。"
    "辖区发生重大或亡人火灾每起扣5分,发生特大火灾每起扣15分。因监督措施未到位发生火灾的,每起扣10分。"
)


def _finding_flag(id: str, title: str, line: int, category: str, points: int, text: str) -> Item:
    """A state found by the brigade's inspection: once per month however often it is recorded."""
    return ITEM.item(id, title, line, [FINDING], rules.Flag(points=points, match={"category": category}), text)


def _finding_each(id: str, title: str, line: int, category: str, points: int, text: str) -> Item:
    """Per missing kind / per place / per element: the finding's 数量 multiplies the points."""
    rule = rules.PerOccurrence(points=points, quantity="count", match={"category": category})
    return ITEM.item(id, title, line, [FINDING], rule, text)


def _enforcement_quota(id: str, title: str, reads: list[str], targets: dict[str, int], what: str, field: str | None = None) -> Item:
    """l.638: one quota per 指标; 每项未达标的分别扣20分 (once), 超过基础数据的每项加5分 (once);
    class C is assessed over blocks of two months (每两月), in the block's second month."""
    rule = rules.Quota(
        targets=targets,
        per_short=-20,
        per_over=5,
        short_once=True,
        over_once=True,
        field=field,
        window_months={"C": 2},
        what=what,
    )
    return ITEM.item(id, title, 638, reads, rule, T638)


def _fire(id: str, title: str, match: dict[str, str], points: int, text: str) -> Item:
    return ITEM.item(id, title, 640, [FIRE], rules.PerOccurrence(points=points, match=match), text)


ITEMS: list[Item] = [
    # 1、落实消防责任制 (l.628): three states, each assessed once per month.
    _finding_flag("no_leader", "落实消防责任制:未明确分管领导", 628, LEADER, -2, T628),
    _finding_flag("no_fire_officer", "落实消防责任制:未明确专(兼)职消防民警和辅警", 628, OFFICER, -2, T628),
    _finding_flag("duty_not_performed", "落实消防责任制:人员未履行职责", 628, DUTY, -2, T628),
    # 2、建立基础工作台帐和管理台帐 (l.630).
    _finding_each("ledger_missing", "基础工作台帐:每缺1项(类)", 630, LEDGER_MISSING, -3, T630),
    _finding_each("ledger_not_updated", "基础工作台帐:未及时更新修订", 630, LEDGER_STALE, -1, T630),
    # 3、广泛开展消防宣传 (l.632).
    _finding_flag("no_board", "消防宣传:未设立固定消防宣传栏", 632, BOARD, -3, "派出所未设立固定消防宣传栏的扣3分"),
    ITEM.item(
        "training",
        "消防宣传:每半年开展消防宣传培训活动四次",
        632,
        [TRAINING],
        rules.Quota(targets={"*": 4}, per_short=-2, what="消防宣传培训活动次数"),
        "每半年开展消防宣传培训活动四次,每少1次扣2分(半年考)",
        cadence="half-yearly",
    ),
    ITEM.item(
        "day119_missing",
        "消防宣传:未开展“119”消防宣传日活动",
        632,
        [DAY119],
        rules.Quota(targets={"*": 1}, per_short=-3, short_once=True, what="“119”消防宣传日活动次数"),
        T119,
        cadence="month:11",
    ),
    ITEM.item(
        "day119_monotonous",
        "消防宣传:“119”消防宣传日活动内容单调",
        632,
        [DAY119],
        rules.Flag(points=-1, match={"monotonous": YES}),
        T119,
        cadence="month:11",
    ),
    # 4、派出所消防警务室建设到位 (l.634).
    _finding_each("room_missing", "消防警务室:按建设标准每少1项", 634, ROOM, -1, "按消防警务室建设标准,每少1项扣1分。"),
    # 5、落实各项消防工作制度 (l.636).
    ITEM.item(
        "meeting",
        "消防工作制度:按月召开消防工作例会",
        636,
        [MEETING],
        rules.Quota(targets={"*": 1}, per_short=-2, what="消防工作例会次数"),
        "按月召开消防工作例会,每少1次扣2分",
    ),
    _finding_flag(
        "documents_unregistered",
        "消防工作制度:法律文书未落实领用、审批、登记制度",
        636,
        DOC_SYSTEM,
        -1,
        "法律文书未落实领用、审批、登记制度的,未按月归档的,分别扣1分。",
    ),
    _finding_flag(
        "documents_unfiled",
        "消防工作制度:法律文书未按月归档",
        636,
        DOC_FILING,
        -1,
        "法律文书未落实领用、审批、登记制度的,未按月归档的,分别扣1分。",
    ),
    # 6、完成消防监督执法工作月(年)度量化目标 (l.638).
    _enforcement_quota(
        "quota_rectification", "监督执法量化目标:责令改正通知书", [RECTIFICATION], {"A": 4, "B": 1, "C": 1}, "责令改正通知书份数"
    ),
    _enforcement_quota("quota_onsite", "监督执法量化目标:当场处罚", [ONSITE], {"A": 5, "B": 2, "C": 2}, "当场处罚起数"),
    _enforcement_quota("quota_general", "监督执法量化目标:一般程序处罚", [GENERAL], {"A": 1, "B": 1, "C": 1}, "一般程序处罚起数"),
    # No fine target is stated for class C: the item does not assess class C (README, 口径说明).
    _enforcement_quota(
        "quota_fine", "监督执法量化目标:罚款额", [ONSITE, GENERAL], {"A": 5000, "B": 2000}, "罚款额(元)", field="value"
    ),
    # 7、火灾接处警和调查 (l.640).
    _fire("fire_late_arrival", "火灾接处警:接到报警不及时到现场", {"late_arrival": YES}, -5, T640),
    _fire("fire_investigation_late", "火灾调查:火灾调查处理不及时", {"investigation_late": YES}, -3, T640),
    _fire("fire_no_cooperation", "火灾调查:不积极配合消防机构调查火灾", {"no_cooperation": YES}, -5, T640),
    _fire("fire_major", "辖区发生重大或亡人火灾", {"severity": MAJOR}, -5, T640),
    _fire("fire_catastrophic", "辖区发生特大火灾", {"severity": CATASTROPHIC}, -15, T640),
    _fire("fire_supervision", "因监督措施未到位发生火灾", {"supervision_failed": YES}, -10, T640),
]
