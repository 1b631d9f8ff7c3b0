"""The PostgreSQL store itself (issue 22): :class:`PgStore`, the store of kaohe.store.store over the
dialect layer of kaohe.store.postgres, registered as the backend of ``postgresql://`` URLs
(``Store(url)`` opens one); and ``kaohe db copy``'s copy of a SQLite database into PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from ..core.errors import KaoheError
from .actor import now
from .postgres import _TYPES, ID_TABLES, PgDatabase, _sqlite_error, check_url, redacted
from .store import BACKENDS, MIGRATIONS, RECORD_COLUMNS, Store, _tallies, rollback



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
            for version, step in MIGRATIONS:
                if version not in done:
                    step(db)
                    db.table("migrations").insert({"version": version, "applied": now()})
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise

    def idle(self) -> bool:
        try:
            return not self.pg.conn.raw.closed and not self.db.conn.in_transaction
        except Exception:
            return False

    def write_records(self, rows: list[tuple[Any, ...]], lines: Iterable[tuple[str]]) -> None:
        """Bulk loading: the batch with COPY into a temporary table, then one upsert into ``records``
        (the same statement as SQLite's, from a table in place of VALUES), and the lines of the
        versions written with COPY."""
        conn = self.pg.conn
        cols = ", ".join(f'"{c}"' for c in RECORD_COLUMNS)
        conn.raw.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGED} ({', '.join(f'{chr(34)}{c}{chr(34)} {_STAGED_TYPES.get(c, _TYPES[str])}' for c in RECORD_COLUMNS)},"
            ' "rowid" BIGSERIAL) ON COMMIT DELETE ROWS'
        )
        conn.raw.execute(f"TRUNCATE {_STAGED}")
        conn.copy(_STAGED, RECORD_COLUMNS, rows)
        sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in RECORD_COLUMNS[1:] if c != "voided")
        try:
            conn.raw.execute(
                f'INSERT INTO records ({cols}) SELECT {cols} FROM {_STAGED} ORDER BY "rowid" ON CONFLICT ("key") DO UPDATE SET {sets}'
            )
        except Exception as exc:
            raise _sqlite_error(exc) from None
        conn.copy("kaohe_written", ("line",), lines)

    def tallies(
        self, kinds: Sequence[str], fields: Sequence[str], start: dt.date, end: dt.date,
        decide: Sequence[tuple[Any, ...]] = (),
    ) -> Iterator[tuple[str, str, dict[Any, Any], int, str]]:
        """``Store.tallies`` in PostgreSQL's dialect: every compared field is given as its JSON text
        (compared in decimals by kaohe.rules.aggregate, as SQLite's store does near a limit), with a
        table of limits the JSON array of the field's and the table's attributes' values; each group
        with its least key, as SQLite's store gives it."""
        if not kinds:
            return iter(())
        decided = {d[0] for d in decide}
        attrs = [f for f in fields if f != "value" and f not in decided]
        cols = ["value" if "value" in fields else "NULL::text"]
        args: list[Any] = []
        if attrs:
            cols.append(f"json_build_array({', '.join('attrs::json -> %s' for _ in attrs)})::text")
            args += attrs
        else:
            cols.append("NULL::text")
        for field, _op, _limit, *by in decide:
            if by:  # a table of limits walked with the attributes ``by``: their values beside the field's
                names = [field, *by[0]]
                cols.append(f"json_build_array({', '.join('attrs::json -> %s' for _ in names)})::text")
                args += names
            else:
                cols.append("(attrs::json -> %s)::text")
                args.append(field)
        group = ", ".join(str(i + 1) for i in range(len(cols) + 2))
        q = (
            f"SELECT unit, kind, {', '.join(cols)}, count(*), min(key) FROM records WHERE voided = 0"
            f" AND kind = ANY(%s) AND date BETWEEN %s AND %s GROUP BY {group}"
        )
        try:
            rows = self.pg.conn.raw.execute(q, [*args, list(kinds), start.isoformat(), end.isoformat()]).fetchall()
        except Exception as exc:
            raise _sqlite_error(exc) from None
        return _tallies(rows, fields, attrs, decide)


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
                names = [n for n, _ in conn.columns(table) if n != "rowid" or table in ID_TABLES]
                have = set(source.db[table].columns_dict)
                names = [n for n in names if n in have]
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
