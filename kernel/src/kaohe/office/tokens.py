"""The API's tokens (issue 17 point 7): the office issues a token to a department's system (the 110
dispatch system, the case-handling platform); the system sends it as ``Authorization: Bearer …`` and
acts for that department only (``accounts.API``: it reads what the department reads and imports its
data; kaohe.office.accounts.allowed decides).

A token is 32 random bytes (``secrets``), shown once when made; the store keeps only its SHA-256.
A fast hash is right here, unlike for a password: a password is short and guessable, so its hash
must be slow (argon2id) to make guessing from a stolen database costly; a token has 256 random bits,
which no amount of hashing speed lets anyone guess, and a fast hash lets every API call find its
token by an indexed lookup in microseconds instead of spending ~50 ms of a shared core on argon2.

Every token made or revoked is in the audit trail with the office account that did it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from ..core.errors import KaoheError
from ..scheme.bureau import Bureau
from ..store.actor import now
from ..store.store import Store, StoreBusy
from .accounts import API, TOKEN_ADDED, TOKEN_REVOKED, Actor, departments_of

PREFIX = "kh_"
"""The tokens' prefix: a token found in a log or a file is recognised as kaohe's."""
ACTOR_PREFIX = "api:"
"""The audit trail names what a token did as ``api:<token's name>``."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(
    store: Store, bureau: Bureau, department: str, by: str, name: str | None = None, expires: dt.date | None = None,
    today: dt.date | None = None,
) -> tuple[str, str]:
    """A new token for ``department``: (its name, the token, to be shown once). ``expires``: the last
    day it is valid (None: until revoked)."""
    departments = departments_of(bureau)
    department = department.strip()
    if department not in departments:
        raise KaoheError(f"部门 {department!r} 没有启用的考核项目(应为:{'、'.join(departments)})")
    today = today or dt.date.today()
    if expires is not None and expires < today:
        raise KaoheError(f"有效期 {expires} 早于今天 {today}:应为今天或以后的日期")
    if name is None:
        taken = {t["name"] for t in store.tokens()}
        n = 1
        while f"{department}-{n}" in taken:
            n += 1
        name = f"{department}-{n}"
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() or c in "/\\<>\"'&" for c in name):
        raise KaoheError(f"令牌名称 {name!r} 不对:应为 1-64 个字符,不含空格和 / \\ < > \" ' &")
    if store.token(name=name) is not None:
        raise KaoheError(f"令牌名称 {name} 已存在(名称不能重复:审计记录以它为操作人)")
    token = PREFIX + secrets.token_urlsafe(32)
    with store.writing():
        store.insert_token({
            "name": name, "department": department, "hash": token_hash(token), "created": now(), "creator": by,
            "expires": expires.isoformat() if expires else None,
        })
        store.log(TOKEN_ADDED, by, department=department, subject=name, detail={"expires": expires.isoformat() if expires else None})
    return name, token


def revoke_token(store: Store, name: str, by: str) -> None:
    row = store.token(name=name)
    if row is None:
        raise KaoheError(f"没有名为 {name} 的接口令牌(用 kaohe token list 查看)")
    if row["revoked"]:
        raise KaoheError(f"接口令牌 {name} 已于 {row['revoked']} 吊销")
    with store.writing():
        store.revoke_token(name, now())
        store.log(TOKEN_REVOKED, by, department=str(row["department"]), subject=name)


def token_state(row: dict[str, object], today: dt.date | None = None) -> str:
    """有效, 已吊销, 已过期 (in Chinese, for the list and the refusals)."""
    if row["revoked"]:
        return "已吊销"
    today = today or dt.date.today()
    if row["expires"] and dt.date.fromisoformat(str(row["expires"])) < today:
        return "已过期"
    return "有效"


def token_actor(store: Store, token: str, today: dt.date | None = None) -> Actor | None:
    """The actor of a request bearing ``token``: None when it is no token of this bureau, revoked or
    expired (the caller answers 401 without saying which)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = store.token(hash_=token_hash(token))
    if row is None or token_state(row, today) != "有效":
        return None
    name = str(row["name"])
    return Actor(ACTOR_PREFIX + name, name, API, "", str(row["department"]))


def note_use(store: Store, name: str, when: str | None = None) -> None:
    """When token ``name`` was last used (for ``kaohe token list``), to the minute: written only
    when the minute changed, and never waiting for the write lock (a push being written: the next
    request notes it), so that a read by token never waits for a writer."""
    when = when or now()
    row = store.token(name=name)
    if row is None or str(row["last_used"] or "")[:16] >= when[:16]:
        return
    try:
        with store.without_waiting():
            store.token_used(name, when)
    except StoreBusy:
        pass
