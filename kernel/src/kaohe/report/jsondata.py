"""The report as JSON for other systems (documented in docs/report-json.md).

Every score is an exact decimal string as the kernel prints it (``"787.5"``, ``"-0.5"``), never a
float: a receiving system parses it with its own decimal type.

``write_json`` writes the file unit by unit (each unit's tree made, encoded and dropped before the
next), compact, with each unit of ``units`` on a line of its own; ``report_json`` is the same
document as one value.

Version 2 (the current one) writes each item's description once, in the top-level ``items``; a
unit's tree holds only its items with lines (or points, a veto, carried or missing data), each line
names its record, and the stored records behind the unit's lines are in the unit's ``records``, each
once. :func:`expand` rebuilds the full trees of version 1 from it (every item, every line with its
``source``): what a consumer of version 1 read. Version 1 is still written on request
(``version=1``): an edition published in it has its file written again byte for byte when the file
is missing (kaohe.office.publication).
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.decimals import fmt
from ..scoring.explain import category_data, gap_data, item_data, unit_data, unit_fields
from .data import CategoryView, ItemView, LineView, RecordInfo, ReportData, UnitDetail
from .editions import diff_data

FORMAT = "kaohe-report"
VERSION = 3
VERSIONS = (1, 2, 3)

ITEM_FIELDS = ("title", "department", "reference", "text", "window", "direct_per_capita")
"""An item's description: the same for every unit (``items`` of version 2), unless a unit's entry
says otherwise."""
ITEM_DEFAULTS: dict[str, Any] = {
    "points": "0", "uncapped": "0", "note": "", "veto": [], "carried": False, "missing": False, "lines": [],
}
"""A unit's item without lines and without points: left out of a version-2 unit's tree."""
LINE_DEFAULTS: dict[str, Any] = {"carried": False, "missing": None}
"""A version-2 line leaves these out when they have these values."""
ROW_FIELDS = ("key", "date", "note", "value", "row", "version")
"""A record's own fields, in the order of a row of its group in a unit's ``records`` (version 2),
before its attributes' values."""


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


def _item(iv: ItemView) -> dict[str, Any]:
    """An item of a unit's tree, as version 1 writes it, but its lines (the caller sets ``lines``,
    in its place: before ``text``, as version 1's bytes have it)."""
    i = item_data(iv.result)
    i["lines"] = []
    i["text"] = iv.text
    i["missing"] = iv.missing
    return i


def _unit_head(d: UnitDetail, version: int = 1) -> dict[str, Any]:
    """A unit's fields but its categories' items (version 1 has ``categories`` in unit_data's place,
    before ``missing``: its bytes stay as they were)."""
    u = d.unit
    out = unit_data(u.result) if version == 1 else unit_fields(u.result)
    out["missing"] = u.result.missing
    out["series_name"] = u.series_name
    out["previous_rank"] = u.previous_rank
    out["rank_change"] = u.rank_change
    return out


def _months(d: UnitDetail) -> list[dict[str, Any]]:
    return [
        {"period": m.period, "total": _num(m.total), "rank": m.rank, "series_mean": _num(m.series_mean)}
        for m in d.unit.months
    ]


def _category(cv: CategoryView) -> dict[str, Any]:
    c = category_data(cv.result)
    c["series_mean"] = _num(cv.series_mean)
    c["series_top"] = _num(cv.series_top)
    return c


def _unit(d: UnitDetail) -> dict[str, Any]:
    """A unit's full tree (version 1): every item, every line with its source record."""
    out = _unit_head(d)
    cats = []
    for cv in d.categories:
        c = _category(cv)
        items = []
        for iv in cv.items:
            i = _item(iv)
            i["lines"] = [_line(ln) for ln in iv.lines]
            items.append(i)
        c["items"] = items
        cats.append(c)
    out["categories"] = cats
    out["months"] = _months(d)
    return out


# --- Version 2: items described once, records by reference -----------------------------------------


def _source_of(record: str | None, records: Container[str]) -> str | None:
    """The key in a unit's ``records`` a line's source is found under when the line does not name
    it: the line's ``record``, or for a carried-over line (``<key>@<period>``) its original key."""
    if record is None:
        return None
    if record in records:
        return record
    if "@" in record and (original := record.rsplit("@", 1)[0]) in records:
        return original
    return None


