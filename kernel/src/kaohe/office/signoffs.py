"""A department's sign-off of a period's data (``kaohe signoff``): it confirms that what it sent is
complete and correct, and is recorded in the audit trail with who signed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ..core.actor import Actor
from ..core.errors import KaoheError
from ..core.periods import Period
from ..scoring.status import data_status, departments
from .session import Office


@attrs.frozen
class SignedOff:
    department: str
    period: Period
    before: dict[str, Any] | None
    """The sign-off this one follows (its actor and time), if the period was signed off already."""
    empty: bool
    """The department sent no data at all for the period: signing confirms there is none."""


def sign_off(office: Office, department: str, period: Period, actor: Actor, note: str = "", today: dt.date | None = None) -> SignedOff:
    """Record ``actor``'s sign-off of ``department``'s data for ``period``."""
    bureau, registry = office.bureau, office.registry
    today = today or dt.date.today()
    if bureau.calendar.start(period) > today:  # 2099-01 for 2015-01: it would confirm "no data" ahead of time
        raise KaoheError(
            f"{period.chinese}({bureau.calendar.range_text(period)})尚未开始,不能签收:今天是 {today.isoformat()}(期间写错了?)"
        )
    known = departments(bureau, registry)
    if department not in known:
        raise KaoheError(f"没有部门 “{department}”:本局启用的项目所涉部门为 {'、'.join(known) or '(无)'}")
    with office.store() as store:
        before = store.signoffs(period.label).get(department)
        rows = [r for r in data_status(store, bureau, registry, period) if r.department == department]
        store.sign_off(department, period.label, actor.recorded, note)
    return SignedOff(department, period, before, bool(rows) and not any(r.records for r in rows))
