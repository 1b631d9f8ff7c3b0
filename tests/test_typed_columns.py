"""Typed columns for the attributes the rules compare (issue 18 point 4, kaohe.store.store's
``typed_fields``, ``Store.type_fields``): each compared (kind, field) of the scheme has its JSON text
and, where ``Store.tallies`` takes it for a plain number, its number in columns of the record, filled
as records are written and for the records stored before it was compared (the map never claims a
column not filled). ``Store.tallies`` reads them where the map has them and the JSON elsewhere: the
same groups and counts either way, worked out by hand from the rule's text."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal

import pytest
from pg_support import backend, pg_url  # noqa: F401 (fixtures)
from demo_helpers import ingested_demo
from store_helpers import imported
from kaohe.core.periods import Period
from kaohe.office.jobs import score_period
from kaohe.rules import PerOccurrence
from kaohe.scoring.aggregated import typed_fields
from kaohe.store.integrity import verify
from kaohe.store.store import SCHEMA_VERSION, TYPED_SLOTS, Store, typed_columns

D = Decimal
JUNE = dt.date(2015, 6, 1), dt.date(2015, 6, 30)
OVER_10 = ("x", ">", D(10))

# the attribute x of each record as stored (JSON; None: absent), against the rule "x > 10"
VALUES = ['"9.5"', '"10.0000001"', '"abc"', None, '"1e3"', "1e3", '"12"', "11", '"-20"', '"10."', '"10"', "null", '""']


def _imported(store: Store, rows: list[tuple[str, str, str]]) -> None:
    """(key, kind, attributes' JSON) of unit u1 written as an import writes them (``store_helpers.imported``)."""
    imported(store, [(k, kind, "u1", a) for k, kind, a in rows])


def _attrs(x: str | None) -> str:
    return '{"y": 1}' if x is None else '{"x": %s, "y": 1}' % x


def _tallies(store: Store, decide=(OVER_10,), kinds=("x.k",), fields=("x",)):
    return sorted(repr((u, k, sorted(map(repr, v.items())), n, first)) for u, k, v, n, first in store.tallies(list(kinds), list(fields), *JUNE, list(decide)))


def test_a_compared_field_gives_the_same_counts_from_its_typed_columns(tmp_path):
    """x > 10: 1e3 (a JSON number), "12" and 11 cross, "9.5" and "-20" do not (plain numbers, far from
    10); "10.0000001", "10." and "10" are within 10⁻⁶ of it, "abc", "1e3" (a text), "" and null are
    no plain numbers, one record has no x: each given as it is, compared in decimals by the rule. The
    same with the column typed before the records were written, after (filled for those stored), and
    without."""
    plain, before, after = (Store(tmp_path / f"{n}.sqlite") for n in ("plain", "before", "after"))
    assert before.type_fields([("x.k", "x")]) == [("x.k", "x", 0)]
    for store in (plain, before, after):
        _imported(store, [(f"k{i:02}", "x.k", _attrs(v)) for i, v in enumerate(VALUES)])
    assert after.type_fields([("x.k", "x")]) == [("x.k", "x", 0)]
    assert plain.typed_map() == {} and before.typed_map() == after.typed_map() == {("x.k", "x"): 0}

    got = list(plain.tallies(["x.k"], ["x"], *JUNE, [OVER_10]))
    decided = sorted((v[OVER_10].crosses, n) for _, _, v, n, _ in got if OVER_10 in v)
    assert decided == [(False, 2), (True, 3)]
    given = sorted(repr(v["x"]) for _, _, v, _, _ in got if OVER_10 not in v)
    assert given == sorted(map(repr, ["10.0000001", "abc", None, "1e3", "10.", "10", None, ""]))
    assert _tallies(before) == _tallies(after) == _tallies(plain)

    # what the columns hold: the JSON text, and the number only for a plain number
    held = dict(after.db.execute("SELECT attrs, typed_number_0 FROM records ORDER BY key").fetchall())
    assert held == {
        _attrs('"9.5"'): 9.5, _attrs('"10.0000001"'): 10.0000001, _attrs('"abc"'): None, _attrs(None): None,
        _attrs('"1e3"'): None, _attrs("1e3"): 1000.0, _attrs('"12"'): 12.0, _attrs("11"): 11.0, _attrs('"-20"'): -20.0,
        _attrs('"10."'): 10.0, _attrs('"10"'): 10.0, _attrs("null"): None, _attrs('""'): None,
    }
    assert after.typed_findings() == [] and before.typed_findings() == []


def test_the_scan_reads_the_typed_columns_and_verify_finds_them_altered(tmp_path):
    """Where the map has a field, the scan reads its column, not the JSON: a column altered outside
    kaohe (9.5 made 50) changes the count, and kaohe verify says which records disagree."""
    store = Store(tmp_path / "k.sqlite")
    _imported(store, [(f"k{i:02}", "x.k", _attrs(v)) for i, v in enumerate(VALUES)])
    store.type_fields([("x.k", "x")])
    store.db.execute("UPDATE records SET typed_number_0 = 50 WHERE key = 'k00'")  # "9.5"
    decided = sorted((v[OVER_10].crosses, n) for _, _, v, n, _ in store.tallies(["x.k"], ["x"], *JUNE, [OVER_10]) if OVER_10 in v)
    assert decided == [(False, 1), (True, 4)]
    assert store.typed_findings() == ["1 条 x.k 记录(如 k00)的类型化列 typed_text_0/typed_number_0 与其属性 x 不符(被改动)"]
    findings = [f.message for f in verify(store).findings]
    assert findings == store.typed_findings()


def test_a_correction_and_a_new_compared_field(tmp_path):
    """A corrected record's columns are those of its new attributes. When the scheme starts comparing
    another field (y, a configuration change), the scan reads it from the JSON until the field is
    typed (the map claims no column not filled), then from its column, filled for every record of the
    kind; a scan of two kinds whose field has different slots reads the JSON: the same counts always."""
    plain, typed = Store(tmp_path / "plain.sqlite"), Store(tmp_path / "typed.sqlite")
    typed.type_fields([("x.k", "x"), ("z.k", "v"), ("z.k", "w"), ("z.k", "y")])  # x.k's x in slot 0; z.k's v, w, y in 0, 1, 2
    rows = [(f"k{i}", "x.k", '{"x": "%s", "y": "%s"}' % (x, y)) for i, (x, y) in enumerate([(5, 20), (15, 3), (11, 12)])]
    rows += [("z1", "z.k", '{"w": 1, "y": "30"}')]
    for store in (plain, typed):
        _imported(store, rows)
        _imported(store, [("k0", "x.k", '{"x": "50", "y": "1"}')])  # corrected: 5 → 50, 20 → 1
    assert typed.db.execute("SELECT typed_number_0 FROM records WHERE key = 'k0'").fetchone() == (50.0,)
    over = ("y", ">", D(10))
    both = (OVER_10, over)
    # x > 10: k0 (50), k1 (15), k2 (11); y > 10: k2 (12) only
    decided = sorted((v[OVER_10].crosses, v[over].crosses, n) for _, _, v, n, _ in typed.tallies(["x.k"], ["x", "y"], *JUNE, list(both)))
    assert decided == [(True, False, 2), (True, True, 1)]
    assert _tallies(typed, both, fields=("x", "y")) == _tallies(plain, both, fields=("x", "y"))  # y from the JSON
    assert typed.type_fields([("x.k", "x"), ("x.k", "y")]) == [("x.k", "y", 2)]  # z.k's y is in 2: the same slot
    assert typed.db.execute("SELECT key, typed_text_2 FROM records WHERE kind = 'x.k' ORDER BY key").fetchall() == [
        ("k0", '"1"'), ("k1", '"3"'), ("k2", '"12"'),
    ]
    assert _tallies(typed, both, fields=("x", "y")) == _tallies(plain, both, fields=("x", "y"))
    for kinds in (("x.k", "z.k"),):  # y shares slot 2 (read from it), x is typed for x.k only (the JSON)
        assert _tallies(typed, (over,), kinds, ("y",)) == _tallies(plain, (over,), kinds, ("y",))
        assert _tallies(typed, (OVER_10,), kinds, ("x",)) == _tallies(plain, (OVER_10,), kinds, ("x",))
    assert typed.typed_findings() == [] and [f.message for f in verify(typed).findings] == []


def test_fields_matched_on_are_grouped_the_same_from_their_typed_columns(tmp_path):
    """Fields a scan groups by (matched on, not compared) are read from their typed columns as the
    JSON array ``json_extract`` makes of them: texts with JSON escapes ("\\u4e00" is 一), numbers
    written either way (1e3, 1000, 1.0), yes/no, null, absent, a list, an object: the same groups,
    the same values. A scan of two kinds reads them where both have them in the same slot, the JSON
    otherwise (one kind without the field typed)."""
    odd = ['"一"', '"\\u4e00"', '"a\\"b"', "1e3", "1000", "1.0", "1", "true", "false", "null", None, "[1, 2]", '{"c": "d"}', '""']
    rows = [(f"k{i:02}", "x.k", '{"a": %s, "b": %s}' % (a, b)) for i, (a, b) in enumerate(zip(odd, reversed(odd), strict=True))]
    rows = [(k, kind, attrs.replace('"a": None, ', "").replace(', "b": None', "")) for k, kind, attrs in rows]
    rows += [("z1", "z.k", '{"a": "一", "b": 1}'), ("z2", "z.k", '{"b": "1"}')]
    plain, typed = Store(tmp_path / "plain.sqlite"), Store(tmp_path / "typed.sqlite")
    for store in (plain, typed):
        _imported(store, rows)
    typed.type_fields([("x.k", "a"), ("x.k", "b"), ("z.k", "b")])
    assert typed.typed_map() == {("x.k", "a"): 0, ("x.k", "b"): 1, ("z.k", "b"): 1}
    for kinds, fields in ((("x.k",), ("a", "b")), (("x.k",), ("b",)), (("x.k", "z.k"), ("b",)), (("x.k", "z.k"), ("a", "b"))):
        assert _tallies(typed, (), kinds, fields) == _tallies(plain, (), kinds, fields)
    groups = sorted((repr(v["a"]), n) for _, _, v, n, _ in typed.tallies(["x.k"], ["a"], *JUNE))
    assert groups == sorted([  # "一" and its escaped form: one value, two groups (two JSON texts), as from the JSON
        ("'一'", 1), ("'一'", 1), ("'a\"b'", 1), ("1000.0", 1), ("1000", 1), ("1.0", 1), ("1", 1), ("True", 1), ("False", 1),
        ("None", 2), ("[1, 2]", 1), ("{'c': 'd'}", 1), ("''", 1),  # None: null and absent, one group
    ])
    assert typed.typed_findings() == []


def test_a_kind_has_as_many_typed_fields_as_slots(tmp_path):
    store = Store(tmp_path / "k.sqlite")
    added = store.type_fields([("x.k", f"f{i}") for i in range(TYPED_SLOTS + 2)])
    assert sorted(slot for _, _, slot in added) == list(range(TYPED_SLOTS))
    assert len(store.typed_map()) == TYPED_SLOTS  # the two others read from the JSON


def _as_schema_10(path) -> None:
    """The database as kaohe wrote it at schema 10 (before the typed columns)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE typed_fields")
    for slot in reversed(range(TYPED_SLOTS)):
        for column in reversed(typed_columns(slot)):
            conn.execute(f"ALTER TABLE records DROP COLUMN {column}")
    conn.execute("DROP INDEX idx_item_results_flagged")  # schema 12
    conn.execute("ALTER TABLE period_results DROP COLUMN layout")  # schema 13
    conn.execute("DELETE FROM migrations WHERE version >= 11")
    conn.close()


def test_a_schema_10_database_is_migrated_keeping_rowids_and_scores(tmp_path):
    """The demo's year as a schema-10 database held it: migrated on opening (the map empty, nothing
    claimed), its records keep their rowids, kaohe verify stays clean, and the first scoring types the
    scheme's compared fields (filled for every record stored) and gives the same scores."""
    bureau, registry, _ = ingested_demo(tmp_path)
    month = Period.parse("2015-06")
    with Store(bureau.database) as store:
        score_period(store, bureau, registry, month)
        scores = store.db.execute("SELECT unit, total, rank FROM scores WHERE period = '2015-06' ORDER BY unit").fetchall()
        assert len(scores) > 10
    _as_schema_10(bureau.database)
    conn = sqlite3.connect(bureau.database)
    rowids = conn.execute("SELECT rowid, key FROM records ORDER BY rowid").fetchall()
    assert max(r[0] for r in conn.execute("SELECT version FROM migrations")) == 10
    conn.close()
    with Store(bureau.database) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.db.execute("SELECT rowid, key FROM records ORDER BY rowid").fetchall() == rowids
        assert store.typed_map() == {}
        assert verify(store).clean
        score_period(store, bureau, registry, month)
        assert set(store.typed_map()) == set(typed_fields(bureau))
        assert typed_fields(bureau)[:5] == [  # the compared ones first
            ("zhian.monthly", "minor_error_rate"), ("zhihui110.dispatch", "area"), ("zhihui110.dispatch", "arrival_minutes"),
            ("zhihui110.dispatch", "feedback_hours"), ("zhihui110.dispatch", "grade"),
        ]
        assert ("zhihui110.dispatch", "urgency") in store.typed_map()  # matched on (特急 …)
        assert store.db.execute("SELECT rowid, key FROM records ORDER BY rowid").fetchall() == rowids
        assert store.db.execute("SELECT unit, total, rank FROM scores WHERE period = '2015-06' ORDER BY unit").fetchall() == scores
        n = store.db.execute(
            "SELECT count(attrs -> '$.\"arrival_minutes\"'), count(typed_text_1), count(typed_number_1) FROM records"
            " WHERE kind = 'zhihui110.dispatch'"
        ).fetchone()
        assert n[0] > 0 and n[0] == n[1] == n[2]  # arrival_minutes: wherever a dispatch record has it, a plain number
        assert store.typed_findings() == [] and verify(store).clean


