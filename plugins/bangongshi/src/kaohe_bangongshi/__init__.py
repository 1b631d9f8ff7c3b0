"""kaohe plugin of the 局办公室: 公安信息化建设考核 (seed 000 l.456-472, 第七条).

The 局办公室 collects the data; 情报信息分析研判 and 情报信息转化应用 come from the 信息中心,
公安宣传报道 and 政工信息 from the 政工室 (l.456). Each item names the office that supplies its data.
"""

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
    for item in cite([*ITEMS, *december.ITEMS], DOCUMENT, ARTICLES):
        register(item)


@hookimpl
def kaohe_adapters(register: Callable[[Adapter], None]) -> None:
    for adapter in [*ADAPTERS, *december.ADAPTERS]:
        register(adapter)


@hookimpl
def kaohe_demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    from .demo import write_demo

    return write_demo(bureau, directory, seed) + december.demo_data(bureau, directory, seed)
