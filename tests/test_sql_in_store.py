"""Only the store speaks SQL (issue 15, point 1; docs/architecture.md): no module of the kernel outside
``kaohe/store/`` runs a statement, reaches the store's connection or writes a statement's text. The
store offers named queries (``Store.has_records``, ``Store.arrivals`` …) to everything above it.
Nothing is allowed by name: a module that needs a new query asks the store for it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

KERNEL = Path(__file__).resolve().parents[1] / "kernel" / "src" / "kaohe"
STORE = KERNEL / "store"

CALLS = {"execute", "executemany", "executescript", "query"}
"""Methods that run SQL: sqlite3's and sqlite-utils' (``db.execute``, ``db.query``, ``conn.executemany`` …)."""
HANDLES = {"db", "conn"}
"""The store's sqlite-utils database and sqlite3 connection: reaching either is speaking SQL."""
STATEMENT = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK)\b")
"""A statement's text (SQL's keywords in capitals, as the store writes them)."""


def sql_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for every piece of SQL in ``source``: a call of ``execute`` / ``executemany`` /
    ``executescript`` / ``query``, a use of an attribute or name ``db`` or ``conn`` (``store.db``,
    ``db["records"]``), a text holding a statement's keyword."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLS:
            found.append((node.lineno, f".{node.func.attr}("))
        elif isinstance(node, ast.Attribute) and node.attr in HANDLES:
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Name) and node.id in HANDLES:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (m := STATEMENT.search(node.value)):
            found.append((node.lineno, f"text with {m.group(1)}"))
    return sorted(found)


def test_the_check_finds_each_kind_of_sql():
    probe = (
        "def f(store, keys):\n"
        "    store.db.execute('SELECT 1 FROM records')\n"  # 2: .execute( .db and SELECT
        "    rows = store.query(q)\n"  # 3
        "    db = store.db\n"  # 4: db and .db
        "    db['records'].insert({})\n"  # 5: db
        "    q = f\"INSERT INTO t VALUES ({','.join(keys)})\"\n"  # 6: the f-string's INSERT
        "    store.conn.executemany(q, [])\n"  # 7
        "    return store.records(keys)  # a named query: not SQL\n"
    )
    found = sql_in(probe)
    assert {line for line, _ in found} == {2, 3, 4, 5, 6, 7}
    assert (2, ".execute(") in found and (2, "text with SELECT") in found and (2, ".db") in found
    assert (3, ".query(") in found
    assert (5, "db") in found
    assert (6, "text with INSERT") in found
    assert (7, ".executemany(") in found and (7, ".conn") in found
    assert sql_in("def f(store):\n    return store.has_records('治安大队', ['2015-04'])\n") == []


def test_only_the_store_speaks_sql():
    modules = [p for p in KERNEL.rglob("*.py") if STORE not in p.parents]
    assert len(modules) > 50  # the kernel's modules were found
    offences = [
        f"{p.relative_to(KERNEL)}:{line}: {what}"
        for p in sorted(modules)
        for line, what in sql_in(p.read_text(encoding="utf-8"))
    ]
    assert offences == []
