"""The province's pages (issue 22, point 2): on each bureau of a platform, the link by which the
province's person enters its published pages (:func:`routes`, added to every bureau's site by
``app.create_app``; none on a bureau served alone); and on the platform's own host name, the
province's sign-in and its roll-up of every bureau's published editions (:func:`province_routes`,
served by ``platform.create_platform_app``). Each page also as JSON; what the province may read is
decided by kaohe.office.accounts (``allowed``: the roll-up, and a bureau's published ranking,
units and items, read only)."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
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
ROLLUP_SECONDS = 10
"""How long the roll-up shows what it read of the bureaus' editions before it reads them again: an
edition published is in the roll-up at most this long after (docs/readings.md, "省厅汇总读什么")."""
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
        actor = link.entering(request.query_params.get("t", ""))
        if actor is None:
            return site.refuse(request, 403, "省厅的进入链接无效或已过期:请从省厅汇总页面重新点击进入", False)
        with store.writing():
            store.log(SIGN_IN, f"{PROVINCE}:{actor.account}", subject=actor.account, detail={"platform": link.key})
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
        self._rollup_ready = threading.Condition()
        self._wanted = threading.Event()
        self._refresher: threading.Thread | None = None
        self._rollup: list[tuple[Any, dict[str, dict[str, Any]] | None]] | None = None

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
        """Each bureau's :func:`published_summary` (None: its database unreadable), as read at most
        :data:`ROLLUP_SECONDS` before: a thread of its own reads the bureaus again when someone has
        asked since its last reading, so that no request waits for 150 bureaus to be read but the
        first one of the worker."""
        with self._rollup_ready:
            if self._refresher is None:
                self._refresher = threading.Thread(target=self._refresh, name="kaohe-rollup", daemon=True)
                self._refresher.start()
            self._wanted.set()
            while self._rollup is None:
                self._rollup_ready.wait()
            return self._rollup

    def _refresh(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            out = self._read_summaries()
            with self._rollup_ready:
                self._rollup = out
                self._rollup_ready.notify_all()
            time.sleep(ROLLUP_SECONDS)

    def _read_summaries(self) -> list[tuple[Any, dict[str, dict[str, Any]] | None]]:
        """Each bureau's summary, read through the bureau's own store held by the reading thread, and made
        again only when its editions change (a bureau scoring, importing or signing in does not make
        the roll-up read its editions again)."""
        out: list[tuple[Any, dict[str, dict[str, Any]] | None]] = []
        for b in self.platform.bureaus:
            bureau_site = self.sites[b.key]
            try:
                store = bureau_site.held_store()
            except (KaoheError, sqlite3.Error, OSError):  # one bureau's database unreadable: said on the page, the others shown
                out.append((b, None))
                continue
            try:
                key = tuple((str(e["period"]), int(e["number"]), str(e["digest"])) for e in store.editions())
                kept = _SUMMARIES.get(str(store.path))
                if kept is None or kept[0] != key:
                    kept = (key, published_summary(store))
                    _SUMMARIES[str(store.path)] = kept
                out.append((b, kept[1]))
            except (KaoheError, sqlite3.Error):
                out.append((b, None))
            finally:
                bureau_site.release(store)
        return out


_SUMMARIES: dict[str, tuple[tuple[tuple[str, int, str], ...], dict[str, dict[str, Any]]]] = {}
"""Each bureau's published summary, by its database, with the editions it was made from (editions
are only ever added: the same list, the same summary). Shared by the threads of a worker: a value is
replaced whole, never changed."""


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

