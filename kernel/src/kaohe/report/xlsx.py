"""The 通报 as offices circulate it: an XLSX workbook with a sheet per series (the ranking) and a
sheet per unit (its 加扣分明细, every line with its reason, item, department and seed reference).

Scores are stored as numbers (the exact Decimal the kernel computed). Text that came from
outside — unit names, record notes, reasons, file names — is written as text, and text that a
spreadsheet would read as a formula (beginning with = + - @, or a tab or carriage return) is
prefixed with an apostrophe, so no imported cell is ever evaluated.

The workbook is written as it is made (openpyxl's write-only mode: each sheet streamed to disk row by
row), a unit's sheet from that unit's lines only, so a province's month never holds every cell.
The unit sheets keep every line: the web page folds an item's lines above ``[report]
lines_per_item`` and sends the reader here.

The same data give the same bytes: the workbook's creation and modification times
(docProps/core.xml) and every zip entry's time are the report's ``generated`` time (an edition's
own time), not the time of writing, so a published edition's workbook written again is identical
to the first (kaohe verify compares the published files with their recorded digests).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.worksheet import Worksheet

from ..core.decimals import fmt
from ..intake.workbook import save_workbook
from .data import ReportData, UnitView, sheet_title

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

__all__ = ["ranking_workbook", "safe_text", "sheet_title", "write_xlsx"]


def safe_text(value: str) -> str:
    """Text as a cell must hold it: never read as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


_STYLES: dict[str, dict[str, Any]] = {}
"""The cells' looks by name: each is registered with the workbook once, then copied to every cell
that has it (setting a style on a cell looks it up in the workbook's list each time)."""


