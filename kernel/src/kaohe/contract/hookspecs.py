"""The plugin contract. A department's plugin implements these hooks with ``@kaohe.hookimpl``.

Contract version 1. Hook signatures are a public API: a parameter may be added in a later
version (an implementation may always take fewer than the spec), none is ever renamed or removed
within a major version. See docs/plugin-guide.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pluggy import HookimplMarker, HookspecMarker

from .adapters import Adapter
from .items import Item

CONTRACT_VERSION = 1

hookspec = HookspecMarker("kaohe")
hookimpl = HookimplMarker("kaohe")


# --- What a department scores ------------------------------------------------------------------


@hookspec
def kaohe_items(register: Callable[[Item], None]) -> None:
    """Declare the department's assessment items: call ``register(item)`` once per item.

    Item ids must start with the plugin's name (``zhihui110.``); a duplicate id, an invalid rule
    or an exception here makes the kernel refuse the whole plugin with a message naming it.
    """


# --- How a department's data is read ---------------------------------------------------------


@hookspec
def kaohe_adapters(register: Callable[[Adapter], None]) -> None:
    """Declare the adapters that read the department's exports: ``register(adapter)`` for each kind
    of file (XLSX or CSV with the department's own headers)."""


# --- Demo data ---------------------------------------------------------------------------------


@hookspec
def kaohe_demo_data(bureau: Any, directory: Path, seed: int) -> list[Path] | None:
    """Write a synthetic year of the department's exports for the demo ``bureau`` (a ``kaohe.Bureau``) into
    ``directory`` (XLSX, as the department exports them, deterministic from ``seed``) and return
    the files written, in the order they should be imported. A few rows should be bad on purpose,
    for the intake to reject."""


