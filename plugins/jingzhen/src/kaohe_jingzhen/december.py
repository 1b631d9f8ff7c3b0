"""第十二条 12月份加考 (十) (seed 000 l.668): 经济案件打击处理数(含直诉), the 经侦大队's clause of
the December extra test. Category ``jiakao`` (year scope), cadence ``yearly``; it reads the same
打击处理人员 list (``jingzhen.person``: 刑事拘留、逮捕、直诉) as the quarterly quota of l.524.

"全年目标" is the 市局's yearly task. The defaults are those of l.524 over a whole year (demo
assumption): A类所 3 per quarter → 12, B类所 1 per quarter → 4, C类所 1.5 per half-year → 3.
Only the part above the target earns points ("达标后超出部分,每多1人加10分"); being short costs
nothing here (the quarterly quota of l.524 already deducts). Every row of the list counts once.
"""

from __future__ import annotations

from kaohe import Item, rules

from .items import DEPARTMENT, PERSON

T668 = "(十)经济案件打击处理数(含直诉)全年目标达标后超出部分,每多1人加10分。"

PROSECUTED_OVER = Item(
    id="jingzhen.dec_prosecuted_over",
    title="经济案件打击处理数(含直诉)超出全年目标",
    department=DEPARTMENT,
    category="jiakao",
    reference="seed 000 l.668",
    reads=[PERSON],
    rule=rules.Quota(targets={"A": 12, "B": 4, "C": 3}, per_short=0, per_over=10, what="经济案件打击处理人数"),
    cadence="yearly",
    text=T668,
)

ITEMS = [PROSECUTED_OVER]
