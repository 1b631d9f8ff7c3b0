"""The adapters: good rows become the records the items read; bad cells and rows are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from kaohe import CellError
from kaohe.testing import read_export
from kaohe_zhian import adapters as A


def column(adapter_columns, key):
    return next(c for c in adapter_columns if c.key == key)


def test_event_row():
    (d,) = A.event_records({"id": "ZA-1", "unit": "金城", "date": dt.date(2015, 4, 2), "category": "辅警违法违纪",
                            "count": 2, "solved": None, "self_reported": True, "remark": "酒驾"})
    assert d.key == "zhian.event:ZA-1" and d.kind == "zhian.event" and d.unit == "金城"
    assert d.attrs == {"category": "辅警违法违纪", "count": 2, "solved": "否", "self_reported": "是"}
    assert d.note == "辅警违法违纪 酒驾"


def test_event_row_without_count_counts_one():
    (d,) = A.event_records({"id": "ZA-2", "unit": "金城", "date": dt.date(2015, 4, 2), "category": "调解民间纠纷"})
    assert d.attrs["count"] == 1


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("category", "乱七八糟"),  # not one of the 事项类别
        ("count", "0"),  # at least 1
        ("count", "两次"),
        ("date", "2015-02-30"),
        ("solved", "可能"),
        ("unit", None),  # required
    ],
)
def test_event_bad_cells(key, raw):
    with pytest.raises(CellError):
        column(A.EVENT_COLUMNS, key).convert(raw)


def test_monthly_row():
    row = {"unit": "华城", "month": "2015年4月", "transmission_rate": Decimal("98.5"), "guest_records": 1200,
           "gun_cabinet_rate": None, "informant_rate": None, "minor_error_rate": None, "burglary_cases": 0,
           "room_score": None}
    (d,) = A.monthly_records(row)
    assert d.key == "zhian.monthly:{unit}:2015-04"  # {unit}: the kernel puts the resolved unit id
    assert d.date == dt.date(2015, 4, 1)  # day 1 is in assessment month 2015-04 (2015-03-21 .. 04-20)
    assert d.attrs == {"transmission_rate": Decimal("98.5"), "guest_records": 1200, "burglary_cases": 0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2015-04", (2015, 4)), ("2015/4", (2015, 4)), ("2015.04", (2015, 4)), ("2015年4月", (2015, 4)),
     ("201504", (2015, 4)), ("2015-04-01 00:00:00", (2015, 4)), (dt.date(2015, 4, 1), (2015, 4))],
)
def test_month_spellings(text, expected):
    assert A.parse_month(text) == expected


@pytest.mark.parametrize("text", ["2015-13", "四月", "2015", "15-04"])
def test_bad_month(text):
    with pytest.raises(ValueError):
        A.parse_month(text)


def test_monthly_row_without_figures_is_refused():
    with pytest.raises(ValueError):
        A.monthly_records({"unit": "华城", "month": "2015-04"})


@pytest.mark.parametrize(("key", "raw"), [("transmission_rate", "九十五"), ("transmission_rate", "101"),
                                          ("guest_records", "-3"), ("guest_records", "12.5")])
def test_monthly_bad_cells(key, raw):
    with pytest.raises(CellError):
        column(A.MONTHLY_COLUMNS, key).convert(raw)


def test_percent_cells():
    col = column(A.MONTHLY_COLUMNS, "transmission_rate")
    assert col.convert("98.5%") == Decimal("98.5")
    # a cell formatted as a percentage reaches the column already as shown (the kernel's reader
    # multiplies it by 100); a bare 98.5 typed in a plain cell is 98.5
    assert col.convert(98.5) == Decimal("98.5")


def test_hotel_row():
    (d,) = A.hotel_records({"id": "LG-1", "unit": "城东", "date": dt.date(2015, 5, 1), "type": "网上逃犯",
                            "hotel": "城东宾馆", "remark": None})
    assert (d.key, d.kind, d.attrs) == ("zhian.hotel_fugitive:LG-1", "zhian.hotel_fugitive", {"type": "网上逃犯"})
    with pytest.raises(CellError):
        column(A.HOTEL_COLUMNS, "type").convert("小偷")


def test_criminal_case_row():
    (d,) = A.criminal_records({"id": "A1", "unit": "城西", "date": dt.date(2015, 4, 3), "nature": "年内在帐",
                               "eight_kinds": True, "local": None, "car_theft": False, "motorbike": None,
                               "cars_recovered": None, "remark": None})
    assert d.attrs == {"nature": "年内在帐", "eight_kinds": "是", "local": "否", "car_theft": "否", "motorbike": "否",
                       "cars_recovered": 0}
    with pytest.raises(CellError):
        column(A.CRIMINAL_COLUMNS, "nature").convert("积案")


def test_ps_case_rows():
    (d,) = A.ps_case_records({"id": "P1", "unit": "薛埠", "date": dt.date(2015, 4, 3), "type": "经文保案件",
                              "ruling": "罚款以上处罚", "dangerous": None, "cross_region": None})
    assert (d.kind, d.key) == ("zhian.econ_case", "zhian.econ_case:P1")
    (d,) = A.ps_case_records({"id": "P2", "unit": "薛埠", "date": dt.date(2015, 4, 3), "type": "治安案件",
                              "ruling": None, "dangerous": True})
    assert d.kind == "zhian.ps_case" and d.attrs["dangerous"] == "是" and d.attrs["ruling"] == ""


@pytest.mark.parametrize(("type_", "ruling"), [("治安案件", "罚款以上处罚"), ("经文保案件", "查处场所")])
def test_ps_case_ruling_must_fit_the_case_type(type_, ruling):
    with pytest.raises(ValueError):
        A.ps_case_records({"id": "P3", "unit": "薛埠", "date": dt.date(2015, 4, 3), "type": type_, "ruling": ruling})


def test_vice_person_row():
    (d,) = A.vice_records({"id": "R1", "unit": "儒林", "date": dt.date(2015, 4, 3), "offence": "吸毒",
                           "detained": True, "special_trade": None})
    assert d.attrs == {"offence": "吸毒", "detained": "是", "special_trade": "否"}
    with pytest.raises(CellError):
        column(A.VICE_COLUMNS, "offence").convert("盗窃")


def test_csv_through_the_intake(tmp_path, kaohe_bureau, kaohe_registry):
    """A staff CSV (title row, aliased headers) read by the kernel: good rows kept, bad rows reported."""
    path = tmp_path / "事项.csv"
    path.write_text(
        "治安大队考核事项登记表,,,,\n"
        "登记编号,派出所,发现日期,事项类别,人次\n"
        "Z1,金城所,2015-04-02,场所未按规定检查,2\n"
        "Z2,开发区所,2015-04-02,场所未按规定检查,1\n"
        "Z3,华城,2015-04-31,调解民间纠纷,1\n"
        "Z4,华城,2015-04-03,喝茶,1\n"
        "Z5,华城,2015-04-03,调解民间纠纷,\n",
        encoding="utf-8",
    )
    export = read_export(path, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "zhian.events"
    assert [(r.unit, r.attrs["count"]) for r in export.records] == [("jincheng", 2), ("huacheng", 1)]
    assert [(r.row, r.column) for r in export.rejected] == [(4, "单位"), (5, "日期"), (6, "事项类别")]  # named by the canonical header


def test_monthly_key_is_the_resolved_unit(tmp_path, kaohe_bureau, kaohe_registry):
    """金城 and 金城派出所 are one station: their rows of one month are one record, not two."""
    path = tmp_path / "月报.csv"
    path.write_text(
        "单位,月份,旅客登记传输率\n"
        "金城派出所,2015-04,99\n"
        "金城,2015年4月,98\n"
        "华城,2015-04,97\n",
        encoding="utf-8",
    )
    export = read_export(path, kaohe_bureau, kaohe_registry)
    assert [r.key for r in export.records] == ["zhian.monthly:jincheng:2015-04", "zhian.monthly:huacheng:2015-04"]
    assert [(r.row, "同一条记录" in r.message) for r in export.rejected] == [(3, True)]
