"""The site under load (issue 16, point 5): ``kaohe serve`` in its own process on 127.0.0.1 over a
bench bureau, a station's account and the office's signed in, and 50 concurrent clients asking for a
unit's page and a ranking page; p50, p95, p99 and requests/s of each, beside the same figures for a
static file (``/static/site.css``) served by the same server in the same run (the floor the server
and the clients themselves set on this machine).

Usage::

    python bench/serve.py [--scale 0.01] [--clients 50] [--requests 2000] [--workers 1]
    python bench/serve.py --demo            # the demo bureau (15 stations): quick
    python bench/serve.py --config DIR/kaohe.toml --unit U --period P   # any bureau (a copy: accounts are added)
    python bench/serve.py --data /work/main/bench/out/serve-1 --workers 2   # a province prepared elsewhere, used in place

The bureau: bench/generate.py's province at ``--scale`` (kept in bench/out/serve-<scale>/ and reused),
its data ingested, the year scored and stored (every month, quarter, half and the year: a unit's page
reads the months' trends) and 2015-06 published, as ``bench/run.py`` does; or the demo (``--demo``,
whose year is published). Each client is a thread with its own keep-alive connection and the session
cookie of its account; the pages are the HTML a person sees. Goal: p95 < 200 ms at full scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MONTH, YEAR = "2015-06", 2015
PASSWORD = "Bench-Serve-2015"
STATION, OFFICE = "bench-station", "bench-office"


def _kaohe() -> list[str]:
    exe = shutil.which("kaohe", path=str(Path(sys.executable).parent)) or shutil.which("kaohe")
    return [exe] if exe else [sys.executable, "-c", "from kaohe.cli.main import main; main()"]


def _run(cmd: list[str], log: Path, stdin: str | None = None) -> None:
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        p = subprocess.run(cmd, stdout=out, stderr=out, input=stdin, text=True, encoding="utf-8")
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}; see {log}")


def _accounts(cfg: Path, unit: str, log: Path) -> None:
    """The station's and the office's accounts (made again when the bureau is reused)."""
    from kaohe.office.accounts import OFFICE as OFFICE_ROLE, UNIT as UNIT_ROLE, add_users
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    bureau = load_bureau(cfg, load_registry())
    with Store(bureau.database) as store:
        have = {str(u["account"]) for u in store.users()}
        rows = [(a, n, r, w, PASSWORD) for a, n, r, w in ((STATION, "基准所", UNIT_ROLE, unit), (OFFICE, "基准考核办", OFFICE_ROLE, "")) if a not in have]
        if rows:
            add_users(store, bureau, rows, "bench")


def prepare_province(scale: float, seed: int, out: Path, echo: Any) -> tuple[Path, str, str]:
    """(configuration, a station's id, the published period) of the province at ``scale``."""
    from generate import generate

    directory = out / f"serve-{scale:g}"
    log = directory / "prepare.log"
    ready = directory / "ready.json"
    if ready.exists() and json.loads(ready.read_text(encoding="utf-8")).get("seed") == seed:
        unit = json.loads(ready.read_text(encoding="utf-8"))["unit"]
    else:
        shutil.rmtree(directory, ignore_errors=True)
        started = time.perf_counter()
        echo(f"generating the province at {scale:g} …")
        manifest = generate(directory, scale, seed, xlsx=False, echo=lambda s: None)
        log.write_text("", encoding="utf-8")
        cfg = directory / "kaohe.toml"
        echo(f"  {manifest['units']:,} stations, {manifest['rows']:,} rows; ingesting …")
        _run([*_kaohe(), "-c", str(cfg), "ingest", "-q", *(str(directory / f["path"]) for f in manifest["files"])], log)
        echo("  signing off, scoring the year, publishing 2015-06 …")
        for step in ("signoff", "score-year"):
            _run([sys.executable, str(HERE / "run.py"), "--step", step, "--dir", str(directory)], log)
        unit = _publish(cfg)
        ready.write_text(json.dumps({"seed": seed, "unit": unit}), encoding="utf-8")
        echo(f"  ready in {time.perf_counter() - started:.0f} s")
    cfg = directory / "kaohe.toml"
    _accounts(cfg, unit, log)
    return cfg, unit, MONTH


def _publish(cfg: Path) -> str:
    """Publish 2015-06 (the edition frozen, no files written: the site reads the store); the first
    station of the month's ranking."""
    from kaohe.core.periods import Period
    from kaohe.office.publication import publish
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(cfg, registry)
    with Store(bureau.database) as store:
        publish(store, bureau, registry, Period.parse(MONTH), published_on=dt.date(2015, 7, 1), actor="bench", write=False)
    return str(bureau.units[0].id)


def prepare_demo(out: Path, echo: Any) -> tuple[Path, str, str]:
    directory = out / "serve-demo"
    log = out / "serve-demo.log"
    log.write_text("", encoding="utf-8")
    echo("building the demo bureau …")
    _run([*_kaohe(), "demo", str(directory), "--force"], log)
    cfg = directory / "kaohe.toml"
    _accounts(cfg, "jincheng", log)
    return cfg, "jincheng", str(YEAR)


# --- the server and the clients --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(cfg: Path, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    p = subprocess.Popen(
        [*_kaohe(), "-c", str(cfg), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        stdout=out, stderr=out,
    )
    for _ in range(600):
        if p.poll() is not None:
            raise SystemExit(f"kaohe serve ended ({p.returncode}); see {log}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/login")
            if c.getresponse().status == 200:
                c.close()
                return p
        except OSError:
            time.sleep(0.1)
    p.terminate()
    raise SystemExit("kaohe serve did not answer in 60 s")


def sign_in(port: int, account: str, host: str | None = None, password: str = PASSWORD) -> str:
    """The session cookie (``name=value``) of ``account`` (on the site named ``host`` by the Host
    header: a platform's bureau or the province; by default the server's own)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)  # a full province: the first write of a connection checks the store (seconds)
    named = {"Host": host} if host else {}
    c.request("GET", "/login", headers=named)
    r = c.getresponse()
    body = r.read().decode("utf-8")
    cookies = [v.split(";", 1)[0] for k, v in r.getheaders() if k.lower() == "set-cookie"]
    token = re.search(r'name="csrf" value="([^"]+)"', body)
    assert token, body[:500]
    form = urllib.parse.urlencode({"csrf": token.group(1), "account": account, "password": password})
    c.request("POST", "/login", form, {**named, "Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(cookies)})
    r = c.getresponse()
    r.read()
    session = [v.split(";", 1)[0] for k, v in r.getheaders() if k.lower() == "set-cookie" and v.startswith("kaohe_session=")]
    if r.status != 303 or not session:
        raise SystemExit(f"signing in as {account}{' on ' + host if host else ''} failed ({r.status})")
    c.close()
    return session[0]


def load(port: int, path: str, cookie: str, clients: int, requests: int, gzip: bool = False,
         host: str | None = None, timeout: float = 60) -> dict[str, Any]:
    """``requests`` GETs of ``path`` by ``clients`` threads at once, each on its own keep-alive
    connection (sending ``host`` as the Host header when given: a platform's site): latency
    percentiles (ms), requests/s, the bytes of one answer (as sent: with ``gzip`` the clients accept
    it, as a browser does); ``times`` (every request's ms, sorted) and ``wall`` (s) to pool runs."""
    per = max(1, requests // clients)
    times: list[list[float]] = [[] for _ in range(clients)]
    sizes: list[int] = [0]
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        headers = {**({"Host": host} if host else {}), **({"Cookie": cookie} if cookie else {})}
        if gzip:
            headers["Accept-Encoding"] = "gzip"
        barrier.wait()
        for _ in range(per):
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                body = r.read()
            except OSError as exc:
                errors.append(repr(exc))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                continue
            times[i].append(time.perf_counter() - t0)
            if r.status != 200:
                errors.append(f"{r.status} {path}")
            sizes[0] = len(body)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} failed requests of {path}, e.g. {errors[0]}")
    flat = sorted(x * 1000 for ts in times for x in ts)
    if not flat:
        raise SystemExit(f"no answer to {path}")
    return {"path": path, **percentiles(flat), "rps": len(flat) / wall, "bytes": sizes[0], "times": flat, "wall": wall}


def percentiles(flat: list[float]) -> dict[str, Any]:
    """p50, p95, p99 (ms) of sorted latencies (ms) and their number."""

    def pct(q: float) -> float:
        return flat[min(len(flat) - 1, int(q * len(flat)))]

    return {"requests": len(flat), "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=0.01, help="the province's scale (default 0.01; 1 = 2,000 stations)")
    p.add_argument("--demo", action="store_true", help="the demo bureau instead of the province (quick)")
    p.add_argument("--config", type=Path, help="an existing bureau instead (two bench accounts are added to it)")
    p.add_argument("--unit", help="with --config: the unit whose page is asked for")
    p.add_argument("--period", help="with --config: a published period")
    p.add_argument("--seed", type=int, default=2015)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--requests", type=int, default=2000, help="requests a page (default 2000)")
    p.add_argument("--workers", type=int, default=1, help="kaohe serve --workers (default 1)")
    p.add_argument("--out", type=Path, default=HERE / "out")
    p.add_argument("--data", type=Path, help="a province already prepared by this script (its ready.json), used in place: "
                   "nothing regenerated; the server's log goes to --out")
    p.add_argument("--json", type=Path, help="also write the figures here")
    p.add_argument("--gzip", action="store_true", help="the clients accept gzip, as a browser does")
    p.add_argument("--whole", action="store_true", help="also the office's whole ranking on one page (?all=1)")
    p.add_argument("--host", help="the Host header every client sends (the site's name, e.g. behind a proxy); default none")
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    echo = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    log = None
    if a.data:
        ready = a.data / "ready.json"
        if not ready.exists():
            p.error(f"--data {a.data}: no ready.json (not a province prepared by bench/serve.py)")
        cfg, unit, period = (a.data / "kaohe.toml").resolve(), json.loads(ready.read_text(encoding="utf-8"))["unit"], MONTH
        log = a.out / f"serve-{a.data.name}.log"
        _accounts(cfg, unit, log)
    elif a.config:
        if not (a.unit and a.period):
            p.error("--config needs --unit and --period")
        cfg, unit, period = a.config.resolve(), a.unit, a.period
        _accounts(cfg, unit, cfg.parent / "serve.log")
    else:
        cfg, unit, period = prepare_demo(a.out, echo) if a.demo else prepare_province(a.scale, a.seed, a.out, echo)
    port = _free_port()
    log = log or cfg.parent / "serve.log"
    server = start_server(cfg, port, a.workers, log)
    try:
        station, office = sign_in(port, STATION, a.host), sign_in(port, OFFICE, a.host)
        targets = [
            ("static file /static/site.css (baseline)", "/static/site.css", ""),
            (f"unit page, station signed in ({unit} {period})", f"/unit/{period}/{unit}", station),
            (f"ranking page, station signed in ({period})", f"/ranking/{period}", station),
            (f"unit page, office signed in ({unit} {period})", f"/unit/{period}/{unit}", office),
            (f"ranking page, office signed in ({period})", f"/ranking/{period}", office),
        ]
        if a.whole:
            targets.append((f"whole ranking, office signed in ({period})", f"/ranking/{period}?all=1", office))
        for _, path, cookie in targets:  # warm: templates compiled, the database's pages cached
            load(port, path, cookie, min(a.clients, 5), min(a.clients, 5) * 4, a.gzip, a.host)
        figures = []
        for label, path, cookie in targets:
            echo(f"  {label} …")
            f = load(port, path, cookie, a.clients, a.requests, a.gzip, a.host)
            figures.append({"label": label, **{k: v for k, v in f.items() if k not in ("times", "wall")}})
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    n = sum(1 for _ in (cfg.parent / "units.csv").open(encoding="utf-8-sig")) - 1
    what = str(cfg) if a.config or a.data else "the demo bureau" if a.demo else f"the province at {a.scale:g}"
    print(f"kaohe serve over {what} ({n:,} units), {a.clients} concurrent clients, {a.requests} requests a page, "
          f"{a.workers} worker(s), {os.cpu_count()} CPUs{', gzip accepted' if a.gzip else ''}")
    print()
    print("| page | p50 ms | p95 ms | p99 ms | requests/s | bytes | p95 ÷ static |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    base = figures[0]["p95"]
    for f in figures:
        print(f"| {f['label']} | {f['p50']:.1f} | {f['p95']:.1f} | {f['p99']:.1f} | {f['rps']:,.0f} | {f['bytes']:,} | {f['p95'] / base:.1f}× |")
    worst = max(f["p95"] for f in figures[1:])
    print()
    print(f"slowest page p95: {worst:.1f} ms (goal < 200 ms at full scale)")
    if a.json:
        a.json.write_text(json.dumps({"scale": None if a.demo else a.scale, "clients": a.clients, "figures": figures}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
