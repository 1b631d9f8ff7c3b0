"""The published report (通报): XLSX, JSON and the HTML's escaping — fast, no browser.

Built on the small bureau of report_bureau.py (an in-test plugin, four months in a real store).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
import report_bureau as rb
from click.testing import CliRunner
from kaohe.cli.main import cli
from kaohe.core.decimals import D
from kaohe.core.model import Record
from kaohe.core.periods import Period
from kaohe.office.results import explanation_data
from kaohe.report import build, publish
from kaohe.report.html import json_for_script, read_block
from kaohe.report.jsondata import read_units
from kaohe.report.xlsx import safe_text, sheet_title
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.pipeline import MemorySource, score
from kaohe.store.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def march(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    tmp = tmp_path_factory.mktemp("report")
    bureau, reg, db, html = rb.publish_period(tmp, "2015-03")
    with Store(db) as store:
        scores = store.scores("2015-03")
        # each unit's whole explanation (the stored trees hold some record lines folded: made on demand)
        trees = {r["unit"]: explanation_data(store, bureau, reg, Period.parse("2015-03"), r["unit"]) for r in scores}
        february = _by_unit(store.scores("2015-02"))
    return SimpleNamespace(
        bureau=bureau, reg=reg, db=db, html=html, dir=html.parent, scores=scores, trees=trees, february=february,
        text=html.read_text(encoding="utf-8"),
    )


def _by_unit(scores: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["unit"]: r for r in scores}


# --- XLSX ----------------------------------------------------------------------------------------


def test_publish_writes_html_xlsx_and_json(march: SimpleNamespace) -> None:
    assert march.html.name == "index.html"
    names = sorted(p.name for p in march.dir.iterdir())
    assert names == ["index.html", "report-2015-03.json", "通报-2015-03.xlsx"]


def test_xlsx_series_sheets_hold_the_stored_scores_as_numbers(march: SimpleNamespace) -> None:
    wb = openpyxl.load_workbook(march.dir / "通报-2015-03.xlsx")
    assert wb.sheetnames[:2] == ["一类所", "二类所"]
    stored = _by_unit(march.scores)
    seen = set()
    for sheet, series in (("一类所", "s1"), ("二类所", "s2")):
        ws = wb[sheet]
        header = [c.value for c in ws[4]]
        assert header[:4] == ["名次", "单位", "单位编号", "总分"]
        assert header[4:6] == ["队伍建设", "基础工作建设"]
        for row in ws.iter_rows(min_row=5, max_row=4 + sum(1 for r in march.scores if r["series"] == series)):
            rank, name, uid, total, duiwu, jichu, prev, change, flags = (c.value for c in row)
            s = stored[uid]
            assert s["series"] == series
            assert row[3].data_type == "n" and row[4].data_type == "n" and row[0].data_type == "n"
            assert D(str(total)) == D(s["total"])
            assert rank == s["rank"]
            assert (flags or "") == "、".join(json.loads(s["flags"]))
            cats = {c["category"]: D(c["score"]) for c in march.trees[uid]["categories"]}
            assert D(str(duiwu)) == cats["duiwu"] and D(str(jichu)) == cats["jichu"]
            assert prev == march.february[uid]["rank"] and change == "持平"
            seen.add(uid)
    assert seen == set(stored)


def test_xlsx_unit_sheet_lists_every_line_with_reason_and_reference(march: SimpleNamespace) -> None:
    wb = openpyxl.load_workbook(march.dir / "通报-2015-03.xlsx")
    ws = wb["儒林派出所"]
    assert ws["A1"].value.startswith("儒林派出所 2015年3月 加扣分明细:总分 93.19")
    rows = rb.line_rows(ws)
    expected = [
        (i["title"], D(ln["points"]), ln["reason"], i["reference"])
        for c in march.trees["rulin"]["categories"] for i in c["items"] for ln in i["lines"]
    ]
    got = [(r[1], D(str(r[5])), r[6], r[3]) for r in rows]
    assert sorted(got, key=str) == sorted(expected, key=str)
    assert len(got) == 4  # 3 迟到 carried over from February, 1 通报批评 in March
    carried = [r for r in rows if r[11] == "是"]
    assert len(carried) == 3 and all(r[9] == "测试大队.csv" for r in carried)
    assert {r[3] for r in rows} == {"seed 000 l.548", "seed 000 l.446"}


def test_xlsx_never_holds_a_formula_from_imported_text(march: SimpleNamespace) -> None:
    wb = openpyxl.load_workbook(march.dir / "通报-2015-03.xlsx")
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (ws.title, cell.coordinate, cell.value)
    assert "'" + rb.FORMULA_NAME in texts  # the unit named like a formula, in its series sheet
    unit_sheet = next(ws for ws in wb.worksheets if ws["A1"].value.startswith("'=HYPERLINK"))
    assert rb.FORMULA_NAME in unit_sheet["A1"].value
    reasons = [r[6] for r in rb.line_rows(unit_sheet)]
    assert any("=1+1" in (t or "") for t in reasons)


@pytest.mark.parametrize("text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_safe_text_neutralises_what_a_spreadsheet_would_evaluate(text: str) -> None:
    assert safe_text(text) == "'" + text
    assert safe_text("金城派出所") == "金城派出所"
    assert safe_text("1月5日 =1") == "1月5日 =1"


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    a = sheet_title(rb.EVIL_NAME, taken)
    b = sheet_title(rb.EVIL_NAME, taken)
    assert a != b and len(a) <= 31 and len(b) <= 31
    assert not set("[]:*?/\\") & set(a + b)
    assert sheet_title("'引号'", set()) == "引号"


# --- JSON ----------------------------------------------------------------------------------------


def test_json_ranking_and_trees_match_the_store(march: SimpleNamespace) -> None:
    from kaohe.report import expand

    written = json.loads((march.dir / "report-2015-03.json").read_text(encoding="utf-8"))
    assert written["format"] == "kaohe-report" and written["version"] == 3
    data = expand(written)  # every unit's full tree, every line with its source record
    assert data["period"] == {"label": "2015-03", "kind": "month", "name": "2015年3月", "start": "2015-02-21", "end": "2015-03-20"}
    assert data["previous_period"] == {"label": "2015-02", "available": True}
    stored = _by_unit(march.scores)
    ranking = [r for s in data["series"] for r in s["ranking"]]
    assert {r["unit"] for r in ranking} == set(stored)
    for r in ranking:
        s = stored[r["unit"]]
        assert D(r["total"]) == D(s["total"]) and r["rank"] == s["rank"] and r["flags"] == json.loads(s["flags"])
        assert r["previous_rank"] == r["rank"] and r["rank_change"] == 0  # March ranks as February's
    for u in data["units"]:
        tree = march.trees[u["unit"]]
        assert u["total"] == tree["total"]
        assert [c["score"] for c in u["categories"]] == [c["score"] for c in tree["categories"]]
        assert sum((D(c["score"]) for c in u["categories"]), Decimal(0)) == D(u["subtotal"])
    evil = next(u for u in data["units"] if u["unit"] == "evil")
    assert evil["name"] == rb.EVIL_NAME and evil["veto"] and "一票否决" in evil["flags"]
    lines = [ln for c in evil["categories"] for i in c["items"] for ln in i["lines"]]
    march_note = next(ln for ln in lines if ln["record"] == "testdept.check:C04")
    assert march_note["source"]["note"] == rb.EVIL_NOTE
    assert march_note["source"]["file"] == "督察通报.csv" and march_note["source"]["row"] == 5
    carried = [ln for ln in lines if ln["carried"]]
    assert carried and all(ln["source"]["date"].startswith("2015-02") for ln in carried)
    rulin = next(u for u in data["units"] if u["unit"] == "rulin")
    assert [m["period"] for m in rulin["months"]] == ["2015-01", "2015-02", "2015-03"]
    with Store(march.db) as store:
        assert [D(m["total"]) for m in rulin["months"]] == [
            D(next(r["total"] for r in store.scores(p) if r["unit"] == "rulin")) for p in ("2015-01", "2015-02", "2015-03")
        ]


def test_the_json_file_is_written_unit_by_unit(march: SimpleNamespace) -> None:
    """The file holds report_json's document, compact, each unit on a line of its own."""
    from kaohe.office.jobs import score_period
    from kaohe.report import report_json

    text = (march.dir / "report-2015-03.json").read_text(encoding="utf-8")
    assert [ln[:9] for ln in text.splitlines() if ln.startswith('{"unit"')] == ['{"unit":"'] * len(march.scores)
    assert "\n " not in text  # no indentation
    with Store(march.db) as store:
        result = score_period(store, march.bureau.evolve(engine="python"), march.reg, Period.parse("2015-03"), save=False)
        whole = report_json(build(march.bureau, result, store))
    written = json.loads(text)
    assert {**written, "generated": ""} == {**whole, "generated": ""}


