"""Adapters: how a department's export (its own column headers) becomes records.

An adapter declares its columns; the kernel finds the header row, converts each cell by the
column's type and reports a bad cell by file, sheet, row and column. The adapter's ``to_records``
is a pure function from one converted row to record drafts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..core.decimals import CELL_LIMIT, PERCENT_LIMIT, D, cell_problem
from ..core.periods import Period

TYPES = ("text", "int", "decimal", "date", "datetime", "bool", "unit", "percent", "month")
TYPE_NAMES = {
    "text": "文本",
    "int": "整数",
    "decimal": "数字",
    "date": "日期(如 2015-04-03)",
    "datetime": "日期时间(如 2015-04-03 14:20)",
    "bool": "是/否",
    "unit": "单位名称",
    "percent": "百分数(如 93.5 或 93.5%)",
    "month": "考核月份(如 2015-04 或 2015年4月)",
}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
SERIAL_FIRST = (dt.date(1990, 1, 1) - EXCEL_EPOCH.date()).days
SERIAL_END = (dt.date(2100, 1, 1) - EXCEL_EPOCH.date()).days
"""A number in a date column is an Excel serial day (a date cell that lost its format) only between
1990-01-01 and 2099-12-31: 5 or 2015 is not a date of 1900 (docs/readings.md, "日期列中的数字")."""
TRUE = {"是", "y", "yes", "true", "1", "√", "有"}
FALSE = {"否", "n", "no", "false", "0", "×", "无", ""}


class CellError(ValueError):
    """A cell that does not hold what its column expects."""


@attrs.frozen
class Column:
    """One column of a department's export."""

    name: str
    """The header as the department's staff name it (``接警时间``)."""
    key: str
    """The name the adapter reads it by (``received_at``)."""
    type: str = attrs.field(default="text", validator=attrs.validators.in_(TYPES))
    required: bool = True
    """A required column must be present in the header and filled in every row."""
    aliases: tuple[str, ...] = ()
    """Other headers accepted for this column."""
    choices: tuple[str, ...] = ()
    """Allowed values for a text column."""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    help: str = ""
    """What the column holds, for the plugin's README."""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def convert(self, raw: Any) -> Any:
        """The cell's value as the column's type; ``CellError`` says what was expected."""
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if self.required:
                raise CellError(f"不能为空,应为{TYPE_NAMES[self.type]}")
            return None
        value = _CONVERT[self.type](raw)
        if self.choices and str(value) not in self.choices:
            raise CellError(f"应为 {'、'.join(self.choices)} 之一,得到 {shown(raw)}")
        if (
            (self.minimum is not None or self.maximum is not None)
            and isinstance(value, (Decimal, int))
            and not isinstance(value, bool)
        ):
            if self.minimum is not None and value < self.minimum:
                raise CellError(f"不能小于 {self.minimum},得到 {shown(raw)}")
            if self.maximum is not None and value > self.maximum:
                raise CellError(f"不能大于 {self.maximum},得到 {shown(raw)}")
        return value


def converter(column: Column) -> Callable[[Any], Any]:
    """``column.convert`` made once for the column: the same values and the same errors, with the
    common cases (a text cell, a cell of a column without choices or bounds) taken directly; an
    intake converts every cell of every row with it."""
    convert = column.convert
    if column.minimum is not None or column.maximum is not None:
        return convert
    to_type = _CONVERT[column.type]
    required = column.required
    if column.type in ("text", "unit"):
        choices = frozenset(column.choices) if column.choices else None

        def text(raw: Any) -> Any:
            if raw.__class__ is str:
                value = raw.strip()
                if value and (choices is None or value in choices):
                    return value
            return convert(raw)  # empty, not a text, or not a choice: the general way (and its error)

        return text
    if column.choices:
        return convert
    if column.type == "bool":

        def yes_no(raw: Any) -> Any:
            if raw.__class__ is str:
                value = raw.strip().lower()
                if value in TRUE:
                    return True
                if value in FALSE and (value or not required):
                    return False if value else None
            return convert(raw)

        return yes_no

    def typed(raw: Any) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                return convert(raw)  # raises the column's error
            return None
        return to_type(raw)

    return typed


