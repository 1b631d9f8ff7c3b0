"""Shapes scored against a target: a rate, a quota (by class or by unit, with longer windows and
carry-over), a per-capita figure, and the same period last year."""

from __future__ import annotations

import decimal
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

import attrs

from ..core.decimals import ZERO, D, fmt, fmt_points, quantize
from ..core.errors import KaoheError, RuleError
from ..core.model import Line, Record, Unit
from ..core.periods import Period
from .aggregate import NONE, CountSpec, Counter, record_counter
from .base import (
    Lines,
    RuleContext,
    Shape,
    amount,
    dec,
    dec_or_none,
    dec_table,
    match_table,
    target_for,
)

STEPS = ("exact", "whole")
MISSING = ("zero", "skip", "missing")
"""What a unit without any record in the window scores (the ``missing`` parameter, docs/readings.md
"缺数据"): ``zero`` — nothing done (a count of 0, with the unit list's headcount); ``skip`` — not
assessed, nothing to assess (no cases, no rentals); ``missing`` — not scored, the line marked
数据缺失 (shown in every output; publishing stops until the data comes or the office confirms)."""


LATER = {"omit_default": True}
"""Metadata of a parameter added after editions were first published: an edition's payload holds it
only when it differs from its default (kaohe.report.editions), so that the editions published before it
came are reproduced byte for byte."""


def _missing_line(ctx: RuleContext) -> Line:
    return Line(ZERO, f"{ctx.window.chinese}无该单位的数据(数据缺失),暂不计分", None, missing=ctx.window.label)


def _steps(diff: Decimal, step: str) -> Decimal:
    """How many 'points' a difference counts for: exactly, or whole points only (每满1个百分点)."""
    if step == "whole":
        return diff.to_integral_value(rounding=decimal.ROUND_DOWN)
    return diff


def _carried(records: Sequence[Record]) -> bool:
    return any(r.carried_from is not None for r in records)


def _latest(records: Sequence[Record]) -> Record | None:
    return max(records, key=lambda r: (r.date, r.key)) if records else None


@functools.lru_cache(maxsize=256)
def _months_in_blocks(period: Period, months: int) -> tuple[tuple[Period, ...], ...]:
    """The blocks of ``months`` months of ``period``'s year up to and including the block ending
    with ``period``'s last month (blocks are aligned on the start of the assessment year); made once
    for all units (a quota asks for them unit by unit)."""
    last = period.last_month
    return tuple(
        tuple(Period(period.year, "month", m) for m in range(end - months + 1, end + 1))
        for end in range(months, last + 1, months)
    )


@attrs.frozen
class RateTarget(Shape):
    """满意率达到95%以上,每降低1个百分点扣0.5分: a rate (in %) against a target, with points per
    percentage point below (``per_point_below``, negative) and optionally above (``per_point_above``).

    The rate is the latest record's ``field`` in the window, or Σ``numerator`` ÷ Σ``denominator`` × 100
    when both are given. ``step`` is ``exact`` (proportional) or ``whole`` (only full points count).
    A unit with records but no rate (the cell left blank, a denominator of 0) is not scored; a unit
    with no record at all in the window is ``missing`` (``"missing"``, the default: not scored and
    marked 数据缺失) or ``"skip"`` (not scored, nothing to assess; see ``MISSING``).
    """

    shape: ClassVar[str] = "rate_target"

    target: Decimal = attrs.field(converter=dec_table)
    per_point_below: Decimal = attrs.field(converter=dec)
    per_point_above: Decimal = attrs.field(default=Decimal(0), converter=dec)
    field: str = "value"
    numerator: str | None = None
    denominator: str | None = None
    step: str = attrs.field(default="exact", validator=attrs.validators.in_(STEPS))
    max_points: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    min_points: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    missing: str = attrs.field(default="missing", validator=attrs.validators.in_(("skip", "missing")), metadata=LATER)

    def _rate(self, records: Sequence[Record]) -> Decimal | None:
        if self.numerator and self.denominator:
            den = amount(records, self.denominator)
            if den == 0:
                return None
            return quantize(amount(records, self.numerator) / den * 100, 2)
        last = _latest(records)
        if last is None or last.get(self.field) is None:
            return None
        return D(last.get(self.field))

    def check(self, record: Record) -> str | None:
        v = record.get(self.field)
        if v is not None and not self.numerator and not (ZERO <= D(v) <= 100):
            return f"比率应在 0 至 100 之间(百分数),得到 {fmt(D(v))}"
        return None

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        for unit in ctx.units:
            target = target_for(self.target, unit)
            if target is None:
                continue
            recs = ctx.of(unit)
            if not recs and self.missing == "missing":
                out[unit.id] = [_missing_line(ctx)]
                continue
            rate = self._rate(recs)
            if rate is None:
                out[unit.id] = [Line(ZERO, f"{ctx.window.chinese}无该项数据,不计分", None)]
                continue
            diff = rate - target
            if diff < 0:
                pts = _steps(-diff, self.step) * self.per_point_below
            else:
                pts = _steps(diff, self.step) * self.per_point_above
            if self.max_points is not None:
                pts = min(pts, self.max_points)
            if self.min_points is not None:
                pts = max(pts, self.min_points)
            side = "低于" if diff < 0 else "高于" if diff > 0 else "等于"
            reason = f"{ctx.window.chinese}为{fmt(rate)}%,{side}目标{fmt(target)}%" + (
                f" {fmt(abs(diff))} 个百分点" if diff else ""
            )
            last = _latest(recs)
            out[unit.id] = [Line(pts, reason, last.key if last and not self.numerator else None, _carried(recs))]
        return out

    def describe(self) -> str:
        text = f"目标 {fmt(self.target) if isinstance(self.target, Decimal) else '按单位/类别'}%,每低1个百分点 {fmt_points(self.per_point_below)}"
        if self.per_point_above:
            text += f",每高1个百分点 {fmt_points(self.per_point_above)}"
        return text


