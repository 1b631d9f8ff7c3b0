"""kaohe plugin of 刑侦大队: its items in 基础工作建设 and 打处绩效 of the 金坛 2015 scheme (seed 000
l.582-616, l.478-516, and the quarterly extra tests l.494-500, l.518-532), the adapters for its exports, and a demo year."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaohe import Adapter, DemoBureau, Item, cite, hookimpl

from . import december, quarterly
from .adapters import ADAPTERS
from .articles import ARTICLES, DOCUMENT
from .demo import demo_data
from .items import ITEMS

__version__ = "0.1.0"


@hookimpl
def kaohe_items(register: Callable[[Item], None]) -> None:
    for item in cite(ITEMS, DOCUMENT, ARTICLES):
        register(item)
    for item in cite(quarterly.ITEMS, DOCUMENT, ARTICLES):
        register(item)
    for item in cite(december.ITEMS, DOCUMENT, ARTICLES):
        register(item)


@hookimpl
def kaohe_adapters(register: Callable[[Adapter], None]) -> None:
    for adapter in ADAPTERS:
        register(adapter)
    for adapter in december.ADAPTERS:
        register(adapter)


@hookimpl
def kaohe_demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    return demo_data(bureau, directory, seed) + december.demo_data(bureau, directory, seed)