def _openpyxl() -> None:
    """Import openpyxl, a heavy module, when the first workbook is written rather than with every
    command (kaohe.report is imported by the office's use cases, which every command loads)."""
    global Workbook, WriteOnlyCell, StyleArray, CellRange, Worksheet, get_column_letter
    if _STYLES:
        return
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.worksheet import Worksheet

    _THIN = Side(style="thin", color="999999")
    _BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    _HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
    _FLAG_FILL = PatternFill("solid", fgColor="FDE9D9")
    _WRAP = Alignment(wrap_text=True, vertical="top")
    _STYLES.update({
        "plain": {},
        "cell": {"border": _BORDER},
        "wrap": {"border": _BORDER, "alignment": _WRAP},
        "flag": {"border": _BORDER, "fill": _FLAG_FILL},
        "head": {"border": _BORDER, "font": Font(bold=True), "fill": _HEAD_FILL,
                 "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)},
        "title": {"font": Font(bold=True, size=14), "alignment": Alignment(horizontal="center")},
        "subtitle": {"font": Font(size=9, color="555555")},
    })


class _Sheet:
    """A write-only sheet whose column widths follow its content: the rows are collected, the widths
    set from them, then the rows written (a write-only sheet takes its columns before its rows)."""

    def __init__(
        self, ws: WriteOnlyWorksheet, columns: int, styles: dict[tuple[str, str | None], StyleArray | None],
        printed: bool = False,
    ) -> None:
        self.ws = ws
        self.printed = printed
        """Every number measured as the kernel prints it (layout 2 on, :data:`LAYOUT`)."""
        self.columns = columns
        self.rows: list[list[Any]] = []
        self.widths: dict[int, int] = {}
        self.styles = styles

    def cell(self, value: Any, style: str = "cell", number_format: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, str):
            cell.value = safe_text(value)
            cell.data_type = "s"
        else:
            cell.value = value
            if not isinstance(value, Decimal | int | dt.date):
                number_format = None
        key = (style, number_format)
        if key not in self.styles:
            for k, v in _STYLES[style].items():
                setattr(cell, k, v)
            if number_format:
                cell.number_format = number_format
            self.styles[key] = StyleArray(cell._style) if cell.has_style else None
        elif (known := self.styles[key]) is not None:
            cell._style = StyleArray(known)
        return cell

    def title(self, title: str, subtitle: str) -> None:
        self.rows.append([self.cell(title, "title")])
        self.rows.append([self.cell(subtitle, "subtitle")])
        for row in (1, 2):
            self.ws.merged_cells.add(CellRange(min_col=1, min_row=row, max_col=self.columns, max_row=row))

    def header(self, headers: list[str]) -> None:
        self.rows.append([self.cell(h, "head") for h in headers])
        self.measure(headers)

    def measure(self, values: Iterable[Any], as_printed: bool = False) -> None:
        """Widen the columns to ``values``; numbers measured as ``str`` gives them, or with
        ``as_printed`` (or the sheet's ``printed``) as the kernel prints them."""
        as_printed = as_printed or self.printed
        for col, value in enumerate(values, start=1):
            w = _width(value if isinstance(value, str) else fmt(value) if as_printed and isinstance(value, Decimal) else str(value))
            self.widths[col] = max(self.widths.get(col, 0), w)

    def at(self, row: int) -> None:
        """Pad with empty rows so that the next row is ``row``."""
        while len(self.rows) < row - 1:
            self.rows.append([])

    def write(self, limit: int = 60, print_setup: bool = True) -> None:
        for col, w in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = min(max(w + 2, 6), limit)
        if print_setup:
            self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
            self.ws.page_setup.orientation = "landscape"
            self.ws.page_setup.fitToWidth = 1
            self.ws.page_setup.fitToHeight = 0
            self.ws.sheet_properties.pageSetUpPr.fitToPage = True
            self.ws.print_title_rows = "4:4"
        for row in self.rows:
            self.ws.append(row)
        self.rows = []


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _int(value: Any) -> Any:
    """An edition's count (its number, the appeal days) as a number, whatever form it was kept in."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _date(value: Any) -> Any:
    """An edition's date (``2015-05-12``) as a date cell, whatever form it was kept in."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return value


def _change_text(u: UnitView) -> str:
    ch = u.rank_change
    if ch is None:
        return "—"
    if ch > 0:
        return f"↑{ch}"
    if ch < 0:
        return f"↓{-ch}"
    return "持平"


LAYOUT = 2
"""The workbook's layout. 2 (issue 18 point 1): every number's column measured as the kernel prints
it, so that the workbook depends on the numbers' values only, not on how each was computed (an
edition made from the stored results, whose numbers are read back as printed, is the same workbook
as one made from a scoring: ``Decimal("-20.00")`` and ``Decimal("-20")`` are one number). 1: the
numbers of a unit sheet's lines, the edition and the completeness sheets measured as ``str`` gives
them (kept to write again, byte for byte, a lost workbook of an edition published in it:
kaohe.office.publication records the layout with the files)."""


def write_xlsx(data: ReportData, path: Path, layout: int | None = None) -> Path:
    """Write the workbook of ``data`` to ``path`` in ``layout`` (:data:`LAYOUT` by default)."""
    layout = LAYOUT if layout is None else layout
    if layout not in (1, 2):
        raise ValueError(f"unknown workbook layout {layout}")
    printed = layout >= 2
    _openpyxl()
    wb = Workbook(write_only=True)
    styles: dict[tuple[str, str | None], StyleArray | None] = {}
    score_format = "0" if data.decimals == 0 else "0." + "0" * data.decimals
    subtitle = f"考核期间 {data.date_range[0]} 至 {data.date_range[1]};{data.scheme};生成于 {data.generated_text}"
    if data.regulations:
        subtitle += ";考核依据 " + "、".join(r.name for r in data.regulations)

    for s in data.series:
        adj = ["考核办调整"] if data.adjusted else []
        headers = ["名次", "单位", "单位编号", "总分", *[c.header for c in data.columns], *adj, "上期名次", "名次变化", "标记"]
        sh = _Sheet(wb.create_sheet(s.sheet or sheet_title(s.name, set())), len(headers), styles, printed)
        sh.title(f"{data.bureau} {data.period_name}绩效考核通报 — {s.name}", subtitle)
        sh.at(4)
        sh.header(headers)
        for u in s.units:
            row: list[Any] = [u.result.rank, u.result.name, u.result.unit, u.result.total]
            row += list(u.values)
            row += [u.adjustment_points if u.result.adjustments else None for _ in adj]
            row += [u.previous_rank if u.previous_rank is not None else "—", _change_text(u), "、".join(u.result.flags)]
            cells = []
            for col, value in enumerate(row, start=1):
                fmt_ = score_format if 4 <= col < 5 + len(data.columns) + len(adj) else None
                cells.append(sh.cell(value, "flag" if u.result.flags and col == len(row) else "cell", fmt_))
            sh.rows.append(cells)
            sh.measure(row, as_printed=True)
        sh.at(6 + len(s.units))
        sh.rows.append([sh.cell(
            f"本序列 {s.stats.count} 个单位;平均分 {fmt(s.stats.mean)},最高 {fmt(s.stats.top)},最低 {fmt(s.stats.bottom)}"
            + (f";达标分值 {fmt(s.pass_mark)}" if s.pass_mark is not None else ""),
            "plain",
        )])
        if data.aggregated and data.how:
            sh.rows.append([sh.cell(f"{data.period_name}总分的计算方法(以{data.how_unit}为例):{data.how}", "plain")])
            if data.columns and data.columns[0].category is None:
                sh.rows.append([sh.cell(
                    f"“{data.columns[0].header}”列为各期得分折算到{data.period_name}的分值({data.columns[0].note})," + ("与其后各列相加即为总分" if len(data.columns) > 1 else "即为总分"),
                    "plain",
                )])
        if not data.complete:
            sh.rows.append([sh.cell(f"数据不全:标“数据缺失”的单位有项目缺少数据,暂不计分,见“{data.completeness_sheet}”工作表", "plain")])
        sh.ws.freeze_panes = "C5"
        sh.write()

    for u in data.units:
        _unit_sheet(wb, u, data, subtitle, styles, printed)

    if data.edition is not None:
        _edition_sheet(wb, data, subtitle, styles, printed)
    if data.completeness_sheet:
        _completeness_sheet(wb, data, subtitle, styles, printed)

    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, path, dt.datetime.fromisoformat(data.generated))
    return path


