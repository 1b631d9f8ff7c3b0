"""After a one-record correction, ``kaohe score 2015-06`` with the quarter, half-year and year stored:
the month rescored where it changed, and the stored 2015-Q2, 2015-H1 and 2015 brought up to date
by aggregating again only the units whose months changed (``rescore.aggregate_changed``), against
what it did before, in the same run: the same month, the months after it whose last-place flags read
it brought up to date, then the three aggregated whole (``results.aggregate_all``). Timed in one process, interleaved:

    python bench/rescore_longer.py --dir bench/out/scale-0.01 --runs 3

On a province that ``bench/run.py`` has ingested and scored (unlocked first with ``kaohe unlock`` if
published and locked), one CSV export of the month is sent again with one record credited to another
station (``run.py``'s ``correct-one``), then as it was, alternately (``rescore.py``'s way). Each
correction is followed by one of the two, in turn. After each ``kaohe score`` of what changed, the
three periods are aggregated whole again (not timed) and must store the digests it stored.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MONTH = "2015-06"
LONGER = ("2015-Q2", "2015-H1", "2015")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a scale's folder of bench/run.py (bench/out/scale-0.01)")
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args(argv)

    from rescore import corrections

    from kaohe.core.periods import Period
    from kaohe.office.ingest import ingest
    from kaohe.office.jobs import _longer_up_to_date, bring_up_to_date, score_period, scored_now
    from kaohe.office.results import aggregate_all

    registry, bureau, store, fixed, original = corrections(a.dir)
    month = Period.parse(MONTH)
    longer = [Period.parse(x) for x in LONGER]
    for x in longer:  # stored and up to date, as after kaohe score 2015
        bring_up_to_date(store, bureau, registry, x)
    times: dict[str, list[float]] = {"changed": [], "whole": []}
    for i in range(a.runs * 2):
        report = ingest(store, bureau, registry, fixed if i % 2 == 0 else original, actor="bench")
        assert report.changed == 1, f"the correction changed {report.changed} records"
        name = ("changed", "whole")[i % 2]
        started = time.perf_counter()
        if name == "changed":
            scored_now(store, bureau, registry, month)  # kaohe score 2015-06
        else:  # what it did before: the same, the three aggregated whole
            score_period(store, bureau, registry, month, full=False)
            _longer_up_to_date(store, bureau, registry, [month], full=True)
        times[name].append(time.perf_counter() - started)
        if name == "changed":
            made = [store.period_state(x) for x in LONGER]
            aggregate_all(store, bureau, registry, longer)
            again = [store.period_state(x) for x in LONGER]
            for label, m, w in zip(LONGER, made, again, strict=True):
                assert m is not None and w is not None
                if m["digest"] != w["digest"]:
                    raise SystemExit(f"run {i + 1}: {label} brought up to date stored other results than aggregating it whole")
        print(f"run {i + 1}: {name} {times[name][-1]:.2f} s", flush=True)
    store.close()
    n = len(bureau.active_units(month))
    print(f"{a.dir.name}: {n} stations, {MONTH} with {', '.join(LONGER[:2])} and {LONGER[2]} stored, one record corrected,"
          f" {a.runs} corrections each (interleaved); the same digests as aggregating them whole every time")
    for name, label in (("whole", "the month, then the three aggregated whole (baseline: before)"),
                        ("changed", "kaohe score 2015-06 now (the units whose months changed aggregated again)")):
        t = times[name]
        print(f"  {label}: best {min(t):.2f} s, median {statistics.median(t):.2f} s")
    print(f"  ratio, median ÷ median: {statistics.median(times['changed']) / statistics.median(times['whole']):.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
