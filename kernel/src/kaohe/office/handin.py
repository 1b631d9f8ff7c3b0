"""A department hands in its file online (issue 17, point 1): the file uploaded is kept beside the
bureau's database (``<database>.handin/<token>/``) with its checksum, checked by a dry run of the
import with the department's own adapters only (nothing stored), shown to the department, and then
either imported — exactly the file that was checked, its checksum compared — or cancelled (the file
deleted). An upload neither confirmed nor cancelled expires after ``EXPIRES_HOURS``.

A confirmation takes the upload first (its folder renamed, which only one request can do) and holds
a lock on it (``flock``) while it imports, so a form sent twice imports the file once; the import
itself goes through the store's one writer, as ``kaohe ingest`` does (kaohe.office.ingest). A worker
killed mid-import (issue 22, point 3) leaves its import uncommitted — the store rolls it back — and
its taken upload unlocked (the system releases a dead process's lock): the upload is waiting again,
to be confirmed once more, and nothing the department sent is lost."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from ..contract.registry import Registry
from ..core.errors import KaoheError
from ..intake.staging import IngestReport
from ..scheme.bureau import Bureau
from ..store.store import Store
from .ingest import ingest

EXPIRES_HOURS = 24
"""An upload not confirmed or cancelled within this many hours is deleted."""
MAX_WAITING = 10
"""Uploads one department may leave waiting (checked, neither confirmed nor cancelled) at a time: each
is kept on disk for up to ``EXPIRES_HOURS``, so without a bound one account could fill the disk."""
SUFFIXES = (".xlsx", ".csv")
"""The types a department may upload (as ``kaohe ingest`` reads them)."""
SHOWN_REJECTIONS = 200
"""Rejected rows listed one by one on the dry run's page (beyond them: counted by column and reason)."""
META = "handin.json"
CANCELLED = "取消上报"


@attrs.frozen
class Upload:
    """An uploaded file waiting for its department's decision."""

    token: str
    account: str
    department: str
    file: str
    checksum: str
    size: int
    received: str
    check: dict[str, Any]
    """The dry run: adapter, title, rows, accepted, rejected (sheet, row, column, what was expected),
    new, changed, unchanged, notes."""


def area(bureau: Bureau) -> Path:
    """The folder of the uploads waiting for a decision, beside the bureau's database
    (:attr:`Bureau.beside_database`)."""
    return Path(bureau.beside_database + ".handin")


def wrong_type(name: str) -> str | None:
    """Why a file named ``name`` is not taken (in Chinese), or None."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        return f"{name or '(无文件名)'}:不接受{suffix or '无扩展名'}文件,只接受 XLSX(.xlsx)或 CSV(.csv)文件;旧版 .xls 请先另存为 .xlsx"
    return None


def safe_name(name: str) -> str:
    """The uploaded file's name without any folder, control or path sign (kept for the messages)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip(". ")
    return cleaned[:120] or "upload"


def checksum(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def new_folder(bureau: Bureau) -> tuple[str, Path]:
    """A fresh folder for one upload (the upload is streamed into it), and its token."""
    root = area(bureau)
    root.mkdir(mode=0o700, exist_ok=True)
    token = secrets.token_urlsafe(18)
    folder = root / token
    folder.mkdir(mode=0o700)
    return token, folder


def check(
    store: Store, bureau: Bureau, registry: Registry, token: str, file: str, *, account: str, department: str,
) -> Upload:
    """The dry run of the upload ``token`` (its file already in its folder, named ``file``), with the
    department's own adapters only; recorded beside the file. A file that cannot be read at all (of
    another department, unreadable, beyond the limits) is deleted and KaoheError says why."""
    folder = area(bureau) / token
    path = folder / file
    try:
        digest = checksum(path)
        report = ingest(store, bureau, registry, path, dry_run=True, department=department, actor=account)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    upload = Upload(
        token=token, account=account, department=department, file=file, checksum=digest, size=path.stat().st_size,
        received=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), check=summary(report, registry),
    )
    (folder / META).write_text(json.dumps(attrs.asdict(upload), ensure_ascii=False), encoding="utf-8")
    return upload


def summary(report: IngestReport, registry: Registry) -> dict[str, Any]:
    """What a dry run says, as plain data."""
    adapter = registry.adapters.get(report.adapter)
    return {
        "adapter": report.adapter, "title": adapter.title if adapter else report.adapter, "department": report.department,
        "rows": report.rows, "accepted": report.accepted, "rejected_total": report.rejected_total,
        "rejected": [
            {"sheet": r.sheet, "row": r.row, "column": r.column, "message": r.message, "text": r.text()}
            for r in report.rejected[:SHOWN_REJECTIONS]
        ],
        "by_reason": report.summary()[:20] if report.rejected_total > SHOWN_REJECTIONS else [],
        "new": report.new, "changed": report.changed, "unchanged": report.unchanged, "notes": list(report.notes),
    }


