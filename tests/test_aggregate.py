"""Items scored from grouped counts (``[scoring] engine = "sql"``, kaohe.scoring.aggregated) give
the points their rule's Python form gives: by hand on small cases, and on every aggregated item of
the demo, every unit, every month, quarter, half and the year of 2015 as windows (and a month scored
from carried-over data), as a base period's stored result keeps them (two or more record lines
folded, a single record's own line): the stored trees of either engine are the same text."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from demo_helpers import ingested_demo
from kaohe.core.errors import ConfigError
from kaohe.core.model import Record
from kaohe.core.periods import Period
from kaohe.rules import PerOccurrence
from kaohe.rules.aggregate import AggregateSpec, Tally, total
from kaohe.scheme.config import load_bureau
from kaohe.core.decimals import fmt_points
from kaohe.intake.staging import dumps
from kaohe.office.results import foldable
from kaohe.scoring.aggregated import spec_of
from kaohe.scoring.treejson import TreeEncoder
from kaohe.scoring.pipeline import score_base
from kaohe.scoring.sources import StoreSource
from kaohe.store.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from sql_check import compare  # noqa: E402

D = Decimal


def t(count: int, carried: bool = False, **values: object) -> Tally:
    return Tally(values, carried, count)


def test_per_occurrence_describes_what_it_adds_up():
    assert PerOccurrence(points=-1).aggregate() == AggregateSpec((), D(-1))
    spec = PerOccurrence(points=2, quantity="人数", match={"类别": ["盗窃", "抢劫"]}).aggregate()
    assert spec == AggregateSpec((("类别", ("盗窃", "抢劫")),), D(2), "人数", D(1))
    assert spec.fields == ("类别", "人数")
    assert PerOccurrence(min_points=-10, max_points=-5).aggregate() == AggregateSpec((), D(1), "value", D(0))
    # shapes that are no count or sum of records keep their Python form only
    assert PerOccurrence(points=-1, modifiers=[{"field": "破获", "factor": "0.5"}]).aggregate() is None
    assert PerOccurrence(points_by={"一级": -2}).aggregate() is None
    assert PerOccurrence(points=1, once_per="案件").aggregate() is None
    assert PerOccurrence(min_points=1, max_points=5, quantity="人数").aggregate() is None

    class Own(PerOccurrence):
        def evaluate(self, ctx):  # a plugin's shape scoring otherwise
            return {}

    assert Own(points=1).aggregate() is None


def test_a_quantity_multiplies_and_an_empty_one_counts_once():
    spec = AggregateSpec((("类别", ("盗窃",)),), D("-0.5"), "人数", D(1))
    # 3 records of 2 人: -3; 2 records without 人数: -1; 1 record with "": -0.5; 4 records of 0 人: no line;
    # 5 records of another 类别 and 1 without 类别: not matched
    s = total(spec, [
        t(3, 类别="盗窃", 人数=2), t(2, 类别="盗窃", 人数=None), t(1, True, 类别="盗窃", 人数=""),
        t(4, 类别="盗窃", 人数=0), t(5, 类别="抢劫", 人数=9), t(1, 类别=None, 人数=1),
    ])
    assert s is not None
    assert (s.points, s.lines, s.carried) == (D("-4.5"), 6, True)
    assert total(spec, [t(4, 类别="盗窃", 人数=0)]) is None  # no line: the unit has nothing on the item
    assert total(spec, [t(4, 类别="抢劫", 人数=1)]) is None


def test_records_carrying_their_points_add_them_and_matches_compare_as_text():
    spec = AggregateSpec((("在逃", ("是",)), ("等级", ("2",))), D(1), "value", D(0))
    s = total(spec, [
        t(2, value=D("-7.5"), 在逃=True, 等级=2), t(1, value=None, 在逃=True, 等级="2"),
        t(1, value=D("-9"), 在逃=False, 等级=2), t(1, value=D("-9"), 在逃=True, 等级=3),
    ])
    assert s is not None
    assert (s.points, s.lines, s.carried) == (D("-15.0"), 3, False)  # -7.5 × 2, and 0 for the one without points


def test_groups_whose_values_are_equal_but_read_differently_are_not_confused():
    """1, 1.0 and True are equal in Python, but a match reads them as 1, 1.0 and 是."""
    spec = AggregateSpec((("在逃", ("是",)),), D(-2))
    groups = [t(2, 在逃=True), t(3, 在逃=1), t(5, 在逃=1.0)]
    for memo in (None, {}):
        s = total(spec, groups, memo)
        assert s is not None and (s.points, s.lines) == (D(-4), 2)
    keyed = [Tally(g.values, False, g.count, repr(g.values)) for g in groups]
    s = total(spec, keyed, {})
    assert s is not None and (s.points, s.lines) == (D(-4), 2)
    one = AggregateSpec((("value", ("1",)),), D(1))
    s = total(one, [t(1, value=D("1.0")), t(4, value=D("1"))], {})
    assert s is not None and s.lines == 4


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """The demo bureau's year, ingested (not scored): kaohe demo's first half."""
    d = tmp_path_factory.mktemp("aggregate")
    bureau, registry, _ = ingested_demo(d)
    with Store(bureau.database, readonly=True) as store:
        yield d, bureau, registry, store


def test_most_of_the_demo_items_aggregate(demo_store):
    _, bureau, _, _ = demo_store
    assert sum(spec_of(i) is not None for i in bureau.items) >= 170  # of 276: per occurrence, most of them


def test_every_aggregated_item_of_the_demo_gives_its_rule_result_every_period(demo_store):
    _, bureau, registry, store = demo_store
    months = [Period.parse(f"2015-{m:02d}") for m in range(1, 13)]
    longer = [Period.parse(f"2015-{x}") for x in ("Q1", "Q2", "Q3", "Q4", "H1", "H2")] + [Period(2015, "year")]
    compared, scored, _, diffs = compare(bureau, registry, store, months + longer)
    assert diffs == []
    # 15 units × 174 items a month, less those of the months a department sent nothing; then 7 longer windows
    assert compared > 19 * 15 * 160
    assert scored > 2000  # records behind a good part of them


def test_carried_over_records_are_counted_and_marked(demo_store):
    _, bureau, registry, store = demo_store
    carrying = bureau.evolve(carry_over={"*": True})  # January 2016: every department's December stands in
    compared, scored, carried, diffs = compare(carrying, registry, store, [Period.parse("2016-01")])
    assert diffs == []
    assert carried >= scored > 100  # every result with points, and lines of quotas met exactly


def test_a_month_scored_either_way_is_stored_the_same(demo_store):
    """Every unit's stored tree (what ``period_results.digest`` hashes) is the same text whichever
    engine scored the month: the SQL engine's items come folded as the store keeps them."""
    _, bureau, registry, store = demo_store
    period = Period.parse("2015-06")
    python = score_base(bureau.evolve(engine="python"), period, StoreSource(store, bureau, registry))
    sql = score_base(bureau.evolve(engine="sql"), period, StoreSource(store, bureau, registry))
    assert [(u.unit, u.total, u.rank, u.flags) for u in python.units] == [(u.unit, u.total, u.rank, u.flags) for u in sql.units]
    fold = foldable(bureau, period)
    assert [TreeEncoder(dumps, fold).unit(u) for u in python.units] == [TreeEncoder(dumps, fold).unit(u) for u in sql.units]
    items = [i for u in sql.units for c in u.categories for i in c.items if spec_of(bureau.item(i.item))]
    folded = [i for i in items if i.folded]
    assert folded and all(i.lines[0].reason == f"{i.folded}条记录合计{fmt_points(i.lines[0].points)}分,逐条见2015-06的说明" for i in folded)
    singles = [i for i in items if not i.folded and i.lines]
    assert singles and all(i.lines[0].record for i in singles)  # a single record's own line, naming it


