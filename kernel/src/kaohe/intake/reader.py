"""Reading a department's export (XLSX or CSV) through the adapter its plugin declares.

Streaming: rows are read one at a time (openpyxl read-only mode, csv reader), never a whole table
in memory (a workbook's file, compressed, is held while it is read: what is parsed is then exactly
what was hashed). The file is first checked against the bureau's limits (kaohe.intake.guard). Each bad row is reported with file, sheet, row, column and what was expected; the store
decides whether the good rows are kept (default) or the whole file is refused (``--strict``).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import math
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..contract.adapters import SHOWN_CHARS, TYPE_NAMES, Adapter, CellError, Column, Draft, PercentCell, converter
from ..contract.items import according
from ..contract.registry import Registry
from ..core.decimals import D, cell_problem
from ..core.errors import KaoheError
from ..core.model import Record
from ..core.periods import Period
from ..scheme.bureau import Bureau, IntakeLimits
from . import guard
from .guard import (
    CHUNK,
    HashingReader,
    changed,
    checksum,
    csv_encoding,
    csv_error,
    dialect_of,
    limit_hint,
    set_field_limit,
)

HEADER_SCAN_ROWS = 30
"""A sheet's header row is looked for in its first rows (title and note rows above it)."""
HEADER_DEEP_ROWS = 200
"""How far down a header is still recognised to say that it is too far down."""


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
    notes: list[str] = attrs.field(factory=list)
    """What the reading says beside the rows (a sheet skipped)."""


# --- Reading tables --------------------------------------------------------------------------------


_ENCODINGS: dict[tuple[str, int, int], str] = {}
"""The encoding :func:`kaohe.intake.guard.check_file` found for a CSV (by path, size and time), so that
reading it (here, or in a reading process forked after the check) does not decode it once more."""


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the file decodes as such, else GB18030 (Excel/WPS in China)."""
    st = path.stat()
    known = _ENCODINGS.get((str(path), st.st_size, st.st_mtime_ns))
    if known is not None:
        return known
    return csv_encoding(path)[0]


def check_file(path: Path, limits: IntakeLimits) -> str:
    """:func:`kaohe.intake.guard.check_file` (the file within the bureau's limits; its checksum), remembering
    a CSV's encoding for its reading."""
    digest, encoding = guard.check_file(path, limits)
    if encoding is not None:
        st = path.stat()
        _ENCODINGS.clear()
        _ENCODINGS[(str(path), st.st_size, st.st_mtime_ns)] = encoding
    return digest


def _csv_rows(
    path: Path, limits: IntakeLimits | None = None, digest: str | None = None
) -> Generator[tuple[str, Iterator[Sequence[Any]]], None, None]:
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
) -> Generator[tuple[str, Iterator[Sequence[Any]]], None, None]:
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
) -> Generator[tuple[str, Iterator[Sequence[Any]]], None, None]:
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


def match_columns(columns: Iterable[Column], header: Sequence[str]) -> dict[str, int]:
    """Column key → index in the header, for each of the columns the header holds (by the column's
    name or one of its aliases)."""
    found: dict[str, int] = {}
    for col in columns:
        for i, h in enumerate(header):
            if h in col.headers:
                found[col.key] = i
                break
    return found


def _match(adapter: Adapter, header: list[str]) -> dict[str, int]:
    """Column key → index in the header, for each of the adapter's columns the header holds."""
    return match_columns(adapter.columns, header)


