"""Reading an export in processes of their own (kaohe.intake.staging): the same records, rejections and
counts as reading in one process, in the file's order; a reading process that fails or dies leaves
the store as it was."""

from __future__ import annotations

from contextlib import ExitStack

import datetime as dt
import multiprocessing
import os

import pytest
from intake_helpers import ADAPTER, BUREAU, DISPATCH_HEADERS, T110, row, write_xlsx
from kaohe import Adapter, hookimpl
from kaohe.core.errors import KaoheError
from kaohe.intake import staging
from kaohe.office.ingest import ingest
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store
from pg_support import BACKENDS, backend

TODAY = dt.date(2016, 1, 1)


def _to_records(row):
    """The test dispatch adapter, with ways to fail: a bug in the plugin, a reader that dies, a file
    rewritten while it is read (the row's note names the file to append to)."""
    if row["id"] == "BUG":
        raise ZeroDivisionError("division by zero")
    if row["id"] == "DIE":
        os._exit(3)
    if row["id"] == "GROW":
        with open(row["note"], "a", encoding="utf-8") as f:
            f.write("JQ9,金城,2015-04-09,一类,城区,7,,\r\n")
    return ADAPTER.to_records(row)


class Fragile(T110):
    @hookimpl
    def kaohe_adapters(self, register):
        register(Adapter(**{**{a: getattr(ADAPTER, a) for a in ("id", "title", "department", "columns", "kinds")},
                            "to_records": _to_records}))


@pytest.fixture
def reg():
    return load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("t110", Fragile())]))


@pytest.fixture
def b(reg):
    return parse_bureau(BUREAU, reg, "test.toml")


LINES = [
    ",".join(DISPATCH_HEADERS),                  # 1: the header
    "JQ1,金城,2015-04-03,一类,城区,7,,",          # 2
    "JQ2,华城,2015-04-04,二类,城郊,9,-5,投诉",    # 3: two records (the dispatch and the complaint)
    "JQ3,外局,2015-04-05,一类,城区,7,,",          # 4: refused, not a unit of the bureau
    "JQ1,金城,2015-04-06,一类,城区,8,,",          # 5: refused, the same record as row 2
    "", "", "", ",,,,,,,", "", "",               # 6-11: blank (two whole blocks of three rows)
    "JQ4,金城,2015-05-03,三类,农村,30,,",         # 12
    "JQ5,华城,2015-05-04,一类,城区,abc,,",        # 13: refused, 到场用时 not a number
    "JQ6,华城,2015-05-21,一类,城区,6,,",          # 14: after the cut-off day: assessment month 2015-06
    "", "", "", "", "",                          # 15-19: blank to the end
]


def _csv(tmp_path, lines=LINES, name="110.csv"):
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def _stored(store):
    return [
        (r["key"], r["unit"], r["date"], r["month"], r["value"], r["row"], r["hash"], r["attrs"], r["note"])
        for r in _rows(store.db.execute("SELECT * FROM records ORDER BY row, key"))
    ]


