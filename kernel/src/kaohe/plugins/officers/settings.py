"""The bureau's ``[officers]`` table (民警考核系数, 上城 2010): the coefficients of the roles, the
exceptions and the thresholds, read by ``parse_settings`` (claimed with ``kaohe_config_tables``).
See docs/configuration.md ([officers]) and docs/readings.md (民警考核系数)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar

import attrs

from ...core.decimals import D
from ...core.errors import ConfigError
from ...scheme.config import STRUCTURER
from ...scheme.structure import Expect

SEED_LEAVE_TYPES = ("病假", "事假")
SEED_OTHER_LEAVE = ("年休假", "婚假", "探亲假", "哺乳假", "晚育护理假", "产假")


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


COEFFICIENT = "大于0的数字(考核系数)"


def _coefficient(value: Any) -> str | None:
    wrong = f"应为{COEFFICIENT},得到 {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return wrong
    try:
        return None if D(value) > 0 else wrong
    except (TypeError, ValueError, ArithmeticError):  # "nan" compared: InvalidOperation
        return wrong


def _names(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return f"应为身份或假别名称的数组,如 [\"骨干培养\", \"转岗民警\"],得到 {value!r}"


def _whole(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else f"应为正整数,得到 {value!r}"


def _file(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else f"应为文件名(CSV 或 XLSX,相对本配置文件),得到 {value!r}"


def _label(value: str) -> str | None:
    return None if value.strip() else f"应为文本,得到 {value!r}"


Coefficient = Annotated[Any, Expect(COEFFICIENT, check=_coefficient)]
Names = Annotated[Any, Expect(check=_names)]
Whole = Annotated[Any, Expect(check=_whole)]
File = Annotated[Any, Expect(check=_file)]


@attrs.frozen(kw_only=True)
class RoleTable:
    """``[officers.roles] 徒弟级 = { coefficient = 0.9, unless = [...] }``."""

    coefficient: Coefficient
    unless: Names = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class NewOfficerTable:
    """``[officers] new_officer``."""

    NOT_TABLE: ClassVar[str] = "应为表(name、coefficient、unless)"
    KEYS: ClassVar[tuple[str, ...]] = ("name", "coefficient", "unless")
    name: Annotated[str, Expect(check=_label)] = "见习期新民警"
    coefficient: Coefficient
    unless: Names = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class OfficersTable:
    """``[officers]`` as written (docs/configuration.md)."""

    roles: Annotated[dict[str, Any], Expect("表:身份 → 考核系数")] = attrs.field(factory=dict)
    new_officer: NewOfficerTable | None = None
    status_on: Annotated[str, Expect(choices=("end", "start"))] = "end"
    inclusive: Annotated[bool, Expect(" true/false")] = True
    leave_types: Names = attrs.field(factory=lambda: list(SEED_LEAVE_TYPES))
    other_leave: Names = attrs.field(factory=lambda: list(SEED_OTHER_LEAVE))
    roster: File = None
    roles_file: File = None
    leave_file: File = None
    default: Coefficient = 1
    statuses: Names = attrs.field(factory=list)
    probation_months: Whole = 12
    posted_roles: Names = attrs.field(factory=list)
    quarter_leave_days: Whole = 30
    year_leave_days: Whole = 180


def _stripped(names: list[str]) -> tuple[str, ...]:
    return tuple(v.strip() for v in names)


def parse_settings(table: Mapping[str, Any], file: str, base: Path) -> OfficerSettings:
    """``[officers]`` of a bureau configuration; a ConfigError names the file and the key."""
    t: OfficersTable = STRUCTURER.structure(table, OfficersTable, file, "officers")
    roles = {}
    for name, value in t.roles.items():
        key = f"officers.roles.{name}"
        if isinstance(value, dict):
            role: RoleTable = STRUCTURER.structure(value, RoleTable, file, key)
            roles[str(name)] = RoleRule(str(name), role.coefficient, _stripped(role.unless))
        elif (wrong := _coefficient(value)) is not None:
            raise ConfigError(file, key, wrong)
        else:
            roles[str(name)] = RoleRule(str(name), value)
    new = t.new_officer
    leave_types = _stripped(t.leave_types)
    return OfficerSettings(
        roster=None if t.roster is None else base / t.roster,
        roles_file=None if t.roles_file is None else base / t.roles_file,
        leave_file=None if t.leave_file is None else base / t.leave_file,
        default=t.default,
        roles=roles,
        statuses=_stripped(t.statuses),
        new_officer=None if new is None else RoleRule(new.name, new.coefficient, _stripped(new.unless)),
        probation_months=t.probation_months,
        posted_roles=_stripped(t.posted_roles),
        status_on=t.status_on,
        leave_types=leave_types,
        other_leave=tuple(o for o in _stripped(t.other_leave) if o not in leave_types),
        quarter_leave_days=t.quarter_leave_days,
        year_leave_days=t.year_leave_days,
        inclusive=t.inclusive,
    )
