"""第十二条 12月份加考, the 刑侦 clauses (seed 000 l.650-670): every item scored over the year 2015
on a small bureau with a year-scope 年度加考 category; expected values worked out by hand."""

from __future__ import annotations

import datetime as dt
import types
from decimal import Decimal

import pytest
from kaohe import Period, Record, hookimpl
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.testing import MemorySource, score
from kaohe_xingzhen import december
from kaohe_xingzhen.items import CASE, PERSON

CONFIG = {
    "bureau": {"name": "测试局", "cutoff_day": 20},
    "scheme": {"base_period": "month", "year_method": "scaled", "year_scale": 60},
    "series": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
    "categories": [
        {"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100},
        {"id": "dachu", "name": "打处绩效", "weight": 300, "base": 300},
        {"id": "jiakao", "name": "年度加考", "weight": 20, "base": 100, "scope": "year"},
    ],
    "units": [
        {"id": "a1", "name": "甲派出所", "series": "A", "class": "A", "headcount": 10, "tags": ["城区"]},
        {"id": "xb", "name": "薛埠派出所", "series": "B", "class": "B", "headcount": 10},
        {"id": "c1", "name": "丙派出所", "series": "C", "class": "C", "headcount": 10},
    ],
    "items": {"enable": ["*"]},
}

DAY = dt.date(2015, 6, 1)  # inside the assessment year 2015 (2014-12-21 .. 2015-12-20)
LAST_YEAR = dt.date(2014, 12, 20)  # the last day of the assessment year 2014


def case(n: int, unit: str, eight: bool = False, local: bool = True, in_year: bool = True) -> Record:
    yn = {True: "是", False: "否"}
    return Record(f"{CASE}:{unit}{n}", CASE, unit, DAY,
                  attrs={"category": "盗窃", "eight": yn[eight], "local": yn[local], "in_year": yn[in_year]})


def person(pid: str, unit: str, category: str, **attrs: str) -> Record:
    return Record(f"{PERSON}:{pid}:{category}", PERSON, unit, DAY, attrs={"category": category, **attrs})


def figures(unit: str, **values: int) -> Record:
    return Record(f"{december.FIGURES}:{unit}:2015", december.FIGURES, unit, dt.date(2015, 12, 20),
                  attrs={k: Decimal(v) for k, v in values.items()})


def incidents(unit: str, day: dt.date, **values: int) -> Record:
    return Record(f"{december.INCIDENTS}:{unit}:{day.year}", december.INCIDENTS, unit, day,
                  attrs={k: Decimal(v) for k, v in values.items()})


def unfiled(n: int, unit: str, matter: str) -> Record:
    return Record(f"{december.UNFILED}:{n}", december.UNFILED, unit, DAY, attrs={"matter": matter})


RECORDS: list[Record] = [
    # 甲 (A): 44 cases, 18 of them local in-year 八类, one 八类 not local (not counted in (二))
    *[case(n, "a1", eight=n < 18) for n in range(43)], case(43, "a1", eight=True, local=False),
    # 薛埠 (B): 9 cases, 6 local in-year 八类
    *[case(n, "xb", eight=n < 6) for n in range(9)],
    # 甲's persons: P1 detained then arrested (one person), 9 more detained, 3 劳教 → 13 dealt with;
    # fugitives: 外省 2, 本省外市 1 (外省市 3), 本市 1 (not 外省市; not 打击处理)
    person("P1", "a1", "刑事拘留"), person("P1", "a1", "逮捕"),
    *[person(f"D{n}", "a1", "刑事拘留") for n in range(9)],
    *[person(f"L{n}", "a1", "劳动教养") for n in range(3)],
    person("F1", "a1", "网上逃犯", origin="外省"), person("F2", "a1", "网上逃犯", origin="外省"),
    person("F3", "a1", "网上逃犯", origin="本省外市"), person("F4", "a1", "网上逃犯", origin="本市"),
    # 薛埠's persons: 5 强制戒毒, 10 刑事拘留 → 15
    *[person(f"R{n}", "xb", "强制戒毒") for n in range(5)],
    *[person(f"X{n}", "xb", "刑事拘留") for n in range(10)],
    figures("a1", eight_filed=20, drug_arrests=5, drug_users=18, informants=8, files_incomplete=3,
            informant_cases=11, technical_cases=7),
    figures("xb", eight_filed=10, drug_arrests=1, drug_users=10, informants=12, informant_cases=4, technical_cases=2),
    incidents("a1", dt.date(2015, 12, 20), snatch=8, criminal=180),
    incidents("a1", LAST_YEAR, snatch=10, criminal=200),
    incidents("xb", dt.date(2015, 12, 20), snatch=12, criminal=50),
    incidents("xb", LAST_YEAR, snatch=10, criminal=40),
    unfiled(1, "a1", december.UNFILED_EIGHT), unfiled(2, "a1", december.MISFILED_EIGHT),
    unfiled(3, "a1", december.UNFILED_CRIMINAL),
]


def december_plugin() -> types.ModuleType:
    """The December items as a plugin of their own (the package's hook does not register them yet:
    a bureau without a ``jiakao`` category would refuse them, see README)."""
    mod = types.ModuleType("kaohe_xingzhen_december")

    @hookimpl
    def kaohe_items(register):
        for item in december.ITEMS:
            register(item)

    mod.kaohe_items = kaohe_items  # type: ignore[attr-defined]
    return mod


@pytest.fixture(scope="module")
def result():
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("xingzhen", december_plugin())]))
    assert not reg.errors, reg.errors
    return score(parse_bureau(CONFIG, reg), Period.parse("2015"), MemorySource(RECORDS))


