"""The registry: what the loaded plugins contribute (items, adapters, configuration tables, commands) and which plugins were refused
and why. Plain data, filled by the host side (kaohe.plugins.discovery) and read by everything below it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ..core.errors import PluginError
from .adapters import Adapter
from .items import Item


@attrs.define
class PluginInfo:
    name: str
    version: str
    module: str
    distribution: str = ""
    error: str = ""


@attrs.frozen
class ConfigTable:
    """A top-level table of ``kaohe.toml`` claimed by a plugin, and its parser
    ``parse(table, file, base)``."""

    name: str
    plugin: str
    parse: Callable[[Any, str, Path], Any]


@attrs.frozen
class PluginCommand:
    """A ``kaohe`` command added by a plugin (``kaohe_commands``): a ``click.Command``."""

    name: str
    plugin: str
    command: Any


@attrs.frozen
class StatusNotes:
    """A plugin's lines of a period's data status (``kaohe_status_notes``): ``notes(bureau, period, today)``."""

    plugin: str
    notes: Callable[[Any, Any, Any], list[str]]


@attrs.define
class Registry:
    """What the loaded plugins contribute, and which plugins were refused and why."""

    plugins: dict[str, PluginInfo] = attrs.field(factory=dict)
    items: dict[str, Item] = attrs.field(factory=dict)
    adapters: dict[str, Adapter] = attrs.field(factory=dict)
    errors: list[PluginError] = attrs.field(factory=list)
    config_tables: dict[str, ConfigTable] = attrs.field(factory=dict)
    """Top-level tables of the bureau's configuration claimed by a plugin (``kaohe_config_tables``)."""
    commands: dict[str, PluginCommand] = attrs.field(factory=dict)
    """The plugins' own ``kaohe`` commands by name (``kaohe_commands``)."""
    status_notes: list[StatusNotes] = attrs.field(factory=list)
    """The plugins' lines of a period's data status (``kaohe_status_notes``)."""
    _owners: dict[tuple[str, int], str | None] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    """``owner_of_kind``'s answers, by kind and the number of adapters then registered."""

    def items_of(self, plugin: str) -> list[Item]:
        return [i for i in self.items.values() if i.plugin == plugin]

    def adapters_of(self, plugin: str) -> list[Adapter]:
        return [a for a in self.adapters.values() if a.plugin == plugin]

    def scoring_plugins(self) -> list[str]:
        """The plugins loaded that give items or adapters, by name: what a bureau's scores can
        depend on (an edition names them). A plugin that only adds commands or a configuration
        table (the built-in ``officers``) is not among them."""
        return sorted(
            name for name, info in self.plugins.items()
            if not info.error and (self.items_of(name) or self.adapters_of(name))
        )

    def extras_of(self, plugin: str) -> list[str]:
        """What a plugin adds besides items and adapters, in words: its configuration tables and
        commands."""
        tables = [f"配置表 [{t.name}]" for t in self.config_tables.values() if t.plugin == plugin]
        commands = [f"命令 kaohe {n}" for n, c in sorted(self.commands.items()) if c.plugin == plugin]
        return tables + commands

    def owner_of_kind(self, kind: str) -> str | None:
        key = (kind, len(self.adapters))  # asked for every item's kinds at every scoring: remembered
        if key in self._owners:
            return self._owners[key]
        owner = next((a.department for a in self.adapters.values() if kind in a.kinds or kind.split(".", 1)[0] in a.kinds), None)
        self._owners[key] = owner
        return owner
