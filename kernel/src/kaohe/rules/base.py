"""What every rule shape shares: the context it is evaluated in, parameters and their overrides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import attrs

from ..core.decimals import PARAMETER_LIMIT, PARAMETER_PLACES, ZERO, D, out_of_bounds
from ..core.errors import RuleError
from ..core.model import Line, Record, Unit
from ..core.periods import Calendar, Period

Lines = dict[str, list[Line]]
"""A rule's result: unit id → its lines (a unit with no lines scores 0 on the item)."""


@attrs.frozen
class RuleContext:
    """Everything a rule may read. Rules are pure: they read this and return lines."""

    title: str
    """The item's title, for reasons."""
    period: Period
    """The base period being scored (a month in a monthly scheme)."""
    window: Period
    """The period the item is evaluated over (its cadence window; ends with ``period``)."""
    calendar: Calendar
    units: Sequence[Unit]
    """Every unit assessed in this period (rank shapes compare within a unit's group)."""
    records: Mapping[str, Sequence[Record]]
    """Unit id → the records of the item's kinds dated in ``window``."""
    fetch: Callable[[Sequence[Period]], Mapping[str, Sequence[Record]]] = lambda periods: {}
    """Records of the item's kinds in other periods (for year over year, carry-over, longer windows)."""
    headcount: Callable[[Unit, Period], int | None] = lambda unit, period: unit.headcount_for(period)

    def of(self, unit: Unit) -> Sequence[Record]:
        return self.records.get(unit.id, ())

    def matching(self, match: Mapping[str, tuple[str, ...]]) -> Mapping[str, Sequence[Record]]:
        """Unit id → its records in ``records`` that ``match`` (see :func:`matches`), in their order;
        the same as filtering ``of(unit)`` with ``matches``, shared by the rules of one read."""
        return select(self.records, match)


@runtime_checkable
class Rule(Protocol):
    """A rule shape. Implementations are frozen attrs classes whose fields are their parameters."""

    shape: ClassVar[str]

    def evaluate(self, ctx: RuleContext) -> Lines: ...

    def check(self, record: Record) -> str | None: ...

    def describe(self) -> str: ...


def dec(value: Any) -> Decimal:
    """A rule's numeric parameter: a finite number within the parameters' bounds (kaohe.core.decimals:
    absolute value below 10^9, at most 10 decimal places), so that ``target = nan`` or ``1e30`` is
    refused when the configuration is read, not when a period is scored."""
    try:
        number = D(value)
    except (TypeError, ValueError):
        raise RuleError(f"应为数字,得到 {value!r}") from None
    problem = out_of_bounds(number, PARAMETER_LIMIT, PARAMETER_PLACES)
    if problem:
        raise RuleError(f"应为数字,{problem},得到 {value!r}")
    return number


def dec_or_none(value: Any) -> Decimal | None:
    return None if value is None else dec(value)


def dec_by_key(value: Mapping[str, Any]) -> dict[str, Decimal]:
    """A table of numeric parameters by key (a weight by series, a coefficient by class)."""
    return {k: dec(v) for k, v in value.items()}


def dec_table(value: Any) -> Any:
    """A number, or a (nested) table of numbers keyed by strings."""
    if isinstance(value, Mapping):
        return {str(k): dec_table(v) for k, v in value.items()}
    return dec(value)


