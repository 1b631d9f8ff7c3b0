"""The office's publication jobs: publish a period as a frozen edition, take appeals against single
deductions and record the departments' decisions (seed 000 l.382 复查复核; seed 003 "扣分申告").

The flow: ``publish`` scores the period from one consistent snapshot of the store, freezes the
result as the period's next edition (kaohe.editions) unless it is identical to the latest one, and
writes the report of that edition. A unit appeals one line of the latest edition within the
bureau's deadline (``[appeals] working_days`` working days after the edition's publication date, 2
by default); the appeal goes to the department that owns the item, whose decision is one of 维持
(the deduction stands), 改分 (the line's points are changed: an adjustment of the item, see
kaohe.adjustments) or 撤销记录 (the record is voided: it stays stored, marked, and is no longer
scored). Publishing again then produces the next edition, whose report says what changed and why.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .. import report
from ..core import workdays as deadlines
from ..core.decimals import D, fmt, fmt_points
from ..core.errors import KaoheError, Refused
from ..core.model import PeriodResult
from ..core.periods import Period
from ..report import html as report_html
from ..report import json_name, jsondata, xlsx_name
from ..report.editions import Diff, diff, freeze, inputs_entry, inputs_window, payload_chunks
from ..scheme.bureau import Bureau
from ..scoring.pipeline import base_periods, between_periods, score
from ..scoring.status import data_status, problems, unit_problems
from ..store.integrity import FILES, check_inputs, file_digest, folder_name, guard
from ..store.store import Store, StoreSource
from .jobs import config_digest, history

OUTCOMES = ("维持", "改分", "撤销记录")
ATTEMPTS = 5
"""How many times publishing scores again when the store changed while it was scoring."""
STALE_SECONDS = 600
"""A temporary report directory older than this was left by a crashed run (no run writes for so long
without finishing) and is removed by the next one."""


@attrs.frozen
class Published:
    period: Period
    number: int
    new: bool
    """False when the scoring was identical to the latest edition (no new edition was made)."""
    digest: str
    published_on: str
    reason: str
    result: PeriodResult
    changes: Diff | None
    """What changed since the previous edition (None for the first)."""
    warnings: tuple[str, ...] = ()
    directory: Path | None = None
    confirmed: str | None = None
    """The office's reason for publishing with data missing (``--allow-missing``), as the edition keeps it."""
    html: Path | None = None


def bureau_root(bureau: Bureau) -> Path:
    """The bureau's folder: the configuration file's."""
    return Path(bureau.source).resolve().parent if bureau.source else Path.cwd()


def edition_dir(base: Path, number: int) -> Path:
    return base / f"第{number}版"


def report_files(period: str) -> tuple[str, ...]:
    return ("index.html", xlsx_name(period), json_name(period))


def _adjustment_rows(store: Store, bureau: Bureau, period: Period) -> list[dict[str, Any]]:
    labels = [period.label] + [p.label for p in between_periods(bureau, period)]
    labels += [b.label for b in base_periods(bureau, period) if b != period]
    rows = []
    for label in labels:
        for a in store.adjustments(label):
            rows.append(
                {
                    "id": a.id, "period": a.period, "unit": a.unit, "name": _name(bureau, a.unit), "points": str(a.points),
                    "reason": a.reason, "approver": a.approver, "kind": a.kind, "item": a.item, "appeal": a.appeal,
                    "number": a.number,
                }
            )
    return rows


def _name(bureau: Bureau, unit: str) -> str:
    u = bureau.unit(unit)
    return u.name if u is not None else unit


def _appeal_rows(store: Store, bureau: Bureau, period: Period) -> list[dict[str, Any]]:
    """The decided appeals that changed something, of the period and its base periods."""
    labels = {period.label} | {b.label for b in base_periods(bureau, period)}
    out = []
    for a in store.appeals(pending=False):
        if a["period"] in labels and a["outcome"] != "维持":
            unit = bureau.unit(a["unit"])
            out.append(
                {
                    "id": a["id"], "period": a["period"], "unit": a["unit"], "name": unit.name if unit else a["unit"],
                    "item": a["item"], "title": a["title"], "record": a["record"], "outcome": a["outcome"],
                    "points": a["new_points"], "decider": a["decider"], "reason": a["decision_reason"],
                }
            )
    return out


