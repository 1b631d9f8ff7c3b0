"""The API's tokens (schema version 7, issue 17 point 7): one row per token the office issued to a
department's system (kaohe.office.tokens).

Table ``tokens``: its name (unique: the audit trail's actor for what the token does), the department
it acts for, the SHA-256 of the token (the token itself is shown once and never stored), when it was
made and by whom, when it expires (None: never), when it was revoked, and when it was last used.
Like ``users``, rows here change; every change is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import sqlite_utils

TOKEN_COLUMNS = ("name", "department", "hash", "created", "creator", "expires", "revoked", "last_used")


def migrate_7(db: sqlite_utils.Database) -> None:
    db.table("tokens").create(
        {
            "name": str, "department": str, "hash": str, "created": str, "creator": str, "expires": str, "revoked": str,
            "last_used": str,
        },
        pk="name",
        not_null={"name", "department", "hash", "created"},
    )
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS [idx_tokens_hash] ON [tokens] ([hash])")


class Tokens:
    """The methods of :class:`kaohe.store.Store` over ``tokens`` (mixed into it)."""

    db: sqlite_utils.Database

    _txn: Callable[[], AbstractContextManager[None]]  # kaohe.store.ledger.Ledger's

    def tokens(self) -> list[dict[str, Any]]:
        """Every token (without its hash), by department and name."""
        cols = [c for c in TOKEN_COLUMNS if c != "hash"]
        cur = self.db.execute(f"SELECT {', '.join(cols)} FROM tokens ORDER BY department, name")
        return [dict(zip(cols, row, strict=True)) for row in cur]

    def token(self, *, name: str | None = None, hash_: str | None = None) -> dict[str, Any] | None:
        """The token named ``name``, or the one whose hash is ``hash_``; None when there is none."""
        where, arg = ("name = ?", name) if name is not None else ("hash = ?", hash_)
        row = self.db.execute(f"SELECT {', '.join(TOKEN_COLUMNS)} FROM tokens WHERE {where}", [arg]).fetchone()
        return dict(zip(TOKEN_COLUMNS, row, strict=True)) if row else None

    def insert_token(self, row: dict[str, Any]) -> None:
        with self._txn():
            self.db.execute(
                "INSERT INTO tokens (name, department, hash, created, creator, expires) VALUES (?, ?, ?, ?, ?, ?)",
                [row["name"], row["department"], row["hash"], row["created"], row["creator"], row.get("expires")],
            )

    def revoke_token(self, name: str, when: str) -> None:
        with self._txn():
            self.db.execute("UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", [when, name])

    def token_used(self, name: str, when: str) -> None:
        """When the token was last used (kaohe.office.tokens.note_use: at most once a minute)."""
        with self._txn():
            self.db.execute(
                "UPDATE tokens SET last_used = ? WHERE name = ? AND (last_used IS NULL OR substr(last_used, 1, 16) < substr(?, 1, 16))",
                [when, name, when],
            )
