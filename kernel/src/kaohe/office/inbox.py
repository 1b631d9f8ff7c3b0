"""What awaits each account (issue 17, point 6: 待办): computed on every page from what is stored,
with a link to where it is done.

- a department: its data of the period due not sent (the period that ended last, by the bureau's
  calendar; due ``[publication] data_due_days`` days after its end — seed 000 l.696), its data sent
  but not signed off, the appeals against its items waiting for its decision (with their age in
  working days);
- a unit: each published edition whose appeal window is still open ("还可申请复查至 …"), each
  decision on its appeals made since it last opened its inbox;
- the office: the departments missing or not signed off in the period due, the appeals undecided
  ``[site] appeal_pending_days`` working days or more after they were received, stored results
  out of date, a period ready to publish (stored, not published, nothing missing);
- a leader: nothing.

The period due is listed only before it is published and while the bureau's cycle runs: when some records of it, or of the
period before it, are stored (a database of past years, or a new one, asks nothing; docs/readings.md,
"待办的报送期").
"""

from __future__ import annotations

import datetime as dt
from typing import Any
import attrs

from ..core.periods import Period
from ..scheme.bureau import Bureau
from ..scoring.status import data_status, problems
from ..store.store import Store
from .accounts import DECIDE, DEPARTMENT, IMPORT, OFFICE, READ, UNIT, Actor, Resource, allowed
from .results import staleness

RECENT = 3
"""The office's inbox looks at the latest this many stored months for results out of date or ready
to publish (older ones are the dashboard's)."""


@attrs.frozen
class Awaiting:
    """One thing that awaits an account: what (``kind``), in Chinese (``text``), where it is done
    (``link``), and for an appeal its age in working days."""

    kind: str
    text: str
    link: str
    age: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def due_period(bureau: Bureau, today: dt.date) -> tuple[Period, dt.date]:
    """The base period whose data is due on ``today``: the month that ended last (by the bureau's
    calendar, 21st to 20th at 金坛), and its due date (``data_due_days`` after its end, else its end)."""
    period = bureau.calendar.period_of(today).previous()
    due = bureau.calendar.end(period)
    if bureau.publication.data_due_days is not None:
        due += dt.timedelta(days=bureau.publication.data_due_days)
    return period, due


def working_days_between(bureau: Bureau, start: dt.date, end: dt.date) -> int:
    """The working days after ``start`` up to ``end`` (both by the bureau's calendar): 0 on the day itself."""
    cal = bureau.work_calendar
    n, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        n += cal.is_working_day(day)
    return n


def _cycle_runs(store: Store, period: Period) -> bool:
    """Whether the period due asks for data: not published yet, and the bureau's cycle runs."""
    if store.editions(period.label):
        return False
    return store.any_records([m.label for m in (*period.previous().months(), *period.months())])


def _due_text(period: Period, due: dt.date, today: dt.date) -> str:
    return f"应于 {due.isoformat()} 前报送" if today <= due else f"已超过报送期限 {due.isoformat()}"


def awaiting(store: Store, bureau: Bureau, registry: Any, actor: Actor, today: dt.date) -> list[Awaiting]:
    """What awaits ``actor`` on ``today``, most urgent kinds first: each only where
    kaohe.office.accounts.allowed lets it act on it (a department its own data and appeals, a unit its
    own appeals, the office the dashboard's matters)."""
    if actor.role == DEPARTMENT:
        own = Resource("data", department=actor.department)
        items = _department(store, bureau, registry, actor.department, today) if allowed(actor, IMPORT, own) else []
        return [i for i in items if i.kind != "appeal" or allowed(actor, DECIDE, Resource("appeal", True, department=actor.department))]
    if actor.role == UNIT:
        items = _unit(store, bureau, actor, today)
        return [i for i in items if allowed(actor, READ, Resource("appeal" if i.kind == "decision" else "unit", True, unit=actor.unit))]
    if actor.role == OFFICE and allowed(actor, READ, Resource("dashboard")):
        return _office(store, bureau, registry, today)
    return []


