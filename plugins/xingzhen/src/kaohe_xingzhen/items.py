"""The items of 刑侦大队 (seed 000 = seeds/000_0ea5a5751aadf050.txt, the 金坛 2015 scheme).

基础工作建设 (category ``jichu``): l.582-616, "(三)刑侦大队考核派出所基础工作".
打处绩效 (category ``dachu``): the monthly parts of l.478-492 and l.502-516 whose data 刑侦 supplies
("数据由刑侦、治安、法制、经侦部门提供", l.476). The quarterly 加考 parts (l.494-500, l.518-532) are
not implemented yet (see README).

Every item quotes the seed's sentence in ``text``; every value that a bureau may change is a rule
parameter with the seed's value as default.
"""

from __future__ import annotations

from kaohe import Item, ItemSet, rules

DEPARTMENT = "刑侦大队"
SEED = "seed 000"
ITEM = ItemSet("xingzhen", DEPARTMENT, category="jichu", seed=SEED)

# Record kinds (one per export, see adapters.py).
CASE = "xingzhen.case"
"""破案记录: one solved case."""
PERSON = "xingzhen.person"
"""打击处理人员: one person detained, arrested, … or one fugitive caught."""
FINDING = "xingzhen.finding"
"""考核登记: one finding (扣分) or achievement (加分) registered by a squad of 刑侦大队."""
MONTHLY = "xingzhen.monthly"
"""月度数据: a station's figures for one month (fingerprints, scene-investigation rates …)."""

# 事项 of the 考核登记表: item name -> the 事项 as the squads write it.
MATTERS: dict[str, str] = {
    "alert_transfer_late": "刑事警情未及时流转",
    "case_description_unclear": "案件信息描述不清",
    "phone_pc_not_entered": "涉案手机电脑信息未采集录入",
    "unreviewed_entry": "未经审核擅自录入警务平台",
    "suspect_info_late": "被审查人员信息未及时录入",
    "suspect_info_missing": "被审查人员信息缺项",
    "suspect_prints": "被审查人员指纹少捺印或不合格",
    "suspect_dna": "被审查人员未采集DNA",
    "missing_person_late": "失踪人员未及时上报",
    "missing_person_incomplete": "失踪人员信息采集不完整",
    "missing_person_not_revoked": "发现失踪人员未上报撤销",
    "drug_user_entry": "吸毒人员漏录或录入不准确",
    "drug_user_check": "吸毒人员抽查不能说明理由",
    "platform_case": "协作平台破案",
    "platform_document": "协作平台协助外地调取材料",
    "platform_not_used": "未通过协作平台调取材料",
    "position_control": "阵控不到位",
    "case_review": "案件未按流程或超期送审",
    "trafficking_dna": "采集来源不明儿童或失踪儿童父母DNA",
    "trafficking_case": "破获拐卖妇女案件",
    "trafficking_rescue": "解救被拐卖妇女儿童",
    "secondhand_incomplete": "二手机电脑信息采集不全",
    "secondhand_phone_match": "二手机语音报警系统比中被盗抢手机",
    "secondhand_mac_match": "电脑MAC地址监控比中",
    "gang_3x3": "摧毁3人3起恶势力犯罪团伙",
    "gang_3x1": "摧毁3人1起恶势力犯罪团伙",
}

# 类别 of the 打击处理人员 list.
DETENTION = "刑事拘留"
ARREST = "逮捕"
DIRECT_PROSECUTION = "直诉"
REEDUCATION = "劳动教养"
REHAB = "强制戒毒"
CULT = "邪教案件犯罪嫌疑人"
FUGITIVE = "网上逃犯"
PERSON_CATEGORIES = (DETENTION, ARREST, DIRECT_PROSECUTION, REEDUCATION, REHAB, CULT, FUGITIVE)
ORIGINS = ("外省", "本省外市", "本市")

YES = "是"
NO = "否"


def _finding(name: str, title: str, line: int, points: str, text: str, *,
             category: str = "jichu", direct: bool = False) -> Item:
    """A per-occurrence item read from the 考核登记表: ``points`` per 人/人次/份/项/起 (the 人数 column)."""
    rule = rules.PerOccurrence(points=points, quantity="count", match={"matter": MATTERS[name]})
    return ITEM.item(name, title, line, FINDING, rule, text, category=category, direct_per_capita=direct)


# --- 基础工作建设: 考核登记表 ----------------------------------------------------------------------

T584 = "刑事警情按规定时间内完成流转,未及时流转的有一起扣1分;"
T584B = ("录入警务平台中的刑事案件,对作案手段、犯罪嫌疑人的刻画、嫌疑车辆情况、侵害对象、涉案物品特征等没有描述清楚的,"
         "有一项扣1分,")
