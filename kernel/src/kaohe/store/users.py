"""The site's accounts (schema version 5, issue 16): one row per account of ``kaohe serve``.

Table ``users``: the account (its sign-in name), the person's name, the role (考核办, 部门, 单位,
领导), the unit or the department it belongs to, the password's argon2id hash, whether it is
disabled, the failed sign-ins in a row and the time the account is locked until, and a stamp that
changes with every password reset or disabling (a session made before carries the old stamp and
ends). Unlike the ledger's tables, rows here change; every change is in the audit trail (written by
kaohe.office.accounts with the account that made it).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import sqlite_utils

USER_COLUMNS = (
    "account", "name", "role", "unit", "department", "hash", "disabled", "failures", "locked_until", "stamp", "created", "email",
)


def migrate_5(db: sqlite_utils.Database) -> None:
    db.table("users").create(
        {
            "account": str, "name": str, "role": str, "unit": str, "department": str, "hash": str, "disabled": int,
            "failures": int, "locked_until": str, "stamp": int, "created": str,
        },
        pk="account",
        not_null={"account", "name", "role", "hash"},
        defaults={"disabled": 0, "failures": 0, "stamp": 0},
    )


def migrate_9(db: sqlite_utils.Database) -> None:
    """What awaits each account (issue 17, point 6): when it last opened its inbox, and the audit
    trail's last entry then (``mark``: a decision recorded after it is new to the account); each
    account's e-mail address, for ``kaohe remind`` (empty: none)."""
    db.execute("ALTER TABLE [users] ADD COLUMN [email] TEXT")
    db.table("inbox_seen").create({"account": str, "time": str, "mark": int}, pk="account", not_null={"account", "time", "mark"})


class Users:
    """The methods of :class:`kaohe.store.Store` over ``users`` (mixed into it)."""

    db: sqlite_utils.Database

    _txn: Callable[[], AbstractContextManager[None]]  # kaohe.store.ledger.Ledger's

    def user(self, account: str) -> dict[str, Any] | None:
        """The account's row, or None."""
        cur = self.db.execute(f"SELECT {', '.join(USER_COLUMNS)} FROM users WHERE account = ?", [account])
        row = cur.fetchone()
        return dict(zip(USER_COLUMNS, row, strict=True)) if row else None

    def users(self) -> list[dict[str, Any]]:
        """Every account, by role and account."""
        cur = self.db.execute(f"SELECT {', '.join(USER_COLUMNS)} FROM users ORDER BY role, account")
        return [dict(zip(USER_COLUMNS, row, strict=True)) for row in cur]

    def insert_users(self, rows: list[dict[str, Any]]) -> None:
        """Add accounts, all or none (an account already there: the whole batch refused by the caller
        before; here the primary key refuses it again)."""
        with self._txn():
            for row in rows:
                self.db.execute(
                    "INSERT INTO users (account, name, role, unit, department, hash, disabled, failures, stamp, created, email)"
                    " VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)",
                    [
                        row["account"], row["name"], row["role"], row.get("unit") or "", row.get("department") or "", row["hash"],
                        row["created"], row.get("email") or "",
                    ],
                )

    def set_password(self, account: str, hash_: str) -> None:
        """A new password: the lock and the failures cleared, every session of the account ended."""
        with self._txn():
            self.db.execute(
                "UPDATE users SET hash = ?, failures = 0, locked_until = NULL, disabled = 0, stamp = stamp + 1 WHERE account = ?",
                [hash_, account],
            )

    def disable_user(self, account: str) -> None:
        with self._txn():
            self.db.execute("UPDATE users SET disabled = 1, stamp = stamp + 1 WHERE account = ?", [account])

    def end_sessions(self, account: str) -> None:
        """Sign-out: every session of the account ends (a new stamp), whatever copy of its cookie."""
        with self._txn():
            self.db.execute("UPDATE users SET stamp = stamp + 1 WHERE account = ?", [account])

    def sign_in_failed(self, account: str, failures: int, locked_until: str | None) -> None:
        with self._txn():
            self.db.execute("UPDATE users SET failures = ?, locked_until = ? WHERE account = ?", [failures, locked_until, account])

    def inbox_seen(self, account: str) -> dict[str, Any] | None:
        """When ``account`` last opened its inbox (``time``) and the audit trail's last entry then
        (``mark``), or None."""
        row = self.db.execute("SELECT time, mark FROM inbox_seen WHERE account = ?", [account]).fetchone()
        return {"time": str(row[0]), "mark": int(row[1])} if row else None

    def see_inbox(self, account: str, time: str) -> None:
        """Record that ``account`` opened its inbox at ``time``, having seen the audit trail up to now."""
        with self._txn():
            self.db.execute(
                "INSERT INTO inbox_seen (account, time, mark) VALUES (?, ?, (SELECT coalesce(max(id), 0) FROM audit))"
                " ON CONFLICT(account) DO UPDATE SET time = excluded.time, mark = excluded.mark",
                [account, time],
            )

    def decided_since(self, unit: str, mark: int) -> set[int]:
        """The appeals of ``unit`` decided in the audit trail's entries after ``mark``."""
        cur = self.db.execute(
            "SELECT subject FROM audit WHERE action = '复查决定' AND unit = ? AND id > ?", [unit, mark]
        )
        return {int(str(r[0]).removeprefix("appeal:")) for r in cur if str(r[0]).startswith("appeal:")}

    def reminded_on(self, day: str) -> set[str]:
        """The accounts already sent a reminder (audit action 发送提醒) for ``day``."""
        cur = self.db.execute("SELECT subject FROM audit WHERE action = '发送提醒' AND json_extract(detail, '$.date') = ?", [day])
        return {str(r[0]) for r in cur}

    def signed_in(self, account: str, hash_: str | None = None) -> None:
        """A successful sign-in: the failures cleared (and the hash replaced, when it was rehashed with
        newer parameters)."""
        with self._txn():
            if hash_ is None:
                self.db.execute("UPDATE users SET failures = 0, locked_until = NULL WHERE account = ?", [account])
            else:
                self.db.execute("UPDATE users SET failures = 0, locked_until = NULL, hash = ? WHERE account = ?", [hash_, account])

