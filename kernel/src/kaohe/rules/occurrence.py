"""Shapes scored record by record: per occurrence (fixed or ranged points, with conditions and
modifiers), tiered by level, a once-per-period flag, and the veto."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..core.decimals import ZERO, D, fmt, fmt_points
from ..core.errors import RuleError
from ..core.model import Line, Record
from .aggregate import OPS, AggregateSpec
from .base import (
    Lines,
    RuleContext,
    Shape,
    as_text,
    dec,
    dec_or_none,
    dec_table,
    lookup,
    match_table,
    matches,
    record_text,
    str_tuple,
)

_OPS = OPS
_OP_TEXT = {">": "超过", ">=": "达到", "<": "低于", "<=": "不超过"}


@attrs.frozen
class Modifier:
    """Multiply a record's points when one of its fields has a value: 破获减半 (×0.5), 双倍扣分 (×2)."""

    field: str
    factor: Decimal = attrs.field(converter=dec)
    equals: tuple[str, ...] = attrs.field(default=("是",), converter=str_tuple)
    label: str = ""

    def applies(self, record: Record) -> bool:
        value = record.get(self.field)
        return value is not None and as_text(value) in self.equals


def _points_table(value: Any) -> dict[str, Decimal | tuple[Decimal, Decimal]]:
    """条款/级别 → fixed points, or → [lowest, highest] where the record's value carries its points."""
    if not isinstance(value, dict):
        raise RuleError(f"points_by 应为表:条款或级别 → 分值(或 [最低, 最高]),得到 {value!r}")
    out: dict[str, Decimal | tuple[Decimal, Decimal]] = {}
    for key, v in value.items():
        if isinstance(v, (list, tuple)):
            if len(v) != 2:
                raise RuleError(f"points_by.{key} 应为分值,或 [最低, 最高] 两个数,得到 {v!r}")
            low, high = dec(v[0]), dec(v[1])
            if low > high:
                raise RuleError(f"points_by.{key} 的最低分 {fmt(low)} 大于最高分 {fmt(high)}")
            out[str(key)] = (low, high)
        else:
            out[str(key)] = dec(v)
    if not out:
        raise RuleError("points_by 不能为空表")
    return out


def _modifiers(value: Any) -> tuple[Modifier, ...]:
    out = []
    for m in value:
        if isinstance(m, Modifier):
            out.append(m)
        elif isinstance(m, dict):
            out.append(Modifier(**m))
        else:
            raise RuleError(f"modifiers 的每一项应为表,得到 {m!r}")
    return tuple(out)


