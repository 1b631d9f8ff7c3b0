"""kaohe plugin of the 消防大队: 消防大队考核派出所基础工作 (seed 000 l.626-640, 基础工作建设)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaohe import Adapter, DemoBureau, Item, cite, hookimpl

from . import december
from .adapters import ADAPTERS
from .articles import ARTICLES, DOCUMENT
from .items import ITEMS

__version__ = "0.1.0"


@hookimpl
def kaohe_items(register: Callable[[Item], None]) -> None:
    for item in cite(ITEMS, DOCUMENT, ARTICLES):
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
    from .demo import write_demo

    return write_demo(bureau, directory, seed)
