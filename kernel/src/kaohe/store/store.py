"""The embedded store: one SQLite file per bureau (WAL mode), written with sqlite-utils.

Tables: ``records`` (the current version of every record, with provenance), ``record_versions``
(every superseded version: when a corrected record replaces the current one, the old one moves
here, with the time it was replaced), ``imports`` (file, checksum, time, rows accepted and rejected), ``rejections``, ``scores``
and ``explanations`` (the latest scoring of each period), with ``category_results``, ``item_results``
and ``period_results`` (what the period was scored from: kaohe.office.results tells from it whether
the stored results are up to date), ``runs`` (every scoring run), and
``users`` (the site's accounts, kaohe.store.users), ``tokens`` (the API's tokens, kaohe.store.tokens), ``selfreports`` and ``selfreport_decisions`` (units' self-reports, kaohe.store.selfreports), ``migrations`` (the schema version), ``chain`` (the hash chain, kaohe.store.integrity), ``typed_fields`` (which of the records' typed columns hold which compared attribute: ``Store.type_fields``). An import is one
transaction: it lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import contextlib
import pickle
import queue
import sqlite3
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, cast

import sqlite_utils

from ..core.decimals import D, cell_problem
from ..core.errors import KaoheError
from ..core.model import ItemResult, PeriodResult, Record, UnitResult
from ..intake.staging import IngestReport, Staged, content_hash, dumps  # noqa: F401 (dumps and content_hash: used by others through the store)
from ..rules.aggregate import Decided
from ..scoring.explain import gap_data, unit_fields
from ..scoring.folding import Referred
from ..scoring.treejson import TreeEncoder
from .actor import current_actor, now
from .integrity import guard, migrate_3, record_line, records_digest, register
from .ledger import Ledger, migrate_2
from .selfreports import SelfReports, migrate_8
from .tokens import Tokens, migrate_7
from .users import Users, migrate_5, migrate_9

SCHEMA_VERSION = 13
BATCH = 5000
STATEMENT_ROWS = 1024
"""The most rows one statement writes (``_statements``: its texts' sizes powers of two up to it)."""
SCAN_PROCESSES = 4
"""How many grouped scans ``Store.tallies_done`` makes at once, at most (and never more than the
machine's cores); ``KAOHE_SCAN_PROCESSES`` in the environment sets it (``scan_processes``)."""

UNIT_BY_UNIT = 100_000
"""``Store.tallies`` groups the records of a scan reading at least as many one unit at a time (the
index on unit, kind and date), each unit's few hundred records sorted apart, rather than in one sort
of them all: for the 834,000 110 dispatch records of a month of the full province, 3.4 s of CPU
against 7.2 s in a scanning process (bench/RESULTS.md). Smaller scans are not faster so (the
statements' own cost): measured slower at 20,000 records."""

_UNITS_SQL = (
    "WITH RECURSIVE u(x) AS (SELECT min(unit) FROM records"
    " UNION ALL SELECT (SELECT unit FROM records WHERE unit > x ORDER BY unit LIMIT 1) FROM u WHERE x IS NOT NULL)"
    " SELECT x FROM u WHERE x IS NOT NULL"
)
"""Every unit with a record (but a NULL one), in order: one step of the index on unit, kind and date
each (12 ms for the 2,000 units of the full province)."""

SCAN_MIN_RECORDS = 100_000
"""``Store.tallies_done`` makes its scans in processes of their own only when they read at least as
many records: for fewer, starting the processes (about 0.2 s) costs more than it saves."""


RESULTS_PROCESS_MIN_UNITS = 100
"""``Store.units_results`` reads the units' stored results in a reading process only for as many units
or more: for fewer, starting it (about 0.2 s) costs more than it saves."""

RESULTS_AHEAD = 4
"""How many units the reading process of ``Store.units_results`` is asked for beyond the one being taken."""


def reading_command() -> list[str]:
    """The command of a scanning (or reading) process, kaohe.store.scanner (-P: never a module of the
    current folder in its place)."""
    return [sys.executable, "-P", "-m", "kaohe.store.scanner"]


def scan_processes() -> int:
    """How many grouped scans ``Store.tallies_done`` makes at once: ``KAOHE_SCAN_PROCESSES`` (0 or 1:
    one by one, here), else ``SCAN_PROCESSES`` or the machine's cores, the fewer."""
    wanted = os.environ.get("KAOHE_SCAN_PROCESSES", "").strip()
    if not wanted:
        return min(SCAN_PROCESSES, os.cpu_count() or 1)
    if not (wanted.isascii() and wanted.isdigit() and int(wanted) <= 16):
        raise KaoheError(f"环境变量 KAOHE_SCAN_PROCESSES 应为同时进行的分组统计数 0 至 16(0 或 1 表示逐个进行),得到 {wanted!r}")
    return int(wanted)


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
    db.table("imports").create(
        {
            "id": int, "file": str, "path": str, "checksum": str, "adapter": str, "department": str,
            "time": str, "actor": str, "rows": int, "accepted": int, "new": int, "changed": int,
            "unchanged": int, "rejected": int, "strict": int,
        },
        pk="id",
    )
    db.table("records").create(
        {
            "key": str, "kind": str, "unit": str, "date": str, "month": str, "value": str, "attrs": str,
            "note": str, "department": str, "hash": str, "version": int, "import_id": int, "file": str,
            "sheet": str, "row": int, "voided": int,
        },
        pk="key",
    )
    db.table("records").create_index(["kind", "date"])
    db.table("records").create_index(["department", "month"])
    db.table("record_versions").create(
        {
            "key": str, "version": int, "kind": str, "unit": str, "date": str, "value": str, "attrs": str,
            "note": str, "hash": str, "import_id": int, "file": str, "sheet": str, "row": int, "time": str,
        },
        pk=("key", "version"),
    )
    db.table("rejections").create(
        {"import_id": int, "file": str, "sheet": str, "row": int, "column": str, "message": str}
    )
    db.table("rejections").create_index(["import_id"])
    db.table("runs").create({"id": int, "period": str, "time": str, "config": str, "items": int, "units": int}, pk="id")
    db.table("scores").create(
        {
            "period": str, "unit": str, "name": str, "series": str, "class": str, "total": str, "subtotal": str,
            "rank": int, "flags": str, "veto": int, "carried": int, "run_id": int,
        },
        pk=("period", "unit"),
    )
    db.table("explanations").create({"period": str, "unit": str, "tree": str}, pk=("period", "unit"))


def _migrate_4(db: sqlite_utils.Database) -> None:
    """The stored results beside the scores and explanations (issue 18): each period's state when it
    was scored (``period_results``: its run, the configuration's digest, the audit trail's last entry
    then — what tells a stored result out of date —, the data missing, the digest of what was stored
    and, for a longer period, the digests of the base periods it was aggregated from), every unit's category
    results and item results, and each unit's fields after its categories in ``scores.fields``."""
    db.table("period_results").create(
        {
            "period": str, "kind": str, "run_id": int, "config": str, "mark": int, "missing": str, "empty": str,
            "digest": str, "parts": str,
        },
        pk="period",
    )
    db.table("category_results").create(
        {
            "period": str, "unit": str, "category": str, "name": str, "base": str, "raw": str, "top": str, "weight": str,
            "score": str, "explanation": str,
        },
        pk=("period", "unit", "category"),
    )
    db.table("item_results").create(
        {
            "period": str, "unit": str, "item": str, "category": str, "window": str, "points": str, "uncapped": str,
            "lines": int, "records": int, "carried": int, "missing": int,
        },
        pk=("period", "unit", "item"),
    )
    db.execute("ALTER TABLE [scores] ADD COLUMN [fields] TEXT")


def _migrate_6(db: sqlite_utils.Database) -> None:
    """What a rescoring of what changed reads (issue 18 point 3): the records an import wrote
    (``import_id``), and one unit's records of a kind over some dates (its record lines on demand)."""
    db.execute("CREATE INDEX IF NOT EXISTS [idx_records_import_id] ON [records] ([import_id])")
    db.execute("CREATE INDEX IF NOT EXISTS [idx_records_unit_kind_date] ON [records] ([unit], [kind], [date])")


def _migrate_10(db: sqlite_utils.Database) -> None:
    """The records marked void, found without reading every record: the check every first write of a
    connection makes (``integrity._voids_quick``) scanned all of them, 11.5 s for 20 million records
    (bench/RESULTS.md, the site at full scale), holding the write lock meanwhile."""
    db.execute("CREATE INDEX IF NOT EXISTS [idx_records_voided] ON [records] ([key]) WHERE [voided] = 1")


TYPED_SLOTS = 8
"""How many typed columns a record has (``typed_text_0`` … and ``typed_number_0`` …): a kind's compared
fields beyond as many are read from the JSON (``Store.type_fields``)."""


def typed_columns(slot: int) -> tuple[str, str]:
    """The columns of ``slot``: the field's JSON text, its number where it is a plain number."""
    return f"typed_text_{slot}", f"typed_number_{slot}"


def _migrate_11(db: sqlite_utils.Database) -> None:
    """Typed columns for the attributes the rules compare (issue 18 point 4): ``typed_fields`` maps
    a (kind, field) to its slot, ``typed_text_N`` holds the field's JSON text (``attrs -> path``) and
    ``typed_number_N`` its number where ``Store.tallies`` takes it for a plain number, NULL otherwise.
    Made empty: the map's pairs are added and their columns filled by ``Store.type_fields``."""
    db.table("typed_fields").create({"kind": str, "field": str, "slot": int}, pk=("kind", "field"))
    for slot in range(TYPED_SLOTS):
        text, number = typed_columns(slot)
        db.execute(f"ALTER TABLE [records] ADD COLUMN [{text}] TEXT")
        db.execute(f"ALTER TABLE [records] ADD COLUMN [{number}] DOUBLE PRECISION")


def _migrate_12(db: sqlite_utils.Database) -> None:
    """The items of a period's stored results with a line carried over or marked missing, found without
    reading all of the period's item results (``Store.items_carried_or_missing``: what a rescoring of
    what changed reads, 0.15-0.8 s for the 500,000 item results of a month of the full province): a
    partial index, holding those rows alone (none where every department sent its data)."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS [idx_item_results_flagged] ON [item_results] ([period], [item])"
        " WHERE [carried] = 1 OR [missing] = 1"
    )


def _migrate_13(db: sqlite_utils.Database) -> None:
    """The order of a period's stored rows (``period_results.layout``: ``layout``'s digest of its
    units, their categories and their items, as they were written whole), so that a period scored
    whole again in the same order is rewritten in place (``ResultsWriter.clear``) instead of its
    rows deleted and written again: at full scale deleting a month's rows took 1.1-1.4 s of the
    writing thread's 4.9-5.2 s (bench/RESULTS.md). NULL (a period stored before, or written otherwise): unknown,
    its rows deleted and written again."""
    db.execute("ALTER TABLE [period_results] ADD COLUMN [layout] TEXT")


MIGRATIONS: list[tuple[int, Callable[[sqlite_utils.Database], None]]] = [
    (1, _migrate_1), (2, migrate_2), (3, migrate_3), (4, _migrate_4), (5, migrate_5), (6, _migrate_6),
    (7, migrate_7),
    (8, migrate_8),
    (9, migrate_9),
    (10, _migrate_10),
    (11, _migrate_11),
    (12, _migrate_12),
    (13, _migrate_13),
]


class Arrivals(NamedTuple):
    """How a department's records of some months arrived (``Store.arrivals``)."""

    records: int
    imports: int
    first: str | None
    """The time of the first import holding one of them (None: no record)."""
    last: str | None


class StoredRecord(NamedTuple):
    """A record's row as stored (``Store.stored_records``): attributes as JSON text, value as text."""

    key: str
    kind: str
    date: str
    department: str | None
    note: str | None
    value: str | None
    attrs: str | None
    file: str | None
    sheet: str | None
    row: int | None
    version: int


BUSY_MS = 60000
"""How long a writer waits for another writer's transaction to end (readers never wait: WAL)."""


