"""Text for a person reading a terminal or Excel: tables aligned by display width (a Chinese
character is two) and CSV cells that Excel shows as text. Shared by the CLI and the plugins'
own commands (``kaohe_commands``)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any


class _Widths(dict[str, int]):
    """Each non-ASCII character's display width, worked out once."""

    def __missing__(self, ch: str) -> int:
        w = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return w


_WIDE = _Widths()


def _width(text: str) -> int:
    if text.isascii():  # numbers, codes, dates: one column a character
        return len(text)
    return sum(map(_WIDE.__getitem__, text))


TABLE_CELL = 40
"""The widest a column of a table grows: a longer cell (a file name, a long reason) overflows its own
row instead of widening every row of the table."""


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """Columns aligned by display width (a Chinese character is two). The last column is not padded
    and no line ends in spaces; a cell wider than :data:`TABLE_CELL` does not widen its column."""
    right = right or set()
    last = len(headers) - 1
    heads = [_width(h) for h in headers]
    cells = [[_width(c) for c in r] for r in rows]  # each cell's width worked out once
    widths = [max([heads[i]] + [w[i] for w in cells if w[i] <= TABLE_CELL]) if i != last else 0 for i in range(len(headers))]
    dash = [w if i != last else max([heads[i]] + [min(c[i], TABLE_CELL) for c in cells]) for i, w in enumerate(widths)]

    def line(texts: list[str], sizes: list[int]) -> str:
        return "  ".join(
            (" " * max(widths[i] - n, 0) + t if i in right else t + " " * max(widths[i] - n, 0))
            for i, (t, n) in enumerate(zip(texts, sizes, strict=True))
        ).rstrip()

    lines = [line(headers, heads), "  ".join("-" * w for w in dash)]
    lines.extend(line(r, w) for r, w in zip(rows, cells, strict=True))
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