def test_json_version_2_rebuilds_version_1s_trees(march: SimpleNamespace, tmp_path: Path) -> None:
    """Version 2 says each item once and each record once, and leaves out the items without lines;
    the reader rebuilds from it exactly the document version 1 writes from the same results."""
    from kaohe.office.jobs import score_period
    from kaohe.report import expand, read_units, report_json, write_json

    with Store(march.db) as store:
        result = score_period(store, march.bureau.evolve(engine="python"), march.reg, Period.parse("2015-03"), save=False)
        data = build(march.bureau, result, store)
        old, new = report_json(data, 1), report_json(data, 2)
        write_json(data, tmp_path / "v1.json", 1)
        write_json(data, tmp_path / "v2.json", 2)
    assert old["version"] == 1 and new["version"] == 2 and "items" not in old
    assert expand(new) == old
    assert list(read_units(tmp_path / "v2.json")) == old["units"]
    assert list(read_units(tmp_path / "v1.json")) == old["units"]
    assert (tmp_path / "v2.json").stat().st_size < (tmp_path / "v1.json").stat().st_size
    # every item of the scheme is described once, at the top
    assert sorted(i["item"] for i in new["items"]) == sorted(i.id for i in march.bureau.items)
    unit_items = [i for u in new["units"] for c in u["categories"] for i in c["items"]]
    assert unit_items and not any("title" in i or "reference" in i for i in unit_items)
    assert all(i.get("lines") or i.get("points", "0") != "0" or i.get("veto") for i in unit_items)
    full = [i for u in old["units"] for c in u["categories"] for i in c["items"]]
    assert len(unit_items) < len(full)  # the items with nothing to show are left out
    # each record once in its unit, its fields as the department's file had them
    evil = next(u for u in new["units"] if u["unit"] == "evil")
    rows = [r for g in evil["records"] for r in g["rows"]]
    assert len({r[0] for r in rows}) == len(rows)
    group = next(g for g in evil["records"] for r in g["rows"] if r[0] == "testdept.check:C04")
    row = next(r for r in group["rows"] if r[0] == "testdept.check:C04")
    assert (group["kind"], group["file"], row[2], row[4]) == ("testdept.check", "督察通报.csv", rb.EVIL_NOTE, 5)
    # a carried-over line (<key>@2015-03) finds its February record by its original key
    lines = [ln for c in evil["categories"] for i in c["items"] for ln in i.get("lines", [])]
    carried = [ln for ln in lines if ln.get("carried")]
    assert carried and all("@" in ln["record"] and "source" not in ln for ln in carried)
    assert all(ln["record"].rsplit("@", 1)[0] in {r[0] for r in rows} for ln in carried)


