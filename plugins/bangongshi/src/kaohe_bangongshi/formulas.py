"""The two rules of 第七条 that no kernel shape expresses, as pure functions (``rules.Formula``).

- 情报信息采集报送 (l.458): 每人每月不少于3条(维稳信息不少于1条),总量每少1条扣2分 — a target per
  officer, but points per *item* of the unit's total shortfall (the kernel's PerCapita scores per unit
  of the per-capita figure).
- 宣传报道、政工信息的超额加分 (l.472): 在达标基础上,每超1条按档次分别加分 — the surplus over a
  class target, each surplus piece scored by its own level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from kaohe import D, Line, Period, Record, Unit
from kaohe.rules import RuleContext

ZERO = Decimal(0)


def fmt(value: Decimal) -> str:
    """A Decimal as a person writes it: 2, 0.5, −20."""
    text = format(value.normalize(), "f")
    return text


def _for_unit(table: Any, unit: Unit) -> Decimal | None:
    """A value by unit (id, name or alias), else class, else tag, else series, else ``*``."""
    if not isinstance(table, Mapping):
        return None if table is None else D(table)
    for key in (*unit.names, unit.klass, *unit.tags, unit.series, "*"):
        if key is not None and key in table:
            return D(table[key])
    return None


def _block(ctx: RuleContext, unit: Unit, window_months: Mapping[str, Any]) -> list[Period] | None:
    """The months the unit is assessed over in this period (A 每月, B 每季, C 每半年), or None when
    the unit's block does not end in this period. Blocks are aligned on the start of the year."""
    n = _for_unit(window_months, unit) if window_months else None
    size = int(n) if n is not None else len(ctx.window.months())
    last = ctx.window.months()[-1]
    if last.index % size:
        return None
    return [Period(last.year, "month", m) for m in range(last.index - size + 1, last.index + 1)]


def _records(ctx: RuleContext, unit: Unit, block: list[Period]) -> Sequence[Record]:
    if block == ctx.window.months():
        return ctx.of(unit)
    return ctx.fetch(block).get(unit.id, ())


def _span(block: list[Period]) -> str:
    return block[0].chinese if len(block) == 1 else f"{block[0].chinese}至{block[-1].chinese}"


def intel_per_capita(ctx: RuleContext, params: dict[str, Any]) -> dict[str, list[Line]]:
    """l.458: 派出所民警每人每月收集上报情报信息不少于3条(涉及维护政治稳定的情报信息不少于1条)……总量每少1条扣2分.

    Required: ``per_officer`` × 民警人数 items in all, of which ``stability_per_officer`` × 民警人数
    concern political stability. The shortfall is the number of items still missing to meet both
    (a missing 维稳 item also counts towards the total): max(总量差额, 维稳差额, 0); points are
    shortfall × ``per_short``. The 民警人数 is the figure in the monthly table if given, else the
    unit's configured headcount. A unit with no figures for the month is not scored (无数据)."""
    per_officer = D(params["per_officer"])
    stab_per = D(params["stability_per_officer"])
    per_short = D(params["per_short"])
    out: dict[str, list[Line]] = {}
    for unit in ctx.units:
        recs = ctx.of(unit)
        if not recs:
            out[unit.id] = [Line(ZERO, f"{ctx.window.chinese}无情报信息报送统计数据,不计分", None)]
            continue
        total = sum((D(r.get("total") or 0) for r in recs), ZERO)
        stab = sum((D(r.get("stability") or 0) for r in recs), ZERO)
        heads = [D(r.get("headcount")) for r in recs if r.get("headcount")]
        if heads:
            head = max(heads)
        else:
            hc = ctx.headcount(unit, ctx.window)
            if not hc:
                raise ValueError(f"单位 {unit.name} 缺少民警人数,无法计算“{ctx.title}”")
            head = Decimal(hc)
        need = per_officer * head
        need_stab = stab_per * head
        short = max(need - total, need_stab - stab, ZERO)
        reason = (
            f"{ctx.window.chinese}民警{fmt(head)}人,应报情报信息{fmt(need)}条(其中维稳信息{fmt(need_stab)}条),"
            f"实报{fmt(total)}条(其中维稳信息{fmt(stab)}条)"
        )
        reason += f",少{fmt(short)}条" if short else ",已完成"
        out[unit.id] = [Line(short * per_short, reason, recs[0].key if len(recs) == 1 else None)]
    return out


def surplus_by_level(ctx: RuleContext, params: dict[str, Any]) -> dict[str, list[Line]]:
    """l.472: 在达标基础上,每超1条按档次分别加分.

    ``targets`` by class (or unit) per block of ``window_months`` months (default: the item's
    window); pieces whose level is in ``counted`` (all levels when empty) count towards the target.
    Only a unit that met its target earns a bonus. The target is filled by the counted pieces of the
    lowest levels; every other piece — the counted ones beyond the target and those whose level does
    not count towards it (金坛级) — earns the points of its level (``levels``). The shortfall itself
    is a separate item (the quota)."""
    levels = {str(k): D(v) for k, v in params["levels"].items()}
    counted = set(params.get("counted") or levels)
    what = params.get("what", "录用")
    out: dict[str, list[Line]] = {}
    for unit in ctx.units:
        target = _for_unit(params["targets"], unit)
        if target is None:
            continue
        block = _block(ctx, unit, params.get("window_months") or {})
        if block is None:
            continue
        recs = [r for r in _records(ctx, unit, block) if str(r.get("level")) in levels]
        eligible = sorted((r for r in recs if str(r.get("level")) in counted), key=lambda r: (levels[str(r.get("level"))], r.date, r.key))
        if Decimal(len(eligible)) < target:
            out[unit.id] = [Line(ZERO, f"{_span(block)}{what}{len(eligible)}条,未达到{fmt(target)}条,不计超额加分", None)]
            continue
        filling = eligible[: int(target)]
        extra = [r for r in recs if r not in filling]
        if not extra:
            out[unit.id] = [Line(ZERO, f"{_span(block)}{what}{len(eligible)}条,恰好达标,无超额", None)]
            continue
        lines = []
        for r in sorted(extra, key=lambda r: (r.date, r.key)):
            level = str(r.get("level"))
            text = f"{r.date.month}月{r.date.day}日 {r.note}" if r.note else f"{r.date.month}月{r.date.day}日"
            lines.append(Line(levels[level], f"{text}(超过达标数{fmt(target)}条,{_level_name(level)})", r.key, r.carried_from is not None))
        out[unit.id] = lines
    return out


def _level_name(level: str) -> str:
    """A level as a sentence names it: 省厅 → 省厅级, 地级 and 金坛级 stay as they are (never 地级级)."""
    return level if level.endswith("级") else f"{level}级"
