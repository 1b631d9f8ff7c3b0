"""A unit's results beside its other periods (issue 16, point 4: a unit's page), read from the STORED
results only (never scoring): the change from the previous period of the same kind, the trends over
the months of the year against the series' average and best, each item's points month by month, and
the appeal window of a published period.

Which periods an account may see is the caller's to decide (``kaohe.office.accounts``): every
function takes the labels it may read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..core.decimals import CONTEXT, D, fmt, fmt_points, quantize
from ..core.periods import Period
from ..scheme.bureau import Bureau
from ..scoring.pipeline import base_periods
from ..store.store import Store
from .appeals import _scored_in

_STATS: dict[tuple[str, str, str], dict[str, Any]] = {}
"""The series' average and best of a stored period, by (period, series, the digest of its stored
results): the same for every unit of the series, read once while the results stay as they are."""
_STATS_MAX = 512


def year_months(bureau: Bureau, period: Period) -> list[Period]:
    """The base periods (months) of ``period``'s year, in order."""
    return base_periods(bureau, Period.parse(str(period.year)))


def previous_of(period: Period) -> Period | None:
    """The period of the same kind before ``period`` (a month: the previous month; a quarter: the
    previous quarter); none for a year."""
    return None if period.kind == "year" else period.previous()


def change(store: Store, period: Period, unit: str, shown: Callable[[str], bool]) -> dict[str, Any] | None:
    """``unit``'s total and rank in ``period`` against the previous period of the same kind, when it
    is stored and ``shown`` (may be seen): ``total`` the difference of the totals (signed text),
    ``rank`` how many places it rose (positive) or fell (negative), None where the ranks do not
    compare (either unranked, or another series then)."""
    before = previous_of(period)
    if before is None or not shown(before.label):
        return None
    rows = {r["period"]: r for r in store.unit_scores(unit, [before.label, period.label])}
    now, then = rows.get(period.label), rows.get(before.label)
    if now is None or then is None:
        return None
    rank = None
    if now["rank"] is not None and then["rank"] is not None and now["series"] == then["series"]:
        rank = int(then["rank"]) - int(now["rank"])
    return {
        "period": before.label, "name": before.chinese, "previous_total": fmt(D(then["total"])), "previous_rank": then["rank"],
        "total": fmt_points(D(now["total"]) - D(then["total"])), "rank": rank,
        "rank_text": None if rank is None else ("名次不变" if rank == 0 else f"升 {rank} 名" if rank > 0 else f"降 {-rank} 名"),
    }


def _stats(store: Store, label: str, series: str, decimals: int) -> dict[str, Any]:
    """The units of ``series`` in ``label``: how many, the average and best total and of each category."""
    state = store.period_state(label)
    key = (label, series, str(state["digest"]) if state else "")
    cached = _STATS.get(key)
    if cached is not None:
        return cached
    totals: list[Decimal] = []
    cats: dict[str, list[Decimal]] = {}
    for _, total, categories in store.series_scores(label, series):
        totals.append(D(total))
        for c, score in categories.items():
            cats.setdefault(c, []).append(D(score))

    def avg(values: list[Decimal]) -> str | None:
        return fmt(quantize(CONTEXT.divide(sum(values, Decimal(0)), Decimal(len(values))), decimals)) if values else None

    def best(values: list[Decimal]) -> str | None:
        return fmt(max(values)) if values else None

    out = {
        "units": len(totals), "average": avg(totals), "best": best(totals),
        "categories": {c: {"average": avg(v), "best": best(v)} for c, v in cats.items()},
    }
    if len(_STATS) >= _STATS_MAX:
        _STATS.clear()
    _STATS[key] = out
    return out


