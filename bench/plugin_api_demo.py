"""`kaohe demo` on this tree beside a baseline commit, in one run: the time of each, and whether the
published edition is the same.

    python bench/plugin_api_demo.py [BASELINE_COMMIT] [--runs N]

The baseline's kernel and plugins are taken with ``git archive`` into a temporary folder and put
first on ``PYTHONPATH`` (the installed entry points name modules, so the baseline's are imported).
An edition's digest changed on every run of a tree before the demo's exports were made
reproducible (workbook times from their rows, tests/test_demo_exports.py): the payload holds each
imported file's SHA-256, and openpyxl stamped the time of writing into every workbook. So the script
compares the payload the digest is taken of with those masked, and the published JSON with its
times masked; two runs of such a baseline show the raw digest differing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def payload(folder: Path) -> tuple[bytes, str]:
    db = sqlite3.connect(folder / "kaohe.sqlite")
    table = next(r[0] for r in db.execute("select name from sqlite_master where type='table'") if "edition" in r[0])
    cols = [r[1] for r in db.execute(f"pragma table_info({table})")]
    rec = dict(zip(cols, db.execute(f"select * from {table} order by id").fetchone(), strict=True))
    db.close()
    blob = next(v for v in rec.values() if isinstance(v, bytes))
    return zlib.decompress(blob), str(rec["digest"])


def masked(data: bytes) -> bytes:
    data = re.sub(rb'"(checksum|records_sha256|sha256)":"[0-9a-f]{64}"', rb'"\1":"X"', data)
    return re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", b"T", data)


def published_json(folder: Path) -> bytes:
    [path] = sorted((folder / "published").glob("*/*/report-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    text = re.sub(rb'"(digest|chain_head|generated)": "[^"]*"', rb'"\1": "X"', text)
    return masked(text)


def demo(folder: Path, pythonpath: str | None) -> float:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from kaohe.cli.main import main; main()", "demo", str(folder)], check=True,
                   env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("baseline", nargs="?", default="0550ba0")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "kernel", "plugins"],
                                 check=True, capture_output=True).stdout
        tar_path = Path(tmp) / "b.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(base, filter="data")
        base_path = os.pathsep.join([str(base / "kernel" / "src"), *(str(p) for p in sorted((base / "plugins").glob("*/src")))])
        times: dict[str, list[float]] = {"baseline": [], "this tree": []}
        folders: dict[str, list[Path]] = {"baseline": [], "this tree": []}
        for n in range(args.runs):
            for name, path in (("baseline", base_path), ("this tree", None)):
                folder = Path(tmp) / f"{name.replace(' ', '-')}-{n}"
                times[name].append(demo(folder, path))
                folders[name].append(folder)
        for name in times:
            print(f"kaohe demo, {name}: " + ", ".join(f"{t:.1f} s" for t in times[name]))
        (pb, db), (pa, da) = payload(folders["baseline"][0]), payload(folders["this tree"][0])
        print(f"edition digest: baseline {db[:16]}, this tree {da[:16]}"
              + (f", a second baseline run {payload(folders['baseline'][1])[1][:16]}" if args.runs > 1 else ""))
        print(f"edition payload: {len(pb)} / {len(pa)} bytes; equal with file checksums and times masked: "
              f"{masked(pb) == masked(pa)} (sha256 {hashlib.sha256(masked(pb)).hexdigest()[:16]} / "
              f"{hashlib.sha256(masked(pa)).hexdigest()[:16]})")
        print("published report JSON equal with times and digests masked:",
              published_json(folders["baseline"][0]) == published_json(folders["this tree"][0]))


if __name__ == "__main__":
    main()
