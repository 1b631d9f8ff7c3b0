"""Reading a department's export (XLSX or CSV) through the adapter its plugin declares.

Streaming: rows are read one at a time (openpyxl read-only mode, csv reader), never a whole table
in memory (a workbook's file, compressed, is held while it is read: what is parsed is then exactly
what was hashed). The file is first checked against the bureau's limits (kaohe.guard). Each bad row is reported with file, sheet, row, column and what was expected; the store
decides whether the good rows are kept (default) or the whole file is refused (``--strict``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from .adapters import SHOWN_CHARS, Adapter, CellError, Column, Draft, PercentCell, converter
from . import guard
from .bureau import Bureau, IntakeLimits
from .decimals import D, cell_problem
from .errors import KaoheError
from .guard import CHUNK, HashingReader, changed, checksum, csv_encoding, csv_error, dialect_of, limit_hint, set_field_limit
from .model import Record
from .periods import Period
from .plugins import Registry

HEADER_SCAN_ROWS = 15


@attrs.frozen
class Rejection:
    """One bad row: where it is and what was expected."""

    file: str
    sheet: str
    row: int
    column: str
    message: str

    def text(self) -> str:
        where = f"{self.file}" + (f" 工作表“{self.sheet}”" if self.sheet else "") + f" 第{self.row}行"
        if self.column:
            where += f" “{self.column}”列"
        return f"{where}:{self.message}"


@attrs.frozen
class Source:
    """Where a record came from."""

    file: str
    sheet: str
    row: int


@attrs.define
class Export:
    """The result of reading one file."""

    file: str
    adapter: Adapter
    checksum: str
    records: list[Record] = attrs.field(factory=list)
    sources: list[Source] = attrs.field(factory=list)
    rejected: list[Rejection] = attrs.field(factory=list)
    rows: int = 0
    duplicates: int = 0


# --- Reading tables --------------------------------------------------------------------------------


_ENCODINGS: dict[tuple[str, int, int], str] = {}
"""The encoding :func:`kaohe.guard.check_file` found for a CSV (by path, size and time), so that
reading it (here, or in a reading process forked after the check) does not decode it once more."""


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the file decodes as such, else GB18030 (Excel/WPS in China)."""
    st = path.stat()
    known = _ENCODINGS.get((str(path), st.st_size, st.st_mtime_ns))
    if known is not None:
        return known
    return csv_encoding(path)[0]


def check_file(path: Path, limits: IntakeLimits) -> str:
    """:func:`kaohe.guard.check_file` (the file within the bureau's limits; its checksum), remembering
    a CSV's encoding for its reading."""
    digest, encoding = guard.check_file(path, limits)
    if encoding is not None:
        st = path.stat()
        _ENCODINGS.clear()
        _ENCODINGS[(str(path), st.st_size, st.st_mtime_ns)] = encoding
    return digest


def _csv_rows(
    path: Path, limits: IntakeLimits | None = None, digest: str | None = None
) -> Iterator[tuple[str, Iterator[Sequence[Any]]]]:
    """The table of a CSV. With ``digest`` (the checksum :func:`check_file` took), what is read is
    hashed on the way and compared with it at the end: a file rewritten while it is read is refused."""
    limits = limits or IntakeLimits()
    encoding = _csv_encoding(path)
    set_field_limit(limits)
    try:
        with path.open(encoding=encoding, newline="") as f:
            dialect = dialect_of(f.read(4096))
    except UnicodeDecodeError:
        raise KaoheError(f"{path}:无法识别文件编码,应为 UTF-8 或 GB18030(GBK)") from None
    raw = HashingReader(path.open("rb", buffering=0))
    f = io.TextIOWrapper(io.BufferedReader(raw, CHUNK), encoding=encoding, newline="")

    def rows() -> Iterator[Sequence[Any]]:
        with f:
            reader = csv.reader(f, dialect)
            try:
                yield from reader
            except (csv.Error, UnicodeDecodeError) as exc:
                if digest is not None and checksum(path) != digest:
                    raise changed(path) from None  # truncated or rewritten while read: say so
                if isinstance(exc, csv.Error):
                    raise csv_error(path, reader.line_num, exc, limits) from None
                raise KaoheError(
                    f"{path.name} 第{reader.line_num + 1}行附近:无法识别的字节,文件应为 UTF-8 或 GB18030(GBK)编码"
                ) from None
            if digest is not None and raw.hash.hexdigest() != digest:
                raise changed(path)

    yield "", rows()


