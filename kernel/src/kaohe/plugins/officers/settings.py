"""The bureau's ``[officers]`` table (民警考核系数, 上城 2010): the coefficients of the roles, the
exceptions and the thresholds, read by ``parse_settings`` (claimed with ``kaohe_config_tables``).
See docs/configuration.md ([officers]) and docs/readings.md (民警考核系数)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar

import attrs

from ...core.decimals import D, fmt
from ...core.errors import ConfigError
from ...scheme.config import STRUCTURER
from ...core.errors import RuleError
from ...rules import build
from ...scheme.structure import Expect, Number

SEED_LEAVE_TYPES = ("病假", "事假")
SEED_OTHER_LEAVE = ("年休假", "婚假", "探亲假", "哺乳假", "晚育护理假", "产假")


@attrs.frozen
class RoleRule:
    """A role with its coefficient (岗位能手 1.35), and the roles that take it away (徒弟级 0.9,
    作为骨干培养的民警和转岗民警以及部队转业干部除外)."""

    name: str
    coefficient: Decimal = attrs.field(converter=D)
    unless: tuple[str, ...] = ()


DEFAULT_REGULATION = "上城区公安分局绩效考核办法(试行)"
"""The regulation whose second level this plugin implements (seed 000), cited where the bureau names none."""


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
    records_file: Path | None = None
    """民警考核登记: the officers' own records (警号, 项目, 日期, 数值, 级别, 说明), read for ``items``."""
    items: Mapping[str, "OfficerItem"] = attrs.field(factory=dict)
    """The officer-level items (加减分项目), declared like a bureau's items: a rule shape of kaohe.rules."""
    business_categories: tuple[str, ...] = ()
    """The unit's categories (ids) that make its 业务工作: an officer in his first quarter (l.86) is scored
    on the unit's total without them."""
    first_quarter: str = "unranked"
    """An officer in his first quarter: ``unranked`` (scored, not ranked, graded or paid a bonus share) or
    ``ranked``."""
    citation: str = ""
    """What the officer's score cites for unit score × coefficient (empty: the regulation's 六、3)."""
    document: str = ""
    """The key of the regulation (``[regulations]``) the officers' citations name; empty: the bureau's
    only one."""
    regulation: str = DEFAULT_REGULATION
    """Its title, as the citations name it (resolved from the bureau's ``[regulations]``: ``cited``)."""
    titles: Mapping[str, str] = attrs.field(factory=dict)
    """The bureau's regulations: key → title (``cited``), for the items naming their own ``document``."""
    scope: str = "bureau"
    """The officers' series: the whole bureau (``bureau``, seed 003 以分局为单位) or each series of units."""
    bands: int = 10
    """Bands of the officers' series (10: 按10%一个序列)."""
    grades: tuple["Grade", ...] = ()
    quota_ties: str = "exclude"
    """Officers tied across a grade's quota: none of them gets it (``exclude``) or all (``include``)."""
    balance_tolerance: Decimal = attrs.field(default=Decimal("0.05"), converter=D)
    """A unit whose mean coefficient departs from 1 by more than this is flagged (基本持平, l.62)."""
    list_day: int = 20
    """The day of the quarter's last month the coefficient list is due (当季末月20日前, l.62)."""
    lists_file: Path | None = None
    """考核系数名单报送登记: 单位, 季度, 报送日期."""
    bonus: "BonusRule | None" = None

    def cite(self, article: str) -> str:
        """An article of the regulation by its name: ``《上城区公安分局绩效考核办法(试行)》六、2``."""
        return f"《{self.regulation}》{article}"

    def basis(self, item: "OfficerItem") -> str:
        """What an officer-level item cites: its article of its regulation (``document``, else the
        officers'), by the regulation's title; an article naming its document (《…》) as written."""
        if not item.article or item.article.startswith("《"):
            return item.article
        return f"《{self.titles.get(item.document, self.regulation)}》{item.article}"

    def known_roles(self) -> tuple[str, ...]:
        names = [*self.roles, *self.statuses, *self.posted_roles]
        for rule in self.roles.values():
            names.extend(rule.unless)
        if self.new_officer:
            names.extend(self.new_officer.unless)
        return tuple(dict.fromkeys(names))