def test_json_version_3_writes_lines_and_records_compactly(march: SimpleNamespace, tmp_path: Path) -> None:
    """Version 3: a line is ``[points, reason, record number(, what differs)]``, its reason left out
    when it is the record's date and note; a group's common key prefix and its fields' values said
    once. The reader rebuilds version 1's trees from it; and it is smaller than version 2."""
    from kaohe.office.jobs import score_period
    from kaohe.report import expand, report_json, write_json

    with Store(march.db) as store:
        result = score_period(store, march.bureau.evolve(engine="python"), march.reg, Period.parse("2015-03"), save=False)
        data = build(march.bureau, result, store)
        old, v3 = report_json(data, 1), report_json(data, 3)
        write_json(data, tmp_path / "v2.json", 2)
        write_json(data, tmp_path / "v3.json", 3)
    assert v3["version"] == 3 and expand(v3) == old
    assert (tmp_path / "v3.json").stat().st_size < (tmp_path / "v2.json").stat().st_size
    evil = next(u for u in v3["units"] if u["unit"] == "evil")
    rows = [(g, r) for g in evil["records"] for r in g["rows"]]
    number, (group, row) = next((n, gr) for n, gr in enumerate(rows) if gr[1][0] == "C04")
    assert group["prefix"] == "testdept.check:" and (row[1], row[2], row[4]) == ("2015-03-13", rb.EVIL_NOTE, 5)
    items = {i["item"]: i for c in evil["categories"] for i in c["items"]}
    # 被督察通报批评: −2, the line's reason is "3月13日 " and the record's note: left out
    assert items["testdept.criticised"]["lines"] == [["-2", None, number]]
    # a carried-over line keeps its own key (<key>@2015-03) beside the February record's number
    carried = [ln for i in items.values() for ln in i.get("lines", []) if len(ln) == 4 and ln[3].get("carried")]
    assert carried and all(ln[3]["record"].endswith("@2015-03") and isinstance(ln[2], int) for ln in carried)


