"""A platform of two small bureaus for the platform's tests (issue 22): 甲 (key ``alpha``, the
accounts of site_support) and 乙 (key ``beta``, report_bureau's bureau again in its own folder and
database, with its own accounts ``b-…`` and another password), each with 2015-02 published and
2015-01, 2015-03, 2015-04 scored but not published; a province account ``sheng`` in the platform's
own database. Served by uvicorn on 127.0.0.1; a request names its site by its ``Host`` header."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import report_bureau
import uvicorn
from kaohe.core.periods import Period
from kaohe.office.accounts import add_platform_users, add_users
from kaohe.office.platform import Platform, PlatformBureau
from kaohe.office.publication import publish
from kaohe.scheme.bureau import SiteSettings
from kaohe.store.store import Store
from kaohe.web.platform import create_platform_app
from site_support import ACCOUNTS, PASSWORD, Client, make_site_with_registry

DOMAIN = "kaohe.test"
B_PASSWORD = "Beta-Bureau-2015!"
B_ACCOUNTS = [(f"b-{a}", n, r, w) for a, n, r, w in ACCOUNTS]
P_PASSWORD = "Province-Test-2015"


def make_platform(tmp: Path, databases: dict[str, str] | None = None) -> tuple[Platform, dict[str, tuple[Any, Any]], dict[str, Any]]:
    """The platform; ``databases``: PostgreSQL URLs of the bureaus' (``alpha``, ``beta``) and the
    platform's own (``platform``) databases, SQLite files in ``tmp`` without."""
    urls = databases or {}
    (tmp / "a").mkdir()
    (tmp / "b").mkdir()
    bureau_a, reg, db_a = make_site_with_registry(tmp / "a", urls.get("alpha", "kaohe.sqlite"))
    bureau_b, reg_b, db_b = report_bureau.make(tmp / "b", urls.get("beta", "kaohe.sqlite"))
    with Store(db_b) as store:
        publish(store, bureau_b, reg_b, Period.parse("2015-02"), published_on=dt.date(2015, 2, 26), actor="test", write=False)
        add_users(store, bureau_b, [(a, n, r, w, B_PASSWORD) for a, n, r, w in B_ACCOUNTS], "test")
    platform = Platform(
        "测试省公安厅绩效考核平台", DOMAIN, urls.get("platform", str(tmp / "platform.sqlite")),
        (PlatformBureau("alpha", "甲市公安局", tmp / "a" / "test.toml"), PlatformBureau("beta", "乙市公安局", tmp / "b" / "test.toml")),
        source=str(tmp / "platform.toml"),
    )
    with Store(platform.database) as store:
        add_platform_users(store, SiteSettings(), [("sheng", "省厅庚", "省厅", "", P_PASSWORD)], "test")
    return platform, {"alpha": (bureau_a, reg), "beta": (bureau_b, reg_b)}, {"alpha": db_a, "beta": db_b}


@contextmanager
def serving(platform: Platform, bureaus: dict[str, tuple[Any, Any]]) -> Iterator[int]:
    """The platform's site on 127.0.0.1: its port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_platform_app(platform, bureaus)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


class HostClient(Client):
    """A client that sends its requests to 127.0.0.1 under ``host``'s name; its cookie jar is keyed
    by 127.0.0.1, so it would offer one site's cookie to every other (the tests of isolation count on
    the site refusing it, not on the browser withholding it)."""

    def __init__(self, port: int, host: str) -> None:
        super().__init__(f"http://127.0.0.1:{port}")
        self.host = host
        self.port = port

    def on(self, host: str) -> HostClient:
        """The same cookie jar, sent to another host name."""
        other = HostClient(self.port, host)
        other.jar, other.opener = self.jar, self.opener
        return other

    def request(self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        return super().request(path, data, {"Host": f"{self.host}:{self.port}", **(headers or {})})


def signed(port: int, host: str, account: str, password: str = PASSWORD) -> HostClient:
    c = HostClient(port, host)
    assert c.login(account, password) == 303
    return c
