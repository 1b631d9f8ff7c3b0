"""A department's file checked before it is read: its size, its encoding, its structure and its
declared dimensions against the bureau's limits (``[intake]``, kaohe.scheme.bureau.IntakeLimits).

:func:`check_file` runs before the store's write lock is taken: a file that would take hours or
gigabytes to read (a sheet declaring A1:XFD1048576, a workbook unpacking one 400 MB text, a CSV of
ten million rows, a quote left open that swallows the rest of the file) is refused here, whole, with
a one-line error, and no other command waits for it. It returns the SHA-256 of the bytes it checked:
the reading compares what it reads with it (:class:`HashingReader`), so a file rewritten while it is
read is refused rather than imported half old, half new.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..core.errors import KaoheError
from ..scheme.bureau import IntakeLimits

CHUNK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of a legacy .xls (and of an encrypted .xlsx)."""


def limit_hint(key: str) -> str:
    return f"(上限见配置 [intake] {key})"


# --- CSV -----------------------------------------------------------------------------------------


class StrictDialect(csv.Dialect):
    """A dialect as sniffed, with ``strict``: a quote closed in the middle of a field (``"备注"x``) is
    an error instead of being read on, so a quote left open cannot silently swallow the next rows."""


def dialect_of(sample: str) -> type[csv.Dialect]:
    """The CSV dialect of a file (sniffed from its start: comma, tab or semicolon), strict."""
    base: Any = csv.excel
    try:
        base = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        pass
    return type(
        "Sniffed", (StrictDialect,),
        {
            "delimiter": base.delimiter, "quotechar": base.quotechar or '"', "doublequote": True,  # as Excel writes (the sniffer guesses False without a "")
            "skipinitialspace": base.skipinitialspace, "lineterminator": "\r\n", "quoting": csv.QUOTE_MINIMAL,
            "escapechar": base.escapechar, "strict": True,
        },
    )