def _xlsx_rows(
    path: Path, limits: IntakeLimits | None = None, digest: str | None = None
) -> Iterator[tuple[str, Iterator[Sequence[Any]]]]:
    """The sheets of a workbook, read from the bytes of the file read at once (what is parsed is
    what was hashed: compared with ``digest``, the checksum :func:`check_file` took)."""
    import openpyxl  # heavy: imported only when reading a workbook

    limits = limits or IntakeLimits()
    data = path.read_bytes()
    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        raise changed(path)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise KaoheError(f"{path}:无法作为 XLSX 工作簿打开({type(exc).__name__}: {exc})") from None
    del data
    try:
        for ws in wb.worksheets:
            yield ws.title, _xlsx_values(path, ws, limits)
    finally:
        wb.close()


def _xlsx_values(path: Path, ws: Any, limits: IntakeLimits) -> Iterator[list[Any]]:
    """Cell values as the user sees them: a number in a percentage-formatted cell is multiplied by
    100 (the cell that shows 100% holds 1). The sheet's declared dimension is checked, then set aside:
    rows are as wide as their cells, not padded to what the sheet declares."""
    where = f"{path.name} 工作表“{ws.title}”"
    if (ws.max_column or 0) > limits.max_columns or (ws.max_row or 0) > limits.max_rows + guard.HEADER_ROWS:
        raise KaoheError(
            f"{where}:声明的范围 {ws.max_row} 行 × {ws.max_column} 列,超过上限 {limits.max_rows} 行、"
            f"{limits.max_columns} 列{limit_hint('max_rows、max_columns')}"
        )
    ws.reset_dimensions()
    most, widest = limits.max_cell_chars, limits.max_columns
    n = 0
    try:
        for n, row in enumerate(ws.iter_rows(), start=1):
            if len(row) > widest:
                raise KaoheError(f"{where} 第{n}行:有 {len(row)} 列,超过上限 {widest} 列{limit_hint('max_columns')}")
            values = []
            for cell in row:
                v = cell.value
                if v.__class__ is str:
                    if len(v) > most:
                        raise KaoheError(
                            f"{where} 第{n}行:有单元格超过 {most} 个字符{limit_hint('max_cell_chars')},本文件没有导入任何数据"
                        )
                elif isinstance(v, int | float) and not isinstance(v, bool) and "%" in (cell.number_format or ""):
                    v = PercentCell(D(v) * 100) if math.isfinite(v) else v
                values.append(v)
            yield values
    except KaoheError:
        raise
    except Exception as exc:  # openpyxl on a malformed sheet (a value it cannot convert, bad XML)
        raise KaoheError(f"{where} 第{n + 1}行附近:无法读取({type(exc).__name__}: {str(exc)[:200]})") from None


