"""A simulated province platform (issue 22, point 5): ``kaohe serve --platform`` over 20 bureaus of
100 stations each (small data per bureau), on this machine, with every bureau's month scored while
pages are served. Prints p50/p95/p99 and requests/s of a static file (the baseline, the same server
in the same run), a station's ranking page in one bureau and the province's roll-up (which reads
every bureau's latest editions), first with nothing else running, then while a writer scores each
bureau's month in turn; and the time each bureau's month takes to score meanwhile.

Usage::

    python bench/platform_bench.py [--bureaus 20] [--stations 100] [--thin 0.25] [--clients 20] [--requests 1000] [--workers 1]

The bureaus: bench/generate.py's province at 100 stations (``--stations``), its records thinned
(``--thin``), of which only 2015-06's files are ingested into one bureau, published (missing data
allowed: a bench), and copied into each bureau's folder with its own configuration and name
(bench/out/platform-<bureaus>x<stations>/, reused). The province's account and one station's account
per bureau are added. Each client is a thread with its own keep-alive connection and the session
cookie of its account, sending the ``Host`` header of the site it asks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import serve  # noqa: E402  (bench/serve.py: the clients, signing in)

MONTH = "2015-06"
DOMAIN = "kaohe.bench"
PASSWORD = "Bench-Platform-2015"
STATION = "bench-station"
PROVINCE = "bench-province"


def prepare(bureaus: int, stations: int, thin: float, seed: int, out: Path, echo: Any) -> tuple[Path, str]:
    """(the platform's file, a station's id) — made once and reused."""
    from generate import UNITS_FULL, generate
    from kaohe.core.periods import Period
    from kaohe.office.accounts import UNIT, add_platform_users, add_users
    from kaohe.office.ingest import ingest
    from kaohe.office.platform import load_platform
    from kaohe.office.publication import publish
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.bureau import SiteSettings
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    directory = out / f"platform-{bureaus}x{stations}"
    ready = directory / "ready.json"
    if ready.exists() and json.loads(ready.read_text(encoding="utf-8")).get("key") == [bureaus, stations, thin, seed]:
        return directory / "platform.toml", json.loads(ready.read_text(encoding="utf-8"))["unit"]
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    template = directory / "template"
    echo(f"generating one bureau of {stations} stations …")
    manifest = generate(template, stations / UNITS_FULL, seed, xlsx=False, echo=lambda s: None, thin=thin)
    registry = load_registry()
    bureau = load_bureau(template / "kaohe.toml", registry)
    files = [template / f["path"] for f in manifest["files"] if f["month"] == MONTH]
    echo(f"  ingesting {MONTH}: {sum(f['rows'] for f in manifest['files'] if f['month'] == MONTH):,} rows in {len(files)} files; publishing …")
    with Store(bureau.database) as store:
        for f in files:
            ingest(store, bureau, registry, f, actor="bench")
        publish(store, bureau, registry, Period.parse(MONTH), published_on=dt.date(2015, 7, 1), actor="bench", write=False,
                allow_missing="基准测试:只导入了 6 月的数据")
    unit = str(bureau.units[0].id)
    text = (template / "kaohe.toml").read_text(encoding="utf-8")
    rows = []
    for n in range(1, bureaus + 1):
        key = f"b{n:02d}"
        folder = directory / key
        folder.mkdir()
        shutil.copy(template / "units.csv", folder / "units.csv")
        shutil.copy(bureau.database, folder / "kaohe.sqlite")
        (folder / "kaohe.toml").write_text(re.sub(r'(?m)^name = "[^"]*"', f'name = "基准第{n}市公安局"', text, count=1), encoding="utf-8")
        rows.append(f'[[bureaus]]\nkey = "{key}"\nname = "基准第{n}市公安局"\nconfig = "{key}/kaohe.toml"\n')
    (directory / "platform.toml").write_text(
        f'[platform]\nname = "基准省公安厅绩效考核平台"\ndomain = "{DOMAIN}"\ndatabase = "platform.sqlite"\n\n' + "\n".join(rows),
        encoding="utf-8",
    )
    platform = load_platform(directory / "platform.toml")
    for b in platform.bureaus:
        one = load_bureau(b.config, registry)
        with Store(one.database) as store:
            add_users(store, one, [(STATION, "基准所", UNIT, unit, PASSWORD)], "bench")
    with Store(platform.database) as store:
        add_platform_users(store, SiteSettings(), [(PROVINCE, "基准省厅", "省厅", "", PASSWORD)], "bench")
    ready.write_text(json.dumps({"key": [bureaus, stations, thin, seed], "unit": unit}), encoding="utf-8")
    echo(f"  ready in {time.perf_counter() - started:.0f} s")
    return directory / "platform.toml", unit


def _kaohe() -> list[str]:
    exe = shutil.which("kaohe", path=str(Path(sys.executable).parent)) or shutil.which("kaohe")
    return [exe] if exe else [sys.executable, "-c", "from kaohe.cli.main import main; main()"]


def start(platform_file: Path, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    p = subprocess.Popen(
        [*_kaohe(), "serve", "--platform", str(platform_file), "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        stdout=out, stderr=out, cwd=platform_file.parent,
    )
    for _ in range(900):
        if p.poll() is not None:
            raise SystemExit(f"kaohe serve ended ({p.returncode}); see {log}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/login", headers={"Host": DOMAIN})
            if c.getresponse().status == 200:
                c.close()
                return p
        except OSError:
            time.sleep(0.1)
    p.terminate()
    raise SystemExit("kaohe serve did not answer in 90 s")


def sign_in(port: int, host: str, account: str) -> str:
    return serve.sign_in(port, account, host, PASSWORD)


def load(port: int, host: str, path: str, cookie: str, clients: int, requests: int) -> dict[str, Any]:
    """``requests`` GETs of ``path`` on ``host`` by ``clients`` threads at once (bench/serve.py's
    clients): percentiles (ms), req/s, every request's ms."""
    return serve.load(port, path, cookie, clients, requests, host=host, timeout=120)


