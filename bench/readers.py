"""Read-only commands behind a writer (issue 23, point 5).

Builds the demo bureau (``kaohe demo``, or uses ``--bureau DIR``), then times each read-only
command twice in the same run: alone (the baseline), and while a second process holds the
database's write lock (``BEGIN IMMEDIATE``, as an import does for its whole length) for longer than
the 60 s a writer waits. Before this change every command took that lock for its migrations check:
``editions`` waited for the writer and ``ranking``, ``editions`` and ``audit`` failed after 60 s.

    python bench/readers.py [--bureau DIR] [--hold 90]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = [
    ("editions",), ("audit", "--period", "2015-04"), ("ranking", "2015-04"), ("explain", "jincheng", "2015-04"),
    ("status", "2015-04"), ("diff", "2015#1", "2015"),
]


def kaohe(bureau: Path, *args: str, timeout: float = 300) -> tuple[int, float, str]:
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", "from kaohe.cli.main import main; main()", "-c", str(bureau / "kaohe.toml"), *args],
        capture_output=True, text=True, timeout=timeout,
    )
    return out.returncode, time.monotonic() - started, (out.stderr.strip().splitlines() or [""])[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bureau", type=Path, help="a bureau folder (default: a new demo bureau in a temporary folder)")
    ap.add_argument("--hold", type=float, default=90.0, help="seconds the writer holds the write lock (default 90)")
    args = ap.parse_args()
    bureau = args.bureau
    if bureau is None:
        bureau = Path(tempfile.mkdtemp(prefix="kaohe-readers-")) / "demo"
        subprocess.run([sys.executable, "-c", "from kaohe.cli.main import main; main()", "demo", str(bureau)], check=True, capture_output=True)
    alone = {c: kaohe(bureau, *c) for c in COMMANDS}
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(bureau / 'kaohe.sqlite')!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE')\n"
         "print('held', flush=True)\n"
         f"time.sleep({args.hold})\n"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        behind = {c: kaohe(bureau, *c) for c in COMMANDS}
        still = holder.poll() is None
    finally:
        holder.kill()
        holder.wait()
    print(f"bureau: {bureau}; writer held the write lock for up to {args.hold:.0f} s (held throughout: {still})")
    print("| command | alone (baseline) | behind the writer | exit |")
    print("| --- | ---: | ---: | --- |")
    for c in COMMANDS:
        rc0, t0, _ = alone[c]
        rc1, t1, err = behind[c]
        print(f"| `kaohe {' '.join(c)}` | {t0:.2f} s | {t1:.2f} s | {rc0} / {rc1}{' ' + err if rc1 else ''} |")


if __name__ == "__main__":
    main()
