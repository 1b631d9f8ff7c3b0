"""Records partitioned by month on PostgreSQL (issue 22, point 1): a partition for each calendar
month of the records' dates, made when an import first brings that month; a record's key unique
across months (``record_keys``); a correction that moves a record to another month moves its row;
the append-only protections on every partition; and the migration of a database made before
(its records moved into the partitions, nothing else changed). PostgreSQL only (skipped without
KAOHE_TEST_POSTGRES, tests/pg_support.py)."""

from __future__ import annotations

import psycopg
import pytest
import report_bureau
from pg_support import pg_url  # noqa: F401 (fixture)
from kaohe.core.periods import Period
from kaohe.office.ingest import ingest
from kaohe.office.jobs import score_period
from kaohe.store import pgstore
from kaohe.store.integrity import verify
from kaohe.store.store import SCHEMA_VERSION, Store


def _where(url: str, key: str) -> list[tuple[str, str, int]]:
    """(partition, date, version) of every row of ``key`` in ``records``."""
    with psycopg.connect(url, autocommit=True) as raw:
        return [(str(r[0]), r[1], r[2]) for r in raw.execute(
            "SELECT tableoid::regclass::text, date, version FROM records WHERE key = %s", (key,)
        ).fetchall()]


def test_a_partition_a_month_and_a_correction_moving_a_record(tmp_path, pg_url):  # noqa: F811
    bureau, reg, db = report_bureau.make(tmp_path, pg_url)
    with Store(db) as store:
        # report_bureau's records are dated January to April 2015: one partition each
        assert pgstore.partitions(store.pg.conn.raw) == ["records_2015_01", "records_2015_02", "records_2015_03", "records_2015_04"]
        before = store.count()
        f = tmp_path / "测试大队.csv"
        f.write_text("编号,单位,日期,类型,说明\nM1,jincheng,2015-04-03,迟到,新\n", encoding="utf-8")
        assert ingest(store, bureau, reg, f, actor="test").new == 1
        (key,) = [k for (k,) in store.db.execute("SELECT key FROM records WHERE key LIKE ?", ["%M1"]).fetchall()]
        assert _where(pg_url, key) == [("records_2015_04", "2015-04-03", 1)]
        # the date corrected to May: May's partition is made by this import, the row moves into it
        f.write_text("编号,单位,日期,类型,说明\nM1,jincheng,2015-05-02,迟到,更正日期\n", encoding="utf-8")
        report = ingest(store, bureau, reg, f, actor="test")
        assert (report.new, report.changed) == (0, 1)
        assert "records_2015_05" in pgstore.partitions(store.pg.conn.raw)
        assert _where(pg_url, key) == [("records_2015_05", "2015-05-02", 2)]  # once, in May, its next version
        assert store.count() == before + 1  # never counted twice
        assert store.db.execute("SELECT part FROM record_keys WHERE key = ?", [key]).fetchone()[0] == "2015-05"
        assert store.db.execute("SELECT date FROM record_versions WHERE key = ? AND version = 1", [key]).fetchone()[0] == "2015-04-03"
        # and back to April
        f.write_text("编号,单位,日期,类型,说明\nM1,jincheng,2015-04-04,迟到,再更正\n", encoding="utf-8")
        assert ingest(store, bureau, reg, f, actor="test").changed == 1
        assert _where(pg_url, key) == [("records_2015_04", "2015-04-04", 3)]
        assert store.count() == before + 1
        assert verify(store).clean


