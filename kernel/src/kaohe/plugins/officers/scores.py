"""民警个人考核 (二级考核, seed 000 l.62-70, l.84-86; seed 003 按10%一个序列): each officer's score for a
quarter, his ranks within the unit and within the bureau's officer series, his band and grade, and the
checks the scheme asks of a unit's coefficients.

An officer's score is the unit's score × the officer's coefficient (各单位根据考核情况,将个人考核系数因素,
统一计算在考核结果中, l.66) plus or minus the officer's own items: officer-level items declared in
``[officers.items]`` with a rule shape of kaohe.rules, scoring the officers' own records as the kernel's
rules score the units' (each officer a ``Unit`` of the rule's context, grouped by his unit). Officers the
coefficients leave out (leave, posted) have no score; an officer in his first quarter (l.86) is scored
without the unit's 业务工作 categories and without his own 业务工作 items, and is not ranked unless the
bureau says so. Everything here is a pure function of its arguments: the unit results are given (the
stored results, read by the command), the officers' rows by ``coefficients``. See docs/readings.md
(民警个人考核).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal

import attrs

from ...core.decimals import ZERO, fmt, fmt_points
from ...core.model import Record, Unit, UnitResult
from ...core.periods import Calendar, Period
from ...rules import RuleContext, competition_ranks
from .coefficients import ASSESSED, NO_BUSINESS, OfficerQuarter
from .settings import OfficerSettings

OBJECTION_ARTICLE = "八、2(各单位考核结果在单位内部公布3天,民警无异议的,报考核办备案)"

BUREAU = "全局"
"""The key of the bureau-wide officers' series (``scope = "bureau"``)."""


@attrs.frozen
class Node:
    """One node of an officer's explanation: its points (None: not a number), the reason and the
    regulation it cites, and what it is made of."""

    label: str
    points: Decimal | None = None
    reason: str = ""
    basis: str = ""
    children: tuple[Node, ...] = ()

    def lines(self, depth: int = 0) -> list[str]:
        pts = "" if self.points is None else f" {fmt(self.points)}"
        text = f"{'  ' * depth}{self.label}{pts}" + (f":{self.reason}" if self.reason else "")
        if self.basis:
            text += f"(依据:{self.basis})"
        out = [text]
        for c in self.children:
            out.extend(c.lines(depth + 1))
        return out

    def data(self) -> dict[str, object]:
        return {
            "label": self.label, "points": None if self.points is None else fmt(self.points), "reason": self.reason,
            "basis": self.basis, "children": [c.data() for c in self.children],
        }


@attrs.frozen
class OfficerScore:
    """One officer in one quarter: his score (None when not assessed) with its explanation, and where he stands."""

    officer: str
    name: str
    unit: str
    unit_name: str
    period: str
    status: str
    coefficient: Decimal | None
    unit_score: Decimal | None
    """The unit's score the coefficient multiplies (without 业务工作 in a first quarter)."""
    items: Decimal
    """The officer's own items, added."""
    score: Decimal | None
    ranked: bool
    """Ranked, graded and sharing the bonus."""
    tree: Node
    series: str = BUREAU
    unit_rank: int | None = None
    unit_count: int = 0
    rank: int | None = None
    """The rank in the officers' series (``series``)."""
    count: int = 0
    band: int | None = None
    """1 is the top 10 % of the officers' series (with ``bands = 10``)."""
    grade: str = ""
    grade_reason: str = ""


def _item_lines(
    settings: OfficerSettings, officers: Sequence[OfficerQuarter], records: Iterable[Record], calendar: Calendar, period: Period
) -> dict[str, list[tuple[str, Decimal, Node]]]:
    """Officer → (item id, points after cap and floor, explanation node) of each officer-level item
    with lines for him. Each item's rule scores the officers' records of the quarter as it scores
    units' records: every officer is a ``Unit`` of the context, grouped by his unit (``series``)."""
    if not settings.items:
        return {}
    start, end = calendar.start(period), calendar.end(period)
    people = [Unit(o.officer, o.name, o.unit) for o in officers]
    known = {o.officer for o in officers}
    by_kind: dict[str, dict[str, list[Record]]] = {}
    for r in records:
        if start <= r.date <= end and r.unit in known:
            by_kind.setdefault(r.kind, {}).setdefault(r.unit, []).append(r)
    out: dict[str, list[tuple[str, Decimal, Node]]] = {}
    for item in settings.items.values():
        mine = by_kind.get(item.id, {})
        if not mine:
            continue
        ctx = RuleContext(title=item.title, period=period, window=period, calendar=calendar, units=people, records=mine)
        for oid, lines in item.rule.evaluate(ctx).items():
            if not lines:
                continue
            raw = sum((ln.points for ln in lines), ZERO)
            points = raw
            note = ""
            if item.cap is not None and points > item.cap:
                points, note = item.cap, f"合计 {fmt_points(raw)},最高 {fmt_points(item.cap)}"
            if item.floor is not None and points < item.floor:
                points, note = item.floor, f"合计 {fmt_points(raw)},最低 {fmt_points(item.floor)}"
            kids = tuple(Node(ln.reason, ln.points, basis=f"记录:{ln.record}" if ln.record else "") for ln in lines)
            node = Node(item.title, points, note, settings.basis(item), kids)
            out.setdefault(oid, []).append((item.id, points, node))
    return out