def test_an_import_fills_the_typed_columns_of_the_scheme(tmp_path):
    """kaohe's import (``office.ingest``) types the scheme's compared fields in its transaction and
    fills them for every record it writes."""
    bureau, _, _ = ingested_demo(tmp_path)
    with Store(bureau.database) as store:
        assert set(store.typed_map()) == set(typed_fields(bureau))
        filled = 0
        for (kind, field), slot in store.typed_map().items():
            has, typed = store.db.execute(
                f"SELECT count(attrs -> ?), count({typed_columns(slot)[0]}) FROM records WHERE kind = ?", [f'$."{field}"', kind]
            ).fetchone()
            assert typed == has
            filled += typed
        assert filled > 1000
        assert store.typed_findings() == []


@pytest.mark.parametrize("x", ["9.5", "10.0000001", "abc", None, "1e3"])
def test_the_rule_agrees_with_the_typed_scan(tmp_path, x):
    """The points the rule gives from the record equal those finished from the typed scan."""
    from kaohe.rules.aggregate import Tally, total

    store = Store(tmp_path / "k.sqlite")
    store.type_fields([("x.k", "x")])
    _imported(store, [("k1", "x.k", json.dumps({} if x is None else {"x": x}))])
    spec = PerOccurrence(points=-1, when_field="x", limit=10).aggregate()
    assert spec is not None and spec.decidable == OVER_10
    tallies = [Tally(v, False, n) for _, _, v, n, _ in store.tallies(["x.k"], list(spec.fields), *JUNE, [OVER_10])]
    if x == "abc":
        return  # no number: the rule refuses it (tests/test_aggregate.py), whatever the store gives
    s = total(spec, tallies)
    # 10.0000001 and 1e3 (read as 1000 by the rule: a decimal) cross; 9.5 and no x do not
    assert (s.points if s is not None else D(0)) == {"9.5": D(0), "10.0000001": D(-1), None: D(0), "1e3": D(-1)}[x]


