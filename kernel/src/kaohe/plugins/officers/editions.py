"""A unit's officer results as editions (第N版, issue 21 point 4): frozen through the kernel's plugin
editions (kaohe.office.plugin_editions) when the unit publishes them inside the unit (内部公布), when
it decides an objection that changes them (异议决定), and when it files them with the office
(报考核办备案). Each edition holds every officer of the unit — score with its whole explanation,
ranks, band, grade, bonus — the unit's score, the internal publication's days and the objections with
their decisions; its files are the payload (``edition.json``) and, where the bureau divides a bonus,
the unit's payroll workbook. ``kaohe editions`` lists them, ``kaohe verify`` checks them.

The use cases here (``publish_unit``, ``decide_objection``, ``file_unit``) are what the command line
and the site call: each records the act and its edition in one write transaction."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...core.decimals import fmt, fmt_points
from ...core.errors import KaoheError
from ...core.periods import Period
from ...office.plugin_editions import PluginEdition, latest, publish_edition
from ...office.publication import bureau_root
from ...store.store import Store
from .bonus import Share, payroll, yuan
from .objections import DAYS, Objection, decide, file_with_office, filed, objections, publication, publish
from .quarter import TABLE, Quarter, load

KIND = TABLE
TITLE = "民警考核结果"
PUBLISHED, DECIDED, FILED = "内部公布", "异议决定", "报考核办备案"
FORMAT = 1


def officer_entry(s: Any, share: Share | None) -> dict[str, Any]:
    """One officer of an edition (decimals as their text)."""
    return {
        "officer": s.officer, "name": s.name, "status": s.status,
        "coefficient": None if s.coefficient is None else fmt(s.coefficient),
        "unit_score": None if s.unit_score is None else fmt(s.unit_score), "items": fmt(s.items),
        "score": None if s.score is None else fmt(s.score), "ranked": s.ranked, "unit_rank": s.unit_rank,
        "unit_count": s.unit_count, "series": s.series, "rank": s.rank, "count": s.count, "band": s.band,
        "grade": s.grade or None, "grade_reason": s.grade_reason, "reason": s.tree.reason,
        "bonus": None if share is None else str(yuan(share.amount)), "bonus_reason": "" if share is None else share.reason,
        "explanation": s.tree.data(),
    }


def _objection_entry(o: Objection) -> dict[str, Any]:
    return {
        "id": o.id, "officer": o.officer, "text": o.text, "raised_on": o.raised_on.isoformat(), "decision": o.decision or None,
        "points": None if o.points is None else fmt(o.points), "reason": o.reason, "decided_by": o.decided_by or None,
    }


def payload(store: Store, q: Quarter, unit: str, stage: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The edition of ``unit``'s officer results of the quarter as it stands, and its files."""
    mine = [s for s in q.scores if s.unit == unit]
    shares = q.shares()
    by = {x.officer: x for x in shares or ()}
    start = publication(store, q.period.label, unit)
    f = filed(store, q.period.label, unit)
    data: dict[str, Any] = {
        "format": FORMAT, "bureau": q.bureau.name, "period": q.period.label, "unit": unit,
        "unit_name": next((u.name for u in q.bureau.units if u.id == unit), unit), "stage": stage,
        "unit_total": None if q.totals.get(unit) is None else fmt(q.totals[unit]),
        "publication": None if start is None else {"from": start.isoformat(), "until": (start + dt.timedelta(days=DAYS - 1)).isoformat()},
        "filed": None if not f else {"on": f.get("on")},
        "officers": [officer_entry(s, by.get(s.officer)) for s in mine],
        "objections": [_objection_entry(o) for o in objections(store, q.period.label, unit)],
    }
    files: dict[str, bytes] = {}
    ranked = [s for s in mine if s.ranked]
    if shares is not None and ranked:
        with tempfile.TemporaryDirectory() as tmp:
            for path in payroll(Path(tmp), q.period.label, ranked, shares):
                files[path.name] = path.read_bytes()
    return data, files


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """What changed from one edition's payload to the next, officer by officer (score, ranks, grade,
    bonus), and the objections decided since."""
    if before is None:
        return []
    out = []
    old = {o["officer"]: o for o in before.get("officers", [])}
    for o in after.get("officers", []):
        p = old.get(o["officer"], {})
        parts = []
        if p.get("score") != o["score"]:
            delta = ""
            if p.get("score") is not None and o["score"] is not None:
                delta = f"({fmt_points(Decimal(o['score']) - Decimal(p['score']))})"
            parts.append(f"个人得分 {p.get('score') or '—'} → {o['score'] or '—'}{delta}")
        if p.get("unit_rank") != o["unit_rank"]:
            parts.append(f"单位内名次 {p.get('unit_rank') or '—'} → {o['unit_rank'] or '—'}")
        if p.get("grade") != o["grade"]:
            parts.append(f"等次 {p.get('grade') or '—'} → {o['grade'] or '—'}")
        if p.get("bonus") != o["bonus"]:
            parts.append(f"绩效奖金 {p.get('bonus') or '—'} → {o['bonus'] or '—'} 元")
        if parts:
            out.append(f"{o['name']}({o['officer']}):" + ",".join(parts))
    decided = {x["id"] for x in before.get("objections", []) if x.get("decision")}
    for x in after.get("objections", []):
        if x.get("decision") and x["id"] not in decided:
            points = f",更正 {fmt_points(Decimal(x['points']))} 分" if x.get("points") else ""
            out.append(f"第{x['id']}号异议(警号 {x['officer']}):{x['decision']}{points}({x['decided_by']}:{x['reason']})")
    return out


