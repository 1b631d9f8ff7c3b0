"""专项工作 (seed 000 l.688-690, l.90): campaigns ranked one by one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from ..core.decimals import ZERO, D, fmt, fmt_points
from ..core.errors import RuleError
from ..core.model import Line, Record
from .base import Lines, RuleContext, Shape, dec, dec_or_none, group_key
from .ranking import WITHIN, competition_ranks

RANK_FROM = ("score", "reported", "none")


def _dec_list(values: Iterable[Any]) -> tuple[Decimal, ...]:
    return tuple(dec(v) for v in values)


def _whole(value: object) -> int | None:
    try:
        d = D(value)
    except (TypeError, ValueError):
        return None
    return int(d) if d == d.to_integral_value() else None


@attrs.frozen
class Campaigns(Shape):
    """根据专项工作次数,按各派出所单次专项工作考核分从高到低确定排名,并按排名确定各派出所单次专项工作分值
    (seed 000 l.690); 每个专项工作设基本分5分 … 以中间排名为标准,排名上升(下降)1位加(减)0.5分 …
    前三名的分别加3分、2分、1分,后三名的分别减1分、2分、3分 (l.90).

    Each record is one unit in one campaign (named by ``campaign_field``); a unit gets one line per
    campaign. The line is ``base`` (每个专项工作设基本分), plus the record's ``field`` when
    ``add_value`` (the unit's own points in the campaign, as its leading department assessed them),
    plus points by the unit's place in the campaign:

    - where the place comes from (``rank``): ``score`` — every campaign is ranked on its own within
      the unit's group by ``field`` (ties share the better place; a unit with no score is not
      ranked); ``reported`` — the record carries its place (``place_field``) among how many
      (``of_field``), e.g. the superior's ranking of the bureau among similar bureaus; ``none`` —
      no place points;
    - ``points``: the points of places 1, 2, …; ``bottom``: the points of the last place, the one
      before it, … (a unit in both gets its ``points``); ``per_place``: (middle place − place) ×
      ``per_place``, the middle place of n being (n + 1) ÷ 2 (以中间排名为标准);
    - with none of ``points``, ``bottom`` and ``per_place`` set, a place earns as many points as
      units ranked below it plus one (n − place + 1).

    A unit last in ``last_running`` consecutive campaigns is flagged (l.426: 专项工作连续两次考核排名末位);
    ``last_running = 0``: no flag.
    """

    shape: ClassVar[str] = "campaigns"
    raises_flags: ClassVar[bool] = True

    points: tuple[Decimal, ...] = attrs.field(default=(), converter=_dec_list)
    field: str = "value"
    campaign_field: str = "campaign"
    within: str = attrs.field(default="series", validator=attrs.validators.in_(WITHIN))
    last_running: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    bottom: tuple[Decimal, ...] = attrs.field(default=(), converter=_dec_list)
    """Points of the last place, the one before it, … (后三名的分别减1分、2分、3分: ``[-3, -2, -1]``)."""
    per_place: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    """Points per place above the middle place (below it: minus); None: no middle-place points."""
    base: Decimal = attrs.field(default=Decimal(0), converter=dec)
    """Points of taking part in a campaign (每个专项工作设基本分5分)."""
    add_value: bool = False
    """Add the record's ``field`` (the unit's points in the campaign, 加减分 on the base) to the line."""
    rank: str = attrs.field(default="score", validator=attrs.validators.in_(RANK_FROM))
    place_field: str = "place"
    of_field: str = "of"

    def __attrs_post_init__(self) -> None:
        if self.rank == "none" and (self.points or self.bottom or self.per_place is not None):
            raise RuleError("campaigns 的 rank = \"none\" 不按名次计分,不能同时设置 points、bottom 或 per_place")

    @property
    def _by_place(self) -> bool:
        return bool(self.points or self.bottom or self.per_place is not None)

    def check(self, record: Record) -> str | None:
        if not record.get(self.campaign_field):
            return "应填写专项工作名称"
        if (self.rank == "score" or self.add_value) and record.get(self.field) is None:
            return "应填写该单位本次专项工作的考核分" if self.rank == "score" else "应填写该单位本次专项工作的加减分(无加减分填0)"
        if self.rank == "reported":
            place, of = _whole(record.get(self.place_field)), _whole(record.get(self.of_field))
            if place is None or of is None or not 1 <= place <= of:
                return (
                    f"应填写名次和参评单位数(整数,名次在1至参评单位数之间),得到名次 {record.get(self.place_field)!r}、"
                    f"参评单位数 {record.get(self.of_field)!r}"
                )
        return None

    def _place_points(self, place: int, n: int) -> tuple[Decimal, list[str]]:
        parts: list[str] = []
        if not self._by_place:
            pts = Decimal(n - place + 1)
            return pts, []
        total = ZERO
        if self.per_place is not None:
            mid = Decimal(n + 1) / 2
            step = (mid - place) * self.per_place
            total += step
            moved = mid - place
            way = "上升" if moved > 0 else "下降"
            parts.append(f"中间名次{fmt(mid)}" + (f",{way}{fmt(abs(moved))}位 {fmt_points(step)}分" if moved else ",计0分"))
        from_bottom = n - place + 1
        if place <= len(self.points):
            total += self.points[place - 1]
            parts.append(f"前{len(self.points)}名 {fmt_points(self.points[place - 1])}分")
        elif from_bottom <= len(self.bottom):
            total += self.bottom[from_bottom - 1]
            parts.append(f"倒数第{from_bottom}名 {fmt_points(self.bottom[from_bottom - 1])}分")
        return total, parts

    def evaluate(self, ctx: RuleContext) -> Lines:
        campaigns: dict[str, dict[str, Record]] = defaultdict(dict)
        for unit in ctx.units:
            for r in ctx.of(unit):
                name = str(r.get(self.campaign_field) or "")
                if name and self.check(r) is None:
                    campaigns[name].setdefault(unit.id, r)
        order = sorted(campaigns, key=lambda n: (min(r.date for r in campaigns[n].values()), n))
        groups: dict[str, list[str]] = defaultdict(list)
        for unit in ctx.units:
            groups[group_key(unit, self.within)].append(unit.id)
        out: Lines = {}
        streak: dict[str, int] = defaultdict(int)
        for name in order:
            entries = campaigns[name]
            places: dict[str, tuple[int, int, int, str]] = {}  # unit → (place, n, last place, how it is told)
            if self.rank == "score":
                for members in groups.values():
                    values = {u: D(entries[u].get(self.field)) for u in members if u in entries}
                    if not values:
                        continue
                    ranks = competition_ranks(values)
                    last = max(ranks.values())
                    for u, value in values.items():
                        places[u] = (ranks[u], len(values), last, f"得分{fmt(value)},组内第{ranks[u]}名(共{len(values)}个单位)")
            elif self.rank == "reported":
                for u, r in entries.items():
                    place, n = int(D(r.get(self.place_field))), int(D(r.get(self.of_field)))
                    places[u] = (place, n, n, f"第{place}名(共{n}个单位)")
            for u in (u for members in groups.values() for u in members):
                if u not in entries:
                    streak[u] = 0
                    continue
                rec = entries[u]
                parts: list[str] = []
                pts = self.base
                if self.base:
                    parts.append(f"基本分{fmt(self.base)}")
                if self.add_value:
                    own = D(rec.get(self.field))
                    pts += own
                    parts.append(f"本专项考核{fmt_points(own)}分")
                flag = None
                if u in places:
                    place, n, last, told = places[u]
                    more, why = self._place_points(place, n)
                    pts += more
                    parts.append(told)
                    parts.extend(why)
                    is_last = last > 1 and place == last
                    streak[u] = streak[u] + 1 if is_last else 0
                    if is_last and self.last_running:
                        parts.append(f"末位(连续第{streak[u]}次)")
                    if self.last_running and streak[u] >= self.last_running:
                        flag = f"专项工作连续{self.last_running}次考核排名末位"
                reason = f"专项工作“{name}”:" + ",".join(parts) + f",计{fmt(pts)}分"
                out.setdefault(u, []).append(Line(pts, reason, rec.key, rec.carried_from is not None, flag))
        return out

    def describe(self) -> str:
        parts = []
        if self.base:
            parts.append(f"每个专项工作基本分{fmt(self.base)}")
        if self.add_value:
            parts.append("加本专项考核加减分")
        if self.rank != "none":
            source = "上级考核名次" if self.rank == "reported" else "每次专项工作按得分排名"
            if self.per_place is not None:
                parts.append(f"{source},以中间名次为0,每高一位 {fmt_points(self.per_place)}")
            if self.points:
                parts.append(f"前{len(self.points)}名 " + "/".join(fmt_points(p) for p in self.points))
            if self.bottom:
                parts.append(f"倒数{len(self.bottom)}名 " + "/".join(fmt_points(p) for p in self.bottom))
            if not self._by_place:
                parts.append(f"{source},第1名计n分(n为参评单位数),每低一名少1分")
        return ";".join(parts) or "专项工作"