def items_table(data: ReportData) -> list[dict[str, Any]]:
    """The description of every item the units' trees hold (version 2's ``items``), in the order
    the trees list them: made from the scored results, before any unit's records are read."""
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for u in data.units:
        for c in u.result.categories:
            for it in c.items:
                if (c.category, it.item) not in table:  # the fields as item_data writes them
                    table[(c.category, it.item)] = {
                        "item": it.item, "category": c.category, "title": it.title, "department": it.department,
                        "reference": it.reference, "text": data.texts.get(it.item, ""), "window": it.window,
                        "direct_per_capita": it.direct_per_capita,
                    }
    return list(table.values())


def _records_v2(infos: Iterable[RecordInfo]) -> list[dict[str, Any]]:
    """The records behind a unit's lines, each once, in groups of the same kind, department, file,
    sheet and attribute names: each record one row ``[key, date, note, value, row, version,
    <attribute values in the group's order>]``."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    seen: set[str] = set()
    for info in infos:
        if info.key in seen:
            continue
        seen.add(info.key)
        names = tuple(info.attrs)
        g = groups.get((info.kind, info.department, info.file, info.sheet, names))
        if g is None:
            g = groups[(info.kind, info.department, info.file, info.sheet, names)] = {
                "kind": info.kind, "department": info.department, "file": info.file, "sheet": info.sheet,
                "attrs": list(names), "rows": [],
            }
        g["rows"].append([info.key, info.date, info.note, info.value, info.row, info.version, *info.attrs.values()])
    return list(groups.values())


def _unit_v2(d: UnitDetail, table: Mapping[tuple[str, str], Mapping[str, Any]], order: Mapping[str, list[str]]) -> dict[str, Any]:
    """A unit's tree (version 2): only the items with something to show, each described by
    reference to ``table`` and without the fields at their defaults, each line's source record by
    its key in the unit's ``records``."""
    out = _unit_head(d, 2)
    infos = [ln.info for cv in d.categories for iv in cv.items for ln in iv.lines if ln.info is not None]
    keys = {info.key for info in infos}
    cats = []
    for cv in d.categories:
        c = _category(cv)
        ids = [iv.result.item for iv in cv.items]
        if ids != order.get(cv.result.category, []):
            c["order"] = ids
        items = []
        for iv in cv.items:
            full = _item(iv)
            meta = table[(cv.result.category, iv.result.item)]
            entry: dict[str, Any] = {"item": iv.result.item}
            entry.update({f: full[f] for f in ITEM_FIELDS if full[f] != meta[f]})
            entry.update({k: full[k] for k, v in ITEM_DEFAULTS.items() if k != "lines" and full[k] != v})
            if len(entry) == 1 and not iv.lines:
                continue  # nothing to show: a reader makes it from the table
            lines = []
            for ln in iv.lines:
                line = {k: v for k, v in _line(ln).items() if k != "source" and not (k in LINE_DEFAULTS and v == LINE_DEFAULTS[k])}
                key = ln.info.key if ln.info is not None else None
                if _source_of(ln.record, keys) != key:
                    line["source"] = key
                lines.append(line)
            if lines:
                entry["lines"] = lines
            items.append(entry)
        c["items"] = items
        cats.append(c)
    out["categories"] = cats
    out["months"] = _months(d)
    out["records"] = _records_v2(infos)
    return out


def _units_v2(data: ReportData, table: list[dict[str, Any]], version: int = 2) -> Iterator[dict[str, Any]]:
    by_key = {(t["category"], t["item"]): t for t in table}
    order: dict[str, list[str]] = {}
    for t in table:
        order.setdefault(t["category"], []).append(t["item"])
    for u in data.units:
        tree = _unit_v2(data.detail(u), by_key, order)
        yield tree if version == 2 else _unit_v3(tree)


# --- Version 3: version 2 with its lines and records written compactly --------------------------------


def month_day(date: str) -> str:
    """``2015-05-21`` as a line's reason begins with it when the reason is the record's date and
    note: ``5月21日`` (``""`` for a date not written so)."""
    parts = date.split("-") if isinstance(date, str) else []
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return ""
    return f"{int(parts[1])}月{int(parts[2])}日"