def test_postgresql_keeps_no_typed_columns_and_counts_the_same(tmp_path, pg_url):  # noqa: F811
    """PostgreSQL has the same schema (the columns, the map) but keeps the map empty and the columns
    NULL: its scan reads the JSON and counts as SQLite's typed one does; ``kaohe db copy`` from a
    SQLite store with typed columns brings neither the map nor the columns, and both stay verified."""
    from kaohe.store.pgstore import copy_to_postgres

    lite = Store(tmp_path / "k.sqlite")
    lite.type_fields([("x.k", "x")])
    rows = [(f"k{i:02}", "x.k", _attrs(v)) for i, v in enumerate(VALUES)]
    _imported(lite, rows)
    pg = Store(pg_url)
    try:
        assert pg.schema_version == lite.schema_version == SCHEMA_VERSION
        assert {c for c, _ in pg.db.conn.columns("records")} >= {c for n in range(TYPED_SLOTS) for c in typed_columns(n)}
        assert pg.type_fields([("x.k", "x")]) == [] and pg.typed_map() == {}
        _imported(pg, rows)
        assert _tallies(pg) == _tallies(lite)
    finally:
        pg.close()
    with backend("postgresql") as url:
        assert copy_to_postgres(lite, url, echo=lambda _: None)
        copied = Store(url)
        try:
            assert copied.typed_map() == {}
            assert copied.db.execute("SELECT count(*) FROM records WHERE typed_text_0 IS NOT NULL").fetchone()[0] == 0
            assert _tallies(copied) == _tallies(lite)
            assert verify(copied).clean and verify(lite).clean
        finally:
            copied.close()



