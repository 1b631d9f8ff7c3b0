"""Items scored from grouped counts instead of records (``[scoring] engine = "sql"``, the default).

An item whose rule describes itself as an aggregate spec (kaohe.rules.aggregate: per occurrence
with fixed points, optionally times a quantity, or the records' own points; of the records crossing
a limit, if one is set) is scored from the data source's ``tallies``: its records grouped by unit,
kind and the values of the fields its spec names, and counted, in one grouped scan per kinds and
window (and per limit: ``Store.tallies``), never turned into records. The points are the same as
the rule's ``evaluate`` gives, in exact decimals.

A unit's lines on such an item are those a base period's stored result keeps (``folding.fold_stored``;
the record lines are made again for one unit on demand, kaohe.office.results.explanation): two or
more record lines as the one folded line (how many records, their points), a single record line as
the rule makes it, from that record alone (``singles``: read by its key). The Python form stays for
every other item, for the lines of every record (``engine = "python"``: a publication) and as the
reference (tests/test_aggregate.py, bench/sql_check.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol, TypeGuard

from ..contract.items import Item
from ..core.decimals import ZERO
from ..core.model import Line, Record, Unit
from ..core.periods import Period
from ..rules.aggregate import AggregateSpec, Count, Counter, CountSpec, Sum, each
from ..rules.base import RuleContext, UnitRecords
from ..scheme.bureau import Bureau
from .folding import folded_line

Sums = dict[str, dict[str, Sum]]
"""Item id → unit id → the unit's points on the item (units with no line left out)."""


Summed = dict[str, dict[str, tuple[Line, int]]]
"""Item id → unit id → the unit's one line on the item and how many record lines it stands for
(0: it is the line of the unit's one record); units with no line left out."""


class TallySource(Protocol):
    def tallies(
        self, kinds: Sequence[str], fields: Sequence[str], start: Any, end: Any, decide: Sequence[tuple[Any, ...]] = ()
    ) -> Iterable[tuple[str, str, dict[Any, Any], int, bool, Any]]:
        """(unit, kind, field → value, how many, carried over, a reference to one of the group's
        records) of the records ``records`` gives."""
        ...

    def singles(self, refs: Sequence[Any]) -> Mapping[Any, Record]:
        """The records named by ``tallies``' references, as ``records`` gives them."""
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
    return {
        item: {unit: Sum(a[0], a[1], a[2], a[3] if a[1] == 1 else None) for unit, a in sorted(its.items(), key=lambda ua: ua[1][4])}
        for item, its in _sums(bureau, items, period, data).items()
    }


_Acc = list[Any]
"""A unit's ``Sum`` as it is added up: [points, lines, carried, a reference (of the group of one
when lines is 1), the unit's place in the scan]."""


def _sums(bureau: Bureau, items: Sequence[Item], period: Period, data: object, counts: Counts | None = None) -> dict[str, dict[str, _Acc]]:
    """``evaluate_sums``, each ``Sum`` as its ``_Acc`` (not made an object: most are read once), the
    units in no particular order. With ``counts``, the scans it will ask for the period
    (``Counts.likely``) are made with these, at once (``Counts.take``)."""
    return started_sums(bureau, items, period, data, counts)()


def started_sums(
    bureau: Bureau, items: Sequence[Item], period: Period, data: object, counts: Counts | None = None,
) -> StartedSums:
    """``_sums`` begun: the scans started (at once, where the data source makes them so:
    ``StoreSource.tallies_done``); the caller takes them a scan at a time as they are done
    (``StartedSums.each``: kaohe.scoring.pipeline evaluates each group of items as soon as its scans
    are), or all at once by calling the ``StartedSums`` returned."""
    source = data if _tallies(data) else None
    groups: dict[tuple[tuple[str, ...], Period, tuple[str, ...]], list[tuple[Item, AggregateSpec]]] = {}
    for item in items if source is not None else ():
        spec = spec_of(item)
        window = item.window(period) if spec is not None else None
        if spec is not None and window is not None:
            # the items without a limit share one scan of their kinds; a limit's field has many
            # values (minutes, hours): grouped by it only for the items that read it
            # (one compared with a single limit is compared by the store: grouped by the outcome)
            limit = () if spec.when is None or spec.decidable else tuple(sorted(spec.fields))
            groups.setdefault((tuple(item.reads), window, limit), []).append((item, spec))
    cal = bureau.calendar
    calls = []
    for (kinds, window, _), members in groups.items():
        decide = tuple(dict.fromkeys(d for _, spec in members if (d := spec.decidable) is not None))
        fields = tuple(dict.fromkeys(f for _, spec in members for f in spec.fields))
        calls.append((kinds, fields, cal.start(window), cal.end(window), decide))
    likely = counts.likely(period) if counts is not None and source is not None else []
    # the scans made at once where the data source can (``StoreSource.tallies_done``), each finished
    # as it is done (a long scan does not hold up those done after it), the groups' then those of
    # the counts; else one by one, in order
    every = [*calls, *((kinds, fields, start, end, ()) for kinds, fields, start, end in likely)]
    done = getattr(source, "tallies_done", None)
    each = getattr(source, "tallies_each", None)
    scans: Iterator[tuple[int, Iterable[Any]]] = (
        iter(()) if source is None
        else done(every) if callable(done)
        else enumerate(each(every)) if callable(each)
        else ((i, source.tallies(*call)) for i, call in enumerate(every))
    )
    return StartedSums([list(m) for m in groups.values()], scans, likely, counts)


