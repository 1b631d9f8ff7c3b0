"""The office's analysis of a scheme on scored results (issue 20): what a proposed scheme changes
(``compare_data``) and how each category and item of a scheme really weighs (``diagnose_data``).
Pure functions over the pipeline's results; the definitions are those of docs/analysis.md.

Each unit's total is split into parts (``Parts``): every category's score and every item's
contribution to it — the item's points times the factor that turned the category's raw score
into its score (score ÷ raw: the normalisation ``÷ top × weight``) — the rest of the category (its
base, its per-capita division, its cap and floor, the rounding) and the rest of the total (class
coefficients, adjustments, a veto). For a quarter, half-year or year the parts of its base periods
are added up and scaled as the scheme forms the period (sum; mean: ÷ the number of periods; scaled:
÷ periods ÷ full × scale); a year category counts as scored over the year. So a unit's total is
always exactly the sum of its categories' parts and the rest, and the effective weight of a part,
``cov(part, total) ÷ var(total)`` over the units of a series, sums to 1 over the categories and
the rest."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import attrs

from ..core.decimals import ZERO, fmt
from ..core.texttable import table
from ..core.model import CategoryResult, PeriodResult, UnitResult
from ..scheme.bureau import Bureau
from ..scheme.scheme import Scheme

PLACES = Decimal("0.0001")
"""Shares and correlations are shown rounded half-up to four places (computed exactly, or at 28
significant digits where a division or a square root does not end)."""

CONCENTRATED = Decimal("0.8")
"""An item is concentrated when one or two units hold at least this share of its points."""

OTHER = "其他(系数、调整、否决、取整)"
REST = "(基础分、人均、封顶、取整)"


def q(value: Decimal | Fraction | None) -> str | None:
    """A share or a correlation as text, four places (``PLACES``)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        with localcontext() as ctx:
            ctx.prec = 28
            value = Decimal(value.numerator) / Decimal(value.denominator)
    return str(value.quantize(PLACES))


@attrs.define
class Parts:
    """One unit's total split into parts (see the module's text). Keys: ``cat:<id>``,
    ``item:<id>`` (its category in ``item_category``), ``rest:<category id>``, ``other``."""

    total: Decimal = ZERO
    values: dict[str, Decimal] = attrs.field(factory=dict)

    def add(self, key: str, value: Decimal) -> None:
        self.values[key] = self.values.get(key, ZERO) + value


@attrs.define
class ItemStats:
    """What an item did over the units and base periods analysed (saturation, dead items)."""

    title: str = ""
    category: str = ""
    cap: Decimal | None = None
    floor: Decimal | None = None
    cases: int = 0
    """Unit × base period evaluations."""
    triggered: int = 0
    """Evaluations with a line (a record counted, a rule's figure) other than data missing."""
    at_cap: int = 0
    lost: Decimal = ZERO
    """Points above the cap not counted."""
    highest: Decimal | None = None
    """The highest points a unit's records would have earned (before the cap)."""
    at_floor: int = 0
    at_top: int = 0
    """Evaluations that got the highest positive points any unit got from the item in that base
    period (a bonus earned alike once a threshold is reached: 达标即得分, “够加分线即可”)."""
    top: Decimal | None = None
    """The highest positive points the item gave in a base period."""


@attrs.define
class Analysis:
    """A scheme scored over a period, for analysis: the period's result, every unit's parts, the
    items' statistics and, per base period, every unit's parts (for the blocks over the months)."""

    bureau: Bureau
    result: PeriodResult
    parts: dict[str, Parts]
    items: dict[str, ItemStats]
    months: list[tuple[str, dict[str, Parts]]]
    points: dict[str, dict[str, Decimal]] | None = None
    """The points of each item by unit in ``result`` (``item_points``), where already read (the
    stored item results read in bulk); None: taken from ``result``'s units."""