@attrs.frozen
class Quota(Shape):
    """任务分解: a count (or a sum of ``field``) against a target by unit or class.

    ``targets`` maps a unit (id, name or alias), a class, a series or ``*`` to its target per
    window. ``window_months`` lets a class (or unit) be assessed over a longer block of months —
    class C "每两月" is ``{C = 2}``; blocks are aligned on the start of the assessment year and the
    quota is assessed in the block's last month. ``per_short`` (negative) and ``per_over`` are per
    unit short or over, or once for the whole window with ``short_once``/``over_once`` (每项未达标
    的扣20分). With ``carry_surplus`` the surplus of a window carries to the next window of the same
    year (seed 000 l.524: "超出部分可累计推至下季度"), and ``year_end_per_over`` rewards what is left
    in the year's last window ("年底每超1人加20分").
    """

    shape: ClassVar[str] = "quota"

    targets: dict[str, Decimal] = attrs.field(converter=dec_table)
    per_short: Decimal = attrs.field(converter=dec)
    per_over: Decimal = attrs.field(default=Decimal(0), converter=dec)
    field: str | None = None
    short_once: bool = False
    over_once: bool = False
    window_months: dict[str, Decimal] = attrs.field(factory=dict, converter=dec_table)
    carry_surplus: bool = False
    year_end_per_over: Decimal = attrs.field(default=Decimal(0), converter=dec)
    what: str = "完成数"
    match: dict[str, tuple[str, ...]] = attrs.field(factory=dict, converter=match_table)
    """Count only records whose fields have these values (e.g. ``{type = "当场处罚"}``)."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.targets, dict):
            raise RuleError("quota 的 targets 应为表:单位/类别 → 目标数")
        for k, v in self.window_months.items():
            if v not in (1, 2, 3, 4, 6, 12):
                raise RuleError(f"window_months.{k} 应为 1、2、3、4、6 或 12 个月,得到 {fmt(v)}")

    def _blocks(
        self, ctx: RuleContext, unit: Unit, window: Sequence[Period] | None = None
    ) -> Sequence[Sequence[Period]] | None:
        """``window``: ``ctx.window.months()``, when the caller has them already."""
        window = ctx.window.months() if window is None else window
        months = target_for(self.window_months, unit) if self.window_months else None
        if months is None:
            months = Decimal(len(window))
        n = int(months)
        if ctx.period.last_month % n:
            return None  # this unit's block does not end in this period
        return _months_in_blocks(window[-1], n)

    def counts(self) -> CountSpec | None:
        """What this rule reads of the records: how many match (or the sum of ``field``), by unit
        and block of months (``evaluate_counts``); None for a subclass that scores otherwise."""
        if type(self).evaluate is not Quota.evaluate or type(self).evaluate_counts is not Quota.evaluate_counts:
            return None
        return CountSpec(tuple(self.match.items()), self.field)

    def evaluate(self, ctx: RuleContext) -> Lines:
        return self.evaluate_counts(ctx, record_counter(ctx.records, ctx.window.months(), ctx.fetch, self.match, self.field))

    def evaluate_counts(self, ctx: RuleContext, count: Counter) -> Lines:
        """``evaluate`` from the units' counts by block of months (``count``), not their records."""
        out: Lines = {}
        window = ctx.window.months()
        spans: dict[int, tuple[Sequence[Period], str]] = {}  # a block's label by its id (``_blocks``' are shared)
        for unit in ctx.units:
            target = target_for(self.targets, unit)
            if target is None:
                continue
            blocks = self._blocks(ctx, unit, window)
            if blocks is None:
                continue
            carry = ZERO
            history = blocks[:-1] if self.carry_surplus else []
            for block in history:
                done = count(block).get(unit.id, NONE).amount
                carry = max(ZERO, done + carry - target)
            current = blocks[-1]
            got = count(current).get(unit.id, NONE)
            done, carried = got.amount, got.carried
            named = spans.get(id(current))
            if named is None or named[0] is not current:
                span = current[0].label if len(current) == 1 else f"{current[0].label}至{current[-1].label}"
                spans[id(current)] = (current, span)
            else:
                span = named[1]
            have = done + carry
            reason = f"{span} {self.what}{fmt(done)}"
            if carry:
                reason += f",加上期结转{fmt(carry)}"
            reason += f",目标{fmt(target)}"
            if have < target:
                short = target - have
                pts = self.per_short if self.short_once else short * self.per_short
                reason += f",少{fmt(short)}"
            elif have > target:
                over = have - target
                reason += f",超{fmt(over)}"
                if self.carry_surplus:
                    last_of_year = current[-1].index == 12
                    pts = over * self.year_end_per_over if last_of_year else ZERO
                    reason += ",年底计加分" if last_of_year and self.year_end_per_over else ",结转下期"
                else:
                    pts = self.per_over if self.over_once else over * self.per_over
            else:
                pts = ZERO
                reason += ",恰好完成"
            out[unit.id] = [Line(pts, reason, None, carried)]
        return out

    def describe(self) -> str:
        t = "、".join(f"{k} {fmt(v)}" for k, v in self.targets.items())
        text = f"目标({t}),{'未完成' if self.short_once else '每少1'} {fmt_points(self.per_short)}"
        if self.per_over:
            text += f",{'超额完成' if self.over_once else '每多1'} {fmt_points(self.per_over)}"
        if self.window_months:
            text += ";考核期 " + "、".join(f"{k} 每{fmt(v)}个月" for k, v in self.window_months.items())
        return text