class StartedSums:
    """The grouped scans of ``started_sums`` under way: each item's sums (``out``: item id → unit →
    its ``_Acc``) finished as its scan is done, and the counts' scans given to ``counts``."""

    def __init__(
        self, members: list[list[tuple[Item, AggregateSpec]]], scans: Iterator[tuple[int, Iterable[Any]]],
        likely: list[tuple[tuple[str, ...], tuple[str, ...], Any, Any]], counts: Counts | None,
    ) -> None:
        self.members = members
        self.scans = scans
        self.likely = likely
        self.counts = counts
        self.out: dict[str, dict[str, _Acc]] = {}

    def each(self) -> Iterator[list[Item]]:
        """The items whose sums are done (in ``out``), a scan's at a time, as the scans are done (a
        counts' scan, given to ``counts``: no item); it ends when every scan has been given."""
        for i, rows in self.scans:
            # the groups by their values' key (``Tally.key``: their repr, which tells 1, 1.0 and True
            # apart, equal as Python values, read differently by a match), so that each spec finishes
            # only the groups it matches (most specs match a few of a scan's values), not every unit's
            scan = _Scan().read(rows)
            if i < len(self.members):
                for item, spec in self.members[i]:
                    self.out[item.id] = _finished(spec, scan)
                yield [item for item, _ in self.members[i]]
            elif self.counts is not None:
                kinds, _, start, end = self.likely[i - len(self.members)]
                self.counts.take(kinds, start, end, scan)
                yield []  # no item's sums: the counts' scan, taken (``Counts.taken``)

    def close(self) -> None:
        """The scans not taken yet given up (the caller failed): their scanning processes stopped."""
        close = getattr(self.scans, "close", None)
        if close is not None:
            close()

    def __call__(self) -> dict[str, dict[str, _Acc]]:
        """Every item's sums, the scans not taken yet (``each``) taken now, in the items' groups' order."""
        for _ in self.each():
            pass
        return {item.id: self.out[item.id] for members in self.members for item, _ in members}


def _finished(spec: AggregateSpec, scan: _Scan) -> dict[str, _Acc]:
    """``total`` of ``spec`` for every unit of ``scan`` that has a line (as its ``_Acc``): the points
    of each distinct values worked out once (``each``), added up over the groups that give a line only."""
    acc: dict[str, _Acc] = {}
    rows = scan.rows
    order = scan.order
    for key, values in scan.distinct.items():
        pts = each(spec, values)
        if pts is None:
            continue
        for unit, n, carried, first in rows[key]:
            a = acc.get(unit)
            if a is None:
                acc[unit] = [ZERO + pts * n, n, carried, first, order[unit]]  # as ``total`` adds: from 0 (−0 → 0)
            else:
                a[0] += pts * n
                a[1] += n
                a[2] = a[2] or carried
                a[3] = first
    return acc


def summed(
    bureau: Bureau, items: Sequence[Item], period: Period, units: Sequence[Unit], data: object, counts: Counts | None = None,
    started: StartedSums | None = None,
) -> Summed:
    """The lines of the ``items`` that ``evaluate_sums`` scores, for the ``units`` with a line: the
    folded line of two or more records (``folding.folded_line``), the rule's own line of a single
    record (``singles``: the records read by key, once for all items). An item whose single records
    do not give the points counted (never expected) is left out: it is evaluated from its records.
    ``counts``: its likely scans made at once with these (``_sums``); ``started``: the same scans
    begun already (``started_sums``, of the same ``items``)."""
    return lines_of(bureau, items, period, units, data, started() if started is not None else _sums(bureau, items, period, data, counts))


