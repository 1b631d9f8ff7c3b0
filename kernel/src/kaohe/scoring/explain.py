"""The explanation of a score: total → categories → items → records, as data and as Chinese text."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from ..contract.items import according
from ..core.decimals import ZERO, D, fmt, fmt_points
from ..core.model import CategoryResult, Gap, ItemResult, Line, PeriodResult, UnitResult
from .folding import folded


def _num(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def line_data(line: Line) -> dict[str, Any]:
    out = {"points": _num(line.points), "reason": line.reason, "record": line.record, "carried": line.carried}
    if line.missing:  # only when set: the trees of complete data stay as they were (editions' digests)
        out["missing"] = line.missing
    return out


def item_data(item: ItemResult) -> dict[str, Any]:
    return {
        "item": item.item,
        "title": item.title,
        "department": item.department,
        "reference": item.reference,
        "window": item.window,
        "points": _num(item.points),
        "uncapped": _num(item.uncapped),
        "note": item.note,
        "direct_per_capita": item.direct_per_capita,
        "veto": list(item.veto),
        "carried": item.carried,
        "lines": [line_data(ln) for ln in item.lines],
        **({"folded": item.folded} if item.folded else {}),  # a stored tree's only: its record lines on demand
    }


def category_data(cat: CategoryResult) -> dict[str, Any]:
    return {
        "category": cat.category,
        "name": cat.name,
        "base": _num(cat.base),
        "raw": _num(cat.raw),
        "top": _num(cat.top),
        "weight": _num(cat.weight),
        "score": _num(cat.score),
        "explanation": cat.explanation,
        "items": [item_data(i) for i in cat.items],
    }


def gap_data(g: Gap) -> dict[str, Any]:
    """A missing piece of data (docs/report-json.md, ``missing``): a department's period (``unit``
    null) or a unit's figure for one item."""
    return {
        "department": g.department, "period": g.period, "unit": g.unit or None, "name": g.name or None,
        "item": g.item or None, "title": g.title or None, "text": g.text(),
    }


def unit_fields(u: UnitResult) -> dict[str, Any]:
    """A unit's tree without its categories (kaohe.scoring.treejson encodes the categories apart)."""
    return {
        "unit": u.unit,
        "name": u.name,
        "series": u.series,
        "class": u.klass,
        "period": u.period,
        "total": _num(u.total),
        "subtotal": _num(u.subtotal),
        "rank": u.rank,
        "flags": list(u.flags),
        "veto": list(u.veto),
        "carried": u.carried,
        "parts": [{"period": p, "total": _num(t)} for p, t in u.parts],
        "how": u.explanation,
        "adjustments": [line_data(ln) for ln in u.adjustments],
    }


def unit_data(u: UnitResult) -> dict[str, Any]:
    """The full tree of one unit's result, as JSON-ready data (numbers as exact decimal strings)."""
    return {**unit_fields(u), "categories": [category_data(c) for c in u.categories]}


class _Numbers(dict[str, Decimal]):
    """The stored trees' numbers decoded so far (``_dec``)."""

    def __missing__(self, text: str) -> Decimal:
        n = D(text)
        if len(self) < 100_000:
            self[text] = n
        return n


_NUMBERS = _Numbers()
_dec: Callable[[str], Decimal] = _NUMBERS.__getitem__
"""``D(text)`` of a stored tree's number, each distinct text decoded once (most repeat: 0, -2): a
lookup without a step of Python unless the text is new (a ranking of the year decodes 88,000)."""


def line_from_data(d: dict[str, Any]) -> Line:
    """The line ``line_data`` wrote (a line's flag is not in it: the unit's flags hold it)."""
    return Line(_dec(d["points"]), d["reason"], d["record"], bool(d["carried"]), missing=d.get("missing", ""))


def item_from_data(d: dict[str, Any], category: str, fold: bool = False) -> ItemResult:
    """The item result ``item_data`` wrote, in ``category`` (with ``fold``, its record lines folded:
    ``folding.fold_lines``)."""
    lines = tuple(line_from_data(ln) for ln in d["lines"])
    if fold:
        lines = folded(lines, d["window"])
    return ItemResult(
        item=d["item"], title=d["title"], department=d["department"], category=category, reference=d["reference"],
        window=d["window"], lines=lines, points=_dec(d["points"]),
        uncapped=_dec(d["uncapped"]), direct_per_capita=bool(d["direct_per_capita"]), note=d["note"], veto=tuple(d["veto"]),
        folded=int(d.get("folded", 0)),
    )


