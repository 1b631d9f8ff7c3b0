"""Published editions (通报的版本): a period's results frozen with everything that produced them.

An edition's payload is one canonical JSON document (keys sorted, no spaces, UTF-8), holding:

- ``config``: the configuration file's name, SHA-256 and full text; the units as configured;
- ``items``: every enabled item with its plugin, department, category, cadence, cap, floor, rule
  shape and parameters;
- ``plugins``: every loaded plugin with its version and distribution;
- ``inputs``: the imports holding the records that could be read (file, checksum, adapter,
  department, how many records), the voided records, and a SHA-256 of both, over the period's days
  and the year before it;
- ``adjustments`` and ``appeals``: the adjustments in force and the appeals decided for the period;
- ``results``: every unit's full explanation tree (kaohe.scoring.explain.unit_data);
- ``versions``, only for a bureau with dated changes (``[[changes]]``, kaohe.scheme.dated): the
  version of the configuration each base period and the period itself were scored under; the
  ``items`` are then those in force in the period.

Nothing in it depends on when or by whom it was published (those are the edition's metadata,
beside the payload), so scoring the same inputs again gives the same bytes: the edition's digest
(SHA-256 of the payload) is the check. A published edition is never changed (the ``editions`` table
is append-only); a change of data, configuration, adjustment or appeal yields a new edition when
the period is published again, and :func:`diff` says what changed between two editions and why.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..contract.items import Item
from ..core.canonical import Stream, _default, canonical, unpacked
from ..core.decimals import D, fmt, fmt_points
from ..core.model import PeriodResult, UnitResult
from ..core.periods import MONTHS_PER, Period
from ..scheme.bureau import Bureau
from ..scoring.explain import gap_data, unit_data
from ..scoring.pipeline import base_periods

FORMAT = 1


def _plain(value: Any) -> Any:
    """A rule's parameters as JSON-ready data (deterministic: no addresses, no sets in random order)."""
    if attrs.has(type(value)):
        fields = [
            f for f in attrs.fields(type(value))
            if not (f.metadata.get("omit_default") and getattr(value, f.name) == f.default)  # added later: see rules.targets.LATER
        ]
        return {"shape": type(value).__name__, **{f.name: _plain(getattr(value, f.name)) for f in fields}}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=str)
    if value is None or isinstance(value, bool | int | str):
        return value
    return _default(value)


def item_entry(item: Item) -> dict[str, Any]:
    return {
        "id": item.id, "title": item.title, "plugin": item.plugin, "department": item.department,
        "category": item.category, "reference": item.reference, "citation": item.basis, "cadence": item.cadence, "reads": list(item.reads),
        "cap": item.cap, "floor": item.floor, "direct_per_capita": item.direct_per_capita,
        "rule": item.rule.describe(), "params": _plain(item.rule),
    }


def config_entry(bureau: Bureau) -> dict[str, Any]:
    path = Path(bureau.source) if bureau.source else None
    text = bureau.text
    if not text and path is not None and path.is_file():  # a bureau not read by load_bureau
        text = path.read_bytes().decode("utf-8", errors="replace")
    return {
        "file": path.name if path else "",
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest() if text else "",
        "text": text,
        "units": [
            {
                "id": u.id, "name": u.name, "series": u.series, "class": u.klass, "headcount": dict(sorted(u.headcount.items())),
                "tags": list(u.tags), "start": u.start, "end": u.end,
            }
            for u in bureau.units
        ],
    }


def versions_entry(bureau: Bureau, period: Period) -> list[dict[str, Any]]:
    """The version of the configuration (its dated change, or the text as written) each base period
    of ``period`` and, when longer, ``period`` itself was scored under."""
    periods = base_periods(bureau, period)
    if periods != [period]:
        periods.append(period)
    out = []
    for p in periods:
        v = bureau.version_of(p)
        entry = v.entry() if v is not None else {"from": None, "label": "配置文件所写(无变更)", "note": "", "changes": []}
        out.append({"period": p.label, **entry})
    return out


def plugins_entry(registry: Any) -> list[dict[str, str]]:
    return [
        {"name": name, "version": info.version, "distribution": info.distribution}
        for name, info in sorted(registry.plugins.items())
        if name in registry.scoring_plugins()
    ]


