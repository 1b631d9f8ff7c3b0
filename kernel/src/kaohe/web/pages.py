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
from urllib.parse import quote, urlencode

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
from ..report.xlsx import ranking_workbook
from ..scoring.status import data_status
from ..store.store import Store
from .base import CHANGED, Site, changed, memo, parse_period, published, signed, wants_json
from .charts import line_chart

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOUND_MOST = 20
"""The most units a search of the ranking (``?find=``) lists."""


def places(view: dict[str, Any], size: int) -> dict[str, tuple[str, int, dict[str, Any]]]:
    """Each unit of a ranking ``view`` → (its series, the page of ``size`` rows holding its row, the row)."""
    return {u["unit"]: (s["series"], i // size + 1, u) for s in view["series"] for i, u in enumerate(s["units"])}


def paging(
    view: dict[str, Any], where: dict[str, tuple[str, int, dict[str, Any]]], size: int, label: str, series: str | None, page: str | None, whole: bool, own: str | None, find: str,
    keep: Callable[[Any, Callable[[], Any]], Any] = lambda key, make: make(),
) -> dict[str, Any] | None:
    """The part of a ranking one page shows (issue 16, point 5) and the links to the others (``where``:
    the view's :func:`places`): a
    ranking of at most ``size`` units in one page, every series; a larger one a series at a time,
    ``size`` units a page — ``series`` and ``page`` (from 1) as asked, else the page holding the
    account's ``own`` unit, else the first series' first page; ``whole``: every unit on one page.
    ``find``: the units whose id is it or whose name holds it (at most :data:`FOUND_MOST`), each
    with the page that holds its row. None when the series or the page asked for does not exist.

    Returns ``{"series": [the series shown, each with its units on this page], "paging": {...}}``,
    ``paging`` as docs/site.md ("排名的分页") describes it. ``keep(key, make)``: ``make()``, or what
    it made before for ``key`` (the links to every page, the same for every account)."""
    all_series = view["series"]
    rows = sum(len(s["units"]) for s in all_series)
    split = rows > size
    base = f"/ranking/{label}"

    def url(s: str, p: int, unit: str | None = None) -> str:
        return (f"{base}?{urlencode({'series': s, 'page': p})}" if split else base) + (f"#u-{quote(unit)}" if unit else "")

    if page is not None and not (page.isdigit() and len(page) < 7):
        return None
    number = int(page) if page else None
    if number is not None and number < 1:
        return None
    if series is not None and not any(s["series"] == series for s in all_series):
        return None
    if whole or not split:  # every series on one page
        if (number or 1) != 1:
            return None
        shown, first, last, pages, number = all_series, 1, rows, 1, 1
    else:
        if series is not None:
            chosen = next(s for s in all_series if s["series"] == series)
        elif own in where:
            chosen = next(s for s in all_series if s["series"] == where[own][0])
            number = number or where[own][1]
        else:
            chosen = all_series[0]
        number = number or 1
        pages = max(1, -(-len(chosen["units"]) // size))
        if number > pages:
            return None
        start = (number - 1) * size
        units = chosen["units"][start : start + size]
        shown, first, last = [{**chosen, "units": units}], start + 1, start + len(units)
    found = []
    if find:
        needle = find.casefold()
        for unit, (s, p, u) in where.items():
            if unit.casefold() == needle or needle in str(u["name"]).casefold():
                found.append({"unit": unit, "name": u["name"], "series": s, "rank": u["rank"], "page": p, "url": url(s, p, unit)})
                if len(found) >= FOUND_MOST:
                    break
    current = None if whole or not split else (shown[0]["series"], number)
    return {
        "series": shown,
        "paging": {
            "size": size, "rows": rows, "all": whole or not split,
            "series": current[0] if current else None, "page": number, "pages": pages, "first": first, "last": last,
            "previous": url(current[0], number - 1) if current and number > 1 else None,
            "next": url(current[0], number + 1) if current and number < pages else None,
            "index": keep(("index", current), lambda: [
                {"series": s["series"], "name": s["name"], "units": len(s["units"]), "pages": [
                    {"page": p, "first": (p - 1) * size + 1, "last": min(p * size, len(s["units"])), "url": url(s["series"], p),
                     "current": current == (s["series"], p)}
                    for p in range(1, max(1, -(-len(s["units"]) // size)) + 1)
                ]}
                for s in all_series
            ]) if split else [],
            "own": {"unit": own, "name": where[own][2]["name"], "rank": where[own][2]["rank"], "series": where[own][0],
                    "page": where[own][1], "url": url(where[own][0], where[own][1], own)} if own in where else None,
            "whole": {"html": f"{base}?all=1", "json": f"{base}.json?all=1", "xlsx": f"{base}.xlsx"},
            "find": find, "found": found,
        },
    }


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
        xlsx = label.endswith(".xlsx")  # the whole ranking as a workbook
        label = label[: -len(".xlsx")] if xlsx else label
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
        if xlsx:
            body = memo(store, ("ranking-xlsx", label, compare), lambda: ranking_workbook(
                f"{site.bureau.name} {period.chinese}考核排名", [(s["name"], s["units"]) for s in view["series"]], view["previous"] is not None,
            ))
            name = quote(f"{period.chinese}考核排名.xlsx")
            return Response(body, media_type=XLSX, headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"})
        query = request.query_params
        size = site.bureau.site.ranking_rows
        where = memo(store, ("ranking-places", label, compare, size), lambda: places(view, size))
        def keep(key: Any, make: Callable[[], Any]) -> Any:
            return memo(store, ("ranking-paging", label, compare, size, key), make)

        paged = paging(view, where, size, label, query.get("series"), query.get("page"), query.get("all") == "1",
                       actor.unit, query.get("find", "").strip()[:64], keep)
        if paged is None:
            return site.refuse(request, 404, f"{period.chinese}的排名中没有这一页(序列或页码不对)", as_json)
        found = paged["paging"]["found"]
        if not as_json and len(found) == 1 and "series" not in query and "page" not in query:
            return RedirectResponse(found[0]["url"], status_code=303)  # the one unit found: the page that holds its row
        shown = paged["series"]
        data: dict[str, Any] = {
            "period": label, "name": period.chinese, "published": is_pub, "previous": view["previous"],
            "series": shown, "missing": view["missing"], "data_status": view["status"], "stale": stale,
            "paging": paged["paging"],
        }
        if as_json:
            series = [{**s, "units": [{**u, "link": u["unit"] in links} for u in s["units"]]} for s in shown]
            return JSONResponse({**data, "series": series})
        rows_html = view["rows_html"]
        bodies = {}
        for s in shown:
            rows = rows_html[s["series"]]
            whole = len(s["units"]) == rows["count"]
            if whole and links.issuperset(rows["units"]):
                bodies[s["series"]] = rows["linked"]
            elif whole and links.isdisjoint(rows["units"]):
                bodies[s["series"]] = rows["plain"]
            else:  # a page of the series, or a station's own series: its own row linked
                bodies[s["series"]] = Markup("").join(rows["units"][u["unit"]][u["unit"] in links] for u in s["units"])
        pg = data["paging"]
        nav = keep(("nav", pg["series"], pg["page"]), lambda: Markup(site.templates.get_template("ranking_nav.html").render(pg=pg)))
        return site.page(request, "ranking.html", bodies=bodies, nav=nav, status_html=view["status_html"], before=period.previous().chinese, **data)

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
                "units": units, "count": len(units), "plain": Markup("").join(r[0] for r in units.values()),
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
        view["status_html"] = Markup(site.templates.get_template("ranking_status.html").render(data_status=view["status"], missing=view["missing"]))
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
        # by every request (never changed: the views below copy what they add to; _appeals the lines)
        tree = memo(store, ("explanation", label, unit), lambda: explanation_data(store, site.bureau, site.registry, period, unit))
        if tree is None:
            return None, site.refuse(request, 404, "该单位在该期间没有已保存的计算结果", as_json)
        seen = sight(actor)
        cats = []
        whole = seen.departments is None or is_pub
        for c in tree["categories"]:
            items = [{**i} for i in c["items"] if seen.sees_item(i["department"], is_pub)]  # _appeals replaces "lines"
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

    def _appeals(request: Request, store: Store, data: dict[str, Any], period: Period, keys: bool = True) -> tuple[dict[str, Any] | None, bool]:
        """(The period's appeal window, whether a deduction of ``data`` may be appealed now); on each
        deduction line of ``data``'s items, while the window is open and for an account that may
        appeal for the unit, the link to appeal it (``appeal``, else None). The lines are copied
        with it (the unit's explanation is shared), unless no line can have a link and ``keys`` is
        False: then left as they are, without ``appeal`` (a page's body made once for many requests
        reads it as none; a unit has hundreds of lines)."""
        today = dt.date.today()  # the window opens and closes by the date, and by the editions in the store
        window = memo(store, ("appeal-window", period.label, today), lambda: appeal_window(store, site.bureau, period, today))
        can = bool(
            window is not None and window["open"] and data["published"]
            and allowed(request.state.actor, APPEAL, Resource("appeal", True, unit=data["unit"]))
        )
        if not can and not keys:
            return window, False
        # a deduction already appealed — pending, or decided otherwise than 维持 — is not appealed again
        # (kaohe.office.appeals refuses it): no link on it
        taken = memo(store, ("appealed", period.label, data["unit"]), lambda: [
            (a["item"], a["record"] or None) for a in store.appeals(period=period.label, unit=data["unit"])
            if a["outcome"] is None or a["outcome"] != "维持"
        ]) if can else []
        for c in data["categories"]:
            for i in c["items"]:
                if not can:
                    i["lines"] = [{**ln, "appeal": None} for ln in i["lines"]]
                    continue
                ok = appealable(site.bureau, period, i["item"])
                lines = []
                for ln in i["lines"]:
                    query = {"item": i["item"], **({"record": ln["record"]} if ln.get("record") else {})}
                    record = ln.get("record") or None
                    done = any(item == i["item"] and (record is None or r is None or r == record) for item, r in taken)
                    deduction = ok and D(ln["points"]) < 0 and not done
                    lines.append({**ln, "appeal": f"/appeals/new/{period.label}/{data['unit']}?{urlencode(query)}" if deduction else None})
                i["lines"] = lines
        return window, can

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
        data["appeal_window"], can = _appeals(request, store, data, period, keys=as_json)
        if as_json:  # the page links to the items' history (``unit_history``); its JSON holds it
            data["history"] = item_history(store, site.bureau, period, unit, any_items, sees)
            return JSONResponse(data)
        def body_html() -> Markup:
            months = data["trends"]["months"]
            chart = line_chart(
                [m["name"] for m in months],
                [("best", "本序列最高", [m["best"] for m in months]), ("average", "本序列平均", [m["average"] for m in months]),
                 ("unit", data["unit_name"], [m["total"] for m in months])],
            )
            return Markup(site.templates.get_template("unit_body.html").render(full=full, chart=chart, **data))

        full = request.query_params.get("full") == "1"
        # the page's body, the same for every account with the same view: rendered once per change of
        # the store (the header, with the account and its CSRF token, each time)
        actor: Actor = request.state.actor
        links = tuple(ln["appeal"] is not None for c in data["categories"] for i in c["items"] for ln in i["lines"]) if can else ()
        window = data["appeal_window"]  # open or closed by today's date, not by the store
        key = ("unit-body", period.label, unit, view, actor.role, links, bool(window and window["open"]), full, data["stale"])
        body = memo(store, key, body_html)
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
        window = _appeals(request, store, data, period)[0]
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
