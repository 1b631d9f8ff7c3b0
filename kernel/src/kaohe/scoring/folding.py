"""Record lines folded for longer periods, and results made compact to be kept while a year is scored.

A base period's explanation lists every record that earned or lost points, one line each. A
quarter, half-year or year does not copy those lines again: for each item and base period it shows
the rule's own lines (targets, rates, ranks: the lines that name no record, or one record only) as
they are, and the record lines of that period folded into one line — how many records, and their
points — that refers to the base period's explanation, where each record's line is (docs/report.md,
"Quarters, halves and the year"). The points are unchanged: the folded line carries the sum of the
lines it folds, so an item's lines still add up to its points before its cap and floor.

A base period's stored tree folds the same way the record lines of the items whose rule reads each
unit's own records (``fold_stored``), which are made again for one unit on demand (``unfolded``;
kaohe.office.results.explanation).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from ..core.decimals import ZERO, fmt_points
from ..core.model import ItemResult, Line, PeriodResult


def fold_lines(item: ItemResult) -> tuple[Line, ...]:
    """``item``'s lines with its record lines folded into one, where there are two or more; the one
    folded line stands where the first record line stood."""
    return folded(item.lines, item.window)


def folded(lines: tuple[Line, ...], window: str) -> tuple[Line, ...]:
    """``fold_lines`` of an item of ``window`` whose lines are ``lines``."""
    if len(lines) < 2:  # most items: nothing to fold (an aggregate reads every item of every month)
        return lines
    records = [ln for ln in lines if ln.record is not None]
    if len(records) < 2:
        return lines
    points = sum((ln.points for ln in records), ZERO)
    one = folded_line(
        points, len(records), window, any(ln.carried for ln in records), next((ln.flag for ln in records if ln.flag), None)
    )
    out: list[Line] = []
    for ln in lines:
        if ln.record is None:
            out.append(ln)
        elif ln is records[0]:
            out.append(one)
    return tuple(out)


def folded_line(points: Decimal, records: int, window: str, carried: bool, flag: str | None = None) -> Line:
    """The one line standing for ``records`` record lines of ``window`` whose points add up to ``points``."""
    return Line(points, f"{records}条记录合计{fmt_points(points)}分,逐条见{window}的说明", None, carried, flag)


@attrs.frozen
class Referred(ItemResult):
    """An item's result whose lines are not held: those of a base period's stored item (read to
    aggregate a longer period), or of a quarter, half-year or year, its base periods' lines
    (``fold_lines``, each prefixed with its period), which its stored tree refers to rather than
    copies (``"lines_from": "parts"``; made again on reading it: kaohe.office.results). ``lines``
    holds only those carried over or marked missing (what the unit's flags read); ``count`` is how
    many lines it stands for, ``records`` how many of them name a record."""

    count: int = 0
    records: int = 0


def referred(d: dict[str, Any], category: str, number: Callable[[str], Decimal]) -> Referred:
    """A base period's stored item ``d`` (with lines; in ``category``) as an aggregate reads it when
    its stored tree refers to the lines: ``Referred``, holding of the lines of ``fold_lines`` only
    those carried over or marked missing (``number``: a stored number as a decimal)."""
    lines: list[dict[str, Any]] = d["lines"]
    if len(lines) == 1:  # most items with lines: one line, nothing to fold
        ln = lines[0]
        held1 = (Line(ZERO, ln["reason"], ln["record"], bool(ln["carried"]), missing=ln.get("missing", "")),) if ln["carried"] or ln.get("missing") else ()
        return Referred(
            item=d["item"], title=d["title"], department=d["department"], category=category, reference=d["reference"],
            window=d["window"], lines=held1, points=number(d["points"]), uncapped=number(d["uncapped"]),
            direct_per_capita=bool(d["direct_per_capita"]), note=d["note"], veto=tuple(d["veto"]), folded=int(d.get("folded", 0)),
            count=1, records=0 if ln["record"] is None else 1,
        )
    records = [ln for ln in lines if ln["record"] is not None]
    if len(lines) < 2 or len(records) < 2:  # nothing folded (``folded``)
        count, named = len(lines), len(records)
        kept = [ln for ln in lines if ln["carried"] or ln.get("missing")]
        carried = False
    else:
        count, named = len(lines) - len(records) + 1, 0
        kept = [ln for ln in lines if ln["record"] is None and (ln["carried"] or ln.get("missing"))]
        carried = any(ln["carried"] for ln in records)
    held = [Line(ZERO, ln["reason"], ln["record"], bool(ln["carried"]), missing=ln.get("missing", "")) for ln in kept]
    if carried:  # the folded line (``folded_line``): carried over, never marked missing
        held.append(Line(ZERO, "", None, True))
    return Referred(
        item=d["item"], title=d["title"], department=d["department"], category=category, reference=d["reference"],
        window=d["window"], lines=tuple(held), points=number(d["points"]), uncapped=number(d["uncapped"]),
        direct_per_capita=bool(d["direct_per_capita"]), note=d["note"], veto=tuple(d["veto"]), folded=int(d.get("folded", 0)),
        count=count, records=named,
    )


def fold_stored(item: ItemResult) -> ItemResult:
    """``item`` as a base period's stored result keeps it when its rule's record lines are made again
    on demand (``rules.base.lines_per_unit``; kaohe.office.results.explanation): two or more record
    lines folded into one (``fold_lines``), ``folded`` counting them. Unchanged when it has fewer,
    is folded already, or a record line raises a flag or is marked missing (what a line alone says
    of the unit stays stored)."""
    if item.folded:
        return item
    records = [ln for ln in item.lines if ln.record is not None]
    if len(records) < 2 or any(ln.flag or ln.missing for ln in records):
        return item
    return attrs.evolve(item, lines=folded(item.lines, item.window), folded=len(records))


def unfolded(stored: ItemResult, made: ItemResult) -> ItemResult | None:
    """``stored`` (``fold_stored``'s) with the lines of ``made`` (the item evaluated again for its
    unit), or None when ``made`` is not what was stored (its lines fold otherwise, other points)."""
    same = (made.points, made.uncapped, made.note, made.veto) == (stored.points, stored.uncapped, stored.note, stored.veto)
    if not same or [_shown(ln) for ln in fold_stored(made).lines] != [_shown(ln) for ln in stored.lines]:
        return None
    return attrs.evolve(stored, lines=made.lines, folded=0)


def _shown(ln: Line) -> tuple[Decimal, bool, str, str | None, bool, str]:
    """What a stored line keeps of ``ln`` (not its flag: the unit's flags hold it), its points' sign too."""
    return (ln.points, ln.points.is_signed(), ln.reason, ln.record, ln.carried, ln.missing)


class Interner:
    """One shared copy of equal item results without lines (most units score nothing on most items:
    their item results are equal and need not be held once per unit). Equal, and printed the same:
    the points' signs are part of the key (0 and -0 are equal numbers but print differently)."""

    def __init__(self) -> None:
        self._seen: dict[Any, ItemResult] = {}

    def __call__(self, item: ItemResult) -> ItemResult:
        if item.lines:
            return item
        return self._seen.setdefault((item, item.points.is_signed(), item.uncapped.is_signed()), item)


def fold_result(result: PeriodResult, intern: Interner | None = None) -> PeriodResult:
    """``result`` with every item's record lines folded (``fold_lines``), equal item results shared
    and equal points held once: what an aggregate of it needs, without the record lines (which are
    in the store)."""
    intern = intern or Interner()
    numbers: dict[tuple[Decimal, bool], Decimal] = {}

    def number(value: Decimal) -> Decimal:
        return numbers.setdefault((value, value.is_signed()), value)  # by sign too: -0 stays -0

    def line(ln: Line) -> Line:
        points = number(ln.points)
        return ln if points is ln.points else attrs.evolve(ln, points=points)

    def item(i: ItemResult) -> ItemResult:
        lines = tuple(line(ln) for ln in fold_lines(i))
        return intern(attrs.evolve(i, lines=lines, points=number(i.points), uncapped=number(i.uncapped)))

    units = []
    for u in result.units:
        cats = tuple(attrs.evolve(c, items=tuple(item(i) for i in c.items)) for c in u.categories)
        units.append(attrs.evolve(u, categories=cats))
    return attrs.evolve(result, units=tuple(units))


def light(result: PeriodResult) -> PeriodResult:
    """``result`` without its categories (totals, ranks and flags only), once it is stored."""
    return attrs.evolve(result, units=tuple(attrs.evolve(u, categories=()) for u in result.units))