def tables(
    path: Path, limits: IntakeLimits | None = None, digest: str | None = None
) -> Iterator[tuple[str, Iterator[Sequence[Any]]]]:
    """(sheet name, row iterator) for each sheet of a workbook, or the one table of a CSV, within
    ``limits``; with ``digest``, what is read must be the file that was checked (see _csv_rows)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, limits, digest)
    if suffix in (".csv", ".txt"):
        return _csv_rows(path, limits, digest)
    raise KaoheError(f"{path}:不支持的文件类型 {suffix or '(无扩展名)'},应为 .xlsx 或 .csv")


# --- Finding the header and the adapter -----------------------------------------------------------


def _cells(row: Sequence[Any]) -> list[str]:
    return ["" if c is None else str(c).strip() for c in row]


def _match(adapter: Adapter, header: list[str]) -> dict[str, int] | None:
    """Column key → index in the header, if every required column is present."""
    found: dict[str, int] = {}
    for col in adapter.columns:
        for i, h in enumerate(header):
            if h in col.headers:
                found[col.key] = i
                break
    if all(c.key in found for c in adapter.required()):
        return found
    return None


def _choose(adapters: Sequence[Adapter], header: list[str]) -> tuple[Adapter, dict[str, int]] | None:
    best: tuple[int, Adapter, dict[str, int]] | None = None
    for ad in adapters:
        m = _match(ad, header)
        if m is not None and (best is None or len(m) > best[0]):
            best = (len(m), ad, m)
    return None if best is None else (best[1], best[2])


def _closest(adapters: Sequence[Adapter], headers: list[list[str]]) -> str:
    best = None
    for ad in adapters:
        for h in headers:
            score = ad.header_score(h)
            if best is None or score > best[0]:
                missing = [c.name for c in ad.required() if not any(x in h for x in c.headers)]
                best = (score, ad, missing)
    if best is None or best[0] == 0:
        names = "、".join(f"{a.title}({a.department})" for a in adapters) or "(无:未安装任何部门插件)"
        return f"表头与任何已安装插件的数据格式都不符。可导入的格式:{names}"
    _, ad, missing = best
    return f"最接近“{ad.title}”({ad.department}),但缺少列:{'、'.join(missing)}"


# --- Reading an export ----------------------------------------------------------------------------


class _Checker:
    """Checks drafts against the bureau: the unit exists, the date is acceptable, rules' bounds."""

    def __init__(self, bureau: Bureau, earliest: dt.date | None, latest: dt.date | None) -> None:
        self.bureau = bureau
        self.earliest, self.latest = earliest, latest
        self.checks: dict[str, list[Any]] = {}
        for item in bureau.items:
            rule = item.rule
            checks = getattr(rule, "checks_records", None)
            if checks is not None and not checks():
                continue  # the rule has nothing to check (a shape's default check, fixed points)
            for kind in item.reads:
                self.checks.setdefault(kind, []).append(item)
        self._units = {n: u for u in bureau.units for n in u.names}
        self._headers: dict[str, tuple[str, str]] = {}
        self._read = {kind for item in bureau.items for kind in item.reads}
        """The kinds the bureau's items read (a register naming its kinds is checked against them)."""

    def _columns(self, adapter: Adapter) -> tuple[str, str]:
        """The headers of the adapter's unit and date columns (for messages), computed once."""
        cols = self._headers.get(adapter.id)
        if cols is None:
            ucol = adapter.column(adapter.unit_column).name if _has(adapter, adapter.unit_column) else "单位"
            dcol = adapter.column(adapter.date_column).name if _has(adapter, adapter.date_column) else "日期"
            cols = self._headers[adapter.id] = (ucol, dcol)
        return cols

    def record(self, draft: Draft, adapter: Adapter) -> tuple[Record | None, str, str]:
        """(record, column, message): a record, or the column and reason it is refused."""
        unit = self._units.get(str(draft.unit).strip())
        if unit is None:
            return None, self._columns(adapter)[0], f"单位“{_cut(str(draft.unit))}”不是本局的考核单位(见单位名单;别名可在配置中添加)"
        date = draft.date
        if date.__class__ is not dt.date:
            if isinstance(date, Period):
                date = self.bureau.calendar.end(date)
            elif isinstance(date, dt.datetime):
                date = date.date()
            if not isinstance(date, dt.date):
                return None, self._columns(adapter)[1], f"应为日期,得到 {date!r}"
        problem = None
        if self.earliest and date < self.earliest:
            problem = f"日期 {date} 早于本局考核数据的起始日期 {self.earliest}"
        elif self.latest and date > self.latest:
            problem = f"日期 {date} 晚于今天,不能导入未来的数据"
        elif not unit.active(date, date):
            problem = f"{date} 单位“{unit.name}”不存在(设立/撤并日期见单位名单)"
        if problem:
            return None, self._columns(adapter)[1], problem
        if adapter.kind_column is not None and draft.kind not in self._read:
            column = adapter.column(adapter.kind_column).name if _has(adapter, adapter.kind_column) else "记录类型"
            known = sorted(k for k in self._read if any(k == c or k.startswith(f"{c}.") for c in adapter.kinds))
            return None, column, (
                f"没有考核项目读取记录类型“{_cut(draft.kind)}”(本局可用:{'、'.join(known) or '无'});"
                "请核对拼写,或先在配置中设立读取它的项目"
            )
        attributes = draft.attrs
        value = None if draft.value is None else D(draft.value)
        if value is not None:
            # a value the adapter made itself (from a text column, a sum): finite and not absurd either
            problem = cell_problem(value)
            if problem:
                return None, draft.column or "", problem
        rec = Record(
            draft.key.replace("{unit}", unit.id),
            draft.kind,
            unit.id,
            date,
            value,
            attributes if attributes.__class__ is dict else dict(attributes),  # the draft's own dict (drafts are not kept)
            draft.note,
        )
        for item in self.checks.get(draft.kind, ()):
            problem = item.rule.check(rec)
            if problem:
                return None, draft.column or "", f"{problem}(考核项目“{item.title}”,{item.reference})"
        return rec, "", ""


