"""The published HTML in a real headless Chromium (Debian's ``chromium``), opened from disk with the
network blocked: the ranking against the database, the click-through from the ranking to one
record, every chart drawn, no console error, no request, and screenshots at desktop and A4 width.

Screenshots go to ``$KAOHE_SCREENSHOTS`` when set (to look at them), else to the test's tmp dir.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import report_bureau as rb
from browser_support import ARGS, CHROMIUM, MARKS
from kaohe.core.decimals import D
from kaohe.core.periods import Period
from kaohe.office.ingest import ingest
from kaohe.office.results import explanation_data
from kaohe.store.store import Store

pytestmark = MARKS


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    tmp = tmp_path_factory.mktemp("browser")
    bureau, reg, db, html = rb.publish_period(tmp, "2015-03")
    with Store(db) as store:
        scores = store.scores("2015-03")
        # each unit's whole explanation (the stored trees hold some record lines folded: made on demand)
        trees = {r["unit"]: explanation_data(store, bureau, reg, Period.parse("2015-03"), r["unit"]) for r in scores}
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    return SimpleNamespace(html=html, url=html.as_uri(), scores=scores, trees=trees, shots=shots)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watch:
    """Console messages, page errors and every request a page makes (none may leave the file)."""

    def __init__(self, page: Any, own: str) -> None:
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.own = own
        page.on("console", lambda m: self.problems.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))

    def check(self) -> None:
        assert self.problems == []
        assert {u.split("#", 1)[0] for u in self.requests} <= {self.own}, self.requests


def shown(locator: Any) -> bool:
    """Whether ``locator`` becomes visible, waiting for the page's script as a reader would (a bare
    ``is_visible`` right after a click races the page's handler on a loaded machine)."""
    from playwright.sync_api import expect

    expect(locator).to_be_visible()
    return True


def hidden(locator: Any) -> bool:
    """Whether ``locator`` becomes hidden, waiting as :func:`shown` does."""
    from playwright.sync_api import expect

    expect(locator).to_be_hidden()
    return True


def _open(browser: Any, report: SimpleNamespace, width: int = 1366, media: str = "screen") -> tuple[Any, Any, Watch]:
    ctx = browser.new_context(viewport={"width": width, "height": 900}, offline=True, java_script_enabled=True)
    blocked: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    ctx.route("**/*", block)
    page = ctx.new_page()
    watch = Watch(page, report.url)
    page.emulate_media(media=media)
    page.goto(report.url)
    return ctx, page, watch


def _rendered_charts(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        ".view.active .chart",
        """els => els.map(el => {
            const svg = el.querySelector('svg'), canvas = el.querySelector('canvas');
            const r = el.getBoundingClientRect();
            return {kind: el.dataset.chart, width: r.width, height: r.height,
                    shapes: svg ? svg.querySelectorAll('path, rect, circle, text').length : 0,
                    canvas: canvas ? canvas.width * canvas.height : 0};
        })""",
    )


def test_ranking_matches_the_scores_in_the_database(browser: Any, report: SimpleNamespace) -> None:
    ctx, page, watch = _open(browser, report)
    assert shown(page.locator("#ranking")) and page.title().endswith("2015年3月绩效考核通报")
    rows = page.eval_on_selector_all(
        "#ranking table.ranking tbody tr",
        """trs => trs.map(tr => ({
            series: tr.closest('table').dataset.series, unit: tr.dataset.unit,
            rank: tr.querySelector('td.rank').textContent.trim(),
            name: tr.querySelector('td.name').textContent.trim(),
            total: tr.querySelector('td.total').textContent.trim(),
            cats: Object.fromEntries([...tr.querySelectorAll('td.cat')].map(td => [td.dataset.category, td.textContent.trim()])),
            flags: [...tr.querySelectorAll('.flag')].map(f => f.textContent.trim()),
        }))""",
    )
    stored = sorted(report.scores, key=lambda r: (r["series"], r["rank"], r["unit"]))
    assert [(r["series"], r["unit"]) for r in rows] == [(r["series"], r["unit"]) for r in stored]
    for row, s in zip(rows, stored, strict=True):
        assert int(row["rank"]) == s["rank"]
        assert row["name"] == s["name"]
        assert D(row["total"]) == D(s["total"])
        assert row["flags"] == json.loads(s["flags"])
        cats = {c["category"]: D(c["score"]) for c in report.trees[s["unit"]]["categories"]}
        assert {k: D(v) for k, v in row["cats"].items()} == cats
    watch.check()
    ctx.close()


