"""Assessment periods (考核周期).

Seed 000 l.696 (第十六条): "月考数据的起止时间为上月21日至当月20日" — with the cut-off day 20, month
2015-04 runs 2015-03-21 … 2015-04-20; the year (and Q1, H1, month 1) starts on 12-21 of the year
before. A bureau with calendar months sets cutoff_day = "end".
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kaohe.core.errors import KaoheError
from kaohe.core.periods import KINDS, Calendar, Period
from kernel_helpers import day

CAL = Calendar(20)


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        # 上月21日至当月20日
        ("2015-04", "2015-03-21", "2015-04-20"),
        # month 1 starts in December of the year before
        ("2015-01", "2014-12-21", "2015-01-20"),
        ("2015-12", "2015-11-21", "2015-12-20"),
        # Q1 = 12-21 … 03-20
        ("2015-Q1", "2014-12-21", "2015-03-20"),
        ("2015-Q2", "2015-03-21", "2015-06-20"),
        ("2015-Q4", "2015-09-21", "2015-12-20"),
        ("2015-H1", "2014-12-21", "2015-06-20"),
        ("2015-H2", "2015-06-21", "2015-12-20"),
        # the year from 12-21 of the previous year to 12-20
        ("2015", "2014-12-21", "2015-12-20"),
    ],
)
def test_cutoff_20_ranges(label: str, start: str, end: str) -> None:
    p = Period.parse(label)
    assert CAL.start(p) == day(start)
    assert CAL.end(p) == day(end)
    assert CAL.range_text(p) == f"{start} 至 {end}"


def test_cutoff_20_days() -> None:
    # 2015-03-21..03-31 is 11 days, 04-01..04-20 is 20 days: 31
    assert CAL.days(Period.parse("2015-04")) == 31
    # 2015-02-21..02-28 is 8 days (2015 is not a leap year), 03-01..03-20 is 20 days: 28
    assert CAL.days(Period.parse("2015-03")) == 28
    # the year 2014-12-21..2015-12-20 is 365 days (no 29 February inside it)
    assert CAL.days(Period.parse("2015")) == 365
    # 2015-12-21..2016-12-20 holds 2016-02-29
    assert CAL.days(Period.parse("2016")) == 366


@pytest.mark.parametrize(
    ("date", "month", "quarter", "half", "year"),
    [
        ("2015-04-20", "2015-04", "2015-Q2", "2015-H1", "2015"),  # the cut-off day is the month's last day
        ("2015-04-21", "2015-05", "2015-Q2", "2015-H1", "2015"),  # the day after belongs to the next month
        ("2015-03-20", "2015-03", "2015-Q1", "2015-H1", "2015"),
        ("2015-03-21", "2015-04", "2015-Q2", "2015-H1", "2015"),
        ("2015-06-21", "2015-07", "2015-Q3", "2015-H2", "2015"),
        ("2014-12-21", "2015-01", "2015-Q1", "2015-H1", "2015"),  # 12-21 opens the next assessment year
        ("2014-12-20", "2014-12", "2014-Q4", "2014-H2", "2014"),
        ("2015-12-31", "2016-01", "2016-Q1", "2016-H1", "2016"),
    ],
)
def test_period_of_cutoff_20(date: str, month: str, quarter: str, half: str, year: str) -> None:
    d = day(date)
    assert CAL.period_of(d).label == month
    assert CAL.period_of(d, "month").label == month
    assert CAL.period_of(d, "quarter").label == quarter
    assert CAL.period_of(d, "half").label == half
    assert CAL.period_of(d, "year").label == year


def test_calendar_months() -> None:
    cal = Calendar("end")
    assert (cal.start(Period.parse("2015-04")), cal.end(Period.parse("2015-04"))) == (day("2015-04-01"), day("2015-04-30"))
    assert cal.end(Period.parse("2015-02")) == day("2015-02-28")
    assert cal.end(Period.parse("2016-02")) == day("2016-02-29")  # leap year
    assert (cal.start(Period.parse("2015")), cal.end(Period.parse("2015"))) == (day("2015-01-01"), day("2015-12-31"))
    assert (cal.start(Period.parse("2015-Q1")), cal.end(Period.parse("2015-Q1"))) == (day("2015-01-01"), day("2015-03-31"))
    assert cal.period_of(day("2015-12-31")).label == "2015-12"
    assert cal.period_of(day("2015-12-31"), "year").label == "2015"
    assert cal.period_of(day("2015-04-21")).label == "2015-04"
    assert cal.days(Period.parse("2015-04")) == 30


def test_other_cutoff_day() -> None:
    cal = Calendar(25)
    # month 3 with cut-off 25: 02-26 … 03-25
    assert (cal.start(Period.parse("2015-03")), cal.end(Period.parse("2015-03"))) == (day("2015-02-26"), day("2015-03-25"))
    assert cal.period_of(day("2015-03-26")).label == "2015-04"


@pytest.mark.parametrize("bad", [0, 28, 31, -1, "20", "month", 20.0, None, True])
def test_bad_cutoff_day(bad: object) -> None:
    with pytest.raises(KaoheError, match="cutoff_day"):
        Calendar(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("label", "kind", "index", "chinese"),
    [
        ("2015-04", "month", 4, "2015年4月"),
        ("2015-12", "month", 12, "2015年12月"),
        ("2015-Q2", "quarter", 2, "2015年第2季度"),
        ("2015-H1", "half", 1, "2015年上半年"),
        ("2015-H2", "half", 2, "2015年下半年"),
        ("2015", "year", 1, "2015年度"),
    ],
)
def test_labels_parse_and_print(label: str, kind: str, index: int, chinese: str) -> None:
    p = Period.parse(label)
    assert (p.year, p.kind, p.index) == (2015, kind, index)
    assert p.label == label
    assert str(p) == label
    assert p.chinese == chinese


@pytest.mark.parametrize("bad", ["2015-13", "2015-00", "2015年13月", "2015-Q5", "2015-Q0", "2015-H3", "15-04", "201504", "", "2015-M4"])
def test_bad_labels_refused(bad: str) -> None:
    with pytest.raises(KaoheError):
        Period.parse(bad)


def test_bad_index_refused() -> None:
    with pytest.raises(KaoheError):
        Period(2015, "quarter", 5)
    with pytest.raises(KaoheError):
        Period(2015, "month", 0)


@given(st.integers(2000, 2099), st.sampled_from(KINDS), st.integers(1, 12))  # the years a label may name (MIN_YEAR, MAX_YEAR)
@settings(max_examples=80)
def test_label_round_trip(year: int, kind: str, index: int) -> None:
    top = {"month": 12, "quarter": 4, "half": 2, "year": 1}[kind]
    p = Period(year, kind, (index - 1) % top + 1)
    assert Period.parse(p.label) == p


def test_previous_next_same_last_year() -> None:
    P = Period.parse
    assert P("2015-01").previous() == P("2014-12")
    assert P("2015-04").previous() == P("2015-03")
    assert P("2015-12").next() == P("2016-01")
    assert P("2015-Q1").previous() == P("2014-Q4")
    assert P("2015-Q4").next() == P("2016-Q1")
    assert P("2015-H1").previous() == P("2014-H2")
    assert P("2015").previous() == P("2014")
    assert P("2015-Q2").same_last_year() == P("2014-Q2")
    assert P("2015-04").same_last_year() == P("2014-04")
    assert P("2015-H2").same_last_year() == P("2014-H2")


def test_months_containing_contains_ends_with() -> None:
    P = Period.parse
    assert [m.label for m in P("2015-Q2").months()] == ["2015-04", "2015-05", "2015-06"]
    assert [m.label for m in P("2015-H2").months()] == [f"2015-{m:02d}" for m in range(7, 13)]
    assert len(P("2015").months()) == 12
    assert P("2015-05").containing("quarter") == P("2015-Q2")
    assert P("2015-07").containing("half") == P("2015-H2")
    assert P("2015-Q3").containing("year") == P("2015")
    with pytest.raises(KaoheError):
        P("2015-Q3").containing("month")
    assert P("2015-Q2").contains(P("2015-06"))
    assert not P("2015-Q2").contains(P("2015-07"))
    assert not P("2015-Q2").contains(P("2014-05"))
    assert P("2015-H1").contains(P("2015-Q2"))
    assert P("2015-Q2").ends_with(P("2015-06"))
    assert not P("2015-Q2").ends_with(P("2015-05"))
    assert P("2015").ends_with(P("2015-12"))


cutoffs = st.one_of(st.integers(1, 27), st.just("end"))
dates = st.dates(dt.date(1995, 1, 1), dt.date(2040, 12, 31))


@given(dates, cutoffs)
@settings(max_examples=200)
def test_every_date_in_exactly_one_period_of_each_kind(d: dt.date, cutoff: int | str) -> None:
    cal = Calendar(cutoff)
    month = cal.period_of(d, "month")
    for kind in KINDS:
        p = cal.period_of(d, kind)
        assert p.kind == kind
        assert cal.start(p) <= d <= cal.end(p)
        # exactly one: the neighbours of the same kind do not hold the date
        assert cal.end(p.previous()) < d < cal.start(p.next())
        # periods tile the time line: each starts the day after the previous one ends
        assert cal.end(p.previous()) + dt.timedelta(days=1) == cal.start(p)
        # the month is contained in its quarter, half-year and year
        assert p.contains(month)
        assert month.containing(kind) == p


@pytest.mark.parametrize(
    ("typed", "label"),
    [("2015-4", "2015-04"), ("2015/04", "2015-04"), ("2015.4", "2015-04"), ("2015年4月", "2015-04"), ("2015年04月份", "2015-04"),
     ("2015年第2季度", "2015-Q2"), ("2015年第二季度", "2015-Q2"), ("2015q2", "2015-Q2"), ("2015-h2", "2015-H2"),
     ("2015年上半年", "2015-H1"), ("2015年度", "2015")],
)
def test_the_forms_files_accept_are_accepted(typed: str, label: str) -> None:
    """A month as the departments' files write it (kaohe.contract.adapters: 2015-4, 2015年4月) is a period on the
    command line too; the Chinese names of the longer periods as kaohe prints them."""
    assert Period.parse(typed).label == label
