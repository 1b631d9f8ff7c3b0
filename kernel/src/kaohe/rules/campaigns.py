"""专项工作 (seed 000 l.688-690): campaigns ranked one by one."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import ClassVar

import attrs

from ..decimals import D, fmt, fmt_points
from ..model import Line, Record
from .base import Lines, RuleContext, Shape, dec, group_key
from .ranking import WITHIN, competition_ranks


def _dec_list(values: object) -> tuple[Decimal, ...]:
    return tuple(dec(v) for v in values)  # type: ignore[attr-defined]


@attrs.frozen
class Campaigns(Shape):
    """根据专项工作次数,按各派出所单次专项工作考核分从高到低确定排名,并按排名确定各派出所单次专项工作分值
    (seed 000 l.690).

    Each record is one unit's score (``field``) in one campaign (named by ``campaign_field``).
    Every campaign in the window is ranked on its own within the unit's group (ties share the
    better place); a place earns ``points[place - 1]``, or, with ``points`` empty, as many points
    as units ranked below it plus one (n − place + 1). A unit with no score in a campaign is not
    ranked in it. A unit last in ``last_running`` consecutive campaigns is flagged (l.426:
    专项工作连续两次考核排名末位).
    """

    shape: ClassVar[str] = "campaigns"

    points: tuple[Decimal, ...] = attrs.field(default=(), converter=_dec_list)
    field: str = "value"
    campaign_field: str = "campaign"
    within: str = attrs.field(default="series", validator=attrs.validators.in_(WITHIN))
    last_running: int = 2

    def check(self, record: Record) -> str | None:
        if record.get(self.field) is None:
            return "应填写该单位本次专项工作的考核分"
        if not record.get(self.campaign_field):
            return "应填写专项工作名称"
        return None

    def evaluate(self, ctx: RuleContext) -> Lines:
        campaigns: dict[str, dict[str, Record]] = defaultdict(dict)
        for unit in ctx.units:
            for r in ctx.of(unit):
                name = str(r.get(self.campaign_field) or "")
                if name and r.get(self.field) is not None:
                    campaigns[name].setdefault(unit.id, r)
        order = sorted(campaigns, key=lambda n: (min(r.date for r in campaigns[n].values()), n))
        groups: dict[str, list[str]] = defaultdict(list)
        for unit in ctx.units:
            groups[group_key(unit, self.within)].append(unit.id)
        out: Lines = {}
        streak: dict[str, int] = defaultdict(int)
        for name in order:
            entries = campaigns[name]
            for members in groups.values():
                values = {u: D(entries[u].get(self.field)) for u in members if u in entries}
                if not values:
                    continue
                ranks = competition_ranks(values)
                n = len(values)
                last = max(ranks.values())
                for u in members:
                    if u not in values:
                        streak[u] = 0
                        continue
                    place = ranks[u]
                    pts = self.points[place - 1] if place <= len(self.points) else (
                        Decimal(0) if self.points else Decimal(n - place + 1)
                    )
                    is_last = last > 1 and place == last
                    streak[u] = streak[u] + 1 if is_last else 0
                    flag = f"专项工作连续{self.last_running}次考核排名末位" if streak[u] >= self.last_running else None
                    rec = entries[u]
                    reason = f"专项工作“{name}”得分{fmt(values[u])},组内第{place}名(共{n}个单位),计{fmt(pts)}分"
                    if is_last:
                        reason += f",末位(连续第{streak[u]}次)"
                    out.setdefault(u, []).append(Line(pts, reason, rec.key, rec.carried_from is not None, flag))
        return out

    def describe(self) -> str:
        if self.points:
            return "每次专项工作按名次计分:" + "/".join(fmt_points(p) for p in self.points)
        return "每次专项工作按名次计分:第1名计n分(n为参评单位数),每低一名少1分"