T584C = "涉案手机、电脑信息未采集录入的,每查实一次扣1分。"
T586 = ("凡接报的“八类”案件 以及“两抢”案件必须在2小时内报刑侦大队审核,经审核同意后录入警务平台,"
        "未经审核擅自录入警务平台的,每起直接扣人均分2分。")
T592A = "(1)被审查的嫌疑人员信息没有及时录入警务平台的,有1人次扣5分。"
T592B = "录入警务平台的被审查人员信息每缺1项扣1分。"
T594 = ("(2)被审查的嫌疑人员必须捺印十指纹,每星期汇总后送交市局指纹中心,捺印指纹采集录入率达到100%,"
        "指纹采集合格率达到95%。每少捺印或捺印不合格的指纹,每份直接扣人均分1分。")
T596 = "没有采集DNA信息的,有1人直接扣人均分1分。"
T598A = "各派出所接报失踪人员没有及时上报的,有1人扣10分,"
T598B = "上报信息没有采集完整的(必须附近期照以及失踪经过),有1人扣10分。"
T598C = "发现失踪人员不上报撤销的,有1人扣10分。"
T600A = "各派出所每月查处的吸毒人员必须及时录入禁毒系统,漏录或信息录入不准确的,有1人扣5分。"
T600B = ("刑侦大队禁毒中队每月对各派出所管控情况进行抽查(全局在册共68名,具体名单另发),"
         "对抽查后不能说明理由的,发现1人直接扣人均分2分。")
T602A = "通过办案协作平台应用,每破1起案件计10分,"
T602B = "协助外地调取户籍、前科证明、制作笔录材料、法院判决书每份分别计10分;"
T602C = "没有通过协作平台调取户籍、前科证明、制作笔录材料的,发现1人倒扣20分。"
T604 = "刑侦大队特情中队对各派出所每月抽查,凡抽查一次阵控不倒位的直接扣人均分2分。"
T612 = ("刑侦大队案审中队负责对全市刑事案件办案流程进行监控,凡不按流程办理、超过刑大案审规定期限送审的,"
        "发现一案直接扣人均分1分。")
T614A = "各派出所每采集一名来源不明儿童、失踪儿童父母DNA信息并准确录入信息库计10分;"
T614B = "破获拐卖妇女案件每起计50分,"
T614C = "解救被拐卖妇女、儿童每名计50分。"
T616A = "二手机、电脑信息采集不全的,发现一次扣2分,"
T616B = "利用二手机语音报警系统,每比中一只被盗抢手机直接计人均分1分;"
T616C = "利用电脑MAC地址监控比中的,每次直接计人均分2分。"

FINDING_ITEMS: list[Item] = [
    _finding("alert_transfer_late", "刑事警情未及时流转", 584, "-1", T584),
    _finding("case_description_unclear", "录入警务平台的刑事案件描述不清", 584, "-1", T584B),
    _finding("phone_pc_not_entered", "涉案手机、电脑信息未采集录入", 584, "-1", T584C),
    _finding("unreviewed_entry", "“八类”“两抢”案件未经审核擅自录入警务平台", 586, "-2", T586, direct=True),
    _finding("suspect_info_late", "被审查的嫌疑人员信息没有及时录入警务平台", 592, "-5", T592A),
    _finding("suspect_info_missing", "录入警务平台的被审查人员信息缺项", 592, "-1", T592B),
    _finding("suspect_prints", "被审查的嫌疑人员少捺印或捺印不合格的指纹", 594, "-1", T594, direct=True),
    _finding("suspect_dna", "被审查的嫌疑人员没有采集DNA信息", 596, "-1", T596, direct=True),
    _finding("missing_person_late", "接报失踪人员没有及时上报", 598, "-10", T598A),
    _finding("missing_person_incomplete", "失踪人员上报信息没有采集完整", 598, "-10", T598B),
    _finding("missing_person_not_revoked", "发现失踪人员不上报撤销", 598, "-10", T598C),
    _finding("drug_user_entry", "吸毒人员漏录或信息录入不准确", 600, "-5", T600A),
    _finding("drug_user_check", "吸毒人员管控抽查不能说明理由", 600, "-2", T600B, direct=True),
    _finding("platform_case", "通过办案协作平台破案", 602, "10", T602A),
    _finding("platform_document", "通过协作平台协助外地调取材料", 602, "10", T602B),
    _finding("platform_not_used", "没有通过协作平台调取材料", 602, "-20", T602C),
    _finding("position_control", "抽查阵控不到位", 604, "-2", T604, direct=True),
    _finding("case_review", "不按流程办理、超过刑大案审规定期限送审", 612, "-1", T612, direct=True),
    _finding("trafficking_dna", "采集来源不明儿童、失踪儿童父母DNA信息", 614, "10", T614A),
    _finding("trafficking_case", "破获拐卖妇女案件", 614, "50", T614B),
    _finding("trafficking_rescue", "解救被拐卖妇女、儿童", 614, "50", T614C),
    _finding("secondhand_incomplete", "二手机、电脑信息采集不全", 616, "-2", T616A),
    _finding("secondhand_phone_match", "二手机语音报警系统比中被盗抢手机", 616, "1", T616B, direct=True),
    _finding("secondhand_mac_match", "电脑MAC地址监控比中", 616, "2", T616C, direct=True),
]

