"""The province on PostgreSQL beside SQLite, in the same run (issue 22, point 5).

    KAOHE_BENCH_POSTGRES=postgresql://… python bench/postgres.py --scale 0.01 [--out bench/out] [--clients 50]

The synthetic province of bench/generate.py at ``--scale`` (made if missing) goes, on each backend
in turn (SQLite first, then PostgreSQL, the same configuration), through:

1. ``intake``: ``kaohe ingest`` of every CSV export but the last month's of four departments, into a
   fresh database; beside it ``bare intake``, the same CSV rows written with no checks into a table
   like ``records`` (SQLite: bench/run.py's ``executemany``; PostgreSQL: ``COPY``), the floor;
2. ``4 importers``: four ``kaohe ingest`` processes started together, each one department's files of
   the last month (the month's end, when the departments send theirs); the wall time of the four
   and of each, and afterwards each file's records counted in the store (nothing lost, nothing twice);
3. the year scored and stored (``score_year``: every month, quarter, half and the year), then
   ``score month``: ``kaohe score --full`` of the month (``--month``), beside ``bare scan``, the
   bare SQL ``GROUP BY unit, item`` over that month's records on the same backend (bench/run.py's
   floor); then ``year from months``: the year aggregated from the stored months
   (``results.aggregate_stored``);
4. the month published and ``kaohe serve`` started over the database; ``--clients`` concurrent
   clients ask for a unit's page and the ranking (bench/serve.py's clients, the station's account),
   beside a static file served by the same server (the floor);
5. the database's size (SQLite: the file with its WAL; PostgreSQL: every relation of its schema,
   indexes and TOAST included).

Every step's wall time and its CPU time: the kaohe process's (``getrusage`` of the ended child, or
``os.wait4`` for the four importers; kaohe's reading processes included) and, on PostgreSQL, the server's (its postmaster and backends, from /proc: the server
must run on this machine). On a machine shared with other work, CPU seconds are the figures to
compare. SQLite's database is a new file beside the configuration; PostgreSQL's a new schema of the
database named by ``KAOHE_BENCH_POSTGRES`` (or ``KAOHE_TEST_POSTGRES``), given to kaohe as
``KAOHE_DATABASE_URL``. The records count and the month's stored-results digest are checked equal
on both (the run fails otherwise). ``--json`` also writes the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import serve  # noqa: E402  (bench/serve.py: the server, the clients, the accounts)

YEAR = 2015
TICK = os.sysconf("SC_CLK_TCK")


def _kaohe() -> list[str]:
    return serve._kaohe()


# --- CPU of the PostgreSQL server ------------------------------------------------------------------


def _proc_cpu(pid: int, reaped: bool) -> float:
    """utime + stime of ``pid`` (and of its waited-for children with ``reaped``), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if reaped else 0)
    return ticks / TICK


