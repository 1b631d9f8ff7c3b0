"""The 2015 scheme (seed 000 l.416-698) with the bundled plugins, hand-worked: a month of three
class-A stations across all six categories with a veto, a quarter with an extra test and a
carry-over, and the year. The demo bureau's own configuration is used, narrowed to the items the
records below touch, so that every point can be worked out by hand."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal

import pytest
from kaohe.core.model import Record
from kaohe.core.periods import Period
from kaohe.demo import CONFIG
from kaohe.plugins.discovery import load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.pipeline import MemorySource, score

pytest.importorskip("kaohe_jiwei")
pytest.importorskip("kaohe_jingzhen")

ITEMS = [
    "jiwei.written_warning",  # 书面警诫每人次扣10分 (l.454)            → 队伍建设
    "jiwei.veto_holding_room",  # 一票否决 (三) 候问室 (l.436)
    "bangongshi.intel_returned",  # 情报信息每退回一次,扣2分 (l.460)    → 公安信息化建设
    "xingzhen.detention",  # 每刑拘1人计10分 (l.504)                    → 打处绩效
    "jiaoxunjing.fatal_hit_run",  # 协助侦破死亡逃逸交通事故的,每起加10分 (l.644) → 基础工作建设
    "jingzhen.prosecuted_quarterly",  # 经济案件打击处理季度加考 (l.524)  → 打处绩效
]
# 执法规范化建设 and 信息化应用 ("另定", l.534, l.536) are the demo office's own items, always on.


@pytest.fixture(scope="module")
def bureau():
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    del data["units_file"]
    data["units"] = [
        {"id": "jincheng", "name": "金城派出所", "series": "A", "class": "A", "headcount": 42},
        {"id": "huacheng", "name": "华城派出所", "series": "A", "class": "A", "headcount": 38},
        {"id": "chengdong", "name": "城东派出所", "series": "A", "class": "A", "headcount": 30},
    ]
    data["items"] = {"enable": ITEMS}
    return parse_bureau(data, load_registry(), "demo bureau.toml")


def rec(key, kind, unit, day, value=None, **attrs):
    return Record(key, kind, unit, dt.date.fromisoformat(day), None if value is None else Decimal(value), attrs)


def warning(n, unit, day, count=1):
    return rec(f"w{n}", "jiwei.deduction", unit, day, matter="书面警诫", count=count, self_reported=False)


def detained(n, unit, day):
    return rec(f"d{n}", "xingzhen.person", unit, day, category="刑事拘留")


def prosecuted(n, unit, day):
    return rec(f"p{n}", "jingzhen.person", unit, day, measure="刑事拘留")


APRIL = [  # the month 2015-04 runs 2015-03-21 … 2015-04-20 (l.696)
    warning(1, "jincheng", "2015-04-02"),
    rec("q1", "bangongshi.intel_quality", "jincheng", "2015-04-03", problem="退回"),
    *(detained(i, "jincheng", "2015-04-05") for i in range(3)),
    rec("z1", "office.zhifa", "jincheng", "2015-04-06", "-3"),
    rec("h1", "jiaoxunjing.assist", "jincheng", "2015-04-07", type="协助侦破死亡逃逸交通事故"),
    rec("v1", "jiwei.veto", "huacheng", "2015-04-08", situation="(三)候问对象非正常死亡、脱逃"),
    detained(10, "huacheng", "2015-04-09"),
    rec("y1", "office.yingyong", "huacheng", "2015-04-10", "-5"),
    warning(2, "chengdong", "2015-04-11", count=2),
    *(detained(20 + i, "chengdong", "2015-04-12") for i in range(6)),
]


def cat(unit_result, cid):
    return next(c for c in unit_result.categories if c.category == cid)


def test_a_month_of_three_stations_across_six_categories_with_a_veto(bureau):
    res = score(bureau, Period.parse("2015-04"), MemorySource(APRIL))
    jc, hc, cd = (res.unit(u) for u in ("jincheng", "huacheng", "chengdong"))
    # raw = the category's value + item points (l.424):
    #   队伍建设 100: 金城 −10 → 90; 华城 100; 城东 2 人次 × −10 → 80                       top 100
    #   公安信息化 100: 金城 −2 → 98; others 100                                               top 100
    #   打处绩效 300: 金城 3 × 10 → 330; 华城 310; 城东 6 × 10 → 360                         top 360
    #   执法规范化 100: 金城 −3 → 97; others 100;  信息化应用 100: 华城 −5 → 95; others 100
    #   基础工作建设 100: 金城 +10 → 110; others 100                                           top 110
    assert [[cat(u, c).raw for c in ("duiwu", "xinxihua", "dachu", "zhifa", "yingyong", "jichu")] for u in (jc, hc, cd)] == [
        [90, 98, 330, 97, 100, 110], [100, 100, 310, 100, 95, 100], [80, 100, 360, 100, 100, 100],
    ]
    # normalised = raw ÷ top of the class × weight (l.686), 2 places half-up:
    #   金城: 90 + 98 + 330/360×300 = 275 + 97 + 100 + 110/110×100 = 100          → 760
    #   华城: 100 + 100 + 310/360×300 = 258.33 + 100 + 95 + 100/110×100 = 90.91  → 744.24, vetoed → 0
    #   城东: 80 + 100 + 360/360×300 = 300 + 100 + 100 + 90.91                    → 770.91
    assert cat(hc, "dachu").score == Decimal("258.33") and cat(cd, "jichu").score == Decimal("90.91")
    assert (jc.total, hc.subtotal, hc.total, cd.total) == (Decimal(760), Decimal("744.24"), 0, Decimal("770.91"))
    assert "一票否决" in hc.flags and hc.veto
    assert [u.rank for u in (cd, jc, hc)] == [1, 2, 3]


def test_a_quarter_with_the_extra_test_and_a_carry_over(bureau):
    # 经侦 l.524: A类所每季度打击处理3人 … 每少1人扣5分,超出部分可累计推至下季度
    records = [
        *(prosecuted(i, "jincheng", "2015-02-10") for i in range(5)),  # Q1 5: 2 over, carried
        *(prosecuted(10 + i, "jincheng", "2015-05-10") for i in range(2)),  # Q2 2 + 2 carried = 4 ≥ 3 → 0
        *(prosecuted(20 + i, "huacheng", "2015-02-10") for i in range(3)),  # Q1 3: exactly
        prosecuted(30, "huacheng", "2015-05-10"),  # Q2 1: 2 short → −10
        *(prosecuted(40 + i, "chengdong", "2015-04-01") for i in range(3)),  # Q2 3 → 0 (Q1 0 → −15 in March)
    ]
    q2 = score(bureau, Period.parse("2015-Q2"), MemorySource(records))
    jc, hc, cd = (q2.unit(u) for u in ("jincheng", "huacheng", "chengdong"))
    # the extra test is assessed in June, the quarter's last month: 打处绩效 raw 300 / 290 / 300, top 300
    # → June 800 / 790 / 800; April and May have nothing: 800 each. Q2 = the sum of its months.
    assert [u.total for u in (jc, hc, cd)] == [2400, 2390, 2400]
    assert jc.parts == (("2015-04", 800), ("2015-05", 800), ("2015-06", 800))
    extra = next(i for i in cat(jc, "dachu").items if i.item == "jingzhen.prosecuted_quarterly")
    line = extra.lines[-1].reason
    assert "加上期结转2" in line and "结转下期" in line
    march = score(bureau, Period.parse("2015-03"), MemorySource(records))
    assert cat(march.unit("chengdong"), "dachu").raw == 285  # Q1 0 of 3 → 3 × −5


def test_the_year(bureau):
    year = score(bureau, Period.parse("2015"), MemorySource(APRIL))
    jc, hc, cd = (year.unit(u) for u in ("jincheng", "huacheng", "chengdong"))
    # months (l.424): mean month ÷ 800 × 60; every month but April is 800 for all (no records):
    #   金城 (11 × 800 + 760) / 12 = 796.67 → 59.75; 华城 April 0 (veto): 8800 / 12 / 800 × 60 = 55.00;
    #   城东 (8800 + 770.91) / 12 / 800 × 60 = 59.8182 → 59.82
    # 年度加考 (no item on): raw 100 all → 20; 专项工作 (no campaign recorded): raw 0 all, top 0 → 20
    assert [u.total for u in (jc, hc, cd)] == [Decimal("99.75"), Decimal("95.00"), Decimal("99.82")]
    assert "取消年终评先创优资格" in hc.flags and "取消年终评先创优资格" not in jc.flags


def test_the_year_ranking_shows_the_months_part_beside_the_year_categories(bureau):
    """On the 60/20/20 scale the months' category sums would not add up to the total: the ranking
    shows the months' part (金城 59.75, see test_the_year) and the two year categories (20 and 20)."""
    from kaohe.scoring.explain import ranking_columns

    year = score(bureau, Period.parse("2015"), MemorySource(APRIL))
    columns = ranking_columns(bureau, year)
    assert [h for h, _ in columns] == ["月考核部分", "年度加考", "专项工作"]
    jc = year.unit("jincheng")
    assert [get(jc) for _, get in columns] == [Decimal("59.75"), Decimal(20), Decimal(20)]
    month = score(bureau, Period.parse("2015-04"), MemorySource(APRIL))
    assert [h for h, _ in ranking_columns(bureau, month)] == [c.name for c in bureau.scheme.period_categories]