def test_the_engine_is_a_setting(demo_store):
    d, _, registry, _ = demo_store
    cfg = d / "kaohe.toml"
    text = cfg.read_text(encoding="utf-8")
    other = d / "sql.toml"
    other.write_text(text + '\n[scoring]\nengine = "sql"\n', encoding="utf-8")
    assert load_bureau(other, registry).engine == "sql"
    other.write_text(text + '\n[scoring]\nengine = "python"\n', encoding="utf-8")
    assert load_bureau(other, registry).engine == "python"
    assert load_bureau(cfg, registry).engine == "sql"  # the default
    other.write_text(text + '\n[scoring]\nengine = "fast"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"scoring\.engine: 应为 python 或 sql"):
        load_bureau(other, registry)


def test_a_store_groups_a_windows_records_by_unit_kind_and_fields(demo_store):
    _, bureau, _, store = demo_store
    start, end = dt.date(2015, 5, 21), dt.date(2015, 6, 20)
    kind = next(r.kind for r in store.records(sorted({k for i in bureau.items for k in i.reads}), start, end) if r.attrs)
    records: list[Record] = list(store.records([kind], start, end))
    field = next(iter(records[0].attrs))
    rows = list(store.tallies([kind], [field, "value"], start, end))
    expected: dict[tuple[str, object, object], int] = {}
    for r in records:
        k = (r.unit, r.attrs.get(field), r.value)
        expected[k] = expected.get(k, 0) + 1
    got = {(unit, values[field], values["value"]): n for unit, k, values, n, _ in rows if k == kind}
    assert got == expected and sum(got.values()) == len(records) > 0
    # a group of one names its record (read back by key as ``records`` gives it)
    ones = {first: (unit, values[field], values["value"]) for unit, k, values, n, first in rows if n == 1}
    assert ones
    for r in store.records_of(sorted(ones)):
        assert ones[r.key] == (r.unit, r.attrs.get(field), r.value)


def test_a_limit_is_compared_in_sql_only_where_it_is_certain(tmp_path):
    """Store.tallies with ``decide``: plain numbers far from the limit are grouped by the outcome;
    a value at or within 10⁻⁶ of it, a text that is no plain number, a yes/no are given as they are."""
    from kaohe.rules.aggregate import Decided
    from kaohe.store.store import _INSERT_RECORD

    values = ["2.0000001", "2", "3", "1.5", None, "", 2.0000001, 5, "1,5", True, "-3", 2]
    store = Store(tmp_path / "k.sqlite")
    store.db.conn.executemany(_INSERT_RECORD, [
        (f"k{i}", "x.k", "u1", "2015-06-01", "2015-06", None, json.dumps({} if v is None else {"h": v}), "", "d", "h", 1,
         None, "f", "s", i, 0)
        for i, v in enumerate(values)
    ])
    key = ("h", ">", D(2))
    rows = list(store.tallies(["x.k"], ["h"], dt.date(2015, 6, 1), dt.date(2015, 6, 30), [key]))
    decided = {values[key].crosses: n for _, _, values, n, _ in rows if key in values}
    assert decided == {True: 2, False: 2}  # 3 and 5; 1.5 and -3
    raw = sorted((repr(values["h"]), n) for _, _, values, n, _ in rows if key not in values)
    assert raw == sorted((repr(v), 1) for v in ["2.0000001", "2", None, "", 2.0000001, "1,5", True, 2])
    spec = PerOccurrence(points=-1, when_field="h", limit=2).aggregate()
    assert spec is not None and spec.decidable == key
    # 3, 5, 2.0000001 (text and number), 1,5 (read as 15, as the rule reads it): 5 records cross
    usable = [Tally(v, False, n) for _, _, v, n, _ in rows if v.get("h") is not True]
    s = total(spec, usable)
    assert s is not None and (s.points, s.lines) == (D(-5), 5)
    assert Decided(True) != Decided(False)


def test_a_table_of_limits_is_walked_in_sql_where_the_attributes_are_texts(tmp_path):
    """Store.tallies with a table of limits (arrival minutes by grade and area): a record whose grade
    and area are texts (or absent) is compared in SQL with its limit, or found to have none; one whose
    grade is a number, or whose minutes are near the limit or no plain number, is given as it is;
    the points are those the rule gives from the records."""
    from kaohe.core.periods import Period
    from kaohe.rules.base import RuleContext
    from kaohe.store.store import _INSERT_RECORD

    rows = [  # (grade, area, minutes): limits 一类/城区 5, 一类/城郊 10, 二类 * 15
        ("一类", "城区", "7"), ("一类", "城区", "3"), ("一类", "城郊", "12.5"), ("一类", "城郊", 9),
        ("二类", "山区", "16"), ("二类", None, "14"), ("三类", "城区", "99"), (None, "城区", "99"),
        ("一类", "城区", "5"), ("一类", "城区", "5.0000001"), ("一类", "城区", "x"), (1, "城区", "99"),
        ("一类", "城区", None), ("一类", "城郊", 10.5),
    ]
    store = Store(tmp_path / "k.sqlite")
    store.db.conn.executemany(_INSERT_RECORD, [
        (f"k{i}", "x.k", "u1", "2015-06-01", "2015-06", None,
         json.dumps({k: v for k, v in (("grade", g), ("area", a), ("m", m)) if v is not None}, ensure_ascii=False),
         "", "d", f"h{i}", 1, None, "f", "s", i, 0)
        for i, (g, a, m) in enumerate(rows)
    ])
    rule = PerOccurrence(points=-1, when_field="m", limit={"一类": {"城区": 5, "城郊": 10}, "二类": {"*": 15}}, limit_by=["grade", "area"])
    spec = rule.aggregate()
    assert spec is not None and spec.decidable is not None
    key = spec.decidable
    start, end = dt.date(2015, 6, 1), dt.date(2015, 6, 30)
    got = list(store.tallies(["x.k"], list(spec.fields), start, end, [key]))
    decided = sorted((v[key].crosses, n) for _, _, v, n, _ in got if key in v)
    # crossing: 7 (5), 12.5 (10), 16 (15), 10.5 (10); not: 3, 9, 14; no limit: 三类, no grade
    assert decided == [(False, 1)] * 5 + [(True, 1), (True, 1), (True, 2)]  # 12.5 and 10.5 一类/城郊: one group
    raw = sorted(repr((v["grade"], v["m"])) for _, _, v, _, _ in got if key not in v)
    assert raw == sorted(repr(x) for x in [("一类", "5"), ("一类", "5.0000001"), ("一类", "x"), (1, "99"), ("一类", None)])
    records = [r for r in store.records(["x.k"], start, end) if r.get("m") != "x"]  # "x" is no number: refused by the rule too
    units = [attrs_unit("u1")]
    ctx = RuleContext(title="t", period=Period.parse("2015-06"), window=Period.parse("2015-06"), calendar=None, units=units, records={"u1": records})
    lines = rule.evaluate(ctx)["u1"]
    s = total(spec, [Tally(v, False, n) for _, _, v, n, _ in got if v.get("m") != "x"])
    assert s is not None and (s.points, s.lines) == (sum(ln.points for ln in lines), len(lines)) == (D(-5), 5)  # and 5.0000001


def attrs_unit(uid: str):
    from kaohe.core.model import Unit

    return Unit(uid, uid, "A")


def test_two_limits_on_one_field_and_units_with_the_same_values(tmp_path):
    """Store.tallies with two limits on the same field (反馈超过2小时, 超过24小时: read once a record)
    and groups of several units with the same values (one mapping given to each): every unit's
    records counted by both outcomes, as worked out by hand."""
    from kaohe.rules.aggregate import Decided
    from kaohe.store.store import _INSERT_RECORD

    hours = {"u1": ["1", "3", "30", "30.5", "2"], "u2": ["3", "30", "25"]}
    store = Store(tmp_path / "k.sqlite")
    store.db.conn.executemany(_INSERT_RECORD, [
        (f"{u}-{i}", "x.k", u, "2015-06-01", "2015-06", None, json.dumps({"h": h, "s": "是"}, ensure_ascii=False),
         "", "d", f"h{u}{i}", 1, None, "f", "s", i, 0)
        for u, hs in hours.items() for i, h in enumerate(hs)
    ])
    over2, over24 = ("h", ">", D(2)), ("h", ">", D(24))
    rows = list(store.tallies(["x.k"], ["s", "h"], dt.date(2015, 6, 1), dt.date(2015, 6, 30), [over2, over24]))
    got: dict[tuple[str, object, object], int] = {}
    for unit, _, v, n, _ in rows:
        assert v["s"] == "是"
        k = (unit, v[over2].crosses if over2 in v else v["h"], v[over24].crosses if over24 in v else v["h"])
        got[k] = got.get(k, 0) + n
    # u1: 1 (neither), 3 (over 2), 30 and 30.5 (both), 2 (at the first limit: given as it is, "2")
    # u2: 3 (over 2), 30 and 25 (both)
    assert got == {
        ("u1", False, False): 1, ("u1", True, False): 1, ("u1", True, True): 2, ("u1", "2", False): 1,
        ("u2", True, False): 1, ("u2", True, True): 2,
    }
    shared = [v for unit, _, v, _, _ in rows if v.get(over24) == Decided(True)]
    assert len(shared) == 2 and shared[0] is shared[1]  # u1's and u2's groups: one mapping
    spec = PerOccurrence(points=-1, when_field="h", limit=24).aggregate()
    assert spec is not None and spec.decidable == over24
    for unit, expected in (("u1", D(-2)), ("u2", D(-2))):
        s = total(spec, [Tally(v, False, n) for u, _, v, n, _ in rows if u == unit])
        assert s is not None and (s.points, s.lines) == (expected, 2)


def test_plain_numbers_and_escaped_texts_are_told_as_before(tmp_path):
    """Store.tallies' cheaper tests (a plain number's characters checked with one ``rtrim``; a table
    of limits matched on the JSON texts first): the same decisions as the rule's text says. A text of
    digits with one point at most and a leading minus ("5.", "-0", "12.50") or an unquoted JSON number
    (1e3, -0.5) is compared in SQL; " 5", "1e3", ".5", "1.2.3", "--5", "-" are given as they are. A
    grade written with JSON escapes ("\\u4e00\\u7c7b" is 一类) finds its limit as the plain text
    does; one not in the table (三类, escaped or not) has none."""
    from kaohe.store.store import _INSERT_RECORD

    texts = ['"5."', '"-0"', '"12.50"', "1e3", "-0.5", '" 5"', '"1e3"', '".5"', '"1.2.3"', '"--5"', '"-"']
    store = Store(tmp_path / "k.sqlite")
    store.db.conn.executemany(_INSERT_RECORD, [
        (f"k{i}", "x.k", "u1", "2015-06-01", "2015-06", None, '{"h": %s}' % h, "", "d", f"h{i}", 1, None, "f", "s", i, 0)
        for i, h in enumerate(texts)
    ])
    key = ("h", ">", D(2))
    start, end = dt.date(2015, 6, 1), dt.date(2015, 6, 30)
    rows = list(store.tallies(["x.k"], ["h"], start, end, [key]))
    decided = sorted((v[key].crosses, n) for _, _, v, n, _ in rows if key in v)
    assert decided == [(False, 2), (True, 3)]  # -0 and -0.5; 5., 12.50 and 1e3 (1000)
    assert sorted(v["h"] for _, _, v, _, _ in rows if key not in v) == sorted([" 5", "1e3", ".5", "1.2.3", "--5", "-"])

    graded = [  # (the record's attributes as stored, crosses): limits 一类/城区 5, 二类 * 15
        ('{"grade": "\\u4e00\\u7c7b", "area": "城区", "m": "7"}', True),
        ('{"grade": "\\u4e00\\u7c7b", "area": "\\u57ce\\u533a", "m": "3"}', False),
        ('{"grade": "一类", "area": "城区", "m": "6"}', True),
        ('{"grade": "\\u4e09\\u7c7b", "area": "城区", "m": "99"}', False),  # 三类: no limit
        ('{"grade": "三类", "area": "城区", "m": "98"}', False),
        ('{"grade": "二类", "area": "\\u5c71\\u533a", "m": "16"}', True),
    ]
    store.db.conn.executemany(_INSERT_RECORD, [
        (f"g{i}", "x.g", "u1", "2015-06-01", "2015-06", None, a, "", "d", f"g{i}", 1, None, "f", "s", i, 0)
        for i, (a, _) in enumerate(graded)
    ])
    rule = PerOccurrence(points=-1, when_field="m", limit={"一类": {"城区": 5}, "二类": {"*": 15}}, limit_by=["grade", "area"])
    spec = rule.aggregate()
    assert spec is not None and spec.decidable is not None
    got = list(store.tallies(["x.g"], list(spec.fields), start, end, [spec.decidable]))
    assert all(spec.decidable in v for _, _, v, _, _ in got)  # every one decided in SQL
    crossed = {False: 0, True: 0}
    for _, _, v, n, _ in got:
        crossed[v[spec.decidable].crosses] += n
    assert crossed == {False: 3, True: 3}  # 3 (一类/城区, escaped), 三类 twice; 7, 6, 16


class _Reordered:
    """A data source (or a store) giving its grouped scans as they are done in another order than
    theirs (``order``: the indices in the order given; the longest scan done last, say), otherwise
    the same."""

    def __init__(self, source: object, order=lambda n: list(range(n))[::-1]) -> None:  # type: ignore[no-untyped-def]
        self.source = source
        self.order = order

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.source, name)

    def tallies_done(self, calls):  # type: ignore[no-untyped-def]
        done = dict(self.source.tallies_done(calls))
        return ((i, done[i]) for i in self.order(len(calls)))