def points(result, unit: str, item: str) -> Decimal | None:
    cat = next(c for c in result.unit(unit).categories if c.category == "jiakao")
    found = [i for i in cat.items if i.item == f"xingzhen.{item}"]
    return found[0].points if found else None


EXPECTED = {
    # (一) l.650: 甲 44 ÷ 40 = 110 % → +10 points × 0.5 = +5; 薛埠 9 ÷ 12 = 75 % → −25 × 0.5 = −12.5;
    #      丙 0 ÷ 6 = 0 % → −100 × 0.5 = −50
    "dec_solved_target": {"a1": "5", "xb": "-12.5", "c1": "-50"},
    # (二) l.652: 甲 18 ÷ 20 = 90 % vs 85 % → +5 × 0.5 = +2.5; 薛埠 6 ÷ 10 = 60 % → −25 × 0.5 = −12.5;
    #      丙 reported no 在帐 figure → 0
    "dec_eight_clearance": {"a1": "2.5", "xb": "-12.5", "c1": "0"},
    # (二) l.652: 甲 one 该立未立 and one 立其他类别 → 2 × −20 = −40
    "dec_eight_unfiled": {"a1": "-40", "xb": None},
    # (三) l.654: 甲 8 vs 10 = −20 %, target −10 % → 10 points better × 0.5 = +5;
    #      薛埠 12 vs 10 = +20 % → 30 points worse × −0.5 = −15; 丙 last year 0 → no points
    "dec_snatch_yoy": {"a1": "5", "xb": "-15", "c1": "0"},
    # (四) l.656: only 城区: 甲 180 vs 200 = −10 %, target −5 % → 5 better × 0.5 = +2.5; 薛埠 not assessed
    "dec_criminal_yoy": {"a1": "2.5", "xb": "0"},
    # (四) l.656: 甲 one 刑事案件该立未立 → −20
    "dec_criminal_unfiled": {"a1": "-20", "xb": None},
    # (五) l.658: 甲 13 persons ÷ 10 = 1.3 vs 1.5 → 0.2 short = 2 × 0.1 → −1; 薛埠 15 ÷ 10 = 1.5 vs 1.2 → +1.5;
    #      丙 0 vs 1 → −5
    "dec_punished_per_capita": {"a1": "-1", "xb": "1.5", "c1": "-5"},
    # (六) l.660: 甲 3 ÷ 10 = 0.3 vs 0.2 → 1 × 0.1 over → +3; 薛埠, 丙 0 → 2 × 0.1 short → −6
    "dec_fugitive_per_capita": {"a1": "3", "xb": "-6", "c1": "-6"},
    # (七) l.662: 逮捕涉毒 甲 5 vs 3 → +2, 薛埠 1 vs 2 → −1, 丙 none vs 1 → −1
    "dec_drug_arrest": {"a1": "2", "xb": "-1", "c1": "-1"},
    # (七) 强制戒毒 甲 0 vs 4 → −4, 薛埠 5 vs 3 → +2, 丙 0 vs 2 → −2
    "dec_rehab": {"a1": "-4", "xb": "2", "c1": "-2"},
    # (七) 查处吸毒 甲 18 vs 20 → −2, 薛埠 10 vs 10 → 0
    "dec_drug_users": {"a1": "-2", "xb": "0"},
    # (八) l.664: 甲 10 officers → 10 informants needed, 8 → −2; 薛埠 12 of 10 → 0
    "dec_informants": {"a1": "-2", "xb": "0", "c1": "0"},
    # (八) 档案不全 甲 3 persons → −3
    "dec_informant_files": {"a1": "-3", "xb": None},
    # (八) 甲 11 ÷ 44 = 25 % vs 35 % → −10 × 0.2 = −2; 薛埠 4 ÷ 9 = 44.44 % → 0 (no bonus)
    "dec_informant_cases": {"a1": "-2", "xb": "0"},
    # (九) l.666: 甲 (城区) 7 vs 5 → +20; 薛埠 2 vs 3 → −10; 丙 (其它所) 0 vs 1 → −10
    "dec_technical_cases": {"a1": "20", "xb": "-10", "c1": "-10"},
    # (十一) l.670: 甲 3 劳教 vs target 1 → 2 × 5 = +10; 薛埠 0 vs 1 → no deduction
    "dec_reeducation_over": {"a1": "10", "xb": "0"},
}


