"""The report as JSON for other systems (documented in docs/report-json.md).

Every score is an exact decimal string as the kernel prints it (``"787.5"``, ``"-0.5"``), never a
float: a receiving system parses it with its own decimal type.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..decimals import fmt
from ..editions import diff_data
from ..explain import category_data, item_data, unit_data
from .data import LineView, RecordInfo, ReportData, UnitView

FORMAT = "kaohe-report"
VERSION = 1


def _num(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def _record(info: RecordInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "key": info.key, "kind": info.kind, "date": info.date, "department": info.department, "note": info.note,
        "value": info.value, "attrs": info.attrs, "file": info.file, "sheet": info.sheet, "row": info.row,
        "version": info.version,
    }


def _line(line: LineView) -> dict[str, Any]:
    return {
        "points": _num(line.points), "reason": line.reason, "record": line.record, "carried": line.carried,
        "source": _record(line.info),
    }


def _unit(u: UnitView) -> dict[str, Any]:
    out = unit_data(u.result)
    out["series_name"] = u.series_name
    out["previous_rank"] = u.previous_rank
    out["rank_change"] = u.rank_change
    cats = []
    for cv in u.categories:
        c = category_data(cv.result)
        c["series_mean"] = _num(cv.series_mean)
        c["series_top"] = _num(cv.series_top)
        items = []
        for iv in cv.items:
            i = item_data(iv.result)
            i["text"] = iv.text
            i["lines"] = [_line(ln) for ln in iv.lines]
            items.append(i)
        c["items"] = items
        cats.append(c)
    out["categories"] = cats
    out["months"] = [
        {"period": m.period, "total": _num(m.total), "rank": m.rank, "series_mean": _num(m.series_mean)} for m in u.months
    ]
    return out


def report_json(data: ReportData) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "bureau": data.bureau,
        "scheme": data.scheme,
        "period": {
            "label": data.period.label, "kind": data.period.kind, "name": data.period_name,
            "start": data.date_range[0], "end": data.date_range[1],
        },
        "previous_period": {"label": data.period.previous().label, "available": data.previous_available},
        "generated": data.generated,
        "decimals": data.decimals,
        "categories": [{"id": cid, "name": name, "weight": _num(w)} for cid, name, w in data.categories],
        "series": [
            {
                "id": s.id,
                "name": s.name,
                "pass_mark": _num(s.pass_mark),
                "stats": {
                    "count": s.stats.count, "mean": _num(s.stats.mean), "median": _num(s.stats.median),
                    "top": _num(s.stats.top), "bottom": _num(s.stats.bottom),
                },
                "ranking": [
                    {
                        "rank": u.result.rank, "unit": u.result.unit, "name": u.result.name, "class": u.result.klass,
                        "total": _num(u.result.total),
                        "categories": {c.result.category: _num(c.result.score) for c in u.categories},
                        "previous_rank": u.previous_rank, "rank_change": u.rank_change,
                        "flags": list(u.result.flags), "veto": bool(u.result.veto), "carried": u.result.carried,
                    }
                    for u in s.units
                ],
            }
            for s in data.series
        ],
        "units": [_unit(u) for u in data.units],
        "edition": data.edition,
        "changes": diff_data(data.changes) if data.changes is not None else None,
    }
