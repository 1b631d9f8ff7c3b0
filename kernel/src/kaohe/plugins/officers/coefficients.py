"""民警考核系数 (二级考核, seed 000 l.62-70, l.84-86): each officer's coefficient per quarter, and who
takes no part in a quarter's or a year's assessment, with the reason in Chinese.

The officers, their units and dates, their roles (岗位能手, 师傅级 …, with dates) and their leave
are data the units fill in (three CSV or XLSX files named in ``[officers]``); the coefficients of
the roles, the exceptions and the thresholds are the bureau's configuration (``settings``).
Everything here is a pure function of those; ``files`` reads the units' files. See docs/configuration.md ([officers]) and
docs/readings.md (民警考核系数).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from ...core.decimals import ZERO, fmt, quantize
from ...core.errors import KaoheError
from ...core.periods import Calendar, Period
from .settings import OfficerSettings, RoleRule

ASSESSED = "参加考核"
NO_BUSINESS = "不参加业务工作考核"
OUT_QUARTER = "本季度不参加考核"
OUT_YEAR = "全年不参加考核"
OUT_POSTED = "不参加考核"

# --- data ------------------------------------------------------------------------------------------


@attrs.frozen
class Officer:
    """One officer's stint in one unit (a transferred officer has one row per unit)."""

    id: str
    """警号."""
    name: str
    unit: str
    """The unit's id."""
    joined: dt.date
    """入警日期: the start of police work (见习期, 工作不满1年)."""
    arrived: dt.date | None = None
    """调入日期: the day the officer came to this unit by transfer (None: since joining)."""
    left: dt.date | None = None
    """调出日期: the last day in this unit (None: still there)."""

    @property
    def start(self) -> dt.date:
        return self.arrived or self.joined


@attrs.frozen
class Role:
    officer: str
    role: str
    start: dt.date | None = None
    end: dt.date | None = None

    def held_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@attrs.frozen
class Leave:
    officer: str
    kind: str
    start: dt.date
    end: dt.date


@attrs.frozen
class OfficerData:
    officers: tuple[Officer, ...]
    roles: tuple[Role, ...] = ()
    leave: tuple[Leave, ...] = ()


@attrs.frozen
class OfficerQuarter:
    """One officer in one quarter: the coefficient (None when not assessed) and why."""

    officer: str
    name: str
    unit: str
    period: str
    status: str
    coefficient: Decimal | None
    reason: str
    leave_days: int = 0
    """Days of counted leave (病假、事假) in the quarter."""
    year_leave_days: int = 0
    """Days of counted leave in the assessment year up to the quarter's end (the whole year in a year view)."""
    roles: tuple[str, ...] = ()


# --- the computation (pure) --------------------------------------------------------------------------


def _months_between(start: dt.date, day: dt.date) -> int:
    """Whole months from ``start`` to ``day`` (2010-01-15 → 2011-01-14 is 11, → 2011-01-15 is 12)."""
    months = (day.year - start.year) * 12 + day.month - start.month
    if day.day < start.day:
        months -= 1
    return months


def leave_days(leave: Iterable[Leave], officer: str, kinds: Sequence[str], start: dt.date, end: dt.date) -> int:
    """Days of leave of ``kinds`` between ``start`` and ``end`` inclusive; a day counts once even if
    two entries cover it."""
    days: set[dt.date] = set()
    for lv in leave:
        if lv.officer != officer or lv.kind not in kinds:
            continue
        a, b = max(lv.start, start), min(lv.end, end)
        while a <= b:
            days.add(a)
            a += dt.timedelta(days=1)
    return len(days)


def _over(days: int, limit: int, inclusive: bool) -> bool:
    return days >= limit if inclusive else days > limit


def _beyond(limit: int, inclusive: bool) -> str:
    return f"在{limit}天以上(含{limit}天)" if inclusive else f"超过{limit}天"


def _stint(officers: Sequence[Officer], officer_id: str, start: dt.date, end: dt.date) -> Officer | None:
    """The officer's stint that holds the quarter: the latest one that overlaps it."""
    hits = [
        o for o in officers
        if o.id == officer_id and o.start <= end and (o.left is None or o.left >= start)
    ]
    return max(hits, key=lambda o: o.start) if hits else None


def coefficient(settings: OfficerSettings, held: Sequence[str]) -> tuple[Decimal, str]:
    """The coefficient of an officer holding the roles ``held`` (l.64-66): the highest of the roles
    that apply, a role not applying when the officer also holds one of its exceptions; the
    default when none applies."""
    rules = [settings.roles[r] for r in held if r in settings.roles]
    if settings.new_officer and settings.new_officer.name in held:
        rules.append(settings.new_officer)
    applying: list[RoleRule] = []
    excepted: list[str] = []
    for rule in rules:
        why = [u for u in rule.unless if u in held]
        if why:
            excepted.append(f"{rule.name}({'、'.join(why)},除外)")
        else:
            applying.append(rule)
    if not applying:
        text = f"一般民警 {fmt(settings.default)}"
        return settings.default, (f"{'、'.join(excepted)},按" + text) if excepted else text
    best = max(applying, key=lambda r: r.coefficient)
    if len(applying) == 1:
        text = f"{best.name} {fmt(best.coefficient)}"
    else:
        listed = "、".join(f"{r.name} {fmt(r.coefficient)}" for r in applying)
        text = f"{listed},多项适用取最高:{best.name} {fmt(best.coefficient)}"
    if excepted:
        text = "、".join(excepted) + ";" + text
    return best.coefficient, text