SHOWN_CHARS = 40
"""A bad cell's value is quoted in the message up to this many characters (a cell may hold 32,767)."""


def shown(raw: Any) -> str:
    """A cell's value as a message quotes it: its repr, cut short."""
    text = repr(raw)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}…(共 {len(str(raw))} 个字符)"


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _number(raw: Any, limit: Decimal = CELL_LIMIT) -> Decimal:
    """A cell's number, finite and within the column type's bounds (kaohe.core.decimals): NaN, Infinity,
    1e30 or a number of a billion digits is refused here, before anything computes with it."""
    if isinstance(raw, bool):
        raise CellError(f"应为数字,得到 {shown(raw)}")
    try:
        value = D(raw.strip().rstrip("%") if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise CellError(f"应为数字,得到 {shown(raw)}") from None
    problem = cell_problem(value, limit)
    if problem:
        raise CellError(f"{problem},得到 {shown(raw)}")
    return value


def _decimal(raw: Any) -> Decimal:
    return _number(raw)


def _int(raw: Any) -> int:
    d = _number(raw)  # bounded first: int() of 1e999999999 would compute a billion digits
    if d != d.to_integral_value():
        raise CellError(f"应为整数,得到 {shown(raw)}")
    return int(d)


class PercentCell(Decimal):
    """A number from an Excel cell formatted as a percentage, already multiplied by 100: the cell
    that shows 93.5% holds 0.935 (and 100% holds 1); the reader passes on what the user sees."""


def _percent(raw: Any) -> Decimal:
    return _number(raw, PERCENT_LIMIT)


_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(?:份)?\s*$")
_LOOSE_MONTH_RE = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})|(\d{2}))\s*(?:月|[-/.]\d{1,2}.*|\s.*)?$")


def month_of(raw: Any, *, loose: bool = False) -> tuple[int, int] | None:
    """(year, month) written in a cell — 2015-04, 2015/4, 2015.04, 2015年4月(份), or a date — or
    ``None`` when the cell is not written as a month. ``loose`` also takes 201504 and a day or a
    time after the month (2015-04-20, 2015-04-01 00:00:00), as some departments' exports write it.
    The month's number is not checked (13 is returned as written): the caller says what is wrong.
    The ``month`` column type reads its cells with it; a plugin whose column is ``text`` may too."""

    if isinstance(raw, dt.date | dt.datetime):
        return raw.year, raw.month
    m = (_LOOSE_MONTH_RE if loose else _MONTH_RE).match(_text(raw))
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or m.group(3))


def _month(raw: Any) -> Any:
    """An assessment month, as a :class:`kaohe.core.periods.Period` (the kernel dates the record on
    the month's last day, by the bureau's calendar)."""

    ym = month_of(raw)
    if ym is None or not 1 <= ym[1] <= 12:
        raise CellError(f"应为考核月份(如 2015-04 或 2015年4月),得到 {shown(raw)}")
    return Period(ym[0], "month", ym[1])


_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME_RE = re.compile(r"(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?")


