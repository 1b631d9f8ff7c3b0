"""The PostgreSQL store itself (issue 22): :class:`PgStore`, the store of kaohe.store.store over the
dialect layer of kaohe.store.postgres, registered as the backend of ``postgresql://`` URLs
(``Store(url)`` opens one); and ``kaohe db copy``'s copy of a SQLite database into PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from ..core.errors import KaoheError
from .actor import now
from .postgres import (
    _TYPES, ID_TABLES, PARTITIONED_VERSION, PgDatabase, _sqlite_error, check_url, partition_triggers, redacted,
)
from .store import (
    BACKENDS, CATEGORY_RESULT_COLUMNS, ITEM_RESULT_COLUMNS, MIGRATIONS, RECORD_COLUMNS, SCORE_COLUMNS, ResultsWriter, Store,
    _tallies, rollback,
)



# --- records partitioned by month (PostgreSQL only) ---------------------------------------------

PARTITIONED = PARTITIONED_VERSION
"""PostgreSQL's own migration: ``records`` partitioned by month. Numbered apart from the shared
migrations (which SQLite's store has too), so that a shared one added later never takes its number;
``PgStore.schema_version`` is the shared migrations' (what ``kaohe db copy`` compares)."""
SHARED_BELOW = 1000

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_NOT_REMOVED = "records: rows are never removed (a record is voided, not deleted)"

PARTITION_FUNCTIONS = (
    # a record is deleted from a partition only as it moves to another one (a correction of its
    # date to another month: PostgreSQL moves the row as a DELETE and an INSERT), its key's month
    # in record_keys already the new one; every other DELETE (and a TRUNCATE) is refused
    "CREATE OR REPLACE FUNCTION kaohe_records_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM record_keys k WHERE k.key = OLD.key AND k.part <> left(OLD.date, 7))"
    " THEN RETURN OLD; END IF;"
    f" RAISE EXCEPTION USING MESSAGE = '{_NOT_REMOVED}', ERRCODE = 'integrity_constraint_violation'; END $$",
    # every record written has its key in record_keys with its month: a key is unique across months
    "CREATE OR REPLACE FUNCTION kaohe_records_keyed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF EXISTS (SELECT 1 FROM added a WHERE NOT EXISTS"
    " (SELECT 1 FROM record_keys k WHERE k.key = a.key AND k.part = left(a.date, 7))) THEN"
    " RAISE EXCEPTION USING MESSAGE = 'records: a record''s key is unique across months (written with its key in record_keys)',"
    " ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NULL; END $$",
    # a key moved to another month has its record there at commit
    "CREATE OR REPLACE FUNCTION kaohe_record_keys_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF NOT EXISTS (SELECT 1 FROM records WHERE key = NEW.key AND left(date, 7) = NEW.part) THEN"
    " RAISE EXCEPTION USING MESSAGE = 'record_keys: a key moves to another month only with its record',"
    " ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION kaohe_record_keys_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " RAISE EXCEPTION USING MESSAGE = 'record_keys: rows are never removed', ERRCODE = 'integrity_constraint_violation'; END $$",
)

def _partition_of(month: str) -> tuple[str, str, str]:
    """(the partition's name, its first and next month) for ``month`` (YYYY-MM)."""
    if not _MONTH.match(month):
        raise KaoheError(f"记录的日期 {month!r} 不是 YYYY-MM-DD 格式:无法确定它所在的月份分区")
    year, mon = int(month[:4]), int(month[5:])
    following = f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"
    return f"records_{month.replace('-', '_')}", month, following


def partitions(raw: Any) -> list[str]:
    """The partitions of ``records`` in this schema (none: not partitioned)."""
    return [r[0] for r in raw.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent"
        " WHERE p.relname = 'records' AND p.relnamespace = current_schema()::regnamespace ORDER BY c.relname"
    ).fetchall()]


