"""Properties of the pipeline over generated records (hypothesis, modest example counts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaohe.core.model import Record
from kaohe.core.periods import Period
from kaohe.rules import Flag, PerOccurrence, Tiered, Veto
from kaohe.scoring.explain import unit_data
from kaohe.scoring.pipeline import MemorySource, score
from kernel_helpers import bureau, category, item, unit

APRIL = Period.parse("2015-04")
START = dt.date(2015, 3, 21)  # month 2015-04 = 03-21 … 04-20 (31 days)
UNITS = tuple(unit(f"u{i}", f"第{i}派出所") for i in range(4))

ITEMS = (
    item("t.minus1", PerOccurrence(points=-1), "c1"),
    item("t.plus2", PerOccurrence(points=2), "c1", cap=6),
    item("t.ranged", PerOccurrence(min_points=-10, max_points=-5), "c2"),
    item("t.tiered", Tiered(levels={"市局": 1, "省厅": 2}), "c2"),
    item("t.flag", Flag(points=-3), "c3"),
)
VETO = item("t.veto", Veto(), "c3")
KINDS = [i.id for i in ITEMS]

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def records(draw: st.DrawFn, kinds: list[str] = KINDS) -> list[Record]:
    n = draw(st.integers(0, 25))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(kinds))
        u = draw(st.sampled_from(UNITS)).id
        day = START + dt.timedelta(days=draw(st.integers(0, 30)))
        value = Decimal(draw(st.integers(-10, -5))) if kind == "t.ranged" else None
        attrs = {"level": draw(st.sampled_from(["市局", "省厅", "市局、省厅"]))} if kind == "t.tiered" else {}
        out.append(Record(key=f"r{i}", kind=kind, unit=u, date=day, value=value, attrs=attrs))
    return out


money = st.decimals(min_value=1, max_value=300, places=2, allow_nan=False, allow_infinity=False)
bases = st.sampled_from([0, 10, 100])


@st.composite
def categories(draw: st.DrawFn, floors: bool = False) -> tuple:
    out = []
    for cid in ("c1", "c2", "c3"):
        floor = draw(st.sampled_from([None, 0])) if floors else None
        out.append(category(cid, draw(money), base=draw(bases), floor=floor))
    return tuple(out)


@given(records(), categories())
@FAST
def test_explanation_sums_to_the_score(recs: list[Record], cats: tuple) -> None:
    res = score(bureau(ITEMS, UNITS, cats), APRIL, MemorySource(recs))
    for u in res.units:
        data = unit_data(u)
        for c in data["categories"]:
            assert Decimal(c["raw"]) == Decimal(c["base"]) + sum((Decimal(i["points"]) for i in c["items"]), Decimal(0))
            for i in c["items"]:
                assert Decimal(i["uncapped"]) == sum((Decimal(ln["points"]) for ln in i["lines"]), Decimal(0))
        assert Decimal(data["total"]) == sum((Decimal(c["score"]) for c in data["categories"]), Decimal(0))
    # and each item's record lines name records of that unit
    keys = {r.key: r.unit for r in recs}
    for u in res.units:
        for c in u.categories:
            for i in c.items:
                assert all(keys[ln.record] == u.unit for ln in i.lines if ln.record)


@given(records(), categories(floors=True))
@FAST
def test_normalised_never_above_weight_and_top_gets_full_weight(recs: list[Record], cats: tuple) -> None:
    res = score(bureau(ITEMS, UNITS, cats), APRIL, MemorySource(recs))
    for cid in ("c1", "c2", "c3"):
        cs = [next(c for c in u.categories if c.category == cid) for u in res.units]
        top = max(c.raw for c in cs)
        for c in cs:
            assert c.top == top
            assert c.score <= c.weight
            if c.raw == top:
                assert c.score == c.weight
    # the best total is at most the sum of the weights
    assert max(u.total for u in res.units) <= sum(c.weight for c in cats)


@given(records(KINDS + ["t.veto"]), categories())
@FAST
def test_scoring_twice_gives_the_same_result_and_order_does_not_matter(recs: list[Record], cats: tuple) -> None:
    b = bureau((*ITEMS, VETO), UNITS, cats)
    first = score(b, APRIL, MemorySource(recs))
    assert score(b, APRIL, MemorySource(list(recs))) == first
    shuffled = score(b, APRIL, MemorySource(list(reversed(recs))))
    assert {u.unit: (u.total, u.rank, u.flags) for u in shuffled.units} == {u.unit: (u.total, u.rank, u.flags) for u in first.units}
    for u in first.units:
        assert u.total == (0 if u.veto else u.subtotal)


@given(records(), categories(), st.data())
@FAST
def test_second_record_with_same_key_changes_nothing(recs: list[Record], cats: tuple, data: st.DataObject) -> None:
    b = bureau(ITEMS, UNITS, cats)
    before = score(b, APRIL, MemorySource(recs))
    if recs:
        original = data.draw(st.sampled_from(recs))
        # the same source key again, as a re-import with different content would bring it
        kind = data.draw(st.sampled_from(["t.minus1", "t.plus2", "t.flag"]))
        u = data.draw(st.sampled_from(UNITS)).id
        day = START + dt.timedelta(days=data.draw(st.integers(0, 30)))
        dup = Record(key=original.key, kind=kind, unit=u, date=day)
    else:
        dup = Record(key="only", kind="t.minus1", unit="u0", date=START)
        recs = [Record(key="only", kind="t.minus1", unit="u0", date=START)]
        before = score(b, APRIL, MemorySource(recs))
    after = score(b, APRIL, MemorySource([*recs, dup]))
    assert after == before


def test_duplicate_key_example() -> None:
    # seed 000 l.404 "本考核办法中所列的项目加减分均不重复计算": u0 −1 once → c1 raw 99 of top 100 → 99;
    # the same key again (even as another kind) changes nothing; a new key makes it 98
    b = bureau(ITEMS, UNITS, (category("c1", 100, base=100), category("c2", 100, base=100), category("c3", 100, base=100)))
    one = Record(key="110-0001", kind="t.minus1", unit="u0", date=START)
    again = Record(key="110-0001", kind="t.flag", unit="u0", date=START + dt.timedelta(days=3))
    fresh = Record(key="110-0002", kind="t.minus1", unit="u0", date=START)
    assert score(b, APRIL, MemorySource([one])).unit("u0").total == 299
    assert score(b, APRIL, MemorySource([one, again])).unit("u0").total == 299
    assert score(b, APRIL, MemorySource([one, one])).unit("u0").total == 299
    assert score(b, APRIL, MemorySource([one, fresh])).unit("u0").total == 298
