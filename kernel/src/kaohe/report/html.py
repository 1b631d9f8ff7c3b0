"""The 通报 as one self-contained HTML file: every style, script and chart library inlined, no
request leaves the page (police networks have no internet). Views — the ranking and one page per
unit — are sections switched by the address's hash (``#ranking``, ``#unit-jincheng``), so the file
works opened from disk; without JavaScript every section is shown one after another.

Templates are Jinja2 with autoescaping on: every piece of imported text (unit names, record notes,
reasons, file names) is escaped. Since layout 3 (:data:`LAYOUT`) an item's lines are not in the
markup but drawn by the page's script from a compressed block (:class:`LineBlock`). Layout 2 says
an item's title, reference and period once, above its record lines; both carry no indentation from
the template (``unindent``). The page is written as the template makes it (``Template.generate``), and each unit's details are
made when its section is reached: an item with more record lines than ``[report] lines_per_item``
shows the first of them and one folded line for the rest (the XLSX and the JSON keep every line).
The charts' data travels as JSON in a ``<script
type="application/json">`` block with ``<``, ``>`` and ``&`` written as ``\\u003c`` etc., so no text
can close the block; the page's own script escapes text again before putting it in a tooltip.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import zlib
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from jinja2 import Environment

from ..core.decimals import fmt, fmt_points
from .data import CategoryView, ItemView, ReportData, UnitView
from .jsondata import items_table, month_day

CHART_LIBRARY = "echarts.common.min.js"


@cache
def _asset(name: str) -> str:
    return files("kaohe.report").joinpath("assets", name).read_text(encoding="utf-8")


@cache
def _template_text(name: str) -> str:
    return files("kaohe.report").joinpath("templates", name).read_text(encoding="utf-8")


def script_safe(text: str) -> Markup:
    """Inline a script: a literal ``</script`` inside it would end the element early."""
    return Markup(text.replace("</script", "<\\/script").replace("<!--", "<\\!--"))


def json_for_script(value: Any) -> Markup:
    """JSON to put inside ``<script type="application/json">``: no character can end the element
    or start markup, and the result is still valid JSON for ``JSON.parse``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def chart_data(data: ReportData) -> dict[str, Any]:
    """What the charts draw. Numbers go twice: as floats for the drawing and as the kernel's exact
    text for the tooltips."""
    units: dict[str, Any] = {}
    for u in data.units:
        units[u.anchor] = {
            "name": u.result.name,
            "series": u.series_name,
            "months": [
                {"label": m.name.split("年", 1)[1] if "年" in m.name else m.name, "period": m.period,
                 "total": _float(m.total), "text": _text(m.total), "mean": _float(m.series_mean), "meanText": _text(m.series_mean)}
                for m in u.months
            ],
            "categories": [
                {"name": c.name, "score": _float(c.score), "text": _text(c.score),
                 "mean": _float(mean), "meanText": _text(mean),
                 "top": _float(top), "topText": _text(top), "anchor": u.category_anchor(index)}
                for index, (c, (mean, top)) in enumerate(
                    zip(u.result.categories, u.category_stats or [(None, None)] * len(u.result.categories), strict=True), start=1
                )
            ],
        }
    return {
        "period": data.period_name,
        "series": [
            {
                "name": s.name,
                "mean": _float(s.stats.mean), "meanText": _text(s.stats.mean),
                "passMark": _float(s.pass_mark), "passMarkText": _text(s.pass_mark),
                "units": [{"name": u.result.name, "anchor": u.anchor, "rank": u.result.rank,
                           "total": _float(u.result.total), "text": _text(u.result.total)} for u in s.units],
            }
            for s in data.series
        ],
        "units": units,
    }


def change_text(u: UnitView, previous_available: bool) -> tuple[str, str]:
    """(text, css class) for the change of rank since the previous period: ↑2, ↓1, 持平, 新 (not
    ranked in that series last period) or — (no previous period in the store)."""
    ch = u.rank_change
    if ch is None:
        return ("新" if previous_available else "—", "same")
    if ch > 0:
        return (f"↑{ch}", "up")
    if ch < 0:
        return (f"↓{-ch}", "down")
    return ("持平", "same")


FLAG_CLASS = {"一票否决": "veto", "含沿用上期数据": "carried", "数据缺失": "missing", "末位": "last", "整改单位": "rectify"}


def flag_class(flag: str) -> str:
    if flag.startswith("连续"):
        return "running"
    return FLAG_CLASS.get(flag, "other")


