"""kaohe.month_of: the one reading of a month written in a cell, shared by the kernel's ``month``
column type and the plugins whose departments write months in a text column (zhian, zhihui110)."""

from __future__ import annotations

import datetime as dt

import pytest
from kaohe import month_of


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2015-04", (2015, 4)), ("2015/4", (2015, 4)), ("2015.04", (2015, 4)), (" 2015年4月 ", (2015, 4)),
     ("2015年4月份", (2015, 4)), (dt.date(2015, 4, 20), (2015, 4)), (dt.datetime(2015, 12, 1, 8, 0), (2015, 12)),
     ("2015-13", (2015, 13))],  # the number as written: the caller says 13 is no month
)
def test_months_as_written(cell, expected):
    assert month_of(cell) == expected


@pytest.mark.parametrize("cell", ["201504", "2015-04-20", "2015-04-01 00:00:00", "四月", "2015", "15-04", ""])
def test_not_a_month_unless_loose(cell):
    assert month_of(cell) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("201504", (2015, 4)), ("2015-04-20", (2015, 4)), ("2015-04-01 00:00:00", (2015, 4)), ("2015年4月", (2015, 4))],
)
def test_loose_takes_a_day_or_time_after_the_month(cell, expected):
    assert month_of(cell, loose=True) == expected


@pytest.mark.parametrize("cell", ["四月", "2015", "15-04", "20154"])
def test_loose_still_refuses_what_is_no_month(cell):
    assert month_of(cell, loose=True) is None
