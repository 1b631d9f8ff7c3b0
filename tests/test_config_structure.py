"""The configuration's tables as attrs classes structured by cattrs (kaohe.scheme.structure): the
path of each error as the office writes the key, the messages of the hand validation they replaced,
and a plugin's claimed table declared as a class."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import attrs
import pytest
from kaohe.contract.hookspecs import hookimpl
from kaohe.core.errors import ConfigError
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import STRUCTURER, load_bureau
from kaohe.scheme.structure import Date, Expect, Number


@attrs.frozen(kw_only=True)
class Shift:
    start: Date
    minutes: Annotated[int, Expect("正整数(分钟)", low=1, high=600, beyond="应为 1-600 的整数,得到 {value}")] = 30


@attrs.frozen(kw_only=True)
class Patrol:
    """``[patrol]`` of an imaginary department's plugin."""

    area: Annotated[str, Expect(choices=("城区", "城郊"))]
    weight: Annotated[Number, Expect("数字(权重)")] = 1
    shifts: list[Shift] = attrs.field(factory=list)
    limits: dict[str, Annotated[int, Expect("正整数")]] = attrs.field(factory=dict)


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        ({}, "patrol.area", "缺少此项,应为文本"),
        ({"area": "山区"}, "patrol.area", "应为 城区 / 城郊 之一,得到 '山区'"),
        ({"area": "城区", "weight": True}, "patrol.weight", "应为数字(权重),得到 True"),
        ({"area": "城区", "weight": "nan"}, "patrol.weight", "应为数字(权重),不是有限的数(NaN、Infinity 之类不能计分),得到 'nan'"),
        ({"area": "城区", "shifts": [{"start": "2015-01-01"}, {"start": "一月"}]}, "patrol.shifts[1].start", "应为日期(如 2015-06-01),得到 '一月'"),
        ({"area": "城区", "shifts": [{"start": "2015-01-01", "minutes": 0}]}, "patrol.shifts[0].minutes", "应为 1-600 的整数,得到 0"),
        ({"area": "城区", "shifts": [{"start": "2015-01-01", "minute": 5}]}, "patrol.shifts[0].minute", "未知的配置项;此处可用:minutes、start"),
        ({"area": "城区", "shifts": [3]}, "patrol.shifts[0]", "应为表,得到 int"),
        ({"area": "城区", "limits": {"夜间": "两"}}, "patrol.limits.夜间", "应为正整数,得到 '两'"),
        # an unknown key is reported before the other errors of its table, as the hand validation did
        ({"area": 1, "aera": "城区"}, "patrol.aera", "未知的配置项;此处可用:area、limits、shifts、weight"),
    ],
)
def test_each_error_names_its_key(table: dict[str, Any], key: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        STRUCTURER.structure(table, Patrol, "金坛.toml", "patrol")
    assert (info.value.file, info.value.key, info.value.expected) == ("金坛.toml", key, message)


def test_a_valid_table_is_built() -> None:
    p = STRUCTURER.structure({"area": "城郊", "weight": "0.5", "shifts": [{"start": "2015-06-01"}]}, Patrol, "k.toml", "patrol")
    assert p.weight == "0.5"  # kept as written: the kernel's parameters convert it to an exact decimal
    assert p.shifts[0].start.isoformat() == "2015-06-01" and p.shifts[0].minutes == 30


class PatrolPlugin:
    @hookimpl
    def kaohe_config_tables(self, register):  # type: ignore[no-untyped-def]
        register("patrol", Patrol)


def test_a_plugin_claims_a_table_with_an_attrs_class(tmp_path: Path) -> None:
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("patrol", PatrolPlugin())]))
    toml = (
        '[bureau]\nname = "测试局"\n[[series]]\nid = "A"\n[[categories]]\nid = "jichu"\nname = "基础工作建设"\nweight = 100\n'
        '[[units]]\nid = "jincheng"\nname = "金城派出所"\nseries = "A"\n'
    )
    config = tmp_path / "kaohe.toml"
    config.write_text(toml + '[patrol]\narea = "城区"\n[[patrol.shifts]]\nstart = 2015-04-01\nminutes = 45\n', encoding="utf-8")
    patrol = load_bureau(config, reg).plugin_config["patrol"]
    assert isinstance(patrol, Patrol) and patrol.shifts[0].minutes == 45
    config.write_text(toml + '[patrol]\narea = "城区"\n[[patrol.shifts]]\nstart = 2015-04-01\nminutes = 900\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_bureau(config, reg)
    assert str(info.value) == f"{config}: 配置项 patrol.shifts[0].minutes: 应为 1-600 的整数,得到 900"
    config.write_text("patrol = 3\n" + toml, encoding="utf-8")
    with pytest.raises(ConfigError, match="配置项 patrol: 应为表,得到 int"):
        load_bureau(config, reg)


def test_the_bureau_is_what_scoring_reads_and_the_offices_settings(tmp_path: Path) -> None:
    """Scoring's part holds the calendar, scheme, units and items; the office's the database and
    the rest; the bureau reads both, and ``evolve`` changes the part that holds a key."""
    from kaohe.scheme.bureau import Assessment, Bureau, OfficeSettings

    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[]))
    config = tmp_path / "kaohe.toml"
    config.write_text(
        '[bureau]\nname = "测试局"\ncutoff_day = 25\n[[series]]\nid = "A"\n[[categories]]\nid = "jichu"\nname = "基础工作建设"\nweight = 100\n'
        '[[units]]\nid = "jincheng"\nname = "金城派出所"\nseries = "A"\n[appeals]\nworking_days = 3\n',
        encoding="utf-8",
    )
    b = load_bureau(config, reg)
    assert isinstance(b.assessment, Assessment) and isinstance(b.office, OfficeSettings)
    assert b.assessment.calendar.cutoff_day == 25 and [u.id for u in b.assessment.units] == ["jincheng"]
    assert b.office.database == str(tmp_path / "kaohe.sqlite") and b.office.appeal_days == 3
    assert (b.name, b.calendar, b.units, b.database, b.appeal_days) == (
        "测试局", b.assessment.calendar, b.assessment.units, b.office.database, 3,
    )
    assert not hasattr(b.assessment, "database") and not hasattr(b.office, "units")
    moved = b.evolve(database="/elsewhere.sqlite", name="另一局")
    assert (moved.database, moved.name, moved.units) == ("/elsewhere.sqlite", "另一局", b.units)
    assert b.database == str(tmp_path / "kaohe.sqlite")  # the bureau itself is unchanged
    with pytest.raises(TypeError):
        Bureau(b.assessment, b.office)  # type: ignore[misc]  # by keyword only
