"""A stored quarter brought up to date after a month's correction by aggregating again only the units
whose months' results were rewritten, the others' stored results kept as they are (issue 18 point 3:
``kaohe score`` "rewrites only what changed, and brings the quarters, halves and year up to date";
kaohe.office.rescore.aggregate_changed). Worked by hand.

The three-station bureau of office_bureau.py (基础工作, base 100; 接警后未按时到场 −2 a time, 台账不规范
−1), with a fourth station 丁 (d), natural months, the quarter the sum of its months:

- April (office_bureau.APRIL): 甲 96, 乙 97, 丙 100, 丁 100;
- May: 乙 one late arrival and one 台账 (97), 丙 two late arrivals and one 台账 (95): 甲 100, 丁 100;
- June: 丁 one 台账 (99), the others 100.

2015-Q2: 甲 96 + 100 + 100 = 296, 乙 97 + 97 + 100 = 294, 丙 100 + 95 + 100 = 295, 丁 100 + 100 + 99 = 299:
丁 1st, 甲 2nd, 丙 3rd, 乙 4th (末位).

The correction: a late arrival of 甲 in May (N7). May 甲 98: still 2nd in May (丁 100, 乙 97, 丙 95), so
only 甲's May result changes (丁 alone 1st as before, 乙 3rd, 丙 4th and 末位 as before). 2015-Q2:
甲 294, the others as before: 丁 1st (299), 丙 2nd (295), 甲 and 乙 3rd (294 each, ties share the better
place) and both 末位 (the lowest place, below another). 甲 is aggregated again; 丙's and 乙's places
moved, so only their score and their tree's tail are rewritten; 丁's stored rows stay as they are.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import office_bureau as ob
import pytest

FOURTH = """
[[units]]
id = "d"
name = "丁派出所"
series = "s"
"""

MAY = [
    "N1,乙派出所,2015-05-06,office.late,,,到场超时",
    "N2,乙派出所,2015-05-07,office.minor,,,台账缺页",
    "N3,丙派出所,2015-05-08,office.late,,,到场超时",
    "N4,丙派出所,2015-05-09,office.late,,,到场超时",
    "N5,丙派出所,2015-05-10,office.minor,,,台账缺页",
]
JUNE = ["N6,丁派出所,2015-06-06,office.minor,,,台账缺页"]
CORRECTION = "N7,甲派出所,2015-05-12,office.late,,,到场超时"


def _rows(d: Path, period: str) -> dict[str, tuple[Decimal, int, list[str], int]]:
    """unit → (total, rank, flags, run) as stored for ``period``."""
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        return {
            u: (Decimal(t), r, json.loads(f), run)
            for u, t, r, f, run in db.execute("SELECT unit, total, rank, flags, run_id FROM scores WHERE period = ?", [period])
        }
    finally:
        db.close()


def _state(d: Path, period: str) -> tuple[int, str]:
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        run, digest = db.execute("SELECT run_id, digest FROM period_results WHERE period = ?", [period]).fetchone()
        return int(run), str(digest)
    finally:
        db.close()


def _count(d: Path, table: str, period: str) -> int:
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        return int(db.execute(f"SELECT count(*) FROM {table} WHERE period = ?", [period]).fetchone()[0])
    finally:
        db.close()


@pytest.fixture()
def quarter(tmp_path: Path) -> Path:
    ob.make(tmp_path, FOURTH, [*ob.APRIL, *MAY, *JUNE])
    ob.kaohe(tmp_path, "ingest", "register.csv")
    ob.kaohe(tmp_path, "score", "2015-Q2")
    rows = _rows(tmp_path, "2015-Q2")
    assert {u: (t, r) for u, (t, r, _, _) in rows.items()} == {"a": (296, 2), "b": (294, 4), "c": (295, 3), "d": (299, 1)}
    assert rows["b"][2] == ["末位"] and rows["a"][2] == []
    return tmp_path


def correct(d: Path) -> None:
    (d / "fix.csv").write_text(ob.HEADER + "\n".join([*MAY, CORRECTION]) + "\n", encoding="utf-8")
    ob.kaohe(d, "ingest", "fix.csv")


def test_only_the_units_whose_months_changed_are_aggregated_again(quarter: Path) -> None:
    d = quarter
    before = _rows(d, "2015-Q2")
    may = _rows(d, "2015-05")
    correct(d)
    ob.kaohe(d, "score", "2015-05")
    after_may = _rows(d, "2015-05")
    assert after_may["a"][:2] == (98, 2)
    assert {u: after_may[u][3] for u in "bcd"} == {u: may[u][3] for u in "bcd"}  # only 甲's May rewritten
    rows = _rows(d, "2015-Q2")
    assert {u: (t, r) for u, (t, r, _, _) in rows.items()} == {"a": (294, 3), "b": (294, 3), "c": (295, 2), "d": (299, 1)}
    assert rows["a"][2] == ["末位"] and rows["b"][2] == ["末位"] and rows["c"][2] == [] and rows["d"][2] == []
    run, digest = _state(d, "2015-Q2")
    assert run > before["a"][3]
    # 丁 kept as stored; 丙 and 乙 kept with their place rewritten; 甲 aggregated again
    assert rows["d"][3] == before["d"][3] and {rows[u][3] for u in "abc"} == {run}
    # one row each, nothing written twice
    assert [_count(d, t, "2015-Q2") for t in ("scores", "explanations", "category_results", "item_results")] == [4, 4, 4, 8]
    tree = json.loads(ob.kaohe(d, "explain", "--json", "a", "2015-Q2").stdout)
    assert Decimal(tree["total"]) == 294 and tree["rank"] == 3
    assert [(p["period"], Decimal(p["total"])) for p in tree["parts"]] == [("2015-04", 96), ("2015-05", 98), ("2015-06", 100)]
    kept = json.loads(ob.kaohe(d, "explain", "--json", "c", "2015-Q2").stdout)
    assert Decimal(kept["total"]) == 295 and kept["rank"] == 2 and kept["flags"] == []
    assert ob.kaohe(d, "ranking", "2015-Q2").stderr == ""  # up to date: no warning, not scored again
    # the same results, and digest, as aggregating it whole
    ob.kaohe(d, "score", "--full", "2015-Q2")
    again, whole = _state(d, "2015-Q2")
    assert again > run and whole == digest


def test_an_adjustment_of_the_quarter_has_it_aggregated_whole(quarter: Path) -> None:
    """An adjustment named for the quarter (丁 −1) is read by every unit's aggregate: it is made
    whole, 丁 298 (299 − 1), every row rewritten."""
    d = quarter
    before = _rows(d, "2015-Q2")
    ob.kaohe(d, "adjust", "add", "2015-Q2", "丁派出所", "-1", "--reason", "通知单扣分", "--approved-by", "考核办")
    correct(d)
    ob.kaohe(d, "score", "2015-05")
    rows = _rows(d, "2015-Q2")
    assert {u: (t, r) for u, (t, r, _, _) in rows.items()} == {"a": (294, 3), "b": (294, 3), "c": (295, 2), "d": (298, 1)}
    run, _ = _state(d, "2015-Q2")
    assert {r[3] for r in rows.values()} == {run} and run > before["d"][3]


def test_nothing_is_written_where_more_than_the_share_of_units_changed(quarter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With more than ``least`` of the units to aggregate again, ``aggregate_changed`` writes nothing
    (the caller aggregates the period whole): 甲 alone is more than a tenth of four units, not more
    than half."""
    from kaohe.core.periods import Period
    from kaohe.office.jobs import bring_up_to_date, score_period
    from kaohe.office.rescore import aggregate_changed
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    d = quarter
    correct(d)
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")  # as ob.kaohe runs it: the office's items alone
    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    state = _state(d, "2015-Q2")
    with Store(bureau.database) as store:
        score_period(store, bureau, registry, Period.parse("2015-05"), full=False)  # the month alone, what changed
        bring_up_to_date(store, bureau, registry, Period.parse("2015-06"))  # its 末位 flags read May's places
        assert aggregate_changed(store, bureau, registry, Period.parse("2015-Q2"), least=0.1) is None
        assert _state(d, "2015-Q2") == state  # nothing written
        result = aggregate_changed(store, bureau, registry, Period.parse("2015-Q2"))
    assert result is not None
    assert {u.unit: (u.total, u.rank) for u in result.units} == {"a": (294, 3), "b": (294, 3), "c": (295, 2), "d": (299, 1)}