def test_every_partition_keeps_the_protections(tmp_path, pg_url):  # noqa: F811
    report_bureau.make(tmp_path, pg_url)
    with psycopg.connect(pg_url, autocommit=True) as raw:
        key, date = raw.execute("SELECT key, date FROM records_2015_03 ORDER BY key LIMIT 1").fetchone()
        with pytest.raises(psycopg.errors.IntegrityError, match="never removed"):
            raw.execute("DELETE FROM records_2015_03 WHERE key = %s", (key,))
        with pytest.raises(psycopg.errors.IntegrityError, match="never removed"):
            raw.execute("DELETE FROM records WHERE key = %s", (key,))
        with pytest.raises(psycopg.errors.IntegrityError, match="never removed"):
            raw.execute("TRUNCATE records_2015_03")
        with pytest.raises(psycopg.errors.IntegrityError, match="never removed"):
            raw.execute("TRUNCATE records")
        # the same key again in another month (through the parent or straight into a partition)
        copy = "SELECT key, kind, unit, '2015-01-20', month, value, attrs, note, department, hash, version, import_id, file, sheet, row, voided"
        cols = "key, kind, unit, date, month, value, attrs, note, department, hash, version, import_id, file, sheet, row, voided"
        with pytest.raises(psycopg.errors.IntegrityError, match="unique across months"):
            raw.execute(f"INSERT INTO records ({cols}) {copy} FROM records WHERE key = %s", (key,))
        with pytest.raises(psycopg.errors.IntegrityError, match="unique across months"):
            raw.execute(f"INSERT INTO records_2015_01 ({cols}, rowid) {copy}, 999999 FROM records WHERE key = %s", (key,))
        # a key "moved" so as to delete its record: refused at commit
        with pytest.raises(psycopg.errors.IntegrityError, match="only with its record"):
            with raw.transaction():
                raw.execute("UPDATE record_keys SET part = '2015-01' WHERE key = %s", (key,))
                raw.execute("DELETE FROM records WHERE key = %s", (key,))
        with pytest.raises(psycopg.errors.IntegrityError, match="never removed"):
            raw.execute("DELETE FROM record_keys WHERE key = %s", (key,))
        assert raw.execute("SELECT count(*) FROM records WHERE key = %s", (key,)).fetchone()[0] == 1
        assert raw.execute("SELECT date FROM records WHERE key = %s", (key,)).fetchone()[0] == date
        raw.execute("ALTER TABLE records_2015_02 DISABLE TRIGGER records_no_delete")
        raw.execute("DROP TRIGGER records_2015_03_no_truncate ON records_2015_03")
    with Store(pg_url) as store:
        messages = [f.message for f in verify(store).findings]
    assert any("分区 records_2015_02 的触发器 records_no_delete 被停用" in m for m in messages), messages
    assert any("分区 records_2015_03 的触发器 records_2015_03_no_truncate 缺失" in m for m in messages), messages


def test_a_database_made_before_is_partitioned_by_its_migration(tmp_path, pg_url, monkeypatch):  # noqa: F811
    """A PostgreSQL database at the shared schema 10 (records in one table, as before the
    partitioning): opened by this kaohe, its records are moved into monthly partitions with their
    rowids, versions and hashes; every result scored again is the same and verify finds it clean."""
    monkeypatch.setattr(pgstore, "PG_MIGRATIONS", [])
    bureau, reg, db = report_bureau.make(tmp_path, pg_url)
    rows = "SELECT rowid, key, version, hash, date, voided FROM records ORDER BY rowid"
    with Store(db) as store:
        assert pgstore.partitions(store.pg.conn.raw) == [] and "record_keys" not in store.db.table_names()
        before = store.db.execute(rows).fetchall()
        march = str(score_period(store, bureau, reg, Period.parse("2015-03")).unit("jincheng").total)
    monkeypatch.undo()
    with Store(db) as store:
        versions = {v for (v,) in store.db.execute("SELECT version FROM migrations").fetchall()}
        assert pgstore.PARTITIONED in versions and store.schema_version == SCHEMA_VERSION
        assert pgstore.partitions(store.pg.conn.raw) == ["records_2015_01", "records_2015_02", "records_2015_03", "records_2015_04"]
        assert store.db.execute(rows).fetchall() == before
        assert store.count("record_keys") == len(before)
        assert verify(store).clean
        assert str(score_period(store, bureau, reg, Period.parse("2015-03")).unit("jincheng").total) == march
        # a new record after the migration takes the next rowid
        f = tmp_path / "测试大队.csv"
        f.write_text("编号,单位,日期,类型,说明\nM9,jincheng,2015-06-03,迟到,新\n", encoding="utf-8")
        assert ingest(store, bureau, reg, f, actor="test").new == 1
        assert store.db.execute("SELECT max(rowid) FROM records").fetchone()[0] == max(r[0] for r in before) + 1


def test_a_new_months_partition_does_not_stop_the_readers(tmp_path, pg_url):  # noqa: F811
    """An import bringing a new month makes its partition in its own transaction: until it commits,
    the readers of the other months read on (the partition is attached, not created under the
    parent's exclusive lock)."""
    report_bureau.make(tmp_path, pg_url)
    with psycopg.connect(pg_url, autocommit=True) as writer, psycopg.connect(pg_url, autocommit=True) as reader:
        reader.execute("SET lock_timeout = '2s'")
        with writer.transaction():
            assert pgstore.ensure_partitions(writer, ["2016-01"]) == ["records_2016_01"]
            # held until the writer commits; the reader neither waits nor fails
            n = reader.execute("SELECT count(*) FROM records WHERE date BETWEEN '2015-03-01' AND '2015-03-31'").fetchone()[0]
            assert n > 0
        assert "records_2016_01" in pgstore.partitions(reader)
