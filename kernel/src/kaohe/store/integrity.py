"""Tamper evidence: the hash chain over what the office records, the store's protections, and
``kaohe verify`` (docs/integrity.md).

The chain (table ``chain``, schema version 3): every row appended to one of the chained tables —
the audit trail, the adjustments and their revocations, the appeals and their decisions, the
sign-offs, the editions and the record versions — gets one link, in the order of appending. A link
holds the hash of the link before it (``prev``) and its own ``hash``: SHA-256 of ``prev``, a new
line and the canonical JSON (kaohe.core.canonical.canonical) of ``[table, rowid, column values...]``.
Links are made by an ``AFTER INSERT`` trigger on each chained table, which calls the function
``kaohe_chain_link`` that only kaohe's connections define: a row appended by kaohe is linked in the
same statement, hence the same transaction; a row appended by another tool is refused (the
function does not exist there) unless the triggers are dropped first, which ``verify`` and every
write see.

An edition records the chain's head when it was made (``editions.chain_head``), and its report
prints it: a copy of a report held elsewhere pins the store's history up to that point.

Imports are not chained rows (an import's counts are filled in at its end), but its audit entry
holds its checksum and ``records_sha256``, the digest of every record version it wrote
(:func:`records_digest`): the records are checked against it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import sqlite_utils

from ..core.canonical import canonical
from ..core.errors import KaoheError
from ..intake.staging import dumps
from .actor import current_actor, now

CHAINED: dict[str, tuple[str, ...]] = {
    "audit": ("id", "time", "actor", "action", "period", "department", "unit", "subject", "detail"),
    "adjustments": ("id", "period", "unit", "points", "reason", "approver", "kind", "item", "appeal", "time", "actor"),
    "adjustment_revocations": ("adjustment", "time", "actor", "reason"),
    "appeals": (
        "id", "period", "edition", "edition_number", "unit", "item", "title", "department", "record", "points", "line",
        "reason", "received", "deadline", "time", "actor",
    ),
    "decisions": ("appeal", "outcome", "points", "decider", "reason", "time", "actor", "adjustment"),
    "signoffs": ("id", "department", "period", "time", "actor", "note"),
    "editions": ("id", "period", "number", "time", "published_on", "actor", "reason", "digest", "chain_head"),
    "record_versions": (
        "key", "version", "kind", "unit", "date", "value", "attrs", "note", "hash", "import_id", "file", "sheet", "row",
        "time",
    ),
}
"""The chained tables and the columns each link covers, in the order existing rows were linked by
the migration. An edition's payload is covered through its digest (``verify`` checks the payload
against the digest)."""

LINK_FUNCTION = "kaohe_chain_link"
BASELINE = "启用防篡改"
FILES = "发布文件"
PLUGIN_EDITION = ":版本"
"""The end of the audit action of a plugin's edition, ``<kind>:版本`` (kaohe.office.plugin_editions)."""


def is_plugin_edition(action: str) -> bool:
    return action.endswith(PLUGIN_EDITION) and len(action) > len(PLUGIN_EDITION)
_IMPORT_FIXED = ("id", "file", "path", "checksum", "adapter", "department", "time", "actor", "strict")
_RECORD_CONTENT = (
    "key", "kind", "unit", "date", "month", "value", "attrs", "note", "department", "hash", "version", "import_id", "file",
    "sheet", "row",
)


def link(prev: str, content: list[Any]) -> str:
    """The hash of a link: over the previous link's hash and the row's canonical content."""
    return hashlib.sha256(prev.encode("ascii") + b"\n" + canonical(content)).hexdigest()


def _link_sql(prev: str, content_json: str) -> str:
    return link(prev or "", json.loads(content_json))


def register(conn: sqlite3.Connection) -> None:
    """Define the link function on a connection (every connection kaohe writes with)."""
    conn.create_function(LINK_FUNCTION, 2, _link_sql, deterministic=True)


