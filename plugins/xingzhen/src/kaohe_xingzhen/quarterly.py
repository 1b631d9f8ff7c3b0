"""The quarterly extra tests (季度加考) of 打处绩效 whose data 刑侦大队 supplies (seed 000 l.494-500,
l.518-532), category ``dachu``, cadence ``quarterly``: assessed in the quarter's last month over the
quarter's records of the 破案记录, the 打击处理人员 list and the 考核登记表 (the same records as the
monthly items, counted with ``rules.Quota`` and its ``match``).

The targets come from the 市局 ("目标任务已下发", "根据市局明确的…目标数") and are not in the seed,
except the fugitives' monthly targets (l.532) and the yearly figures of l.492 and l.530 from which
the defaults below are derived. Every default is a demo assumption documented in the README; a
bureau sets its own, by class or by station, in its configuration.
"""

from __future__ import annotations


from kaohe import Item, ItemSet, rules

from .items import (
    ARREST,
    CASE,
    DETENTION,
    DIRECT_PROSECUTION,
    FINDING,
    FUGITIVE,
    MATTERS,
    PERSON,
    REEDUCATION,
    REHAB,
    SEED,
    YES,
)

DEPARTMENT = "刑侦大队"
ITEM = ItemSet("xingzhen", DEPARTMENT, category="dachu", cadence="quarterly", seed=SEED)


T496 = "1、破案绝对数加考。根据市局明确的破案绝对数(目标任务已下发),每增加一起加10分,每少一起扣15分;"
T500 = ("3、扫黑除恶加考。根据市局明确的扫黑除恶目标数,每多完成一个3人3起恶势力团伙数加60分,每少完成一个3人3起恶势力团伙数扣80分。"
        "每多完成一个3人1起恶势力团伙数加30分,每少完成一个3人1起恶势力团伙数扣40分。")
T520 = "(1)全部刑事拘留数加考。在每季度末对照各单位目标任务完成情况进行一次加考,每多刑拘1人另加10分,每少1人扣15分。"
T522 = "(2)全部逮捕数加考。在每季度末对照各单位目标任务完成情况进行一次加考,每多捕1人加20分,每少1人扣30分。"
T526 = "(4)全部劳教数加考。在每季度末对各单位劳教数进行加考,每少1人扣20分,每多1人加30分。"
T530 = "(6)查处涉毒人员加考。全年完成逮捕涉毒人员50人,强制戒毒40人。在季度末进行加考,各项指标每多完成1人加30分,每少完成1人扣40分。"
T532 = ("(7)抓获网上逃犯加考。根据常州市局追逃目标数,公布各单位全年追逃指标,(外省逃犯:A类所每月2名,B类所每月1名,"
        "C类所每月0.5名;本省外市逃犯:A类所每月1名,B、C类所每月0.5名)。每季度多抓1名外省网上逃犯加60分,"
        "每多抓1名本省外市网上逃犯加40分。")

ARRESTED = (ARREST, DIRECT_PROSECUTION)
"""逮捕数 counts 直诉 too (l.506: "每逮捕(含直诉)1人")."""

ITEMS: list[Item] = [
    # --- 破案季度加考 (l.494-500) ---
    ITEM.item("quarter_solved", "破案绝对数季度加考", 496, CASE, rules.Quota(
        targets={"A": 9, "B": 4, "C": 2}, per_short=-15, per_over=10, what="破案数"), T496),
    ITEM.item("quarter_gang_3x3", "扫黑除恶季度加考:3人3起恶势力团伙", 500, FINDING, rules.Quota(
        targets={"A": "0.25", "B": 0, "C": 0}, per_short=-80, per_over=60, field="count",
        match={"matter": MATTERS["gang_3x3"]}, what="摧毁3人3起恶势力团伙数"), T500),
    ITEM.item("quarter_gang_3x1", "扫黑除恶季度加考:3人1起恶势力团伙", 500, FINDING, rules.Quota(
        targets={"A": 0, "B": "0.25", "C": "0.25"}, per_short=-40, per_over=30, field="count",
        match={"matter": MATTERS["gang_3x1"]}, what="摧毁3人1起恶势力团伙数"), T500),
    # --- 打击处理季度加考 (l.518-532); (3) is 经侦's (plugin jingzhen), (5) 治安's (plugin zhian) ---
    ITEM.item("quarter_detention", "全部刑事拘留数季度加考", 520, PERSON, rules.Quota(
        targets={"A": 10, "B": 4, "C": 2}, per_short=-15, per_over=10,
        match={"category": DETENTION}, what="刑事拘留人数"), T520),
    ITEM.item("quarter_arrest", "全部逮捕数季度加考", 522, PERSON, rules.Quota(
        targets={"A": 4, "B": 2, "C": 1}, per_short=-30, per_over=20,
        match={"category": ARRESTED}, what="逮捕(含直诉)人数"), T522),
    ITEM.item("quarter_reeducation", "全部劳教数季度加考", 526, PERSON, rules.Quota(
        targets={"A": 1, "B": "0.5", "C": "0.5"}, per_short=-20, per_over=30,
        match={"category": REEDUCATION}, what="劳教人数"), T526),
    ITEM.item("quarter_drug_arrest", "查处涉毒人员季度加考:逮捕涉毒人员", 530, PERSON, rules.Quota(
        targets={"A": "1.5", "B": "0.75", "C": "0.4"}, per_short=-40, per_over=30,
        match={"category": ARRESTED, "drug": YES}, what="逮捕涉毒人员数"), T530),
    ITEM.item("quarter_rehab", "查处涉毒人员季度加考:强制戒毒", 530, PERSON, rules.Quota(
        targets={"A": "1.25", "B": "0.5", "C": "0.4"}, per_short=-40, per_over=30,
        match={"category": REHAB}, what="强制戒毒人数"), T530),
    ITEM.item("quarter_fugitive_other_province", "抓获外省网上逃犯季度加考", 532, PERSON, rules.Quota(
        targets={"A": 6, "B": 3, "C": "1.5"}, per_short=0, per_over=60,
        match={"category": FUGITIVE, "origin": "外省"}, what="抓获外省网上逃犯数"), T532),
    ITEM.item("quarter_fugitive_other_city", "抓获本省外市网上逃犯季度加考", 532, PERSON, rules.Quota(
        targets={"A": 3, "B": "1.5", "C": "1.5"}, per_short=0, per_over=40,
        match={"category": FUGITIVE, "origin": "本省外市"}, what="抓获本省外市网上逃犯数"), T532),
]
