"""The store: a real SQLite file; re-imports, corrections, strict mode, crashes, carry-over."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from intake_helpers import DISPATCH_HEADERS, bureau, registry, row, write_xlsx
from pg_support import database, pg_url  # noqa: F401 (fixtures)
from kaohe.core.periods import Period
from kaohe.office.ingest import ingest as ingest_file
from kaohe.office.jobs import score_period
from kaohe.store.store import SCHEMA_VERSION, Store

TODAY = dt.date(2016, 1, 1)


@pytest.fixture
def reg():
    return registry()


@pytest.fixture
def b(reg):
    return bureau(reg)


@pytest.fixture
def store(database):  # noqa: F811 - the fixture imported from pg_support
    """The store on each backend (tests/pg_support.py: SQLite's file, a PostgreSQL schema)."""
    with Store(database) as s:
        yield s


@pytest.fixture
def sqlite_store(tmp_path):
    """SQLite's store alone (what a test checks of SQLite's own files: its WAL, its locks)."""
    with Store(tmp_path / "kaohe.sqlite") as s:
        yield s


def ingest(store, path, b, reg, **kw):
    return ingest_file(store, b, reg, path, today=TODAY, actor="测试", **kw)


def test_schema_version_and_wal(tmp_path):
    with Store(tmp_path / "k.sqlite") as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(tmp_path / "k.sqlite") as s:  # reopening runs no migration twice
        assert s.count("migrations") == SCHEMA_VERSION == 13  # 7: the API's tokens; 8: the self-reports; 9: the inbox (kaohe.store.users); 10: the voided records' index; 11: the typed columns; 12: the index of the items carried or missing; 13: the order of a period's stored rows


def test_reimport_and_correction_never_count_twice(tmp_path, store, b, reg):
    f1 = write_xlsx(tmp_path / "a.xlsx", [row(1), row(2, minutes=12), row(3, unit="华城")])
    r1 = ingest(store, f1, b, reg)
    assert (r1.new, r1.changed, r1.unchanged, len(r1.rejected)) == (3, 0, 0, 0)
    r2 = ingest(store, f1, b, reg)  # the same file again
    assert (r2.new, r2.changed, r2.unchanged) == (0, 0, 3)
    assert store.count() == 3
    # a corrected file that overlaps: JQ00002 corrected (12 → 4 minutes), JQ00004 new
    f2 = write_xlsx(tmp_path / "b.xlsx", [row(2, minutes=4), row(4, unit="华城", minutes=30)])
    r3 = ingest(store, f2, b, reg)
    assert (r3.new, r3.changed, r3.unchanged) == (1, 1, 0)
    assert store.count() == 4
    # the superseded version (12 minutes, from a.xlsx row 4) is kept; the current one is version 2
    (old,) = store.db["record_versions"].rows_where("key = ?", ["t110.dispatch:JQ00002"])
    assert (old["version"], old["file"], old["row"], '"12"' in old["attrs"]) == (1, "a.xlsx", 4, True)
    assert store.count("record_versions") == 1
    current = store.db["records"].get("t110.dispatch:JQ00002")
    assert current["version"] == 2 and '"4"' in current["attrs"]
    assert current["file"] == "b.xlsx" and current["row"] == 3 and current["month"] == "2015-04"
    assert [i["file"] for i in store.imports()] == ["a.xlsx", "a.xlsx", "b.xlsx"]
    assert store.imports()[0]["actor"] == "测试"


def test_bad_rows_are_kept_with_the_import(tmp_path, store, b, reg):
    f = write_xlsx(tmp_path / "a.xlsx", [row(1), row(2, unit="外局"), row(3, minutes="abc")])
    r = ingest(store, f, b, reg)
    assert r.new == 1 and len(r.rejected) == 2
    rows = store.rejections(r.import_id)
    assert [(x["row"], x["column"]) for x in rows] == [(4, "派出所"), (5, "到场用时(分钟)")]


def test_strict_refuses_the_whole_file(tmp_path, store, b, reg):
    ingest(store, write_xlsx(tmp_path / "ok.xlsx", [row(9)]), b, reg)
    before = (store.count(), store.count("imports"))
    r = ingest(store, write_xlsx(tmp_path / "a.xlsx", [row(1), row(2, unit="外局")]), b, reg, strict=True)
    assert len(r.rejected) == 1 and not r.stored
    assert (store.count(), store.count("imports")) == before


def test_dry_run_writes_nothing(tmp_path, store, b, reg):
    r = ingest(store, write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]), b, reg, dry_run=True)
    assert r.new == 2 and not r.stored
    assert store.count() == 0 and store.count("imports") == 0


