"""Fixtures for the jiwei tests: a small bureau (one station per class) with this plugin's items only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from kaohe import Bureau
from kaohe.plugins.discovery import Registry
from kaohe.scheme.config import parse_bureau
from kaohe.testing import plugin_registry

UNITS = [
    {"id": "a1", "name": "甲城派出所", "series": "A", "class": "A", "headcount": 40, "aliases": ["甲城所"]},
    {"id": "b1", "name": "乙镇派出所", "series": "B", "class": "B", "headcount": 15, "aliases": ["乙镇所"]},
    {"id": "c1", "name": "丙村派出所", "series": "C", "class": "C", "headcount": 8},
]


@pytest.fixture(scope="session")
def registry() -> Registry:
    return plugin_registry("jiwei")


def config(items: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "bureau": {"name": "测试局", "cutoff_day": 20},
        "scheme": {"base_period": "month"},
        "series": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
        "categories": [{"id": "duiwu", "name": "队伍建设", "weight": 100, "base": 100}],
        "units": UNITS,
        "items": {"enable": ["jiwei.*"], **(items or {})},
    }


@pytest.fixture(scope="session")
def bureau(registry: Registry) -> Bureau:
    return parse_bureau(config(), registry)


@pytest.fixture
def make_bureau(registry: Registry):
    return lambda items=None: parse_bureau(config(items), registry)
