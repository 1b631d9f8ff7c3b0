"""The year aggregated from the stored months, this code against the code of an earlier commit, and
against a month (issue 18: the year ≤ 2× a month), measured in the same run, interleaved:

    python bench/year_before.py --dir /tmp/copy-of-scale-0.1 --before 2b5105d --runs 3

Each run, in its own process each (the kernel of ``--before`` taken from git, ``git archive``, put
first on the path; the plugins as installed): the year 2015 aggregated from the stored months and
stored with the earlier code (``results.aggregate_stored``: ``bench/run.py --step aggregate-year``),
the same with this code, and 2015-06 scored whole and stored with this code (``--step
score-month-only``). Prints the best and the median of each, in wall time and in the process's CPU
time, their ratios, the peak RSS of each process, and the load average. Writes to the store of
``--dir``: use a copy (the stored year is the same either way: bench/year_identical.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTH, YEAR = "2015-06", 2015


def one(job: str, directory: Path) -> dict[str, float]:
    from kaohe.core.periods import Period
    from kaohe.office.jobs import score_period
    from kaohe.office.results import aggregate_stored
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(directory / "kaohe.toml", registry)
    store = Store(bureau.database)
    started, used = time.perf_counter(), time.process_time()
    if job == "month":
        score_period(store, bureau, registry, Period.parse(MONTH))
    else:
        aggregate_stored(store, bureau, registry, Period(YEAR, "year"))
    out = {"wall": time.perf_counter() - started, "cpu": time.process_time() - used}
    store.close()
    out["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a copy of a scale's folder of bench/run.py, its months of 2015 stored")
    p.add_argument("--before", default="2b5105d", help="the earlier commit (default: 2b5105d, before issue 18's last round)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--one", choices=("year", "month"), help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.one:
        print(json.dumps(one(a.one, a.dir)))
        return 0
    with tempfile.TemporaryDirectory(prefix="year-before-") as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.before, "kernel/src"], capture_output=True, check=True).stdout
        tar = Path(tmp) / "kernel.tar"
        tar.write_bytes(archive)
        with tarfile.open(tar) as t:
            t.extractall(tmp, filter="data")
        old_env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "kernel" / "src")}
        jobs = {
            "year (before)": ("year", old_env),
            "year (now)": ("year", dict(os.environ)),
            "month (now)": ("month", dict(os.environ)),
        }
        got: dict[str, list[dict[str, float]]] = {k: [] for k in jobs}
        for _ in range(a.runs):
            for name, (job, env) in jobs.items():
                r = subprocess.run(
                    [sys.executable, __file__, "--dir", str(a.dir), "--one", job], env=env, capture_output=True, text=True, check=True,
                )
                got[name].append(json.loads(r.stdout.strip().splitlines()[-1]))
    print(f"{a.dir.name}: {a.runs} runs interleaved; load average {os.getloadavg()[0]:.2f} at the end")
    for name, rs in got.items():
        w, c = [r["wall"] for r in rs], [r["cpu"] for r in rs]
        print(f"  {name:14}: wall best {min(w):.2f} s, median {statistics.median(w):.2f} s; CPU best {min(c):.2f} s,"
              f" median {statistics.median(c):.2f} s; peak RSS {max(r['rss'] for r in rs):.0f} MiB")

    def best(name: str, key: str) -> float:
        return min(r[key] for r in got[name])

    for key in ("wall", "cpu"):
        print(f"  {key}: year now ÷ year before {best('year (now)', key) / best('year (before)', key):.2f}×"
              f" (cut {100 * (1 - best('year (now)', key) / best('year (before)', key)):.0f} %);"
              f" year ÷ month: before {best('year (before)', key) / best('month (now)', key):.2f}×,"
              f" now {best('year (now)', key) / best('month (now)', key):.2f}× (best ÷ best)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
