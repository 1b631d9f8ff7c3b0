"""The check ``kaohe publish`` makes of what an edition reads (issue 23, point 6; kaohe.store.integrity.check_inputs).

A row changed outside kaohe with its trigger made again leaves the schema as kaohe made it, so
publish now reads the period's records against their content hashes, every import's records against
their digest, and the adjustments, appeals and decisions against their links before it scores. This
script times that check beside the scoring publish does anyway (the baseline: ``score_period`` of
the same period, without saving), in one run, on the demo bureau with ``--rows`` more records
imported into April 2015 (a month of a large bureau).

    python bench/publish_check.py [--bureau DIR] [--rows 300000]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = ["编号", "单位", "日期", "事项类别", "人数/次数", "是否及时破获", "是否主动查处上报", "说明"]


def kaohe(bureau: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-c", "from kaohe.cli.main import main; main()", "-c", str(bureau / "kaohe.toml"), *args],
        check=True, capture_output=True, text=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bureau", type=Path, help="a demo bureau folder (default: a new one in a temporary folder)")
    ap.add_argument("--rows", type=int, default=300_000, help="records added to April 2015 (default 300000)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kaohe-bench-"))
    bureau = args.bureau
    if bureau is None:
        bureau = tmp / "demo"
        subprocess.run([sys.executable, "-c", "from kaohe.cli.main import main; main()", "demo", str(bureau)], check=True, capture_output=True)
    if args.rows:
        path = tmp / "extra.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADERS)
            for i in range(args.rows):
                w.writerow([f"BENCH{i:08d}", "金城派出所", "2015-04-10", "从业人员不登记不持证刷卡", "1", "", "", ""])
        kaohe(bureau, "ingest", str(path))

    from kaohe.scheme.config import load_bureau
    from kaohe.report.editions import inputs_window
    from kaohe.store.integrity import check_inputs
    from kaohe.office.jobs import score_period
    from kaohe.core.periods import Period
    from kaohe.plugins.discovery import get_plugin_manager, load_registry
    from kaohe.store.store import Store

    registry = load_registry(get_plugin_manager())
    b = load_bureau(bureau / "kaohe.toml", registry)
    period = Period.parse("2015-04")
    first, last = inputs_window(b, period)
    with Store(b.database, readonly=True) as store:
        records = store.db.execute("SELECT count(*) FROM records").fetchone()[0]
        started = time.monotonic()
        score_period(store, b, registry, period, save=False)
        scoring = time.monotonic() - started
        started = time.monotonic()
        check_inputs(store, b.calendar.start(first).isoformat(), b.calendar.end(last).isoformat())
        checking = time.monotonic() - started
    print(f"records in the store: {records:,}; window {b.calendar.start(first)} – {b.calendar.end(last)}")
    print("| step | time |")
    print("| --- | ---: |")
    print(f"| baseline: scoring 2015-04 (what publish does anyway) | {scoring:.2f} s |")
    print(f"| check_inputs before publishing 2015-04 | {checking:.2f} s |")


if __name__ == "__main__":
    main()