@attrs.frozen
class PerOccurrence(Shape):
    """每次扣1分 / 每起加10分 / 扣5-10分.

    Each matching record gives ``points`` (negative for a deduction). With ``points`` unset the
    record carries its own points in ``value``, which must lie between ``min_points`` and
    ``max_points`` (a severity range such as 扣5-10分 is min -10, max -5). ``quantity`` names a record
    field that multiplies the points (人次). ``match`` keeps only records whose fields have the given
    values; ``when_field``/``when_op``/``limit`` keep only records whose field crosses a limit, which
    may be a table keyed by other fields (``limit_by``) such as arrival limits by grade and area.

    A deduction list (扣分标准: 第3条 缺一次扣0.5分, 第25条 擅离职守扣2分 …) is ``points_by``: a table
    from the value of the record's ``by`` field (its 条款 or 级别) to the points, or to a
    ``[lowest, highest]`` range where the record's ``value`` carries its points (扣5-10分); a record
    whose ``by`` is not in the table is refused at intake. ``once_per`` names a field: a unit's
    records with the same value of it (the same case) count once, at the points of the highest
    (以上案件遇有重复情况,按最高加分统计, seed 000 l.260); the others show 0 and say why.
    """

    shape: ClassVar[str] = "per_occurrence"
    per_unit: ClassVar[bool] = True

    points: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    min_points: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    max_points: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    quantity: str | None = None
    quantity_unit: str = "人次"
    """The unit word of ``quantity`` in reasons (人次, 处, 项 …)."""
    match: dict[str, tuple[str, ...]] = attrs.field(factory=dict, converter=match_table)
    when_field: str | None = None
    when_op: str = attrs.field(default=">", validator=attrs.validators.in_(tuple(_OPS)))
    limit: Any = attrs.field(default=None, converter=attrs.converters.optional(dec_table))
    limit_by: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    when_label: str = ""
    when_unit: str = ""
    missing_crosses: bool = False
    """A record whose ``when_field`` is empty counts as crossing the limit (never fed back)."""
    missing_text: str = "未填写"
    modifiers: tuple[Modifier, ...] = attrs.field(default=(), converter=_modifiers)
    points_by: dict[str, Decimal | tuple[Decimal, Decimal]] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_points_table)
    )
    """条款/级别 → points (or ``[lowest, highest]``): the record's points by its ``by`` field."""
    by: str = "level"
    """The record field whose value looks up ``points_by`` (the 级别 column of the office register)."""
    once_per: str | None = None
    """Records of a unit with the same value of this field count once, at the highest points."""

    def __attrs_post_init__(self) -> None:
        if self.points_by is not None:
            if self.points is not None or self.min_points is not None or self.max_points is not None:
                raise RuleError("per_occurrence 的 points_by 不能与 points、min_points、max_points 同时使用")
        elif self.points is None and (self.min_points is None or self.max_points is None):
            raise RuleError("per_occurrence 需要 points(固定分值),或 min_points 与 max_points(分值区间),或 points_by(扣分标准表)")
        if self.min_points is not None and self.max_points is not None and self.min_points > self.max_points:
            raise RuleError(f"min_points {self.min_points} 大于 max_points {self.max_points}")
        if self.when_field is not None and self.limit is None:
            raise RuleError("设置了 when_field 就需要 limit")

    def _entry(self, record: Record) -> Decimal | tuple[Decimal, Decimal] | None:
        assert self.points_by is not None
        key = record.get(self.by)
        return None if key is None else self.points_by.get(str(key).strip())

    def checks_records(self) -> bool:
        if type(self).check is not PerOccurrence.check:
            return True  # a shape of a plugin's own, with its own check
        return self.points_by is not None or self.points is None  # fixed points: nothing to check

    def check(self, record: Record) -> str | None:
        if not matches(record, self.match):
            return None
        if self.points_by is not None:
            entry = self._entry(record)
            if entry is None:
                known = "、".join(self.points_by)
                return f"条款/级别应为 {known} 之一,得到 {record.get(self.by) or '空'}"
            if isinstance(entry, tuple):
                low, high = entry
                if record.value is None:
                    return f"应填写分值,范围 {fmt(low)} 至 {fmt(high)}"
                if not low <= record.value <= high:
                    return f"分值 {fmt(record.value)} 超出 {record.get(self.by)} 规定的范围 {fmt(low)} 至 {fmt(high)}"
            return None
        if self.points is not None:
            return None
        if record.value is None:
            return f"应填写扣(加)分值,范围 {fmt(self.min_points)} 至 {fmt(self.max_points)}"
        assert self.min_points is not None and self.max_points is not None
        if not self.min_points <= record.value <= self.max_points:
            return f"分值 {fmt(record.value)} 超出规定范围 {fmt(self.min_points)} 至 {fmt(self.max_points)}"
        return None

    def _crosses(self, record: Record) -> tuple[bool, str]:
        """Whether the record crosses the limit, and (only when it does) how, in Chinese."""
        if self.when_field is None:
            return True, ""
        limit = lookup(self.limit, record, self.limit_by) if self.limit_by else self.limit
        value = record.get(self.when_field)
        if limit is None:
            return False, ""
        label = self.when_label or self.when_field
        if value is None or value == "":
            return self.missing_crosses, f"{label}{self.missing_text}" if self.missing_crosses else ""
        value = D(value)
        if not _OPS[self.when_op](value, limit):
            return False, ""
        return True, f"{label}{fmt(value)}{self.when_unit},{_OP_TEXT[self.when_op]}规定的{fmt(limit)}{self.when_unit}"

    def line_for(self, record: Record) -> Line | None:
        if not matches(record, self.match):
            return None
        return self._line(record)

    def _line(self, record: Record) -> Line | None:
        """``line_for`` of a record known to match."""
        hit, why = self._crosses(record)
        if not hit:
            return None
        notes = [why] if why else []
        if self.points_by is not None:
            entry = self._entry(record)
            if entry is None:
                return None
            base = (record.value or ZERO) if isinstance(entry, tuple) else entry
            notes.append(f"{str(record.get(self.by)).strip()} {fmt_points(base)}分")
        else:
            base = self.points if self.points is not None else (record.value or ZERO)
        qty = Decimal(1)
        if self.quantity:
            raw_qty = record.get(self.quantity)
            qty = Decimal(1) if raw_qty is None or raw_qty == "" else D(raw_qty)
            if qty == 0:
                return None
        pts = base * qty
        if qty != 1:
            notes.append(f"{fmt(qty)}{self.quantity_unit}×{fmt_points(base)}")
        for m in self.modifiers:
            if m.applies(record):
                pts *= m.factor
                notes.append(m.label or f"×{fmt(m.factor)}")
        reason = record_text(record) + ("(" + ";".join(notes) + ")" if notes else "")
        return Line(pts, reason, record.key, record.carried_from is not None)

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        selected = ctx.matching(self.match)
        line = self._line
        for unit in ctx.units:
            if self.once_per:
                pairs = [(r, ln) for r in selected.get(unit.id, ()) if (ln := line(r)) is not None]
                lines = self._once(pairs)
            else:
                lines = [ln for r in selected.get(unit.id, ()) if (ln := line(r)) is not None]
            if lines:
                out[unit.id] = lines
        return out

    def aggregate(self) -> AggregateSpec | None:
        """What this rule adds up per unit, where its shape allows (fixed points, optionally times a
        quantity; or the records' own points without a quantity; of the records crossing a limit, if
        one is set): see kaohe.rules.aggregate. None for modifiers, a points table, ``once_per``, or a
        subclass that scores otherwise."""
        cls = type(self)
        if cls.evaluate is not PerOccurrence.evaluate or cls._line is not PerOccurrence._line:
            return None
        if self.modifiers or self.points_by is not None or self.once_per:
            return None
        when = {
            "when": self.when_field, "op": self.when_op, "limit": self.limit, "limit_by": self.limit_by,
            "missing_crosses": self.missing_crosses,
        }
        match = tuple(self.match.items())
        if self.points is not None:
            if self.quantity:
                return AggregateSpec(match, self.points, self.quantity, Decimal(1), **when)
            return AggregateSpec(match, self.points, **when)
        if self.quantity:
            return None  # the record's points times its quantity: a sum of products
        return AggregateSpec(match, Decimal(1), "value", ZERO, **when)

    def _once(self, pairs: list[tuple[Record, Line]]) -> list[Line]:
        """Records with the same ``once_per`` value: the one with the most points (by size; the
        earliest of equals) counts, the others count 0 (seed 000 l.260, l.262)."""
        assert self.once_per is not None
        best: dict[str, tuple[Record, Line]] = {}
        for r, ln in pairs:
            key = str(r.get(self.once_per) or "").strip()
            if not key:
                continue
            held = best.get(key)
            if held is None or abs(ln.points) > abs(held[1].points):
                best[key] = (r, ln)
        out = []
        for r, ln in pairs:
            key = str(r.get(self.once_per) or "").strip()
            if key and best[key][1] is not ln:
                kept = best[key][0]
                named = str(kept.get(self.by) or "").strip() if self.points_by is not None else ""
                told = named or record_text(kept)
                why = f"同一事项“{key}”已按{told}计{fmt_points(best[key][1].points)}分,重复情况按最高分统计,此条不计分"
                ln = attrs.evolve(ln, points=ZERO, reason=f"{ln.reason}({why})")
            out.append(ln)
        return out

    def describe(self) -> str:
        if self.points_by is not None:
            text = f"按扣(加)分标准表计分({len(self.points_by)}条)"
            return text + (",同一事项重复的按最高分统计" if self.once_per else "")
        pts = fmt_points(self.points) if self.points is not None else f"{fmt(self.min_points)}至{fmt(self.max_points)}"
        return f"每次 {pts} 分" + (",同一事项重复的按最高分统计" if self.once_per else "")