def csv_encoding(path: Path) -> tuple[str, str]:
    """(encoding, SHA-256 of the file): UTF-8 (with or without BOM) if the whole file decodes as such,
    else GB18030 (Excel/WPS in China) if it decodes as that; otherwise KaoheError naming the line and
    byte of the first byte that is neither (found with the file's GB18030 reading)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        head = f.read(4)
        _not_a_workbook(path, head)
        f.seek(0)
        utf8 = codecs.getincrementaldecoder("utf-8")()
        ok = True
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
            if ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    ok = False
        if ok:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                ok = False
        if ok:
            return ("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"), digest.hexdigest()
        f.seek(0)
        gb = codecs.getincrementaldecoder("gb18030")()
        offset = line = 0
        for chunk in iter(lambda: f.read(CHUNK), b""):
            try:
                gb.decode(chunk)
            except UnicodeDecodeError as exc:
                _bad_byte(path, chunk, exc, offset, line)
            offset += len(chunk)
            line += chunk.count(b"\n")
        try:
            gb.decode(b"", final=True)
        except UnicodeDecodeError:
            raise KaoheError(f"{path.name}:文件末尾的字符不完整(文件可能被截断),应为 UTF-8 或 GB18030(GBK)编码") from None
    return "gb18030", digest.hexdigest()


def _bad_byte(path: Path, chunk: bytes, exc: UnicodeDecodeError, offset: int, line: int) -> None:
    # the decoder may hold a byte or two of the previous chunk: the position is then approximate by them
    at = max(exc.start, 0)
    line += chunk.count(b"\n", 0, at) + 1
    raise KaoheError(
        f"{path.name} 第{line}行(第{offset + at + 1}字节):无法识别的字节 {chunk[at:at + 2].hex(' ')},"
        "文件应为 UTF-8 或 GB18030(GBK)编码;请用 Excel 或 WPS 重新另存为 CSV"
    )


def _not_a_workbook(path: Path, head: bytes) -> None:
    if head.startswith(ZIP_MAGIC):
        raise KaoheError(f"{path.name}:扩展名是 {path.suffix},内容却是 XLSX 工作簿:请把扩展名改为 .xlsx 再导入")
    if head.startswith(OLE_MAGIC[:4]):
        raise KaoheError(f"{path.name}:扩展名是 {path.suffix},内容却是旧版 Excel(.xls)工作簿:请用 Excel 或 WPS 另存为 .xlsx 再导入")


def csv_error(path: Path, line: int, exc: csv.Error, limits: IntakeLimits, start: int | None = None) -> KaoheError:
    """A CSV parsing error as the user reads it (its line). ``start``: the line where the record
    being read began (a quote left open is there, however many lines later the error is met)."""
    text = str(exc)
    if "field larger than field limit" in text:
        return KaoheError(
            f"{path.name} 第{line}行:有单元格超过 {limits.max_cell_chars} 个字符{limit_hint('max_cell_chars')},"
            "本文件没有导入任何数据"
        )
    if "expected after" in text or "unexpected end of data" in text or "new-line character seen in unquoted field" in text:
        if start is not None and start < line:
            return KaoheError(
                f"{path.name} 第{start}行:引号没有配对(该行某个单元格以引号开头,直到第{line}行仍没有正确结束,"
                "其间的行会被吞进这个单元格),本文件没有导入任何数据;请检查第{start}行的引号".replace("{start}", str(start))
            )
        return KaoheError(
            f"{path.name} 第{line}行:引号没有配对(某个单元格以引号开头却没有以引号结束,"
            "后面的行会被吞进这个单元格),本文件没有导入任何数据;请检查该行及其前几行的引号"
        )
    return KaoheError(f"{path.name} 第{line}行:不是有效的 CSV({text}),本文件没有导入任何数据")


def set_field_limit(limits: IntakeLimits) -> None:
    """The csv module's field limit (a process-wide setting) as the bureau's cell limit."""
    csv.field_size_limit(limits.max_cell_chars)


def _check_csv(path: Path, limits: IntakeLimits) -> tuple[str, str]:
    encoding, digest = csv_encoding(path)
    set_field_limit(limits)
    with path.open(encoding=encoding, newline="") as f:
        dialect = dialect_of(f.read(4096))
        f.seek(0)
        reader = csv.reader(f, dialect)
        rows = 0
        widest = limits.max_columns
        start = 1  # the line where the next record begins
        try:
            for row in reader:
                rows += 1
                if len(row) > widest:
                    raise KaoheError(
                        f"{path.name} 第{reader.line_num}行:有 {len(row)} 列,超过上限 {widest} 列{limit_hint('max_columns')}"
                    )
                start = reader.line_num + 1
        except csv.Error as exc:
            raise csv_error(path, reader.line_num, exc, limits, start) from None
    if rows > limits.max_rows + HEADER_ROWS:
        raise KaoheError(
            f"{path.name}:有 {rows} 行,超过上限 {limits.max_rows} 行{limit_hint('max_rows')};请按月或按单位分成几个文件导入"
        )
    return digest, encoding


class HashingReader(io.RawIOBase):
    """A binary file that hashes every byte read through it (SHA-256), to be compared, once read to
    its end, with the checksum :func:`check_file` took."""

    def __init__(self, raw: io.RawIOBase) -> None:
        self.raw = raw
        self.hash = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.hash.update(memoryview(buffer)[:n])
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


def changed(path: Path) -> KaoheError:
    return KaoheError(f"{path.name}:文件在导入过程中被修改或替换,本文件没有导入任何数据;请在文件不再变动后重新导入")


# --- XLSX ----------------------------------------------------------------------------------------

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")
_SHEET = re.compile(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"|<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]*)\"[^>]*?\bname=\"([^\"]*)\"")
_REL = re.compile(r"<Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"|<Relationship\b[^>]*?\bTarget=\"([^\"]*)\"[^>]*?\bId=\"([^\"]*)\"")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name (xl/worksheets/sheet1.xml) → the sheet's name, as far as the workbook says."""
    try:
        book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return {}
    targets = {}
    for m in _REL.finditer(rels):
        rid, target = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        target = target.lstrip("/")
        targets[rid] = target if target.startswith("xl/") else f"xl/{target}"
    out = {}
    for m in _SHEET.finditer(book):
        name, rid = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        if rid in targets:
            out[targets[rid]] = name
    return out


def _check_xlsx(path: Path, limits: IntakeLimits) -> str:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise KaoheError(f"{path.name}:无法作为 XLSX 工作簿打开({type(exc).__name__}: {exc})") from None
    with zf:
        infos = zf.infolist()
        for info in infos:
            if info.file_size > limits.max_file_bytes:
                raise KaoheError(
                    f"{path.name}:工作簿的部件 {info.filename} 解压后有 {info.file_size / (1 << 20):,.0f} MB,"
                    f"超过上限 {limits.max_file_mb} MB{limit_hint('max_file_mb')}"
                )
        names = _sheet_names(zf)
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                # (a sheet's own texts are checked as its rows are read: openpyxl holds one row at a time)
                _check_dimension(path, zf, info, names.get(info.filename, info.filename), limits)
            elif info.filename.lower().endswith("sharedstrings.xml"):
                _check_strings(path, zf, info, limits, "si")
    return checksum(path)


