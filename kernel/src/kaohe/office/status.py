"""The office's view of a period's data: which departments sent, late, carried over or not at all,
their sign-offs, the units' missing figures, the editions and the appeals waiting (``kaohe status``);
and whether a period has any record at all."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ..core.errors import KaoheError
from ..core.model import Gap
from ..core.periods import Period
from ..scheme.bureau import Bureau
from ..scoring.explain import gap_data
from ..scoring.status import DataStatus, carried_into, data_status, problems, unit_problems
from ..store.store import Store
from .jobs import score_period
from .session import Office


@attrs.frozen
class PeriodStatus:
    period: Period
    rows: list[DataStatus]
    """Each department's data for the period (kaohe.scoring.status)."""
    editions: list[dict[str, Any]]
    pending: list[dict[str, Any]]
    """The appeals of the period waiting for a decision."""
    units: list[Gap]
    """The units' missing figures, found by scoring the period (not stored)."""
    unscored: str = ""
    """Why the period could not be scored (then ``units`` is empty)."""
    notes: list[str] = attrs.field(factory=list)
    """The plugins' lines on their own data of the period (``kaohe_status_notes``)."""

    def issues(self, bureau: Bureau) -> list[str]:
        """What stands in the way of publishing, one sentence each (at most ten and a count)."""
        issues = problems(self.rows, bureau)
        waiting = unit_problems(self.rows, self.units)
        if waiting:  # each is a line of the units' table: counted here, not said a second time
            issues.append(f"{len(waiting)} 项单位数据缺失而该部门未签收(见上表)")
        if len(issues) > 10:
            issues = [*issues[:10], f"……共{len(issues)}项"]
        return issues

    def unit_signed(self, gap: Gap) -> bool:
        """Whether the department of a unit's missing figure signed the period off."""
        return not unit_problems(self.rows, [gap])

    def data(self) -> dict[str, Any]:
        """The status as JSON data (``kaohe status --json``)."""
        return {
            "period": self.period.label,
            "departments": [
                {
                    "department": r.department, "period": r.period, "state": r.state, "expected": r.expected,
                    "records": r.records, "imports": r.imports, "first": r.first, "last": r.last,
                    "due": r.due.isoformat() if r.due else None,
                    "signed_off": {"actor": r.signed["actor"], "time": r.signed["time"], "current": r.signed_off} if r.signed else None,
                }
                for r in self.rows
            ],
            "units_missing": [{**gap_data(g), "signed_off": self.unit_signed(g)} for g in self.units],
            "editions": [{"number": e["number"], "published_on": e["published_on"], "digest": e["digest"]} for e in self.editions],
            "pending_appeals": len(self.pending),
            "notes": self.notes,
        }


def period_status(office: Office, period: Period, warn: Any = None) -> PeriodStatus:
    """The data status of ``period``, read from one committed state of the store. ``warn(store)``,
    when given, is called first with the open store (the command line's warnings)."""
    bureau, registry = office.bureau, office.registry
    with office.store(readonly=True) as store, store.snapshot():  # one committed state
        if warn is not None:
            warn(store)
        rows = data_status(store, bureau, registry, period)
        editions = store.editions(period.label)
        pending = store.appeals(period=period.label, pending=True)
        # the units' missing figures are found by the items' rules: the period is scored (not stored)
        try:
            units = [g for g in score_period(store, bureau, registry, period, save=False).missing if g.unit]
        except KaoheError as exc:  # the departments' status still shows; why the units' cannot, is said
            return PeriodStatus(period, rows, editions, pending, [], str(exc), plugin_notes(bureau, registry, period))
    return PeriodStatus(period, rows, editions, pending, units, notes=plugin_notes(bureau, registry, period))


def plugin_notes(bureau: Bureau, registry: Any, period: Period, today: dt.date | None = None) -> list[str]:
    """The plugins' lines on their own data of ``period`` (``kaohe_status_notes``); a plugin's error
    becomes its one line."""
    out: list[str] = []
    for n in getattr(registry, "status_notes", ()):
        try:
            out.extend(n.notes(bureau, period, today or dt.date.today()))
        except Exception as exc:  # a plugin's fault must not hide the status
            out.append(f"插件 {n.plugin}:{exc}")
    return out


def no_records(store: Store, bureau: Bureau, registry: Any, period: Period) -> bool:
    """Whether the store holds no record at all of ``period`` (of a department that ever sent data),
    and the period is not scored from last period's data carried over (``[carry_over]``)."""
    months = [m.label for m in period.months()]
    return not store.any_records(months) and not carried_into(store, bureau, registry, period)