def migrate_3(db: sqlite_utils.Database) -> None:
    """The chain: its table, the edition's chain head, the existing rows linked in order (table by
    table, as :data:`CHAINED` lists them, each by rowid), the linking triggers, and the triggers that
    keep a voided record void, a changed record's previous version kept and an import's identity
    fixed. A baseline entry in the audit trail then attests the existing imports (checksum and
    records digest)."""
    db.table("chain").create({"seq": int, "tbl": str, "ref": int, "prev": str, "hash": str}, pk="seq")
    db.table("chain").create_index(["tbl", "ref"], unique=True)
    db.execute("ALTER TABLE [editions] ADD COLUMN [chain_head] TEXT")
    head = ""
    seq = 0
    for table, columns in CHAINED.items():
        for row in db.execute(f"SELECT rowid, {', '.join(f'[{c}]' for c in columns)} FROM [{table}] ORDER BY rowid").fetchall():
            seq += 1
            h = link(head, [table, *row])
            db.execute("INSERT INTO [chain] ([seq], [tbl], [ref], [prev], [hash]) VALUES (?, ?, ?, ?, ?)", [seq, table, row[0], head, h])
            head = h
    for table, columns in CHAINED.items():
        values = ", ".join(f"NEW.[{c}]" for c in columns)
        db.execute(
            f"CREATE TRIGGER [{table}_chain] AFTER INSERT ON [{table}] BEGIN"
            f" INSERT INTO [chain] ([tbl], [ref], [prev], [hash])"
            f" SELECT '{table}', NEW.rowid, p.h, {LINK_FUNCTION}(p.h, json_array('{table}', NEW.rowid, {values}))"
            f" FROM (SELECT coalesce((SELECT [hash] FROM [chain] ORDER BY [seq] DESC LIMIT 1), '') AS h) AS p; END"
        )
    for op in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER [chain_no_{op.lower()}] BEFORE {op} ON [chain]"
            " BEGIN SELECT RAISE(ABORT, 'chain is append-only: rows are never changed or removed'); END"
        )
    db.execute(
        "CREATE TRIGGER [chain_append] BEFORE INSERT ON [chain]"
        " WHEN NEW.[prev] IS NOT coalesce((SELECT [hash] FROM [chain] ORDER BY [seq] DESC LIMIT 1), '')"
        " OR EXISTS (SELECT 1 FROM [chain] WHERE [seq] IS NEW.[seq] OR ([tbl] IS NEW.[tbl] AND [ref] IS NEW.[ref]))"
        " BEGIN SELECT RAISE(ABORT, 'chain: a link extends the last one and is never replaced'); END"
    )
    db.execute(
        "CREATE TRIGGER [records_stay_void] BEFORE UPDATE OF [voided] ON [records]"
        " WHEN OLD.[voided] = 1 AND NEW.[voided] IS NOT 1"
        " BEGIN SELECT RAISE(ABORT, 'records: a voided record stays void'); END"
    )
    old = ", ".join(f"OLD.[{c}]" for c in _RECORD_CONTENT)
    new = ", ".join(f"NEW.[{c}]" for c in _RECORD_CONTENT)
    db.execute(
        f"CREATE TRIGGER [records_keep_version] BEFORE UPDATE ON [records] WHEN ({new}) IS NOT ({old})"
        " AND (NEW.[key] IS NOT OLD.[key] OR NEW.[version] IS NOT OLD.[version] + 1"
        " OR NOT EXISTS (SELECT 1 FROM [record_versions] WHERE [key] = OLD.[key] AND [version] = OLD.[version]))"
        " BEGIN SELECT RAISE(ABORT, 'records: a record changes only as its next version, the previous one kept'); END"
    )
    new = ", ".join(f"NEW.[{c}]" for c in _IMPORT_FIXED)
    old = ", ".join(f"OLD.[{c}]" for c in _IMPORT_FIXED)
    db.execute(
        f"CREATE TRIGGER [imports_fixed] BEFORE UPDATE ON [imports] WHEN ({new}) IS NOT ({old})"
        " BEGIN SELECT RAISE(ABORT, 'imports: an import''s file, checksum and origin are never changed'); END"
    )
    digests = _digests(db)
    imports = {
        str(i): {"file": f, "checksum": c, "records_sha256": digests.get(i, records_digest([]))}
        for i, f, c in db.execute("SELECT id, file, checksum FROM imports ORDER BY id").fetchall()
    }
    if imports or seq:
        db.table("audit").insert(
            {
                "time": now(), "actor": current_actor(), "action": BASELINE, "period": "", "department": "", "unit": "",
                "subject": "chain", "detail": json.dumps({"imports": imports, "linked": seq}, ensure_ascii=False, sort_keys=True),
            }
        )


# --- records -----------------------------------------------------------------------------------


def records_digest(lines: Iterable[str], ordered: bool = False) -> str:
    """SHA-256 over the lines ``key<TAB>version<TAB>hash`` of the record versions an import wrote,
    sorted (by code point: UTF-8 byte order, as SQLite sorts text; ``ordered``: they already are)."""
    h = hashlib.sha256()
    for line in lines if ordered else sorted(lines):
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()


def record_line(key: str, version: int, content: str) -> str:
    return f"{key}\t{version}\t{content}"


_LINE = "[key] || char(9) || [version] || char(9) || [hash]"


def _digests(db: Any) -> dict[int | None, str]:
    """The records digest of every import, from the record versions stored (current and kept),
    sorted by SQLite (a province's records are never all in memory)."""
    q = (
        f"SELECT import_id, {_LINE} AS line FROM records UNION ALL SELECT import_id, {_LINE} FROM record_versions"
        " ORDER BY 1, 2"
    )
    out: dict[int | None, str] = {}
    current: Any = ()
    h = hashlib.sha256()
    for i, line in db.execute(q):
        if i != current:
            if current != ():
                out[current] = h.hexdigest()
            current, h = i, hashlib.sha256()
        h.update(line.encode("utf-8") + b"\n")
    if current != ():
        out[current] = h.hexdigest()
    return out