def _check_dimension(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, limits: IntakeLimits) -> None:
    """The sheet's declared dimension (``<dimension ref="A1:XFD1048576"/>``, near the start of its part)
    within the limits."""
    try:
        with zf.open(info) as f:
            head = f.read(1 << 16)
    except (OSError, zipfile.BadZipFile, RuntimeError) as exc:
        raise KaoheError(f"{path.name}:工作表“{sheet}”无法读取({type(exc).__name__}: {exc})") from None
    m = _DIMENSION.search(head)
    if not m:
        return
    col = m.group(3) or m.group(1) or b"A"
    row = int(m.group(4) or m.group(2) or 1)
    width = _column_number(col.decode())
    if width > limits.max_columns:
        raise KaoheError(
            f"{path.name} 工作表“{sheet}”:声明的范围宽 {width} 列({m.group(0).decode(errors='replace').split('ref=')[-1].strip(chr(34))}),"
            f"超过上限 {limits.max_columns} 列{limit_hint('max_columns')};请删除空白的行列后另存再导入"
        )
    if row > limits.max_rows + HEADER_ROWS:
        raise KaoheError(
            f"{path.name} 工作表“{sheet}”:声明的范围有 {row} 行,超过上限 {limits.max_rows} 行{limit_hint('max_rows')};"
            "请删除空白的行后另存,或分成几个文件导入"
        )


HEADER_ROWS = 15
"""Rows above the data a sheet may hold (a title, notes, the header: kaohe.intake.reader.HEADER_SCAN_ROWS)."""


def _check_strings(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: IntakeLimits, cell: str) -> None:
    """No text longer than the cell limit in a part of the workbook (``cell``: the element a cell's
    text is in, ``si`` in the shared strings, ``c`` in a sheet), read as a stream (expat, in C): a
    workbook's one 400 MB text is refused without being held in memory."""
    most = limits.max_cell_chars
    state = {"length": 0}

    def start(name: str, attributes: Any) -> None:
        if name == cell or name.endswith(f":{cell}"):
            state["length"] = 0

    def text(data: str) -> None:
        state["length"] += len(data)
        if state["length"] > most:
            raise _TooLong()

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.buffer_text = False
    try:
        with zf.open(info) as f:
            for chunk in iter(lambda: f.read(CHUNK), b""):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _TooLong:
        raise KaoheError(
            f"{path.name}:工作簿中有超过 {most} 个字符的单元格{limit_hint('max_cell_chars')},本文件没有导入任何数据"
        ) from None
    except (expat.ExpatError, OSError, zipfile.BadZipFile, RuntimeError) as exc:
        raise KaoheError(f"{path.name}:工作簿的部件 {info.filename} 无法读取({type(exc).__name__}: {exc})") from None


class _TooLong(Exception):
    pass


# --- The file ------------------------------------------------------------------------------------


def checksum(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def check_file(path: Path, limits: IntakeLimits) -> tuple[str, str | None]:
    """The file within the limits, or KaoheError saying what is wrong with it; returns its checksum
    (SHA-256) and, for a CSV, its encoding. Reads the whole file once (twice for a GB18030 CSV, and a CSV is parsed once); runs
    before the store's write lock is taken."""
    if not path.exists():
        raise KaoheError(f"找不到文件 {path}")
    if path.is_dir():
        raise KaoheError(f"{path} 是文件夹,应为 .xlsx 或 .csv 文件")
    if not path.is_file():  # /dev/zero or a pipe named x.csv: its size says 0 and its reading never ends
        raise KaoheError(f"{path} 不是普通文件(设备、管道等),应为 .xlsx 或 .csv 文件")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise KaoheError(
            f"{path.name}:文件有 {size / (1 << 20):,.0f} MB,超过上限 {limits.max_file_mb} MB{limit_hint('max_file_mb')}"
        )
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _check_xlsx(path, limits), None
    if suffix in (".csv", ".txt"):
        return _check_csv(path, limits)
    return checksum(path), None  # the reading says it cannot read this type
