"""Units report their own work, departments review it (issue 17 point 3).

Where an item is open to self-reports (``Item.self_report``: a plugin's declaration, or the bureau's
``[items."<id>"] self_report``), a unit enters its work on the site — the date, what was done, the
attributes the item's records need, evidence files (checked and kept as an appeal's, kaohe.office.
evidence) — as a pending entry. The department owning the item decides it once: accepted, it becomes
a record of the item's kind, written through the store's import primitives like a department's file
(file ``自报第N号``, the deciding account as the importer, key ``<kind>:自报<N>``: one entry is one
record, never counted twice) and scored like any record of its kind; returned, with a reason, it is
never scored, and the unit may enter a corrected one (a new entry that names the returned one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ..contract.items import Item, SelfReport
from ..core.actor import Actor
from ..core.canonical import canonical
from ..core.decimals import cell_problem
from ..core.errors import KaoheError
from ..core.model import Record
from ..intake.staging import IngestReport, Staged, content_hash, dumps
from ..scheme.bureau import Bureau
from . import evidence as evidence_files
from .lock import locked_months, message
from ..store.store import Store
from .session import Office

ACCEPT, RETURN = "采纳", "退回"
OUTCOMES = (ACCEPT, RETURN)
ADAPTER = "selfreport"
"""The adapter an accepted entry's import names (no file adapter: the site's form)."""
WHAT_MAX = 500


def items(bureau: Bureau) -> list[Item]:
    """The bureau's items open to self-reports."""
    return [i for i in bureau.items if i.self_report is not None]


def open_item(bureau: Bureau, item_id: str) -> tuple[Item, SelfReport]:
    item = bureau.item(item_id)
    if item is None or item.self_report is None:
        names = "、".join(f"{i.title}({i.id})" for i in items(bureau)) or "无"
        raise KaoheError(f"项目 {item_id or '(未选)'} 不接受单位自报;可自报的项目:{names}")
    return item, item.self_report


def record_key(kind: str, entry: int) -> str:
    """The key of the record an accepted entry becomes: derived from the entry, so that it is written once."""
    return f"{kind}:自报{entry}"


def file_name(entry: int) -> str:
    return f"自报第{entry}号"


def _fields(
    bureau: Bureau, item: Item, form: SelfReport, date_text: str, what: str, value_text: str, given: Mapping[str, str],
) -> tuple[dt.date, str, str | None, dict[str, str]]:
    """The entry's fields checked: (date, what, value, attributes), or a KaoheError naming the field."""
    try:
        date = dt.date.fromisoformat(date_text.strip())
    except ValueError:
        raise KaoheError(f"“日期”应为日期(如 2015-04-03),得到 “{date_text.strip()[:20]}”") from None
    if date > dt.date.today():
        raise KaoheError(f"“日期” {date.isoformat()} 晚于今天:应填工作完成的日期")
    if bureau.earliest is not None and date < bureau.earliest:
        raise KaoheError(f"“日期” {date.isoformat()} 早于本局受理数据的最早日期 {bureau.earliest.isoformat()}")
    what = " ".join(what.split())
    if not what:
        raise KaoheError("请填写“工作内容”(做了什么,如论文题目、信息标题)")
    if len(what) > WHAT_MAX:
        raise KaoheError(f"“工作内容”太长:至多 {WHAT_MAX} 字")
    value: str | None = None
    if form.value:
        try:
            number = Decimal(value_text.strip())
        except InvalidOperation:
            raise KaoheError(f"“{form.value}”应为数字,得到 “{value_text.strip()[:20]}”") from None
        problem = cell_problem(number) if number.is_finite() else "不是有限的数"
        if problem or number < 0:
            raise KaoheError(f"“{form.value}”应为不小于 0 的数字,得到 “{value_text.strip()[:20]}”{(':' + problem) if problem else ''}")
        value = str(number)
    attrs: dict[str, str] = {}
    for f in form.fields:
        text = " ".join(str(given.get(f.name, "")).split())
        if not text:
            if f.required:
                raise KaoheError(f"请填写“{f.title}”" + (f"(应为 {'、'.join(f.choices)} 之一)" if f.choices else ""))
            continue
        if f.choices and text not in f.choices:
            raise KaoheError(f"“{f.title}”应为 {'、'.join(f.choices)} 之一,得到 “{text[:20]}”")
        attrs[f.name] = text[:200]
    return date, what, value, attrs


