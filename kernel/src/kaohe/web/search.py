"""Search (issue 16, point 4), ``/search?q=``: a unit (id or name), an item (id or title), a record
key, answered with links to what the account may see only (kaohe.office.overview.search): a station
searching another unit's record key finds nothing. Also as JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..office.overview import search
from ..store.store import Store
from .base import Site, published, wants_json


def routes(site: Site) -> list[Route]:
    """The search page of ``site``."""

    def find(request: Request, store: Store) -> Response:
        _, as_json = wants_json(request, request.url.path)
        data = search(store, site.bureau, site.registry, request.state.actor, published(store), request.query_params.get("q", ""))
        if as_json:
            return JSONResponse(data)
        return site.page(request, "search.html", **data)

    return [site.route("/search", find), site.route("/search.json", find)]
