"""What every page of the site shares (issue 16): the bureau's ``Site`` (configuration, session
signer, templates), the wrappers every handler runs in (:meth:`Site.route`: the session, the acting
account, the store, the CSRF and ``Origin`` checks, the session cookie renewed; ``login=True``
sends a visitor who is not signed in to the sign-in page), and the small helpers the pages use
(``wants_json``, ``published``, ``changed``, ``parse_period``).

A module of pages defines ``routes(site) -> list[Route]`` with handlers ``(request, store) ->
Response`` and is added to the list in ``app.create_app``.
"""


from __future__ import annotations

import datetime as dt
import os
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

import jinja2
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..core.errors import KaoheError
from ..core.periods import Period
from ..office.accounts import AUDIT_ACTIONS, PROVINCE, Actor, current
from ..office.inbox import awaiting
from ..office.platform import Platform
from ..office.results import published_unchanged
from ..plugins.discovery import load_registry
from ..scheme.bureau import Bureau
from ..scheme.config import load_bureau
from ..store.store import Store

COOKIE = "kaohe_session"
RENEW_SECONDS = 60
"""The session cookie is signed again (its idle time counting from then) when it is this old, or its
content changes (signing in or out): not on each of the many requests a minute a page's reader makes
(signing is the dearest part of a small page's answer). A session therefore ends between
``[site] idle_minutes`` and that less this after its last request."""
STATIC = Path(str(files("kaohe").joinpath("web/static")))
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # not no-referrer: under it a browser sends "Origin: null" with its own forms
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Handler = Callable[[Request, Store], Response]
T = TypeVar("T")
ASGI = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