def _unit_node(settings: OfficerSettings, result: UnitResult, unit_name: str, period: Period, unit: str, first: bool) -> Node:
    """The unit's score an officer's coefficient multiplies, with its categories: the total, or in an
    officer's first quarter (``first``) the total without the 业务工作 categories (l.86)."""
    cats = [Node(c.name, c.score) for c in result.categories]
    base = result.total
    base_reason = f"{unit_name} {period.label} 总分"
    if first:
        left_out = [c for c in result.categories if c.category in settings.business_categories]
        base = result.total - sum((c.score for c in left_out), ZERO)
        base_reason += f" {fmt(result.total)},到岗第一个季度不参加业务工作考核,减去{'、'.join(c.name for c in left_out)}"
        cats = [Node(c.name, c.score, "不计" if c in left_out else "") for c in result.categories]
    base_reason += "(单位考核结果,各项明细见本单位该期的考核通报)"
    return Node("单位得分", base, base_reason, "", tuple(cats))


def score_quarter(
    settings: OfficerSettings,
    rows: Sequence[OfficerQuarter],
    units: Mapping[str, UnitResult],
    records: Iterable[Record],
    calendar: Calendar,
    period: Period,
    names: Mapping[str, str] | None = None,
    corrections: Mapping[str, Sequence[tuple[Decimal, str]]] | None = None,
) -> list[OfficerScore]:
    """Every officer of ``rows`` (one quarter's, from ``coefficients.quarter``) scored from his unit's
    result in ``units`` (unit id → its result of the quarter) and his own records, with the
    ``corrections`` (officer → points and why) of his objections the unit upheld; not yet ranked."""
    names = names or {}
    corrections = corrections or {}
    unit_nodes: dict[tuple[str, bool], Node] = {}
    items = _item_lines(settings, [r for r in rows if r.coefficient is not None], records, calendar, period)
    out = []
    for r in rows:
        unit_name = names.get(r.unit, r.unit)
        result = units.get(r.unit)
        head = f"{r.name}({r.officer}){unit_name} {period.chinese}"
        if r.coefficient is None:
            tree = Node(head, None, f"{r.status}:{r.reason}", settings.cite("八、3-4"))
            out.append(OfficerScore(r.officer, r.name, r.unit, unit_name, r.period, r.status, None, None, ZERO, None, False, tree))
            continue
        if result is None:
            tree = Node(head, None, f"{unit_name} {period.label} 没有单位考核结果,无法计算个人得分")
            out.append(OfficerScore(r.officer, r.name, r.unit, unit_name, r.period, r.status, r.coefficient, None, ZERO, None, False, tree))
            continue
        first = r.status == NO_BUSINESS
        key = (r.unit, first and bool(settings.business_categories))
        if key not in unit_nodes:  # the unit's part of the explanation, made once per unit (immutable, shared)
            unit_nodes[key] = _unit_node(settings, result, unit_name, period, r.unit, key[1])
        unit_node = unit_nodes[key]
        base = unit_node.points if unit_node.points is not None else result.total
        product = base * r.coefficient
        coef_node = Node("考核系数", r.coefficient, r.reason, settings.cite("六、2"))
        own = [(i, p, n) for i, p, n in items.get(r.officer, []) if not (first and settings.items[i].business)]
        skipped = [n for i, _, n in items.get(r.officer, []) if first and settings.items[i].business]
        fixes = [Node("异议更正", p, why, settings.cite(OBJECTION_ARTICLE)) for p, why in corrections.get(r.officer, ())]
        own += [("", n.points, n) for n in fixes if n.points is not None]
        own_points = sum((p for _, p, _ in own), ZERO)
        kids: list[Node] = [
            Node("单位得分 × 考核系数", product, f"{fmt(base)} × {fmt(r.coefficient)}",
                 settings.citation or settings.cite("六、3(各单位根据考核情况,将个人考核系数因素,统一计算在考核结果中)"), (unit_node, coef_node))
        ]
        if own or skipped:
            item_nodes = tuple(n for _, _, n in own) + tuple(
                attrs.evolve(n, points=ZERO, reason="到岗第一个季度不参加业务工作考核,不计") for n in skipped
            )
            kids.append(Node("个人考核项目", own_points, "", "", item_nodes))
        score = product + own_points
        ranked = r.status == ASSESSED or (first and settings.first_quarter == "ranked")
        sign = f" {'−' if own_points < 0 else '+'} {fmt(abs(own_points))}" if own or skipped else ""
        reason = f"{fmt(base)} × {fmt(r.coefficient)}{sign} = {fmt(score)}"
        if not ranked:
            reason += ";到岗第一个季度,不参加排名、等次和奖金分配"
        tree = Node(head + " 个人得分", score, reason, "", tuple(kids))
        out.append(OfficerScore(
            r.officer, r.name, r.unit, unit_name, r.period, r.status, r.coefficient, base, own_points, score, ranked, tree,
        ))
    return out


