"""The office's appeals: a unit's appeal against one deduction of a published edition, and the owning
department's decision on it (seed 000 l.382 复查复核; seed 003 "扣分申告").

A unit appeals one line of the latest edition within the bureau's deadline (``[appeals]
working_days`` working days after the edition's publication date, 2 by default); the appeal goes to
the department that owns the item, whose decision is one of 维持 (the deduction stands), 改分 (the
line's points are changed: an adjustment of the item, see kaohe.core.adjustments) or 撤销记录 (the
record is voided: it stays stored, marked, and is no longer scored). Publishing again then produces
the next edition (kaohe.office.publication), whose report says what changed and why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections.abc import Sequence
from typing import Any

from ..core.actor import Actor
from ..core.decimals import D, fmt, fmt_points
from ..core.errors import KaoheError
from ..core.periods import Period
from ..report.editions import payload_parts
from ..scheme.bureau import Bureau
from ..scoring.status import departments
from ..store.store import Store
from . import evidence as evidence_files
from .session import Office, unit_id

OUTCOMES = ("维持", "改分", "撤销记录")


def unit_name(bureau: Bureau, unit: str) -> str:
    u = bureau.unit(unit)
    return u.name if u is not None else unit


def _tree(edition: dict[str, Any], unit: str) -> dict[str, Any] | None:
    """``unit``'s tree in ``edition`` (``Store.edition_packed``), its payload read a unit at a time up
    to it (a province's payload decoded whole is 1.5 GB)."""
    for u in payload_parts(edition["packed"])[1]:
        if u["unit"] == unit:
            return dict(u)
    return None


def file_appeal(
    store: Store, bureau: Bureau, period: Period, unit_key: str, item: str, reason: str, *,
    record: str | None = None, received: dt.date | None = None, actor: str | None = None,
    evidence: Sequence[evidence_files.Checked] = (), form: str | None = None,
) -> dict[str, Any]:
    """File a unit's appeal against one deduction of the latest edition of ``period``, with its
    ``evidence`` files already checked (kept in the bureau's evidence directory when it is filed)."""
    if not reason.strip():
        raise KaoheError("请写明申请复查的理由(--reason)")
    unit = bureau.unit(unit_key)
    if unit is None:
        raise KaoheError(f"没有单位 “{unit_key}”")
    edition = store.edition_packed(period.label)
    if edition is None:
        raise KaoheError(f"{period.label} 尚未发布通报(kaohe publish {period.label}),没有可申请复查的结果")
    published = dt.date.fromisoformat(edition["published_on"])
    last = bureau.work_calendar.deadline(published, bureau.appeal_days)
    day = received or dt.date.today()
    if day > dt.date.today():
        raise KaoheError(f"收到申请的日期 {day.isoformat()} 晚于今天 {dt.date.today().isoformat()}:应填实际收到申请的日期")
    if day > last:
        raise KaoheError(
            f"已超过复查申请期限:{period.label} 第{edition['number']}版于 {published.isoformat()} 公布,"
            f"须在公布后{bureau.appeal_days}个工作日内(截至 {last.isoformat()} 星期{'一二三四五六日'[last.weekday()]})提出;"
            f"本申请于 {day.isoformat()} 提出,不予受理"
        )
    if day < published:
        raise KaoheError(f"申请日期 {day.isoformat()} 早于通报公布日期 {published.isoformat()}")
    cat, it = _item(edition, unit.id, unit.name, period, item)
    for earlier in store.appeals(period=period.label, unit=unit.id, pending=False):
        same = earlier["item"] == item and (not record or not earlier["record"] or earlier["record"] == record)
        if same and earlier["outcome"] != "维持":
            raise KaoheError(
                f"这项扣分已由复查复核第{earlier['id']}号决定({earlier['outcome']},{earlier['decider']}):复查决定不可更改,不再受理"
            )
    if not _scored_in(bureau, period, item):
        raise KaoheError(
            f"{period.label} 的通报汇总各{_base_name(bureau)}结果,“{it['title']}”在各{_base_name(bureau)}计分:"
            f"请针对该扣分所在{_base_name(bureau)}的通报申请复查"
        )
    points, text = _contested(it, unit.name, record)
    row = {
        "period": period.label, "edition": edition["id"], "edition_number": edition["number"], "unit": unit.id,
        "item": item, "title": it["title"], "department": it["department"], "record": record, "points": points,
        "line": text, "reason": reason.strip(), "received": day.isoformat(), "deadline": last.isoformat(),
    }
    written = evidence_files.keep(evidence, bureau.office.evidence_directory)
    try:
        appeal_id = store.insert_appeal(row, actor, evidence=[f.meta() for f in evidence], form=form)
    except BaseException:
        evidence_files.forget(written)  # nothing filed: the files written for it go too
        raise
    return {**row, "id": appeal_id, "name": unit.name, "evidence": [f.meta() for f in evidence]}


def _item(edition: dict[str, Any], unit: str, name: str, period: Period, item: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(category, item) of ``unit``'s results in ``edition``, or KaoheError."""
    tree = _tree(edition, unit)
    if tree is None:
        raise KaoheError(f"{name} 不在 {period.label} 第{edition['number']}版通报中")
    found = [(c, i) for c in tree["categories"] for i in c["items"] if i["item"] == item]
    if not found:
        raise KaoheError(f"{name} 在 {period.label} 第{edition['number']}版中没有项目 {item}:用 kaohe explain {unit} {period.label} --ids 查看各项目编号")
    return found[0]


def _contested(it: dict[str, Any], name: str, record: str | None) -> tuple[str, str]:
    """(points, line) of the deduction appealed: the line of ``record``, or the whole item; KaoheError
    when there is no such line or it is not a deduction."""
    if record:
        lines = [ln for ln in it["lines"] if ln["record"] == record]
        if not lines:
            keys = [ln["record"] for ln in it["lines"] if ln["record"] and D(ln["points"]) < 0]
            listed = "、".join(keys[:10]) + (f" 等{len(keys)}条" if len(keys) > 10 else "")
            raise KaoheError(
                f"{name} 的“{it['title']}”中没有记录 {record} 的扣分"
                + (f";该项目扣分的记录为 {listed}" if keys else "")
            )
        points, text = str(lines[0]["points"]), str(lines[0]["reason"])
    else:
        points, text = str(it["points"]), f"{it['title']}(全项)"
    if D(points) >= 0:
        what = f"“{it['title']}”" + (f"记录 {record} " if record else "")
        raise KaoheError(f"{name} 的{what}没有扣分({fmt_points(D(points))}),复查申请只针对扣分")
    return points, text


def deduction(store: Store, bureau: Bureau, period: Period, unit_key: str, item: str, record: str | None = None) -> dict[str, Any]:
    """The deduction a unit would appeal (the latest edition's line of ``record`` in ``item``, or the
    whole item) and its window, for the form the site shows before filing: ``refused`` says why it
    cannot be appealed (no edition, not a deduction, past the deadline), else None. The filing
    itself (:func:`file_appeal`) checks everything again."""
    unit = bureau.unit(unit_key)
    if unit is None:
        raise KaoheError(f"没有单位 “{unit_key}”")
    edition = store.edition_packed(period.label)
    if edition is None:
        raise KaoheError(f"{period.chinese}尚未发布通报,没有可申请复查的结果")
    published = dt.date.fromisoformat(edition["published_on"])
    last = bureau.work_calendar.deadline(published, bureau.appeal_days)
    cat, it = _item(edition, unit.id, unit.name, period, item)
    out: dict[str, Any] = {
        "period": period.label, "period_name": period.chinese, "unit": unit.id, "unit_name": unit.name, "item": item,
        "title": it["title"], "category": cat.get("name", ""), "department": it["department"],
        "reference": it.get("reference") or "", "record": record or "", "edition_number": edition["number"],
        "published_on": published.isoformat(), "deadline": last.isoformat(), "appeal_days": bureau.appeal_days,
        "points": "", "line": "", "refused": None,
    }
    try:
        out["points"], out["line"] = _contested(it, unit.name, record)
    except KaoheError as exc:
        out["refused"] = str(exc)
        return out
    if dt.date.today() > last:
        out["refused"] = (
            f"已超过复查申请期限:{period.label} 第{edition['number']}版于 {published.isoformat()} 公布,"
            f"须在公布后{bureau.appeal_days}个工作日内(截至 {last.isoformat()})提出"
        )
    return out


def decide_appeal(
    store: Store, bureau: Bureau, appeal_id: int, outcome: str, decider: str, reason: str, *,
    points: Decimal | None = None, actor: str | None = None,
) -> dict[str, Any]:
    """Record the owning department's decision on an appeal (once: a decision is never changed)."""
    if outcome not in OUTCOMES:
        raise KaoheError(f"复查决定应为 {'、'.join(OUTCOMES)} 之一,得到 {outcome!r}")
    if not decider.strip() or not reason.strip():
        raise KaoheError("请写明决定人(--by)和理由(--reason)")
    with store.writing():
        appeal = store.appeal(appeal_id)
        if appeal is None:
            raise KaoheError(f"没有第{appeal_id}号复查申请")
        if appeal["outcome"] is not None:
            raise KaoheError(
                f"第{appeal_id}号复查申请已于 {appeal['decided'][:10]} 决定({appeal['outcome']},{appeal['decider']}),决定不可更改"
            )
        row: dict[str, Any] = {"outcome": outcome, "points": None, "decider": decider, "reason": reason, "adjustment": None}
        if outcome != "维持":
            _refuse_overlap(store, appeal)
        if outcome == "改分":
            if points is None:
                raise KaoheError("改分须写明改后的分值(--points,如 -1)")
            if not points.is_finite() or int(points.normalize().as_tuple().exponent) < -4:  # -1E-999999 …
                raise KaoheError(f"改后分值至多保留 4 位小数(如 -0.5),得到 {str(points)[:20]}")
            if not _scored_in(bureau, Period.parse(appeal["period"]), appeal["item"]):
                raise KaoheError(
                    f"{appeal['period']} 由各{_base_name(bureau)}汇总而成:改分请针对该项目计分所在期间的通报申请"
                )
            old = D(appeal["points"])
            base = old  # a record's line: the change is the difference from the line
            if not appeal["record"]:
                # the whole item: the change is made on its lines' sum, so that the item's own cap
                # or floor, which the appealed points were after, still gives the points decided
                base = _uncapped(store, appeal)
            if points == old:
                raise KaoheError(f"改后分值与原分值 {fmt_points(old)} 相同:维持原扣分请用 --keep")
            if not old < points <= 0:
                raise KaoheError(
                    f"改分只能减少或取消这项扣分:原分值 {fmt_points(old)},改后分值应在 {fmt_points(old)} 与 0 之间(可为 0),得到 {fmt_points(points)}"
                )
            delta = points - base
            adj = store.add_adjustment(
                appeal["period"], appeal["unit"], delta,
                f"{appeal['line']} 原{fmt_points(old)}改为{fmt_points(points)};{reason}",
                decider, kind="复查改分", item=appeal["item"], appeal=appeal_id, actor=actor,
            )
            row["points"] = str(points)
            row["adjustment"] = adj.id
        elif outcome == "撤销记录":
            if not appeal["record"]:
                raise KaoheError(f"第{appeal_id}号申请针对的是整个项目,没有指明记录,不能撤销记录:请用 维持 或 改分")
            key = appeal["record"]
            if "@" in key and not store.has_record(key):
                key = key.rsplit("@", 1)[0]  # a carried-over line (<key>@<period>): its original record
            _refuse_void_under_changes(store, appeal, key)
            store.void_record(key, f"复查复核第{appeal_id}号:{reason}", actor, appeal=appeal_id)
            row["points"] = "0"
        store.insert_decision(appeal, row, actor)
    return {**appeal, **row}


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two appeals are against the same deduction: the same item of the same unit and
    period, and the same record, or either against the whole item (which holds every record)."""
    return (
        a["period"] == b["period"] and a["unit"] == b["unit"] and a["item"] == b["item"]
        and (not a["record"] or not b["record"] or a["record"] == b["record"])
    )


def _refuse_overlap(store: Store, appeal: dict[str, Any]) -> None:
    """At decision time (inside the decision's write transaction): a change (改分 or 撤销记录) is
    refused when another appeal against the same deduction was already decided with a change — two
    appeals filed while neither was decided (one on a record, one on its whole item) would otherwise
    stack two changes on one deduction (−2 voided, then the item changed from −2 to 0: +2). At most
    one change stands per deduction, each between the original points and 0, so the combined effect
    stays between them too ("改后分值只能在原分值与 0 之间")."""
    for other in store.appeals(period=appeal["period"], unit=appeal["unit"], pending=False):
        if other["id"] == appeal["id"] or other["outcome"] == "维持" or not _overlaps(appeal, other):
            continue
        if not other["record"]:
            why = "整个项目改过分的,不再受理其中单条记录的申请"
        elif not appeal["record"]:
            why = f"其中记录 {other['record']} 已改过分,整个项目不再改分"
        else:
            why = "同一扣分只改一次"
        raise KaoheError(
            f"第{appeal['id']}号复查申请与复查复核第{other['id']}号针对同一扣分,"
            f"第{other['id']}号已决定({other['outcome']},{other['decider']}):{why};本申请只能维持(--keep)"
        )
    # a record voided meanwhile by a decision in another period (a carried-over line <key>@<period>
    # is the same record): it no longer counts, a change on top of it would turn into a bonus
    keys = [appeal["record"]] if appeal["record"] else _item_records(store, appeal)
    voided = store.voided({k.rsplit("@", 1)[0] for k in keys if k} | {k for k in keys if k})
    if voided:
        raise KaoheError(
            f"第{appeal['id']}号复查申请针对的记录 {sorted(voided)[0]} 已作废(另一期或另一项目的复查决定),不再计分:"
            "这项扣分已经取消,本申请只能维持(--keep)"
        )


def _refuse_void_under_changes(store: Store, appeal: dict[str, Any], key: str) -> None:
    """Voiding a record takes it out of every item that reads it, not only the appealed one. Where
    another item holding it was already changed on appeal (its whole item, or its line of this
    record), that change was made on points that held the record: voiding it now would carry that
    item past 0 (−1 changed to 0 is +1; without the record's −0.5 the item would show +0.5)."""
    for other in store.appeals(unit=appeal["unit"], pending=False):
        if other["id"] == appeal["id"] or other["outcome"] != "改分":
            continue
        if other["record"]:
            holds = other["record"].rsplit("@", 1)[0] == key
        else:
            holds = key in {k.rsplit("@", 1)[0] for k in _item_records(store, other)}
        if holds:
            what = "整项" if not other["record"] else "这条记录"
            raise KaoheError(
                f"第{appeal['id']}号复查申请针对的记录 {key} 也计入项目“{other['title'] or other['item']}”({other['period']}),"
                f"该项目已由复查复核第{other['id']}号{what}改分({other['decider']}):撤销这条记录会使该项目的改后分值越过 0;"
                "本申请只能维持(--keep)或改分(--points)"
            )


def _item_records(store: Store, appeal: dict[str, Any]) -> list[str]:
    """The record keys of the appealed item's lines in the appealed edition."""
    edition = store.edition_packed(appeal["period"], appeal["edition_number"])
    assert edition is not None
    tree = _tree(edition, appeal["unit"]) or {"categories": []}
    return [ln["record"] for c in tree["categories"] for i in c["items"] if i["item"] == appeal["item"] for ln in i["lines"] if ln.get("record")]


def _uncapped(store: Store, appeal: dict[str, Any]) -> Decimal:
    """The sum of the lines of the appealed item in the appealed edition (before its cap or floor)."""
    edition = store.edition_packed(appeal["period"], appeal["edition_number"])
    assert edition is not None
    tree = _tree(edition, appeal["unit"]) or {"categories": []}
    for c in tree["categories"]:
        for i in c["items"]:
            if i["item"] == appeal["item"]:
                return D(i["uncapped"])
    return D(appeal["points"])


def _base_name(bureau: Bureau) -> str:
    return {"month": "月", "quarter": "季度"}.get(bureau.scheme.base_period, "期")


def _scored_in(bureau: Bureau, period: Period, item: str) -> bool:
    """Whether ``item`` is scored in ``period`` itself (a base period, or a year-scope category in
    the year), rather than summed from the base periods."""
    if period.kind == bureau.scheme.base_period:
        return True
    declared = bureau.item(item)
    return declared is not None and declared.category in {c.id for c in bureau.scheme.year_categories} and period.kind == "year"


def appeal_text(a: dict[str, Any], bureau: Bureau | None = None) -> str:
    state = "待决定" if a.get("outcome") is None else f"{a['outcome']}({a['decider']},{(a.get('decided') or '')[:10]})"
    pts = fmt(D(a["points"])) if a.get("points") not in (None, "") else ""
    line = appeal_line(a)
    # the item's title once: in the line when the line says it (a record's reason often does), else before it
    title = "" if a.get("title") and a["title"] in line else f"{a['title']}"
    return (
        f"第{a['id']}号 {a['period']} 第{a['edition_number']}版 {unit_name(bureau, a['unit']) if bureau else a['unit']} · {title}〔{a['department']}〕"
        f" {pts} {line} —— 理由:{a['reason']};{a['received']} 提出(截止 {a['deadline']});{state}"
    )


def appeal_line(a: dict[str, Any]) -> str:
    """The line an appeal contests, for a sentence that names the item's title already: an appeal
    of a whole item says (全项), not the title a second time."""
    line = str(a.get("line") or "")
    title = str(a.get("title") or "")
    if title and line.startswith(title):
        return line[len(title):].strip() or "(全项)"
    return line


# --- the use cases -------------------------------------------------------------------------------------


def file(
    office: Office, period: Period, unit_key: str, item: str, reason: str, *, actor: Actor,
    record: str | None = None, received: dt.date | None = None, evidence: Sequence[evidence_files.Upload] = (),
    form: str | None = None,
) -> dict[str, Any]:
    """Register, by ``actor``, a unit's appeal against one deduction of the latest edition of
    ``period``, with its ``evidence`` files (checked first: count, size, kind by content) and, from the
    site, the one-time token of the ``form`` it was sent with."""
    checked = evidence_files.check(evidence, office.bureau.evidence)
    with office.store() as store:
        return file_appeal(
            store, office.bureau, period, unit_key, item, reason, record=record, received=received, actor=actor.recorded,
            evidence=checked, form=form,
        )


def evidence(office: Office, appeal_id: int) -> list[dict[str, Any]]:
    """The evidence files filed with an appeal: name, type, size, sha256."""
    with office.store(readonly=True) as store:
        return store.appeal_evidence(appeal_id)


def decide(
    office: Office, appeal_id: int, outcome: str, decider: str, reason: str, *, actor: Actor, points: Decimal | None = None,
) -> dict[str, Any]:
    """Record, by ``actor``, the decision ``decider`` (the owning department) took on an appeal."""
    with office.store() as store:
        return decide_appeal(store, office.bureau, appeal_id, outcome, decider, reason, points=points, actor=actor.recorded)


def listing(
    office: Office, *, period: Period | None = None, department: str | None = None, unit: str | None = None, pending: bool = False,
) -> list[dict[str, Any]]:
    """The appeals and their decisions, of a period, a department or a unit, or only those pending."""
    if department:
        known = {*departments(office.bureau, office.registry), *(i.department for i in office.bureau.items)}
        if department not in known:
            raise KaoheError(f"没有部门 “{department}”:本局项目所属部门为 {'、'.join(sorted(known))}")
    with office.store(readonly=True) as store:
        return store.appeals(
            period=period.label if period else None, department=department,
            unit=unit_id(office, unit) if unit else None, pending=True if pending else None,
        )
