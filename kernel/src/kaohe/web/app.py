"""The bureau's site (``kaohe serve``, issue 16): a Starlette application whose pages are rendered on
the server with Jinja2 from the STORED results (a page never scores), each also as JSON (a ``.json``
suffix or ``Accept: application/json``) under the same permissions.

Security: signed session cookies (itsdangerous; HttpOnly, SameSite=Strict, Secure over HTTPS) ending
after ``[site] idle_minutes`` unused, or when the account signs out (every copy of the cookie), is
disabled or its password reset; a POST from another site's page (its ``Origin``) refused; a CSRF
token on every POST, the sign-in form included; autoescaped templates; a CSP allowing nothing from
outside the site and no inline script; what each account may see decided by
kaohe.office.accounts (``allowed``, ``sight``); every sign-in, failure and sign-out in the audit
trail with the account as the actor. The wrappers every handler runs in are in ``base``; the pages
in one module per audience, each adding its ``routes(site)`` below.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ..contract.registry import Registry
from ..scheme.bureau import Bureau
from . import analysis, api, appeals, dashboard, department, handin, inbox, officers, pages, province, search, selfreport, workflow
from .base import HEADERS, STATIC, Message, ProvinceLink, Scope, Site, secret_key, wants_json

__all__ = ["create_app", "secret_key"]


def create_app(
    config: str | Path | None = None, bureau: Bureau | None = None, registry: Registry | None = None, link: ProvinceLink | None = None,
) -> Starlette:
    """The site of the bureau configured in ``config`` (default: the environment's ``KAOHE_CONFIG``,
    as ``kaohe serve`` sets it for its workers), or of ``bureau`` already read with ``registry``
    (tests; default: the installed plugins); ``link``: its side of a platform (kaohe.web.platform)."""
    site = Site(config or os.environ.get("KAOHE_CONFIG", "kaohe.toml"), bureau, registry, link)

    def not_found(request: Request, exc: Exception) -> Response:
        as_json = wants_json(request, request.url.path)[1] or request.url.path.startswith("/api/")
        return JSONResponse({"error": "无此页面"}, status_code=404) if as_json else HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>404</title><p>无此页面</p>", status_code=404
        )

    routes: list[BaseRoute] = [
        *pages.routes(site),
        *appeals.routes(site),
        *department.routes(site),
        *dashboard.routes(site),
        *search.routes(site),
        *handin.routes(site),
        *workflow.routes(site),
        *api.routes(site),
        *selfreport.routes(site),
        *inbox.routes(site),
        *analysis.routes(site),
        *officers.routes(site),
        *province.routes(site),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.state.site = site
    return SecurityHeaders(app, site.bureau.site.gzip)  # type: ignore[return-value]


GZIP_LEVEL = 1
"""zlib's fastest level: a province's page of 65 kB in about 0.2 ms, to about a tenth of its size
(level 9, Starlette's default, takes ten times as long for a few per cent more)."""
GZIP_MINIMUM = 1024
NOT_COMPRESSED = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
"""Already compressed: a workbook is a zip archive."""


class SecurityHeaders:
    """Adds the security headers to every response (pages, JSON, static files, errors); HSTS over
    HTTPS. With ``gzip`` (``[site] gzip``), an answer of a request over plain HTTP is compressed when
    the browser accepts it; over HTTPS (the bureau's reverse proxy) never: a compressed page that
    holds a secret (the form's CSRF token) beside text the request chose (a search) would let a
    watcher of the encrypted traffic guess the secret from the answers' lengths (BREACH); over plain
    HTTP the watcher reads everything anyway."""

    def __init__(self, app: Starlette, gzip: bool = False) -> None:
        self.app = app
        self.state = app.state
        self.gzip = GZipMiddleware(app, minimum_size=GZIP_MINIMUM, compresslevel=GZIP_LEVEL, exclude_content_types=NOT_COMPRESSED) if gzip else None

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

        if self.gzip is not None and scope.get("scheme") == "http":
            await self.gzip(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
