"""The office's publication job: publish a period as a frozen edition (the appeals against its
deductions and the departments' decisions are kaohe.office.appeals).

The flow: ``publish`` scores the period from one consistent snapshot of the store, freezes the
result as the period's next edition (kaohe.report.editions) unless it is identical to the latest one, and
writes the report of that edition. A unit appeals one line of the latest edition within the
bureau's deadline (``[appeals] working_days`` working days after the edition's publication date, 2
by default); the appeal goes to the department that owns the item, whose decision is one of 维持
(the deduction stands), 改分 (the line's points are changed: an adjustment of the item, see
kaohe.core.adjustments) or 撤销记录 (the record is voided: it stays stored, marked, and is no longer
scored). Publishing again then produces the next edition, whose report says what changed and why.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from .. import report
from ..core.actor import Actor
from ..core.errors import KaoheError, Refused
from ..core.model import PeriodResult, UnitResult
from ..core.periods import Period
from ..report import html as report_html
from ..report import xlsx as report_xlsx
from ..report import json_name, jsondata, xlsx_name
from ..report.editions import Diff, diff_packed, freeze, inputs_entry, inputs_window, payload_chunks, why_packed
from ..scheme.bureau import Bureau
from ..scoring.pipeline import base_periods, between_periods, score
from ..scoring.sources import StoreSource
from ..scoring.status import data_status, problems, unit_problems
from ..store.integrity import FILES, check_inputs, file_digest, folder_name, guard
from ..store.store import Store
from .appeals import unit_name as _name
from .jobs import bring_up_to_date, config_digest, flag_history, history
from .results import NotWhole, StoredPeriod, foldable, staleness, stored_period
from .session import Office

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
    chain_head: str | None = None
    """The audit chain's head printed on the edition (:func:`publish_period` sets it)."""
    whole: Callable[[UnitResult], UnitResult] | None = attrs.field(default=None, eq=False, repr=False)
    """Where the edition was made from the stored results, ``result``'s units are held without their
    record lines (``results.StoredPeriod``): this gives a unit whole, as the edition froze it."""

    def units(self) -> Iterator[UnitResult]:
        """The edition's units whole (every record line), one at a time, in ``result``'s order."""
        for u in self.result.units:
            yield u if self.whole is None else self.whole(u)