def secret_key(database: str) -> str:
    """The key the session cookies are signed with: a file beside the database, made once (mode 0600)
    and shared by every worker; deleting it ends every session."""
    path = Path(database + ".site-key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


PASS_SECONDS = 60
"""How long the link by which the province's person enters a bureau's pages is good for."""


class ProvinceLink:
    """A bureau's side of the platform (issue 22): its key, and the province's accounts, who may
    enter its published pages by a link signed with the platform's key (good for
    :data:`PASS_SECONDS`, for this bureau only) and read them as role 省厅."""

    def __init__(self, platform: Platform, key: str) -> None:
        self.platform = platform
        self.key = key
        self.passes = URLSafeTimedSerializer(secret_key(platform.key_file), salt="kaohe-province-pass")
        self._held = threading.local()

    def actor(self, account: str, stamp: int) -> Actor | None:
        """The province's actor of a session, None when the account is gone, disabled or reset (read
        from the platform's accounts, opened read-only once per worker thread)."""
        store: Store | None = getattr(self._held, "store", None)
        if store is None:
            store = self._held.store = Store(self.platform.database, readonly=True)
        actor = current(store, account, stamp)
        return actor if actor is not None and actor.role == PROVINCE else None

    def entering(self, token: str) -> Actor | None:
        """The province's actor a pass names, if it is this bureau's, not expired, and the account
        is still what it was when the pass was made."""
        try:
            data = self.passes.loads(token, max_age=PASS_SECONDS)
        except BadSignature:
            return None
        if not isinstance(data, dict) or data.get("b") != self.key or not isinstance(data.get("a"), str):
            return None
        return self.actor(data["a"], int(data.get("s", -1)))


class Site:
    """One bureau's site: its configuration, the session signer and the templates; ``province``:
    its side of the platform when several bureaus are served together (``kaohe serve --platform``)."""

    def __init__(
        self, config: str | Path, bureau: Bureau | None = None, registry: Any = None, province: ProvinceLink | None = None,
        key_file: str | None = None,
    ) -> None:
        self.config = Path(config)
        self.province = province
        if bureau is None:
            registry = registry if registry is not None else load_registry()
            bureau = load_bureau(self.config, registry)
        self.bureau: Bureau = bureau
        self._registry: Any = registry
        self.signer = URLSafeTimedSerializer(secret_key(key_file or self.bureau.beside_database), salt="kaohe-session")
        self.idle = self.bureau.site.idle_minutes * 60
        self._held = threading.local()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(files("kaohe").joinpath("web/templates"))),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,  # the package's own files: not looked at again on every page (a stat each)
        )

    @property
    def registry(self) -> Any:
        """The plugins' registry the bureau was read with (the data status reads which department
        owns which kind of record); loaded when first asked for if the bureau was given alone."""
        if self._registry is None:
            self._registry = load_registry()
        return self._registry

    def store(self) -> Store:
        return Store(self.bureau.database)

    def release(self, store: Store) -> None:
        """The end of a request's use of ``store``: closed unless it is this thread's held store
        with no transaction left open."""
        held = getattr(self._held, "store", None)
        if held is not None and held[1] is store and store.idle():
            return
        if held is not None and held[1] is store:
            self._held.store = None
        store.close()

    def held_store(self) -> Store:
        """This worker thread's store, opened once and kept open between requests (opening one and
        its first read — SQLite reads the schema — cost more than most pages' reads): opened again
        when the database file is another one (replaced, restored from a copy) or the last request
        left a transaction open (it is rolled back and closed). A server's database (PostgreSQL) has
        no file: its connection is kept likewise (opening one costs the server a process and the
        store a look at its schema: bench/postgres.py, ten times a page's own work)."""
        path = self.bureau.database
        key: tuple[int, int] | None
        if "://" in path:
            key = (0, 0)
        else:
            try:
                st = os.stat(path)
                key = (st.st_dev, st.st_ino)
            except OSError:
                key = None
        held: tuple[tuple[int, int] | None, Store] | None = getattr(self._held, "store", None)
        if held is not None:
            if key is not None and held[0] == key and held[1].idle():
                return held[1]
            self._held.store = None
            held[1].close()  # a transaction left open ends with the connection
        store = Store(path)
        if key is not None:
            self._held.store = (key, store)
        return store

    # --- sessions ------------------------------------------------------------------------------

    def session(self, request: Request) -> dict[str, Any]:
        """The request's session (an empty one when there is none, or it is tampered with or expired)."""
        return self.session_signed(request)[0]

    def session_signed(self, request: Request) -> tuple[dict[str, Any], float | None]:
        """(:meth:`session`, when its cookie was signed: a POSIX time, None without a valid one)."""
        raw = request.cookies.get(COOKIE)
        if raw:
            try:
                data, when = self.signer.loads(raw, max_age=self.idle, return_timestamp=True)
                if isinstance(data, dict) and isinstance(data.get("c"), str):
                    return data, when.timestamp()
            except BadSignature:
                pass
        return {}, None

    def actor(self, request: Request, store: Store) -> Actor | None:
        data = request.state.session
        if isinstance(data.get("p"), str):  # the province's person, on a bureau of the platform
            return self.province.actor(data["p"], int(data.get("s", -1))) if self.province is not None else None
        if not isinstance(data.get("a"), str):
            return None
        return current(store, data["a"], int(data.get("s", -1)))

    def set_session(self, request: Request, response: Response, data: dict[str, Any]) -> None:
        response.set_cookie(
            COOKIE, self.signer.dumps(data), max_age=self.idle, path="/", httponly=True, samesite="strict",
            secure=request.url.scheme == "https",
        )

    # --- responses -----------------------------------------------------------------------------

    def awaiting(self, request: Request) -> int:
        """How many things await the signed-in account (the header's count; kaohe.office.inbox), 0
        when no one is signed in; counted once per request."""
        count = getattr(request.state, "awaiting", None)
        if count is None:
            store = getattr(request.state, "store", None)
            actor = request.state.actor
            if actor is not None and store is not None:
                # kept per change of the store, day and the account's last look at its inbox (a look
                # is not in the audit trail): the same count for every page until one of them moves
                today = dt.date.today()
                seen = store.inbox_seen(actor.account)
                key = ("awaiting", actor.account, actor.role, actor.unit, actor.department, today, seen["mark"] if seen else None)
                count = memo(store, key, lambda: len(awaiting(store, self.bureau, self.registry, actor, today)))
            else:
                count = 0
            request.state.awaiting = count
        return int(count)

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        html = self.templates.get_template(template).render(
            bureau=self.bureau.name, csrf=request.state.session.get("c", ""), me=request.state.actor,
            awaiting=self.awaiting(request), **context
        )
        return HTMLResponse(html, status_code=status)

    def refuse(self, request: Request, status: int, message: str, as_json: bool) -> Response:
        if as_json:
            return JSONResponse({"error": message}, status_code=status)
        return self.page(request, "error.html", status=status, message=message)

    # --- handlers --------------------------------------------------------------------------------

    def route(self, path: str, handler: Handler, methods: tuple[str, ...] = ("GET",), *, login: bool = True) -> Route:
        """The route of ``handler``: run in a worker thread with the request's session, actor and
        store (:meth:`guarded`); with ``login``, a visitor not signed in is sent to the sign-in page
        (JSON: 401)."""
        inner = self.guarded(self.signed_in(handler) if login else handler)

        async def endpoint(request: Request) -> Response:
            request.state.form = {}
            if request.method == "POST":
                if not await capped(request, FORM_BYTES):  # read before the CSRF check: bounded first
                    return await run_in_threadpool(self.unread, request, 413, FORM_TOO_BIG)
                try:
                    form = await request.form(max_files=0, max_fields=100)
                except HTTPException:  # a file part, too many fields, a broken multipart body
                    return await run_in_threadpool(self.unread, request, 400, FORM_UNREADABLE)
                request.state.form = dict(form)
            return await run_in_threadpool(inner, request)

        return Route(path, endpoint, methods=list(methods))

    def guarded(self, handler: Handler) -> Callable[[Request], Response]:
        """A handler with the request's session, actor and store; it refuses a POST without the
        session's CSRF token and renews the session cookie (the idle timeout counts from now)."""
        site = self

        def endpoint(request: Request) -> Response:
            session, signed_at = site.session_signed(request)
            fresh = not session
            if fresh:
                session = {"c": secrets.token_urlsafe(32)}
            request.state.session = session
            kept = dict(session)
            request.state.actor = None
            try:
                store = site.held_store()
            except (KaoheError, sqlite3.Error) as exc:  # the database cannot be opened: one line, no traceback
                why = exc if isinstance(exc, KaoheError) else f"{site.bureau.database}:{exc}"
                return site.refuse(request, 503, f"暂时无法读取考核数据库({why}),请联系考核办", wants_json(request, request.url.path)[1])
            try:  # the store stays open for this thread's next request (Site.held_store)
                request.state.store = store
                request.state.actor = site.actor(request, store)
                if request.method == "POST" and not same_origin(request):
                    return site.refuse(request, 403, "请求来自其他网站,已拒绝", False)
                if request.method == "POST":
                    token = request.headers.get("x-csrf-token") or request.state.form.get("csrf", "")
                    if fresh or not secrets.compare_digest(str(token), session["c"]):
                        return site.refuse(request, 403, "请求已失效(缺少或不符的校验码):请刷新页面后重试", False)
                if ("a" in session or "p" in session) and request.state.actor is None:  # disabled, reset, or gone
                    session = {"c": secrets.token_urlsafe(32)}
                    request.state.session = session
                if request.method in ("GET", "HEAD"):  # nothing written: the store's marker read once (memo)
                    _REQUEST.markers = {}
                response = handler(request, store)
            finally:
                _REQUEST.markers = None
                site.release(store)
            now = time.time()
            renew = (
                request.state.session is not session or request.state.session != kept or signed_at is None
                or not 0 <= now - signed_at < RENEW_SECONDS
            )
            if renew and not getattr(request.state, "cookie_set", False):
                site.set_session(request, response, request.state.session)
            response.headers.setdefault("cache-control", "no-store")
            return response

        return endpoint

    def unread(self, request: Request, status: int, message: str) -> Response:
        """A form's POST refused before its fields are read (no session, nothing changed)."""
        request.state.session, request.state.actor = {}, None
        response = self.refuse(request, status, message, wants_json(request, request.url.path)[1])
        response.headers["cache-control"] = "no-store"
        return response

    @staticmethod
    def signed_in(handler: Handler) -> Handler:
        def inner(request: Request, store: Store) -> Response:
            if request.state.actor is None:
                as_json = wants_json(request, request.url.path)[1]
                if as_json:
                    return JSONResponse({"error": "未登录或登录已过期"}, status_code=401)
                return RedirectResponse("/login", status_code=303)
            return handler(request, store)

        return inner