def _shuffled(seed: int):  # type: ignore[no-untyped-def]
    import random

    def order(n: int) -> list[int]:
        out = list(range(n))
        random.Random(seed).shuffle(out)
        return out

    return order


def _middle(n: int) -> list[int]:
    """The last scans (the counts' ones) given in the middle of the others."""
    half = n // 2
    return [*range(half), *range(n - 3, n), *range(half, n - 3)]


_Backwards = _Reordered


@pytest.mark.parametrize("carry", [False, True])
def test_the_items_sums_are_the_same_whatever_order_the_scans_are_done_in(demo_store, carry):
    """Each scan is finished as it is done (``StoreSource.tallies_done``), the sums given in the items'
    order: the same sums, in the same order (of the items' groups, as before), as the scans taken in
    their own order, with months carried over too (their scans joined to the month's)."""
    from kaohe.scoring.aggregated import evaluate_sums

    _, bureau, registry, store = demo_store
    if carry:
        bureau = bureau.evolve(carry_over={"*": True})
    period = Period.parse("2016-01" if carry else "2015-06")
    source = StoreSource(store, bureau, registry)
    parts_backwards = StoreSource(_Backwards(store), bureau, registry)  # the store's scans (a month's and those it carries over) reversed
    with store.snapshot():
        ordered = evaluate_sums(bureau, bureau.items, period, source)
        backwards = evaluate_sums(bureau, bureau.items, period, _Backwards(source))
        both = evaluate_sums(bureau, bureau.items, period, _Backwards(parts_backwards))
    def items(sums):  # type: ignore[no-untyped-def]
        return [(item, list(units.items())) for item, units in sums.items()]  # the units' order too

    assert ordered and items(ordered) == items(backwards) == items(both)
    if carry:
        assert any(s.carried for its in ordered.values() for s in its.values())


