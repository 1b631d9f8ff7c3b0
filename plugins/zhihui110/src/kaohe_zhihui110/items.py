"""The items of 110 指挥中心 (seed 000 l.540-562, 第十一条(一) 110指挥中心考核派出所基础工作).

Every scoring rule of the passage is one item; values that a bureau may change (limits, targets,
points) are rule parameters with the seed's values as defaults.
"""

from __future__ import annotations

from kaohe import Item, ItemSet, rules

DEPARTMENT = "110指挥中心"
CATEGORY = "jichu"
SEED = "seed 000"
ITEM = ItemSet("zhihui110", DEPARTMENT, category=CATEGORY, seed=SEED)

# Record kinds produced by the adapters (see adapters.py).
DISPATCH = "zhihui110.dispatch"
PROBLEM = "zhihui110.problem"
MONTHLY = "zhihui110.monthly"
PATROL_INFO = "zhihui110.patrol_info"
ROBBERY = "zhihui110.robbery_alarm"
THEFT = "zhihui110.theft_alarm"

# Values of the dispatch record's ``answer`` attribute (签收情况).
ANSWER_OK = "正常签收"
NOT_LOGGED_IN = "网络派单未登录"
NO_ANSWER = "电话无人接听"
EQUIPMENT_UNREPORTED = "通信装备失灵未事先申报"
ANSWERS = (ANSWER_OK, NOT_LOGGED_IN, NO_ANSWER, EQUIPMENT_UNREPORTED)

# Values of the problem record's ``problem`` attribute (问题类别), in the seed's words.
POOR_HANDLING = ("指令执行不力", "拖延出警", "推诿扯皮", "影响警情处置")
SERIOUS_HANDLING = "造成群众投诉、媒体炒作等严重后果"
SERIOUS_CONTACT = "因联络不畅导致群众投诉等严重后果"
HANDOVER_FAILED = "未按职责分工及时移交或履行手续"
HANDOVER_REFUSED = "接受单位推诿、拒绝"
PROBLEMS = (*POOR_HANDLING, SERIOUS_HANDLING, SERIOUS_CONTACT, HANDOVER_FAILED, HANDOVER_REFUSED)

URGENT = "重大紧急"
ORDINARY = "一般"
GRADES = ("一类", "二类", "三类")
AREAS = ("城区", "城郊", "农村")
LEVEL_CITY = "常州市局"
LEVEL_PROVINCE = "省厅"

# 一类警情应按照城区中心区域5分钟,城郊结合部中心区域10分钟,农村地区以最快速度…;二类警情应按照城区
# 中心区域10分钟,城郊结合部中心区域15分钟,农村地区尽快…;三类警情应视情尽快处理 (l.548).
# 农村 and 三类 have no fixed limit: they are absent from the table, so they are never late.
ARRIVAL_LIMITS = {"一类": {"城区": 5, "城郊": 10}, "二类": {"城区": 10, "城郊": 15}}


T542 = "1、接警。各派出所网络派单未登录、电话无人接听的,每次扣1分;通信装备失灵未事先申报的视为无应答,每次扣1分。"
T546 = (
    "(1)各派出所和处警民警对指令执行不力、拖延出警、推诿扯皮、影响警情处置的,每次扣2分;"
    "造成群众投诉、媒体炒作等严重后果的,每次扣510分。"
)
T548 = (
    "一类警情应按照城区中心区域5分钟,城郊结合部中心区域 10分钟,农村地区以最快速度的要求赶赴现场处置;"
    "二类警情应按照城区中心区域10分钟,城郊结合部中心区域15分钟,农村地区尽快的要求赶赴现场处置;"
    "三类警情应视情尽快处理。未在规定时间内赶赴现场的,每次扣1分,因联络不畅导致群众投诉等严重后果的,每次510分。"
)
T550 = "(3)需要移交的案(事)件,应当按照职责分工及时移交并履行相关手续,违者每次扣1分。接受单位推诿、拒绝的'每次扣2分。"
T552 = (
    "3、反馈。对重大紧急警情,处警单位应在接到指令后2小时内通过警务综合平台反馈处警的初步结果,未及时反馈的每次扣1分;"
    "对一般警情,处警单位应在接到指令后24小时内通过警务综合平台反馈处警的初步结果,未及时反馈的每次扣0.5分,"
    "反馈内容不规范的每次扣0.5分。"
)
T554 = (
    "4、回访。根据公安部《110接处警工作规则》要求,指挥中心对处警单位出警人数、到达现场时间、携带装备、处置措施等内容"
    "每月进行回访,满意率达到95%以上,每降低1个百分点扣0.5分。"
)
T558 = "(1)巡逻民警每人每天盘查嫌疑人员(车辆)不低于5人(辆)次,并在规定时间内录入市局治安巡逻盘查系统,人均每低一次扣2分;"
T560 = "(2)“两抢”警情数与去年同期相比,每少1起加1分,每多1起扣2分;盗窃警情数与去年同期相比,每下降一个百分点加1分,每上升一个百分点扣2分。"
T562 = (
    "(3)城区四所每月报送巡防信息不少于2条,少1条扣1分,其他所每月不少于1条,少1条扣1分。"
    "信息被常州市局录用1条加1分,被省厅录用1条加2分。"
)