def lines_of(
    bureau: Bureau, items: Sequence[Item], period: Period, units: Sequence[Unit], data: object, sums: Mapping[str, Mapping[str, _Acc]],
) -> Summed:
    """``summed`` of the ``items``, from their ``sums`` (``_sums``; an item not in them is left out)."""
    wanted = {u.id: u for u in units}
    refs = list(dict.fromkeys(
        s[3] for its in sums.values() for uid, s in its.items() if s[1] == 1 and uid in wanted
    ))
    records = data.singles(refs) if refs and _tallies(data) else {}
    out: Summed = {}
    for item in items:
        its = sums.get(item.id)
        window = item.window(period)
        if its is None or window is None:
            continue
        lines: dict[str, tuple[Line, int]] = {}
        one: dict[str, list[Record]] = {}
        label = window.label
        for uid, s in its.items():  # s: the unit's ``_Acc`` (points, lines, carried, reference)
            if uid not in wanted:
                continue
            if s[1] > 1:
                lines[uid] = (folded_line(s[0], s[1], label, s[2]), s[1])
            elif (r := records.get(s[3])) is not None:
                one[uid] = [r]
        if one:
            ctx = RuleContext(
                title=item.title, period=period, window=window, calendar=bureau.calendar,
                units=[wanted[uid] for uid in one], records=UnitRecords(one),
            )
            made = item.rule.evaluate(ctx)
            for uid in one:
                got = list(made.get(uid, ()))
                if len(got) != 1 or got[0].points != its[uid][0]:
                    break
                lines[uid] = (got[0], 0)
        if len(lines) == sum(1 for uid in its if uid in wanted):
            out[item.id] = lines
    return out


def counts_of(item: Item) -> CountSpec | None:
    """What the item's rule reads of the records when it reads only counts (a quota, the same
    period last year: ``rules.aggregate.CountSpec``), when the store can group by its fields."""
    read = getattr(item.rule, "counts", None)
    spec = read() if read is not None else None
    if not isinstance(spec, CountSpec) or any('"' in f for f in spec.fields):
        return None
    return spec


class Counts:
    """The ``Counter`` of each item that reads only counts (``counts_of``), for one scoring: the
    records of the same kinds over the same dates grouped once (``tallies``), by the fields that
    the items reading those kinds name, and each item's counts finished from the groups in exact
    decimals (``rules.aggregate.counted``)."""

    def __init__(self, bureau: Bureau, items: Sequence[Item], data: object) -> None:
        self.bureau = bureau
        self.source = data if _tallies(data) else None
        self.fields: dict[tuple[str, ...], tuple[str, ...]] = {}
        for item in items:
            spec = counts_of(item)
            if spec is not None:
                kinds = tuple(item.reads)
                self.fields[kinds] = tuple(dict.fromkeys((*self.fields.get(kinds, ()), *spec.fields)))
        self._rows: dict[tuple[tuple[str, ...], Any, Any], _Scan] = {}
        self._items = [item for item in items if counts_of(item) is not None]

    def likely(self, period: Period) -> list[tuple[tuple[str, ...], tuple[str, ...], Any, Any]]:
        """(kinds, fields, start, end) of the scans the items will most likely ask for ``period``: each
        item's window whole (a quota of the month, of the quarter to date …), not made yet; those made
        with the period's other scans (``_sums``) are taken here (``take``). Any other block of months
        an item asks (the year before, earlier months) is scanned when asked."""
        out: dict[tuple[tuple[str, ...], Any, Any], tuple[str, ...]] = {}
        for item in self._items:
            key = self.window_scan(item, period)
            if key is not None and key not in self._rows:
                out[key] = self.fields[key[0]]
        return [(kinds, fields, start, end) for (kinds, start, end), fields in out.items()]

    def window_scan(self, item: Item, period: Period) -> tuple[tuple[str, ...], Any, Any] | None:
        """The scan ``item``'s counts of its window in ``period`` read (``likely``'s), None when it reads none."""
        window = item.window(period)
        kinds = tuple(item.reads)
        if self.source is None or window is None or kinds not in self.fields or counts_of(item) is None:
            return None
        return kinds, self.bureau.calendar.start(window), self.bureau.calendar.end(window)

    def taken(self, scan: tuple[tuple[str, ...], Any, Any]) -> bool:
        """Whether the scan ``window_scan`` names is made (``take``, or asked before)."""
        return scan in self._rows

    def take(self, kinds: tuple[str, ...], start: Any, end: Any, scan: _Scan) -> None:
        """The scan of ``kinds`` from ``start`` to ``end`` (``likely``), made and read elsewhere."""
        self._rows[(kinds, start, end)] = scan

    def counter(self, item: Item) -> Counter | None:
        """``item``'s counts by months, or None when it does not read only counts (or the data
        source cannot count)."""
        spec = counts_of(item)
        if spec is None or self.source is None:
            return None
        kinds = tuple(item.reads)
        memo: dict[tuple[Any, Any], dict[str, Count]] = {}
        asked: dict[int, tuple[Sequence[Period], dict[str, Count]]] = {}  # the same months asked again (unit by unit)
        cal = self.bureau.calendar
        aggregate = spec.spec

        def count(months: Sequence[Period]) -> Mapping[str, Count]:
            again = asked.get(id(months))
            if again is not None and again[0] is months:
                return again[1]
            start, end = cal.start(months[0]), cal.end(months[-1])
            hit = memo.get((start, end))
            if hit is None:
                scan = self._groups(kinds, start, end)
                sums = _finished(aggregate, scan)
                hit = memo[(start, end)] = {}
                for unit, anyc in scan.carried.items():  # ``counted`` of each unit's groups
                    s = sums.get(unit)
                    if s is None:
                        hit[unit] = _NOTHING[anyc]
                    else:
                        hit[unit] = Count(s[0] if spec.field is not None else Decimal(s[1]), s[2], anyc)
            asked[id(months)] = (months, hit)  # kept with it: its id names it while it is known
            return hit

        return count

    def _groups(self, kinds: tuple[str, ...], start: Any, end: Any) -> _Scan:
        key = (kinds, start, end)
        hit = self._rows.get(key)
        if hit is None:
            assert self.source is not None
            hit = self._rows[key] = _Scan().read(self.source.tallies(kinds, self.fields[kinds], start, end))
        return hit