def _datetime(raw: Any) -> dt.datetime:
    if isinstance(raw, str):
        text = raw.strip()
        # Fast path for what exports hold almost always, 2015-04-03 or 2015-04-03 14:20[:05]:
        # the C parser gives the same value the patterns below give; anything else (other
        # separators, a time zone, an invalid day or hour) goes the long way.
        if len(text) in (10, 16, 19) and text[4] == "-" and text[7] == "-":
            try:
                value = dt.datetime.fromisoformat(text)
            except ValueError:
                pass
            else:
                if value.tzinfo is None:
                    return value
    if isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if SERIAL_FIRST <= raw < SERIAL_END:  # an Excel serial day number (a date cell without its format)
            return EXCEL_EPOCH + dt.timedelta(days=float(raw))
        raise CellError(
            f"应为日期,得到数字 {shown(raw)}:作为 Excel 日期序号只接受 {SERIAL_FIRST}(1990-01-01)"
            f"至 {SERIAL_END - 1}(2099-12-31);请把单元格设为日期格式,或写作 2015-04-03"
        )
    text = str(raw).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        if len(text) > 12:
            raise CellError(f"应为日期(如 2015-04-03),得到 {shown(raw)}")
        return _datetime(float(text))
    m = _DATE_RE.match(text)
    if not m:
        raise CellError(f"应为日期(如 2015-04-03),得到 {shown(raw)}")
    try:
        day = dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CellError(f"不是有效日期:{shown(raw)}") from None
    t = _TIME_RE.search(text[m.end():])
    if t:
        try:
            day = day.replace(hour=int(t.group(1)), minute=int(t.group(2)), second=int(t.group(3) or 0))
        except ValueError:
            raise CellError(f"不是有效时间:{shown(raw)}") from None
    return day


def _date(raw: Any) -> dt.date:
    return _datetime(raw).date()


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise CellError(f"应为 是/否,得到 {shown(raw)}")


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "unit": _text,
    "int": _int,
    "decimal": _decimal,
    "percent": _percent,
    "date": _date,
    "datetime": _datetime,
    "bool": _bool,
    "month": _month,
}


@attrs.frozen
class Draft:
    """A record as an adapter produces it, before the kernel resolves the unit and checks it."""

    key: str
    """Stable source key, unique for the real-world fact (e.g. the 警情编号). ``{unit}`` in it is
    replaced by the resolved unit id, so a monthly figure keyed ``kind:{unit}:2015-04`` is the same
    record whether the file names the unit 金城 or 金城派出所."""
    kind: str
    unit: str
    """The unit as written in the file (id, name or alias); the kernel resolves it."""
    date: Any
    """The day of the fact, or an assessment month (a ``Period`` from a ``month`` column): the
    record is then dated on the month's last day."""
    value: Decimal | None = None
    attrs: Mapping[str, Any] = attrs.field(factory=dict)
    note: str = ""
    """A short Chinese description of the record, shown in explanations."""
    column: str | None = None
    """The header of the column the value came from (for error messages)."""


Row = Mapping[str, Any]
"""One converted row of an export: column key → value (what ``Adapter.to_records`` receives)."""


def row_key(kind: str, row: Row, *parts: object, column: str = "id") -> str:
    """The default source key of a record: its kind and the row's id column (the register's
    编号), ``kind:id``, with ``parts`` appended (``kind:id:part``). Write ``"{unit}"`` as a part for
    the resolved unit id (see :class:`Draft`)."""
    return ":".join([kind, str(row[column]), *map(str, parts)])


def _columns(columns: Iterable[Column]) -> tuple[Column, ...]:
    return tuple(columns)


def _kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    return tuple(kinds)


@attrs.frozen
class Adapter:
    """Reads one kind of export of a department."""

    id: str
    """Namespaced id (``zhihui110.dispatch``)."""
    title: str
    """Chinese name of the export (``110接处警记录``)."""
    department: str
    columns: tuple[Column, ...] = attrs.field(converter=_columns)
    to_records: Callable[[Row], Iterable[Draft]]
    """Pure: one converted row (column key → value) to record drafts."""
    kinds: tuple[str, ...] = attrs.field(converter=_kinds)
    """The record kinds it produces."""
    unit_column: str = "unit"
    """Key of the column naming the unit."""
    date_column: str = "date"
    """Key of the column whose date places the record in a period."""
    plugin: str = ""
    kind_column: str | None = None
    """Key of the column whose text names the record's kind, where the file names it (a register
    of many kinds, like the office's): a record of a kind no item of the bureau reads is refused,
    rather than stored and never scored."""

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def header_score(self, headers: Iterable[str]) -> int:
        """How many of the adapter's required columns the header row holds."""
        found = {h.strip() for h in headers if isinstance(h, str)}
        return sum(1 for c in self.columns if c.required and any(h in found for h in c.headers))

    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]
