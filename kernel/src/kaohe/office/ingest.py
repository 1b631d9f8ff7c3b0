"""Importing a department's file (``kaohe ingest``, the demo): the file checked within the bureau's
limits (kaohe.intake.guard), read and staged (kaohe.intake.staging), its records written by the store
in one transaction (kaohe.store.store's write primitives): it lands whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

from ..contract.adapters import Adapter
from ..contract.registry import Registry
from ..intake.reader import Rejection, check_file, same_record
from ..intake.staging import IngestReport, Staged, staged
from ..scheme.bureau import Bureau
from ..core.errors import KaoheError
from ..store.store import BATCH, Store
from .lock import Lock, locked_months, message


def ingest(
    store: Store,
    bureau: Bureau,
    registry: Registry,
    path: str | Path,
    *,
    actor: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    adapter_id: str | None = None,
    department: str | None = None,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
    readers: int | None = None,
) -> IngestReport:
    """Import one file in one transaction. Bad rows are reported and skipped (or, with
    ``strict``, the whole file is refused); a record whose key is already stored with the same
    content is unchanged, with other content it is replaced and the old version kept. A large file
    is read by other processes while this one writes (``readers``: how many; None decides by the
    file's size and type and the machine's cores, 0 reads in this process; see kaohe.intake.staging).
    ``adapter_id`` or ``department`` (a plugin's name or a department's) pin the file's
    adapter; what the reading says beside the rows (a sheet skipped) is in the report's notes.
    ``actor``: who imports (the audit trail's; None: the account running kaohe). A record of a
    published period the bureau locks (``[publication] lock``, kaohe.office.lock) refuses the whole
    file, dry run included."""
    path = Path(path)
    notes: list[str] = []
    # the file within the bureau's limits, before anything is read or locked (kaohe.intake.guard)
    digest = check_file(path, bureau.limits)
    held = locked_months(store, bureau)
    with staged(
        path, bureau, registry, adapter_id, bureau.earliest, today, readers, department, notes, digest
    ) as (adapter, rows):
        report = _store(
            store, path, adapter, rows, strict=strict, dry_run=dry_run, actor=actor, progress=progress, digest=digest,
            kept=bureau.limits.rejections_kept, held=held,
        )
    if not report.rows:
        notes.append("文件中只有表头,没有数据行")
    report.notes = notes
    return report


def _store(
    store: Store,
    path: Path,
    adapter: Adapter,
    rows: Iterator[Staged],
    *,
    strict: bool,
    dry_run: bool,
    actor: str | None,
    progress: Callable[[int], None] | None,
    digest: str,
    kept: int,
    held: dict[str, Lock] | None = None,
) -> IngestReport:
    """The staged rows counted, checked for a key repeated in the file, and written batch by batch."""
    report = IngestReport(path.name, adapter.id, adapter.department, kept=kept)
    import_id: int | None = None
    began = False

    def begin() -> None:
        # The write lock is taken when the first batch of records is ready (kaohe.store's begin_import).
        nonlocal began, import_id
        began = True
        import_id = store.begin_import(
            file=path.name, path=str(path.resolve()), digest=digest, adapter=adapter.id, department=adapter.department,
            actor=actor, strict=strict, dry_run=dry_run,
        )

    try:
        seen: dict[str, tuple[str, int]] = {}
        batch: list[Staged] = []
        last_row: tuple[str, int] = ("", -1)
        for item in rows:
            ready, sheet, row, rej = item
            if row != last_row[1] or sheet != last_row[0]:
                report.rows += 1
                last_row = (sheet, row)
                if progress and report.rows % 1000 == 0:
                    progress(report.rows)
            if ready is None:
                assert rej is not None
                report.reject(rej)
                continue
            key = ready[0]
            if held and ready[4] in held:  # a locked period's month: the whole file is refused, nothing stored
                raise KaoheError(f"{path.name}{f' 工作表“{sheet}”' if sheet else ''} 第{row}行:{message(held[ready[4]])}")
            if key in seen:
                report.duplicates += 1
                report.reject(Rejection(path.name, sheet, row, "", same_record(seen[key], sheet)))
                continue
            seen[key] = (sheet, row)
            batch.append(item)
            if len(batch) >= BATCH:
                if not began:
                    begin()
                store.write_batch(batch, path.name, import_id, report, dry_run)
                batch = []
        if not began:
            begin()
        store.write_batch(batch, path.name, import_id, report, dry_run)
        if progress:
            progress(report.rows)
        if dry_run or (strict and report.rejected_total):
            store.refuse_import(report, digest=digest, actor=actor, dry_run=dry_run)
            return report
        assert import_id is not None  # not a dry run: begin_import recorded the import
        store.finish_import(import_id, report, digest=digest, actor=actor)
    except BaseException:
        store.abort_import()
        raise
    report.import_id = import_id
    report.stored = True
    store.forget_written()
    return report