def server_cpu(postmaster: int | None) -> float:
    """The CPU seconds the PostgreSQL server has used so far: the postmaster's own and its ended
    backends' (reaped), plus every backend still running."""
    if postmaster is None:
        return 0.0
    total = _proc_cpu(postmaster, True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            total += _proc_cpu(int(stat.parent.name), False)
    return total


def _postmaster(url: str) -> int | None:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    pidfile = Path(str(row[0])) / "postmaster.pid" if row else None
    try:
        return int(pidfile.read_text().split()[0]) if pidfile else None
    except OSError:
        return None  # not readable (another user's server, or not on this machine): no server CPU


# --- the steps -------------------------------------------------------------------------------------


class Backend:
    def __init__(self, name: str, directory: Path, url: str | None, schema: str) -> None:
        self.name, self.directory = name, directory
        self.env = {**os.environ, "KAOHE_ACTOR": "bench"}
        self.env.pop("KAOHE_DATABASE_URL", None)
        self.postmaster: int | None = None
        if name == "sqlite":
            self.database = str(directory / "kaohe.sqlite")
            for suffix in ("", "-wal", "-shm", ".site-key"):
                Path(self.database + suffix).unlink(missing_ok=True)
        else:
            assert url
            self.schema = schema
            self.base_url = url
            self.database = self.env["KAOHE_DATABASE_URL"] = _fresh_schema(url, schema)
            self.postmaster = _postmaster(url)

    def run(self, cmd: list[str]) -> dict[str, Any]:
        """``cmd`` in a child process: wall seconds, the child's CPU seconds, the server's, and the
        JSON it prints last (bench/run.py's steps)."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # one child at a time here: the delta is its own
        server0, started = server_cpu(self.postmaster), time.perf_counter()
        p = subprocess.run(cmd, env=self.env, capture_output=True, text=True, encoding="utf-8")
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode:
            raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime - children.ru_utime - children.ru_stime,
                "server": server_cpu(self.postmaster) - server0, "json": _last_json(p.stdout)}

    def step(self, name: str) -> dict[str, Any]:
        return self.run([sys.executable, str(HERE / "run.py"), "--step", name, "--dir", str(self.directory)])

    def query(self, sql: str, args: list[Any] | None = None) -> list[tuple[Any, ...]]:
        if self.name == "sqlite":
            with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
                return db.execute(sql, args or []).fetchall()
        import psycopg

        with psycopg.connect(self.database) as conn:
            return [tuple(r) for r in conn.execute(sql.replace("?", "%s"), args or []).fetchall()]

    def size(self) -> int:
        if self.name == "sqlite":
            return sum(Path(self.database + s).stat().st_size for s in ("", "-wal") if Path(self.database + s).exists())
        rows = self.query(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'm')", [self.schema])
        return int(rows[0][0])


def _last_json(out: str) -> Any:
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return None


def _fresh_schema(url: str, schema: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


def _waited(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Popen ``cmd`` now; a dict filled in when it ends (wall, cpu) by a thread of its own."""
    done: dict[str, Any] = {}
    started = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait() -> None:
        _, status, usage = os.wait4(p.pid, 0)
        done.update(wall=time.perf_counter() - started, cpu=usage.ru_utime + usage.ru_stime, status=status)

    done["thread"] = threading.Thread(target=wait)
    done["thread"].start()
    done["process"] = p
    return done


def bare_copy(backend: Backend, files: list[Path], adapters: list[str]) -> dict[str, Any]:
    """The floor of intake on PostgreSQL: the same CSV rows as bench/run.py's bare ``executemany``
    (key, unit and date cells in place, the other cells joined as the attributes), written with
    ``COPY`` into a table like ``records`` (primary key, the two indexes), one transaction a file."""
    import csv

    import psycopg
    from run import _adapter_headers

    url = _fresh_schema(backend.base_url, backend.schema + "_bare")
    server0, cpu0, started = server_cpu(backend.postmaster), time.process_time(), time.perf_counter()
    total = 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            'CREATE TABLE records ("key" TEXT PRIMARY KEY, kind TEXT, unit TEXT, "date" TEXT, "month" TEXT, value TEXT,'
            ' attrs TEXT, note TEXT, department TEXT, hash TEXT, version INTEGER, import_id INTEGER, file TEXT, sheet TEXT,'
            ' "row" INTEGER, voided INTEGER)')
        conn.execute('CREATE INDEX idx_records_kind_date ON records (kind, "date")')
        conn.execute("CREATE INDEX idx_records_department_month ON records (department, month)")
        heads: dict[str, tuple[str, str]] = {}
        for file, adapter_id in zip(files, adapters):
            if adapter_id not in heads:
                heads[adapter_id] = _adapter_headers(adapter_id)
            dept = adapter_id.split(".")[0]
            with file.open(encoding="utf-8-sig", newline="") as fh, conn.transaction():
                rows = csv.reader(fh)
                header = next(rows)
                ui, di = header.index(heads[adapter_id][0]), header.index(heads[adapter_id][1])
                with conn.cursor().copy("COPY records FROM STDIN") as copy:
                    n = 1
                    for n, row in enumerate(rows, start=2):
                        date = row[di]
                        copy.write_row((f"{adapter_id}:{row[0]}:{row[1]}", adapter_id, row[ui], date[:10], date[:7], None,
                                        "\t".join(row), "", dept, "", 1, 1, file.name, "", n, 0))
                total += n - 1
    out = {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu0,
           "server": server_cpu(backend.postmaster) - server0, "records": total}
    with psycopg.connect(backend.base_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {backend.schema}_bare CASCADE")
    return out


def bare_scan(backend: Backend, month: str) -> dict[str, Any]:
    """bench/run.py's floor of scoring the month, on this backend: ``GROUP BY unit, item`` over the
    month's records joined with the items' kinds (each record once for every item reading it)."""
    from kaohe.core.periods import Period
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau

    os.environ.pop("KAOHE_DATABASE_URL", None)
    bureau = load_bureau(backend.directory / "kaohe.toml", load_registry())
    item_kinds = sorted({(it.id, k) for it in bureau.items for k in it.reads})
    p = Period.parse(month)
    start, end = bureau.calendar.start(p).isoformat(), bureau.calendar.end(p).isoformat()
    if backend.name == "sqlite":
        db: Any = sqlite3.connect(backend.database)
        value, param = "r.value", "?"
    else:
        import psycopg

        db = psycopg.connect(backend.database)
        typed = db.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema()"
                           " AND table_name = 'records' AND column_name = 'value'").fetchone()[0]
        value = "r.value" if typed in ("numeric", "integer", "bigint", "double precision", "real") else "CAST(NULLIF(r.value, '') AS numeric)"
        param = "%s"
    db.execute("CREATE TEMP TABLE item_kinds (item TEXT, kind TEXT)")
    cur = db.cursor()
    cur.executemany(f"INSERT INTO item_kinds VALUES ({param}, {param})", item_kinds)
    q = (f"SELECT r.unit, ik.item, count(*), sum({value}) FROM records r JOIN item_kinds ik ON ik.kind = r.kind"
         f" WHERE r.voided = 0 AND r.date BETWEEN {param} AND {param} GROUP BY r.unit, ik.item")
    server0, cpu0, started = server_cpu(backend.postmaster), time.process_time(), time.perf_counter()
    groups = db.execute(q, [start, end]).fetchall()
    out = {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu0,
           "server": server_cpu(backend.postmaster) - server0, "rows": sum(g[2] for g in groups)}
    db.close()
    return out


