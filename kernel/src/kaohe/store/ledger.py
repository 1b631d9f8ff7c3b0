"""What the office records beside the departments' data: the audit trail, adjustments, appeals and
their decisions, departments' sign-offs and the published editions (schema version 2).

Every table here is append-only: SQLite triggers refuse an UPDATE or DELETE, so nothing recorded can
be changed or removed afterwards, by kaohe or by anyone editing the file with another tool. What
changes over time is expressed by adding rows: an adjustment is revoked by a row in
``adjustment_revocations``, an appeal is decided by a row in ``decisions``, a voided record keeps its
row in ``records`` (marked ``voided``) and the voiding is in the audit trail.

Since schema version 3 these rows are also chained by hashes, and an edition records the chain's
head (kaohe.store.integrity; ``kaohe verify`` checks them).

Tables:

- ``audit``: time, actor, action (导入, 导入被拒绝, 计分, 发布, 调整, 撤销调整, 复查申请, 复查决定,
  撤销记录, 签收), period, department, unit, subject, detail (JSON);
- ``adjustments`` and ``adjustment_revocations`` (kaohe.core.adjustments);
- ``appeals`` (one deduction of one published edition, routed to the item's department) and
  ``decisions`` (at most one per appeal);
- ``signoffs``: a department confirms its data for a period;
- ``editions``: a period's numbered, frozen publication (kaohe.report.editions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import sqlite_utils

from ..core.adjustments import Adjustment
from ..core.canonical import unpacked
from ..core.decimals import PARAMETER_LIMIT, PARAMETER_PLACES, D, out_of_bounds
from ..core.errors import KaoheError
from .actor import current_actor, now
from .integrity import check_edition, guard, head

APPEND_ONLY = (
    "audit", "adjustments", "adjustment_revocations", "appeals", "decisions", "signoffs", "editions", "record_versions",
)
NO_DELETE = ("records", "imports")


def migrate_2(db: sqlite_utils.Database) -> None:
    db.table("audit").create(
        {
            "id": int, "time": str, "actor": str, "action": str, "period": str, "department": str, "unit": str,
            "subject": str, "detail": str,
        },
        pk="id",
    )
    db.table("audit").create_index(["period"])
    db.table("audit").create_index(["action"])
    db.table("adjustments").create(
        {
            "id": int, "period": str, "unit": str, "points": str, "reason": str, "approver": str, "kind": str,
            "item": str, "appeal": int, "time": str, "actor": str,
        },
        pk="id",
    )
    db.table("adjustments").create_index(["period"])
    db.table("adjustment_revocations").create(
        {"adjustment": int, "time": str, "actor": str, "reason": str}, pk="adjustment"
    )
    db.table("appeals").create(
        {
            "id": int, "period": str, "edition": int, "edition_number": int, "unit": str, "item": str, "title": str,
            "department": str, "record": str, "points": str, "line": str, "reason": str, "received": str,
            "deadline": str, "time": str, "actor": str,
        },
        pk="id",
    )
    db.table("decisions").create(
        {
            "appeal": int, "outcome": str, "points": str, "decider": str, "reason": str, "time": str, "actor": str,
            "adjustment": int,
        },
        pk="appeal",
    )
    db.table("signoffs").create({"id": int, "department": str, "period": str, "time": str, "actor": str, "note": str}, pk="id")
    db.table("editions").create(
        {
            "id": int, "period": str, "number": int, "time": str, "published_on": str, "actor": str, "reason": str,
            "digest": str, "payload": bytes,
        },
        pk="id",
    )
    db.table("editions").create_index(["period", "number"], unique=True)
    for table in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER [{table}_no_{op.lower()}] BEFORE {op} ON [{table}]"
                f" BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never changed or removed'); END"
            )
        # INSERT OR REPLACE deletes the row it replaces without firing the DELETE trigger when
        # recursive triggers are off (SQLite's default in other tools): refuse an insert that would
        # replace a row, by its primary key or any unique index.
        for columns in _unique_keys(db, table):
            same = " AND ".join(f"[{c}] IS NEW.[{c}]" for c in columns)
            db.execute(
                f"CREATE TRIGGER [{table}_no_replace_{'_'.join(columns)}] BEFORE INSERT ON [{table}]"
                f" WHEN EXISTS (SELECT 1 FROM [{table}] WHERE {same})"
                f" BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never replaced'); END"
            )
    for table in NO_DELETE:
        db.execute(
            f"CREATE TRIGGER [{table}_no_delete] BEFORE DELETE ON [{table}]"
            f" BEGIN SELECT RAISE(ABORT, '{table}: rows are never removed (a record is voided, not deleted)'); END"
        )


def _unique_keys(db: sqlite_utils.Database, table: str) -> list[tuple[str, ...]]:
    """The primary key and the columns of every unique index of ``table``."""
    keys = [tuple(db.table(table).pks)]
    for index in db.table(table).indexes:
        if index.unique and tuple(index.columns) not in keys:
            keys.append(tuple(index.columns))
    return keys


def _inserted(table: sqlite_utils.db.Table) -> int:
    """The id of the row ``table`` has just inserted (sqlite-utils types ``last_pk`` as ``Any | None``)."""
    if table.last_pk is None:
        raise KaoheError(f"{table.name}: 插入的行没有编号")
    return int(table.last_pk)


def _json(value: Any) -> str:
    def default(v: Any) -> Any:
        if isinstance(v, Decimal):
            return str(v)
        if isinstance(v, dt.date | dt.datetime):
            return v.isoformat()
        raise TypeError(type(v).__name__)

    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=default)


class Ledger:
    """The methods of :class:`kaohe.store.store.Store` over the tables above (mixed into it)."""

    db: sqlite_utils.Database

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE: other writers wait for it, up to the busy timeout),
        refused when the store's protections are missing (kaohe.store.integrity.guard)."""

        self.db.execute("BEGIN IMMEDIATE")
        try:
            guard(self)
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:  # SQLite rolls back by itself after a full disk
                try:
                    self.db.execute("ROLLBACK")
                except Exception:
                    pass
            raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside sees the database as it was at its first read, whatever
        other processes commit meanwhile (WAL mode). Inside a snapshot already, it is that one's."""
        if self.db.conn.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            if self.db.conn.in_transaction:
                self.db.execute("COMMIT")

    # --- audit -----------------------------------------------------------------------------------

    def log(
        self, action: str, actor: str | None = None, *, period: str = "", department: str = "", unit: str = "",
        subject: str = "", detail: Any = None,
    ) -> int:
        """Append one entry to the audit trail (inside the caller's transaction, if any, or one of its
        own)."""
        with self._txn():
            return _inserted(
                self.db.table("audit").insert(
                    {
                        "time": now(), "actor": actor or current_actor(), "action": action, "period": period,
                        "department": department, "unit": unit, "subject": subject,
                        "detail": _json(detail) if detail is not None else "",
                    }
                )
            )

    def last_audit_id(self) -> int:
        """The id of the audit trail's last entry (0: none): it changes with every import, adjustment,
        decision, voiding, sign-off and edition."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])

    def _present(self, table: str, what: str) -> None:
        """A table of the trail that was dropped is said to be gone, not read as empty (sqlite-utils
        reads a missing table as having no rows: "没有调整" would hide the dropped adjustments)."""
        if not self.db[table].exists():
            raise KaoheError(f"数据库 {getattr(self, 'path', '')} 中没有{what}表({table}):已被删除,请运行 kaohe verify 查看")

    def audit(
        self, *, period: str | None = None, action: str | None = None, actor: str | None = None,
        department: str | None = None, unit: str | None = None, since: str | None = None, until: str | None = None,
    ) -> list[dict[str, Any]]:
        where, args = [], []
        if period:  # an import's entry names every month it brought data for: "2015-03,2015-04"
            where.append("(',' || [period] || ',') LIKE ?")
            args.append(f"%,{period},%")
        for column, value in (("action", action), ("actor", actor), ("department", department), ("unit", unit)):
            if value:
                where.append(f"[{column}] = ?")
                args.append(value)
        if since:
            where.append("substr(time, 1, 10) >= ?")
            args.append(since)
        if until:
            where.append("substr(time, 1, 10) <= ?")
            args.append(until)
        self._present("audit", "审计记录")
        return list(self.db["audit"].rows_where(" AND ".join(where) or None, args, order_by="id"))

    # --- adjustments -----------------------------------------------------------------------------

    def add_adjustment(
        self, period: str, unit: str, points: Decimal, reason: str, approver: str, kind: str = "通知单",
        item: str | None = None, appeal: int | None = None, actor: str | None = None,
    ) -> Adjustment:
        row = {
            "period": period, "unit": unit, "points": str(points), "reason": reason, "approver": approver, "kind": kind,
            "item": item, "appeal": appeal, "time": now(), "actor": actor or current_actor(),
        }
        with self._txn():
            pk = _inserted(self.db.table("adjustments").insert(row))
            adj = _adjustment({**row, "id": pk}, self._numbers())
            self.log("调整", actor, period=period, unit=unit, subject=adj.key, detail={**row, "id": pk})
        return adj

    def revoke_adjustment(self, adjustment_id: int, reason: str, actor: str | None = None) -> Adjustment:
        with self._txn():
            adj = self.adjustment(adjustment_id)
            if adj is None:
                raise KaoheError(f"没有第{adjustment_id}号调整")
            if adj.appeal is not None:
                raise KaoheError(
                    f"第{adjustment_id}号调整是复查复核第{adj.appeal}号的改分决定:复查决定一经登记不可更改,不能撤销"
                )
            if self._revoked({adjustment_id}):
                raise KaoheError(f"第{adjustment_id}号调整已撤销")
            self.db.table("adjustment_revocations").insert(
                {"adjustment": adjustment_id, "time": now(), "actor": actor or current_actor(), "reason": reason}
            )
            self.log("撤销调整", actor, period=adj.period, unit=adj.unit, subject=adj.key, detail={"reason": reason})
        return adj

    def adjustment(self, adjustment_id: int) -> Adjustment | None:
        rows = list(self.db["adjustments"].rows_where("id = ?", [adjustment_id]))
        return _adjustment(rows[0], self._numbers()) if rows else None

    def _numbers(self) -> dict[int, int]:
        """Each adjustment's number among those of its kind, in entry order (none is ever deleted,
        so a number never changes): 通知单 are numbered apart from 机动加分 and from the appeals'
        decisions (复查改分), which share the table."""
        seen: dict[str, int] = {}
        out = {}
        for pk, kind in self.db.execute("SELECT id, kind FROM adjustments ORDER BY id").fetchall():
            seen[kind or "通知单"] = seen.get(kind or "通知单", 0) + 1
            out[int(pk)] = seen[kind or "通知单"]
        return out

    def adjustments(self, period: str) -> list[Adjustment]:
        """The adjustments in force for ``period`` (revoked ones left out), in entry order."""
        self._present("adjustments", "调整")
        rows = list(self.db["adjustments"].rows_where("period = ?", [period], order_by="id"))
        revoked = self._revoked({r["id"] for r in rows})
        numbers = self._numbers() if rows else {}
        out = [_adjustment(r, numbers) for r in rows if r["id"] not in revoked]
        for a in out:  # one stored before points were bounded (1e30 once committed, then every score crashed)
            problem = out_of_bounds(a.points, PARAMETER_LIMIT, PARAMETER_PLACES)
            if problem:
                raise KaoheError(
                    f"{a.kind}第{a.number}号调整({a.period} {a.unit})的分值 {a.points} 无法计分:{problem};"
                    f"它是此前的版本登记的,请用 kaohe adjust revoke {a.id} --reason \"分值有误\" 撤销后重新登记"
                )
        return out

    def adjustment_rows(self, period: str | None = None) -> list[dict[str, Any]]:
        """Every adjustment (of ``period``), with its revocation if it was revoked."""
        self._present("adjustments", "调整")
        rows = list(self.db["adjustments"].rows_where("period = ?" if period else None, [period] if period else [], order_by="id"))
        revocations = {r["adjustment"]: r for r in self.db["adjustment_revocations"].rows}
        numbers = self._numbers()
        return [{**r, "number": numbers.get(r["id"], 0), "revoked": revocations.get(r["id"])} for r in rows]

    def _revoked(self, ids: set[int]) -> set[int]:
        if not ids:
            return set()
        return {r[0] for r in self.db.execute("SELECT adjustment FROM adjustment_revocations").fetchall()} & ids

    # --- records ---------------------------------------------------------------------------------

    def void_record(self, key: str, reason: str, actor: str | None = None, appeal: int | None = None) -> dict[str, Any]:
        """Mark a record void (it stays stored, and is no longer scored)."""

        with self._txn():
            row = self.db.execute("SELECT key, unit, month, department, voided FROM records WHERE key = ?", [key]).fetchone()
            if row is None:
                raise KaoheError(f"没有编号为 {key} 的记录")
            if row[4]:
                raise KaoheError(f"记录 {key} 已作废")
            self.db.execute("UPDATE records SET voided = 1 WHERE key = ?", [key])
            self.log(
                "撤销记录", actor, period=row[2] or "", department=row[3] or "", unit=row[1] or "", subject=key,
                detail={"reason": reason, "appeal": appeal},
            )
        return {"key": row[0], "unit": row[1], "month": row[2], "department": row[3]}

    def record_row(self, key: str) -> dict[str, Any] | None:
        """A stored record's key, kind, unit, date, month, department, note and whether it is void."""
        row = self.db.execute(
            "SELECT key, kind, unit, date, month, department, note, voided FROM records WHERE key = ?", [key]
        ).fetchone()
        if row is None:
            return None
        names = ("key", "kind", "unit", "date", "month", "department", "note", "voided")
        return {**dict(zip(names, row, strict=True)), "voided": bool(row[7])}

    def record_months(self, keys: list[str]) -> dict[str, str]:
        """The stored month of those of ``keys`` that are stored records (a correction that moves a
        record to another month changes the month it leaves: kaohe.office.lock)."""
        out: dict[str, str] = {}
        for i in range(0, len(keys), 900):
            chunk = keys[i : i + 900]
            q = f"SELECT key, month FROM records WHERE key IN ({','.join('?' * len(chunk))})"
            out.update((str(k), str(m)) for k, m in self.db.execute(q, chunk).fetchall())
        return out

    def voided(self, keys: set[str]) -> set[str]:
        """Those of ``keys`` that are stored records marked void."""
        ordered = sorted(keys)
        out: set[str] = set()
        for i in range(0, len(ordered), 900):
            chunk = ordered[i : i + 900]
            q = f"SELECT key FROM records WHERE voided = 1 AND key IN ({','.join('?' * len(chunk))})"
            out.update(r[0] for r in self.db.execute(q, chunk).fetchall())
        return out

    # --- sign-offs -------------------------------------------------------------------------------

    def sign_off(self, department: str, period: str, actor: str | None = None, note: str = "") -> int:
        with self._txn():
            pk = _inserted(
                self.db.table("signoffs").insert(
                    {"department": department, "period": period, "time": now(), "actor": actor or current_actor(), "note": note}
                )
            )
            self.log("签收", actor, period=period, department=department, subject=f"signoff:{pk}", detail={"note": note})
        return pk

    def signoffs(self, period: str) -> dict[str, dict[str, Any]]:
        """The latest sign-off of each department for ``period``."""
        out: dict[str, dict[str, Any]] = {}
        for r in self.db["signoffs"].rows_where("period = ?", [period], order_by="id"):
            out[r["department"]] = r
        return out

    # --- editions --------------------------------------------------------------------------------

    def editions(self, period: str | None = None) -> list[dict[str, Any]]:
        """Editions' metadata (without the payload), oldest first."""
        cols = "id, period, number, time, published_on, actor, reason, digest, chain_head"
        names = [c.strip() for c in cols.split(",")]
        if "chain_head" not in self.db["editions"].columns_dict:  # a store left at schema 2 (its upgrade refused: protections missing)
            cols = cols.replace("chain_head", "NULL AS chain_head")
        if period:
            cur = self.db.execute(f"SELECT {cols} FROM editions WHERE period = ? ORDER BY number", [period])
        else:
            cur = self.db.execute(f"SELECT {cols} FROM editions ORDER BY period, number")
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def editions_marker(self) -> tuple[Any, ...]:
        """What changes whenever an edition is added (editions are only ever added, never changed):
        their count, the last one's id and digest. O(1): the province's roll-up reads it on every
        request (kaohe.web.province)."""
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM editions), (SELECT id FROM editions ORDER BY id DESC LIMIT 1),"
            " (SELECT digest FROM editions ORDER BY id DESC LIMIT 1)"
        ).fetchone()
        return tuple(row)

    def edition(self, period: str, number: int | None = None) -> dict[str, Any] | None:
        """One edition with its payload decoded (``number`` None: the latest)."""
        out = self._edition_row(period, number)
        if out is None:
            return None
        out["bytes"] = zlib.decompress(out.pop("payload"))
        check_edition(self.db.conn, out, out["bytes"])  # an edition altered outside kaohe is not read as published
        out["data"] = json.loads(out["bytes"])
        return out

    def edition_packed(self, period: str, number: int | None = None) -> dict[str, Any] | None:
        """One edition with its payload as stored (``packed``: compressed), checked as ``edition``
        checks it, its payload read a piece at a time (``core.canonical.unpacked``): never whole in
        memory, nor decoded (kaohe.report.editions.diff_packed reads it a unit at a time)."""
        row = self._edition_row(period, number)
        if row is None:
            return None
        packed = row.pop("payload")
        h = hashlib.sha256()
        for chunk in unpacked(packed):
            h.update(chunk)
        check_edition(self.db.conn, row, None, h.hexdigest())
        row["packed"] = packed
        return row

    def _edition_row(self, period: str, number: int | None) -> dict[str, Any] | None:
        if number is None:
            row = self.db.execute(
                "SELECT * FROM editions WHERE period = ? ORDER BY number DESC LIMIT 1", [period]
            ).fetchone()
        else:
            row = self.db.execute("SELECT * FROM editions WHERE period = ? AND number = ?", [period, number]).fetchone()
        if row is None:
            return None
        names = [d[0] for d in self.db.execute("SELECT * FROM editions LIMIT 0").description]
        return dict(zip(names, row, strict=True))

    def insert_edition(
        self, period: str, compressed: bytes, digest: str, published_on: str, reason: str, actor: str | None, results: str | None = None,
    ) -> int:
        """Append the next edition of ``period`` (inside the caller's write transaction): its payload
        already compressed (kaohe.report.editions.freeze), with the chain's head as it stands before it.
        ``results``: the digest of the stored results it was made from (``period_results``), kept in
        the audit entry, which tells the site whether what is stored now is still what was published."""

        number = int(self.db.execute("SELECT coalesce(max(number), 0) + 1 FROM editions WHERE period = ?", [period]).fetchone()[0])
        self.db.table("editions").insert(
            {
                "period": period, "number": number, "time": now(), "published_on": published_on,
                "actor": actor or current_actor(), "reason": reason, "digest": digest,
                "payload": compressed, "chain_head": head(self.db.conn),
            }
        )
        self.log("发布", actor, period=period, subject=f"{period}#{number}", detail={
            "digest": digest, "reason": reason, "published_on": published_on, **({"results": results} if results else {}),
        })
        return number

    # --- appeals ---------------------------------------------------------------------------------

    def insert_appeal(
        self, row: dict[str, Any], actor: str | None = None, *, evidence: list[dict[str, Any]] | None = None, form: str | None = None,
    ) -> int:
        """Append an appeal (refused while another on the same deduction is pending). ``evidence``:
        its files' name, type, size and SHA-256 (the files are kept outside the database), and
        ``form``: the site's one-time token of the form it came from (a form sent twice is refused);
        both are kept in the audit entry of the filing, which the hash chain covers."""
        with self._txn():
            if form:
                used = self.db.execute(
                    "SELECT subject FROM audit WHERE action = '复查申请' AND json_extract(detail, '$.form') = ?", [form]
                ).fetchone()
                if used is not None:
                    raise KaoheError(f"此表单已提交过(第{str(used[0]).removeprefix('appeal:')}号复查申请),不重复受理:请在“复查申请”页查看")
            pending = self.db.execute(
                "SELECT a.id FROM appeals a LEFT JOIN decisions d ON d.appeal = a.id"
                " WHERE d.appeal IS NULL AND a.period = ? AND a.unit = ? AND a.item = ? AND coalesce(a.record, '') = ?",
                [row["period"], row["unit"], row["item"], row.get("record") or ""],
            ).fetchone()
            if pending is not None:
                raise KaoheError(f"同一扣分已有未决的复查申请(第{pending[0]}号),不重复受理")
            pk = _inserted(self.db.table("appeals").insert({**row, "time": now(), "actor": actor or current_actor()}))
            self.log(
                "复查申请", actor, period=row["period"], department=row["department"], unit=row["unit"],
                subject=f"appeal:{pk}", detail={**row, **({"evidence": evidence} if evidence else {}), **({"form": form} if form else {})},
            )
        return pk

    def appeal_evidence(self, appeal_id: int) -> list[dict[str, Any]]:
        """The evidence files filed with an appeal (name, type, size, sha256), from its audit entry."""
        row = self.db.execute(
            "SELECT detail FROM audit WHERE action = '复查申请' AND subject = ? ORDER BY id LIMIT 1", [f"appeal:{appeal_id}"]
        ).fetchone()
        if row is None or not row[0]:
            return []
        files = json.loads(row[0]).get("evidence") or []
        return [dict(f) for f in files]

    def appeals(
        self, *, period: str | None = None, department: str | None = None, unit: str | None = None, pending: bool | None = None
    ) -> list[dict[str, Any]]:
        q = "SELECT a.*, d.outcome, d.points AS new_points, d.decider, d.reason AS decision_reason, d.time AS decided, d.adjustment FROM appeals a LEFT JOIN decisions d ON d.appeal = a.id"
        where, args = [], []
        for column, value in (("a.period", period), ("a.department", department), ("a.unit", unit)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if pending is True:
            where.append("d.appeal IS NULL")
        elif pending is False:
            where.append("d.appeal IS NOT NULL")
        if where:
            q += " WHERE " + " AND ".join(where)
        cur = self.db.execute(q + " ORDER BY a.id", args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def appeal(self, appeal_id: int) -> dict[str, Any] | None:
        rows = [a for a in self.appeals() if a["id"] == appeal_id]
        return rows[0] if rows else None

    def insert_decision(self, appeal: dict[str, Any], row: dict[str, Any], actor: str | None = None) -> None:
        """Record the decision on ``appeal`` (inside the caller's write transaction)."""
        self.db.table("decisions").insert({**row, "appeal": appeal["id"], "time": now(), "actor": actor or current_actor()})
        self.log(
            "复查决定", actor, period=appeal["period"], department=appeal["department"], unit=appeal["unit"],
            subject=f"appeal:{appeal['id']}", detail=row,
        )

    @contextmanager
    def _txn(self) -> Iterator[None]:
        """A write transaction, or nothing when one is already open."""
        if self.db.conn.in_transaction:
            yield
        else:
            with self.writing():
                yield


def _adjustment(row: dict[str, Any], numbers: dict[int, int] | None = None) -> Adjustment:
    return Adjustment(
        id=int(row["id"]), period=row["period"], unit=row["unit"], points=D(row["points"]), reason=row["reason"],
        approver=row["approver"], kind=row["kind"] or "通知单", item=row["item"] or None, appeal=row["appeal"],
        number=(numbers or {}).get(int(row["id"]), 0),
    )
