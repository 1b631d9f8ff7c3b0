"""Who acts and when, as the ledger and the chain record it."""

from __future__ import annotations

import datetime as dt
import getpass


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def current_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
