"""The month's grouped scans made at once (kaohe.store.store's ``Store.tallies_each``): each in a
process of its own on a read-only connection, the same rows as one by one — and never rows of another
state of the database than the one the scoring reads (a scan whose connection would read another is
made by the scoring's own connection). ``SCAN_MIN_RECORDS`` is set to 0 here so that these few
records are scanned in processes."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
import kaohe.store.store as store_module
from kaohe.store.store import Store
from store_helpers import imported

JUNE = dt.date(2015, 6, 1), dt.date(2015, 6, 30)


def _counts(rows) -> list[tuple[str, str, str, int]]:
    """(unit, kind, the values, how many) of ``tallies`` rows, sorted."""
    return sorted((u, k, repr(sorted(v.items())), n) for u, k, v, n, _ in rows)


CALLS = [
    (["a.k"], ["grade"], *JUNE, ()),
    (["b.k"], [], *JUNE, ()),
    (["a.k", "b.k"], [], *JUNE, ()),
]

# by hand: u1 has two a.k of grade 一 and one of grade 二, u2 one a.k of grade 二 and two b.k
RECORDS = [
    ("a1", "a.k", "u1", '{"grade": "一"}'), ("a2", "a.k", "u1", '{"grade": "一"}'), ("a3", "a.k", "u1", '{"grade": "二"}'),
    ("a4", "a.k", "u2", '{"grade": "二"}'), ("b1", "b.k", "u2", "{}"), ("b2", "b.k", "u2", "{}"),
]
EXPECTED = [
    [("u1", "a.k", "[('grade', '一')]", 2), ("u1", "a.k", "[('grade', '二')]", 1), ("u2", "a.k", "[('grade', '二')]", 1)],
    [("u2", "b.k", "[]", 2)],
    [("u1", "a.k", "[]", 3), ("u2", "a.k", "[]", 1), ("u2", "b.k", "[]", 2)],
]


@pytest.fixture(autouse=True)
def _small(monkeypatch):
    monkeypatch.setattr(store_module, "SCAN_MIN_RECORDS", 0)


def test_the_scans_made_at_once_give_what_each_gives(tmp_path, monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    here = []
    real = Store.tallies

    def counted(self, *call):
        here.append(call)
        return real(self, *call)

    monkeypatch.setattr(Store, "tallies", counted)  # this process's scans (the scanning processes' are not seen)
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            got = [_counts(rows) for rows in store.tallies_each(CALLS)]
        assert got == EXPECTED and here == []  # all made in the scanning processes
        assert [_counts(store.tallies(*call)) for call in CALLS] == EXPECTED


def test_a_scan_never_reads_what_was_written_after_the_scorings_snapshot(tmp_path, monkeypatch):
    """Inside the snapshot the scoring reads, another process imports a third a.k of grade 一 for
    u1: the scans made at once still count two (the state the scoring reads: the scanning processes
    read the new state, so the scans are made again here); after it, three."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    with Store(tmp_path / "k.sqlite") as store, Store(tmp_path / "k.sqlite") as other:
        imported(store, RECORDS)
        with store.snapshot():
            assert _counts(store.tallies(*CALLS[0]))[0] == ("u1", "a.k", "[('grade', '一')]", 2)  # the snapshot begins
            imported(other, [("a5", "a.k", "u1", '{"grade": "一"}')])
            got = [_counts(rows) for rows in store.tallies_each(CALLS)]
        assert got == EXPECTED
        after = [_counts(rows) for rows in store.tallies_each(CALLS)]  # outside a snapshot: one by one, as it is now
    assert after[0][0] == ("u1", "a.k", "[('grade', '一')]", 3)
    assert after[2][0] == ("u1", "a.k", "[]", 4)


@pytest.mark.parametrize("cores", [1, 2, 8])
def test_one_core_or_many(tmp_path, monkeypatch, cores):
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            assert [_counts(rows) for rows in store.tallies_each(CALLS)] == EXPECTED


def test_the_number_of_scans_at_once_set_in_the_environment(tmp_path, monkeypatch):
    from kaohe.core.errors import KaoheError
    from kaohe.store.store import scan_processes

    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert scan_processes() == 4
    monkeypatch.setenv("KAOHE_SCAN_PROCESSES", "1")
    assert scan_processes() == 1
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            assert [_counts(rows) for rows in store.tallies_each(CALLS)] == EXPECTED
    monkeypatch.setenv("KAOHE_SCAN_PROCESSES", "x")
    with pytest.raises(KaoheError, match="KAOHE_SCAN_PROCESSES 应为同时进行的分组统计数 0 至 16"):
        scan_processes()


