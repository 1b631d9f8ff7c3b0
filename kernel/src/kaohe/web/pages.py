"""The site's pages for reading results (issue 16): signing in and out, the periods an account may
see, a period's ranking, a unit's drill-down total → category → item → record (with its change from
the previous period, its months' trends, the appeal window; an item's record lines loaded on demand),
the items' history over the months, and a record's page; each also as JSON under the same permissions. They read the stored results only: a page never
scores."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..core.decimals import D
from ..core.periods import Period
from ..office.accounts import APPEAL, OFFICE, PASSWORD_MAX, PROVINCE, READ, Actor, Resource, SignInRefused, allowed, sight, sign_in, sign_out
from ..office.history import appeal_window, appealable, change, item_history, trends
from ..office.inbox import awaiting
from ..office.results import explanation_data, staleness, stored_result
from ..scoring.status import data_status
from ..store.store import Store
from .base import CHANGED, Site, changed, memo, parse_period, published, signed, wants_json
from .charts import line_chart


def routes(site: Site) -> list[Route]:
    """The reading pages of ``site``."""

    # --- pages -----------------------------------------------------------------------------------

    def home(request: Request, store: Store) -> Response:
        return RedirectResponse("/periods" if request.state.actor else "/login", status_code=303)

    def login(request: Request, store: Store) -> Response:
        if request.method == "GET":
            return site.page(request, "login.html", error="", account="")
        account = str(request.state.form.get("account", ""))[:64]
        password = str(request.state.form.get("password", ""))[: PASSWORD_MAX + 1]  # a longer one is refused
        where = request.client.host if request.client else ""
        try:
            actor = sign_in(store, site.bureau.site, account, password, where)
        except SignInRefused as exc:
            return site.page(request, "login.html", status=401, error=str(exc), account=account)
        request.state.session = {"a": actor.account, "s": actor.stamp, "c": secrets.token_urlsafe(32)}
        request.state.actor = actor
        waiting = awaiting(store, site.bureau, site.registry, actor, dt.date.today())
        return RedirectResponse("/inbox" if waiting else "/periods", status_code=303)

    def logout(request: Request, store: Store) -> Response:
        actor = request.state.actor
        if actor is not None and actor.role != PROVINCE:  # the province's account is not this bureau's: its cookie ends here
            sign_out(store, actor)
        request.state.session = {"c": secrets.token_urlsafe(32)}
        request.state.actor = None
        return RedirectResponse("/login", status_code=303)

    def periods(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        _, as_json = wants_json(request, request.url.path)
        done = published(store)
        seen = sight(actor)
        rows = []
        for label in seen.periods(done, store.stored_periods()):
            p = parse_period(label)
            if p is None:
                continue
            is_pub = label in done
            rows.append({
                "period": label, "name": p.chinese, "published": is_pub,
                "ranking": allowed(actor, READ, Resource("ranking", is_pub)),
                "unit": actor.unit if actor.unit and allowed(actor, READ, Resource("unit", is_pub, unit=actor.unit)) else None,
            })
        data: dict[str, Any] = {"account": actor.account, "role": actor.role, "periods": rows}
        if as_json:
            return JSONResponse(data)
        return site.page(request, "periods.html", **data)

    def ranking(request: Request, store: Store) -> Response:
        actor: Actor = request.state.actor
        label, as_json = wants_json(request, request.path_params["period"])
        period = parse_period(label)
        with store.snapshot():  # one committed state for everything the page reads
            done = published(store)
            is_pub = label in done
            if period is not None and not sight(actor).drafts and not is_pub and changed(store, label):
                return site.refuse(request, 403, CHANGED.format(period.chinese), as_json)
            if period is None or not allowed(actor, READ, Resource("ranking", is_pub)):
                return site.refuse(request, 404 if period is None else 403, "无此期间,或无权查看该期间的排名", as_json)
            before = period.previous()
            # the change is shown against the previous period only if this account may see its ranking
            compare = allowed(actor, READ, Resource("ranking", before.label in done))
            view = memo(store, ("ranking", label, compare), lambda: ranking_view(store, period, before if compare else None, label))
            if view is None:
                return site.refuse(request, 404, f"{period.chinese}尚无已保存的计算结果", as_json)
            stale = stale_for(actor, store, period)
        seen = sight(actor)
        # the units whose page the account may open: the same for every account of its role, unit and
        # departments, kept per change of the store (2,000 permission checks a request otherwise)
        links: frozenset[str] = memo(store, ("ranking-links", label, is_pub, actor.role, actor.unit, actor.department), lambda: frozenset(
            u["unit"] for s in view["series"] for u in s["units"]
            if seen.sees_unit(u["unit"], is_pub) and allowed(actor, READ, Resource("unit", is_pub, unit=u["unit"]))
        ))
        data: dict[str, Any] = {
            "period": label, "name": period.chinese, "published": is_pub, "previous": view["previous"],
            "series": view["series"], "missing": view["missing"], "data_status": view["status"], "stale": stale,
        }
        if as_json:
            series = [{**s, "units": [{**u, "link": u["unit"] in links} for u in s["units"]]} for s in view["series"]]
            return JSONResponse({**data, "series": series})
        rows_html = view["rows_html"]
        bodies = {}
        for s in view["series"]:
            rows = rows_html[s["series"]]
            if links.issuperset(rows["units"]):
                bodies[s["series"]] = rows["linked"]
            elif links.isdisjoint(rows["units"]):
                bodies[s["series"]] = rows["plain"]
            else:  # a station's own series: its own row linked
                bodies[s["series"]] = Markup("").join(rows["units"][u["unit"]][u["unit"] in links] for u in s["units"])
        return site.page(request, "ranking.html", bodies=bodies, before=period.previous().chinese, **data)

    def ranking_rows_html(view: dict[str, Any], label: str) -> dict[str, dict[str, Any]]:
        """Series → each unit's table row as HTML, without and with the link to its page (``units``),
        and the whole table body without and with every link (``plain``, ``linked``): what the
        ranking's HTML repeats for every account, rendered once (ranking_row.html, autoescaped)."""
        template = site.templates.get_template("ranking_row.html")
        out = {}
        for s in view["series"]:
            units = {
                u["unit"]: tuple(Markup(template.render(u=u, link=link, period=label, previous=view["previous"])) for link in (False, True))
                for u in s["units"]
            }
            out[s["series"]] = {
                "units": units, "plain": Markup("").join(r[0] for r in units.values()),
                "linked": Markup("").join(r[1] for r in units.values()),
            }
        return out

    def ranking_view(store: Store, period: Period, before: Period | None, label: str) -> dict[str, Any] | None:
        """What the ranking of ``period`` shows to every account alike (kept by ``memo`` until the
        store changes): each series' units with total, rank, flags, the veto's reasons and, with
        ``before``, the change of total and rank since that period; the data missing; the data status
        (department × base period); each unit's row as HTML (``ranking_rows_html``). None when
        ``period`` has no stored results."""
        result = stored_result(store, period, units=False)  # the period's state only: its data missing
        if result is None:
            return None
        last = {u["unit"]: u for u in store.ranking_rows(before.label)} if before is not None else {}
        if not last:
            before = None  # nothing stored of the previous period: no change to show
        series: dict[str, list[dict[str, Any]]] = {}
        for u in store.ranking_rows(period.label):
            p = last.get(u["unit"])
            change = None
            if p is not None:
                change = {
                    "total": signed(D(u["total"]) - D(p["total"])),
                    # places up (positive) or down since; none across series or without a rank
                    "rank": p["rank"] - u["rank"] if p["series"] == u["series"] and None not in (p["rank"], u["rank"]) else None,
                }
            series.setdefault(u["series"], []).append({**u, "change": change})
        for units in series.values():
            units.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"]))
        names = {s.id: s.name for s in site.bureau.scheme.series}
        rows = data_status(store, site.bureau, site.registry, period)
        status: dict[str, dict[str, Any]] = {}
        for r in rows:
            status.setdefault(r.department, {"department": r.department, "periods": {}})["periods"][r.period] = {
                "state": r.state, "records": r.records, "signed_off": r.signed_off, "text": r.text(),
            }
        view: dict[str, Any] = {
            "previous": {"period": before.label, "name": before.chinese} if before is not None else None,
            "series": [{"series": s, "name": names.get(s, s), "units": units} for s, units in series.items()],
            "missing": [g.text() for g in result.missing],
            "status": {"periods": list(dict.fromkeys(r.period for r in rows)), "departments": list(status.values())},
        }
        view["rows_html"] = ranking_rows_html(view, label)  # from the same state as the rest
        return view

    def stale_for(actor: Actor, store: Store, period: Period) -> str | None:
        """For the office: why the stored results shown are out of date (kaohe score brings them up
        to date; the site never scores), or None."""
        if actor.role != OFFICE:
            return None
        return memo(store, ("stale", period.label), lambda: staleness(store, site.bureau, period))

    def _unit_tree(request: Request, store: Store, label: str, unit: str, as_json: bool) -> tuple[dict[str, Any] | None, Response | None]:
        actor: Actor = request.state.actor
        period = parse_period(label)
        is_pub = label in published(store)
        if period is not None and not sight(actor).drafts and not is_pub and changed(store, label):
            return None, site.refuse(request, 403, CHANGED.format(period.chinese), as_json)
        if period is None or not allowed(actor, READ, Resource("unit", is_pub, unit=unit)) or not sight(actor).sees_unit(unit, is_pub):
            return None, site.refuse(request, 403, "无权查看该单位在该期间的结果", as_json)
        # the unit's explanation, its record lines made on demand: once per change of the store, shared
        # by every request (never changed: the views below copy what they add to)
        tree = memo(store, ("explanation", label, unit), lambda: explanation_data(store, site.bureau, site.registry, period, unit))
        if tree is None:
            return None, site.refuse(request, 404, "该单位在该期间没有已保存的计算结果", as_json)
        seen = sight(actor)
        cats = []
        whole = seen.departments is None or is_pub
        for c in tree["categories"]:
            items = [
                {**i, "lines": [dict(ln) for ln in i["lines"]]}  # a copy: _appeals adds each line's link
                for i in c["items"] if seen.sees_item(i["department"], is_pub)
            ]
            if items or seen.departments is None:
                # a department's view of a draft: not the category's score, which counts other departments' items
                hidden = {} if whole else {"raw": None, "score": None, "explanation": ""}
                cats.append({**c, **hidden, "items": items})
        out = {
            "period": label, "name": period.chinese, "published": is_pub, "unit": tree["unit"], "unit_name": tree["name"],
            "series": tree["series"], "total": tree["total"] if whole else None, "rank": tree["rank"] if whole else None,
            "flags": tree["flags"] if whole else [], "veto": tree["veto"] if whole else [],
            "adjustments": tree["adjustments"] if whole else [], "categories": cats,
            "ranking": allowed(actor, READ, Resource("ranking", is_pub)),
            "stale": stale_for(actor, store, period),
        }
        return out, None

    def _shown(request: Request, store: Store) -> tuple[Callable[[str], bool], Callable[[str], bool], Callable[[str, str], bool]]:
        """What of the other periods the account may see: a period's totals (published, or a draft
        for the office), its items at all (published, or a draft for the office and a department),
        and an item of a department in a period."""
        seen = sight(request.state.actor)
        done = published(store)
        return (
            lambda label: label in done or (seen.drafts and seen.departments is None),
            lambda label: label in done or seen.drafts,
            lambda department, label: seen.sees_item(department, label in done),
        )

    def _view(request: Request) -> tuple[bool, tuple[str, ...] | None]:
        """What decides ``_shown`` for the account, as a key of what is kept (``memo``): whether it
        sees drafts, and the departments whose items it sees (None: all)."""
        seen = sight(request.state.actor)
        return seen.drafts, None if seen.departments is None else tuple(sorted(seen.departments))

    def _appeals(request: Request, store: Store, data: dict[str, Any], period: Period) -> dict[str, Any] | None:
        """The period's appeal window; on each deduction line of ``data``'s items, while it is open
        and for an account that may appeal for the unit, the link to appeal it (``appeal``, else None)."""
        today = dt.date.today()  # the window opens and closes by the date, and by the editions in the store
        window = memo(store, ("appeal-window", period.label, today), lambda: appeal_window(store, site.bureau, period, today))
        can = (
            window is not None and window["open"] and data["published"]
            and allowed(request.state.actor, APPEAL, Resource("appeal", True, unit=data["unit"]))
        )
        # a deduction already appealed — pending, or decided otherwise than 维持 — is not appealed again
        # (kaohe.office.appeals refuses it): no link on it
        taken = memo(store, ("appealed", period.label, data["unit"]), lambda: [
            (a["item"], a["record"] or None) for a in store.appeals(period=period.label, unit=data["unit"])
            if a["outcome"] is None or a["outcome"] != "维持"
        ]) if can else []
        for c in data["categories"]:
            for i in c["items"]:
                ok = can and appealable(site.bureau, period, i["item"])
                for ln in i["lines"]:
                    query = {"item": i["item"], **({"record": ln["record"]} if ln.get("record") else {})}
                    record = ln.get("record") or None
                    done = any(item == i["item"] and (record is None or r is None or r == record) for item, r in taken)
                    deduction = ok and D(ln["points"]) < 0 and not done
                    ln["appeal"] = f"/appeals/new/{period.label}/{data['unit']}?{urlencode(query)}" if deduction else None
        return window

    def unit_page(request: Request, store: Store) -> Response:
        unit, as_json = wants_json(request, request.path_params["unit"])
        data, refused = _unit_tree(request, store, request.path_params["period"], unit, as_json)
        if refused is not None:
            return refused
        assert data is not None
        period = Period.parse(data["period"])
        whole, any_items, sees = _shown(request, store)
        view = _view(request)  # what the account may see of other periods decides the change and the trends
        if data["total"] is not None:
            data["change"] = memo(store, ("change", period.label, unit, view), lambda: change(store, period, unit, whole))
        else:
            data["change"] = None
        data["trends"] = memo(store, ("trends", period.label, unit, view), lambda: trends(store, site.bureau, period, unit, whole))
        data["appeal_window"] = _appeals(request, store, data, period)
        if as_json:  # the page links to the items' history (``unit_history``); its JSON holds it
            data["history"] = item_history(store, site.bureau, period, unit, any_items, sees)
            return JSONResponse(data)
        months = data["trends"]["months"]
        chart = line_chart(
            [m["name"] for m in months],
            [("best", "本序列最高", [m["best"] for m in months]), ("average", "本序列平均", [m["average"] for m in months]),
             ("unit", data["unit_name"], [m["total"] for m in months])],
        )
        full = request.query_params.get("full") == "1"
        # the page's body, the same for every account with the same view: rendered once per change of
        # the store (the header, with the account and its CSRF token, each time)
        actor: Actor = request.state.actor
        links = tuple(ln["appeal"] is not None for c in data["categories"] for i in c["items"] for ln in i["lines"])
        window = data["appeal_window"]  # open or closed by today's date, not by the store
        key = ("unit-body", period.label, unit, view, actor.role, links, bool(window and window["open"]), full, data["stale"])
        body = memo(store, key, lambda: Markup(site.templates.get_template("unit_body.html").render(full=full, chart=chart, **data)))
        return site.page(request, "unit.html", body=body, unit_name=data["unit_name"], name=data["name"])

    def unit_history(request: Request, store: Store) -> Response:
        """Each item's points month by month over the year of a unit's period (the items with points
        in any month the account may see)."""
        unit, as_json = request.path_params["unit"], wants_json(request, request.url.path)[1]
        data, refused = _unit_tree(request, store, request.path_params["period"], unit, as_json)
        if refused is not None:
            return refused
        assert data is not None
        period = Period.parse(data["period"])
        _, any_items, sees = _shown(request, store)
        out: dict[str, Any] = {
            "period": data["period"], "name": data["name"], "unit": data["unit"], "unit_name": data["unit_name"],
            "year": period.year, "history": item_history(store, site.bureau, period, unit, any_items, sees),
        }
        if as_json:
            return JSONResponse(out)
        return site.page(request, "unit_history.html", **out)

    def item_lines(request: Request, store: Store) -> Response:
        """One item's record lines in a unit's period (what the unit page loads on demand), with the
        item's points month by month: a fragment for htmx, a page of its own otherwise, or JSON."""
        item, as_json = wants_json(request, request.path_params["item"])
        unit = request.path_params["unit"]
        data, refused = _unit_tree(request, store, request.path_params["period"], unit, as_json)
        if refused is not None:
            return refused
        assert data is not None
        found = [(c, i) for c in data["categories"] for i in c["items"] if i["item"] == item]
        if not found:  # only an item among the unit's (visible) items
            return site.refuse(request, 404, "该单位在该期间的结果中没有这个项目", as_json)
        period = Period.parse(data["period"])
        window = _appeals(request, store, data, period)
        c, i = found[0]
        _, any_items, sees = _shown(request, store)
        history = item_history(store, site.bureau, period, unit, any_items, sees, item=item)
        out: dict[str, Any] = {
            "period": data["period"], "name": data["name"], "published": data["published"], "unit": data["unit"],
            "unit_name": data["unit_name"], "category": c["name"], "item": i["item"], "title": i["title"],
            "department": i["department"], "reference": i["reference"], "note": i.get("note", ""), "points": i["points"],
            "lines": i["lines"], "appeal_window": window,
            "history": {"months": history["months"], "points": history["items"][0]["points"] if history["items"] else []},
        }
        if as_json:
            response: Response = JSONResponse(out)
        elif request.headers.get("hx-request") == "true":
            response = site.page(request, "unit_item_lines.html", **out)
        else:
            response = site.page(request, "unit_item.html", **out)
        response.headers["vary"] = "HX-Request, Accept"
        return response

    def record_page(request: Request, store: Store) -> Response:
        unit, as_json = wants_json(request, request.path_params["unit"])
        key = request.query_params.get("key", "")
        data, refused = _unit_tree(request, store, request.path_params["period"], unit, as_json)
        if refused is not None:
            return refused
        assert data is not None
        found = [
            (c, i, ln) for c in data["categories"] for i in c["items"] for ln in i["lines"] if key and ln["record"] == key
        ]
        if not found:  # only a record the unit's (visible) lines name: never another unit's
            return site.refuse(request, 404, "该单位在该期间的结果中没有这条记录", as_json)
        stored = next(iter(store.stored_records([key])), None)
        record = None
        if stored is not None:
            record = {
                "key": stored.key, "kind": stored.kind, "date": stored.date, "department": stored.department,
                "note": stored.note, "value": stored.value, "file": stored.file, "sheet": stored.sheet, "row": stored.row,
                "version": stored.version,
            }
        out: dict[str, Any] = {
            "period": data["period"], "name": data["name"], "unit": data["unit"], "unit_name": data["unit_name"], "key": key,
            "lines": [
                {"category": c["name"], "item": i["item"], "title": i["title"], "department": i["department"],
                 "reference": i["reference"], "points": ln["points"], "reason": ln["reason"], "carried": ln["carried"]}
                for c, i, ln in found
            ],
            "record": record,
        }
        if as_json:
            return JSONResponse(out)
        return site.page(request, "record.html", **out)

    return [
        site.route("/", home, login=False),
        site.route("/login", login, ("GET", "POST"), login=False),
        site.route("/logout", logout, ("POST",), login=False),
        site.route("/periods", periods),
        site.route("/periods.json", periods),
        site.route("/ranking/{period}", ranking),
        site.route("/unit/{period}/{unit}", unit_page),
        site.route("/unit/{period}/{unit}/item/{item}", item_lines),
        site.route("/unit/{period}/{unit}/history", unit_history),
        site.route("/unit/{period}/{unit}/history.json", unit_history),
        site.route("/record/{period}/{unit}", record_page),
    ]