def ensure_partitions(raw: Any, months: Iterable[str]) -> list[str]:
    """Make the partitions of ``months`` that do not exist yet (in the caller's transaction), each
    with its statement triggers; returns those made. A partition is made as a table of its own and
    attached (a lock that lets readers and writers of the other months on), its indexes and row
    triggers the parent's."""
    have = set(partitions(raw))
    made = []
    for month in sorted(set(months)):
        name, first, following = _partition_of(month)
        if name in have:
            continue
        raw.execute(f'CREATE TABLE "{name}" (LIKE records INCLUDING DEFAULTS)')
        raw.execute(f"ALTER TABLE records ATTACH PARTITION \"{name}\" FOR VALUES FROM ('{first}') TO ('{following}')")
        truncate, inserted, updated = partition_triggers(name)
        raw.execute(f'CREATE TRIGGER "{truncate}" BEFORE TRUNCATE ON "{name}" FOR EACH STATEMENT EXECUTE FUNCTION kaohe_records_no_delete()')
        raw.execute(
            f'CREATE TRIGGER "{inserted}" AFTER INSERT ON "{name}" REFERENCING NEW TABLE AS added'
            " FOR EACH STATEMENT EXECUTE FUNCTION kaohe_records_keyed()"
        )
        raw.execute(
            f'CREATE TRIGGER "{updated}" AFTER UPDATE ON "{name}" REFERENCING NEW TABLE AS added'
            " FOR EACH STATEMENT EXECUTE FUNCTION kaohe_records_keyed()"
        )
        made.append(name)
    return made


def partition_records(db: Any) -> None:
    """The migration :data:`PARTITIONED`: ``records`` made again as a table partitioned by the month
    of its ``date`` (range partitions, one a calendar month, made on demand when an import brings a
    new month), its rows moved into it in their order (their rowids kept), its indexes and triggers
    made again on it (PostgreSQL clones them onto every partition); and ``record_keys``, each record's
    key (its primary key) with its month, which keeps a key unique across months as SQLite's primary
    key does (a unique index on a partitioned table must hold the partition key)."""
    raw = db.conn.raw
    raw.execute("SET LOCAL client_min_messages = warning")
    for stmt in PARTITION_FUNCTIONS:
        raw.execute(stmt)
    table = "quote_ident(current_schema()) || '.records'"
    triggers = [r[0] for r in raw.execute(
        f"SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE t.tgrelid = ({table})::regclass AND NOT t.tgisinternal ORDER BY t.tgname"
    ).fetchall()]
    indexes = raw.execute(
        f"SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        f" WHERE i.indrelid = ({table})::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        " ORDER BY c.relname"
    ).fetchall()
    for name, _ in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    raw.execute("ALTER TABLE records RENAME TO records_unpartitioned")
    for (name,) in raw.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = (quote_ident(current_schema()) || '.records_unpartitioned')::regclass"
    ).fetchall():
        raw.execute(f'ALTER TABLE records_unpartitioned RENAME CONSTRAINT "{name}" TO "{name}_unpartitioned"')
    raw.execute(
        'CREATE TABLE records (LIKE records_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY, PRIMARY KEY ("key", "date"))'
        ' PARTITION BY RANGE ("date")'
    )
    raw.execute('CREATE TABLE record_keys ("key" TEXT COLLATE "C" PRIMARY KEY, "part" TEXT COLLATE "C" NOT NULL)')
    months = [r[0] for r in raw.execute("SELECT DISTINCT left(date, 7) FROM records_unpartitioned").fetchall()]
    ensure_partitions(raw, months)
    raw.execute("INSERT INTO record_keys (key, part) SELECT key, left(date, 7) FROM records_unpartitioned ORDER BY key")
    raw.execute("INSERT INTO records SELECT * FROM records_unpartitioned ORDER BY rowid")
    raw.execute(
        "SELECT setval(pg_get_serial_sequence('records', 'rowid'), coalesce((SELECT max(rowid) FROM records), 0) + 1, false)"
    )
    raw.execute("DROP TABLE records_unpartitioned")
    for _, definition in indexes:
        raw.execute(definition)
    for definition in triggers:
        raw.execute(definition)
    raw.execute(
        "CREATE TRIGGER records_keyed_insert AFTER INSERT ON records REFERENCING NEW TABLE AS added"
        " FOR EACH STATEMENT EXECUTE FUNCTION kaohe_records_keyed()"
    )
    raw.execute(
        "CREATE TRIGGER records_keyed_update AFTER UPDATE ON records REFERENCING NEW TABLE AS added"
        " FOR EACH STATEMENT EXECUTE FUNCTION kaohe_records_keyed()"
    )
    raw.execute("CREATE TRIGGER record_keys_no_delete BEFORE DELETE ON record_keys FOR EACH ROW EXECUTE FUNCTION kaohe_record_keys_no_delete()")
    raw.execute(
        "CREATE TRIGGER record_keys_no_truncate BEFORE TRUNCATE ON record_keys FOR EACH STATEMENT EXECUTE FUNCTION kaohe_record_keys_no_delete()"
    )
    raw.execute(
        "CREATE CONSTRAINT TRIGGER record_keys_moved AFTER UPDATE ON record_keys DEFERRABLE INITIALLY DEFERRED"
        " FOR EACH ROW EXECUTE FUNCTION kaohe_record_keys_moved()"
    )
    db.conn.pks["records"] = ("key", "date")
    db.conn.pks["record_keys"] = ("key",)
    db.conn.schema_cookie += 1


