"""Hostile and careless files (issue #23), written for the hostile-input suite (small) and for
``bench/hostile.py`` (the same files at full size): numbers that are not finite or absurdly large,
a sheet declaring A1:XFD1048576, one enormous shared string, many bad rows, a GB18030 file with a bad
byte past its first 4 KB, an overlong field, a quote left open, a workbook named .csv, a number in a
date column, an office register naming a kind nothing reads.

Each function writes one file and returns its path. The department's columns are those of the test
plugin of ``intake_helpers`` (110接处警记录) and of the office's register (考核办登记表)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from intake_helpers import BUREAU as INTAKE_BUREAU

DISPATCH_HEADERS = ["警情编号", "派出所", "接警日期", "警情等级", "区域", "到场用时(分钟)", "投诉扣分", "备注"]
REGISTER_HEADERS = ["编号", "单位", "日期", "记录类型", "数值", "名称", "说明", "级别", "名次", "参评单位数"]
MONTHLY_HEADERS = ["统计月份", "派出所", "回访满意率"]

BUREAU: dict[str, Any] = {
    **INTAKE_BUREAU,
    "office_items": [
        {
            "id": "office.duty", "title": "值班备勤检查", "category": "jichu", "shape": "per_occurrence",
            "params": {"points": -1},
        }
    ],
}
"""The bureau the files are imported into: two stations, the test plugin's 110 items and one item of
the office's own (office.duty, -1 a finding)."""


def plugin_registry() -> Any:
    """The test plugins of ``intake_helpers`` (110, 消防, 月度统计) and the office's register."""
    from intake_helpers import T110, TFire, TMonth
    from kaohe.plugins import builtin as office
    from kaohe.plugins.discovery import get_plugin_manager, load_registry

    plugins = [("t110", T110()), ("tfire", TFire()), ("tmonth", TMonth()), ("office", office)]
    return load_registry(get_plugin_manager(load_entrypoints=False, plugins=plugins))


def make_bureau(reg: Any, **intake: Any) -> Any:
    """The bureau above, with ``[intake]`` settings (its limits) if given."""
    from kaohe.scheme.config import parse_bureau

    return parse_bureau({**BUREAU, "intake": intake} if intake else BUREAU, reg, "test.toml")


NON_FINITE = ["NaN", "nan", "Infinity", "-inf", "sNaN"]
HUGE = ["1e30", "12345678901234567890123456789", "1e999999999", "-1E+400"]


def dispatch(n: int, **changes: Any) -> list[Any]:
    """A good row of the 110 export (record ``n``), with some cells changed."""
    values = {
        "id": f"J{n:07d}", "unit": "金城派出所", "date": "2015-04-03", "grade": "一类", "area": "城区", "minutes": 7,
        "complaint": None, "note": "",
    }
    values.update(changes)
    return list(values.values())


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


def write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = "接处警记录") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def number_in_dispatch(path: Path, value: str) -> Path:
    """A 110 export (CSV or XLSX by the suffix) whose second row's 到场用时 (a number column) holds
    ``value``: as text in a CSV, and in a workbook as a number cell where Python's float takes it
    (``nan``, ``inf``, ``1e30``; 1e999999999 becomes inf there), else as text."""
    bad: Any = value
    if path.suffix == ".xlsx":
        try:
            bad = float(value)
        except ValueError:
            bad = value
        if bad != bad or bad in (float("inf"), float("-inf")):
            bad = value  # openpyxl writes no such number: the text, as a careless export has it
    rows = [dispatch(1), dispatch(2, minutes=bad), dispatch(3, unit="华城派出所")]
    if path.suffix == ".xlsx":
        return write_xlsx(path, DISPATCH_HEADERS, rows)
    return write_csv(path, DISPATCH_HEADERS, rows)


