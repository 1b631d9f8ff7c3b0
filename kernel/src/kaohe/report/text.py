"""A period's ranking and its data gaps for the terminal and for a spreadsheet: the text tables of
``kaohe score`` and ``kaohe ranking``, its CSV and JSON, and what data is missing, in Chinese."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..core.decimals import fmt
from ..core.model import PeriodResult
from ..core.texttable import csv_row, table
from ..scheme.bureau import Bureau
from ..scoring.explain import gap_data, ranking_columns


def ranking_text(bureau: Bureau, result: PeriodResult) -> str:
    """Each series' ranking as a table: rank, unit, total, each category's score, flags."""
    out = []
    columns = ranking_columns(bureau, result)
    for series, units in result.series().items():
        s = bureau.scheme.series_by_id(series)
        out.append(f"\n{s.name if s else series}")
        headers = ["名次", "单位", "总分", *[h for h, _ in columns], "标记"]
        rows = []
        for u in units:
            rows.append([str(u.rank), u.name, fmt(u.total), *[fmt(get(u)) for _, get in columns], "、".join(u.flags)])
        out.append(table(headers, rows, right={0, 2, *range(3, 3 + len(columns))}))
    return "\n".join(out)


def ranking_data(result: PeriodResult) -> dict[str, Any]:
    """The ranking as JSON data (``kaohe ranking --json``)."""
    data = [
        {
            "series": u.series, "rank": u.rank, "unit": u.unit, "name": u.name, "total": fmt(u.total),
            "categories": {c.category: fmt(c.score) for c in u.categories}, "flags": list(u.flags),
        }
        for units in result.series().values()
        for u in units
    ]
    return {"period": result.period, "ranking": data, "empty": list(result.empty), "missing": [gap_data(g) for g in result.missing]}


def ranking_csv(bureau: Bureau, result: PeriodResult) -> str:
    """The ranking as CSV (without the byte-order mark), each cell safe for a spreadsheet."""
    buf = io.StringIO()
    w = csv.writer(buf)
    columns = ranking_columns(bureau, result)
    csv_row(w, ["序列", "名次", "单位编号", "单位", "总分", *[h for h, _ in columns], "标记"])
    for series, units in result.series().items():
        for u in units:
            csv_row(w, [series, u.rank, u.unit, u.name, fmt(u.total), *[fmt(get(u)) for _, get in columns], "、".join(u.flags)])
    return buf.getvalue()


def gaps_text(result: PeriodResult, limit: int = 10) -> list[str]:
    """What data is missing in ``result`` (kaohe.core.model.Gap), in Chinese, one sentence a line: the
    periods with no data at all, the departments that sent nothing, the units' missing figures."""
    out = []
    if result.empty and tuple(result.empty) != (result.period,):  # an empty base period: the command's warning says it
        out.append(f"{'、'.join(result.empty)} 没有任何数据:各单位该期同分,不评末位")
    by_dept: dict[str, list[str]] = {}
    units = []
    for g in result.missing:
        if g.unit:
            units.append(g)
        elif g.period not in result.empty:
            by_dept.setdefault(g.department, []).append(g.period)
    if by_dept:
        out.append("未报送(有关项目暂不计分):" + ";".join(f"{d} {'、'.join(ps)}" for d, ps in by_dept.items()))
    if units:
        listed = ";".join(g.text() for g in units[:limit])
        more = f" 等{len(units)}项" if len(units) > limit else ""
        out.append(f"单位数据缺失(该项暂不计分):{listed}{more}")
    return out