@attrs.frozen
class OfficerItem:
    """An officer-level item: its rule (a shape of kaohe.rules) scores each officer's records."""

    id: str
    title: str
    rule: Any
    business: bool = False
    """Part of 业务工作: not counted for an officer in his first quarter (l.86)."""
    cap: Decimal | None = None
    floor: Decimal | None = None
    article: str = ""
    document: str = ""
    """The key of the regulation its article is of (``[regulations]``); empty: the officers' (``document``)."""


@attrs.frozen
class Grade:
    """等次: the lowest score for it (None: any) and its quota, a share of the unit's ranked officers."""

    name: str
    min: Decimal | None = None
    quota: Decimal | None = None


@attrs.frozen
class BonusRule:
    """绩效奖金: the pool per period (元), how it is divided, and each officer's floor and cap (元)."""

    pool: Decimal | None = None
    scope: str = "bureau"
    method: str = "score"
    amounts: Mapping[str, Decimal] = attrs.field(factory=dict)
    ratios: Mapping[str, Decimal] = attrs.field(factory=dict)
    floor: Decimal | None = None
    cap: Decimal | None = None


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


def _ratio(value: Any) -> str | None:
    wrong = f"应为 0 至 1 的数字(如 0.15 即 15%),得到 {value!r}"
    try:
        return None if not isinstance(value, bool) and 0 <= D(value) <= 1 else wrong
    except (TypeError, ValueError, ArithmeticError):
        return wrong


def _amount(value: Any) -> str | None:
    wrong = f"应为不小于0的金额(元,最多两位小数),得到 {value!r}"
    try:
        v = D(value)
        return None if not isinstance(value, bool) and v >= 0 and v == v.quantize(Decimal("0.01")) else wrong
    except (TypeError, ValueError, ArithmeticError):
        return wrong


