"""The appeals on the site (issue 17, point 5): a unit appeals one deduction of a published edition
with its reason and evidence files; the department that owns the item decides it (维持, 改分, 撤销记录);
the unit sees the decision. Filing and deciding go through the same use cases as ``kaohe appeal
file`` and ``kaohe appeal decide`` (kaohe.office.appeals), with the signed-in account as the actor;
who may do what is decided by kaohe.office.accounts.allowed (``appeal``, ``decide``; ``read`` of an
``appeal`` and of its ``evidence``). Every page also as JSON.

- ``GET /appeals/new/{period}/{unit}?item=ITEM&record=KEY``: the deduction and the form;
  ``POST`` the same path (multipart: reason, evidence files, the CSRF token and the form's one-time token);
- ``GET /appeals``: the appeals the account may see (a department: those against its items; a unit:
  its own; the office: all), pending first;
- ``GET /appeals/{id}``: one appeal, its evidence and its decision, with the decision form for the
  department; ``POST /appeals/{id}/decide``;
- ``GET /appeals/{id}/evidence/{n}``: an evidence file (images and PDFs shown, anything else downloaded).
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..contract.registry import Registry
from ..core.actor import Actor as Acting
from ..core.errors import KaoheError
from ..office import appeals as use_case
from ..office import evidence as evidence_files
from ..office.accounts import APPEAL, DECIDE, DEPARTMENT, OFFICE, READ, UNIT, Actor, Resource, allowed
from ..plugins.discovery import load_registry
from ..scheme.bureau import Bureau
from ..store.store import Store
from . import evidence as evidence_form
from .base import Site, parse_period, wants_json

FORM_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
NOT_SEEN = "无此复查申请,或无权查看"


@cache
def _registry() -> Registry:
    return load_registry()


@attrs.frozen
class SiteOffice:
    """The site's :class:`kaohe.office.session.Office`: its bureau; the registry found when first asked."""

    bureau: Bureau

    @property
    def registry(self) -> Registry:
        return _registry()

    def store(self, readonly: bool = False) -> Store:
        return Store(self.bureau.database, readonly=readonly)


def acting(actor: Actor) -> Acting:
    """The audit trail's actor: the account."""
    return Acting(actor.account)


def decider(actor: Actor) -> str:
    """Who decided, as the decision records it (``--by`` at the command line)."""
    where = actor.department if actor.role == DEPARTMENT else actor.role
    return f"{where} {actor.name}".strip()


def resource(kind: str, appeal: dict[str, Any]) -> Resource:
    return Resource(kind, True, unit=str(appeal["unit"]), department=str(appeal["department"]))