SUMMARY_HEADERS = ["考核内容", "项目加扣分", "原始分", "组内最高", "权重", "得分", "序列平均", "计算方法"]
"""The head of a unit sheet's first table: how each category's score was formed (得分构成)."""
LINE_HEADERS = ["考核内容", "考核项目", "责任部门", "依据", "计分期", "加扣分", "原因", "记录编号", "记录日期", "数据文件", "行号", "沿用上期数据", "数据缺失"]
"""The head of a unit sheet's second table: every line (加扣分明细)."""


def _unit_sheet(
    wb: Workbook, u: UnitView, data: ReportData, subtitle: str, styles: dict[tuple[str, str | None], StyleArray | None],
    printed: bool = False,
) -> None:
    """A unit's sheet: its score's make-up (each category's item points, raw score, the series' top
    it is normalised by, weight and score; the total and how it is formed), then every line."""
    headers = LINE_HEADERS
    sh = _Sheet(wb.create_sheet(u.sheet or sheet_title(u.result.name, set())), len(headers), styles, printed)
    r = u.result
    head = f"{r.name} {data.period_name} 加扣分明细:总分 {fmt(r.total)}"
    if r.rank is not None:
        head += f",{u.series_name}第{r.rank}名"
    sh.title(head, subtitle)
    sh.at(4)
    detail = data.detail(u)
    score_format = "0" if data.decimals == 0 else "0." + "0" * data.decimals
    sh.header(SUMMARY_HEADERS)
    for c in detail.categories:
        cr = c.result
        row: list[Any] = [cr.name, c.item_points, cr.raw, None if r.parts and cr.category not in data.year_categories else cr.top, cr.weight, cr.score, c.series_mean, cr.explanation]
        sh.rows.append([sh.cell(v, "wrap" if col == 8 else "cell", score_format if col in (6, 7) else None) for col, v in enumerate(row, start=1)])
        sh.measure(row[:7])
    part = data.columns[0] if data.columns and data.columns[0].category is None and r.parts else None
    if part is not None:  # the summed categories above are not on the total's scale: this is
        row = [part.header, None, None, None, None, u.values[0], None, f"各期得分折算到{data.period_name}的分值:{part.note}"]
        sh.rows.append([sh.cell(v, "wrap" if col == 8 else "cell", score_format if col == 6 else None) for col, v in enumerate(row, start=1)])
    if r.adjustments:
        reasons = ";".join(ln.reason for ln in r.adjustments)
        row = ["考核办调整", None, None, None, None, u.adjustment_points, None, reasons]
        sh.rows.append([sh.cell(v, "wrap" if col == 8 else "cell") for col, v in enumerate(row, start=1)])
    if r.parts:
        how = f"{r.explanation}:" + ";".join(f"{p} {fmt(t)}" for p, t in r.parts)
    elif r.veto:
        how = f"一票否决,当期为零分(否决前得分 {fmt(r.subtotal)})"
    else:
        how = "各考核内容得分之和" + (",加考核办调整" if r.adjustments else "")
    row = ["总分", None, None, None, None, r.total, None, how]
    sh.rows.append([sh.cell(v, "wrap" if col == 8 else "cell", score_format if col == 6 else None) for col, v in enumerate(row, start=1)])
    sh.rows.append([])
    sh.header(headers)
    lines = detail.lines()
    for c, i, ln in lines:
        info = ln.info
        row = [
            c.result.name, i.result.title, i.result.department, i.result.reference, i.result.window, ln.points,
            ln.reason, ln.record or "", info.date if info else "", info.file if info else "",
            info.row if info and info.row is not None else "", "是" if ln.carried else "", ln.missing,
        ]
        sh.rows.append([sh.cell(value, "wrap" if col == 7 else "cell") for col, value in enumerate(row, start=1)])
        sh.measure(row)
    if not lines:
        sh.rows.append([sh.cell("本期无加扣分记录", "plain")])
    sh.write()