Cat = tuple[str, Decimal, Decimal, Decimal, Decimal, Iterable[tuple[str, Decimal]]]
"""A category of a unit's result as the parts read it: (category, score, raw, top, weight, its
items' (item, points) in their order; those with no points may be left out)."""

Evaluation = tuple[str, str, str, Decimal, Decimal, bool, bool]
"""An item's result for a unit as the statistics read it: (item, category, title, points, uncapped,
whether it has lines, whether one of them is not data missing)."""


def _factor(score: Decimal, raw: Decimal, top: Decimal, weight: Decimal) -> Decimal:
    if raw != 0:
        return score / raw
    if top != 0:
        return weight / top
    return ZERO


def _category(c: CategoryResult) -> Cat:
    return c.category, c.score, c.raw, c.top, c.weight, ((i.item, i.points) for i in c.items)


def base_parts(unit: UnitResult) -> Parts:
    """A base period's unit split into parts."""
    return parts_of(unit.total, (_category(c) for c in unit.categories))


def parts_of(total: Decimal, categories: Iterable[Cat]) -> Parts:
    """A base period's unit split into parts, from its total and its categories (``Cat``: a unit's
    result, or its stored category and item results read in bulk)."""
    p = Parts(total=total)
    with localcontext() as ctx:
        ctx.prec = 28
        scores = ZERO
        for cid, score, raw, top, weight, items in categories:
            p.add(f"cat:{cid}", score)
            scores += score
            k = _factor(score, raw, top, weight)
            done = ZERO
            for iid, points in items:
                if not points:  # most items of most units: nothing to split
                    continue
                v = points * k
                p.add(f"item:{iid}", v)
                done += v
            p.add(f"rest:{cid}", score - done)
        p.add("other", total - scores)
    return p


def item_stats(stats: dict[str, ItemStats], bureau: Bureau, result: PeriodResult) -> None:
    """Add a base period's evaluations to ``stats``."""
    best: dict[str, Decimal] = {}
    for u in result.units:
        for c in u.categories:
            for i in c.items:
                if i.points > best.get(i.item, ZERO):
                    best[i.item] = i.points
    add_item_stats(stats, bureau, (
        (i.item, i.category, i.title, i.points, i.uncapped, bool(i.lines), any(not ln.missing for ln in i.lines))
        for u in result.units for c in u.categories for i in c.items
    ), best=best)


def add_item_stats(
    stats: dict[str, ItemStats], bureau: Bureau, evaluations: Iterable[Evaluation], empty: Iterable[tuple[str, str, str, int]] = (),
    best: dict[str, Decimal] | None = None,
) -> None:
    """Add a base period's evaluations (``Evaluation``) to ``stats``; ``empty``: (item, category,
    title, how many) of the evaluations left out of ``evaluations``, those without points or lines
    (they count as cases only). ``best``: each item's highest positive points in the period, where
    already known (else read from ``evaluations``, then a sequence)."""
    caps = {i.id: i for i in bureau.items}
    if best is None:
        evaluations = list(evaluations)
        best = {}
        for iid, _, _, points, _, _, _ in evaluations:
            if points > best.get(iid, ZERO):
                best[iid] = points

    def new(iid: str, category: str, title: str) -> ItemStats:
        item = caps.get(iid)
        s = stats[iid] = ItemStats(title=title, category=category, cap=item.cap if item else None, floor=item.floor if item else None)
        return s

    for iid, category, title, n in empty:
        s = stats.get(iid) or new(iid, category, title)
        s.cases += n
    for iid, category, title, points, uncapped, lines, triggered in evaluations:
        s = stats.get(iid) or new(iid, category, title)
        s.cases += 1
        if triggered:
            s.triggered += 1
        if s.cap is not None and points == s.cap and uncapped >= s.cap and lines:
            s.at_cap += 1
            s.lost += uncapped - points
            s.highest = uncapped if s.highest is None else max(s.highest, uncapped)
        if s.floor is not None and points == s.floor and uncapped <= s.floor and lines:
            s.at_floor += 1
        if iid in best and points == best[iid]:
            s.at_top += 1
            s.top = best[iid] if s.top is None else max(s.top, best[iid])


