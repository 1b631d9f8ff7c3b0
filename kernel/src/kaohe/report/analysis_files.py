"""The office's analysis (``kaohe compare``, ``kaohe diagnose``) as files: a workbook (one sheet per
table) and a standalone HTML page with its charts (the report's vendored ECharts inlined, no
request leaves the page). Both are made from the same sections (:func:`sections`): a title, the
sentences saying what the table means, the table, and the chart's data."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..core.decimals import fmt
from .analysis import OTHER, REST
from .html import CHART_LIBRARY, _asset, _template_text, json_for_script, script_safe


@attrs.frozen
class Section:
    title: str
    notes: tuple[str, ...]
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    chart: Mapping[str, Any] | None = None
    """``{"type": "bar"|"line", "categories": [...], "series": [{"name", "data"}], "percent": bool}``"""


def _num(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _pct(text: str | None) -> Decimal | None:
    """A share as a percentage, two places."""
    return None if text is None else (Decimal(text) * 100).quantize(Decimal("0.01"))


def _f(values: Sequence[Any]) -> list[float | None]:
    """A chart's values (the chart library draws floats; the tables keep the decimals)."""
    return [None if v is None else float(v) for v in values]


def sections(kind: str, data: Mapping[str, Any]) -> list[Section]:
    """The sections of a comparison (``kind`` "compare") or of the diagnostics ("diagnose")."""
    return _compare(data) if kind == "compare" else _diagnose(data)


def _compare(data: Mapping[str, Any]) -> list[Section]:
    out = []
    for s in data["series"]:
        rows = tuple(
            (
                r["name"], _num(r["total"]), r["rank"], _num(r["proposedTotal"]), r["proposedRank"], r["move"], _num(r["change"]),
                r["award"], "、".join(r["lines"]["entered"]), "、".join(r["lines"]["left"]),
                ";".join(f"{d['title']} {d['change']}" for d in r["drivers"]),
            )
            for r in s["units"]
        )
        notes = (
            f"名次变动的单位 {s['moved']} 个;两种方案名次的相关系数:Spearman {s['spearman'] or '—'},Kendall {s['kendall'] or '—'}(1 表示名次完全相同)。",
            f"“评先”:各序列前{data['awardPlaces']}名;“原因”:对总分影响最大的项目(拟议方案下的贡献 − 现行方案下的贡献)。",
        )
        chart = {
            "type": "bar", "categories": [r["name"] for r in s["units"]],
            "series": [{"name": "现行方案", "data": _f([_num(r["total"]) for r in s["units"]])}, {"name": "拟议方案", "data": _f([_num(r["proposedTotal"]) for r in s["units"]])}],
        }
        out.append(Section(
            f"{s['name']}:现行与拟议", notes,
            ("单位", "现行总分", "现行名次", "拟议总分", "拟议名次", "名次变动(正为上升)", "总分变化", "评先名次", "新增标记", "不再有的标记", "变动原因"),
            rows, chart,
        ))
    return out


