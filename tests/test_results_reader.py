"""An aggregate's units read a few ahead by a reading process (``Store.units_results``, issue 18: the
year from the stored months at full scale, reading the rows a third of its work): the same rows as
read here, taken from the process only where it reads the same stored results as the aggregate's
connection, and read here from the unit where it fails. ``RESULTS_PROCESS_MIN_UNITS`` is set to 1 so
that the two units of the bureau of test_dated_changes.py are read there.

By hand there (test_year_from_rows.py): 甲 (a) 285 and 乙 (b) 297 in 2015-Q3, 285 and 300 in
2015-Q4, and 1174 and 1191 in the year."""

from __future__ import annotations

import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_dated_changes import dated  # noqa: F401  (the module's fixture)

import kaohe.store.store as store_module
from kaohe.core.periods import Period
from kaohe.office.jobs import score_year
from kaohe.office.results import aggregate_all
from kaohe.plugins.discovery import load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store

LONGER = ["2015-Q1", "2015-Q2", "2015-Q3", "2015-Q4", "2015-H1", "2015-H2", "2015"]
MONTHS = [f"2015-{m:02d}" for m in range(1, 13)]


@pytest.fixture()
def scored(tmp_path: Path, dated: Path, monkeypatch: pytest.MonkeyPatch) -> Any:  # noqa: F811
    d = tmp_path / "b"
    shutil.copytree(dated, d)
    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    with Store(bureau.database) as store:
        score_year(store, bureau, registry, 2015)  # two units: read here
    monkeypatch.setattr(store_module, "RESULTS_PROCESS_MIN_UNITS", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.delenv("KAOHE_SCAN_PROCESSES", raising=False)
    return bureau, registry


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The units whose results this process reads itself (a reading process's are not seen)."""
    here: list[str] = []
    real = Store.unit_results

    def counted(self: Store, unit: str, periods: Any) -> Any:
        here.append(unit)
        return real(self, unit, periods)

    monkeypatch.setattr(Store, "unit_results", counted)
    return here


@pytest.mark.parametrize("ahead", [0, 1, 4])
def test_an_aggregate_reads_its_units_in_a_reading_process_and_stores_the_same(
    scored: Any, monkeypatch: pytest.MonkeyPatch, ahead: int
) -> None:
    """``ahead``: how many units the process is asked for beyond the one taken (0: one at a time)."""
    bureau, registry = scored
    monkeypatch.setattr(store_module, "RESULTS_AHEAD", ahead)
    with Store(bureau.database) as store:
        before = {p: store.period_state(p)["digest"] for p in LONGER}  # type: ignore[index]
        here = _counted(monkeypatch)
        results = aggregate_all(store, bureau, registry, [Period.parse(p) for p in LONGER])
        assert here == []  # both units read by the reading process
        totals = {r.period: {u.unit: u.total for u in r.units} for r in results}
        assert totals["2015-Q3"] == {"a": 285, "b": 297} and totals["2015-Q4"] == {"a": 285, "b": 300}
        assert totals["2015"] == {"a": Decimal("1174"), "b": Decimal("1191")}
        assert {p: store.period_state(p)["digest"] for p in LONGER} == before  # type: ignore[index]


def test_a_reading_process_that_reads_another_state_is_not_used(scored: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """This connection has rescored January without committing (here: its state changed): the reading
    process would read the state before, so both units are read here, as this connection reads them."""
    bureau, _ = scored
    with Store(bureau.database) as store:
        store.db.execute("BEGIN")
        store.db.execute("UPDATE period_results SET digest = 'other' WHERE period = '2015-01'")
        store.db.execute("UPDATE scores SET total = '1' WHERE period = '2015-01' AND unit = 'a'")
        here = _counted(monkeypatch)
        got = list(store.units_results(["a", "b"], MONTHS))
        assert here == ["a", "b"]
        assert got[0][1][0][1]["total"] == "1"  # what this connection reads, uncommitted
        store.db.execute("ROLLBACK")
        monkeypatch.undo()
        monkeypatch.setattr(store_module, "RESULTS_PROCESS_MIN_UNITS", 1)
        monkeypatch.setattr("os.cpu_count", lambda: 2)
        monkeypatch.delenv("KAOHE_SCAN_PROCESSES", raising=False)
        here = _counted(monkeypatch)
        again = list(store.units_results(["a", "b"], MONTHS))
        assert here == []  # committed state: read there
        assert again[0][1][0][1]["total"] != "1"
        assert again == [(u, Store.unit_results(store, u, MONTHS)) for u in ("a", "b")]


FAILING = """
import os, sys
from kaohe.store import scanner

class Out:
    def __init__(self, raw):
        self.raw, self.flushed = raw, 0
    def write(self, b):
        return self.raw.write(b)
    def flush(self):
        self.raw.flush()
        self.flushed += 1
        if self.flushed == 2:  # its answer to the handshake and to the first unit, then it fails
            os._exit(1)

scanner.serve(sys.stdin.buffer, Out(sys.stdout.buffer))
"""


def test_a_reading_process_that_fails_leaves_the_next_units_to_be_read_here(scored: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    bureau, _ = scored
    monkeypatch.setattr(store_module, "reading_command", lambda: [sys.executable, "-c", FAILING])
    with Store(bureau.database) as store:
        here = _counted(monkeypatch)
        got = list(store.units_results(["a", "b"], MONTHS))
        assert here == ["b"]  # a from the process, b here once it failed
        monkeypatch.undo()
        assert got == [(u, store.unit_results(u, MONTHS)) for u in ("a", "b")]


def test_one_scan_at_a_time_reads_here_and_a_reader_left_early_is_ended(scored: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """``KAOHE_SCAN_PROCESSES=1``: no reading process, both units read here. A generator closed after
    its first unit (an aggregate that failed or was interrupted) kills its reading process."""
    bureau, _ = scored
    with Store(bureau.database) as store:
        monkeypatch.setenv("KAOHE_SCAN_PROCESSES", "1")
        here = _counted(monkeypatch)
        assert [u for u, _ in store.units_results(["a", "b"], MONTHS)] == ["a", "b"] and here == ["a", "b"]
        monkeypatch.delenv("KAOHE_SCAN_PROCESSES")
        ended: list[Any] = []
        real = store_module._ended

        def recorded(process: Any, kill: bool = False) -> None:
            ended.append(process)
            real(process, kill)

        monkeypatch.setattr(store_module, "_ended", recorded)
        here.clear()
        reading = store.units_results(["a", "b"], MONTHS)
        assert next(reading)[0] == "a" and here == []  # from the process
        assert ended == []
        reading.close()
        assert len(ended) == 1 and ended[0].poll() is not None  # ended, not left running