def freeze(store: Store, q: Quarter, unit: str, stage: str, reason: str, actor: str | None) -> PluginEdition:
    """The next edition of ``unit``'s officer results of the quarter."""
    data, files = payload(store, q, unit, stage)
    prior = latest(store, KIND, q.period.label, unit)
    return publish_edition(
        store, bureau_root(q.bureau), kind=KIND, title=TITLE, period=q.period.label, unit=unit, unit_name=data["unit_name"],
        stage=stage, payload=data, files=files, reason=reason, changes=changes(None if prior is None else prior.payload, data), actor=actor,
    )


def _scores(data: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """What the unit's officers saw of their own results: each one's score and its status (the
    series' ranks, bands and a bureau-wide bonus move with other units' corrections)."""
    return [(o["officer"], o["score"], o["status"]) for o in data.get("officers", [])]


def publish_unit(store: Store, q: Quarter, unit: str, day: dt.date, actor: str) -> tuple[dt.date, PluginEdition]:
    """The unit's officer results published inside the unit from ``day`` (3 days), frozen as an edition."""
    with store.writing():
        until = publish(store, q.period.label, unit, day, actor, [s for s in q.scores if s.unit == unit])
        edition = freeze(store, q, unit, PUBLISHED, f"{day.isoformat()} 起单位内部公布3天", actor)
    return until, edition


def decide_objection(
    store: Store, bureau: Any, period: Period, number: int, uphold: bool, points: Decimal | None, reason: str, actor: str,
) -> tuple[Objection, PluginEdition | None]:
    """The unit's decision of an objection; when it changes the unit's officer results (a correction
    of a score upheld), the next edition, with what changed."""
    with store.writing():
        o = decide(store, period.label, number, uphold, points, reason, actor)
        edition = None
        if uphold and points and latest(store, KIND, period.label, o.unit) is not None:
            fresh = load(store, bureau, None, period, refresh=False)  # the correction applied
            edition = freeze(store, fresh, o.unit, DECIDED, f"第{o.id}号异议{o.state}", actor)
    return o, edition


def file_unit(store: Store, q: Quarter, unit: str, unit_name: str, day: dt.date, actor: str) -> tuple[str, PluginEdition]:
    """The unit's officer results filed with the office, frozen as the edition the office holds."""
    with store.writing():
        prior = latest(store, KIND, q.period.label, unit)
        if prior is not None and _scores(prior.payload) != _scores(payload(store, q, unit, FILED)[0]):
            raise KaoheError(
                f"{unit_name} {q.period.label} 的民警考核结果在{prior.label}之后有变化(如单位考核结果重新计算),"
                "应重新在单位内部公布3天(kaohe officers publish)后再报考核办备案"
            )
        digest = file_with_office(store, q.period.label, unit, unit_name, day, actor, [s for s in q.scores if s.unit == unit])
        edition = freeze(store, q, unit, FILED, f"{day.isoformat()} 报考核办备案", actor)
    return digest, edition


def edition_lines(found: Sequence[PluginEdition]) -> list[str]:
    """The editions as the command line lists them."""
    out = []
    for e in found:
        out.append(f"{e.label}({e.stage},{e.time[:19].replace('T', ' ')},{e.actor},校验码 {e.digest[:16]}):{e.reason}")
        out.extend(f"    {c}" for c in e.changes)
    return out
