"""kaohe plugin of the 国保大队: the clauses (十二)-(十五) of the December extra test (第十二条,
seed 000 l.672-678), the adapters of its two exports and a demo year.

The items (``ITEMS``) score into the year-scope category ``jiakao``; a bureau whose scheme has no
such category leaves them out when it switches items on by a wildcard.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaohe import Adapter, DemoBureau, Item, cite, hookimpl

from .adapters import ADAPTERS
from .articles import ARTICLES, DOCUMENT
from .items import ITEMS

__version__ = "0.1.0"


def register_items(register: Callable[[Item], None]) -> None:
    for item in cite(ITEMS, DOCUMENT, ARTICLES):
        register(item)


@hookimpl
def kaohe_items(register: Callable[[Item], None]) -> None:
    register_items(register)


@hookimpl
def kaohe_adapters(register: Callable[[Adapter], None]) -> None:
    for adapter in ADAPTERS:
        register(adapter)


@hookimpl
def kaohe_demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    from .demo import write_demo

    return write_demo(bureau, Path(directory), seed)