def band(rank: int, count: int, bands: int) -> int:
    """The band of the ``rank``-th of ``count``: band k holds the ranks up to k/bands of the series
    (按10%一个序列: the 1st of 7 is 1/7 = 14.3 %, beyond the first 10 %, so in band 2)."""
    return (bands * rank + count - 1) // count


def rank_quarter(settings: OfficerSettings, scores: Sequence[OfficerScore], unit_series: Mapping[str, str]) -> list[OfficerScore]:
    """Ranks within the unit and within the officers' series (the bureau, or each series of units),
    bands and grades, of the ranked officers. Equal scores share the better rank (1, 1, 3) and so the
    band; they are listed by 警号."""
    ranked = [s for s in scores if s.ranked and s.score is not None]
    series_of = {s.officer: (BUREAU if settings.scope == "bureau" else unit_series.get(s.unit, s.unit)) for s in ranked}
    by_series: dict[str, dict[str, Decimal]] = {}
    by_unit: dict[str, dict[str, Decimal]] = {}
    for s in ranked:
        assert s.score is not None
        by_series.setdefault(series_of[s.officer], {})[s.officer] = s.score
        by_unit.setdefault(s.unit, {})[s.officer] = s.score
    series_rank = {k: competition_ranks(v) for k, v in by_series.items()}
    unit_rank = {k: competition_ranks(v) for k, v in by_unit.items()}
    grades = grade_units(settings, {u: unit_rank[u] for u in unit_rank}, by_unit)
    out = []
    for s in scores:
        if s.officer not in series_of:
            out.append(s)
            continue
        key = series_of[s.officer]
        rank, count = series_rank[key][s.officer], len(by_series[key])
        g, why = grades.get(s.officer, ("", ""))
        out.append(attrs.evolve(
            s, series=key, unit_rank=unit_rank[s.unit][s.officer], unit_count=len(by_unit[s.unit]), rank=rank, count=count,
            band=band(rank, count, settings.bands), grade=g, grade_reason=why,
        ))
    return out


def quota_of(share: Decimal, count: int) -> int:
    """The most officers a quota allows: ``share`` of ``count``, rounded down (优秀 ≤ 15 %: 1 of 7, 2 of 14)."""
    return int((share * count).to_integral_value(rounding=ROUND_FLOOR))


