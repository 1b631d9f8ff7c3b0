"""Fixtures: a small bureau (one station per class, both categories 刑侦 scores into) with this
plugin's items only, and a helper to score one item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from kaohe import Period, Record
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.pipeline import MemorySource, score
from kaohe.testing import plugin_registry

from xingzhen_testing import BUREAU


@pytest.fixture(scope="session")
def registry():
    return plugin_registry("xingzhen")


@pytest.fixture(scope="session")
def bureau(registry):
    return parse_bureau(BUREAU, registry)


@pytest.fixture
def item_result(bureau) -> Callable[..., Any]:
    """item_result(records, "xingzhen.x", "a1", period="2015-04") -> that unit's ItemResult."""

    def run(records: list[Record], item: str, unit: str, period: str = "2015-04"):
        res = score(bureau, Period.parse(period), MemorySource(records))
        for cat in res.unit(unit).categories:
            for it in cat.items:
                if it.item == item:
                    return it
        raise AssertionError(f"{item} not scored for {unit}")

    return run
