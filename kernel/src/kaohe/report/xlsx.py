"""The 通报 as offices circulate it: an XLSX workbook with a sheet per series (the ranking) and a
sheet per unit (its 加扣分明细, every line with its reason, item, department and seed reference).

Scores are stored as numbers (the exact Decimal the kernel computed). Text that came from
outside — unit names, record notes, reasons, file names — is written as text, and text that a
spreadsheet would read as a formula (beginning with = + - @, or a tab or carriage return) is
prefixed with an apostrophe, so no imported cell is ever evaluated.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..decimals import fmt
from .data import ReportData, UnitView

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_FLAG_FILL = PatternFill("solid", fgColor="FDE9D9")


def safe_text(value: str) -> str:
    """Text as a cell must hold it: never read as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None = None) -> Any:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
        if number_format and isinstance(value, Decimal | int):
            cell.number_format = number_format
    cell.border = _BORDER
    return cell


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(ws: Worksheet, widths: dict[int, int], limit: int = 60) -> None:
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(w + 2, 6), limit)


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\, not starting with ')."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'").strip() or "表"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def _title_rows(ws: Worksheet, title: str, subtitle: str, columns: int) -> None:
    ws.cell(row=1, column=1, value=safe_text(title)).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.cell(row=2, column=1, value=safe_text(subtitle)).font = Font(size=9, color="555555")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)


def _header(ws: Worksheet, row: int, headers: list[str], widths: dict[int, int]) -> None:
    for col, h in enumerate(headers, start=1):
        cell = _put(ws, row, col, h)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths[col] = max(widths.get(col, 0), _width(h))


def _change_text(u: UnitView) -> str:
    ch = u.rank_change
    if ch is None:
        return "—"
    if ch > 0:
        return f"↑{ch}"
    if ch < 0:
        return f"↓{-ch}"
    return "持平"


def write_xlsx(data: ReportData, path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    score_format = "0" if data.decimals == 0 else "0." + "0" * data.decimals
    subtitle = f"考核期间 {data.date_range[0]} 至 {data.date_range[1]};{data.scheme};生成于 {data.generated}"

    for s in data.series:
        ws = wb.create_sheet(sheet_title(s.name, taken))
        adj = ["考核办调整"] if data.adjusted else []
        headers = ["名次", "单位", "单位编号", "总分", *[name for _, name, _ in data.categories], *adj, "上期名次", "名次变化", "标记"]
        _title_rows(ws, f"{data.bureau} {data.period_name}绩效考核通报 — {s.name}", subtitle, len(headers))
        widths: dict[int, int] = {}
        _header(ws, 4, headers, widths)
        for r, u in enumerate(s.units, start=5):
            row: list[Any] = [u.result.rank, u.result.name, u.result.unit, u.result.total]
            row += [u.score_of(cid) for cid, _, _ in data.categories]
            row += [u.adjustment_points if u.result.adjustments else None for _ in adj]
            row += [u.previous_rank if u.previous_rank is not None else "—", _change_text(u), "、".join(u.result.flags)]
            for col, value in enumerate(row, start=1):
                fmt_ = score_format if 4 <= col < 5 + len(data.categories) + len(adj) else None
                cell = _put(ws, r, col, value, fmt_)
                widths[col] = max(widths.get(col, 0), _width(value if isinstance(value, str) else fmt(value) if isinstance(value, Decimal) else str(value)))
                if u.result.flags and col == len(row):
                    cell.fill = _FLAG_FILL
        note_row = 6 + len(s.units)
        ws.cell(row=note_row, column=1, value=safe_text(
            f"本序列 {s.stats.count} 个单位;平均分 {fmt(s.stats.mean)},最高 {fmt(s.stats.top)},最低 {fmt(s.stats.bottom)}"
            + (f";达标分值 {fmt(s.pass_mark)}" if s.pass_mark is not None else "")
        ))
        ws.freeze_panes = "C5"
        _fit(ws, widths)
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "4:4"

    for u in data.units:
        _unit_sheet(wb, u, data, taken, subtitle)

    if data.edition is not None:
        _edition_sheet(wb, data, taken, subtitle)

    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _unit_sheet(wb: Workbook, u: UnitView, data: ReportData, taken: set[str], subtitle: str) -> None:
    ws = wb.create_sheet(sheet_title(u.result.name, taken))
    headers = ["考核内容", "考核项目", "责任部门", "依据", "计分期", "加扣分", "原因", "记录编号", "记录日期", "数据文件", "行号", "沿用上期数据"]
    head = f"{u.result.name} {data.period_name} 加扣分明细:总分 {fmt(u.result.total)}"
    if u.result.rank is not None:
        head += f",{u.series_name}第{u.result.rank}名"
    _title_rows(ws, head, subtitle, len(headers))
    widths: dict[int, int] = {}
    _header(ws, 4, headers, widths)
    r = 5
    for c, i, ln in u.lines():
        info = ln.info
        row: list[Any] = [
            c.result.name, i.result.title, i.result.department, i.result.reference, i.result.window, ln.points,
            ln.reason, ln.record or "", info.date if info else "", info.file if info else "",
            info.row if info and info.row is not None else "", "是" if ln.carried else "",
        ]
        for col, value in enumerate(row, start=1):
            cell = _put(ws, r, col, value)
            if col == 7:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[col] = max(widths.get(col, 0), _width(value if isinstance(value, str) else str(value)))
        r += 1
    if r == 5:
        ws.cell(row=5, column=1, value="本期无加扣分记录")
    ws.freeze_panes = "A5"
    _fit(ws, widths)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "4:4"


def _edition_sheet(wb: Workbook, data: ReportData, taken: set[str], subtitle: str) -> None:
    """版本说明: the edition's number, date, appeal deadline and checksum, and what changed since the
    previous edition, unit by unit."""
    e = data.edition
    assert e is not None
    ws = wb.create_sheet(sheet_title("版本说明", taken))
    headers = ["单位", "单位编号", "原总分", "现总分", "原名次", "现名次", "变化的项目"]
    _title_rows(ws, f"{data.bureau} {data.period_name}绩效考核通报 第{e['number']}版", subtitle, len(headers))
    rows: list[list[Any]] = [
        [f"第{e['number']}版,{e['published_on']} 公布;复查申请期限:公布后{e['appeal_days']}个工作日内(截至 {e['deadline']})"],
        [f"本版说明:{e['reason']}"],
        [f"校验码(SHA-256):{e['digest']}"],
    ]
    if data.changes is not None:
        rows.append([f"与第{data.changes.before}版相比:" + (";".join(data.changes.why) or "无")])
    r = 4
    for line in rows:
        _put(ws, r, 1, line[0])
        r += 1
    widths: dict[int, int] = {1: 12, 7: 40}
    if data.changes is not None and not data.changes.empty:
        r += 1
        _header(ws, r, headers, widths)
        for c in data.changes.units:
            r += 1
            items = "; ".join(
                f"{i.title}:{fmt(i.before)}→{fmt(i.after)}" for i in c.items
            )
            values: list[Any] = [c.name, c.unit, c.total[0], c.total[1], c.rank[0], c.rank[1], items]
            for col, value in enumerate(values, start=1):
                _put(ws, r, col, value)
                widths[col] = max(widths.get(col, 0), _width(value if isinstance(value, str) else str(value)))
    _fit(ws, widths, limit=90)