def publish(
    store: Store, bureau: Bureau, registry: Any, period: Period, *, published_on: dt.date | None = None,
    reason: str = "", actor: str | None = None, out: Path | None = None, write: bool = True,
    allow_missing: str | None = None,
) -> Published:
    """Publish ``period``: check the data, score from one snapshot, freeze a new edition unless the
    latest is identical, and write the report of the edition into ``out``/第N版.

    A period that has not begun is not published, and the publication date is neither in the future
    (the appeal window runs from it: a date ahead would shut appeals and corrections out until
    then) nor before the period's first day.

    While data is missing (a department's, or a unit's figure its department has not signed off),
    a bureau with ``[publication] missing_data = "refuse"`` (the default) publishes only with
    ``allow_missing``, the office's reason for publishing all the same: it is written into the
    edition (its payload's ``completeness`` and its reason) and into the audit trail."""
    guard(store)  # a store whose protections are missing is refused before anything is scored or read
    today = dt.date.today()
    first = bureau.calendar.start(period)
    if first > today:
        raise KaoheError(f"{period.label} 从 {first.isoformat()} 开始,尚未开始,不能发布通报")
    if published_on is not None and published_on > today:
        raise KaoheError(
            f"公布日期 {published_on.isoformat()} 晚于今天 {today.isoformat()}:复查申请期限从公布日期起算,不能预填将来的日期"
        )
    if published_on is not None and published_on < first:
        raise KaoheError(f"公布日期 {published_on.isoformat()} 早于 {period.label} 的第一天 {first.isoformat()}")
    confirmed = (allow_missing or "").strip() or None
    if allow_missing is not None and not confirmed:
        raise KaoheError("--allow-missing 须写明确认发布的理由,如 --allow-missing \"纪委本月无违纪情形,已电话确认\"")
    refuse = bureau.publication.missing_data == "refuse" and not confirmed
    if refuse:  # a department's missing data refuses before the period is scored (minutes for a province)
        _refuse(period, problems(data_status(store, bureau, registry, period), bureau))
    day = (published_on or dt.date.today()).isoformat()

    window = inputs_window(bureau, period)
    window_dates = bureau.calendar.start(window[0]).isoformat(), bureau.calendar.end(window[1]).isoformat()

    for _ in range(ATTEMPTS):
        with store.snapshot():
            # what this edition reads, as kaohe stored it — in the snapshot it is scored from (an
            # import committed meanwhile is not half seen)
            check_inputs(store, *window_dates)
            seen = _state(store)
            source = StoreSource(store, bureau, registry)
            # the 末位 history scored from the same snapshot (not the stored scores, which any
            # ``kaohe score`` rewrites): the edition depends on its inputs only
            result = score(bureau, period, source, history(store, bureau, period, source, stored=False))
            rows = data_status(store, bureau, registry, period)
            issues = problems(rows, bureau) + unit_problems(rows, result.missing)
            if len(issues) > 20:
                issues = [*issues[:20], f"……共{len(issues)}项"]
            if refuse:
                _refuse(period, issues)
            gaps = bool(result.missing or result.empty)
            compressed, dig = freeze(payload_chunks(
                bureau, registry, result, inputs_entry(store, bureau, period),
                _adjustment_rows(store, bureau, period), _appeal_rows(store, bureau, period),
                confirmed if gaps else None,
            ))
        with store.writing():
            if _state(store) != seen:
                continue  # something was imported, decided or published meanwhile: score again
            latest = store.editions(period.label)[-1:] or [None]
            last = latest[0]
            if last is not None and last["digest"] != dig and day < last["published_on"]:
                raise KaoheError(
                    f"公布日期 {day} 早于 {period.label} 第{last['number']}版的公布日期 {last['published_on']}:"
                    "新版本的公布日期不能早于上一版"
                )
            if last is not None and last["digest"] == dig:
                number, new = last["number"], False
                day, why = last["published_on"], last["reason"]
            else:
                why = reason
                if not why and last is not None:
                    before = store.edition(period.label, last["number"])
                    assert before is not None
                    why = ";".join(diff(before["data"], json.loads(zlib.decompress(compressed))).why) or "重新发布"
                why = why or "首次发布"
                if confirmed and gaps:
                    why += f";数据不全,经确认发布:{confirmed}"
                store.save_result(result, config_digest(bureau), len(bureau.items), seen)
                number = store.insert_edition(period.label, compressed, dig, day, why, actor)
                if confirmed and gaps:
                    store.log(
                        "确认缺数据发布", actor, period=period.label, subject=f"{period.label}#{number}",
                        detail={"reason": confirmed, "missing": [g.text() for g in result.missing], "empty": list(result.empty)},
                    )
                new = True
            break
    else:
        raise KaoheError(f"发布 {period.label} 期间数据库一直在变化(有导入、调整或复查决定),{ATTEMPTS}次均未完成:请稍后再试")
    changes = None
    if number > 1:
        a, b = store.edition(period.label, number - 1), store.edition(period.label, number)
        assert a is not None and b is not None
        changes = diff(a["data"], b["data"], a["number"], b["number"])
    published = Published(period, number, new, dig, day, why, result, changes, tuple(issues), confirmed=confirmed if gaps else None)
    if write:
        base = out or Path(bureau.source).parent / "published" / period.label
        target = edition_dir(base, number)
        if not new and target.is_dir():
            # the edition's files are never rewritten: only a missing one is written again
            missing = [name for name in report_files(period.label) if not (target / name).is_file()]
            if missing:
                fill_edition(store, bureau, registry, published, base, missing)
                record_files(store, bureau, published, target, actor)
            published = attrs.evolve(published, directory=target, html=target / "index.html")
        else:
            directory, html = write_edition(store, bureau, registry, published, base)
            record_files(store, bureau, published, directory, actor)
            published = attrs.evolve(published, directory=directory, html=html)
    return published