@pytest.mark.parametrize("order", [lambda n: list(range(n))[::-1], _middle, _shuffled(1), _shuffled(2)], ids=["reverse", "counts-middle", "shuffled-1", "shuffled-2"])
def test_a_month_is_scored_the_same_whatever_order_its_scans_are_done_in(demo_store, monkeypatch, order):
    """The pipeline evaluates each group of items as soon as the scans it reads are done (its items'
    sums, the windows its items count): whatever order the scans are done in, every unit's tree is
    the same text; no group is evaluated before its items' sums are made (it would be scored from
    its records: the same text, so checked here), nor before the scans of the windows it counts
    (which it would then scan itself)."""
    from kaohe.scoring import aggregated, pipeline

    _, bureau, registry, store = demo_store
    period = Period.parse("2015-06")
    fold = foldable(bureau, period)
    early: list[str] = []
    scanned_again: list[object] = []
    evaluate = pipeline._evaluate_group
    groups = aggregated.Counts._groups

    def checked(bureau, items, members, period, units, data, missing, confirmed, sums, counts, evaluated):  # type: ignore[no-untyped-def]
        for i in members:
            item = items[i]
            if spec_of(item) is not None and item.window(period) is not None and not any(k in missing for k in item.reads):
                if item.id not in sums:
                    early.append(item.id)
        return evaluate(bureau, items, members, period, units, data, missing, confirmed, sums, counts, evaluated)

    def counted(self, kinds, start, end):  # type: ignore[no-untyped-def]
        if (kinds, start, end) not in self._rows:
            scanned_again.append((kinds, start, end))
        return groups(self, kinds, start, end)

    with_others: set[object] = set()  # the counts' windows scanned with the period's other scans
    likely = aggregated.Counts.likely

    def noted(self, period):  # type: ignore[no-untyped-def]
        out = likely(self, period)
        with_others.update((kinds, start, end) for kinds, _, start, end in out)
        return out

    monkeypatch.setattr(pipeline, "_evaluate_group", checked)
    monkeypatch.setattr(aggregated.Counts, "_groups", counted)
    monkeypatch.setattr(aggregated.Counts, "likely", noted)
    with store.snapshot():
        ordered = score_base(bureau, period, StoreSource(store, bureau, registry))
        reordered = score_base(bureau, period, _Reordered(StoreSource(store, bureau, registry), order))
    assert early == []
    assert with_others and not with_others & set(scanned_again)  # none scanned again by the items that count them
    assert [TreeEncoder(dumps, fold).unit(u) for u in ordered.units] == [TreeEncoder(dumps, fold).unit(u) for u in reordered.units]


