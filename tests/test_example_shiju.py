"""examples/shiju-lianghua: the 市公安局 quantified scheme (seed 001) on its synthetic register,
ingested into a real store; the second quarter and the year worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from example_helpers import Example


def test_second_quarter_and_year_by_hand(tmp_path: Path) -> None:
    ex = Example("shiju-lianghua", tmp_path)
    assert ex.bureau.scheme.base_period == "quarter"
    q2 = ex.score("2014-Q2")
    cg = q2.unit("chengguan")
    cats = {c.category: c.score for c in cg.categories}
    # 城关派出所, 2014-04-01 … 06-30 (calendar quarter):
    #   打击破案追逃 40 − 3 − 2.5 = 34.5
    #   人口管理 10 − 6 − 5 = −1 → 扣完为止 → 0
    #   执法质量 20 − 4 = 16
    #   队伍 10 + 治安 10 + 安全防范 5 + 情报信息 5 untouched = 30
    #   total 34.5 + 0 + 16 + 30 = 80.5
    assert cats == {
        "duiwu": 10, "zhian": 10, "daji": Decimal("34.5"), "zhifa": 16, "renkou": 0, "anfang": 5, "qingbao": 5,
    }
    assert cg.total == Decimal("80.5")
    assert "扣完为止" in next(c for c in cg.categories if c.category == "renkou").explanation
    # 东城 5 − 2 = 3 on 情报信息 → 98; 西城 100 → 西城 1, 东城 2, 城关 3 (last of 派出所第一序列)
    assert [(u.unit, u.rank) for u in q2.series()["S1"]] == [("xicheng", 1), ("dongcheng", 2), ("chengguan", 3)]
    assert "末位" in cg.flags
    # 北湖: 安全防范 5 − 5 − 3 → 0 (not −3) → 95
    assert q2.unit("beihu").total == 95
    # the offices are not assessed on the stations' blocks: 刑侦大队 100 − 7.5 = 92.5
    xz = q2.unit("xingzhen")
    assert [c.category for c in xz.categories] == ["jiguan"] and xz.total == Decimal("92.5")

    # the year: the mean of the four quarters. 城关: Q1 队伍 10 − 1 → 99; Q2 80.5;
    # Q3 安全防范 5 − 5 − 1 → 0 → 95; Q4 100 → (99 + 80.5 + 95 + 100) / 4 = 374.5 / 4 = 93.625 → 93.63
    year = ex.score("2014")
    assert [t for _, t in year.unit("chengguan").parts] == [99, Decimal("80.5"), 95, 100]
    assert year.unit("chengguan").total == Decimal("93.63")
    # 刑侦大队: (97 + 92.5 + 100 + 100) / 4 = 389.5 / 4 = 97.375 → 97.38
    assert year.unit("xingzhen").total == Decimal("97.38")
