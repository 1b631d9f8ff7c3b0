"""Scoring a month against issue 18's goal (at most 3× the bare ``GROUP BY unit, kind`` scan), as CPU time:
whether the work the scoring does fits in the goal's wall time on this machine's cores.

    python bench/month_budget.py --dir bench/out/scale-1 --runs 3

``--dir`` is a bureau that ``bench/run.py`` ingested and scored. Each run, interleaved:

- the bare scan: the query of ``bench/run.py``'s ``scan-month`` step (``GROUP BY unit, kind`` over the month's
  records, each record once), wall time;
- ``kaohe score -q --full 2015-06``, whole process: wall time, and CPU time (user + system) of the process
  and of the scanning processes it starts and waits for (``os.wait4``'s usage covers them).

Then, once, the same scoring in this process with timestamps (never stored: its transaction is rolled
back), to show where the time goes: until the last grouped scan is read (the items whose scans are done
evaluated meanwhile), the items' evaluation after it, the ranks, the storing.

It prints the medians, the goal's wall (3 × the bare scan), the CPU time that wall holds on this
machine's cores (the goal's wall × the cores), and the CPU time the scoring used: when the second is
larger than the first, no schedule of the same work on these cores meets the goal.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run

MONTH = run.MONTH


def _score(directory: Path) -> tuple[float, float]:
    """``kaohe score -q --full MONTH``, whole process: (wall, user + system CPU of it and its children)."""
    cmd = [*run._kaohe(), "-c", str(directory / "kaohe.toml"), "score", "-q", "--full", MONTH]
    started = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - started
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen told
    if p.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime


def _phases(directory: Path) -> dict[str, float]:
    """The month scored in this process, timed in its parts, its writes rolled back."""
    from kaohe.core.periods import Period
    from kaohe.office import jobs
    from kaohe.scoring import aggregated, pipeline
    from kaohe.store import ledger
    from kaohe.store import store as st

    marks: dict[str, float] = {}

    @contextlib.contextmanager
    def rolled_back(self: Any) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")

    def timed(owner: Any, name: str, start: str | None, end: str) -> None:
        f = getattr(owner, name)

        @functools.wraps(f)
        def wrapper(*a: Any, **k: Any) -> Any:
            if start is not None:
                marks.setdefault(start, time.perf_counter())
            try:
                return f(*a, **k)
            finally:
                marks[end] = time.perf_counter()

        setattr(owner, name, wrapper)

    writing = ledger.Ledger.writing
    ledger.Ledger.writing = rolled_back  # type: ignore[method-assign,assignment]
    each = aggregated.StartedSums.each

    def scans_read(self: Any) -> Iterator[Any]:  # the last scan finished: the generator is exhausted
        yield from each(self)
        marks["scans read"] = time.perf_counter()

    aggregated.StartedSums.each = scans_read  # type: ignore[method-assign]
    timed(pipeline, "evaluate_categories", "evaluation", "evaluated")
    timed(st.Store, "save_result", "storing", "stored")
    try:
        bureau, registry, store = run._open(directory)
        start = time.perf_counter()
        c0 = time.process_time()
        jobs.score_period(store, bureau, registry, Period.parse(MONTH), full=True)
        end = time.perf_counter()
        store.close()
    finally:
        ledger.Ledger.writing = writing  # type: ignore[method-assign]
        aggregated.StartedSums.each = each  # type: ignore[method-assign]
    scans = marks.get("scans read", marks["evaluation"])  # the python engine reads no grouped scans
    return {
        "until the last scan is read (the items of those done before evaluated meanwhile)": scans - start,
        "the items evaluated after it": marks["evaluated"] - scans,
        "ranks and flags": marks["storing"] - marks["evaluated"],
        "storing": marks["stored"] - marks["storing"],
        "whole": end - start,
        "CPU of this process (scanning processes not counted)": time.process_time() - c0,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a bureau that bench/run.py ingested and scored")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    bare: list[float] = []
    walls: list[float] = []
    cpus: list[float] = []
    for i in range(args.runs):
        bare.append(run.step_scan_month(args.dir)["kind"]["seconds"])
        wall, cpu = _score(args.dir)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {i + 1}: bare scan {bare[-1]:.2f} s; kaohe score --full {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    b, w, c = statistics.median(bare), statistics.median(walls), statistics.median(cpus)
    print(f"\nmedians of {args.runs} runs, {cores} cores:")
    print(f"  bare GROUP BY unit, kind scan        {b:6.2f} s")
    print(f"  kaohe score --full {MONTH}          {w:6.2f} s wall  ({w / b:.1f}× the bare scan)")
    print(f"  the goal: 3 × the bare scan          {3 * b:6.2f} s wall")
    print(f"  CPU time that wall holds ({cores} cores)   {3 * b * cores:6.2f} s")
    print(f"  CPU time the scoring used            {c:6.2f} s  (user + system, with its scanning processes)")
    print(f"\n{MONTH} scored in this process, not stored (seconds):")
    for name, seconds in _phases(args.dir).items():
        print(f"  {name:55s} {seconds:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
