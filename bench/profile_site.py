"""Where a page of the site spends its time (issue 16, point 5): the ASGI application of a bureau
driven in this process, one request after another (no server, no network), the handlers run in the
calling thread so that cProfile sees them; prints each page's mean CPU time a request (this
process's, which other processes on a shared machine disturb far less than the time on the clock)
and its wall-clock time, and with ``--profile``, the functions costing most.

Usage::

    python bench/profile_site.py --data /work/main/bench/out/serve-1 [--requests 200] [--profile 25]

The bureau is one prepared by bench/serve.py (its ready.json names a station; the accounts are
bench/serve.py's, made if missing). The pages: a static file, the station's unit page and ranking,
the office's unit page and ranking (the first page, and the whole ranking on one page: ``?all=1``),
each asked for with and without ``Accept-Encoding: gzip``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import re
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True, help="a bureau prepared by bench/serve.py")
    p.add_argument("--requests", type=int, default=200, help="requests a page (default 200)")
    p.add_argument("--profile", type=int, default=0, help="print the N functions costing most, per page")
    p.add_argument("--only", help="only the pages whose label holds this")
    a = p.parse_args(argv)

    import kaohe.web.base as base
    from serve import MONTH, OFFICE, PASSWORD, STATION, _accounts

    async def inline(func: Any, *args: Any) -> Any:  # the handler in this thread: cProfile sees it
        return func(*args)

    base.run_in_threadpool = inline  # type: ignore[assignment]
    from kaohe.web.app import create_app

    cfg = (a.data / "kaohe.toml").resolve()
    unit = json.loads((a.data / "ready.json").read_text(encoding="utf-8"))["unit"]
    _accounts(cfg, unit, Path("/dev/null"))
    app = create_app(cfg)

    async def call(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        target, _, query = path.partition("?")
        scope = {
            "type": "http", "http_version": "1.1", "method": method, "scheme": "http", "path": target, "raw_path": target.encode(),
            "query_string": query.encode(), "root_path": "", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000),
            "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "127.0.0.1:8000", **headers}.items()],
        }
        sent = False
        out: dict[str, Any] = {"body": b""}

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
                out["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                out["body"] += message.get("body", b"")

        await app(scope, receive, send)
        return out["status"], out["headers"], out["body"]

    async def sign_in(account: str) -> str:
        status, headers, body = await call("GET", "/login", {})
        cookie = headers["set-cookie"].split(";", 1)[0]
        token = re.search(rb'name="csrf" value="([^"]+)"', body)
        assert token
        form = urllib.parse.urlencode({"csrf": token.group(1).decode(), "account": account, "password": PASSWORD}).encode()
        status, headers, _ = await call("POST", "/login", {"cookie": cookie, "content-type": "application/x-www-form-urlencoded"}, form)
        assert status == 303, status
        return headers["set-cookie"].split(";", 1)[0]

    async def run() -> None:
        echo = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
        echo("signing in (the first write of a connection checks the store: seconds at full scale) …")
        station, office = await sign_in(STATION), await sign_in(OFFICE)
        pages = [
            ("static file", "/static/site.css", ""),
            ("unit page, station", f"/unit/{MONTH}/{unit}", station),
            ("ranking page, station", f"/ranking/{MONTH}", station),
            ("unit page, office", f"/unit/{MONTH}/{unit}", office),
            ("ranking page, office", f"/ranking/{MONTH}", office),
            ("whole ranking, office", f"/ranking/{MONTH}?all=1", office),
        ]
        print(f"{a.data}: {a.requests} requests a page, one after another, in this process")
        print()
        print("| page | gzip | CPU ms a request | wall ms a request | bytes sent |")
        print("| --- | --- | ---: | ---: | ---: |")
        for label, path, cookie in pages:
            if a.only and a.only not in label:
                continue
            for gz in (False, True):
                headers = {"cookie": cookie} if cookie else {}
                if gz:
                    headers["accept-encoding"] = "gzip"
                status, _, body = await call("GET", path, headers)  # warm: what the site keeps made
                assert status == 200, (path, status, body[:300])
                prof = cProfile.Profile() if a.profile else None
                started, cpu = time.perf_counter(), time.process_time()
                if prof:
                    prof.enable()
                for _ in range(a.requests):
                    await call("GET", path, headers)
                if prof:
                    prof.disable()
                ms = (time.perf_counter() - started) * 1000 / a.requests
                cpu_ms = (time.process_time() - cpu) * 1000 / a.requests
                print(f"| {label} | {'yes' if gz else 'no'} | {cpu_ms:.2f} | {ms:.2f} | {len(body):,} |", flush=True)
                if prof:
                    text = io.StringIO()
                    pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(a.profile)
                    print(text.getvalue(), file=sys.stderr)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
