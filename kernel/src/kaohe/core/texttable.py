"""Text for a person reading a terminal or Excel: tables aligned by display width (a Chinese
character is two) and CSV cells that Excel shows as text. Shared by the CLI and the plugins'
own commands (``kaohe_commands``)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any


_WIDE: dict[str, int] = {}
"""Each non-ASCII character's display width, worked out once."""


def _width(text: str) -> int:
    if text.isascii():  # numbers, codes, dates: one column a character
        return len(text)
    total = 0
    for ch in text:
        w = _WIDE.get(ch)
        if w is None:
            w = _WIDE[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        total += w
    return total


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


TABLE_CELL = 40
"""The widest a column of a table grows: a longer cell (a file name, a long reason) overflows its own
row instead of widening every row of the table."""


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """Columns aligned by display width (a Chinese character is two). The last column is not padded
    and no line ends in spaces; a cell wider than :data:`TABLE_CELL` does not widen its column."""
    right = right or set()
    last = len(headers) - 1
    widths = [
        max([_width(h)] + [w for r in rows if (w := _width(r[i])) <= TABLE_CELL or i == last]) if i != last else 0
        for i, h in enumerate(headers)
    ]
    dash = [w if i != last else max([_width(headers[i])] + [min(_width(r[i]), TABLE_CELL) for r in rows]) for i, w in enumerate(widths)]

    def line(cells: list[str]) -> str:
        return "  ".join(_pad(c, widths[i], i in right) for i, c in enumerate(cells)).rstrip()

    lines = [line(headers), "  ".join("-" * w for w in dash)]
    lines.extend(line(r) for r in rows)
    return "\n".join(lines)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def csv_cell(value: Any) -> str:
    """A CSV cell that Excel shows as text, never runs: a text starting with = + - @ (a formula
    such as =HYPERLINK(…) in a unit's or officer's name) gets a leading apostrophe; a plain number
    (-2, +1.5) is left as it is."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def csv_row(writer: Any, cells: list[Any]) -> None:
    writer.writerow([csv_cell(c) for c in cells])
