"""Items of a category the bureau's scheme does not have: left out under a wildcard, an error when named."""

from __future__ import annotations

import pytest
from kaohe import Item, hookimpl, rules
from kaohe.core.errors import PluginError
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau


class Dept:
    @hookimpl
    def kaohe_items(self, register):
        common = {"department": "刑侦大队", "reference": "seed 000 l.650", "reads": ["dept.cases"]}
        register(Item(id="dept.monthly", title="破案", category="jichu", rule=rules.PerOccurrence(points=20), **common))
        register(Item(id="dept.december", title="破案绝对数加考", category="jiakao", cadence="yearly", rule=rules.PerOccurrence(points=1), **common))


def config(enable):
    return {
        "bureau": {"name": "测试局"},
        "series": [{"id": "A", "name": "A类"}],
        "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
        "units": [{"id": "a", "name": "甲所", "series": "A"}],
        "items": {"enable": enable},
    }


def registry():
    return load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("dept", Dept())]))


@pytest.mark.parametrize("enable", [["*"], ["dept.*"]])
def test_wildcard_leaves_out_items_of_a_category_the_scheme_lacks(enable):
    b = parse_bureau(config(enable), registry())
    assert [i.id for i in b.items] == ["dept.monthly"]
    assert b.inapplicable == ("dept.december",)


def test_naming_such_an_item_is_an_error():
    with pytest.raises(PluginError, match="dept.december.*jiakao.*不在本局方案中"):
        parse_bureau(config(["dept.monthly", "dept.december"]), registry())