def _said(reason: Any, source: Mapping[str, Any] | None) -> Any:
    """``reason`` as version 3 writes it: ``None`` when it is the source record's date (``5月21日``),
    a space and its note; ``[rest]`` when it is those followed by ``rest``; else itself."""
    if source is None or not isinstance(reason, str):
        return reason
    day = month_day(source["date"])
    said = f"{day} {source['note']}"
    if not day or not reason.startswith(said):
        return reason
    return None if reason == said else [reason[len(said):]]


def _unit_v3(tree: dict[str, Any]) -> dict[str, Any]:
    """A version-2 unit's entry written as version 3: each line an array ``[points, reason, source]``
    (``reason`` null when it is the source record's date and note, ``source`` the record's number in
    the unit's ``records``, counted over the groups' rows in order, or null), with a fourth element
    ``{record, carried, missing}`` holding only what differs (``record`` when it is not the source's
    key); each group of records with its keys' common ``prefix`` left out of its rows and the values
    of each of its fields written once (``values``) when they are all text, its rows naming them by
    number."""
    groups = tree["records"]
    sources: dict[str, tuple[int, dict[str, Any]]] = {}
    number = 0
    out_groups = []
    for g in groups:
        names = g["attrs"]
        rows = g["rows"]
        prefix = g["kind"] + ":"
        if not all(isinstance(r[0], str) and r[0].startswith(prefix) for r in rows):
            prefix = ""
        values: list[list[str] | None] = []
        for col in range(len(names)):
            column = [r[len(ROW_FIELDS) + col] for r in rows]
            values.append(list(dict.fromkeys(column)) if all(isinstance(v, str) for v in column) else None)
        index = [None if v is None else {x: i for i, x in enumerate(v)} for v in values]
        new_rows = []
        for r in rows:
            sources[r[0]] = (number, {"date": r[1], "note": r[2]})
            number += 1
            row = [r[0][len(prefix):], *r[1:len(ROW_FIELDS)]]
            row += [r[len(ROW_FIELDS) + c] if ix is None else ix[r[len(ROW_FIELDS) + c]] for c, ix in enumerate(index)]
            new_rows.append(row)
        group = {k: v for k, v in g.items() if k != "rows"}
        if prefix:
            group["prefix"] = prefix
        if any(v is not None for v in values):
            group["values"] = values
        group["rows"] = new_rows
        out_groups.append(group)
    keys = set(sources)
    cats = []
    for c in tree["categories"]:
        items = []
        for e in c["items"]:
            if "uncapped" in e or "points" in e:  # version 3: uncapped left out when it is the points
                if e.get("uncapped", "0") == e.get("points", "0"):
                    e = {k: v for k, v in e.items() if k != "uncapped"}
                else:
                    e = {**e, "uncapped": e.get("uncapped", "0")}
            if "lines" in e:
                lines = []
                for ln in e["lines"]:
                    key = ln["source"] if "source" in ln else _source_of(ln.get("record"), keys)
                    found = sources.get(key) if key is not None else None
                    src = None if found is None else found[1]
                    line: list[Any] = [ln["points"], _said(ln["reason"], src), None if found is None else found[0]]
                    extra = {k: ln[k] for k in ("carried", "missing") if k in ln}
                    if ln.get("record") != key or found is None and ln.get("record") is not None:
                        extra["record"] = ln.get("record")
                    if extra:
                        line.append(extra)
                    lines.append(line)
                e = {**e, "lines": lines}
            items.append(e)
        cats.append({**c, "items": items})
    return {**{k: v for k, v in tree.items() if k != "records"}, "categories": cats, "records": out_groups}


class ReportFormatError(ValueError):
    """A report JSON a reader cannot rebuild the units' trees from (one line, in Chinese)."""