def str_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def match_table(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise RuleError(f"match 应为 字段 → 取值 的表,得到 {value!r}")
    return {str(k): str_tuple(v) for k, v in value.items()}


def lines_per_unit(rule: object) -> bool:
    """Whether ``rule``'s lines for a unit come from that unit's records alone: its class, or the
    class whose ``evaluate`` it inherits, says so (``Shape.per_unit``); a subclass that evaluates
    otherwise, a plugin's formula, a rank or a quota do not."""
    for cls in type(rule).__mro__:
        if "evaluate" in cls.__dict__:
            return bool(cls.__dict__.get("per_unit", False))
    return False


class Shape:
    """Mixin: parameter overrides and common helpers for rule shapes."""

    shape: ClassVar[str] = ""
    __attrs_attrs__: ClassVar[tuple[attrs.Attribute[Any], ...]]
    """Set by ``attrs.frozen`` on each shape (declared here, not assigned, so that the type checker
    knows a shape is an attrs class)."""
    raises_flags: ClassVar[bool] = False
    """Whether the rule's lines may raise a flag on the unit (``Line.flag``). A stored item result
    does not keep its lines' flags, so the item of such a rule is evaluated again whenever its period
    is rescored (kaohe.office.rescore); a rule that is not a ``Shape`` is taken to raise them."""
    per_unit: ClassVar[bool] = False
    """Whether a unit's lines come from its own records alone (nothing compared with other units):
    then its record lines are not stored but made again for one unit on demand, from that unit's
    records (kaohe.office.results.explanation). See ``lines_per_unit``."""

    def with_params(self, overrides: Mapping[str, Any]) -> Self:
        """A copy of the rule with some parameters replaced (a bureau's override)."""
        names = {f.name for f in attrs.fields(type(self)) if not f.name.startswith("_")}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise RuleError(f"规则类型 {self.shape} 没有参数 {', '.join(unknown)};可用参数:{', '.join(sorted(names))}")
        try:
            # mypy's attrs plugin checks evolve's first argument itself and does not take a Self of
            # this mixin (every shape is an attrs class: __attrs_attrs__ above).
            return attrs.evolve(self, **dict(overrides))  # type: ignore[misc]
        except (RuleError, TypeError, ValueError) as exc:
            raise RuleError(_naming(self, overrides, exc)) from None

    def params(self) -> dict[str, Any]:
        return attrs.asdict(self, recurse=False)

    def check(self, record: Record) -> str | None:
        return None

    def checks_records(self) -> bool:
        """Whether ``check`` can refuse a record at all: the intake skips the rules that cannot
        (it checks every record of every file against the rules reading its kind)."""
        return type(self).check is not Shape.check


def _naming(rule: Any, overrides: Mapping[str, Any], exc: Exception) -> str:
    """``exc``'s message, naming the parameter that caused it where one alone does (tried one by one)."""
    if len(overrides) > 1:
        for name, value in overrides.items():
            try:
                attrs.evolve(rule, **{name: value})
            except (RuleError, TypeError, ValueError) as one:
                return f"参数 {name}:{one}"
    elif overrides:
        return f"参数 {next(iter(overrides))}:{exc}"
    return str(exc)


def as_text(value: Any) -> str:
    """A field's value as compared with a rule's ``match`` table: booleans read 是/否."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def matches(record: Record, match: Mapping[str, tuple[str, ...]]) -> bool:
    for field, allowed in match.items():
        value = record.get(field)
        if value is None or as_text(value) not in allowed:
            return False
    return True


class UnitRecords(dict[str, list[Record]]):
    """Unit id → records (one read of the store, shared by the items reading the same kinds over the
    same window), remembering each field's values as ``matches`` compares them and the selections
    made by ``match`` tables, so that the rules of one read filter the records once per table."""

    __slots__ = ("_texts", "_selected")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._texts: dict[str, dict[str, list[str | None]]] = {}
        self._selected: dict[tuple[tuple[str, tuple[str, ...]], ...], dict[str, list[Record]]] = {}

    def texts(self, field: str, unit: str) -> list[str | None]:
        """The values of ``field`` of ``unit``'s records as ``match`` tables compare them (None: empty)."""
        by_unit = self._texts.setdefault(field, {})
        out = by_unit.get(unit)
        if out is None:
            if field == "value":  # Record.get("value")
                out = [None if (v := r.value) is None else as_text(v) for r in self[unit]]
            else:  # Record.get(field): the attribute; a text compares as itself (as_text)
                out = [
                    None if (v := r.attrs.get(field)) is None else v if v.__class__ is str else as_text(v)
                    for r in self[unit]
                ]
            by_unit[unit] = out
        return out


def select(records: Mapping[str, Sequence[Record]], match: Mapping[str, tuple[str, ...]]) -> Mapping[str, Sequence[Record]]:
    """Unit id → the records that ``match`` (``matches`` of each record), in their order; units with
    none are left out. Remembered when ``records`` is a :class:`UnitRecords`."""
    if not match:
        return records
    if not isinstance(records, UnitRecords):
        return {u: sel for u, rs in records.items() if (sel := [r for r in rs if matches(r, match)])}
    key = tuple(match.items())
    hit = records._selected.get(key)
    if hit is not None:
        return hit
    out: dict[str, list[Record]] = {}
    fields = list(match.items())
    for unit, recs in records.items():
        if len(fields) == 1:
            field, allowed = fields[0]
            sel = [r for r, t in zip(recs, records.texts(field, unit), strict=True) if t in allowed]
        else:
            cols = [records.texts(f, unit) for f, _ in fields]
            sel = [
                r for i, r in enumerate(recs)
                if all((t := col[i]) is not None and t in allowed for col, (_, allowed) in zip(cols, fields, strict=True))
            ]
        if sel:
            out[unit] = sel
    records._selected[key] = out
    return out


def lookup(table: Any, record: Record, by: Sequence[str]) -> Decimal | None:
    """Walk a nested table with the record's values of ``by``; None where the table has no entry."""
    node = table
    for field in by:
        if not isinstance(node, Mapping):
            return None
        value = record.get(field)
        if value is None or str(value) not in node:
            return node.get("*") if isinstance(node, Mapping) else None
        node = node[str(value)]
    return node if isinstance(node, Decimal) else None


def target_for(table: Mapping[str, Decimal] | Decimal | None, unit: Unit) -> Decimal | None:
    """A target by unit (id, name or alias), else by class, else by tag (城区 …), else by series,
    else ``*``, else None."""
    if table is None or isinstance(table, Decimal):
        return table
    for key in (*unit.names, unit.klass, *unit.tags, unit.series, "*"):
        if key is not None and key in table:
            value = table[key]
            if isinstance(value, Decimal):
                return value
    return None


def amount(records: Iterable[Record], field: str | None) -> Decimal:
    """How much the records add up to: their number, or the sum of ``field`` (``value`` or an attribute)."""
    if field is None:
        return Decimal(sum(1 for _ in records))
    total = ZERO
    for r in records:
        v = r.get(field)
        if v is not None:
            total += D(v)
    return total


def day_text(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def record_text(record: Record) -> str:
    """How a record is named in a reason: its date and its note (the adapter's Chinese summary)."""
    text = day_text(record.date)
    return f"{text} {record.note}" if record.note else text


def group_key(unit: Unit, within: str) -> str:
    if within == "series":
        return unit.series
    if within == "class":
        return unit.klass or ""
    return ""