def quarter(settings: OfficerSettings, data: OfficerData, calendar: Calendar, period: Period) -> list[OfficerQuarter]:
    """Every officer of every unit in the quarter ``period``: coefficient, status and reason."""
    if period.kind != "quarter":
        raise KaoheError(f"民警考核系数按季度计算:{period.label} 不是季度(如 2010-Q2)")
    start, end = calendar.start(period), calendar.end(period)
    year = period.containing("year")
    year_start = calendar.start(year)
    on = end if settings.status_on == "end" else start
    out = []
    stints: dict[str, list[Officer]] = {}
    for stint in data.officers:
        stints.setdefault(stint.id, []).append(stint)
    roles: dict[str, list[Role]] = {}
    for role in data.roles:
        roles.setdefault(role.officer, []).append(role)
    leave: dict[str, list[Leave]] = {}
    for lv in data.leave:
        leave.setdefault(lv.officer, []).append(lv)
    for oid, own in stints.items():  # each officer's rows alone: a province's roster is read in one pass
        o = _stint(own, oid, start, end)
        if o is None:
            continue
        held = [r.role for r in roles.get(oid, ()) if r.held_on(on)]
        if settings.new_officer is not None and (o.joined > on or _months_between(o.joined, on) < settings.probation_months):
            held.append(settings.new_officer.name)  # 工作不满1年的见习期新民警
        held = list(dict.fromkeys(held))
        mine = leave.get(oid, ())
        q_days = leave_days(mine, oid, settings.leave_types, start, end) if mine else 0
        y_days = leave_days(mine, oid, settings.leave_types, year_start, end) if mine else 0
        k, why = coefficient(settings, held)
        coef: Decimal | None = k
        posted = [r for r in held if r in settings.posted_roles]
        kinds = "、".join(settings.leave_types)
        if posted:
            status, coef = OUT_POSTED, None
            reason = f"{posted[0]},不参加考核"
        elif _over(y_days, settings.year_leave_days, settings.inclusive):
            status, coef = OUT_YEAR, None
            reason = f"本年度累计{kinds}{y_days}天,{_beyond(settings.year_leave_days, settings.inclusive)},全年不参加考核"
        elif _over(q_days, settings.quarter_leave_days, settings.inclusive):
            status, coef = OUT_QUARTER, None
            reason = f"本季度累计{kinds}{q_days}天,{_beyond(settings.quarter_leave_days, settings.inclusive)},当季不参加考核"
        elif start <= o.start <= end:
            status = NO_BUSINESS
            came = f"{o.start.isoformat()}调入本单位,调动的考核季度" if o.arrived else f"{o.start.isoformat()}入警,到岗第一个季度"
            reason = f"{came}不参加业务工作考核(队伍建设照常考核);考核系数:{why}"
        else:
            status = ASSESSED
            reason = why
        if q_days and status in (ASSESSED, NO_BUSINESS):
            reason += f";本季度{kinds}{q_days}天"
        out.append(OfficerQuarter(oid, o.name, o.unit, period.label, status, coef, reason, q_days, y_days, tuple(held)))
    return sorted(out, key=lambda r: (r.unit, r.officer))


def year(settings: OfficerSettings, data: OfficerData, calendar: Calendar, period: Period) -> list[OfficerQuarter]:
    """The four quarters of the year ``period``; an officer whose counted leave over the whole year
    reaches ``year_leave_days`` takes part in none of them (全年病(事)假累计在6个月以上的,全年不参加考核)."""
    if period.kind != "year":
        raise KaoheError(f"{period.label} 不是年度(如 2010)")
    first, last = calendar.start(period), calendar.end(period)
    kinds = "、".join(settings.leave_types)
    out = []
    for q in range(1, 5):
        for row in quarter(settings, data, calendar, Period(period.year, "quarter", q)):
            days = leave_days(data.leave, row.officer, settings.leave_types, first, last)
            row = attrs.evolve(row, year_leave_days=days)
            if row.status != OUT_POSTED and _over(days, settings.year_leave_days, settings.inclusive):
                row = attrs.evolve(
                    row, status=OUT_YEAR, coefficient=None,
                    reason=f"本年度累计{kinds}{days}天,{_beyond(settings.year_leave_days, settings.inclusive)},全年不参加考核",
                )
            out.append(row)
    return sorted(out, key=lambda r: (r.unit, r.officer, r.period))


def unit_means(rows: Sequence[OfficerQuarter]) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(unit, period) → (mean coefficient of its officers assessed, how many): 每个单位内部民警的考核系数
    分配总体上要基本持平 (l.62). Rounded to 2 places."""
    sums: dict[tuple[str, str], list[Decimal]] = {}
    for r in rows:
        if r.coefficient is not None:
            sums.setdefault((r.unit, r.period), []).append(r.coefficient)
    return {k: (quantize(sum(v, ZERO) / len(v), 2), len(v)) for k, v in sums.items()}


def for_period(settings: OfficerSettings, data: OfficerData, calendar: Calendar, period: Period) -> list[OfficerQuarter]:
    """A quarter, or the four quarters of a year."""
    if period.kind == "quarter":
        return quarter(settings, data, calendar, period)
    if period.kind == "year":
        return year(settings, data, calendar, period)
    raise KaoheError(f"民警考核系数按季度计算:请给出季度(如 {period.year}-Q2)或年度(如 {period.year}),得到 {period.label}")
