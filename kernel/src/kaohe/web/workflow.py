"""Sign-off and publication online (issue 17, point 4).

- ``/signoff/{period}``: a department signs off its data of the period (or confirms it had none);
  the office may sign for any department. Shows who signed and when, and asks for a new sign-off
  after a later import. ``POST`` the same path (department, note, the CSRF token).
- ``/publish/{period}``: the office's review before publishing — each department's data and
  sign-off, what stands in the way under the bureau's settings, whom to remind (the departments'
  accounts), the editions, the draft ranking's link, the lock — and the form publishing an edition
  through the same use case as ``kaohe publish`` (kaohe.office.publication.publish_period), into
  the bureau's ``published`` folder. ``POST`` the same path; the form carries the number of the
  latest edition it was shown with, so that a form sent twice (a reload, a double click) does not
  publish twice.
- ``POST /unlock/{period}``: the office unlocks a published period with a reason
  (kaohe.office.lock.unlock, the same as ``kaohe unlock``).

Each page also as JSON; who may do what is decided by kaohe.office.accounts.allowed (actions
``signoff``, ``publish``, ``unlock``; resource kinds ``data`` and ``publication``); every action is
written to the audit trail with the account as the actor (by the use cases)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..core.actor import Actor as Acting
from ..core.errors import KaoheError, Refused
from ..core.periods import Period
from ..office import lock as locking
from ..office.accounts import PUBLISH, READ, SIGN_OFF, UNLOCK, Actor, Resource, allowed
from ..office.overview import review, signoff_view
from ..office.publication import bureau_root, publish_period
from ..office.session import Loaded
from ..office.signoffs import sign_off
from ..scoring.status import departments
from ..store.store import Store
from .base import Site, parse_period, wants_json

NOT_SEEN = "无此期间,或无权查看"


def routes(site: Site) -> list[Route]:
    """The sign-off and publication pages of ``site``."""

    def office() -> Loaded:
        return Loaded(site.bureau, site.registry)

    def period_of(request: Request) -> tuple[Period | None, bool]:
        label, as_json = wants_json(request, request.path_params["period"])
        if request.method == "POST":
            as_json = "application/json" in request.headers.get("accept", "")
        return parse_period(label), as_json

    # --- sign-off ----------------------------------------------------------------------------------

    def signoff_page(request: Request, store: Store, period: Period, as_json: bool, error: str = "", status: int = 200) -> Response:
        actor: Actor = request.state.actor
        shown = [d for d in departments(site.bureau, site.registry) if allowed(actor, READ, Resource("data", department=d))]
        if not shown:
            return site.refuse(request, 403, "只有部门和考核办可以签收数据", as_json)
        rows = [
            {**d, "may_sign": allowed(actor, SIGN_OFF, Resource("data", department=d["department"]))}
            for d in signoff_view(store, site.bureau, site.registry, period, shown)
        ]
        data: dict[str, Any] = {"period": period.label, "name": period.chinese, "departments": rows}
        if as_json:
            return JSONResponse({**data, **({"error": error} if error else {})}, status_code=status)
        return site.page(request, "workflow_signoff.html", status=status, error=error, **data)

    def signoff(request: Request, store: Store) -> Response:
        period, as_json = period_of(request)
        if period is None:
            return site.refuse(request, 404, NOT_SEEN, as_json)
        if request.method == "GET":
            return signoff_page(request, store, period, as_json)
        actor: Actor = request.state.actor
        form = request.state.form
        department, note = str(form.get("department", "")).strip(), str(form.get("note", "")).strip()
        if not allowed(actor, SIGN_OFF, Resource("data", department=department)):
            return signoff_page(request, store, period, as_json, f"无权签收“{department[:40]}”的数据:部门只能签收本部门的数据", 403)
        if len(note) > 500:
            return signoff_page(request, store, period, as_json, f"说明太长:至多 500 字,得到 {len(note)} 字", 400)
        try:
            done = sign_off(office(), department, period, Acting(actor.account), note)
        except KaoheError as exc:
            return signoff_page(request, store, period, as_json, str(exc), 400)
        if as_json:
            return JSONResponse({"department": department, "period": period.label, "signed": True, "empty": done.empty,
                                 "before": done.before and {"actor": done.before["actor"], "time": done.before["time"]}})
        return RedirectResponse(f"/signoff/{period.label}", status_code=303)

    # --- publication -------------------------------------------------------------------------------

    def publish_page(request: Request, store: Store, period: Period, as_json: bool, error: str = "", status: int = 200) -> Response:
        data = review(store, site.bureau, site.registry, period)
        done = request.query_params.get("done", "")
        data["done"] = int(done) if done.isdigit() and len(done) < 6 else None
        data["today"] = dt.date.today().isoformat()
        if as_json:
            return JSONResponse({**data, **({"error": error} if error else {})}, status_code=status)
        return site.page(request, "workflow_publish.html", status=status, error=error, **data)

    def publication(request: Request, store: Store) -> Response:
        period, as_json = period_of(request)
        actor: Actor = request.state.actor
        if not allowed(actor, READ, Resource("publication")):
            return site.refuse(request, 403, "发布页面仅考核办可以查看", as_json)
        if period is None:
            return site.refuse(request, 404, f"期间 “{wants_json(request, request.path_params['period'])[0][:20]}” 不对:应为 2015-04、2015-Q1、2015-H1 或 2015 这样的期间", as_json)
        if request.method == "GET":
            return publish_page(request, store, period, as_json)
        if not allowed(actor, PUBLISH, Resource("publication")):
            return site.refuse(request, 403, "只有考核办可以发布通报", as_json)
        form = request.state.form
        shown = str(form.get("edition", "")).strip()
        latest = store.editions(period.label)
        number = latest[-1]["number"] if latest else 0
        if shown != str(number):
            return publish_page(
                request, store, period, as_json,
                f"本表单打开后 {period.label} 已发布到第{number}版(表单已过期或重复提交),本次未发布:请核对后重新操作", 409,
            )
        day_text = str(form.get("published_on", "")).strip()
        try:
            day = dt.date.fromisoformat(day_text) if day_text else None
        except ValueError:
            return publish_page(request, store, period, as_json, f"公布日期应为 YYYY-MM-DD,如 2026-12-05,得到 “{day_text[:20]}”", 400)
        reason = str(form.get("reason", "")).strip()
        confirm = str(form.get("allow_missing", "")).strip() or None
        try:
            done = publish_period(
                office(), period, actor=Acting(actor.account), out=bureau_root(site.bureau) / "published" / period.label,
                published_on=day, reason=reason, allow_missing=confirm,
            )
        except Refused as exc:  # the command line's hint (--allow-missing) said as this page's field
            why = f"{exc}(在本页的“数据不全仍发布的理由”中写明理由亦可发布)"
            return publish_page(request, store, period, as_json, why, 409)
        except KaoheError as exc:
            return publish_page(request, store, period, as_json, str(exc), 400)
        if as_json:
            return JSONResponse({
                "period": period.label, "number": done.number, "new": done.new, "published_on": done.published_on,
                "reason": done.reason, "digest": done.digest, "warnings": list(done.warnings),
            })
        return RedirectResponse(f"/publish/{period.label}?done={done.number}", status_code=303)

    def unlock(request: Request, store: Store) -> Response:
        period, as_json = period_of(request)
        actor: Actor = request.state.actor
        if period is None or not allowed(actor, UNLOCK, Resource("publication", True)):
            return site.refuse(request, 403, "只有考核办可以解除锁定", as_json)
        try:
            held = locking.unlock(office(), period, str(request.state.form.get("reason", "")), Acting(actor.account))
        except KaoheError as exc:
            return publish_page(request, store, period, as_json, str(exc), 400)
        if as_json:
            return JSONResponse({"period": period.label, "unlocked": held.number})
        return RedirectResponse(f"/publish/{quote(period.label)}", status_code=303)

    return [
        site.route("/signoff/{period}", signoff, ("GET", "POST")),
        site.route("/publish/{period}", publication, ("GET", "POST")),
        site.route("/unlock/{period}", unlock, ("POST",)),
    ]