PG_MIGRATIONS: list[tuple[int, Callable[[Any], None]]] = [(PARTITIONED, partition_records)]
"""PostgreSQL's own migrations, after the shared ones."""


_STAGED = "kaohe_incoming"
_STAGED_TYPES = {"version": "BIGINT", "import_id": "BIGINT", "row": "BIGINT", "voided": "BIGINT"}


class PgStore(Store):
    """The store on PostgreSQL (``Store(url)`` opens one). ``path`` is the URL without its password."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        url = str(path)
        self.url = url
        self.path = cast(Path, redacted(self.url))  # a URL: only said in messages
        self.readonly = False  # a server's reader never blocks a writer: read-only is a matter of its account
        self.db = cast(Any, PgDatabase(self.url))
        self.pg = cast(PgDatabase, self.db)  # the same, typed
        self._partitioned: bool | None = None
        if self._current():
            self.pg.load_keys()
            return
        self._migrate()

    def _migrate(self) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")  # the lock: two processes opening a new database make it once
        try:
            self.pg.install_functions()
            tables = db.table_names()
            self.pg.load_keys()
            done = {r[0] for r in db.execute("SELECT version FROM migrations")} if "migrations" in tables else set()
            if "migrations" not in tables:
                db.table("migrations").create({"version": int, "applied": str}, pk="version")
            for version, step in [*MIGRATIONS, *PG_MIGRATIONS]:
                if version not in done:
                    step(db)
                    db.table("migrations").insert({"version": version, "applied": now()})
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise

    def partitioned(self) -> bool:
        """Whether ``records`` is partitioned by month (the migration :data:`PARTITIONED` applied)."""
        if self._partitioned is None:
            self._partitioned = bool(self.db.execute("SELECT 1 FROM migrations WHERE version = ?", [PARTITIONED]).fetchone())
        return self._partitioned

    def _current(self) -> bool:
        if not super()._current():
            return False
        done = {r[0] for r in self.db.execute("SELECT version FROM migrations").fetchall()}
        return all(version in done for version, _ in PG_MIGRATIONS)

    @property
    def schema_version(self) -> int:
        """The shared migrations' version (SQLite's store has the same); PostgreSQL's own
        (:data:`PG_MIGRATIONS`) are numbered from :data:`SHARED_BELOW` on."""
        row = self.db.execute("SELECT max(version) FROM migrations WHERE version < ?", [SHARED_BELOW]).fetchone()
        return int(row[0] or 0)

    def idle(self) -> bool:
        try:
            return not self.pg.conn.raw.closed and not self.db.conn.in_transaction
        except Exception:
            return False

    def write_records(self, rows: list[tuple[Any, ...]], lines: Iterable[tuple[str]]) -> None:
        """Bulk loading: the batch with COPY into a temporary table; the partitions of its months
        made when missing; then the corrected records (a version after the first) updated in place —
        moved to their new month's partition when their date moved to another month, their key's
        month in ``record_keys`` first —, and the new ones (version 1) inserted with their keys, in
        the order of the batch (the same rows as SQLite's upsert writes); and the lines of the
        versions written with COPY."""
        conn = self.pg.conn
        raw = conn.raw
        cols = ", ".join(f'"{c}"' for c in RECORD_COLUMNS)
        raw.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGED} ({', '.join(f'{chr(34)}{c}{chr(34)} {_STAGED_TYPES.get(c, _TYPES[str])}' for c in RECORD_COLUMNS)},"
            ' "rowid" BIGSERIAL) ON COMMIT DELETE ROWS'
        )
        raw.execute(f"TRUNCATE {_STAGED}")
        conn.copy(_STAGED, RECORD_COLUMNS, rows)
        months = {str(r[3])[:7] for r in rows}
        sets = ", ".join(f'"{c}" = s."{c}"' for c in RECORD_COLUMNS[1:] if c != "voided")
        try:
            if not self.partitioned():  # a database whose migration PARTITIONED is not applied (tests of it)
                upsert = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in RECORD_COLUMNS[1:] if c != "voided")
                raw.execute(f'INSERT INTO records ({cols}) SELECT {cols} FROM {_STAGED} ORDER BY "rowid" ON CONFLICT ("key") DO UPDATE SET {upsert}')
                conn.copy("kaohe_written", ("line",), lines)
                return
            self._partitions_for(months)
            if any(int(r[10]) > 1 for r in rows):  # corrections (none in a month's usual file: no join planned)
                raw.execute(
                    f"UPDATE record_keys k SET part = left(s.date, 7) FROM {_STAGED} s"
                    " WHERE s.version > 1 AND k.key = s.key AND k.part <> left(s.date, 7)"
                )
                raw.execute(f"UPDATE records r SET {sets} FROM {_STAGED} s WHERE s.version > 1 AND r.key = s.key")
            if any(int(r[10]) == 1 for r in rows):
                raw.execute(f'INSERT INTO record_keys (key, part) SELECT key, left(date, 7) FROM {_STAGED} WHERE version = 1 ORDER BY "rowid"')
                raw.execute(f'INSERT INTO records ({cols}) SELECT {cols} FROM {_STAGED} WHERE version = 1 ORDER BY "rowid"')
        except KaoheError:
            raise
        except Exception as exc:
            raise _sqlite_error(exc) from None
        conn.copy("kaohe_written", ("line",), lines)

    def stored_versions(self, keys: list[str]) -> dict[str, tuple[str, int]]:
        """``Store.stored_versions`` by way of ``record_keys``: the month of each stored key (one
        index), then the keys of each month read from that month's partition alone (a look-up in
        ``records`` by key alone would search every month's partition)."""
        if not self.partitioned():
            return super().stored_versions(keys)
        raw = self.pg.conn.raw
        try:
            by_month: dict[str, list[str]] = {}
            for key, part in raw.execute("SELECT key, part FROM record_keys WHERE key = ANY(%s)", (keys,)).fetchall():
                by_month.setdefault(part, []).append(key)
            existing: dict[str, tuple[str, int]] = {}
            for part, chunk in sorted(by_month.items()):
                _, first, following = _partition_of(part)
                for key, h, v in raw.execute(
                    "SELECT key, hash, version FROM records WHERE date >= %s AND date < %s AND key = ANY(%s)", (first, following, chunk)
                ).fetchall():
                    existing[key] = (h, v)
        except KaoheError:
            raise
        except Exception as exc:
            raise _sqlite_error(exc) from None
        return existing

    def _partitions_for(self, months: Iterable[str]) -> None:
        """The partitions of ``months`` made where missing (:func:`ensure_partitions`). The store's
        protections were checked at this transaction's start (``integrity.guard``, once per change
        of the schema): the partitions made here, with their triggers, change the schema, but by
        kaohe itself under its write lock; the check is not made again for them."""
        have = set(partitions(self.pg.conn.raw))
        missing = [m for m in months if _partition_of(m)[0] not in have]
        if not missing:
            return
        cookie = self.db.execute("PRAGMA schema_version").fetchone()[0]
        trusted = getattr(self, "_guarded", None) == cookie
        ensure_partitions(self.pg.conn.raw, missing)
        if trusted:
            self._guarded = self.db.execute("PRAGMA schema_version").fetchone()[0]

    def period_texts(self, period: str) -> Iterator[tuple[str, bytes]]:
        for unit, tree in self.period_trees(period):
            yield unit, tree.encode()

    def writer_type(self) -> type[ResultsWriter]:
        return PgResultsWriter

    def write_unit_results(self, categories: Iterable[tuple[Any, ...]], items: Iterable[tuple[Any, ...]]) -> None:
        """``Store.write_unit_results`` with COPY: a unit's rows in two statements, not one a row (an
        item given twice keeps its last row in the last place, as SQLite's ``INSERT OR REPLACE``)."""
        conn = self.pg.conn
        conn.copy("category_results", CATEGORY_RESULT_COLUMNS, categories)
        last: dict[Any, tuple[Any, ...]] = {}
        for row in items:
            last.pop(row[2], None)
            last[row[2]] = row
        conn.copy("item_results", ITEM_RESULT_COLUMNS, last.values())

    def tallies_done(self, calls: Sequence[tuple[Any, ...]]) -> Iterator[tuple[int, Iterator[tuple[str, str, dict[Any, Any], int, str]]]]:
        """(index, ``tallies``) of each call, one by one, in order, as they are taken (docs/postgresql.md:
        PostgreSQL may run a query in parallel itself; no scanning processes here)."""
        return ((i, self.tallies(*call)) for i, call in enumerate(calls))

    def type_fields(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str, int]]:
        """PostgreSQL keeps no typed columns (docs/postgresql.md): its ``tallies`` reads the attributes'
        JSON, its map stays empty and the columns NULL, so nothing claims a column it did not fill."""
        return []

    def typed_findings(self) -> list[str]:
        """None: PostgreSQL keeps no typed columns (``type_fields``)."""
        return []

    def tallies(
        self, kinds: Sequence[str], fields: Sequence[str], start: dt.date, end: dt.date,
        decide: Sequence[tuple[Any, ...]] = (),
    ) -> Iterator[tuple[str, str, dict[Any, Any], int, str]]:
        """``Store.tallies`` in PostgreSQL's dialect, comparing in SQL as SQLite's store does: a
        compared field that is a plain number more than 10⁻⁶ from its limit (or its table of limits'
        limit) is grouped by the outcome; elsewhere its JSON text is given (with a table of limits the
        JSON array of the field's and the table's attributes' values), compared in decimals by
        kaohe.rules.aggregate. Each group with its least key, as SQLite's store gives it."""
        if not kinds:
            return iter(())
        decided = {d[0] for d in decide}
        attrs = [f for f in fields if f != "value" and f not in decided]
        cols = ["value" if "value" in fields else "NULL::text"]
        args: list[Any] = []
        if attrs:
            cols.append(f"json_build_array({', '.join('a -> %s' for _ in attrs)})::text")
            args += attrs
        else:
            cols.append("NULL::text")
        # as SQLite's store: each compared (or limit-walking) field's JSON text read once a record,
        # each compared field's number and each table's limit worked out once a record, in subqueries
        # kept apart (OFFSET 0); an outcome is the text '#0' or '#1' (never a JSON text), read as 0 or 1
        texts: dict[str, str] = {}
        numbers: dict[str, str] = {}
        limits: list[str] = []
        cases: list[str] = []
        for field, op, limit, *by in decide:
            assert op in (">", ">=", "<", "<=")
            for f in (field, *(by[0] if by else ())):
                texts.setdefault(f, f"f{len(texts)}")
            j = texts[field]
            if field not in numbers:
                numbers[field] = (
                    f"CASE WHEN {j} ~ '^[0-9-]' THEN {j}::float8"
                    f" WHEN {j} ~ '^\"-?[0-9][0-9.]*\"$' AND {j} !~ '\\..*\\.' THEN btrim({j}, '\"')::float8 END"
                )
            n = f"n{list(numbers).index(field)}"
            if not by:
                lim = f"{float(limit)!r}::float8"
                cases.append(
                    f"CASE WHEN abs({n} - {lim}) > 1e-6 THEN CASE WHEN {n} {op} {lim} THEN '#1' ELSE '#0' END ELSE {j} END"
                )
                continue
            names = [texts[f] for f in by[0]]
            lim = f"l{len(limits)}"
            limits.append(f"{_limit_pg(limit, names)} AS {lim}")
            raw = f"json_build_array({', '.join(f'{c}::json' for c in (j, *names))})::text"
            cases.append(
                f"CASE WHEN {lim} IS NULL THEN {raw} WHEN {lim} = 'none' THEN '#0'"
                f" WHEN abs({n} - {lim}::float8) > 1e-6 THEN CASE WHEN {n} {op} {lim}::float8 THEN '#1' ELSE '#0' END ELSE {raw} END"
            )
        cols += cases
        group = ", ".join(str(i + 1) for i in range(len(cols) + 2))
        where = "FROM records WHERE voided = 0 AND kind = ANY(%s) AND date BETWEEN %s AND %s"
        read = "".join(f", (a -> %s)::text AS {c}" for c in texts.values())
        worked = "".join([*(f", {sql} AS n{i}" for i, sql in enumerate(numbers.values())), *(f", {x}" for x in limits)])
        if attrs or texts:  # the attributes parsed once a record
            source = (
                f"(SELECT *{worked} FROM (SELECT unit, kind, key, value, a{read} FROM"
                f" (SELECT unit, kind, key, value, attrs::json AS a {where} OFFSET 0) p OFFSET 0) t OFFSET 0) s"
            )
        else:
            source = f"(SELECT unit, kind, key, value {where}) s"
        q = f"SELECT unit, kind, {', '.join(cols)}, count(*), min(key) FROM {source} GROUP BY {group}"
        params = [*args, *texts, list(kinds), start.isoformat(), end.isoformat()]
        try:
            rows = self.pg.conn.raw.execute(q, params).fetchall()
        except Exception as exc:
            raise _sqlite_error(exc) from None
        if decide:
            outcome = {"#0": 0, "#1": 1}
            k = len(decide)
            rows = [(*r[:4], *(outcome.get(v, v) for v in r[4 : 4 + k]), *r[4 + k :]) for r in rows]
        return _tallies(rows, fields, attrs, decide)


