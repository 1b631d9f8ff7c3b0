"""Who acts and when, as the ledger and the chain record it."""

from __future__ import annotations

import datetime as dt

from ..core.actor import system_account


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def current_actor() -> str:
    """The system account, recorded when no actor is named (kaohe.core.actor)."""
    return system_account()