def test_a_new_top_moves_every_unit_and_the_quarter_is_aggregated_whole(quarter: Path) -> None:
    """A second correction, 丁's 台账 in May (N8): May's top raw score is now 丁's 99, so every unit's
    基础工作 is normalised by it (two decimals): 甲 98 ÷ 99 × 100 = 98.99, 乙 97 ÷ 99 × 100 = 97.98, 丙
    95 ÷ 99 × 100 = 95.96, 丁 100. Every unit's May is rewritten, so the quarter is aggregated whole:
    甲 96 + 98.99 + 100 = 294.99, 乙 97 + 97.98 + 100 = 294.98, 丙 100 + 95.96 + 100 = 295.96, 丁 299;
    丁 1st, 丙 2nd, 甲 3rd, 乙 4th (末位)."""
    d = quarter
    correct(d)
    ob.kaohe(d, "score", "2015-05")
    (d / "fix2.csv").write_text(ob.HEADER + "\n".join([*MAY, CORRECTION, "N8,丁派出所,2015-05-13,office.minor,,,台账缺页"]) + "\n",
                                encoding="utf-8")
    ob.kaohe(d, "ingest", "fix2.csv")
    ob.kaohe(d, "score", "2015-05")
    rows = _rows(d, "2015-Q2")
    assert {u: (t, r) for u, (t, r, _, _) in rows.items()} == {
        "a": (Decimal("294.99"), 3), "b": (Decimal("294.98"), 4), "c": (Decimal("295.96"), 2), "d": (299, 1),
    }
    assert rows["b"][2] == ["末位"]
    run, _ = _state(d, "2015-Q2")
    assert {r[3] for r in rows.values()} == {run}