def _cut(text: str, most: int = SHOWN_CHARS) -> str:
    """A cell's text as a message quotes it: cut short (a cell may hold 32,767 characters)."""
    return text if len(text) <= most else f"{text[:most]}…(共 {len(text)} 个字符)"


def _has(adapter: Adapter, key: str) -> bool:
    return any(c.key == key for c in adapter.columns)


def iter_export(
    path: Path,
    bureau: Bureau,
    registry: Registry,
    adapter_id: str | None = None,
    earliest: dt.date | None = None,
    today: dt.date | None = None,
    only: Callable[[int], bool] | None = None,
    digest: str | None = None,
) -> tuple[Adapter, Generator[tuple[Record | None, Source, Rejection | None], None, int]]:
    """Find the file's adapter and yield (record, source, None) or (None, source, rejection), row by
    row. Raises KaoheError when the file as a whole cannot be read (no matching header, wrong type).
    ``only``: the rows (by number in the file) to convert, the others are read and skipped (each of
    several reading processes takes its share: kaohe.staging). The generator returns the number of
    the file's last row. ``digest``: the checksum :func:`check_file` took; the file read must be that
    file (KaoheError at the end otherwise). The bureau's limits (``[intake]``) bound the rows, their
    width and their cells' length."""
    path = Path(path)
    limits = bureau.limits
    if not path.exists():
        raise KaoheError(f"找不到文件 {path}")
    if adapter_id is not None:
        if adapter_id not in registry.adapters:
            raise KaoheError(f"没有数据格式 {adapter_id}:可用 {'、'.join(sorted(registry.adapters))}")
        adapters: list[Adapter] = [registry.adapters[adapter_id]]
    else:
        adapters = list(registry.adapters.values())
    file = path.name

    found: list[tuple[str, int, Adapter, dict[str, int], Iterator[Sequence[Any]]]] = []
    seen_headers: list[list[str]] = []
    sheets = 0
    for sheet, rows in tables(path, limits, digest):
        sheets += 1
        for n, row in enumerate(rows, start=1):
            if n > HEADER_SCAN_ROWS:
                break
            header = _cells(row)
            if not any(header):
                continue
            seen_headers.append(header)
            hit = _choose(adapters, header)
            if hit:
                found.append((sheet, n, hit[0], hit[1], rows))
                break
        if found:
            break  # the first sheet with a recognised header is the data sheet
    if not found:
        if not seen_headers:
            raise KaoheError(f"{file}:文件为空(没有任何数据行)" if sheets else f"{file}:没有工作表")
        raise KaoheError(f"{file}:无法识别的数据格式:{_closest(adapters, seen_headers)}")
    sheet, header_row, adapter, index, rows = found[0]
    checker = _Checker(bureau, earliest, today or dt.date.today())

    # (key, index in the row or -1, converter, header) of each column, looked up once
    plan = [(col.key, index.get(col.key, -1), converter(col), col.name) for col in adapter.columns]
    keys = [key for key, _, _, _ in plan]
    cell_plan = [(i, convert) for _, i, convert, _ in plan]
    needed = max(i for i, _ in cell_plan) + 1
    to_records = adapter.to_records

    last_allowed = header_row + limits.max_rows

    def generate() -> Iterator[tuple[Record | None, Source, Rejection | None]]:
        n = header_row
        for n, row in enumerate(rows, start=header_row + 1):
            if n > last_allowed:
                raise KaoheError(
                    f"{file}:数据超过 {limits.max_rows} 行{limit_hint('max_rows')},本文件没有导入任何数据;"
                    "请按月或按单位分成几个文件导入"
                )
            if only is not None and not only(n):
                continue
            cells = row if row.__class__ is list else list(row)
            try:
                blank = not "".join(cells).strip()  # a CSV row: all texts
            except TypeError:
                blank = not any(c not in (None, "") and str(c).strip() for c in cells)
            if blank:
                continue
            src = Source(file, sheet, n)
            width = len(cells)
            # a short row padded with empty cells, and one more: the absent columns' index, -1
            cells = cells + [None] * (needed - width + 1) if width < needed else [*cells, None]
            try:
                converted = [convert(cells[i]) for i, convert in cell_plan]
            except CellError:
                # the first bad cell, found again column by column (its header names it)
                for _, i, convert, name in plan:
                    try:
                        convert(cells[i] if 0 <= i < width else None)
                    except CellError as exc:
                        yield None, src, Rejection(file, sheet, n, name, str(exc))
                        break
                continue
            try:
                drafts = list(to_records(dict(zip(keys, converted, strict=True))))
            except (CellError, ValueError, KeyError, TypeError) as exc:
                yield None, src, Rejection(file, sheet, n, "", f"无法解析此行:{exc}")
                continue
            if len(drafts) == 1:
                rec, column, message = checker.record(drafts[0], adapter)
                if rec is None:
                    yield None, src, Rejection(file, sheet, n, column, message)
                else:
                    yield rec, src, None
                continue
            checked = [checker.record(d, adapter) for d in drafts]
            refused = next(((c, m) for r, c, m in checked if r is None), None)
            if refused:
                yield None, src, Rejection(file, sheet, n, refused[0], refused[1])
                continue
            for rec, _, _ in checked:
                yield rec, src, None
        return n

    return adapter, generate()


