"""The canonical JSON encoding of an edition's payload and of the chain's content (kaohe.report.editions,
kaohe.store.integrity): keys sorted, no spaces, UTF-8, decimals as their exact text."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default).encode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value)