class PgResultsWriter(ResultsWriter):
    """``ResultsWriter`` in bulk: a period written whole (not rewriting stored units in place) has its
    units' heads of ``explanations`` written with COPY a few hundred at a time (in their order: their
    rows' order is SQLite's), and at ``finish`` their tails appended in one ``UPDATE`` and their
    ``scores`` rows written with COPY (in the order of the tails, as SQLite's store inserts them)."""

    CHUNK = 200
    BACKGROUND = False  # its writes gathered and made in bulk here
    IN_PLACE = False  # a period written whole: its rows deleted and written again, in bulk

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._trees: list[tuple[str, str, str]] = []
        self._tails: list[tuple[str, str]] = []
        self._scores: list[tuple[Any, ...]] = []

    def _insert_tree(self, unit: str, text: str) -> None:
        if self.keep is not None:
            super()._insert_tree(unit, text)
            return
        self._trees.append((self.period, unit, text))
        if len(self._trees) >= self.CHUNK:
            self._write_trees()

    def _write_trees(self) -> None:
        if self._trees:
            cast(PgStore, self.store).pg.conn.copy("explanations", ("period", "unit", "tree"), self._trees)
            self._trees = []

    def _append_tree(self, unit: str, text: str) -> None:
        if self.keep is not None:
            super()._append_tree(unit, text)
            return
        self._write_trees()
        self._tails.append((unit, text))

    def _insert_score(self, row: tuple[Any, ...]) -> None:
        if self.keep is not None:
            super()._insert_score(row)
            return
        self._scores.append(row)

    def finish(self, parts: dict[str, str] | None = None) -> str:
        conn = cast(PgStore, self.store).pg.conn
        self._write_trees()
        if self._tails:
            conn.raw.execute(f'CREATE TEMP TABLE IF NOT EXISTS {_TAILS} (unit TEXT COLLATE "C", tail TEXT) ON COMMIT DELETE ROWS')
            conn.raw.execute(f"TRUNCATE {_TAILS}")
            conn.copy(_TAILS, ("unit", "tail"), self._tails)
            try:
                conn.raw.execute(
                    f"UPDATE explanations e SET tree = e.tree || t.tail FROM {_TAILS} t WHERE e.period = %s AND e.unit = t.unit",
                    (self.period,),
                )
            except Exception as exc:
                raise _sqlite_error(exc) from None
            self._tails = []
        if self._scores:
            conn.copy("scores", SCORE_COLUMNS, self._scores)
            self._scores = []
        return super().finish(parts)