def test_scores_from_the_store(tmp_path, store, b, reg):
    # 一类警情 城区 5 分钟 / 城郊 10 分钟 (seed 000 l.548), 每次扣1分:
    # 金城: 7 min 城区 (late, -1), 9 min 城郊 (in time); 华城: 30 min 农村 (no fixed limit) → 0
    # raw: 金城 100 - 1 = 99, 华城 100; normalised 金城 99 / 100 × 100 = 99
    rows = [row(1, minutes=7), row(2, area="城郊", minutes=9), row(3, unit="华城", area="农村", minutes=30)]
    ingest(store, write_xlsx(tmp_path / "a.xlsx", rows), b, reg)
    res = score_period(store, b, reg, Period.parse("2015-04"))
    assert res.unit("jincheng").total == Decimal(99)
    assert res.unit("huacheng").total == Decimal(100)
    assert [s["unit"] for s in store.scores("2015-04")] == ["huacheng", "jincheng"]
    tree = store.explanation("2015-04", "jincheng")
    item = next(i for c in tree["categories"] for i in c["items"] if i["item"] == "t110.arrival_late")
    assert item["points"] == "-1" and item["lines"][0]["record"] == "t110.dispatch:JQ00001"


def test_carry_over_only_where_the_bureau_says(tmp_path, store, reg):
    # 遇有上级部门当季考核数据不能及时通报的,拿上季度数据考核 (seed 000 l.88)
    f = write_xlsx(tmp_path / "apr.xlsx", [row(1, minutes=7)])
    plain = bureau(reg)
    ingest(store, f, plain, reg)
    may = bureau(reg, carry_over={"110指挥中心": True})
    no = score_period(store, plain, reg, Period.parse("2015-05"), save=False)
    assert no.unit("jincheng").total == Decimal(100) and not no.unit("jincheng").carried
    yes = score_period(store, may, reg, Period.parse("2015-05"), save=False)
    u = yes.unit("jincheng")
    assert u.total == Decimal(99) and u.carried and "含沿用上期数据" in u.flags
    line = u.categories[0].items[0].lines[0]
    assert line.carried and line.points == Decimal(-1)
    # once May's data has arrived, April's no longer stands in
    ingest(store, write_xlsx(tmp_path / "may.xlsx", [row(2, day=dt.date(2015, 5, 2), minutes=3)]), may, reg)
    arrived = score_period(store, may, reg, Period.parse("2015-05"), save=False)
    assert arrived.unit("jincheng").total == Decimal(100) and not arrived.unit("jincheng").carried


