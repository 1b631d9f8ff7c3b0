"""What the office's use cases work on: the bureau's definition, the plugins' registry and the
bureau's store. :class:`Office` is the shape a use case asks for; the command line's context
(kaohe.cli.common.Ctx) has it, loading the configuration when first asked; :class:`Loaded` is one
built from a bureau and a registry at hand (a web site, a test)."""

from __future__ import annotations

from typing import Protocol

import attrs

from ..contract.registry import Registry
from ..core.errors import KaoheError
from ..scheme.bureau import Bureau
from ..store.store import Store


class Office(Protocol):
    @property
    def bureau(self) -> Bureau: ...

    @property
    def registry(self) -> Registry: ...

    def store(self, readonly: bool = False) -> Store:
        """The bureau's store; ``readonly`` for a use case that only reads (it never waits for a
        writer and works on a read-only copy)."""
        ...


@attrs.frozen
class Loaded:
    """An :class:`Office` of a bureau and a registry already loaded."""

    bureau: Bureau
    registry: Registry

    def store(self, readonly: bool = False) -> Store:
        return Store(self.bureau.database, readonly=readonly)


def unit_id(office: Office, key: str) -> str:
    """The id of the unit named by ``key`` (its id or its name)."""
    bureau = office.bureau
    u = bureau.unit(key)
    if u is None:
        raise KaoheError(f"没有单位 “{key}”:可用单位编号或名称,如 {bureau.units[0].id} 或 {bureau.units[0].name}")
    return u.id
