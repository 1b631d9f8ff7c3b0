"""What-if comparison and diagnostics (issue 20), timed in one process, interleaved:

    python bench/analysis.py --dir bench/out/scale-0.01 --runs 5

On a province that ``bench/run.py`` has ingested and scored (its months up to 2015-06 stored), it
times, alternately:

- the baseline, ``score-month``: 2015-06 scored once from its records, not stored
  (``score_period(save=False)``: the earlier months the 末位 flag looks at read from the stored
  results, as ``kaohe score`` does);
- ``compare-month``: ``kaohe compare 2015-06`` with a proposal (the heaviest category's weight doubled):
  the month scored under the scheme in force and under the proposal, the proposal's two earlier
  months too (its own 末位 history), every record query asked of the store once
  (``office.analysis.SharedRecords``), nothing stored;
- ``compare-records``: the same comparison with every item evaluated from the records
  (``reuse=False``: what happens where the stored results are out of date), each record query asked
  once for both schemes;
- ``diagnose-year``: ``kaohe diagnose 2015`` of the scheme in force from the stored results (the
  category and item results of every month and of the year read in bulk:
  ``office.analysis.from_stored``), once per run;
- with ``--scored``, ``diagnose-scored``: the same diagnostics made as before (every month scored
  again from its stored item trees, decoded, and the year formed: ``office.analysis.analysed``),
  once per run, and both checked equal.

``--only diagnose`` times the baseline and the diagnostics alone. The store is opened read-only
(nothing is written: a province's store can be measured where it lies).

Prints the best and the median of each, in wall time and in the process's CPU time, the ratio
compare ÷ score (the goal: ≤ 2×), and how often each queried the store's records: the comparison's
record queries beside those of one scoring of the month and of the proposal's history.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MONTH = "2015-06"


class Counting:
    """The store, counting its record queries (``records`` and ``tallies``)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.queries = 0

    def records(self, *args: Any) -> Any:
        self.queries += 1
        return self.store.records(*args)

    def tallies(self, *args: Any) -> Any:
        self.queries += 1
        return self.store.tallies(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a scale's folder of bench/run.py (bench/out/scale-0.01)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--only", choices=("diagnose",), help="the baseline and the diagnostics alone")
    p.add_argument("--scored", action="store_true", help="also the diagnostics made by scoring the stored trees again (the reference)")
    a = p.parse_args(argv)

    from kaohe.core.periods import Period
    from kaohe.office import analysis
    from kaohe.office.jobs import score_period
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(a.dir / "kaohe.toml", registry)
    period = Period.parse(MONTH)
    store = Store(bureau.database, readonly=True)
    first = max(bureau.scheme.period_categories, key=lambda c: c.weight)  # the heaviest category
    change = analysis.Proposal(sets=(f"categories.{first.id}.weight={first.weight * 2}",))
    print(f"{a.dir}: {len(bureau.units)} units, {len(bureau.items)} items; proposal: {change.sets[0]}")

    if a.only == "diagnose":
        return diagnose_only(a, store, bureau, registry, period)
    # record queries: one scoring of the month, then the comparison (its SharedRecords' reads)
    counting = Counting(store)
    score_period(counting, bureau, registry, period, save=False)  # type: ignore[arg-type]
    once = counting.queries
    shared_reads: list[int] = []
    original = analysis.SharedRecords

    class Recorded(original):  # type: ignore[misc, valid-type]
        def __init__(self, s: Any) -> None:
            super().__init__(s)
            shared_reads.append(0)
            self.index = len(shared_reads) - 1

        def records(self, *args: Any) -> Any:
            before = self.reads
            out = super().records(*args)
            shared_reads[self.index] += self.reads - before
            return out

        def tallies(self, *args: Any) -> Any:
            before = self.reads
            out = super().tallies(*args)
            shared_reads[self.index] += self.reads - before
            return out

    analysis.SharedRecords = Recorded  # type: ignore[misc]
    result = analysis.compare(store, bureau, registry, period, change)
    again = analysis.compare(store, bureau, registry, period, change, reuse=False)
    analysis.SharedRecords = original  # type: ignore[misc]
    assert result == again, "the stored items taken as they are must give what the records give"
    moved = sum(s["moved"] for s in result["series"])
    print(f"record queries: scoring the month once {once}; the comparison {shared_reads[0]} "
          f"(the unchanged items' stored results up to date, taken as they are); every item from the records "
          f"(compare-records) {shared_reads[1]}: each query asked once for both schemes, the proposal's 末位 history adding "
          f"its {bureau.scheme.last_place_months - 1} earlier months; units moved {moved}; both ways the same result")

    times: dict[str, list[float]] = {"score": [], "compare": [], "compare-records": [], "diagnose-year": []}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    for _ in range(a.runs):
        for name, run in (
            ("score", lambda: score_period(store, bureau, registry, period, save=False)),
            ("compare", lambda: analysis.compare(store, bureau, registry, period, change)),
            ("compare-records", lambda: analysis.compare(store, bureau, registry, period, change, reuse=False)),
        ):
            t0, c0 = time.perf_counter(), time.process_time()
            run()
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    t0, c0 = time.perf_counter(), time.process_time()
    analysis.diagnose(store, bureau, registry, Period.parse("2015"), analysis.Proposal())
    times["diagnose-year"].append(time.perf_counter() - t0)
    cpu["diagnose-year"].append(time.process_time() - c0)

    print(f"{'step':<16}{'best s':>10}{'median s':>10}{'best cpu s':>12}{'median cpu s':>14}")
    for name in times:
        print(f"{name:<16}{min(times[name]):>10.3f}{statistics.median(times[name]):>10.3f}{min(cpu[name]):>12.3f}{statistics.median(cpu[name]):>14.3f}")
    ratio = min(times["compare"]) / min(times["score"])
    ratio_cpu = min(cpu["compare"]) / min(cpu["score"])
    print(f"compare ÷ score (best): {ratio:.2f}× wall, {ratio_cpu:.2f}× cpu (goal ≤ 2×)")
    r2, c2 = min(times["compare-records"]) / min(times["score"]), min(cpu["compare-records"]) / min(cpu["score"])
    print(f"compare-records ÷ score (best): {r2:.2f}× wall, {c2:.2f}× cpu")
    print(f"diagnose-year ÷ score (cpu): {min(cpu['diagnose-year']) / min(cpu['score']):.2f}× (goal: under 60 s); "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


def diagnose_only(a: argparse.Namespace, store: Any, bureau: Any, registry: Any, period: Any) -> int:
    """The baseline (a month scored once) and the year's diagnostics, interleaved; with ``--scored``
    the diagnostics made by scoring the stored trees again too, checked equal."""
    from kaohe.core.periods import Period
    from kaohe.office import analysis
    from kaohe.office.jobs import score_period

    year = Period.parse("2015")
    fast = analysis.from_stored

    def scored() -> Any:
        analysis.from_stored = lambda *args: None  # type: ignore[assignment]
        try:
            return analysis.diagnose(store, bureau, registry, year, analysis.Proposal())
        finally:
            analysis.from_stored = fast  # type: ignore[assignment]

    steps: list[tuple[str, Any]] = [
        ("score", lambda: score_period(store, bureau, registry, period, save=False)),
        ("diagnose-year", lambda: analysis.diagnose(store, bureau, registry, year, analysis.Proposal())),
    ]
    if a.scored:
        steps.append(("diagnose-scored", scored))
    cpu: dict[str, list[float]] = {k: [] for k, _ in steps}
    wall: dict[str, list[float]] = {k: [] for k, _ in steps}
    out: dict[str, Any] = {}
    for _ in range(a.runs):
        for name, run in steps:
            t0, c0 = time.perf_counter(), time.process_time()
            out[name] = run()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    if a.scored:
        assert out["diagnose-year"] == out["diagnose-scored"], "the stored results read in bulk must give the same diagnostics"
        print("diagnose-year and diagnose-scored: the same diagnostics")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'step':<16}{'best s':>10}{'median s':>10}{'best cpu s':>12}{'median cpu s':>14}")
    for name in cpu:
        print(f"{name:<16}{min(wall[name]):>10.3f}{statistics.median(wall[name]):>10.3f}{min(cpu[name]):>12.3f}{statistics.median(cpu[name]):>14.3f}")
    base = min(cpu["score"])
    print(f"diagnose-year ÷ score (best cpu): {min(cpu['diagnose-year']) / base:.2f}× (goal: under 60 s)")
    if a.scored:
        print(f"diagnose-scored ÷ score (best cpu): {min(cpu['diagnose-scored']) / base:.2f}×; "
              f"diagnose-scored ÷ diagnose-year: {min(cpu['diagnose-scored']) / min(cpu['diagnose-year']):.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