KILL_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, sys
    sys.path.insert(0, {tests!r})
    from intake_helpers import bureau, registry
    from kaohe.office.ingest import ingest
    from kaohe.store.store import Store
    reg = registry()
    with Store({db!r}) as s:
        print("start", flush=True)
        ingest(s, bureau(reg), reg, {csv!r}, today=dt.date(2016, 1, 1))
    print("done", flush=True)
    """
)


@pytest.mark.slow
def test_killed_import_leaves_the_database_as_before(tmp_path, sqlite_store, b, reg):
    store = sqlite_store
    ingest(store, write_xlsx(tmp_path / "first.xlsx", [row(1), row(2)]), b, reg)
    before = (store.count(), store.count("imports"), store.count("record_versions"))
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as f:
        f.write(",".join(DISPATCH_HEADERS) + "\n")
        for n in range(10, 400_000):
            f.write(f"JQ{n:07d},金城,2015-04-03,一类,城区,{n % 13},,\n")
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), db=str(store.path), csv=str(big))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start"
    wal = Path(str(store.path) + "-wal")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the import has written into the WAL
        if wal.exists() and wal.stat().st_size > 2_000_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed: make the file bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(store.path) as after:
        assert after.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (after.count(), after.count("imports"), after.count("record_versions")) == before
        # the hash chain too: the killed import's links went with its transaction
        from kaohe.store.integrity import verify

        checked = verify(after, root=tmp_path)
        assert checked.clean and not checked.findings and checked.records == before[0], checked
        assert after.count("chain") == checked.links > 0


def test_a_second_writer_waits_instead_of_failing(tmp_path, sqlite_store, b, reg):
    store = sqlite_store
    other = sqlite3.connect(str(store.path), timeout=0)
    other.execute("BEGIN IMMEDIATE")
    other.execute("COMMIT")
    other.close()
    r = ingest(store, write_xlsx(tmp_path / "a.xlsx", [row(1)]), b, reg)
    assert r.stored


def test_the_protections_check_outside_a_transaction_reads_one_snapshot(database):  # noqa: F811
    """An import checks the store's protections before it reads the locks, outside a transaction.
    Another writer committing an audit entry (its row and its chain link) between the check's
    statements must not be read as a broken chain: the check reads in one snapshot (it read
    statement by statement, and CI saw "表 audit 有 2 行,审计链中有 1 行" once on PostgreSQL)."""
    from types import SimpleNamespace

    from kaohe.store.integrity import guard

    with Store(database) as store, Store(database) as other:
        store.log("开始", "test")
        real = store.db.conn

        class Between:
            """The store's connection, with another store's write landing right after the check has
            counted the chain's links of each table (and before it counts the tables' rows)."""

            def __init__(self) -> None:
                self.done = False

            def execute(self, sql: str, *args: Any) -> Any:
                out = real.execute(sql, *args)
                if not self.done and "FROM chain GROUP BY tbl" in sql:
                    self.done = True
                    out = list(out.fetchall())  # read before the other write, as the statement ran
                    other.log("另一个命令", "test")
                    return SimpleNamespace(fetchone=lambda: out[0], fetchall=lambda: out)
                return out

            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

        between = Between()
        seen = SimpleNamespace(db=SimpleNamespace(conn=between, execute=store.db.execute), migrations=store.migrations,
                               path=store.path, snapshot=store.snapshot)
        guard(seen)  # no error: the other entry is not in this snapshot
        assert between.done and not real.in_transaction
        assert store.count("audit") == 2


def _flagged_rows(period: str) -> list[tuple[Any, ...]]:
    """Item results of ``period`` (``ITEM_RESULT_COLUMNS``): two units, three items; one item has a
    line carried over for one unit, another a line marked missing for the other."""
    out = []
    for unit in ("u1", "u2"):
        for item in ("a.plain", "a.carried", "b.missing"):
            carried = int(item == "a.carried" and unit == "u2")
            missing = int(item == "b.missing" and unit == "u1")
            out.append((period, unit, item, "c", period, "0", "0", 1, 1, carried, missing))
    return out


def _write_rows(store: Store, rows: list[tuple[Any, ...]]) -> None:
    """``rows`` of ``item_results`` written one unit at a time (``Store.write_unit_results``)."""
    with store._txn():
        for key in dict.fromkeys(r[:2] for r in rows):
            store.write_unit_results([], [r for r in rows if r[:2] == key])


def test_the_items_carried_or_missing_are_read_from_a_partial_index(store):
    """Schema 12: a rescoring of what changed asks which items of a month have a line carried over or
    marked missing (``Store.items_carried_or_missing``); read from a partial index holding those rows
    alone, not by reading all of the month's item results (SQLite's plan says so)."""
    _write_rows(store, [*_flagged_rows("2015-06"), *(r[:-2] + (0, 0) for r in _flagged_rows("2015-05"))])
    assert store.items_carried_or_missing("2015-06") == {"a.carried", "b.missing"}
    assert store.items_carried_or_missing("2015-05") == set()  # nothing carried over nor missing
    if isinstance(store.path, Path):  # SQLite
        plan = store.db.execute(
            "EXPLAIN QUERY PLAN SELECT DISTINCT item FROM item_results WHERE period = ? AND (carried = 1 OR missing = 1)", ["2015-06"]
        ).fetchall()
        assert "idx_item_results_flagged" in str(plan)


def test_a_schema_11_database_gets_the_index_of_the_items_carried_or_missing(tmp_path):
    """A database kaohe wrote at schema 11 (without the partial index) is migrated on opening: the
    index is made over the rows already stored, and kaohe verify finds the schema as kaohe makes it."""
    from kaohe.store.integrity import verify

    path = tmp_path / "k.sqlite"
    with Store(path) as s:
        _write_rows(s, _flagged_rows("2015-06"))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP INDEX idx_item_results_flagged")
    conn.execute("DELETE FROM migrations WHERE version = 12")
    conn.close()
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION == 13
        names = {r[0] for r in s.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "idx_item_results_flagged" in names
        assert s.items_carried_or_missing("2015-06") == {"a.carried", "b.missing"}
        checked = verify(s, root=tmp_path)
        assert checked.clean, checked