_TAILS = "kaohe_tails"


def _limit_pg(table: Any, names: Sequence[str]) -> str:
    """``store._limit_sql`` in PostgreSQL's dialect: the limit ``rules.base.lookup`` finds in
    ``table`` walking it with the attributes whose JSON texts are the columns ``names``, as a text: a
    number, 'none' where it finds none, NULL where an attribute is neither a text nor absent."""
    if isinstance(table, Decimal):
        return f"'{float(table)!r}'::text" if not names else "'none'::text"
    if not isinstance(table, tuple) or not names:
        return "'none'::text"
    entries = dict(table)
    star = entries.get("*")
    other = "'none'::text" if star is None else f"'{float(star)!r}'::text" if isinstance(star, Decimal) else "NULL::text"
    col, rest = names[0], names[1:]
    when = " ".join(f"WHEN '{k.replace(chr(39), chr(39) * 2).replace('%', '%%')}' THEN {_limit_pg(v, rest)}" for k, v in table)
    return (
        f"CASE WHEN {col} IS NULL OR {col} = 'null' THEN {other}"
        f" WHEN {col} LIKE '\"%%' THEN CASE {col}::json #>> '{{}}' {when} ELSE {other} END ELSE NULL::text END"
    )


# --- a bureau's SQLite database moved into PostgreSQL (kaohe db copy) -------------------------------


