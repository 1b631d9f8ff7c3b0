"""第十二条 12月份加考 (seed 000 l.648-670): the clauses whose data 刑侦大队 supplies — (一)-(九) and (十一).

All items score into the year-end extra test (category ``jiakao``, a year-scope category: evaluated
once over the whole year). They reuse the 破案记录 (``xingzhen.case``) and 打击处理人员
(``xingzhen.person``) lists; what nobody exported yet comes from two new tables:

- 刑侦年度加考数据 (``xingzhen.december``): one row per station and year — 在帐“八类”案件数,
  发案数 of this year and of last year, 涉毒 figures, 特情 figures, 技术直破案件数;
- 该立未立案件登记 (``xingzhen.unfiled``): one row per case found 该立而未立 (or 立其他类别).

Targets the seed leaves to the 市局 ("参照全年目标任务", per-capita norms, drug tasks, 劳教 tasks)
are rule parameters whose defaults are demo assumptions, documented in the README.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from kaohe import (
    ZERO,
    Adapter,
    Column,
    D,
    DemoBureau,
    Draft,
    Item,
    ItemSet,
    Line,
    Period,
    Record,
    fmt,
    quantize,
    row_key,
    rules,
)
from kaohe.demo import DEMO_YEAR, demo_random, random_day, write_export
from kaohe.rules import Lines, RuleContext, dec_table, match_table, matches, target_for

from .items import ARREST, CASE, DEPARTMENT, DETENTION, DIRECT_PROSECUTION, FUGITIVE, PERSON, REEDUCATION, REHAB

SEED = "seed 000"
CATEGORY = "jiakao"
ITEM = ItemSet("xingzhen", DEPARTMENT, category=CATEGORY, cadence="yearly", seed=SEED)

FIGURES = "xingzhen.december"
"""刑侦年度加考数据: one station's figures for one assessment year."""
INCIDENTS = "xingzhen.incidents"
"""发案数: one station's 飞车抢夺 and 刑事 incidents in one assessment year (this year's row also
gives last year's, so that the same-period comparison needs no second file)."""
UNFILED = "xingzhen.unfiled"
"""该立未立案件登记: one case that should have been filed and was not (or filed as another category)."""

UNFILED_EIGHT = "“八类”案件该立未立"
MISFILED_EIGHT = "“八类”案件立其他类别"
UNFILED_CRIMINAL = "刑事案件该立未立"
UNFILED_MATTERS = (UNFILED_EIGHT, MISFILED_EIGHT, UNFILED_CRIMINAL)

PUNISHED = (DETENTION, ARREST, DIRECT_PROSECUTION, REEDUCATION, REHAB)
"""打击处理 (l.502-510): 刑事拘留、逮捕(含直诉)、劳动教养、强制戒毒."""
OUTSIDE = ("外省", "本省外市")
"""外省市逃犯 (l.660): fugitives from another province or another city of this province."""


# --- rule helpers ------------------------------------------------------------------------------


def _steps(diff: Decimal, step: str) -> Decimal:
    return diff.to_integral_value(rounding=decimal.ROUND_DOWN) if step == "whole" else diff


def _latest(records: Sequence[Record]) -> Record | None:
    return max(records, key=lambda r: (r.date, r.key)) if records else None


def _figure(records: Sequence[Record], field: str) -> Decimal | None:
    """The latest reported value of a yearly figure, None when not reported."""
    rows = [r for r in records if r.kind == FIGURES and r.get(field) is not None]
    last = _latest(rows)
    return None if last is None else D(last.get(field))


def _person(record: Record) -> str:
    """The person of an 打击处理 record (its key is ``xingzhen.person:<人员编号>:<类别>``)."""
    return record.key.rsplit(":", 1)[0]


