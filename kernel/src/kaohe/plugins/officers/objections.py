"""内部公布与异议 (l.70 "各单位考核结果在单位内部公布3天,民警无异议的,报考核办备案,考核办对各单位的考核结果进行
抽查"): a unit publishes its officers' results of a quarter inside the unit for 3 days; an officer raises
an objection within them; the unit decides it — upheld with a correction of the officer's score, or
dismissed with a reason; then, nothing left undecided and the 3 days over, the unit files the results
with the office.

Everything is written to the bureau's audit trail (the store's ``log``), with the acting person, as
entries of actions ``officers:…`` (an action of a plugin's own data: it changes no unit's score,
kaohe.office.results.not_input), and read back from it (``audit``): nothing here needs a table of its
own. A filing records the digest of the unit's officer results as filed. The corrections of upheld
objections are what ``scores`` adds to the officers' scores (``corrections``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from ...core.decimals import fmt, fmt_points
from ...core.errors import KaoheError
from ...store.store import Store
from .scores import OfficerScore

PUBLISHED = "officers:内部公布"
OBJECTION = "officers:民警异议"
DECIDED = "officers:异议决定"
FILED = "officers:报考核办备案"
DAYS = 3
"""公布3天: the day of publication and the two after it."""
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Characters that turn the direction of the text shown after them (an objection is shown to others)."""


@attrs.frozen
class Objection:
    id: int
    period: str
    unit: str
    officer: str
    text: str
    raised_on: dt.date
    actor: str
    decision: str = ""
    """采纳 (upheld: the score corrected) / 驳回 (dismissed); empty while undecided."""
    points: Decimal | None = None
    reason: str = ""
    decided_by: str = ""

    @property
    def state(self) -> str:
        if not self.decision:
            return "待单位决定"
        return f"已{self.decision}" + (f"(更正 {fmt_points(self.points)} 分)" if self.points else "")


def _detail(row: dict[str, Any]) -> dict[str, Any]:
    try:
        out = json.loads(row.get("detail") or "{}")
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def publication(store: Store, period: str, unit: str) -> dt.date | None:
    """The first day of the unit's internal publication of the quarter (the latest one, if published again)."""
    rows = store.audit(period=period, action=PUBLISHED, unit=unit)
    return dt.date.fromisoformat(_detail(rows[-1])["from"]) if rows else None


def publish(store: Store, period: str, unit: str, day: dt.date, actor: str, scores: Sequence[OfficerScore]) -> dt.date:
    """The unit's officer results of ``period`` published inside the unit from ``day``: the last day
    objections are received is returned."""
    if filed(store, period, unit):
        raise KaoheError(f"{unit} {period} 的民警考核结果已报考核办备案,不能再公布")
    until = day + dt.timedelta(days=DAYS - 1)
    store.log(PUBLISHED, actor, period=period, unit=unit, subject=unit,
              detail={"from": day.isoformat(), "until": until.isoformat(), "digest": digest(scores)})
    return until


def objections(store: Store, period: str, unit: str | None = None) -> list[Objection]:
    """The objections of ``period`` (of one unit), with their decisions."""
    decided = {}
    for row in store.audit(period=period, action=DECIDED):
        d = _detail(row)
        decided[int(d["objection"])] = (d, str(row["actor"]))
    out = []
    for row in store.audit(period=period, action=OBJECTION, unit=unit):
        d = _detail(row)
        o = Objection(int(row["id"]), period, str(row["unit"]), d["officer"], d["text"], dt.date.fromisoformat(d["on"]), str(row["actor"]))
        if o.id in decided:
            dd, who = decided[o.id]
            o = attrs.evolve(o, decision=dd["decision"], points=Decimal(dd["points"]) if dd.get("points") else None,
                             reason=dd["reason"], decided_by=who)
        out.append(o)
    return out


