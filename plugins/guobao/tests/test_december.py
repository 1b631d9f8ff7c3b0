"""国保大队's clauses of the December extra test (seed 000 l.672-678), scored over the year 2015 on a
small bureau with a year-scope 年度加考 category; expected values worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import kaohe_guobao
import pytest
from kaohe import Period, Record, hookimpl
from kaohe.demo import demo_bureau
from kaohe.testing import read_export
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.testing import MemorySource, score
from kaohe_guobao.adapters import control_records, finding_records
from kaohe_guobao.items import CONTROL, CULT_CASE, FINDING, INFO_LATE, ITEMS, LEDGER_217

CONFIG = {
    "bureau": {"name": "测试局", "cutoff_day": 20},
    "scheme": {"base_period": "month", "year_method": "scaled", "year_scale": 60},
    "series": [{"id": "A"}],
    "categories": [
        {"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100},
        {"id": "jiakao", "name": "年度加考", "weight": 20, "base": 100, "scope": "year"},
    ],
    "units": [
        {"id": "a1", "name": "甲派出所", "series": "A", "class": "A", "headcount": 10},
        {"id": "b1", "name": "乙派出所", "series": "A", "class": "A", "headcount": 10},
    ],
    "items": {"enable": ["*"]},
}

DAY = dt.date(2015, 6, 1)


class WithItems:
    """The plugin with its December items registered (its own hook does not register them yet)."""

    kaohe_adapters = staticmethod(kaohe_guobao.kaohe_adapters)

    @staticmethod
    @hookimpl
    def kaohe_items(register):
        kaohe_guobao.register_items(register)


def finding(n: int, unit: str, matter: str, count: int = 1, day: dt.date = DAY) -> Record:
    return Record(f"{FINDING}:{n}", FINDING, unit, day, attrs={"matter": matter, "count": count}, note=matter)


def control(pid: str, unit: str, visits: int) -> Record:
    return Record(f"{CONTROL}:{pid}:2015", CONTROL, unit, dt.date(2015, 12, 20),
                  attrs={"visits": visits, "key_person": "否"}, note=f"管控对象{pid}")


RECORDS = [
    finding(1, "a1", INFO_LATE), finding(2, "a1", INFO_LATE, 2),
    finding(3, "a1", CULT_CASE),
    finding(4, "a1", LEDGER_217, 3),
    # 2014-12-10 lies in the assessment year 2014 (2013-12-21 .. 2014-12-20): not counted in 2015
    finding(5, "a1", INFO_LATE, day=dt.date(2014, 12, 10)),
    control("P1", "a1", 0), control("P2", "a1", 1), control("P3", "a1", 2), control("P4", "a1", 5),
    control("Q1", "b1", 3),
]


@pytest.fixture(scope="module")
def registry():
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("guobao", WithItems)]))
    assert not reg.errors, reg.errors
    return reg


@pytest.fixture(scope="module")
def result(registry):
    return score(parse_bureau(CONFIG, registry), Period.parse("2015"), MemorySource(RECORDS))


def item_of(result, unit: str, item: str):
    cat = next(c for c in result.unit(unit).categories if c.category == "jiakao")
    return next((i for i in cat.items if i.item == f"guobao.{item}"), None)


@pytest.mark.parametrize(("item", "a1", "b1"), [
    # (十二) l.672: 1 + 2 起 in 2015 × −10 = −30 (the 2014 finding is another year)
    ("dec_info_late", "-30", "0"),
    # (十三) l.674: 1 case × +10
    ("dec_cult_case", "10", "0"),
    # (十四) l.676: 3 项 × −5 = −15
    ("dec_ledger_217", "-15", "0"),
    # (十五) l.678: visits 0, 1, 2, 5 against 2 → short 2 + 1 = 3 × −2 = −6; 乙's one person visited 3 times → 0
    ("dec_control_visits", "-6", "0"),
])
def test_item_points(result, item, a1, b1):
    for unit, want in (("a1", a1), ("b1", b1)):
        got = item_of(result, unit, item)
        assert (got.points if got else Decimal(0)) == Decimal(want), (item, unit)


def test_category_and_normalisation(result):
    # 甲 raw 100 − 30 + 10 − 15 − 6 = 59, 乙 100 (top): 甲 59 ÷ 100 × 20 = 11.8
    a = next(c for c in result.unit("a1").categories if c.category == "jiakao")
    assert a.raw == 59 and a.score == Decimal("11.80")


def test_visit_lines_name_the_person(result):
    lines = item_of(result, "a1", "dec_control_visits").lines
    assert [ln.reason for ln in lines] == ["管控对象P1:考察0次,少2次", "管控对象P2:考察1次,少1次"]


def test_items_are_yearly_in_jiakao_with_seed_text():
    assert len(ITEMS) == 4
    for item in ITEMS:
        assert item.category == "jiakao" and item.cadence == "yearly" and item.reference.startswith("seed 000 l.67")
        assert item.text.startswith("(十")


def test_visits_minimum_is_a_parameter(registry):
    bureau = parse_bureau({**CONFIG, "items": {"enable": ["*"], "guobao.dec_control_visits": {"params": {"min_visits": 3}}}},
                          registry)
    res = score(bureau, Period.parse("2015"), MemorySource(RECORDS))
    # min 3: 甲 3 + 2 + 1 + 0 = 6 short × −2 = −12; 乙 3 → 0
    assert item_of(res, "a1", "dec_control_visits").points == -12


def test_rows_to_records():
    (f,) = finding_records({"id": "G1", "unit": "金城", "date": DAY, "matter": LEDGER_217, "count": None, "remark": "底数不清"})
    assert f.key == "guobao.finding:G1" and f.attrs == {"matter": LEDGER_217, "count": 1} and "底数不清" in f.note
    (c,) = control_records({"year": 2015, "id": "X-01", "unit": "金城", "visits": 1, "key_person": True})
    assert c.key == "guobao.control:X-01:2015" and c.date == Period(2015, "year", 1) and c.attrs["key_person"] == "是"


def test_demo_files_read_back(tmp_path, registry):
    bureau, _ = demo_bureau(registry)
    files = kaohe_guobao.kaohe_demo_data(bureau=bureau, directory=tmp_path, seed=2015)
    exports = [read_export(f, bureau, registry, today=dt.date(2016, 1, 31)) for f in files]
    assert [e.adapter.id for e in exports] == ["guobao.findings", "guobao.control"]
    assert not any(e.rejected for e in exports)
    res = score(bureau, Period.parse("2015"), MemorySource([r for e in exports for r in e.records]))
    scores = {c.score for u in res.units for c in u.categories if c.category == "jiakao"}
    assert len(scores) > 1  # the stations differ
