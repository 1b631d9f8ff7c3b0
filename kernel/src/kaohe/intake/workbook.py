"""Writing an export as departments do: a merged title row, the header row, the rows (for demo data
and tests; intake reads such files back)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..contract.adapters import Column


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
    for row in rows:
        ws.append(list(row))
        for c, value in enumerate(row, start=1):
            if isinstance(value, dt.datetime):
                ws.cell(ws.max_row, c).number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                ws.cell(ws.max_row, c).number_format = "yyyy-mm-dd"
    for i, name in enumerate(names, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(name) + 2)
    path = Path(path)
    wb.save(path)
    return path
