"""The test suite's wall time on this tree beside a baseline revision, one after the other in the same
run (issue 15 point 4: the CLI tests in-process, so the suite gets faster).

The baseline is exported with ``git archive`` into a temporary folder and run with its kernel and
plugins first on ``PYTHONPATH`` (the editable installs point to this tree). Usage:

    python bench/suite_time.py [--baseline REV] [pytest arguments...]

REV defaults to the merge-base of HEAD and ``main``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def suite(tree: Path, extra: list[str], pythonpath: str | None) -> tuple[float, str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra], cwd=tree, env=env, capture_output=True, text=True,
    )
    wall = time.monotonic() - started
    lines = [ln for ln in done.stdout.splitlines() if ln.strip()]
    return wall, lines[-1] if lines else done.stderr.strip()[-200:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="the revision to compare with (default: merge-base of HEAD and main)")
    args, extra = parser.parse_known_args()
    rev = args.baseline or subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="kaohe-baseline-") as tmp:
        base = Path(tmp)
        archive = base / "tree.tar"
        with archive.open("wb") as f:
            subprocess.run(["git", "archive", rev], cwd=ROOT, stdout=f, check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(base / "tree", filter="data")
        tree = base / "tree"
        path = os.pathsep.join([str(tree / "kernel" / "src"), *(str(p) for p in sorted((tree / "plugins").glob("*/src")))])
        before = suite(tree, extra, path)
        after = suite(ROOT, extra, None)
    print(f"baseline {rev[:12]}: {before[0]:7.1f} s  ({before[1]})")
    print(f"this tree        : {after[0]:7.1f} s  ({after[1]})")
    print(f"this tree ÷ baseline: {after[0] / before[0]:.2f}")


if __name__ == "__main__":
    main()