def raw_number_cell(path: Path, value: str) -> Path:
    """A workbook whose second row's 到场用时 is a number cell holding ``value`` as written in the
    sheet's XML (``<v>NaN</v>``, ``<v>1e999999999</v>``, 5,000 digits): what no spreadsheet writes
    and a hostile file may hold."""
    tmp = write_xlsx(path.with_suffix(".tmp.xlsx"), DISPATCH_HEADERS, [dispatch(1), dispatch(2, minutes=777777)])
    return _rezip(tmp, path, {"xl/worksheets/sheet1.xml": lambda text: text.replace("<v>777777</v>", f"<v>{value}</v>")})


def number_in_percent(path: Path, value: str) -> Path:
    """A monthly figures file whose second row's 回访满意率 (a percentage column) holds ``value``."""
    return write_csv(path, MONTHLY_HEADERS, [["2015-04", "金城派出所", "93.5%"], ["2015-04", "华城派出所", value]])


def register(path: Path, rows: Iterable[Sequence[Any]]) -> Path:
    """The office's register (考核办登记表)."""
    return write_csv(path, REGISTER_HEADERS, rows)


def number_in_register(path: Path, value: str, column: str = "数值") -> Path:
    """The office's register whose second row holds ``value`` in ``column`` (数值, a number; 名次, a
    whole number)."""
    good = ["R1", "金城派出所", "2015-04-03", "office.duty", "-1", "", "", "", "", ""]
    bad = ["R2", "华城派出所", "2015-04-04", "office.duty", "-1", "", "", "", "", ""]
    bad[REGISTER_HEADERS.index(column)] = value
    if column == "名次":
        bad[REGISTER_HEADERS.index("参评单位数")] = "10"
    return register(path, [good, bad])


def many_bad_rows(path: Path, n: int, good: int = 0) -> Path:
    """A 110 export of ``n`` bad rows (a text in the number column, an unknown station, a date that
    does not exist, by turns), after ``good`` good ones."""
    def rows() -> Iterable[list[Any]]:
        for i in range(good):
            yield dispatch(i)
        for i in range(n):
            k = good + i
            if i % 3 == 0:
                yield dispatch(k, minutes="七")
            elif i % 3 == 1:
                yield dispatch(k, unit=f"水上派出所{i}")
            else:
                yield dispatch(k, date="2015-02-30")

    return write_csv(path, DISPATCH_HEADERS, rows())


def clean_rows(path: Path, n: int) -> Path:
    """A 110 export of ``n`` good rows (the baseline of the same row count)."""
    return write_csv(path, DISPATCH_HEADERS, (dispatch(i, date=f"2015-04-{1 + i % 20:02d}") for i in range(n)))


def _rezip(src: Path, dst: Path, replace: dict[str, Any]) -> Path:
    """``src`` copied to ``dst``, the parts named in ``replace`` rewritten (or added): a function of
    the part's text returning the new text, or one of its bytes returning byte chunks, written as
    they come (never held whole)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = [info.filename for info in zin.infolist()]
        for name in [*names, *(n for n in replace if n not in names)]:
            data = zin.read(name) if name in names else b""
            change = replace.get(name)
            if change is None:
                zout.writestr(zin.getinfo(name), data)
            elif getattr(change, "chunks", False):
                with zout.open(name, "w", force_zip64=True) as out:
                    for chunk in change(data):
                        out.write(chunk)
            else:
                zout.writestr(name, change(data.decode("utf-8")).encode("utf-8"))
    if src != dst:
        src.unlink()
    return dst


def declared_dimension(path: Path, ref: str = "A1:XFD1048576", rows: int = 3, corner: str | None = "") -> Path:
    """A tiny workbook (a few rows) whose sheet declares ``ref`` as its dimension and holds one more
    cell, an empty text, at ``corner`` (by default the range's last cell: ``XFD1048576``; None: no
    such cell). openpyxl pads every row up to that cell to the declared width: 16,384 cells in each
    of a million rows, the issue's 45 minutes."""
    tmp = write_xlsx(path.with_suffix(".tmp.xlsx"), DISPATCH_HEADERS, [dispatch(i) for i in range(rows)])
    last = corner if corner else ref.split(":")[-1]
    number = re.sub(r"[A-Z]+", "", last)

    def sheet(text: str) -> str:
        text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', text)
        if corner is not None:
            cell = f'<row r="{number}"><c r="{last}" t="inlineStr"><is><t>x</t></is></c></row>'
            text = text.replace("</sheetData>", cell + "</sheetData>")
        return text

    return _rezip(tmp, path, {"xl/worksheets/sheet1.xml": sheet})