def enter(
    office: Office, unit_key: str, item_id: str, date: str, what: str, *, actor: Actor, value: str = "",
    attrs: Mapping[str, str] | None = None, evidence: Sequence[evidence_files.Upload] = (), form: str,
    corrects: int | None = None,
) -> dict[str, Any]:
    """A unit's entry of its work for ``item_id`` (pending until its department decides), with its
    evidence files (checked: count, size, kind by content) and the one-time token of the ``form``
    it was sent with; ``corrects``: the returned entry it corrects."""
    bureau = office.bureau
    unit = bureau.unit(unit_key)
    if unit is None:
        raise KaoheError(f"没有单位 “{unit_key}”")
    item, spec = open_item(bureau, item_id)
    day, text, number, attributes = _fields(bureau, item, spec, date, what, value, attrs or {})
    checked = evidence_files.check(evidence, bureau.evidence)
    with office.store() as store:
        if corrects is not None:
            earlier = store.selfreport(corrects)
            if earlier is None or earlier["unit"] != unit.id or earlier["outcome"] != RETURN:
                raise KaoheError(f"自报第{corrects}号不是本单位被退回的自报,不能据以更正")
        row = {
            "unit": unit.id, "item": item.id, "title": item.title, "department": item.department, "kind": spec.kind_of(item),
            "date": day.isoformat(), "what": text, "value": number, "attrs": dumps(attributes),
            "evidence": dumps([f.meta() for f in checked]), "corrects": corrects,
        }
        written = evidence_files.keep(checked, bureau.office.evidence_directory)
        try:
            entry = store.insert_selfreport(row, actor.recorded, form=form)
        except BaseException:
            evidence_files.forget(written)
            raise
    return {**row, "id": entry}


def decide(office: Office, entry_id: int, outcome: str, reason: str, *, actor: Actor, department: str | None = None) -> dict[str, Any]:
    """The department's decision on an entry, once: ``采纳`` writes its record, ``退回`` needs a reason.
    ``department``: the deciding account's department (None: the office)."""
    if outcome not in OUTCOMES:
        raise KaoheError(f"审核结果应为 {'、'.join(OUTCOMES)} 之一,得到 “{outcome[:10]}”")
    reason = reason.strip()
    if outcome == RETURN and not reason:
        raise KaoheError("退回须写明理由(单位据此更正后重新自报)")
    bureau = office.bureau
    with office.store() as store:
        entry = store.selfreport(entry_id)
        if entry is None:
            raise KaoheError(f"没有自报第{entry_id}号")
        if department is not None and entry["department"] != department:
            raise KaoheError(f"自报第{entry_id}号属{entry['department']}的项目,只能由{entry['department']}(或考核办)审核")
        row: dict[str, Any] = {"outcome": outcome, "reason": reason[:2000], "record": None, "import_id": None}
        if outcome == RETURN:
            with store.writing():
                _pending(store, entry)
                store.insert_selfreport_decision(entry, row, actor.recorded)
            return {**entry, **row}
        rec = Record(
            record_key(entry["kind"], entry_id), entry["kind"], entry["unit"], dt.date.fromisoformat(entry["date"]),
            None if entry["value"] is None else Decimal(entry["value"]), dict(entry["attrs"]), entry["what"],
        )
        attrs_json = dumps(rec.attrs)
        month = bureau.calendar.period_of(rec.date).label
        ready = (rec.key, rec.kind, rec.unit, rec.date.isoformat(), month, entry["value"], attrs_json, rec.note, content_hash(rec, attrs_json))
        name = file_name(entry_id)
        report = IngestReport(name, ADAPTER, entry["department"])
        digest = hashlib.sha256(canonical([entry["id"], entry["unit"], entry["item"], entry["date"], entry["what"], entry["value"], entry["attrs"]])).hexdigest()
        batch: list[Staged] = [(ready, "单位自报", entry_id, None)]
        import_id = store.begin_import(
            file=name, path=f"selfreport:{entry_id}", digest=digest, adapter=ADAPTER, department=entry["department"],
            actor=actor.recorded, strict=False, dry_run=False,
        )
        try:
            assert import_id is not None
            _pending(store, entry)
            held = locked_months(store, bureau).get(month)  # checked under the write lock: no publication in between
            if held is not None:
                raise KaoheError(f"自报第{entry_id}号的日期 {rec.date.isoformat()} 属 {month},{message(held)}")
            report.rows = 1
            store.write_batch(batch, name, import_id, report, False)
            row.update(record=rec.key, import_id=import_id)
            store.insert_selfreport_decision(entry, row, actor.recorded)
            store.finish_import(import_id, report, digest=digest, actor=actor.recorded)
        except BaseException:
            store.abort_import()
            raise
        store.forget_written()
    return {**entry, **row}


def _pending(store: Store, entry: dict[str, Any]) -> None:
    """Inside the decision's write transaction: refused when the entry was decided meanwhile."""
    if store.selfreport_decided(entry["id"]):
        done = store.selfreport(entry["id"]) or {}
        raise KaoheError(
            f"自报第{entry['id']}号已于 {str(done.get('decided'))[:10]} 审核({done.get('outcome')},{done.get('decider')}),审核结果不可更改"
        )


def held(office: Office, store: Store, entry: dict[str, Any]) -> str | None:
    """The one line saying why ``entry`` cannot be accepted now (its month is in a published, locked
    period), or None: what the review page shows instead of offering 采纳."""
    month = office.bureau.calendar.period_of(dt.date.fromisoformat(entry["date"])).label
    lock = locked_months(store, office.bureau).get(month)
    return None if lock is None else f"自报第{entry['id']}号的日期 {entry['date']} 属 {month},{message(lock)}"


def listing(office: Office, *, unit: str | None = None, department: str | None = None) -> list[dict[str, Any]]:
    with office.store(readonly=True) as store:
        return store.selfreports(unit=unit, department=department)