def test_a_large_scan_grouped_one_unit_at_a_time_gives_the_same_rows_in_the_same_order(demo_store, monkeypatch):
    """``Store.tallies`` groups a scan of ``UNIT_BY_UNIT`` records or more one unit at a time (inside
    a read transaction, as a scanning process reads): every scan of the demo's months (their typed
    columns, tables of limits, several kinds, the months they carry over) gives the same rows, in the
    same order, as grouped in one sort; outside a read transaction it is grouped in one sort."""
    import kaohe.store.store as store_module
    from kaohe.scoring.aggregated import evaluate_sums

    _, bureau, registry, store = demo_store
    calls: list[tuple] = []
    real = Store.tallies

    def capture(self, *args):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(self, *args)

    monkeypatch.setattr(Store, "tallies", capture)
    monkeypatch.setenv("KAOHE_SCAN_PROCESSES", "1")
    for label, carry in (("2015-06", False), ("2016-01", True)):
        b = bureau.evolve(carry_over={"*": True}) if carry else bureau
        with store.snapshot():
            evaluate_sums(b, b.items, Period.parse(label), StoreSource(store, b, registry))
    monkeypatch.setattr(Store, "tallies", real)
    assert len(calls) > 20 and any(len(c[0]) > 1 for c in calls) and any(len(c) > 4 and any(len(d) > 3 for d in c[4]) for c in calls)
    conn = store.db.conn
    asked: list[str] = []

    class Noted:  # the connection, each statement noted
        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return getattr(conn, name)

        def execute(self, sql, params=()):  # type: ignore[no-untyped-def]
            asked.append(sql)
            return conn.execute(sql, params)

    for args in calls:
        monkeypatch.setattr(store_module, "UNIT_BY_UNIT", 10**9)
        with store.snapshot():
            whole = list(store.tallies(*args))
        monkeypatch.setattr(store_module, "UNIT_BY_UNIT", 0)
        monkeypatch.setattr(store.db, "conn", Noted())
        asked.clear()
        with store.snapshot():
            one_by_one = list(store.tallies(*args))
        monkeypatch.setattr(store.db, "conn", conn)
        assert one_by_one == whole
        assert store_module._UNITS_SQL in asked and sum("WHERE unit = ? AND voided = 0" in q for q in asked) >= 1
    with store.snapshot():  # the units, one step of the index each: every unit with a record, in order
        units = [u for (u,) in conn.execute(store_module._UNITS_SQL)]
    assert units == sorted({u for (u,) in conn.execute("SELECT unit FROM records")}) and len(units) > 5
    monkeypatch.setattr(store.db, "conn", Noted())
    asked.clear()
    assert list(store.tallies(*calls[0])) == list(real(store, *calls[0]))  # outside a transaction: one sort
    assert store_module._UNITS_SQL not in asked
