"""The keys of a bureau's configuration as ``kaohe compare --set`` and a dated change's ``set``
write them (``items."xingzhen.pochuan".params.target``), and writing a value at one: the tables
the kernel reads, the arrays whose elements a key names by id. Nothing here reads a whole
configuration (kaohe.scheme.config does)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..core.errors import KaoheError

TOP_KEYS = {
    "bureau", "scheme", "series", "categories", "units", "units_file", "items", "office_items", "carry_over", "intake", "appeals",
    "publication", "report", "regulations", "results", "scoring", "site", "analysis", "notify", "changes",
}
"""The tables the kernel reads itself; any other top-level table must be claimed by a plugin
(``kaohe_config_tables``)."""

ARRAYS_BY_ID = ("series", "categories", "units", "office_items")
"""Arrays of tables whose elements a key names by their ``id``."""


def split_key(key: str) -> list[str]:
    """``items."a.b".params.x`` → ``["items", "a.b", "params", "x"]``; raises ValueError."""
    parts: list[str] = []
    rest = key.strip()
    while True:
        m = re.match(r'\s*(?:"([^"]+)"|([A-Za-z0-9_\-\u4e00-\u9fff]+))\s*', rest)
        if not m:
            raise ValueError(key)
        parts.append(m.group(1) if m.group(1) is not None else m.group(2))
        rest = rest[m.end() :]
        if not rest:
            return parts
        if not rest.startswith("."):
            raise ValueError(key)
        rest = rest[1:]


def put(data: dict[str, Any], parts: list[str], append: bool, value: Any, fail: Callable[[str], KaoheError]) -> None:
    """Write ``value`` at the key ``parts`` of the configuration ``data`` in place (appended to an
    array with ``append``); what cannot be written is ``fail(why)``, raised. ``--set`` and a dated
    change's ``set`` (kaohe.scheme.dated) both write with it."""
    key = ".".join(parts)
    if parts[0] not in TOP_KEYS and parts[0] != "analysis":
        raise fail(f"没有这个配置表(可用:{'、'.join(sorted(TOP_KEYS | {'analysis'}))})")
    node: Any = data
    path = parts[:-1]
    last = parts[-1]
    i = 0
    while i < len(path):
        part = path[i]
        if isinstance(node, list):
            found = [e for e in node if isinstance(e, dict) and e.get("id") == part]
            if not found:
                raise fail(f"{'.'.join(parts[:i])} 中没有编号为 {part!r} 的一项")
            node = found[0]
        elif isinstance(node, dict):
            if part not in node:
                node[part] = [] if part in ARRAYS_BY_ID and i == 0 else {}
            node = node[part]
        else:
            raise fail(f"{'.'.join(parts[:i])} 不是表,不能再往下写")
        i += 1
    if isinstance(node, list):  # the key names an element of an array of tables by its id
        at = [n for n, e in enumerate(node) if isinstance(e, dict) and e.get("id") == last]
        if append:
            raise fail("+= 只能用于数组")
        if not isinstance(value, dict):
            example = '{ title = "…", category = "…", shape = "…", params = { … } }' if parts[0] == "office_items" else '{ name = "…", … }'
            raise fail(f"{'.'.join(parts[:-1])} 的一项应写成表,如 {example};要改其中一个值,写到那个键,如 {key}.weight=300")
        element = {"id": last, **value}
        if at:
            node[at[0]] = element
        else:
            node.append(element)
        return
    if not isinstance(node, dict):
        raise fail(f"{'.'.join(parts[:-1])} 不是表,不能再往下写")
    if append:
        now = node.get(last, ["*"] if parts == ["items", "enable"] else [])
        if not isinstance(now, list):
            raise fail("+= 只能用于数组")
        node[last] = [*now, *(value if isinstance(value, list) else [value])]
    else:
        node[last] = value
