"""The cost of "what awaits me" on every page (issue 17, point 6): the header's count is computed on
each page a signed-in account opens (kaohe.office.inbox.awaiting). For each role of the demo bureau,
the median time of ``GET /periods`` through the real site (uvicorn on 127.0.0.1, one keep-alive
client) with the count, beside the same request with the count switched off (the baseline), the
two interleaved in the same run; and ``awaiting`` alone, in process.

Usage::

    python bench/inbox.py [--requests 60] [--dir DIR]   # DIR: a `kaohe demo` folder (default: made in a temp dir)

On a demo made today, the demo's year edition is published today: a station has its appeal window
open; the office has the months stored but not published (ready to publish); the department nothing
(its period due, 2026's, has no data)."""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import uvicorn

from kaohe.core.periods import Period
from kaohe.office.accounts import actor_of, add_users
from kaohe.office.inbox import awaiting
from kaohe.plugins.discovery import load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store
from kaohe.web import base
from kaohe.web.app import create_app

PASSWORD = "Bench-Inbox-2015"
ROLES = [("b-office", "考核办", ""), ("b-dept", "部门", "治安大队"), ("b-unit", "单位", "jincheng"), ("b-leader", "领导", "")]


class Client:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        text = r.read().decode()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("kaohe_session="):
                self.cookie = v.split(";", 1)[0]
        return r.status, text

    def sign_in(self, account: str) -> None:
        _, page = self.request("GET", "/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        status, _ = self.request("POST", "/login", {"csrf": csrf.group(1), "account": account, "password": PASSWORD})
        assert status == 303, status


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--dir", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kaohe-bench-inbox-"))
    try:
        folder = tmp / "demo"
        if args.dir:
            shutil.copytree(args.dir, folder)
        else:
            subprocess.run([shutil.which("kaohe") or "kaohe", "demo", str(folder)], check=True, capture_output=True)
        config = folder / "kaohe.toml"
        reg = load_registry()
        bureau = load_bureau(config, reg)
        with Store(bureau.database) as store:
            add_users(store, bureau, [(a, a, r, w, PASSWORD) for a, r, w in ROLES], "bench")
            # today, and the day after the last stored month ended (its data due: the cycle running)
            last = max((p for p in store.stored_periods() if len(p) == 7), default="2015-12")
            running_day = bureau.calendar.end(Period.parse(last)) + dt.timedelta(days=1)
            for day in (dt.date.today(), running_day):
                print(f"demo: awaiting() alone on {day}, in process, median of {args.requests}:")
                for account, role, _ in ROLES:
                    actor = actor_of(store.user(account) or {})
                    times = []
                    for _ in range(args.requests):
                        t = time.perf_counter()
                        items = awaiting(store, bureau, reg, actor, day)
                        times.append(time.perf_counter() - t)
                    print(f"  {role:4} {len(items)} items  {statistics.median(times) * 1000:7.2f} ms")

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(config, bureau, reg), host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        counted = base.Site.awaiting
        print(f"GET /periods today, median of {args.requests} each (interleaved): with the count | baseline without | difference")
        for account, role, _ in ROLES:
            c = Client(port)
            c.sign_in(account)
            with_count, without = [], []
            for n in range(2 * args.requests):
                off = n % 2 == 1
                base.Site.awaiting = (lambda self, request: 0) if off else counted  # type: ignore[method-assign]
                t = time.perf_counter()
                status, _ = c.request("GET", "/periods")
                (without if off else with_count).append(time.perf_counter() - t)
                assert status == 200
            base.Site.awaiting = counted  # type: ignore[method-assign]
            a, b = statistics.median(with_count) * 1000, statistics.median(without) * 1000
            print(f"  {role:4} {a:7.2f} ms | {b:7.2f} ms | {a - b:+7.2f} ms")
        server.should_exit = True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
