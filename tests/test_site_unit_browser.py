"""The unit page in a real headless Chromium (issue 16, point 4): a station follows a deduction from
its total to the item, whose record lines load on demand (htmx) with the button to appeal them
while the window is open; the trends' chart and tables; no console error, CSP violation or request
outside the site; screenshots at a desktop's and a phone's width (``$KAOHE_SCREENSHOTS`` when set,
else the test's tmp dir)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARGS, CHROMIUM, MARKS
from kaohe.core.periods import Period
from kaohe.office.accounts import add_users
from kaohe.office.publication import publish
from kaohe.store.store import Store
from report_bureau import registry
from site_support import PASSWORD, make_site, running

pytestmark = MARKS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("site-unit-browser")
    bureau, db = make_site(tmp)
    with Store(db) as store:  # January published today: its appeal window is open
        publish(store, bureau, registry(), Period.parse("2015-01"), published_on=dt.date.today(), actor="test", write=False)
        add_users(store, bureau, [("jc", "金城所己", "单位", "jincheng", PASSWORD)], "test")
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with running(bureau) as base:
        yield base, shots


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_a_station_opens_an_items_lines_on_demand_and_may_appeal_a_deduction(site, browser):
    from playwright.sync_api import expect

    base, shots = site
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    fragments: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.on("request", lambda r: fragments.append(r.url) if "/item/" in r.url else None)

    page.goto(base + "/login")
    page.fill("input[name=account]", "jc")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(base + "/unit/2015-01/jincheng")
    # 金城 in January: 97.1, third of 一类所 (its previous month, 2014-12, is not stored: no change)
    assert "总分 97.1" in page.locator("p.totals").inner_text()
    window = page.locator("p.window").inner_text()
    assert "第1版通报" in window and "现可申请复查" in window
    assert fragments == []  # nothing loaded before an item is opened
    page.locator("summary", has_text="基础工作建设").click()
    page.locator("summary", has_text="接警后未按时到场").click()
    item = page.locator("details.item", has=page.locator("summary", has_text="接警后未按时到场"))
    expect(item.locator("ul.lines li")).to_have_count(1)
    assert fragments == [base + "/unit/2015-01/jincheng/item/testdept.late"]
    line = item.locator("ul.lines li").first
    assert "-1" in line.inner_text() and "testdept.event:E04" in line.inner_text()
    appeal = line.locator("a.appeal")
    assert appeal.inner_text() == "申请复查"
    assert appeal.get_attribute("href") == "/appeals/new/2015-01/jincheng?item=testdept.late&record=testdept.event%3AE04"
    # closing and opening again loads nothing more
    page.locator("summary", has_text="接警后未按时到场").click()
    page.locator("summary", has_text="接警后未按时到场").click()
    assert len(fragments) == 1
    # the trends: a chart and the same numbers in a table
    assert page.locator("figure.chart svg polyline").count() == 3
    assert page.locator("table.trends tbody tr").count() == 2  # January and February published
    page.screenshot(path=str(shots / "site-unit-trends.png"), full_page=True)

    # February (closed window): change from January beside the total and rank, no appeal button
    page.goto(base + "/unit/2015-02/jincheng")
    totals = page.locator("p.totals").inner_text()
    assert "较2015年1月 +0.9" in totals and "升 1 名" in totals
    assert "已截止" in page.locator("p.window").inner_text()
    page.locator("summary", has_text="基础工作建设").click()
    page.locator("summary", has_text="接警后未按时到场").click()
    item = page.locator("details.item", has=page.locator("summary", has_text="接警后未按时到场"))
    expect(item.locator("ul.lines li")).to_have_count(2)
    assert item.locator("a.appeal").count() == 0
    page.screenshot(path=str(shots / "site-unit-february.png"), full_page=True)
    # from the item to its history over the months
    item.locator("a", has_text="各项目历月得分").click()
    assert page.url.endswith("/unit/2015-02/jincheng/history#history-testdept.late")
    row = page.locator("tr[id='history-testdept.late']").inner_text()
    assert "-1" in row and "-2" in row  # January one late, February two
    page.screenshot(path=str(shots / "site-unit-history.png"), full_page=True)
    page.go_back()

    # the full page, for printing: every line without loading
    page.click("text=显示全部明细")
    assert "testdept.event:E14" in page.locator("main").inner_text()

    # a phone's width
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/unit/2015-01/jincheng")
    page.locator("summary", has_text="基础工作建设").click()
    page.locator("summary", has_text="接警后未按时到场").click()
    expect(page.locator("a.appeal")).to_have_count(1)
    page.screenshot(path=str(shots / "site-unit-phone.png"), full_page=True)
    assert problems == [] and outside == []
    page.close()
