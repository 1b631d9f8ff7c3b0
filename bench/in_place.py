"""A month scored whole again (``kaohe score -q --full 2015-06``, whole process), its stored rows rewritten
in place (``period_results.layout`` as the last whole write left it: ``ResultsWriter.clear``) against the
same with its rows deleted and written again (the layout cleared first, not timed: what every whole
write did before), alternated, with the bare ``GROUP BY unit, kind`` scan of ``bench/run.py`` beside.

    python bench/in_place.py --dir bench/out/scale-1 --runs 3

``--dir`` is a bureau that ``bench/run.py`` ingested and scored. After every run the stored month's digest
is read: it must be the same after every run of either kind (the run stops otherwise).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run
from month_budget import _score  # kaohe score -q --full MONTH, whole process: (wall, CPU)

MONTH = run.MONTH


def _state(database: Path) -> tuple[str, str | None]:
    """The stored month's digest and layout."""
    db = sqlite3.connect(database)
    try:
        digest, layout = db.execute("SELECT digest, layout FROM period_results WHERE period = ?", [MONTH]).fetchone()
    finally:
        db.close()
    return str(digest), layout


def _forget_layout(database: Path) -> None:
    db = sqlite3.connect(database)
    try:
        with db:
            db.execute("UPDATE period_results SET layout = NULL WHERE period = ?", [MONTH])
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a bureau that bench/run.py ingested and scored")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    database = args.dir / "kaohe.sqlite"
    _score(args.dir)  # the month stored whole by this code (its layout written), not timed
    digest, layout = _state(database)
    if layout is None:
        raise SystemExit(f"{MONTH} has no layout after a whole scoring")
    figures: dict[str, list[tuple[float, float]]] = {"deleted first": [], "in place": []}
    bare: list[float] = []
    for i in range(args.runs):
        bare.append(run.step_scan_month(args.dir)["kind"]["seconds"])
        order = ("deleted first", "in place") if i % 2 == 0 else ("in place", "deleted first")
        for name in order:
            if name == "deleted first":
                _forget_layout(database)
            elif _state(database)[1] is None:
                raise SystemExit("the layout was not written again")
            figures[name].append(_score(args.dir))
            if _state(database)[0] != digest:
                raise SystemExit(f"{name}: the stored digest changed")
        print(
            f"run {i + 1}: bare scan {bare[-1]:.2f} s; "
            + "; ".join(f"{n} {figures[n][-1][0]:.2f} s wall, {figures[n][-1][1]:.2f} s CPU" for n in figures),
            flush=True,
        )
    b = statistics.median(bare)
    print(f"\nmedians of {args.runs} runs (digest {digest[:16]} after every run):")
    print(f"  bare GROUP BY unit, kind scan   {b:6.2f} s")
    for name, got in figures.items():
        w = statistics.median(g[0] for g in got)
        c = statistics.median(g[1] for g in got)
        print(f"  kaohe score --full, {name:13s} {w:6.2f} s wall ({w / b:.2f}× the bare scan), {c:6.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