def _rows(cursor):
    """The rows as dicts, on either backend's cursor."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


@pytest.fixture(params=BACKENDS)
def where(request, tmp_path):
    """A store's database by name on each backend: SQLite's file, a PostgreSQL schema of its own."""
    opened = ExitStack()
    request.addfinalizer(opened.close)
    return lambda name: opened.enter_context(backend(request.param, str(tmp_path / f"{name}.sqlite")))


def _ingest(where, path, b, reg, readers, name):
    with Store(where(name)) as store:
        report = ingest(store, b, reg, path, today=TODAY, readers=readers)
        rejections = [(r["row"], r["column"], r["message"]) for r in store.rejections(report.import_id)]
        return report, rejections, _stored(store)


@pytest.mark.parametrize("readers", [1, 2, 3])
@pytest.mark.parametrize("tail", ["blank rows at the end", "data in the last block"])
def test_readers_give_what_one_process_gives(tmp_path, monkeypatch, b, reg, readers, tail, where):
    monkeypatch.setattr(staging, "SEND_BATCH", 3)  # blocks of three rows: rows 2 | 3-5 | 6-8 | 9-11 | 12-14 | …
    path = _csv(tmp_path, LINES if tail == "blank rows at the end" else LINES[:14])
    one, one_rejected, one_records = _ingest(where, path, b, reg, 0, "one")
    many, many_rejected, many_records = _ingest(where, path, b, reg, readers, "many")
    # worked out from LINES: 7 rows with data; JQ1, JQ2 (+ its complaint), JQ4 and JQ6 stored; rows
    # 4, 5 and 13 refused
    assert (one.rows, one.new, one.duplicates, len(one.rejected)) == (7, 5, 1, 3)
    assert [(key, row, month) for key, _, _, month, _, row, *_ in one_records] == [
        ("t110.dispatch:JQ1", 2, "2015-04"),
        ("t110.complaint:JQ2", 3, "2015-04"),
        ("t110.dispatch:JQ2", 3, "2015-04"),
        ("t110.dispatch:JQ4", 12, "2015-05"),
        ("t110.dispatch:JQ6", 14, "2015-06"),
    ]
    assert [(r, c) for r, c, _ in one_rejected] == [(4, "派出所"), (5, ""), (13, "到场用时(分钟)")]
    assert one_rejected[1][2] == "与第2行是同一条记录(编号相同),不重复计算"
    assert (many.rows, many.new, many.duplicates, many.months) == (one.rows, one.new, one.duplicates, one.months)
    assert many_rejected == one_rejected
    assert many_records == one_records


def test_a_file_of_only_blank_rows_after_the_header(tmp_path, monkeypatch, b, reg, where):
    monkeypatch.setattr(staging, "SEND_BATCH", 2)
    path = _csv(tmp_path, [LINES[0], "", "", "", "", ""])
    report, rejected, records = _ingest(where, path, b, reg, 2, "blank")
    assert (report.rows, report.new, rejected, records) == (0, 0, [], [])


def test_a_workbook_read_in_a_process_of_its_own(tmp_path, b, reg, where):
    path = write_xlsx(tmp_path / "a.xlsx", [row(1), row(2, unit="外局"), row(3, complaint=-6), row(1)])
    one, one_rejected, one_records = _ingest(where, path, b, reg, 0, "one")
    many, many_rejected, many_records = _ingest(where, path, b, reg, 1, "many")
    assert (one.new, len(one.rejected)) == (3, 2)  # JQ1, JQ3 and its complaint; 外局 and the repeated JQ1
    assert (many_rejected, many_records) == (one_rejected, one_records)


@pytest.mark.parametrize("readers", [0, 2])
def test_a_plugin_bug_in_the_middle_of_a_file_leaves_the_store_as_it_was(tmp_path, monkeypatch, b, reg, readers, where):
    monkeypatch.setattr(staging, "SEND_BATCH", 3)
    with Store(where("k")) as store:
        ingest(store, b, reg, _csv(tmp_path, LINES[:3], "first.csv"), today=TODAY, readers=0)
        before = (_stored(store), store.imports())
        bad = _csv(tmp_path, [*LINES[:9], "BUG,金城,2015-04-07,一类,城区,7,,", *LINES[11:]], "bad.csv")
        expected = ZeroDivisionError if readers == 0 else RuntimeError
        with pytest.raises(expected) as caught:
            ingest(store, b, reg, bad, today=TODAY, readers=readers)
        assert "ZeroDivisionError" in str(caught.value) or readers == 0
        assert (_stored(store), store.imports()) == before


def test_a_reading_process_that_dies_leaves_the_store_as_it_was(tmp_path, monkeypatch, b, reg, where):
    monkeypatch.setattr(staging, "SEND_BATCH", 3)
    with Store(where("k")) as store:
        ingest(store, b, reg, _csv(tmp_path, LINES[:3], "first.csv"), today=TODAY, readers=0)
        before = (_stored(store), store.imports())
        bad = _csv(tmp_path, [*LINES[:12], "DIE,金城,2015-04-07,一类,城区,7,,", *LINES[12:]], "bad.csv")
        with pytest.raises(KaoheError) as caught:
            ingest(store, b, reg, bad, today=TODAY, readers=2)
        assert str(caught.value) == "bad.csv:读取进程意外退出(退出码 3),本文件没有导入任何数据"
        assert (_stored(store), store.imports()) == before


@pytest.mark.parametrize("readers", [0, 2])
def test_a_file_that_cannot_be_read_says_why_and_stores_nothing(tmp_path, b, reg, readers, where):
    path = _csv(tmp_path, ["甲,乙,丙", "1,2,3"])
    with Store(where("k")) as store:
        with pytest.raises(KaoheError) as caught:
            ingest(store, b, reg, path, today=TODAY, readers=readers)
        assert str(caught.value) == (
            "110.csv:无法识别的数据格式:表头与任何已安装插件的数据格式都不符。可导入的格式:110接处警记录(110指挥中心)"
        )
        assert (store.imports(), _stored(store)) == ([], [])


def test_how_many_readers(tmp_path, monkeypatch):
    monkeypatch.delenv("KAOHE_READERS", raising=False)
    small = _csv(tmp_path)
    big = tmp_path / "big.csv"
    big.write_bytes(small.read_bytes() * 4)
    book = tmp_path / "big.xlsx"
    book.write_bytes(big.read_bytes())  # only the size and the suffix are looked at
    monkeypatch.setattr(staging, "PARALLEL_MIN_BYTES", small.stat().st_size + 1)
    monkeypatch.setattr(staging, "_cores", lambda: 8)
    other = tmp_path / "big.pdf"
    other.write_bytes(big.read_bytes())
    assert [staging.readers_for(p) for p in (small, big, book, other, tmp_path / "missing.csv")] == [0, 4, 1, 0, 0]
    monkeypatch.setattr(staging, "_cores", lambda: 2)
    assert staging.readers_for(big) == 2
    monkeypatch.setattr(staging, "_cores", lambda: 1)
    assert staging.readers_for(big) == 0


def test_the_number_of_readers_set_in_the_environment(tmp_path, monkeypatch):
    small = _csv(tmp_path)
    big = tmp_path / "big.csv"
    big.write_bytes(small.read_bytes() * 4)
    monkeypatch.setattr(staging, "PARALLEL_MIN_BYTES", small.stat().st_size + 1)
    book = tmp_path / "big.xlsx"
    book.write_bytes(big.read_bytes())
    monkeypatch.setenv("KAOHE_READERS", "3")
    assert [staging.readers_for(p) for p in (small, big, book)] == [0, 3, 1]  # a workbook: one at most
    monkeypatch.setenv("KAOHE_READERS", "0")
    assert staging.readers_for(big) == 0
    monkeypatch.setenv("KAOHE_READERS", "17")
    with pytest.raises(KaoheError, match="应为读取进程数 0 至 16"):
        staging.readers_for(big)
    monkeypatch.setenv("KAOHE_READERS", "两个")
    with pytest.raises(KaoheError) as caught:
        staging.readers_for(big)
    assert str(caught.value) == "环境变量 KAOHE_READERS 应为读取进程数 0 至 16(0 表示不用读取进程),得到 '两个'"


def test_no_reading_process_is_left_behind(tmp_path, monkeypatch, b, reg, where):
    monkeypatch.setattr(staging, "SEND_BATCH", 3)
    _ingest(where, _csv(tmp_path), b, reg, 3, "k")
    assert multiprocessing.active_children() == []


def test_a_writer_failing_half_way_stops_its_readers_and_stores_nothing(tmp_path, monkeypatch, b, reg, where):
    """The writer fails after taking some blocks (here its progress report, every 1,000 rows)."""
    monkeypatch.setattr(staging, "SEND_BATCH", 3)
    rows = [f"JQ{n},金城,2015-04-03,一类,城区,7,," for n in range(1, 2501)]
    path = _csv(tmp_path, [LINES[0], *rows])

    def progress(n):
        if n >= 1000:
            raise KeyboardInterrupt

    with Store(where("k")) as store:
        with pytest.raises(KeyboardInterrupt):
            ingest(store, b, reg, path, today=TODAY, readers=2, progress=progress)
        assert multiprocessing.active_children() == []
        assert (store.imports(), _stored(store)) == ([], [])
        report = ingest(store, b, reg, path, today=TODAY, readers=2)  # the next try stores it whole
        assert (report.rows, report.new) == (2500, 2500)


def test_a_file_rewritten_while_it_is_read_is_refused(tmp_path, monkeypatch, b, reg, where):
    monkeypatch.setattr(staging, "SEND_BATCH", 3)
    path = tmp_path / "110.csv"
    lines = [*LINES[:14], f"GROW,金城,2015-04-08,一类,城区,7,,{path}", "JQ7,金城,2015-04-08,一类,城区,7,,"]
    _csv(tmp_path, lines)
    with Store(where("k")) as store:
        with pytest.raises(KaoheError) as caught:
            ingest(store, b, reg, path, today=TODAY, readers=2)
        assert str(caught.value) == "110.csv:文件在导入过程中被修改或替换,本文件没有导入任何数据;请在文件不再变动后重新导入"
        assert (store.imports(), _stored(store)) == ([], [])
