"""An item with more record lines than ``[report] lines_per_item``: the web page lists the first of
them and folds the rest into one line; the XLSX and the JSON keep every line.

The month of report_bureau.FOLDED_EVENTS, worked by hand (one series, categories 队伍建设 weight 40
and 基础工作建设 weight 60, each normalised to the series' top):

- 金城派出所: late five times, −1 each: 基础工作建设 60 − 5 = 55; praised five times, +2 each = +10,
  the item capped at +4: 队伍建设 40 + 4 = 44.
- 薛埠派出所: nothing: 60 and 40.
- Tops: 60 and 44. 金城 55/60 × 60 = 55.00 and 44/44 × 40 = 40.00, total 95.00; 薛埠 60.00 and
  40/44 × 40 = 36.36, total 96.36. 薛埠 first, 金城 second.

With lines_per_item = 2, 金城's late item lists L1 and L2 and folds L3–L5: 3 records, −3 points; its
praise item lists P1 and P2 and folds P3–P5: 3 records, +6 (the item's +4 is after its cap).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import report_bureau as rb
from kaohe.core.decimals import D
from kaohe.core.model import Line
from kaohe.report import expand
from kaohe.report.data import _split
from kaohe.report.html import read_block
from kaohe.store.store import Store

FOLD_LATE = "其余3条记录合计-3分,逐条见表格 通报-2015-06.xlsx 的“金城派出所”工作表和 report-2015-06.json"
FOLD_PRAISE = "其余3条记录合计+6分,逐条见表格 通报-2015-06.xlsx 的“金城派出所”工作表和 report-2015-06.json"


@pytest.fixture(scope="module")
def folded(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The month published with the page in the current layout (3: lines drawn from a block of
    data) and, in another folder, in layout 2 (every line in the markup)."""
    from kaohe.report import html as report_html

    tmp = tmp_path_factory.mktemp("folded")
    bureau, reg, db, html = rb.publish_folded(tmp, 2)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(report_html, "LAYOUT", 2)
        (tmp / "layout-2").mkdir()
        *_, html2 = rb.publish_folded(tmp / "layout-2", 2)
    return SimpleNamespace(db=db, dir=html.parent, text=html.read_text(encoding="utf-8"), text2=html2.read_text(encoding="utf-8"))


def _drawn(html: str, title: str) -> list[tuple[int, str, str, str | None]]:
    """金城派出所's item ``title`` as the page (layout 3) gives its lines to its script: (kind,
    points, reason, record) of each line, from the block ``lines-data`` (report-3.js draws them)."""
    unit = html[html.index('<section id="unit-jincheng"'):]
    unit = unit[: unit.index("</section>")]
    start = unit.index('<details class="item"', unit.index(f'<span class="i-title">{title}</span>') - 400)
    number = html[: html.index('<section id="unit-jincheng"') + start].count('<details class="item"')  # its place among the page's items
    block = read_block(html)
    s = block["s"]
    out: list[tuple[int, str, str, str | None]] = []
    for ln in block["i"][number][2:]:
        reason = s[ln[2]] if ln[2] >= 0 else f"6月{int(s[ln[6]][-2:])}日 {s[ln[8]]}"
        out.append((ln[0], s[ln[1]], reason, s[ln[3]] if ln[0] == 2 and ln[3] >= 0 else None))
    return out


def _item(html: str, title: str) -> str:
    """The HTML of 金城派出所's item ``title`` (its <details class="item"> element)."""
    unit = html[html.index('<section id="unit-jincheng"'):]
    unit = unit[: unit.index("</section>")]
    start = unit.index('<details class="item"', unit.index(f'<span class="i-title">{title}</span>') - 400)
    return unit[start : unit.index("</ol>", start)]


def test_the_scores_are_as_worked_by_hand(folded: SimpleNamespace) -> None:
    with Store(folded.db) as store:
        scores = {r["unit"]: (D(r["total"]), r["rank"]) for r in store.scores("2015-06")}
    assert scores == {"jincheng": (Decimal("95"), 2), "xuebu": (Decimal("96.36"), 1)}
    ranking = re.search(r'<tr data-unit="jincheng">(.*?)</tr>', folded.text, re.S).group(1)
    assert '<td class="num total">95.00</td>' in ranking
    assert '<td class="num cat" data-category="duiwu">40.00</td>' in ranking
    assert '<td class="num cat" data-category="jichu">55.00</td>' in ranking


