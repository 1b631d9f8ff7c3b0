"""What awaits the signed-in account (issue 17, point 6), ``/inbox`` (also ``/inbox.json``): the list
of kaohe.office.inbox.awaiting with a link to each; opening it records when the account last looked
(a decision made before is no longer new). The sign-in goes here when something awaits; every page's
header shows the count (``Site.page``)."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..office.inbox import awaiting
from ..store.actor import now
from ..store.store import Store
from .base import Site, wants_json


def routes(site: Site) -> list[Route]:
    """The inbox page of ``site``."""

    def inbox(request: Request, store: Store) -> Response:
        _, as_json = wants_json(request, request.url.path)
        actor = request.state.actor
        today = dt.date.today()
        items = awaiting(store, site.bureau, site.registry, actor, today)
        store.see_inbox(actor.account, now())
        request.state.awaiting = len(items) - sum(1 for i in items if i.kind == "decision")  # seen now
        data = {"account": actor.account, "role": actor.role, "date": today.isoformat(), "items": [i.as_dict() for i in items]}
        if as_json:
            return JSONResponse(data)
        return site.page(request, "inbox.html", **data)

    return [site.route("/inbox", inbox), site.route("/inbox.json", inbox)]