def _restricted(shape: type) -> Callable[[RuleContext, dict[str, Any]], Lines]:
    """A kernel shape evaluated on part of the data: only records matching ``match``, only units
    with one of ``tags``, a person counted once (``distinct_persons``). The shapes ``PerCapita`` and
    ``YearOverYear`` have no such parameter yet (kernel gap, see README)."""

    def run(ctx: RuleContext, params: dict[str, Any]) -> Lines:
        p = dict(params)
        match = match_table(p.pop("match", None) or {})
        tags = set(p.pop("tags", None) or ())
        distinct = p.pop("distinct_persons", False)
        rule = shape(**p)

        def keep(recs: Sequence[Record]) -> list[Record]:
            out = [r for r in recs if matches(r, match)]
            if distinct:
                seen: dict[str, Record] = {}
                for r in sorted(out, key=lambda r: (r.date, r.key)):
                    seen.setdefault(_person(r), r)
                out = list(seen.values())
            return out

        def fetch(periods: Sequence[Period]) -> Mapping[str, Sequence[Record]]:
            return {u: keep(rs) for u, rs in ctx.fetch(periods).items()}

        units = [u for u in ctx.units if not tags or tags & set(u.tags)]
        sub = attrs.evolve(ctx, units=units, records={u: keep(rs) for u, rs in ctx.records.items()}, fetch=fetch)
        return rule.evaluate(sub)  # type: ignore[no-any-return]

    return run


def _rate_points(rate: Decimal, p: Mapping[str, Any]) -> tuple[Decimal, str]:
    target = D(p["target"])
    diff = rate - target
    if diff < 0:
        pts = _steps(-diff, p.get("step", "exact")) * D(p["per_point_below"])
    else:
        pts = _steps(diff, p.get("step", "exact")) * D(p.get("per_point_above", 0))
    side = "低于" if diff < 0 else "高于" if diff > 0 else "等于"
    text = f"{side}目标{fmt(target)}%" + (f" {fmt(abs(diff))} 个百分点" if diff else "")
    return pts, text


def _count(records: Sequence[Record], kind: str, match: Mapping[str, Any] | None = None) -> int:
    table = match_table(match or {})
    return sum(1 for r in records if r.kind == kind and matches(r, table))


def _solved_vs_target(ctx: RuleContext, p: dict[str, Any]) -> Lines:
    """(一) 破案绝对数 ÷ 全年目标任务 × 100 against 100 %, ± points per percentage point."""
    table = dec_table(p["targets"])
    out: Lines = {}
    for unit in ctx.units:
        target = target_for(table, unit)
        if not target:
            continue
        done = _count(ctx.of(unit), CASE)
        pct = quantize(Decimal(done) / target * 100, 2)
        pts, side = _rate_points(pct, {**p, "target": 100})
        out[unit.id] = [Line(pts, f"全年破案{done}起,目标任务{fmt(target)}起,完成{fmt(pct)}%,{side}", None)]
    return out


def _eight_clearance(ctx: RuleContext, p: dict[str, Any]) -> Lines:
    """(二) 本辖区年内在帐“八类”案件破案率: cases solved (破案记录: 八类, 本辖区, 年内在帐) ÷ 在帐“八类”案件数."""
    out: Lines = {}
    for unit in ctx.units:
        recs = ctx.of(unit)
        filed = _figure(recs, "eight_filed")
        if not filed:
            out[unit.id] = [Line(ZERO, f"{ctx.window.chinese}未报在帐“八类”案件数(或为0),不计分", None)]
            continue
        solved = _count(recs, CASE, {"eight": "是", "local": "是", "in_year": "是"})
        rate = quantize(Decimal(solved) / filed * 100, 2)
        pts, side = _rate_points(rate, p)
        out[unit.id] = [Line(pts, f"年内在帐“八类”案件{fmt(filed)}起,破获本辖区{solved}起,破案率{fmt(rate)}%,{side}", None)]
    return out


def _informant_share(ctx: RuleContext, p: dict[str, Any]) -> Lines:
    """(八) 利用特情提供线索破案数 ÷ 本单位破案总数 (破案记录)."""
    out: Lines = {}
    for unit in ctx.units:
        recs = ctx.of(unit)
        clues = _figure(recs, "informant_cases")
        total = _count(recs, CASE)
        if clues is None or total == 0:
            why = "未报特情线索破案数" if clues is None else "全年无破案"
            out[unit.id] = [Line(ZERO, f"{ctx.window.chinese}{why},不计分", None)]
            continue
        rate = quantize(clues / total * 100, 2)
        pts, side = _rate_points(rate, p)
        out[unit.id] = [Line(pts, f"全年破案{total}起,其中利用特情线索破案{fmt(clues)}起,占{fmt(rate)}%,{side}", None)]
    return out


