"""What the site's overviews read (issue 16, point 4): a department's items across the units with the
spread of their points and its data status; the office's dashboard (the data status as a department
× period table, the open appeals with their deadlines, the editions, the last imports and rejected
rows); and a search for a unit, an item or a record key, answered with what the account may see.
Each reads the stored results and the ledger only: nothing here scores."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from ..core.errors import KaoheError
from ..core.periods import Period
from ..contract.registry import Registry
from ..scheme.bureau import Bureau
from ..scoring.status import DataStatus, data_status, problems
from ..store.store import Store
from .accounts import READ, Actor, Resource, allowed, sight
from .lock import lock_data, lock_of, locks
from .results import explanation_data

SEARCH_MAX = 20
"""At most this many hits of each kind."""


def median(values: Sequence[Decimal]) -> Decimal:
    """The median of ``values`` (not empty): the middle one, or the mean of the two middle ones."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def status_row(r: DataStatus) -> dict[str, Any]:
    """A department's data status of one base period, as the pages show it."""
    return {
        "department": r.department, "period": r.period, "state": r.state, "records": r.records, "imports": r.imports,
        "first": r.first, "due": r.due.isoformat() if r.due else None, "signed_off": r.signed_off,
        "signed": {"actor": r.signed["actor"], "time": r.signed["time"]} if r.signed else None,
    }


def department_items(store: Store, bureau: Bureau, department: str, period: Period) -> dict[str, Any] | None:
    """``department``'s items in ``period``'s stored results: each item's points per unit and their
    spread (min, median, max over the units scored, and how many units triggered it: points other
    than 0, or a record counted, a veto's for instance), the units from the lowest points up
    (``order``); None when the period has no stored results."""
    scores = store.scores(period.label)
    if not scores:
        return None
    units = {s["unit"]: s for s in scores}
    items = [i for i in bureau.items if i.department == department]
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for r in store.item_results(period.label, [i.id for i in items]):
        rows.setdefault(r["item"], {})[r["unit"]] = r
    cats = {c.id: c.name for c in bureau.scheme.categories}
    out = []
    for item in items:
        per_unit = rows.get(item.id, {})
        points = [Decimal(r["points"]) for r in per_unit.values()]
        out.append({
            "item": item.id, "title": item.title, "category": cats.get(item.category, item.category), "reference": item.basis,
            "units": len(per_unit),
            "min": str(min(points)) if points else None, "median": str(median(points)) if points else None,
            "max": str(max(points)) if points else None,
            "triggered": sum(1 for r in per_unit.values() if Decimal(r["points"]) != 0 or r["records"]),
            "order": [u for _, _, u in sorted((Decimal(r["points"]), n, u) for n, (u, r) in enumerate(per_unit.items()))],
            "points": {u: {"points": r["points"], "records": r["records"], "carried": bool(r["carried"]), "missing": bool(r["missing"])}
                       for u, r in per_unit.items()},
        })
    return {"units": [{"unit": u, "name": s["name"], "series": s["series"]} for u, s in units.items()], "items": out}


def department_status(store: Store, bureau: Bureau, registry: Any, department: str, period: Period) -> list[dict[str, Any]]:
    """``department``'s data status in each base period of ``period``."""
    return [status_row(r) for r in data_status(store, bureau, registry, period) if r.department == department]


def dashboard(store: Store, bureau: Bureau, registry: Any, months: int = 6, last: int = 10) -> dict[str, Any]:
    """The office's dashboard: the data status of the last ``months`` months with stored results as a
    department × month table; the open appeals (oldest first) with their deadlines; the editions, the
    imports and the rejected rows, the latest ``last`` (rejected rows: ``2 * last``) first."""
    stored = [p for p in store.stored_periods() if Period.parse(p).kind == "month"][-months:]
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for label in stored:
        for r in data_status(store, bureau, registry, Period.parse(label)):
            table.setdefault(r.department, {})[r.period] = status_row(r)
    names = {u.id: u.name for u in bureau.units}
    appeals = [
        {
            "id": a["id"], "period": a["period"], "edition": a["edition_number"], "unit": a["unit"], "unit_name": names.get(a["unit"], a["unit"]),
            "item": a["item"], "title": a["title"], "department": a["department"], "record": a["record"], "points": a["points"],
            "received": a["received"], "deadline": a["deadline"],
        }
        for a in store.appeals(pending=True)
    ]
    editions = [
        {"period": e["period"], "number": e["number"], "published_on": e["published_on"], "time": e["time"], "actor": e["actor"],
         "digest": e["digest"], "reason": e["reason"]}
        for e in reversed(store.editions())
    ][:last]
    imports = [
        {"id": i["id"], "time": i["time"], "department": i["department"], "file": i["file"], "actor": i["actor"], "rows": i["rows"],
         "accepted": i["accepted"], "new": i["new"], "changed": i["changed"], "rejected": i["rejected"]}
        for i in store.last_imports(last)
    ]
    return {
        "periods": stored,
        "data_status": [{"department": d, "cells": [cells.get(p) for p in stored]} for d, cells in sorted(table.items())],
        "appeals": appeals, "editions": editions, "imports": imports, "rejections": store.last_rejections(2 * last),
    }


def _latest(labels: Sequence[str]) -> str | None:
    """The latest month among ``labels``, else the last label."""
    months = [p for p in labels if _kind(p) == "month"]
    return max(months) if months else (labels[-1] if labels else None)


def _kind(label: str) -> str:
    try:
        return Period.parse(label).kind
    except (KaoheError, ValueError):
        return ""


