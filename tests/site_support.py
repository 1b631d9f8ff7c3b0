"""A small bureau's site for the web tests: report_bureau's bureau (its four months scored), 2015-02
published, one account per role, served by uvicorn on 127.0.0.1 (a free port) in a thread that
stops when the test module ends."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import report_bureau
import uvicorn
from kaohe.core.periods import Period
from kaohe.office.accounts import add_users
from kaohe.office.publication import publish
from kaohe.store.store import Store
from kaohe.web.app import create_app

PASSWORD = "Kaohe-Test-2015"
ACCOUNTS = [
    ("office", "考办甲", "考核办", ""),
    ("dept", "测试大队乙", "部门", "测试大队"),
    ("rulin", "儒林所丙", "单位", "rulin"),
    ("xuebu", "薛埠所丁", "单位", "xuebu"),
    ("leader", "领导戊", "领导", ""),
]


def make_site(tmp: Path, database: str = "kaohe.sqlite") -> tuple[Any, Any]:
    bureau, _, db = make_site_with_registry(tmp, database)
    return bureau, db


def make_site_with_registry(tmp: Path, database: str = "kaohe.sqlite") -> tuple[Any, Any, Any]:
    """:func:`make_site`, with the registry (a page showing the data status reads it). ``database``:
    a PostgreSQL URL (tests/pg_support.py), else SQLite's file."""
    bureau, reg, db = report_bureau.make(tmp, database)
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-02"), published_on=dt.date(2015, 2, 25), actor="test", write=False)
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in ACCOUNTS], "test")
    return bureau, reg, db


def _registry(bureau: Any) -> Any:
    """report_bureau's registry for its bureau (the data status reads which department owns a kind),
    else None: the installed plugins (the demo's bureau)."""
    reg = report_bureau.registry()
    return reg if all(reg.owner_of_kind(k) for i in bureau.items for k in i.reads) else None


@contextmanager
def running(bureau: Any, registry: Any = None) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app("test.toml", bureau, registry if registry is not None else _registry(bureau))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


class Client:
    """A browser's requests without a browser: a cookie jar, no redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read().decode("utf-8")

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
        return self.request(path, headers=headers)

    def json(self, path: str) -> tuple[int, Any]:
        status, _, body = self.request(path, headers={"Accept": "application/json"})
        return status, json.loads(body)

    def csrf(self, path: str = "/login") -> str:
        _, _, body = self.get(path)
        m = re.search(r'name="csrf" value="([^"]+)"', body)
        assert m, body
        return m.group(1)

    def login(self, account: str, password: str = PASSWORD) -> int:
        status, _, _ = self.request("/login", {"csrf": self.csrf(), "account": account, "password": password})
        return status

    def cookie(self) -> str | None:
        return next((c.value for c in self.jar if c.name == "kaohe_session"), None)


def signed_in(base: str, account: str) -> Client:
    """A client signed in as ``account`` (with the test password)."""
    c = Client(base)
    assert c.login(account) == 303
    return c
