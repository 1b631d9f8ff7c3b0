"""The items of the 国保大队 in the December extra test (seed 000 l.672-678, 第十二条 (十二)-(十五)).

Category ``jiakao`` (年度加考, a year-scope category), cadence ``yearly``: evaluated once over the
assessment year. Every value a bureau may change is a rule parameter with the seed's value as default.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaohe import ZERO, D, Item, ItemSet, Line, fmt, fmt_points, rules
from kaohe.rules import Lines, RuleContext

DEPARTMENT = "国保大队"
SEED = "seed 000"
CATEGORY = "jiakao"
ITEM = ItemSet("guobao", DEPARTMENT, category=CATEGORY, cadence="yearly", seed=SEED)

FINDING = "guobao.finding"
"""国保大队考核登记表: one finding (迟报漏报瞒报, 台帐问题) or one case solved, with its count."""
CONTROL = "guobao.control"
"""管控对象考察情况: one controlled person of a station in one assessment year, with its visits."""

INFO_LATE = "迟报漏报瞒报重要信息"
CULT_CASE = "侦破邪教案件"
LEDGER_217 = "“217”基础工作台帐问题"
MATTERS = (INFO_LATE, CULT_CASE, LEDGER_217)

T672 = ("(十二)凡发现迟报、漏报、瞒报敌对势力滋事破坏信息,”法轮功”等邪教顽固分子、”213”工作对象、”1982”人员、"
        "重点上访人员、治安危险分子等动态信息, 酝酿策划赴省进京上访信息,堵塞干线公路和城市主要街道造成交通中断的"
        "群体性事件信息,以及在全国、全省、本市有重大影响案(事)件、事故等重要信息的,每一起扣10分。")
T674 = "(十三)及时侦破“法轮功”、其他邪教及对社会有危害的气功组织案件,每侦破一起加10分。"
T676 = "(十四)加强国保“217”基础工作建设,及时完善“217”基础工作台帐。无台帐或台帐不完备、底数不清楚的,每项扣5分。"
T678 = "(十五)对国保管控对象实时开展动态管控,每年对管控对象考察不少于2次,重点对象情况随时掌握,每少考察一次扣2分。"


def visits_short(ctx: RuleContext, p: dict[str, Any]) -> Lines:
    """(十五) each controlled person visited fewer than ``min_visits`` times in the year costs
    ``per_visit_short`` per visit missing; one line per person."""
    need = D(p["min_visits"])
    per = D(p["per_visit_short"])
    out: Lines = {}
    for unit in ctx.units:
        lines = []
        for r in sorted(ctx.of(unit), key=lambda r: r.key):
            done = D(r.get("visits") or 0)
            short = max(ZERO, need - done)
            if short:
                lines.append(Line(short * per, f"{r.note}:考察{fmt(done)}次,少{fmt(short)}次", r.key))
        if lines:
            out[unit.id] = lines
    return out


def _per(points: int, matter: str, unit: str) -> rules.PerOccurrence:
    return rules.PerOccurrence(points=Decimal(points), quantity="count", quantity_unit=unit, match={"matter": matter})


ITEMS: list[Item] = [
    ITEM.item("dec_info_late", "迟报、漏报、瞒报重要信息", 672, FINDING, _per(-10, INFO_LATE, "起"), T672),
    ITEM.item("dec_cult_case", "侦破“法轮功”、其他邪教及有危害的气功组织案件", 674, FINDING, _per(10, CULT_CASE, "起"), T674),
    ITEM.item("dec_ledger_217", "“217”基础工作台帐无台帐、不完备或底数不清", 676, FINDING, _per(-5, LEDGER_217, "项"), T676),
    ITEM.item("dec_control_visits", "国保管控对象考察次数", 678, CONTROL, rules.Formula(
        function=visits_short, params={"min_visits": 2, "per_visit_short": -2},
        text=f"每名管控对象每年考察不少于2次,每少考察一次 {fmt_points(Decimal(-2))} 分",
    ), T678),
]
