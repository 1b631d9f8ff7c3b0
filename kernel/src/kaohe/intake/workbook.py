"""Writing an export as departments do: a merged title row, the header row, the rows (for demo data
and tests; intake reads such files back); and saving a workbook with fixed times, so that the same
data give the same bytes (the demo's exports, the report's workbook)."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contract.adapters import TYPE_NAMES, Adapter, Column

if TYPE_CHECKING:
    from openpyxl import Workbook

EARLIEST = dt.datetime(1980, 1, 1)
"""The time of a workbook whose rows hold no date (a zip archive holds no earlier time)."""


def write_export(
    path: str | Path, title: str, headers: Sequence[str | Column], rows: Sequence[Sequence[Any]], sheet: str = "Sheet1"
) -> Path:
    """An XLSX at ``path``: ``title`` merged across the columns in row 1, ``headers`` (names or the
    adapter's Columns) in row 2, then ``rows``; dates formatted as dates. Returns the path."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    names = [h.name if isinstance(h, Column) else str(h) for h in headers]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(names), 1))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append(names)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=3):  # the row appended (not ws.max_row: it scans every cell)
        ws.append(list(row))
        for c, value in enumerate(row, start=1):
            if isinstance(value, dt.datetime):
                ws.cell(r, c).number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                ws.cell(r, c).number_format = "yyyy-mm-dd"
    for i, name in enumerate(names, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(name) + 2)
    path = Path(path)
    save_workbook(wb, path, latest_time(rows))
    return path


def latest_time(rows: Iterable[Sequence[Any]]) -> dt.datetime:
    """The latest date or time in ``rows`` (a date at midnight), else ``EARLIEST``: the time a
    written export carries, taken from its data rather than the clock."""
    latest = EARLIEST
    for row in rows:
        for value in row:
            if isinstance(value, dt.datetime):
                value = value.replace(tzinfo=None)
            elif isinstance(value, dt.date):
                value = dt.datetime.combine(value, dt.time())
            else:
                continue
            latest = max(latest, value)
    return latest


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose every entry carries the same time (``when``), whatever the clock or the
    temporary files' times say."""

    def __init__(self, path: Path, when: dt.datetime) -> None:
        super().__init__(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.when = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(self._info(name), data)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        info = self._info(arcname or str(filename))
        info.file_size = Path(filename).stat().st_size  # as ZipFile.write: zip64 only for a large entry
        with open(filename, "rb") as src, self.open(info, "w") as dest:
            shutil.copyfileobj(src, dest, 1 << 20)


def save_workbook(wb: Workbook, path: str | Path, when: dt.datetime) -> None:
    """``wb.save(path)`` with the times inside fixed to ``when`` (openpyxl's save writes the current
    time as the creation and modification time, and each zip entry gets the time of writing)."""
    from openpyxl.writer.excel import ExcelWriter

    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    utc = (when.astimezone(dt.timezone.utc) if when.tzinfo else when).replace(tzinfo=None, microsecond=0)
    wb.properties.created = wb.properties.modified = utc
    with _FixedTimeZip(Path(path), when) as archive:
        ExcelWriter(wb, archive).save()


def write_template(path: str | Path, title: str, adapter: Adapter) -> Path:
    """A blank import template of ``adapter`` at ``path`` (issue 17): the sheet to fill — ``title``
    merged in row 1, the columns' headers in row 2, as the department's export has them — with a
    drop-down list on every column of fixed values (choices, 是/否), and a sheet 填写说明 explaining
    each column from its definition. The same adapter gives the same bytes."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    path = write_export(path, title, adapter.columns, [], sheet=adapter.title[:31] or "Sheet1")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    lists = wb.create_sheet("选项")
    used = 0
    for i, col in enumerate(adapter.columns, start=1):
        values = list(col.choices) or (["是", "否"] if col.type == "bool" else [])
        if not values:
            continue
        used += 1
        letter = _letter(used)
        for r, v in enumerate(values, start=1):
            lists.cell(r, used, v)
        dv = DataValidation(
            type="list", formula1=f"'选项'!${letter}$1:${letter}${len(values)}", allow_blank=not col.required,
            showErrorMessage=True, errorTitle="请从下拉列表中选择", error=f"“{col.name}”应为 {'、'.join(values)} 之一",
        )
        dv.add(f"{_letter(i)}3:{_letter(i)}{TEMPLATE_ROWS}")
        ws.add_data_validation(dv)
    lists.sheet_state = "hidden"
    notes = wb.create_sheet("填写说明")
    notes.append([f"{title}:填写说明"])
    notes.cell(1, 1).font = Font(bold=True, size=14)
    known = {h for c in adapter.columns for h in c.headers}  # no cell of this sheet may read as a header
    notes.append([h if h not in known else f"{h}(栏)" for h in ("列名", "是否必填", "填写内容", "可填的值", "也可用的列名", "含义")])
    for cell in notes[2]:
        cell.font = Font(bold=True)
    for col in adapter.columns:
        fixed = "、".join(col.choices) or ("是、否" if col.type == "bool" else "")
        bounds = []
        if col.minimum is not None:
            bounds.append(f"不小于 {col.minimum}")
        if col.maximum is not None:
            bounds.append(f"不大于 {col.maximum}")
        notes.append([
            # a header in quotes: a sheet whose cells are an adapter's headers would be read as data
            f"“{col.name}”", "必填" if col.required else "可空", TYPE_NAMES[col.type], fixed or ",".join(bounds),
            "、".join(f"“{a}”" for a in col.aliases), col.help,
        ])
    notes.append([])
    notes.append([f"在“{ws.title}”工作表第3行起逐行填写,不要改动第1、2行(标题和表头);每行一条记录。"])
    for letter, width in zip("ABCDEF", (18, 10, 28, 30, 20, 50), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    save_workbook(wb, path, EARLIEST)
    return path


TEMPLATE_ROWS = 5000
"""The rows of a template that carry the drop-down lists."""


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))
