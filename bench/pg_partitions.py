"""Records partitioned by month on PostgreSQL, before and after, in the same run (issue 22, point 1;
branch G22c): the year of bench/generate.py's province imported into a fresh schema (every CSV
export, ``office.ingest`` file by file), then its month scored in full (``score_period``), once with
``records`` one table (the store as it was: the migration kaohe.store.pgstore.PARTITIONED left out)
and once partitioned by month (as this kaohe makes it), alternating for ``--runs`` rounds.

    KAOHE_BENCH_POSTGRES=postgresql://… python bench/pg_partitions.py [--data bench/out/serve-0.01] [--runs 2]

``--data``: a folder of generate.py's (``kaohe.toml``, ``manifest.json``, ``exports/``), read only
(the default is the main checkout's prepared 1/100 province). With 6 processes on 2 cores wall
times mean little: the figures are CPU seconds, this process's (``time.process_time``: reading the
files, the checks, the scoring in Python) and its PostgreSQL backend's (its /proc/<pid>/stat: the
server's side of the same connection, same machine), the best of the runs. The records count and
the month's results digest are checked equal on both layouts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
DEFAULT = Path("/work/main/bench/out/serve-0.01")


def _schema(url: str, schema: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


def _backend_cpu(store: Any) -> float:
    """CPU seconds of the PostgreSQL backend serving ``store``'s connection."""
    pid = store.pg.conn.raw.execute("SELECT pg_backend_pid()").fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one(url: str, data: Path, month: str, partitioned: bool) -> dict[str, Any]:
    from kaohe.core.periods import Period
    from kaohe.office.ingest import ingest
    from kaohe.office.jobs import score_period
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store import pgstore
    from kaohe.store.store import Store

    schema = f"bench_partitions_{'on' if partitioned else 'off'}"
    database = _schema(url, schema)
    os.environ["KAOHE_DATABASE_URL"] = database
    registry = load_registry()
    bureau = load_bureau(data / "kaohe.toml", registry)
    kept = pgstore.PG_MIGRATIONS
    if not partitioned:
        pgstore.PG_MIGRATIONS = []
    try:
        manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
        out: dict[str, Any] = {}
        with Store(database) as store:
            c0, s0, w0 = time.process_time(), _backend_cpu(store), time.perf_counter()
            for f in manifest["files"]:
                ingest(store, bureau, registry, data / f["path"], actor="bench")
            c1, s1, w1 = time.process_time(), _backend_cpu(store), time.perf_counter()
            out["intake"] = (c1 - c0, s1 - s0, w1 - w0)
            score_period(store, bureau, registry, Period.parse(month), full=True)
            c2, s2, w2 = time.process_time(), _backend_cpu(store), time.perf_counter()
            out["score-month"] = (c2 - c1, s2 - s1, w2 - w1)
            state = store.period_state(month)
            out["state"] = (store.count(), str(state["digest"] if state else ""))
            out["partitions"] = len(pgstore.partitions(store.pg.conn.raw))
        return out
    finally:
        pgstore.PG_MIGRATIONS = kept
        os.environ.pop("KAOHE_DATABASE_URL", None)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--month", default="2015-06")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    url = os.environ.get("KAOHE_BENCH_POSTGRES") or os.environ.get("KAOHE_TEST_POSTGRES")
    if not url:
        sys.exit("KAOHE_BENCH_POSTGRES (or KAOHE_TEST_POSTGRES) is not set: .ci/postgres DIR starts a server and prints its URL")
    os.environ["KAOHE_READERS"] = "0"  # the files read in this process: its CPU time is all of it
    os.environ.setdefault("KAOHE_ACTOR", "bench")
    best: dict[tuple[bool, str], tuple[float, float, float]] = {}
    states: dict[bool, Any] = {}
    parts = 0
    for _ in range(args.runs):
        for partitioned in (False, True):
            r = one(url, args.data, args.month, partitioned)
            for step in ("intake", "score-month"):
                got = r[step]
                if (partitioned, step) not in best or sum(got[:2]) < sum(best[(partitioned, step)][:2]):
                    best[(partitioned, step)] = got
            states[partitioned] = r["state"]
            parts = max(parts, r["partitions"])
    print(f"{args.data}: {states[True][0]:,} records; best of {args.runs}; load average {os.getloadavg()[0]:.1f}; {parts} partitions")
    print("| step | layout | client CPU s | server CPU s | total CPU s | wall s | total ÷ one table |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for step in ("intake", "score-month"):
        base = sum(best[(False, step)][:2])
        for partitioned in (False, True):
            c, s, w = best[(partitioned, step)]
            name = "partitioned by month" if partitioned else "one table (before)"
            print(f"| {step} | {name} | {c:.1f} | {s:.1f} | {c + s:.1f} | {w:.1f} | {(c + s) / base:.2f} |")
    same = states[False] == states[True]
    print(f"records and {args.month}'s results digest equal on both: {'yes' if same else 'NO'} {states}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
