"""The registry: what the loaded plugins contribute (items, adapters) and which plugins were refused
and why. Plain data, filled by the host side (kaohe.plugins.discovery) and read by everything below it."""

from __future__ import annotations

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


@attrs.define
class Registry:
    """What the loaded plugins contribute, and which plugins were refused and why."""

    plugins: dict[str, PluginInfo] = attrs.field(factory=dict)
    items: dict[str, Item] = attrs.field(factory=dict)
    adapters: dict[str, Adapter] = attrs.field(factory=dict)
    errors: list[PluginError] = attrs.field(factory=list)

    def items_of(self, plugin: str) -> list[Item]:
        return [i for i in self.items.values() if i.plugin == plugin]

    def adapters_of(self, plugin: str) -> list[Adapter]:
        return [a for a in self.adapters.values() if a.plugin == plugin]

    def owner_of_kind(self, kind: str) -> str | None:
        for a in self.adapters.values():
            if kind in a.kinds or kind.split(".", 1)[0] in a.kinds:
                return a.department
        return None
