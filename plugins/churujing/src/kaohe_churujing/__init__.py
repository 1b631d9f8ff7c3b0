"""kaohe plugin of 出入境大队: its items in 基础工作建设 of the 金坛 2015 scheme (seed 000 l.618-624),
the adapters for its exports, and a demo year."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaohe import Adapter, DemoBureau, Item, cite, hookimpl

from .adapters import ADAPTERS
from .articles import ARTICLES, DOCUMENT
from .demo import demo_data
from .items import ITEMS

__version__ = "0.1.0"


@hookimpl
def kaohe_items(register: Callable[[Item], None]) -> None:
    for item in cite(ITEMS, DOCUMENT, ARTICLES):
        register(item)


@hookimpl
def kaohe_adapters(register: Callable[[Adapter], None]) -> None:
    for adapter in ADAPTERS:
        register(adapter)


@hookimpl
def kaohe_demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    return demo_data(bureau, directory, seed)
