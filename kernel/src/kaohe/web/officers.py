"""The second level on the site (issue 21): ``/officers`` the quarters published, ``/officers/{period}``
the unit leader's page — his unit's officers with their scores, ranks, bands, grades and bonus —
and ``/officers/{period}/{officer}`` an officer's own page — his score with its explanation down to
the records, his band, grade and bonus; each also as JSON (``.json``). What an account may open is
decided by kaohe.office.accounts.allowed (an officer: only his own page; a unit's account: its own
officers; the office: every unit's). Read from the stored unit results only (never scored here), the
officers' files and the audit trail's objections (kaohe.plugins.officers), kept per change of the
store and of the officers' files (``memo``)."""

from __future__ import annotations

import os
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..core.decimals import fmt
from ..core.errors import KaoheError
from ..office.accounts import OFFICE, OFFICER, READ, Actor, Resource, allowed
from ..plugins.officers.bonus import yuan
from ..plugins.officers.quarter import TABLE, Quarter, load
from ..plugins.officers.scores import OfficerScore
from ..store.store import Store
from .base import Site, memo, parse_period, published, wants_json


def _files_mark(settings: Any) -> tuple[float, ...]:
    """When the officers' files last changed (they are not in the store)."""
    out = []
    for path in (settings.roster, settings.roles_file, settings.leave_file, settings.records_file):
        try:
            out.append(os.stat(path).st_mtime if path is not None else 0.0)
        except OSError:
            out.append(-1.0)
    return tuple(out)


def _row(s: OfficerScore, amount: int | None) -> dict[str, Any]:
    return {
        "officer": s.officer, "name": s.name, "unit": s.unit, "unit_name": s.unit_name, "status": s.status,
        "coefficient": None if s.coefficient is None else fmt(s.coefficient),
        "unit_score": None if s.unit_score is None else fmt(s.unit_score), "items": fmt(s.items),
        "score": None if s.score is None else fmt(s.score), "ranked": s.ranked, "unit_rank": s.unit_rank,
        "unit_count": s.unit_count, "series": s.series, "rank": s.rank, "count": s.count, "band": s.band,
        "grade": s.grade, "grade_reason": s.grade_reason, "reason": s.tree.reason,
        "bonus": None if amount is None else str(yuan(amount)),
    }


def routes(site: Site) -> list[Route]:
    """The officers' pages of ``site`` (none shown in the header of a bureau without ``[officers]``)."""
    site.templates.globals["officers_on"] = TABLE in site.bureau.plugin_config

    def quarter(store: Store, label: str) -> tuple[Quarter, dict[str, tuple[int, str]]]:
        p = parse_period(label)
        if p is None:
            raise KaoheError(f"没有期间 {label}")
        settings = site.bureau.plugin_config[TABLE]

        def make() -> tuple[Quarter, dict[str, tuple[int, str]]]:
            q = load(store, site.bureau, site.registry, p, refresh=False)
            shares = q.shares()
            return q, ({x.officer: (x.amount, x.reason) for x in shares} if shares is not None else {})

        return memo(store, ("officers", p.label, _files_mark(settings)), make)

    def index(request: Request, store: Store) -> Response:
        _, as_json = wants_json(request, request.url.path)
        actor: Actor = request.state.actor
        if TABLE not in site.bureau.plugin_config:
            return site.refuse(request, 404, "本局未配置民警考核([officers])", as_json)
        done = sorted(label for label in published(store) if (p := parse_period(label)) is not None and p.kind == "quarter")
        rows = []
        for label in done:
            p = parse_period(label)
            assert p is not None
            if actor.role == OFFICER:
                link = f"/officers/{label}/{actor.account}"
            elif actor.role == OFFICE or actor.unit:
                link = f"/officers/{label}"
            else:
                continue
            rows.append({"period": label, "name": p.chinese, "link": link})
        units = [{"unit": u.id, "name": u.name} for u in site.bureau.units] if actor.role == OFFICE else []
        data: dict[str, Any] = {"account": actor.account, "role": actor.role, "periods": rows}
        if as_json:
            return JSONResponse(data)
        return site.page(request, "officers_index.html", units=units, **data)

    def unit_page(request: Request, store: Store) -> Response:
        label, as_json = wants_json(request, request.path_params["period"])
        actor: Actor = request.state.actor
        if TABLE not in site.bureau.plugin_config:
            return site.refuse(request, 404, "本局未配置民警考核([officers])", as_json)
        unit = actor.unit if actor.role != OFFICE else request.query_params.get("unit", "")
        u = site.bureau.unit(unit) if unit else None
        is_pub = label in published(store)
        if u is None or not allowed(actor, READ, Resource("officers", is_pub, unit=u.id)):
            return site.refuse(request, 403, "无权查看此页:单位账号只能查看本单位已发布季度的民警考核结果", as_json)
        try:
            q, bonus = quarter(store, label)
        except KaoheError as exc:
            return site.refuse(request, 404, str(exc), as_json)
        mine = [s for s in q.scores if s.unit == u.id]
        rows = [_row(s, bonus[s.officer][0] if s.officer in bonus else None) for s in mine]
        data: dict[str, Any] = {"period": q.period.label, "name": q.period.chinese, "unit": u.id, "unit_name": u.name, "officers": rows,
                "total": q.totals.get(u.id) and fmt(q.totals[u.id]), "bonus": bool(bonus)}
        if as_json:
            return JSONResponse(data)
        return site.page(request, "officers.html", **data)

    def officer_page(request: Request, store: Store) -> Response:
        officer, as_json = wants_json(request, request.path_params["officer"])
        label = request.path_params["period"]
        actor: Actor = request.state.actor
        if TABLE not in site.bureau.plugin_config:
            return site.refuse(request, 404, "本局未配置民警考核([officers])", as_json)
        is_pub = label in published(store)
        refused = "无权查看此页:民警只能查看本人已发布季度的考核结果"
        if actor.role == OFFICER and officer != actor.account:  # decided before anything is read
            return site.refuse(request, 403, refused, as_json)
        try:
            q, bonus = quarter(store, label)
        except KaoheError as exc:
            return site.refuse(request, 404, str(exc), as_json)
        found = [s for s in q.scores if s.officer == officer]
        if not found or not allowed(actor, READ, Resource("officer", is_pub, unit=found[0].unit, officer=officer)):
            return site.refuse(request, 403, refused, as_json)
        s = found[0]
        amount, why = bonus.get(officer, (None, ""))
        data: dict[str, Any] = {"period": q.period.label, "period_name": q.period.chinese, **_row(s, amount), "bonus_reason": why,
                                "explanation": s.tree.data()}
        if as_json:
            return JSONResponse(data)
        return site.page(request, "officer.html", tree=data["explanation"], **{("state" if k == "status" else k): v for k, v in data.items()})

    return [
        site.route("/officers", index), site.route("/officers.json", index),
        site.route("/officers/{period}", unit_page),
        site.route("/officers/{period}/{officer}", officer_page),
    ]