def pages(backend: Backend, clients: int, requests: int, month: str) -> dict[str, Any]:
    """The month published, ``kaohe serve`` (1 worker) over the database, and ``clients`` clients:
    the static file, a unit's page, the ranking; each with the server's and PostgreSQL's CPU."""
    os.environ.pop("KAOHE_DATABASE_URL", None)
    if backend.name == "postgresql":
        os.environ["KAOHE_DATABASE_URL"] = backend.database
    cfg = backend.directory / "kaohe.toml"
    log = backend.directory / f"serve-{backend.name}.log"
    try:
        unit = serve._publish(cfg)
        serve._accounts(cfg, unit, log)
        port = serve._free_port()
        server = serve.start_server(cfg, port, 1, log)
    finally:
        os.environ.pop("KAOHE_DATABASE_URL", None)
    out: dict[str, Any] = {}
    try:
        station = serve.sign_in(port, serve.STATION)
        targets = [("static", "/static/site.css", ""), ("unit page", f"/unit/{month}/{unit}", station),
                   ("ranking", f"/ranking/{month}", station)]
        for _, path, cookie in targets:  # warm
            serve.load(port, path, cookie, 5, 20)
        for name, path, cookie in targets:
            cpu0, server0 = _proc_tree_cpu(server.pid), server_cpu(backend.postmaster)
            r = serve.load(port, path, cookie, clients, requests)
            r["cpu"] = _proc_tree_cpu(server.pid) - cpu0
            r["server"] = server_cpu(backend.postmaster) - server0
            del r["times"]
            out[name] = r
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    return out


