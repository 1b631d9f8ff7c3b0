"""The pipeline's data source over a bureau's store, with the carry-over rule of seed 000 l.88: where
a department that may carry over (``[carry_over]``) has no data at all for a month, its previous
month's records stand in, marked as carried over. The store supplies only data, through its named
queries (``RecordStore``); the rule is here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import attrs

from ..contract.registry import Registry
from ..core.adjustments import Adjustment
from ..core.model import Record
from ..core.periods import Period
from ..scheme.bureau import Bureau
from .status import gaps


Ref = tuple[str, str | None, str | None]
"""A record of a group ``StoreSource.tallies`` counted: its key, and for a record carried over, the
month it stands in for and its own month (``StoreSource.singles``)."""


class RecordStore(Protocol):
    """What the data source reads from a bureau's store (kaohe.store.store.Store)."""

    def records(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterator[Record]:
        """The current (not voided) records of ``kinds`` dated ``start`` to ``end``, by date and key."""
        ...

    def unit_records(self, unit: str, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterator[Record]:
        """``records`` of ``unit`` alone."""
        ...

    def tallies(
        self, kinds: Sequence[str], fields: Sequence[str], start: dt.date, end: dt.date,
        decide: Sequence[tuple[Any, ...]] = (),
    ) -> Iterator[tuple[str, str, dict[Any, Any], int, str]]:
        """The records of ``kinds`` dated ``start`` to ``end`` grouped by unit, kind and the values of
        ``fields``, and counted, with the least key of each group (kaohe.store.store.Store.tallies)."""
        ...

    def tallies_each(self, calls: Sequence[tuple[Any, ...]]) -> Iterator[Iterator[tuple[str, str, dict[Any, Any], int, str]]]:
        """``tallies(*call)`` of each of ``calls``, in their order, made at once where the store can
        (kaohe.store.store.Store.tallies_each). ``StoreSource`` uses the store's ``tallies_done``
        instead where it has one (each call's rows as its scan is done)."""
        ...

    def records_of(self, keys: Sequence[str]) -> Iterator[Record]:
        """The current records of ``keys``."""
        ...

    def departments_with_data(self, month: str) -> set[str]:
        """The departments with a current record in ``month`` (a month's label)."""
        ...

    def adjustments(self, period: str) -> list[Adjustment]:
        """The office's adjustments in force for ``period``."""
        ...

    def has_records(self, department: str, months: Sequence[str]) -> bool:
        """Whether ``department`` has a current record in any of ``months``."""
        ...

    def signoffs(self, period: str) -> Mapping[str, Any]:
        """Department → its sign-off of ``period``."""
        ...


@attrs.frozen
class StoreSource:
    """The store as the pipeline's data source, with the bureau's carry-over rule (seed 000 l.88):
    where a department that may carry over has no data at all for a month, its previous month's
    records stand in, marked as carried over. With ``unit``, the records of that unit alone (its
    record lines made on demand: kaohe.office.results.explanation); with ``units``, those of these
    units, each unit's in turn (an edition's record lines made a batch of units at a time:
    kaohe.office.results.StoredPeriod)."""

    store: RecordStore
    bureau: Bureau
    registry: Registry
    unit: str | None = None
    units: tuple[str, ...] = ()
    _adjusted: dict[str, list[Adjustment]] = attrs.field(factory=dict, init=False, eq=False, repr=False)
    """Period label → its adjustments, read once (every item asks; one scoring reads one snapshot)."""
    _gaps: dict[Period, tuple[dict[str, str], bool, frozenset[str]]] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def adjustments(self, period: str) -> list[Adjustment]:
        """The office's adjustments in force for ``period`` (kaohe.core.adjustments), read once."""
        hit = self._adjusted.get(period)
        if hit is None:
            hit = self._adjusted[period] = self.store.adjustments(period)
        return list(hit)

    def gaps(self, period: Period) -> tuple[dict[str, str], bool, frozenset[str]]:
        """The data missing in base period ``period`` (kaohe.scoring.status.gaps): kind → its department, for
        the kinds read by the bureau's items whose department has sent nothing; whether the period
        has no data at all; and the kinds of the departments that confirmed having nothing."""

        hit = self._gaps.get(period)
        if hit is None:
            hit = self._gaps[period] = self._read_gaps(period)
        return dict(hit[0]), hit[1], hit[2]

    def _read_gaps(self, period: Period) -> tuple[dict[str, str], bool, frozenset[str]]:
        here = self.bureau.at(period)  # the items in force in the period (kaohe.scheme.dated)
        missing, empty, confirmed = gaps(self.store, here, self.registry, period)
        owners = {k: self.registry.owner_of_kind(k) for item in here.items for k in item.reads}
        kinds = {k: d for k, d in owners.items() if d in missing}
        return kinds, empty, frozenset(k for k, d in owners.items() if d in confirmed)

    def _read(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterator[Record]:
        if self.unit is not None:
            return self.store.unit_records(self.unit, kinds, start, end)
        if self.units:
            return (r for unit in self.units for r in self.store.unit_records(unit, kinds, start, end))
        return self.store.records(kinds, start, end)

    def records(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterable[Record]:
        out = list(self._read(kinds, start, end))
        cal = self.bureau.calendar
        for month, prev, dept_kinds in self._carried(kinds, start, end):
            for r in self._read(dept_kinds, cal.start(prev), cal.end(prev)):
                out.append(attrs.evolve(r, key=f"{r.key}@{month.label}", carried_from=prev.label))
        return out

    def tallies(
        self, kinds: Sequence[str], fields: Sequence[str], start: dt.date, end: dt.date,
        decide: Sequence[tuple[Any, ...]] = (),
    ) -> Iterator[tuple[str, str, dict[Any, Any], int, bool, Ref]]:
        """``Store.tallies`` of the records ``records`` gives (the carried-over ones included), each
        group with whether it was carried over and a reference to one of its records (``singles``
        reads it: a group of one names its record)."""
        for unit, kind, values, n, first in self.store.tallies(kinds, fields, start, end, decide):
            yield unit, kind, values, n, False, (first, None, None)
        cal = self.bureau.calendar
        for month, prev, dept_kinds in self._carried(kinds, start, end):
            for unit, kind, values, n, first in self.store.tallies(dept_kinds, fields, cal.start(prev), cal.end(prev), decide):
                yield unit, kind, values, n, True, (first, month.label, prev.label)

    def tallies_done(
        self, calls: Sequence[tuple[Sequence[str], Sequence[str], dt.date, dt.date, Sequence[tuple[Any, ...]]]],
    ) -> Iterator[tuple[int, Iterator[tuple[str, str, dict[Any, Any], int, bool, Ref]]]]:
        """(index, ``tallies(*call)``) of each of ``calls`` as it is done: the store's grouped scans
        (each call's, and those of the months it carries over) made at once where the store can
        (``Store.tallies_done``; else its ``tallies_each``, in order), started before the first is
        taken; a call is done when all its scans are, its rows in the order of its scans."""
        cal = self.bureau.calendar
        parts: list[tuple[tuple[Any, ...], tuple[str, str] | None]] = []
        owner: list[int] = []  # each part's call
        sizes = []
        for c, (kinds, fields, start, end, decide) in enumerate(calls):
            mine: list[tuple[tuple[Any, ...], tuple[str, str] | None]] = [((kinds, fields, start, end, decide), None)]
            for month, prev, dept_kinds in self._carried(kinds, start, end):
                mine.append(((dept_kinds, fields, cal.start(prev), cal.end(prev), decide), (month.label, prev.label)))
            parts += mine
            owner += [c] * len(mine)
            sizes.append(len(mine))
        scans = [call for call, _ in parts]
        done = getattr(self.store, "tallies_done", None)
        made = done(scans) if callable(done) else enumerate(self.store.tallies_each(scans))  # started now
        first_part = [sum(sizes[:c]) for c in range(len(calls))]

        def taken() -> Iterator[tuple[int, Iterator[tuple[str, str, dict[Any, Any], int, bool, Ref]]]]:
            got: dict[int, list[Any]] = {}
            try:
                for k, rows in made:
                    carried = parts[k][1]
                    if carried is None:
                        got[k] = [(unit, kind, values, n, False, (first, None, None)) for unit, kind, values, n, first in rows]
                    else:
                        got[k] = [(unit, kind, values, n, True, (first, *carried)) for unit, kind, values, n, first in rows]
                    c = owner[k]
                    mine = range(first_part[c], first_part[c] + sizes[c])
                    if all(j in got for j in mine):
                        yield c, iter([row for j in mine for row in got.pop(j)])
            finally:  # given up before the end: the store's scans given up too
                close = getattr(made, "close", None)
                if close is not None:
                    close()

        return taken()

    def singles(self, refs: Sequence[Ref]) -> dict[Ref, Record]:
        """The records ``tallies``' references name, as ``records`` gives them (a carried-over one
        under its key in the month it stands in for, marked carried over)."""
        read = {r.key: r for r in self.store.records_of(sorted({key for key, _, _ in refs}))}
        out: dict[Ref, Record] = {}
        for ref in refs:
            key, month, prev = ref
            r = read.get(key)
            if r is not None:
                out[ref] = r if month is None else attrs.evolve(r, key=f"{r.key}@{month}", carried_from=prev)
        return out

    def _carried(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterator[tuple[Period, Period, list[str]]]:
        """(month, the previous month, kinds): for each month from ``start`` to ``end`` and each
        department that may carry over and has no data at all for it, the department's kinds among
        ``kinds``, whose previous month's records stand in (seed 000 l.88)."""
        if not any(self.bureau.carries_over(d) for d in self._departments(kinds)) and not self.bureau.carries_over("*"):
            return
        cal = self.bureau.calendar
        month = cal.period_of(start)
        last = cal.period_of(end)
        while True:
            have = self.store.departments_with_data(month.label)
            for dept in self._departments(kinds):
                if dept in have or not self.bureau.carries_over(dept):
                    continue
                yield month, month.previous(), [k for k in kinds if self.registry.owner_of_kind(k) == dept]
            if month == last:
                break
            month = month.next()

    def _departments(self, kinds: Sequence[str]) -> set[str]:
        return {d for k in kinds if (d := self.registry.owner_of_kind(k))}