def test_json_version_1_is_written_as_the_code_before_version_2_wrote_it(tmp_path: Path) -> None:
    """tests/fixtures/report-2015-03-v1.json was written by the code before version 2 (commit 0550ba0)
    from report_bureau's March, with the time fixed: the version-1 encoder kept for editions published
    in it writes the same bytes, and the version-2 file of the same results rebuilds its document."""
    from kaohe.office.jobs import score_period
    from kaohe.report import expand, write_json

    bureau, reg, db = rb.make(tmp_path)
    when = dt.datetime(2015, 4, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with Store(db) as store:
        result = score_period(store, bureau.evolve(engine="python"), reg, Period.parse("2015-03"))  # every line, as published
        data = build(bureau, result, store=store, generated=when)
        write_json(data, tmp_path / "v1.json", 1)
        write_json(data, tmp_path / "v2.json", 2)
        write_json(data, tmp_path / "v3.json")
    before = (ROOT / "tests" / "fixtures" / "report-2015-03-v1.json").read_bytes()
    assert (tmp_path / "v1.json").read_bytes() == before
    assert expand(json.loads((tmp_path / "v2.json").read_text(encoding="utf-8"))) == json.loads(before)
    assert expand(json.loads((tmp_path / "v3.json").read_text(encoding="utf-8"))) == json.loads(before)
    assert list(read_units(tmp_path / "v3.json")) == json.loads(before)["units"]


def test_a_report_the_reader_cannot_rebuild_is_refused_in_one_line(march: SimpleNamespace) -> None:
    from kaohe.report import expand
    from kaohe.report.jsondata import ReportFormatError

    doc = json.loads((march.dir / "report-2015-03.json").read_text(encoding="utf-8"))
    with pytest.raises(ReportFormatError, match=r"^不是 kaohe 通报 JSON:.*得到 'kaohe-report'、4$"):
        expand({**doc, "version": 4})
    unit = next(u for u in doc["units"] if any(c["items"] for c in u["categories"]))
    cat = next(c for c in unit["categories"] if c["items"])
    item = cat["items"][0]["item"]
    broken = {**doc, "items": [i for i in doc["items"] if i["item"] != item]}
    with pytest.raises(ReportFormatError, match=f"单位 {unit['unit']} 的类别 {cat['category']} 引用了 items 中没有的项目 {item}"):
        expand(broken)
    evil = next(u for u in doc["units"] if u["unit"] == "evil")
    count = sum(len(g["rows"]) for g in evil["records"])
    line = next(ln for c in evil["categories"] for i in c["items"] for ln in i.get("lines", []) if ln[2] is not None)
    line[2] = count  # version 3: a line names its record by number, one past the unit's records
    with pytest.raises(ReportFormatError, match=f"的一行引用了 records 中没有的第 {count} 条记录$"):
        expand({**doc, "units": [evil]})
    line[2], line[1] = None, None  # neither a reason nor a record
    with pytest.raises(ReportFormatError, match="的一行既无事由也无记录$"):
        expand({**doc, "units": [evil]})


def _keys(value: Any) -> set[str]:
    """Every field name in the JSON, except inside ``attrs`` (a record's own fields, as the
    department's adapter names them)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            if k != "attrs":
                out |= _keys(v)
    elif isinstance(value, list):
        for v in value:
            out |= _keys(v)
    return out


def test_every_json_field_is_documented(march: SimpleNamespace) -> None:
    data = json.loads((march.dir / "report-2015-03.json").read_text(encoding="utf-8"))
    # ranking entries map category ids to scores: those keys are data, not fields
    for s in data["series"]:
        for r in s["ranking"]:
            r["categories"] = {}
    doc = (ROOT / "docs" / "report-json.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", doc))
    missing = sorted(_keys(data) - documented)
    assert not missing, f"docs/report-json.md does not document: {missing}"


# --- HTML ----------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_every_piece_of_imported_text(march: SimpleNamespace) -> None:
    html = march.text
    parser = _Tags()
    parser.feed(html)
    tags = [t for t, _ in parser.tags]
    assert "img" not in tags
    scripts = [a for t, a in parser.tags if t == "script"]
    assert scripts == [{"type": "application/json", "id": "chart-data"}, {"type": "application/gzip+base64", "id": "lines-data"}, {}, {}]
    assert not any(k.startswith("on") for _, a in parser.tags for k in a)
    for raw in ("<img src=x onerror", '<script>alert("unit")', "<script>window.__xss"):
        assert raw not in html
    text = "".join(parser.text)
    assert rb.EVIL_NAME in text  # shown as text, in the ranking and on its page
    chart = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S).group(1))
    assert rb.EVIL_NAME in [u["name"] for u in chart["units"].values()]
    # the record's note travels in the lines' block, escaped like the charts' data (the script puts it
    # in with textContent: tests/test_report_browser.py)
    assert rb.EVIL_NOTE in read_block(html)["s"]


def test_json_for_script_cannot_close_its_element() -> None:
    text = str(json_for_script({"a": "</script><!-- & \u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_ranking_shows_every_unit_with_its_flags_and_change(march: SimpleNamespace) -> None:
    html = march.text
    for r in march.scores:
        row = re.search(rf'<tr data-unit="{re.escape(r["unit"])}">(.*?)</tr>', html, re.S)
        assert row, r["unit"]
        for flag in json.loads(r["flags"]):
            assert f">{flag}</span>" in row.group(1)
        assert "持平" in row.group(1)
    assert html.count('class="view unit"') == len(march.scores)


def test_rank_change_against_the_previous_period(tmp_path: Path) -> None:
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        april = score(bureau, Period.parse("2015-04"), MemorySource(()))  # not from the store: all tied
        data = build(bureau, april, store)
    changes = {u.result.unit: (u.previous_rank, u.result.rank, u.rank_change) for u in data.units}
    # February/March ranks in s1: formula 1, jincheng 2, evil 3; an April without records ties all
    assert changes["evil"] == (3, 1, 2) and changes["jincheng"] == (2, 1, 1) and changes["formula"] == (1, 1, 0)
    assert not any(ln.info for u in data.units for c in data.detail(u).categories for i in c.items for ln in i.lines)


def test_publish_without_a_store(tmp_path: Path) -> None:
    reg = rb.registry()
    bureau = parse_bureau(rb.CONFIG, reg)
    recs = [Record(key="k1", kind="testdept.check", unit="rulin", date=dt.date(2015, 3, 1), attrs={}, note=rb.EVIL_NOTE)]
    result = score(bureau, Period.parse("2015-03"), MemorySource(recs))
    html = publish(tmp_path / "out", bureau, reg, result)
    text = html.read_text(encoding="utf-8")
    assert "较2015年2月" in text and "<img src=x onerror" not in text and "&lt;img src=x onerror" in text
    data = json.loads((tmp_path / "out" / "report-2015-03.json").read_text(encoding="utf-8"))
    assert data["previous_period"]["available"] is False
    rulin = next(u for u in data["units"] if u["unit"] == "rulin")
    assert [m["period"] for m in rulin["months"]] == ["2015-01", "2015-02", "2015-03"]
    assert [m["total"] for m in rulin["months"]][:2] == [None, None] and rulin["months"][2]["total"] == rulin["total"]


def test_cli_publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")  # no installed plugin: the office's own item only
    (tmp_path / "kaohe.toml").write_text(
        """
[bureau]
name = "命令行测试局"
[[series]]
id = "s"
name = "派出所"
[[categories]]
id = "jichu"
name = "基础工作建设"
weight = 100
base = 100
[[units]]
id = "a"
name = "甲派出所"
series = "s"
[[units]]
id = "b"
name = "乙派出所"
series = "s"
[[office_items]]
id = "office.notice"
title = "通知单扣分"
category = "jichu"
shape = "per_occurrence"
params = { points = -1 }
""",
        encoding="utf-8",
    )
    # nothing was imported: 考核办's data for May is missing, and publishing needs a reason
    res = CliRunner().invoke(cli, ["-c", str(tmp_path / "kaohe.toml"), "publish", "2015-05"])
    assert res.exit_code != 0 and "考核办 2015-05 没有数据" in str(res.exception)
    res = CliRunner().invoke(cli, ["-c", str(tmp_path / "kaohe.toml"), "publish", "2015-05", "--allow-missing", "本月无通知单"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "published" / "2015-05" / "第1版"
    assert (out / "index.html").exists() and (out / "通报-2015-05.xlsx").exists() and (out / "report-2015-05.json").exists()
    assert str(out / "index.html") in res.output
    with Store(tmp_path / "kaohe.sqlite") as store:
        assert {r["unit"]: r["total"] for r in store.scores("2015-05")} == {"a": "100.00", "b": "100.00"}