def read_export(
    path: str | Path,
    bureau: Bureau,
    registry: Registry,
    adapter_id: str | None = None,
    earliest: dt.date | None = None,
    today: dt.date | None = None,
) -> Export:
    """Read a whole export into memory (for small files, tests and ``--dry-run``)."""
    path = Path(path)
    digest = check_file(path, bureau.limits)
    adapter, rows = iter_export(path, bureau, registry, adapter_id, earliest, today, digest=digest)
    out = Export(path.name, adapter, digest)
    keys: dict[str, int] = {}
    last_row = -1
    for rec, src, rej in rows:
        if src.row != last_row:
            out.rows += 1
            last_row = src.row
        if rej is not None:
            out.rejected.append(rej)
            continue
        assert rec is not None
        if rec.key in keys:
            out.duplicates += 1
            out.rejected.append(
                Rejection(out.file, src.sheet, src.row, "", f"与第{keys[rec.key]}行是同一条记录(编号相同),不重复计算")
            )
            continue
        keys[rec.key] = src.row
        out.records.append(rec)
        out.sources.append(src)
    return out


def describe_columns(columns: Iterable[Column]) -> list[tuple[str, str, str, str]]:
    """(header, type, required, help) rows for documentation."""
    from .adapters import TYPE_NAMES

    return [(c.name, TYPE_NAMES[c.type], "必填" if c.required else "可选", c.help) for c in columns]