FORM_BYTES = 256 << 10
"""The most a POST of a page's form (sign-in, decision, sign-off, withdrawal …: short fields, no file)
may send; the body is read up to this before anything else, the CSRF check included (files go to
the upload routes, which have their own limits)."""
FORM_TOO_BIG = "提交的内容太大:此表单只有几项简短的内容,不接收文件;请刷新页面后重新填写提交"
FORM_UNREADABLE = "提交的表单无法读取(此表单不接收文件,或格式不对):请刷新页面后重新填写提交"
DRAIN_BYTES = 64 << 20
"""A body beyond the limit is read (and thrown away) up to this, so that the browser, which sends the
whole body before it reads the answer, shows the refusal rather than a broken connection."""


async def capped(request: Request, most: int) -> bool:
    """Read ``request``'s body if it is at most ``most`` bytes (kept for ``request.form()``), whatever
    its Content-Length says or without one; False (the rest drained, up to :data:`DRAIN_BYTES`)
    if it is longer."""
    declared = request.headers.get("content-length", "")
    chunks: list[bytes] = []
    size = 0
    too_big = declared.isdigit() and int(declared) > most
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if too_big or size > most:
                too_big = True
                if size > DRAIN_BYTES:
                    break
                continue
            chunks.append(chunk)
    except ClientDisconnect:
        return False
    if too_big:
        return False
    request._body = b"".join(chunks)  # what Request.body() keeps: request.form() parses it
    return True


