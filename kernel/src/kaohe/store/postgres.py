"""The PostgreSQL store (issue 22, point 1): the same store as SQLite's, on a PostgreSQL server.

``database = "postgresql://…"`` in the configuration opens a ``PgStore`` (kaohe.store.pgstore): the class
:class:`kaohe.store.store.Store` with its connection replaced by :class:`PgDatabase`, a thin dialect
layer that speaks to PostgreSQL through psycopg 3 and offers what the store uses of sqlite-utils'
``Database`` and sqlite3's connection. Every query of the store (and every migration) runs as it is
written, translated statement by statement (:func:`translate`: quoting, placeholders, ``rowid``,
``json_extract``, ``INSERT OR REPLACE``, ``IS``/``IS NOT`` …; each text translated once). Where a
query cannot be translated (SQLite's ``typeof``/``GLOB`` in ``Store.tallies``), ``PgStore``
overrides that method alone.

What is the same as SQLite's store:

* the schema: the same migrations make it (sqlite-utils' ``table(...).create`` becomes ``CREATE
  TABLE`` with PostgreSQL's types; text compared byte by byte, ``COLLATE "C"``, as SQLite compares it);
  the ``migrations`` table records the versions;
* the append-only guarantees: every SQLite trigger the migrations make is made as a PostgreSQL
  trigger refusing the same statements with the same message (and ``TRUNCATE`` is refused as well);
* the hash chain: a row appended to a chained table is linked in the same transaction (by this
  layer, in place of SQLite's trigger calling a Python function), and a deferred constraint trigger
  refuses, at commit, a chained row appended without its link (by another tool);
* the transactions: ``BEGIN IMMEDIATE`` takes a transaction-scoped advisory lock (one writer per
  database at a time, as SQLite; readers never wait), ``BEGIN`` a repeatable-read snapshot;
* the numbering: the ids users see (imports, audit entries, adjustments, appeals, editions …) are
  the next after the highest, as SQLite's ``INTEGER PRIMARY KEY`` gives them (no gap after a
  rolled-back transaction); tables without such an id get a ``rowid`` column (identity) for the
  order rows were stored in.

Errors are raised as sqlite3's exceptions (``sqlite3.IntegrityError`` for a refused statement,
``sqlite3.OperationalError`` for a lock not obtained, ``sqlite3.DatabaseError`` otherwise), so
that every layer above, which tells the store's errors by them, is unchanged.

Records are loaded with ``COPY`` (``PgStore.write_records``), into ``records`` partitioned by the
month of their date (kaohe.store.pgstore.partition_records, PostgreSQL's own migration): a key's
uniqueness across months is kept by ``record_keys`` (docs/postgresql.md).

Credentials never come from the configuration: a password in ``database`` is refused; libpq reads
PGPASSWORD, PGUSER, PGHOST … or ~/.pgpass, and the environment's ``KAOHE_DATABASE_URL``, when set,
is the database whatever the configuration says (kaohe.scheme.config): it may hold the password.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..core.errors import KaoheError
from .integrity import CHAINED, expected_schema, link

URL_PREFIXES = ("postgresql://", "postgres://")

PARTITIONED_VERSION = 1001
"""The migration partitioning ``records`` by month (kaohe.store.pgstore.PARTITIONED)."""
KEYS_TRIGGERS = ("record_keys_no_delete", "record_keys_no_truncate", "record_keys_moved", "records_keyed_insert", "records_keyed_update")
"""The triggers the partitioning adds (beside those of the shared migrations, on ``records`` itself)."""


def partition_triggers(partition: str) -> tuple[str, ...]:
    """The statement triggers of one partition of ``records`` (its row triggers are the parent's, cloned)."""
    return (f"{partition}_no_truncate", f"{partition}_keyed_insert", f"{partition}_keyed_update")


ID_TABLES = frozenset({
    "imports", "runs", "audit", "adjustments", "appeals", "signoffs", "editions", "selfreports",
})
"""The tables whose primary key is an integer ``id`` (SQLite's rowid): ``rowid`` is read as ``id``."""

LOCK = "pg_advisory_xact_lock(1801546088, hashtext(current_database() || '.' || current_schema()))"
"""The advisory lock every writer of a bureau's database (its schema) takes at BEGIN IMMEDIATE: one
writer at a time, as SQLite (readers never wait)."""


def is_url(database: object) -> bool:
    return isinstance(database, str) and database.startswith(URL_PREFIXES)


def check_url(url: str, where: str = "[bureau] database") -> None:
    """Refuse a password in the configuration (credentials come from the environment)."""
    parts = urlsplit(url)
    if parts.password is not None or any(k == "password" for k, _ in parse_qsl(parts.query)):
        raise KaoheError(
            f"配置 {where} 中不得写入数据库密码:请从环境变量 PGPASSWORD 或 ~/.pgpass 提供(或以 KAOHE_DATABASE_URL 给出整个连接地址)"
        )


def redacted(url: str) -> str:
    """The URL without a password (for messages)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", ":***@")
    query = parts.query
    if any(k == "password" for k, _ in parse_qsl(query)):
        query = urlencode([(k, "***" if k == "password" else v) for k, v in parse_qsl(query)])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))




# --- the translation -----------------------------------------------------------------------------

_LITERAL = re.compile(r"('(?:[^']|'')*')")
_JSON = re.compile(r"json_extract\(\s*([\w.\[\]\"]+)\s*,\s*'\$\.(\w+)'\s*\)")
_REPLACE = re.compile(r"^\s*INSERT OR (REPLACE|IGNORE) INTO \"(\w+)\"\s*\(([^)]*)\)(.*)$", re.S)
_TABLES = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+\"?(\w+)\"?", re.I)


def _outside(sql: str, fn: Callable[[str], str]) -> str:
    """``fn`` applied to the parts of ``sql`` outside its string literals."""
    parts = _LITERAL.split(sql)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def _code(part: str) -> str:
    part = part.replace("%", "%%")
    part = re.sub(r"\[(\w+)\]", r'"\1"', part)
    part = part.replace("?", "%s")
    part = re.sub(r"\btemp\.", "", part)
    part = re.sub(r"\bchar\(", "chr(", part)
    part = re.sub(r"\bIS NOT (?!NULL\b|DISTINCT\b)", "IS DISTINCT FROM ", part)
    part = re.sub(r"\bIS (?!NOT\b|NULL\b|DISTINCT\b)", "IS NOT DISTINCT FROM ", part)
    return part


@lru_cache(maxsize=2048)
def translate(sql: str, pks: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> str:
    """A statement of the store (SQLite's dialect) in PostgreSQL's. ``pks``: the primary keys of the
    tables (for ``INSERT OR REPLACE``)."""
    out = _JSON.sub(lambda m: f"kaohe_json({m.group(1)}, '{m.group(2)}')", sql)
    out = out.replace("kaohe_json(detail, 'import')", "kaohe_json(detail, 'import')::bigint")
    out = _outside(out, _code)
    tables = {t.lower() for t in _TABLES.findall(out)}
    if len(tables) == 1 and tables <= ID_TABLES:
        out = _outside(out, lambda p: re.sub(r"\browid\b", "id", p))
    m = _REPLACE.match(out)
    if m:
        how, table, cols, rest = m.groups()
        names = [c.strip().strip('"') for c in cols.split(",")]
        keys = dict(pks).get(table, ())
        if how == "IGNORE" or not keys:
            tail = " ON CONFLICT DO NOTHING"
        else:
            sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in names if c not in keys)
            tail = f" ON CONFLICT ({', '.join(chr(34) + k + chr(34) for k in keys)}) DO UPDATE SET {sets}"
        out = f'INSERT INTO "{table}" ({cols}){rest}{tail}'
    return out


_TRIGGER = re.compile(
    r"CREATE TRIGGER \[(\w+)\] (BEFORE|AFTER) (INSERT|UPDATE|DELETE)(?: OF \[(\w+)\])? ON \[(\w+)\]"
    r"(?: WHEN (.*?))? BEGIN (.*) END$",
    re.S,
)
_RAISE = re.compile(r"SELECT RAISE\(ABORT, '((?:[^']|'')*)'\);$")


def trigger_ddl(sql: str) -> list[str]:
    """The PostgreSQL statements making the trigger a migration makes in SQLite's dialect."""
    m = _TRIGGER.match(" ".join(sql.split()))
    if not m:
        raise KaoheError(f"PostgreSQL: 无法转换的触发器 {sql[:80]}")
    name, when, op, column, table, cond, body = m.groups()
    if "_no_replace" in name:
        # SQLite's INSERT OR REPLACE deletes without firing the DELETE trigger; PostgreSQL has no such
        # statement (an insert of an existing key is refused by the primary key or unique index, an
        # upsert fires the UPDATE trigger, which refuses it)
        return []
    if table in CHAINED and when == "AFTER" and op == "INSERT":  # the chain's link (made by PgDatabase)
        ref = "id" if table in ID_TABLES else "rowid"
        return [
            f'CREATE CONSTRAINT TRIGGER "{name}" AFTER INSERT ON "{table}" DEFERRABLE INITIALLY DEFERRED'
            f" FOR EACH ROW EXECUTE FUNCTION kaohe_chain_required('{ref}')"
        ]
    r = _RAISE.match(body.strip())
    if not r:
        raise KaoheError(f"PostgreSQL: 无法转换的触发器 {name}")
    message = r.group(1)
    row = "OLD" if op == "DELETE" else "NEW"
    test = _outside(cond, _code).replace("%%", "%") if cond else "TRUE"
    out = [
        f'CREATE FUNCTION "kaohe_{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN'
        f" IF {test} THEN RAISE EXCEPTION USING MESSAGE = '{message}', ERRCODE = 'integrity_constraint_violation'; END IF;"
        f" RETURN {row}; END $$",
        f'CREATE TRIGGER "{name}" {when} {op}{f" OF {chr(34)}{column}{chr(34)}" if column else ""} ON "{table}"'
        f' FOR EACH ROW EXECUTE FUNCTION "kaohe_{name}"()',
    ]
    if op == "DELETE" and cond is None:  # TRUNCATE removes rows as well
        out.append(
            f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}"'
            f" FOR EACH STATEMENT EXECUTE FUNCTION \"kaohe_{name}\"()"
        )
    return out


FUNCTIONS = (
    # json_extract(x, '$.name') as text (SQLite's for text; numbers compared after a cast); '' and
    # NULL (an audit entry without detail) read as NULL, as SQLite's json_extract of '' would fail
    "CREATE OR REPLACE FUNCTION kaohe_json(doc text, name text) RETURNS text LANGUAGE sql IMMUTABLE AS"
    " $$ SELECT CASE WHEN left(doc, 1) = '{' THEN doc::jsonb ->> name END $$",
    # a chained row without its link is refused at commit (appended by another tool)
    "CREATE OR REPLACE FUNCTION kaohe_chain_required() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF NOT EXISTS (SELECT 1 FROM chain WHERE tbl = TG_TABLE_NAME AND ref = (to_jsonb(NEW) ->> TG_ARGV[0])::bigint) THEN"
    " RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ': a row is appended with its link on the chain (by kaohe)',"
    " ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NULL; END $$",
    # the next id after the highest (SQLite's INTEGER PRIMARY KEY), for the tables of ID_TABLES
    "CREATE OR REPLACE FUNCTION kaohe_next_id() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF NEW.id IS NULL THEN EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I', TG_TABLE_NAME) INTO NEW.id; END IF;"
    " RETURN NEW; END $$",
)


# --- errors ---------------------------------------------------------------------------------------


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
"""The statements that write rows: outside a transaction each takes the write lock
(``PgConnection._alone``), as SQLite's own write lock is taken by any write."""


def _sqlite_error(exc: Exception) -> sqlite3.Error:
    """psycopg's error as the sqlite3 error the layers above expect."""
    import psycopg

    text = str(getattr(getattr(exc, "diag", None), "message_primary", None) or exc).strip().splitlines()[0]
    if isinstance(exc, psycopg.errors.IntegrityError | psycopg.errors.RaiseException):
        return sqlite3.IntegrityError(text)
    if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
        return sqlite3.OperationalError(f"database is locked ({text})")
    if isinstance(exc, psycopg.OperationalError | psycopg.errors.UndefinedTable | psycopg.errors.UndefinedColumn):
        return sqlite3.OperationalError(text)
    return sqlite3.DatabaseError(text)


# --- the connection -------------------------------------------------------------------------------


class PgCursor:
    """What the store reads of a sqlite3 cursor."""

    def __init__(self, cur: Any, lastrowid: int | None = None) -> None:
        self._cur = cur
        self.lastrowid = lastrowid

    @property
    def description(self) -> Any:
        return self._cur.description

    def fetchone(self) -> Any:
        if self._cur.description is None:
            return None
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        if self._cur.description is None:
            return []
        return list(self._cur.fetchall())

    def __iter__(self) -> Iterator[Any]:
        if self._cur.description is None:
            return iter(())
        return iter(self._cur)


class PgConnection:
    """What the store uses of a sqlite3 connection, over a psycopg connection (autocommit: the store
    opens and ends its transactions itself, as with SQLite's ``isolation_level=None``)."""

    def __init__(self, url: str) -> None:
        import psycopg

        try:
            self.raw = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise KaoheError(f"无法连接 PostgreSQL 数据库 {redacted(url)}:{str(exc).strip().splitlines()[0]}") from None
        self.busy_ms = 60000
        self.pks: dict[str, tuple[str, ...]] = {}
        self.linking = True
        self.immediate = False
        """Whether the open transaction holds the bureau's write lock (``_begin``, ``_locked``)."""
        """Whether rows appended to a chained table are linked (off while a database is copied whole)."""
        self.schema_cookie = 0

    @property
    def in_transaction(self) -> bool:
        import psycopg

        return bool(self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)

    def close(self) -> None:
        self.raw.close()

    def _pks(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple(sorted(self.pks.items()))

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgCursor:
        import psycopg

        head = sql.lstrip()[:24].upper()
        if head.startswith("PRAGMA"):
            return self._pragma(sql)
        if head.startswith("BEGIN"):
            return self._begin(immediate="IMMEDIATE" in head)
        if head.startswith("CREATE TRIGGER"):
            for stmt in trigger_ddl(sql):
                self.raw.execute(stmt)
            self.schema_cookie += 1
            return PgCursor(self.raw.cursor())
        if head.startswith("CREATE TEMP TABLE"):
            sql = sql.replace(" TEXT)", ' TEXT COLLATE "C")')
        elif head.startswith("ALTER TABLE") and sql.rstrip().endswith("TEXT"):
            sql = sql.rstrip() + ' COLLATE "C"'
        if head.startswith(WRITES):
            if not self.in_transaction:
                return self._alone(lambda: self.execute(sql, params))
            self._locked()
        q = translate(sql, self._pks())
        table = _inserted_table(q)
        returning = table in ID_TABLES and " VALUES " in q and "RETURNING" not in q
        if returning:
            q += " RETURNING id"
        try:
            cur = self.raw.execute(q, tuple(params) if params is not None else ())
        except psycopg.Error as exc:
            raise _sqlite_error(exc) from None
        last = None
        if returning:
            row = cur.fetchone()
            last = int(row[0]) if row else None
        if table in CHAINED and self.linking:
            self.link_new(table)
        return PgCursor(cur, last)

    def _locked(self) -> None:
        """A write inside a transaction begun without the write lock (a read's snapshot): the lock
        taken now, as SQLite takes its write lock at a read transaction's first write. Another writer
        having committed since the snapshot, the chain's next link is refused at commit (its number
        taken), as SQLite refuses such a write (SQLITE_BUSY_SNAPSHOT): never written twice."""
        import psycopg

        if self.immediate:
            return
        try:
            if self.busy_ms == 0:
                if not _one(self.raw.execute(f"SELECT {LOCK.replace('pg_', 'pg_try_', 1)}").fetchone()):
                    raise sqlite3.OperationalError("database is locked")
            else:
                self.raw.execute(f"SET LOCAL lock_timeout = {int(self.busy_ms)}")
                self.raw.execute(f"SELECT {LOCK}")
        except psycopg.Error as exc:
            raise _sqlite_error(exc) from None
        self.immediate = True

    def _alone(self, statement: Callable[[], PgCursor]) -> PgCursor:
        """A write outside a transaction made as SQLite makes one: in a transaction of its own that
        holds the bureau's write lock (the advisory lock of BEGIN IMMEDIATE), so that it and the
        links of the chain it appends are committed together, never between another writer's
        statements (whose check of the chain would see the row without its link)."""
        self._begin(immediate=True)
        try:
            out = statement()
            self.raw.execute("COMMIT")
        except BaseException:
            if self.in_transaction:
                self.raw.execute("ROLLBACK")
            raise
        return out

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        import psycopg

        if sql.lstrip()[:24].upper().startswith(WRITES):
            if not self.in_transaction:
                rows = list(rows)
                return self._alone(lambda: self.executemany(sql, rows))
            self._locked()
        q = translate(sql, self._pks())
        try:
            with self.raw.cursor() as cur:
                cur.executemany(q, [tuple(r) for r in rows])
        except psycopg.Error as exc:
            raise _sqlite_error(exc) from None
        table = _inserted_table(q)
        if table in CHAINED and self.linking:
            self.link_new(table)
        return PgCursor(self.raw.cursor())

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """``rows`` appended to ``table`` with COPY (bulk loading)."""
        import psycopg

        cols = ", ".join(f'"{c}"' for c in columns)
        try:
            with self.raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as exc:
            raise _sqlite_error(exc) from None
        if table in CHAINED and self.linking:
            self.link_new(table)

    def link_new(self, table: str) -> None:
        """Link the rows of ``table`` appended since its last link, in the order they were appended
        (as SQLite's trigger links each row when it is inserted)."""
        ref = "id" if table in ID_TABLES else "rowid"
        cols = ", ".join(f'"{c}"' for c in CHAINED[table])
        last = self.raw.execute("SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
        seq, head = (int(last[0]), str(last[1])) if last else (0, "")
        top = _one(self.raw.execute("SELECT coalesce(max(ref), 0) FROM chain WHERE tbl = %s", (table,)).fetchone())
        rows = self.raw.execute(f'SELECT "{ref}", {cols} FROM "{table}" WHERE "{ref}" > %s ORDER BY "{ref}"', (top,)).fetchall()
        links = []
        for row in rows:
            seq += 1
            h = link(head, [table, *row])
            links.append((seq, table, row[0], head, h))
            head = h
        if links:
            with self.raw.cursor() as cur:
                cur.executemany("INSERT INTO chain (seq, tbl, ref, prev, hash) VALUES (%s, %s, %s, %s, %s)", links)

    def _pragma(self, sql: str) -> PgCursor:
        m = re.match(r"\s*PRAGMA busy_timeout\s*=\s*(\d+)", sql)
        if m:
            self.busy_ms = int(m.group(1))
        if "schema_version" in sql:  # what guard() keys its check on: changes with every table and trigger
            return PgCursor(self.raw.execute(
                "SELECT count(*) * 1000003 + coalesce(sum(t.oid::int8 + ascii(t.tgenabled::text)), 0) FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND NOT t.tgisinternal"
            ))
        return PgCursor(self.raw.cursor())

    def _begin(self, *, immediate: bool) -> PgCursor:
        import psycopg

        self.immediate = immediate
        try:
            if not immediate:
                self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                return PgCursor(self.raw.cursor())
            self.raw.execute("BEGIN")
            if self.busy_ms == 0:
                got = _one(self.raw.execute(f"SELECT {LOCK.replace('pg_', 'pg_try_', 1)}").fetchone())
                if not got:
                    self.raw.execute("ROLLBACK")
                    raise sqlite3.OperationalError("database is locked")
            else:
                self.raw.execute(f"SET LOCAL lock_timeout = {int(self.busy_ms)}")
                self.raw.execute(f"SELECT {LOCK}")
        except psycopg.Error as exc:
            if self.in_transaction:
                self.raw.execute("ROLLBACK")
            raise _sqlite_error(exc) from None
        return PgCursor(self.raw.cursor())

    # --- the schema, for kaohe.store.integrity --------------------------------------------------------

    def tables(self) -> list[str]:
        """The tables of this schema, the partitions of a partitioned one aside (:meth:`partitions`)."""
        return [r[0] for r in self.raw.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
            " AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"
        )]

    def triggers(self) -> dict[str, tuple[str, str]]:
        """Trigger name → (table, enabled), the triggers of partitions aside (:meth:`partitions`)."""
        return {r[0]: (r[1], r[2]) for r in self.raw.execute(
            "SELECT t.tgname, c.relname, t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal"
            " AND NOT c.relispartition"
        )}

    def partitions(self) -> dict[str, dict[str, str]]:
        """Each partition of this schema → its triggers (name → enabled), cloned from its parent's
        or its own."""
        out: dict[str, dict[str, str]] = {}
        for part, trigger, enabled in self.raw.execute(
            "SELECT c.relname, t.tgname, t.tgenabled::text FROM pg_class c LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal"
            " WHERE c.relnamespace = current_schema()::regnamespace AND c.relispartition AND c.relkind = 'r'"
        ).fetchall():
            out.setdefault(part, {})
            if trigger is not None:
                out[part][trigger] = enabled
        return out

    def columns(self, table: str) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.raw.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = %s ORDER BY ordinal_position", (table,)
        )]


    def pg_schema(self) -> dict[tuple[str, str], Any]:
        """Tables (their columns) and triggers (table, enabled), as kaohe.store.integrity.schema_of
        gives SQLite's."""
        out: dict[tuple[str, str], Any] = {}
        for t in self.tables():
            out[("table", t)] = tuple(c for c in self.columns(t) if c[0] != "rowid" or t in ID_TABLES)
        for name, info in self.triggers().items():
            out[("trigger", name)] = info
        return out

    def schema_findings(self, migrations: Any) -> list[str]:
        """What differs from the schema the migrations make (as kaohe.store.integrity.schema_findings
        says it for SQLite): a table or trigger missing or added, a column missing, a trigger disabled."""
        actual = self.pg_schema()
        if not actual:
            return []
        if ("table", "migrations") not in actual:
            return ["表 migrations 缺失:数据库的结构版本无从查考(该表被删除)"]
        versions = frozenset(r[0] for r in self.raw.execute("SELECT version FROM migrations").fetchall())
        expected: dict[tuple[str, str], Any] = {}
        for (kind, name), value in expected_schema(versions, migrations).items():
            if kind == "table":
                expected[(kind, name)] = [c[0] for c in value]
                if name in ID_TABLES:
                    expected[("trigger", f"{name}_next_id")] = None
            elif kind == "trigger" and "_no_replace" not in name:
                expected[(kind, name)] = None
                if name.endswith("_no_delete"):
                    expected[(kind, name[: -len("_no_delete")] + "_no_truncate")] = None
        partitioned = PARTITIONED_VERSION in versions
        if partitioned:  # records partitioned by month (kaohe.store.pgstore.partition_records)
            expected[("table", "record_keys")] = ["key", "part"]
            for name in KEYS_TRIGGERS:
                expected[("trigger", name)] = None
        out = []
        if partitioned:
            row_triggers = [
                name for (kind, name), value in expected.items()
                if kind == "trigger" and value is None and name.startswith("records_") and not name.endswith(("_no_truncate", "_keyed_insert", "_keyed_update"))
            ]
            for part, have in sorted(self.partitions().items()):
                for name in [*row_triggers, *partition_triggers(part)]:
                    if name not in have:
                        out.append(f"分区 {part} 的触发器 {name} 缺失(防篡改保护已失效)")
                    elif have[name] == "D":
                        out.append(f"分区 {part} 的触发器 {name} 被停用(防篡改保护已失效)")
        for key, cols in expected.items():
            kind, name = key
            what = {"table": "表", "trigger": "触发器"}[kind]
            if key not in actual:
                out.append(f"{what} {name} 缺失" + ("(防篡改保护已失效)" if kind == "trigger" else ""))
            elif kind == "table" and [c[0] for c in actual[key]] != cols:
                out.append(f"表 {name} 被改动(与 kaohe 建立的结构不同)")
            elif kind == "trigger" and actual[key][1] == "D":
                out.append(f"触发器 {name} 被停用(防篡改保护已失效)")
        for key in actual:
            if key not in expected:
                out.append(f"多出{'表' if key[0] == 'table' else '触发器'} {key[1]}(不是 kaohe 建立的)")
        return out


