"""绩效奖金 (issue 21, seed 003: 排在前10%序列的警队,民警月目标管理绩效津贴达到900元): a pool per quarter
divided among the ranked officers by the bureau's rule — in proportion to their scores (unit score ×
coefficient ± own items), or by band or grade with fixed amounts or ratios — with a floor and a cap per
officer. Everything is counted in fen (分, whole numbers): the amounts add up exactly to the pool; the
fen left when each share is rounded down go one each to the largest remainders, equal remainders to the
better ranked (then the smaller 警号). With ``scope = "unit"`` the pool is first divided among the units
in proportion to unit score × officers ranked, the same way. See docs/readings.md (绩效奖金)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs

from ...core.decimals import ZERO, fmt
from ...core.errors import KaoheError
from ...report.xlsx import safe_text
from .scores import OfficerScore
from .settings import BonusRule, OfficerSettings

FEN = 100


def fen(yuan: Decimal) -> int:
    return int(yuan * FEN)


def yuan(amount: int) -> Decimal:
    return (Decimal(amount) / FEN).quantize(Decimal("0.01"))


def _weights(values: Sequence[Decimal]) -> list[int]:
    """Non-negative decimals as whole numbers of one scale (a negative weighs 0)."""
    places = max((-v.as_tuple().exponent for v in values if isinstance(v.as_tuple().exponent, int)), default=0)  # type: ignore[operator]
    places = max(places, 0)
    return [max(int(v.scaleb(places)), 0) for v in values]


def divide(pool: int, weights: Sequence[int], order: Sequence[int], floor: int = 0, cap: int | None = None) -> list[int]:
    """``pool`` fen divided in proportion to ``weights`` (whole numbers ≥ 0), each share at least
    ``floor`` and at most ``cap``: share_i = clamp(λ·w_i, floor, cap) with the λ that makes the shares
    add up to ``pool``, found exactly (whole numbers and fractions, no rounding); each share then
    rounded down to the fen and the fen left given one each to the largest remainders, equal
    remainders by ``order`` (position in the ranking, smaller first). The result adds up to ``pool``."""
    n = len(weights)
    if n == 0:
        if pool:
            raise KaoheError("没有参加分配的民警,奖金池无法分配")
        return []
    if floor * n > pool:
        raise KaoheError(f"保底 {yuan(floor)} 元 × {n} 人 = {yuan(floor * n)} 元,超过奖金池 {yuan(pool)} 元")
    if not any(weights):  # nobody has a weight: equal shares
        weights = [1] * n
    if cap is not None:  # an officer of no weight stays at the floor
        zero = sum(1 for w in weights if not w)
        if cap * (n - zero) + floor * zero < pool:
            raise KaoheError(
                f"封顶 {yuan(cap)} 元 × {n - zero} 人" + (f" + 保底 {yuan(floor)} 元 × {zero} 人(得分或比例为0)" if zero else "")
                + f" = {yuan(cap * (n - zero) + floor * zero)} 元,不足奖金池 {yuan(pool)} 元"
            )
    ws = sorted(weights)
    prefix = [0]
    for w in ws:
        prefix.append(prefix[-1] + w)
    top = cap if cap is not None else 0

    def parts(lam: Fraction) -> tuple[int, int, int]:
        """(officers at the floor: w·λ ≤ floor, officers at the cap: w·λ ≥ cap, the others' weight)."""
        low = bisect_right(ws, floor / lam)
        high = min(n - bisect_left(ws, cap / lam), n - low) if cap is not None else 0
        return low, high, prefix[n - high] - prefix[low]

    def f(lam: Fraction) -> Fraction:
        low, high, mid = parts(lam)
        return low * floor + high * top + lam * mid

    # f grows with λ and bends at floor/w and cap/w: find the interval between two bends holding f = pool
    distinct = sorted({w for w in ws if w}, reverse=True)
    left, right = Fraction(0), None
    for bound in ((floor,) if floor else ()) + ((cap,) if cap is not None else ()):
        points = [Fraction(bound, w) for w in distinct]  # ascending
        lo, hi = 0, len(points)
        while lo < hi:  # the first bend with f ≥ pool
            m = (lo + hi) // 2
            if f(points[m]) >= pool:
                hi = m
            else:
                lo = m + 1
        if lo > 0:
            left = max(left, points[lo - 1])
        if lo < len(points):
            right = points[lo] if right is None else min(right, points[lo])
    probe = left + 1 if right is None else (left + right) / 2  # inside: who is at floor or cap is fixed
    low_line, high_line = floor / probe, (cap / probe if cap is not None else None)
    _, _, mid = parts(probe)
    at_floor = [w <= low_line for w in weights]
    at_cap = [high_line is not None and not at_floor[i] and w >= high_line for i, w in enumerate(weights)]
    rest = pool - sum(at_floor) * floor - sum(at_cap) * top
    base: list[int] = []
    rem: list[int] = []
    for i, w in enumerate(weights):
        if at_floor[i] or at_cap[i]:
            base.append(floor if at_floor[i] else top)
            rem.append(0)
        else:
            q, r = divmod(rest * w, mid)
            base.append(q)
            rem.append(r)
    left_over = pool - sum(base)
    chosen = sorted((i for i in range(n) if rem[i] > 0), key=lambda i: (-rem[i], order[i]))[:left_over]
    assert len(chosen) == left_over  # the remainders add up to left_over × mid: enough are positive
    for i in chosen:
        base[i] += 1
    return base


def _approx(numerator: int, denominator: int) -> str:
    """An exact share of ``numerator / denominator`` fen in 元 to 4 places, as a person checks it (… when cut)."""
    whole, rest = divmod(numerator * 100, denominator)  # 元 × 10,000
    return f"{Decimal(whole) / 10000:.4f}" + ("…" if rest else "")


@attrs.frozen
class Share:
    officer: str
    name: str
    unit: str
    amount: int
    """Fen."""
    reason: str


def _key(rule: BonusRule, s: OfficerScore) -> str:
    return str(s.band) if rule.method == "band" else s.grade


def _table_text(table: Mapping[str, Decimal], method: str) -> str:
    what = "序列" if method == "band" else "等次"
    return "、".join(f"{what}{k} {fmt(v)}" if method == "band" else f"{k} {fmt(v)}" for k, v in table.items())


def _divide_among(rule: BonusRule, pool: int | None, members: Sequence[OfficerScore], where: str) -> list[Share]:
    order = {s.officer: i for i, s in enumerate(sorted(members, key=lambda s: (s.rank or 0, s.officer)))}
    floor = fen(rule.floor) if rule.floor is not None else 0
    cap = fen(rule.cap) if rule.cap is not None else None
    if rule.amounts:  # fixed amounts by band or grade (900 元 for the top band)
        out = []
        for s in members:
            k = _key(rule, s)
            amount = fen(rule.amounts.get(k, ZERO))
            lim = ""
            if amount < floor:
                amount, lim = floor, f",保底 {fmt(rule.floor)} 元"
            if cap is not None and amount > cap:
                amount, lim = cap, f",封顶 {fmt(rule.cap)} 元"
            label = f"第{k}序列" if rule.method == "band" else f"等次“{k}”"
            out.append(Share(s.officer, s.name, s.unit, amount, f"{label}固定金额 {fmt(rule.amounts.get(k, ZERO))} 元{lim}"))
        return out
    assert pool is not None
    if rule.method == "score":
        values = [s.score if s.score is not None else ZERO for s in members]
        what = "个人得分(单位得分 × 考核系数 ± 个人项目)"
    else:
        values = [rule.ratios.get(_key(rule, s), ZERO) for s in members]
        what = f"{'序列' if rule.method == 'band' else '等次'}比例({_table_text(rule.ratios, rule.method)})"
    weights = _weights(values)
    amounts = divide(pool, weights, [order[s.officer] for s in members], floor, cap)
    total = sum(values, ZERO)
    scale = sum(weights) or len(members)
    out = []
    for s, v, w, a in zip(members, values, weights, amounts, strict=True):
        num = pool * (w if sum(weights) else 1)  # the unclamped share is num / scale fen
        limit = ""
        if floor and a == floor and num < floor * scale:
            limit = f",低于保底,按保底 {fmt(rule.floor)} 元"
        elif cap is not None and a == cap and num > cap * scale:
            limit = f",超过封顶,按封顶 {fmt(rule.cap)} 元"
        share = f"{yuan(pool)} × {fmt(v)} / {fmt(total)}" + ("" if limit else f" = {_approx(num, scale)}")
        out.append(Share(
            s.officer, s.name, s.unit, a,
            f"{where}奖金池按{what}分配:{share}{limit};分到分后余下的分按余数从大到小补足(余数相同的名次在前者先),得 {yuan(a)} 元",
        ))
    return out


def bonus(settings: OfficerSettings, scores: Sequence[OfficerScore], pool: Decimal | None, unit_totals: Mapping[str, Decimal]) -> list[Share]:
    """Each ranked officer's bonus (in fen) for the quarter of ``scores`` (ranked by
    ``scores.rank_quarter``). ``pool`` in 元 (None: the configured one); ``unit_totals``: unit id →
    its score of the quarter, to divide a pool among units (``scope = "unit"``)."""
    rule = settings.bonus
    if rule is None:
        raise KaoheError("配置中没有 [officers.bonus](绩效奖金的分配办法):见 docs/configuration.md")
    members = [s for s in scores if s.ranked and s.score is not None]
    if rule.amounts:
        return _divide_among(rule, None, members, "")
    pool = pool if pool is not None else rule.pool
    if pool is None:
        raise KaoheError("没有奖金池金额:在 [officers.bonus] 写 pool = 金额(元),或用 --pool 给出")
    if pool < 0 or pool != pool.quantize(Decimal("0.01")):
        raise KaoheError(f"奖金池应为不小于0的金额(元,最多两位小数),得到 {pool}")
    if rule.scope == "bureau":
        return _divide_among(rule, fen(pool), members, "全局")
    by_unit: dict[str, list[OfficerScore]] = {}
    for s in members:
        by_unit.setdefault(s.unit, []).append(s)
    units = sorted(by_unit, key=lambda u: (-unit_totals.get(u, ZERO), u))
    values = [unit_totals.get(u, ZERO) * len(by_unit[u]) for u in units]
    pools = divide(fen(pool), _weights(values), list(range(len(units))))
    out: list[Share] = []
    for u, v, p in zip(units, values, pools, strict=True):
        where = f"本单位(全局奖金池 {fmt(pool)} 元按单位得分 × 参加分配人数 {fmt(v)} / {fmt(sum(values, ZERO))} 分到本单位 {yuan(p)} 元)"
        out.extend(_divide_among(rule, p, by_unit[u], where))
    return out


def payroll(directory: Path, period: str, scores: Sequence[OfficerScore], shares: Sequence[Share]) -> list[Path]:
    """One payroll workbook (绩效奖金发放表) per unit in ``directory``: each officer's score, ranks,
    band, grade, amount (元) and how it follows, and the unit's total."""
    import openpyxl
    from openpyxl.styles import Font

    directory.mkdir(parents=True, exist_ok=True)
    by = {s.officer: s for s in shares}
    units: dict[str, list[OfficerScore]] = {}
    for s in scores:
        units.setdefault(s.unit, []).append(s)
    written = []
    for unit, members in units.items():
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        name = members[0].unit_name
        ws.title = "绩效奖金"
        ws.append([safe_text(f"{name} {period} 民警绩效奖金发放表")])
        ws["A1"].font = Font(bold=True)
        ws.append(["序号", "警号", "姓名", "考核得分", "考核系数", "单位内名次", "全局名次", "序列", "等次", "金额(元)", "说明"])
        total = 0
        for i, s in enumerate(members, start=1):
            share = by.get(s.officer)
            amount = share.amount if share else 0
            total += amount
            ws.append([
                i, safe_text(s.officer), safe_text(s.name), s.score, s.coefficient, s.unit_rank, s.rank, s.band,
                safe_text(s.grade) if s.grade else None, yuan(amount), safe_text(share.reason) if share else ("不参加分配:" + s.tree.reason),
            ])  # the roster's names and numbers as text, never read as a formula (=HYPERLINK(…) for a name)
            ws.cell(ws.max_row, 10).number_format = "0.00"
        ws.append([None, None, "合计", None, None, None, None, None, None, yuan(total), None])
        ws.cell(ws.max_row, 10).number_format = "0.00"
        path = directory / f"绩效奖金_{period}_{name}.xlsx"
        wb.save(path)
        written.append(path)
    return written