def grade_units(
    settings: OfficerSettings, ranks: Mapping[str, Mapping[str, int]], scores: Mapping[str, Mapping[str, Decimal]]
) -> dict[str, tuple[str, str]]:
    """Officer → (grade, why) within each unit. The unit's ranked officers are taken best first, tied
    officers together; each gets the best grade, no better than the previous officer's, whose lowest
    score he reaches and whose quota has room for him and those tied with him. Tied officers that
    would overrun a quota all go to the next grade (``quota_ties = "exclude"``) or all get it
    (``"include"``)."""
    if not settings.grades:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for unit, rank in ranks.items():
        n = len(rank)
        limits = [None if g.quota is None else quota_of(g.quota, n) for g in settings.grades]
        given = [0] * len(settings.grades)
        groups: dict[int, list[str]] = {}
        for oid, r in sorted(rank.items(), key=lambda kv: (kv[1], kv[0])):
            groups.setdefault(r, []).append(oid)
        at = 0
        for _, group in sorted(groups.items()):
            score = scores[unit][group[0]]
            notes = []
            for k in range(at, len(settings.grades)):
                g = settings.grades[k]
                if g.min is not None and score < g.min:
                    notes.append(f"{g.name}须 {fmt(g.min)} 分以上")
                    continue
                limit = limits[k]
                if limit is not None and given[k] + len(group) > limit:
                    room = limit - given[k]
                    if settings.quota_ties == "include" and room > 0:
                        notes.append(f"{g.name}名额 {limit} 人,并列 {len(group)} 人均给予")
                    else:
                        tied = f",并列 {len(group)} 人超出名额" if len(group) > 1 and room > 0 else ""
                        notes.append(f"{g.name}名额已满(本单位 {n} 人 × {fmt(g.quota * 100 if g.quota is not None else None)}% = {limit} 人{tied})")
                        continue
                given[k] += len(group)
                at = k
                why = ";".join(notes) or (f"得分 {fmt(score)}" + (f" ≥ {fmt(g.min)}" if g.min is not None else ""))
                for oid in group:
                    out[oid] = (g.name, why)
                break
    return out


def officers_quarter(
    settings: OfficerSettings,
    rows: Sequence[OfficerQuarter],
    units: Mapping[str, UnitResult],
    records: Iterable[Record],
    calendar: Calendar,
    period: Period,
    names: Mapping[str, str] | None = None,
    unit_series: Mapping[str, str] | None = None,
    corrections: Mapping[str, Sequence[tuple[Decimal, str]]] | None = None,
) -> list[OfficerScore]:
    """``score_quarter`` then ``rank_quarter``, ordered by unit, then rank (unranked last), then 警号."""
    scored = score_quarter(settings, rows, units, records, calendar, period, names, corrections)
    scored = rank_quarter(settings, scored, unit_series or {})
    return sorted(scored, key=lambda s: (s.unit, s.unit_rank is None, s.unit_rank or 0, s.officer))


# --- checks -------------------------------------------------------------------------------------------


@attrs.frozen
class Balance:
    unit: str
    period: str
    mean: Decimal
    officers: int
    flagged: bool


def balance(settings: OfficerSettings, rows: Sequence[OfficerQuarter]) -> list[Balance]:
    """Each unit's mean coefficient (exact) and whether it departs from 1 by more than
    ``balance_tolerance`` (每个单位内部民警的考核系数分配总体上要基本持平, l.62)."""
    sums: dict[tuple[str, str], list[Decimal]] = {}
    for r in rows:
        if r.coefficient is not None:
            sums.setdefault((r.unit, r.period), []).append(r.coefficient)
    out = []
    for (unit, period), values in sorted(sums.items()):
        mean = sum(values, ZERO) / len(values)
        out.append(Balance(unit, period, mean, len(values), abs(mean - 1) > settings.balance_tolerance))
    return out


def list_deadline(settings: OfficerSettings, calendar: Calendar, period: Period) -> dt.date:
    """The day a unit's coefficient list is due: the ``list_day`` of the quarter's last month
    (各单位考核系数分配名单以及变动情况必须在当季末月20日前报考核办, l.62)."""
    end = calendar.end(period)
    return dt.date(end.year, end.month, settings.list_day)


@attrs.frozen
class ListState:
    unit: str
    due: dt.date
    sent: dt.date | None
    state: str
    """已按时报送 / 逾期报送 / 未报送 / 未到期."""


def list_states(
    settings: OfficerSettings, lists: Mapping[tuple[str, str], dt.date], units: Sequence[str], calendar: Calendar,
    period: Period, today: dt.date,
) -> list[ListState]:
    """Each unit's coefficient list for the quarter: sent on time, late, missing or not yet due."""
    due = list_deadline(settings, calendar, period)
    out = []
    for u in units:
        sent = lists.get((u, period.label))
        if sent is not None:
            state = "已按时报送" if sent <= due else "逾期报送"
        else:
            state = "未报送" if today > due else "未到期"
        out.append(ListState(u, due, sent, state))
    return out