def routes(site: Site) -> list[Route]:
    """The appeals' pages of ``site``."""
    office = SiteOffice(site.bureau)
    limits = site.bureau.evidence

    def answer(request: Request, as_json: bool, template: str, data: dict[str, Any], status: int = 200) -> Response:
        if as_json:
            return JSONResponse(data, status_code=status)
        return site.page(request, template, status=status, **data)

    # --- filing ----------------------------------------------------------------------------------

    def form_data(request: Request, store: Store, label: str, unit: str, item: str, record: str, as_json: bool) -> dict[str, Any] | Response:
        actor: Actor = request.state.actor
        period = parse_period(label)
        u = site.bureau.unit(unit)
        if period is None or u is None or not store.editions(label):
            return site.refuse(request, 404, "该期间尚未发布通报,或无此单位:没有可申请复查的扣分", as_json)
        if not allowed(actor, APPEAL, Resource("appeal", True, unit=u.id)):
            return site.refuse(request, 403, "只有本单位(或考核办)可对本单位的扣分申请复查", as_json)
        if not item:
            return site.refuse(request, 400, "缺少要申请复查的项目(item)", as_json)
        try:
            d = use_case.deduction(store, site.bureau, period, u.id, item, record or None)
        except KaoheError as exc:
            return site.refuse(request, 404, str(exc), as_json)
        return {**d, "max_files": limits.max_files, "max_mb": limits.max_bytes >> 20, "accept": evidence_files.ACCEPTED}

    def new_appeal(request: Request, store: Store) -> Response:
        unit, as_json = wants_json(request, request.path_params["unit"])
        label = request.path_params["period"]
        if request.method == "GET":
            q = request.query_params
            data = form_data(request, store, label, unit, q.get("item", ""), q.get("record", ""), as_json)
            if isinstance(data, Response):
                return data
            return answer(request, as_json, "appeals_new.html", {**data, "form": secrets.token_urlsafe(24), "error": "", "reason": ""})
        f = request.state.form
        item, record, reason, token = (str(f.get(k, "")) for k in ("item", "record", "reason", "form"))
        data = form_data(request, store, label, unit, item, record, as_json)
        if isinstance(data, Response):
            return data
        actor: Actor = request.state.actor

        def again(message: str, status: int) -> Response:
            return answer(request, as_json, "appeals_new.html", {**data, "form": token, "error": message, "reason": reason}, status)

        if not FORM_TOKEN.match(token):
            return again("表单已失效:请重新打开申请复查页面后提交", 400)
        uploads = request.state.files
        period = parse_period(label)
        assert period is not None  # form_data refused it otherwise
        try:
            filed = use_case.file(
                office, period, data["unit"], item, reason, actor=acting(actor),
                record=record or None, evidence=uploads, form=token,
            )
        except KaoheError as exc:
            return again(str(exc), 409 if "已提交过" in str(exc) or "已有未决" in str(exc) else 400)
        if as_json:
            return JSONResponse({"id": filed["id"], "appeal": f"/appeals/{filed['id']}"}, status_code=201)
        return RedirectResponse(f"/appeals/{filed['id']}", status_code=303)

    # --- the queue and one appeal ----------------------------------------------------------------

    def queue(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        _, as_json = wants_json(request, request.url.path)
        department = actor.department if actor.role == DEPARTMENT else None
        unit = actor.unit if actor.role == UNIT else None
        rows = [
            view(a) for a in store.appeals(department=department, unit=unit)
            if allowed(actor, READ, resource("appeal", a))
        ]
        rows.sort(key=lambda r: (r["outcome"] is not None, r["deadline"], r["id"]))
        data = {
            "appeals": rows, "pending": sum(1 for r in rows if r["outcome"] is None), "role": actor.role,
            "deciding": actor.role in (DEPARTMENT, OFFICE),
        }
        return answer(request, as_json, "appeals.html", data)

    def view(a: dict[str, Any]) -> dict[str, Any]:
        u = site.bureau.unit(a["unit"])
        return {
            "id": a["id"], "period": a["period"], "edition_number": a["edition_number"], "unit": a["unit"],
            "unit_name": u.name if u is not None else a["unit"], "item": a["item"], "title": a["title"],
            "department": a["department"], "record": a["record"] or "", "points": a["points"], "line": use_case.appeal_line(a),
            "reason": a["reason"], "received": a["received"], "deadline": a["deadline"], "filed_by": a["actor"],
            "outcome": a["outcome"], "new_points": a["new_points"], "decider": a["decider"],
            "decision_reason": a["decision_reason"], "decided": (a["decided"] or "")[:10],
        }

    def one(request: Request, store: Store, appeal_id: str, as_json: bool, error: str = "", status: int = 200) -> Response:
        actor: Actor = request.state.actor
        a = store.appeal(int(appeal_id)) if appeal_id.isascii() and appeal_id.isdigit() and len(appeal_id) < 12 else None
        if a is None or not allowed(actor, READ, resource("appeal", a)):
            return site.refuse(request, 404, NOT_SEEN, as_json)
        files = store.appeal_evidence(a["id"]) if allowed(actor, READ, resource("evidence", a)) else []
        data = {
            **view(a), "evidence": [
                {**f, "n": n, "url": f"/appeals/{a['id']}/evidence/{n}", "kb": max(1, int(f["size"]) // 1024)}
                for n, f in enumerate(files, start=1)
            ],
            "may_decide": a["outcome"] is None and allowed(actor, DECIDE, resource("appeal", a)),
            "outcomes": use_case.OUTCOMES, "whole_item": not a["record"], "error": error,
        }
        return answer(request, as_json, "appeals_one.html", data, status)

    def appeal_page(request: Request, store: Store) -> Response:
        appeal_id, as_json = wants_json(request, request.path_params["appeal"])
        return one(request, store, appeal_id, as_json)

    def decide(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        appeal_id = request.path_params["appeal"]
        as_json = "application/json" in request.headers.get("accept", "")
        a = store.appeal(int(appeal_id)) if appeal_id.isascii() and appeal_id.isdigit() and len(appeal_id) < 12 else None
        if a is None or not allowed(actor, READ, resource("appeal", a)):
            return site.refuse(request, 404, NOT_SEEN, as_json)
        if not allowed(actor, DECIDE, resource("appeal", a)):
            return one(request, store, appeal_id, as_json, f"只有{a['department']}(该项目所属部门)或考核办可以决定这件复查申请", 403)
        f = request.state.form
        outcome, reason, points_text = (str(f.get(k, "")).strip() for k in ("outcome", "reason", "points"))
        points: Decimal | None = None
        if outcome == "改分":
            try:
                points = Decimal(points_text)
                if not points.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                return one(request, store, appeal_id, as_json, f"改后分值应为数字(如 -0.5 或 0),得到 “{points_text[:20]}”", 400)
        try:
            use_case.decide(office, a["id"], outcome, decider(actor), reason, points=points, actor=acting(actor))
        except KaoheError as exc:
            status = 409 if "不可更改" in str(exc) else 400
            return one(request, store, appeal_id, as_json, str(exc), status)
        if as_json:
            return JSONResponse({"id": a["id"], "outcome": outcome})
        return RedirectResponse(f"/appeals/{a['id']}", status_code=303)

    def evidence(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        appeal_id, n = request.path_params["appeal"], request.path_params["n"]
        a = store.appeal(int(appeal_id)) if appeal_id.isascii() and appeal_id.isdigit() and len(appeal_id) < 12 else None
        if a is None or not allowed(actor, READ, resource("evidence", a)):
            return site.refuse(request, 404, "无此证据文件,或无权查看", False)
        files = store.appeal_evidence(a["id"])
        if not (n.isascii() and n.isdigit()) or not 1 <= int(n) <= len(files):
            return site.refuse(request, 404, "无此证据文件,或无权查看", False)
        meta = files[int(n) - 1]
        return evidence_form.file_response(site, request, meta)

    return [
        evidence_form.form_route(site, "/appeals/new/{period}/{unit}", new_appeal, "申请复查页面", max_fields=20),
        site.route("/appeals", queue),
        site.route("/appeals.json", queue),
        site.route("/appeals/{appeal}", appeal_page),
        site.route("/appeals/{appeal}/decide", decide, ("POST",)),
        site.route("/appeals/{appeal}/evidence/{n}", evidence),
    ]

