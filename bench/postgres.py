"""Intake and a month's scoring on PostgreSQL beside SQLite, in the same run (issue 22, point 4).

    KAOHE_BENCH_POSTGRES=postgresql://… python bench/postgres.py --scale 0.01 [--out bench/out] [--month 2015-06]

The synthetic province of bench/generate.py (made if missing, as bench/run.py makes it) is
imported into a fresh database of each backend (``kaohe ingest`` of every CSV export, one child
process, wall time), then its month scored in full (``kaohe score --full``, wall time). SQLite's
database is a new file beside the configuration; PostgreSQL's a new schema of the database named by
``KAOHE_BENCH_POSTGRES`` (or ``KAOHE_TEST_POSTGRES``), given to kaohe as ``KAOHE_DATABASE_URL``
(the same configuration for both). The backends alternate (sqlite, postgresql, sqlite, …) for
``--runs`` rounds so that a busy machine slows them alike; the best of each is printed. The stored
month's results digest and the records count are checked equal on both.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _kaohe() -> list[str]:
    return [sys.executable, "-c", "from kaohe.cli.main import main; main()"]


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _fresh_schema(url: str, schema: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


def _state(database: str, month: str) -> tuple[int, str]:
    from kaohe.store.store import Store

    with Store(database) as store:
        state = store.period_state(month)
        return store.count(), str(state["digest"] if state else "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--month", default="2015-06")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    url = os.environ.get("KAOHE_BENCH_POSTGRES") or os.environ.get("KAOHE_TEST_POSTGRES")
    if not url:
        sys.exit("KAOHE_BENCH_POSTGRES (or KAOHE_TEST_POSTGRES) is not set: .ci/postgres DIR starts a server and prints its URL")
    directory = args.out / f"scale-{args.scale:g}"
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        from generate import generate

        generate(directory, args.scale, args.seed, echo=lambda s: None)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    cfg = str(directory / "kaohe.toml")
    files = [str(directory / f["path"]) for f in manifest["files"]]
    best: dict[tuple[str, str], float] = {}
    states: dict[str, tuple[int, str]] = {}
    for _ in range(args.runs):
        for backend in ("sqlite", "postgresql"):
            env = {**os.environ, "KAOHE_ACTOR": "bench"}
            env.pop("KAOHE_DATABASE_URL", None)
            if backend == "sqlite":
                database = str(directory / "kaohe.sqlite")
                for suffix in ("", "-wal", "-shm"):
                    Path(database + suffix).unlink(missing_ok=True)
            else:
                database = env["KAOHE_DATABASE_URL"] = _fresh_schema(url, f"bench_{str(args.scale).replace('.', '_')}")
            for step, cmd in (
                ("intake", [*_kaohe(), "-c", cfg, "ingest", "-q", *files]),
                ("score-month", [*_kaohe(), "-c", cfg, "score", "-q", "--full", args.month]),
            ):
                seconds = _timed(cmd, env)
                best[(backend, step)] = min(seconds, best.get((backend, step), seconds))
            states[backend] = _state(database, args.month)
    print(f"scale {args.scale:g}: {manifest['units']:,} stations, {states['sqlite'][0]:,} records; best of {args.runs}")
    print(f"{'step':<12} {'sqlite s':>10} {'postgresql s':>13} {'ratio':>7}")
    for step in ("intake", "score-month"):
        a, b = best[("sqlite", step)], best[("postgresql", step)]
        print(f"{step:<12} {a:>10.1f} {b:>13.1f} {b / a:>7.2f}")
    same = states["sqlite"] == states["postgresql"]
    print(f"records and {args.month}'s results digest equal on both: {'yes' if same else 'NO'} {states}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
