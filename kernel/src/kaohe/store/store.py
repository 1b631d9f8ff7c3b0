"""The embedded store: one SQLite file per bureau (WAL mode), written with sqlite-utils.

Tables: ``records`` (the current version of every record, with provenance), ``record_versions``
(every superseded version: when a corrected record replaces the current one, the old one moves
here, with the time it was replaced), ``imports`` (file, checksum, time, rows accepted and rejected), ``rejections``, ``scores``
and ``explanations`` (the latest scoring of each period), ``runs`` (every scoring run), and
``migrations`` (the schema version), ``chain`` (the hash chain, kaohe.integrity). An import is one
transaction: it lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import sqlite_utils

from ..contract.registry import Registry
from ..core.decimals import D, cell_problem
from ..core.errors import KaoheError
from ..core.model import PeriodResult, Record
from ..core.periods import Period
from ..intake.reader import Rejection, check_file, checksum, same_record
from ..intake.staging import Staged, content_hash, dumps, staged  # noqa: F401 (dumps and content_hash: used by others through the store)
from ..scheme.bureau import Bureau
from ..scoring.status import gaps
from ..scoring.treejson import TreeEncoder
from .integrity import guard, migrate_3, record_line, records_digest, register
from .ledger import Ledger, current_actor, migrate_2, now

SCHEMA_VERSION = 3
BATCH = 5000


RECORD_COLUMNS = (
    "key", "kind", "unit", "date", "month", "value", "attrs", "note", "department", "hash", "version", "import_id",
    "file", "sheet", "row", "voided",
)
VERSION_COLUMNS = (
    "key", "version", "kind", "unit", "date", "value", "attrs", "note", "hash", "import_id", "file", "sheet", "row",
    "time",
)
_INSERT_RECORD = (
    f"INSERT INTO [records] ({', '.join(f'[{c}]' for c in RECORD_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(RECORD_COLUMNS))})"
    f" ON CONFLICT([key]) DO UPDATE SET {', '.join(f'[{c}] = excluded.[{c}]' for c in RECORD_COLUMNS[1:] if c != 'voided')}"
)
"""A new record is inserted, a corrected one updated in place (an upsert: never a delete, which the
store's triggers refuse on ``records``). A record voided on appeal stays void when its department
later sends a corrected version: the decision is final (a record wrongly voided is sent again under a new key)."""
_KEEP_VERSION = (
    f"INSERT INTO [record_versions] ({', '.join(f'[{c}]' for c in VERSION_COLUMNS)})"
    f" SELECT {', '.join(f'[{c}]' for c in VERSION_COLUMNS[:-1])}, ? FROM [records] WHERE [key] IN ({{}})"
)


def _migrate_1(db: sqlite_utils.Database) -> None:
    db["imports"].create(
        {
            "id": int, "file": str, "path": str, "checksum": str, "adapter": str, "department": str,
            "time": str, "actor": str, "rows": int, "accepted": int, "new": int, "changed": int,
            "unchanged": int, "rejected": int, "strict": int,
        },
        pk="id",
    )
    db["records"].create(
        {
            "key": str, "kind": str, "unit": str, "date": str, "month": str, "value": str, "attrs": str,
            "note": str, "department": str, "hash": str, "version": int, "import_id": int, "file": str,
            "sheet": str, "row": int, "voided": int,
        },
        pk="key",
    )
    db["records"].create_index(["kind", "date"])
    db["records"].create_index(["department", "month"])
    db["record_versions"].create(
        {
            "key": str, "version": int, "kind": str, "unit": str, "date": str, "value": str, "attrs": str,
            "note": str, "hash": str, "import_id": int, "file": str, "sheet": str, "row": int, "time": str,
        },
        pk=("key", "version"),
    )
    db["rejections"].create(
        {"import_id": int, "file": str, "sheet": str, "row": int, "column": str, "message": str}
    )
    db["rejections"].create_index(["import_id"])
    db["runs"].create({"id": int, "period": str, "time": str, "config": str, "items": int, "units": int}, pk="id")
    db["scores"].create(
        {
            "period": str, "unit": str, "name": str, "series": str, "class": str, "total": str, "subtotal": str,
            "rank": int, "flags": str, "veto": int, "carried": int, "run_id": int,
        },
        pk=("period", "unit"),
    )
    db["explanations"].create({"period": str, "unit": str, "tree": str}, pk=("period", "unit"))


MIGRATIONS: list[tuple[int, Callable[[sqlite_utils.Database], None]]] = [(1, _migrate_1), (2, migrate_2), (3, migrate_3)]


@attrs.define
class IngestReport:
    file: str
    adapter: str
    department: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = attrs.field(factory=list)
    corrected: list[str] = attrs.field(factory=list)
    """Keys of the records this import corrected (their previous versions are in record_versions)."""
    import_id: int | None = None
    stored: bool = False
    months: set[str] = attrs.field(factory=set)
    notes: list[str] = attrs.field(factory=list)
    """What the reading said beside the rows (a sheet of the workbook skipped)."""
    kept: int = 1000
    """Rejected rows kept one by one in ``rejected`` (``[intake] rejections_kept``); the others are
    counted in ``rejected_more``."""
    rejected_more: dict[tuple[str, str], int] = attrs.field(factory=dict)
    """(column, reason) → how many more rows were rejected for it, beyond the ``kept`` first."""
    rejected_total: int = 0
    """Every rejected row, kept or counted."""

    @property
    def accepted(self) -> int:
        return self.new + self.changed + self.unchanged

    def reject(self, rejection: Rejection) -> None:
        """One more rejected row: kept while fewer than ``kept`` are, else counted by column and reason
        (a file of a million bad rows holds a thousand rejections in memory, not a million)."""
        self.rejected_total += 1
        if len(self.rejected) < self.kept:
            self.rejected.append(rejection)
            return
        key = (rejection.column, reason_of(rejection.message))
        self.rejected_more[key] = self.rejected_more.get(key, 0) + 1

    def summary(self) -> list[str]:
        """The rejections beyond the kept ones, a line per column and reason, most frequent first."""
        return [
            (f"“{column}”列" if column else "") + f"另有 {n} 行:{reason}"
            for (column, reason), n in sorted(self.rejected_more.items(), key=lambda kv: (-kv[1], kv[0]))
        ]


_VALUE = re.compile(r"(,|:)?得到.*$|“[^”]*”|'[^']*'|(?<![\d^])\d[\d.,:-]*+(?!\^)")


def reason_of(message: str) -> str:
    """A rejection's reason without its row's values (the cell quoted, the unit named, the dates and
    numbers), so that rows refused for the same reason count together."""
    return _VALUE.sub(lambda m: "“…”" if m.group(0).startswith("“") else "" if "得到" in m.group(0) else "…", message)


BUSY_MS = 60000
"""How long a writer waits for another writer's transaction to end (readers never wait: WAL)."""


def writable(path: Path) -> bool:
    """Whether this process may write the database at ``path``: the file (when it exists) and its
    folder (where SQLite keeps the -wal and -shm files beside it)."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK | os.X_OK)


class Store(Ledger):
    """A bureau's database (the audit trail, adjustments, appeals and editions: kaohe.ledger).

    ``readonly``: for the commands that only read (rankings, editions, the audit trail …). The
    database is opened read-only: it is never written and no lock is ever waited for (in WAL mode a
    reader sees the last committed state while a writer works), and it can be read where it cannot
    be written (a read-only folder or file, a copy on a read-only medium). A database that does not
    exist yet, or whose schema is older than this kaohe's, is opened for writing when it can be (it
    is created or upgraded, as every command did before)."""

    migrations = tuple(MIGRATIONS)  # read by kaohe.store.integrity, which checks the schema they make

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly and self.path.exists()
        if self.readonly:
            conn = _open_readonly(self.path)
        else:
            if not (self.path.parent if str(self.path.parent) else Path(".")).is_dir():
                raise KaoheError(f"数据库 {self.path} 所在的文件夹不存在:检查配置 [bureau] database 的路径")
            if not writable(self.path):
                raise KaoheError(
                    f"无法写入数据库 {self.path}:没有写权限(数据库文件或所在文件夹只读);"
                    "查看类命令(ranking、explain、editions、diff、audit、status 等)仍可使用"
                )
            conn = sqlite3.connect(str(self.path), timeout=BUSY_MS / 1000, isolation_level=None)
        register(conn)  # the chain's link function: the triggers of the chained tables call it
        self.db = sqlite_utils.Database(conn)
        if not self.readonly:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        if self._current():
            return
        if self.readonly:  # an older schema: upgraded by a writer (now, if this process may write)
            conn.close()
            if not writable(self.path):
                raise KaoheError(
                    f"数据库 {self.path} 的结构版本较旧,需要升级后才能读取,但没有写权限:请在可写的位置运行一次 kaohe 命令升级"
                )
            self.__init__(path)  # type: ignore[misc]
            return
        self._migrate()

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema ----------------------------------------------------------------------------------

    def _current(self) -> bool:
        """Whether every migration is applied, read without any lock (a committed state: in WAL mode
        this never waits for a writer)."""
        if "migrations" not in self.db.table_names():
            return False
        done = {r[0] for r in self.db.execute("SELECT version FROM migrations").fetchall()}
        return all(version in done for version, _ in MIGRATIONS)

    def _migrate(self) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            tables = db.table_names()
            done = {r[0] for r in db.execute("SELECT version FROM migrations")} if "migrations" in tables else set()
            if tables and any(v not in done for v, _ in MIGRATIONS):
                # an existing database is migrated only with its protections in place (a dropped
                # table is never made again): otherwise it is left as it is, for kaohe verify to
                # read, and every write refuses it (kaohe.integrity.guard)
                try:
                    guard(self)
                except KaoheError:
                    db.execute("ROLLBACK")
                    return
            if "migrations" not in tables:
                db["migrations"].create({"version": int, "applied": str}, pk="version")
            for version, step in MIGRATIONS:
                if version not in done:
                    step(db)
                    db["migrations"].insert({"version": version, "applied": now()})
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise

    @property
    def schema_version(self) -> int:
        row = self.db.execute("SELECT max(version) FROM migrations").fetchone()
        return int(row[0] or 0)

    # --- intake ----------------------------------------------------------------------------------

    def ingest(
        self,
        path: str | Path,
        bureau: Bureau,
        registry: Registry,
        *,
        strict: bool = False,
        dry_run: bool = False,
        adapter_id: str | None = None,
        actor: str | None = None,
        progress: Callable[[int], None] | None = None,
        today: dt.date | None = None,
        readers: int | None = None,
        department: str | None = None,
    ) -> IngestReport:
        """Import one file in one transaction. Bad rows are reported and skipped (or, with
        ``strict``, the whole file is refused); a record whose key is already stored with the same
        content is unchanged, with other content it is replaced and the old version kept. A large file
        is read by other processes while this one writes (``readers``: how many; None decides by the
        file's size and type and the machine's cores, 0 reads in this process; see kaohe.staging).
        ``adapter_id`` or ``department`` (a plugin's name or a department's) pin the file's
        adapter; what the reading says beside the rows (a sheet skipped) is in the report's notes."""
        path = Path(path)
        notes: list[str] = []
        # the file within the bureau's limits, before anything is read or locked (kaohe.guard)
        digest = check_file(path, bureau.limits)
        with staged(
            path, bureau, registry, adapter_id, bureau.earliest, today, readers, department, notes, digest
        ) as (adapter, rows):
            report = self._ingest(
                path, adapter, rows, strict=strict, dry_run=dry_run, actor=actor, progress=progress, digest=digest,
                kept=bureau.limits.rejections_kept,
            )
        if not report.rows:
            notes.append("文件中只有表头,没有数据行")
        report.notes = notes
        return report

    def _ingest(
        self,
        path: Path,
        adapter: Any,
        rows: Iterator[Staged],
        *,
        strict: bool,
        dry_run: bool,
        actor: str | None,
        progress: Callable[[int], None] | None,
        digest: str | None = None,
        kept: int = 1000,
    ) -> IngestReport:
        report = IngestReport(path.name, adapter.id, adapter.department, kept=kept)
        digest = digest or checksum(path)
        db = self.db
        import_id = None
        began = False

        def begin() -> None:
            # The write lock is taken when the first batch of records is ready (a month's usual file,
            # read and checked whole before it): other commands wait only for the writing. A dry
            # run takes no write lock at all: it reads, in a transaction of its own.
            nonlocal began, import_id
            db.execute("BEGIN" if dry_run else "BEGIN IMMEDIATE")
            began = True
            guard(self)  # the store's protections in place (kaohe.integrity), under the lock
            if not dry_run:
                # the record versions this import writes, ``key<TAB>version<TAB>hash``, for their
                # digest (kaohe.integrity.records_digest): in a temporary table, sorted by SQLite
                # at the end, so that a large file's lines are never all in memory
                db.execute("CREATE TEMP TABLE IF NOT EXISTS kaohe_written (line TEXT)")
                db.execute("DELETE FROM temp.kaohe_written")
                import_id = db["imports"].insert(
                    {
                        "file": path.name, "path": str(path.resolve()), "checksum": digest,
                        "adapter": adapter.id, "department": adapter.department, "time": now(),
                        "actor": actor or current_actor(), "rows": 0, "accepted": 0, "new": 0, "changed": 0,
                        "unchanged": 0, "rejected": 0, "strict": int(strict),
                    }
                ).last_pk

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
                if key in seen:
                    report.duplicates += 1
                    report.reject(Rejection(path.name, sheet, row, "", same_record(seen[key], sheet)))
                    continue
                seen[key] = (sheet, row)
                batch.append(item)
                if len(batch) >= BATCH:
                    if not began:
                        begin()
                    self._write(batch, path.name, import_id, report, dry_run)
                    batch = []
            if not began:
                begin()
            self._write(batch, path.name, import_id, report, dry_run)
            if progress:
                progress(report.rows)
            if dry_run or (strict and report.rejected_total):
                rollback(db)
                if not dry_run:
                    self.log(
                        "导入被拒绝", actor, department=adapter.department, subject=path.name,
                        detail={"checksum": digest, "adapter": adapter.id, "rows": report.rows, "rejected": report.rejected_total, "strict": True},
                    )
                return report
            if report.rejected_total:
                db["rejections"].insert_all(
                    (
                        {"import_id": import_id, "file": r.file, "sheet": r.sheet, "row": r.row, "column": r.column, "message": r.message}
                        for r in report.rejected
                    ),
                    batch_size=BATCH,
                )
                db["rejections"].insert_all(
                    {"import_id": import_id, "file": path.name, "sheet": "", "row": None, "column": column, "message": f"另有 {n} 行:{reason}"}
                    for (column, reason), n in report.rejected_more.items()
                )
            db["imports"].update(
                import_id,
                {
                    "rows": report.rows, "accepted": report.accepted, "new": report.new, "changed": report.changed,
                    "unchanged": report.unchanged, "rejected": report.rejected_total,
                },
            )
            self.log(
                "导入", actor, department=adapter.department, period=",".join(sorted(report.months)), subject=path.name,
                detail={
                    "import": import_id, "checksum": digest, "adapter": adapter.id, "rows": report.rows,
                    "new": report.new, "changed": report.changed, "unchanged": report.unchanged,
                    "rejected": report.rejected_total, "corrected": report.corrected[:1000],
                    "corrected_total": len(report.corrected), "records_sha256": records_digest(
                        (line for (line,) in db.execute("SELECT line FROM temp.kaohe_written ORDER BY line")), ordered=True
                    ),
                },
            )
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise
        report.import_id = import_id
        report.stored = True
        db.execute("DELETE FROM temp.kaohe_written")
        return report

    def _write(self, batch: list[Staged], file: str, import_id: int | None, report: IngestReport, dry_run: bool) -> None:
        if not batch:
            return
        keys = [ready[0] for ready, _, _, _ in batch]  # type: ignore[index]
        existing: dict[str, tuple[str, int]] = {}
        # One look at the key range first: a file of new records (the usual month's export) has
        # no stored key between its batch's lowest and highest, and needs no look-up key by key.
        anything = self.db.execute("SELECT 1 FROM records WHERE key BETWEEN ? AND ? LIMIT 1", (min(keys), max(keys))).fetchone()
        for i in range(0, len(keys) if anything else 0, 900):
            chunk = keys[i : i + 900]
            q = f"SELECT key, hash, version FROM records WHERE key IN ({','.join('?' * len(chunk))})"
            for key, h, v in self.db.execute(q, chunk).fetchall():
                existing[key] = (h, v)
        when = now()
        department = report.department
        months = report.months
        rows: list[tuple[Any, ...]] = []
        replaced: list[str] = []
        for ready, sheet, row, _ in batch:
            key, kind, unit, date, month, value, attrs_json, note, h = ready  # type: ignore[misc]
            old = existing.get(key)
            if old is not None and old[0] == h:
                report.unchanged += 1
                continue
            if old is None:
                version = 1
                report.new += 1
            else:
                version = old[1] + 1
                report.changed += 1
                replaced.append(key)
            months.add(month)
            rows.append((
                key, kind, unit, date, month, value, attrs_json, note, department, h, version, import_id, file, sheet, row, 0,
            ))

        report.corrected.extend(replaced)
        if dry_run or not rows:
            return
        # Plain executemany (the same statements sqlite-utils' insert_all(replace=True) and
        # insert_all() issue, without its per-value conversion: every value here is already a
        # str, int or None).
        # A corrected record's previous version moves to record_versions before it is replaced (the
        # change is kept); a new or unchanged record is written once.
        for i in range(0, len(replaced), 900):
            chunk = replaced[i : i + 900]
            self.db.conn.execute(_KEEP_VERSION.format(",".join("?" * len(chunk))), [when, *chunk])
        self.db.conn.executemany(_INSERT_RECORD, rows)
        self.db.conn.executemany("INSERT INTO temp.kaohe_written VALUES (?)", ((record_line(r[0], r[10], r[9]),) for r in rows))

    # --- reading ---------------------------------------------------------------------------------

    def count(self, table: str = "records") -> int:
        return int(self.db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    def imports(self) -> list[dict[str, Any]]:
        return list(self.db["imports"].rows_where(order_by="id"))

    def rejections(self, import_id: int) -> list[dict[str, Any]]:
        return list(self.db["rejections"].rows_where("import_id = ?", [import_id]))

    def stored_namespaces(self, start: dt.date, end: dt.date, known: set[str]) -> list[tuple[str, str, int]]:
        """The plugin namespaces not in ``known`` whose adapters brought records dated ``start`` to
        ``end`` still stored (not voided): (namespace, department, how many records), by namespace.
        Their records are scored by no item once their plugin is uninstalled."""
        rows = self.db.execute("SELECT DISTINCT adapter, department FROM imports WHERE adapter IS NOT NULL").fetchall()
        departments: dict[str, set[str]] = {}
        for adapter, department in rows:
            ns = str(adapter).split(".", 1)[0]
            if ns not in known:
                departments.setdefault(ns, set()).add(department or "")
        out = []
        q = "SELECT count(*) FROM records WHERE kind >= ? AND kind < ? AND date BETWEEN ? AND ? AND voided = 0"
        for ns in sorted(departments):
            n = self.db.execute(q, [ns + ".", ns + "/", start.isoformat(), end.isoformat()]).fetchone()[0]
            if n:
                out.append((ns, "、".join(sorted(d for d in departments[ns] if d)), int(n)))
        return out

    def any_records(self, months: Sequence[str]) -> bool:
        """Whether a record (not voided) of any of ``months`` is stored for a department that ever
        imported a file."""
        departments = [d for (d,) in self.db.execute("SELECT DISTINCT department FROM imports").fetchall()]
        q = f"SELECT 1 FROM records WHERE department = ? AND month IN ({','.join('?' * len(months))}) AND voided = 0 LIMIT 1"
        return any(self.db.execute(q, [d, *months]).fetchone() for d in departments)

    def departments_with_data(self, month: str) -> set[str]:
        q = "SELECT DISTINCT department FROM records WHERE month = ? AND voided = 0"
        return {r[0] for r in self.db.execute(q, [month]).fetchall()}

    def records(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterator[Record]:
        if not kinds:
            return iter(())
        q = (
            f"SELECT key, kind, unit, date, value, attrs, note FROM records WHERE voided = 0 AND kind IN ({','.join('?' * len(kinds))})"
            " AND date BETWEEN ? AND ?"
        )
        cur = self.db.conn.execute(q, [*kinds, start.isoformat(), end.isoformat()])
        # Ordered by date, then key, as ``ORDER BY date, key`` would (keys compare by code point in
        # Python and byte by byte in SQLite: the same order for UTF-8), sorted here, once decoded,
        # because SQLite would sort the rows in a temporary B-tree, more slowly; the rows are decoded
        # as they are read, so they are never all held beside the records.
        out = list(_records(cur))
        out.sort(key=_DATE_KEY)
        return iter(out)

    # --- results ---------------------------------------------------------------------------------

    def save_result(self, result: PeriodResult, config: str = "", items: int = 0) -> int:
        db = self.db
        with self._txn():
            run_id = db["runs"].insert(
                {"period": result.period, "time": now(), "config": config, "items": items, "units": len(result.units)}
            ).last_pk
            db.execute("DELETE FROM scores WHERE period = ?", [result.period])
            db.execute("DELETE FROM explanations WHERE period = ?", [result.period])
            db["scores"].insert_all(
                (
                    {
                        "period": result.period, "unit": u.unit, "name": u.name, "series": u.series, "class": u.klass,
                        "total": str(u.total), "subtotal": str(u.subtotal), "rank": u.rank, "flags": dumps(list(u.flags)),
                        "veto": int(bool(u.veto)), "carried": int(u.carried), "run_id": run_id,
                    }
                    for u in result.units
                ),
                batch_size=BATCH,
            )
            trees = TreeEncoder(dumps)  # the text of dumps(unit_data(u)), made faster
            db.conn.executemany(
                "INSERT INTO [explanations] ([period], [unit], [tree]) VALUES (?, ?, ?)",
                ((result.period, u.unit, trees.unit(u)) for u in result.units),
            )
        return int(run_id)

    def save_result_if_free(self, result: PeriodResult, config: str = "", items: int = 0) -> bool:
        """``save_result`` without waiting: False (nothing saved) when the store is read-only or
        another process holds the write lock (a reader that saves its scoring for later use)."""
        if self.readonly:
            return False
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            self.save_result(result, config, items)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return False
            raise
        finally:
            self.db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        return True

    def scores(self, period: str) -> list[dict[str, Any]]:
        return list(self.db["scores"].rows_where("period = ?", [period], order_by="series, rank, unit"))

    def explanation(self, period: str, unit: str) -> dict[str, Any] | None:
        rows = list(self.db["explanations"].rows_where("period = ? AND unit = ?", [period, unit]))
        return json.loads(rows[0]["tree"]) if rows else None


def _open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection. Where the -shm file beside the database cannot be created (a
    read-only folder), the file is opened as immutable: nothing can change it there."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:  # an immutable open would not read it
        raise KaoheError(
            f"数据库 {path} 旁的 {wal.name} 中有尚未合并的内容,而所在文件夹只读,无法读取:"
            "请在可写的位置运行一次 kaohe 命令(如 kaohe editions)后再拷贝整个文件夹"
        )
    conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def rollback(db: sqlite_utils.Database) -> None:
    """Roll back the open transaction, if SQLite has not already done so (it does after a full disk
    or an I/O error): the error that caused it is the one to report, not "cannot rollback - no
    transaction is active"."""
    if db.conn.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _DATE_KEY(record: Record) -> tuple[dt.date, str]:
    return record.date, record.key


def _scorable(key: str, number: Decimal) -> Decimal:
    """A stored number within a cell's bounds (kaohe.decimals): one imported before numbers were
    bounded (NaN, 1e30) once made every score of its period end in a traceback. Checked once per
    distinct value or attributes text."""
    problem = cell_problem(number)
    if problem:
        raise KaoheError(
            f"记录 {key} 中的数 {number} 无法计分:{problem};它是此前的版本导入的(当时没有检查),"
            "请改正该记录所在的文件后重新导入(kaohe audit 可查导入的文件)"
        )
    return number


def _records(rows: Iterable[Sequence[Any]]) -> Iterator[Record]:
    """Records from rows, decoding each distinct date and attributes text once, and holding one copy
    of each kind, unit, attribute name and attribute value (records of one kind share a few shapes
    and values of attributes; rules never change a record's attributes): a record costs its key,
    note and attribute table only."""
    dates: dict[str, dt.date] = {}
    decoded: dict[str, Any] = {}
    values: dict[str | None, Decimal | None] = {None: None}
    texts: dict[Any, Any] = {}
    canon = texts.setdefault
    loads = json.loads
    for key, kind, unit, date, value, attrs_json, note in rows:
        day = dates.get(date)
        if day is None:
            day = dates[date] = dt.date.fromisoformat(date)
        attrs = decoded.get(attrs_json)
        if attrs is None:
            attrs = {canon(k, k): canon(v, v) if isinstance(v, str) else v for k, v in loads(attrs_json).items()}
            for v in attrs.values():
                if isinstance(v, int | float) and not isinstance(v, bool):
                    _scorable(key, D(v))
            if len(decoded) >= 4096:  # attributes that hardly repeat (times, minutes): keep no texts
                decoded.clear()
            decoded[attrs_json] = attrs
        number = values.get(value, values)
        if number is values:
            number = values[value] = _scorable(key, D(value))
        yield Record(key, canon(kind, kind), canon(unit, unit), day, number, attrs, note or "")  # type: ignore[arg-type]


@attrs.frozen
class StoreSource:
    """The store as the pipeline's data source, with the bureau's carry-over rule (seed 000 l.88):
    where a department that may carry over has no data at all for a month, its previous month's
    records stand in, marked as carried over."""

    store: Store
    bureau: Bureau
    registry: Registry

    def adjustments(self, period: str) -> list[Any]:
        """The office's adjustments in force for ``period`` (kaohe.adjustments)."""
        return self.store.adjustments(period)

    def gaps(self, period: Period) -> tuple[dict[str, str], bool, frozenset[str]]:
        """The data missing in base period ``period`` (kaohe.status.gaps): kind → its department, for
        the kinds read by the bureau's items whose department has sent nothing; whether the period
        has no data at all; and the kinds of the departments that confirmed having nothing."""

        missing, empty, confirmed = gaps(self.store, self.bureau, self.registry, period)
        owners = {k: self.registry.owner_of_kind(k) for item in self.bureau.items for k in item.reads}
        kinds = {k: d for k, d in owners.items() if d in missing}
        return kinds, empty, frozenset(k for k, d in owners.items() if d in confirmed)

    def records(self, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterable[Record]:  # type: ignore[override]
        out = list(self.store.records(kinds, start, end))
        if not any(self.bureau.carries_over(d) for d in self._departments(kinds)) and not self.bureau.carries_over("*"):
            return out
        cal = self.bureau.calendar
        month = cal.period_of(start)
        last = cal.period_of(end)
        while True:
            have = self.store.departments_with_data(month.label)
            for dept in self._departments(kinds):
                if dept in have or not self.bureau.carries_over(dept):
                    continue
                prev = month.previous()
                dept_kinds = [k for k in kinds if self.registry.owner_of_kind(k) == dept]
                for r in self.store.records(dept_kinds, cal.start(prev), cal.end(prev)):
                    out.append(attrs.evolve(r, key=f"{r.key}@{month.label}", carried_from=prev.label))
            if month == last:
                break
            month = month.next()
        return out

    def _departments(self, kinds: Sequence[str]) -> set[str]:
        return {d for k in kinds if (d := self.registry.owner_of_kind(k))}
