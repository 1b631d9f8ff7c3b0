"""复查复核 deadlines (下城 2011 l.382): "可在网上公布后2个工作日内 … 提出复查申请".

Pure functions: the last day on which a unit may ask for a review of a published result, counted in
working days after the day of publication (Saturdays, Sundays and the bureau's listed holidays are
not working days; the bureau's listed working weekend days — 调休 — are)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection


def is_working_day(day: dt.date, holidays: Collection[dt.date] = (), workdays: Collection[dt.date] = ()) -> bool:
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def deadline(published: dt.date, working_days: int, holidays: Collection[dt.date] = (), workdays: Collection[dt.date] = ()) -> dt.date:
    """The last day of the appeal window: the ``working_days``-th working day after ``published``
    (the day of publication itself does not count)."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    day, left = published, working_days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            left -= 1
    return day


def deadline_text(published: dt.date, working_days: int, holidays: Collection[dt.date] = (), workdays: Collection[dt.date] = ()) -> str:
    last = deadline(published, working_days, holidays, workdays)
    week = "一二三四五六日"[last.weekday()]
    return (
        f"{published.isoformat()} 公布,复查申请期限为公布后{working_days}个工作日内,"
        f"截止 {last.isoformat()}(星期{week})"
    )
