"""An appeal's evidence files (kaohe.office.evidence): the kind by content, the limits, kept by SHA-256
outside the database, read back checked."""

from __future__ import annotations

import hashlib

import pytest

from kaohe.core.errors import KaoheError
from kaohe.office import evidence as ev
from kaohe.scheme.bureau import EvidenceLimits

LIMITS = EvidenceLimits(max_bytes=1024, max_files=2)


@pytest.mark.parametrize(
    ("data", "mime", "inline"),
    [
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg", True),
        (b"\x89PNG\r\n\x1a\n....", "image/png", True),
        (b"GIF89a..", "image/gif", True),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp", True),
        (b"II*\x00\x08\x00", "image/tiff", False),  # a scan: downloaded, browsers do not show TIFF
        (b"%PDF-1.7\n", "application/pdf", True),
    ],
)
def test_the_kind_is_read_from_the_content(data, mime, inline):
    kind = ev.kind_of(data)
    assert kind is not None and (kind.mime, kind.inline) == (mime, inline)


@pytest.mark.parametrize(
    ("uploads", "message"),
    [
        ([ev.Upload("a.pdf", b"%PDF-1"), ev.Upload("b.pdf", b"%PDF-2"), ev.Upload("c.pdf", b"%PDF-3")], "至多 2 个文件,收到 3 个"),
        ([ev.Upload("a.pdf", b"%PDF-" + b"0" * 1020)], "证据文件 a.pdf 太大:每个文件至多 1024 字节"),
        ([ev.Upload("a.svg", b"<svg onload=alert(1)>")], "证据文件 a.svg 的内容不是照片、PDF 或扫描件"),
        ([ev.Upload("a.png", b"%PDF-1")], "内容是PDF 文件,与文件名的扩展名“.png”不符:应为 .pdf"),
        ([ev.Upload("a.pdf", b"")], "证据文件 a.pdf 是空文件"),
    ],
)
def test_refused_files_are_named_with_what_was_expected(uploads, message):
    with pytest.raises(KaoheError) as err:
        ev.check(uploads, LIMITS)
    assert message in str(err.value)


def test_a_file_is_kept_once_by_its_sha256_and_read_back_checked(tmp_path):
    data = b"%PDF-1.4 evidence"
    checked = ev.check([ev.Upload("C:\\扫描\\到场记录.PDF", data)], LIMITS)
    assert checked[0].name == "到场记录.PDF"  # the folder dropped; the extension's case does not matter
    digest = hashlib.sha256(data).hexdigest()
    assert ev.keep(checked, tmp_path) == [tmp_path / digest[:2] / digest]
    assert ev.keep(checked, tmp_path) == []  # already kept: not written again
    assert ev.read(tmp_path, checked[0].meta()) == data
    (tmp_path / digest[:2] / digest).write_bytes(b"%PDF-1.4 altered!")
    with pytest.raises(KaoheError, match="已被改动"):
        ev.read(tmp_path, checked[0].meta())
    with pytest.raises(KaoheError, match="校验码"):
        ev.read(tmp_path, {"name": "x", "sha256": "../../etc/passwd"})
