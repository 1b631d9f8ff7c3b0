"""Data status of a period (数据报送情况): for each department and base period, whether its data
arrived, arrived late, is carried over from the previous period (seed 000 l.88) or is missing, and
whether the department has signed it off.

A department is expected in a base period when an enabled item reading its kinds is due in that
period (a quarterly item only in the quarter's last month, a year-end item only in the year);
otherwise its row says 不需报送 unless data came anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ..core.periods import Period
from ..scheme.bureau import Bureau
from .pipeline import base_periods

ARRIVED, LATE, CARRIED, MISSING, NOT_DUE = "已报送", "迟报", "沿用上期", "未报送", "不需报送"
CONFIRMED_NONE = "确认无数据"
"""No record, and the department has signed the period off: nothing happened that it reports (a
纪委 with no violation in the month sends no row)."""


@attrs.frozen
class DataStatus:
    department: str
    period: str
    """The base period (a month in a monthly scheme)."""
    expected: bool
    records: int
    imports: int
    first: str | None
    """Time of the first import that brought data of this period."""
    last: str | None
    due: dt.date | None
    state: str
    signed: dict[str, Any] | None = None

    @property
    def missing(self) -> bool:
        return self.state == MISSING

    @property
    def signed_off(self) -> bool:
        """Signed off after the last import that brought data of this period (a later import, a
        correction for instance, needs the department's sign-off again)."""
        return self.signed is not None and (self.last is None or self.signed["time"] >= self.last)

    def text(self) -> str:
        out = self.state
        if self.records:
            out += f"({self.records}条,{self.imports}次导入,首次 {(self.first or '')[:16].replace('T', ' ')})"
        if self.state == LATE and self.due:
            out += f",应于 {self.due.isoformat()} 前报送"
        return out


_LAST: list[tuple[Bureau, Any, dict[str, list[Any]]]] = []
"""The last answer of ``departments`` with the bureau and registry it is of (both read once and never
changed): every page of the site asks it (kaohe.office.inbox), with the same two."""


def departments(bureau: Bureau, registry: Any) -> dict[str, list[Any]]:
    """Department → the enabled items reading its data (do not change the answer: it is shared)."""
    for b, r, known in _LAST:
        if b is bureau and r is registry:
            return known
    out: dict[str, list[Any]] = {}
    owners: dict[str, str | None] = {}
    for item in bureau.items:
        for kind in item.reads:
            if kind not in owners:
                owners[kind] = registry.owner_of_kind(kind)
            dept = owners[kind]
            if dept:
                out.setdefault(dept, [])
                if not any(i is item for i in out[dept]):
                    out[dept].append(item)
    known = dict(sorted(out.items()))
    _LAST[:] = [(bureau, registry, known)]
    return known


def data_status(store: Any, bureau: Bureau, registry: Any, period: Period) -> list[DataStatus]:
    cal = bureau.calendar
    depts = departments(bureau, registry)
    bases = base_periods(bureau, period)
    out = []
    for b in bases:
        months = [m.label for m in b.months()]
        signed = _signoffs(store, b, period)
        due = cal.end(b) + dt.timedelta(days=bureau.publication.data_due_days) if bureau.publication.data_due_days is not None else None
        for dept, items in depts.items():
            expected = any(i.window(b) is not None for i in items) or (b == bases[-1] and any(i.window(period) is not None for i in items))
            n, imports, first, last = store.arrivals(dept, months)
            if n:
                state = ARRIVED
                if due is not None and first and dt.date.fromisoformat(first[:10]) > due:
                    state = LATE
            elif not expected:
                state = NOT_DUE
            elif bureau.carries_over(dept) and _has_data(store, dept, b.previous()):
                state = CARRIED
            elif signed.get(dept) is not None:
                state = CONFIRMED_NONE
            else:
                state = MISSING
            out.append(DataStatus(dept, b.label, expected, n, imports, first, last, due, state, signed.get(dept)))
    return out


def gaps(store: Any, bureau: Bureau, registry: Any, base: Period) -> tuple[list[str], bool, list[str]]:
    """What scoring needs to know of a base period's data status, cheaply (existence, not counts):
    the departments whose data is missing (the state 未报送 of ``data_status``: expected, no record,
    not carried over, not signed off as having nothing to report), and whether the period is empty
    (no department it reads has any record in it, and some have not confirmed having nothing), and
    the departments that confirmed having nothing to report (确认无数据)."""
    signed = _signoffs(store, base, base)
    missing, confirmed, any_data = [], [], False
    for dept, items in departments(bureau, registry).items():
        if _has_data(store, dept, base):
            any_data = True
            continue
        if not any(i.window(base) is not None for i in items):
            continue
        if bureau.carries_over(dept) and _has_data(store, dept, base.previous()):
            any_data = True  # its last period's data is scored in this one: the units do not tie
            continue
        if signed.get(dept) is None:
            missing.append(dept)
        else:
            confirmed.append(dept)
    return missing, not any_data and bool(missing), confirmed


def _signoffs(store: Any, base: Period, period: Period) -> dict[str, Any]:
    """Department → its sign-off that covers base period ``base``: of ``base`` itself, else of the
    period asked about, else of the quarter, half-year or year containing ``base`` (a department
    may sign off a whole quarter it had nothing to report in)."""
    first = base.months()[0]
    labels = [first.containing(k).label for k in ("year", "half", "quarter") if k != base.kind]
    signed: dict[str, Any] = {}
    for label in dict.fromkeys([*labels, period.label, base.label]):  # the most specific last: it wins
        signed.update(store.signoffs(label))
    return signed


def carried_into(store: Any, bureau: Bureau, registry: Any, period: Period) -> list[str]:
    """The departments whose data of the period before a base period of ``period`` is carried into
    it (``[carry_over]``: a department that sent nothing then has last period's data scored)."""
    out = []
    for dept in departments(bureau, registry):
        if bureau.carries_over(dept) and any(
            not _has_data(store, dept, base) and _has_data(store, dept, base.previous()) for base in base_periods(bureau, period)
        ):
            out.append(dept)
    return out


def _has_data(store: Any, dept: str, period: Period) -> bool:
    return bool(store.has_records(dept, [m.label for m in period.months()]))


def unit_problems(rows: list[DataStatus], gaps: Any) -> list[str]:
    """The units' missing figures (``kaohe.core.model.Gap`` with a unit) that stand in the way of
    publishing: those of a department that has not signed the period off (its sign-off confirms
    that its data is complete as sent, a unit's absent row included)."""
    signed = {(r.department, r.period) for r in rows if r.signed_off}
    return [g.text() + "(该部门未签收)" for g in gaps if g.unit and (g.department, g.period) not in signed]


def problems(rows: list[DataStatus], bureau: Bureau) -> list[str]:
    """What stands in the way of publishing, in Chinese: missing data, and (when the bureau requires
    it) data not signed off."""
    # one sentence naming every department, not the same sentence once per department
    out = []
    missing = [f"{r.department} {r.period}" for r in rows if r.missing]
    if missing:
        out.append(f"{'、'.join(missing)} 没有数据(未报送,或本期确无需报送的事项:后者请该部门签收确认)")
    if bureau.publication.require_signoff:
        unsigned = [f"{r.department} {r.period}" for r in rows if r.expected and r.records and not r.signed_off]
        if unsigned:
            out.append(f"{'、'.join(unsigned)} 数据未经部门签收")
    return out
