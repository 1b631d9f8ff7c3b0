"""Items scored from grouped counts instead of records (``[scoring] engine = "sql"``).

An item whose rule describes itself as an aggregate spec (kaohe.rules.aggregate: per occurrence
with fixed points, optionally times a quantity, or the records' own points; of the records crossing
a limit, if one is set) is scored from the data source's ``tallies``: its records grouped by unit,
kind and the values of the fields its spec names, and counted, in one grouped scan per kinds and
window (and per limit: ``Store.tallies``), never turned into records. The points are the same as
the rule's ``evaluate`` gives, in exact decimals; the unit's line on the item is one line saying how
many records it counted (the record lines are not made). The Python form stays for every other item
and is the reference (tests/test_aggregate.py, bench/sql_check.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol, TypeGuard

from ..contract.items import Item
from ..core.decimals import fmt_points
from ..core.model import Line
from ..core.periods import Period
from ..rules.aggregate import AggregateSpec, Sum, Tally, total
from ..scheme.bureau import Bureau

Sums = dict[str, dict[str, Sum]]
"""Item id → unit id → the unit's points on the item (units with no line left out)."""


class TallySource(Protocol):
    def tallies(
        self, kinds: Sequence[str], fields: Sequence[str], start: Any, end: Any, decide: Sequence[tuple[str, str, Decimal]] = ()
    ) -> Iterable[tuple[str, str, dict[Any, Any], int, bool]]:
        """(unit, kind, field → value, how many, carried over) of the records ``records`` gives."""
        ...


def spec_of(item: Item) -> AggregateSpec | None:
    """The item's aggregate spec, when its rule gives one and the store can group by its fields."""
    read = getattr(item.rule, "aggregate", None)
    spec = read() if read is not None else None
    if not isinstance(spec, AggregateSpec) or any('"' in f for f in spec.fields):
        return None
    return spec


def _tallies(data: object) -> TypeGuard[TallySource]:
    """Whether the data source counts records itself (the store does; a list in a test does not)."""
    return callable(getattr(data, "tallies", None))


def evaluate_sums(bureau: Bureau, items: Sequence[Item], period: Period, data: object) -> Sums:
    """The points of the ``items`` that have a spec and are due in ``period``, for every unit,
    from the data source's ``tallies`` (nothing when it has none): one grouped scan for the items
    reading the same kinds over the same window."""
    source = data if _tallies(data) else None
    if source is None:
        return {}
    groups: dict[tuple[tuple[str, ...], Period, tuple[str, ...]], list[tuple[Item, AggregateSpec]]] = {}
    for item in items:
        spec = spec_of(item)
        window = item.window(period) if spec is not None else None
        if spec is not None and window is not None:
            # the items without a limit share one scan of their kinds; a limit's field has many
            # values (minutes, hours): grouped by it only for the items that read it
            # (one compared with a single limit is compared by the store: grouped by the outcome)
            limit = () if spec.when is None or spec.decidable else tuple(sorted(spec.fields))
            groups.setdefault((tuple(item.reads), window, limit), []).append((item, spec))
    cal = bureau.calendar
    out: Sums = {}
    for (kinds, window, _), members in groups.items():
        decide = tuple(dict.fromkeys(d for _, spec in members if (d := spec.decidable) is not None))
        fields = tuple(dict.fromkeys(f for _, spec in members for f in spec.fields))
        by_unit: dict[str, list[Tally]] = {}
        for unit, _, values, n, carried in source.tallies(kinds, fields, cal.start(window), cal.end(window), decide):
            # the group's values as one key, shared by the specs (see ``total``): their repr, which
            # tells 1, 1.0 and True apart (equal as Python values, read differently by a match)
            by_unit.setdefault(unit, []).append(Tally(values, carried, n, repr(values)))
        for item, spec in members:
            sums = out[item.id] = {}
            memo: dict[Any, Decimal | None] = {}
            for unit, tallies in by_unit.items():
                s = total(spec, tallies, memo)
                if s is not None:
                    sums[unit] = s
    return out


def sum_line(s: Sum) -> Line:
    """The one line of a unit's item scored from counts."""
    return Line(s.points, f"共{s.lines}条记录,合计{fmt_points(s.points)}分(按汇总计分)", None, s.carried)


def as_lines(sums: Mapping[str, Sum]) -> dict[str, list[Line]]:
    return {unit: [sum_line(s)] for unit, s in sums.items()}