def _one(row: tuple[Any, ...] | None) -> Any:
    """The value of a one-column row that always exists (an aggregate's)."""
    assert row is not None
    return row[0]


def _inserted_table(q: str) -> str | None:
    m = re.match(r'\s*INSERT INTO "?(\w+)"?', q)
    return m.group(1) if m else None


# --- what the store uses of sqlite-utils ----------------------------------------------------------

_TYPES = {int: "BIGINT", str: 'TEXT COLLATE "C"', float: "DOUBLE PRECISION", bytes: "BYTEA", bool: "BIGINT"}


def _value(v: Any) -> Any:
    """A value as sqlite-utils stores it: a boolean as 0/1, a list or dict as JSON text."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, dict | list | tuple):
        return json.dumps(v, default=repr, ensure_ascii=False)
    return v


class PgIndex:
    def __init__(self, columns: list[str], unique: bool) -> None:
        self.columns = columns
        self.unique = unique


class PgTable:
    """What the store uses of a sqlite-utils table."""

    def __init__(self, db: PgDatabase, name: str) -> None:
        self.db = db
        self.name = name
        self.last_pk: Any = None

    def create(
        self, columns: dict[str, type], pk: str | tuple[str, ...] | None = None, not_null: Iterable[str] = (),
        defaults: dict[str, Any] | None = None,
    ) -> PgTable:
        keys = (pk,) if isinstance(pk, str) else tuple(pk or ())
        defs = []
        for name, kind in columns.items():
            d = f'"{name}" {_TYPES[kind]}'
            if name in not_null or name in keys:
                d += " NOT NULL"
            if defaults and name in defaults:
                d += f" DEFAULT {int(defaults[name]) if isinstance(defaults[name], int) else repr(defaults[name])}"
            defs.append(d)
        if self.name not in ID_TABLES:
            defs.append('"rowid" BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE')
        if keys:
            defs.append(f"PRIMARY KEY ({', '.join(chr(34) + k + chr(34) for k in keys)})")
        conn = self.db.conn
        conn.raw.execute(f'CREATE TABLE "{self.name}" ({", ".join(defs)})')
        if self.name in ID_TABLES:
            conn.raw.execute(
                f'CREATE TRIGGER "{self.name}_next_id" BEFORE INSERT ON "{self.name}" FOR EACH ROW EXECUTE FUNCTION kaohe_next_id()'
            )
        conn.pks[self.name] = keys
        conn.schema_cookie += 1
        return self

    def create_index(self, columns: list[str], unique: bool = False) -> None:
        name = f"idx_{self.name}_{'_'.join(columns)}"
        cols = ", ".join(f'"{c}"' for c in columns)
        self.db.conn.raw.execute(f'CREATE {"UNIQUE " if unique else ""}INDEX "{name}" ON "{self.name}" ({cols})')

    @property
    def pks(self) -> list[str]:
        return list(self.db.conn.pks.get(self.name) or self.db.primary_key(self.name))

    @property
    def indexes(self) -> list[PgIndex]:
        rows = self.db.conn.raw.execute(
            "SELECT i.indisunique, array_agg(a.attname ORDER BY k.n) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
            " WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisprimary GROUP BY i.indexrelid, i.indisunique",
            (self.name,),
        ).fetchall()
        return [PgIndex(list(cols), bool(u)) for u, cols in rows if cols != ["rowid"]]

    def exists(self) -> bool:
        return self.name in self.db.table_names()

    @property
    def columns_dict(self) -> dict[str, str]:
        return {n: t for n, t in self.db.conn.columns(self.name) if n != "rowid" or self.name in ID_TABLES}

    def insert(self, row: dict[str, Any]) -> PgTable:
        cols = list(row)
        q = f"INSERT INTO [{self.name}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' * len(cols))})"
        cur = self.db.conn.execute(q, [_value(row[c]) for c in cols])
        self.last_pk = cur.lastrowid if self.name in ID_TABLES else None
        return self

    def insert_all(self, rows: Iterable[dict[str, Any]], batch_size: int = 100) -> PgTable:
        rows = list(rows)
        if rows:
            cols = list(rows[0])
            q = f"INSERT INTO [{self.name}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' * len(cols))})"
            self.db.conn.executemany(q, ([_value(r.get(c)) for c in cols] for r in rows))
        return self

    def update(self, pk: Any, values: dict[str, Any]) -> PgTable:
        key = self.pks[0] if len(self.pks) == 1 else "rowid"
        sets = ", ".join(f"[{c}] = ?" for c in values)
        self.db.conn.execute(f"UPDATE [{self.name}] SET {sets} WHERE [{key}] = ?", [*map(_value, values.values()), pk])
        return self

    def rows_where(
        self, where: str | None = None, where_args: Sequence[Any] | None = None, order_by: str | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        q = f"SELECT * FROM [{self.name}]"
        if where:
            q += f" WHERE {where}"
        if order_by:
            q += f" ORDER BY {order_by}"
        if limit is not None:
            q += f" LIMIT {int(limit)}"
        cur = self.db.conn.execute(q, list(where_args or []))
        names = [d[0] for d in cur.description]
        for r in cur.fetchall():
            d = dict(zip(names, r, strict=True))
            if self.name not in ID_TABLES:
                d.pop("rowid", None)
            yield d

    def get(self, pk: Any) -> dict[str, Any]:
        key = self.pks[0]
        for row in self.rows_where(f"[{key}] = ?", [pk]):
            return row
        raise KeyError(pk)

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        return self.rows_where()


class PgDatabase:
    """What the store uses of sqlite-utils' ``Database``."""

    def __init__(self, url: str) -> None:
        self.conn = PgConnection(url)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgCursor:
        return self.conn.execute(sql, params)

    def table(self, name: str) -> PgTable:
        return PgTable(self, name)

    def __getitem__(self, name: str) -> PgTable:
        return PgTable(self, name)

    def table_names(self) -> list[str]:
        return self.conn.tables()

    def primary_key(self, table: str) -> tuple[str, ...]:
        rows = self.conn.raw.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident(%s))::regclass AND i.indisprimary"
            " ORDER BY array_position(i.indkey::int2[], a.attnum)",
            (table,),
        ).fetchall()
        return tuple(r[0] for r in rows)

    def load_keys(self) -> None:
        """The primary keys of the existing tables (for ``INSERT OR REPLACE``)."""
        for t in self.table_names():
            self.conn.pks[t] = self.primary_key(t)

    def install_functions(self) -> None:
        for stmt in FUNCTIONS:
            self.conn.raw.execute(stmt)