def expand(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document with every unit's full tree, as version 1 has it (every item with its
    description, every line with its ``source`` record); a version-1 document as it is. Raises
    :class:`ReportFormatError` when the document is not a report or refers to an item or a record it
    does not hold."""
    if doc.get("format") != FORMAT or doc.get("version") not in VERSIONS:
        raise ReportFormatError(
            f"不是 kaohe 通报 JSON:format 应为 {FORMAT!r}、version 应为 {'或'.join(map(str, VERSIONS))},"
            f"得到 {doc.get('format')!r}、{doc.get('version')!r}"
        )
    if doc["version"] == 1:
        return dict(doc)
    table = doc.get("items")
    if not isinstance(table, list):
        raise ReportFormatError("第2版通报 JSON 缺少顶层字段 items(各考核项目的说明)")
    out = {k: v for k, v in doc.items() if k != "items"}
    out["version"] = 1
    out["units"] = [expand_unit(u, table, doc["version"]) for u in doc.get("units", [])]
    return out


def _sources(unit: Mapping[str, Any], version: int = 2) -> dict[str, dict[str, Any]]:
    """A version-2 or -3 unit's ``records`` as version 1's ``source`` objects, by key (in the rows'
    order: version 3's lines name them by number)."""
    out = {}
    for g in unit.get("records", []):
        names = g.get("attrs", [])
        prefix = g.get("prefix", "") if version >= 3 else ""
        values = g.get("values") or [None] * len(names) if version >= 3 else [None] * len(names)
        for row in g.get("rows", []):
            if len(row) != len(ROW_FIELDS) + len(names) or len(values) != len(names):
                raise ReportFormatError(
                    f"单位 {unit.get('unit')} 的记录 {row[0] if row else '?'} 应有 {len(ROW_FIELDS) + len(names)} 个值,得到 {len(row)} 个"
                )
            if prefix or any(v is not None for v in values):
                try:
                    row = [prefix + row[0], *row[1:len(ROW_FIELDS)]] + [
                        x if v is None else v[x] for x, v in zip(row[len(ROW_FIELDS):], values, strict=True)
                    ]
                except (IndexError, TypeError):
                    raise ReportFormatError(
                        f"单位 {unit.get('unit')} 的记录 {prefix}{row[0]} 引用了字段取值表(values)中没有的值"
                    ) from None
            own = dict(zip(ROW_FIELDS, row))
            out[own["key"]] = {
                "key": own["key"], "kind": g["kind"], "date": own["date"], "department": g["department"],
                "note": own["note"], "value": own["value"], "attrs": dict(zip(names, row[len(ROW_FIELDS):], strict=True)),
                "file": g["file"], "sheet": g["sheet"], "row": own["row"], "version": own["version"],
            }
    return out


def expand_unit(unit: Mapping[str, Any], table: Sequence[Mapping[str, Any]], version: int = 2) -> dict[str, Any]:
    """One unit's full tree (version 1) from its version-2 (or ``version``-3) entry and the
    document's ``items``."""
    by_key = {(t["category"], t["item"]): t for t in table}
    order: dict[str, list[str]] = {}
    for t in table:
        order.setdefault(t["category"], []).append(t["item"])
    uid = unit.get("unit")
    records = _sources(unit, version)
    numbered = list(records)
    out = {k: v for k, v in unit.items() if k != "records"}
    cats = []
    for c in unit.get("categories", []):
        cid = c.get("category")
        ids = c.get("order", order.get(cid, []))
        entries = {e["item"]: e for e in c.get("items", [])}
        for extra in sorted(set(entries) - set(ids)):
            if (cid, extra) not in by_key:
                raise ReportFormatError(f"单位 {uid} 的类别 {cid} 引用了 items 中没有的项目 {extra}")
            raise ReportFormatError(f"单位 {uid} 的类别 {cid} 列出了不在其项目顺序(order)中的项目 {extra}")
        items = []
        for iid in ids:
            meta = by_key.get((cid, iid))
            if meta is None:
                raise ReportFormatError(f"单位 {uid} 的类别 {cid} 引用了 items 中没有的项目 {iid}")
            e = entries.get(iid, {})
            if version >= 3 and "uncapped" not in e:
                e = {**e, "uncapped": e.get("points", "0")}
            item: dict[str, Any] = {"item": iid}
            item.update({f: e.get(f, meta[f]) for f in ITEM_FIELDS})
            item.update({k: e.get(k, v) for k, v in ITEM_DEFAULTS.items() if k != "lines"})
            lines = []
            for ln in e.get("lines", []):
                if version >= 3:
                    ln = _line_v3(ln, numbered, records, uid, iid)
                key = ln["source"] if "source" in ln else _source_of(ln.get("record"), records)
                if key is not None and key not in records:
                    raise ReportFormatError(f"单位 {uid} 项目 {iid} 的一行引用了 records 中没有的记录 {key}")
                line = {**LINE_DEFAULTS, **{k: v for k, v in ln.items() if k != "source"}}
                line["source"] = None if key is None else records[key]
                lines.append(line)
            item["lines"] = lines
            items.append(item)
        cats.append({**{k: v for k, v in c.items() if k != "order"}, "items": items})
    out["categories"] = cats
    return out


def _line_v3(ln: Any, numbered: Sequence[str], records: Mapping[str, Mapping[str, Any]], uid: Any, iid: Any) -> dict[str, Any]:
    """A version-3 line as version 2 writes it (``source`` always said)."""
    if not isinstance(ln, list) or len(ln) not in (3, 4):
        raise ReportFormatError(f"单位 {uid} 项目 {iid} 的一行应为 [分值, 事由, 记录序号(, 其他)],得到 {str(ln)[:60]}")
    points, reason, number = ln[0], ln[1], ln[2]
    key = None
    if number is not None:
        if not isinstance(number, int) or not 0 <= number < len(numbered):
            raise ReportFormatError(f"单位 {uid} 项目 {iid} 的一行引用了 records 中没有的第 {number} 条记录")
        key = numbered[number]
    extra = ln[3] if len(ln) == 4 else {}
    if reason is None or isinstance(reason, list):
        if key is None:
            raise ReportFormatError(f"单位 {uid} 项目 {iid} 的一行既无事由也无记录")
        src = records[key]
        reason = f"{month_day(src['date'])} {src['note']}" + ("".join(map(str, reason)) if reason else "")
    out = {"points": points, "reason": reason, "record": extra.get("record", key)}
    out.update({k: extra[k] for k in ("carried", "missing") if k in extra})
    out["source"] = key
    return out


def read_units(path: Path) -> Iterator[dict[str, Any]]:
    """Each unit's full tree (version 1) from a report JSON file written by :func:`write_json`, one
    unit at a time (the file is read line by line: each top-level field and each unit of ``units``
    starts a line of its own, and ``items`` comes before ``units``)."""
    head: dict[str, Any] = {}
    with path.open(encoding="utf-8") as f:
        for raw in f:
            text = raw.rstrip("\n").rstrip(",")
            if text.startswith('{"unit"'):
                unit = json.loads(text)
                if head.get("version") == 1:
                    yield unit
                else:
                    yield expand_unit(unit, head.get("items") or [], int(head.get("version", 2)))
                continue
            if text.startswith("{"):
                text = text[1:]
            if text.startswith('"') and '":' in text and not text.endswith("["):
                try:
                    field = json.loads("{" + text + "}")
                except ValueError:
                    continue
                head.update(field)
                if "version" in field and field["version"] not in VERSIONS:
                    raise ReportFormatError(f"{path}:不支持的通报 JSON 版本 {field['version']!r}")


def _fields(data: ReportData, version: int) -> Iterator[tuple[str, Any]]:
    """The document's fields in order; ``units`` as an iterator of the units' trees, made one at a
    time."""
    if version not in VERSIONS:
        raise ValueError(f"report JSON version {version} (known: {VERSIONS})")
    yield "format", FORMAT
    yield "version", version
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
    if version >= 2:
        table = items_table(data)
        yield "items", table
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
    if version == 1:
        yield "units", (_unit(data.detail(u)) for u in data.units)
    else:
        yield "units", _units_v2(data, table, version)
    yield "edition", data.edition
    yield "changes", diff_data(data.changes) if data.changes is not None else None


def report_json(data: ReportData, version: int | None = None) -> dict[str, Any]:
    """The whole report as JSON-ready data (in memory: ``write_json`` writes it unit by unit)."""
    return {k: list(v) if k == "units" else v for k, v in _fields(data, VERSION if version is None else version)}


def write_json(data: ReportData, path: Path, version: int | None = None) -> Path:
    """Write the report's JSON to ``path``, one unit at a time, in layout ``version`` (the current
    one by default; 1 for an edition whose files were published in it)."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    with path.open("w", encoding="utf-8") as f:
        for i, (key, value) in enumerate(_fields(data, VERSION if version is None else version)):
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