# --- 基础工作建设: 月度数据 -------------------------------------------------------------------------

T588A = "各单位每月必须完成人均5份指标数,人均少捺印1份指纹扣0.5分,"
T588B = "送交不合格的指纹有1份扣1分。"
T608 = ("(1)按照公安部、省厅“三个必须”工作要求,责任区刑警中队必须设立12名专职技术员,其它派出所必须设立1名兼职技术员,"
        "没有设立的,每月扣10分,直至设立为止;")
T610A = ("(2)对辖区内有现场可勘查的“八类”案件、投放危险物质、入室盗窃、撬盗保险箱案件、盗窃汽车、破坏生产案件"
         "勘查率必须达100%,……每少1个百分点扣2分。")
T610B = "其他案件 A类所勘查率达80%,B类所勘查率达90%,C类所勘查率达100%,每少1个百分点扣2分。"
T610C = ("现场勘查完后两天内将现场照片、简要案情表格、痕迹物证照片上传达室技术服务器,每起案件照片不得少于6张,"
         "……现场勘查率每少一个百分点扣5分,")
T610D = "七天内按要求完整、合格录入《现场勘验系统》,……入库率每少一个百分点扣5分。"

MONTHLY_ITEMS: list[Item] = [
    ITEM.item("fingerprint_quota", "指纹捺印人均5份指标数", 588, MONTHLY,
          rules.PerCapita(target=5, per_unit_short="-0.5", field="prints", what="人均捺印", missing="zero"), T588A),
    ITEM.item("fingerprint_unqualified", "送交不合格的指纹", 588, MONTHLY,
          rules.PerOccurrence(points=-1, quantity="bad_prints", when_field="bad_prints", when_op=">", limit=0,
                              when_label="不合格指纹", when_unit="份"), T588B),
    ITEM.item("no_technician", "未设立专职(兼职)技术员", 608, MONTHLY,
          rules.Flag(points=-10, match={"has_technician": NO}), T608),
    ITEM.item("scene_rate_key", "“八类”等案件现场勘查率", 610, MONTHLY,
          rules.RateTarget(target=100, per_point_below=-2, field="rate_key", missing="missing"), T610A),
    ITEM.item("scene_rate_other", "其他案件现场勘查率", 610, MONTHLY,
          rules.RateTarget(target={"A": 80, "B": 90, "C": 100}, per_point_below=-2, field="rate_other", missing="missing"), T610B),
    ITEM.item("scene_rate", "现场勘查率(现场资料按要求上传)", 610, MONTHLY,
          rules.RateTarget(target=100, per_point_below=-5, field="rate_scene", missing="missing"), T610C),
    ITEM.item("scene_storage_rate", "现场勘验系统入库率", 610, MONTHLY,
          rules.RateTarget(target=100, per_point_below=-5, field="rate_storage", missing="missing"), T610D),
]

# --- 打处绩效: 破案 (l.478-486) ---------------------------------------------------------------------

T480A = "各单位破获1起年内在帐案件计20分,"
T480B = "破获1起年内在帐“八类”案件另计30分,"
T480C = "破获1起在帐积隐案计5分(以入警务平台案件数为准),"
T480D = "破获外省市案件每起计2分。"
T480E = "追回一辆被盗抢库内汽车计200分。"
T482 = "(1)破本辖区年内在帐案件的,每起另计10分;"
T484 = "(2)破获盗窃汽车案件的,每起另计50分;"
T486 = "(3)破获本市年内盗窃摩托车案件的,每起另计20分。"
T492A = "在月考核中,每摧毁1个3人3起恶势力犯罪团伙计60分,"
T492B = "每摧毁1个3人1起恶势力犯罪团伙计30分。"


def _case(name: str, title: str, line: int, points: str | int, match: dict[str, str | tuple[str, ...]], text: str) -> Item:
    return ITEM.item(name, title, line, CASE, rules.PerOccurrence(points=points, match=match), text, category="dachu")