def test_an_item_above_the_limit_lists_its_first_lines_and_folds_the_rest(folded: SimpleNamespace) -> None:
    drawn = _drawn(folded.text, "接警后未按时到场")
    assert [(k, p, r) for k, p, r, _ in drawn][2:] == [(1, "-3", FOLD_LATE)]
    assert [(k, p, rec) for k, p, _, rec in drawn][:2] == [(2, "-1", "testdept.event:L1"), (2, "-1", "testdept.event:L2")]
    assert [(k, p, r) for k, p, r, _ in _drawn(folded.text, "工作受上级表扬")][2:] == [(1, "+6", FOLD_PRAISE)]
    for key in ("L3", "L4", "L5", "P3", "P4", "P5"):
        assert f"testdept.event:{key}" not in folded.text
    # the same in layout 2, in the markup
    late = _item(folded.text2, "接警后未按时到场")
    assert "· 5 条</span>" in late  # the item still says how many lines it has
    assert re.findall(r'<dd class="record-key">(.*?)</dd>', late) == ["testdept.event:L1", "testdept.event:L2"]
    assert late.count('<details class="record">') == 2
    assert late.count('<li class="folded">') == 1
    fold = re.search(r'<li class="folded">(.*?)</li>', late, re.S).group(1)
    assert '<span class="pts minus">-3</span>' in fold
    assert f'<span class="reason">{FOLD_LATE}</span>' in fold
    assert late.index("testdept.event:L2") < late.index('<li class="folded">')  # after the lines it follows

    praise = _item(folded.text2, "工作受上级表扬")
    assert '<span class="pts plus">+4</span>' in praise  # the item's points, after its cap
    assert "各条合计 +10" in praise
    assert re.findall(r'<dd class="record-key">(.*?)</dd>', praise) == ["testdept.event:P1", "testdept.event:P2"]
    fold = re.search(r'<li class="folded">(.*?)</li>', praise, re.S).group(1)
    assert '<span class="pts plus">+6</span>' in fold and FOLD_PRAISE in fold
    # the records folded are not on the page at all
    for key in ("L3", "L4", "L5", "P3", "P4", "P5"):
        assert f"testdept.event:{key}" not in folded.text2


def test_the_xlsx_keeps_every_line(folded: SimpleNamespace) -> None:
    wb = openpyxl.load_workbook(folded.dir / "通报-2015-06.xlsx")
    assert wb.sheetnames == ["一类所", "薛埠派出所", "金城派出所"]  # the units in ranking order
    ws = wb["金城派出所"]
    assert ws["A1"].value == "金城派出所 2015年6月 加扣分明细:总分 95,一类所第2名"
    rows = rb.line_rows(ws)
    # 队伍建设 (the praise) before 基础工作建设 (the late arrivals), as the scheme orders them
    assert [r[7] for r in rows] == [f"testdept.event:P{n}" for n in range(1, 6)] + [f"testdept.event:L{n}" for n in range(1, 6)]
    assert [D(str(r[5])) for r in rows] == [D(2)] * 5 + [D(-1)] * 5
    assert sum(D(str(r[5])) for r in rows) == 5  # +10 and −5, before the praise item's cap
    assert [r[10] for r in rows] == [*range(7, 12), *range(2, 7)]  # the CSV's rows: L1–L5 on 2–6, P1–P5 on 7–11
    assert {r[9] for r in rows} == {"测试大队.csv"}
    assert [r[0] for r in rb.line_rows(wb["薛埠派出所"])] == ["本期无加扣分记录"]


def test_the_json_keeps_every_line(folded: SimpleNamespace) -> None:
    data = expand(json.loads((folded.dir / "report-2015-06.json").read_text(encoding="utf-8")))
    jincheng = next(u for u in data["units"] if u["unit"] == "jincheng")
    items = {i["item"]: i for c in jincheng["categories"] for i in c["items"]}
    late, praise = items["testdept.late"], items["testdept.praise"]
    assert [ln["record"] for ln in late["lines"]] == [f"testdept.event:L{n}" for n in range(1, 6)]
    assert [ln["source"]["note"] for ln in late["lines"]] == [f"第{n}次迟到" for n in range(1, 6)]
    assert (late["points"], praise["points"], praise["uncapped"]) == ("-5", "4", "10")
    assert len(praise["lines"]) == 5 and all(ln["points"] == "2" for ln in praise["lines"])


def test_under_the_limit_nothing_is_folded(tmp_path: Path) -> None:
    """At the default (20) and at exactly 5 (the item's count), every line is listed; the pages
    are the same."""
    pages = []
    for limit in (None, 5):
        out = tmp_path / f"limit-{limit}"
        out.mkdir()
        *_, html = rb.publish_folded(out, limit)
        text = html.read_text(encoding="utf-8")
        drawn = _drawn(text, "接警后未按时到场")
        assert [rec for _, _, _, rec in drawn] == [f"testdept.event:L{n}" for n in range(1, 6)]
        assert {k for k, *_ in drawn} == {2}  # no folded line
        pages.append(re.sub(r"生成于 [^<]+", "", text))
    assert pages[0] == pages[1]


def test_the_rule_s_own_lines_stay_in_place() -> None:
    """Lines that name no record (targets, rates, ranks) are never folded; the folded line stands
    where the first record left out stood."""
    a = Line(D(-5), "目标3条,完成1条")
    r1, r2, r3, r4 = (Line(D(-1), f"记录{n}", f"k:{n}") for n in range(1, 5))
    b = Line(D(2), "排名第1")
    kept, rest = _split((a, r1, r2, r3, b, r4), 2)
    assert kept == [a, r1, r2, None, b] and rest == [r3, r4]
    assert _split((a, r1, r2, b), 2) == ([a, r1, r2, b], [])
    assert _split((r1, r2, r3), None) == ([r1, r2, r3], [])
