"""``kaohe explain`` and ``kaohe ranking`` of a month, whole process, with the record lines made on
demand (issue 18 point 1, branch l18) beside the code before (a baseline kernel), in one run:

    python bench/explain_lines.py --dir NEW --base-dir OLD --base-src SRC [--unit u0001] [--runs 7]

``NEW`` and ``OLD`` are two copies of one province of bench/generate.py, ingested and signed off
(``bench/run.py``'s first steps), 2015-H1 scored and stored in ``NEW`` by this tree's ``kaohe score``
and in ``OLD`` by the baseline's (``SRC``: its ``kernel/src``, from ``git archive``, put first on
``PYTHONPATH``). Each command runs in a fresh process, the baseline's and this tree's in turn; the
best and the median wall time of each are printed, with the sizes of the month's stored trees, and
whether the two print the same (``explain --json`` and the text with ``--all --ids``, byte for byte).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

MONTH = "2015-06"


def _run(cmd: list[str], src: str | None) -> tuple[float, str]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    started = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - started, p.stdout


def _trees(d: Path) -> tuple[int, int]:
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        n, size = db.execute("SELECT count(*), sum(length(tree)) FROM explanations WHERE period = ?", [MONTH]).fetchone()
        return int(n), int(size or 0)
    finally:
        db.close()


def _in_process(d: Path) -> tuple[float, float]:
    """The median time, over the month's stations, to read one's stored tree (``stored_unit``) and to
    make its whole explanation (``explanation``: the folded record lines made again)."""
    from kaohe.core.periods import Period
    from kaohe.office.results import explanation, stored_unit
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    period = Period.parse(MONTH)
    read, made = [], []
    with Store(bureau.database, readonly=True) as store:
        for u in bureau.active_units(period):
            started = time.perf_counter()
            stored_unit(store, period, u.id)
            read.append(time.perf_counter() - started)
            started = time.perf_counter()
            explanation(store, bureau, registry, period, u.id)
            made.append(time.perf_counter() - started)
    return statistics.median(read), statistics.median(made)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True)
    p.add_argument("--base-dir", type=Path, required=True)
    p.add_argument("--base-src", required=True)
    p.add_argument("--unit", default="")
    p.add_argument("--runs", type=int, default=7)
    a = p.parse_args(argv)
    exe = [sys.executable, "-c", "from kaohe.cli.main import main; main()"]
    unit = a.unit
    if not unit:
        db = sqlite3.connect(a.dir / "kaohe.sqlite")
        unit = str(db.execute("SELECT unit FROM scores WHERE period = ? ORDER BY unit LIMIT 1", [MONTH]).fetchone()[0])
        db.close()
    commands = {
        f"kaohe explain {unit} {MONTH}": ["explain", unit, MONTH],
        f"kaohe explain {unit} {MONTH} --json": ["explain", unit, MONTH, "--json"],
        f"kaohe ranking {MONTH}": ["ranking", MONTH],
    }
    same = {}
    for name, args in (("--json", ["explain", unit, MONTH, "--json"]), ("--all --ids", ["explain", unit, MONTH, "--all", "--ids"])):
        before = _run([*exe, "-c", str(a.base_dir / "kaohe.toml"), *args], a.base_src)[1]
        after = _run([*exe, "-c", str(a.dir / "kaohe.toml"), *args], None)[1]
        same[name] = before == after
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(a.runs):
        for label, args in commands.items():
            for who, d, src in (("before", a.base_dir, a.base_src), ("now", a.dir, None)):
                times.setdefault((label, who), []).append(_run([*exe, "-c", str(d / "kaohe.toml"), *args], src)[0])
    n, old_size = _trees(a.base_dir)
    _, new_size = _trees(a.dir)
    print(f"{a.dir.name}: {n} stations, {MONTH}; the same output before and now: "
          + ", ".join(f"explain {k}: {'yes' if v else 'NO'}" for k, v in same.items()))
    print(f"the month's stored trees: before {old_size / 1e6:.2f} MB, now {new_size / 1e6:.2f} MB ({new_size / old_size:.2f})")
    read, made = _in_process(a.dir)
    print(f"in this process, every station of {MONTH}, median: its stored tree read {read * 1000:.1f} ms,"
          f" with its record lines made on demand {made * 1000:.1f} ms")
    print("| command (whole process) | before, best | before, median | now, best | now, median |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label in commands:
        b, w = times[(label, "before")], times[(label, "now")]
        print(f"| `{label}` | {min(b):.3f} s | {statistics.median(b):.3f} s | {min(w):.3f} s | {statistics.median(w):.3f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
