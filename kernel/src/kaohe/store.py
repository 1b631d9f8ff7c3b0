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
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import sqlite_utils

from .bureau import Bureau
from .decimals import D
from .errors import KaoheError
from .intake import Rejection, checksum
from .integrity import guard, migrate_3, record_line, records_digest, register
from .ledger import Ledger, current_actor, migrate_2, now
from .model import PeriodResult, Record
from .plugins import Registry
from .staging import Staged, content_hash, dumps, staged  # noqa: F401 (dumps and content_hash: used by others through the store)
from .treejson import TreeEncoder

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

    @property
    def accepted(self) -> int:
        return self.new + self.changed + self.unchanged


class Store(Ledger):
    """A bureau's database (the audit trail, adjustments, appeals and editions: kaohe.ledger)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        conn = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
        register(conn)  # the chain's link function: the triggers of the chained tables call it
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=60000")
        self._migrate()

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema ----------------------------------------------------------------------------------

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
            db.execute("ROLLBACK")
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
    ) -> IngestReport:
        """Import one file in one transaction. Bad rows are reported and skipped (or, with
        ``strict``, the whole file is refused); a record whose key is already stored with the same
        content is unchanged, with other content it is replaced and the old version kept. A large file
        is read by other processes while this one writes (``readers``: how many; None decides by the
        file's size and type and the machine's cores, 0 reads in this process; see kaohe.staging)."""
        path = Path(path)
        with staged(path, bureau, registry, adapter_id, bureau.earliest, today, readers) as (adapter, rows):
            return self._ingest(path, adapter, rows, strict=strict, dry_run=dry_run, actor=actor, progress=progress)

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
    ) -> IngestReport:
        report = IngestReport(path.name, adapter.id, adapter.department)
        digest = checksum(path)
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            guard(self)
            import_id = None
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
            seen: dict[str, int] = {}
            batch: list[Staged] = []
            last_row = -1
            for item in rows:
                ready, sheet, row, rej = item
                if row != last_row:
                    report.rows += 1
                    last_row = row
                    if progress and report.rows % 1000 == 0:
                        progress(report.rows)
                if ready is None:
                    assert rej is not None
                    report.rejected.append(rej)
                    continue
                key = ready[0]
                if key in seen:
                    report.duplicates += 1
                    report.rejected.append(
                        Rejection(path.name, sheet, row, "", f"与第{seen[key]}行是同一条记录(编号相同),不重复计算")
                    )
                    continue
                seen[key] = row
                batch.append(item)
                if len(batch) >= BATCH:
                    self._write(batch, path.name, import_id, report, dry_run)
                    batch = []
            self._write(batch, path.name, import_id, report, dry_run)
            if progress:
                progress(report.rows)
            if dry_run or (strict and report.rejected):
                db.execute("ROLLBACK")
                if not dry_run:
                    self.log(
                        "导入被拒绝", actor, department=adapter.department, subject=path.name,
                        detail={"checksum": digest, "adapter": adapter.id, "rows": report.rows, "rejected": len(report.rejected), "strict": True},
                    )
                return report
            if report.rejected:
                db["rejections"].insert_all(
                    (
                        {"import_id": import_id, "file": r.file, "sheet": r.sheet, "row": r.row, "column": r.column, "message": r.message}
                        for r in report.rejected
                    ),
                    batch_size=BATCH,
                )
            db["imports"].update(
                import_id,
                {
                    "rows": report.rows, "accepted": report.accepted, "new": report.new, "changed": report.changed,
                    "unchanged": report.unchanged, "rejected": len(report.rejected),
                },
            )
            self.log(
                "导入", actor, department=adapter.department, period=",".join(sorted(report.months)), subject=path.name,
                detail={
                    "import": import_id, "checksum": digest, "adapter": adapter.id, "rows": report.rows,
                    "new": report.new, "changed": report.changed, "unchanged": report.unchanged,
                    "rejected": len(report.rejected), "corrected": report.corrected[:1000],
                    "corrected_total": len(report.corrected), "records_sha256": records_digest(
                        (line for (line,) in db.execute("SELECT line FROM temp.kaohe_written ORDER BY line")), ordered=True
                    ),
                },
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
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

    def scores(self, period: str) -> list[dict[str, Any]]:
        return list(self.db["scores"].rows_where("period = ?", [period], order_by="series, rank, unit"))

    def explanation(self, period: str, unit: str) -> dict[str, Any] | None:
        rows = list(self.db["explanations"].rows_where("period = ? AND unit = ?", [period, unit]))
        return json.loads(rows[0]["tree"]) if rows else None


def _DATE_KEY(record: Record) -> tuple[dt.date, str]:
    return record.date, record.key


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
            if len(decoded) >= 4096:  # attributes that hardly repeat (times, minutes): keep no texts
                decoded.clear()
            decoded[attrs_json] = attrs
        number = values.get(value, values)
        if number is values:
            number = values[value] = D(value)
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
