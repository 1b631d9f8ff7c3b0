"""Units' self-reports (issue 17 point 3), schema version 8: ``selfreports`` (one entry a unit made
on the site: the item, the date, what was done, its attributes and evidence files) and
``selfreport_decisions`` (at most one per entry: the owning department accepted it — the record
written — or returned it with a reason). Both are append-only like the other ledger tables
(kaohe.store.ledger): an entry is never changed; a returned one is corrected by a new entry."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import sqlite_utils

from ..core.errors import KaoheError
from .actor import current_actor, now
from .ledger import _inserted

ENTERED, DECIDED = "单位自报", "自报审核"
"""The audit trail's actions of an entry and of its decision."""


def migrate_8(db: sqlite_utils.Database) -> None:
    db.table("selfreports").create(
        {
            "id": int, "unit": str, "item": str, "title": str, "department": str, "kind": str, "date": str, "what": str,
            "value": str, "attrs": str, "evidence": str, "corrects": int, "form": str, "time": str, "actor": str,
        },
        pk="id",
    )
    db.table("selfreports").create_index(["form"], unique=True)
    db.table("selfreport_decisions").create(
        {"entry": int, "outcome": str, "reason": str, "record": str, "import_id": int, "time": str, "actor": str},
        pk="entry",
    )
    for table in ("selfreports", "selfreport_decisions"):
        for op in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER [{table}_no_{op.lower()}] BEFORE {op} ON [{table}]"
                f" BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never changed or removed'); END"
            )
        same = "[id] IS NEW.[id] OR [form] IS NEW.[form]" if table == "selfreports" else "[entry] IS NEW.[entry]"
        db.execute(
            f"CREATE TRIGGER [{table}_no_replace] BEFORE INSERT ON [{table}]"
            f" WHEN EXISTS (SELECT 1 FROM [{table}] WHERE {same})"
            f" BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never replaced'); END"
        )


_SELECT = (
    "SELECT s.*, d.outcome, d.reason AS decision_reason, d.record, d.time AS decided, d.actor AS decider"
    " FROM selfreports s LEFT JOIN selfreport_decisions d ON d.entry = s.id"
)


class SelfReports:
    """The methods of :class:`kaohe.store.store.Store` over the self-report tables (mixed into it)."""

    db: sqlite_utils.Database
    _txn: Callable[[], AbstractContextManager[None]]  # kaohe.store.ledger.Ledger's
    log: Callable[..., int]

    def insert_selfreport(self, row: dict[str, Any], actor: str | None, *, form: str) -> int:
        """Append a unit's entry (its evidence's name, type, size and SHA-256 in ``row``); ``form``: the
        one-time token of the form it came from — a form sent twice is refused."""
        with self._txn():
            used = self.db.execute("SELECT id FROM selfreports WHERE form = ?", [form]).fetchone()
            if used is not None:
                raise KaoheError(f"此表单已提交过(自报第{used[0]}号),不重复登记:请在“工作自报”页查看")
            pk = _inserted(self.db.table("selfreports").insert({**row, "form": form, "time": now(), "actor": actor or current_actor()}))
            self.log(ENTERED, actor, department=row["department"], unit=row["unit"], subject=f"selfreport:{pk}", detail=row)
        return pk

    def selfreports(self, *, unit: str | None = None, department: str | None = None) -> list[dict[str, Any]]:
        """The entries with their decisions (None: pending), of a unit or of a department's items."""
        where, args = [], []
        for column, value in (("s.unit", unit), ("s.department", department)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        cur = self.db.execute(_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.id", args)
        names = [d[0] for d in cur.description]
        return [_decoded(dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def selfreport(self, entry: int) -> dict[str, Any] | None:
        cur = self.db.execute(_SELECT + " WHERE s.id = ?", [entry])
        row = cur.fetchone()
        return _decoded(dict(zip([d[0] for d in cur.description], row, strict=True))) if row else None

    def insert_selfreport_decision(self, entry: dict[str, Any], row: dict[str, Any], actor: str | None) -> None:
        """Record the decision on ``entry`` (inside the caller's write transaction, which checked it
        was pending)."""
        self.db.table("selfreport_decisions").insert({**row, "entry": entry["id"], "time": now(), "actor": actor or current_actor()})
        self.log(
            DECIDED, actor, department=entry["department"], unit=entry["unit"], subject=f"selfreport:{entry['id']}", detail=row,
        )

    def kept_evidence(self) -> list[tuple[str, dict[str, Any]]]:
        """Every evidence file the store refers to, with what it came with (``appeal:N`` or
        ``selfreport:N``): the appeals' from their audit entries, the self-reports' from their rows."""
        out: list[tuple[str, dict[str, Any]]] = []
        queries: tuple[tuple[str, list[str], str | None], ...] = (  # the pattern a parameter: PostgreSQL's driver reads a % in the text
            ("SELECT 'appeal:' || substr(subject, 8), detail FROM audit WHERE action = '复查申请' AND detail LIKE ? ORDER BY id", ['%"evidence"%'], "evidence"),
            ("SELECT 'selfreport:' || id, evidence FROM selfreports ORDER BY id", [], None),
        )
        for sql, params, key in queries:
            try:
                rows = self.db.execute(sql, params).fetchall()
            except sqlite3.OperationalError:  # a table altered outside kaohe: kaohe verify's schema check says so
                continue
            for subject, text in rows:
                try:
                    value = json.loads(text or "null")
                    metas = value.get(key) if key else value
                except (ValueError, AttributeError):  # a detail rewritten outside kaohe: the chain check says so
                    continue
                out.extend((str(subject), dict(f)) for f in metas or [] if isinstance(f, dict))
        return out

    def selfreport_decided(self, entry: int) -> bool:
        return self.db.execute("SELECT 1 FROM selfreport_decisions WHERE entry = ?", [entry]).fetchone() is not None


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    row["attrs"] = json.loads(row["attrs"] or "{}")
    row["evidence"] = json.loads(row["evidence"] or "[]")
    return row
