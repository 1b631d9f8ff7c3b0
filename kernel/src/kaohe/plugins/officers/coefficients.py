"""民警考核系数 (二级考核, seed 000 l.62-70, l.84-86): each officer's coefficient per quarter, and who
takes no part in a quarter's or a year's assessment, with the reason in Chinese.

The officers, their units and dates, their roles (岗位能手, 师傅级 …, with dates) and their leave
are data the units fill in (three CSV or XLSX files named in ``[officers]``); the coefficients of
the roles, the exceptions and the thresholds are the bureau's configuration. Everything here but
the readers at the bottom is a pure function of those. See docs/configuration.md ([officers]) and
docs/readings.md (民警考核系数).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..core.decimals import ZERO, D, fmt, quantize
from ..core.errors import ConfigError, KaoheError
from ..core.periods import Calendar, Period

ASSESSED = "参加考核"
NO_BUSINESS = "不参加业务工作考核"
OUT_QUARTER = "本季度不参加考核"
OUT_YEAR = "全年不参加考核"
OUT_POSTED = "不参加考核"

SEED_LEAVE_TYPES = ("病假", "事假")
SEED_OTHER_LEAVE = ("年休假", "婚假", "探亲假", "哺乳假", "晚育护理假", "产假")


# --- configuration ---------------------------------------------------------------------------------


@attrs.frozen
class RoleRule:
    """A role with its coefficient (岗位能手 1.35), and the roles that take it away (徒弟级 0.9,
    作为骨干培养的民警和转岗民警以及部队转业干部除外)."""

    name: str
    coefficient: Decimal = attrs.field(converter=D)
    unless: tuple[str, ...] = ()


@attrs.frozen
class OfficerSettings:
    """The bureau's ``[officers]`` table."""

    roster: Path | None = None
    """民警名单: 警号, 姓名, 单位, 入警日期, 调入日期, 调出日期."""
    roles_file: Path | None = None
    """民警身份: 警号, 身份, 起始日期, 终止日期."""
    leave_file: Path | None = None
    """请假登记: 警号, 假别, 起始日期, 终止日期."""
    default: Decimal = attrs.field(default=Decimal(1), converter=D)
    """一般考核系数为1 (l.64)."""
    roles: Mapping[str, RoleRule] = attrs.field(factory=dict)
    statuses: tuple[str, ...] = ()
    """Roles with no coefficient of their own, named only as exceptions (骨干培养, 转岗民警 …)."""
    new_officer: RoleRule | None = None
    """工作不满1年的见习期新民警 (0.85): derived from the 入警日期."""
    probation_months: int = 12
    posted_roles: tuple[str, ...] = ()
    """Roles that take the officer out of the assessment (分局外派各管委会、指挥部工作民警, l.86)."""
    status_on: str = "end"
    """Roles and the new-officer status as on the quarter's last day (``end``) or first (``start``)."""
    leave_types: tuple[str, ...] = SEED_LEAVE_TYPES
    """The kinds of leave that count (病(事)假, l.84)."""
    other_leave: tuple[str, ...] = SEED_OTHER_LEAVE
    """Kinds of leave accepted in the register that do not count."""
    quarter_leave_days: int = 30
    year_leave_days: int = 180
    inclusive: bool = True
    """"30天以上" includes 30 (以上 包括本数); False: more than 30."""

    def known_roles(self) -> tuple[str, ...]:
        names = [*self.roles, *self.statuses, *self.posted_roles]
        for rule in self.roles.values():
            names.extend(rule.unless)
        if self.new_officer:
            names.extend(self.new_officer.unless)
        return tuple(dict.fromkeys(names))