def _proc_tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and of its children (kaohe serve's workers), running or ended."""
    total = _proc_cpu(pid, True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                total += _proc_cpu(int(stat.parent.name), True)
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_backend(backend: Backend, manifest: dict[str, Any], held: list[dict[str, Any]], args: argparse.Namespace,
                echo: Any) -> dict[str, Any]:
    d = backend.directory
    files = [f for f in manifest["files"] if f not in held]
    fig: dict[str, Any] = {}
    echo(f"[{backend.name}] intake of {len(files)} files …")
    fig["intake"] = backend.run([*_kaohe(), "-c", str(d / "kaohe.toml"), "ingest", "-q", *(str(d / f["path"]) for f in files)])
    fig["intake"]["records"] = backend.query("SELECT count(*) FROM records")[0][0]
    echo(f"[{backend.name}] bare intake …")
    if backend.name == "sqlite":
        bare = backend.step("bare-csv")  # every file (the records/s are compared)
        fig["bare intake"] = {**bare, "records": bare["json"]["records"]}
        (d / "bare.sqlite").unlink(missing_ok=True)
    else:
        fig["bare intake"] = bare_copy(backend, [d / f["path"] for f in manifest["files"]], [f["adapter"] for f in manifest["files"]])
    echo(f"[{backend.name}] 4 importers at once …")
    by_dept: dict[str, list[dict[str, Any]]] = {}
    for f in held:
        by_dept.setdefault(f["adapter"].split(".")[0], []).append(f)
    before = fig["intake"]["records"]
    server0, started = server_cpu(backend.postmaster), time.perf_counter()
    running = {dept: _waited([*_kaohe(), "-c", str(d / "kaohe.toml"), "ingest", "-q", *(str(d / f["path"]) for f in fs)], backend.env)
               for dept, fs in by_dept.items()}
    for r in running.values():
        r["thread"].join()
    wall = time.perf_counter() - started
    failed = [dept for dept, r in running.items() if r["status"] != 0]
    if failed:
        raise SystemExit(f"importers failed: {failed}: {[running[x]['process'].stderr.read()[-500:] for x in failed]}")
    counts = {}
    for dept, fs in by_dept.items():
        names = [Path(f["path"]).name for f in fs]
        stored = backend.query(f"SELECT count(*) FROM records WHERE file IN ({','.join('?' * len(names))})", names)[0][0]
        counts[dept] = {"files": len(fs), "rows": sum(f["rows"] for f in fs), "stored": stored,
                        "wall": running[dept]["wall"], "cpu": running[dept]["cpu"]}
    after = backend.query("SELECT count(*) FROM records")[0][0]
    fig["4 importers"] = {"wall": wall, "cpu": sum(r["cpu"] for r in running.values()), "server": server_cpu(backend.postmaster) - server0,
                          "records": after - before, "departments": counts}
    backend.step("signoff")
    echo(f"[{backend.name}] the year scored and stored …")
    fig["score year"] = backend.step("score-year")
    echo(f"[{backend.name}] a month, the year from months, the bare scan …")
    fig["score month"] = backend.run([*_kaohe(), "-c", str(d / "kaohe.toml"), "score", "-q", "--full", args.month])
    fig["bare scan"] = bare_scan(backend, args.month)
    fig["year from months"] = backend.step("aggregate-year")
    fig["records"] = after
    from kaohe.store.store import Store

    with Store(backend.database) as store:
        state = store.period_state(args.month)
    fig["digest"] = str(state["digest"]) if state else ""
    echo(f"[{backend.name}] pages under {args.clients} clients …")
    fig["pages"] = pages(backend, args.clients, args.requests, args.month)
    fig["size"] = backend.size()
    return fig


def _cpu(f: dict[str, Any]) -> float:
    return float(f["cpu"]) + float(f.get("server") or 0)


def report(figs: dict[str, dict[str, Any]], manifest: dict[str, Any], args: argparse.Namespace, load: tuple[float, ...]) -> str:
    s, p = figs["sqlite"], figs["postgresql"]
    lines = [f"scale {args.scale:g}: {manifest['units']:,} stations, {s['records']:,} records; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
             f"(at the end: {os.getloadavg()[0]:.1f}); {os.cpu_count()} CPUs; PostgreSQL on a local socket", "",
             "CPU s = the kaohe process's + the PostgreSQL server's (SQLite: in-process); ratio = PostgreSQL ÷ SQLite of the CPU s", "",
             "| step | SQLite wall s | SQLite CPU s | PostgreSQL wall s | PostgreSQL CPU s (kaohe + server) | ratio (CPU) |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]

    def row(label: str, a: dict[str, Any], b: dict[str, Any]) -> None:
        lines.append(f"| {label} | {a['wall']:.1f} | {_cpu(a):.1f} | {b['wall']:.1f} | {_cpu(b):.1f} ({b['cpu']:.1f} + {b.get('server', 0):.1f}) "
                     f"| {_cpu(b) / _cpu(a):.2f} |")

    row(f"intake ({s['intake']['records']:,} records)", s["intake"], p["intake"])
    row(f"bare intake, the floor ({s['bare intake']['records']:,} rows, no checks)", s["bare intake"], p["bare intake"])
    row(f"4 importers at once ({s['4 importers']['records']:,} records; wall of the four)", s["4 importers"], p["4 importers"])
    row("score the year (every period, stored)", s["score year"], p["score year"])
    row(f"score {args.month} (`kaohe score --full`)", s["score month"], p["score month"])
    row(f"bare scan of {args.month}, the floor ({s['bare scan']['rows']:,} rows × items)", s["bare scan"], p["bare scan"])
    row("the year from stored months", s["year from months"], p["year from months"])
    lines += ["", "| records/s (CPU) | SQLite | PostgreSQL |", "| --- | ---: | ---: |"]
    for k in ("intake", "bare intake", "4 importers"):
        lines.append(f"| {k} | {s[k]['records'] / _cpu(s[k]):,.0f} | {p[k]['records'] / _cpu(p[k]):,.0f} |")
    lines += ["", "4 importers, each (wall s / CPU s of the kaohe process; records stored ÷ rows sent):", "",
              "| department | files | SQLite wall / CPU | PostgreSQL wall / CPU | stored ÷ sent (SQLite, PostgreSQL) |", "| --- | ---: | ---: | ---: | --- |"]
    for dept, a in s["4 importers"]["departments"].items():
        b = p["4 importers"]["departments"][dept]
        lines.append(f"| {dept} | {a['files']} | {a['wall']:.1f} / {a['cpu']:.1f} | {b['wall']:.1f} / {b['cpu']:.1f} "
                     f"| {a['stored']:,} ÷ {a['rows']:,}, {b['stored']:,} ÷ {b['rows']:,} |")
    lines += ["", f"pages under {args.clients} concurrent clients, {args.requests} requests each, kaohe serve 1 worker; "
              "CPU ms a request = the server's (+ PostgreSQL's)", "",
              "| page | SQLite p50 / p95 ms | SQLite req/s | SQLite CPU ms/req | PostgreSQL p50 / p95 ms | PostgreSQL req/s | PostgreSQL CPU ms/req | p95 ÷ static (SQLite, PostgreSQL) |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in ("static", "unit page", "ranking"):
        a, b = s["pages"][name], p["pages"][name]
        lines.append(f"| {name} | {a['p50']:.0f} / {a['p95']:.0f} | {a['rps']:.0f} | {1000 * a['cpu'] / a['requests']:.1f} "
                     f"| {b['p50']:.0f} / {b['p95']:.0f} | {b['rps']:.0f} | {1000 * (b['cpu'] + b['server']) / b['requests']:.1f} "
                     f"({1000 * b['cpu'] / b['requests']:.1f} + {1000 * b['server'] / b['requests']:.1f}) "
                     f"| {a['p95'] / s['pages']['static']['p95']:.1f}×, {b['p95'] / p['pages']['static']['p95']:.1f}× |")
    lines += ["", f"database size: SQLite {s['size'] / 2**20:,.0f} MB, PostgreSQL {p['size'] / 2**20:,.0f} MB "
              f"({p['size'] / s['size']:.2f}×)",
              f"records and {args.month}'s stored-results digest equal on both: "
              f"{'yes' if (s['records'], s['digest']) == (p['records'], p['digest']) else 'NO'} ({s['records']:,}, {s['digest'][:16]}…)"]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--month", default="2015-06")
    ap.add_argument("--last", default="2015-12", help="the month the four departments import at once (held out of the intake)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=1000, help="requests a page (default 1000)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    url = os.environ.get("KAOHE_BENCH_POSTGRES") or os.environ.get("KAOHE_TEST_POSTGRES")
    if not url:
        sys.exit("KAOHE_BENCH_POSTGRES (or KAOHE_TEST_POSTGRES) is not set: .ci/postgres DIR starts a server and prints its URL")
    echo = lambda s: print(f"{dt.datetime.now():%H:%M:%S} {s}", file=sys.stderr, flush=True)  # noqa: E731
    load = os.getloadavg()
    directory = args.out / f"scale-{args.scale:g}"
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        from generate import generate

        echo(f"generating the province at {args.scale:g} …")
        generate(directory, args.scale, args.seed, echo=lambda s: None, xlsx=False)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    last = [f for f in manifest["files"] if f["month"] == args.last]
    depts = sorted({f["adapter"].split(".")[0] for f in last}, key=lambda d: -sum(f["rows"] for f in last if f["adapter"].startswith(d + ".")))
    held = [f for f in last if f["adapter"].split(".")[0] in depts[:4]]  # the four departments sending the most
    figs = {}
    for name in ("sqlite", "postgresql"):
        backend = Backend(name, directory, url, f"bench_{str(args.scale).replace('.', '_')}")
        figs[name] = run_backend(backend, manifest, held, args, echo)
    text = report(figs, manifest, args, load)
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"scale": args.scale, "load": load, "figures": figs}, indent=1, default=str), encoding="utf-8")
    s, p = figs["sqlite"], figs["postgresql"]
    lost = [(b, d) for b in figs for d, c in figs[b]["4 importers"]["departments"].items() if c["stored"] != c["rows"]]
    if (s["records"], s["digest"]) != (p["records"], p["digest"]) or lost:
        sys.exit(f"the backends differ, or records were lost: {lost}")


if __name__ == "__main__":
    main()