def inputs_window(bureau: Bureau, period: Period) -> tuple[Period, Period]:
    """The base periods whose records an edition's inputs cover: the period's own, and the year
    before it (carry-over, the 末位 flag, year-over-year comparisons, quotas and items of longer
    windows all read within it)."""

    bases = base_periods(bureau, period)
    first = bases[0]
    back = max(bureau.scheme.last_place_months - 1, 12 // MONTHS_PER[bureau.scheme.base_period] + 1)
    for _ in range(back):
        first = first.previous()
    return first, bases[-1]


def inputs_entry(store: Any, bureau: Bureau, period: Period) -> dict[str, Any]:
    """What the period's scoring could read from the store: every import that holds a current
    record dated in the inputs' window (file, checksum, adapter, department and how many of its
    records), and the voided records there. A record changes only through an import (which then
    holds it) or a voiding, so these say whether the inputs are the same."""
    first, last = inputs_window(bureau, period)
    cal = bureau.calendar
    start, end = cal.start(first).isoformat(), cal.end(last).isoformat()
    used: dict[tuple[str, str, str, str], int] = {}
    for f, c, a, d, n in store.imports_holding(start, end):
        used[(d, f, c, a)] = used.get((d, f, c, a), 0) + n
    voided = store.voided_keys(start, end)
    imports = [
        {"file": f, "checksum": c, "adapter": a, "department": d, "records": n}
        for (d, f, c, a), n in sorted(used.items())
    ]
    h = hashlib.sha256(canonical({"imports": imports, "voided": voided}))
    return {
        "from": start, "to": end, "records": sum(used.values()), "records_sha256": h.hexdigest(),
        "imports": imports, "voided": voided,
    }


def payload_chunks(
    bureau: Bureau, registry: Any, result: PeriodResult, inputs: Mapping[str, Any],
    adjustments: Sequence[Mapping[str, Any]] = (), appeals: Sequence[Mapping[str, Any]] = (),
    confirmed: str | None = None, whole: Callable[[Iterable[UnitResult]], Iterable[UnitResult]] | None = None,
) -> Iterator[bytes]:
    """The payload's bytes, piece by piece: the same bytes as ``canonical`` of the whole document,
    with the units' trees made one at a time (a province's month never has every tree in memory).
    ``completeness`` is there only when data is missing: what is missing, and the office's reason
    for publishing all the same (``confirmed``, ``kaohe publish --allow-missing``), if it gave one.
    ``whole``: the units whole, in the order given, where ``result``'s are held without their record
    lines (kaohe.office.results.StoredPeriod.each)."""
    period = Period.parse(result.period)
    parts: dict[str, Any] = {
        "format": FORMAT,
        "bureau": bureau.name,
        "scheme": bureau.scheme.name,
        "period": result.period,
        "kind": result.kind,
        "config": config_entry(bureau),
        "items": [item_entry(i) for i in sorted(bureau.at(period).items, key=lambda i: i.id)],
        "plugins": plugins_entry(registry),
        "inputs": dict(inputs),
        "adjustments": list(adjustments),
        "appeals": list(appeals),
        "results": (unit_data(u) for u in (whole or iter)(sorted(result.units, key=lambda u: u.unit))),
    }
    if bureau.assessment.versions:
        parts["versions"] = versions_entry(bureau, period)
    if result.missing or result.empty:
        parts["completeness"] = {
            "missing": [gap_data(g) for g in result.missing], "empty": list(result.empty), "confirmed": confirmed,
        }
    yield b"{"
    for i, key in enumerate(sorted(parts)):
        yield (b"," if i else b"") + canonical(key) + b":"
        value = parts[key]
        if isinstance(value, Iterator):
            yield b"["
            for j, element in enumerate(value):
                yield (b"," if j else b"") + canonical(element)
            yield b"]"
        else:
            yield canonical(value)
    yield b"}"


def freeze(chunks: Iterable[bytes]) -> tuple[bytes, str]:
    """The payload compressed (zlib) and its digest (SHA-256 of the uncompressed bytes)."""
    h = hashlib.sha256()
    z = zlib.compressobj(6)
    out = []
    for chunk in chunks:
        h.update(chunk)
        out.append(z.compress(chunk))
    out.append(z.flush())
    return b"".join(out), h.hexdigest()


# --- What changed between two editions ------------------------------------------------------------


@attrs.frozen
class ItemChange:
    category: str
    item: str
    title: str
    department: str
    before: Decimal | None
    after: Decimal | None
    removed: tuple[str, ...]
    """Lines of the earlier edition that are gone (points and reason)."""
    added: tuple[str, ...]


@attrs.frozen
class UnitChange:
    unit: str
    name: str
    series: str
    total: tuple[Decimal | None, Decimal | None]
    rank: tuple[int | None, int | None]
    items: tuple[ItemChange, ...]
    adjustments: tuple[tuple[str, ...], tuple[str, ...]]
    """(removed, added) direct adjustments."""


@attrs.frozen
class Diff:
    period: str
    before: int
    after: int
    units: tuple[UnitChange, ...]
    why: tuple[str, ...]
    """Why, in Chinese: appeals decided, adjustments, data and configuration changes."""

    @property
    def empty(self) -> bool:
        return not self.units


def _lines(item: Mapping[str, Any]) -> list[str]:
    return [f"{fmt_points(D(ln['points']))} {ln['reason']}" for ln in item.get("lines", [])]


def _items(tree: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {(c["category"], i["item"]): i for c in tree.get("categories", []) for i in c.get("items", [])}


def _num(value: Any) -> Decimal | None:
    return None if value is None else D(value)


def _multiset_minus(a: list[str], b: list[str]) -> list[str]:
    rest = list(b)
    out = []
    for x in a:
        if x in rest:
            rest.remove(x)
        else:
            out.append(x)
    return out


def diff(a: Mapping[str, Any], b: Mapping[str, Any], before: int = 0, after: int = 0) -> Diff:
    """What changed from edition payload ``a`` to ``b`` (decoded JSON), unit by unit, and why."""
    ua = {u["unit"]: u for u in a["results"]}
    ub = {u["unit"]: u for u in b["results"]}
    units = []
    for uid in sorted(set(ua) | set(ub), key=lambda k: ((ub[k] if k in ub else ua[k])["series"], k)):
        change = _unit_change(uid, ua.get(uid, {}), ub.get(uid, {}))
        if change is not None:
            units.append(change)
    return Diff(b.get("period", a.get("period", "")), before, after, tuple(units), tuple(_why(a, b)))


class _Unsorted(Exception):
    """A payload whose units are not in the order of their ids (``payload_chunks`` sorts them)."""


def diff_packed(a: bytes, b: bytes, before: int = 0, after: int = 0) -> Diff:
    """``diff`` of two payloads as stored (compressed: ``freeze``), read a unit of each at a time
    (``core.canonical.Stream``): at full scale a payload decoded whole is 1.5 GB in memory. The
    units of both, in the order of their ids as every payload lists them, are walked side by side;
    payloads that do not list them so are decoded whole (``diff``). The same ``Diff``."""
    try:
        return _diff_streams(Stream(unpacked(a)), Stream(unpacked(b)), before, after)
    except _Unsorted:
        return diff(json.loads(zlib.decompress(a)), json.loads(zlib.decompress(b)), before, after)


def why_packed(a: bytes, b: bytes) -> list[str]:
    """``diff(a, b).why`` of two payloads as stored (compressed), read up to their results only:
    what it says comes from what the payloads hold before them (appeals, adjustments, inputs, the
    configuration, items, plugins)."""
    return _why(_head(Stream(unpacked(a)))[0], _head(Stream(unpacked(b)))[0])


def payload_parts(packed: bytes) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """A payload as stored (compressed), read a piece at a time: its entries before its results
    (``config``, ``inputs``, ``items`` …), and its results, one unit's tree at a time, in the payload's
    order (of the units' ids)."""
    return _head(Stream(unpacked(packed)))


def _head(stream: Stream) -> tuple[dict[str, Any], Iterator[Any]]:
    """A payload's entries before its results, and its results, one unit at a time."""
    head: dict[str, Any] = {}
    for key, value in stream.entries(["results"]):
        if key == "results":
            return head, value
        head[key] = value
    return head, iter(())


def _ids(units: Iterator[Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(id, unit) of a payload's units, checked in the order of their ids."""
    last: str | None = None
    for u in units:
        uid = u["unit"]
        if last is not None and uid <= last:
            raise _Unsorted(uid)
        last = uid
        yield uid, u


def _diff_streams(sa: Stream, sb: Stream, before: int, after: int) -> Diff:
    head_a, units_a = _head(sa)
    head_b, units_b = _head(sb)
    ia, ib = _ids(units_a), _ids(units_b)
    x, y = next(ia, None), next(ib, None)
    found: list[tuple[tuple[Any, str], UnitChange]] = []
    empty: Mapping[str, Any] = {}
    while x is not None or y is not None:
        old: Mapping[str, Any]
        new: Mapping[str, Any]
        if y is None or (x is not None and x[0] < y[0]):
            assert x is not None
            uid, old, new = x[0], x[1], empty
            x = next(ia, None)
        elif x is None or y[0] < x[0]:
            uid, old, new = y[0], empty, y[1]
            y = next(ib, None)
        else:
            uid, old, new = x[0], x[1], y[1]
            x, y = next(ia, None), next(ib, None)
        change = _unit_change(uid, old, new)
        if change is not None:
            found.append((((new or old)["series"], uid), change))
    found.sort(key=lambda f: f[0])
    return Diff(
        head_b.get("period", head_a.get("period", "")), before, after, tuple(c for _, c in found), tuple(_why(head_a, head_b))
    )


def _unit_change(uid: str, x: Mapping[str, Any], y: Mapping[str, Any]) -> UnitChange | None:
    """What changed of unit ``uid`` from its tree ``x`` to ``y`` (``{}``: not in that edition), or None."""
    ia, ib = _items(x), _items(y)
    changes = []
    for key in list(ia) + [k for k in ib if k not in ia]:
        i, j = ia.get(key, {}), ib.get(key, {})
        la, lb = _lines(i), _lines(j)
        if i.get("points") == j.get("points") and la == lb:
            continue
        ref = j or i
        changes.append(
            ItemChange(
                key[0], key[1], ref["title"], ref["department"], _num(i.get("points")), _num(j.get("points")),
                tuple(_multiset_minus(la, lb)), tuple(_multiset_minus(lb, la)),
            )
        )
    adj_a, adj_b = _lines({"lines": x.get("adjustments", [])}), _lines({"lines": y.get("adjustments", [])})
    total = (_num(x.get("total")), _num(y.get("total")))
    rank = (x.get("rank"), y.get("rank"))
    if changes or total[0] != total[1] or rank[0] != rank[1] or adj_a != adj_b:
        ref = y or x
        return UnitChange(
            uid, ref["name"], ref["series"], total, rank, tuple(changes),
            (tuple(_multiset_minus(adj_a, adj_b)), tuple(_multiset_minus(adj_b, adj_a))),
        )
    return None


def _why(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    out = []
    seen = {x["id"] for x in a.get("appeals", [])}
    for ap in b.get("appeals", []):
        if ap["id"] not in seen:
            out.append(
                f"复查第{ap['id']}号({ap['name']} · {ap['title']}):{ap['outcome']}"
                + (f",改为{fmt_points(D(ap['points']))}" if ap["outcome"] == "改分" else "")
                + f"({ap['decider']}:{ap['reason']})"
            )
    adj_a = {x["id"]: x for x in a.get("adjustments", [])}
    adj_b = {x["id"]: x for x in b.get("adjustments", [])}
    for k, x in adj_b.items():
        if k not in adj_a and x.get("kind") != "复查改分":
            out.append(f"新增{x['kind']}第{x.get('number') or k}号:{x.get('name', x['unit'])} {fmt_points(D(x['points']))}({x['reason']};批准:{x['approver']})")
    for k, x in adj_a.items():
        if k not in adj_b:
            out.append(f"撤销{x['kind']}第{x.get('number') or k}号:{x.get('name', x['unit'])} {fmt_points(D(x['points']))}")
    ia, ib = a.get("inputs", {}), b.get("inputs", {})
    fa = {(i["file"], i["checksum"]) for i in ia.get("imports", [])}
    fb = {(i["file"], i["checksum"]) for i in ib.get("imports", [])}
    voided = sorted(set(ib.get("voided", [])) - set(ia.get("voided", [])))
    if fa != fb or voided or ia.get("records") != ib.get("records"):
        new = sorted(f for f, _ in fb - fa)
        text = f"数据变化:记录由{ia.get('records', 0)}条变为{ib.get('records', 0)}条"
        if new:
            text += ",新导入或更正的文件:" + "、".join(new)
        if voided:
            text += ",作废的记录:" + "、".join(voided[:10]) + (f" 等{len(voided)}条" if len(voided) > 10 else "")
        out.append(text)
    if a.get("config", {}).get("sha256") != b.get("config", {}).get("sha256"):
        out.append(f"配置文件 {b.get('config', {}).get('file', '')} 已修改")
    if a.get("items") != b.get("items"):
        ida = {i["id"]: i for i in a.get("items", [])}
        idb = {i["id"]: i for i in b.get("items", [])}
        on = sorted(set(idb) - set(ida))
        off = sorted(set(ida) - set(idb))
        changed = sorted(k for k in set(ida) & set(idb) if ida[k] != idb[k])
        parts = []
        if on:
            parts.append("启用 " + "、".join(on))
        if off:
            parts.append("停用 " + "、".join(off))
        if changed:
            parts.append("参数改变 " + "、".join(changed))
        out.append("考核项目:" + ";".join(parts))
    pa = {p["name"]: p["version"] for p in a.get("plugins", [])}
    pb = {p["name"]: p["version"] for p in b.get("plugins", [])}
    if pa != pb:
        out.append("插件:" + "、".join(f"{n} {pa.get(n, '无')}→{pb.get(n, '无')}" for n in sorted(set(pa) | set(pb)) if pa.get(n) != pb.get(n)))
    return out


def diff_text(d: Diff) -> str:
    head = f"{d.period} 第{d.before}版 → 第{d.after}版"
    if d.empty:
        return head + ":得分、名次均无变化" + ("\n原因:" + ";".join(d.why) if d.why else "")
    out = [head + f":{len(d.units)} 个单位有变化"]
    if d.why:
        out.append("原因:")
        out.extend(f"  · {w}" for w in d.why)
    for u in d.units:
        t0, t1 = u.total
        r0, r1 = u.rank
        out.append(
            f"{u.name}({u.unit}):总分 {_f(t0)} → {_f(t1)}"
            + (f"({fmt_points(t1 - t0)})" if t0 is not None and t1 is not None and t0 != t1 else "")
            + f",名次 {r0 if r0 is not None else '—'} → {r1 if r1 is not None else '—'}"
        )
        for c in u.items:
            out.append(f"  ◆ {c.title}〔{c.department}〕 {_f(c.before, True)} → {_f(c.after, True)}")
            out.extend(f"      删去 {ln}" for ln in c.removed)
            out.extend(f"      新增 {ln}" for ln in c.added)
        removed, added = u.adjustments
        out.extend(f"  ◆ 考核办调整 删去 {ln}" for ln in removed)
        out.extend(f"  ◆ 考核办调整 新增 {ln}" for ln in added)
    return "\n".join(out)


def _f(value: Decimal | None, points: bool = False) -> str:
    if value is None:
        return "—"
    return fmt_points(value) if points else fmt(value)


def diff_data(d: Diff) -> dict[str, Any]:
    """The diff as JSON-ready data (decimal strings)."""
    def n(v: Decimal | None) -> str | None:
        return None if v is None else fmt(v)

    return {
        "period": d.period, "before": d.before, "after": d.after, "why": list(d.why),
        "units": [
            {
                "unit": u.unit, "name": u.name, "series": u.series, "total": [n(u.total[0]), n(u.total[1])],
                "rank": list(u.rank),
                "items": [
                    {
                        "category": c.category, "item": c.item, "title": c.title, "department": c.department,
                        "points": [n(c.before), n(c.after)], "removed": list(c.removed), "added": list(c.added),
                    }
                    for c in u.items
                ],
                "adjustments": {"removed": list(u.adjustments[0]), "added": list(u.adjustments[1])},
            }
            for u in d.units
        ],
    }
