"""The scoring pipeline, worked by hand from seed 000 (金坛 2015).

l.686 (第十三条): "月考核分根据六大考核权重,以最高分为满分计算,其他部门分值除以最高分值再乘以考核权重即为
单位实际得分" — a category's score = raw ÷ the group's top raw × weight.
l.422: "月考评细化考核项目不设基本分,在六大考核内容分值基础上加、扣分" — the raw score starts at the
category's value (base 100) and items add or deduct.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from kaohe.core.errors import KaoheError
from kaohe.core.periods import Period
from kaohe.rules import Flag, PerOccurrence, Quota, Tiered, Veto
from kaohe.scheme.scheme import Series
from kaohe.scoring.explain import period_data, unit_data, unit_text
from kaohe.scoring.pipeline import normalise, score
from kernel_helpers import D, a_stations, bureau, category, item, rec, source, unit

JC, HC, CD = a_stations()
P = Period.parse

# Two of the six categories, each 100 points, starting from 100 (l.422)
JICHU = category("jichu", 100, base=100, name="基础工作建设")
XINXI = category("xinxi", 100, base=100, name="公安信息化建设")

ITEMS = (
    # l.540 "网络派单未登录、电话无人接听的,每次扣1分"
    item("zhihui110.unanswered", PerOccurrence(points=-1), "jichu", title="接警无应答"),
    # l.552 "对一般警情…未及时反馈的每次扣0.5分"
    item("zhihui110.feedback_late", PerOccurrence(points="-0.5"), "jichu", title="反馈不及时"),
    # l.462 "被金坛政府或常州市局采用的,有1条加5分,被常州、市政府和省厅采用的,有一条加20分";
    # l.458 "档案信息加分最高不超过20分"
    item("office.adopted", Tiered(levels={"常州市局": 5, "省厅": 20}), "xinxi", cap=20, title="情报信息录用"),
    # l.468 "情报信息每退回一次,扣2分"
    item("office.returned", PerOccurrence(points=-2), "xinxi", title="情报信息退回"),
    # l.430 一票否决
    item("office.veto", Veto(), "jichu", title="一票否决"),
)


def april_records() -> list:
    return [
        # 金城: 基础 2 × −1 + 1 × −0.5 = −2.5 → raw 97.5; 信息化 省厅 +20 and 常州市局 +5 = 25, capped at 20,
        # one returned −2 → raw 100 + 20 − 2 = 118
        rec("zhihui110.unanswered", "jincheng", "2015-04-01"),
        rec("zhihui110.unanswered", "jincheng", "2015-04-02"),
        rec("zhihui110.feedback_late", "jincheng", "2015-04-03"),
        rec("office.adopted", "jincheng", "2015-04-04", level="省厅"),
        rec("office.adopted", "jincheng", "2015-04-05", level="常州市局"),
        rec("office.returned", "jincheng", "2015-04-06"),
        # 华城: 基础 raw 100; 信息化 常州市局 +5 → 105
        rec("office.adopted", "huacheng", "2015-04-07", level="常州市局"),
        # 城东: 基础 3 × −1 → 97; 信息化 3 × −2 → 94
        *[rec("zhihui110.unanswered", "chengdong", f"2015-04-1{i}") for i in (1, 2, 3)],
        *[rec("office.returned", "chengdong", f"2015-04-1{i}") for i in (4, 5, 6)],
    ]


def make(units=(JC, HC, CD), items=ITEMS, categories=(JICHU, XINXI), **kw):  # type: ignore[no-untyped-def]
    return bureau(items, units, categories, **kw)


def cat(result, uid: str, cid: str):  # type: ignore[no-untyped-def]
    return next(c for c in result.unit(uid).categories if c.category == cid)


def test_month_raw_normalised_totals_ranks() -> None:
    res = score(make(), P("2015-04"), source(*april_records()))
    # raw category scores (base + items)
    assert [cat(res, u, "jichu").raw for u in ("jincheng", "huacheng", "chengdong")] == [D("97.5"), 100, 97]
    assert [cat(res, u, "xinxi").raw for u in ("jincheng", "huacheng", "chengdong")] == [118, 105, 94]
    # 基础: top 100 (华城) → 97.5 ÷ 100 × 100 = 97.5; 100; 97
    assert [cat(res, u, "jichu").score for u in ("jincheng", "huacheng", "chengdong")] == [D("97.5"), 100, 97]
    assert cat(res, "chengdong", "jichu").top == 100
    # 信息化: top 118 (金城) → 100; 105 ÷ 118 × 100 = 88.983… → 88.98; 94 ÷ 118 × 100 = 79.661… → 79.66
    assert [cat(res, u, "xinxi").score for u in ("jincheng", "huacheng", "chengdong")] == [100, D("88.98"), D("79.66")]
    # totals: 97.5 + 100 = 197.5; 100 + 88.98 = 188.98; 97 + 79.66 = 176.66
    assert [res.unit(u).total for u in ("jincheng", "huacheng", "chengdong")] == [D("197.5"), D("188.98"), D("176.66")]
    assert [res.unit(u).rank for u in ("jincheng", "huacheng", "chengdong")] == [1, 2, 3]
    assert "末位" in res.unit("chengdong").flags and "末位" not in res.unit("jincheng").flags
    # the item cap: 25 earned, 20 counted, and the note says why
    adopted = next(i for i in cat(res, "jincheng", "xinxi").items if i.item == "office.adopted")
    assert (adopted.uncapped, adopted.points) == (25, 20)
    assert "20" in adopted.note
    assert [u.unit for u in res.series()["A"]] == ["jincheng", "huacheng", "chengdong"]


def test_the_cycle_collector_is_paused_while_a_month_is_scored_and_resumed_after() -> None:
    import gc

    seen: list[bool] = []

    class Watched:  # the records of april_records, noting whether the collector runs while they are read
        def __init__(self, fail: bool = False) -> None:
            self.inner, self.fail = source(*april_records()), fail

        def records(self, kinds, start, end):  # type: ignore[no-untyped-def]
            seen.append(gc.isenabled())
            if self.fail:
                raise KaoheError("读取失败")
            return self.inner.records(kinds, start, end)

    assert gc.isenabled()
    res = score(make(), P("2015-04"), Watched())
    assert seen and not any(seen) and gc.isenabled()
    # the same totals as worked out above: 97.5 + 100; 100 + 88.98; 97 + 79.66
    assert [res.unit(u).total for u in ("jincheng", "huacheng", "chengdong")] == [D("197.5"), D("188.98"), D("176.66")]
    with pytest.raises(KaoheError):
        score(make(), P("2015-04"), Watched(fail=True))
    assert gc.isenabled()  # resumed after an error too
    gc.disable()
    try:  # a caller that paused it itself finds it paused still
        score(make(), P("2015-04"), Watched())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_explanation_sums_to_the_score() -> None:
    res = score(make(), P("2015-04"), source(*april_records()))
    for u in res.units:
        data = unit_data(u)
        for c in data["categories"]:
            # category raw = base + Σ item points (no per-capita, floor or cap in this scheme)
            assert D(c["raw"]) == D(c["base"]) + sum((D(i["points"]) for i in c["items"]), Decimal(0))
            for i in c["items"]:
                assert D(i["uncapped"]) == sum((D(ln["points"]) for ln in i["lines"]), Decimal(0))
        assert D(data["total"]) == sum((D(c["score"]) for c in data["categories"]), Decimal(0))
    text = unit_text(res.unit("jincheng"))
    assert "金城派出所(jincheng) 2015-04 考核得分 197.5,序列内第1名" in text
    assert "【公安信息化建设】得分 100" in text
    assert "情报信息录用 +20" in text and "加分最高不超过20分" in text
    assert period_data(res)["units"][0]["unit"] == "jincheng"


def test_rounding_half_up() -> None:
    # 199.73 ÷ 200 × 100 = 99.865 exactly: half-up gives 99.87 (half-even would give 99.86)
    assert normalise(D("199.73"), D(200), D(100), D(100), 2)[0] == D("99.87")
    # 2 ÷ 3 × 100 = 66.666… → 66.67; with 1 place 66.7
    assert normalise(D(2), D(3), D(100), D(100), 2)[0] == D("66.67")
    assert normalise(D(2), D(3), D(100), D(100), 1)[0] == D("66.7")
    # in the pipeline: 金城 raw 99.73 (100 − 0.5 − 0.5 … ) against 华城's 100 × weight 100 = 99.73 (no rounding
    # needed); a weight of 300 (打处绩效) and raws 299, 300: 299 ÷ 300 × 300 = 299 exactly
    b = make(categories=(category("jichu", 300, base=300), XINXI))
    res = score(b, P("2015-04"), source(rec("zhihui110.unanswered", "jincheng", "2015-04-01")))
    assert cat(res, "jincheng", "jichu").score == 299


def test_rounding_half_up_in_pipeline() -> None:
    # base 200, weight 100: 金城 −0.27 (one −0.27 occurrence) → raw 199.73, top 200 → 99.865 → 99.87
    items = (item("office.x", PerOccurrence(points="-0.27"), "jichu"),)
    b = make(items=items, categories=(category("jichu", 100, base=200),))
    res = score(b, P("2015-04"), source(rec("office.x", "jincheng", "2015-04-01")))
    assert cat(res, "jincheng", "jichu").score == D("99.87")


def test_tie_shares_rank_and_last_place() -> None:
    # 金城 −1 in 基础 → 99 + 100 = 199; 华城 and 城东 200 each → both 1st, 金城 3rd and last
    res = score(make(), P("2015-04"), source(rec("zhihui110.unanswered", "jincheng", "2015-04-01")))
    assert [res.unit(u).rank for u in ("huacheng", "chengdong", "jincheng")] == [1, 1, 3]
    assert "末位" in res.unit("jincheng").flags
    assert "末位" not in res.unit("huacheng").flags
    # all equal: nobody is last
    res = score(make(), P("2015-04"), source())
    assert {u.rank for u in res.units} == {1} and not any("末位" in u.flags for u in res.units)


def test_veto_zeroes_the_month_and_keeps_the_subtotal() -> None:
    # 城东 would score 176.66 (as in April); a veto record makes its month 0 (l.430 "当月考核为零分")
    records = [*april_records(), rec("office.veto", "chengdong", "2015-04-19", note="民警违反五条禁令")]
    res = score(make(), P("2015-04"), source(*records))
    cd = res.unit("chengdong")
    assert cd.total == 0
    assert cd.subtotal == D("176.66")
    assert "一票否决" in cd.flags and cd.veto
    assert cd.rank == 3
    assert res.unit("jincheng").total == D("197.5")  # others unchanged
    text = unit_text(cd)
    assert "否决前得分 176.66" in text and "民警违反五条禁令" in text


def test_last_place_three_months_running() -> None:
    # l.426 "派出所按类别连续三个月月考核排名末位…": 金城 last in Feb, Mar and Apr → flagged in April only
    b = make()
    history: list = []
    flags = {}
    for m in ("2015-02", "2015-03", "2015-04"):
        p = P(m)
        r = score(b, p, source(rec("zhihui110.unanswered", "jincheng", b.calendar.end(p))), history)
        history.insert(0, r)
        flags[m] = r.unit("jincheng").flags
    assert "末位" in flags["2015-02"] and "连续3期排名末位" not in flags["2015-03"]
    assert "连续3期排名末位" in flags["2015-04"]
    # a break in the run: last in Feb and Apr but not in Mar → not flagged
    history = []
    for m, who in (("2015-02", "jincheng"), ("2015-03", "huacheng"), ("2015-04", "jincheng")):
        p = P(m)
        r = score(b, p, source(rec("zhihui110.unanswered", who, b.calendar.end(p))), history)
        history.insert(0, r)
    assert "末位" in r.unit("jincheng").flags and "连续3期排名末位" not in r.unit("jincheng").flags


def test_last_place_running_within_a_quarter() -> None:
    # scoring a quarter scores its months in order, so the third month sees the first two
    b = make()
    records = [rec("zhihui110.unanswered", "jincheng", d) for d in ("2015-03-25", "2015-04-25", "2015-05-25")]
    res = score(b, P("2015-Q2"), source(*records))
    # quarter = sum of months: 199 × 3 = 597 for 金城, 200 × 3 = 600 for the others
    assert res.unit("jincheng").total == 597
    assert res.unit("jincheng").parts == (("2015-04", D(199)), ("2015-05", D(199)), ("2015-06", D(199)))


def test_rectification_unit_below_pass_mark_and_last() -> None:
    # 下城 l.390: below the series pass mark and last → 整改单位. Pass mark 200.5: 华城 and 城东 (200) are
    # below it but not last; 金城 (199) is below and last.
    b = make(series=(Series("A", "A类所", pass_mark="200.5"),))
    res = score(b, P("2015-04"), source(rec("zhihui110.unanswered", "jincheng", "2015-04-01")))
    assert "整改单位" in res.unit("jincheng").flags
    assert "整改单位" not in res.unit("huacheng").flags
    # pass mark 198: 金城 is last but not below it
    b = make(series=(Series("A", "A类所", pass_mark=198),))
    res = score(b, P("2015-04"), source(rec("zhihui110.unanswered", "jincheng", "2015-04-01")))
    assert "整改单位" not in res.unit("jincheng").flags and "末位" in res.unit("jincheng").flags


# --- normalisation edge cases ---------------------------------------------------------------------


def test_normalise_top_zero_or_negative() -> None:
    # pipeline.normalise: with a top ≤ 0 the unit loses from the weight what it is below the top, on the
    # full-score scale: weight − (top − raw) × weight ÷ full
    assert normalise(D(-5), D(-5), D(100), D(100), 2)[0] == 100  # the top keeps the full weight
    assert normalise(D(-10), D(-5), D(100), D(100), 2)[0] == 95  # 100 − 5 × 1
    assert normalise(D(-10), D(-5), D(100), D(50), 2)[0] == 90  # 100 − 5 × 100/50
    assert normalise(D(-3), D(0), D(100), D(100), 2)[0] == 97  # top 0: 100 − 3


def test_pipeline_top_zero_category_without_base() -> None:
    # a category 不设基本分 (base 0) where every unit only loses points: 金城 −5, 华城 −10, 城东 0 → top 0:
    # 金城 100 − 5 = 95, 华城 90, 城东 100
    items = (item("office.x", PerOccurrence(points=-5), "jichu"),)
    b = make(items=items, categories=(category("jichu", 100, base=0),))
    records = [rec("office.x", "jincheng", "2015-04-01"), *[rec("office.x", "huacheng", "2015-04-01") for _ in range(2)]]
    res = score(b, P("2015-04"), source(*records))
    assert [res.unit(u).total for u in ("jincheng", "huacheng", "chengdong")] == [95, 90, 100]
    # all negative: top −5 (金城) → 金城 100, 华城 −10 → 95; 城东 −15 → 90
    records.append(rec("office.x", "chengdong", "2015-04-01"))
    records += [rec("office.x", "chengdong", "2015-04-02"), rec("office.x", "chengdong", "2015-04-03")]
    res = score(b, P("2015-04"), source(*records))
    assert [res.unit(u).total for u in ("jincheng", "huacheng", "chengdong")] == [100, 95, 90]


def test_group_of_one_and_groups_by_class() -> None:
    # a group of one is its own top: whatever its raw (> 0) it gets the full weight
    res = score(make(units=(JC,)), P("2015-04"), source(*april_records()))
    assert res.unit("jincheng").total == 200
    assert res.unit("jincheng").rank == 1 and "末位" not in res.unit("jincheng").flags
    # normalise within class: a class-B station is compared with class B only
    xuebu = unit("xuebu", "薛埠派出所", series="A", klass="B")
    b = make(units=(JC, HC, xuebu), normalise_within="class")
    records = [rec("zhihui110.unanswered", "xuebu", "2015-04-01") for _ in range(10)]  # 90 in 基础
    res = score(b, P("2015-04"), source(*records))
    assert cat(res, "xuebu", "jichu").score == 100  # top of its own class
    # within the series instead: top 100 → 90 ÷ 100 × 100 = 90
    res = score(make(units=(JC, HC, xuebu)), P("2015-04"), source(*records))
    assert cat(res, "xuebu", "jichu").score == 90


def test_not_normalised_category() -> None:
    # normalise = false: the raw counts as is: 97.5 stays 97.5 though nobody reaches 100
    b = make(categories=(category("jichu", 100, base=100, normalise=False),))
    res = score(b, P("2015-04"), source(rec("zhihui110.feedback_late", "jincheng", "2015-04-01")))
    assert res.unit("jincheng").total == D("99.5")


# --- caps, floors, per capita ---------------------------------------------------------------------


def test_item_floor_and_category_floor_and_cap() -> None:
    # item floor −10: 6 × −2 = −12 → −10
    items = (item("office.returned", PerOccurrence(points=-2), "jichu", floor=-10),)
    b = make(items=items, categories=(category("jichu", 100, base=100),))
    res = score(b, P("2015-04"), source(*[rec("office.returned", "jincheng", "2015-04-01") for _ in range(6)]))
    it = cat(res, "jincheng", "jichu").items[0]
    assert (it.uncapped, it.points) == (-12, -10) and "-10" in it.note
    assert cat(res, "jincheng", "jichu").raw == 90
    # category floor 0 ("扣完为止,不出现负分", seed 001): base 10, 6 × −2 = −12 → raw −2 → 0
    items = (item("office.returned", PerOccurrence(points=-2), "jichu"),)
    b = make(items=items, categories=(category("jichu", 10, base=10, floor=0),))
    res = score(b, P("2015-04"), source(*[rec("office.returned", "jincheng", "2015-04-01") for _ in range(6)]))
    assert cat(res, "jincheng", "jichu").raw == 0 and cat(res, "jincheng", "jichu").score == 0
    assert "扣完为止" in cat(res, "jincheng", "jichu").explanation
    # category cap: base 100, +20 → 120, capped at 110; 华城 100 → 100 ÷ 110 × 100 = 90.909… → 90.91
    items = (item("office.adopted", Tiered(levels={"省厅": 20}), "jichu"),)
    b = make(items=items, categories=(category("jichu", 100, base=100, cap=110),))
    res = score(b, P("2015-04"), source(rec("office.adopted", "jincheng", "2015-04-01", level="省厅")))
    assert cat(res, "jincheng", "jichu").raw == 110
    assert cat(res, "huacheng", "jichu").score == D("90.91")


def test_per_capita_category_and_direct_items() -> None:
    # A per-capita category: item points are divided by 民警人数 before the base is added. 金城 (4 officers):
    # 6 × −1 = −6 → −6 ÷ 4 = −1.5; a 直接扣人均分 item (l.584 "未经审核擅自录入警务平台的,每起直接扣人均分2分")
    # is added as is: −2. Raw 100 − 1.5 − 2 = 96.5.
    jc, hc, cd = a_stations(headcount=4)
    items = (
        item("office.x", PerOccurrence(points=-1), "jichu"),
        item("office.direct", PerOccurrence(points=-2), "jichu", direct_per_capita=True),
    )
    records = [*[rec("office.x", "jincheng", "2015-04-01") for _ in range(6)], rec("office.direct", "jincheng", "2015-04-02")]
    b = make(units=(jc, hc, cd), items=items, categories=(category("jichu", 100, base=100, per_capita=True),))
    res = score(b, P("2015-04"), source(*records))
    assert cat(res, "jincheng", "jichu").raw == D("96.5")
    assert "÷民警4人" in cat(res, "jincheng", "jichu").explanation
    # In a plain category (per_capita_direct = plain) the direct item is added as is: 100 − 6 − 2 = 92
    b = make(units=(jc, hc, cd), items=items)
    res = score(b, P("2015-04"), source(*records))
    assert cat(res, "jincheng", "jichu").raw == 92
    # times_headcount: the per-capita points count for every officer: 100 − 6 − 2 × 4 = 86
    b = make(units=(jc, hc, cd), items=items, per_capita_direct="times_headcount")
    res = score(b, P("2015-04"), source(*records))
    assert cat(res, "jincheng", "jichu").raw == 86
    # missing headcount in a per-capita category is an error that names the unit
    b = make(items=items, categories=(category("jichu", 100, base=100, per_capita=True),))
    with pytest.raises(KaoheError, match="金城派出所"):
        score(b, P("2015-04"), source(*records))


# --- cadence and aggregation ----------------------------------------------------------------------


def test_cadence_quarterly_half_yearly_named_month() -> None:
    items = (
        # l.518 style quarterly test: 每少1 −15 against 2 a quarter
        item("office.quarterly", Quota(targets={"*": 2}, per_short=-15), "jichu", cadence="quarterly"),
        # l.632 "每半年开展消防宣传培训活动四次,每少1次扣2分(半年考)"
        item("office.training", Quota(targets={"*": 4}, per_short=-2), "jichu", cadence="half-yearly"),
        # l.632 "未开展“119”消防宣传日活动的扣3分…(11月份考)"
        item("office.day119", Flag(points=-3), "jichu", cadence="month:11"),
    )
    b = make(units=(JC, HC), items=items)
    records = [
        rec("office.quarterly", "jincheng", "2015-04-02"),  # 1 of 2 in Q2 → −15 in June
        rec("office.training", "jincheng", "2015-01-05"),  # H1 = 2014-12-21 … 2015-06-20: 2 trainings → 2 short → −4
        rec("office.training", "jincheng", "2015-05-05"),
        *[rec("office.training", "huacheng", "2015-02-05") for _ in range(4)],
        rec("office.day119", "jincheng", "2015-11-02"),  # 2015-11 = 10-21 … 11-20
    ]
    data = source(*records)

    def item_ids(month: str, uid: str = "jincheng") -> dict[str, Decimal]:
        res = score(b, P(month), data)
        return {i.item: i.points for i in cat(res, uid, "jichu").items}

    assert item_ids("2015-04") == {}
    assert item_ids("2015-05") == {}
    # June ends Q2 and H1: quarterly −15 (2 − 1 = 1 short); training 4 − 2 = 2 short × −2 = −4
    assert item_ids("2015-06") == {"office.quarterly": -15, "office.training": -4}
    assert item_ids("2015-06", "huacheng") == {"office.quarterly": -30, "office.training": 0}
    assert item_ids("2015-11") == {"office.day119": -3}
    # December ends Q4 and H2: nothing done → −30 and −8
    assert item_ids("2015-12") == {"office.quarterly": -30, "office.training": -8}
    res = score(b, P("2015-06"), data)
    assert next(i for i in cat(res, "jincheng", "jichu").items if i.item == "office.quarterly").window == "2015-Q2"


def test_quarter_is_sum_of_months_and_explains() -> None:
    # months of Q2: April as above (金城 197.5, 华城 188.98, 城东 176.66), May and June without records (200 each)
    res = score(make(), P("2015-Q2"), source(*april_records()))
    assert [res.unit(u).total for u in ("jincheng", "huacheng", "chengdong")] == [D("597.5"), D("588.98"), D("576.66")]
    assert [res.unit(u).rank for u in ("jincheng", "huacheng", "chengdong")] == [1, 2, 3]
    jc = res.unit("jincheng")
    assert jc.parts == (("2015-04", D("197.5")), ("2015-05", D(200)), ("2015-06", D(200)))
    data = unit_data(jc)
    assert D(data["total"]) == sum((D(c["score"]) for c in data["categories"]), Decimal(0))
    for c in data["categories"]:
        # over three months the base is 3 × 100 and the items are those of every month
        assert D(c["raw"]) == D(c["base"]) + sum((D(i["points"]) for i in c["items"]), Decimal(0))
    assert "2015-04 197.5" in unit_text(jc)


def test_quarter_with_a_vetoed_month() -> None:
    # the vetoed month counts 0 in the sum: 城东 April 0 + 200 + 200 = 400
    records = [*april_records(), rec("office.veto", "chengdong", "2015-04-19")]
    res = score(make(), P("2015-Q2"), source(*records))
    assert res.unit("chengdong").total == 400
    assert res.unit("chengdong").veto
    # l.430 "取消单位年终评先创优资格": the veto stays visible on the longer period
    assert "一票否决" in res.unit("chengdong").flags
    year = score(make(), P("2015"), source(*records))
    assert "一票否决" in year.unit("chengdong").flags and "一票否决" not in year.unit("jincheng").flags


def test_carried_records_are_flagged() -> None:
    # l.88 "拿上季度数据考核": a record standing in from the previous period counts and is marked
    import attrs

    r = attrs.evolve(rec("zhihui110.unanswered", "jincheng", "2015-04-01"), carried_from="2015-03")
    res = score(make(), P("2015-04"), source(r))
    jc = res.unit("jincheng")
    assert jc.total == 199 and jc.carried and "含沿用上期数据" in jc.flags
    assert "沿用上期数据" in unit_text(jc)
    assert not res.unit("huacheng").carried


def test_year_scaled_and_mean() -> None:
    # year scaled: mean of the 12 months ÷ full (200) × 100. 华城 loses 12 in 基础 in one month (188), the
    # others are 200 every month: mean (11 × 200 + 188) ÷ 12 = 199 → 199 ÷ 200 × 100 = 99.5
    items = (item("office.x", PerOccurrence(points=-1), "jichu"),)
    records = [rec("office.x", "huacheng", "2015-07-01") for _ in range(12)]
    res = score(make(items=items, year_method="scaled"), P("2015"), source(*records))
    assert res.unit("huacheng").total == D("99.5")
    assert res.unit("jincheng").total == 100
    assert len(res.unit("huacheng").parts) == 12
    # mean: 199
    res = score(make(items=items, year_method="mean"), P("2015"), source(*records))
    assert res.unit("huacheng").total == 199
    # half-year with aggregate = mean: (5 × 200 + 188) ÷ 6 = 198
    res = score(make(items=items, aggregate="mean"), P("2015-H2"), source(*records))
    assert res.unit("huacheng").total == 198


def test_quarterly_scheme_refuses_a_month() -> None:
    b = make(base_period="quarter")
    with pytest.raises(KaoheError):
        score(b, P("2015-04"), source())
    # a quarterly scheme scores the quarter directly: April's records in one period, top per category
    res = score(b, P("2015-Q2"), source(*april_records()))
    assert res.unit("jincheng").total == D("197.5")
    assert res.unit("jincheng").parts == ()


def test_units_outside_their_dates_are_not_scored() -> None:
    import datetime as dt

    import attrs

    closed = attrs.evolve(CD, end=dt.date(2015, 3, 1))
    res = score(make(units=(JC, HC, closed)), P("2015-04"), source())
    assert {u.unit for u in res.units} == {"jincheng", "huacheng"}
