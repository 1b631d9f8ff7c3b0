"""The office's adjustments (``kaohe adjust``): 通知单, 机动加分 and the like, added to or taken from a
unit's total for a period (seed 000 l.92, l.256-274), and revoked; each recorded with who acted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from ..core.actor import Actor
from ..core.adjustments import Adjustment
from ..core.decimals import D
from ..core.errors import KaoheError
from ..core.periods import Period
from .lock import refuse_locked
from .session import Office, unit_id


@attrs.frozen
class Listed:
    adjustment: Adjustment
    actor: str
    time: str
    revoked: dict[str, Any] | None
    """The revocation (its reason, actor and time), if revoked."""


def add(office: Office, period: Period, unit_key: str, points: Decimal, reason: str, approver: str, kind: str, actor: Actor) -> Adjustment:
    """Add ``points`` to the total of the unit ``unit_key`` for ``period``, approved by ``approver``."""
    uid = unit_id(office, unit_key)
    if points == 0:
        raise KaoheError("调整分值不能为 0")
    with office.store() as store, store.writing():
        refuse_locked(store, office.bureau, [period.label])
        return store.add_adjustment(period.label, uid, points, reason, approver, kind=kind, actor=actor.recorded)


def listing(office: Office, period: Period | None = None) -> list[Listed]:
    """The adjustments of ``period`` (of every period when None), the revoked ones included."""
    with office.store(readonly=True) as store:
        rows = store.adjustment_rows(period.label if period else None)
    return [
        Listed(
            Adjustment(r["id"], r["period"], r["unit"], D(r["points"]), r["reason"], r["approver"], r["kind"], r["item"], r["appeal"], r["number"]),
            r["actor"], r["time"], r["revoked"],
        )
        for r in rows
    ]


def revoke(office: Office, adjustment_id: int, reason: str, actor: Actor) -> Adjustment:
    """Revoke an adjustment (it stays stored, marked as revoked)."""
    if not 0 < adjustment_id < 2**63:  # beyond SQLite's integers: no such adjustment, not an OverflowError
        raise KaoheError(f"没有第{adjustment_id}号调整")
    with office.store() as store, store.writing():
        refuse_locked(store, office.bureau, [r["period"] for r in store.adjustment_rows(None) if r["id"] == adjustment_id])
        return store.revoke_adjustment(adjustment_id, reason, actor.recorded)