_NOTHING = {False: Count(ZERO, False, False), True: Count(ZERO, False, True)}
"""``counted`` of a unit none of whose groups match, by whether one of them was carried over (shared)."""


class _Scan:
    """One grouped scan's rows (``tallies``) by their values' key (``Tally.key``): the values once,
    the groups with them (unit, how many, carried over, reference); the units in the scan's order,
    each with whether one of its groups was carried over."""

    def __init__(self) -> None:
        self.distinct: dict[str, Mapping[Any, Any]] = {}
        self.rows: dict[str, list[tuple[str, int, bool, Any]]] = {}
        self.order: dict[str, int] = {}
        self.carried: dict[str, bool] = {}

    def read(self, tallies: Iterable[tuple[str, str, Mapping[Any, Any], int, bool, Any]]) -> _Scan:
        """Takes the rows of a data source's ``tallies``; the key of each group's values is their
        repr, worked out once for the values the data source gives to many units' groups as one
        mapping (``Store.tallies``: kept beside it, so that its id names it while the key is known)."""
        rows, distinct, order, anyc = self.rows, self.distinct, self.order, self.carried
        keys: dict[int, tuple[Mapping[Any, Any], str]] = {}
        for unit, _, values, n, carried, first in tallies:
            hit = keys.get(id(values))
            if hit is None or hit[0] is not values:
                hit = keys[id(values)] = (values, repr(values))
            key = hit[1]
            got = rows.get(key)
            if got is None:
                got = rows[key] = []
                distinct[key] = values
            got.append((unit, n, carried, first))
            was = anyc.get(unit)
            if was is None:
                order[unit] = len(order)
                anyc[unit] = carried
            elif carried and not was:
                anyc[unit] = True
        return self


def typed_fields(bureau: Bureau) -> list[tuple[str, str]]:
    """The (kind, field) pairs the store keeps in typed columns for the bureau's scheme, its dated
    changes' included (``Store.type_fields``): the attributes ``Store.tallies`` is given for the
    scheme's items, for every kind the item reads — those it compares with a limit or walks a table
    of limits with (``AggregateSpec.decidable``: its ``decide``) first, then those it groups by to
    match on (the specs' ``fields``, the count specs' too). None with the ``python`` engine (it reads
    records, never ``tallies``)."""
    if bureau.engine != "sql":
        return []
    compared: set[tuple[str, str]] = set()
    matched: set[tuple[str, str]] = set()
    for item in (*bureau.items, *(i for v in bureau.assessment.versions for i in v.assessment.items)):
        spec, counts = spec_of(item), counts_of(item)
        decide = spec.decidable if spec is not None else None
        fields = [*(spec.fields if spec is not None else ()), *(counts.fields if counts is not None else ())]
        for kind in item.reads:
            if decide is not None:
                compared.update((kind, f) for f in (decide[0], *(decide[3] if len(decide) > 3 else ())))
            matched.update((kind, f) for f in fields if f != "value")
    return [*sorted(compared), *sorted(matched - compared)]
