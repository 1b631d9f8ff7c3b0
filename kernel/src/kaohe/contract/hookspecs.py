"""The plugin contract. A department's plugin implements these hooks with ``@kaohe.hookimpl``.

Contract version 3 (2 added ``kaohe_commands`` and ``kaohe_config_tables``; 3 hands ``kaohe_demo_data`` a
:class:`DemoBureau` — the bureau's name, calendar and units — instead of the whole bureau). Hook signatures are a public API: a parameter may be added in a later
version (an implementation may always take fewer than the spec), none is ever renamed or removed
within a major version. See docs/plugin-guide.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from pluggy import HookimplMarker, HookspecMarker

from ..core.model import Unit
from ..core.periods import Calendar
from .adapters import Adapter
from .items import Item

CONTRACT_VERSION = 3

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


@attrs.frozen
class DemoBureau:
    """What a plugin's demo data may know of the demo bureau: its name, its calendar (the cut-off
    day of the assessment month) and its units. Not the database, not the settings."""

    name: str
    calendar: Calendar
    units: tuple[Unit, ...] = attrs.field(converter=tuple)

    @classmethod
    def of(cls, bureau: Any) -> DemoBureau:
        """The narrow view of a bureau (anything with ``name``, ``calendar`` and ``units``)."""
        return cls(name=bureau.name, calendar=bureau.calendar, units=bureau.units)


@hookspec
def kaohe_demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path] | None:
    """Write a synthetic year of the department's exports for the demo ``bureau`` (a
    :class:`DemoBureau`: name, calendar, units; contract version 3) into
    ``directory`` (XLSX, as the department exports them, deterministic from ``seed``) and return
    the files written, in the order they should be imported. A few rows should be bad on purpose,
    for the intake to reject."""




# --- A plugin's own commands and configuration (contract version 2) -----------------------------


@hookspec
def kaohe_commands(register: Callable[[Any], None]) -> None:
    """Add the plugin's own commands to ``kaohe``: call ``register(command)`` with a ``click.Command``
    (or group) for each. The command's context object (``click.pass_obj``) gives ``.bureau`` (the
    bureau's configuration, with ``plugin_config``) and ``.registry``. A name already taken by
    another command makes the kernel refuse the whole plugin."""


@hookspec
def kaohe_status_notes(register: Callable[[Callable[[Any, Any, Any], list[str]]], None]) -> None:
    """Add lines to a period's data status (``kaohe status``): ``register(notes)`` with a function
    ``notes(bureau, period, today)`` (the bureau, a ``kaohe.Period``, a ``datetime.date``) returning
    sentences in Chinese — what the plugin's own data of the period lacks or when it is due (the
    officers' lists of coefficients, due on the 20th of the quarter's last month). Called on every
    ``kaohe status``; an exception becomes one line naming the plugin."""


@hookspec
def kaohe_config_tables(register: Callable[[str, Callable[[Any, str, Path], Any]], None]) -> None:
    """Claim a top-level table of the bureau's ``kaohe.toml``: ``register(name, parse)``. The kernel
    hands the table to ``parse(table, file, base)`` (the table as read, the configuration file's
    name for messages, the folder relative paths are read from) and keeps what it returns in
    ``bureau.plugin_config[name]``; ``parse`` raises ``kaohe.ConfigError`` naming the key. ``parse``
    may instead be an attrs class declaring the table's keys (kaohe.scheme.structure: ``Expect``
    says what a key holds): the kernel structures the table into it as it does its own tables,
    with the same messages. A table no
    plugin claims, or that two plugins claim, or that the kernel reads itself, is refused."""