def writable(path: Path) -> bool:
    """Whether this process may write the database at ``path``: the file (when it exists) and its
    folder (where SQLite keeps the -wal and -shm files beside it)."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK | os.X_OK)


class StoreBusy(KaoheError):
    """The store could not be written without waiting (``Store.without_waiting``)."""


class Store(Ledger, Users, Tokens, SelfReports):
    """A bureau's database (the audit trail, adjustments, appeals and editions: kaohe.store.ledger).

    ``readonly``: for the commands that only read (rankings, editions, the audit trail …). The
    database is opened read-only: it is never written and no lock is ever waited for (in WAL mode a
    reader sees the last committed state while a writer works), and it can be read where it cannot
    be written (a read-only folder or file, a copy on a read-only medium). A database that does not
    exist yet, or whose schema is older than this kaohe's, is opened for writing when it can be (it
    is created or upgraded, as every command did before)."""

    migrations = tuple(MIGRATIONS)  # read by kaohe.store.integrity, which checks the schema they make

    def __new__(cls, path: str | Path, *, readonly: bool = False) -> Store:
        """A ``postgresql://`` URL opens the PostgreSQL store (kaohe.store.postgres), a path SQLite's."""
        if cls is Store and isinstance(path, str) and "://" in path:
            backend = BACKENDS.get(path.split("://", 1)[0])
            if backend is None:
                raise KaoheError(f"不支持的数据库地址 {path.split('://', 1)[0]}://…:应为 SQLite 数据库文件的路径或 postgresql://…")
            return super().__new__(backend)
        return super().__new__(cls)

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
            # another thread of this process may write a period's results on it (``ResultsWriter``'s
            # writes, one thread at a time: the caller waits for them before it uses it again)
            conn = sqlite3.connect(str(self.path), timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
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
            self.__init__(path)  # type: ignore[misc]  # opened again, upgraded, as the class it is
            return
        self._migrate()

    def close(self) -> None:
        self.db.conn.close()

    def idle(self) -> bool:
        """Whether the store is open with no transaction under way (a connection kept for the next
        use must be; closed, it is not)."""
        try:
            return not self.db.conn.in_transaction
        except sqlite3.ProgrammingError:
            return False

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
                # read, and every write refuses it (kaohe.store.integrity.guard)
                try:
                    guard(self)
                except KaoheError:
                    db.execute("ROLLBACK")
                    return
            if "migrations" not in tables:
                db.table("migrations").create({"version": int, "applied": str}, pk="version")
            for version, step in MIGRATIONS:
                if version not in done:
                    step(db)
                    db.table("migrations").insert({"version": version, "applied": now()})
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise

    @property
    def schema_version(self) -> int:
        row = self.db.execute("SELECT max(version) FROM migrations").fetchone()
        return int(row[0] or 0)

    # --- intake: the write primitives of an import (the reading is kaohe.office.ingest's) -------------

    def begin_import(
        self, *, file: str, path: str, digest: str, adapter: str, department: str, actor: str | None, strict: bool,
        dry_run: bool,
    ) -> int | None:
        """Open an import's transaction, when its first batch of records is ready (a month's usual
        file, read and checked whole before it: other commands wait only for the writing), and record
        the import; returns its id. A dry run takes no write lock at all: it reads, in a transaction
        of its own, and records nothing (None)."""
        db = self.db
        db.execute("BEGIN" if dry_run else "BEGIN IMMEDIATE")
        guard(self)  # the store's protections in place (kaohe.store.integrity), under the lock
        if dry_run:
            return None
        # the record versions this import writes, ``key<TAB>version<TAB>hash``, for their
        # digest (kaohe.store.integrity.records_digest): in a temporary table, sorted by SQLite
        # at the end, so that a large file's lines are never all in memory
        db.execute("CREATE TEMP TABLE IF NOT EXISTS kaohe_written (line TEXT)")
        db.execute("DELETE FROM temp.kaohe_written")
        row = {
            "file": file, "path": path, "checksum": digest, "adapter": adapter, "department": department, "time": now(),
            "actor": actor or current_actor(), "rows": 0, "accepted": 0, "new": 0, "changed": 0, "unchanged": 0,
            "rejected": 0, "strict": int(strict),
        }
        return cast(int, db.table("imports").insert(row).last_pk)

    def refuse_import(self, report: IngestReport, *, digest: str, actor: str | None, dry_run: bool) -> None:
        """End a dry run, or a strict import refused for its rejected rows: nothing it wrote is kept;
        the refusal (not a dry run) is in the audit trail."""
        rollback(self.db)
        if not dry_run:
            self.log(
                "导入被拒绝", actor, department=report.department, subject=report.file,
                detail={"checksum": digest, "adapter": report.adapter, "rows": report.rows, "rejected": report.rejected_total, "strict": True},
            )

    def finish_import(self, import_id: int, report: IngestReport, *, digest: str, actor: str | None) -> None:
        """Store the import's rejections and counts, log it in the audit trail (with the digest of the
        record versions it wrote) and commit: the import lands whole."""
        db = self.db
        if report.rejected_total:
            db.table("rejections").insert_all(
                (
                    {"import_id": import_id, "file": r.file, "sheet": r.sheet, "row": r.row, "column": r.column, "message": r.message}
                    for r in report.rejected
                ),
                batch_size=BATCH,
            )
            db.table("rejections").insert_all(
                {"import_id": import_id, "file": report.file, "sheet": "", "row": None, "column": column, "message": f"另有 {n} 行:{reason}"}
                for (column, reason), n in report.rejected_more.items()
            )
        db.table("imports").update(
            import_id,
            {
                "rows": report.rows, "accepted": report.accepted, "new": report.new, "changed": report.changed,
                "unchanged": report.unchanged, "rejected": report.rejected_total,
            },
        )
        self.log(
            "导入", actor, department=report.department, period=",".join(sorted(report.months)), subject=report.file,
            detail={
                "import": import_id, "checksum": digest, "adapter": report.adapter, "rows": report.rows,
                "new": report.new, "changed": report.changed, "unchanged": report.unchanged,
                "rejected": report.rejected_total, "corrected": report.corrected[:1000],
                "corrected_total": len(report.corrected), "records_sha256": records_digest(
                    (line for (line,) in db.execute("SELECT line FROM temp.kaohe_written ORDER BY line")), ordered=True
                ),
            },
        )
        db.execute("COMMIT")

    def forget_written(self) -> None:
        """After a committed import: empty the temporary table of the versions it wrote."""
        self.db.execute("DELETE FROM temp.kaohe_written")

    def abort_import(self) -> None:
        """An import that failed: roll back whatever it wrote (nothing is half-written)."""
        rollback(self.db)

    def write_batch(self, batch: list[Staged], file: str, import_id: int | None, report: IngestReport, dry_run: bool) -> None:
        """Write a batch of staged records inside the import's transaction (``begin_import``): a new
        record is inserted, a changed one replaces the stored one (whose version is kept), an
        unchanged one is counted only; ``report`` counts them. A dry run counts and writes nothing."""
        if not batch:
            return
        # A batch holds only rows made ready (office.ingest keeps the rejected ones out): ``ready``
        # is never None here, which the type Staged cannot say.
        keys = [ready[0] for ready, _, _, _ in batch]  # type: ignore[index]
        existing = self.stored_versions(keys)
        when = now()
        department = report.department
        months = report.months
        rows: list[tuple[Any, ...]] = []
        replaced: list[str] = []
        for ready, sheet, row, _ in batch:
            key, kind, unit, date, month, value, attrs_json, note, h = ready  # type: ignore[misc]  # never None: see keys
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
        self.write_records(rows, ((record_line(r[0], r[10], r[9]),) for r in rows))

    def stored_versions(self, keys: list[str]) -> dict[str, tuple[str, int]]:
        """The stored hash and version of each of ``keys`` that is stored (kaohe.store.pgstore reads
        them by way of each key's month)."""
        existing: dict[str, tuple[str, int]] = {}
        # One look at the key range first: a file of new records (the usual month's export) has
        # no stored key between its batch's lowest and highest, and needs no look-up key by key.
        anything = self.db.execute("SELECT 1 FROM records WHERE key BETWEEN ? AND ? LIMIT 1", (min(keys), max(keys))).fetchone()
        for i in range(0, len(keys) if anything else 0, 900):
            chunk = keys[i : i + 900]
            q = f"SELECT key, hash, version FROM records WHERE key IN ({','.join('?' * len(chunk))})"
            for key, h, v in self.db.execute(q, chunk).fetchall():
                existing[key] = (h, v)
        return existing

    def write_records(self, rows: list[tuple[Any, ...]], lines: Iterable[tuple[str]]) -> None:
        """Insert or update the records of ``rows`` (``RECORD_COLUMNS``) and keep the ``lines`` of the
        versions written (kaohe.store.postgres loads them with COPY). Their typed columns are filled
        as the map says (``type_fields``), read inside the write's transaction."""
        self.db.conn.executemany(_insert_record(self.typed_map()), rows)
        self.db.conn.executemany("INSERT INTO temp.kaohe_written VALUES (?)", lines)

    # --- typed columns: the attributes the rules compare, kept beside the JSON (issue 18 point 4) ----

    def typed_map(self) -> dict[tuple[str, str], int]:
        """(kind, field) → the slot of its typed columns (``typed_columns``), for every pair whose
        columns are filled in every record of the kind (``type_fields``)."""
        return {(k, f): int(n) for k, f, n in self.db.execute("SELECT kind, field, slot FROM typed_fields").fetchall()}

    def type_fields(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str, int]]:
        """Keep the (kind, field) ``pairs`` (kaohe.scoring.aggregated.typed_fields: what the scheme
        compares and matches on, in order of priority) in typed columns: each pair not in the map yet
        is given a free slot of its kind (the slot another kind gives the same field where it can, so
        that a scan of several kinds reads one column), its columns are filled for the kind's records
        already stored, and the pair is added to the map, in one transaction (the caller's, when one is open; a read-only store, or a kind
        whose slots are all taken, keeps reading the JSON). Records written later are filled as they
        are written (``write_records``). A pair is never removed: a field no longer compared costs
        its columns only. Returns the pairs added, with their slots."""
        wanted = list(dict.fromkeys((k, f) for k, f in pairs if '"' not in f))
        if self.readonly or not (set(wanted) - self.typed_map().keys()):
            return []
        if self.db.conn.in_transaction:
            return self._type_fields(wanted)
        with self.writing():
            return self._type_fields(wanted)

    def typed_findings(self) -> list[str]:
        """What differs between the typed columns and the records' attributes (``kaohe verify``): a
        pair of the map whose slot is no slot or another field's of its kind, a record whose column
        is not what its attributes give (altered outside kaohe: a scan would count it otherwise).
        One scan of each kind's records for all its pairs."""
        out: list[str] = []
        kinds: dict[str, list[tuple[str, int]]] = {}
        for (kind, field), slot in sorted(self.typed_map().items()):
            taken = {n: f for f, n in kinds.get(kind, [])}
            if not 0 <= slot < TYPED_SLOTS or slot in taken:
                out.append(f"类型化列的对照表中 {kind} 的属性 {field} 的列号 {slot} 无效(不在 0–{TYPED_SLOTS - 1} 或与 {taken.get(slot)} 重复)")
                continue
            kinds.setdefault(kind, []).append((field, slot))
        for kind, pairs in kinds.items():
            read, wrong = [], []
            for i, (_, slot) in enumerate(pairs):
                text, number = typed_columns(slot)
                read.append(f"[{text}] AS t{i}, [{number}] AS n{i}, attrs -> ? AS j{i}")
                differs = f"(t{i} IS NOT j{i} OR n{i} IS NOT ({_number_sql(f'j{i}')}))"
                wrong += [f"sum({differs})", f"min(CASE WHEN {differs} THEN key END)"]
            row = self.db.execute(
                f"SELECT {', '.join(wrong)} FROM (SELECT key, {', '.join(read)} FROM records WHERE kind = ? LIMIT -1 OFFSET 0)",
                [*(f'$."{f}"' for f, _ in pairs), kind],
            ).fetchone()
            for i, (field, slot) in enumerate(pairs):
                n, key = row[2 * i], row[2 * i + 1]
                if n:
                    text, number = typed_columns(slot)
                    out.append(f"{n} 条 {kind} 记录(如 {key})的类型化列 {text}/{number} 与其属性 {field} 不符(被改动)")
        return out

    def _type_fields(self, wanted: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
        known = self.typed_map()  # read again under the write lock
        added: list[tuple[str, str, int]] = []
        for kind, field in wanted:
            if (kind, field) in known:
                continue
            used = {n for (k, _), n in known.items() if k == kind}
            shared = sorted({n for (_, f), n in known.items() if f == field} - used)
            free = shared or [n for n in range(TYPED_SLOTS) if n not in used]
            if free:
                known[(kind, field)] = free[0]
                added.append((kind, field, free[0]))
        for kind in dict.fromkeys(k for k, _, _ in added):  # each kind's records rewritten twice at most
            slots = [(f, n) for k, f, n in added if k == kind]
            texts = ", ".join(f"[{typed_columns(n)[0]}] = attrs -> ?" for _, n in slots)
            self.db.execute(f"UPDATE records SET {texts} WHERE kind = ?", [*(f'$."{f}"' for f, _ in slots), kind])
            numbers = ", ".join(f"[{typed_columns(n)[1]}] = {_number_sql(f'[{typed_columns(n)[0]}]')}" for _, n in slots)
            self.db.execute(f"UPDATE records SET {numbers} WHERE kind = ?", [kind])
        self.db.conn.executemany("INSERT INTO typed_fields (kind, field, slot) VALUES (?, ?, ?)", added)
        return added

    # --- reading ---------------------------------------------------------------------------------

    def count(self, table: str = "records") -> int:
        return int(self.db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    def imports(self) -> list[dict[str, Any]]:
        return list(self.db["imports"].rows_where(order_by="id"))

    def rejections(self, import_id: int) -> list[dict[str, Any]]:
        return list(self.db["rejections"].rows_where("import_id = ?", [import_id]))

    def last_imports(self, limit: int) -> list[dict[str, Any]]:
        """The ``limit`` latest imports, the latest first (the office's dashboard)."""
        return list(self.db["imports"].rows_where(order_by="id DESC", limit=limit))

    def last_rejections(self, limit: int) -> list[dict[str, Any]]:
        """The ``limit`` latest rejected rows with their import's department and time, the latest first."""
        cur = self.db.execute(
            "SELECT r.import_id, r.file, r.sheet, r.row, r.[column], r.message, i.department, i.time FROM rejections r"
            " JOIN imports i ON i.id = r.import_id ORDER BY r.import_id DESC, r.rowid LIMIT ?", [limit],
        )
        names = ["import_id", "file", "sheet", "row", "column", "message", "department", "time"]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def record_place(self, key: str) -> tuple[str, str, str] | None:
        """(unit, month, department) of the stored record ``key`` (voided or not), or None."""
        row = self.db.execute("SELECT unit, month, department FROM records WHERE key = ?", [key]).fetchone()
        return (str(row[0]), str(row[1]), str(row[2] or "")) if row else None

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

    def has_records(self, department: str, months: Sequence[str]) -> bool:
        """Whether ``department`` has a current (not voided) record in any of ``months`` (labels)."""
        q = f"SELECT 1 FROM records WHERE department = ? AND voided = 0 AND month IN ({','.join('?' * len(months))}) LIMIT 1"
        return self.db.execute(q, [department, *months]).fetchone() is not None

    def arrivals(self, department: str, months: Sequence[str]) -> Arrivals:
        """How ``department``'s current records of ``months`` arrived: how many, in how many imports,
        the first and last import's time."""
        q = (
            "SELECT count(*), count(DISTINCT r.import_id), min(i.time), max(i.time) FROM records r"
            " LEFT JOIN imports i ON i.id = r.import_id"
            f" WHERE r.department = ? AND r.voided = 0 AND r.month IN ({','.join('?' * len(months))})"
        )
        n, imports, first, last = self.db.execute(q, [department, *months]).fetchone()
        return Arrivals(int(n), int(imports), first, last)

    def imported_departments(self) -> list[str]:
        """The departments that ever imported a file."""
        return [d for (d,) in self.db.execute("SELECT DISTINCT department FROM imports").fetchall() if d is not None]

    def imports_holding(self, start: str, end: str) -> list[tuple[str, str, str, str, int]]:
        """The imports holding a current record dated ``start`` to ``end`` (ISO dates): (file,
        checksum, adapter, department, how many of its records), one per import."""
        q = (
            "SELECT i.file, i.checksum, i.adapter, i.department, count(*) FROM records r JOIN imports i ON i.id = r.import_id"
            " WHERE r.voided = 0 AND r.date BETWEEN ? AND ? GROUP BY i.id ORDER BY i.id"
        )
        return [(f, c, a, d, int(n)) for f, c, a, d, n in self.db.execute(q, [start, end]).fetchall()]

    def voided_keys(self, start: str, end: str) -> list[str]:
        """The keys of the voided records dated ``start`` to ``end`` (ISO dates), in order."""
        q = "SELECT key FROM records WHERE voided = 1 AND date BETWEEN ? AND ? ORDER BY key"
        return [k for (k,) in self.db.execute(q, [start, end]).fetchall()]

    def has_record(self, key: str) -> bool:
        """Whether a record of key ``key`` is stored (voided or not)."""
        return self.db.execute("SELECT 1 FROM records WHERE key = ?", [key]).fetchone() is not None

    def stored_records(self, keys: Sequence[str]) -> Iterator[StoredRecord]:
        """The stored rows of the records of ``keys`` (those stored), with their provenance."""
        for i in range(0, len(keys), 900):
            chunk = keys[i : i + 900]
            q = (
                "SELECT key, kind, date, department, note, value, attrs, file, sheet, row, version FROM records"
                f" WHERE key IN ({','.join('?' * len(chunk))})"
            )
            for row in self.db.execute(q, chunk).fetchall():
                yield StoredRecord(*row)

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

    def unit_records(self, unit: str, kinds: Sequence[str], start: dt.date, end: dt.date) -> Iterator[Record]:
        """``records`` of one unit (the index on unit, kind and date): the same records of ``unit``,
        in the same order."""
        if not kinds:
            return iter(())
        q = (
            "SELECT key, kind, unit, date, value, attrs, note FROM records WHERE unit = ? AND voided = 0"
            f" AND kind IN ({','.join('?' * len(kinds))}) AND date BETWEEN ? AND ?"
        )
        out = list(_records(self.db.conn.execute(q, [unit, *kinds, start.isoformat(), end.isoformat()])))
        out.sort(key=_DATE_KEY)
        return iter(out)

    def tallies(
        self, kinds: Sequence[str], fields: Sequence[str], start: dt.date, end: dt.date,
        decide: Sequence[tuple[Any, ...]] = (),
    ) -> Iterator[tuple[str, str, dict[Any, Any], int, str]]:
        """The records of ``kinds`` dated ``start`` to ``end`` (not voided), grouped by unit, kind and
        the values of ``fields`` (``value`` or attributes), and counted: (unit, kind, field → value
        as ``records`` would decode it, None where absent, how many, the least key of the group's
        records: a group of one names its record, read by ``records_of`` where its line is shown).
        One grouped scan: the rules' aggregate specs are finished from it in exact decimals
        (kaohe.rules.aggregate).

        ``decide``: (field, op, limit) of attributes compared with a limit. Each is compared here
        where the outcome is certain: a plain number more than 10⁻⁶ from the limit (binary floating
        point cannot err there within kaohe's bounds); the records are grouped by the outcome, given
        under the key (field, op, limit) as a ``Decided``. Elsewhere (near the limit, not a plain
        number, absent) the field's value is given as it is, under its name, compared in decimals.

        A field kept in typed columns (``type_fields``; in the same slot for every kind of ``kinds``)
        is read from them, its JSON text and number being what is worked out here from the JSON
        otherwise: the same rows either way.

        Inside a read transaction, a scan of ``UNIT_BY_UNIT`` records or more is grouped one unit at
        a time, in the units' order: the same rows in the same order."""
        if not kinds:
            return iter(())
        decided = {d[0] for d in decide}
        attrs = [f for f in fields if f != "value" and f not in decided]
        # the columns given (unit, kind, value, the attributes' array, a column per ``decide``) and
        # those grouped by: a constant column (NULL, the kind when there is one) is given, not grouped
        # by (the same groups in the same order, a shorter sort key)
        out: list[str] = ["unit", "kind" if len(kinds) > 1 else "?"]
        group: list[str] = ["1"] + (["2"] if len(kinds) > 1 else [])
        out_args: list[str] = [] if len(kinds) > 1 else [kinds[0]]
        read_args: list[str] = []
        # what the innermost subquery reads of a record
        read: list[str] = ["unit", *(["kind"] if len(kinds) > 1 else []), "key", *(["value"] if "value" in fields else [])]
        out.append("value" if "value" in fields else "NULL")
        if "value" in fields:
            group.append("3")
        # a field kept in typed columns (``type_fields``) in the same slot for every kind scanned: its
        # JSON text and number read from them, the same values as worked out from the JSON here
        typed = self.typed_map() if attrs or decide else {}
        slots: dict[str, int] = {}
        for f in {*attrs, *(f for d in decide for f in (d[0], *(d[3] if len(d) > 3 else ())))}:
            got = {typed.get((k, f)) for k in kinds}
            if len(got) == 1 and (slot := got.pop()) is not None:
                slots[f] = slot
        # the attributes' values in one JSON array (the record's attributes parsed once), decoded below
        # as json.loads reads the record's attributes; an absent one is null, read as None as well
        array = ""
        typed_array = bool(attrs) and all(f in slots for f in attrs)
        if typed_array:
            # the same text as json_extract's array below: each value's JSON text (``->``'s), null where absent
            parts = " || ',' || ".join(f"coalesce({typed_columns(slots[f])[0]}, 'null')" for f in attrs)
            array = f"('[' || {parts} || ',null]')"
        elif attrs:
            array = f"json_extract(attrs{''.join(', ?' for _ in attrs)}, '$.__none__')"
            read_args += [f'$."{f}"' for f in attrs]  # names without a double quote (kaohe.scoring.aggregated)
        if attrs:
            out.append("m")
            group.append("4")
            read.append(f"{array} AS m")
        else:
            out.append("NULL")
        # each compared (or limit-walking) field's JSON text (``attrs -> path``) read once a record
        # (with the attributes' array, in the innermost subquery: the record's JSON is not carried
        # further), the number of each compared field and each table's limit worked out once a
        # record, in subqueries kept apart (OFFSET 0: not flattened into the grouping, which would work
        # each out again for every use); a plain number is an unquoted JSON number, or a text of
        # digits with one point at most and a leading minus at most; its value
        # ``CAST(ltrim(j, '"') AS REAL)`` (the leading digits), NULL when it is not a plain number
        # (never decided then)
        texts: dict[str, str] = {}  # field → its JSON text's column
        numbers: dict[str, str] = {}  # compared field → its number's column
        limits: list[str] = []  # the limit's SQL, per table of limits
        cases: list[str] = []
        # every field read from typed columns (no JSON read): the numbers and limits worked out in the
        # subquery that reads the record, from its columns (one level less to carry the rows through)
        flat = all(f in slots for d in decide for f in (d[0], *(d[3] if len(d) > 3 else ()))) and (not attrs or typed_array)

        def text_of(f: str) -> str:
            """Where the worked-out columns read ``f``'s JSON text: its typed column (``flat``), else its column's name."""
            return typed_columns(slots[f])[0] if flat else texts[f]

        for field, op, limit, *by in decide:
            assert op in (">", ">=", "<", "<=")
            for f in (field, *(by[0] if by else ())):
                texts.setdefault(f, f"f{len(texts)}")
            j = texts[field]
            if field not in numbers:
                if flat:
                    numbers[field] = typed_columns(slots[field])[1]
                elif field in slots:  # read with the record's other columns, carried through
                    g = f"g{len(numbers)}"
                    read.append(f"{typed_columns(slots[field])[1]} AS {g}")
                    numbers[field] = g
                else:
                    numbers[field] = _number_sql(j)
            n = f"n{list(numbers).index(field)}"
            if not by:  # one limit
                # 0 or 1 where decided, else the field's JSON text (never equal to 0 or 1: a text)
                cases.append(f"CASE WHEN abs({n} - {float(limit)!r}) > 1e-6 THEN {n} {op} {float(limit)!r} ELSE {j} END")
                continue
            # a table of limits walked with the attributes ``by`` (``rules.base.lookup``), in SQL where
            # each is a text or absent: the limit (a number), 'none' (no limit: never crosses), or
            # NULL (another value: undecided); undecided, the JSON array of the field's and ``by``'s values
            names = [texts[f] for f in by[0]]
            lim = f"l{len(limits)}"
            limits.append(f"{_limit_sql(limit, [text_of(f) for f in by[0]])} AS {lim}")
            raw = f"json_array(json({j}), {', '.join(f'json({c})' for c in names)})"
            cases.append(
                f"CASE WHEN {lim} IS NULL THEN {raw} WHEN {lim} = 'none' THEN 0"
                f" WHEN abs({n} - {lim}) > 1e-6 THEN {n} {op} {lim} ELSE {raw} END"
            )
        out += cases
        group += [str(i + 5) for i in range(len(cases))]
        where = f"FROM records WHERE voided = 0 AND kind IN ({','.join('?' * len(kinds))}) AND date BETWEEN ? AND ?"
        grouping = f"GROUP BY {', '.join(group)}"
        if texts:
            read_args += [f'$."{f}"' for f in texts if f not in slots]
            kept = ", ".join([*(c.split(" AS ")[-1] for c in read), *texts.values()])
            read += [
                f"{typed_columns(slots[f])[0]} AS {c}" if f in slots else f"attrs -> ? AS {c}" for f, c in texts.items()
            ]
            worked = ", ".join([*(f"{sql} AS n{i}" for i, sql in enumerate(numbers.values())), *limits])
            if flat:
                source = f"FROM (SELECT {', '.join(read)}, {worked} {where} LIMIT -1 OFFSET 0)"
            else:
                source = (
                    f"FROM (SELECT {kept}, {worked} FROM (SELECT {', '.join(read)} {where} LIMIT -1 OFFSET 0)"
                    " LIMIT -1 OFFSET 0)"
                )
        else:  # one level: the records grouped as they are read
            out = [array if c == "m" else c for c in out]
            source = where
        q = f"SELECT {', '.join(out)}, count(*), min(key) {source} {grouping}"
        params = [*out_args, *read_args, *kinds, start.isoformat(), end.isoformat()]
        conn = self.db.conn
        if not (
            conn.in_transaction and self._records_scanned([(kinds, fields, start, end)], UNIT_BY_UNIT) >= UNIT_BY_UNIT
            and conn.execute("SELECT 1 FROM records WHERE unit IS NULL LIMIT 1").fetchone() is None  # (a store altered by hand)
        ):
            return _tallies(conn.execute(q, params).fetchall(), fields, attrs, decide)
        # one unit at a time, in the order of the units (the index on unit, kind and date), inside the
        # caller's read transaction: the same groups in the same order
        mine = q.replace(where, where.replace("WHERE ", "WHERE unit = ? AND ", 1), 1)
        at = len(out_args) + len(read_args)
        rows = []
        for (unit,) in conn.execute(_UNITS_SQL):
            rows += conn.execute(mine, [*params[:at], unit, *params[at:]]).fetchall()
        return _tallies(rows, fields, attrs, decide)

    def tallies_each(self, calls: Sequence[tuple[Any, ...]]) -> Iterator[Iterator[tuple[str, str, dict[Any, Any], int, str]]]:
        """``tallies(*call)`` of each of ``calls``, in their order, the grouped scans made at once
        (``tallies_done``: those done before their turn held until it)."""
        made = self.tallies_done(calls)

        def ordered() -> Iterator[Iterator[tuple[str, str, dict[Any, Any], int, str]]]:
            held: dict[int, Iterator[tuple[str, str, dict[Any, Any], int, str]]] = {}
            turn = 0
            for i, rows in made:
                held[i] = rows
                while turn in held:
                    yield held.pop(turn)
                    turn += 1

        return ordered()

    def tallies_done(self, calls: Sequence[tuple[Any, ...]]) -> Iterator[tuple[int, Iterator[tuple[str, str, dict[Any, Any], int, str]]]]:
        """(index, ``tallies(*call)``) of each of ``calls`` as its scan is done: the grouped scans made
        at once (the caller finishes each as it comes, while the others are made), in up
        to ``scan_processes()`` scanning processes (kaohe.store.scanner; SQLite's work in threads of
        one process contends for its shared locks: measured, no faster than one by one), each with a
        read-only connection, while the caller does other work and finishes the rows of those done
        (a thread here hands each process its next call as it answers). A scan made there is taken
        only where it read what this connection reads: inside this connection's read transaction
        (``snapshot``), the audit trail's last entry the same in both (every change of what a scan
        reads is an entry of it, written in the change's transaction); else, or if its process
        fails, it is made again here. One core, scans reading fewer than ``SCAN_MIN_RECORDS``
        records, or outside a read transaction: one by one, here, in their order, as they are taken.
        The processes start at once, before the first is taken; each takes the next call as it answers
        the last, in the calls' order."""
        workers = min(len(calls), scan_processes())
        if (
            workers < 2 or not isinstance(self.path, Path) or not self.path.is_file() or not self.db.conn.in_transaction
            or self._records_scanned(calls, SCAN_MIN_RECORDS) < SCAN_MIN_RECORDS
        ):
            return ((i, self.tallies(*call)) for i, call in enumerate(calls))
        mark = self.audit_mark()
        done: list[Any] = [None] * len(calls)
        finished: queue.SimpleQueue[int] = queue.SimpleQueue()  # the calls answered (or given up), as they are
        lock = threading.Lock()
        state = {"next": 0, "stop": False}

        processes: list[subprocess.Popen[bytes]] = []

        def feed() -> None:
            # one scanning process: started, told the database and the scoring's state, then given
            # the next call as it answers the last; its calls left undone (None) if it fails
            try:
                process = subprocess.Popen(
                    reading_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,  # a process that fails leaves its calls to be made here, which says what is wrong
                )
            except OSError:
                process = None
            with lock:
                if process is not None:
                    processes.append(process)
                    if state["stop"]:  # given up already: it scans nothing
                        process.kill()
            try:
                same = False
                if process is not None and process.stdin is not None and process.stdout is not None:
                    _ask(process, (str(self.path), mark, __file__))
                    same = pickle.load(process.stdout) is True
                while same:  # a process not used (or failed) takes no more calls: the others, or this connection, make them
                    with lock:
                        i = state["next"]
                        if i >= len(calls) or state["stop"]:
                            return
                        state["next"] = i + 1
                    try:
                        if process is not None and process.stdin is not None and process.stdout is not None:
                            _ask(process, calls[i])
                            done[i] = pickle.load(process.stdout)
                            same = done[i] is not None  # no rows: its scan failed there, and it scans no more
                    except Exception:  # noqa: BLE001 - the process failed: this call and its next ones are made here
                        same = False
                        if process is not None:
                            process.kill()  # never left writing an answer nobody reads
                    finally:
                        finished.put(i)
            except Exception:  # noqa: BLE001 - never started or told: the calls are made by the others, or here
                pass
            finally:
                if process is not None:
                    _ended(process)

        feeders = [threading.Thread(target=feed, name=f"kaohe-scan-{k}", daemon=True) for k in range(workers)]
        for t in feeders:
            t.start()

        def stop(kill: bool = False) -> None:
            """No more calls given; ``kill``: the scans under way given up too (their processes killed)."""
            with lock:
                state["stop"] = True
                if kill:
                    for process in processes:
                        process.kill()

        def taken() -> Iterator[tuple[int, Iterator[tuple[str, str, dict[Any, Any], int, str]]]]:
            left = set(range(len(calls)))
            try:
                while left:
                    alive = any(t.is_alive() for t in feeders)
                    try:
                        i = finished.get(timeout=0.5) if alive else finished.get_nowait()
                    except queue.Empty:
                        if alive:
                            continue
                        i = min(left)  # every process gone: the calls no process answered made here, in order
                    left.discard(i)
                    rows, done[i] = done[i], None
                    yield i, iter(rows) if rows is not None else _made_here(self.tallies, calls[i])
            finally:
                stop(kill=bool(left))  # given up before the end (the scoring failed, an interrupt): not waited for
                for t in feeders:
                    t.join()

        out = taken()
        weakref.finalize(out, stop, True)  # never read to the end, nor closed: no more scans
        return out

    def _records_scanned(self, calls: Sequence[tuple[Any, ...]], most: int) -> int:
        """How many records ``calls`` read, about (each kind's records over the calls' dates, once),
        counted up to ``most``."""
        kinds = sorted({k for call in calls for k in call[0]})
        if not kinds:
            return 0
        start, end = min(call[2] for call in calls).isoformat(), max(call[3] for call in calls).isoformat()
        q = f"SELECT count(*) FROM (SELECT 1 FROM records WHERE kind IN ({','.join('?' * len(kinds))}) AND date BETWEEN ? AND ? LIMIT ?)"
        return int(self.db.conn.execute(q, [*kinds, start, end, most]).fetchone()[0])

    def records_of(self, keys: Sequence[str]) -> Iterator[Record]:
        """The current (not voided) records of ``keys`` (those stored), decoded as ``records`` decodes them."""
        for i in range(0, len(keys), 900):
            chunk = keys[i : i + 900]
            q = f"SELECT key, kind, unit, date, value, attrs, note FROM records WHERE voided = 0 AND key IN ({','.join('?' * len(chunk))})"
            yield from _records(self.db.conn.execute(q, chunk).fetchall())

    # --- results ---------------------------------------------------------------------------------

    def save_result(
        self, result: PeriodResult, config: str = "", items: int = 0, mark: int | None = None,
        keep: Mapping[str, str] | None = None, run: int | None = None, fold: Collection[str] = (),
        stored: Mapping[str, Mapping[str, Any]] | None = None, reused: Mapping[str, Mapping[str, ItemResult]] | None = None,
        parts: Mapping[str, str] | None = None, heads: Mapping[str, tuple[bytes, int]] | None = None,
    ) -> int:
        """Store ``result`` in place of the period's previous results, in one transaction. ``mark``:
        the audit trail's last entry when the result's inputs were read (``audit_mark``, inside the
        snapshot it was scored in); None reads it now. ``keep``: unit → its tree as stored by run
        ``run`` (``period_results.run_id``), when only the units whose tree changed are to be
        rewritten (``results_writer``); if the period was stored by another run since, it is
        rewritten whole. ``fold``: the items whose record lines are stored folded
        (``treejson.TreeEncoder``). ``stored`` (unit → its stored tree, decoded) and ``reused`` (item →
        unit → the result taken from it) with ``keep``: a unit whose tree is the same is told without
        encoding it (``TreeEncoder.same_head``). ``parts``: the digests of the stored periods it
        read the results of (a base period: those its 末位 flags read). ``heads`` with ``keep``: unit →
        its stored tree as UTF-8 bytes (``period_texts``) and the length of its head in them
        (``TreeEncoder.unit_head``), for the units whose results were taken as stored without
        decoding them (kaohe.office.rescore): their head is not encoded again (their categories and
        items not written again), nor their tree decoded unless its tail changed; such units need
        not be in ``keep``; if the period was stored by another run since, such units cannot be
        written whole (they hold their categories without their items): ``StoreBusy``, nothing
        written."""
        with self._txn():
            if keep is not None:
                state = self.period_state(result.period)
                if state is None or state["run_id"] != run:
                    if heads:
                        raise StoreBusy(
                            f"{result.period} 的计算结果在本次计算期间已被另一次计算保存,本次结果未保存;"
                            f"请重新运行 kaohe score {result.period}"
                        )
                    keep = None
            writer = self.results_writer(result, config, items, len(result.units), mark, keep, fold, whole=keep is None)
            try:
                if keep is not None:
                    writer.stored, writer.reused, writer.given = stored or {}, reused or {}, heads or {}
                    for u in result.units:
                        writer.head(u)
                    for u in result.units:
                        writer.tail(u)
                else:  # the units ranked already: each written whole, once
                    for u in result.units:
                        writer.unit(u)
                writer.finish(dict(parts) if parts else None)
            finally:  # after an error, the writes not made yet are not made (the transaction is rolled back)
                writer.abandon()
        return writer.run_id

    def results_writer(
        self, result: PeriodResult, config: str, items: int, units: int, mark: int | None = None,
        keep: Mapping[str, str] | None = None, fold: Collection[str] = (), whole: bool = False,
    ) -> ResultsWriter:
        """Start replacing the results of ``result``'s period (its units need not be in it yet: a
        period aggregated unit by unit gives them one at a time), inside the caller's write
        transaction: every unit's ``head`` (its tree up to the categories, its categories and
        items), then, once ranked, its ``tail``. With ``keep`` (unit → its tree as stored), the
        period's rows stay where they are: a unit whose tree is unchanged is not written again, a
        changed one is rewritten in place (its rows keep their order), a unit no longer in the
        period is removed at ``finish``. ``whole``: the units will be given to ``unit`` only (written
        whole, ``save_result``; ``result`` holds them all): the period's previous rows are deleted by
        the writing thread, first, while the caller encodes the first units; or, where the period
        was last written whole with the same units, categories and items in the same order (its
        ``layout``) and the writer can (``ResultsWriter.IN_PLACE``), rewritten in place, each row
        where it is (the same rows in the same order as deleting and writing them again)."""
        db = self.db
        if mark is None:
            mark = self.audit_mark()
        run_id = int(db.execute(
            "INSERT INTO [runs] ([period], [time], [config], [items], [units]) VALUES (?, ?, ?, ?, ?)",
            [result.period, now(), config, items, units],
        ).lastrowid or 0)
        writer_type = self.writer_type()
        order = layout(result) if whole and keep is None and writer_type.IN_PLACE and isinstance(db.conn, sqlite3.Connection) else None
        was = db.execute("SELECT [layout] FROM [period_results] WHERE period = ?", [result.period]).fetchone() if order else None
        db.execute("DELETE FROM [period_results] WHERE period = ?", [result.period])
        db.execute(
            "INSERT INTO [period_results] ([period], [kind], [run_id], [config], [mark], [missing], [empty], [layout])"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                result.period, result.kind, run_id, config, mark, dumps([gap_data(g) for g in result.missing]),
                dumps(list(result.empty)), order,
            ],
        )
        writer = writer_type(self, result.period, run_id, keep, fold)
        if keep is None:
            writer.clear(("scores", "explanations", "category_results", "item_results"), whole, in_place=was is not None and was[0] == order)
        return writer

    def writer_type(self) -> type[ResultsWriter]:
        """The class of ``results_writer``'s writer (kaohe.store.pgstore's writes in bulk)."""
        return ResultsWriter

    def write_unit_results(self, categories: Iterable[tuple[Any, ...]], items: Iterable[tuple[Any, ...]]) -> None:
        """One unit's rows of ``category_results`` (:data:`CATEGORY_RESULT_COLUMNS`) and
        ``item_results`` (:data:`ITEM_RESULT_COLUMNS`), appended in their order (an item given twice:
        its last row, as ``INSERT OR REPLACE`` keeps it)."""
        conn = self.db.conn
        _insert_rows(conn, "INSERT", "category_results", CATEGORY_RESULT_COLUMNS, categories)
        _insert_rows(conn, "INSERT OR REPLACE", "item_results", ITEM_RESULT_COLUMNS, items)

    def inputs_present(self) -> None:
        """The ledger tables whose entries a stored result is checked against are there: a dropped
        one is said (``KaoheError``), not read as empty (no adjustment, no change since)."""
        self._present("adjustments", "调整")
        self._present("audit", "审计记录")

    def audit_mark(self) -> int:
        """The audit trail's last entry: every change of what a score depends on is one (an import, a
        voided record, an adjustment, a decision, a sign-off)."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])

    def changes_since(self, mark: int) -> list[tuple[str, str]]:
        """(action, period) of the audit trail's entries after ``mark``."""
        return [(a, p or "") for a, p in self.db.execute("SELECT action, period FROM audit WHERE id > ? ORDER BY id", [mark])]

    def kinds_changed_since(self, mark: int) -> set[str]:
        """The kinds of the records changed by the audit trail's entries after ``mark``: those an
        import wrote (new or corrected, with the kinds of their earlier versions), those voided."""
        imports = "SELECT json_extract(detail, '$.import') FROM audit WHERE id > ? AND action = '导入'"
        q = (
            f"SELECT kind FROM records WHERE import_id IN ({imports})"
            f" UNION SELECT kind FROM record_versions WHERE key IN (SELECT key FROM records WHERE import_id IN ({imports}))"
            " UNION SELECT kind FROM records WHERE key IN (SELECT subject FROM audit WHERE id > ? AND action = '撤销记录')"
        )
        return {k for (k,) in self.db.execute(q, [mark, mark, mark])}

    def units_changed_since(self, mark: int) -> set[str]:
        """The units of the records changed by the audit trail's entries after ``mark`` (as
        ``kinds_changed_since``): their unit now and in their earlier versions."""
        imports = "SELECT json_extract(detail, '$.import') FROM audit WHERE id > ? AND action = '导入'"
        q = (
            f"SELECT unit FROM records WHERE import_id IN ({imports})"
            f" UNION SELECT unit FROM record_versions WHERE key IN (SELECT key FROM records WHERE import_id IN ({imports}))"
            " UNION SELECT unit FROM records WHERE key IN (SELECT subject FROM audit WHERE id > ? AND action = '撤销记录')"
        )
        return {u for (u,) in self.db.execute(q, [mark, mark, mark])}

    def items_carried_or_missing(self, period: str) -> set[str]:
        """The items of ``period``'s stored results with a line carried over or marked missing for some
        unit (read from the partial index of schema 12: its condition is this query's)."""
        q = "SELECT DISTINCT item FROM item_results WHERE period = ? AND (carried = 1 OR missing = 1)"
        return {i for (i,) in self.db.execute(q, [period])}

    def period_trees(self, period: str) -> Iterator[tuple[str, str]]:
        """(unit, tree) of every unit stored for ``period``, in the order they were stored."""
        yield from self.db.execute("SELECT unit, tree FROM explanations WHERE period = ? ORDER BY rowid", [period])

    def period_texts(self, period: str) -> Iterator[tuple[str, bytes]]:
        """``period_trees`` with each tree as its UTF-8 bytes, not decoded (a rescoring of what
        changed searches them and hashes most as they are: kaohe.office.rescore), in no particular
        order: not sorted by the order they were stored, which had SQLite copy every tree into a
        sorter first (0.33 s against 0.07 s for the 178 MB of a month of the full province)."""
        yield from self.db.execute("SELECT unit, CAST(tree AS BLOB) FROM explanations WHERE period = ?", [period])

    def period_state(self, period: str) -> dict[str, Any] | None:
        """How ``period``'s stored results were made (``period_results``), or None when they were
        not (never scored, or scored before the results were kept with their state)."""
        cur = self.db.execute(
            "SELECT period, kind, run_id, config, mark, missing, empty, digest, parts FROM period_results WHERE period = ?", [period]
        )
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

    def stored_units(self, period: str) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Every unit's stored fields (``scores.fields``, the exact total and subtotal beside them)
        and its category results, in the order they were stored."""
        names = ("category", "name", "base", "raw", "top", "weight", "score", "explanation")
        return [(d, [{"unit": d["unit"], **dict(zip(names, c, strict=True))} for c in cats]) for d, cats in self.stored_rows(period)]

    def stored_rows(self, period: str) -> list[tuple[dict[str, Any], list[tuple[str, str, str, str, str, str, str, str]]]]:
        """``stored_units`` as rows, in two queries (what a ranking reads: ``results.stored_result``):
        every unit's stored fields (the exact total and subtotal beside them) and its category results
        as (category, name, base, raw, top, weight, score, explanation), each in the order stored."""
        cats: dict[str, list[tuple[str, str, str, str, str, str, str, str]]] = {}
        for unit, *row in self.db.execute(
            "SELECT unit, category, name, base, raw, top, weight, score, explanation FROM category_results"
            " WHERE period = ? ORDER BY rowid", [period],
        ):
            cats.setdefault(unit, []).append(tuple(row))
        out = []
        for unit, fields, total, subtotal in self.db.execute(
            "SELECT unit, fields, total, subtotal FROM scores WHERE period = ? ORDER BY rowid", [period]
        ):
            d = json.loads(fields)
            d["total"], d["subtotal"] = total, subtotal
            out.append((d, cats.get(unit, [])))
        return out

    def unit_trees(self, unit: str, periods: Sequence[str]) -> list[tuple[str, str, str, str]]:
        """(period, tree, total, subtotal) of ``unit`` in each of ``periods`` stored, in their order."""
        q = (
            "SELECT e.period, e.tree, s.total, s.subtotal FROM explanations e JOIN scores s"
            f" ON s.period = e.period AND s.unit = e.unit WHERE e.unit = ? AND e.period IN ({','.join('?' * len(periods))})"
        )
        rows = {r[0]: r for r in self.db.execute(q, [unit, *periods])}
        return [rows[p] for p in periods if p in rows]

    def unit_results(
        self, unit: str, periods: Sequence[str]
    ) -> list[tuple[str, dict[str, Any], list[dict[str, Any]], list[tuple[Any, ...]]]]:
        """``unit``'s stored results in each of ``periods`` stored, in their order, without its tree:
        (period, its fields as ``stored_units`` gives them, its category results, its item results
        as (category, item, points, uncapped, lines, records, carried, missing)), each in the order
        stored."""
        marks = ",".join("?" * len(periods))
        scores = {
            p: (f, t, s) for p, f, t, s in self.db.execute(
                f"SELECT period, fields, total, subtotal FROM scores WHERE unit = ? AND period IN ({marks})", [unit, *periods]
            )
        }
        cats: dict[str, list[dict[str, Any]]] = {}
        cur = self.db.execute(
            "SELECT period, category, name, base, raw, top, weight, score, explanation FROM category_results"
            f" WHERE unit = ? AND period IN ({marks}) ORDER BY rowid", [unit, *periods],
        )
        names = [d[0] for d in cur.description]
        for row in cur:
            cats.setdefault(row[0], []).append(dict(zip(names, row, strict=True)))
        out = []
        for p in periods:
            if p in scores:
                fields, total, subtotal = scores[p]
                d = json.loads(fields)
                d["total"], d["subtotal"] = total, subtotal
                items = self.db.execute(  # one period at a time: its rows as they come, none made again
                    "SELECT category, item, points, uncapped, lines, records, carried, missing FROM item_results"
                    " WHERE period = ? AND unit = ? ORDER BY rowid", [p, unit],
                ).fetchall()
                out.append((p, d, cats.get(p, []), items))
        return out

    def results_states(self, periods: Sequence[str]) -> list[tuple[Any, ...]]:
        """(period, run, digest) of each of ``periods`` with stored results, by period: written with
        its rows of ``scores``, ``category_results`` and ``item_results`` (equal states, equal rows)."""
        marks = ",".join("?" * len(periods))
        q = f"SELECT period, run_id, digest FROM period_results WHERE period IN ({marks}) ORDER BY period"
        return [tuple(r) for r in self.db.execute(q, list(periods))]

    def units_results(
        self, units: Sequence[str], periods: Sequence[str]
    ) -> Generator[tuple[str, list[tuple[str, dict[str, Any], list[dict[str, Any]], list[tuple[Any, ...]]]]], None, None]:
        """(unit, ``unit_results(unit, periods)``) of each of ``units``, in their order. Where the store
        is a SQLite file, ``scan_processes()`` allows two or more and there are
        ``RESULTS_PROCESS_MIN_UNITS`` units or more, they are read by a reading process
        (kaohe.store.scanner, on another core: reading the rows is a third of an aggregate's work),
        asked for ``RESULTS_AHEAD`` units beyond the one being taken, and taken from it only where it reads the
        same stored results as this connection (``results_states``: what this connection reads,
        uncommitted writes included); else, and from a unit its process failed on, read here. The
        caller holds a transaction throughout (``aggregate_all``: the write lock), so that nothing
        another process commits meanwhile is read there and not here. A generator closed before its
        end kills its process."""
        process = self._results_process(periods) if len(units) >= RESULTS_PROCESS_MIN_UNITS else None
        try:
            asked = 0
            for k, unit in enumerate(units):
                got = None
                if process is not None:
                    try:
                        while asked < min(len(units), k + 1 + RESULTS_AHEAD):
                            _ask(process, {"unit": units[asked], "periods": list(periods)})
                            asked += 1
                        got = pickle.load(cast(Any, process.stdout))
                    except Exception:  # noqa: BLE001 - the process failed: this unit and the next read here
                        got = None
                    if got is None:
                        _ended(process, kill=True)
                        process = None
                yield unit, got if got is not None else self.unit_results(unit, periods)
        finally:
            if process is not None:
                _ended(process, kill=True)  # what it read ahead is not waited for

    def _results_process(self, periods: Sequence[str]) -> subprocess.Popen[bytes] | None:
        """A reading process for ``units_results``, told the database and what this connection reads
        of ``periods`` (``results_states``), or None where there is none or it reads otherwise."""
        if not isinstance(self.path, Path) or not self.path.is_file() or scan_processes() < 2:
            return None
        try:
            process = subprocess.Popen(reading_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            return None
        used = False
        try:
            _ask(process, (str(self.path), None, __file__, (list(periods), self.results_states(periods))))
            used = pickle.load(cast(Any, process.stdout)) is True
        except Exception:  # noqa: BLE001 - read here
            pass
        finally:  # an interrupt meanwhile too: never left running
            if not used:
                _ended(process, kill=True)
        return process if used else None

    def units_rewritten(self, period: str, run: int) -> set[str]:
        """The units of ``period`` whose stored results a run after ``run`` wrote (``scores.run_id``:
        a run storing only what changed leaves a unit it did not rewrite with the run that wrote it)."""
        return {u for (u,) in self.db.execute("SELECT unit FROM scores WHERE period = ? AND run_id > ?", [period, run])}

    def units_in(self, periods: Sequence[str]) -> list[str]:
        """The units stored in any of ``periods``, in the order of the first period that has each."""
        seen: dict[str, None] = {}
        for p in periods:
            for (u,) in self.db.execute("SELECT unit FROM scores WHERE period = ? ORDER BY rowid", [p]):
                seen.setdefault(u, None)
        return list(seen)

    @contextmanager
    def without_waiting(self) -> Iterator[None]:
        """Writes that do not wait for another process's write lock: ``StoreBusy`` when it is held
        (or the store is read-only)."""
        if self.readonly:
            raise StoreBusy(f"数据库 {self.path} 以只读方式打开")
        self.db.execute("PRAGMA busy_timeout=0")
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc) or "readonly" in str(exc):
                rollback(self.db)
                raise StoreBusy(f"数据库 {self.path} 正被其他命令写入") from exc
            raise
        finally:
            self.db.execute(f"PRAGMA busy_timeout={BUSY_MS}")

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

    def stored_periods(self) -> list[str]:
        """The periods with stored results."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT period FROM scores ORDER BY period")]

    def scores(self, period: str) -> list[dict[str, Any]]:
        return list(self.db["scores"].rows_where("period = ?", [period], order_by="series, rank, unit"))

    def item_results(self, period: str, items: Sequence[str]) -> list[dict[str, Any]]:
        """The stored results of ``items`` in ``period``: one row per unit and item (unit, item, points,
        lines, records, carried, missing), in the order they were stored."""
        if not items:
            return []
        cur = self.db.execute(
            "SELECT unit, item, points, lines, records, carried, missing FROM item_results"
            f" WHERE period = ? AND item IN ({','.join('?' * len(items))}) ORDER BY rowid", [period, *items],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def results_in_bulk(self, period: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """``period``'s stored results in four reads, without a tree (what the diagnostics read,
        kaohe.office.analysis): every unit's (unit, series, total); every category result's (unit,
        category, score, raw, top, weight); the item results with points or lines (unit, item,
        category, points, uncapped, lines, records, missing), each in the order stored; and of the
        others, those without either (most items of most units), (item, its category, how many)."""
        db = self.db
        units = db.execute("SELECT unit, series, total FROM scores WHERE period = ? ORDER BY rowid", [period]).fetchall()
        cats = db.execute(
            "SELECT unit, category, score, raw, top, weight FROM category_results WHERE period = ? ORDER BY rowid", [period]
        ).fetchall()
        items = db.execute(
            "SELECT unit, item, category, points, uncapped, lines, records, missing FROM item_results"
            " WHERE period = ? AND (lines > 0 OR points <> '0' OR uncapped <> '0') ORDER BY rowid", [period],
        ).fetchall()
        empty = db.execute(
            "SELECT item, min(category), count(*) FROM item_results"
            " WHERE period = ? AND lines = 0 AND points = '0' AND uncapped = '0' GROUP BY item", [period],
        ).fetchall()
        return units, cats, items, empty

    def explanation(self, period: str, unit: str) -> dict[str, Any] | None:
        rows = list(self.db["explanations"].rows_where("period = ? AND unit = ?", [period, unit]))
        return json.loads(rows[0]["tree"]) if rows else None

    # --- a unit's results over several periods (the site's unit page, issue 16 point 4) --------------

    def unit_scores(self, unit: str, periods: Sequence[str]) -> list[dict[str, Any]]:
        """``unit``'s stored score (period, series, total, rank) in each of ``periods`` stored, with its
        category scores (``categories``: category → score), in the order of ``periods``."""
        if not periods:
            return []
        marks = ",".join("?" * len(periods))
        rows = {
            r[0]: {"period": r[0], "series": r[1], "total": r[2], "rank": r[3], "categories": {}}
            for r in self.db.execute(
                f"SELECT period, series, total, rank FROM scores WHERE unit = ? AND period IN ({marks})", [unit, *periods]
            )
        }
        for period, category, score in self.db.execute(
            f"SELECT period, category, score FROM category_results WHERE unit = ? AND period IN ({marks}) ORDER BY rowid",
            [unit, *periods],
        ):
            if period in rows:
                rows[period]["categories"][category] = score
        return [rows[p] for p in periods if p in rows]

    def series_scores(self, period: str, series: str) -> list[tuple[str, str, dict[str, str]]]:
        """(unit, total, its category scores by category) of every unit of ``series`` stored for ``period``."""
        cats: dict[str, dict[str, str]] = {}
        for unit, category, score in self.db.execute(
            "SELECT c.unit, c.category, c.score FROM category_results c JOIN scores s ON s.period = c.period AND s.unit = c.unit"
            " WHERE c.period = ? AND s.series = ? ORDER BY c.rowid", [period, series],
        ):
            cats.setdefault(unit, {})[category] = score
        return [
            (unit, total, cats.get(unit, {}))
            for unit, total in self.db.execute("SELECT unit, total FROM scores WHERE period = ? AND series = ? ORDER BY rowid", [period, series])
        ]

    def unit_items(self, unit: str, periods: Sequence[str], item: str | None = None) -> list[tuple[str, str, str, str]]:
        """(period, item, category, points) of ``unit``'s stored item results in ``periods`` (only
        ``item``'s when given), the periods in order, each period's items in the order stored (not the
        order the periods were stored in: a period written again in place keeps its rows' places)."""
        if not periods:
            return []
        q = f"SELECT period, item, category, points FROM item_results WHERE unit = ? AND period IN ({','.join('?' * len(periods))})"
        args: list[str] = [unit, *periods]
        if item is not None:
            q += " AND item = ?"
            args.append(item)
        return [(p, i, c, pts) for p, i, c, pts in self.db.execute(q + " ORDER BY period, rowid", args)]

    def ranking_rows(self, period: str) -> list[dict[str, Any]]:
        """What a ranking shows of each unit stored for ``period``, in one query (no category, item
        or tree read): unit, name, series, total (exact text), rank, flags and the veto's reasons
        (lists), in the order stored."""
        out = []
        for unit, name, series, total, rank, flags, veto in self.db.execute(
            "SELECT unit, name, series, total, rank, flags, json_extract(fields, '$.veto') FROM scores WHERE period = ? ORDER BY rowid",
            [period],
        ):
            out.append({
                "unit": unit, "name": name, "series": series, "total": total, "rank": rank,
                "flags": json.loads(flags) if flags else [], "veto": json.loads(veto) if veto else [],
            })
        return out

    def change_marker(self, ignore: Sequence[str] = ()) -> tuple[Any, ...]:
        """What changes whenever anything a page shows from the stored results may have changed: the
        audit trail's last entry (every import, voided record, sign-off, adjustment, decision,
        edition, account action is one) and the last scoring run (results stored again), each with
        its time. Two O(1) reads: a cache of what is read from the stored results is valid while it
        is the same. ``ignore``: audit actions that change none of it (the accounts' sign-ins …): the
        last entry of another action (read backwards from the last entry)."""
        audit = "FROM audit"
        if ignore:
            audit += f" WHERE action NOT IN ({', '.join('?' * len(ignore))})"
        row = self.db.execute(
            f"SELECT (SELECT id {audit} ORDER BY id DESC LIMIT 1), (SELECT time {audit} ORDER BY id DESC LIMIT 1),"
            " (SELECT id FROM runs ORDER BY id DESC LIMIT 1), (SELECT time FROM runs ORDER BY id DESC LIMIT 1)",
            [*ignore, *ignore],
        ).fetchone()
        return tuple(row)


CATEGORY_RESULT_COLUMNS = ("period", "unit", "category", "name", "base", "raw", "top", "weight", "score", "explanation")
SCORE_COLUMNS = (
    "period", "unit", "name", "series", "class", "total", "subtotal", "rank", "flags", "veto", "carried", "run_id", "fields",
)
ITEM_RESULT_COLUMNS = (
    "period", "unit", "item", "category", "window", "points", "uncapped", "lines", "records", "carried", "missing",
)

def _insert_rows(conn: sqlite3.Connection, verb: str, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``rows`` written in their order, as many in one statement as SQLite takes parameters
    (``write_unit_results``: a unit's rows in one or two statements, not one a row)."""
    for sql, params in _statements(verb, table, columns, rows, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)):
        conn.execute(sql, params)


def _statements(
    verb: str, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], limit: int, key: int = 0,
    encoded: Collection[int] = (),
) -> list[tuple[str, list[Any]]]:
    """The statements writing ``rows`` in their order (``verb``: INSERT, or INSERT OR REPLACE, which
    keeps the last of two rows of one key, as one a row would), as many rows in each as ``limit``
    parameters take: a writing thread (``_Writes``) waits for Python's lock once a statement, not
    once a row. ``key``: the rows rewrite in place those of the same key (its first ``key``
    columns: the table's primary key), each keeping its place, and are added where there are none.
    ``encoded``: the columns (by index) whose values are given as UTF-8 bytes, stored as the text
    they encode (``CAST(? AS TEXT)``: in kaohe's stores, whose text encoding is SQLite's default,
    UTF-8, as ``period_texts`` reads them too, the same text as binding the ``str``, without encoding
    it again while the thread holds Python's lock)."""
    width = len(columns)
    upsert = (
        f" ON CONFLICT ({', '.join(f'[{c}]' for c in columns[:key])}) DO UPDATE SET"
        f" {', '.join(f'[{c}] = excluded.[{c}]' for c in columns[key:])}"
    ) if key else ""
    most = 1
    while most * 2 <= min(STATEMENT_ROWS, limit // width):
        most *= 2
    rows = list(rows)
    one = f"({', '.join('CAST(? AS TEXT)' if i in encoded else '?' for i in range(width))})"
    head = f"{verb} INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES "
    out = []
    i = 0
    while i < len(rows):
        # as many rows as a power of two: a table's statements are a dozen texts at most (sqlite3
        # keeps each text it prepared, with the memory of its parameters)
        size = most
        while size > len(rows) - i:
            size //= 2
        chunk = rows[i : i + size]
        # the rows' values flattened in C (a month at full scale: 490,000 item rows of 11 values)
        out.append((head + ", ".join([one] * size) + upsert, list(itertools.chain.from_iterable(chunk))))
        i += size
    return out


def layout(result: PeriodResult) -> str | None:
    """The digest of the order of the rows ``result`` is written whole in (``ResultsWriter.unit``):
    its units, each with its categories and their items, in order (``period_results.layout``);
    None where a unit or one of a unit's categories or items comes twice (its rows would not be one
    for each)."""
    h = hashlib.sha256()
    seen: dict[tuple[tuple[str, ...], ...], bytes] = {}  # units sharing their categories and items (most)
    units: set[str] = set()
    for u in result.units:
        ids = tuple((c.category, *(i.item for i in c.items)) for c in u.categories)
        part = seen.get(ids)
        if part is None:
            cats = [c.category for c in u.categories]
            items = [i.item for c in u.categories for i in c.items]
            if len(set(cats)) != len(cats) or len(set(items)) != len(items):
                return None
            part = seen[ids] = "\x1f".join(f"{c.category}\x1e{chr(30).join(i.item for i in c.items)}" for c in u.categories).encode()
        if u.unit in units:
            return None
        units.add(u.unit)
        h.update(u.unit.encode())
        h.update(b"\x1d")
        h.update(part)
        h.update(b"\x1c")
    return h.hexdigest()


BACKENDS: dict[str, type[Store]] = {}
"""The stores of database URLs by scheme (kaohe.store.pgstore registers ``postgresql``)."""


class _Writes:
    """The SQL of a period's units written whole (``ResultsWriter.unit``) run by a thread of its own,
    in order, on the store's connection, while the caller encodes the next units' trees and rows:
    SQLite's work, most of it outside Python's lock, beside Python's (at full scale a month's storing
    was 3.9 s, about half of it SQLite's). Nothing else uses the connection until ``close`` has
    waited for the thread to end; the first error stops the writes and is raised to the caller (at
    its next ``put`` or at ``close``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        # two batches ahead at most: the memory held does not grow with the period
        self._queue: queue.Queue[list[tuple[str, list[Any]]] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._stop = False
        self._ended = False
        self._thread = threading.Thread(target=self._run, name="kaohe-results-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            for sql, params in job:
                if self._error is not None or self._stop:  # checked at every statement (``close``)
                    break
                try:
                    self._conn.execute(sql, params)
                except BaseException as e:  # noqa: BLE001 - raised to the caller
                    self._error = e

    def put(self, statements: list[tuple[str, list[Any]]]) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(statements)

    def close(self, abandon: bool = False) -> None:
        """Every write made (the first error raised), or, ``abandon``, the writes not made yet dropped;
        the thread ended either way before this returns or raises: an interrupt while it is waited
        for (a second Ctrl-C) stops the writes at the next statement, the thread is waited for, and
        the interrupt raised then (the caller's rollback never runs beside a write)."""
        self._stop = self._stop or abandon
        interrupted: BaseException | None = None
        while True:
            try:
                if not self._ended:
                    self._queue.put(None)
                    self._ended = True
                self._thread.join()
                break
            except BaseException as e:  # noqa: BLE001 - raised once the thread has ended
                self._stop = True
                interrupted = interrupted or e
        if interrupted is not None:
            raise interrupted
        if self._error is not None and not abandon:
            raise self._error


class ResultsWriter:
    """Writes one period's results unit by unit (``Store.results_writer``)."""

    BACKGROUND = True
    """A period written whole has its SQL run by a thread of its own (``_Writes``)."""
    IN_PLACE = True
    """A period written whole again in the order it was (``layout``) can be rewritten in place
    (``clear``), on SQLite's connection."""
    BATCH = 50
    """How many units' rows the writing thread is given at once (a few long statements: it waits for
    Python's lock once a statement)."""

    def __init__(
        self, store: Store, period: str, run_id: int, keep: Mapping[str, str] | None = None, fold: Collection[str] = (),
    ) -> None:
        self.store = store
        self.period = period
        self.run_id = run_id
        self.trees = TreeEncoder(dumps, fold)  # the text of dumps(unit_data(u)), made faster; ``fold``: see TreeEncoder
        self.digest = hashlib.sha256()
        self.keep = keep
        self.heads: dict[str, tuple[str, UnitResult]] = {}
        """With ``keep``: each unit's head, written at its ``tail`` if its tree changed."""
        self.rewritten = 0
        self.seen: set[str] = set()
        self.stored: Mapping[str, Mapping[str, Any]] = {}
        """With ``keep``: unit → its stored tree, decoded (``Store.save_result``)."""
        self.reused: Mapping[str, Mapping[str, ItemResult]] = {}
        self.given: Mapping[str, tuple[bytes, int]] = {}
        """With ``keep``: unit → its stored tree's bytes and the length of its head in them, the head
        taken as it is (``Store.save_result``)."""
        self._later: list[bytes] = []
        """The digest's parts of the units written whole (``unit``): their tails, after every head."""
        self._rows: dict[int, tuple[ItemResult, tuple[Any, ...]]] = {}
        """id of an item's result → it and its row of ``item_results`` but the period and unit:
        units share one result of an item without lines (most items of most units)."""
        self._writes: _Writes | None = None
        self._batch: list[tuple[tuple[str, str, bytes], list[tuple[Any, ...]], list[tuple[Any, ...]], tuple[Any, ...]]] = []
        """The units written whole not handed to the writing thread yet (``_flush``): the row of
        ``explanations`` (its tree as UTF-8 bytes), those of ``category_results`` and ``item_results``, that
        of ``scores``."""
        self._limit = 0
        self._secure = ""
        """The statement restoring the connection's ``secure_delete`` after ``clear``, until it is run."""
        self._deletes: list[tuple[str, list[Any]]] = []
        """The deletes ``clear`` left to the writing thread, until it starts (``_background``)."""
        self.in_place = False
        """The period's rows rewritten in place (``clear``), not deleted first."""

    def _background(self) -> _Writes | None:
        """The thread writing the units written whole (``unit``), started at the first unit (its first
        job the deletes ``clear`` left to it); None where the store's connection is not SQLite's (its
        writes made here)."""
        if self._writes is None and self.BACKGROUND and isinstance(self.store.db.conn, sqlite3.Connection):
            self._limit = self.store.db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # read before the thread uses it
            self._writes = _Writes(self.store.db.conn)
            deletes, self._deletes = self._deletes, []
            if deletes:
                self._writes.put(deletes)
        return self._writes

    def clear(self, tables: Sequence[str], whole: bool, in_place: bool = False) -> None:
        """The period's rows of ``tables`` deleted, without zeroing the pages they free where that
        costs writes of its own (SQLite's ``secure_delete = FAST``; Debian's SQLite zeroes every freed
        page, and a month's trees at full scale are 178 MB): results made again from the records, never
        the records, which are never deleted; the connection's setting restored once they are done
        (``_ended``). ``whole`` (the units to be given to ``unit`` only): left to the writing thread,
        its first job, started with the first unit (inside the caller's ``try``, which abandons the
        writer on an error); made here first by anything else that writes (``_deleted``).

        ``in_place`` (``whole``, the period written whole before with the same units, categories and
        items in the same order: ``layout``): nothing deleted; each unit's rows rewrite those of
        the same key where they are (``_flush``), the same rows in the same order as writing them
        after the deletes, without the deletes' work (1.1-1.4 s for a month at full scale, of the writing
        thread's 4.9-5.2 s; bench/RESULTS.md). Only where the rows are written by the writing thread
        (``_background``)."""
        conn = self.store.db.conn
        self.in_place = in_place and whole and self.BACKGROUND and isinstance(conn, sqlite3.Connection)
        deletes: list[tuple[str, list[Any]]] = [] if self.in_place else [
            (f"DELETE FROM [{table}] WHERE period = ?", [self.period]) for table in tables
        ]
        if not isinstance(conn, sqlite3.Connection):
            for sql, params in deletes:
                conn.execute(sql, params)
            return
        was = conn.execute("PRAGMA secure_delete").fetchone()[0]
        self._secure = f"PRAGMA secure_delete = {'FAST' if was == 2 else int(was)}"
        self._deletes = [("PRAGMA secure_delete = FAST", []), *deletes]
        if not (whole and self.BACKGROUND):
            self._deleted()

    def _deleted(self) -> None:
        """The deletes ``clear`` left to the writing thread, made here if it has not started (no unit
        given to ``unit``: a period without units, or the units written by ``head`` and ``tail``)."""
        if self._deletes and self._writes is None:
            deletes, self._deletes = self._deletes, []
            try:
                for sql, params in deletes:
                    self.store.db.conn.execute(sql, params)
            finally:
                self._ended()

    def _ended(self) -> None:
        """The connection's ``secure_delete`` as it was before ``clear`` (the writing thread ended)."""
        if self._secure:
            restore, self._secure = self._secure, ""
            self.store.db.conn.execute(restore)

    def abandon(self) -> None:
        """The background writes not made yet dropped and their thread ended (after an error: the
        caller's transaction is rolled back; after ``finish``, nothing is left)."""
        self._batch, self._deletes = [], []
        try:
            if self._writes is not None:
                writes, self._writes = self._writes, None
                writes.close(abandon=True)
        finally:
            self._ended()

    def unit(self, u: UnitResult) -> None:
        """``u``, ranked and flagged, written whole (without ``keep``): what ``head(u)`` then
        ``tail(u)`` write, its tree's text written once rather than its tail appended to its head.
        The digest is theirs (every head before the tails: the tails' part added at ``finish``)."""
        assert self.keep is None
        fields = unit_fields(u)
        head = self.trees.unit_head(u, fields)
        tail = self.trees.unit_tail(u, fields)
        # the head and the tail encoded once: hashed, and given to the writing thread as they are (``_flush``)
        encoded, tail_encoded = head.encode(), tail.encode()
        self.digest.update(f"{u.unit}\n".encode())
        self.digest.update(encoded)
        self.digest.update(b"\n")
        self._later.append(b"".join((f"{u.unit}\n".encode(), tail_encoded, f"\n{u.total}\n{u.subtotal}\n".encode())))
        self.seen.add(u.unit)
        score = (self.period, u.unit, *self._score_row(u, fields))
        if self._background() is None:
            self._deleted()
            self._insert_tree(u.unit, head + tail)
            self._unit_rows(u, True)
            self._insert_score(score)
            return
        self._batch.append(((self.period, u.unit, encoded + tail_encoded), *self._rows_of(u, True), score))
        if len(self._batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        """The units of ``_batch`` written by the writing thread: each table's rows in a few
        statements (made here: the thread only runs them), in the units' order."""
        batch, self._batch = self._batch, []
        if not batch or self._writes is None:
            return
        limit = self._limit
        # in place (``clear``): each row rewrites that of its key (the tables' primary keys: the
        # period, the unit, and the category or the item)
        two, three = (2, 3) if self.in_place else (0, 0)
        statements = [
            *_statements("INSERT", "explanations", ("period", "unit", "tree"), [b[0] for b in batch], limit, two, encoded=(2,)),
            *_statements("INSERT", "category_results", CATEGORY_RESULT_COLUMNS, itertools.chain.from_iterable(b[1] for b in batch), limit, three),
            *_statements(
                "INSERT" if self.in_place else "INSERT OR REPLACE", "item_results", ITEM_RESULT_COLUMNS, itertools.chain.from_iterable(b[2] for b in batch),
                limit, three,
            ),
            *_statements("INSERT", "scores", SCORE_COLUMNS, [b[3] for b in batch], limit, two),
        ]
        self._writes.put(statements)

    def head(self, u: UnitResult) -> None:
        """``u``'s tree up to its fields after the categories, its category and item results."""
        self._deleted()
        given = self.given.get(u.unit) if self.keep is not None else None
        if given is not None:  # its stored head, hashed as stored (the same bytes as encoding its text)
            blob, n = given
            self.digest.update(f"{u.unit}\n".encode())
            self.digest.update(memoryview(blob)[:n])
            self.digest.update(b"\n")
            self.seen.add(u.unit)
            return
        text = self._same_head(u) if self.keep is not None else None
        if text is None:
            text = self.trees.unit_head(u)
        self.digest.update(f"{u.unit}\n{text}\n".encode())
        self.seen.add(u.unit)
        if self.keep is not None:
            self.heads[u.unit] = (text, u)
            return
        self._head(u, text)

    def _same_head(self, u: UnitResult) -> str | None:
        """``u``'s head as stored when its tree is unchanged (``TreeEncoder.same_head``; ``u`` ranked
        already, as ``save_result`` gives it), else None."""
        d = self.stored.get(u.unit)
        text = self.keep.get(u.unit) if self.keep is not None else None
        if d is None or text is None or not self.trees.same_head(u, d, self.reused):
            return None
        tail = self.trees.unit_tail(u)
        return text[: len(text) - len(tail)] if text.endswith(tail) else None

    def _head(self, u: UnitResult, text: str, update: bool = False) -> None:
        conn = self.store.db.conn
        p = self.period
        if update:
            conn.execute("UPDATE [explanations] SET [tree] = ? WHERE [period] = ? AND [unit] = ?", (text, p, u.unit))
            conn.execute("DELETE FROM [category_results] WHERE [period] = ? AND [unit] = ?", (p, u.unit))
            conn.execute("DELETE FROM [item_results] WHERE [period] = ? AND [unit] = ?", (p, u.unit))
        else:
            self._insert_tree(u.unit, text)
        self._unit_rows(u, self.keep is not None)

    def _unit_rows(self, u: UnitResult, share: bool) -> None:
        """``u``'s rows of ``category_results`` and ``item_results`` written. ``share`` (the
        period's units all held: a result ``save_result`` is given): an item's row made once for the
        units sharing its result; not for a period aggregated unit by unit, whose units' results are
        not held (nor kept alive here) once written."""
        self.store.write_unit_results(*self._rows_of(u, share))

    def _rows_of(self, u: UnitResult, share: bool) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """``u``'s rows of ``category_results`` and ``item_results`` (``_unit_rows``)."""
        p, unit = self.period, u.unit
        made = self._rows
        items = []
        for c in u.categories:
            for i in c.items:
                got = made.get(id(i))
                if got is None or got[0] is not i:
                    row = _item_row(i)
                    if share and not i.lines:  # a result with lines is the unit's own
                        made[id(i)] = (i, row)
                else:
                    row = got[1]
                items.append((p, unit, *row))
        cats = [
            (p, unit, c.category, c.name, str(c.base), str(c.raw), str(c.top), str(c.weight), str(c.score), c.explanation)
            for c in u.categories
        ]
        return cats, items

    def tail(self, u: UnitResult) -> None:
        """``u``, ranked and flagged: its score and the rest of its tree."""
        self._deleted()
        conn = self.store.db.conn
        text = self.trees.unit_tail(u)
        self.digest.update(f"{u.unit}\n{text}\n{u.total}\n{u.subtotal}\n".encode())
        update = False
        given = self.given.get(u.unit) if self.keep is not None else None
        if given is not None:
            blob, n = given
            if blob[n:] == text.encode():
                return  # unchanged: its rows stay as they are
            # the same head (its categories' and items' rows too): its tail and score rewritten
            conn.execute(
                "UPDATE [explanations] SET [tree] = ? WHERE [period] = ? AND [unit] = ?", (blob[:n].decode(), self.period, u.unit)
            )
            self.rewritten += 1
            update = True
        elif self.keep is not None:
            head, whole = self.heads.pop(u.unit)
            stored = self.keep.get(u.unit)
            if stored == head + text:
                return  # unchanged: its rows stay as they are
            update = stored is not None
            if update and stored is not None and stored.startswith(head):  # the same head: its categories' and items' rows too
                conn.execute("UPDATE [explanations] SET [tree] = ? WHERE [period] = ? AND [unit] = ?", (head, self.period, u.unit))
            else:
                self._head(whole, head, update)
            self.rewritten += 1
        self._append_tree(u.unit, text)
        row = self._score_row(u)
        if update:
            conn.execute(
                "UPDATE [scores] SET [name] = ?, [series] = ?, [class] = ?, [total] = ?, [subtotal] = ?, [rank] = ?, [flags] = ?,"
                " [veto] = ?, [carried] = ?, [run_id] = ?, [fields] = ? WHERE [period] = ? AND [unit] = ?",
                (*row, self.period, u.unit),
            )
            return
        self._insert_score((self.period, u.unit, *row))

    def _score_row(self, u: UnitResult, fields: Mapping[str, Any] | None = None) -> tuple[Any, ...]:
        """``u``'s row of ``scores`` (:data:`SCORE_COLUMNS`) but its period and unit (``fields``:
        ``unit_fields(u)``, made already)."""
        if fields is None:
            fields = unit_fields(u)
        return (
            u.name, u.series, u.klass, str(u.total), str(u.subtotal), u.rank, dumps(list(u.flags)),
            int(bool(u.veto)), int(fields["carried"]), self.run_id, dumps(fields),
        )

    def _insert_tree(self, unit: str, text: str) -> None:
        """A new row of ``explanations``: ``unit``'s head (or its whole tree: ``unit``)."""
        self.store.db.conn.execute("INSERT INTO [explanations] ([period], [unit], [tree]) VALUES (?, ?, ?)", (self.period, unit, text))

    def _append_tree(self, unit: str, text: str) -> None:
        """``unit``'s tail appended to its row of ``explanations``."""
        self.store.db.conn.execute(
            "UPDATE [explanations] SET [tree] = [tree] || ? WHERE [period] = ? AND [unit] = ?", (text, self.period, unit)
        )

    def _insert_score(self, row: tuple[Any, ...]) -> None:
        """A new row of ``scores`` (:data:`SCORE_COLUMNS`)."""
        self.store.db.conn.execute(
            f"INSERT INTO [scores] ({', '.join(f'[{c}]' for c in SCORE_COLUMNS)}) VALUES ({', '.join('?' for _ in SCORE_COLUMNS)})",
            row,
        )

    def finish(self, parts: dict[str, str] | None = None) -> str:
        """The digest of everything written (equal results, equal digests), recorded with the
        period's state; ``parts``: the digests of the base periods it was aggregated from (a base
        period: of the earlier ones whose ranks its 末位 flags read)."""
        if self._writes is not None:  # every unit's rows written first (their first error raised)
            self._flush()
            writes, self._writes = self._writes, None
            try:
                writes.close()
            finally:
                self._ended()
        self._deleted()  # no unit written whole: the deletes made here
        for part in self._later:
            self.digest.update(part)
        self._later = []
        digest = self.digest.hexdigest()
        if self.keep is not None:  # the units stored before and not written now are no longer in the period
            gone = [(self.period, unit) for unit in {**self.keep, **self.given} if unit not in self.seen]
            for table in ("scores", "explanations", "category_results", "item_results"):
                self.store.db.conn.executemany(f"DELETE FROM [{table}] WHERE [period] = ? AND [unit] = ?", gone)
        self.store.db.conn.execute(
            "UPDATE [period_results] SET [digest] = ?, [parts] = ? WHERE [period] = ?",
            (digest, dumps(parts or {}), self.period),
        )
        return digest


def _item_row(i: ItemResult) -> tuple[Any, ...]:
    """``i``'s row of ``item_results`` (:data:`ITEM_RESULT_COLUMNS`) but its period and unit."""
    if type(i) is ItemResult and not i.folded:  # its counts, carried and missing in one pass over its lines
        records = carried = missing = 0
        for ln in i.lines:
            if ln.record is not None:
                records += 1
            if ln.carried:
                carried = 1
            if ln.missing:
                missing = 1
        return (i.item, i.category, i.window, str(i.points), str(i.uncapped), len(i.lines), records, carried, missing)
    return (
        i.item, i.category, i.window, str(i.points), str(i.uncapped), *_line_counts(i), int(i.carried), int(i.missing),
    )


def _line_counts(i: ItemResult) -> tuple[int, int]:
    """How many lines an item's result has, and how many of them name a record (``item_results``):
    those it holds, its folded record lines counted (``ItemResult.folded``), or those it refers to
    (``folding.Referred``)."""
    if isinstance(i, Referred):
        return i.count, i.records
    return len(i.lines) + max(i.folded - 1, 0), sum(1 for ln in i.lines if ln.record is not None) + i.folded


def _ask(process: subprocess.Popen[bytes], message: Any) -> None:
    """``message`` sent to a scanning or reading process (kaohe.store.scanner)."""
    stdin = cast(Any, process.stdin)
    pickle.dump(message, stdin, protocol=pickle.HIGHEST_PROTOCOL)
    stdin.flush()


def _ended(process: subprocess.Popen[bytes], kill: bool = False) -> None:
    """A scanning or reading process ended (``kill``: without waiting for what it is doing) and its
    pipes closed."""
    if kill:
        process.kill()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _made_here(tallies: Callable[..., Iterator[Any]], call: tuple[Any, ...]) -> Iterator[Any]:
    """``tallies(*call)`` made when its rows are first read (a call its scanning process did not
    answer): an error it raises comes when the caller reads that call's rows (``tallies_each``: in
    that call's turn). Read inside the read transaction the scans were asked in (the scan is made
    then)."""
    yield from tallies(*call)


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
    """A stored number within a cell's bounds (kaohe.core.decimals): one imported before numbers were
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
        try:
            number = values[value]
        except KeyError:  # a value not seen yet (most values repeat: one look-up for them)
            number = values[value] = _scorable(key, D(value))
        yield Record(key, canon(kind, kind), canon(unit, unit), day, number, attrs, note or "")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _insert_record(typed: Mapping[tuple[str, str], int]) -> str:
    """The statement writing a record (``_INSERT_RECORD``) with its typed columns as ``typed`` (the
    map, ``Store.typed_map``) says: each slot's JSON text read from the record's attributes by its
    kind, its number as ``Store.tallies`` reads it (``_number_sql``); the other slots NULL."""
    if not typed:
        return _INSERT_RECORD
    slots: dict[int, list[tuple[str, str]]] = {}
    for (kind, field), slot in sorted(typed.items()):
        slots.setdefault(slot, []).append((kind, field))
    kind_at, attrs_at = RECORD_COLUMNS.index("kind") + 1, RECORD_COLUMNS.index("attrs") + 1
    given = [f"?{i} AS [{c}]" for i, c in enumerate(RECORD_COLUMNS, 1)]
    for slot, pairs in sorted(slots.items()):
        whens = " ".join(f"WHEN {_literal(k)} THEN ?{attrs_at} -> {_literal(f'$.{chr(34)}{f}{chr(34)}')}" for k, f in pairs)
        given.append(f"CASE ?{kind_at} {whens} END AS [t{slot}]")
    columns = [*RECORD_COLUMNS, *(c for n in sorted(slots) for c in typed_columns(n))]
    values = [*(f"[{c}]" for c in RECORD_COLUMNS), *(v for n in sorted(slots) for v in (f"[t{n}]", _number_sql(f"[t{n}]")))]
    return (
        f"INSERT INTO [records] ({', '.join(f'[{c}]' for c in columns)})"
        f" SELECT {', '.join(values)} FROM (SELECT {', '.join(given)} LIMIT 1 OFFSET 0) WHERE true"
        f" ON CONFLICT([key]) DO UPDATE SET {', '.join(f'[{c}] = excluded.[{c}]' for c in columns[1:] if c != 'voided')}"
    )


def _number_sql(j: str) -> str:
    """The number of the JSON text in column ``j`` where it is a plain number (an unquoted JSON
    number, or a text ``-?[0-9][0-9.]*`` with one point at most), else NULL: its value
    ``CAST(ltrim(j, '"') AS REAL)``. The text's characters after its first are checked with one
    ``rtrim`` (nothing left, or the opening quote and minus sign) rather than a pattern that
    backtracks; the same decisions as ``NOT j GLOB '"?*[^0-9.]*"'`` (a JSON text has no bare quote
    inside a string)."""
    return (
        f"CASE WHEN {j} GLOB '[0-9-]*' THEN CAST({j} AS REAL)"
        f" WHEN ({j} GLOB '\"[0-9]*\"' OR {j} GLOB '\"-[0-9]*\"') AND rtrim({j}, '\".0123456789') IN ('', '\"-')"
        f" AND NOT {j} GLOB '*.*.*' THEN CAST(ltrim({j}, '\"') AS REAL) END"
    )


def _limit_sql(table: Any, names: Sequence[str]) -> str:
    """The SQL of the limit ``rules.base.lookup`` finds in ``table`` (``rules.aggregate.frozen``'s
    pairs) walking it with the attributes whose JSON texts are the columns ``names``: a number; 'none'
    where it finds none; NULL where an attribute is neither a text nor absent (a number, a yes/no:
    ``lookup`` reads its ``str``, left to it)."""
    if isinstance(table, Decimal):
        return repr(float(table)) if not names else "'none'"  # a limit before the last attribute: none
    if not isinstance(table, tuple) or not names:
        return "'none'"
    entries = dict(table)
    star = entries.get("*")
    other = "'none'" if star is None else repr(float(star)) if isinstance(star, Decimal) else "NULL"
    col, rest = names[0], names[1:]
    subs = [(k.replace(chr(39), chr(39) * 2), _limit_sql(v, rest)) for k, v in table]
    when = " ".join(f"WHEN '{k}' THEN {sub}" for k, sub in subs)
    walked = (
        f"CASE WHEN {col} IS NULL OR {col} = 'null' THEN {other}"
        f" WHEN {col} GLOB '\"*' THEN CASE {col} ->> '$' {when} ELSE {other} END ELSE NULL END"
    )
    if any(c in k for k, _ in table for c in '"\\') or any(ord(c) < 32 for k, _ in table for c in k):
        return walked
    # first the JSON texts themselves (a text without a quote, backslash or control character has one
    # JSON text, ``"text"``: equal to it, the value is that text; a cheaper test than decoding it);
    # a JSON text of a string without a backslash is its text between the quotes: none of the table's
    # then (``other``); the walk above for any other
    direct = " ".join(f"WHEN '\"{k}\"' THEN {sub}" for k, sub in subs)
    return f"CASE {col} {direct} ELSE CASE WHEN {col} GLOB '\"*' AND instr({col}, '\\') = 0 THEN {other} ELSE {walked} END END"


def _tallies(
    rows: Iterable[Sequence[Any]], fields: Sequence[str], attrs: Sequence[str], decide: Sequence[tuple[Any, ...]]
) -> Iterator[tuple[str, str, dict[Any, Any], int, str]]:
    """``Store.tallies``' rows (unit, kind, value, the JSON array of ``attrs``, a column per ``decide``,
    count, least key) with their values decoded: ``value`` as a number (checked as ``_records`` checks it),
    JSON as ``json.loads`` reads the record's attributes."""
    loads = json.loads
    has_value = "value" in fields
    numbers: dict[str, Decimal] = {}
    texts: dict[str, Any] = {}
    outcomes = {0: Decided(False), 1: Decided(True)}

    def decoded(text: str, where: str) -> Any:
        got = texts.get(text, texts)
        if got is texts:
            got = texts[text] = loads(text)
            for v in got if isinstance(got, list) else (got,):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    _scorable(where, D(v))
        return got

    made: dict[tuple[Any, ...], dict[Any, Any]] = {}  # the groups' values by their columns: one dict, shared
    for row in rows:
        unit, kind, value, array, n, first = row[0], row[1], row[2], row[3], row[-2], row[-1]
        raw = tuple(row[2:-2])
        values = made.get(raw)
        if values is not None:  # the same values as another unit's group (decoded, checked then)
            yield unit, kind, values, int(n), first
            continue
        values = made[raw] = {}
        if has_value:
            if value is None:
                values["value"] = None
            else:
                number = numbers.get(value)
                if number is None:
                    number = numbers[value] = _scorable(first, D(value))  # a record of the group: it holds it
                values["value"] = number
        if attrs:
            values.update(zip(attrs, decoded(array, first)[: len(attrs)], strict=True))
        for d, got in zip(decide, row[4:-2], strict=True):
            if isinstance(got, int):
                values[d] = outcomes[got]
            elif len(d) > 3:  # the field's and the table's attributes' values
                values.update(zip((d[0], *d[3]), decoded(got, first), strict=True))
            else:
                values[d[0]] = None if got is None else decoded(got, first)
        yield unit, kind, values, int(n), first
