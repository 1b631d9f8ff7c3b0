"""Demo export → read_export → score 2015-07 (2015-06-21 .. 2015-07-20) against the demo bureau with
this plugin only → the vetoed station and one other station checked by hand against the file's rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import kaohe_jiwei
import openpyxl
import pytest
from kaohe import Period
from kaohe.demo import DEMO_SEED, demo_bureau
from kaohe.testing import read_export
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.testing import MemorySource, score

JUL = (dt.date(2015, 6, 21), dt.date(2015, 7, 20))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    registry = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("jiwei", kaohe_jiwei)]))
    bureau, _ = demo_bureau(registry)
    files = kaohe_jiwei.kaohe_demo_data(bureau=bureau, directory=tmp_path_factory.mktemp("jiwei"), seed=DEMO_SEED)
    exports = [read_export(f, bureau, registry, today=dt.date(2016, 1, 31)) for f in files]
    records = [r for e in exports for r in e.records]
    return bureau, files, exports, score(bureau, Period.parse("2015-07"), MemorySource(records))


def rows_between(path, start, end):
    wb = openpyxl.load_workbook(path, read_only=True)
    out = [r for r in wb.active.iter_rows(min_row=3, values_only=True)
           if isinstance(r[2], dt.datetime) and start <= r[2].date() <= end]
    wb.close()
    return out


def duiwu(result, unit):
    [cat] = [c for c in result.unit(unit).categories if c.category == "duiwu"]
    return cat


def test_demo_files(demo):
    bureau, files, exports, _ = demo
    assert [e.adapter.id for e in exports] == ["jiwei.vetoes", "jiwei.deductions"]
    # exactly one veto, at a class B station, in 2015-07
    [v] = exports[0].records
    assert bureau.unit(v.unit).klass == "B" and JUL[0] <= v.date <= JUL[1]
    assert exports[0].rejected == []
    # a few dozen deductions, unevenly spread; three bad rows on purpose
    assert 30 <= len(exports[1].records) <= 60
    per_unit = {u.id: sum(1 for r in exports[1].records if r.unit == u.id) for u in bureau.units}
    assert max(per_unit.values()) >= 3 * max(1, min(per_unit.values()))
    # 城南派出所 (not a station), 人次 “两”, 2015-09-31 (no such day)
    assert [(r.row, r.column) for r in exports[1].rejected] == [(8, "单位"), (20, "人次"), (32, "日期")]


def test_vetoed_station_is_zero_with_its_subtotal(demo):
    _, files, _, result = demo
    # 纪委_一票否决情形登记: JWFJ2015001 儒林派出所 2015-07-09 (一)违反五条禁令、三条铁规
    assert [r[:4] for r in rows_between(files[0], *JUL)] == [
        ("JWFJ2015001", "儒林派出所", dt.datetime(2015, 7, 9), "(一)违反五条禁令、三条铁规")
    ]
    rulin = result.unit("rulin")
    assert rulin.total == 0 and "一票否决" in rulin.flags
    assert [v for v in rulin.veto] == ["7月9日 (一)违反五条禁令、三条铁规:民警酒后驾驶机动车,违反“五条禁令”(一票否决)"]
    # no deduction of 儒林 in July: 队伍建设 raw 100, the other categories their base: the subtotal is kept
    assert duiwu(result, "rulin").raw == Decimal(100)
    assert rulin.subtotal > 0 and rulin.subtotal == sum(c.score for c in rulin.categories)


def test_zhixi_duiwu_in_july(demo):
    _, files, _, result = demo
    # 纪委_队伍建设扣分登记 rows dated 2015-06-21 .. 2015-07-20:
    assert [r[:6] for r in rows_between(files[1], *JUL)] == [
        ("JW2015017", "茅麓派出所", dt.datetime(2015, 6, 23), "市局通报批评", 2, "否"),
        ("JW2015018", "城西派出所", dt.datetime(2015, 7, 1), "督办件办理情况查实", None, "否"),
        ("JW2015019", "直溪派出所", dt.datetime(2015, 7, 4), "违反内务条令等被检查督查发现", 2, "否"),
        ("JW2015020", "建昌派出所", dt.datetime(2015, 7, 12), "未及时报告民警重大事项", None, "否"),
    ]
    # 直溪 (B): 违反内务条令 2人次 × −10 = −20 → 队伍建设 raw 100 − 20 = 80
    zhixi = duiwu(result, "zhixi")
    assert {i.item: i.points for i in zhixi.items if i.points} == {"jiwei.discipline_found": Decimal(-20)}
    assert zhixi.raw == Decimal(80)
    # 茅麓 (C): 市局通报批评 2人次 × −5 = −10 → 90
    assert duiwu(result, "maolu").raw == Decimal(90)
    assert result.unit("zhixi").total > 0 and not result.unit("zhixi").veto