def parse_settings(table: Mapping[str, Any], file: str, base: Path) -> OfficerSettings:
    """``[officers]`` of a bureau configuration; a ConfigError names the file and the key."""

    def fail(key: str, expected: str) -> ConfigError:
        return ConfigError(file, f"officers.{key}" if key else "officers", expected)

    allowed = {
        "roster", "roles_file", "leave_file", "default", "roles", "statuses", "new_officer", "probation_months",
        "posted_roles", "status_on", "leave_types", "other_leave", "quarter_leave_days", "year_leave_days", "inclusive",
    }
    extra = sorted(set(table) - allowed)
    if extra:
        raise fail(extra[0], f"未知的配置项;此处可用:{'、'.join(sorted(allowed))}")

    def number(value: Any, key: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise fail(key, f"应为大于0的数字(考核系数),得到 {value!r}")
        try:
            d = D(value)
        except (TypeError, ValueError):
            raise fail(key, f"应为大于0的数字(考核系数),得到 {value!r}") from None
        if d <= 0:
            raise fail(key, f"应为大于0的数字(考核系数),得到 {value!r}")
        return d

    def names(value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(key, f"应为身份或假别名称的数组,如 [\"骨干培养\", \"转岗民警\"],得到 {value!r}")
        return tuple(v.strip() for v in value)

    def whole(key: str, default: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail(key, f"应为正整数,得到 {value!r}")
        return value

    def path(key: str) -> Path | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(key, f"应为文件名(CSV 或 XLSX,相对本配置文件),得到 {value!r}")
        return base / value

    def role(name: str, value: Any, key: str) -> RoleRule:
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"coefficient", "unless"})
            if unknown:
                raise fail(f"{key}.{unknown[0]}", "未知的配置项;此处可用:coefficient、unless")
            if "coefficient" not in value:
                raise fail(f"{key}.coefficient", "缺少此项,应为大于0的数字(考核系数)")
            return RoleRule(name, number(value["coefficient"], f"{key}.coefficient"), names(value.get("unless", []), f"{key}.unless"))
        return RoleRule(name, number(value, key))

    roles_table = table.get("roles", {})
    if not isinstance(roles_table, dict):
        raise fail("roles", f"应为表:身份 → 考核系数,得到 {roles_table!r}")
    roles = {str(k): role(str(k), v, f"roles.{k}") for k, v in roles_table.items()}
    new = table.get("new_officer")
    new_rule = None
    if new is not None:
        if not isinstance(new, dict):
            raise fail("new_officer", "应为表(name、coefficient、unless)")
        unknown = sorted(set(new) - {"name", "coefficient", "unless"})
        if unknown:
            raise fail(f"new_officer.{unknown[0]}", "未知的配置项;此处可用:name、coefficient、unless")
        label = new.get("name", "见习期新民警")
        if not isinstance(label, str) or not label.strip():
            raise fail("new_officer.name", f"应为文本,得到 {label!r}")
        if "coefficient" not in new:
            raise fail("new_officer.coefficient", "缺少此项,应为大于0的数字(考核系数)")
        new_rule = RoleRule(label, number(new["coefficient"], "new_officer.coefficient"), names(new.get("unless", []), "new_officer.unless"))
    status_on = table.get("status_on", "end")
    if status_on not in ("end", "start"):
        raise fail("status_on", f"应为 end / start 之一,得到 {status_on!r}")
    inclusive = table.get("inclusive", True)
    if not isinstance(inclusive, bool):
        raise fail("inclusive", f"应为 true/false,得到 {inclusive!r}")
    leave_types = names(table.get("leave_types", list(SEED_LEAVE_TYPES)), "leave_types")
    other = names(table.get("other_leave", list(SEED_OTHER_LEAVE)), "other_leave")
    return OfficerSettings(
        roster=path("roster"),
        roles_file=path("roles_file"),
        leave_file=path("leave_file"),
        default=number(table.get("default", 1), "default"),
        roles=roles,
        statuses=names(table.get("statuses", []), "statuses"),
        new_officer=new_rule,
        probation_months=whole("probation_months", 12),
        posted_roles=names(table.get("posted_roles", []), "posted_roles"),
        status_on=status_on,
        leave_types=leave_types,
        other_leave=tuple(o for o in other if o not in leave_types),
        quarter_leave_days=whole("quarter_leave_days", 30),
        year_leave_days=whole("year_leave_days", 180),
        inclusive=inclusive,
    )


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
    for oid in dict.fromkeys(o.id for o in data.officers):
        o = _stint(data.officers, oid, start, end)
        if o is None:
            continue
        held = [r.role for r in data.roles if r.officer == oid and r.held_on(on)]
        if settings.new_officer is not None and (o.joined > on or _months_between(o.joined, on) < settings.probation_months):
            held.append(settings.new_officer.name)  # 工作不满1年的见习期新民警
        held = list(dict.fromkeys(held))
        q_days = leave_days(data.leave, oid, settings.leave_types, start, end)
        y_days = leave_days(data.leave, oid, settings.leave_types, year_start, end)
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