def test_click_from_the_ranking_down_to_one_record(browser: Any, report: SimpleNamespace) -> None:
    ctx, page, watch = _open(browser, report)
    page.click("#ranking tr[data-unit='evil'] td.name a")
    page.wait_for_url("**#unit-evil")
    assert page.url.endswith("#unit-evil")
    unit = page.locator("#unit-evil")
    assert shown(unit) and hidden(page.locator("#ranking"))
    assert unit.locator(".unit-title").inner_text().startswith(rb.EVIL_NAME)
    stored = next(r for r in report.scores if r["unit"] == "evil")
    assert D(unit.locator(".unit-total").inner_text()) == D(stored["total"])
    assert "一票否决" in unit.locator(".veto-box").inner_text()

    category = unit.locator("details.category", has_text="队伍建设")
    category.locator("> summary").click()
    item = category.locator("details.item", has_text="被督察通报批评")
    assert shown(item)
    assert "依据 seed 000 l.446" in item.locator("> summary").inner_text()
    item.locator("> summary").click()
    record = item.locator("details.record").first
    assert shown(record)
    assert "-2" in record.locator("> summary").inner_text()
    record.locator("> summary").click()
    detail = record.locator("dl.record-detail")
    assert shown(detail)
    text = detail.inner_text()
    assert rb.EVIL_NOTE in text  # the imported note, shown as text
    assert "testdept.check:C04" in text
    assert "督察通报.csv" in text and "第5行" in text and "督察支队" in text
    # the item's title, reference and period: said once for the item, shown above its lines
    facts = item.locator("> dl.item-facts")
    assert shown(facts)
    assert facts.inner_text().split() == ["考核项目", "被督察通报批评(队伍建设)", "依据", "seed", "000", "l.446", "计分期", "2015-03"]
    box, first = facts.bounding_box(), record.bounding_box()
    assert box is not None and first is not None and box["y"] + box["height"] <= first["y"]  # above the lines
    page.screenshot(path=str(report.shots / "record-desktop.png"), full_page=False)
    assert page.evaluate("typeof window.__xss") == "undefined"

    page.click("#unit-evil .crumbs a[href='#ranking']")
    assert shown(page.locator("#ranking")) and hidden(unit)
    watch.check()
    ctx.close()


def test_every_chart_is_drawn(browser: Any, report: SimpleNamespace) -> None:
    ctx, page, watch = _open(browser, report)
    anchors = page.eval_on_selector_all("section.view", "els => els.map(e => e.id)")
    assert anchors[-1] == "items"  # the items and their seed sentences: no chart
    anchors = anchors[:-1]
    assert anchors[0] == "ranking" and len(anchors) == 1 + len(report.scores)
    drawn = 0
    for anchor in anchors:
        page.evaluate("a => { location.hash = a; }", anchor)
        page.wait_for_function("a => document.getElementById(a).classList.contains('active')", arg=anchor)
        charts = _rendered_charts(page)
        assert charts, anchor
        for c in charts:
            assert c["width"] > 200 and c["height"] > 150, (anchor, c)
            assert c["shapes"] > 10 or c["canvas"] > 0, (anchor, c)
        drawn += len(charts)
    assert drawn == 1 + 2 * len(report.scores)
    watch.check()
    ctx.close()


def test_screenshots_at_desktop_and_a4_width(browser: Any, report: SimpleNamespace) -> None:
    for width, media, tag in ((1366, "screen", "desktop"), (794, "print", "a4")):
        ctx, page, watch = _open(browser, report, width, media)
        for anchor in ("ranking", "unit-rulin"):
            page.evaluate("a => { location.hash = a; }", anchor)
            page.wait_for_function("a => document.getElementById(a).classList.contains('active')", arg=anchor)
            page.wait_for_function("() => document.documentElement.getAttribute('data-lines') === 'ready'")
            if media == "print":
                assert not page.is_visible("nav.sidebar")  # no navigation on paper
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, f"{anchor} is {overflow}px wide at A4 width"
            path = report.shots / f"{anchor}-{tag}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
        if media == "print":
            pdf = page.pdf(format="A4", print_background=True)
            assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
            (report.shots / "unit-rulin-a4.pdf").write_bytes(pdf)
        watch.check()
        ctx.close()


