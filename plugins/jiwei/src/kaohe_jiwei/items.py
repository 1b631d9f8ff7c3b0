"""The items of the 纪委 (督察): the veto (seed 000 l.430-444, 第五条 一票否决) and 队伍建设
(l.446-454, 第六条 队伍建设考核, "数据由纪委提供")."""

from __future__ import annotations

from kaohe import Item, ItemSet, rules

DEPARTMENT = "纪委"
CATEGORY = "duiwu"
ITEM = ItemSet("jiwei", DEPARTMENT, category=CATEGORY)
VETO = "jiwei.veto"
DEDUCTION = "jiwei.deduction"

# --- 第五条 一票否决 (l.430-444) ------------------------------------------------------------------
# (item name, seed line, title in the seed's words, the 否决情形 as the 纪委 writes it in its register)
VETOES: list[tuple[str, int, str, str]] = [
    ("veto_bans", 432, "单位民警发生违反“五条禁令”、“三条铁规”等", "(一)违反五条禁令、三条铁规"),
    ("veto_abuse", 434, "单位民警发生刑讯逼供、滥用武器警械、滥用强制措施致人重伤、死亡",
     "(二)刑讯逼供、滥用武器警械、滥用强制措施致人重伤死亡"),
    ("veto_holding_room", 436, "在候问室发生候问对象非正常死亡、脱逃等责任事故", "(三)候问对象非正常死亡、脱逃"),
    ("veto_safety_accident", 438, "公安安全保卫措施未落实到位而发生群死群伤以及直接经济损失巨大的治安、灾害事故",
     "(四)群死群伤或直接经济损失巨大的治安、灾害事故"),
    ("veto_gangs", 440, "辖区内黑恶势力长期未发现、查处、打击,影响恶劣", "(五)黑恶势力长期未发现、查处、打击"),
    ("veto_integrity", 442,
     "落实党风廉政建设责任制不力,民警发生违法违纪问题,单位负责人和上级分管领导视而不见、压案不查、查而不处,"
     "或不按规定提出处理意见、建议,造成重大损失和负面影响",
     "(六)落实党风廉政建设责任制不力"),
    ("veto_committee", 444, "其它经局党委研究需要一票否决", "(七)其它经局党委研究需要一票否决"),
]
SITUATIONS: tuple[str, ...] = tuple(v[3] for v in VETOES)

VETO_TEXT = {
    432: "(一)单位民警发生违反 “五条禁令”、“三条铁规”等的;",
    434: "(二)单位民警发生刑讯逼供、滥用武器警械、滥用强制措施致人重伤、死亡的;",
    436: "(三)在候问室发生候问对象非正常死亡、脱逃等责任事故的;",
    438: "(四)公安安全保卫措施未落实到位而发生群死群伤以及直接经济损失巨大的治安、灾害事故的;",
    440: "(五)辖区内黑恶势力长期未发现、查处、打击,影响恶劣的;",
    442: "(六)落实党风廉政建设责任制不力,民警发生违法违纪问题,单位负责人和上级分管领导视而不见、压案不查、查而不处,"
    "或不按规定提出处理意见、建议,造成重大损失和负面影响的;",
    444: "(七)其它经局党委研究需要一票否决的。",
}


def _veto(name: str, line: int, title: str, situation: str) -> Item:
    ordinal = situation[1]  # "(一)…" → 一
    return ITEM.item(name, f"一票否决({ordinal}){title}", line, VETO, rules.Veto(match={"situation": [situation]}),
                     VETO_TEXT[line])


# --- 第六条 队伍建设考核 (l.446-454): the 事项 of the 纪委's deduction register ------------------------
DISCIPLINE = "违反内务条令等被检查督查发现"
MAJOR_MATTER = "未及时报告民警重大事项"
VERIFIED_DECISION = "重要决策执行情况查实"
VERIFIED_SUPERVISED = "督办件办理情况查实"
VERIFIED_COMPLAINT = "效能投诉查实"
VERIFIED_INSPECTION = "警务督察查实"
VERIFIED = (VERIFIED_DECISION, VERIFIED_SUPERVISED, VERIFIED_COMPLAINT, VERIFIED_INSPECTION)
COERCIVE = "采取强制措施未向督察报备"
NOTICE = "市局督查督办通知书"
CRITICISM = "市局通报批评"
ADMONITION = "诫勉谈话"
WARNING = "书面警诫"
ACCOUNTABILITY = "公开问责"
CHANGZHOU = "常州市局通报批评"
PROVINCE = "省厅通报批评"
KEY_TARGET = "列为重点整治单位"