def stored_hash(kind: Any, unit: Any, date: Any, value: Any, attrs_json: Any, note: Any) -> str:
    """A record's content hash recomputed from its stored columns (as kaohe.intake.staging.content_hash
    computes it from the record)."""

    head = dumps([kind, unit, date, value])
    payload = f"{head[:-1]}, {attrs_json}, {dumps(note)}]"
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


# --- the expected schema and the guard -----------------------------------------------------------


Schema = dict[tuple[str, str], Any]
Migrations = tuple[tuple[int, Callable[[sqlite_utils.Database], None]], ...]


def schema_of(conn: sqlite3.Connection) -> Schema:
    """Tables (their columns), indexes (table, unique, columns) and triggers (their SQL, spaces
    normalised) of the main database."""
    if hasattr(conn, "pg_schema"):  # PostgreSQL (kaohe.store.postgres)
        return conn.pg_schema()  # type: ignore[no-any-return]
    out: Schema = {}
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'trigger', 'view')"
        " AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for kind, name, table, sql in rows:
        if kind == "table":
            cols = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
            out[(kind, name)] = tuple((c[1], (c[2] or "").upper(), c[5]) for c in cols)
        elif kind == "index":
            info = conn.execute(f"PRAGMA index_list([{table}])").fetchall()
            unique = next((i[2] for i in info if i[1] == name), None)
            indexed = tuple(c[2] for c in conn.execute(f"PRAGMA index_info([{name}])").fetchall())
            out[(kind, name)] = (table, unique, indexed)
        else:
            out[(kind, name)] = " ".join((sql or "").split())
    return out


@cache
def expected_schema(versions: frozenset[int], migrations: Migrations) -> Schema:
    """The schema a database migrated through ``versions`` (of ``migrations``, the store's) has: made
    afresh in memory."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    register(conn)
    db = sqlite_utils.Database(conn)
    db.table("migrations").create({"version": int, "applied": str}, pk="version")
    for version, step in migrations:
        if version in versions:
            step(db)
    schema = schema_of(conn)
    conn.close()
    return schema


_WHAT = {"table": "表", "index": "索引", "trigger": "触发器", "view": "视图"}


def schema_findings(conn: sqlite3.Connection, migrations: Migrations) -> list[str]:
    """What differs from the schema kaohe made (missing, changed or added tables, indexes,
    triggers), in Chinese."""
    if hasattr(conn, "schema_findings"):  # PostgreSQL (kaohe.store.postgres)
        return conn.schema_findings(migrations)  # type: ignore[no-any-return]
    actual = schema_of(conn)
    if not actual:
        return []
    if ("table", "migrations") not in actual:
        return ["表 migrations 缺失:数据库的结构版本无从查考(该表被删除)"]
    versions = frozenset(r[0] for r in conn.execute("SELECT version FROM migrations").fetchall())
    expected = expected_schema(versions, migrations)
    out = []
    for key, value in expected.items():
        kind, name = key
        if key not in actual:
            what = "(防篡改保护已失效)" if kind == "trigger" else ""
            out.append(f"{_WHAT[kind]} {name} 缺失{what}")
        elif actual[key] != value:
            out.append(f"{_WHAT[kind]} {name} 被改动(与 kaohe 建立的结构不同)")
    for key in actual:
        if key not in expected:
            out.append(f"多出{_WHAT[key[0]]} {key[1]}(不是 kaohe 建立的)")
    return out


def guard(store: Any) -> None:
    """Refuse to write to a store whose protections are missing: its schema (tables, triggers) is
    not the one kaohe made, or its chain is broken (a link missing, out of place or not matching
    its row; the last link recomputed). Called at the start of every write transaction; quick
    (the full check is ``verify``).

    Checked once per connection while the schema is unchanged (SQLite's schema cookie: dropping or
    making a trigger or table changes it), so that a command writing many times (an import of many
    files) pays once.

    Outside a transaction (an import reading the locks, a publication before it scores) the check
    reads in one snapshot: read statement by statement, another writer's commit between them would
    show a table's new row beside the chain without its link (“表 audit 有 2 行,审计链中有 1 行”)."""
    conn = store.db.conn
    if not conn.in_transaction:
        with store.snapshot():
            guard(store)
        return
    cookie = conn.execute("PRAGMA schema_version").fetchone()[0]
    if getattr(store, "_guarded", None) == cookie:
        return
    problems = schema_findings(conn, store.migrations)
    if not problems and ("table", "chain") in schema_of(conn):
        problems = _chain_quick(conn) or _voids_quick(conn)
    if not problems:
        store._guarded = cookie
    if problems:
        raise KaoheError(
            f"数据库 {store.path} 的防篡改保护已缺失或被破坏:{problems[0]}"
            + (f" 等{len(problems)}处" if len(problems) > 1 else "")
            + ";拒绝写入。请运行 kaohe verify 查看"
        )


