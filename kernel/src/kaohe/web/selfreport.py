"""Units' self-reports on the site (issue 17 point 3): a unit enters its own work for an item open to
self-reports, with its evidence files; the department owning the item accepts it (it becomes a
record, kaohe.office.selfreport) or returns it with a reason; the unit sees the decision and may
enter a corrected one. Who may do what: kaohe.office.accounts.allowed (``report``, ``review``,
``read`` of a ``selfreport``). Every page also as JSON.

- ``GET /reports``: the entries the account may see (a unit: its own; a department: those for its
  items; the office: all), pending first;
- ``GET /reports/new?item=ITEM&corrects=N``: the form; ``POST /reports/new`` (multipart: the fields,
  evidence files, the CSRF token and the form's one-time token);
- ``GET /reports/{id}``: one entry, its evidence and its decision, with the review form for its
  department; ``POST /reports/{id}/decide``;
- ``GET /reports/{id}/evidence/{n}``: an evidence file.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..core.errors import KaoheError
from ..office import evidence as evidence_files
from ..office import selfreport as use_case
from ..office.accounts import DEPARTMENT, OFFICE, READ, REPORT, REVIEW, UNIT, Actor, Resource, allowed
from ..store.store import Store
from .appeals import SiteOffice, acting
from . import evidence as evidence_form
from .base import Site, wants_json

FORM_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
NOT_SEEN = "无此自报,或无权查看"


def resource(entry: dict[str, Any]) -> Resource:
    return Resource("selfreport", unit=str(entry["unit"]), department=str(entry["department"]))


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 12 else None


def routes(site: Site) -> list[Route]:
    """The self-reports' pages of ``site``."""
    office = SiteOffice(site.bureau)
    limits = site.bureau.evidence

    def answer(request: Request, as_json: bool, template: str, data: dict[str, Any], status: int = 200) -> Response:
        if as_json:
            return JSONResponse(data, status_code=status)
        return site.page(request, template, status=status, **data)

    def unit_name(unit: str) -> str:
        u = site.bureau.unit(unit)
        return u.name if u is not None else unit

    def view(e: dict[str, Any]) -> dict[str, Any]:
        item = site.bureau.item(e["item"])
        spec = item.self_report if item is not None else None
        titles = {f.name: f.title for f in spec.fields} if spec is not None else {}
        return {
            "id": e["id"], "unit": e["unit"], "unit_name": unit_name(e["unit"]), "item": e["item"], "title": e["title"],
            "department": e["department"], "date": e["date"], "what": e["what"], "value": e["value"],
            "value_title": spec.value if spec is not None else "", "corrects": e["corrects"],
            "attrs": [{"name": k, "title": titles.get(k, k), "value": v} for k, v in e["attrs"].items()],
            "entered": str(e["time"])[:16].replace("T", " "), "entered_by": e["actor"], "outcome": e["outcome"],
            "decision_reason": e["decision_reason"] or "", "decider": e["decider"] or "",
            "decided": str(e["decided"] or "")[:10], "record": e["record"] or "",
        }

    # --- the list ------------------------------------------------------------------------------

    def queue(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        _, as_json = wants_json(request, request.url.path)
        department = actor.department if actor.role == DEPARTMENT else None
        unit = actor.unit if actor.role == UNIT else None
        if actor.role not in (DEPARTMENT, UNIT, OFFICE):
            return site.refuse(request, 403, "工作自报只对单位、考核项目所属部门和考核办开放", as_json)
        rows = [view(e) for e in store.selfreports(unit=unit, department=department) if allowed(actor, READ, resource(e))]
        rows.sort(key=lambda r: (r["outcome"] is not None, -r["id"]))
        data = {
            "entries": rows, "pending": sum(1 for r in rows if r["outcome"] is None), "role": actor.role,
            "may_report": actor.role == UNIT and bool(use_case.items(site.bureau)),
            "items": [{"id": i.id, "title": i.title, "department": i.department} for i in use_case.items(site.bureau)],
        }
        return answer(request, as_json, "reports.html", data)

    # --- entering ------------------------------------------------------------------------------

    def form_data(request: Request, store: Store, item_id: str, corrects: str, as_json: bool) -> dict[str, Any] | Response:
        actor: Actor = request.state.actor
        if actor.role != UNIT or not allowed(actor, REPORT, Resource("selfreport", unit=actor.unit)):
            return site.refuse(request, 403, "只有单位账号可以自报本单位的工作", as_json)
        open_items = use_case.items(site.bureau)
        if not open_items:
            return site.refuse(request, 404, "本局没有接受单位自报的考核项目", as_json)
        earlier: dict[str, Any] | None = None
        if corrects:
            e = store.selfreport(_number(corrects) or 0)
            if e is None or not allowed(actor, READ, resource(e)) or e["outcome"] != use_case.RETURN:
                return site.refuse(request, 404, f"自报第{corrects[:12]}号不是本单位被退回的自报,不能据以更正", as_json)
            earlier = view(e)
            item_id = item_id or e["item"]
        chosen = site.bureau.item(item_id) if item_id else None
        spec = chosen.self_report if chosen is not None else None
        if item_id and spec is None:
            return site.refuse(request, 400, f"项目 {item_id[:60]} 不接受单位自报", as_json)
        return {
            "items": [{"id": i.id, "title": i.title, "department": i.department} for i in open_items],
            "item": chosen.id if chosen is not None else "", "title": chosen.title if chosen is not None else "",
            "department": chosen.department if chosen is not None else "",
            "value_title": spec.value if spec is not None else "",
            "fields": [{"name": f.name, "title": f.title, "choices": list(f.choices), "required": f.required} for f in spec.fields] if spec else [],
            "unit": actor.unit, "unit_name": unit_name(actor.unit), "corrects": earlier["id"] if earlier else "",
            "earlier": earlier, "max_files": limits.max_files, "max_mb": limits.max_bytes >> 20, "accept": evidence_files.ACCEPTED,
        }

    def new_report(request: Request, store: Store) -> Response:
        _, as_json = wants_json(request, request.url.path)
        if request.method == "GET":
            q = request.query_params
            data = form_data(request, store, q.get("item", ""), q.get("corrects", ""), as_json)
            if isinstance(data, Response):
                return data
            earlier = data["earlier"] or {}
            given = {"date": earlier.get("date", ""), "what": earlier.get("what", ""), "value": earlier.get("value") or "",
                     **{a["name"]: a["value"] for a in earlier.get("attrs", [])}}
            return answer(request, as_json, "reports_new.html", {**data, "form": secrets.token_urlsafe(24), "error": "", "given": given})
        f = request.state.form
        data = form_data(request, store, str(f.get("item", "")), str(f.get("corrects", "")), as_json)
        if isinstance(data, Response):
            return data
        token = str(f.get("form", ""))
        given = {k: str(v) for k, v in f.items() if k not in ("csrf", "form")}

        def again(message: str, status: int) -> Response:
            return answer(request, as_json, "reports_new.html", {**data, "form": token, "error": message, "given": given}, status)

        if not FORM_TOKEN.match(token):
            return again("表单已失效:请重新打开自报页面后提交", 400)
        if not data["item"]:
            return again("请选择自报的考核项目", 400)
        actor: Actor = request.state.actor
        try:
            entry = use_case.enter(
                office, actor.unit, data["item"], given.get("date", ""), given.get("what", ""), actor=acting(actor),
                value=given.get("value", ""), attrs={x["name"]: given.get(x["name"], "") for x in data["fields"]},
                evidence=request.state.files, form=token, corrects=data["corrects"] or None,
            )
        except KaoheError as exc:
            return again(str(exc), 409 if "已提交过" in str(exc) else 400)
        if as_json:
            return JSONResponse({"id": entry["id"], "entry": f"/reports/{entry['id']}"}, status_code=201)
        return RedirectResponse(f"/reports/{entry['id']}", status_code=303)

    # --- one entry and its review ------------------------------------------------------------

    def one(request: Request, store: Store, entry_id: str, as_json: bool, error: str = "", status: int = 200) -> Response:
        actor: Actor = request.state.actor
        number = _number(entry_id)
        e = store.selfreport(number) if number is not None else None
        if e is None or not allowed(actor, READ, resource(e)):
            return site.refuse(request, 404, NOT_SEEN, as_json)
        later = [x["id"] for x in store.selfreports(unit=e["unit"]) if x["corrects"] == e["id"]]
        may_review = e["outcome"] is None and allowed(actor, REVIEW, resource(e))
        data = {
            **view(e), "evidence": [
                {**f, "n": n, "url": f"/reports/{e['id']}/evidence/{n}", "kb": max(1, int(f["size"]) // 1024)}
                for n, f in enumerate(e["evidence"], start=1)
            ],
            "may_review": may_review, "held": use_case.held(office, store, e) if may_review else None,
            "may_correct": e["outcome"] == use_case.RETURN and actor.role == UNIT and not later
            and allowed(actor, REPORT, resource(e)),
            "corrected_by": later, "outcomes": use_case.OUTCOMES, "error": error,
        }
        return answer(request, as_json, "reports_one.html", data, status)

    def entry_page(request: Request, store: Store) -> Response:
        entry_id, as_json = wants_json(request, request.path_params["entry"])
        return one(request, store, entry_id, as_json)

    def decide(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        entry_id = request.path_params["entry"]
        as_json = "application/json" in request.headers.get("accept", "")
        number = _number(entry_id)
        e = store.selfreport(number) if number is not None else None
        if e is None or not allowed(actor, READ, resource(e)):
            return site.refuse(request, 404, NOT_SEEN, as_json)
        if not allowed(actor, REVIEW, resource(e)):
            return one(request, store, entry_id, as_json, f"只有{e['department']}(该项目所属部门)或考核办可以审核这份自报", 403)
        f = request.state.form
        outcome, reason = (str(f.get(k, "")).strip() for k in ("outcome", "reason"))
        try:
            use_case.decide(
                office, e["id"], outcome, reason, actor=acting(actor),
                department=actor.department if actor.role == DEPARTMENT else None,
            )
        except KaoheError as exc:
            return one(request, store, entry_id, as_json, str(exc), 409 if "不可更改" in str(exc) else 400)
        if as_json:
            return JSONResponse({"id": e["id"], "outcome": outcome})
        return RedirectResponse(f"/reports/{e['id']}", status_code=303)

    def evidence(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        number, n = _number(request.path_params["entry"]), request.path_params["n"]
        e = store.selfreport(number) if number is not None else None
        if e is None or not allowed(actor, READ, resource(e)) or not n.isdigit() or not 1 <= int(n) <= len(e["evidence"]):
            return site.refuse(request, 404, "无此证据文件,或无权查看", False)
        meta = e["evidence"][int(n) - 1]
        return evidence_form.file_response(site, request, meta)

    return [
        site.route("/reports", queue),
        site.route("/reports.json", queue),
        evidence_form.form_route(site, "/reports/new", new_report, "自报页面", max_fields=40),
        site.route("/reports/{entry}", entry_page),
        site.route("/reports/{entry}/decide", decide, ("POST",)),
        site.route("/reports/{entry}/evidence/{n}", evidence),
    ]
