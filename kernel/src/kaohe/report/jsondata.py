"""The report as JSON for other systems (documented in docs/report-json.md).

Every score is an exact decimal string as the kernel prints it (``"787.5"``, ``"-0.5"``), never a
float: a receiving system parses it with its own decimal type.

``write_json`` writes the file unit by unit (each unit's tree made, encoded and dropped before the
next), compact, with each unit of ``units`` on a line of its own; ``report_json`` is the same
document as one value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.decimals import fmt
from ..scoring.explain import category_data, gap_data, item_data, unit_data
from .data import LineView, RecordInfo, ReportData, UnitDetail
from .editions import diff_data

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
        "missing": line.missing or None, "source": _record(line.info),
    }


def _unit(d: UnitDetail) -> dict[str, Any]:
    u = d.unit
    out = unit_data(u.result)
    out["missing"] = u.result.missing
    out["series_name"] = u.series_name
    out["previous_rank"] = u.previous_rank
    out["rank_change"] = u.rank_change
    cats = []
    for cv in d.categories:
        c = category_data(cv.result)
        c["series_mean"] = _num(cv.series_mean)
        c["series_top"] = _num(cv.series_top)
        items = []
        for iv in cv.items:
            i = item_data(iv.result)
            i["text"] = iv.text
            i["missing"] = iv.missing
            i["lines"] = [_line(ln) for ln in iv.lines]
            items.append(i)
        c["items"] = items
        cats.append(c)
    out["categories"] = cats
    out["months"] = [
        {"period": m.period, "total": _num(m.total), "rank": m.rank, "series_mean": _num(m.series_mean)} for m in u.months
    ]
    return out


def _fields(data: ReportData) -> Iterator[tuple[str, Any]]:
    """The document's fields in order; ``units`` as an iterator of the units' trees, made one at a
    time."""
    yield "format", FORMAT
    yield "version", VERSION
    yield "bureau", data.bureau
    yield "scheme", data.scheme
    yield "regulations", [
        {"key": r.key, "title": r.title, "number": r.number, "date": r.date.isoformat() if r.date else None}
        for r in data.regulations
    ]
    yield "period", {
        "label": data.period.label, "kind": data.period.kind, "name": data.period_name,
        "start": data.date_range[0], "end": data.date_range[1],
    }
    yield "previous_period", {"label": data.period.previous().label, "available": data.previous_available}
    yield "generated", data.generated
    yield "decimals", data.decimals
    yield "completeness", {
        "complete": data.complete,
        "departments": [{"department": d, "periods": list(ps)} for d, ps in data.missing_departments],
        "missing": [gap_data(g) for g in data.missing],
        "empty": list(data.empty),
        "confirmed": data.confirmed,
    }
    yield "categories", [{"id": cid, "name": name, "weight": _num(w)} for cid, name, w in data.categories]
    yield "columns", [{"header": c.header, "note": c.note, "category": c.category} for c in data.columns]
    yield "series", [
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
                    "categories": {c.category: _num(c.score) for c in u.result.categories},
                    "columns": [_num(v) for v in u.values],
                    "previous_rank": u.previous_rank, "rank_change": u.rank_change,
                    "flags": list(u.result.flags), "veto": bool(u.result.veto), "carried": u.result.carried,
                    "missing": u.result.missing,
                }
                for u in s.units
            ],
        }
        for s in data.series
    ]
    yield "units", (_unit(data.detail(u)) for u in data.units)
    yield "edition", data.edition
    yield "changes", diff_data(data.changes) if data.changes is not None else None


def report_json(data: ReportData) -> dict[str, Any]:
    """The whole report as JSON-ready data (in memory: ``write_json`` writes it unit by unit)."""
    return {k: list(v) if k == "units" else v for k, v in _fields(data)}


def write_json(data: ReportData, path: Path) -> Path:
    """Write the report's JSON to ``path``, one unit at a time."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    with path.open("w", encoding="utf-8") as f:
        for i, (key, value) in enumerate(_fields(data)):
            f.write(("{" if i == 0 else ",\n") + dumps(key) + ":")
            if key == "units":
                f.write("[")
                for j, unit in enumerate(value):
                    f.write(("," if j else "") + "\n" + dumps(unit))
                f.write("\n]")
            else:
                f.write(dumps(value))
        f.write("}\n")
    return path