def period_parts(
    bureau: Bureau, result: PeriodResult, months: Sequence[tuple[str, dict[str, Parts]]],
    items: Mapping[str, Mapping[str, Sequence[tuple[str, Decimal]]]] | None = None,
) -> dict[str, Parts]:
    """The parts of every unit of ``result``: a base period's directly; a longer period's from its
    base periods' (``months``), scaled as the scheme forms it, and its year categories (their items
    from ``result``'s units, or from ``items``: unit → category → its items' (item, points), where
    ``result``'s categories were read without their items)."""
    if len(months) == 1 and months[0][0] == result.period:
        return months[0][1]
    scheme = bureau.scheme
    method = scheme.year_method if result.kind == "year" else scheme.aggregate
    year_cats = {c.id for c in scheme.year_categories} if result.kind == "year" else set()
    out: dict[str, Parts] = {}
    with localcontext() as ctx:
        ctx.prec = 28
        for u in result.units:
            mine = [m[u.unit] for _, m in months if u.unit in m]
            n = len(mine)
            if method == "sum" or n == 0:
                f = Decimal(1)
            elif method == "mean":
                f = Decimal(1) / n
            else:
                f = scheme.year_scale / n / scheme.full_total(u.series)
            p = Parts(total=u.total)
            for m in mine:
                for k, v in m.values.items():
                    if k != "other":
                        p.add(k, v * f)
            for c in u.categories:
                if c.category in year_cats:
                    its = _category(c) if items is None else (*_category(c)[:5], items.get(u.unit, {}).get(c.category, ()))
                    for k, v in parts_of(c.score, (its,)).values.items():
                        if k != "other":
                            p.add(k, v)
            cats = sum((v for k, v in p.values.items() if k.startswith("cat:")), ZERO)
            p.values["other"] = u.total - cats
            out[u.unit] = p
    return out


# --- statistics ------------------------------------------------------------------------------------


def _cov(xs: Sequence[Decimal], ys: Sequence[Decimal]) -> Decimal:
    """Population covariance × n² (the common factor cancels in a share): n Σxy − Σx Σy, exact."""
    n = len(xs)
    return n * sum((x * y for x, y in zip(xs, ys)), ZERO) - sum(xs, ZERO) * sum(ys, ZERO)


def shares(parts: Mapping[str, Parts], units: Sequence[str], only: Collection[str] | None = None) -> tuple[dict[str, Decimal], Decimal]:
    """Each part's effective weight over ``units``: cov(part, total) ÷ var(total); and var(total)
    (population variance; zero: no spread, no share). ``only``: the parts wanted (each part's share
    is its own: the same figures)."""
    totals = [parts[u].total for u in units]
    keys = sorted({k for u in units for k in parts[u].values if only is None or k in only})
    var = _cov(totals, totals)
    n = len(units)
    if var == 0:
        return {}, ZERO
    out = {}
    with localcontext() as ctx:
        ctx.prec = 28
        for k in keys:
            xs = [parts[u].values.get(k, ZERO) for u in units]
            out[k] = _cov(xs, totals) / var
        return out, var / (n * n)


def average_ranks(values: Mapping[str, Decimal]) -> dict[str, Fraction]:
    """Ranks by value, highest first, tied units sharing the mean of their places (for correlations)."""
    order = sorted(values, key=lambda u: -values[u])
    out: dict[str, Fraction] = {}
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for u in order[i : j + 1]:
            out[u] = Fraction(i + 1 + j + 1, 2)
        i = j + 1
    return out