@pytest.fixture(scope="module")
def second_edition(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """office_bureau's April: edition 1, then 甲's appeal voids L2 and a 通知单 of −0.5 hits 乙,
    edition 2 (甲 96 → 98, 3rd → 2nd; 乙 97 → 96.5, 2nd → 3rd)."""
    import datetime as dt
    from decimal import Decimal

    import office_bureau as ob
    from kaohe.core.periods import Period
    from kaohe.office.appeals import decide_appeal, file_appeal
    from kaohe.office.publication import publish
    from kaohe.plugins.discovery import get_plugin_manager, load_registry
    from kaohe.scheme.config import load_bureau

    tmp = tmp_path_factory.mktemp("edition")
    config = ob.make(tmp)
    old = os.environ.get("KAOHE_LOAD_PLUGINS")
    os.environ["KAOHE_LOAD_PLUGINS"] = ""
    try:
        reg = load_registry(get_plugin_manager())
    finally:
        if old is None:
            del os.environ["KAOHE_LOAD_PLUGINS"]
        else:
            os.environ["KAOHE_LOAD_PLUGINS"] = old
    bureau = load_bureau(config, reg)
    april = Period.parse("2015-04")
    with Store(bureau.database) as store:
        ingest(store, bureau, reg, tmp / "register.csv")
        publish(store, bureau, reg, april, published_on=dt.date(2015, 5, 6))
        a = file_appeal(store, bureau, april, "a", "office.late", "重复报警", record="office.late:L2", received=dt.date(2015, 5, 7))
        decide_appeal(store, bureau, a["id"], "撤销记录", "考核办 王某", "核实属重复报警")
        store.add_adjustment("2015-04", "b", Decimal("-0.5"), "倒查发现台账问题", "考核领导小组")
        done = publish(store, bureau, reg, april, published_on=dt.date(2015, 5, 12))
    assert done.number == 2 and done.html is not None
    return SimpleNamespace(html=done.html, url=done.html.as_uri())


def test_a_corrected_edition_shows_what_changed_and_the_adjustment(browser: Any, second_edition: SimpleNamespace) -> None:
    ctx, page, watch = _open(browser, second_edition)
    assert "第2版 · 2015-05-12 公布" in page.locator("header .edition").inner_text()
    changes = page.locator("section.changes")
    assert shown(changes)
    assert "本版更正(第1版 → 第2版)" in changes.inner_text()
    rows = page.eval_on_selector_all(
        "table.changes-table tbody tr",
        "trs => trs.map(tr => [...tr.querySelectorAll('td')].slice(0, 5).map(td => td.textContent.trim()))",
    )
    assert rows == [["甲派出所", "96", "98", "3", "2"], ["乙派出所", "97", "96.5", "2", "3"]]
    page.click("#ranking tr[data-unit='b'] td.name a")
    unit = page.locator("#unit-b")
    assert shown(unit)
    assert "-0.5通知单第1号:倒查发现台账问题(批准:考核领导小组)" in unit.locator("ol.adjustments").inner_text().replace("\n", "")
    watch.check()
    ctx.close()


def test_the_chain_head_in_the_masthead_is_never_cut_in_two_on_a_desktop(browser: Any, second_edition: SimpleNamespace) -> None:
    """The audit chain's head (64 hex digits, printed for kaohe verify --head) moves to a line of its
    own as a whole on a desktop; only a phone's width may break it."""
    for width, lines in ((1366, 1), (1024, 1), (360, 2)):
        ctx, page, watch = _open(browser, second_edition, width)
        code = page.locator("header .edition code").last
        assert len(code.inner_text()) == 64
        rects = code.evaluate("c => c.getClientRects().length")
        assert (rects == 1) if lines == 1 else (rects >= 1), (width, rects)
        box = code.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, (width, box)  # never wider than the page
        if lines == 1:
            assert box["height"] < 30, (width, box)  # one line of text
        watch.check()
        ctx.close()


@pytest.fixture(scope="module")
def folded(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """report_bureau.publish_folded: 金城派出所 late five times (−1 each) and praised five times (+2
    each, capped at +4) in 2015-06, the page listing two lines an item (tests/test_report_folding.py)."""
    tmp = tmp_path_factory.mktemp("folded")
    *_, html = rb.publish_folded(tmp, 2)
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    return SimpleNamespace(html=html, url=html.as_uri(), shots=shots)


def test_a_folded_item_shows_its_first_lines_and_the_folded_line(browser: Any, folded: SimpleNamespace) -> None:
    ctx, page, watch = _open(browser, folded)
    page.click("#ranking tr[data-unit='jincheng'] td.name a")
    unit = page.locator("#unit-jincheng")
    assert shown(unit)
    category = unit.locator("details.category", has_text="基础工作建设")
    category.locator("> summary").click()
    item = category.locator("details.item", has_text="接警后未按时到场")
    assert "5 条" in item.locator("> summary").inner_text()
    item.locator("> summary").click()
    records = item.locator("details.record")
    assert shown(records.first) and records.count() == 2
    records.nth(1).locator("> summary").click()
    assert "testdept.event:L2" in records.nth(1).locator("dl.record-detail").inner_text()
    fold = item.locator("li.folded")
    assert shown(fold) and fold.count() == 1
    text = fold.inner_text().replace("\n", "")
    assert text.startswith("-3") and "其余3条记录合计-3分,逐条见表格 通报-2015-06.xlsx 的“金城派出所”工作表" in text
    box = fold.bounding_box()
    assert box is not None and box["height"] > 10 and box["width"] > 300  # a line of its own, as wide as the others
    assert item.locator("ol.lines > li").count() == 3
    item.screenshot(path=str(folded.shots / "folded-item.png"))
    watch.check()
    ctx.close()


def _items_text(browser: Any, url: str) -> dict[str, str]:
    """Every unit's every item (``details.item``) as the page has it once its script has run: its
    text (summary, seed sentence, facts, every line with its record's details), white space left
    out, by the item's id."""
    ctx = browser.new_context(offline=True)
    page = ctx.new_page()
    watch = Watch(page, url)
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#lines-data') === null || document.documentElement.getAttribute('data-lines') === 'ready'")
    out: dict[str, str] = {}
    for anchor in page.eval_on_selector_all("section.view.unit", "els => els.map(e => e.id)"):
        page.evaluate("a => { location.hash = a; }", anchor)
        page.wait_for_function("a => document.getElementById(a).classList.contains('active')", arg=anchor)
        out.update(page.eval_on_selector_all(
            f"#{anchor} details.item",
            "els => Object.fromEntries(els.map(e => [e.id, e.textContent.replace(/\\s+/g, '')]))",
        ))
    watch.check()
    ctx.close()
    return out


def test_an_items_lines_drawn_by_the_script_read_as_the_markup_of_layout_2(
    browser: Any, report: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page layout 3 draws an item's facts, seed sentence and lines from its compressed block when
    the unit is shown: every item of every unit reads exactly as page layout 2 (the same month
    published with every line in the markup) has it. Then a reader opens one unit's item and one
    record: what he sees, worked out from report_bureau's March (儒林派出所, late on 2月5日, 6日, 7日,
    carried over from February: −1 each)."""
    from kaohe.report import html as report_html

    monkeypatch.setattr(report_html, "LAYOUT", 2)
    *_, html2 = rb.publish_period(tmp_path, "2015-03")
    monkeypatch.undo()
    old, new = _items_text(browser, html2.as_uri()), _items_text(browser, report.url)
    assert len(new) == 9 and new.keys() == old.keys()  # the items with lines or points of the 6 units
    assert {k for k in new if new[k] != old[k]} == set()

    ctx, page, watch = _open(browser, report)
    page.click("#ranking tr[data-unit='rulin'] td.name a")
    unit = page.locator("#unit-rulin")
    category = unit.locator("details.category", has_text="基础工作建设")
    category.locator("> summary").click()
    item = category.locator("details.item", has_text="接警后未按时到场")
    item.locator("> summary").click()
    records = item.locator("details.record")
    assert shown(records.first) and records.count() == 3
    assert [records.nth(n).locator("> summary").inner_text().split() for n in range(3)] == [
        ["-1", f"2月{d}日", "沿用上期"] for d in (5, 6, 7)
    ]
    assert item.locator("> blockquote.seed").inner_text().startswith("接警后未按规定时限到达现场的,每次扣1分。")
    records.first.locator("> summary").click()
    detail = records.first.locator("dl.record-detail")
    assert shown(detail)
    assert "本期数据未报送,沿用上期数据" in detail.inner_text()
    item.screenshot(path=str(report.shots / "drawn-item.png"))
    watch.check()
    ctx.close()


def test_without_script_or_decompression_the_page_points_to_the_xlsx(browser: Any, report: SimpleNamespace) -> None:
    """Without script every unit's totals, categories and items are there, with a note that the
    lines are in the XLSX, and the items' seed sentences in 考核项目及依据; a browser without
    DecompressionStream says so in the item's place."""
    ctx = browser.new_context(offline=True, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(report.url)
    unit = page.locator("#unit-rulin")
    assert "93.19" in unit.locator(".unit-total").inner_text()
    assert "通报 XLSX" in unit.locator("p.no-script").inner_text()
    assert page.locator("#unit-rulin details.item", has_text="接警后未按时到场").count() == 1
    assert "接警后未按规定时限到达现场的,每次扣1分。" in page.locator("#items").inner_text()
    page.screenshot(path=str(report.shots / "no-script.png"), full_page=False)
    ctx.close()

    ctx = browser.new_context(offline=True)
    ctx.add_init_script("delete window.DecompressionStream")
    page = ctx.new_page()
    page.goto(report.url + "#unit-rulin")
    page.wait_for_function("() => document.documentElement.getAttribute('data-lines') === 'failed'")
    item = page.locator("#unit-rulin details.item", has_text="接警后未按时到场")
    assert "请查看同一文件夹中的通报 XLSX 文件" in (item.locator("ol.lines").text_content() or "")
    ctx.close()