def _informants_short(ctx: RuleContext, p: dict[str, Any]) -> Lines:
    """(八) 物建刑事特情数 against 全体民警 × 每名民警应建数; ``per_short`` per informant missing."""
    table = dec_table(p["per_officer"])
    out: Lines = {}
    for unit in ctx.units:
        per = target_for(table, unit)
        if per is None:
            continue
        have = _figure(ctx.of(unit), "informants")
        if have is None:
            out[unit.id] = [Line(ZERO, f"{ctx.window.chinese}未报刑事特情数,不计分", None)]
            continue
        head = ctx.headcount(unit, ctx.window)
        if not head:
            out[unit.id] = [Line(ZERO, f"缺少{ctx.window.chinese}民警人数,不计分", None)]
            continue
        need = Decimal(head) * per
        short = max(ZERO, need - have)
        text = f"民警{head}人,应建刑事特情{fmt(need)}名,已建{fmt(have)}名" + (f",缺{fmt(short)}名" if short else ",达标")
        out[unit.id] = [Line(short * D(p["per_short"]), text, None)]
    return out


# --- items -------------------------------------------------------------------------------------

T650 = "(一)各单位破案绝对数参照全年目标任务,每升降1个百分点,加、扣0.5分;"
T652 = "(二)本辖区年内年内在帐“八类”案件破案率达85%以上,每升降1个百分点,加、扣0.5分;"
T652B = "凡发现该立而未立案或立其他类别案件的,有一起扣20分;"
T654 = "(三)年内“飞车抢夺”案件同比下降10%,每升降1个百分点,加、扣0.5分;"
T656 = "(四)城区四所刑事发案数同比下降5%,每升降1个百分点,加、扣0.5分;"
T656B = "凡发现该立而未立案的,有一起扣20分;"
T658 = "(五)年内人均打击处理总数每多或少0.1人,加、扣0.5分;"
T660 = "(六)年内人均抓获外省市逃犯总数每多或少0.1人,加、扣3分;"
T662 = "(七)全年对各所逮捕涉毒人员、强制戒毒、查处吸毒人员完成情况考核,每多或少1人,加、扣1分;"
T664 = "(八)派出所全体民警物建刑事特情数、特情档案达标,缺一名或档案不全有1人扣1分;"
T664B = "利用特情提供线索破案达到本单位破案总数的35%以上,每下降1个百分点,扣0.2分;"
T666 = "(九)全年通过技术(指纹、足迹、DNA)直破案件,城区四所达5起,薛埠、儒林所达3起,其它所达1起,每多或少1起,计、扣10分。"
T670 = "(十一)劳教数全年目标达标后超出部分,每多1人加5分。"


def _formula(function: Callable[[RuleContext, dict[str, Any]], Lines], params: dict[str, Any], text: str) -> Any:
    return rules.Formula(function=function, params=params, text=text)


