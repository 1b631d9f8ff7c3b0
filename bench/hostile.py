"""The hostile files of issue #23 at full size, each imported in a fresh process beside a baseline:
a clean file of the same row count, measured in the same run.

    python bench/hostile.py [--small] [--out DIR]

Cases (the files come from tests/hostile_files.py, the generator of the hostile-input suite):

- a CSV of a million bad rows (a third each: a text in a number column, an unknown station, a day
  that does not exist) against a clean CSV of a million rows;
- a workbook of a few KB whose sheet declares A1:XFD1048576 against the same workbook declaring its
  real range;
- a workbook holding one 400 MB shared string (about 400 KB on disk) against the same workbook with a
  short note;
- 1e999999999 in a whole-number column of the office's register against the same register with 3.

Each import runs in a child process (``--case``) on a new store; the figures are its wall time and
its peak resident memory (``ru_maxrss`` of the child and of its reading processes). ``--small``
divides the sizes by 100 (a quick look; the figures of bench/RESULTS.md are the full ones).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import hostile_files as hf  # noqa: E402


def build(kind: str, path: Path, small: bool) -> Path:
    rows = 10_000 if small else 1_000_000
    chars = 4_000_000 if small else 400_000_000
    if kind == "bad-rows":
        return hf.many_bad_rows(path.with_suffix(".csv"), rows)
    if kind == "clean-rows":
        return hf.clean_rows(path.with_suffix(".csv"), rows)
    if kind == "declared":
        return hf.declared_dimension(path.with_suffix(".xlsx"), "A1:XFD1048576")
    if kind == "declared-clean":
        return hf.declared_dimension(path.with_suffix(".xlsx"), "A1:H5", corner=None)
    if kind == "shared-string":
        return hf.huge_shared_string(path.with_suffix(".xlsx"), chars)
    if kind == "shared-string-clean":
        return hf.huge_shared_string(path.with_suffix(".xlsx"), 20)
    if kind == "huge-int":
        return hf.number_in_register(path.with_suffix(".csv"), "1e999999999", "名次")
    if kind == "huge-int-clean":
        return hf.number_in_register(path.with_suffix(".csv"), "3", "名次")
    raise SystemExit(f"unknown case {kind}")


CASES = [
    ("a million bad rows (CSV)", "bad-rows", "clean-rows"),
    ("sheet declaring A1:XFD1048576", "declared", "declared-clean"),
    ("one 400 MB shared string", "shared-string", "shared-string-clean"),
    ("1e999999999 in a whole-number column", "huge-int", "huge-int-clean"),
]


def child(path: Path) -> None:
    """Import ``path`` into a new store (the bureau of the hostile-input suite); print the outcome."""
    from kaohe.core.errors import KaoheError
    from kaohe.office.ingest import ingest
    from kaohe.store.store import Store
    reg = hf.plugin_registry()
    bureau = hf.make_bureau(reg)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as d, Store(Path(d) / "kaohe.sqlite") as store:
        started = time.monotonic()
        try:
            report = ingest(store, bureau, reg, path, today=dt.date(2016, 1, 1))
            total = getattr(report, "rejected_total", len(report.rejected))  # (a kernel before the summary: --case with PYTHONPATH)
            out["outcome"] = (
                f"imported: {report.rows:,} rows, {report.new:,} new, {total:,} rejected"
                f" ({len(report.rejected):,} kept, {len(getattr(report, 'rejected_more', {}))} reasons counted)"
            )
            out["stored_rejections"] = store.count("rejections")
        except KaoheError as exc:
            out["outcome"] = f"refused: {exc}"
        out["wall"] = time.monotonic() - started
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["rss"] = max(self_rss, kids) * 1024
    print(json.dumps(out, ensure_ascii=False))


def run(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--case", str(path)], capture_output=True, text=True, timeout=3600,
    )
    if done.returncode != 0:
        raise SystemExit(f"{path.name}: the child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="sizes divided by 100")
    parser.add_argument("--out", type=Path, default=None, help="where the files are written (default: a temporary folder)")
    parser.add_argument("--case", type=Path, help="import this one file in this process and print the figures (JSON)")
    args = parser.parse_args()
    if args.case:
        child(args.case)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        print("| case | file | time | peak RSS | outcome |")
        print("| --- | ---: | ---: | ---: | --- |")
        for label, hostile, clean in CASES:
            for kind, name in ((hostile, label), (clean, "baseline: clean file of the same rows")):
                started = time.monotonic()
                path = build(kind, out / kind, args.small)
                made = time.monotonic() - started
                res = run(path)
                size = path.stat().st_size
                outcome = res["outcome"] if len(res["outcome"]) < 160 else res["outcome"][:157] + "…"
                print(
                    f"| {name} | {size / 1e6:,.2f} MB | {res['wall']:.2f} s | {res['rss'] / (1 << 20):,.0f} MiB |"
                    f" {outcome} |",
                    flush=True,
                )
                print(f"<!-- {kind}: file written in {made:.1f} s -->", file=sys.stderr)
                path.unlink()


if __name__ == "__main__":
    main()
