"""The second level on the site (issue 21): ``/officers`` the quarters published, ``/officers/{period}``
the unit leader's page — his unit's officers with their scores, ranks, bands, grades and bonus —
and ``/officers/{period}/{officer}`` an officer's own page — his score with its explanation down to
the records, his band, grade and bonus; each also as JSON (``.json``). What an account may open is
decided by kaohe.office.accounts.allowed (an officer: only his own page; a unit's account: its own
officers; the office: every unit's). Read from the stored unit results only (never scored here), the
officers' files and the audit trail's objections (kaohe.plugins.officers), kept per change of the
store and of the officers' files (``memo``)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..core.decimals import fmt
from ..core.errors import KaoheError
from ..office.accounts import APPEAL, DECIDE, OFFICE, OFFICER, READ, Actor, Resource, allowed
from ..office.plugin_editions import PluginEdition
from ..office.plugin_editions import editions as plugin_editions
from ..plugins.officers.bonus import yuan
from ..plugins.officers.editions import KIND, decide_objection, file_unit, publish_unit
from ..plugins.officers.objections import DAYS, filed, objections, publication, raise_objection
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


def _edition(e: PluginEdition) -> dict[str, Any]:
    return {"number": e.number, "label": e.label, "stage": e.stage, "time": e.time[:19].replace("T", " "), "actor": e.actor,
            "digest": e.digest, "reason": e.reason, "changes": list(e.changes), "directory": e.directory, "files": dict(e.files)}


def _state(store: Store, period: str, unit: str) -> dict[str, Any]:
    """The unit's internal publication of the quarter, its filing with the office and its editions."""
    start = publication(store, period, unit)
    f = filed(store, period, unit)
    return {
        "publication": None if start is None else {"from": start.isoformat(), "until": (start + dt.timedelta(days=DAYS - 1)).isoformat()},
        "filed": None if not f else {"on": f.get("on"), "actor": f.get("actor"), "digest": f.get("digest")},
        "editions": [_edition(e) for e in plugin_editions(store, KIND, period, unit)],
    }


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise KaoheError(f"日期应写作 2010-06-22,得到 “{text[:20]}”") from None


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
        rows: list[dict[str, Any]] = []
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
        if actor.role == OFFICE:  # the units' officer results published inside them and filed with the office: their latest editions
            names = {u.id: u.name for u in site.bureau.units}
            for row in rows:
                latest: dict[str, PluginEdition] = {}
                for e in plugin_editions(store, KIND, row["period"]):
                    latest[e.unit] = e
                row["units"] = [
                    {"unit": x, "unit_name": names.get(x, x), "filed": bool(filed(store, row["period"], x)), **_edition(e),
                     "link": f"/officers/{row['period']}?unit={x}"}
                    for x, e in sorted(latest.items())
                ]
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
        return unit_view(request, store, q, bonus, u, is_pub, as_json)

    def unit_view(request: Request, store: Store, q: Quarter, bonus: dict[str, tuple[int, str]], u: Any, is_pub: bool, as_json: bool,
                  error: str = "", status: int = 200) -> Response:
        actor: Actor = request.state.actor
        mine = [s for s in q.scores if s.unit == u.id]
        names = {s.officer: s.name for s in mine}
        rows = [_row(s, bonus[s.officer][0] if s.officer in bonus else None) for s in mine]
        found = [{"id": o.id, "officer": o.officer, "name": names.get(o.officer, ""), "text": o.text, "raised_on": o.raised_on.isoformat(),
                  "decision": o.decision or None, "state": o.state, "reason": o.reason, "decided_by": o.decided_by or None}
                 for o in objections(store, q.period.label, u.id)]
        data: dict[str, Any] = {"period": q.period.label, "name": q.period.chinese, "unit": u.id, "unit_name": u.name, "officers": rows,
                "total": q.totals.get(u.id) and fmt(q.totals[u.id]), "bonus": bool(bonus), **_state(store, q.period.label, u.id),
                "objections": found, "may_act": allowed(actor, DECIDE, Resource("officers", is_pub, unit=u.id))}
        if as_json:
            return JSONResponse({**data, **({"error": error} if error else {})}, status_code=status)
        return site.page(request, "officers.html", status=status, error=error, today=dt.date.today().isoformat(),
                         query=f"?unit={u.id}" if actor.role == OFFICE else "", **data)

    def unit_act(request: Request, store: Store) -> Response:
        """POST /officers/{period}/{act}: the unit publishes its officers' results inside the unit
        (``publish``: the first day), decides an objection (``decide``: number, uphold or dismiss, points,
        reason) or files them with the office (``file``: the day); each an edition."""
        label, act = request.path_params["period"], request.path_params["act"]
        as_json = "application/json" in request.headers.get("accept", "")
        actor: Actor = request.state.actor
        if TABLE not in site.bureau.plugin_config or act not in ("publish", "decide", "file"):
            return site.refuse(request, 404, "没有此页", as_json)
        unit = actor.unit if actor.role != OFFICE else request.query_params.get("unit", "")
        u = site.bureau.unit(unit) if unit else None
        is_pub = label in published(store)
        if u is None or not allowed(actor, DECIDE, Resource("officers", is_pub, unit=u.id)):
            return site.refuse(request, 403, "无权操作:只有本单位账号可以公布本单位民警考核结果、决定异议和报考核办备案", as_json)
        try:
            q, bonus = quarter(store, label)
        except KaoheError as exc:
            return site.refuse(request, 404, str(exc), as_json)
        form = request.state.form
        who = actor.account
        try:
            if act == "publish":
                day = _day(str(form.get("date", "")))
                if day < dt.date.today():  # the officers object here: an earlier first day would give them fewer than 3 days
                    raise KaoheError(f"内部公布的第一天不能早于今天({dt.date.today().isoformat()}):民警在网站上要有完整的3天提出异议")
                until, edition = publish_unit(store, q, u.id, day, who)
                done: dict[str, Any] = {"until": until.isoformat(), "edition": _edition(edition)}
            elif act == "file":
                day = _day(str(form.get("date", "")))
                if day > dt.date.today():  # filed now: a later date would end the officers' 3 days of objections today
                    raise KaoheError(f"报送日期不能晚于今天({dt.date.today().isoformat()}):备案在报送之日记录,不能预先报送")
                _, edition = file_unit(store, q, u.id, u.name, day, who)
                done = {"edition": _edition(edition)}
            else:
                number = str(form.get("objection", "")).strip()
                mine = {o.id for o in objections(store, q.period.label, u.id)}
                if not (number.isascii() and number.isdigit() and len(number) < 12 and int(number) in mine):
                    raise KaoheError(f"本单位 {q.period.label} 没有第 {number[:12]} 号异议")
                choice = str(form.get("decision", ""))
                if choice not in ("uphold", "dismiss"):
                    raise KaoheError("请选择“采纳”或“驳回”")
                points: Decimal | None = None
                text = str(form.get("points", "")).strip()
                if text:
                    try:
                        points = Decimal(text)
                    except InvalidOperation:
                        raise KaoheError(f"更正分值应为数字(分,如 2 或 -1.5),得到 “{text[:20]}”") from None
                    if not points.is_finite() or abs(points) > 1000 or points != points.quantize(Decimal("0.01")):
                        raise KaoheError(f"更正分值应为 -1000 至 1000 的数字(分,最多两位小数),得到 “{text[:20]}”")
                o, later = decide_objection(store, site.bureau, q.period, int(number), choice == "uphold", points or None,
                                            str(form.get("reason", ""))[:500], who)
                done = {"objection": o.id, "state": o.state, "edition": None if later is None else _edition(later)}
        except KaoheError as exc:
            return unit_view(request, store, q, bonus, u, is_pub, as_json, str(exc), 400)
        if as_json:
            return JSONResponse(done)
        return RedirectResponse(f"/officers/{q.period.label}" + (f"?unit={u.id}" if actor.role == OFFICE else ""), status_code=303)

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
        return officer_view(request, store, q, bonus, found[0], is_pub, as_json)

    def officer_view(request: Request, store: Store, q: Quarter, bonus: dict[str, tuple[int, str]], s: OfficerScore, is_pub: bool,
                     as_json: bool, error: str = "", status: int = 200) -> Response:
        actor: Actor = request.state.actor
        amount, why = bonus.get(s.officer, (None, ""))
        state = _state(store, q.period.label, s.unit)
        window = state["publication"]
        today = dt.date.today().isoformat()
        mine = [{"id": o.id, "text": o.text, "raised_on": o.raised_on.isoformat(), "state": o.state, "reason": o.reason}
                for o in objections(store, q.period.label, s.unit) if o.officer == s.officer]
        data: dict[str, Any] = {"period": q.period.label, "period_name": q.period.chinese, **_row(s, amount), "bonus_reason": why,
                                "explanation": s.tree.data(), "publication": window, "filed": state["filed"],
                                "edition": state["editions"][-1] if state["editions"] else None, "objections": mine,
                                "may_object": bool(allowed(actor, APPEAL, Resource("officer", is_pub, unit=s.unit, officer=s.officer))
                                                   and window and window["from"] <= today <= window["until"] and not state["filed"])}
        if as_json:
            return JSONResponse({**data, **({"error": error} if error else {})}, status_code=status)
        return site.page(request, "officer.html", status=status, error=error, tree=data["explanation"],
                         **{("state" if k == "status" else k): v for k, v in data.items()})

    def officer_object(request: Request, store: Store) -> Response:
        """POST /officers/{period}/{officer}/object: the officer's objection to his own result (text),
        within the 3 days of the unit's internal publication."""
        label, officer = request.path_params["period"], request.path_params["officer"]
        as_json = "application/json" in request.headers.get("accept", "")
        actor: Actor = request.state.actor
        if TABLE not in site.bureau.plugin_config:
            return site.refuse(request, 404, "本局未配置民警考核([officers])", as_json)
        refused = "无权提出异议:民警只能对本人的考核结果提出异议"
        if actor.role != OFFICER or officer != actor.account:
            return site.refuse(request, 403, refused, as_json)
        try:
            q, bonus = quarter(store, label)
        except KaoheError as exc:
            return site.refuse(request, 404, str(exc), as_json)
        found = [s for s in q.scores if s.officer == officer]
        is_pub = label in published(store)
        if not found or not allowed(actor, APPEAL, Resource("officer", is_pub, unit=found[0].unit, officer=officer)):
            return site.refuse(request, 403, refused, as_json)
        text = str(request.state.form.get("text", ""))
        if len(text) > 500:
            return officer_view(request, store, q, bonus, found[0], is_pub, as_json, f"异议理由太长:至多 500 字,得到 {len(text)} 字", 400)
        try:
            number = raise_objection(store, q.period.label, found[0], text, dt.date.today(), actor.account)
        except KaoheError as exc:
            return officer_view(request, store, q, bonus, found[0], is_pub, as_json, str(exc), 400)
        if as_json:
            return JSONResponse({"objection": number})
        return RedirectResponse(f"/officers/{q.period.label}/{officer}", status_code=303)

    return [
        site.route("/officers", index), site.route("/officers.json", index),
        site.route("/officers/{period}", unit_page),
        site.route("/officers/{period}/{act}", unit_act, ("POST",)),
        site.route("/officers/{period}/{officer}", officer_page),
        site.route("/officers/{period}/{officer}/object", officer_object, ("POST",)),
    ]