def test_a_year_with_its_own_categories_is_aggregated_whole_after_their_department_sent_records(tmp_path: Path) -> None:
    """The bureau of test_dated_changes.py (two stations, the year the sum of its months, a year
    category 年终 whose 年度表彰 the office sends): 甲 1174, 乙 1191 over 2015. One more 台账不规范 of 乙
    in May (−1, 基础 not normalised): 乙 1190. The office's records are of the department whose items
    the year category reads, so the year's own categories may have changed for any station: the year
    is aggregated whole, every row rewritten."""
    import test_dated_changes as dc

    d = dc._bureau(tmp_path)
    rows = dc._rows()
    (d / "register.csv").write_text(ob.HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    dc.kaohe(d, "ingest", "register.csv")
    dc.kaohe(d, "score", "2015")
    assert {u: (t, r) for u, (t, r, _, _) in _rows(d, "2015").items()} == {"a": (1174, 2), "b": (1191, 1)}
    (d / "fix.csv").write_text(ob.HEADER + "\n".join([*rows, "M99,乙派出所,2015-05-11,office.minor,,,"]) + "\n", encoding="utf-8")
    dc.kaohe(d, "ingest", "fix.csv")
    dc.kaohe(d, "score", "2015-05")
    year = _rows(d, "2015")
    assert {u: (t, r) for u, (t, r, _, _) in year.items()} == {"a": (1174, 2), "b": (1190, 1)}
    run, _ = _state(d, "2015")
    assert {r[3] for r in year.values()} == {run}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_demo_quarter_after_a_correction_equals_it_aggregated_whole(tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo after test_rescore.py's one-record correction (a case of June re-sent as one of the
    eight major kinds): ``kaohe score 2015-06`` brings the stored 2015-Q2 up to date aggregating again
    only the units whose months were rewritten, on SQLite and on PostgreSQL (``PgStore.period_texts``
    and its writer); what it stores is what aggregating the quarter whole stores, digest included."""
    from demo_helpers import ingested_demo
    from test_rescore import _correct

    from kaohe.core.periods import Period
    from kaohe.office import jobs
    from kaohe.office.ingest import ingest
    from kaohe.office.results import aggregate_all
    from kaohe.store.store import Store

    if backend == "postgresql":
        from pg_support import fresh_schema

        schema = fresh_schema()
        monkeypatch.setenv("KAOHE_DATABASE_URL", next(schema))
    made: list[Any] = []
    real = jobs.aggregate_changed

    def spied(*args: Any, **kwargs: Any) -> Any:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(jobs, "aggregate_changed", spied)
    bureau, registry, files = ingested_demo(tmp_path)
    cases = next(f for f in files if f.name.endswith("破案记录_2015.xlsx"))
    fixed = tmp_path / cases.name
    _correct(cases, fixed)
    june, quarter = Period.parse("2015-06"), Period.parse("2015-Q2")

    def stored(store: Store) -> tuple[Any, ...]:
        """The quarter's digest, its scores (with their run), and every other row it stored."""
        rows = store.db.execute(
            "SELECT unit, total, rank, flags, run_id, name, series, class, subtotal, veto, carried, fields FROM scores"
            " WHERE period = '2015-Q2' ORDER BY unit"
        ).fetchall()
        others = [
            [tuple(r) for r in store.db.execute(f"SELECT {columns} FROM {table} WHERE period = '2015-Q2' ORDER BY {order}").fetchall()]
            for table, columns, order in (
                ("explanations", "unit, tree", "unit"),
                ("category_results", "unit, category, name, base, raw, top, weight, score, explanation", "unit, category"),
                ("item_results", "unit, item, category, \"window\", points, uncapped, lines, records, carried, missing", "unit, item"),
            )
        ]
        state = store.period_state("2015-Q2")
        assert state is not None
        return state["digest"], [tuple(r) for r in rows], others

    with Store(bureau.database) as store:
        jobs.scored_now(store, bureau, registry, quarter)
        _, before, _ = stored(store)
        assert ingest(store, bureau, registry, fixed, actor="test").changed == 1
        made.clear()
        jobs.scored_now(store, bureau, registry, june)
        assert len(made) == 1 and made[0] is not None  # the quarter: only what changed
        digest, rows, trees = stored(store)
        kept = [r[0] for r, b in zip(rows, before, strict=True) if r[4] == b[4]]
        assert kept and len(kept) < len(rows)  # some units kept as stored, some aggregated again
        aggregate_all(store, bureau, registry, [quarter])
        whole, again, trees_again = stored(store)
    assert whole == digest and trees_again == trees
    assert [r[:4] + r[5:] for r in again] == [r[:4] + r[5:] for r in rows]
    if backend == "postgresql":
        schema.close()


def test_the_quarter_is_ranked_and_flagged_under_the_version_in_force(tmp_path: Path) -> None:
    """A dated change from April sets the series' pass mark to 298 (整改单位: the last place below
    it). After the correction, 甲 and 乙 share the last place of 2015-Q2 with 294 < 298: each is
    末位 and 整改单位; 丙 (295) and 丁 (299) are not last. Kept units or aggregated whole, the quarter
    is flagged under the version in force for it (docs/readings.md: a longer period is formed under
    the version in force), with the same digest."""
    ob.make(tmp_path, FOURTH + '\n[[changes]]\nfrom = "2015-04"\nnote = "及格线"\n[changes.set]\n"series.s.pass_mark" = 298\n',
            [*ob.APRIL, *MAY, *JUNE])
    d = tmp_path
    ob.kaohe(d, "ingest", "register.csv")
    ob.kaohe(d, "score", "2015-Q2")
    assert {u: f for u, (_, _, f, _) in _rows(d, "2015-Q2").items()} == {"a": [], "b": ["末位", "整改单位"], "c": [], "d": []}
    before = _rows(d, "2015-Q2")
    correct(d)
    ob.kaohe(d, "score", "2015-05")
    rows = _rows(d, "2015-Q2")
    assert rows["d"][3] == before["d"][3]  # kept as stored
    assert {u: f for u, (_, _, f, _) in rows.items()} == {"a": ["末位", "整改单位"], "b": ["末位", "整改单位"], "c": [], "d": []}
    _, digest = _state(d, "2015-Q2")
    ob.kaohe(d, "score", "--full", "2015-Q2")
    assert _state(d, "2015-Q2")[1] == digest
    assert {u: f for u, (_, _, f, _) in _rows(d, "2015-Q2").items()} == {u: f for u, (_, _, f, _) in rows.items()}
