"""The bureau's site (``kaohe serve``, issue 16): a Starlette application whose pages are rendered on
the server with Jinja2 from the STORED results (a page never scores), each also as JSON (a ``.json``
suffix or ``Accept: application/json``) under the same permissions.

Security: signed session cookies (itsdangerous; HttpOnly, SameSite=Strict, Secure over HTTPS) ending
after ``[site] idle_minutes`` unused, or when the account signs out (every copy of the cookie), is
disabled or its password reset; a POST from another site's page (its ``Origin``) refused; a CSRF
token on every POST, the sign-in form included; autoescaped templates; a CSP allowing nothing from
outside the site and no inline script; what each account may see decided by
kaohe.office.accounts (``allowed``, ``sight``); every sign-in, failure and sign-out in the audit
trail with the account as the actor.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..core.errors import KaoheError
from ..core.periods import Period
from ..office.accounts import OFFICE, PASSWORD_MAX, READ, Actor, Resource, SignInRefused, allowed, current, sight, sign_in, sign_out
from ..office.results import published_unchanged, staleness, stored_result
from ..plugins.discovery import load_registry
from ..scheme.bureau import Bureau
from ..scheme.config import load_bureau
from ..store.store import Store

COOKIE = "kaohe_session"
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


class Site:
    """One bureau's site: its configuration, the session signer and the templates."""

    def __init__(self, config: str | Path, bureau: Bureau | None = None) -> None:
        self.config = Path(config)
        self.bureau: Bureau = bureau if bureau is not None else load_bureau(self.config, load_registry())
        self.signer = URLSafeTimedSerializer(secret_key(self.bureau.database), salt="kaohe-session")
        self.idle = self.bureau.site.idle_minutes * 60
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(files("kaohe").joinpath("web/templates"))),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    def store(self) -> Store:
        return Store(self.bureau.database)

    # --- sessions ------------------------------------------------------------------------------

    def session(self, request: Request) -> dict[str, Any]:
        """The request's session (an empty one when there is none, or it is tampered with or expired)."""
        raw = request.cookies.get(COOKIE)
        if raw:
            try:
                data = self.signer.loads(raw, max_age=self.idle)
                if isinstance(data, dict) and isinstance(data.get("c"), str):
                    return data
            except BadSignature:
                pass
        return {}

    def actor(self, request: Request, store: Store) -> Actor | None:
        data = request.state.session
        if not isinstance(data.get("a"), str):
            return None
        return current(store, data["a"], int(data.get("s", -1)))

    def set_session(self, request: Request, response: Response, data: dict[str, Any]) -> None:
        response.set_cookie(
            COOKIE, self.signer.dumps(data), max_age=self.idle, path="/", httponly=True, samesite="strict",
            secure=request.url.scheme == "https",
        )

    # --- responses -----------------------------------------------------------------------------

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        html = self.templates.get_template(template).render(
            bureau=self.bureau.name, csrf=request.state.session.get("c", ""), me=request.state.actor, **context
        )
        return HTMLResponse(html, status_code=status)

    def refuse(self, request: Request, status: int, message: str, as_json: bool) -> Response:
        if as_json:
            return JSONResponse({"error": message}, status_code=status)
        return self.page(request, "error.html", status=status, message=message)


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


def _published(store: Store) -> set[str]:
    """The periods whose stored results are those of their latest edition (a period scored again
    since, and changed, is a draft again until it is published again)."""
    return {label for label in {str(e["period"]) for e in store.editions()} if published_unchanged(store, label)}


CHANGED = "{}的成绩已有更正,尚未重新发布;重新发布前暂不显示,请查看已发布的通报"


def _changed(store: Store, label: str) -> bool:
    """Whether ``label`` has an edition but its stored results are no longer those published."""
    return bool(store.editions(label)) and not published_unchanged(store, label)


def _parse(label: str) -> Period | None:
    try:
        return Period.parse(label)
    except (KaoheError, ValueError):
        return None