ITEMS: list[Item] = [
    ITEM.item(
        "no_answer",
        "网络派单未登录、电话无人接听",
        542,
        [DISPATCH],
        rules.PerOccurrence(points=-1, match={"answer": [NOT_LOGGED_IN, NO_ANSWER]}),
        T542,
    ),
    ITEM.item(
        "equipment_unreported",
        "通信装备失灵未事先申报(视为无应答)",
        542,
        [DISPATCH],
        rules.PerOccurrence(points=-1, match={"answer": [EQUIPMENT_UNREPORTED]}),
        T542,
    ),
    ITEM.item(
        "handling_poor",
        "指令执行不力、拖延出警、推诿扯皮、影响警情处置",
        546,
        [PROBLEM],
        rules.PerOccurrence(points=-2, match={"problem": list(POOR_HANDLING)}),
        T546,
    ),
    ITEM.item(
        "handling_serious",
        "处警造成群众投诉、媒体炒作等严重后果(扣5-10分)",
        546,
        [PROBLEM],
        rules.PerOccurrence(min_points=-10, max_points=-5, match={"problem": [SERIOUS_HANDLING]}),
        T546,
    ),
    ITEM.item(
        "arrival_late",
        "未在规定时间内赶赴现场",
        548,
        [DISPATCH],
        rules.PerOccurrence(
            points=-1,
            when_field="arrival_minutes",
            when_op=">",
            limit=ARRIVAL_LIMITS,
            limit_by=("grade", "area"),
            when_label="到场用时",
            when_unit="分钟",
        ),
        T548,
    ),
    ITEM.item(
        "contact_serious",
        "因联络不畅导致群众投诉等严重后果(扣5-10分)",
        548,
        [PROBLEM],
        rules.PerOccurrence(min_points=-10, max_points=-5, match={"problem": [SERIOUS_CONTACT]}),
        T548,
    ),
    ITEM.item(
        "handover_failure",
        "需要移交的案(事)件未及时移交或未履行相关手续",
        550,
        [PROBLEM],
        rules.PerOccurrence(points=-1, match={"problem": [HANDOVER_FAILED]}),
        T550,
    ),
    ITEM.item(
        "handover_refusal",
        "接受单位推诿、拒绝移交的案(事)件",
        550,
        [PROBLEM],
        rules.PerOccurrence(points=-2, match={"problem": [HANDOVER_REFUSED]}),
        T550,
    ),
    ITEM.item(
        "feedback_late_urgent",
        "重大紧急警情未在2小时内反馈",
        552,
        [DISPATCH],
        rules.PerOccurrence(
            points=-1,
            match={"urgency": [URGENT]},
            when_field="feedback_hours",
            when_op=">",
            limit=2,
            when_label="反馈用时",
            when_unit="小时",
            missing_crosses=True,
            missing_text="未反馈",
        ),
        T552,
    ),
    ITEM.item(
        "feedback_late_ordinary",
        "一般警情未在24小时内反馈",
        552,
        [DISPATCH],
        rules.PerOccurrence(
            points="-0.5",
            match={"urgency": [ORDINARY]},
            when_field="feedback_hours",
            when_op=">",
            limit=24,
            when_label="反馈用时",
            when_unit="小时",
            missing_crosses=True,
            missing_text="未反馈",
        ),
        T552,
    ),
    ITEM.item(
        "feedback_nonstandard",
        "反馈内容不规范",
        552,
        [DISPATCH],
        rules.PerOccurrence(points="-0.5", match={"feedback_standard": ["否"]}),
        T552,
    ),
    ITEM.item(
        "callback_satisfaction",
        "回访满意率达到95%以上",
        554,
        [MONTHLY],
        rules.RateTarget(target=95, per_point_below="-0.5", field="satisfaction", missing="missing"),
        T554,
    ),
    ITEM.item(
        "patrol_checks",
        "巡逻民警每人每天盘查嫌疑人员(车辆)不低于5人(辆)次",
        558,
        [MONTHLY],
        rules.PerCapita(
            target=5,
            per_unit_short=-2,
            per="day",
            field="checks",
            headcount_field="patrol_officers",
            what="盘查人(辆)次",
            missing="zero",
        ),
        T558,
    ),
    ITEM.item(
        "robbery_yoy",
        "“两抢”警情数与去年同期相比",
        560,
        [ROBBERY],
        rules.YearOverYear(per_better=1, per_worse=-2, mode="count", better="lower", what="“两抢”警情数"),
        T560,
    ),
    ITEM.item(
        "theft_yoy",
        "盗窃警情数与去年同期相比",
        560,
        [THEFT],
        rules.YearOverYear(per_better=1, per_worse=-2, mode="percent", better="lower", what="盗窃警情数"),
        T560,
    ),
    ITEM.item(
        "patrol_reports",
        "每月报送巡防信息(城区四所不少于2条,其他所不少于1条)",
        562,
        [PATROL_INFO],
        # 城区四所 are the class-A stations of the 2015 scheme (l.426); a bureau may key by unit instead.
        rules.Quota(targets={"A": 2, "*": 1}, per_short=-1, what="报送巡防信息条数"),
        T562,
    ),
    ITEM.item(
        "patrol_reports_adopted",
        "巡防信息被常州市局录用加1分、被省厅录用加2分",
        562,
        [PATROL_INFO],
        rules.Tiered(levels={LEVEL_CITY: 1, LEVEL_PROVINCE: 2}, field="level", match={"adopted": ["是"]}),
        T562,
    ),
]