def _refuse(period: Period, issues: list[str]) -> None:
    """Refuse to publish ``period`` while ``issues`` (data missing) stand, saying how to go on."""
    if len(issues) > 20:
        issues = [*issues[:20], f"……共{len(issues)}项"]
    if issues:
        raise Refused(
            f"{period.label} 数据不全,按本局设置([publication] missing_data = \"refuse\")不予发布:" + ";".join(issues)
            + f"。补齐数据(或由部门签收确认)后再发布;确需先发布的,写明理由:kaohe publish {period.label} --allow-missing \"理由\""
        )


def record_files(store: Store, bureau: Bureau, published: Published, directory: Path, actor: str | None = None) -> None:
    """Record the SHA-256 of the edition's files in ``directory`` in the audit trail (once per edition
    and folder: a file written again later, identical, is checked against the first record), for
    kaohe verify to compare the published files with. The folder is recorded relative to the
    bureau's folder (the configuration's) when inside it, so that a bureau copied or moved whole is
    checked where it is."""

    if _recorded_files(store, bureau, published, directory) is not None:
        return
    files = {name: file_digest(directory / name) for name in report_files(published.period.label) if (directory / name).is_file()}
    detail: dict[str, Any] = {"directory": folder_name(directory, bureau_root(bureau)), "files": files}
    if jsondata.VERSION > 1:  # an entry without it: the JSON was written in version 1 (before version 2)
        detail["json_version"] = jsondata.VERSION
    if report_html.LAYOUT > 1:  # an entry without it: the page was written in layout 1 (before layout 2)
        detail["html_layout"] = report_html.LAYOUT
    store.log(FILES, actor, period=published.period.label, subject=f"{published.period.label}#{published.number}", detail=detail)


def _recorded_files(store: Store, bureau: Bureau, published: Published, directory: Path) -> dict[str, Any] | None:
    """What record_files recorded of the edition's files in ``directory``, if it did."""
    edition = f"{published.period.label}#{published.number}"
    folder = folder_name(directory, bureau_root(bureau))
    for entry in store.audit(action=FILES):
        detail = json.loads(entry["detail"] or "{}")
        if entry["subject"] == edition and detail.get("directory") == folder:
            return dict(detail)
    return None


def _state(store: Store) -> int:
    """What changes when anything an edition depends on changes: the audit trail's last entry (every
    import, adjustment, decision, voiding, sign-off and edition is in it)."""
    return store.last_audit_id()


def write_edition(
    store: Store, bureau: Bureau, registry: Any, published: Published, base: Path, json_version: int | None = None,
    html_layout: int | None = None,
) -> tuple[Path, Path]:
    """Write the edition's report into ``base``/第N版, whole or not at all (a temporary directory
    renamed into place); the JSON in layout ``json_version``, the page in ``html_layout`` (the
    current ones by default)."""

    target = edition_dir(base, published.number)
    base.mkdir(parents=True, exist_ok=True)
    for stale in base.glob(".kaohe-*"):  # left by a run that crashed while writing
        if stale.is_dir() and _abandoned(stale):
            shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".kaohe-{os.getpid()}-", dir=base))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it 0700: the edition is readable as the bureau's other files
    meta = store.editions(published.period.label)[published.number - 1]
    try:
        report.publish(  # looked up when called, as the function-local import did
            tmp, bureau, registry, published.result, store,
            generated=dt.datetime.fromisoformat(meta["time"]),
            edition={"number": published.number, "published_on": published.published_on, "reason": published.reason,
                     "digest": published.digest, "chain_head": meta.get("chain_head") or "", "appeal_days": bureau.appeal_days,
                     "deadline": deadlines.deadline(dt.date.fromisoformat(published.published_on), bureau.appeal_days, bureau.holidays, bureau.workdays).isoformat(),
                     "confirmed": published.confirmed},
            changes=published.changes, json_version=json_version, html_layout=html_layout,
        )
        if target.exists():  # written meanwhile by another run: keep its files, add what it lacks
            for f in tmp.iterdir():
                if not (target / f.name).exists():
                    os.replace(f, target / f.name)
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target, target / "index.html"


