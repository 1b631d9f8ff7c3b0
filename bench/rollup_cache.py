"""The province's roll-up kept per change of the bureaus' editions (issue 22; branch G22c): CPU per
request of ``/rollup/<month>`` on the platform's site, in this process (``time.process_time``; the
requests are ASGI calls made in the process, no HTTP), beside a static file's (the baseline) in the
same run:

* kept: the bureaus' editions unchanged since the last request (each request reads each bureau's
  editions' marker only);
* made afresh: what every request would cost without the keeping (the roll-up read from every
  bureau's editions each time: the site's kept roll-up and summaries dropped before each request);
* after a publication: the first request after one bureau published a new edition (that bureau's
  summary made again, the others' kept: its kept summary dropped before each request, as its new
  edition's marker would).

    python bench/rollup_cache.py [--bureaus 20] [--stations 100] [--requests 300]

The platform is bench/platform_bench.py's (made once under ``--out``, reused).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


async def call(app: Any, method: str, host: str, path: str, cookie: str = "", body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request to the ASGI ``app``: (status, headers, body)."""
    headers = [(b"host", host.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if body:
        headers += [(b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", str(len(body)).encode())]
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": urllib.parse.unquote(raw_path), "raw_path": raw_path.encode(), "query_string": query.encode(),
        "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80), "root_path": "",
    }
    sent: list[dict[str, Any]] = []
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    out = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], out, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def sign_in(app: Any, host: str, account: str, password: str) -> str:
    _, headers, page = await call(app, "GET", host, "/login")
    first = headers["set-cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf" value="([^"]+)"', page)
    assert token, page[:300]
    form = urllib.parse.urlencode({"csrf": token.group(1).decode(), "account": account, "password": password}).encode()
    status, headers, _ = await call(app, "POST", host, "/login", first, form)
    assert status == 303, status
    return headers["set-cookie"].split(";", 1)[0]


async def per_request(app: Any, host: str, path: str, cookie: str, n: int, before: Any = None) -> float:
    """Mean CPU milliseconds of ``n`` GETs of ``path`` (``before()`` run before each, its time counted out)."""
    spent = 0.0
    for _ in range(n):
        if before is not None:
            before()
        t0 = time.process_time()
        status, _, _ = await call(app, "GET", host, path, cookie)
        spent += time.process_time() - t0
        assert status == 200, (path, status)
    return spent / n * 1000


def main() -> None:
    asyncio.run(measure())


async def measure() -> None:
    """Every request within one task, as a server's: its worker threads (and the stores they keep) live on."""
    import platform_bench as pb
    from kaohe.office.platform import load_platform
    from kaohe.web.platform import create_platform_app

    ap = argparse.ArgumentParser()
    ap.add_argument("--bureaus", type=int, default=20)
    ap.add_argument("--stations", type=int, default=100)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    platform_file, _ = pb.prepare(a.bureaus, a.stations, 0.25, 2015, a.out, print)
    platform = load_platform(platform_file)
    app = create_platform_app(platform)
    province = app.apps[platform.domain].state.site
    host, b01 = platform.domain, platform.bureaus[0].host(platform.domain)
    cookie = await sign_in(app, host, pb.PROVINCE, pb.PASSWORD)
    station = await sign_in(app, b01, pb.STATION, pb.PASSWORD)
    path = f"/rollup/{pb.MONTH}"
    for _ in range(3):  # warm: templates, every bureau's store opened once
        await call(app, "GET", host, path, cookie)
        await call(app, "GET", b01, "/static/site.css", station)

    def forget() -> None:
        province._rollup = None
        province._summaries.clear()

    n = a.requests
    static = await per_request(app, b01, "/static/site.css", station, n)
    kept = await per_request(app, host, path, cookie, n)
    fresh = await per_request(app, host, path, cookie, max(20, n // 10), forget)
    # one bureau's new edition: its marker moves, the next request makes its summary again (the
    # others' kept) — here the bureau's kept summary dropped, as a new edition makes it stale
    last = platform.bureaus[-1].key

    def one_bureau() -> None:
        province._rollup = None
        province._summaries.pop(last, None)

    after = [await per_request(app, host, path, cookie, max(20, n // 10), one_bureau)]
    _, _, body = await call(app, "GET", host, f"{path}.json", cookie)
    assert b'"edition":' in body
    print(f"{a.bureaus} bureaus × {a.stations} stations; load average {os.getloadavg()[0]:.1f}")
    print("| request | CPU ms a request | ÷ static file |")
    print("| --- | ---: | ---: |")
    for name, ms in (
        ("static file (baseline)", static), ("roll-up, kept (editions unchanged)", kept),
        ("roll-up made afresh (no keeping)", fresh), ("roll-up, first request after a bureau published", sum(after) / len(after)),
    ):
        print(f"| {name} | {ms:.2f} | {ms / static:.1f}× |")


if __name__ == "__main__":
    main()
