"""Importing a department's file (``kaohe ingest``, the demo): the file checked within the bureau's
limits (kaohe.intake.guard), read and staged (kaohe.intake.staging), its records written by the store
in one transaction (kaohe.store.store's write primitives): it lands whole or not at all."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..contract.adapters import Adapter
from ..contract.registry import Registry
from ..core.errors import KaoheError
from ..intake.reader import Rejection, check_file, same_record
from ..intake.staging import IngestReport, Staged, dumps, staged
from ..scheme.bureau import Bureau
from ..scoring.aggregated import typed_fields
from ..store.integrity import guard
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
    held = _locks(store, bureau)
    with staged(
        path, bureau, registry, adapter_id, bureau.earliest, today, readers, department, notes, digest
    ) as (adapter, rows):
        report = _store(
            store, path.name, str(path.resolve()), adapter, rows, strict=strict, dry_run=dry_run, actor=actor, progress=progress, digest=digest,
            kept=bureau.limits.rejections_kept, held=held, relock=lambda: _locks(store, bureau), typed=typed_fields(bureau),
        )
    if not report.rows:
        notes.append("文件中只有表头,没有数据行")
    report.notes = notes
    return report


def _locks(store: Store, bureau: Bureau) -> dict[str, Lock]:
    """The months of the locked periods (kaohe.office.lock), read from the audit trail: a store whose
    protections are missing is refused first, as its write would be (kaohe.store.integrity.guard),
    rather than read for its locks."""
    if bureau.publication.lock:
        guard(store)
    return locked_months(store, bureau)


def _moved(store: Store, batch: list[Staged], held: dict[str, Lock] | None, file: str) -> None:
    """Refuse a row correcting a stored record of a locked month into another month (its new month
    is checked as it is read): moving it out would change the locked period's result."""
    if not held or not batch:
        return
    stored = store.record_months([ready[0] for ready, _, _, _ in batch if ready is not None])
    for ready, sheet, row, _ in batch:
        if ready is not None and stored.get(ready[0], ready[4]) in held:
            month = stored[ready[0]]
            raise KaoheError(f"{file}{f' 工作表“{sheet}”' if sheet else ''} 第{row}行:记录 {ready[0]} 原属 {month},{message(held[month])}")


def _store(
    store: Store,
    file: str,
    location: str,
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
    relock: Callable[[], dict[str, Lock]] | None = None,
    typed: Sequence[tuple[str, str]] = (),
) -> IngestReport:
    """The staged rows counted, checked for a key repeated in the file, and written batch by batch.
    ``file``: the file's name (the records' provenance); ``location``: where it was read from."""
    report = IngestReport(file, adapter.id, adapter.department, kept=kept)
    import_id: int | None = None
    began = False

    def begin() -> None:
        # The write lock is taken when the first batch of records is ready (kaohe.store's begin_import).
        nonlocal began, import_id
        began = True
        import_id = store.begin_import(
            file=file, path=location, digest=digest, adapter=adapter.id, department=adapter.department,
            actor=actor, strict=strict, dry_run=dry_run,
        )
        if typed and not dry_run:  # the scheme's compared fields in typed columns (Store.type_fields)
            store.type_fields(typed)
        if held is not None and relock is not None:
            # the locks read again under the write lock, so that a publication since the file was
            # opened is not overtaken (kaohe.office.lock); the rows read before are checked again
            held.update(relock())
            for ready, sheet, row, _ in batch:
                if ready is not None and ready[4] in held:
                    raise KaoheError(f"{file}{f' 工作表“{sheet}”' if sheet else ''} 第{row}行:{message(held[ready[4]])}")

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
                raise KaoheError(f"{file}{f' 工作表“{sheet}”' if sheet else ''} 第{row}行:{message(held[ready[4]])}")
            if key in seen:
                report.duplicates += 1
                report.reject(Rejection(file, sheet, row, "", same_record(seen[key], sheet)))
                continue
            seen[key] = (sheet, row)
            batch.append(item)
            if len(batch) >= BATCH:
                if not began:
                    begin()
                _moved(store, batch, held, file)
                store.write_batch(batch, file, import_id, report, dry_run)
                batch = []
        if not began:
            begin()
        _moved(store, batch, held, file)
        store.write_batch(batch, file, import_id, report, dry_run)
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