@attrs.frozen
class Tiered(Shape):
    """Points by level (adopted by city +2, province +20, ministry +50); one record earning several
    levels counts its highest level only (seed 000 l.458: "按最高值加分")."""

    shape: ClassVar[str] = "tiered"
    per_unit: ClassVar[bool] = True

    levels: dict[str, Decimal] = attrs.field(converter=dec_table)
    field: str = "level"
    match: dict[str, tuple[str, ...]] = attrs.field(factory=dict, converter=match_table)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.levels, dict) or not self.levels:
            raise RuleError("tiered 需要 levels:级别 → 分值")

    def _levels_of(self, record: Record) -> list[str]:
        raw = record.get(self.field)
        if raw is None:
            return []
        parts = raw if isinstance(raw, (list, tuple)) else str(raw).replace("、", ",").replace(",", ",").split(",")
        return [p.strip() for p in parts if p.strip()]

    def check(self, record: Record) -> str | None:
        if not matches(record, self.match):
            return None
        bad = [lv for lv in self._levels_of(record) if lv not in self.levels]
        if bad or not self._levels_of(record):
            return f"级别应为 {'、'.join(self.levels)} 之一,得到 {'、'.join(bad) or '空'}"
        return None

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        selected = ctx.matching(self.match)
        for unit in ctx.units:
            for r in selected.get(unit.id, ()):
                found = [(self.levels[lv], lv) for lv in self._levels_of(r) if lv in self.levels]
                if not found:
                    continue
                pts, lv = max(found, key=lambda t: abs(t[0]))
                why = level_name(lv) + (f",另有 {'、'.join(x for _, x in found if x != lv)} 不重复计分" if len(found) > 1 else "")
                out.setdefault(unit.id, []).append(
                    Line(pts, f"{record_text(r)}({why})", r.key, r.carried_from is not None)
                )
        return out

    def describe(self) -> str:
        return ";".join(f"{k} {fmt_points(v)}" for k, v in self.levels.items()) + "(同一条按最高级别计分)"