class Spool:
    """The units of an edition made from the stored results, whole, as its payload read them, kept
    in a temporary file (each unit pickled and compressed, found by its id) until the report's
    writers ask for them (``unit``): made once, written four times (the payload, the page, the
    workbook, the JSON), never all held at once. The file is removed when closed or dropped."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()
        self.at: dict[str, tuple[int, int]] = {}
        self.end = 0

    def keep(self, units: Iterable[UnitResult]) -> Iterator[UnitResult]:
        """``units``, each kept as it passes."""
        for u in units:
            blob = zlib.compress(pickle.dumps(u, protocol=5), 1)
            self.file.seek(self.end)
            self.file.write(blob)
            self.at[u.unit] = (self.end, len(blob))
            self.end += len(blob)
            yield u

    def unit(self, u: UnitResult) -> UnitResult:
        """``u`` whole, as kept (our own file, written by this process: nothing else is unpickled)."""
        at, size = self.at[u.unit]
        self.file.seek(at)
        whole = pickle.loads(zlib.decompress(self.file.read(size)))
        assert isinstance(whole, UnitResult)
        return whole

    def close(self) -> None:
        self.file.close()


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

    spool: Spool | None = None
    for _ in range(ATTEMPTS):
        up_to_date(store, bureau, registry, period)
        with store.snapshot():
            # what this edition reads, as kaohe stored it — in the snapshot it is scored from (an
            # import committed meanwhile is not half seen)
            check_inputs(store, *window_dates)
            seen = _state(store)
            # the stored results, brought up to date just before (``_stored``); where they are not
            # (something changed between), scored from the same snapshot with the 末位 history
            # scored from it too: the edition depends on its inputs only, never on what was stored;
            # every record's line (an edition lists them): the items scored from their records
            stored = _stored(store, bureau, registry, period)
            result = _scored(store, bureau, registry, period) if stored is None else stored.result
            issues, gaps, extra = _checked(store, bureau, registry, period, result, refuse, confirmed)
            if spool is not None:  # an earlier attempt's
                spool.close()
                spool = None
            if stored is not None:
                # each unit made whole (its record lines made again) a batch at a time as the payload
                # reaches it, and kept for the report's writers (``Spool``): what they write is what
                # was frozen, whatever is imported meanwhile
                spool = Spool()
                kept, each = spool, stored.each
                try:
                    compressed, dig = freeze(payload_chunks(bureau, registry, result, *extra, whole=lambda us: kept.keep(each(us))))
                except NotWhole:  # the records changed since they were stored: scored from them, as before
                    spool.close()
                    spool, stored = None, None
                    result = _scored(store, bureau, registry, period)
                    issues, gaps, extra = _checked(store, bureau, registry, period, result, refuse, confirmed)
            if spool is None:
                compressed, dig = freeze(payload_chunks(bureau, registry, result, *extra))
        with store.writing():
            if _state(store) != seen:
                continue  # something was imported, decided or published meanwhile: score again
            editions = store.editions(period.label)
            last = editions[-1] if editions else None
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
                    before = store.edition_packed(period.label, last["number"])
                    assert before is not None
                    why = ";".join(why_packed(before["packed"], compressed)) or "重新发布"
                why = why or "首次发布"
                if confirmed and gaps:
                    why += f";数据不全,经确认发布:{confirmed}"
                if stored is None:  # scored here: stored as ``kaohe score`` would have
                    store.save_result(result, config_digest(bureau, period), len(bureau.at(period).items), seen, fold=foldable(bureau, period))
                state = store.period_state(period.label)
                number = store.insert_edition(period.label, compressed, dig, day, why, actor, state["digest"] if state else None)
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
        a, b = store.edition_packed(period.label, number - 1), store.edition_packed(period.label, number)
        assert a is not None and b is not None
        changes = diff_packed(a["packed"], b["packed"], a["number"], b["number"])
    published = Published(
        period, number, new, dig, day, why, result, changes, tuple(issues), confirmed=confirmed if gaps else None,
        whole=None if spool is None else spool.unit,
    )
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


def up_to_date(store: Store, bureau: Bureau, registry: Any, period: Period) -> list[str]:
    """Bring what an edition of ``period`` is made of up to date (``jobs.bring_up_to_date``: only
    what is stale is scored, whatever ``[results] stale`` says — an edition is never made from
    stale results): the stored base periods before it whose ranks its 末位 flags read, oldest
    first, then the period (a longer one: its stale base periods first, then it aggregated from
    them). Returns the labels of the periods scored."""
    done: list[str] = []
    for p in reversed(flag_history(bureau, period)):
        if store.period_state(p.label) is not None:
            done.extend(bring_up_to_date(store, bureau, registry, p))
    done.extend(bring_up_to_date(store, bureau, registry, period))
    return done


def _scored(store: Store, bureau: Bureau, registry: Any, period: Period) -> PeriodResult:
    """``period`` scored from the records, every record's line (an edition lists them), its 末位
    history scored from them too: the edition depends on its inputs only, never on what was stored."""
    source = StoreSource(store, bureau, registry)
    whole = bureau.evolve(engine="python")
    return score(whole, period, source, history(store, whole, period, source, stored=False))


def _checked(
    store: Store, bureau: Bureau, registry: Any, period: Period, result: PeriodResult, refuse: bool, confirmed: str | None,
) -> tuple[list[str], bool, tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], str | None]]:
    """The data missing for ``result`` (refused with ``refuse``), whether it has gaps, and what its
    edition's payload holds beside the results: its inputs, adjustments, appeals and the office's
    reason for publishing with gaps."""
    rows = data_status(store, bureau, registry, period)
    issues = problems(rows, bureau) + unit_problems(rows, result.missing)
    if len(issues) > 20:
        issues = [*issues[:20], f"……共{len(issues)}项"]
    if refuse:
        _refuse(period, issues)
    gaps = bool(result.missing or result.empty)
    extra = (
        inputs_entry(store, bureau, period), _adjustment_rows(store, bureau, period), _appeal_rows(store, bureau, period),
        confirmed if gaps else None,
    )
    return issues, gaps, extra


def _stored(store: Store, bureau: Bureau, registry: Any, period: Period) -> StoredPeriod | None:
    """``period``'s stored results (``results.stored_period``: the units without their record lines,
    made whole a batch at a time) when they and those of the base periods its 末位 flags read are up
    to date (``results.staleness``), else None."""
    if staleness(store, bureau, period) is not None:
        return None
    for p in flag_history(bureau, period):
        if store.period_state(p.label) is not None and staleness(store, bureau, p) is not None:
            return None
    return stored_period(store, bureau, registry, period)


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
    if report_xlsx.LAYOUT > 1:  # an entry without it: the workbook was written in layout 1 (before layout 2)
        detail["xlsx_layout"] = report_xlsx.LAYOUT
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
    html_layout: int | None = None, xlsx_layout: int | None = None,
) -> tuple[Path, Path]:
    """Write the edition's report into ``base``/第N版, whole or not at all (a temporary directory
    renamed into place); the JSON in layout ``json_version``, the page in ``html_layout``, the
    workbook in ``xlsx_layout`` (the current ones by default)."""

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
                     "deadline": bureau.work_calendar.deadline(dt.date.fromisoformat(published.published_on), bureau.appeal_days).isoformat(),
                     "confirmed": published.confirmed},
            changes=published.changes, json_version=json_version, html_layout=html_layout, xlsx_layout=xlsx_layout,
            whole=published.whole,
        )
        try:
            os.replace(tmp, target)  # refused when another run's directory is already there
        except OSError:
            if not target.is_dir():
                raise
            for f in tmp.iterdir():  # written meanwhile by another run: keep its files, add what it lacks
                if not (target / f.name).exists():
                    os.replace(f, target / f.name)
            shutil.rmtree(tmp, ignore_errors=True)
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
    published before version 2, page layout 1 before layout 2, workbook layout 1 before layout 2), so
    that they are the bytes recorded. A workbook of layout 1 measured its columns by how each number
    was computed, which a stored result does not keep: it is written again from the period scored
    from the records, as it was then (the edition's inputs are unchanged: its digest is the same)."""
    target = edition_dir(base, published.number)
    recorded = _recorded_files(store, bureau, published, target)
    version = None if recorded is None else int(recorded.get("json_version", 1))
    layout = None if recorded is None else int(recorded.get("html_layout", 1))
    workbook = None if recorded is None else int(recorded.get("xlsx_layout", 1))
    if workbook == 1 and xlsx_name(published.period.label) in missing:
        source = StoreSource(store, bureau, registry)
        whole = bureau.evolve(engine="python")  # every record's line, as the edition was scored
        scored = score(whole, published.period, source, history(store, whole, published.period, source, stored=False))
        published = attrs.evolve(published, result=scored, whole=None)
    directory, _ = write_edition(
        store, bureau, registry, published, base / f".kaohe-{os.getpid()}-fill", version, layout, workbook,
    )
    try:
        for name in missing:
            os.replace(directory / name, target / name)
    finally:
        shutil.rmtree(base / f".kaohe-{os.getpid()}-fill", ignore_errors=True)


def publish_period(
    office: Office, period: Period, *, actor: Actor, out: Path, published_on: dt.date | None = None, reason: str = "",
    allow_missing: str | None = None, warn: Any = None,
) -> Published:
    """Publish ``period`` by ``actor`` into ``out``/第N版 (:func:`publish`), with the audit chain's head
    the edition carries. ``warn(store)``, when given, is called first with the open store."""
    with office.store() as store:
        if warn is not None:
            warn(store)
        done = publish(
            store, office.bureau, office.registry, period, published_on=published_on, reason=reason, actor=actor.recorded,
            out=out, allow_missing=allow_missing,
        )
        head = next((e["chain_head"] for e in store.editions(period.label) if e["number"] == done.number), None)
    return attrs.evolve(done, chain_head=head)