def column_rows(path: Path, columns: Sequence[Column]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(where, row number, column key → converted value) of every sheet of a workbook, or of the one
    table of a CSV, read with ``columns`` — for a plain table that is no department's export (a
    plugin's own list, such as the officers' roster). A sheet's header is its first non-empty row; a
    sheet whose header holds none of the columns (a note, a blank sheet) is passed over; a header
    lacking a required column, or a file where no sheet holds the columns, is refused naming the
    file, sheet and row; a bad cell raises KaoheError naming the file, sheet, row and column.
    ``where`` is the file's name, with the sheet's for a workbook."""
    first_missing: str | None = None
    read = False
    names = "、".join(c.name for c in columns)
    for sheet, rows in tables(path):
        where = _where(path.name, sheet)
        index: dict[str, int] | None = None
        for n, row in enumerate(rows, start=1):
            cells = _cells(row)
            if index is None:
                if not any(cells):
                    continue
                index = match_columns(columns, cells)
                missing = [c.name for c in columns if c.required and c.key not in index]
                if missing:
                    message = f"{where} 第{n}行(表头):缺少“{missing[0]}”列;应有 {names}"
                    if index:
                        raise KaoheError(message)
                    first_missing = first_missing or message
                    break  # not a sheet of this table
                read = True
                continue
            values: dict[str, Any] = {}
            for col in columns:
                i = index.get(col.key)
                raw = row[i] if i is not None and i < len(row) else None
                try:
                    values[col.key] = col.convert(raw)
                except CellError as exc:
                    raise KaoheError(f"{where} 第{n}行 “{col.name}”列:{exc}") from None
            yield where, n, values
    if not read and first_missing is not None:
        raise KaoheError(first_missing)


def _complete(adapter: Adapter, found: dict[str, int]) -> bool:
    return all(c.key in found for c in adapter.required())


def _evidence(adapter: Adapter, found: dict[str, int]) -> int:
    """How many of the header's columns speak for this adapter: its columns found in the header
    other than the unit and date columns (派出所, 日期: nearly every export has them, so they tell
    no format from another). An adapter with no other column is spoken for by those two."""
    generic = (adapter.unit_column, adapter.date_column)
    if all(c.key in generic for c in adapter.columns):
        return len(found)
    return sum(1 for key in found if key not in generic)


def _missing(adapter: Adapter, header: list[str]) -> list[str]:
    return [c.name for c in adapter.required() if not any(x in header for x in c.headers)]


def _label(adapter: Adapter) -> str:
    return f"“{adapter.title}”({adapter.department},{adapter.id})"


class _Refused(Exception):
    """A header that fits no adapter for certain (the message says why, without the file's name)."""


def _choose(adapters: Sequence[Adapter], header: list[str]) -> tuple[Adapter, dict[str, int]] | None:
    """The adapter the header row belongs to, or None when the row is no adapter's header.

    A header belongs to an adapter when it holds every required column of the adapter and at
    least one column beyond the unit and date (its *evidence*, :func:`_evidence`), and no other
    adapter has as much evidence: two complete matches with the same evidence are ambiguous, and an
    incomplete match with more evidence makes the complete one weak (the file is most likely the
    other format with a misspelt header). Both are refused (``_Refused``), naming the candidates."""
    matches = [(ad, _match(ad, header)) for ad in adapters]
    scored = [(_evidence(ad, m), len(m), ad, m) for ad, m in matches if m]
    complete = sorted(
        ((e, n, ad, m) for e, n, ad, m in scored if e > 0 and _complete(ad, m)), key=lambda x: (-x[0], -x[1])
    )
    if not complete:
        return None
    e, n, best, found = complete[0]
    tied = [ad for e2, n2, ad, _ in complete[1:] if (e2, n2) == (e, n)]
    if tied:
        names = "、".join(_label(ad) for ad in (best, *tied))
        raise _Refused(f"表头同时符合 {names},无法确定是哪种数据;请用 --adapter 或 --department 指定")
    stronger = [(e2, ad) for e2, _, ad, m in scored if e2 > e and not _complete(ad, m)]
    if stronger:
        _, other = max(stronger, key=lambda x: x[0])
        raise _Refused(
            f"表头虽含{_label(best)}的必需列,但更像{_label(other)}(缺少列:{'、'.join(_missing(other, header))}"
            f"{_hint(other, header)}),无法确定是哪种数据;请检查表头,或用 --adapter 或 --department 指定"
        )
    return best, found


def _hint(adapter: Adapter, header: list[str]) -> str:
    """For each missing required column, a header cell that looks like a misspelling of it."""

    known = {h for c in adapter.columns for h in c.headers}
    spare = [h for h in header if h and h not in known]
    out = []
    for name in _missing(adapter, header):
        close = difflib.get_close_matches(name, spare, n=1, cutoff=0.5)
        if close:
            out.append(f"表头中的“{close[0]}”是否应为“{name}”?")
    return (";" + "".join(out)) if out else ""


def _closest(adapters: Sequence[Adapter], headers: list[list[str]]) -> str:
    """The adapter the headers come nearest to: the most evidence (columns beyond the unit and
    date), then the most required columns; and what it misses."""
    best = None
    for ad in adapters:
        for h in headers:
            score = (_evidence(ad, _match(ad, h)), ad.header_score(h))
            if best is None or score > best[0]:
                best = (score, ad, h)
    if best is None or best[0] == (0, 0):
        names = "、".join(f"{a.title}({a.department})" for a in adapters) or "(无:未安装任何部门插件)"
        return f"表头与任何已安装插件的数据格式都不符。可导入的格式:{names}"
    _, ad, h = best
    missing = _missing(ad, h)
    if not missing:  # every required column, but only the unit and date columns of it
        return f"最接近{_label(ad)},但表头只有单位和日期列,看不出是哪种数据"
    return f"最接近“{ad.title}”({ad.department}),但缺少列:{'、'.join(missing)}{_hint(ad, h)}"


def usable(adapter: Adapter, bureau: Bureau, plugins_with_items: set[str]) -> bool:
    """Whether the bureau takes files of this adapter: its plugin has an item switched on, or an
    item switched on reads what it produces. A plugin that declares no items (data only) is not
    switched off by the configuration."""
    if adapter.plugin not in plugins_with_items:
        return True
    for item in bureau.items:
        if item.plugin == adapter.plugin:
            return True
        for kind in item.reads:
            if kind in adapter.kinds or kind.split(".", 1)[0] in adapter.kinds:
                return True
    return False


def candidates(
    bureau: Bureau, registry: Registry, adapter_id: str | None = None, department: str | None = None
) -> tuple[list[Adapter], list[Adapter]]:
    """(the adapters a file may be read by, those of plugins the bureau has switched off). Raises
    KaoheError for an unknown ``adapter_id`` or ``department`` (a plugin's name or a department's
    Chinese name), or an adapter whose plugin is switched off."""
    with_items = {i.plugin for i in registry.items.values()}
    every = list(registry.adapters.values())
    if adapter_id is not None:
        if adapter_id not in registry.adapters:
            raise KaoheError(f"没有数据格式 {adapter_id}:可用 {'、'.join(sorted(registry.adapters))}")
        every = [registry.adapters[adapter_id]]
    if department is not None:
        wanted = department.strip()
        every = [a for a in every if wanted in (a.plugin, a.department)]
        if not every:
            known = sorted({f"{a.plugin}({a.department})" for a in registry.adapters.values()})
            raise KaoheError(
                f"没有部门 {department!r} 的数据格式"
                + (f"“{adapter_id}”" if adapter_id else "")
                + f":可用插件名或部门名 {'、'.join(known)}"
            )
    on = [a for a in every if usable(a, bureau, with_items)]
    off = [a for a in every if a not in on]
    if off and not on:
        plugins = "、".join(sorted({a.plugin for a in off}))
        raise KaoheError(f"插件 {plugins} 的考核项目在本局配置中全部停用([items]),不导入它的数据")
    return on, off


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
            return None, self._columns(adapter)[0], f"单位“{_cut(str(draft.unit))}”不是本局的考核单位(见单位名单;其他写法可加在单位名单的 aliases 列,如 金城|金城所)"
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
                return None, draft.column or "", f"{problem}(考核项目“{item.title}”,{according(item.basis)})"
        return rec, "", ""


def _cut(text: str, most: int = SHOWN_CHARS) -> str:
    """A cell's text as a message quotes it: cut short (a cell may hold 32,767 characters)."""
    return text if len(text) <= most else f"{text[:most]}…(共 {len(text)} 个字符)"


def _has(adapter: Adapter, key: str) -> bool:
    return any(c.key == key for c in adapter.columns)


def _where(file: str, sheet: str) -> str:
    return f"{file}" + (f" 工作表“{sheet}”" if sheet else "")


def _find_header(
    rows: Iterator[Sequence[Any]], adapters: Sequence[Adapter], file: str, sheet: str
) -> tuple[int, Adapter, dict[str, int]] | list[list[str]]:
    """(header row, adapter, column indexes) of the sheet, or the non-empty rows scanned when none
    of the first ``HEADER_SCAN_ROWS`` rows is a header. A header found further down (up to
    ``HEADER_DEEP_ROWS``) is refused, saying where it is; an ambiguous or weak match is refused."""
    seen: list[list[str]] = []
    for n, row in enumerate(rows, start=1):
        if n > HEADER_DEEP_ROWS:
            break
        header = _cells(row)
        if not any(header):
            continue
        try:
            hit = _choose(adapters, header)
        except _Refused as exc:
            raise KaoheError(f"{_where(file, sheet)} 第{n}行:{exc}") from None
        if hit is not None:
            if n > HEADER_SCAN_ROWS:
                raise KaoheError(
                    f"{_where(file, sheet)}:表头在第{n}行,超出了查找范围(表头须在前{HEADER_SCAN_ROWS}行内);"
                    f"请删去表头上方多余的行"
                )
            return n, hit[0], hit[1]
        if n <= HEADER_SCAN_ROWS:
            seen.append(header)
    return seen


def _foreign(others: Sequence[Adapter], headers: list[list[str]]) -> Adapter | None:
    """The adapter of ``others`` (the formats a pinned file may not be read by) whose header one of
    ``headers`` is, or None."""
    for h in headers:
        try:
            hit = _choose(others, h)
        except _Refused:
            continue
        if hit is not None:
            return hit[0]
    return None


def _off_message(off: Sequence[Adapter], headers: list[list[str]]) -> str | None:
    """The message for headers that fit an adapter of a plugin the bureau has switched off."""
    for h in headers:
        for ad in off:
            m = _match(ad, h)
            if _evidence(ad, m) > 0 and _complete(ad, m):
                return (
                    f"表头符合{_label(ad)},但本局配置已停用插件 {ad.plugin} 的全部考核项目([items]),"
                    f"不导入它的数据"
                )
    return None


def iter_export(
    path: Path,
    bureau: Bureau,
    registry: Registry,
    adapter_id: str | None = None,
    earliest: dt.date | None = None,
    today: dt.date | None = None,
    only: Callable[[int], bool] | None = None,
    department: str | None = None,
    notes: list[str] | None = None,
    digest: str | None = None,
    table: Iterator[Sequence[Any]] | None = None,
) -> tuple[Adapter, Generator[tuple[Record | None, Source, Rejection | None], None, int]]:
    """Find the file's adapter and yield (record, source, None) or (None, source, rejection), row by
    row. Raises KaoheError when the file as a whole cannot be read (no matching header, wrong type).
    ``only``: the rows (by number in the file) to convert, the others are read and skipped (each of
    several reading processes takes its share: kaohe.intake.staging). The generator returns the number of
    the file's last row.

    The adapter is one of the bureau's (:func:`candidates`; ``adapter_id`` or ``department`` pin
    it), found by the first sheet whose header fits one. Every sheet whose header fits the same
    adapter is read, in the workbook's order (a month a sheet: 3月, 4月; a header-only template
    sheet adds nothing); a sheet that fits another adapter, or whose header has some of the
    adapter's columns but not all, refuses the file (while it is read: the store then keeps
    nothing of it); a sheet with no header of any kind (notes, a summary) is skipped and said so in
    ``notes``.

    ``digest``: the checksum :func:`check_file` took; the file read must be that file (KaoheError at
    the end otherwise). The bureau's limits (``[intake]``) bound the rows, their width and their
    cells' length.

    ``table``: the rows of a table already in memory, read instead of the file ``path`` (which only
    names them): the API's JSON rows (kaohe.office.ingest.ingest_rows), checked the same way."""
    path = Path(path)
    limits = bureau.limits
    if table is None and not path.exists():
        raise KaoheError(f"找不到文件 {path}")
    adapters, switched_off = candidates(bureau, registry, adapter_id, department)
    # pinned (--adapter, --department): another format's sheet is not read, and is not taken for notes
    others = [a for a in registry.adapters.values() if a not in adapters] if adapter_id or department else []
    file = path.name
    said: list[str] = notes if notes is not None else []

    seen_headers: list[list[str]] = []
    skipped: list[tuple[str, list[list[str]]]] = []
    sheets = 0
    workbook = tables(path, limits, digest) if table is None else _one_table(table)
    found: tuple[str, int, Adapter, dict[str, int], Iterator[Sequence[Any]]] | None = None
    for sheet, rows in workbook:
        sheets += 1
        hit = _find_header(rows, adapters, file, sheet)
        if isinstance(hit, tuple):
            found = (sheet, *hit, rows)
            break
        seen_headers.extend(hit)
        if hit:
            skipped.append((sheet, hit))
    if found is None:
        workbook.close()
        if not seen_headers:
            raise KaoheError(f"{file}:文件为空(没有任何数据行)" if sheets else f"{file}:没有工作表")
        off = _off_message(switched_off, seen_headers)
        if off:
            raise KaoheError(f"{file}:{off}")
        foreign = _foreign(others, seen_headers)
        if foreign is not None:  # pinned: another department's data is never read as this one's
            pin = f"部门 {department}" if department else f"数据格式 {adapter_id}"
            own = ",一个部门只能导入本部门的数据" if department else ""
            raise KaoheError(
                f"{file}:这是{_label(foreign)}的数据,不属于{pin},未导入{own};按{pin}识别:{_closest(adapters, seen_headers)}"
            )
        raise KaoheError(f"{file}:无法识别的数据格式:{_closest(adapters, seen_headers)}")
    sheet, header_row, adapter, index, rows = found
    for name, headers in skipped:
        _other_sheet(adapter, file, name, headers, said, others, sheet)
    checker = _Checker(bureau, earliest, today or dt.date.today())
    to_records = adapter.to_records

    def one_sheet(
        sheet: str, header_row: int, index: dict[str, int], rows: Iterator[Sequence[Any]]
    ) -> Generator[tuple[Record | None, Source, Rejection | None], None, int]:
        # (key, index in the row or -1, converter, header) of each column, looked up once
        plan = [(col.key, index.get(col.key, -1), converter(col), col.name) for col in adapter.columns]
        keys = [key for key, _, _, _ in plan]
        cell_plan = [(i, convert) for _, i, convert, _ in plan]
        needed = max(i for i, _ in cell_plan) + 1
        last_allowed = header_row + limits.max_rows
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

    def generate() -> Generator[tuple[Record | None, Source, Rejection | None], None, int]:
        read = [sheet]
        try:
            last = yield from one_sheet(sheet, header_row, index, rows)
            for other, more in workbook:
                hit = _find_header(more, adapters, file, other)
                if not isinstance(hit, tuple):
                    if hit:
                        _other_sheet(adapter, file, other, hit, said, others, sheet)
                    continue
                n, fits, columns = hit
                if fits is not adapter:
                    raise KaoheError(
                        f"{file}:工作表“{sheet}”是{_label(adapter)},工作表“{other}”却是{_label(fits)};"
                        f"一个文件只能是一种数据,请分成两个文件导入"
                    )
                last = yield from one_sheet(other, n, columns, more)
                read.append(other)
            if len(read) > 1:
                said.append(f"读取了{len(read)}个工作表:{'、'.join(read)}")
            return last
        finally:
            workbook.close()

    return adapter, generate()


def _one_table(rows: Iterator[Sequence[Any]]) -> Generator[tuple[str, Iterator[Sequence[Any]]], None, None]:
    """A table in memory as :func:`tables` gives a CSV's."""
    yield "", rows


def _other_sheet(
    adapter: Adapter, file: str, sheet: str, headers: list[list[str]], notes: list[str],
    others: Sequence[Adapter] = (), read: str = "",
) -> None:
    """A sheet of the file without a header of any adapter: refused when a row of it has some of
    the file's adapter's columns (its header is likely misspelt: its rows would be lost), or when
    it is the header of one of ``others`` (the formats a pinned file, --adapter or --department,
    may not be read by: another department's data in the same workbook, refused as without the
    pin), else skipped and said so."""
    for h in headers:
        for ad in others:
            if ad is not adapter and _evidence(ad, m := _match(ad, h)) > 0 and _complete(ad, m):
                raise KaoheError(
                    f"{file}:工作表“{read}”是{_label(adapter)},工作表“{sheet}”却是{_label(ad)};"
                    f"一个文件只能是一种数据,请分成两个文件导入"
                )
    for h in headers:
        if _evidence(adapter, _match(adapter, h)) > 0:
            raise KaoheError(
                f"{_where(file, sheet)}:表头与本文件的{_label(adapter)}不完全相符,缺少列:"
                f"{'、'.join(_missing(adapter, h)) or '(单位或日期列)'}{_hint(adapter, h)};请改正后重新导入"
            )
    notes.append(f"工作表“{sheet}”前{HEADER_SCAN_ROWS}行中没有可识别的表头,未读取")


def read_export(
    path: str | Path,
    bureau: Bureau,
    registry: Registry,
    adapter_id: str | None = None,
    earliest: dt.date | None = None,
    today: dt.date | None = None,
    department: str | None = None,
) -> Export:
    """Read a whole export into memory (for small files, tests and ``--dry-run``)."""
    path = Path(path)
    out_notes: list[str] = []
    digest = check_file(path, bureau.limits)
    adapter, rows = iter_export(
        path, bureau, registry, adapter_id, earliest, today, department=department, notes=out_notes, digest=digest
    )
    out = Export(path.name, adapter, digest, notes=out_notes)
    keys: dict[str, tuple[str, int]] = {}
    last_row: tuple[str, int] = ("", -1)
    for rec, src, rej in rows:
        if (src.sheet, src.row) != last_row:
            out.rows += 1
            last_row = (src.sheet, src.row)
        if rej is not None:
            out.rejected.append(rej)
            continue
        assert rec is not None
        if rec.key in keys:
            out.duplicates += 1
            out.rejected.append(
                Rejection(out.file, src.sheet, src.row, "", same_record(keys[rec.key], src.sheet))
            )
            continue
        keys[rec.key] = (src.sheet, src.row)
        out.records.append(rec)
        out.sources.append(src)
    return out


def same_record(first: tuple[str, int], sheet: str) -> str:
    """The message for a row holding a record an earlier row of the file holds: ``first`` is that
    row's (sheet, number); its sheet is named when it is another sheet."""
    where = f"第{first[1]}行" if first[0] == sheet else f"工作表“{first[0]}”第{first[1]}行"
    return f"与{where}是同一条记录(编号相同),不重复计算"


def describe_columns(columns: Iterable[Column]) -> list[tuple[str, str, str, str]]:
    """(header, type, required, help) rows for documentation."""

    return [(c.name, TYPE_NAMES[c.type], "必填" if c.required else "可选", c.help) for c in columns]