@attrs.frozen
class Flag(Shape):
    """A state assessed once per period, not per record (未明确分管领导的扣2分): any matching record
    in the window gives ``points`` once."""

    shape: ClassVar[str] = "flag"
    per_unit: ClassVar[bool] = True

    points: Decimal = attrs.field(converter=dec)
    match: dict[str, tuple[str, ...]] = attrs.field(factory=dict, converter=match_table)

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        selected = ctx.matching(self.match)
        for unit in ctx.units:
            found = selected.get(unit.id)
            if found:
                first = min(found, key=lambda r: (r.date, r.key))
                more = f"(本期共{len(found)}条记录,只计一次)" if len(found) > 1 else ""
                out[unit.id] = [Line(self.points, record_text(first) + more, first.key, first.carried_from is not None)]
        return out

    def describe(self) -> str:
        return f"本期存在即 {fmt_points(self.points)} 分(每期只计一次)"


@attrs.frozen
class Veto(Shape):
    """一票否决 (seed 000 l.430): any matching record makes the unit's period 0 and removes it from
    the year-end awards. The lines carry 0 points; the pipeline applies the veto."""

    shape: ClassVar[str] = "veto"
    per_unit: ClassVar[bool] = True

    match: dict[str, tuple[str, ...]] = attrs.field(factory=dict, converter=match_table)

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        selected = ctx.matching(self.match)
        for unit in ctx.units:
            for r in selected.get(unit.id, ()):
                out.setdefault(unit.id, []).append(
                    Line(ZERO, f"{record_text(r)}(一票否决)", r.key, r.carried_from is not None)
                )
        return out

    def describe(self) -> str:
        return "一票否决:当期考核为零分,取消年终评先创优资格"


def level_name(level: str) -> str:
    """A level as a sentence names it: 省厅 → 省厅级, 地级 stays 地级 (never 地级级)."""
    return level if level.endswith("级") else f"{level}级"