def _appeal(bureau: Bureau, a: dict[str, Any], today: dt.date, who: bool) -> Awaiting:
    received = dt.date.fromisoformat(str(a["received"])[:10])
    age = working_days_between(bureau, received, today)
    names = {u.id: u.name for u in bureau.units}
    unit = names.get(a["unit"], a["unit"])
    text = f"第{a['id']}号复查申请({unit},{a['title']},{a['period']})待{'部门' if who else ''}决定,已受理 {age} 个工作日"
    if who:
        text += f"({a['department']})"
    return Awaiting("appeal", text, f"/appeals/{a['id']}", age)


def _department(store: Store, bureau: Bureau, registry: Any, department: str, today: dt.date) -> list[Awaiting]:
    out = []
    period, due = due_period(bureau, today)
    if _cycle_runs(store, period):
        for r in data_status(store, bureau, registry, period):
            if r.department != department:
                continue
            if r.missing:  # upload it (/handin), or sign off that there is none (/signoff)
                out.append(Awaiting(
                    "data", f"{period.chinese}的数据尚未报送,{_due_text(period, due, today)}(本期确无数据的,请签收确认)", "/handin",
                ))
            elif r.records and not r.signed_off:
                out.append(Awaiting("signoff", f"{period.chinese}的数据({r.records}条)尚未签收", f"/signoff/{period.label}"))
    out += [_appeal(bureau, a, today, False) for a in store.appeals(department=department, pending=True)]
    return out


def _unit(store: Store, bureau: Bureau, actor: Actor, today: dt.date) -> list[Awaiting]:
    out = []
    latest: dict[str, dict[str, Any]] = {}
    for e in store.editions():
        latest[str(e["period"])] = e  # in order: the last edition of each period wins
    for label, e in sorted(latest.items()):
        published = dt.date.fromisoformat(str(e["published_on"]))
        end = bureau.work_calendar.deadline(published, bureau.appeal_days)
        if published <= today <= end:
            name = Period.parse(label).chinese
            out.append(Awaiting(
                "window", f"{name}通报(第{e['number']}版)对扣分有异议的,还可申请复查至 {end.isoformat()}", f"/unit/{label}/{actor.unit}",
            ))
    seen = store.inbox_seen(actor.account)
    new = store.decided_since(actor.unit, seen["mark"] if seen else 0)
    for a in store.appeals(unit=actor.unit, pending=False) if new else ():
        if a["id"] in new:
            out.append(Awaiting(
                "decision", f"第{a['id']}号复查申请({a['title']},{a['period']})已有决定:{a['outcome']}", f"/appeals/{a['id']}",
            ))
    return out


def _office(store: Store, bureau: Bureau, registry: Any, today: dt.date) -> list[Awaiting]:
    out = []
    period, due = due_period(bureau, today)
    if _cycle_runs(store, period):
        rows = data_status(store, bureau, registry, period)
        missing = [r.department for r in rows if r.missing]
        unsigned = [r.department for r in rows if r.expected and r.records and not r.signed_off]
        if missing:
            out.append(Awaiting("missing", f"{period.chinese}:{'、'.join(missing)} 尚未报送数据({_due_text(period, due, today)})", "/office"))
        if unsigned:
            out.append(Awaiting("unsigned", f"{period.chinese}:{'、'.join(unsigned)} 的数据尚未签收", "/office"))
    days = bureau.site.appeal_pending_days
    for a in store.appeals(pending=True):
        item = _appeal(bureau, a, today, True)
        if item.age is not None and item.age >= days:
            out.append(item)
    published = {str(e["period"]) for e in store.editions()}
    months = [p for p in store.stored_periods() if Period.parse(p).kind == "month"][-RECENT:]
    for label in months:
        p = Period.parse(label)
        why = staleness(store, bureau, p)
        if why is not None:
            out.append(Awaiting("stale", f"{p.chinese}保存的计算结果已过时({why}):请运行 kaohe score {label}", f"/ranking/{label}"))
        elif label not in published and bureau.calendar.end(p) < today and not problems(data_status(store, bureau, registry, p), bureau):
            out.append(Awaiting("publish", f"{p.chinese}的结果已计算、数据齐全,可以发布(kaohe publish {label})", f"/publish/{label}"))
    return out