CASE_ITEMS: list[Item] = [
    _case("case_in_year", "破获年内在帐案件", 480, 20, {"in_year": YES}, T480A),
    _case("case_eight", "破获年内在帐“八类”案件(另计)", 480, 30, {"in_year": YES, "eight": YES}, T480B),
    _case("case_backlog", "破获在帐积隐案", 480, 5, {"backlog": YES}, T480C),
    _case("case_other_province", "破获外省市案件", 480, 2, {"other_province": YES}, T480D),
    ITEM.item("car_recovered", "追回被盗抢库内汽车", 480, CASE,
          rules.PerOccurrence(points=200, quantity="cars", when_field="cars", when_op=">", limit=0,
                              when_label="追回汽车", when_unit="辆"), T480E, category="dachu"),
    _case("case_local", "破本辖区年内在帐案件(另计)", 482, 10, {"in_year": YES, "local": YES}, T482),
    _case("car_theft", "破获盗窃汽车案件(另计)", 484, 50, {"category": "盗窃汽车"}, T484),
    _case("motorbike_theft", "破获本市年内盗窃摩托车案件(另计)", 486, 20,
          {"category": "盗窃摩托车", "in_year": YES, "other_province": NO}, T486),
    _finding("gang_3x3", "摧毁3人3起恶势力犯罪团伙", 492, "60", T492A, category="dachu"),
    _finding("gang_3x1", "摧毁3人1起恶势力犯罪团伙", 492, "30", T492B, category="dachu"),
]

# --- 打处绩效: 打击处理 (l.502-516) -------------------------------------------------------------------

T504 = "1、刑拘数:每刑拘1人计10分。"
T506A = "2、逮捕数:每逮捕(含直诉)1人计50分,"
T506B = "通过特种行业治安管理逮捕1人另加20分(不含旅馆业抓获网上逃犯数)。"
T508 = "3、劳教数:每劳教1人计30分。"
T510 = "4、强制戒毒:每强制戒毒1人计50分。"
T514 = "6、及时侦破“法轮功”、其他邪教以及对社会有危害气功组织的案件,每抓获一名犯罪嫌疑人计80分。"
T516A = "每抓获一名外省网上逃犯计40分,"
T516B = "抓获一名本省外市网上逃犯计20分,"
T516C = "抓获一名本市年内网上逃犯计2分;"
T516D = "每抓获1名命案逃犯计30分;"
T516E = "每抓获一名本市历年网上逃犯计50分,"
T516F = "每抓获一名外省、本省外市历年逃犯计100分。"


def _person(name: str, title: str, line: int, points: int, match: dict[str, str | tuple[str, ...]], text: str) -> Item:
    return ITEM.item(name, title, line, PERSON, rules.PerOccurrence(points=points, match=match), text, category="dachu")


PERSON_ITEMS: list[Item] = [
    _person("detention", "刑拘数", 504, 10, {"category": DETENTION}, T504),
    _person("arrest", "逮捕数(含直诉)", 506, 50, {"category": (ARREST, DIRECT_PROSECUTION)}, T506A),
    _person("arrest_special_trade", "通过特种行业治安管理逮捕(另加)", 506, 20,
            {"category": (ARREST, DIRECT_PROSECUTION), "special_trade": YES}, T506B),
    _person("reeducation", "劳教数", 508, 30, {"category": REEDUCATION}, T508),
    _person("rehab", "强制戒毒", 510, 50, {"category": REHAB}, T510),
    _person("cult", "侦破邪教等案件抓获犯罪嫌疑人", 514, 80, {"category": CULT}, T514),
    _person("fugitive_other_province", "抓获外省网上逃犯", 516, 40,
            {"category": FUGITIVE, "origin": "外省", "past": NO}, T516A),
    _person("fugitive_other_city", "抓获本省外市网上逃犯", 516, 20,
            {"category": FUGITIVE, "origin": "本省外市", "past": NO}, T516B),
    _person("fugitive_local", "抓获本市年内网上逃犯", 516, 2,
            {"category": FUGITIVE, "origin": "本市", "past": NO}, T516C),
    _person("fugitive_homicide", "抓获命案逃犯", 516, 30, {"category": FUGITIVE, "homicide": YES}, T516D),
    _person("fugitive_local_past", "抓获本市历年网上逃犯", 516, 50,
            {"category": FUGITIVE, "origin": "本市", "past": YES}, T516E),
    _person("fugitive_outside_past", "抓获外省、本省外市历年逃犯", 516, 100,
            {"category": FUGITIVE, "origin": ("外省", "本省外市"), "past": YES}, T516F),
]

ITEMS: list[Item] = [*FINDING_ITEMS, *MONTHLY_ITEMS, *CASE_ITEMS, *PERSON_ITEMS]