def wants_json(request: Request, value: str) -> tuple[str, bool]:
    """(``value`` without a ``.json`` suffix, whether JSON is asked for)."""
    if value.endswith(".json"):
        return value[: -len(".json")], True
    accept = request.headers.get("accept", "")
    return value, "application/json" in accept and "text/html" not in accept


def same_origin(request: Request) -> bool:
    """Whether a POST comes from a page of this site: its ``Origin`` (sent by every current browser
    with a POST), when there is one, names the host name the request was sent to (a form posted from
    another site is refused even if it carries a stolen token)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = urlsplit("//" + request.headers.get("host", "")).hostname  # the port aside: a proxy may drop it
    return origin != "null" and host is not None and urlsplit(origin).hostname == host


_MEMO: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], tuple[Any, ...], Any]] = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MAKING: dict[tuple[Any, ...], threading.Lock] = {}
MEMO_SIZE = 512
_REQUEST = threading.local()
"""The store's change marker as a GET request first read it (``markers``: database → marker), for the
other values that request asks ``memo`` for: one read a request rather than one a value."""


def _marker(store: Store) -> tuple[Any, ...]:
    markers: dict[str, tuple[Any, ...]] | None = getattr(_REQUEST, "markers", None)
    if markers is None:
        return store.change_marker()
    key = str(store.path)
    raw = markers.get(key)
    if raw is None:
        raw = markers[key] = store.change_marker()
    return raw


def memo(store: Store, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``make()``, kept per process for ``store``'s database and ``key`` while the store's
    ``change_marker`` is the same (anything imported, signed off, adjusted, decided, published or
    scored since makes it another; an account's sign-in, sign-out or change does not): what the
    pages read from the stored results, made once per change rather than once per request. The
    value is shared by every request: never change it. The marker is read first, then the data:
    what is kept is never older than its marker. While one thread makes a value, the others asking
    for it wait for it rather than make it too (50 requests arriving together after a change would
    otherwise each make it). Within a GET request the marker is read once (:func:`_marker`); the
    values kept are the :data:`MEMO_SIZE` last used (a province's 2,000 units' pages and the
    rankings alike)."""
    raw = _marker(store)  # O(1); the marker without the accounts' entries is read when it moves
    full = (str(store.path), *key)
    hit = _MEMO.get(full)
    if hit is not None and hit[0] == raw:
        try:
            _MEMO.move_to_end(full)  # the least recently used goes first
        except KeyError:  # dropped meanwhile by another thread
            pass
        return cast(T, hit[2])
    with _MEMO_LOCK:
        lock = _MAKING.setdefault(full, threading.Lock())
    with lock:
        hit = _MEMO.get(full)
        if hit is not None and hit[0] == raw:
            return cast(T, hit[2])
        marker = store.change_marker(ignore=sorted(AUDIT_ACTIONS))
        if hit is not None and hit[1] == marker:  # only accounts' entries since: still valid
            value = hit[2]
        else:
            value = make()
        with _MEMO_LOCK:
            _MEMO[full] = (raw, marker, value)
            _MEMO.move_to_end(full)
            while len(_MEMO) > MEMO_SIZE:
                dropped, _ = _MEMO.popitem(last=False)
                _MAKING.pop(dropped, None)
    return cast(T, value)


def _editions(store: Store) -> tuple[frozenset[str], frozenset[str]]:
    """(the periods with an edition, those of them whose stored results are still their latest
    edition's)."""
    labels = frozenset(str(e["period"]) for e in store.editions())
    return labels, frozenset(label for label in labels if published_unchanged(store, label))


def published(store: Store) -> set[str]:
    """The periods whose stored results are those of their latest edition (a period scored again
    since, and changed, is a draft again until it is published again); kept until the store
    changes (:func:`memo`)."""
    return set(memo(store, ("published",), lambda: _editions(store))[1])


CHANGED = "{}的成绩已有更正,尚未重新发布;重新发布前暂不显示,请查看已发布的通报"


def changed(store: Store, label: str) -> bool:
    """Whether ``label`` has an edition but its stored results are no longer those published."""
    labels, done = memo(store, ("published",), lambda: _editions(store))
    return label in labels and label not in done


def signed(change: Decimal) -> str:
    """A change as a page shows it: "+1.5", "-2", "0"."""
    return "0" if change == 0 else f"{change:+f}"


def parse_period(label: str) -> Period | None:
    try:
        return Period.parse(label)
    except (KaoheError, ValueError):
        return None