def shared_item(d: dict[str, Any], category: str, fold: bool, empty: dict[tuple[Any, ...], ItemResult]) -> ItemResult:
    """``item_from_data``, an item without lines made once for every tree it is equal in (``empty``:
    most items of most units and periods earn and lose nothing; equal, and printed alike: the key is
    the stored texts)."""
    if d["lines"]:
        return item_from_data(d, category, fold)
    key = (
        category, d["item"], d["title"], d["department"], d["reference"], d["window"], d["points"], d["uncapped"],
        d["note"], d["direct_per_capita"], tuple(d["veto"]), d.get("folded", 0),
    )
    found = empty.get(key)
    if found is None:
        found = empty[key] = item_from_data(d, category, fold)
    return found


def category_from_data(
    d: dict[str, Any], items: bool = True, fold: bool = False, empty: dict[tuple[Any, ...], ItemResult] | None = None,
) -> CategoryResult:
    """The category result ``category_data`` wrote (its items too, unless ``items`` is false; with
    ``empty``, the items without lines shared: ``shared_item``)."""
    cid = d["category"]
    its = d.get("items", ()) if items else ()
    return CategoryResult(
        category=cid, name=d["name"], base=_dec(d["base"]),
        items=(
            tuple(item_from_data(i, cid, fold) for i in its) if empty is None else tuple(shared_item(i, cid, fold, empty) for i in its)
        ),
        raw=_dec(d["raw"]), top=_dec(d["top"]), weight=_dec(d["weight"]), score=_dec(d["score"]), explanation=d["explanation"],
    )


def category_from_row(row: tuple[str, str, str, str, str, str, str, str]) -> CategoryResult:
    """A category result without its items from a stored row (``Store.stored_rows``): (category,
    name, base, raw, top, weight, score, explanation)."""
    cid, name, base, raw, top, weight, score, how = row
    return CategoryResult(cid, name, _dec(base), (), _dec(raw), _dec(top), _dec(weight), _dec(score), how)


def unit_from_data(
    d: dict[str, Any], categories: bool | tuple[CategoryResult, ...] = True, fold: bool = False,
    empty: dict[tuple[Any, ...], ItemResult] | None = None,
) -> UnitResult:
    """The unit result ``unit_data`` wrote (a stored explanation): ``unit_data(unit_from_data(d))``
    is ``d``. Numbers are the trees' (``fmt``: equal, printed alike). Without ``categories``, the
    unit's fields only (given as a tuple, with those categories); with ``fold``, the items' record
    lines folded (what an aggregate reads); with ``empty``, the items without lines made once for all
    the trees read with it."""
    if categories is True:
        categories = tuple(category_from_data(c, fold=fold, empty=empty) for c in d.get("categories", ()))
    return UnitResult(
        unit=d["unit"], name=d["name"], series=d["series"], klass=d["class"], period=d["period"],
        categories=categories or (),
        subtotal=_dec(d["subtotal"]), total=_dec(d["total"]), veto=tuple(d["veto"]), rank=d["rank"], flags=tuple(d["flags"]),
        parts=tuple([(p["period"], _dec(p["total"])) for p in d["parts"]]), explanation=d["how"],
        adjustments=tuple(line_from_data(ln) for ln in d["adjustments"]),
    )


def period_data(result: PeriodResult) -> dict[str, Any]:
    return {"period": result.period, "kind": result.kind, "units": [unit_data(u) for u in result.units]}