@attrs.frozen
class PerCapita(Shape):
    """人均指标: a total divided by the unit's headcount (and by the days of the window with
    ``per = "day"``) against a target per officer; ``per_unit_short`` (negative) per unit of
    per-capita shortfall ("人均每低一次扣2分"). The headcount is the unit's 民警人数 for the window, or
    a record field (``headcount_field``, e.g. the number of patrol officers). Per-capita figures are
    rounded to ``decimals`` places before comparison, as printed in the reason.

    A unit with no record in the window (its row absent from the sheet) is ``missing``: ``"zero"``
    (the default) counts a total of 0 with the unit list's 民警人数 — the full shortfall, so that no
    unit scores better by sending nothing; ``"missing"`` scores nothing and marks the line 数据缺失;
    ``"skip"`` scores nothing (see ``MISSING``)."""

    shape: ClassVar[str] = "per_capita"

    target: Decimal = attrs.field(converter=dec_table)
    per_unit_short: Decimal = attrs.field(converter=dec)
    per_unit_over: Decimal = attrs.field(default=Decimal(0), converter=dec)
    per: str = attrs.field(default="period", validator=attrs.validators.in_(("period", "day")))
    field: str | None = "value"
    headcount_field: str | None = None
    step: str = attrs.field(default="exact", validator=attrs.validators.in_(STEPS))
    decimals: int = 2
    what: str = "人均"
    missing: str = attrs.field(default="zero", validator=attrs.validators.in_(MISSING), metadata=LATER)

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        for unit in ctx.units:
            target = target_for(self.target, unit)
            if target is None:
                continue
            recs = ctx.of(unit)
            absent = self.field is not None and not recs  # a figure to be reported that was not
            if absent and self.missing == "missing":
                out[unit.id] = [_missing_line(ctx)]
                continue
            if absent and self.missing == "skip":
                out[unit.id] = [Line(ZERO, f"{ctx.window.chinese}无该项数据,不计分", None)]
                continue
            total = amount(recs, self.field)
            head: Decimal | None = None
            if self.headcount_field:
                heads = [D(r.get(self.headcount_field)) for r in recs if r.get(self.headcount_field) is not None]
                head = max(heads) if heads else None
            if head is None:
                hc = ctx.headcount(unit, ctx.window)
                head = None if hc is None else Decimal(hc)
            if not head:
                raise KaoheError(
                    f"单位 {unit.name}({unit.id})缺少 {ctx.window.label} 的民警人数,无法计算“{ctx.title}”的人均数:"
                    "请在单位配置的 headcount 中填写"
                )
            days = Decimal(ctx.calendar.days(ctx.window)) if self.per == "day" else Decimal(1)
            pc = quantize(total / head / days, self.decimals)
            diff = pc - target
            per_text = "每人每天" if self.per == "day" else "人均"
            reason = "未报送,按0计:" if absent else ""
            reason += f"合计{fmt(total)},{fmt(head)}人" + (f",{fmt(days)}天" if self.per == "day" else "")
            reason += f",{per_text}{fmt(pc)},目标{fmt(target)}"
            if diff < 0:
                pts = _steps(-diff, self.step) * self.per_unit_short
                reason += f",人均少{fmt(-diff)}"
            else:
                pts = _steps(diff, self.step) * self.per_unit_over
            out[unit.id] = [Line(pts, reason, None, _carried(recs))]
        return out

    def describe(self) -> str:
        per = "每人每天" if self.per == "day" else "人均"
        text = f"{per}不低于{fmt(self.target) if isinstance(self.target, Decimal) else '(按类别)'},人均每少1 {fmt_points(self.per_unit_short)}"
        if self.field is not None and self.missing != "zero":
            text += {"skip": ";未报送的不计分", "missing": ";未报送的标为数据缺失"}[self.missing]
        return text


