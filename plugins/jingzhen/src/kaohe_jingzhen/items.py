"""The item of 经侦大队 (seed 000 = seeds/000_0ea5a5751aadf050.txt, the 金坛 2015 scheme).

打处绩效 (category ``dachu``), 打击处理季度加考 (3), l.524: a quota of persons dealt with by class,
class C over half-years, the surplus carried to the next quarter and rewarded at the year's end.
"""

from __future__ import annotations

from kaohe import Item, rules

DEPARTMENT = "经侦大队"
SEED = "seed 000"

PERSON = "jingzhen.person"
"""经济案件打击处理人员: one person dealt with (刑事拘留, 逮捕 or 直诉)."""

MEASURES = ("刑事拘留", "逮捕", "直诉")
SHORT_NAMES = {"刑拘": "刑事拘留"}
"""Accepted in the 处理方式 column and stored under the full name."""

T524 = (
    "(3)对经侦部门管辖刑事案件打击处理季度加考。在每季度末对各单位经济案件打击处理(含直诉)数进行加考,"
    "A类所每季度打击处理3人,B类所每季度打击处理1人,C类所每半年打击处理1.5人。未完成指标的,每少1人扣5分,"
    "超出部分可累计推至下季度,年底每超1人加 20分"
)

PROSECUTED = Item(
    id="jingzhen.prosecuted_quarterly",
    title="经济案件打击处理季度加考",
    department=DEPARTMENT,
    category="dachu",
    reference=f"{SEED} l.524",
    reads=[PERSON],
    cadence="quarterly",
    rule=rules.Quota(
        targets={"A": 3, "B": 1, "C": "1.5"},
        window_months={"C": 6},
        per_short=-5,
        carry_surplus=True,
        year_end_per_over=20,
        what="经济案件打击处理人数",
    ),
    text=T524,
)

ITEMS: list[Item] = [PROSECUTED]
