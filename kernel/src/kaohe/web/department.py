"""A department's page (issue 16, point 4): its items across all units — each item's points per unit
and their spread (min, median, max, how many units triggered it) — and its data status in the
period (arrived, late, carried over, missing, signed off); also as JSON. A department's account sees
its own department only, drafts too; the office every department; leaders once published; a unit
none (kaohe.office.accounts.allowed, resources ``item`` and ``data``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..office.accounts import READ, SIGN_OFF, Actor, Resource, allowed, departments_of, sight
from ..office.overview import department_items, department_status
from ..store.store import Store
from .base import CHANGED, Site, changed, parse_period, published, wants_json

REFUSED = "无此部门或期间,或无权查看该部门在该期间的页面"


def routes(site: Site) -> list[Route]:
    """The department's pages of ``site``."""

    def may_read(actor: Actor, department: str, is_pub: bool) -> bool:
        return department in departments_of(site.bureau) and all(
            allowed(actor, READ, Resource(kind, is_pub, department=department)) for kind in ("item", "data")
        )

    def latest(request: Request, store: Store) -> Response:
        """``/department/{dept}``: the latest period the account may open for it (a month first)."""
        actor: Actor = request.state.actor
        department, as_json = wants_json(request, request.path_params["dept"])
        done = published(store)
        labels = [p for p in sight(actor).periods(done, store.stored_periods()) if may_read(actor, department, p in done)]
        months = [p for p in labels if (q := parse_period(p)) is not None and q.kind == "month"]
        if not labels:
            return site.refuse(request, 403, REFUSED, as_json)
        target = f"/department/{quote(department, safe='')}/{max(months) if months else labels[-1]}"
        return RedirectResponse(target + (".json" if request.path_params["dept"].endswith(".json") else ""), status_code=303)

    def page(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        department = request.path_params["dept"]
        label, as_json = wants_json(request, request.path_params["period"])
        period = parse_period(label)
        done = published(store)
        is_pub = label in done
        if period is not None and not sight(actor).drafts and not is_pub and changed(store, label):
            return site.refuse(request, 403, CHANGED.format(period.chinese), as_json)
        if period is None or not may_read(actor, department, is_pub):
            return site.refuse(request, 403, REFUSED, as_json)
        items = department_items(store, site.bureau, department, period)
        scored = items is not None
        if items is None:  # not scored yet: the department still sees its data's status and signs it off
            items = {"items": [], "units": []}
        seen = sight(actor)
        units = [
            {**u, "link": seen.sees_unit(u["unit"], is_pub) and allowed(actor, READ, Resource("unit", is_pub, unit=u["unit"]))}
            for u in items["units"]
        ]
        others = [
            p for p in seen.periods(done, store.stored_periods()) if p != label and may_read(actor, department, p in done)
        ]
        data: dict[str, Any] = {
            "department": department, "period": label, "name": period.chinese, "published": is_pub, "scored": scored,
            "items": items["items"], "units": units, "data_status": department_status(store, site.bureau, site.registry, department, period),
            "periods": others, "ranking": allowed(actor, READ, Resource("ranking", is_pub)),
            "sign_off": allowed(actor, SIGN_OFF, Resource("data", department=department)),
        }
        if as_json:
            return JSONResponse(data)
        return site.page(request, "department.html", names={u["unit"]: u for u in units}, **data)

    return [
        site.route("/department/{dept}", latest),
        site.route("/department/{dept}/{period}", page),
    ]
