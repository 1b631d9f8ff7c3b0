"""A published period locked (issue 17, point 4; ``[publication] lock``, true by default): once a
period has an edition, an import, a withdrawal, a self-report's acceptance or an office's adjustment
touching it is refused until the office unlocks it with a reason (``kaohe unlock``, the site's
publication page). The appeals' decisions still work on a locked period: they make the next edition
(docs/readings.md, "发布后锁定").

A period is locked when its latest edition was published after its latest unlocking; publishing a
new edition locks it again. A change touches a published period when the months it is about all
lie in that period: a record of 2015-02 touches 2015-02, 2015-Q1, 2015-H1 and 2015; an adjustment
of 2015-Q1 touches 2015-Q1, 2015-H1 and 2015, not 2015-02."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ..core.actor import Actor
from ..core.errors import KaoheError
from ..core.periods import Period
from ..scheme.bureau import Bureau
from ..store.store import Store
from .session import Office

UNLOCK = "解除锁定"
"""The audit trail's action of an unlocking (it changes nothing a score reads)."""
PUBLISHED = "发布"


@attrs.frozen
class Lock:
    period: str
    number: int
    """The latest edition, which locks the period."""
    time: str
    actor: str


def lock_of(store: Store, label: str) -> Lock | None:
    """The lock of period ``label``: its latest edition when that was published after the latest
    unlocking (None: not published, or unlocked since)."""
    published = [e for e in store.audit(period=label, action=PUBLISHED) if e["period"] == label]
    if not published:
        return None
    last = published[-1]
    unlocked = [e for e in store.audit(period=label, action=UNLOCK) if e["period"] == label]
    if unlocked and unlocked[-1]["id"] > last["id"]:
        return None
    number = int(str(last["subject"]).rsplit("#", 1)[-1]) if "#" in str(last["subject"]) else len(published)
    return Lock(label, number, str(last["time"]), str(last["actor"]))


def locks(store: Store, bureau: Bureau) -> list[Lock]:
    """The locked periods (none when the bureau does not lock published periods)."""
    if not bureau.publication.lock:
        return []
    out = []
    for label in sorted({str(e["period"]) for e in store.editions()}):
        lock = lock_of(store, label)
        if lock is not None:
            out.append(lock)
    return out


def locked_months(store: Store, bureau: Bureau) -> dict[str, Lock]:
    """Month → the lock of a published period containing it (the shortest: the month's own before its
    quarter's, half's and year's; the office unlocks them one after the other)."""
    out: dict[str, Lock] = {}
    for lock in sorted(locks(store, bureau), key=lambda held: len(Period.parse(held.period).months())):
        for month in Period.parse(lock.period).months():
            out.setdefault(month.label, lock)
    return out


def message(lock: Lock) -> str:
    """The one line refusing a change to a locked period."""
    return (
        f"{lock.period} 已发布第{lock.number}版,已锁定:不能再导入、撤回或调整该期间的数据。"
        f"确需更正的,由考核办先解除锁定(kaohe unlock {lock.period} --reason \"理由\",或网站的发布页面),"
        "或通过复查申请更正"
    )


def refuse_locked(store: Store, bureau: Bureau, periods: Iterable[str]) -> None:
    """Refuse (KaoheError) a change about ``periods`` (labels) when one touches a locked period."""
    held = locks(store, bureau)
    if not held:
        return
    held.sort(key=lambda h: len(Period.parse(h.period).months()))  # the shortest named first
    for label in periods:
        months = {m.label for m in Period.parse(label).months()}
        for lock in held:
            if months <= {m.label for m in Period.parse(lock.period).months()}:
                raise KaoheError(message(lock))


def unlock(office: Office, period: Period, reason: str, actor: Actor) -> Lock:
    """Unlock ``period`` with the office's ``reason`` (audited); returns the lock lifted."""
    reason = reason.strip()
    if not office.bureau.publication.lock:
        raise KaoheError("本局未设置发布后锁定([publication] lock = false),已发布的期间本来就未锁定,无需解除")
    if not reason:
        raise KaoheError("解除锁定须写明理由,如 --reason \"某部门补报漏报记录,经分管领导同意\"")
    with office.store() as store, store.writing():
        lock = lock_of(store, period.label)
        if lock is None:
            what = "尚未发布" if not store.editions(period.label) else "已解除锁定(发布新版本后才再次锁定)"
            raise KaoheError(f"{period.label} {what},无需解除锁定")
        store.log(UNLOCK, actor.recorded, period=period.label, subject=f"{period.label}#{lock.number}", detail={"reason": reason})
    return lock


def lock_data(lock: Lock | None) -> dict[str, Any] | None:
    return None if lock is None else {"period": lock.period, "number": lock.number, "time": lock.time, "actor": lock.actor}
