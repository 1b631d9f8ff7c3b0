"""The bureau's ``[officers]`` table (民警考核系数, 上城 2010): the coefficients of the roles, the
exceptions and the thresholds, read by ``parse_settings`` (claimed with ``kaohe_config_tables``).
See docs/configuration.md ([officers]) and docs/readings.md (民警考核系数)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ...core.decimals import D
from ...core.errors import ConfigError

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