def points_text(value: Decimal | None) -> str:
    """Points with their sign (+2, -0.5); nothing gained or lost is plain 0; none is —."""
    if value is None:
        return "—"
    return "0" if value == 0 else fmt_points(value)


def fixed(value: Decimal | None, places: int) -> str:
    """A score with the scheme's number of decimal places (``98.10``) when that loses nothing, else
    exactly as the kernel prints it: category scores and totals are computed to those places, so a
    column of them lines up without any rounding."""
    if value is None:
        return "—"
    q = Decimal(1).scaleb(-places)
    if value == value.quantize(q):
        return format(value.quantize(q), "f")
    return fmt(value)


class LineBlock:
    """The page's record lines as one compact block of data (layout 3), filled while the template
    writes each unit's items (``item``, in the order of the page's ``details.item``) and written at
    the end of the page (``markup``), read by the page's script (report-3.js).

    The block is ``{"s": [text, …], "f": [[title, reference, window], …], "i": [item, …]}``: every
    text said once in ``s`` and named by its index; ``f`` each item's facts (title with its category,
    reference, period, department: indexes into ``s``); ``i`` one entry per item of a unit, in the
    order of the page's ``details.item``: ``[facts, seed sentence or -1, line, line, …]``. A line is ``[0, points,
    reason]`` for a line of the item itself (target, rate, rank …), ``[1, points, reason, carried]``
    for the folded line, and ``[2, points, reason, record or -1, carried, missing or -1, date,
    department, note or -1, value or -1, file, sheet or -1, row or -1, version or -1]`` for a record
    line (its date … version -1 when the record is not stored); a reason that is the record's date
    (``5月21日``) and note is ``-1`` and made by the script. Carried is 0 or 1; every other value is an
    index into ``s``."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self._strings: dict[str, int] = {}
        self._facts: dict[tuple[int, int, int, int], int] = {}
        self._items: list[str] = []
        """Each item's entry as its JSON text (held for every unit until the page's end: as text it
        is several times smaller than the lists)."""

    def s(self, text: str | None) -> int:
        if text is None:
            return -1
        index = self._strings.get(text)
        if index is None:
            index = self._strings[text] = len(self._strings)
        return index

    def item(self, category: CategoryView, item: ItemView) -> str:
        """Add a unit's item (a CategoryView's ItemView): the page's next ``details.item`` (nothing to
        write in the page: the script finds an item's entry by its place among them)."""
        it = item.result
        key = (self.s(f"{it.title}({category.result.name})"), self.s(it.reference), self.s(it.window), self.s(it.department))
        facts = self._facts.setdefault(key, len(self._facts))
        entry: list[Any] = [facts, self.s(item.text) if item.text else -1]
        for ln in item.lines:
            pts, reason = self.s(points_text(ln.points)), ln.reason
            if ln.folded:
                entry.append([1, pts, self.s(reason), int(ln.carried)])
            elif ln.record or ln.info or ln.carried or ln.missing:
                line = [2, pts, self.s(reason), self.s(ln.record or None), int(ln.carried), self.s(ln.missing or None)]
                info = ln.info
                if info is None:
                    line += [-1] * 8
                else:
                    day = month_day(info.date)
                    if day and reason == f"{day} {info.note}":
                        line[2] = -1
                    line += [
                        self.s(info.date), self.s(info.department), self.s(info.note or None), self.s(info.value),
                        self.s(info.file), self.s(info.sheet or None),
                        -1 if info.row is None else self.s(str(info.row)),
                        -1 if not info.version or info.version <= 1 else self.s(str(info.version)),
                    ]
                entry.append(line)
            else:
                entry.append([0, pts, self.s(reason)])
        self._items.append(_compact(entry))
        return ""

    def items(self) -> list[dict[str, str]]:
        """Every item of the period once (for the section 考核项目及依据), in the units' order."""
        names = {cid: name for cid, name, _ in self.data.categories}
        return [{**t, "category": names.get(t["category"], t["category"])} for t in items_table(self.data)]

    def value(self) -> dict[str, Any]:
        return {"s": list(self._strings), "f": [list(k) for k in self._facts], "i": [json.loads(t) for t in self._items]}

    def _text(self) -> Iterator[bytes]:
        """``value``'s JSON (UTF-8), piece by piece: the bytes of ``json.dumps(self.value(), …)``."""
        yield b'{"s":['
        for n, text in enumerate(self._strings):
            yield (b"," if n else b"") + _compact(text).encode("utf-8")
        yield b'],"f":' + _compact([list(k) for k in self._facts]).encode("utf-8") + b',"i":['
        for n, entry in enumerate(self._items):
            yield (b"," if n else b"") + entry.encode("utf-8")
        yield b"]}"

    def markup(self) -> Markup:
        """The block as it is written in the page: its JSON (UTF-8) compressed with gzip (no time in
        its header: the same data gives the same bytes, those of ``gzip.compress(text, 6, mtime=0)``)
        in base64, which no text can break out of. Compressed as it is made: the JSON is never
        whole in memory."""
        z = zlib.compressobj(6, zlib.DEFLATED, 31)  # a gzip header without a time, as gzip.compress(mtime=0) makes it
        packed = bytearray()
        for piece in self._text():
            packed += z.compress(piece)
        packed += z.flush()
        return Markup(base64.b64encode(bytes(packed)).decode("ascii"))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def read_block(page: str) -> dict[str, Any]:
    """The block of lines of a page written in layout 3 (:class:`LineBlock`; its element's ``type``
    is ``application/gzip+base64``, not a script the browser runs), as its script reads it."""
    found = re.search(r'<script type="[^"]*" id="lines-data">([^<]*)</script>', page)
    if found is None:
        raise ValueError("not a page of layout 3: no block of lines")
    value: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(found.group(1))).decode("utf-8"))
    return value