def test_a_table_of_limits_walked_from_the_typed_columns(tmp_path):
    """minutes > the limit of (grade, area) — 一类: 城区 5, 城郊 10; 二类: 城区 10 — with the matched
    attribute ``kind2`` grouped by too, every field typed (the scan then works the limits out where it
    reads the record): 一类 城区 7 crosses (7 > 5); 一类 城郊 7 and 二类 城区 "9" do not; 三类 城区 30
    and 一类 农村 30 have no limit (never cross); 一类 城区 "5.0000001" is within 10⁻⁶ of 5 and 一类 城区
    "x" no plain number: both given as they are. The same rows as read from the JSON."""
    table = (("一类", (("城区", D(5)), ("城郊", D(10)))), ("二类", (("城区", D(10)),)))
    over = ("minutes", ">", table, ("grade", "area"))
    records = [
        ("一类", "城区", "7"), ("一类", "城郊", "7"), ("二类", "城区", '"9"'), ("三类", "城区", "30"), ("一类", "农村", "30"),
        ("一类", "城区", '"5.0000001"'), ("一类", "城区", '"x"'), ("一类", "城区", "8"),
    ]
    rows = [
        (f"k{i}", "t.k", json.dumps({"grade": g, "area": a, "kind2": "甲"}, ensure_ascii=False)[:-1] + f', "minutes": {m}}}')
        for i, (g, a, m) in enumerate(records)
    ]
    plain, typed = Store(tmp_path / "plain.sqlite"), Store(tmp_path / "typed.sqlite")
    for store in (plain, typed):
        _imported(store, rows)
    pairs = [("t.k", f) for f in ("minutes", "grade", "area", "kind2")]
    assert [p[:2] for p in typed.type_fields(pairs)] == pairs

    def read(store: Store):
        return _tallies(store, decide=(over,), kinds=("t.k",), fields=("minutes", "grade", "area", "kind2"))

    assert read(typed) == read(plain)
    got = list(typed.tallies(["t.k"], ["minutes", "grade", "area", "kind2"], *JUNE, [over]))
    decided = sorted((v["grade"], v["area"], v[over].crosses, n) for _, _, v, n, _ in got if over in v)
    assert decided == [  # 一类 城区 7 and 8 cross; 一类 城郊 7, 二类 城区 "9", 三类 城区 30, 一类 农村 30 do not
        ("一类", "农村", False, 1), ("一类", "城区", True, 2), ("一类", "城郊", False, 1), ("三类", "城区", False, 1), ("二类", "城区", False, 1),
    ]
    given = sorted(repr((v["minutes"], v["grade"], v["area"])) for _, _, v, _, _ in got if over not in v)
    assert given == sorted([repr(("5.0000001", "一类", "城区")), repr(("x", "一类", "城区"))])
    assert all(v["kind2"] == "甲" for _, _, v, _, _ in got)
