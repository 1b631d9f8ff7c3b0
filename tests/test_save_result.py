"""``Store.save_result`` writes each ranked unit whole (its tree's text once, its item rows made once
for the units sharing an item's result, items with lines encoded in parts): the rows stored and the
period's digest must be the very ones of writing every unit's head, then its tail (what a period
aggregated unit by unit writes, and what ``save_result`` wrote before); an error in the middle
changes nothing stored."""

from __future__ import annotations

import sqlite3
import threading
from decimal import Decimal

import attrs
import pytest
import report_bureau as rb
from kaohe.core.model import ItemResult, Line
from kaohe.core.periods import Period
from kaohe.office.jobs import score_period
from kaohe.scoring.explain import item_data
from kaohe.scoring.folding import fold_stored
from kaohe.scoring.treejson import TreeEncoder
from kaohe.store.store import Store, dumps, layout

TABLES = ("explanations", "category_results", "item_results", "scores", "period_results")


def _rows(db: str, period: str) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    out = {}
    for t in TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] not in ("run_id", "layout")]
        out[t] = conn.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{t}] WHERE period = ? ORDER BY rowid", [period]).fetchall()
    conn.close()
    return out


def _tree_types(db: str, period: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT DISTINCT typeof(tree) FROM explanations WHERE period = ?", [period]).fetchall()
    finally:
        conn.close()


def _item(lines: tuple[Line, ...], **kw: object) -> ItemResult:
    fields: dict[str, object] = dict(
        item="d.x", title='标题 "引号" \\ \t\u2028', department="部门", category="c", reference="第1条 <b>", window="2015-06",
        lines=lines, points=Decimal("-2.50"), uncapped=Decimal("-3"),
    )
    fields.update(kw)
    return ItemResult(**fields)  # type: ignore[arg-type]


def test_items_with_lines_encoded_in_parts_are_the_encoded_item_data():
    odd = (
        Line(Decimal("-0.50"), '理由 "引" \\ \n', "k:1", True, missing="2015-05"),
        Line(Decimal("-0"), "", None),
        Line(Decimal("1E+1"), "加分", "k:2", flag="末位"),
    )
    items = [
        _item(odd[:1]),
        _item(odd, note="封顶 -5", veto=("否决", "v2"), direct_per_capita=True),
        _item(odd[1:], points=Decimal("0E-2"), uncapped=Decimal("-0"), folded=4),
        _item((Line(Decimal("0.125"), "x", "k:3"), Line(Decimal(2), "y", "k:4")), window="2015-Q2"),
    ]
    plain = TreeEncoder(dumps)
    folding = TreeEncoder(dumps, {"d.x"})
    for i in items:
        assert plain.item(i) == dumps(item_data(i))
        assert plain.item(i) == plain.item(i)  # the item's own parts, encoded once, the same again
        assert folding.item(i) == dumps(item_data(fold_stored(i)))
    # two record lines folded into one: {"folded": 2, "lines": [one line]}
    assert '"folded": 2' in folding.item(items[3]) and folding.item(items[3]).count('"reason"') == 1


def test_a_month_saved_whole_stores_what_heads_then_tails_store(tmp_path):
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        period = Period.parse("2015-03")
        result = score_period(store, bureau, reg, period, save=False)
        store.save_result(result, "cfg", 7)
        whole = _rows(db, "2015-03")
        assert _tree_types(db, "2015-03") == [("text",)]
        digest = store.period_state("2015-03")["digest"]
        with store.writing():  # the same result written as a period aggregated unit by unit writes it
            writer = store.results_writer(result, "cfg", 7, len(result.units))
            for u in result.units:
                writer.head(u)
            for u in result.units:
                writer.tail(u)
            assert writer.finish() == digest
            # written otherwise than whole: the order its rows are in is not told (written whole, it is)
            assert store.db.execute("SELECT layout FROM period_results WHERE period = '2015-03'").fetchone() == (None,)
        assert _rows(db, "2015-03") == whole
    assert len(whole["explanations"]) == 6 and len(whole["item_results"]) == 6 * len(bureau.at(period).items)
    # the tree stored is the unit's whole tree, in one piece, as text (the writing thread is given it
    # encoded: stored as the text it encodes, never as bytes; ``whole`` was read before the rows were
    # written again by heads and tails)
    trees = dict(r[1:] for r in whole["explanations"])
    assert trees == {u.unit: TreeEncoder(dumps).unit(u) for u in result.units}


def test_an_error_in_the_middle_of_saving_changes_nothing_stored(tmp_path):
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        result = score_period(store, bureau, reg, Period.parse("2015-03"), save=False)
        before = _rows(db, "2015-03")
        assert before["explanations"]
        # the fourth unit's first item holds a note JSON cannot encode: three units are written first
        bad = result.units[3]
        cat = bad.categories[0]
        broken = attrs.evolve(cat, items=(_item((Line(Decimal(1), "x", "k"),), note=object()), *cat.items[1:]))
        units = list(result.units)
        units[3] = attrs.evolve(bad, categories=(broken, *bad.categories[1:]))
        with pytest.raises(TypeError):
            store.save_result(attrs.evolve(result, units=tuple(units)))
        assert _rows(db, "2015-03") == before


def test_a_month_is_stored_with_the_cycle_collector_paused_and_it_resumes_after(tmp_path, monkeypatch):
    """``score_period`` pauses Python's cycle collector while it stores too (the storing walks the
    whole result: each of the collector's full passes there cost ~0.5 s at full scale), and resumes
    it afterwards, after an error too."""
    import gc

    bureau, reg, db = rb.make(tmp_path)
    seen: list[bool] = []
    saving = Store.save_result

    def watched(self, *args, **kw):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        if kw.pop("fail", False) or getattr(self, "fail", False):
            raise OSError("磁盘已满")
        return saving(self, *args, **kw)

    monkeypatch.setattr(Store, "save_result", watched)
    assert gc.isenabled()
    with Store(db) as store:
        score_period(store, bureau, reg, Period.parse("2015-03"))
        assert seen == [False] and gc.isenabled()
        assert len(_rows(db, "2015-03")["explanations"]) == 6  # stored all the same
        store.fail = True  # type: ignore[attr-defined]
        with pytest.raises(OSError):
            score_period(store, bureau, reg, Period.parse("2015-03"))
        assert seen == [False, False] and gc.isenabled()


def test_a_write_failing_in_the_writing_thread_is_raised_and_changes_nothing_stored(tmp_path):
    """The SQL of the units written whole runs in a thread of its own (``store._Writes``): a write that
    fails there (here the fourth unit's row of ``scores``, refused by a trigger) is raised by
    ``save_result`` as SQLite raised it, and nothing stored changes (the transaction rolled back
    after the thread stopped); the next save writes everything."""
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        result = score_period(store, bureau, reg, Period.parse("2015-03"), save=False)
        before = _rows(db, "2015-03")
        assert before["explanations"]
        fourth = result.units[3].unit
        store.db.conn.execute(
            f"CREATE TEMP TRIGGER refuse_fourth BEFORE INSERT ON scores WHEN NEW.unit = '{fourth}'"
            " BEGIN SELECT RAISE(ABORT, '第四个单位写入失败'); END"
        )
        with pytest.raises(sqlite3.IntegrityError, match="第四个单位写入失败"):
            store.save_result(result)
        assert _rows(db, "2015-03") == before
        assert not store.db.conn.in_transaction
        store.db.conn.execute("DROP TRIGGER refuse_fourth")
        threads: list[str] = []

        def noted(statement: str) -> None:  # run by the thread that executes the statement
            if statement.startswith(("INSERT INTO [explanations]", "INSERT OR REPLACE INTO [item_results]", "INSERT INTO [scores]")):
                threads.append(threading.current_thread().name)

        store.db.conn.set_trace_callback(noted)
        store.save_result(result, "cfg", 7)
        store.db.conn.set_trace_callback(None)
        assert len(_rows(db, "2015-03")["scores"]) == len(result.units) == 6
        assert threads and set(threads) == {"kaohe-results-writer"}  # the units' rows written by the writing thread


def test_statements_write_rows_in_order_in_blocks_of_a_power_of_two_rows():
    """3,000 rows of 11 columns: 1,024 + 1,024 + 512 + 256 + 128 + 32 + 16 + 8 rows (a table's texts a
    dozen at most, whatever the number of rows), in their order; INSERT OR REPLACE kept."""
    from kaohe.store.store import _statements

    rows = [tuple(range(n * 11, n * 11 + 11)) for n in range(3000)]
    made = _statements("INSERT OR REPLACE", "item_results", [f"c{i}" for i in range(11)], rows, 250000)
    assert [len(params) // 11 for _, params in made] == [1024, 1024, 512, 256, 128, 32, 16, 8]
    assert [v for _, params in made for v in params] == list(range(33000))
    assert all(sql.startswith("INSERT OR REPLACE INTO [item_results] ([c0], ") for sql, _ in made)
    assert made[0][0].count("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") == 1024
    # a column given as UTF-8 bytes is stored as the text they encode
    made = _statements("INSERT", "t", ["a", "b", "c"], [(1, "x".encode(), "y")] * 3, 999, encoded=(1,))
    assert [sql for sql, _ in made] == ["INSERT INTO [t] ([a], [b], [c]) VALUES (?, CAST(? AS TEXT), ?), (?, CAST(? AS TEXT), ?)", "INSERT INTO [t] ([a], [b], [c]) VALUES (?, CAST(? AS TEXT), ?)"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b TEXT, c)")
    for sql, params in _statements("INSERT", "t", ["a", "b", "c"], [(1, "警情 “一”".encode(), "y")], 999, encoded=(1,)):
        conn.execute(sql, params)
    assert conn.execute("SELECT b, typeof(b) FROM t").fetchall() == [("警情 “一”", "text")]
    # SQLite's own limit of parameters, lower: 999 // 11 = 90 rows at most, so 64 a statement
    assert {len(params) // 11 for _, params in _statements("INSERT", "t", [f"c{i}" for i in range(11)], rows[:200], 999)} == {64, 8}


def test_an_interrupt_while_the_writing_thread_is_waited_for_stops_it_before_the_next_statement(tmp_path):
    """A second Ctrl-C while ``save_result`` waits for the writing thread: the thread stops before its
    next statement and is waited for, then the interrupt is raised (the caller's rollback never runs
    beside a write)."""
    from kaohe.store.store import _Writes

    conn = sqlite3.connect(tmp_path / "w.sqlite", isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (x)")
    inside, go_on = threading.Event(), threading.Event()

    def slow() -> int:
        inside.set()
        go_on.wait(5)
        return 1

    conn.create_function("slow", 0, slow)
    writes = _Writes(conn)
    writes.put([("SELECT slow()", []), ("INSERT INTO t VALUES (1)", [])])
    assert inside.wait(5)
    thread = writes._thread
    joins = {"n": 0}
    join = thread.join

    def interrupted(*args):  # type: ignore[no-untyped-def]
        joins["n"] += 1
        if joins["n"] == 1:
            go_on.set()
            raise KeyboardInterrupt
        return join(*args)

    thread.join = interrupted  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        writes.close()
    assert not thread.is_alive() and joins["n"] == 2
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)  # the statement after was not run
    conn.close()


@pytest.mark.parametrize("setting", [0, 1])
def test_the_previous_rows_are_deleted_by_the_writing_thread_without_zeroing_and_the_setting_restored(tmp_path, setting):
    """A month written whole has its previous rows deleted by the writing thread, first, while its
    units are encoded (``ResultsWriter.clear``), with SQLite's ``secure_delete = FAST`` (Debian's SQLite
    zeroes every page freed: a month's trees at full scale are 178 MB); the connection's setting is
    as it was afterwards, after a delete that fails too, which changes nothing stored."""
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        result = score_period(store, bureau, reg, Period.parse("2015-03"))
        before = _rows(db, "2015-03")
        _order_unknown(store, "2015-03")  # else rewritten in place (see the test below)
        store.db.conn.execute(f"PRAGMA secure_delete = {setting}")
        seen: list[tuple[str, str]] = []

        def noted(statement: str) -> None:
            if statement.startswith(("DELETE FROM", "PRAGMA secure_delete =", "INSERT")):  # not the setting read
                seen.append((threading.current_thread().name, statement.split(" VALUES")[0]))

        store.db.conn.set_trace_callback(noted)
        store.save_result(result, "cfg", 7)
        store.db.conn.set_trace_callback(None)
        writer = "kaohe-results-writer"
        deletes = [(n, t) for n, t in seen if t.startswith(("DELETE", "PRAGMA"))]
        assert deletes[0] == ("MainThread", "DELETE FROM [period_results] WHERE period = '2015-03'")
        assert deletes[1:6] == [
            (writer, "PRAGMA secure_delete = FAST"),
            *((writer, f"DELETE FROM [{t}] WHERE period = '2015-03'") for t in ("scores", "explanations", "category_results", "item_results")),
        ]
        # the units' rows after the deletes, by the thread; the setting restored after its last write
        first = seen.index((writer, "DELETE FROM [item_results] WHERE period = '2015-03'"))
        assert {n for n, t in seen[first + 1 : -1] if t.startswith("INSERT")} == {writer}
        assert seen[-1] == ("MainThread", f"PRAGMA secure_delete = {setting}")
        assert store.db.conn.execute("PRAGMA secure_delete").fetchone()[0] == setting
        after = _rows(db, "2015-03")
        assert {t: after[t] for t in TABLES[:4]} == {t: before[t] for t in TABLES[:4]}  # the same result: the same rows
        # a delete refused: raised as SQLite raised it, nothing stored changes, the setting restored
        store.db.conn.execute(
            "CREATE TEMP TRIGGER refuse_delete BEFORE DELETE ON item_results BEGIN SELECT RAISE(ABORT, '不能删除'); END"
        )
        _order_unknown(store, "2015-03")
        with pytest.raises(sqlite3.IntegrityError, match="不能删除"):
            store.save_result(result, "cfg", 7)
        assert {t: v for t, v in _rows(db, "2015-03").items() if t != "period_results"} == {
            t: v for t, v in after.items() if t != "period_results"
        }
        assert store.db.conn.execute("PRAGMA secure_delete").fetchone()[0] == setting


def test_the_deletes_made_here_restore_the_setting_after_an_error_and_a_period_without_units_is_emptied(tmp_path):
    """A period written unit by unit (``head`` and ``tail``: a quarter aggregated from its months) has
    its previous rows deleted at once, here; a delete refused there is raised and the connection's
    ``secure_delete`` is as it was. A period stored whole with no unit has its previous rows deleted
    all the same (at ``finish``)."""
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        result = score_period(store, bureau, reg, Period.parse("2015-03"))
        before = _rows(db, "2015-03")
        store.db.conn.execute("PRAGMA secure_delete = 1")
        store.db.conn.execute(
            "CREATE TEMP TRIGGER refuse_delete BEFORE DELETE ON category_results BEGIN SELECT RAISE(ABORT, '不能删除'); END"
        )
        with pytest.raises(sqlite3.IntegrityError, match="不能删除"), store.writing():
            store.results_writer(result, "cfg", 7, len(result.units))
        assert store.db.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert _rows(db, "2015-03") == before
        store.db.conn.execute("DROP TRIGGER refuse_delete")
        store.save_result(attrs.evolve(result, units=()), "cfg", 7)
        after = _rows(db, "2015-03")
        assert [len(after[t]) for t in TABLES] == [0, 0, 0, 0, 1]  # only the period's own row is left
        assert store.db.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


def _order_unknown(store: Store, period: str) -> None:
    """``period``'s stored rows as if written otherwise than whole (``period_results.layout`` NULL)."""
    with store.writing():
        store.db.execute("UPDATE period_results SET layout = NULL WHERE period = ?", [period])


def _rowids(db: str, period: str) -> dict[str, list[int]]:
    conn = sqlite3.connect(db)
    out = {t: [r[0] for r in conn.execute(f"SELECT rowid FROM [{t}] WHERE period = ? ORDER BY rowid", [period])] for t in TABLES[:4]}
    conn.close()
    return out


def _changed(result, points: str):  # type: ignore[no-untyped-def]
    """``result`` with its first unit's first item worth ``points``, and without lines: other rows, the same order."""
    u = result.units[0]
    cat = u.categories[0]
    item = attrs.evolve(cat.items[0], points=Decimal(points), uncapped=Decimal(points), lines=())
    unit = attrs.evolve(u, categories=(attrs.evolve(cat, items=(item, *cat.items[1:])), *u.categories[1:]))
    return attrs.evolve(result, units=(unit, *result.units[1:]))


def test_a_period_written_whole_again_in_the_same_order_is_rewritten_in_place(tmp_path):
    """A period stored whole, written whole again with the same units, categories and items in the same
    order (``period_results.layout``), has its rows rewritten where they are: no row deleted, each
    table's rows keep their rowids, and what is stored (every row, in the order stored, and the
    digest) is what deleting the rows and writing them again stores."""
    import shutil

    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        result = score_period(store, bureau, reg, Period.parse("2015-03"))
        assert store.db.execute("SELECT layout FROM period_results WHERE period = '2015-03'").fetchone()[0] is not None
        ids = _rowids(db, "2015-03")
    other = str(tmp_path / "other.sqlite")
    shutil.copyfile(db, other)
    changed = _changed(result, "-7.25")
    with Store(db) as store:
        seen: list[str] = []
        store.db.conn.set_trace_callback(seen.append)
        digest = store.period_state("2015-03")["digest"]
        store.save_result(changed, "cfg", 7)
        store.db.conn.set_trace_callback(None)
        assert store.period_state("2015-03")["digest"] != digest  # other rows indeed
        digest = store.period_state("2015-03")["digest"]
    assert [q for q in seen if q.startswith("DELETE")] == ["DELETE FROM [period_results] WHERE period = '2015-03'"]
    assert sum(" ON CONFLICT " in q for q in seen) >= 4
    assert _rowids(db, "2015-03") == ids  # in place
    assert _tree_types(db, "2015-03") == [("text",)]  # each tree written over as the text it encodes
    with Store(other) as store:  # the same, its rows deleted and written again
        _order_unknown(store, "2015-03")
        seen.clear()
        store.db.conn.set_trace_callback(seen.append)
        store.save_result(changed, "cfg", 7)
        store.db.conn.set_trace_callback(None)
        assert store.period_state("2015-03")["digest"] == digest
    assert "DELETE FROM [item_results] WHERE period = '2015-03'" in seen and not any(" ON CONFLICT " in q for q in seen)
    assert _rowids(other, "2015-03") != ids
    assert _rows(db, "2015-03") == _rows(other, "2015-03")
    stored = _rows(db, "2015-03")["item_results"]
    first = result.units[0]
    assert stored[0][:3] == ("2015-03", first.unit, first.categories[0].items[0].item)
    assert stored[0][5:7] == ("-7.25", "-7.25")


def test_a_period_written_whole_in_another_order_has_its_rows_deleted_first(tmp_path):
    """Another order (a unit fewer, two items the other way round) or a unit holding an item twice: the
    period's rows deleted and written again (what is left is only what was written, in its order)."""
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        result = score_period(store, bureau, reg, Period.parse("2015-03"))
        fewer = attrs.evolve(result, units=result.units[:-1])
        u = result.units[0]
        cat = u.categories[0]
        assert len(cat.items) >= 2
        swapped = attrs.evolve(
            result,
            units=(attrs.evolve(u, categories=(attrs.evolve(cat, items=(cat.items[1], cat.items[0], *cat.items[2:])), *u.categories[1:])), *result.units[1:]),
        )
        twice = attrs.evolve(
            result, units=(attrs.evolve(u, categories=(attrs.evolve(cat, items=(*cat.items, cat.items[0])), *u.categories[1:])), *result.units[1:]),
        )
        assert layout(fewer) != layout(result) and layout(swapped) != layout(result) and layout(twice) is None
        assert layout(attrs.evolve(result, units=(*result.units, result.units[0]))) is None
        assert layout(_changed(result, "3")) == layout(result)  # other points, the same order
        for other, kept in ((fewer, len(result.units) - 1), (swapped, len(result.units)), (twice, len(result.units))):
            seen: list[str] = []
            store.db.conn.set_trace_callback(seen.append)
            store.save_result(other, "cfg", 7)
            store.db.conn.set_trace_callback(None)
            assert "DELETE FROM [item_results] WHERE period = '2015-03'" in seen and not any(" ON CONFLICT " in q for q in seen)
            rows = _rows(db, "2015-03")
            assert [r[1] for r in rows["scores"]] == [x.unit for x in other.units] and len(rows["scores"]) == kept
            mine = [r[2] for r in rows["item_results"] if r[1] == u.unit]
            # an item given twice: one row, the last (``INSERT OR REPLACE``), where it was written last
            assert mine == list(dict.fromkeys(reversed([i.item for c in other.units[0].categories for i in c.items])))[::-1]
            assert store.db.execute("SELECT layout FROM period_results WHERE period = '2015-03'").fetchone()[0] == layout(other)


def test_a_schema_12_database_is_migrated_and_its_periods_deleted_first_once(tmp_path):
    """A database kaohe wrote at schema 12 (no ``period_results.layout``) is migrated on opening: its
    stored periods have no layout (their order is not told), so the first whole write deletes their
    rows first and the next one rewrites them in place; kaohe verify finds the schema as kaohe makes it."""
    from kaohe.store.integrity import verify

    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        result = score_period(store, bureau, reg, Period.parse("2015-03"))
        before = _rows(db, "2015-03")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("ALTER TABLE period_results DROP COLUMN layout")
    conn.execute("DELETE FROM migrations WHERE version = 13")
    conn.close()
    with Store(db) as store:
        assert store.schema_version == 13
        assert store.db.execute("SELECT layout FROM period_results WHERE period = '2015-03'").fetchall() == [(None,)]
        for expected in ("DELETE FROM [item_results] WHERE period = '2015-03'", None):
            seen: list[str] = []
            store.db.conn.set_trace_callback(seen.append)
            store.save_result(result, "cfg", 7)
            store.db.conn.set_trace_callback(None)
            assert (expected in seen) if expected else not any(q.startswith("DELETE FROM [item_results]") for q in seen)
            assert store.db.execute("SELECT layout FROM period_results WHERE period = '2015-03'").fetchall() == [(layout(result),)]
        assert _rows(db, "2015-03") == {**before, "period_results": _rows(db, "2015-03")["period_results"]}
        checked = verify(store, root=tmp_path)
        assert checked.clean, checked


def test_a_units_items_over_several_months_come_in_the_months_order_whatever_order_they_were_stored_in(tmp_path):
    """``Store.unit_items`` (a unit's items month by month: the site's history of a unit) gives the
    months in their order, each month's items in the order stored: not the order the months were
    written in (a month written again in place keeps its rows where they were)."""
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        for label in ("2015-03", "2015-02"):  # February written last (deleted first: its rows after March's)
            _order_unknown(store, label)
            score_period(store, bureau, reg, Period.parse(label))
        assert _rowids(db, "2015-02")["item_results"][0] > _rowids(db, "2015-03")["item_results"][-1]
        unit = store.scores("2015-02")[0]["unit"]
        got = store.unit_items(unit, ["2015-02", "2015-03"])
        n = len(bureau.at(Period.parse("2015-03")).items)
        assert [p for p, *_ in got] == ["2015-02"] * n + ["2015-03"] * n
        order = [r[2] for r in _rows(db, "2015-02")["item_results"] if r[1] == unit]
        assert [i for p, i, *_ in got if p == "2015-02"] == order


def test_a_month_scored_with_the_collector_paused_already_collects_what_was_left_before_it(tmp_path, monkeypatch):
    """Under a collector paused already (``kaohe score`` pauses it for the whole command, which may
    score several months), ``score_period`` collects the cycles left before it first: they do not add
    up over the months. It leaves the collector paused."""
    import gc
    import weakref

    from kaohe.office import jobs

    class Node:
        pass

    bureau, reg, db = rb.make(tmp_path)
    seen: list[bool] = []
    inner = jobs._score_period

    def watched(*args, **kw):  # type: ignore[no-untyped-def]
        seen.append(left() is None)
        return inner(*args, **kw)

    monkeypatch.setattr(jobs, "_score_period", watched)
    gc.disable()
    try:
        a = Node()
        a.me = a  # type: ignore[attr-defined]  # a cycle: only the collector frees it
        left = weakref.ref(a)
        del a
        assert left() is not None
        with Store(db) as store:
            score_period(store, bureau, reg, Period.parse("2015-03"))
        assert seen == [True] and not gc.isenabled()
    finally:
        gc.enable()
