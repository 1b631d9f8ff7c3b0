"""Scoring on PostgreSQL beside SQLite, before and after a change of the kernel, in one run (issue 22,
point 5: PostgreSQL's tallies compared in SQL, results written with COPY).

    KAOHE_BENCH_POSTGRES=postgresql://… python bench/pg_scoring.py --from bench/out/serve-0.01 \
        --before /tmp/main/kernel/src [--year]

``--from``: a prepared bench directory (bench/serve.py's: 2015 ingested, signed off, scored), read
only: its SQLite database is copied with SQLite's backup into ``--work`` and from there into a new
PostgreSQL schema (``kaohe db copy``). ``--before``: the ``kaohe`` package's folder of the code to
compare with (an export of the main branch: ``git archive main kernel/src | tar -x -C DIR``), put
first on ``PYTHONPATH`` of its runs; the other runs use the installed kernel. On each backend, with
each code, in turn (after a first scoring of the month on each, not counted: the first
run on a copied database costs more whichever code runs it): ``kaohe score -q --full MONTH`` (the month scored and stored), the year from the
stored months (bench/run.py's ``aggregate-year``) and, with ``--year``, every period of the year
(``score-year``). CPU seconds as bench/postgres.py measures them (the kaohe process's and the
PostgreSQL server's); the month's stored digest is checked equal across all runs. The copies are
removed at the end."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from postgres import Backend, _cpu, _fresh_schema, _kaohe, _postmaster  # noqa: E402


def _digest(backend: Backend, month: str) -> str:
    return str(backend.query("SELECT digest FROM period_results WHERE period = ?", [month])[0][0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--from", dest="source", type=Path, required=True)
    ap.add_argument("--before", type=Path, required=True, help="the kaohe package's src folder of the code before")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kaohe-pg-scoring"))
    ap.add_argument("--month", default="2015-06")
    ap.add_argument("--year", action="store_true", help="also score every period of the year")
    args = ap.parse_args()
    url = os.environ.get("KAOHE_BENCH_POSTGRES") or os.environ.get("KAOHE_TEST_POSTGRES")
    if not url:
        sys.exit("KAOHE_BENCH_POSTGRES (or KAOHE_TEST_POSTGRES) is not set")
    echo = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    load = os.getloadavg()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        for name in ("kaohe.toml", "units.csv"):
            shutil.copy(args.source / name, work / name)
        lite = Backend("sqlite", work, None, "")
        lite.database = str(work / "kaohe.sqlite")
        schema = "bench_scoring"
        pg = Backend("sqlite", work, None, "")  # made by hand: its database is the copy below
        pg.name, pg.schema, pg.base_url = "postgresql", schema, url
        pg.env = {**os.environ, "KAOHE_ACTOR": "bench"}
        pg.database = pg.env["KAOHE_DATABASE_URL"] = _fresh_schema(url, schema)
        pg.postmaster = _postmaster(url)
        echo("copying the SQLite database …")  # after the backends are made (a SQLite one removes the file)
        src = sqlite3.connect(f"file:{args.source / 'kaohe.sqlite'}?mode=ro", uri=True)
        dst = sqlite3.connect(work / "kaohe.sqlite")
        src.backup(dst)
        src.close()
        dst.close()
        echo("kaohe db copy into PostgreSQL …")
        env = {k: v for k, v in os.environ.items() if k != "KAOHE_DATABASE_URL"}
        p = subprocess.run([*_kaohe(), "-c", str(work / "kaohe.toml"), "db", "copy", "--to", pg.database], env=env,
                           capture_output=True, text=True)
        if p.returncode:
            sys.exit(f"kaohe db copy failed: {p.stdout[-1000:]}{p.stderr[-1000:]}")
        for backend in (lite, pg):  # a first run, not counted: the first on a copied database costs more (either code)
            echo(f"warm-up: {backend.name} …")
            backend.run([*_kaohe(), "-c", str(work / "kaohe.toml"), "score", "-q", "--full", args.month])
        figs: dict[str, dict[str, dict[str, Any]]] = {}
        digests = set()
        steps = ["score month", "year from months", *(["score year"] if args.year else [])]
        for step in steps:
            for code in ("before", "after"):
                for backend in (lite, pg):
                    env_before = dict(backend.env)
                    if code == "before":
                        backend.env["PYTHONPATH"] = f"{args.before}{os.pathsep}{backend.env.get('PYTHONPATH', '')}"
                    echo(f"{step}: {code}, {backend.name} …")
                    if step == "score month":
                        r = backend.run([*_kaohe(), "-c", str(work / "kaohe.toml"), "score", "-q", "--full", args.month])
                        digests.add(_digest(backend, args.month))
                    else:
                        r = backend.step("aggregate-year" if step == "year from months" else "score-year")
                    backend.env = env_before
                    figs.setdefault(step, {})[f"{code} {backend.name}"] = r
        lines = [f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; CPU s = kaohe's + the server's", "",
                 "| step | SQLite CPU s before / after | PostgreSQL CPU s before (kaohe + server) | after (kaohe + server) "
                 "| PostgreSQL ÷ SQLite before | after |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for step, f in figs.items():
            sb, sa, pb, pa = f["before sqlite"], f["after sqlite"], f["before postgresql"], f["after postgresql"]
            lines.append(f"| {step} | {_cpu(sb):.1f} / {_cpu(sa):.1f} | {_cpu(pb):.1f} ({pb['cpu']:.1f} + {pb['server']:.1f}) "
                         f"| {_cpu(pa):.1f} ({pa['cpu']:.1f} + {pa['server']:.1f}) | {_cpu(pb) / _cpu(sb):.2f} | {_cpu(pa) / _cpu(sa):.2f} |")
        lines.append(f"\n{args.month}'s stored digest the same in every run: {'yes' if len(digests) == 1 else 'NO'} ({len(digests)} distinct)")
        print("\n".join(lines))
        print(json.dumps({"load": load, "figures": figs}, default=str))
        if len(digests) != 1:
            sys.exit("the stored results differ")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS bench_scoring CASCADE")


if __name__ == "__main__":
    main()