def test_a_scan_that_fails_in_its_process_is_made_here_which_says_what_is_wrong(tmp_path, monkeypatch):
    """A call the store refuses (a comparison it does not know): its scanning process answers nothing,
    the scoring's connection makes it again and raises the store's own error."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    bad = (["a.k"], ["grade"], *JUNE, (("grade", "!=", 1),))
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            scans = store.tallies_each([CALLS[0], bad, CALLS[1]])
            assert _counts(next(scans)) == EXPECTED[0]
            with pytest.raises(AssertionError):  # made here when its rows are read
                list(next(scans))


def test_scanning_processes_that_cannot_start_leave_every_scan_to_the_scoring(tmp_path, monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(store_module.sys, "executable", str(tmp_path / "no-python"))
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            assert [_counts(rows) for rows in store.tallies_each(CALLS)] == EXPECTED


def test_scans_given_up_stop_their_processes(tmp_path, monkeypatch):
    """The scoring fails before it takes the scans (a plugin's rule raising, say): the scanning
    processes are given no more calls (of 1,500, not half are sent) and end; nothing is left running."""
    import gc
    import pickle
    import threading
    import time

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    sent = []

    class Counting:
        HIGHEST_PROTOCOL = pickle.HIGHEST_PROTOCOL
        load = staticmethod(pickle.load)
        UnpicklingError = pickle.UnpicklingError

        @staticmethod
        def dump(obj, file, protocol=None):
            sent.append(obj)
            return pickle.dump(obj, file, protocol=protocol)

    monkeypatch.setattr(store_module, "pickle", Counting)
    calls = CALLS * 500
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            scans = store.tallies_each(calls)
            del scans
            gc.collect()
        deadline = time.monotonic() + 60
        while any(t.name.startswith("kaohe-scan") for t in threading.enumerate()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(t.name.startswith("kaohe-scan") for t in threading.enumerate())
    assert len([c for c in sent if c in calls]) < len(calls) // 2


def test_a_scanning_process_of_other_code_is_not_used(tmp_path, monkeypatch):
    """The scanning process runs the store's code found on the path: where it is not the scoring's own
    (another kaohe installed since, say), it scans nothing and every scan is made here."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(store_module, "__file__", str(tmp_path / "elsewhere" / "store.py"))
    here = []
    real = Store.tallies

    def counted(self, *call):
        here.append(call)
        return real(self, *call)

    monkeypatch.setattr(Store, "tallies", counted)
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            assert [_counts(rows) for rows in store.tallies_each(CALLS)] == EXPECTED
    assert len(here) == len(CALLS)


@pytest.mark.parametrize("cores", [1, 2])
def test_the_scans_given_as_they_are_done_each_once_with_its_index(tmp_path, monkeypatch, cores):
    """``tallies_done`` gives each call's rows once, with the call's index, as its scan is done (a
    long scan does not hold up the others): the same rows as each call made alone."""
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            got = [(i, _counts(rows)) for i, rows in store.tallies_done(CALLS)]
    assert sorted(i for i, _ in got) == [0, 1, 2]
    assert [rows for _, rows in sorted(got)] == EXPECTED


def test_a_call_left_by_a_failed_process_is_given_once_made_here(tmp_path, monkeypatch):
    """The call a scanning process fails on is made by the scoring's connection when its rows are
    read (which raises the store's own error); every call is given once."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    bad = (["a.k"], ["grade"], *JUNE, (("grade", "!=", 1),))
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            given = list(store.tallies_done([CALLS[0], CALLS[1], bad]))
            assert sorted(i for i, _ in given) == [0, 1, 2]
            for i, rows in given:
                if i == 2:  # made here when its rows are read: the store's own error
                    with pytest.raises(AssertionError):
                        list(rows)
                else:
                    assert _counts(rows) == EXPECTED[i]


def test_a_large_scan_is_grouped_one_unit_at_a_time_in_a_read_transaction(tmp_path, monkeypatch):
    """``UNIT_BY_UNIT`` records or more, inside a read transaction: the same rows (worked out by hand
    above), in the same order, as one sort of them all; a record without a unit (a store altered by
    hand) has the scan made in one statement, its group kept."""
    monkeypatch.setattr(store_module, "UNIT_BY_UNIT", 1)
    with Store(tmp_path / "k.sqlite") as store:
        imported(store, RECORDS)
        with store.snapshot():
            rows = [list(store.tallies(*call)) for call in CALLS]
        assert [sorted(_counts(r)) for r in rows] == EXPECTED
        assert [[u for u, *_ in r] for r in rows] == [["u1", "u1", "u2"], ["u2"], ["u1", "u2", "u2"]]  # by unit, as one sort gives them
        with store.snapshot():
            assert [u for (u,) in store.db.conn.execute(store_module._UNITS_SQL)] == ["u1", "u2"]
    raw = sqlite3.connect(tmp_path / "k.sqlite")  # a4's unit taken away by hand (its guard dropped first)
    raw.execute("DROP TRIGGER records_keep_version")
    raw.execute("UPDATE records SET unit = NULL WHERE key = 'a4'")
    raw.commit()
    raw.close()
    with Store(tmp_path / "k.sqlite", readonly=True) as store, store.snapshot():
        assert [u for (u,) in store.db.conn.execute(store_module._UNITS_SQL)] == ["u1", "u2"]
        got = list(store.tallies(*CALLS[0]))
        monkeypatch.setattr(store_module, "UNIT_BY_UNIT", 10**9)
        assert got == list(store.tallies(*CALLS[0])) and [u for u, *_ in got] == [None, "u1", "u1"]
