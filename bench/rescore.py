"""Rescoring after a one-record correction (issue 18 point 3), timed in one process, interleaved:

    python bench/rescore.py --dir bench/out/scale-0.01 --runs 5

On a province that ``bench/run.py`` has ingested and scored (its 2015-06 stored; unlocked first with
``kaohe unlock`` if published and locked), one CSV export of the month is sent again with one record
credited to another station (``run.py``'s ``correct-one``; from the export as it was, should the
database hold an earlier run's correction), then as it was, alternately: after each import, 2015-06 is rescored only where it changed
(``score_period(full=False)``: what ``kaohe score 2015-06`` does for the month) and then whole
(``full=True``: ``kaohe score --full``, the same work as a first scoring of the month), both stored;
the two must store the same digest. Prints the best and the median of each and their ratio (the
goal: ≤ 0.1×), in wall time and in the process's CPU time (``time.process_time``: SQLite works in
the process; less disturbed by a shared machine's load, which makes a single run's wall time
unreliable: the best of several interleaved runs is the figure).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MONTH = "2015-06"


def corrections(directory: Path) -> tuple[Any, Any, Any, Path, Path]:
    """The province of ``directory`` opened for one record of June to be corrected and put back, in
    turn: (registry, bureau, its store, the export with the record corrected, the export as it was),
    the database holding the export as it was (June unlocked first if published and locked). From
    here on, each import of one of the two changes one record."""
    from run import step_correct_one

    from kaohe.office.ingest import ingest
    from kaohe.office.lock import lock_of
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(directory / "kaohe.toml", registry)
    store = Store(bureau.database)
    if lock_of(store, MONTH) is not None:  # published and locked: the office unlocks it before a correction
        subprocess.run(["kaohe", "-c", str(directory / "kaohe.toml"), "unlock", MONTH, "--reason", "基准测试:更正一条记录"], check=True)
    name = Path(step_correct_one(directory)["file"]).name
    original = next(f for f in directory.rglob(name) if f.parent.name != "correction")
    # the export as it was first (the database may hold an earlier run's correction), then the
    # correction made from what the database holds then: one record apart from it
    ingest(store, bureau, registry, original, actor="bench")
    fixed = Path(step_correct_one(directory)["file"])
    for f in (fixed, original):
        ingest(store, bureau, registry, f, actor="bench")
    return registry, bureau, store, fixed, original


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a scale's folder of bench/run.py (bench/out/scale-0.01)")
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args(argv)

    from kaohe.core.periods import Period
    from kaohe.office.ingest import ingest
    from kaohe.office.jobs import score_period
    from kaohe.office.rescore import to_evaluate

    registry, bureau, store, fixed, original = corrections(a.dir)
    period = Period.parse(MONTH)
    score_period(store, bureau, registry, period)  # stored, as after kaohe score
    times: dict[str, list[float]] = {"changed": [], "full": []}
    cpu: dict[str, list[float]] = {"changed": [], "full": []}
    evaluated = 0
    for i in range(a.runs * 2):
        report = ingest(store, bureau, registry, fixed if i % 2 == 0 else original, actor="bench")
        assert report.changed == 1, f"the correction changed {report.changed} records"
        evaluated = len(to_evaluate(store, bureau, registry, period) or bureau.items)
        digests = {}
        for name, full in (("changed", False), ("full", True)):
            started, used = time.perf_counter(), time.process_time()
            score_period(store, bureau, registry, period, full=full)
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - used)
            state = store.period_state(MONTH)
            assert state is not None
            digests[name] = state["digest"]
        if digests["changed"] != digests["full"]:
            raise SystemExit(f"run {i + 1}: rescoring what changed stored other results than a full rescore")
    store.close()
    n = len(bureau.active_units(period))
    print(f"{a.dir.name}: {n} stations, {MONTH}, one record corrected, {len(times['full'])} corrections (interleaved)")
    print(f"items evaluated again: {evaluated} of {len(bureau.items)}; same digest as the full rescore every time")
    for name, label in (("full", "whole (baseline: a first scoring)"), ("changed", "only what changed")):
        t, c = times[name], cpu[name]
        print(f"  rescore {label}: wall best {min(t):.3f} s, median {statistics.median(t):.3f} s;"
              f" CPU best {min(c):.3f} s, median {statistics.median(c):.3f} s")
    for what, d in (("wall", times), ("CPU", cpu)):
        print(f"  ratio ({what}), best ÷ best: {min(d['changed']) / min(d['full']):.2f}×;"
              f" median ÷ median: {statistics.median(d['changed']) / statistics.median(d['full']):.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
