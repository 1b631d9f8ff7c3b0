"""The office's dashboard (issue 16, point 4), ``/office``: the data status as a department × month
table (arrived, late, carried over, missing, signed off), the open appeals with their deadlines, the
editions, the last imports and the rejected rows; also as JSON. The office only (resource
``dashboard`` of kaohe.office.accounts.allowed)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..office.accounts import READ, Resource, allowed
from ..office.overview import dashboard
from ..store.store import Store
from .base import Site, wants_json


def routes(site: Site) -> list[Route]:
    """The office's pages of ``site``."""

    def office(request: Request, store: Store) -> Response:
        _, as_json = wants_json(request, request.url.path)
        if not allowed(request.state.actor, READ, Resource("dashboard")):
            return site.refuse(request, 403, "考核办工作台仅考核办可以查看", as_json)
        data = dashboard(store, site.bureau, site.registry)
        if as_json:
            return JSONResponse(data)
        return site.page(request, "dashboard.html", **data)

    return [site.route("/office", office), site.route("/office.json", office)]