def pending(bureau: Bureau, token: str, department: str) -> Upload:
    """The upload ``token`` of ``department``, still waiting (KaoheError otherwise: unknown, another
    department's, already confirmed or cancelled, or expired)."""
    gone = KaoheError("这次上报已确认、已取消或已过期:请重新上传文件")
    if not token or "/" in token or token.startswith(".") or token != token.strip():
        raise gone
    meta = area(bureau) / token / META
    if not meta.is_file() and abandoned(bureau, token):  # taken by a worker that died mid-import
        meta = _taken(bureau, token) / META
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise gone from None
    upload = Upload(**data)
    if upload.department != department:
        raise KaoheError("这是其他部门上传的文件,无权查看或导入")
    if _expired(upload.received):
        shutil.rmtree(meta.parent, ignore_errors=True)
        raise gone
    return upload


def _taken(bureau: Bureau, token: str) -> Path:
    """Where a confirmation moves the upload ``token`` while it imports it."""
    return area(bureau) / f".{token}.taken"


LOCK = ".lock"


def abandoned(bureau: Bureau, token: str) -> bool:
    """Whether the upload ``token`` was taken by a confirmation whose worker died before it ended
    (its folder still there, its lock free)."""
    taken = _taken(bureau, token)
    if not (taken / META).is_file():
        return False
    try:
        fd = os.open(taken / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a confirmation is importing it now
    finally:
        os.close(fd)  # closing releases a lock taken here
    return (taken / META).is_file()


@contextmanager
def taking(bureau: Bureau, token: str) -> Iterator[Path]:
    """The upload ``token`` taken for a confirmation or a cancellation — its folder renamed, or left
    by a worker that died while it held it — with its lock held until the end (KaoheError: already
    taken and finished, being imported by another request, or unknown)."""
    gone = KaoheError("这次上报已确认、已取消或已过期:请重新上传文件")
    if not token or "/" in token or token.startswith(".") or token != token.strip():
        raise gone
    taken = _taken(bureau, token)
    try:
        (area(bureau) / token).rename(taken)  # atomic: one request takes it
    except OSError:
        if not taken.is_dir():
            raise gone from None
    try:
        fd = os.open(taken / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # finished and deleted meanwhile
        raise gone from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise KaoheError("这次上报正在导入(已由另一请求确认):请稍后刷新“数据上报”页查看结果") from None
        if not (taken / META).is_file():  # the one before finished while this one waited to lock
            raise gone
        yield taken
    finally:
        os.close(fd)


def waiting(bureau: Bureau, department: str) -> list[Upload]:
    """The department's uploads waiting for a decision, oldest first (expired ones are deleted)."""
    sweep(bureau)
    out = []
    root = area(bureau)
    if not root.is_dir():
        return []
    for folder in root.iterdir():
        token = folder.name
        if token.startswith(".") and token.endswith(".taken") and abandoned(bureau, token[1:-len(".taken")]):
            token = token[1:-len(".taken")]  # left by a worker that died mid-import: waiting again
        elif folder.name.startswith(".") or not (folder / META).is_file():
            continue
        try:
            out.append(pending(bureau, token, department))
        except KaoheError:
            continue
    return sorted(out, key=lambda u: u.received)


def make_room(bureau: Bureau, department: str) -> None:
    """KaoheError when ``department`` already has ``MAX_WAITING`` uploads waiting (a new one is not kept)."""
    held = waiting(bureau, department)
    if len(held) >= MAX_WAITING:
        raise KaoheError(
            f"本部门已有 {len(held)} 个上传待确认(至多 {MAX_WAITING} 个):请先在“数据上报”页确认或取消,再上传新文件"
        )


def confirm(
    store: Store, bureau: Bureau, registry: Registry, token: str, *, account: str, department: str,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Import the upload ``token``: exactly the file that was checked (its checksum compared), with
    the adapter the check found, ``account`` as the actor in the audit trail. The upload is taken
    first (only one confirmation can: :func:`taking`), and deleted once the import is committed or
    refused; a worker killed meanwhile leaves it waiting again (:func:`abandoned`)."""
    upload = pending(bureau, token, department)
    with taking(bureau, token) as taken:
        try:
            path = taken / upload.file
            if not path.is_file() or checksum(path) != upload.checksum:
                raise KaoheError(f"{upload.file}:文件在检查后被改动(校验值不符),未导入;请重新上传")
            return ingest(
                store, bureau, registry, path, actor=account, department=department, adapter_id=upload.check["adapter"], progress=progress,
            )
        finally:
            shutil.rmtree(taken, ignore_errors=True)


def cancel(store: Store, bureau: Bureau, token: str, *, account: str, department: str) -> Upload:
    """Cancel the upload ``token``: its file deleted; the cancellation in the audit trail."""
    upload = pending(bureau, token, department)
    with taking(bureau, token) as taken:
        shutil.rmtree(taken, ignore_errors=True)
    store.log(CANCELLED, account, department=department, subject=upload.file, detail={"checksum": upload.checksum})
    return upload


def sweep(bureau: Bureau) -> None:
    """Delete the uploads past ``EXPIRES_HOURS``, and any left half-taken or half-received as long."""
    root = area(bureau)
    if not root.is_dir():
        return
    limit = dt.datetime.now(dt.timezone.utc).timestamp() - EXPIRES_HOURS * 3600
    for folder in root.iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _expired(received: str) -> bool:
    try:
        when = dt.datetime.fromisoformat(received)
    except ValueError:
        return True
    return dt.datetime.now(dt.timezone.utc) - when > dt.timedelta(hours=EXPIRES_HOURS)
