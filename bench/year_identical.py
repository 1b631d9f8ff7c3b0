"""Whether the longer periods' stored results are byte-identical to those stored before a change
(issue 18, the year aggregated from the stored months faster): every stored row of 2015, its
quarters and its halves, in ``period_results``, ``scores``, ``category_results``, ``item_results``
and the trees (``explanations``), the run's id left out (a new one each scoring).

    python bench/year_identical.py --dir /tmp/copy-of-scale-0.1 --save /tmp/before.json
    (change the code, aggregate again: kaohe score 2015, or bench/run.py --step aggregate-year)
    python bench/year_identical.py --dir /tmp/copy-of-scale-0.1 --against /tmp/before.json

Prints one digest per table and period, and with ``--against`` the ones that differ; exits 1 if any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
from pathlib import Path

PERIODS = ("2015", "2015-Q1", "2015-Q2", "2015-Q3", "2015-Q4", "2015-H1", "2015-H2")
TABLES = {
    "period_results": "period",
    "scores": "period, unit",
    "category_results": "period, unit, category",
    "item_results": "period, unit, item",
    "explanations": "period, unit",
}


def digests(db: Path) -> dict[str, str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out = {}
    for table, key in TABLES.items():
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")') if r[1] != "run_id"]
        sel = ", ".join(f'"{c}"' for c in cols)
        for period in PERIODS:
            h = hashlib.sha256()
            n = 0
            for row in con.execute(f'SELECT {sel} FROM "{table}" WHERE period = ? ORDER BY {key}', (period,)):
                h.update(repr(row).encode("utf-8"))
                n += 1
            out[f"{table} {period}"] = f"{h.hexdigest()[:16]} ({n} rows)"
    con.close()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a scale's folder of bench/run.py (its kaohe.sqlite)")
    p.add_argument("--save", type=Path, help="write the digests to this file")
    p.add_argument("--against", type=Path, help="compare with the digests saved in this file")
    a = p.parse_args(argv)
    now = digests(a.dir / "kaohe.sqlite")
    for k, v in now.items():
        print(f"{k:40} {v}")
    if a.save:
        a.save.write_text(json.dumps(now, indent=1), encoding="utf-8")
    if a.against:
        before = json.loads(a.against.read_text(encoding="utf-8"))
        differ = [k for k in before if before[k] != now.get(k)]
        print(f"differ: {len(differ)} of {len(before)}" + "".join(f"\n  {k}: {before[k]} -> {now.get(k)}" for k in differ))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