def _table_of_numbers(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"应为表(序列号或等次名 → 数字),得到 {value!r}"
    for k, v in value.items():
        if (wrong := _amount(v)) is not None:
            return f"{k}:{wrong}"
    return None


Coefficient = Annotated[Any, Expect(COEFFICIENT, check=_coefficient)]
MaybeNumber = Annotated[Number | None, Expect("数字")]
Ratio = Annotated[Any, Expect(check=_ratio)]
Amount = Annotated[Any, Expect(check=_amount)]
Amounts = Annotated[Any, Expect(check=_table_of_numbers)]
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
class ItemTable:
    """``[officers.items.<id>]``: an officer-level item."""

    title: Annotated[str, Expect(check=_label)]
    rule: Annotated[dict[str, Any], Expect("表:shape = 规则类型,及其参数(kaohe.rules)")]
    business: Annotated[bool, Expect(" true/false")] = False
    cap: MaybeNumber = None
    floor: MaybeNumber = None
    article: str = ""
    document: str = ""


@attrs.frozen(kw_only=True)
class GradeTable:
    """``[[officers.grades]]``."""

    name: Annotated[str, Expect(check=_label)]
    min: MaybeNumber = None
    quota: Ratio = None


@attrs.frozen(kw_only=True)
class BonusTable:
    """``[officers.bonus]``."""

    pool: Amount = None
    scope: Annotated[str, Expect(choices=("bureau", "unit"))] = "bureau"
    method: Annotated[str, Expect(choices=("score", "band", "grade"))] = "score"
    amounts: Amounts = attrs.field(factory=dict)
    ratios: Amounts = attrs.field(factory=dict)
    floor: Amount = None
    cap: Amount = None


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
    records_file: File = None
    lists_file: File = None
    items: Annotated[dict[str, Any], Expect("表:项目编号 → 项目")] = attrs.field(factory=dict)
    business_categories: Names = attrs.field(factory=list)
    first_quarter: Annotated[str, Expect(choices=("unranked", "ranked"))] = "unranked"
    citation: str = ""
    document: str = ""
    scope: Annotated[str, Expect(choices=("bureau", "series"))] = "bureau"
    bands: Whole = 10
    grades: list[GradeTable] = attrs.field(factory=list)
    quota_ties: Annotated[str, Expect(choices=("exclude", "include"))] = "exclude"
    balance_tolerance: Ratio = "0.05"
    list_day: Annotated[Any, Expect(check=lambda v: None if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 28 else f"应为 1 至 28 的整数,得到 {v!r}")] = 20
    bonus: BonusTable | None = None


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
    items = {}
    for name, value in t.items.items():
        key = f"officers.items.{name}"
        if not isinstance(value, dict):
            raise ConfigError(file, key, f"应为表(title、rule …),得到 {value!r}")
        it: ItemTable = STRUCTURER.structure(value, ItemTable, file, key)
        params = dict(it.rule)
        shape = params.pop("shape", None)
        if not isinstance(shape, str):
            raise ConfigError(file, f"{key}.rule.shape", "缺少此项,应为规则类型,如 \"per_occurrence\"")
        try:
            rule = build(shape, params)
        except RuleError as exc:
            raise ConfigError(file, f"{key}.rule", str(exc)) from None
        items[str(name)] = OfficerItem(
            str(name), it.title.strip(), rule, it.business, None if it.cap is None else D(it.cap),
            None if it.floor is None else D(it.floor), it.article.strip(), it.document.strip(),
        )
    grades = tuple(Grade(g.name.strip(), None if g.min is None else D(g.min), None if g.quota is None else D(g.quota)) for g in t.grades)
    if grades and (grades[-1].min is not None or grades[-1].quota is not None):
        raise ConfigError(file, f"officers.grades[{len(grades) - 1}]", "最后一个等次应不设 min 和 quota(其余民警都归入此等次)")
    b = t.bonus
    bonus = None if b is None else BonusRule(
        None if b.pool is None else D(b.pool), b.scope, b.method,
        {str(k): D(v) for k, v in b.amounts.items()}, {str(k): D(v) for k, v in b.ratios.items()},
        None if b.floor is None else D(b.floor), None if b.cap is None else D(b.cap),
    )
    if bonus is not None:
        if bonus.method == "score" and (bonus.amounts or bonus.ratios):
            raise ConfigError(file, "officers.bonus.method", "按得分比例分配(score)时不用 amounts、ratios;按序列或等次分配请写 method = \"band\" 或 \"grade\"")
        if bonus.method != "score" and bool(bonus.amounts) == bool(bonus.ratios):
            raise ConfigError(file, "officers.bonus.amounts", "按序列或等次分配时应写 amounts(固定金额)或 ratios(比例)其中之一")
        if bonus.method == "grade" and not grades:
            raise ConfigError(file, "officers.bonus.method", "按等次分配需要 [[officers.grades]]")
        if bonus.amounts and bonus.pool is not None:
            raise ConfigError(file, "officers.bonus.pool", "固定金额(amounts)分配时不设奖金池:总额即各人金额之和")
        if bonus.floor is not None and bonus.cap is not None and bonus.floor > bonus.cap:
            raise ConfigError(file, "officers.bonus.floor", f"保底 {fmt(bonus.floor)} 元高于封顶 {fmt(bonus.cap)} 元")
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
        records_file=None if t.records_file is None else base / t.records_file,
        lists_file=None if t.lists_file is None else base / t.lists_file,
        items=items,
        business_categories=_stripped(t.business_categories),
        first_quarter=t.first_quarter,
        citation=t.citation.strip(),
        document=t.document.strip(),
        scope=t.scope,
        bands=t.bands,
        grades=grades,
        quota_ties=t.quota_ties,
        balance_tolerance=D(t.balance_tolerance),
        list_day=t.list_day,
        bonus=bonus,
    )


def cited(settings: OfficerSettings, regulations: Sequence[Any], file: str = "") -> OfficerSettings:
    """``settings`` with its citations naming the regulation by its title (``[regulations]``, as the
    units' items cite theirs): the officers' ``document``, else the bureau's only regulation, else
    上城2010's own (``cite``); each item's article by its regulation's title (``basis``)."""
    by = {r.key: r for r in regulations}
    for where, key in [("officers.document", settings.document)] + [
        (f"officers.items.{i}.document", it.document) for i, it in settings.items.items()
    ]:
        if key and key not in by:
            known = "、".join(by) or "(无:请先在 [regulations] 中登记)"
            raise ConfigError(file, where, f"应为 [regulations] 中登记的文件键({known}),得到 {key!r}")
    own = by[settings.document].title if settings.document else (regulations[0].title if len(regulations) == 1 else DEFAULT_REGULATION)
    return attrs.evolve(settings, regulation=own, titles={k: r.title for k, r in by.items()})