def huge_shared_string(path: Path, chars: int) -> Path:
    """A workbook whose one 备注 cell is a shared string of ``chars`` characters, streamed into the
    shared strings part (the 400 MB of the issue compress to about 400 KB)."""
    marker = "HUGE-STRING-HERE"
    tmp = write_xlsx(path.with_suffix(".tmp.xlsx"), DISPATCH_HEADERS, [dispatch(1, note=marker), dispatch(2)])
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def strings(_: bytes) -> Iterable[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="1" uniqueCount="1"><si><t>'.encode()
        block = b"a" * (1 << 20)
        left = chars
        while left > 0:
            yield block[: min(left, len(block))]
            left -= len(block)
        yield b"</t></si></sst>"

    strings.chunks = True  # type: ignore[attr-defined]
    sheet = re.compile(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>' + marker + "</t></is></c>")
    return _rezip(tmp, path, {
        "xl/worksheets/sheet1.xml": lambda text: sheet.sub(r'<c r="\1" t="s"><v>0</v></c>', text),
        "xl/sharedStrings.xml": strings,
        "[Content_Types].xml": lambda text: text.replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
        "xl/_rels/workbook.xml.rels": lambda text: text.replace(
            "</Relationships>",
            '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
        ),
    })


def gb18030_bad_byte(path: Path, after: int = 5000) -> Path:
    """A GB18030 export with a byte that is no character (0xFF) in a note past its first ``after``
    bytes."""
    rows = [dispatch(i, note="接警后及时到场处置,群众满意") for i in range(200)]
    write_csv(path, DISPATCH_HEADERS, rows, encoding="gb18030")
    data = path.read_bytes()
    assert len(data) > after + 100
    cut = data.index(b"\n", after) + 1  # the start of a row past ``after``
    path.write_bytes(data[:cut] + b"J9999999,\xbd\xf0\xb3\xc7\xff\xff,2015-04-03,\xd2\xbb\xc0\xe0,\xb3\xc7\xc7\xf8,7,,\r\n" + data[cut:])
    return path


def long_field(path: Path, chars: int = 131_073) -> Path:
    """A CSV whose one note holds ``chars`` characters (the csv module's own field limit is 131,072)."""
    return write_csv(path, DISPATCH_HEADERS, [dispatch(1), dispatch(2, note="长" * chars), dispatch(3)])


def unterminated_quote(path: Path) -> Path:
    """A CSV whose second row's note opens a quote it never closes: the rows after it would be read
    into that note."""
    write_csv(path, DISPATCH_HEADERS, [dispatch(1)])
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write('J0000002,金城派出所,2015-04-03,一类,城区,7,,"到场后处置\r\n')
        f.write("J0000003,华城派出所,2015-04-04,一类,城区,9,,\r\n")
        f.write('J0000004,华城派出所,2015-04-05,一类,城区,6,,"群众满意"\r\n')
    return path


def workbook_named_csv(path: Path) -> Path:
    """An XLSX saved under a .csv name."""
    tmp = write_xlsx(path.with_suffix(".xlsx"), DISPATCH_HEADERS, [dispatch(1)])
    tmp.rename(path)
    return path


def number_in_date(path: Path, value: Any = 5) -> Path:
    """A workbook whose second row's 接警日期 is a number cell (5: 1900-01-05 as an Excel serial)."""
    return write_xlsx(path, DISPATCH_HEADERS, [dispatch(1, date=dt.date(2015, 4, 3)), dispatch(2, date=value)])