def _diagnose(data: Mapping[str, Any]) -> list[Section]:
    out = []
    said = data["sentences"]
    for s in data["series"]:
        rows: list[tuple[Any, ...]] = []
        for c in s["categories"]:
            rows.append((c["name"], "", _pct(c["nominal"]), _pct(c["effective"]), ""))
            for i in c["items"]:  # the items that weigh (the others are in the dead / flat section)
                if i["effective"] is not None and Decimal(i["effective"]).quantize(Decimal("0.001")) != 0:
                    rows.append((c["name"], i["title"], None, _pct(i["effective"]), i["note"]))
            rows.append((c["name"], REST, None, _pct(c["rest"]), ""))
        rows.append((OTHER, "", None, _pct(s["other"]), ""))
        cats = s["categories"]
        chart = {
            "type": "bar", "percent": True, "categories": [c["name"] for c in cats],
            "series": [{"name": "名义权重", "data": _f([_pct(c["nominal"]) for c in cats])}, {"name": "实际权重", "data": _f([_pct(c["effective"]) for c in cats])}],
        }
        notes = (
            "实际权重 = 该部分与总分的协方差 ÷ 总分的方差(同一序列的单位之间):各考核内容与“其他”合计 100%,一个考核内容的各项目与其“基础分等”合计为该内容的实际权重;只列实际权重不为 0 的项目。",
            *(t for t in said["weights"] if t.startswith(s["name"] + ":")),
        )
        out.append(Section(f"{s['name']}:实际权重", notes, ("考核内容", "项目", "名义权重%", "实际权重%", "说明"), tuple(rows), chart))
        if s["blocks"]:
            months = [m["period"] for m in s["blocks"][0]["months"]]
            out.append(Section(
                f"{s['name']}:板块平衡", tuple(t for t in said["blocks"] if t.startswith(s["name"] + ":")), ("板块", "包含", "名义权重%", "实际权重%", *months),
                tuple((b["block"], "、".join(b["parts"]), _pct(b["nominal"]), _pct(b["effective"]), *(_pct(m["effective"]) for m in b["months"])) for b in s["blocks"]),
                {"type": "line", "percent": True, "categories": months, "series": [{"name": b["block"], "data": _f([_pct(m["effective"]) for m in b["months"]])} for b in s["blocks"]]},
            ))
    sat = data["saturation"]
    out.append(Section(
        "封顶、扣完与达标即得分",
        (
            "按单位·期计:“达到封顶”是该期记录折合的分数达到或超过项目的封顶分,“封顶少计”是超出封顶而未计入的分数;"
            "“拿到最高分”是得到该项当期最高加分的单位·期(过半而不是全部:多数单位达到同一个上限,达标即得分)。",
            *said["saturation"],
        ),
        ("项目", "封顶", "达到封顶(单位·期)", "共(单位·期)", "达到封顶%", "封顶少计", "最多折合", "超出封顶", "扣分上限", "扣完(单位·期)", "当期最高分", "拿到最高分%"),
        tuple(
            (r["title"], _num(r["cap"]), r["atCap"], r["cases"], _pct(r["atCapShare"]), _num(r["lost"]), _num(r["highest"]), _num(r["aboveCap"]), _num(r["floor"]), r["atFloor"], _num(r["top"]), _pct(r["atTopShare"]))
            for r in sat
        ),
        {
            "type": "bar", "percent": True, "categories": [r["title"] for r in sat],
            "series": [
                {"name": "达到封顶%", "data": _f([_pct(r["atCapShare"]) for r in sat])}, {"name": "扣完%", "data": _f([_pct(r["atFloorShare"]) for r in sat])},
                {"name": "拿到最高分%", "data": _f([_pct(r["atTopShare"]) for r in sat])},
            ],
        } if sat else None,
    ))
    kinds = [("dead", "无效"), ("flat", "无差异"), ("concentrated", "集中")]
    rows2 = tuple((label, r["title"], r["category"], r["note"]) for key, label in kinds for r in data[key])
    out.append(Section(
        "无效、无差异与集中的项目", ("无效:没有任何单位触发;无差异:各单位得分相同,不影响排名;集中:一两个单位占该项分值的80%以上。", *said["items"]),
        ("类别", "项目", "考核内容", "说明"), rows2,
        {"type": "bar", "categories": [label for _, label in kinds], "series": [{"name": "项目数", "data": [len(data[key]) for key, _ in kinds]}]},
    ))
    return out


def write_xlsx(kind: str, data: Mapping[str, Any], path: Path) -> Path:
    """The sections as a workbook, one sheet each (the notes above the table)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for sec in sections(kind, data):
        title = _sheet(sec.title, used)
        ws = wb.create_sheet(title)
        ws.append([sec.title])
        ws.cell(1, 1).font = Font(bold=True, size=13)
        for note in sec.notes:
            ws.append([note])
        ws.append([])
        ws.append(list(sec.headers))
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in sec.rows:
            ws.append([_cell(v) for v in row])
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 24
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _cell(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v  # text never read as a formula
    return v


def _sheet(title: str, used: set[str]) -> str:
    t = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:28]
    name, n = t, 2
    while name in used:
        name, n = f"{t[:26]}{n}", n + 1
    used.add(name)
    return name


def render_html(kind: str, data: Mapping[str, Any], bureau: str) -> str:
    """The sections as one self-contained page: tables, sentences and ECharts charts inline."""
    e = html.escape
    heading = "方案比较" if kind == "compare" else "方案诊断"
    sub = f"{data['period']} · " + (f"现行方案 与 {data['proposal']}" if kind == "compare" else data["scheme"])
    body = []
    charts = []
    for n, sec in enumerate(sections(kind, data)):
        body.append(f'<section id="s-{n}"><h2>{e(sec.title)}</h2>')
        body.extend(f"<p>{e(t)}</p>" for t in sec.notes)
        if sec.chart is not None and sec.chart["categories"]:
            body.append(f'<div class="chart" id="chart-{n}"></div>')
            charts.append({"id": f"chart-{n}", **sec.chart})
        body.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in sec.headers) + "</tr></thead><tbody>")
        for row in sec.rows:
            body.append("<tr>" + "".join(f"<td>{e(_shown(v))}</td>" for v in row) + "</tr>")
        body.append("</tbody></table></section>")
    css = _template_text("analysis.css")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{e(bureau)} {e(heading)} {e(data['period'])}</title>"
        f"<style>{css}</style></head><body>"
        f'<header class="masthead"><div class="org">{e(bureau)}</div><h1>{e(heading)}</h1><div class="meta">{e(sub)}</div></header><main>'
        + "\n".join(body)
        + f'</main><script type="application/json" id="chart-data">{json_for_script(charts)}</script>'
        f"<script>{script_safe(_asset(CHART_LIBRARY))}</script><script>{script_safe(_template_text('analysis.js'))}</script></body></html>\n"
    )


def _shown(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return fmt(v)
    return str(v)


def write_html(kind: str, data: Mapping[str, Any], bureau: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(kind, data, bureau), encoding="utf-8")
    return path


__all__: Sequence[str] = ["Section", "render_html", "sections", "write_html", "write_xlsx"]
