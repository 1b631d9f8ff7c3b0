"""An appeal's evidence files (issue 17, point 5): photos, PDFs and scanned documents a unit sends with
its appeal on the site.

A file is accepted when its CONTENT is one of the kinds below (its first bytes; the name's extension
must agree), within ``[appeals] evidence_max_mb`` and with at most ``evidence_max_files`` files per
appeal. It is kept outside the database, under the bureau's evidence directory, named by its SHA-256
(the same file sent twice is kept once; a file is never overwritten); the database keeps its name,
kind, size and SHA-256 in the appeal's audit entry. Reading it back checks the SHA-256 again."""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from ..core.errors import KaoheError
from ..scheme.bureau import EvidenceLimits
from ..store.store import Store


@attrs.frozen
class Kind:
    mime: str
    name: str
    """What a person calls it (in messages)."""
    extensions: tuple[str, ...]
    inline: bool
    """Shown in the browser (an image or a PDF it displays); any other is served as a download."""


JPEG = Kind("image/jpeg", "JPEG 图片", (".jpg", ".jpeg"), True)
PNG = Kind("image/png", "PNG 图片", (".png",), True)
GIF = Kind("image/gif", "GIF 图片", (".gif",), True)
WEBP = Kind("image/webp", "WebP 图片", (".webp",), True)
TIFF = Kind("image/tiff", "TIFF 扫描件", (".tif", ".tiff"), False)
PDF = Kind("application/pdf", "PDF 文件", (".pdf",), True)
KINDS = (JPEG, PNG, GIF, WEBP, TIFF, PDF)
ACCEPTED = "、".join(e for k in KINDS for e in k.extensions)
"""The extensions accepted, for the messages and the form's ``accept``."""


def kind_of(data: bytes) -> Kind | None:
    """The kind of a file by its first bytes (its signature), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def kind_by_mime(mime: str) -> Kind | None:
    return next((k for k in KINDS if k.mime == mime), None)


@attrs.frozen
class Upload:
    """A file as sent: its name and its bytes (``data`` read up to one byte beyond the limit)."""

    name: str
    data: bytes = attrs.field(repr=False)


@attrs.frozen
class Checked:
    name: str
    kind: Kind
    data: bytes = attrs.field(repr=False)
    sha256: str

    def meta(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.kind.mime, "size": len(self.data), "sha256": self.sha256}


def clean_name(name: str) -> str:
    """The file's own name without a folder, control characters or more than 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return base[-120:] or "文件"


def check(uploads: Sequence[Upload], limits: EvidenceLimits) -> list[Checked]:
    """The files, checked (count, size, kind by content agreeing with the extension), or a KaoheError
    naming the first file refused and what was expected."""
    uploads = [u for u in uploads if u.name or u.data]  # a file field left empty
    if len(uploads) > limits.max_files:
        raise KaoheError(f"证据文件太多:一件复查申请至多 {limits.max_files} 个文件,收到 {len(uploads)} 个")
    most = f"{limits.max_bytes >> 20} MB" if limits.max_bytes % (1 << 20) == 0 else f"{limits.max_bytes} 字节"
    out = []
    for u in uploads:
        name = clean_name(u.name)
        if not u.data:
            raise KaoheError(f"证据文件 {name} 是空文件")
        if len(u.data) > limits.max_bytes:
            raise KaoheError(f"证据文件 {name} 太大:每个文件至多 {most}")
        kind = kind_of(u.data)
        if kind is None:
            raise KaoheError(f"证据文件 {name} 的内容不是照片、PDF 或扫描件(应为 {ACCEPTED}),不予接收")
        ext = os.path.splitext(name)[1].lower()
        if ext not in kind.extensions:
            raise KaoheError(
                f"证据文件 {name} 的内容是{kind.name},与文件名的扩展名“{ext or '(无)'}”不符:应为 {'、'.join(kind.extensions)}"
            )
        out.append(Checked(name, kind, u.data, hashlib.sha256(u.data).hexdigest()))
    return out


def path_of(directory: str | Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise KaoheError(f"证据文件的校验码 {sha256!r} 不对")
    return Path(directory) / sha256[:2] / sha256


def keep(files: Sequence[Checked], directory: str | Path) -> list[Path]:
    """Write the files not kept yet (each whole: written aside, then renamed into place); the paths
    written now (so that a filing refused afterwards can remove them)."""
    written: list[Path] = []
    for f in files:
        target = path_of(directory, f.sha256)
        if target.exists():
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
            with os.fdopen(fd, "wb") as out:
                out.write(f.data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            forget(written)
            raise KaoheError(f"无法保存证据文件 {f.name} 到 {target.parent}:{exc.strerror}") from None
        written.append(target)
    return written


def forget(paths: Sequence[Path]) -> None:
    for p in paths:
        try:
            p.unlink()
        except OSError:
            pass


def read(directory: str | Path, meta: dict[str, Any]) -> bytes:
    """A kept file's bytes, checked against its SHA-256."""
    path = path_of(directory, str(meta.get("sha256", "")))
    try:
        data = path.read_bytes()
    except OSError:
        raise KaoheError(f"证据文件 {meta.get('name')} 不在 {path.parent} 中(已被移走或删除),请联系考核办") from None
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        raise KaoheError(f"证据文件 {meta.get('name')} 已被改动(校验码不符),不予提供,请联系考核办")
    return data


def unchanged(store: Store, directory: str | Path) -> tuple[int, list[str]]:
    """``kaohe verify``'s check of the evidence files kept outside the database: each file an appeal
    or a self-report refers to is still in ``directory`` with the SHA-256 recorded when it was filed.
    Returns how many were checked and one line for each that is missing or changed."""
    findings: list[str] = []
    kept = store.kept_evidence()
    for subject, meta in kept:
        kind, _, number = subject.partition(":")
        whose = f"{'复查申请' if kind == 'appeal' else '工作自报'}第{number}号的证据文件 {meta.get('name')}"
        try:
            path = path_of(directory, str(meta.get("sha256", "")))
        except KaoheError:
            findings.append(f"{whose}:记录的校验码 {meta.get('sha256')!r} 不对")
            continue
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            findings.append(f"{whose} 不在 {path.parent} 中(被移走或删除)")
            continue
        if digest.hexdigest() != meta["sha256"]:
            findings.append(f"{whose} 已被改动(校验码与提交时记录的不符)")
    return len(kept), findings
