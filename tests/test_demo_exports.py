"""The demo's exports are reproducible: the same plugin and seed write the same bytes, whatever the
clock says (the workbook's times come from its rows, not from the time of writing)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kaohe.contract.hookspecs import DemoBureau
from kaohe.demo import DEMO_SEED, demo_bureau, write_export
from kaohe.plugins.discovery import get_plugin_manager

PM = get_plugin_manager()
DEMO_PLUGINS = sorted(name for name, plugin in PM.list_name_plugin() if hasattr(plugin, "kaohe_demo_data"))


def _write(name: str, directory: Path, seed: int) -> list[Path]:
    bureau, _ = demo_bureau()
    directory.mkdir()
    return [Path(p) for p in PM.get_plugin(name).kaohe_demo_data(bureau=DemoBureau.of(bureau), directory=directory, seed=seed)]


def test_every_bundled_department_writes_demo_data() -> None:
    assert {"office", "zhian", "xingzhen", "zhihui110", "guobao"} <= set(DEMO_PLUGINS)


@pytest.mark.parametrize("name", DEMO_PLUGINS)
def test_two_demo_exports_of_one_plugin_and_seed_are_byte_identical(name: str, tmp_path: Path) -> None:
    first = _write(name, tmp_path / "a", DEMO_SEED)
    second = _write(name, tmp_path / "b", DEMO_SEED)
    assert first and [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_an_export_carries_the_latest_date_of_its_rows_as_its_time(tmp_path: Path) -> None:
    path = write_export(tmp_path / "x.xlsx", "标题", ["编号", "日期", "时间"], [
        ["A1", dt.date(2015, 3, 20), dt.datetime(2015, 2, 1, 8, 30)],
        ["A2", dt.date(2015, 1, 5), dt.datetime(2015, 3, 20, 9, 15, 6)],
    ])
    props = openpyxl.load_workbook(path).properties
    assert props.created == props.modified == dt.datetime(2015, 3, 20, 9, 15, 6)
    with zipfile.ZipFile(path) as z:
        assert {info.date_time for info in z.infolist()} == {(2015, 3, 20, 9, 15, 6)}


def test_an_export_without_dates_carries_1980(tmp_path: Path) -> None:
    path = write_export(tmp_path / "x.xlsx", "标题", ["编号", "分值"], [["A1", 3]])
    with zipfile.ZipFile(path) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert openpyxl.load_workbook(path).properties.created == dt.datetime(1980, 1, 1)
