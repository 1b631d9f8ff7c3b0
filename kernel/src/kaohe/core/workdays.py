"""复查复核 deadlines (下城 2011 l.382): "可在网上公布后2个工作日内 … 提出复查申请".

Pure functions: the last day on which a unit may ask for a review of a published result, counted in
working days after the day of publication. Which days are working days is a :class:`WorkCalendar`:

- ``official`` (the default of ``[appeals] calendar``): the State Council's calendar as the
  ``chinesecalendar`` package records it — its public holidays (国庆, 春节 … with their 调休) are not
  working days, the weekend days made working days (2015-10-10, a Saturday) are; for a year the
  package does not know yet, Monday to Friday (``WorkCalendar.unknown_years`` says which);
- ``weekdays``: Monday to Friday.

On top of either, the bureau's own lists: ``holidays`` (not working days) and ``workdays`` (working
days), the bureau's ``workdays`` first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import attrs
import chinese_calendar

CALENDARS = ("official", "weekdays")
"""``[appeals] calendar``: the State Council's calendar (chinesecalendar), or Monday to Friday."""

_OFFICIAL_HOLIDAYS: frozenset[dt.date] = frozenset(chinese_calendar.holidays)
_OFFICIAL_WORKDAYS: frozenset[dt.date] = frozenset(chinese_calendar.workdays)
OFFICIAL_YEARS = range(min(d.year for d in _OFFICIAL_HOLIDAYS), max(d.year for d in _OFFICIAL_HOLIDAYS) + 1)
"""The years whose official calendar the installed ``chinesecalendar`` knows (2004-2026 in 1.11.0)."""


@attrs.frozen
class WorkCalendar:
    """Which days are working days: the official calendar or Monday to Friday, with the bureau's
    own ``holidays`` and ``workdays`` on top."""

    official: bool = True
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.official and day.year in OFFICIAL_YEARS:
            if day in _OFFICIAL_WORKDAYS:
                return True
            if day in _OFFICIAL_HOLIDAYS:
                return False
        return day.weekday() < 5

    def deadline(self, published: dt.date, working_days: int) -> dt.date:
        """The last day of the appeal window: the ``working_days``-th working day after ``published``
        (the day of publication itself does not count)."""
        if working_days < 1:
            raise ValueError("working_days must be at least 1")
        day, left = published, working_days
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def unknown_years(self, first: dt.date, last: dt.date) -> list[int]:
        """The years between ``first`` and ``last`` the official calendar is asked for and the
        installed ``chinesecalendar`` does not know (counted Monday to Friday, with the bureau's lists)."""
        if not self.official:
            return []
        return [y for y in range(first.year, last.year + 1) if y not in OFFICIAL_YEARS]


def is_working_day(day: dt.date, holidays: Collection[dt.date] = (), workdays: Collection[dt.date] = (), *, official: bool = False) -> bool:
    return WorkCalendar(official, frozenset(holidays), frozenset(workdays)).is_working_day(day)


def deadline(
    published: dt.date, working_days: int, holidays: Collection[dt.date] = (), workdays: Collection[dt.date] = (), *,
    official: bool = False,
) -> dt.date:
    """The last day of the appeal window: the ``working_days``-th working day after ``published``
    (the day of publication itself does not count); Monday to Friday unless ``official``."""
    return WorkCalendar(official, frozenset(holidays), frozenset(workdays)).deadline(published, working_days)


def deadline_text(published: dt.date, working_days: int, calendar: WorkCalendar | None = None) -> str:
    cal = calendar if calendar is not None else WorkCalendar(official=False)
    last = cal.deadline(published, working_days)
    week = "一二三四五六日"[last.weekday()]
    unknown = cal.unknown_years(published, last)
    note = (
        f";所装 chinesecalendar 尚未收录 {'、'.join(map(str, unknown))} 年的法定节假日安排,该年按周一至周五"
        "(另加本局 holidays/workdays)计算"
        if unknown else ""
    )
    return (
        f"{published.isoformat()} 公布,复查申请期限为公布后{working_days}个工作日内,"
        f"截止 {last.isoformat()}(星期{week}){note}"
    )