def _edition_sheet(
    wb: Workbook, data: ReportData, subtitle: str, styles: dict[tuple[str, str | None], StyleArray | None],
    printed: bool = False,
) -> None:
    """版本说明: the edition's number, date, appeal deadline and checksum, and what changed since the
    previous edition, unit by unit."""
    e = data.edition
    assert e is not None
    headers = ["单位", "单位编号", "原总分", "现总分", "原名次", "现名次", "变化的项目"]
    score_format = "0" if data.decimals == 0 else "0." + "0" * data.decimals
    sh = _Sheet(wb.create_sheet(data.edition_sheet or "版本说明"), len(headers), styles, printed)
    sh.title(f"{data.bureau} {data.period_name}绩效考核通报 第{e['number']}版", subtitle)
    sh.at(4)
    sh.rows.append([sh.cell(
        f"第{e['number']}版,{e['published_on']} 公布;复查申请期限:公布后{e['appeal_days']}个工作日内(截至 {e['deadline']})"
    )])
    # each fact in its own cell, numbers and dates as numbers and dates (a spreadsheet can sort and
    # compute with them), the text beside its label
    facts: list[tuple[str, Any, str | None]] = [
        ("版本号", _int(e["number"]), None),
        ("公布日期", _date(e["published_on"]), "yyyy-mm-dd"),
        ("复查申请期限(工作日)", _int(e["appeal_days"]), None),
        ("复查申请截止日期", _date(e["deadline"]), "yyyy-mm-dd"),
        ("本版说明", e["reason"], None),
        ("校验码(SHA-256)", e["digest"], None),
    ]
    if e.get("chain_head"):
        facts.append(("审计链头(SHA-256)", e["chain_head"], None))
        facts.append(("", "kaohe verify --head 可核对数据库此后未被改写", None))
    if data.changes is not None:
        facts.append((f"与第{data.changes.before}版相比", ";".join(data.changes.why) or "无", None))
    for label, value, number_format in facts:
        sh.rows.append([sh.cell(label), sh.cell(value, "cell", number_format)])
    sh.widths = {1: 20, 2: 16, 7: 40}
    if data.changes is not None and not data.changes.empty:
        sh.at(len(sh.rows) + 2)
        sh.header(headers)
        for c in data.changes.units:
            items = "; ".join(f"{i.title}:{fmt(i.before)}→{fmt(i.after)}" for i in c.items)
            values: list[Any] = [c.name, c.unit, c.total[0], c.total[1], c.rank[0], c.rank[1], items]
            sh.rows.append([sh.cell(v, "cell", score_format if col in (3, 4) else None) for col, v in enumerate(values, start=1)])
            sh.measure(values)
    sh.write(limit=90, print_setup=False)