def unit_text(u: UnitResult, show_zero: bool = False, ids: bool = False) -> str:
    """The explanation a station chief reads; ``ids`` adds each item's id and each line's record key
    (what an appeal names: ``kaohe appeal file``)."""
    out = [f"{u.name}({u.unit}) {u.period} 考核得分 {fmt(u.total)}" + (f",序列内第{u.rank}名" if u.rank else "")]
    if u.flags:
        out.append("标记:" + "、".join(u.flags))
    if u.veto:
        out.append(f"一票否决:当期考核为零分(否决前得分 {fmt(u.subtotal)}),取消年终评先创优资格")
        for v in u.veto:
            out.append(f"  · {v}")
    if u.parts:
        out.append(f"计算方法:{u.explanation}:" + ";".join(f"{p} {fmt(t)}" for p, t in u.parts))
    elif u.explanation:
        out.append(f"计算方法:{u.explanation}")
    for c in u.categories:
        out.append(f"【{c.name}】得分 {fmt(c.score)}(权重 {fmt(c.weight)})")
        out.append(f"  {c.explanation}")
        for i in c.items:
            if not show_zero and not i.lines and i.points == 0:
                continue
            carried = ("(沿用上期数据)" if i.carried else "") + ("〔数据缺失〕" if i.missing else "")
            item_id = f";项目编号 {i.item}" if ids else ""
            out.append(f"  ◆ {i.title} {fmt_points(i.points)}{carried}  〔{i.department};{according(i.reference)}{item_id}〕")
            if i.note:
                out.append(f"      {i.note}")
            for ln in i.lines:
                key = f"  〔记录编号 {ln.record}〕" if ids and ln.record else ""
                out.append(
                    f"      {fmt_points(ln.points)}  {ln.reason}" + ("(沿用上期数据)" if ln.carried else "")
                    + (f"〔数据缺失:{ln.missing}〕" if ln.missing else "") + key
                )
    if u.adjustments:
        out.append("【考核办调整】(通知单、机动加分等,直接计入总分)")
        for ln in u.adjustments:
            out.append(f"      {fmt_points(ln.points)}  {ln.reason}")
    return "\n".join(out)


def ranking_columns(bureau: Any, result: PeriodResult, adjustment: bool = True) -> list[tuple[str, Callable[[UnitResult], Decimal | None]]]:
    """The score columns of a ranking: (header, unit → value). For a base period, each category. For
    a quarter, half-year or year made by summing its base periods, each category summed; made
    otherwise (mean, or the year's scaled 60%), the summed categories would not add up to the total,
    so the part made of the base periods is one column (各期部分), beside the year's own categories.
    The CLI, the web page and the XLSX all rank with these columns, so their rows add up alike.
    ``adjustment`` adds the office's direct adjustments (考核办调整) as a last column when any unit
    has one."""
    return [(c.header, c.value) for c in ranking_column_notes(bureau, result, adjustment)]


@attrs.frozen
class Column:
    """A score column of a ranking: its header, a short note on what its figure is (for a report's
    header), the category it shows (None for the part of the base periods and the adjustments)."""

    header: str
    note: str
    category: str | None
    value: Callable[[UnitResult], Decimal | None] = attrs.field(eq=False)


def ranking_column_notes(bureau: Any, result: PeriodResult, adjustment: bool = True) -> list[Column]:
    """:func:`ranking_columns` with a note on each column, for the published report."""
    scheme = bureau.scheme
    aggregated = any(u.parts for u in result.units)
    method = scheme.year_method if result.kind == "year" else scheme.aggregate
    year_ids = {c.id for c in scheme.year_categories}

    def score_of(cid: str) -> Callable[[UnitResult], Decimal | None]:
        def score(u: UnitResult) -> Decimal | None:
            for c in u.categories:  # a loop, not a generator: a ranking reads it for every unit and column
                if c.category == cid:
                    return c.score
            return None

        return score

    def adjusted(u: UnitResult) -> Decimal | None:
        return sum((ln.points for ln in u.adjustments), ZERO) if u.adjustments else None

    adj = [Column("考核办调整", "直接计入总分", None, adjusted)] if adjustment and any(u.adjustments for u in result.units) else []
    if not aggregated or method == "sum":
        note = "各期合计" if aggregated else None
        cats = [
            Column(c.name, note or f"权重 {fmt(c.weight)}", c.id, score_of(c.id))
            for c in scheme.categories
            if result.kind == "year" or c.id not in year_ids
        ]
        return cats + adj

    def part(u: UnitResult) -> Decimal | None:
        extra = sum((c.score for c in u.categories if c.category in year_ids), ZERO)
        return u.total - extra - sum((ln.points for ln in u.adjustments), ZERO)

    label = {"year": "月考核部分", "half": "各月部分", "quarter": "各月部分"}.get(result.kind, "各期部分")
    if scheme.base_period == "quarter":
        label = "各季度部分"
    if method == "mean":
        note = "各期平均"
    else:
        note = f"各期平均÷满分×{fmt(scheme.year_scale)}"
    extra = [Column(c.name, f"权重 {fmt(c.weight)}", c.id, score_of(c.id)) for c in scheme.categories if c.id in year_ids]
    return [Column(label, note, None, part), *extra, *adj]