def _chain_quick(conn: sqlite3.Connection) -> list[str]:
    n, top = conn.execute("SELECT count(*), coalesce(max(seq), 0) FROM chain").fetchone()
    if n != top:
        return [f"审计链有 {top - n} 环缺失"]
    counts = dict(conn.execute("SELECT tbl, count(*) FROM chain GROUP BY tbl").fetchall())
    for table in CHAINED:
        rows = conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
        if rows != counts.get(table, 0):
            return [f"表 {table} 有 {rows} 行,审计链中有 {counts.get(table, 0)} 行"]
    broken = conn.execute("SELECT min(c.seq) FROM chain c JOIN chain p ON p.seq = c.seq - 1 WHERE c.prev IS NOT p.hash").fetchone()[0]
    if broken is not None:
        return [f"审计链第{broken}环与前一环断开"]
    last = conn.execute("SELECT seq, tbl, ref, prev, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    if last is not None:
        seq, table, ref, prev, h = last
        row = _row(conn, table, ref)
        if row is None or link(prev, [table, *row]) != h:
            return [f"审计链第{seq}环({table} 第{ref}行)与其内容不符"]
    return []


def _voids_quick(conn: sqlite3.Connection) -> list[str]:
    """The records marked void are exactly those voided on record (the trail's 撤销记录 entries).
    The ``voided`` flag is not on the chain and a trigger dropped and made again leaves the schema
    as it was: without this, a record voided on appeal and made valid again (or one voided outside
    kaohe) would change the next edition without a trace. Two indexed queries."""
    on_record = {r[0] for r in conn.execute("SELECT subject FROM audit WHERE action = '撤销记录'")}
    voided = {r[0] for r in conn.execute("SELECT key FROM records WHERE voided = 1")}
    for key in sorted(voided - on_record):
        return [f"记录 {key} 被标为作废,审计记录中却没有作废的登记"]
    back = sorted(on_record - voided)
    for i in range(0, len(back), 500):
        chunk = back[i : i + 500]
        row = conn.execute(f"SELECT min(key) FROM records WHERE key IN ({','.join('?' * len(chunk))})", chunk).fetchone()
        if row[0] is not None:
            return [f"记录 {row[0]} 已由复查复核作废,数据库中却未作废(作废标记被改回)"]
    return []


def check_edition(conn: sqlite3.Connection, edition: dict[str, Any], payload: bytes | None, digest: str | None = None) -> None:
    """Refuse an edition read from the store whose payload is not its digest's, or whose row is not
    its link's on the chain: an appeal takes its points from the edition's lines, a diff its changes,
    so an edition altered outside kaohe must not be read as the one published. Quick (one payload's
    SHA-256, one link); the full check of every edition is ``verify``. ``digest``: the payload's
    SHA-256 worked out already (then ``payload`` is not read)."""
    label = f"{edition.get('period')} 第{edition.get('number')}版"
    if (digest if digest is not None else hashlib.sha256(payload or b"").hexdigest()) != edition.get("digest"):
        raise KaoheError(f"数据库中 {label}的内容与其校验码不符(版本在 kaohe 之外被改动);请运行 kaohe verify 查看")
    if ("table", "chain") not in schema_of(conn):
        return  # a store left before the chain (its upgrade refused): verify says why
    rowid = conn.execute("SELECT rowid FROM editions WHERE period = ? AND number = ?", [edition["period"], edition["number"]]).fetchone()
    links = conn.execute("SELECT prev, hash FROM chain WHERE tbl = 'editions' AND ref = ?", [rowid[0] if rowid else None]).fetchone()
    row = _row(conn, "editions", rowid[0]) if rowid else None
    if links is None or row is None or link(links[0], ["editions", *row]) != links[1]:
        raise KaoheError(f"数据库中 {label}与审计链记下的不符(版本在 kaohe 之外被改动);请运行 kaohe verify 查看")


_DECIDING = ("adjustments", "adjustment_revocations", "appeals", "decisions")
"""The chained tables an edition's scores read beside the records (each row's link is checked
before publishing: they are few)."""


def check_inputs(store: Any, start: str, end: str) -> None:
    """Before an edition is published: what it is computed from is as kaohe stored it. The guard's
    quick check sees a dropped trigger, not a row changed with its trigger made again; this one reads
    what the edition reads — the records dated ``start``-``end`` against their content hashes, every
    import's records against the digest on record, the voided records against the voidings, and the
    rows of adjustments, appeals and decisions against their links — so that a record's value or an
    adjustment's points changed outside kaohe is not published unnoticed. Proportional to the data
    the period's scoring reads anyway."""
    conn = store.db.conn
    if ("table", "chain") not in schema_of(conn):
        return  # the guard refused such a store already
    out = Verification()
    tables = {name for kind, name in schema_of(conn) if kind == "table"}
    _check_imports(conn, _audit(conn, tables), out)
    for key, kind, unit, date, value, attrs_json, note, h in conn.execute(
        "SELECT key, kind, unit, date, value, attrs, note, hash FROM records WHERE date BETWEEN ? AND ?", [start, end]
    ):
        if stored_hash(kind, unit, date, value, attrs_json, note) != h:
            out.add("record", f"记录 {key} 的内容被改动(与其哈希不符)")
    for table in _DECIDING:
        for seq, ref, prev, h in conn.execute("SELECT seq, ref, prev, hash FROM chain WHERE tbl = ? ORDER BY seq", [table]):
            row = _row(conn, table, ref)
            if row is None or link(prev, [table, *row]) != h:
                out.add("chain", f"{_TABLE.get(table, table)}第{ref}行被改动:与审计链第{seq}环记下的内容不符")
    if out.findings:
        first = out.findings[0].message
        more = f" 等{len(out.findings)}处" if len(out.findings) > 1 else ""
        raise KaoheError(f"数据库 {store.path} 中的数据在 kaohe 之外被改动:{first}{more};拒绝发布。请运行 kaohe verify 查看")


def _row(conn: sqlite3.Connection, table: str, ref: int) -> tuple[Any, ...] | None:
    if table not in CHAINED:
        return None
    cols = ", ".join(f"[{c}]" for c in CHAINED[table])
    try:
        row: tuple[Any, ...] | None = conn.execute(f"SELECT rowid, {cols} FROM [{table}] WHERE rowid = ?", [ref]).fetchone()
        return row
    except sqlite3.OperationalError:
        return None


def head(conn: sqlite3.Connection) -> str:
    """The chain's head: the hash of its last link ("" while it is empty)."""
    row = conn.execute("SELECT hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    return row[0] if row else ""


# --- kaohe verify ----------------------------------------------------------------------------------


@attrs.frozen
class Finding:
    kind: str
    """schema, chain, edition, import, record, file, evidence."""
    message: str


@attrs.define
class Verification:
    findings: list[Finding] = attrs.field(factory=list)
    links: int = 0
    records: int = 0
    editions: int = 0
    files: int = 0
    evidence: int = 0
    """Evidence files checked (kaohe.office.evidence.unchanged: they live outside the database)."""
    notes: list[str] = attrs.field(factory=list)
    """What could not be checked (not wrong): published folders not found."""
    head: str = ""

    @property
    def clean(self) -> bool:
        return not self.findings

    def add(self, kind: str, message: str) -> None:
        self.findings.append(Finding(kind, message))


def verify(store: Any, published: Iterable[Path] = (), heads: Iterable[str] = (), root: Path | None = None) -> Verification:
    """Check everything: the schema and its triggers, the chain link by link, the editions (payload
    against digest, chain head against the chain), the imports against their audit entries, the
    records against their content hashes, their versions and the voidings in the audit trail, and the
    published files against the digests recorded when they were written. ``published``: other folders
    holding editions' folders (``第N版``), as ``publish --out`` wrote them; ``heads``: chain heads
    read from reports held elsewhere, which the chain must contain; ``root``: the bureau's folder,
    against which published folders recorded relative to it are found."""
    conn: sqlite3.Connection = store.db.conn
    out = Verification()
    conn.execute("BEGIN")
    try:
        for text in schema_findings(conn, store.migrations):
            out.add("schema", text)
        tables = {name for kind, name in schema_of(conn) if kind == "table"}
        audit = _unless_altered(out, "审计记录", list, lambda: _audit(conn, tables))
        hashes = _unless_altered(out, "审计链", dict, lambda: _check_chain(conn, tables, out))
        if "editions" in tables:
            _unless_altered(out, "版本", dict, lambda: _check_editions(conn, hashes, out))
        if {"imports", "records", "record_versions"} <= tables:
            _unless_altered(out, "导入", dict, lambda: _check_imports(conn, audit, out))
            _unless_altered(out, "记录", dict, lambda: _check_records(conn, audit, out))
        if {"records", "typed_fields"} <= tables and hasattr(store, "typed_findings"):
            for text in _unless_altered(out, "类型化列", list, store.typed_findings):
                out.add("record", text)
        root = root or Path.cwd()
        made = _unless_altered(
            out, "版本", dict,
            lambda: dict(conn.execute("SELECT period || '#' || number, digest FROM editions").fetchall()) if "editions" in tables else {},
        )
        _check_files(root, audit, [*published, root / "published"], made, out)
        _check_plugin_editions(root, audit, out)
        for h in heads:
            if h.strip().lower() not in hashes.values() and h.strip().lower() != out.head:
                out.add("chain", f"审计链中没有 {h.strip()}:持有该链头的通报之后,数据库的历史被改写")
    finally:
        conn.execute("COMMIT")
    return out


def _unless_altered(out: Verification, what: str, empty: Callable[[], Any], check: Callable[[], Any]) -> Any:
    """``check()``, or, when a table it reads lacks a column (altered: a finding of the schema's
    already), a finding that ``what`` could not be checked and ``empty()``."""
    try:
        return check()
    except (sqlite3.OperationalError, KeyError) as exc:
        out.add("schema", f"{what}无法核对:表结构被改动({exc})")
        return empty()


def _audit(conn: sqlite3.Connection, tables: set[str]) -> list[dict[str, Any]]:
    if "audit" not in tables:
        return []
    cur = conn.execute("SELECT * FROM audit ORDER BY rowid")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for r in rows:
        try:
            r["detail"] = json.loads(r.get("detail") or "null")
        except (TypeError, ValueError):
            r["detail"] = None
    return rows


def _check_chain(conn: sqlite3.Connection, tables: set[str], out: Verification) -> dict[int, str]:
    """Each link against the one before and its row; every row of a chained table linked. Returns
    each link's hash by its seq."""
    if "chain" not in tables:
        out.add("chain", "审计链(表 chain)缺失:无法核对审计记录、版本、复查决定和记录版本是否被改动")
        return {}
    hashes: dict[int, str] = {}
    linked: dict[str, set[int]] = defaultdict(set)
    prev, expect = "", 1
    lost: dict[str, int] = defaultdict(int)
    for seq, table, ref, p, h in conn.execute("SELECT seq, tbl, ref, prev, hash FROM chain ORDER BY seq"):
        out.links += 1
        if seq != expect:
            out.add("chain", f"审计链第{expect}环至第{seq - 1}环缺失(被删除)")
        expect = seq + 1
        if p != prev:
            out.add("chain", f"审计链第{seq}环与前一环断开(前一环被删改)")
        hashes[seq] = h
        prev = h
        linked[table].add(ref)
        if table not in CHAINED or table not in tables:
            lost[table] += 1
            continue
        row = _row(conn, table, ref)
        if row is None:
            out.add("chain", f"{_TABLE.get(table, table)}第{ref}行已不存在(被删除),审计链第{seq}环仍记着它")
        elif link(p, [table, *row]) != h:
            out.add("chain", f"{_TABLE.get(table, table)}第{ref}行被改动:与审计链第{seq}环记下的内容不符")
    out.head = prev
    for table, n in lost.items():
        out.add("chain", f"审计链中有 {n} 环记的是{_TABLE.get(table, table)},而表 {table} 已不存在(连同其中各行被删除)")
    for table in CHAINED:
        if table not in tables:
            continue
        for (rowid,) in conn.execute(f"SELECT rowid FROM [{table}] ORDER BY rowid"):
            if rowid not in linked[table]:
                out.add("chain", f"{_TABLE.get(table, table)}第{rowid}行不在审计链中(绕过 kaohe 写入)")
    return hashes


_TABLE = {
    "audit": "审计记录", "adjustments": "调整", "adjustment_revocations": "撤销调整", "appeals": "复查申请",
    "decisions": "复查决定", "signoffs": "签收", "editions": "版本", "record_versions": "记录的历史版本",
}


def _check_editions(conn: sqlite3.Connection, hashes: dict[int, str], out: Verification) -> None:
    cols = {r[1] for r in conn.execute("PRAGMA table_info(editions)").fetchall()}
    has_head = "chain_head" in cols
    seq_of = dict(conn.execute("SELECT ref, seq FROM chain WHERE tbl = 'editions'").fetchall()) if hashes else {}
    numbers: dict[str, list[int]] = defaultdict(list)
    q = f"SELECT rowid, period, number, digest, payload, {'chain_head' if has_head else 'NULL'} FROM editions ORDER BY rowid"
    for rowid, period, number, digest, payload, chain_head in conn.execute(q):
        out.editions += 1
        numbers[period].append(number)
        try:
            body = zlib.decompress(payload)
        except (zlib.error, TypeError):
            body = None
        if body is None or hashlib.sha256(body).hexdigest() != digest:
            out.add("edition", f"{period} 第{number}版的内容与其校验码不符(版本内容被改动)")
        seq = seq_of.get(rowid)
        if chain_head is not None and seq is not None and hashes.get(seq - 1, "") != chain_head:
            out.add("edition", f"{period} 第{number}版记下的链头与审计链不符(此版之前的历史被改写)")
    for period, ns in numbers.items():
        if sorted(ns) != list(range(1, len(ns) + 1)):
            out.add("edition", f"{period} 的版本号不连续或重复:{'、'.join(map(str, sorted(ns)))}")


def _attested(audit: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """What the audit trail says of each import: its entry and the baseline's (an import made before
    the chain has its records digest from the baseline only), the first to say a thing prevailing."""
    out: dict[int, dict[str, Any]] = {}
    for entry in audit:
        d = entry["detail"]
        if not isinstance(d, dict):
            continue
        said: list[tuple[int, dict[str, Any]]] = []
        if entry["action"] == "导入" and isinstance(d.get("import"), int):
            said = [(d["import"], {**d, "file": entry["subject"]})]
        elif entry["action"] == BASELINE:
            said = [(int(k), v) for k, v in (d.get("imports") or {}).items() if isinstance(v, dict)]
        for i, facts in said:
            known = out.setdefault(i, {})
            for field, value in facts.items():
                known.setdefault(field, value)
    return out


def _check_imports(conn: sqlite3.Connection, audit: list[dict[str, Any]], out: Verification) -> None:
    attested = _attested(audit)
    digests = _digests(conn)
    for i, file, checksum in conn.execute("SELECT id, file, checksum FROM imports ORDER BY id").fetchall():
        entry = attested.get(i)
        if entry is None:
            out.add("import", f"第{i}号导入({file})在审计记录中没有登记")
            continue
        if entry.get("checksum") != checksum:
            out.add("import", f"第{i}号导入({file})的校验和被改动:审计记录为 {entry.get('checksum')},数据库中为 {checksum}")
        if entry.get("file") not in (None, file):
            out.add("import", f"第{i}号导入的文件名被改动:审计记录为 {entry.get('file')},数据库中为 {file}")
        want = entry.get("records_sha256")
        if want is not None and digests.get(i, records_digest([])) != want:
            out.add("record", f"第{i}号导入({file})写入的记录被改动、增加或删除(与审计记录的记录摘要不符)")
    known = {r[0] for r in conn.execute("SELECT id FROM imports").fetchall()}
    for i in sorted(set(digests) - known, key=lambda x: (x is None, x or 0)):
        out.add("record", f"有记录属于不存在的第{i}号导入(绕过导入写入)")


def _check_records(conn: sqlite3.Connection, audit: list[dict[str, Any]], out: Verification) -> None:
    voided_by: dict[str, dict[str, Any]] = {}
    for logged in audit:
        if logged["action"] == "撤销记录":
            voided_by[logged["subject"]] = logged
    kept: dict[str, set[int]] = defaultdict(set)
    for key, version, kind, unit, date, value, attrs_json, note, h in conn.execute(
        "SELECT key, version, kind, unit, date, value, attrs, note, hash FROM record_versions"
    ):
        kept[key].add(version)
        if stored_hash(kind, unit, date, value, attrs_json, note) != h:
            out.add("record", f"记录 {key} 的第{version}版内容被改动(与其哈希不符)")
    for key, version, kind, unit, date, value, attrs_json, note, h, voided in conn.execute(
        "SELECT key, version, kind, unit, date, value, attrs, note, hash, voided FROM records"
    ):
        out.records += 1
        if stored_hash(kind, unit, date, value, attrs_json, note) != h:
            out.add("record", f"记录 {key} 的内容被改动(与其哈希不符)")
        missing = [v for v in range(1, (version or 1)) if v not in kept.get(key, ())]
        if missing:
            out.add("record", f"记录 {key} 为第{version}版,历史版本中缺少第{'、'.join(map(str, missing))}版")
        entry = voided_by.pop(key, None)
        if entry is not None and not voided:
            appeal = (entry["detail"] or {}).get("appeal") if isinstance(entry["detail"], dict) else None
            by = f"由复查复核第{appeal}号" if appeal else ""
            out.add("record", f"记录 {key} 已于 {str(entry['time'])[:10]} {by}作废,数据库中却未作废(作废标记被改回)")
        elif entry is None and voided:
            out.add("record", f"记录 {key} 被标为作废,审计记录中却没有作废的登记")
    for key in sorted(voided_by):
        out.add("record", f"审计记录中作废的记录 {key} 在数据库中不存在")


def folder_name(directory: Path, root: Path) -> str:
    """How a published folder is recorded: relative to the bureau's folder when inside it (POSIX
    separators), absolute otherwise."""
    folder = directory.resolve()
    try:
        return folder.relative_to(root).as_posix()
    except ValueError:
        return str(folder)


def recorded_files(audit: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The digests of each edition's published files, by (edition "period#number", folder): the
    first recorded."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in audit:
        d = entry["detail"]
        if entry["action"] == FILES and isinstance(d, dict):
            out.setdefault((entry["subject"], d.get("directory", "")), d)
    return out


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_files(root: Path, audit: list[dict[str, Any]], published: Iterable[Path], made: dict[str, str], out: Verification) -> None:
    """Each folder whose files' digests were recorded, and each ``第N版`` folder under ``published``:
    its files against the recorded digests, and the edition its report states (number and digest, in
    the JSON) against the store's."""
    recorded = recorded_files(audit)
    by_edition: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (edition, _), d in recorded.items():
        by_edition[edition].append(d)
    seen: set[Path] = set()
    for (edition, directory), d in recorded.items():
        folder = root / directory
        if not folder.is_dir():
            out.notes.append(f"{edition} 的发布目录 {folder} 不在,未核对")
            continue
        seen.add(folder.resolve())
        _compare(folder, edition, d.get("files") or {}, out)
        _check_stated(folder, edition, made.get(edition), out)
    # other folders: every 第N版 under them is compared with what was recorded for that edition
    for base in published:
        for folder in sorted(Path(base).glob("**/第*版")):
            if not folder.is_dir() or folder.resolve() in seen:
                continue
            number = folder.name[1:-1]
            period = folder.parent.name
            edition = f"{period}#{number}"
            if edition not in made:
                out.add("file", f"{folder} 是数据库中没有的版本(数据库中没有 {period} 第{number}版:版本被删除,或目录不是 kaohe 写的)")
                continue
            if edition not in by_edition:  # its files cannot be checked; the edition its report states can
                out.notes.append(f"{folder}:审计记录中没有这一版文件的校验码(如早于防篡改功能发布的版本),未核对")
                _check_stated(folder, edition, made.get(edition), out)
                continue
            _compare(folder, edition, by_edition[edition][0].get("files") or {}, out)
            _check_stated(folder, edition, made.get(edition), out)


def _check_plugin_editions(root: Path, audit: list[dict[str, Any]], out: Verification) -> None:
    """Each plugin's edition (kaohe.office.plugin_editions): its payload against its digest, its
    number next in its sequence, its files (when its folder is there) against their digests."""
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    for entry in audit:
        d = entry["detail"]
        if not is_plugin_edition(str(entry["action"])) or not isinstance(d, dict):
            continue
        out.editions += 1
        label = f"{d.get('title', d.get('kind', ''))} {d.get('period', '')} {d.get('unit_name') or d.get('unit') or '全局'} 第{d.get('number')}版"
        key = (str(d.get("kind")), str(d.get("period")), str(d.get("unit")))
        seen[key] += 1
        if d.get("number") != seen[key]:
            out.add("edition", f"{label}:版本号应为第{seen[key]}版(版本号不连续或重复)")
        if hashlib.sha256(canonical(d.get("payload"))).hexdigest() != d.get("digest"):
            out.add("edition", f"{label}的内容与其校验码不符(版本内容被改动)")
        folder = root / str(d.get("directory", ""))
        if not d.get("directory") or not folder.is_dir():
            out.notes.append(f"{label}的文件目录 {folder} 不在,未核对")
            continue
        for name, digest in sorted((d.get("files") or {}).items()):
            path = folder / name
            if not path.is_file():
                out.notes.append(f"{path} 不在,未核对")
                continue
            out.files += 1
            if file_digest(path) != digest:
                out.add("file", f"{path} 被改动:与{label}发布时记下的校验码不符")


def stated_edition(folder: Path) -> dict[str, Any] | None:
    """The ``edition`` field of the report JSON in ``folder`` (read line by line: kaohe.report.jsondata
    writes each top-level field on a line of its own, after the units)."""
    for path in sorted(folder.glob("report-*.json")):
        try:
            with path.open(encoding="utf-8") as f:
                for line in f:
                    if line.startswith('"edition":'):
                        value = json.loads(line[len('"edition":'):].rstrip().rstrip(","))
                        return value if isinstance(value, dict) else None
        except (OSError, UnicodeDecodeError, ValueError):
            return None
    return None


def _check_stated(folder: Path, edition: str, digest: str | None, out: Verification) -> None:
    stated = stated_edition(folder)
    if digest is None or stated is None:
        return
    period, number = edition.split("#", 1)
    if str(stated.get("number")) != number or stated.get("digest") != digest:
        out.add(
            "file",
            f"{folder} 中的通报是校验码为 {str(stated.get('digest'))[:16]} 的第{stated.get('number')}版,"
            f"而数据库中 {period} 第{number}版的校验码为 {digest[:16]}(版本号被重用,或版本被改动)",
        )


def _compare(folder: Path, edition: str, files: dict[str, str], out: Verification) -> None:
    period, number = edition.split("#", 1)
    for name, digest in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            out.notes.append(f"{path} 不在,未核对")
            continue
        out.files += 1
        if file_digest(path) != digest:
            out.add("file", f"{path} 被改动:与 {period} 第{number}版发布时记下的校验码不符")


def verification_text(v: Verification) -> Iterator[str]:
    for f in v.findings:
        yield f"✗ {f.message}"
    for n in v.notes:
        yield f"· {n}"
    if v.clean:
        yield (
            f"完整:审计链 {v.links} 环、{v.records} 条记录、{v.editions} 个版本、{v.files} 个已发布文件"
            + (f"、{v.evidence} 个证据文件" if v.evidence else "")
            + "核对无误"
            + (f";链头 {v.head}" if v.head else "")
        )
    else:
        yield f"发现 {len(v.findings)} 处问题:数据库或已发布文件在 kaohe 之外被改动(见 docs/integrity.md)"