_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def unindent(source: str) -> str:
    """The template's text without the indentation of its lines: the source stays readable, the page
    carries none of it (HTML collapses white space, and every line keeps its line break, so nothing
    renders differently; the template has no ``<pre>``). Imported text is a value, never touched."""
    return _INDENT.sub("", source)


def environment(compact: bool = True) -> Environment:
    """The templates' environment; ``compact`` (always, but for tests) leaves the indentation of the
    template's lines out of the page."""
    from jinja2 import Environment, PackageLoader, StrictUndefined  # heavy: imported when a report is written
    from jinja2.ext import Extension

    class Unindent(Extension):
        def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
            return unindent(source)

    env = Environment(
        loader=PackageLoader("kaohe.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[Unindent] if compact else [],
    )
    env.filters["num"] = fmt
    env.filters["pts"] = points_text
    env.filters["fixed"] = fixed
    env.globals["change_text"] = change_text
    env.globals["flag_class"] = flag_class
    return env


LAYOUT = 3
"""The page's layout. 3 (issue 18 point 5): every unit's totals, categories and items are in the
markup; an item's facts, seed sentence and lines are drawn by the page's script when the item is
opened, from one compact block of data (:class:`LineBlock`), the seed sentences also said once in the
section 考核项目及依据 (``#items``). 2 (compact, issue 18): the item's title, reference and period said once above
its lines instead of in every record line's details, a line without a record not opened, no
indentation. 1: as written before (``report-1.html.j2``, kept to write again, byte for byte, a lost
page of an edition published in it: kaohe.office.publication records the layout with the files)."""


def _chunks(data: ReportData, layout: int | None = None) -> Iterator[str]:
    """The page's text, piece by piece as the template makes it (a unit's details are made when its
    section is reached, and dropped after)."""
    layout = LAYOUT if layout is None else layout
    if layout not in (1, 2, 3):
        raise ValueError(f"unknown page layout {layout}")
    if layout == 1:
        template = environment(compact=False).get_template("report-1.html.j2")
        css = _template_text("report.css")
    elif layout == 2:
        template = environment().get_template("report-2.html.j2")
        css = _template_text("report.css") + _template_text("report-2.css")
    else:
        template = environment().get_template("report.html.j2")
        css = _template_text("report.css") + _template_text("report-2.css") + _template_text("report-3.css")
    if layout < 3:
        return template.generate(
            data=data,
            css=Markup(css),
            app_js=script_safe(_template_text("report.js")),
            library=script_safe(_asset(CHART_LIBRARY)),
            chart_json=json_for_script(chart_data(data)),
        )
    return template.generate(
        data=data,
        css=Markup(css),
        app_js=script_safe(_template_text("report.js") + _template_text("report-3.js")),
        library=script_safe(_asset(CHART_LIBRARY)),
        chart_json=json_for_script(chart_data(data)),
        block=LineBlock(data),
    )


def render_html(data: ReportData, layout: int | None = None) -> str:
    return "".join(_chunks(data, layout))


def write_html(data: ReportData, path: Path, layout: int | None = None) -> Path:
    """Write the page to ``path`` as it is made (never the whole page in memory), in ``layout``
    (:data:`LAYOUT` by default)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        f.writelines(_chunks(data, layout))
    return path
