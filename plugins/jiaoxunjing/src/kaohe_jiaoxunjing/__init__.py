"""kaohe-jiaoxunjing: 交巡警大队考核派出所基础工作 (金坛 2015, seed 000 l.642-646)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaohe import Adapter, DemoBureau, Item, cite, hookimpl

__version__ = "0.1.0"


@hookimpl
def kaohe_items(register: Callable[[Item], None]) -> None:
    from .articles import ARTICLES, DOCUMENT
    from .items import ITEMS

    for item in cite(ITEMS, DOCUMENT, ARTICLES):
        register(item)


@hookimpl
def kaohe_adapters(register: Callable[[Adapter], None]) -> None:
    from .adapters import ADAPTERS

    for adapter in ADAPTERS:
        register(adapter)


@hookimpl
def kaohe_demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    from .demo import write_demo

    return write_demo(bureau, Path(directory), seed)