def search(store: Store, bureau: Bureau, registry: Registry, actor: Actor, published: set[str], query: str) -> dict[str, Any]:
    """Units (id, name or alias), items (id or title) and a record (its exact key) matching
    ``query``, each with the link ``actor`` may follow — only what it may see: a unit or an item it
    may not open is not listed, and a record key of another unit, or of another department's item
    before publication, finds nothing."""
    q = query.strip()[:64]
    out: dict[str, Any] = {"q": q, "units": [], "items": [], "records": []}
    if not q:
        return out
    fold = q.casefold()
    seen = sight(actor)
    periods = seen.periods(published, store.stored_periods())

    def unit_period(unit: str) -> str | None:
        ok = [p for p in periods if seen.sees_unit(unit, p in published) and allowed(actor, READ, Resource("unit", p in published, unit=unit))]
        return _latest(ok)

    for u in bureau.units:
        if any(fold in s.casefold() for s in (u.id, u.name, *u.aliases)) and len(out["units"]) < SEARCH_MAX:
            p = unit_period(u.id)
            if p is not None:
                out["units"].append({"unit": u.id, "name": u.name, "period": p, "link": f"/unit/{p}/{u.id}"})
    own = actor.unit and unit_period(actor.unit)
    for item in bureau.items:
        if len(out["items"]) >= SEARCH_MAX or not (fold in item.id.casefold() or fold in item.title.casefold()):
            continue
        dept_periods = [p for p in periods if allowed(actor, READ, Resource("item", p in published, department=item.department))]
        p = _latest(dept_periods)
        if p is not None:
            link = f"/department/{quote(item.department, safe='')}/{p}"
        elif own and seen.sees_item(item.department, True):
            p, link = own, f"/unit/{own}/{actor.unit}"  # a station: the item on its own page
        else:
            continue
        out["items"].append({"item": item.id, "title": item.title, "department": item.department, "period": p, "link": link})
    place = store.record_place(q)
    if place is not None:
        unit, month, _ = place
        # the record's month, else the quarter, half-year or year whose item counts it
        first = Period.parse(month)
        for label in (month, *(first.containing(k).label for k in ("quarter", "half", "year"))):
            is_pub = label in published
            if label not in periods or not seen.sees_unit(unit, is_pub) or not allowed(actor, READ, Resource("unit", is_pub, unit=unit)):
                continue
            tree = explanation_data(store, bureau, registry, Period.parse(label), unit)  # its record lines made on demand
            items = [
                i for c in (tree or {}).get("categories", []) for i in c["items"]
                if seen.sees_item(i["department"], is_pub) and any(ln["record"] == q for ln in i["lines"])
            ]
            if items and tree is not None:
                out["records"].append({
                    "key": q, "unit": unit, "name": tree["name"], "period": label, "items": [i["title"] for i in items],
                    "link": f"/record/{label}/{unit}?key={quote(q, safe='')}",
                })
                break
    return out


def signoff_view(store: Store, bureau: Bureau, registry: Any, period: Period, shown: Sequence[str]) -> list[dict[str, Any]]:
    """The departments ``shown`` (those the account may see) with their data status in ``period``:
    each base period's row, who signed off and when, and whether a sign-off is due (none yet, or one
    followed by a later import: it no longer counts)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for r in data_status(store, bureau, registry, period):
        rows.setdefault(r.department, []).append({**status_row(r), "expected": r.expected})
    return [
        {
            "department": d, "rows": rows.get(d, []),
            "due": any(not r["signed_off"] for r in rows.get(d, []) if r["expected"] or r["records"]),
            "empty": not any(r["records"] for r in rows.get(d, [])),
        }
        for d in shown if d in rows
    ]


def review(store: Store, bureau: Bureau, registry: Any, period: Period) -> dict[str, Any]:
    """What the office reviews before publishing ``period`` (issue 17, point 4): each department's data
    status and sign-off; what stands in the way of publishing under the bureau's settings; whom to
    remind (the departments not arrived or not signed off, with their enabled accounts); the
    editions and the lock (kaohe.office.lock)."""
    rows = data_status(store, bureau, registry, period)
    departments = sorted({r.department for r in rows})
    accounts: dict[str, list[dict[str, str]]] = {}
    for u in store.users():
        if u["role"] == "部门" and not u["disabled"]:
            accounts.setdefault(str(u["department"]), []).append({"account": str(u["account"]), "name": str(u["name"])})
    chase = []
    for d in departments:
        mine = [r for r in rows if r.department == d]
        missing = [r.period for r in mine if r.missing]
        unsigned = [r.period for r in mine if (r.expected or r.records) and not r.missing and not r.signed_off]
        if missing or unsigned:
            chase.append({"department": d, "missing": missing, "unsigned": unsigned, "accounts": accounts.get(d, [])})
    editions = [
        {"number": e["number"], "published_on": e["published_on"], "time": e["time"], "actor": e["actor"], "reason": e["reason"],
         "digest": e["digest"]}
        for e in store.editions(period.label)
    ]
    return {
        "period": period.label, "name": period.chinese,
        "departments": signoff_view(store, bureau, registry, period, departments),
        "problems": problems(rows, bureau), "chase": chase, "editions": editions,
        "latest": editions[-1]["number"] if editions else 0,
        "lock": lock_data(lock_of(store, period.label)) if bureau.publication.lock else None,
        # the longer published periods holding it that are locked (a quarter locks its months)
        "held": [
            {**(lock_data(h) or {}), "name": Period.parse(h.period).chinese} for h in locks(store, bureau)
            if h.period != period.label and {m.label for m in period.months()} <= {m.label for m in Period.parse(h.period).months()}
        ],
        "settings": {"missing_data": bureau.publication.missing_data, "require_signoff": bureau.publication.require_signoff,
                     "lock": bureau.publication.lock},
    }
