"""A department withdraws a wrong record before publication (issue 17, point 2): the record is voided
with the reason (it stays stored, marked void, and is no longer scored; the voiding is in the audit
trail with the actor), by the store's mechanism that voids a record on appeal. Once a period holding
the record is published, a withdrawal is refused: the record is then changed by an appeal, or by the
office. Where the bureau locks published periods (``[publication] lock``, the default), "published"
is "locked" (kaohe.office.lock): the refusal says the period, its edition and how to unlock, and once
the office has unlocked the period its records may be withdrawn again until the next edition
(docs/readings.md, "发布后锁定")."""

from __future__ import annotations

from typing import Any

from ..core.errors import KaoheError
from ..core.periods import Period
from ..scheme.bureau import Bureau
from ..store.store import Store
from .lock import Lock, locked_months, message

WITHDRAWN = "部门撤回:"
"""The start of the reason recorded for a withdrawal (the audit trail's 撤销记录 entry)."""


def published_in(store: Store, month: str) -> list[str]:
    """The published periods (labels) that hold ``month``."""
    try:
        m = Period.parse(month)
    except (KaoheError, ValueError):
        return []
    out = []
    for label in sorted({str(e["period"]) for e in store.editions()}):
        try:
            p = Period.parse(label)
        except (KaoheError, ValueError):
            continue
        if p.contains(m):
            out.append(label)
    return out


def closed(store: Store, bureau: Bureau, month: str) -> tuple[list[str], Lock | None]:
    """Why a record of ``month`` may not be withdrawn now: the published periods holding it and,
    when the bureau locks published periods, the lock holding it (none: nothing in the way once the
    office has unlocked them all). Without the lock, any published period holding it is in the way."""
    done = published_in(store, month)
    if not bureau.publication.lock:
        return done, None
    held = locked_months(store, bureau).get(month)
    return (done if held is not None else []), held


def withdrawable(store: Store, key: str, department: str | None, bureau: Bureau) -> dict[str, Any]:
    """The stored record ``key`` if ``department`` (None: any) may withdraw it now; KaoheError
    otherwise, saying why."""
    row = store.record_row(key)
    if row is None:
        raise KaoheError(f"没有编号为 {key} 的记录")
    if department is not None and row["department"] != department:
        raise KaoheError(f"记录 {key} 由{row['department'] or '其他部门'}报送,只有报送的部门可以撤回")
    if row["voided"]:
        raise KaoheError(f"记录 {key} 已作废")
    done, held = closed(store, bureau, row["month"] or "")
    if held is not None:
        raise KaoheError(f"记录 {key} 属 {row['month']},{message(held)}")
    if done:
        shown = "、".join(Period.parse(p).chinese for p in done)
        raise KaoheError(
            f"记录 {key} 所在的{shown}已发布通报,不能再撤回:请由被考核单位申请复查,或请考核办处理"
        )
    return row


def withdraw(store: Store, bureau: Bureau, key: str, reason: str, *, actor: str, department: str | None = None) -> dict[str, Any]:
    """Void the record ``key`` with ``reason``, by ``actor`` (of ``department``: only its own
    records; None at the command line without ``--department``). Checked again inside the write
    transaction, so a publication in between is not overtaken."""
    reason = reason.strip()
    if not reason:
        raise KaoheError("请写明撤回的理由")
    if len(reason) > 500:
        raise KaoheError("撤回理由太长:至多 500 字")
    key = key.strip()
    with store.writing():
        row = withdrawable(store, key, department, bureau)
        store.void_record(key, WITHDRAWN + reason, actor)
    return row