ITEMS: list[Item] = [
    ITEM.item("dec_solved_target", "破案绝对数完成全年目标任务", 650, [CASE], _formula(
        _solved_vs_target,
        {"targets": {"A": 40, "B": 12, "C": 6}, "per_point_above": "0.5", "per_point_below": "-0.5", "step": "exact"},
        "破案数 ÷ 全年目标任务(A类40、B类12、C类6起,演示假定)× 100%,每高于或低于100%一个百分点加、扣0.5分",
    ), T650),
    ITEM.item("dec_eight_clearance", "本辖区年内在帐“八类”案件破案率", 652, [CASE, FIGURES], _formula(
        _eight_clearance,
        {"target": 85, "per_point_above": "0.5", "per_point_below": "-0.5", "step": "exact"},
        "本辖区破获年内在帐“八类”案件数 ÷ 在帐“八类”案件数,目标85%,每升降1个百分点加、扣0.5分",
    ), T652),
    ITEM.item("dec_eight_unfiled", "“八类”案件该立而未立或立其他类别", 652, [UNFILED],
          rules.PerOccurrence(points=-20, match={"matter": [UNFILED_EIGHT, MISFILED_EIGHT]}), T652B),
    ITEM.item("dec_snatch_yoy", "“飞车抢夺”案件同比", 654, [INCIDENTS], _formula(
        _restricted(rules.YearOverYear),
        {"mode": "percent", "better": "lower", "target": -10, "per_better": "0.5", "per_worse": "-0.5",
         "field": "snatch", "what": "“飞车抢夺”发案数", "step": "exact"},
        "“飞车抢夺”发案数与去年同期比,目标下降10%,每多降或少降1个百分点加、扣0.5分",
    ), T654),
    ITEM.item("dec_criminal_yoy", "城区四所刑事发案数同比", 656, [INCIDENTS], _formula(
        _restricted(rules.YearOverYear),
        {"mode": "percent", "better": "lower", "target": -5, "per_better": "0.5", "per_worse": "-0.5",
         "field": "criminal", "what": "刑事发案数", "step": "exact", "tags": ["城区"]},
        "城区四所(标签“城区”)刑事发案数与去年同期比,目标下降5%,每多降或少降1个百分点加、扣0.5分",
    ), T656),
    ITEM.item("dec_criminal_unfiled", "刑事案件该立而未立", 656, [UNFILED],
          rules.PerOccurrence(points=-20, match={"matter": UNFILED_CRIMINAL}), T656B),
    ITEM.item("dec_punished_per_capita", "年内人均打击处理总数", 658, [PERSON], _formula(
        _restricted(rules.PerCapita),
        {"target": {"A": "1.5", "B": "1.2", "C": "1"}, "per_unit_short": -5, "per_unit_over": 5, "field": None,
         "what": "人均打击处理", "step": "exact", "match": {"category": list(PUNISHED)}, "distinct_persons": True},
        "刑事拘留、逮捕(含直诉)、劳动教养、强制戒毒人数(一人只计一次)÷ 民警人数,对照人均目标"
        "(A类1.5、B类1.2、C类1人,演示假定),每多或少0.1人加、扣0.5分",
    ), T658),
    ITEM.item("dec_fugitive_per_capita", "年内人均抓获外省市逃犯总数", 660, [PERSON], _formula(
        _restricted(rules.PerCapita),
        {"target": "0.2", "per_unit_short": -30, "per_unit_over": 30, "field": None, "what": "人均抓获外省市逃犯",
         "step": "exact", "match": {"category": FUGITIVE, "origin": list(OUTSIDE)}},
        "抓获外省、本省外市网上逃犯人数 ÷ 民警人数,对照人均目标(0.2人,演示假定),每多或少0.1人加、扣3分",
    ), T660),
    ITEM.item("dec_drug_arrest", "逮捕涉毒人员完成情况", 662, [FIGURES], rules.Quota(
        targets={"A": 3, "B": 2, "C": 1}, per_short=-1, per_over=1, field="drug_arrests", what="逮捕涉毒人员",
    ), T662),
    ITEM.item("dec_rehab", "强制戒毒完成情况", 662, [PERSON], rules.Quota(
        targets={"A": 4, "B": 3, "C": 2}, per_short=-1, per_over=1, what="强制戒毒人数", match={"category": REHAB},
    ), T662),
    ITEM.item("dec_drug_users", "查处吸毒人员完成情况", 662, [FIGURES], rules.Quota(
        targets={"A": 20, "B": 10, "C": 5}, per_short=-1, per_over=1, field="drug_users", what="查处吸毒人员",
    ), T662),
    ITEM.item("dec_informants", "物建刑事特情数达标", 664, [FIGURES], _formula(
        _informants_short, {"per_officer": 1, "per_short": -1},
        "应建刑事特情数 = 民警人数 × 每名民警1名(演示假定),每缺一名扣1分",
    ), T664),
    ITEM.item("dec_informant_files", "特情档案不全", 664, [FIGURES], rules.PerOccurrence(
        points=-1, quantity="files_incomplete", quantity_unit="人",
        when_field="files_incomplete", when_op=">", limit=0, when_label="特情档案不全人数",
    ), T664),
    ITEM.item("dec_informant_cases", "利用特情线索破案占破案总数比例", 664, [CASE, FIGURES], _formula(
        _informant_share, {"target": 35, "per_point_below": "-0.2", "per_point_above": 0, "step": "exact"},
        "利用特情线索破案数 ÷ 破案总数(破案记录),须达35%,每下降1个百分点扣0.2分",
    ), T664B),
    ITEM.item("dec_technical_cases", "通过技术直破案件", 666, [FIGURES], rules.Quota(
        targets={"城区": 5, "薛埠派出所": 3, "儒林派出所": 3, "*": 1}, per_short=-10, per_over=10,
        field="technical_cases", what="技术(指纹、足迹、DNA)直破案件",
    ), T666),
    ITEM.item("dec_reeducation_over", "劳教数超出全年目标", 670, [PERSON], rules.Quota(
        targets={"A": 1, "B": 1, "C": 0}, per_short=0, per_over=5, what="劳教人数", match={"category": REEDUCATION},
    ), T670),
]


