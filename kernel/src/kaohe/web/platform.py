"""Several bureaus on one site (issue 22, point 2): ``kaohe serve --platform platform.toml``.

Each bureau of the platform's file is the site it is alone (``app.create_app``: its configuration,
units, accounts, data and session key), served under its own host name ``<key>.<domain>``; the
province's pages (kaohe.web.province) under ``<domain>`` itself. A request is handed to the site its
``Host`` names, any other host name is refused: so a bureau's pages, JSON, API, search and evidence
are only ever answered from its own store, and its session cookie — set without a ``Domain``, for
its own host name only, and signed with its own key — is neither sent to nor accepted by another
bureau's host name (docs/site.md, "平台").
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ..office.platform import Platform, check_apart, load_platform
from ..plugins.discovery import load_registry
from ..scheme.bureau import Bureau
from ..store.store import Store
from .app import SecurityHeaders, create_app
from .base import ASGI, HEADERS, STATIC, Message, ProvinceLink, Scope, Site, wants_json
from .province import ProvinceSite, province_routes

ENV = "KAOHE_PLATFORM"
"""The environment variable naming the platform's file for ``kaohe serve --platform``'s workers."""


def create_platform_app(
    platform: Platform | str | Path | None = None, bureaus: Mapping[str, tuple[Bureau, Any]] | None = None,
) -> PlatformApp:
    """The platform's site: every bureau of ``platform`` (default: the file the environment's
    ``KAOHE_PLATFORM`` names), each read from its configuration, or given already read in
    ``bureaus`` (key → (bureau, registry): tests), and the province's pages."""
    if not isinstance(platform, Platform):
        platform = load_platform(platform or os.environ.get(ENV, "platform.toml"))
    Store(platform.database).close()  # the province's accounts: made (and migrated) once
    registry: Any = None
    apps: dict[str, ASGI] = {}
    sites: dict[str, Site] = {}
    for b in platform.bureaus:
        if bureaus is not None and b.key in bureaus:
            bureau, reg = bureaus[b.key]
        else:
            registry = registry if registry is not None else load_registry()
            bureau, reg = None, registry
        app = create_app(b.config, bureau, reg, ProvinceLink(platform, b.key))
        apps[b.host(platform.domain)] = app
        sites[b.key] = app.state.site
    check_apart(platform, {key: site.bureau.database for key, site in sites.items()})  # each bureau's data apart
    province = ProvinceSite(platform, sites)

    def not_found(request: Request, exc: Exception) -> Response:
        if wants_json(request, request.url.path)[1]:
            return JSONResponse({"error": "无此页面"}, status_code=404)
        return HTMLResponse("<!doctype html><meta charset=utf-8><title>404</title><p>无此页面</p>", status_code=404)

    routes: list[BaseRoute] = [*province_routes(province), Mount("/static", StaticFiles(directory=str(STATIC)), name="static")]
    home = Starlette(routes=routes, exception_handlers={404: not_found})
    home.state.site = province
    apps[platform.domain] = SecurityHeaders(home)
    return PlatformApp(platform, apps)


class PlatformApp:
    """Hands each request to the site its ``Host`` header names; refuses every other host name."""

    def __init__(self, platform: Platform, apps: dict[str, ASGI]) -> None:
        self.platform = platform
        self.apps = apps

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1")
                break
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        app = self.apps.get(host.lower().rstrip("."))
        if app is None:
            await self.unknown(scope, send)
            return
        await app(scope, receive, send)

    async def unknown(self, scope: Scope, send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            return
        d = self.platform.domain
        body = (
            f"<!doctype html><meta charset=utf-8><title>404</title><p>此地址不是本平台的网站:省厅请访问 {d},"
            f"各局请访问 局的代号.{d}</p>"
        ).encode()
        await send({
            "type": "http.response.start", "status": 404,
            "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()), *HEADERS],
        })
        await send({"type": "http.response.body", "body": body})
