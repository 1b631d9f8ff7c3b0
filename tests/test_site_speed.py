"""What makes the site cheaper to serve at a province's scale (issue 16, point 5), seen from outside:
pages compressed for a browser that accepts it over plain HTTP, never over HTTPS (BREACH: a page
holds the CSRF token beside text the request chose), workbooks never (already zipped), and nothing
with ``[site] gzip = false``; the session cookie signed again only when it changes or is a minute old
(the idle timeout still ends a session); the values pages keep, the last used first to stay."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import time
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from kaohe.store.store import Store
from kaohe.web.app import create_app
from kaohe.web.base import secret_key
from site_support import Client, make_site, running, signed_in

import report_bureau


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    bureau, db = make_site(tmp_path_factory.mktemp("speed"))
    with running(bureau) as base:
        yield base, bureau, db


def _raw(base: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """A GET as a browser sends it (urllib would not ask for gzip), its body as sent."""
    u = urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def _cookie(client: Client) -> str:
    return f"kaohe_session={client.cookie()}"


def test_pages_are_compressed_over_plain_http_for_a_browser_that_accepts_it(site):
    base, _, _ = site
    office = signed_in(base, "office")
    cookie = _cookie(office)
    status, headers, plain = _raw(base, "/ranking/2015-02", {"Cookie": cookie})
    assert status == 200 and "content-encoding" not in headers and "测试市公安局" in plain.decode()
    status, headers, packed = _raw(base, "/ranking/2015-02", {"Cookie": cookie, "Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip" and "accept-encoding" in headers["vary"].lower()
    text = gzip.decompress(packed).decode()
    assert "2015年2月考核排名" in text and len(packed) < len(text.encode()) / 2
    assert headers["content-security-policy"].startswith("default-src 'none'")  # the security headers still there
    # a workbook is a zip archive already: sent as it is
    status, headers, book = _raw(base, "/ranking/2015-02.xlsx", {"Cookie": cookie, "Accept-Encoding": "gzip"})
    assert status == 200 and "content-encoding" not in headers and book[:2] == b"PK"


def _asgi_get(app: Any, path: str, scheme: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """A GET of ``path`` handed to the application as the server would over ``scheme``."""
    out: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}

    scope = {
        "type": "http", "http_version": "1.1", "method": "GET", "scheme": scheme, "path": path, "raw_path": path.encode(),
        "query_string": b"", "root_path": "", "server": ("kaohe.example", 443), "client": ("127.0.0.1", 5000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "kaohe.example", **headers}.items()],
    }
    asyncio.run(app(scope, receive, send))
    return out["status"], out["headers"]


def test_never_over_https_nor_when_switched_off(tmp_path):
    bureau, _ = make_site(tmp_path)
    reg = report_bureau.registry()
    app = create_app("test.toml", bureau, reg)
    # the login page: it holds the CSRF token, so over HTTPS (the bureau's proxy) never compressed
    status, headers = _asgi_get(app, "/login", "https", {"accept-encoding": "gzip"})
    assert status == 200 and "content-encoding" not in headers and "strict-transport-security" in headers
    status, headers = _asgi_get(app, "/login", "http", {"accept-encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    off = attrs.evolve(bureau, office=attrs.evolve(bureau.office, site=attrs.evolve(bureau.site, gzip=False)))
    status, headers = _asgi_get(create_app("test.toml", off, reg), "/login", "http", {"accept-encoding": "gzip"})
    assert status == 200 and "content-encoding" not in headers


def test_the_session_cookie_is_signed_again_when_it_changes_or_is_a_minute_old(site):
    base, bureau, _ = site
    rulin = signed_in(base, "rulin")  # signed in: a new cookie
    status, headers, _ = _raw(base, "/periods", {"Cookie": _cookie(rulin)})
    assert status == 200 and "set-cookie" not in headers  # the same session, signed just now: kept as it is

    key = secret_key(bureau.database)
    data = URLSafeTimedSerializer(key, salt="kaohe-session").loads(rulin.cookie())

    def signed(seconds_ago: int) -> str:
        class Earlier(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(time.time()) - seconds_ago

        return "kaohe_session=" + URLSafeTimedSerializer(key, salt="kaohe-session", signer=Earlier).dumps(data)

    status, headers, _ = _raw(base, "/periods", {"Cookie": signed(30)})
    assert status == 200 and "set-cookie" not in headers
    status, headers, _ = _raw(base, "/periods", {"Cookie": signed(61)})  # a minute old: signed again, counting from now
    assert status == 200 and headers["set-cookie"].startswith("kaohe_session=") and f"Max-Age={bureau.site.idle_minutes * 60}" in headers["set-cookie"]
    renewed = headers["set-cookie"].split(";", 1)[0]
    assert _raw(base, "/periods.json", {"Cookie": renewed, "Accept": "application/json"})[0] == 200
    # unused for longer than [site] idle_minutes: over, as before
    status, _, _ = _raw(base, "/periods.json", {"Cookie": signed(bureau.site.idle_minutes * 60 + 5), "Accept": "application/json"})
    assert status == 401
    # signing out changes the session: a new cookie at once, and the old one no longer signs in
    old = _cookie(rulin)
    status, headers, _ = rulin.request("/logout", {"csrf": rulin.csrf("/periods")})
    assert status == 303 and "set-cookie" in headers
    assert _raw(base, "/periods.json", {"Cookie": old, "Accept": "application/json"})[0] == 401


def test_the_values_kept_are_the_last_used(site, monkeypatch):
    import kaohe.web.base as web

    _, _, db = site
    monkeypatch.setattr(web, "MEMO_SIZE", 3)
    made: list[str] = []

    def make(name: str):
        def inner() -> str:
            made.append(name)
            return name
        return inner

    with Store(db) as store:
        for name in ("a", "b", "c"):
            web.memo(store, ("test-lru", name), make(name))
        web.memo(store, ("test-lru", "a"), make("a"))  # used again: now the last to go
        web.memo(store, ("test-lru", "d"), make("d"))  # one too many: "b", the least recently used, goes
        assert web.memo(store, ("test-lru", "a"), make("a")) == "a" and web.memo(store, ("test-lru", "c"), make("c")) == "c"
        web.memo(store, ("test-lru", "b"), make("b"))
    assert made == ["a", "b", "c", "d", "b"]