MATTERS: tuple[str, ...] = (
    DISCIPLINE, MAJOR_MATTER, *VERIFIED, COERCIVE, NOTICE, CRITICISM, ADMONITION, WARNING, ACCOUNTABILITY,
    CHANGZHOU, PROVINCE, KEY_TARGET,
)
# The word the 人次 column counts in, by 事项 (for the README and the explanations).
COUNTED_IN = {NOTICE: "份", CHANGZHOU: "次", PROVINCE: "次"}
# 事项 scored once, whatever the 人次 column says (the adapter refuses more than 1).
ONCE = (KEY_TARGET,)

T448 = (
    "严格遵守《公安机关人民警察内务条令》、《民警行为规范100条》和其他各项局规禁令制度,被市局或上级部门检查、督查发现违反的,"
    "每人次扣10分。对自查主动上报的违规行为不列入考核。"
)
T450 = (
    "根据《江苏省公安机关建设廉洁警队规则(试行)》及实施办法的要求,严格执行重大事项报备制度,"
    "未及时报告民警重大事项发生变化情况的,每人次扣10分。"
)
T452_VERIFIED = "根据市局重要决策执行情况、督办件办理情况、效能投诉情况、警务督察情况,每查实1人次扣10分"
T452_COERCIVE = "采取强制措施向督察报备每少1人次扣5分"
T452_NOTICE = "市局每发1份督查督办通知书另扣10分"
T454_CRITICISM = "因违规违纪被市局通报批评、诫勉谈话每人次扣5分"
T454_WARNING = "书面警诫每人次扣10分"
T454_ACCOUNTABILITY = "公开问责每人次扣15分"
T454_CHANGZHOU = "受到常州市局通报批评每次扣20分"
T454_PROVINCE = "被省厅通报批评每次扣30分"
T454_KEY_TARGET = "被常州市局以上公安机关列为重点整治单位的扣40分"


def _deduction(
    name: str, title: str, line: int, points: int, matters: tuple[str, ...], text: str, *, self_report: bool = False
) -> Item:
    match: dict[str, list[str]] = {"matter": list(matters)}
    if self_report:
        match["self_reported"] = ["否"]  # 对自查主动上报的违规行为不列入考核 (l.448)
    rule = rules.PerOccurrence(points=points, quantity="count", quantity_unit=COUNTED_IN.get(matters[0], "人次"),
                               match=match)
    return ITEM.item(name, title, line, DEDUCTION, rule, text)


ITEMS: list[Item] = [
    *(_veto(*v) for v in VETOES),
    _deduction("discipline_found", "违反内务条令和局规禁令制度被市局或上级部门检查、督查发现", 448, -10,
               (DISCIPLINE,), T448, self_report=True),
    _deduction("major_matter_unreported", "未及时报告民警重大事项发生变化情况", 450, -10, (MAJOR_MATTER,), T450),
    _deduction("verified", "重要决策执行、督办件办理、效能投诉、警务督察查实", 452, -10, VERIFIED, T452_VERIFIED),
    _deduction("coercive_unreported", "采取强制措施未向督察报备", 452, -5, (COERCIVE,), T452_COERCIVE),
    _deduction("supervision_notice", "市局督查督办通知书", 452, -10, (NOTICE,), T452_NOTICE),
    _deduction("criticism_admonition", "因违规违纪被市局通报批评、诫勉谈话", 454, -5, (CRITICISM, ADMONITION),
               T454_CRITICISM),
    _deduction("written_warning", "书面警诫", 454, -10, (WARNING,), T454_WARNING),
    _deduction("public_accountability", "公开问责", 454, -15, (ACCOUNTABILITY,), T454_ACCOUNTABILITY),
    _deduction("changzhou_criticism", "受到常州市局通报批评", 454, -20, (CHANGZHOU,), T454_CHANGZHOU),
    _deduction("province_criticism", "被省厅通报批评", 454, -30, (PROVINCE,), T454_PROVINCE),
    # "扣40分", not "每次": a state of the unit, deducted once in the month it is listed
    ITEM.item("key_rectification", "被常州市局以上公安机关列为重点整治单位", 454, DEDUCTION,
              rules.Flag(points=-40, match={"matter": [KEY_TARGET]}), T454_KEY_TARGET),
]