def _sqrt(x: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 28
        return (Decimal(x.numerator) / Decimal(x.denominator)).sqrt()


def spearman(a: Mapping[str, Decimal], b: Mapping[str, Decimal]) -> Decimal | Fraction | None:
    """Spearman's ρ of two scorings of the same units: Pearson's correlation of their average ranks
    (exact without ties: 1 − 6Σd² ÷ n(n²−1)). None with fewer than two units or no spread."""
    units = sorted(set(a) & set(b))
    n = len(units)
    if n < 2:
        return None
    ra, rb = average_ranks({u: a[u] for u in units}), average_ranks({u: b[u] for u in units})
    ma, mb = sum(ra.values(), Fraction(0)) / n, sum(rb.values(), Fraction(0)) / n
    sab = sum(((ra[u] - ma) * (rb[u] - mb) for u in units), Fraction(0))
    saa = sum(((ra[u] - ma) ** 2 for u in units), Fraction(0))
    sbb = sum(((rb[u] - mb) ** 2 for u in units), Fraction(0))
    if saa == 0 or sbb == 0:
        return None
    if saa == sbb:  # no ties (or the same ties): exact
        return sab / saa
    with localcontext() as ctx:
        ctx.prec = 28
        return (Decimal(sab.numerator) / Decimal(sab.denominator)) / _sqrt(saa * sbb)


def kendall(a: Mapping[str, Decimal], b: Mapping[str, Decimal]) -> Decimal | Fraction | None:
    """Kendall's τ-b: (concordant − discordant) ÷ √((pairs − ties in a)(pairs − ties in b))."""
    units = sorted(set(a) & set(b))
    n = len(units)
    if n < 2:
        return None
    con = dis = ta = tb = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx = a[units[i]] - a[units[j]]
            dy = b[units[i]] - b[units[j]]
            if dx == 0:
                ta += 1
            if dy == 0:
                tb += 1
            if dx != 0 and dy != 0:
                if (dx > 0) == (dy > 0):
                    con += 1
                else:
                    dis += 1
    pairs = n * (n - 1) // 2
    left, right = pairs - ta, pairs - tb
    if left == 0 or right == 0:
        return None
    if left == right:
        return Fraction(con - dis, left)
    root = math.isqrt(left * right)
    if root * root == left * right:
        return Fraction(con - dis, root)
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(con - dis) / _sqrt(Fraction(left * right))


# --- compare ---------------------------------------------------------------------------------------


def _series_names(bureau: Bureau) -> dict[str, str]:
    return {s.id: s.name for s in bureau.scheme.series}


def _by_series(result: PeriodResult) -> dict[str, list[UnitResult]]:
    return result.series()


def _line(flags: Iterable[str]) -> list[str]:
    return [f for f in flags if f in ("整改单位", "末位") or f.startswith("连续")]


def compare_data(a: Analysis, b: Analysis, award_places: int, description: str, top_items: int = 3) -> dict[str, Any]:
    """What the proposal ``b`` changes against the scheme in force ``a``, as plain data (JSON):
    per series, every unit's total and rank under both, its move, whether it enters or leaves the
    award places (rank ≤ ``award_places``) and the 整改/末位 lines, the items that moved it most
    (the change of their contribution to the total); the rank correlations."""
    names = _series_names(a.bureau)
    out_series = []
    ua = {u.unit: u for u in a.result.units}
    ub = {u.unit: u for u in b.result.units}
    titles = {i.id: i.title for i in (*a.bureau.items, *b.bureau.items)}
    cats = {c.id: c.name for c in (*a.bureau.scheme.categories, *b.bureau.scheme.categories)}
    for sid, members in _by_series(a.result).items():
        ids = [u.unit for u in members if u.unit in ub]
        rows = []
        for uid in ids:
            x, y = ua[uid], ub[uid]
            move = (x.rank or 0) - (y.rank or 0)
            was_award = x.rank is not None and x.rank <= award_places
            is_award = y.rank is not None and y.rank <= award_places
            drivers = []
            if move or x.total != y.total:
                pa, pb = a.parts[uid].values, b.parts[uid].values
                keys = {k for k in (*pa, *pb) if k.startswith("item:") or k.startswith("rest:") or k == "other"}
                deltas = sorted(((pb.get(k, ZERO) - pa.get(k, ZERO), k) for k in keys), key=lambda d: (-abs(d[0]), d[1]))
                for d, k in deltas[:top_items]:
                    if d.quantize(PLACES) == 0:
                        continue
                    kind, _, ident = k.partition(":")
                    title = titles.get(ident, ident) if kind == "item" else (f"{cats.get(ident, ident)}{REST}" if kind == "rest" else OTHER)
                    drivers.append({"part": k, "title": title, "change": str(d.quantize(PLACES))})
            rows.append(
                {
                    "unit": uid, "name": x.name,
                    "total": fmt(x.total), "rank": x.rank, "flags": list(x.flags),
                    "proposedTotal": fmt(y.total), "proposedRank": y.rank, "proposedFlags": list(y.flags),
                    "change": fmt(y.total - x.total), "move": move,
                    "award": "进入" if is_award and not was_award else ("退出" if was_award and not is_award else ""),
                    "lines": {
                        "entered": [f for f in _line(y.flags) if f not in x.flags],
                        "left": [f for f in _line(x.flags) if f not in y.flags],
                    },
                    "drivers": drivers,
                }
            )
        ta = {u: ua[u].total for u in ids}
        tb = {u: ub[u].total for u in ids}
        out_series.append(
            {
                "series": sid, "name": names.get(sid, sid), "units": rows,
                "moved": sum(1 for r in rows if r["move"]),
                "spearman": q(spearman(ta, tb)), "kendall": q(kendall(ta, tb)),
            }
        )
    return {
        "period": a.result.period, "proposal": description, "awardPlaces": award_places,
        "series": out_series,
        "onlyProposed": sorted(set(ub) - set(ua)), "onlyCurrent": sorted(set(ua) - set(ub)),
    }


def compare_text(data: Mapping[str, Any]) -> str:
    """The comparison for the terminal, in Chinese."""
    out = [f"方案比较:{data['period']},现行方案 与 {data['proposal']}(评先名次:各序列前{data['awardPlaces']}名)"]
    for s in data["series"]:
        out.append("")
        out.append(f"{s['name']}:名次变动 {s['moved']} 个单位;名次相关 Spearman {s['spearman'] or '—'},Kendall {s['kendall'] or '—'}")
        rows = []
        for r in s["units"]:
            mv = r["move"]
            marks = [f"{r['award']}评先名次"] if r["award"] else []
            marks += [f"新增{f}" for f in r["lines"]["entered"]] + [f"不再{f}" for f in r["lines"]["left"]]
            rows.append([
                r["name"], r["total"], str(r["rank"] or ""), r["proposedTotal"], str(r["proposedRank"] or ""),
                ("↑" + str(mv)) if mv > 0 else (("↓" + str(-mv)) if mv < 0 else "—"), r["change"], ";".join(marks),
            ])
        out.append(table(["单位", "现行总分", "现行名次", "拟议总分", "拟议名次", "名次变动", "总分变化", "评先/整改/末位"], rows))
        moved = [r for r in s["units"] if r["move"] and r["drivers"]]
        if moved:
            out.append("名次变动的原因(对总分影响最大的项目,拟议 − 现行):")
            for r in moved:
                out.append(f"  {r['name']}:" + ";".join(f"{d['title']} {_signed(d['change'])}" for d in r["drivers"]))
    return "\n".join(out)


def _signed(text: str) -> str:
    return text if text.startswith("-") else "+" + text


# --- diagnose --------------------------------------------------------------------------------------


def _nominal(scheme: Scheme, series: str, kind: str) -> dict[str, Decimal]:
    """Each category's nominal weight: its weight's share of the full score. In the year with
    ``year_method = "scaled"`` the base periods' categories count scaled to ``year_scale``."""
    period = [c for c in scheme.period_categories if c.applies_to(series)]
    year = [c for c in scheme.year_categories if c.applies_to(series)] if kind == "year" else []
    full = sum((c.weight_for(series) for c in period), ZERO)
    scale = scheme.year_scale / full if kind == "year" and scheme.year_method == "scaled" and full else Decimal(1)
    weights = {c.id: c.weight_for(series) * scale for c in period} | {c.id: c.weight_for(series) for c in year}
    total = sum(weights.values(), ZERO)
    if total == 0:
        return {}
    with localcontext() as ctx:
        ctx.prec = 28
        return {k: w / total for k, w in weights.items()}


def diagnose_data(x: Analysis, blocks: Mapping[str, Sequence[str]], description: str) -> dict[str, Any]:
    """The diagnostics of the scheme of ``x`` (see docs/analysis.md), as plain data (JSON)."""
    bureau = x.bureau
    scheme = bureau.scheme
    names = _series_names(bureau)
    cat_names = {c.id: c.name for c in scheme.categories}
    points = x.points if x.points is not None else item_points(x.result)
    series_out = []
    for sid, members in _by_series(x.result).items():
        ids = [u.unit for u in members]
        sh, var = shares(x.parts, ids)
        nominal = _nominal(scheme, sid, x.result.kind)
        categories = []
        for c in scheme.categories:
            if not c.applies_to(sid) or f"cat:{c.id}" not in sh and c.id not in nominal:
                continue
            its = []
            for iid, stats in sorted(x.items.items()):
                if stats.category != c.id:
                    continue
                mine = points.get(iid, {})
                pts = [mine.get(u, ZERO) for u in ids]
                its.append({"item": iid, "title": stats.title, "effective": q(sh.get(f"item:{iid}", ZERO)) if sh else None, **_item_kind(pts, stats)})
            categories.append(
                {
                    "category": c.id, "name": c.name, "nominal": q(nominal.get(c.id)), "effective": q(sh.get(f"cat:{c.id}", ZERO)) if sh else None,
                    "rest": q(sh.get(f"rest:{c.id}", ZERO)) if sh else None, "items": its,
                }
            )
        block_rows = []
        wanted = {f"cat:{p}" if p in cat_names else f"item:{p}" for parts in blocks.values() for p in parts}
        by_month = [(label, shares(mp, [u for u in ids if u in mp], wanted)) for label, mp in x.months] if blocks else []
        for name, parts in blocks.items():
            eff = sum((sh.get(f"cat:{p}" if p in cat_names else f"item:{p}", ZERO) for p in parts), ZERO) if sh else None
            nom = sum((nominal.get(p, ZERO) for p in parts if p in cat_names), ZERO)
            months = []
            for label, (msh, mvar) in by_month:
                months.append({"period": label, "effective": q(sum((msh.get(f"cat:{p}" if p in cat_names else f"item:{p}", ZERO) for p in parts), ZERO)) if mvar else None})
            block_rows.append({"block": name, "parts": list(parts), "nominal": q(nom), "effective": q(eff), "months": months})
        series_out.append(
            {
                "series": sid, "name": names.get(sid, sid), "units": len(ids), "variance": q(var),
                "other": q(sh.get("other", ZERO)) if sh else None, "categories": categories, "blocks": block_rows,
            }
        )
    sat = []
    for iid, s in sorted(x.items.items()):
        if s.cap is None and s.floor is None and not (s.cases and s.top is not None and 2 * s.at_top >= s.cases and s.at_top < s.cases):
            continue
        sat.append(
            {
                "item": iid, "title": s.title, "cap": fmt(s.cap) if s.cap is not None else None, "floor": fmt(s.floor) if s.floor is not None else None,
                "cases": s.cases, "atCap": s.at_cap, "atCapShare": q(Fraction(s.at_cap, s.cases)) if s.cases else None,
                "lost": fmt(s.lost), "highest": fmt(s.highest) if s.highest is not None else None,
                "aboveCap": fmt(s.highest - s.cap) if s.highest is not None and s.cap is not None else None,
                "atFloor": s.at_floor, "atFloorShare": q(Fraction(s.at_floor, s.cases)) if s.cases else None,
                "top": fmt(s.top) if s.top is not None else None, "atTop": s.at_top,
                "atTopShare": q(Fraction(s.at_top, s.cases)) if s.cases and s.top is not None else None,
            }
        )
    all_units = [u.unit for u in x.result.units]
    kinds: dict[str, list[dict[str, str]]] = {"dead": [], "flat": [], "concentrated": []}
    for iid, s in sorted(x.items.items()):
        mine = points.get(iid, {})
        k = _item_kind([mine.get(u, ZERO) for u in all_units], s)
        for what in kinds:
            if k["kind"] == what:
                kinds[what].append({"item": iid, "title": s.title, "category": cat_names.get(s.category, s.category), "note": k["note"]})
    return {"period": x.result.period, "scheme": description, "series": series_out, "saturation": sat, **kinds,
            "sentences": sentences(series_out, sat, kinds)}


def item_points(result: PeriodResult) -> dict[str, dict[str, Decimal]]:
    """item → unit → its points in ``result`` (a unit without the item: none; the first of an item
    met twice in a unit's categories)."""
    out: dict[str, dict[str, Decimal]] = {}
    for u in result.units:
        for c in u.categories:
            for i in c.items:
                out.setdefault(i.item, {}).setdefault(u.unit, i.points)
    return out


def _item_kind(points: Sequence[Decimal], s: ItemStats) -> dict[str, str]:
    """dead: no unit triggered it; flat: every unit got the same points; concentrated: one or two
    units hold at least ``CONCENTRATED`` of its points (five units or more)."""
    if s.triggered == 0:
        return {"kind": "dead", "note": "没有任何单位触发"}
    if len(set(points)) == 1:
        return {"kind": "flat", "note": f"各单位得分相同({fmt(points[0]) if points else '0'})"}
    mags = sorted((abs(p) for p in points), reverse=True)
    whole = sum(mags, ZERO)
    if len(points) >= 5 and whole > 0:
        for n in (1, 2):
            if sum(mags[:n], ZERO) >= CONCENTRATED * whole:
                return {"kind": "concentrated", "note": f"{'一' if n == 1 else '两'}个单位占该项分值的{_pct(q(Fraction(sum(mags[:n], ZERO)) / Fraction(whole)))}"}
    return {"kind": "", "note": ""}


def _pct(text: str | None) -> str:
    if text is None:
        return "—"
    return f"{(Decimal(text) * 100).quantize(Decimal('0.1'))}%"


def sentences(series: Sequence[Mapping[str, Any]], sat: Sequence[Mapping[str, Any]], kinds: Mapping[str, Sequence[Mapping[str, str]]]) -> dict[str, list[str]]:
    """For each diagnostic, sentences in Chinese saying what it means."""
    out: dict[str, list[str]] = {"weights": [], "saturation": [], "items": [], "blocks": []}
    for s in series:
        for c in s["categories"]:
            if c["effective"] is None or c["nominal"] is None:
                continue
            e, n = Decimal(c["effective"]), Decimal(c["nominal"])
            if n > 0 and e <= Decimal("-0.001"):
                out["weights"].append(f"{s['name']}:{c['name']}名义权重{_pct(c['nominal'])},实际权重为负({_pct(c['effective'])})——这一块得分高的单位总分反而偏低,它不但没有拉开差距,还略微抵消了其他部分的差距。")
            elif n > 0 and e < n / 2:
                out["weights"].append(f"{s['name']}:{c['name']}名义权重{_pct(c['nominal'])},实际只决定了总分差异的{_pct(c['effective'])}——各单位在这一块拉不开差距,它对排名的作用远小于分值。")
            elif n > 0 and e > n * 2:
                out["weights"].append(f"{s['name']}:{c['name']}名义权重{_pct(c['nominal'])},却决定了总分差异的{_pct(c['effective'])}——排名主要由这一块决定。")
        if s["variance"] is None:
            out["weights"].append(f"{s['name']}:各单位总分相同,没有差异可分解。")
        for b in s["blocks"]:
            out["blocks"].append(f"{s['name']}:{b['block']}名义占{_pct(b['nominal'])},实际决定总分差异的{_pct(b['effective'])}。")
    for r in sat:
        if r["atTopShare"] is not None and Decimal(r["atTopShare"]) >= Decimal("0.5") and not r["atCap"]:
            out["saturation"].append(
                f"{r['title']}:{_pct(r['atTopShare'])}的单位·期拿到该项当期的最高分(最高{r['top']}分)——多数单位都达到同一个上限,"
                "再多做也拉不开差距(达标即得分,“够加分线即可”)。"
            )
        if r["atCap"] and r["atCapShare"] is not None:
            out["saturation"].append(
                f"{r['title']}:{_pct(r['atCapShare'])}的单位·期达到封顶{r['cap']}分,封顶少计{r['lost']}分,记录最多折合{r['highest']}分"
                "——达到封顶后多做不再得分(“够加分线即可”)。"
            )
    for what, text in (("dead", "没有任何单位触发,对得分和排名不起作用"), ("flat", "各单位得分相同,不影响排名"), ("concentrated", "分值集中在一两个单位")):
        if kinds[what]:
            out["items"].append(f"{len(kinds[what])}个项目{text}:" + "、".join(k["title"] for k in kinds[what][:10]) + ("等" if len(kinds[what]) > 10 else "") + "。")
    return out


def diagnose_text(data: Mapping[str, Any]) -> str:
    """The diagnostics for the terminal, in Chinese."""
    out = [f"方案诊断:{data['period']},{data['scheme']}"]
    for s in data["series"]:
        out.append("")
        out.append(f"{s['name']}({s['units']}个单位)实际权重 = 该部分与总分的协方差 ÷ 总分的方差;各考核内容与“其他”合计为 1")
        rows = []
        for c in s["categories"]:
            rows.append([c["name"], _pct(c["nominal"]), _pct(c["effective"]), ""])
            for i in c["items"]:
                if i["effective"] is not None and Decimal(i["effective"]).quantize(Decimal("0.001")) != 0:
                    rows.append(["  " + i["title"], "", _pct(i["effective"]), i["note"]])
            if c["rest"] is not None and Decimal(c["rest"]) != 0:
                rows.append(["  " + REST, "", _pct(c["rest"]), ""])
        rows.append([OTHER, "", _pct(s["other"]), ""])
        out.append(table(["考核内容 / 项目(只列实际权重不为 0 的项目)", "名义权重", "实际权重", "说明"], rows))
        if s["blocks"]:
            out.append(table(["板块", "名义权重", "实际权重"], [[b["block"], _pct(b["nominal"]), _pct(b["effective"])] for b in s["blocks"]]))
    if data["saturation"]:
        out.append("")
        out.append("封顶、扣完与达标即得分(单位·期)")
        out.append(table(
            ["项目", "封顶", "达到封顶", "封顶少计", "最多折合", "超出封顶", "扣分上限", "扣完", "当期最高分", "拿到最高分"],
            [
                [r["title"], r["cap"] or "", f"{r['atCap']}/{r['cases']}", r["lost"], r["highest"] or "", r["aboveCap"] or "", r["floor"] or "",
                 f"{r['atFloor']}/{r['cases']}", r["top"] or "", f"{r['atTop']}/{r['cases']}" if r["top"] else ""]
                for r in data["saturation"]
            ],
        ))
    for what, title in (("dead", "无效项目(没有单位触发)"), ("flat", "无差异项目(各单位相同)"), ("concentrated", "集中项目(分值来自一两个单位)")):
        if data[what]:
            out.append("")
            out.append(f"{title}:{len(data[what])}个")
            out.extend(f"  {r['title']}〔{r['category']}〕{r['note']}" for r in data[what])
    said = [t for ts in data["sentences"].values() for t in ts]
    if said:
        out.append("")
        out.append("解读:")
        out.extend(f"  · {t}" for t in said)
    return "\n".join(out)
