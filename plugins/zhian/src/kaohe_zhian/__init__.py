"""kaohe plugin of the 治安大队: its items of 基础工作建设 (seed 000 l.564-580) and of 打处绩效
(l.488, l.490, l.512), the adapters of its exports, and a synthetic demo year."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaohe import Adapter, DemoBureau, Item, cite, hookimpl

__version__ = "0.1.0"


@hookimpl
def kaohe_items(register: Callable[[Item], None]) -> None:
    from . import december
    from .articles import ARTICLES, DOCUMENT
    from .items import all_items

    for item in cite(all_items(), DOCUMENT, ARTICLES):
        register(item)
    for item in cite(december.ITEMS, DOCUMENT, ARTICLES):
        register(item)


@hookimpl
def kaohe_adapters(register: Callable[[Adapter], None]) -> None:
    from . import december
    from .adapters import ADAPTERS

    for adapter in ADAPTERS:
        register(adapter)
    for adapter in december.ADAPTERS:
        register(adapter)


@hookimpl
def kaohe_demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    from .demo import write_demo

    return write_demo(bureau, Path(directory), seed)