def pooled(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The percentiles of several runs' requests together, and their requests per second."""
    flat = sorted(x for r in runs for x in r["times"])
    return {**serve.percentiles(flat), "rps": len(flat) / sum(r["wall"] for r in runs)}


SCORER = r"""
import sys, time, json
from kaohe.core.periods import Period
from kaohe.office.jobs import score_period
from kaohe.office.platform import load_platform
from kaohe.plugins.discovery import load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store
registry = load_registry()
out = []
for b in load_platform(sys.argv[1]).bureaus:
    bureau = load_bureau(b.config, registry)
    t0 = time.perf_counter()
    with Store(bureau.database) as store:
        score_period(store, bureau, registry, Period.parse(sys.argv[2]))
    out.append(round(time.perf_counter() - t0, 2))
print(json.dumps(out))
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bureaus", type=int, default=20)
    p.add_argument("--stations", type=int, default=100)
    p.add_argument("--thin", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=2015)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--out", type=Path, default=HERE / "out")
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    platform_file, unit = prepare(a.bureaus, a.stations, a.thin, a.seed, a.out, print)
    log = platform_file.parent / "serve.log"
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = start(platform_file, port, a.workers, log)
    try:
        b01 = f"b01.{DOMAIN}"
        station = sign_in(port, b01, STATION)
        province = sign_in(port, DOMAIN, PROVINCE)
        pages = [
            ("static file (baseline)", b01, "/static/site.css", ""),
            ("ranking page, a station of b01", b01, f"/ranking/{MONTH}", station),
            ("province roll-up (all bureaus)", DOMAIN, f"/rollup/{MONTH}", province),
        ]
        for _, host, path, cookie in pages:  # warm: each worker's first request reads every store once
            load(port, host, path, cookie, 2, 4)
        rows = []
        for name, host, path, cookie in pages:
            rows.append(("idle", name, load(port, host, path, cookie, a.clients, a.requests)))
        scorer = subprocess.Popen([sys.executable, "-c", SCORER, str(platform_file), MONTH], stdout=subprocess.PIPE, text=True,
                                  cwd=platform_file.parent)
        t0 = time.perf_counter()
        during: dict[str, list[dict[str, Any]]] = {name: [] for name, *_ in pages}
        rounds = 0
        while scorer.poll() is None:
            for name, host, path, cookie in pages:
                during[name].append(load(port, host, path, cookie, a.clients, max(a.clients, a.requests // 5)))
            rounds += 1
        scored = json.loads(scorer.communicate()[0])
        wall = time.perf_counter() - t0
        for name, *_ in pages:
            runs = during[name]
            if runs:
                rows.append(("scoring", name, pooled(runs)))
    finally:
        server.terminate()
        server.wait(30)
    base = {phase: r["p95"] for phase, name, r in rows if name.startswith("static")}
    print(f"\n{a.bureaus} bureaus × {a.stations} stations, {a.workers} worker(s), {a.clients} clients")
    print("| phase | page | requests | p50 ms | p95 ms | p99 ms | req/s | p95 ÷ static |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for phase, name, r in rows:
        print(f"| {phase} | {name} | {r['requests']:,} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['rps']:.0f} | {r['p95'] / base[phase]:.1f}× |")
    print(f"\neach bureau's {MONTH} scored while pages were served: {len(scored)} bureaus in {wall:.1f} s "
          f"(median {sorted(scored)[len(scored) // 2]} s, slowest {max(scored)} s a bureau; {rounds} rounds of requests meanwhile)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