def _umask() -> int:
    """The process's umask (read by setting it and setting it back: there is no other way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _abandoned(directory: Path) -> bool:
    """A temporary directory whose writing process is gone (or that is older than STALE_SECONDS)."""
    if time.time() - directory.stat().st_mtime > STALE_SECONDS:
        return True
    try:
        pid = int(directory.name.split("-")[1])
    except (IndexError, ValueError):
        return True
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def fill_edition(store: Store, bureau: Bureau, registry: Any, published: Published, base: Path, missing: list[str]) -> None:
    """Write the ``missing`` files of an edition whose directory exists (the others stay as they are),
    the JSON and the page in the layouts its files were recorded in (version 1 for an edition
    published before version 2, page layout 1 before layout 2), so that they are the bytes recorded."""
    target = edition_dir(base, published.number)
    recorded = _recorded_files(store, bureau, published, target)
    version = None if recorded is None else int(recorded.get("json_version", 1))
    layout = None if recorded is None else int(recorded.get("html_layout", 1))
    directory, _ = write_edition(store, bureau, registry, published, base / f".kaohe-{os.getpid()}-fill", version, layout)
    try:
        for name in missing:
            os.replace(directory / name, target / name)
    finally:
        shutil.rmtree(base / f".kaohe-{os.getpid()}-fill", ignore_errors=True)


# --- appeals ---------------------------------------------------------------------------------------


def _tree(edition: dict[str, Any], unit: str) -> dict[str, Any] | None:
    for u in edition["data"]["results"]:
        if u["unit"] == unit:
            return u
    return None


def file_appeal(
    store: Store, bureau: Bureau, period: Period, unit_key: str, item: str, reason: str, *,
    record: str | None = None, received: dt.date | None = None, actor: str | None = None,
) -> dict[str, Any]:
    """File a unit's appeal against one deduction of the latest edition of ``period``."""
    if not reason.strip():
        raise KaoheError("请写明申请复查的理由(--reason)")
    unit = bureau.unit(unit_key)
    if unit is None:
        raise KaoheError(f"没有单位 “{unit_key}”")
    edition = store.edition(period.label)
    if edition is None:
        raise KaoheError(f"{period.label} 尚未发布通报(kaohe publish {period.label}),没有可申请复查的结果")
    published = dt.date.fromisoformat(edition["published_on"])
    last = deadlines.deadline(published, bureau.appeal_days, bureau.holidays, bureau.workdays)
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
    tree = _tree(edition, unit.id)
    if tree is None:
        raise KaoheError(f"{unit.name} 不在 {period.label} 第{edition['number']}版通报中")
    found = [(c, i) for c in tree["categories"] for i in c["items"] if i["item"] == item]
    if not found:
        raise KaoheError(f"{unit.name} 在 {period.label} 第{edition['number']}版中没有项目 {item}:用 kaohe explain {unit.id} {period.label} --ids 查看各项目编号")
    cat, it = found[0]
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
    if record:
        lines = [ln for ln in it["lines"] if ln["record"] == record]
        if not lines:
            keys = [ln["record"] for ln in it["lines"] if ln["record"] and D(ln["points"]) < 0]
            listed = "、".join(keys[:10]) + (f" 等{len(keys)}条" if len(keys) > 10 else "")
            raise KaoheError(
                f"{unit.name} 的“{it['title']}”中没有记录 {record} 的扣分"
                + (f";该项目扣分的记录为 {listed}" if keys else "")
            )
        points, text = lines[0]["points"], lines[0]["reason"]
    else:
        points, text = it["points"], f"{it['title']}(全项)"
    if D(points) >= 0:
        what = f"“{it['title']}”" + (f"记录 {record} " if record else "")
        raise KaoheError(f"{unit.name} 的{what}没有扣分({fmt_points(D(points))}),复查申请只针对扣分")
    row = {
        "period": period.label, "edition": edition["id"], "edition_number": edition["number"], "unit": unit.id,
        "item": item, "title": it["title"], "department": it["department"], "record": record, "points": points,
        "line": text, "reason": reason.strip(), "received": day.isoformat(), "deadline": last.isoformat(),
    }
    appeal_id = store.insert_appeal(row, actor)
    return {**row, "id": appeal_id, "name": unit.name}


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
    edition = store.edition(appeal["period"], appeal["edition_number"])
    assert edition is not None
    tree = _tree(edition, appeal["unit"]) or {"categories": []}
    return [ln["record"] for c in tree["categories"] for i in c["items"] if i["item"] == appeal["item"] for ln in i["lines"] if ln.get("record")]


def _uncapped(store: Store, appeal: dict[str, Any]) -> Decimal:
    """The sum of the lines of the appealed item in the appealed edition (before its cap or floor)."""
    edition = store.edition(appeal["period"], appeal["edition_number"])
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
        f"第{a['id']}号 {a['period']} 第{a['edition_number']}版 {_name(bureau, a['unit']) if bureau else a['unit']} · {title}〔{a['department']}〕"
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