def raise_objection(store: Store, period: str, score: OfficerScore, text: str, day: dt.date, actor: str) -> int:
    """An officer's objection to his result, received on ``day``: within the 3 days of the unit's
    internal publication."""
    start = publication(store, period, score.unit)
    if start is None:
        raise KaoheError(f"{score.unit_name} {period} 的民警考核结果尚未在单位内部公布,还不能提出异议(kaohe officers publish)")
    until = start + dt.timedelta(days=DAYS - 1)
    if not start <= day <= until:
        raise KaoheError(f"{score.unit_name} {period} 的民警考核结果于 {start.isoformat()} 起公布3天,异议应在 {start.isoformat()} 至 {until.isoformat()} 提出,{day.isoformat()} 不在其内")
    if not text.strip():
        raise KaoheError("异议须写明理由(--text)")
    text = text.replace("\r\n", "\n")
    bad = next((ch for ch in text if ch != "\n" and (unicodedata.category(ch) == "Cc" or ch in BIDI)), None)
    if bad is not None:  # a terminal's escape, a NUL, a reversed direction: shown on the unit's and the office's pages, in the edition
        raise KaoheError(f"异议理由含有控制字符 U+{ord(bad):04X},应为普通文字")
    same = [o for o in objections(store, period, score.unit) if o.officer == score.officer and not o.decision and o.text == text.strip()]
    if same:  # the form sent again (a double click): one objection for the unit to decide, not two
        raise KaoheError(f"已提出同一异议(第{same[0].id}号,{same[0].raised_on.isoformat()}),待单位决定")
    return store.log(OBJECTION, actor, period=period, unit=score.unit, subject=score.officer,
                     detail={"officer": score.officer, "text": text.strip(), "on": day.isoformat()})


def decide(store: Store, period: str, objection_id: int, uphold: bool, points: Decimal | None, reason: str, actor: str) -> Objection:
    """The unit's decision of an objection: upheld (with a correction of the officer's score, or none)
    or dismissed; a reason either way; once."""
    found = [o for o in objections(store, period) if o.id == objection_id]
    if not found:
        raise KaoheError(f"{period} 没有第 {objection_id} 号异议(kaohe officers objections {period} 列出)")
    o = found[0]
    if o.decision:
        raise KaoheError(f"第 {objection_id} 号异议已于此前{o.decision}({o.decided_by}),不能再次决定")
    if filed(store, period, o.unit):
        raise KaoheError(f"{o.unit} {period} 的民警考核结果已报考核办备案,不能再决定异议")
    if not reason.strip():
        raise KaoheError("决定须写明理由(--reason)")
    if points is not None and not uphold:
        raise KaoheError("驳回的异议不更正得分:--points 只与 --uphold 同用")
    decision = "采纳" if uphold else "驳回"
    store.log(DECIDED, actor, period=period, unit=o.unit, subject=o.officer, detail={
        "objection": o.id, "decision": decision, "points": None if points is None else str(points), "reason": reason.strip(),
    })
    return attrs.evolve(o, decision=decision, points=points, reason=reason.strip(), decided_by=actor)


def corrections(found: Sequence[Objection]) -> dict[str, list[tuple[Decimal, str]]]:
    """Officer → (points, why) of each upheld objection that corrects his score."""
    out: dict[str, list[tuple[Decimal, str]]] = {}
    for o in found:
        if o.decision == "采纳" and o.points:
            why = f"第{o.id}号异议({o.raised_on.isoformat()}:{o.text}),单位决定采纳:{o.reason}"
            out.setdefault(o.officer, []).append((o.points, why))
    return out


def digest(scores: Sequence[OfficerScore]) -> str:
    """The SHA-256 of a unit's officer results as published or filed: each officer's score, ranks and grade."""
    rows = [[s.officer, None if s.score is None else fmt(s.score), s.unit_rank, s.rank, s.band, s.grade] for s in scores]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def filed(store: Store, period: str, unit: str) -> dict[str, Any] | None:
    rows = store.audit(period=period, action=FILED, unit=unit)
    return {**_detail(rows[-1]), "actor": rows[-1]["actor"], "time": rows[-1]["time"]} if rows else None


def file_with_office(store: Store, period: str, unit: str, unit_name: str, day: dt.date, actor: str, scores: Sequence[OfficerScore]) -> str:
    """The unit's officer results filed with the office (报考核办备案): after the 3 days, with every
    objection decided. Returns the digest filed."""
    start = publication(store, period, unit)
    if start is None:
        raise KaoheError(f"{unit_name} {period} 的民警考核结果尚未在单位内部公布3天,不能报考核办备案")
    if day < start + dt.timedelta(days=DAYS):
        raise KaoheError(f"{unit_name} {period} 的民警考核结果于 {start.isoformat()} 起公布3天,{(start + dt.timedelta(days=DAYS)).isoformat()} 起才能报考核办备案")
    pending = [o for o in objections(store, period, unit) if not o.decision]
    if pending:
        raise KaoheError(f"{unit_name} {period} 还有 {len(pending)} 件异议未决定(第{'、'.join(str(o.id) for o in pending)}号),不能报考核办备案")
    if filed(store, period, unit):
        raise KaoheError(f"{unit_name} {period} 的民警考核结果已报考核办备案")
    d = digest(scores)
    store.log(FILED, actor, period=period, unit=unit, subject=unit, detail={"on": day.isoformat(), "digest": d, "officers": len(scores)})
    return d