# --- adapters ----------------------------------------------------------------------------------

YEAR = Column("考核年度", "year", "int", aliases=("年度",), minimum=Decimal(2000), maximum=Decimal(2100),
              help="如 2015(考核年度为上年12月21日至本年12月20日,按本局考核周期)")


def _n(name: str, key: str, help: str, *, aliases: tuple[str, ...] = ()) -> Column:
    return Column(name, key, "int", required=False, minimum=ZERO, aliases=aliases, help=help + ";空白为未报")


FIGURE_COLUMNS = [
    YEAR,
    Column("派出所", "unit", "unit", aliases=("单位",)),
    _n("在帐“八类”案件数", "eight_filed", "本辖区年内在帐“八类”案件立案数(破案率的分母;破案数取自破案记录)"),
    _n("“飞车抢夺”发案数", "snatch", "本年“飞车抢夺”案件发案数"),
    _n("去年同期“飞车抢夺”发案数", "snatch_last", "上一考核年度同期的“飞车抢夺”案件发案数"),
    _n("刑事发案数", "criminal", "本年刑事案件发案数(城区四所考核同比)"),
    _n("去年同期刑事发案数", "criminal_last", "上一考核年度同期的刑事案件发案数"),
    _n("逮捕涉毒人员数", "drug_arrests", "全年逮捕涉毒人员数"),
    _n("查处吸毒人员数", "drug_users", "全年查处吸毒人员数"),
    _n("刑事特情数", "informants", "派出所全体民警物建的刑事特情数"),
    _n("特情档案不全人数", "files_incomplete", "档案不全的特情人数"),
    _n("特情线索破案数", "informant_cases", "利用特情提供线索破获的案件数"),
    _n("技术直破案件数", "technical_cases", "通过指纹、足迹、DNA技术直接破获的案件数"),
]

_FIGURE_NOTES = {
    "eight_filed": "在帐“八类”案件{}起", "drug_arrests": "逮捕涉毒人员{}人", "drug_users": "查处吸毒人员{}人",
    "informants": "刑事特情{}名", "files_incomplete": "特情档案不全{}人", "informant_cases": "特情线索破案{}起",
    "technical_cases": "技术直破案件{}起",
}


def _year_period(year: int) -> Period:
    return Period(int(year), "year", 1)


