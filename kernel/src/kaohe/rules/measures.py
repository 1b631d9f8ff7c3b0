"""Shapes that turn reported figures into points: an indicator's rate scored in proportion to its
full points (seed 002's 案件规范率, 回访满意度 …), a weighted mix of evaluators' survey scores
(下城 2011 满意度测评, seed 000 l.344-346), and a flag that takes a unit out of the awards without
touching its score (下城 2011 取消评优资格, l.358-366)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

import attrs

from ..core.decimals import ZERO, D, fmt, quantize
from ..core.model import Line, Record, Unit
from .base import Lines, RuleContext, Shape, dec, dec_table, match_table, record_text, target_for

COMBINE = ("mean", "latest")


def _latest(records: Sequence[Record]) -> Record:
    return max(records, key=lambda r: (r.date, r.key))


@attrs.frozen
class Measure(Shape):
    """指标按比率计分: the indicator's figure (a rate in %, or a score out of 100) earns
    ``points × figure ÷ full_at``, at most ``points``. The figure of the window is the mean of the
    figures reported in it (one a month: 月自查) or, with ``combine = "latest"``, the latest one;
    means are rounded to ``decimals`` places, as printed in the reason. A unit that reported no
    figure in the window gets 0 points and the reason says so (未报送)."""

    shape: ClassVar[str] = "measure"

    points: Decimal = attrs.field(converter=dec_table)
    """Full points of the indicator: a number, or a table by unit, class, tag or series."""
    full_at: Decimal = attrs.field(default=Decimal(100), converter=dec)
    field: str = "value"
    combine: str = attrs.field(default="mean", validator=attrs.validators.in_(COMBINE))
    decimals: int = 2
    what: str = "指标"

    def check(self, record: Record) -> str | None:
        v = record.get(self.field)
        if v is None:
            return f"应填写{self.what}的数值"
        if not ZERO <= D(v) <= max(self.full_at, Decimal(100)):
            return f"{self.what}应在 0 至 {fmt(max(self.full_at, Decimal(100)))} 之间,得到 {fmt(D(v))}"
        return None

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        for unit in ctx.units:
            full = target_for(self.points, unit)
            if full is None:
                continue
            recs = [r for r in ctx.of(unit) if r.get(self.field) is not None]
            if not recs:
                out[unit.id] = [Line(ZERO, f"{ctx.window.chinese}未报送{self.what},计0分")]
                continue
            if self.combine == "latest" or len(recs) == 1:
                last = _latest(recs)
                figure = D(last.get(self.field))
                how = f"{self.what}{fmt(figure)}"
                key = last.key
            else:
                values = [D(r.get(self.field)) for r in sorted(recs, key=lambda r: (r.date, r.key))]
                figure = quantize(sum(values, ZERO) / len(values), self.decimals)
                how = f"{self.what}{len(values)}次平均({'、'.join(fmt(v) for v in values)})= {fmt(figure)}"
                key = None
            share = min(figure, self.full_at) / self.full_at
            pts = quantize(full * share, self.decimals)
            reason = f"{how},{fmt(full)}分 × {fmt(min(figure, self.full_at))}/{fmt(self.full_at)} = {fmt(pts)}分"
            out[unit.id] = [Line(pts, reason, key, any(r.carried_from is not None for r in recs))]
        return out

    def describe(self) -> str:
        full = fmt(self.points) if isinstance(self.points, Decimal) else "按单位/类别"
        return f"{self.what}按比率计分:满分{full}分 × 比率 ÷ {fmt(self.full_at)}"


@attrs.frozen
class WeightedScores(Shape):
    """满意度测评: evaluators' groups score the unit (out of 100); the result is Σ share × the mean
    score of each group ÷ 100 (派出所评议占70%,分局党委成员评议占30%). ``shares`` is a table of
    group → share in %, or a table of such tables by unit, class, tag or series (series weigh the
    groups differently). A record's group is its ``group_field`` (the 名称 column of the office's
    register is stored as ``campaign``). A group with no score counts 0 and the reason says so."""

    shape: ClassVar[str] = "weighted_scores"

    shares: dict[str, object] = attrs.field(converter=dec_table)
    field: str = "value"
    group_field: str = "campaign"
    what: str = "测评"

    def _shares_for(self, unit: Unit) -> dict[str, Decimal] | None:
        flat = {k: v for k, v in self.shares.items() if isinstance(v, Decimal)}
        if len(flat) == len(self.shares):
            return flat
        for key in (*unit.names, unit.klass, *unit.tags, unit.series, "*"):
            shares = self.shares.get(key) if key is not None else None
            if isinstance(shares, dict):
                return shares
        return None

    def check(self, record: Record) -> str | None:
        if record.get(self.field) is None:
            return f"应填写{self.what}得分"
        if not record.get(self.group_field):
            return f"应填写{self.what}的评议主体(名称栏)"
        return None

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        for unit in ctx.units:
            shares = self._shares_for(unit)
            if not shares:
                continue
            by_group: dict[str, list[Decimal]] = defaultdict(list)
            for r in ctx.of(unit):
                g = str(r.get(self.group_field) or "")
                if g in shares and r.get(self.field) is not None:
                    by_group[g].append(D(r.get(self.field)))
            lines = []
            for group, share in shares.items():
                scores = by_group.get(group, [])
                if not scores:
                    lines.append(Line(ZERO, f"{group}:无{self.what}得分,按0计(占{fmt(share)}%)"))
                    continue
                mean = quantize(sum(scores, ZERO) / len(scores), 2)
                pts = quantize(mean * share / 100, 2)
                avg = f"{len(scores)}份平均{fmt(mean)}" if len(scores) > 1 else f"{fmt(mean)}"
                label = group if group.endswith(self.what) else f"{group}{self.what}"  # 派出所民警评议, not …评议评议
                lines.append(Line(pts, f"{label}得分{avg} × {fmt(share)}% = {fmt(pts)}"))
            out[unit.id] = lines
        return out

    def describe(self) -> str:
        return f"{self.what}:各评议主体得分按比例合成"


@attrs.frozen
class Disqualify(Shape):
    """取消评优资格 (下城 2011 l.358): any matching record raises ``flag`` on the unit, without
    changing its score (unlike the veto, which makes the period 0). The flag stays on the unit in
    the quarter, half-year and year that contain the record."""

    shape: ClassVar[str] = "disqualify"
    raises_flags: ClassVar[bool] = True

    flag: str = "取消评优资格"
    match: dict[str, tuple[str, ...]] = attrs.field(factory=dict, converter=match_table)

    def evaluate(self, ctx: RuleContext) -> Lines:
        out: Lines = {}
        selected = ctx.matching(self.match)
        for unit in ctx.units:
            for r in selected.get(unit.id, ()):
                out.setdefault(unit.id, []).append(
                    Line(ZERO, f"{record_text(r)}({self.flag},不影响得分)", r.key, r.carried_from is not None, self.flag)
                )
        return out

    def describe(self) -> str:
        return f"有此情形即{self.flag}(不扣分)"