def trends(store: Store, bureau: Bureau, period: Period, unit: str, shown: Callable[[str], bool]) -> dict[str, Any]:
    """``unit``'s total, rank and each category's score in every stored month of ``period``'s year
    that is ``shown``, each beside its series' average and best that month (the average rounded to
    the scheme's decimals). ``months``: one entry a month, oldest first; ``categories``: (id, name)
    of the categories met."""
    labels = [m.label for m in year_months(bureau, period) if shown(m.label)]
    rows = store.unit_scores(unit, labels)
    names = {c.id: c.name for c in bureau.scheme.categories}
    met: dict[str, None] = {}
    months = []
    for r in rows:
        s = _stats(store, r["period"], r["series"], bureau.scheme.decimals)
        month = Period.parse(r["period"])
        cats = []
        for c, score in r["categories"].items():
            met.setdefault(c, None)
            st = s["categories"].get(c, {})
            cats.append({"category": c, "score": fmt(D(score)), "average": st.get("average"), "best": st.get("best")})
        months.append({
            "period": r["period"], "name": f"{month.index}月" if month.kind == "month" else month.chinese,
            "in_period": month.months()[0].label in {m.label for m in period.months()},
            "total": fmt(D(r["total"])), "rank": r["rank"], "units": s["units"], "average": s["average"], "best": s["best"],
            "categories": cats,
        })
    return {"year": period.year, "months": months, "categories": [{"category": c, "name": names.get(c, c)} for c in met]}


def item_history(
    store: Store, bureau: Bureau, period: Period, unit: str, shown: Callable[[str], bool],
    sees_item: Callable[[str, str], bool], item: str | None = None,
) -> dict[str, Any]:
    """Each item's points in every stored month of ``period``'s year that is ``shown``, for the items
    with points (non-zero) in any of them (``item``: that item alone, with or without points), whose
    department ``sees_item(department, month)`` for the months it is shown in. ``months``: the
    months' (label, name); ``items``: one entry an item, ``points`` one value a month (None: not
    stored that month) and ``sum`` their sum."""
    points: dict[str, dict[str, str]] = {}
    stored: set[str] = set()
    for p, i, _, pts in store.unit_items(unit, [m.label for m in year_months(bureau, period) if shown(m.label)], item):
        stored.add(p)
        declared = bureau.item(i)
        if sees_item(declared.department if declared is not None else "", p):
            points.setdefault(i, {})[p] = fmt(D(pts))
    months = [m for m in year_months(bureau, period) if m.label in stored]
    labels = [m.label for m in months]
    out = []
    for i, by_month in points.items():
        if item is None and all(D(v) == 0 for v in by_month.values()):
            continue
        declared = bureau.item(i)
        out.append({
            "item": i, "title": declared.title if declared is not None else i,
            "department": declared.department if declared is not None else "",
            "points": [by_month.get(m) for m in labels],
            "sum": fmt_points(sum((D(v) for v in by_month.values()), Decimal(0))),
        })
    inside = {m.label for m in period.months()}
    return {
        "months": [{"period": m.label, "name": f"{m.index}月" if m.kind == "month" else m.chinese, "in_period": m.months()[0].label in inside} for m in months],
        "items": out,
    }


def appeal_window(store: Store, bureau: Bureau, period: Period, today: dt.date | None = None) -> dict[str, Any] | None:
    """The appeal window of ``period``'s latest edition (``kaohe.office.appeals``' deadline: ``[appeals]
    working_days`` working days after the publication date): its number, publication date, deadline
    and whether it is still open on ``today``; None when the period has no edition."""
    editions = store.editions(period.label)
    if not editions:
        return None
    last = editions[-1]
    published = dt.date.fromisoformat(str(last["published_on"]))
    end = bureau.work_calendar.deadline(published, bureau.appeal_days)  # the calendar the appeals are filed by
    day = today or dt.date.today()
    return {
        "edition": int(last["number"]), "published_on": published.isoformat(), "deadline": end.isoformat(),
        "weekday": "一二三四五六日"[end.weekday()], "working_days": bureau.appeal_days, "open": published <= day <= end,
    }


def appealable(bureau: Bureau, period: Period, item: str) -> bool:
    """Whether a deduction of ``item`` may be appealed in ``period``'s edition: the item is scored in
    the period itself, not summed from its months (``kaohe.office.appeals``)."""
    return _scored_in(bureau, period, item)