def figure_records(row: Mapping[str, Any]) -> list[Draft]:
    year = int(row["year"])
    attrs_ = {k: row[k] for k in _FIGURE_NOTES if row.get(k) is not None}
    drafts = []
    if attrs_:
        note = ",".join(_FIGURE_NOTES[k].format(v) for k, v in attrs_.items())
        drafts.append(Draft(key=f"{FIGURES}:{{unit}}:{year}", kind=FIGURES, unit=row["unit"], date=_year_period(year),
                            attrs=attrs_, note=f"{year}年度加考数据:{note}"))
    for y, suffix in ((year, ""), (year - 1, "_last")):
        inc = {k: row[k + suffix] for k in ("snatch", "criminal") if row.get(k + suffix) is not None}
        if inc:
            parts = [f"“飞车抢夺”{inc['snatch']}起" if "snatch" in inc else "", f"刑事{inc['criminal']}起" if "criminal" in inc else ""]
            drafts.append(Draft(key=f"{INCIDENTS}:{{unit}}:{y}", kind=INCIDENTS, unit=row["unit"], date=_year_period(y),
                                attrs=inc, note=f"{y}年度发案数:" + ",".join(p for p in parts if p)))
    return drafts


FIGURES_ADAPTER = Adapter(
    id="xingzhen.december",
    title="刑侦年度加考数据",
    department=DEPARTMENT,
    columns=FIGURE_COLUMNS,
    to_records=figure_records,
    kinds=[FIGURES, INCIDENTS],
)

UNFILED_COLUMNS = [
    Column("未立案登记编号", "id", "text", help="登记编号,每条唯一"),
    Column("派出所", "unit", "unit", help="被考核的派出所"),
    Column("发现日期", "date", "date", help="发现的日期,决定计入哪个考核年度"),
    Column("未立案情形", "matter", "text", choices=UNFILED_MATTERS, help="、".join(UNFILED_MATTERS)),
    Column("警情及案情", "remark", "text", required=False, help="警情编号、简要案情等"),
]


def unfiled_records(row: Mapping[str, Any]) -> list[Draft]:
    note = row["matter"] + (f":{row['remark']}" if row.get("remark") else "")
    return [Draft(key=row_key(UNFILED, row), kind=UNFILED, unit=row["unit"], date=row["date"],
                  attrs={"matter": row["matter"]}, note=note)]


UNFILED_ADAPTER = Adapter(
    id="xingzhen.unfiled",
    title="该立未立案件登记",
    department=DEPARTMENT,
    columns=UNFILED_COLUMNS,
    to_records=unfiled_records,
    kinds=[UNFILED],
)

ADAPTERS = [FIGURES_ADAPTER, UNFILED_ADAPTER]


# --- demo --------------------------------------------------------------------------------------


def demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    rnd = demo_random(seed, 1212)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cal = bureau.calendar
    year = Period(DEMO_YEAR, "year", 1)
    start, end = cal.start(year), cal.end(year)
    units = [u for u in bureau.units if u.active(start, end)]
    figures, unfiled = [], []
    for u in units:
        head = u.headcount_for(year) or 10
        d = rnd.uniform(0.2, 1.0)
        eight = max(1, round(head * rnd.uniform(0.3, 0.6)))
        snatch_last = rnd.randint(2, 4 + head // 4)
        crim_last = rnd.randint(head * 3, head * 6)
        figures.append([
            DEMO_YEAR, u.name, eight,
            max(0, round(snatch_last * rnd.uniform(0.6, 1.1))), snatch_last,
            round(crim_last * rnd.uniform(0.85, 1.05)), crim_last,
            rnd.randint(0, 2 + head // 10), rnd.randint(head // 4, head // 2 + 5),
            max(0, head - rnd.randint(0, 4)), rnd.choice([0, 0, 1, 2]),
            round(head * rnd.uniform(0.3, 0.8) * (0.5 + d) * 0.4),
            rnd.randint(0, 3 + head // 8),
        ])
        for _ in range(rnd.choice([0, 0, 0, 1])):
            day = random_day(rnd, start, end)
            unfiled.append([f"WL{DEMO_YEAR}{len(unfiled) + 1:03d}", u.name, day, rnd.choice(UNFILED_MATTERS), None])
    return [
        write_export(directory / f"刑侦大队_年度加考数据_{DEMO_YEAR}.xlsx", f"刑侦大队 {DEMO_YEAR}年度加考数据", FIGURE_COLUMNS, figures),
        write_export(directory / f"刑侦大队_该立未立案件登记_{DEMO_YEAR}.xlsx", "该立未立案件登记", UNFILED_COLUMNS, unfiled),
    ]

