"""The province's pages (issue 22, point 2): on each bureau of a platform, the link by which the
province's person enters its published pages (:func:`routes`, added to every bureau's site by
``app.create_app``; none on a bureau served alone); and on the platform's own host name, the
province's sign-in and its roll-up of every bureau's published editions (:func:`province_routes`,
served by ``platform.create_platform_app``). Each page also as JSON; what the province may read is
decided by kaohe.office.accounts (``allowed``: the roll-up, and a bureau's published ranking,
units and items, read only)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
import threading
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..core.errors import KaoheError
from ..office.accounts import PASSWORD_MAX, PROVINCE, READ, SIGN_IN, Actor, Resource, SignInRefused, allowed, sign_in, sign_out
from ..office.platform import Platform, published_summary, rollup
from ..scheme.bureau import Bureau
from ..store.store import Store
from .base import Site, parse_period, wants_json

ENTER = "/province/enter"
"""The path on a bureau's host name by which the province's person enters it."""


def _local(path: str) -> str:
    """``path`` if it is a path of this site (not another site's address), else the periods' page."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/periods"


def routes(site: Site) -> list[Route]:
    """A bureau's side of the platform: ``/province/enter?t=…&next=…`` (none when served alone)."""
    link = site.province
    if link is None:
        return []

    def enter(request: Request, store: Store) -> Response:
        token = request.query_params.get("t", "")
        actor = link.entering(token)
        refused = "省厅的进入链接无效或已过期:请从省厅汇总页面重新点击进入"
        if actor is None:
            return site.refuse(request, 403, refused, False)
        used = hashlib.sha256(token.encode()).hexdigest()[:32]  # each pass opens one session: the address may be seen again
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()  # a pass lives a minute
        with store.writing():
            who = f"{PROVINCE}:{actor.account}"
            if any(json.loads(e.get("detail") or "{}").get("pass") == used for e in store.audit(action=SIGN_IN, actor=who, since=since)):
                return site.refuse(request, 403, refused, False)
            store.log(SIGN_IN, who, subject=actor.account, detail={"platform": link.key, "pass": used})
        request.state.session = {"p": actor.account, "s": actor.stamp, "c": secrets.token_urlsafe(32)}
        request.state.actor = actor
        return RedirectResponse(_local(request.query_params.get("next", "/periods")), status_code=303)

    return [site.route(ENTER, enter, login=False)]


class ProvinceSite(Site):
    """The platform's own site on ``<domain>``: the province's accounts (the platform's database),
    its sign-in and its roll-up; ``sites``: each bureau's site, by key."""

    def __init__(self, platform: Platform, sites: dict[str, Site]) -> None:
        stand_in = SimpleNamespace(name=platform.name, database=platform.database, site=platform.site)
        super().__init__(platform.source or "platform.toml", cast(Bureau, stand_in), registry=False, key_file=platform.key_file)
        self.platform = platform
        self.sites = sites
        self._rollup_lock = threading.Lock()
        self._rollup: tuple[tuple[Any, ...], list[tuple[Any, dict[str, dict[str, Any]] | None]]] | None = None
        """(the bureaus' editions' markers, the roll-up read when they were these)."""
        self._stores: dict[str, tuple[tuple[int, int] | None, Store]] = {}
        self._thread_stores = threading.local()
        self._summaries: dict[str, tuple[tuple[Any, ...], dict[str, dict[str, Any]]]] = {}
        """Each bureau's published summary with the marker of the editions it was made from: a value is
        replaced whole, never changed."""

    def awaiting(self, request: Request) -> int:
        return 0

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        html = self.templates.get_template(template).render(
            {"platform": self.platform.name, "csrf": request.state.session.get("c", ""), "me": request.state.actor, **context}
        )
        return HTMLResponse(html, status_code=status)

    def refuse(self, request: Request, status: int, message: str, as_json: bool) -> Response:
        if as_json:
            return JSONResponse({"error": message}, status_code=status)
        return self.page(request, "province_error.html", status=status, message=message)

    def summaries(self) -> list[tuple[Any, dict[str, dict[str, Any]] | None]]:
        """Each bureau's :func:`published_summary` (None: its database unreadable), kept while the
        bureaus' published editions are the same: each request reads each bureau's editions' marker
        (``Store.editions_marker``: one O(1) read; editions are only ever added), and the roll-up is
        made again — from the bureaus whose marker moved, the others' summaries kept — only when one
        of them moved. A bureau's new edition is thus in the next request's roll-up; its imports,
        scoring or sign-ins change nothing here. One request at a time reads the markers (through one
        connection per bureau held by this site, not one per worker thread: 150 bureaus on one
        PostgreSQL server)."""
        with self._rollup_lock:
            markers = tuple(self._marker(b) for b in self.platform.bureaus)
            if self._rollup is None or self._rollup[0] != markers:
                out: list[tuple[Any, dict[str, dict[str, Any]] | None]] = []
                for b, marker in zip(self.platform.bureaus, markers, strict=True):
                    out.append((b, None if marker is None else self._summary(b.key, marker)))
                # a bureau that could not be read is tried again at the next request
                self._rollup = (markers, out) if all(s is not None for _, s in out) else None
                return out
            return self._rollup[1]

    def _kept(self, key: str) -> dict[str, tuple[tuple[int, int] | None, Store]]:
        """Where bureau ``key``'s store for the roll-up is kept: a PostgreSQL connection by this site
        (used under its lock), a SQLite connection by the worker thread (sqlite3's connections stay
        in their thread)."""
        if "://" in self.sites[key].bureau.database:
            return self._stores
        mine: dict[str, tuple[tuple[int, int] | None, Store]] | None = getattr(self._thread_stores, "stores", None)
        if mine is None:
            mine = self._thread_stores.stores = {}
        return mine

    def _rollup_store(self, key: str) -> Store:
        """The store of bureau ``key`` this site keeps for the roll-up (opened again when its SQLite
        file is another one: replaced, restored from a copy)."""
        database = self.sites[key].bureau.database
        stores = self._kept(key)
        try:
            st = os.stat(database)
            ident: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except OSError:
            ident = None
        held = stores.get(key)
        if held is not None and held[0] == ident and held[1].idle():
            return held[1]
        if held is not None:
            stores.pop(key, None)
            held[1].close()
        store = Store(database)
        stores[key] = (ident, store)
        return store

    def _marker(self, b: Any) -> tuple[Any, ...] | None:
        """Bureau ``b``'s editions' marker; None when its database cannot be read (said on the page,
        the others shown)."""
        try:
            return self._rollup_store(b.key).editions_marker()
        except (KaoheError, sqlite3.Error, OSError):
            held = self._kept(b.key).pop(b.key, None)
            if held is not None:
                held[1].close()
            return None

    def _summary(self, key: str, marker: tuple[Any, ...]) -> dict[str, dict[str, Any]] | None:
        kept = self._summaries.get(key)
        if kept is not None and kept[0] == marker:
            return kept[1]
        try:
            summary = published_summary(self._rollup_store(key))
        except (KaoheError, sqlite3.Error, OSError):
            return None
        self._summaries[key] = (marker, summary)
        return summary


def _plain(value: Any) -> Any:
    """The roll-up as JSON (decimals as exact strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def province_routes(site: ProvinceSite) -> list[Route]:
    """The platform's own pages: sign-in, sign-out, the roll-up (all bureaus, one period), one
    bureau's units in a period, and the way into a bureau's published pages."""
    platform = site.platform

    def series_names(key: str) -> dict[str, str]:
        """A bureau's series' names as its configuration calls them now (an edition keeps the ids)."""
        return {x.id: x.name for x in site.sites[key].bureau.scheme.series}

    def home(request: Request, store: Store) -> Response:
        return RedirectResponse("/rollup" if request.state.actor else "/login", status_code=303)

    def login(request: Request, store: Store) -> Response:
        if request.method == "GET":
            return site.page(request, "province_login.html", error="", account="")
        account = str(request.state.form.get("account", ""))[:64]
        password = str(request.state.form.get("password", ""))[: PASSWORD_MAX + 1]
        where = request.client.host if request.client else ""
        try:
            actor = sign_in(store, platform.site, account, password, where)
        except SignInRefused as exc:
            return site.page(request, "province_login.html", status=401, error=str(exc), account=account)
        request.state.session = {"a": actor.account, "s": actor.stamp, "c": secrets.token_urlsafe(32)}
        request.state.actor = actor
        return RedirectResponse("/rollup", status_code=303)

    def logout(request: Request, store: Store) -> Response:
        if request.state.actor is not None:
            sign_out(store, request.state.actor)
        request.state.session = {"c": secrets.token_urlsafe(32)}
        request.state.actor = None
        return RedirectResponse("/login", status_code=303)

    def view(request: Request, label: str | None, as_json: bool) -> Response:
        actor: Actor = request.state.actor
        if not allowed(actor, READ, Resource("rollup")):
            return site.refuse(request, 403, "无权查看全省汇总(仅省厅账号)", as_json)
        data = rollup(site.summaries())
        periods: list[str] = data["periods"]
        if label is None:
            label = periods[-1] if periods else ""
        elif label not in periods or parse_period(label) is None:
            return site.refuse(request, 404, "无此期间,或还没有任何局公布该期间的通报", as_json)
        rows = []
        for b in data["bureaus"]:
            got = b["periods"].get(label)
            names = series_names(b["key"])
            rows.append({
                "key": b["key"], "name": b["name"], "readable": b["readable"], "published": got is not None,
                "edition": got["edition"] if got else None, "published_on": got["published_on"] if got else None,
                "digest": got["digest"] if got else None, "units": len(got["units"]) if got else 0,
                "series": [{**x, "name": names.get(x["series"], x["series"])} for x in got["series"]] if got else [],
            })
        out: dict[str, Any] = {"platform": platform.name, "period": label, "periods": periods, "bureaus": rows}
        if as_json:
            return JSONResponse(_plain(out))
        p = parse_period(label) if label else None
        return site.page(request, "province_rollup.html", name=p.chinese if p else "", **out)

    def overview(request: Request, store: Store) -> Response:
        return view(request, None, wants_json(request, request.url.path)[1])

    def one_period(request: Request, store: Store) -> Response:
        label, as_json = wants_json(request, request.path_params["period"])
        return view(request, label, as_json)

    def one_bureau(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        key, as_json = wants_json(request, request.path_params["key"])
        label = request.path_params["period"]
        if not allowed(actor, READ, Resource("rollup")):
            return site.refuse(request, 403, "无权查看全省汇总(仅省厅账号)", as_json)
        b = platform.bureau(key)
        found: dict[str, dict[str, Any]] | None = next((s for pb, s in site.summaries() if pb.key == key), None) if b is not None else None
        summary = found or {}
        got = summary.get(label)
        p = parse_period(label)
        if b is None or got is None or p is None:
            return site.refuse(request, 404, "无此局,或该局尚未公布该期间的通报", as_json)
        names = series_names(b.key)
        units = [{**u, "series_name": names.get(u["series"], u["series"])} for u in got["units"]]
        out: dict[str, Any] = {"platform": platform.name, "key": b.key, "bureau": b.name, "period": label, **got, "units": units}
        if as_json:
            return JSONResponse(_plain(out))
        return site.page(request, "province_bureau.html", name=p.chinese, **out)

    def enter(request: Request, store: Store) -> Response:
        """To a bureau's published pages: a pass for that bureau only, good for a minute."""
        actor: Actor = request.state.actor
        b = platform.bureau(request.path_params["key"])
        if not allowed(actor, READ, Resource("rollup")) or b is None:
            return site.refuse(request, 404, "无此局", False)
        link = site.sites[b.key].province
        assert link is not None
        token = link.passes.dumps({"a": actor.account, "s": actor.stamp, "b": b.key})
        port = request.url.port
        host = b.host(platform.domain) + (f":{port}" if port else "")
        query = urlencode({"t": token, "next": _local(request.query_params.get("next", "/periods"))}, quote_via=quote)
        return RedirectResponse(f"{request.url.scheme}://{host}{ENTER}?{query}", status_code=303)

    return [
        site.route("/", home, login=False),
        site.route("/login", login, ("GET", "POST"), login=False),
        site.route("/logout", logout, ("POST",)),
        site.route("/rollup", overview),
        site.route("/rollup.json", overview),
        site.route("/rollup/{period}", one_period),
        site.route("/rollup/{period}/{key}", one_bureau),
        site.route("/enter/{key}", enter),
    ]