API_FIRST_ROW = 2
"""The table a push's rows are read as has the adapter's headers as its row 1: the push's row ``i``
(from 0) is the table's row ``i + 2`` (its records' provenance; :func:`row_index` gives ``i`` back)."""


def row_index(row: int) -> int:
    """The index in the pushed ``rows`` (from 0) of the table's row ``row``."""
    return row - API_FIRST_ROW


def json_table(adapter: Adapter, rows: Any, most: int) -> list[list[Any]]:
    """A push's ``rows`` (a list of objects, each ``{column: value}`` by the column's key, its header
    or one of its aliases) as a table headed by the adapter's headers, for the same reading as a
    file; KaoheError names the row and key that is not one of the adapter's columns (or is given twice),
    or whose text is longer than ``most`` characters (``[intake] max_cell_chars``, as in a file)."""
    if not isinstance(rows, list):
        raise KaoheError(f"“rows”应为数组(每行一个对象,键为数据格式 {adapter.id} 的列),得到 {type(rows).__name__}")
    position: dict[str, int] = {}
    for at, col in enumerate(adapter.columns):
        for name in (col.key, *col.headers):
            position.setdefault(name, at)
    names = "、".join(f"{c.key}({c.name})" for c in adapter.columns)
    table: list[list[Any]] = [[c.name for c in adapter.columns]]
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise KaoheError(f"rows[{n}]:应为对象(键为列名),得到 {type(row).__name__}")
        cells: list[Any] = [None] * len(adapter.columns)
        given: dict[int, str] = {}
        for key, value in row.items():
            i = position.get(str(key).strip())
            if i is None:
                raise KaoheError(f"rows[{n}]:数据格式 {adapter.id} 没有列“{key}”;应为 {names}")
            if i in given:
                raise KaoheError(f"rows[{n}]:“{given[i]}”和“{key}”是同一列,只能给一次")
            if isinstance(value, dict | list):
                raise KaoheError(f"rows[{n}] “{key}”:应为文本、数字、是/否或空,得到{'对象' if isinstance(value, dict) else '数组'}")
            if isinstance(value, str) and len(value) > most:
                raise KaoheError(f"rows[{n}] “{key}”:超过 {most} 个字符([intake] max_cell_chars),本次没有导入任何数据")
            given[i] = str(key)
            cells[i] = value
        table.append(cells)
    return table


def ingest_rows(
    store: Store,
    bureau: Bureau,
    registry: Registry,
    adapter_id: str,
    rows: Any,
    *,
    source: str,
    department: str | None = None,
    actor: str | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> IngestReport:
    """Import rows pushed as JSON (the API, issue 17 point 7) through the same reading as a file of
    ``adapter_id`` (its columns' converters, the adapter's records, the bureau's checks), then the
    same store steps as :func:`ingest`: bad rows reported and skipped, a record already stored with
    the same content unchanged (a push sent twice adds nothing), one transaction. ``source`` names
    the push (the records' provenance, the import's file); ``department`` pins the adapter to that
    department's (a token's)."""
    if adapter_id not in registry.adapters:
        raise KaoheError(f"没有数据格式 {adapter_id!r}:可用 {'、'.join(sorted(registry.adapters))}")
    adapter = registry.adapters[adapter_id]
    table = json_table(adapter, rows, bureau.limits.max_cell_chars)
    if len(table) == 1:
        raise KaoheError("“rows”为空:没有要导入的行")
    digest = hashlib.sha256(dumps({"adapter": adapter_id, "rows": rows}).encode("utf-8")).hexdigest()
    notes: list[str] = []
    with staged(
        Path(source), bureau, registry, adapter_id, bureau.earliest, today, 0, department, notes, digest, table=iter(table)
    ) as (found, staged_rows):
        report = _store(
            store, source, source, found, staged_rows, strict=False, dry_run=dry_run, actor=actor, progress=None,
            digest=digest, kept=bureau.limits.rejections_kept, held=_locks(store, bureau),
            relock=lambda: _locks(store, bureau), typed=typed_fields(bureau),
        )
    report.notes = notes
    return report