def _completeness_sheet(
    wb: Workbook, data: ReportData, subtitle: str, styles: dict[tuple[str, str | None], StyleArray | None],
    printed: bool = False,
) -> None:
    """The data missing in the period (kaohe.core.model.Gap): one row per department's period or unit's item."""
    headers = ["部门", "期间", "单位", "单位编号", "考核项目", "说明"]
    sh = _Sheet(wb.create_sheet(data.completeness_sheet), len(headers), styles, printed)
    sh.title(f"{data.bureau} {data.period_name} 数据完整性:数据不全,缺少数据的项目暂不计分", subtitle)
    notes = []
    if data.confirmed:
        notes.append(f"经考核办确认发布,理由:{data.confirmed}")
    if data.empty:
        notes.append(f"{'、'.join(data.empty)} 没有任何数据:各单位该期同分,不评末位")
    for text in notes:
        sh.rows.append([sh.cell(text, "plain")])
    sh.at(4 + len(notes))
    sh.header(headers)
    for g in data.missing:
        row = [g.department, g.period, g.name or "(全部单位)", g.unit, g.title, g.text()]
        sh.rows.append([sh.cell(v) for v in row])
        sh.measure(row)
    sh.write()


def ranking_workbook(title: str, series: Iterable[tuple[str, Iterable[dict[str, Any]]]], previous: bool) -> bytes:
    """A period's whole ranking as the site offers it for download (issue 16, point 5): a sheet per
    series, a row per unit — rank, unit, its id, total, with ``previous`` the change of total and
    rank since the previous period, flags, the veto's reasons — from the site's ranking rows
    (``series``: (name, units); a unit's ``total`` and ``change`` as the page shows them, text)."""
    _openpyxl()
    wb = Workbook(write_only=True)
    styles: dict[tuple[str, str | None], StyleArray | None] = {}
    taken: set[str] = set()
    for name, units in series:
        headers = ["名次", "单位", "单位编号", "总分", *(["较上期", "升降"] if previous else []), "标记", "一票否决"]
        sh = _Sheet(wb.create_sheet(sheet_title(name, taken)), len(headers), styles)
        sh.title(f"{title} — {name}", "")
        sh.at(4)
        sh.header(headers)
        for u in units:
            c = u.get("change")
            row: list[Any] = [u["rank"] if u["rank"] is not None else "—", u["name"], u["unit"], Decimal(u["total"])]
            if previous:
                rank = c["rank"] if c else None
                row += [c["total"] if c else "—", "—" if rank is None else f"↑{rank}" if rank > 0 else f"↓{-rank}" if rank < 0 else "持平"]
            row += ["、".join(u["flags"]), ";".join(u["veto"])]
            sh.rows.append([sh.cell(v, "flag" if u["flags"] and i == len(row) - 2 else "cell") for i, v in enumerate(row)])
            sh.measure(row, as_printed=True)
        sh.write()
    if not wb.worksheets:
        wb.create_sheet("排名")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
