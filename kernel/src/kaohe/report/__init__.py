"""The published report (通报) of a period: HTML for reading and printing, XLSX as offices circulate
it, JSON for other systems — all three written from one :class:`~kaohe.report.data.ReportData`.

``publish(directory, bureau, registry, result, store)`` writes into ``directory``:

- ``index.html`` — one self-contained file (styles, scripts and the chart library inlined), the
  ranking of every series and a page per unit down to each record (an item's record lines beyond
  ``[report] lines_per_item`` folded into one line; the lines drawn by the page's script from a
  compressed block, page layout 3: kaohe.report.html); works opened from disk;
- ``通报-<period>.xlsx`` — a sheet per series and a sheet of 加扣分明细 per unit, every line;
- ``report-<period>.json`` — the same results, every line, documented in docs/report-json.md (each
  item described once, each record once: kaohe.report.jsondata).

Each file is written as it is made, unit by unit: the memory needed does not grow with the records
of the period (beyond the scored result itself; an edition made from the stored results holds its
units without their record lines, each unit made whole as a writer reaches it: ``whole``).

See docs/report.md.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.model import PeriodResult, UnitResult
from ..scheme.bureau import Bureau

if TYPE_CHECKING:
    from .data import ReportData, build
    from .html import render_html, write_html
    from .jsondata import expand, read_units, report_json, write_json
    from .xlsx import write_xlsx

_LAZY = {
    "ReportData": "data", "build": "data", "render_html": "html", "write_html": "html", "expand": "jsondata",
    "read_units": "jsondata", "report_json": "jsondata", "write_json": "jsondata", "write_xlsx": "xlsx",
}
"""The names this package gives from its modules, each imported when first asked for: a command that
prints a ranking (``kaohe.report.text``) starts without the published report's modules."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

__all__ = [
    "ReportData", "build", "expand", "publish", "read_units", "render_html", "report_json", "write_html", "write_json",
    "write_xlsx",
]


def xlsx_name(period: str) -> str:
    return f"通报-{period}.xlsx"


def json_name(period: str) -> str:
    return f"report-{period}.json"


def publish(
    directory: str | Path,
    bureau: Bureau,
    registry: Any,
    result: PeriodResult,
    store: Any = None,
    *,
    previous: PeriodResult | None = None,
    generated: dt.datetime | None = None,
    edition: dict[str, Any] | None = None,
    changes: Any = None,
    json_version: int | None = None,
    html_layout: int | None = None,
    xlsx_layout: int | None = None,
    whole: Callable[[UnitResult], UnitResult] | None = None,
) -> Path:
    """Write the report of ``result`` into ``directory`` and return the HTML file's path.

    ``store`` (a :class:`kaohe.store.store.Store`, optional) supplies the previous period's ranks, the
    months of the year for the charts and each line's source record; without it the report holds
    what ``result`` holds. ``edition`` and ``changes`` (kaohe.office.publication) add the edition's number,
    date, appeal deadline and what changed since the previous edition. ``json_version``: the JSON's
    layout (the current one by default; 1 for an edition whose files were published in it);
    ``html_layout`` the same for the page (kaohe.report.html.LAYOUT), ``xlsx_layout`` for the
    workbook (kaohe.report.xlsx.LAYOUT).
    ``whole``: each unit's whole result, where ``result``'s units are held without their record
    lines (an edition made from the stored results: kaohe.office.publication), asked as each
    writer reaches the unit.
    ``registry`` is accepted for symmetry with the other jobs (the items' texts are read from
    ``bureau``).
    """
    from .data import build
    from .html import write_html
    from .jsondata import write_json
    from .xlsx import write_xlsx

    del registry
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = build(bureau, result, store=store, previous=previous, generated=generated, edition=edition, changes=changes, whole=whole)
    html = write_html(data, directory / "index.html", html_layout)
    write_xlsx(data, directory / xlsx_name(result.period), xlsx_layout)
    write_json(data, directory / json_name(result.period), json_version)
    return html