def _stored_digests(store: Store) -> dict[str, str]:
    """What is compared after a copy, each as a SHA-256: every period's stored results (the digest
    recorded when they were stored, and the rows of its scores, categories, items and explanations in
    the order stored), every edition (its digest, chain head and payload), the chain's head, and the
    records (every current version's key, version and hash)."""
    out: dict[str, str] = {}
    db = store.db
    for (period,) in db.execute("SELECT period FROM period_results ORDER BY period").fetchall():
        h = hashlib.sha256()
        state = db.execute("SELECT digest, run_id, mark, missing, empty, parts FROM period_results WHERE period = ?", [period]).fetchone()
        h.update(json.dumps(list(state), ensure_ascii=False).encode())
        for table, cols in (
            ("scores", "unit, name, series, class, total, subtotal, rank, flags, veto, carried, fields"),
            ("category_results", "unit, category, base, raw, top, weight, score, explanation"),
            ("item_results", "unit, item, category, window, points, uncapped, lines, records, carried, missing"),
            ("explanations", "unit, tree"),
        ):
            quoted = ", ".join(f"[{c.strip()}]" for c in cols.split(","))
            for row in db.execute(f"SELECT {quoted} FROM [{table}] WHERE period = ? ORDER BY rowid", [period]):
                h.update(json.dumps(list(row), ensure_ascii=False).encode() + b"\n")
        out[f"结果 {period}"] = f"{state[0]}/{h.hexdigest()}"
    for period, number, digest, chain_head, payload in db.execute(
        "SELECT period, number, digest, chain_head, payload FROM editions ORDER BY period, number"
    ).fetchall():
        out[f"版本 {period}#{number}"] = f"{digest}/{chain_head}/{hashlib.sha256(bytes(payload)).hexdigest()}"
    row = db.execute("SELECT hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    out["审计链头"] = row[0] if row else ""
    h = hashlib.sha256()
    for key, version, content in db.execute("SELECT key, version, hash FROM records ORDER BY key"):
        h.update(f"{key}\t{version}\t{content}\n".encode())
    out["记录"] = h.hexdigest()
    return out


def copy_to_postgres(source: Store, url: str, echo: Callable[[str], None] = print) -> bool:
    """Copy ``source`` (a SQLite store at the current schema) into the empty PostgreSQL database at
    ``url``, in one transaction (whole or not at all): every table's rows as stored, with their
    rowids and ids, the chain as it is (not linked again: a link's row keeps its rowid). Then every
    stored result, edition and the chain's head are compared on both sides (``echo`` says each);
    True when all are identical."""
    check_url(url, "--to")
    if isinstance(source, PgStore):
        raise KaoheError("数据库已在 PostgreSQL 中:kaohe db copy 从 SQLite 数据库复制")
    target = Store(url)
    try:
        assert isinstance(target, PgStore)
        conn = target.pg.conn
        for table in ("imports", "audit", "records", "users"):
            if target.count(table):
                raise KaoheError(f"目标数据库 {target.path} 不是空的(表 {table} 中已有数据):请复制到新建的数据库或模式")
        tables = [t for t in source.db.table_names() if t != "migrations"]
        if source.schema_version != target.schema_version:
            raise KaoheError(f"源数据库的结构版本为 {source.schema_version},与本 kaohe 的 {target.schema_version} 不同")
        conn.execute("BEGIN IMMEDIATE")
        conn.linking = False
        try:
            for table in ["chain", *[t for t in tables if t != "chain"]]:
                if table == "records":  # its months' partitions, and every key with its month first
                    months = [r[0] for r in source.db.execute("SELECT DISTINCT substr(date, 1, 7) FROM records").fetchall()]
                    ensure_partitions(conn.raw, months)
                    conn.copy("record_keys", ("key", "part"), source.db.execute("SELECT key, substr(date, 1, 7) FROM records ORDER BY key"))
                names = [n for n, _ in conn.columns(table) if n != "rowid" or table in ID_TABLES]
                have = set(source.db[table].columns_dict)
                # PostgreSQL keeps no typed columns (``PgStore.type_fields``): neither the map nor the columns
                names = [n for n in names if n in have and not (table == "records" and n.startswith("typed_"))]
                if table == "typed_fields":
                    continue
                key = "seq" if table == "chain" else "rowid"
                extra = [] if table in ID_TABLES or table == "chain" else ["rowid"]
                cur = source.db.execute(
                    f"SELECT {', '.join(f'[{n}]' for n in [*names, *extra])} FROM [{table}] ORDER BY {key}"
                )
                conn.copy(table, [*names, *extra], cur)
                if extra:
                    conn.raw.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'rowid'), coalesce((SELECT max(rowid) FROM \"{table}\"), 0) + 1, false)",
                        (f'"{table}"',),
                    )
                echo(f"  {table}:{source.count(table)} 行")
            conn.execute("COMMIT")
        except BaseException:
            rollback(target.db)
            raise
        finally:
            conn.linking = True
        before, after = _stored_digests(source), _stored_digests(target)
        same = True
        for what in sorted(set(before) | set(after)):
            ok = before.get(what) == after.get(what)
            same = same and ok
            echo(f"{'✓' if ok else '✗'} {what}:{'相同' if ok else f'不同({before.get(what)} → {after.get(what)})'}")
        return same
    finally:
        target.close()


BACKENDS["postgresql"] = BACKENDS["postgres"] = PgStore
