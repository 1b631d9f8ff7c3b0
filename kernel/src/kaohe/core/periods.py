"""Assessment periods (考核周期): month, quarter, half-year and year, with the bureau's cut-off day.

By default a month runs from the 21st of the previous month to the 20th (seed 000 l.56,
l.696: "上月21日至当月20日"); the year from 12-21 of the previous year to 12-20, Q1 = 12-21 … 03-20.
A bureau that uses calendar months sets ``cutoff_day = "end"``.

A :class:`Period` is a pure label (``2015-04``, ``2015-Q2``, ``2015-H1``, ``2015``); the
:class:`Calendar` maps it to dates.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Callable

import attrs

from .errors import KaoheError

KINDS = ("month", "quarter", "half", "year")
MONTHS_PER = {"month": 1, "quarter": 3, "half": 6, "year": 12}
KIND_NAMES = {"month": "月", "quarter": "季度", "half": "半年", "year": "年度"}

MIN_YEAR, MAX_YEAR = 2000, 2099
"""The years a period label may name (``Period.parse``): a label outside them is a typing mistake
(``0001``, ``1900-01``, ``9999-12``), not a period anyone assesses; scoring it would give every unit
full marks from no data. ``kaohe publish`` further refuses a period that has not begun."""

_LABEL = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")


_FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [  # the forms a person types, as the departments' files write them (kaohe.contract.adapters)
    (re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(?:份)?$"), lambda m: f"{m.group(1)}-{int(m.group(2)):02d}"),
    (re.compile(r"^(\d{4})\s*年?\s*第?\s*([1-4一二三四])\s*季度$"), lambda m: f"{m.group(1)}-Q{_digit(m.group(2))}"),
    (re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$"), lambda m: f"{m.group(1)}-Q{m.group(2)}"),
    (re.compile(r"^(\d{4})\s*-?\s*[Hh]([12])$"), lambda m: f"{m.group(1)}-H{m.group(2)}"),
    (re.compile(r"^(\d{4})\s*年?\s*([上下])半年$"), lambda m: f"{m.group(1)}-H{1 if m.group(2) == '上' else 2}"),
    (re.compile(r"^(\d{4})\s*年度?$"), lambda m: m.group(1)),
]


def _digit(text: str) -> int:
    return int(text) if text.isdigit() else "一二三四".index(text) + 1


def canonical(label: str) -> str:
    """A period as typed (``2015-4``, ``2015/04``, ``2015年4月``, ``2015年第2季度``, ``2015q2``,
    ``2015年上半年``, ``2015年度``) as its label (``2015-04``, ``2015-Q2``, ``2015-H1``, ``2015``);
    anything else unchanged."""
    text = label.strip()
    if _LABEL.match(text):
        return text
    for pattern, make in _FORMS:
        m = pattern.match(text)
        if m:
            return make(m)
    return text


@attrs.frozen(order=True)
class Period:
    """One period of a kind, by label. ``index`` is 1-based within the year (month 1-12, Q1-4, H1-2)."""

    year: int
    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    index: int = 1

    def __attrs_post_init__(self) -> None:
        top = 12 // MONTHS_PER[self.kind]
        if not 1 <= self.index <= top:
            raise KaoheError(f"{self.kind} index must be 1..{top}, got {self.index}")

    @classmethod
    def parse(cls, label: str) -> Period:
        m = _LABEL.match(canonical(label))
        if not m:
            raise KaoheError(
                f"无法识别的考核周期 '{label}':应为 2015-04 或 2015年4月(月)、2015-Q2(季度)、2015-H1(半年)或 2015(年度)"
            )
        year = int(m.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise KaoheError(f"考核周期 '{label.strip()}' 的年份 {year} 不在 {MIN_YEAR}-{MAX_YEAR} 年之间:是否写错了?")
        if m.group(2):
            month = int(m.group(2))
            if not 1 <= month <= 12:
                raise KaoheError(f"无法识别的考核周期 '{label}':月份应为 01-12")
            return cls(year, "month", month)
        if m.group(3):
            return cls(year, "quarter", int(m.group(3)))
        if m.group(4):
            return cls(year, "half", int(m.group(4)))
        return cls(year, "year", 1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.kind == "half":
            return f"{self.year}-H{self.index}"
        return f"{self.year}"

    @property
    def chinese(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.index}季度"
        if self.kind == "half":
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        return f"{self.year}年度"

    def __str__(self) -> str:
        return self.label

    @property
    def first_month(self) -> int:
        return (self.index - 1) * MONTHS_PER[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.index * MONTHS_PER[self.kind]

    def months(self) -> list[Period]:
        """The months of this period, in order."""
        return [Period(self.year, "month", m) for m in range(self.first_month, self.last_month + 1)]

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        top = 12 // MONTHS_PER[self.kind]
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, top)

    def next(self) -> Period:
        top = 12 // MONTHS_PER[self.kind]
        if self.index < top:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)

    def same_last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.index)

    def containing(self, kind: str) -> Period:
        """The period of ``kind`` that contains this one (kind must be at least as long)."""
        if MONTHS_PER[kind] < MONTHS_PER[self.kind]:
            raise KaoheError(f"a {self.kind} is not contained in a {kind}")
        return Period(self.year, kind, (self.first_month - 1) // MONTHS_PER[kind] + 1)

    def contains(self, other: Period) -> bool:
        return (
            self.year == other.year
            and self.first_month <= other.first_month
            and other.last_month <= self.last_month
        )

    def ends_with(self, month: Period) -> bool:
        return self.year == month.year and self.last_month == month.last_month


@attrs.frozen
class Calendar:
    """Maps periods to dates for a bureau.

    ``cutoff_day`` is the last day of the assessment month (1-27), or ``"end"`` for calendar
    months. With a cut-off day *d*, month *m* of year *y* runs from day *d+1* of the month before
    (December of *y-1* for month 1) to day *d* of month *m*.
    """

    cutoff_day: int | str = 20

    def __attrs_post_init__(self) -> None:
        c = self.cutoff_day
        if c != "end" and not (isinstance(c, int) and not isinstance(c, bool) and 1 <= c <= 27):
            raise KaoheError(f"cutoff_day 应为 1-27 的整数或 \"end\"(自然月),得到 {c!r}")

    def _month_end(self, year: int, month: int) -> dt.date:
        if self.cutoff_day == "end":
            return dt.date(year, month, _calendar.monthrange(year, month)[1])
        return dt.date(year, month, int(self.cutoff_day))

    def _month_start(self, year: int, month: int) -> dt.date:
        if self.cutoff_day == "end":
            return dt.date(year, month, 1)
        prev_y, prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
        return dt.date(prev_y, prev_m, int(self.cutoff_day) + 1)

    def start(self, period: Period) -> dt.date:
        return self._month_start(period.year, period.first_month)

    def end(self, period: Period) -> dt.date:
        """Last day of the period (inclusive)."""
        return self._month_end(period.year, period.last_month)

    def days(self, period: Period) -> int:
        return (self.end(period) - self.start(period)).days + 1

    def period_of(self, day: dt.date, kind: str = "month") -> Period:
        """The one period of ``kind`` that contains ``day``."""
        if self.cutoff_day == "end" or day.day <= int(self.cutoff_day):
            year, month = day.year, day.month
        elif day.month == 12:
            year, month = day.year + 1, 1
        else:
            year, month = day.year, day.month + 1
        return Period(year, "month", month).containing(kind)

    def range_text(self, period: Period) -> str:
        return f"{self.start(period).isoformat()} 至 {self.end(period).isoformat()}"