@pytest.mark.parametrize("item", sorted(EXPECTED))
def test_item_points(result, item):
    for unit, want in EXPECTED[item].items():
        got = points(result, unit, item)
        if want is None:
            assert got in (None, 0), (item, unit, got)
        else:
            assert got == Decimal(want), (item, unit, got)


def test_every_item_is_tested_and_yearly_in_jiakao():
    assert {i.id.split(".", 1)[1] for i in december.ITEMS} == set(EXPECTED)
    for item in december.ITEMS:
        assert item.category == "jiakao" and item.cadence == "yearly"
        assert item.reference.startswith("seed 000 l.6") and item.text


def test_urban_only_clause_leaves_other_stations_without_lines(result):
    cat = next(c for c in result.unit("xb").categories if c.category == "jiakao")
    item = next((i for i in cat.items if i.item == "xingzhen.dec_criminal_yoy"), None)
    assert item is None or not item.lines


def test_extra_test_total_for_a_station(result):
    # 甲: 5 + 2.5 − 40 + 5 + 2.5 − 20 − 1 + 3 + 2 − 4 − 2 − 2 − 3 − 2 + 20 + 10 = −24 → raw 100 − 24 = 76
    cat = next(c for c in result.unit("a1").categories if c.category == "jiakao")
    assert cat.raw == 76


def test_reasons_name_the_figures(result):
    cat = next(c for c in result.unit("a1").categories if c.category == "jiakao")
    solved = next(i for i in cat.items if i.item == "xingzhen.dec_eight_clearance")
    assert "破获本辖区18起" in solved.lines[0].reason and "90%" in solved.lines[0].reason


def test_figures_row_gives_this_and_last_years_incidents():
    row = {"year": 2015, "unit": "金城", "eight_filed": 20, "snatch": 8, "snatch_last": 10, "criminal": 180,
           "criminal_last": None, "technical_cases": 3}
    drafts = december.figure_records(row)
    by_key = {d.key: d for d in drafts}
    assert set(by_key) == {"xingzhen.december:{unit}:2015", "xingzhen.incidents:{unit}:2015",
                           "xingzhen.incidents:{unit}:2014"}
    assert by_key["xingzhen.incidents:{unit}:2014"].attrs == {"snatch": 10}
    assert by_key["xingzhen.incidents:{unit}:2014"].date == Period(2014, "year", 1)
    assert by_key["xingzhen.december:{unit}:2015"].attrs == {"eight_filed": 20, "technical_cases": 3}


def test_unfiled_row():
    (d,) = december.unfiled_records({"id": "W1", "unit": "金城", "date": DAY, "matter": december.UNFILED_CRIMINAL,
                                     "remark": "警情J001"})
    assert d.key == "xingzhen.unfiled:W1" and d.attrs == {"matter": "刑事案件该立未立"} and "警情J001" in d.note