@attrs.frozen
class YearOverYear(Shape):
    """与去年同期相比: a count (or sum of ``field``) against the same window last year.

    ``mode`` is ``count`` (每少1起加1分,每多1起扣2分) or ``percent`` (每下降一个百分点加1分).
    ``better`` says which direction is good (``lower`` for incidents). ``target`` is the change
    aimed at (同比下降5% is ``target = -5`` in percent mode); points are ``per_better`` per unit
    better than the target and ``per_worse`` (negative) per unit worse. A percent change against a
    zero last year is undefined: the item then gives no points and says so.
    """

    shape: ClassVar[str] = "year_over_year"

    per_better: Decimal = attrs.field(converter=dec)
    per_worse: Decimal = attrs.field(converter=dec)
    mode: str = attrs.field(default="count", validator=attrs.validators.in_(("count", "percent")))
    better: str = attrs.field(default="lower", validator=attrs.validators.in_(("lower", "higher")))
    target: Decimal = attrs.field(default=Decimal(0), converter=dec)
    field: str | None = None
    step: str = attrs.field(default="exact", validator=attrs.validators.in_(STEPS))
    what: str = "数"
    match: dict[str, tuple[str, ...]] = attrs.field(factory=dict, converter=match_table)
    """Count only records whose fields have these values."""

    def counts(self) -> CountSpec | None:
        """What this rule reads of the records: how many match (or the sum of ``field``), by unit,
        this period and the same period last year (``evaluate_counts``); None for a subclass that
        scores otherwise."""
        if type(self).evaluate is not YearOverYear.evaluate or type(self).evaluate_counts is not YearOverYear.evaluate_counts:
            return None
        return CountSpec(tuple(self.match.items()), self.field)

    def evaluate(self, ctx: RuleContext) -> Lines:
        return self.evaluate_counts(ctx, record_counter(ctx.records, ctx.window.months(), ctx.fetch, self.match, self.field))

    def evaluate_counts(self, ctx: RuleContext, count: Counter) -> Lines:
        """``evaluate`` from the units' counts (``count``), not their records."""
        out: Lines = {}
        last = count(ctx.window.same_last_year().months())
        this = count(ctx.window.months())
        for unit in ctx.units:
            mine = this.get(unit.id, NONE)
            now, carried = mine.amount, mine.any_carried  # any of the unit's records in the window
            before = last.get(unit.id, NONE).amount
            reason = f"本期{self.what}{fmt(now)},去年同期{fmt(before)}"
            if self.mode == "percent":
                if before == 0:
                    out[unit.id] = [Line(ZERO, reason + ",去年同期为0,无法计算同比,不计分", None, carried)]
                    continue
                change = quantize((now - before) / before * 100, 2)
                reason += f",同比{'上升' if change > 0 else '下降' if change < 0 else '持平'}{fmt(abs(change))}%"
                unit_text = "个百分点"
            else:
                change = now - before
                unit_text = ""
            if self.target:
                reason += f"(目标{fmt(self.target)}{'%' if self.mode == 'percent' else ''})"
            diff = change - self.target
            better_by = -diff if self.better == "lower" else diff
            if better_by > 0:
                pts = _steps(better_by, self.step) * self.per_better
                reason += f",好于目标{fmt(better_by)}{unit_text}"
            elif better_by < 0:
                pts = _steps(-better_by, self.step) * self.per_worse
                reason += f",差于目标{fmt(-better_by)}{unit_text}"
            else:
                pts = ZERO
            out[unit.id] = [Line(pts, reason, None, carried)]
        return out

    def describe(self) -> str:
        unit = "个百分点" if self.mode == "percent" else ""
        return f"与去年同期比,每好1{unit} {fmt_points(self.per_better)},每差1{unit} {fmt_points(self.per_worse)}"