def create_app(config: str | Path | None = None, bureau: Bureau | None = None) -> Starlette:
    """The site of the bureau configured in ``config`` (default: the environment's ``KAOHE_CONFIG``,
    as ``kaohe serve`` sets it for its workers), or of ``bureau`` already read (tests)."""
    site = Site(config or os.environ.get("KAOHE_CONFIG", "kaohe.toml"), bureau)

    def guarded(handler: Callable[[Request, Store], Response]) -> Callable[[Request], Response]:
        """A handler with the request's session, actor and store; it refuses a POST without the
        session's CSRF token and renews the session cookie (the idle timeout counts from now)."""

        def endpoint(request: Request) -> Response:
            session = site.session(request)
            fresh = not session
            if fresh:
                session = {"c": secrets.token_urlsafe(32)}
            request.state.session = session
            request.state.actor = None
            try:
                store = site.store()
            except (KaoheError, sqlite3.Error) as exc:  # the database cannot be opened: one line, no traceback
                why = exc if isinstance(exc, KaoheError) else f"{site.bureau.database}:{exc}"
                return site.refuse(request, 503, f"暂时无法读取考核数据库({why}),请联系考核办", wants_json(request, request.url.path)[1])
            with store:
                request.state.actor = site.actor(request, store)
                if request.method == "POST" and not same_origin(request):
                    return site.refuse(request, 403, "请求来自其他网站,已拒绝", False)
                if request.method == "POST":
                    token = request.headers.get("x-csrf-token") or request.state.form.get("csrf", "")
                    if fresh or not secrets.compare_digest(str(token), session["c"]):
                        return site.refuse(request, 403, "请求已失效(缺少或不符的校验码):请刷新页面后重试", False)
                if "a" in session and request.state.actor is None:  # disabled, reset, or gone
                    session = {"c": secrets.token_urlsafe(32)}
                    request.state.session = session
                response = handler(request, store)
            if not getattr(request.state, "cookie_set", False):
                site.set_session(request, response, request.state.session)
            response.headers.setdefault("cache-control", "no-store")
            return response

        return endpoint

    def sync(handler: Callable[[Request, Store], Response]) -> Callable[[Request], Awaitable[Response]]:
        inner = guarded(handler)

        async def endpoint(request: Request) -> Response:
            request.state.form = dict(await request.form()) if request.method == "POST" else {}
            return await run_in_threadpool(inner, request)

        return endpoint

    # --- pages -----------------------------------------------------------------------------------

    def home(request: Request, store: Store) -> Response:
        return RedirectResponse("/periods" if request.state.actor else "/login", status_code=303)

    def login(request: Request, store: Store) -> Response:
        if request.method == "GET":
            return site.page(request, "login.html", error="", account="")
        account = str(request.state.form.get("account", ""))[:64]
        password = str(request.state.form.get("password", ""))[: PASSWORD_MAX + 1]  # a longer one is refused
        where = request.client.host if request.client else ""
        try:
            actor = sign_in(store, site.bureau.site, account, password, where)
        except SignInRefused as exc:
            return site.page(request, "login.html", status=401, error=str(exc), account=account)
        request.state.session = {"a": actor.account, "s": actor.stamp, "c": secrets.token_urlsafe(32)}
        request.state.actor = actor
        return RedirectResponse("/periods", status_code=303)

    def logout(request: Request, store: Store) -> Response:
        actor = request.state.actor
        if actor is not None:
            sign_out(store, actor)
        request.state.session = {"c": secrets.token_urlsafe(32)}
        request.state.actor = None
        return RedirectResponse("/login", status_code=303)

    def signed_in(handler: Callable[[Request, Store], Response]) -> Callable[[Request, Store], Response]:
        def inner(request: Request, store: Store) -> Response:
            if request.state.actor is None:
                as_json = wants_json(request, request.url.path)[1]
                if as_json:
                    return JSONResponse({"error": "未登录或登录已过期"}, status_code=401)
                return RedirectResponse("/login", status_code=303)
            return handler(request, store)

        return inner

    @signed_in
    def periods(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        _, as_json = wants_json(request, request.url.path)
        published = _published(store)
        seen = sight(actor)
        rows = []
        for label in seen.periods(published, store.stored_periods()):
            p = _parse(label)
            if p is None:
                continue
            is_pub = label in published
            rows.append({
                "period": label, "name": p.chinese, "published": is_pub,
                "ranking": allowed(actor, READ, Resource("ranking", is_pub)),
                "unit": actor.unit if actor.unit and allowed(actor, READ, Resource("unit", is_pub, unit=actor.unit)) else None,
            })
        data: dict[str, Any] = {"account": actor.account, "role": actor.role, "periods": rows}
        if as_json:
            return JSONResponse(data)
        return site.page(request, "periods.html", **data)

    @signed_in
    def ranking(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        label, as_json = wants_json(request, request.path_params["period"])
        period = _parse(label)
        is_pub = label in _published(store)
        if period is not None and not sight(actor).drafts and not is_pub and _changed(store, label):
            return site.refuse(request, 403, CHANGED.format(period.chinese), as_json)
        if period is None or not allowed(actor, READ, Resource("ranking", is_pub)):
            return site.refuse(request, 404 if period is None else 403, "无此期间,或无权查看该期间的排名", as_json)
        result = stored_result(store, period)
        if result is None:
            return site.refuse(request, 404, f"{period.chinese}尚无已保存的计算结果", as_json)
        seen = sight(actor)
        series: dict[str, list[dict[str, Any]]] = {}
        for u in result.units:
            series.setdefault(u.series, []).append({
                "unit": u.unit, "name": u.name, "total": str(u.total), "rank": u.rank, "flags": list(u.flags),
                "veto": list(u.veto), "link": seen.sees_unit(u.unit, is_pub) and allowed(actor, READ, Resource("unit", is_pub, unit=u.unit)),
            })
        for rows in series.values():
            rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"]))
        names = {s.id: s.name for s in site.bureau.scheme.series}
        data: dict[str, Any] = {
            "period": label, "name": period.chinese, "published": is_pub,
            "series": [{"series": s, "name": names.get(s, s), "units": rows} for s, rows in series.items()],
            "missing": [g.text() for g in result.missing],
            "stale": _stale(actor, store, period),
        }
        if as_json:
            return JSONResponse(data)
        return site.page(request, "ranking.html", **data)

    def _stale(actor: Actor, store: Store, period: Period) -> str | None:
        """For the office: why the stored results shown are out of date (kaohe score brings them up
        to date; the site never scores), or None."""
        return staleness(store, site.bureau, period) if actor.role == OFFICE else None

    def _unit_tree(request: Request, store: Store, label: str, unit: str, as_json: bool) -> tuple[dict[str, Any] | None, Response | None]:
        actor: Actor = request.state.actor
        period = _parse(label)
        is_pub = label in _published(store)
        if period is not None and not sight(actor).drafts and not is_pub and _changed(store, label):
            return None, site.refuse(request, 403, CHANGED.format(period.chinese), as_json)
        if period is None or not allowed(actor, READ, Resource("unit", is_pub, unit=unit)) or not sight(actor).sees_unit(unit, is_pub):
            return None, site.refuse(request, 403, "无权查看该单位在该期间的结果", as_json)
        tree = store.explanation(label, unit)
        if tree is None:
            return None, site.refuse(request, 404, "该单位在该期间没有已保存的计算结果", as_json)
        seen = sight(actor)
        cats = []
        whole = seen.departments is None or is_pub
        for c in tree["categories"]:
            items = [i for i in c["items"] if seen.sees_item(i["department"], is_pub)]
            if items or seen.departments is None:
                # a department's view of a draft: not the category's score, which counts other departments' items
                hidden = {} if whole else {"raw": None, "score": None, "explanation": ""}
                cats.append({**c, **hidden, "items": items})
        out = {
            "period": label, "name": period.chinese, "published": is_pub, "unit": tree["unit"], "unit_name": tree["name"],
            "series": tree["series"], "total": tree["total"] if whole else None, "rank": tree["rank"] if whole else None,
            "flags": tree["flags"] if whole else [], "veto": tree["veto"] if whole else [],
            "adjustments": tree["adjustments"] if whole else [], "categories": cats,
            "ranking": allowed(actor, READ, Resource("ranking", is_pub)),
            "stale": _stale(actor, store, period),
        }
        return out, None

    @signed_in
    def unit_page(request: Request, store: Store) -> Response:
        unit, as_json = wants_json(request, request.path_params["unit"])
        data, refused = _unit_tree(request, store, request.path_params["period"], unit, as_json)
        if refused is not None:
            return refused
        assert data is not None
        if as_json:
            return JSONResponse(data)
        return site.page(request, "unit.html", **data)

    @signed_in
    def record_page(request: Request, store: Store) -> Response:
        unit, as_json = wants_json(request, request.path_params["unit"])
        key = request.query_params.get("key", "")
        data, refused = _unit_tree(request, store, request.path_params["period"], unit, as_json)
        if refused is not None:
            return refused
        assert data is not None
        found = [
            (c, i, ln) for c in data["categories"] for i in c["items"] for ln in i["lines"] if key and ln["record"] == key
        ]
        if not found:  # only a record the unit's (visible) lines name: never another unit's
            return site.refuse(request, 404, "该单位在该期间的结果中没有这条记录", as_json)
        stored = next(iter(store.stored_records([key])), None)
        record = None
        if stored is not None:
            record = {
                "key": stored.key, "kind": stored.kind, "date": stored.date, "department": stored.department,
                "note": stored.note, "value": stored.value, "file": stored.file, "sheet": stored.sheet, "row": stored.row,
                "version": stored.version,
            }
        out: dict[str, Any] = {
            "period": data["period"], "name": data["name"], "unit": data["unit"], "unit_name": data["unit_name"], "key": key,
            "lines": [
                {"category": c["name"], "item": i["item"], "title": i["title"], "department": i["department"],
                 "reference": i["reference"], "points": ln["points"], "reason": ln["reason"], "carried": ln["carried"]}
                for c, i, ln in found
            ],
            "record": record,
        }
        if as_json:
            return JSONResponse(out)
        return site.page(request, "record.html", **out)

    def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": "无此页面"}, status_code=404) if wants_json(request, request.url.path)[1] else HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>404</title><p>无此页面</p>", status_code=404
        )

    routes = [
        Route("/", sync(home)),
        Route("/login", sync(login), methods=["GET", "POST"]),
        Route("/logout", sync(logout), methods=["POST"]),
        Route("/periods", sync(periods)),
        Route("/periods.json", sync(periods)),
        Route("/ranking/{period}", sync(ranking)),
        Route("/unit/{period}/{unit}", sync(unit_page)),
        Route("/record/{period}/{unit}", sync(record_page)),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.state.site = site
    return SecurityHeaders(app)  # type: ignore[return-value]


class SecurityHeaders:
    """Adds the security headers to every response (pages, JSON, static files, errors); HSTS over HTTPS."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.state = app.state

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in present]
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
