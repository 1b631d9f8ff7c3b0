"""Self-reports in a real headless Chromium (issue 17 point 3): 儒林派出所 reports a 表扬 of April
with a PDF; 测试大队 returns it (no 文号); the station corrects it; 测试大队 accepts it; the office
publishes 2015-04 and the station's page shows "工作受上级表扬" +2 and its total 99 (hand-worked in
test_selfreport: 97 without it). Screenshots of each page ($KAOHE_SCREENSHOTS when set, else the
test's tmp dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARGS, CHROMIUM, MARKS
from test_selfreport import make
from test_site_appeals import PDF
from test_site_appeals_browser import sign_in

from kaohe.core.periods import Period
from kaohe.office.publication import publish
from kaohe.store.store import Store
from site_support import running

pytestmark = MARKS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Any, Any, Path]]:
    tmp = tmp_path_factory.mktemp("site-selfreport-browser")
    bureau, reg, db = make(tmp)
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with running(bureau) as base:
        yield base, shots, bureau, reg, tmp


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_a_station_self_reports_the_department_returns_then_accepts_and_the_points_show(site, browser):
    base, shots, bureau, reg, tmp = site
    problems: list[str] = []
    evidence = tmp / "表扬通报.pdf"
    evidence.write_bytes(PDF)

    # the station: 工作自报 → 自报工作 → the item → the form
    station = sign_in(browser, base, "rulin", problems)
    station.click("header a[href='/reports']")
    station.click("main a[href='/reports/new']")
    station.select_option("select[name=item]", "testdept.praise")
    station.click("form.appeal button[type=submit]")
    station.fill("input[name=date]", "2015-04-10")
    station.fill("textarea[name=what]", "协助市局破获盗窃案,受市局通报表扬")
    station.select_option("select[name=type]", "表扬")
    station.set_input_files("input[name=evidence]", str(evidence))
    station.screenshot(path=str(shots / "selfreport-new.png"), full_page=True)
    station.click("form.appeal button[type=submit]")
    assert "/reports/" in station.url and "待审核" in station.locator("main").inner_text()
    assert station.locator("a", has_text="表扬通报.pdf").count() == 1
    first = station.url
    station.screenshot(path=str(shots / "selfreport-entered.png"), full_page=True)

    # the department: its queue, the entry, returned with a reason
    dept = sign_in(browser, base, "dept", problems)
    dept.click("header a[href='/reports']")
    assert "待审核 1 份" in dept.locator("main").inner_text()
    dept.screenshot(path=str(shots / "selfreport-queue.png"), full_page=True)
    dept.locator("main table a").first.click()
    dept.check("input[name=outcome][value=退回]")
    dept.fill("form.appeal textarea[name=reason]", "请写明表扬通报的文号")
    dept.screenshot(path=str(shots / "selfreport-review.png"), full_page=True)
    dept.click("form.appeal button[type=submit]")
    assert "退回" in dept.locator("p.decision").inner_text() and dept.locator("form.appeal").count() == 0

    # the station sees why, and corrects it (the form filled in from the returned entry)
    station.goto(first)
    assert "请写明表扬通报的文号" in station.locator("main").inner_text()
    station.screenshot(path=str(shots / "selfreport-returned.png"), full_page=True)
    station.click("main a[href^='/reports/new?corrects=']")
    assert station.input_value("input[name=date]") == "2015-04-10"
    station.fill("textarea[name=what]", "协助市局破获盗窃案,受市局通报表扬(金公通〔2015〕12号)")
    station.set_input_files("input[name=evidence]", str(evidence))
    station.click("form.appeal button[type=submit]")
    assert "更正" in station.locator("main").inner_text()
    second = station.url

    # the department accepts the corrected one
    dept.goto(second)
    dept.check("input[name=outcome][value=采纳]")
    dept.click("form.appeal button[type=submit]")
    assert "采纳" in dept.locator("p.decision").inner_text()
    dept.screenshot(path=str(shots / "selfreport-accepted.png"), full_page=True)

    # the office scores and publishes April; the station's page shows the points
    with Store(bureau.database) as store:
        publish(store, bureau, reg, Period.parse("2015-04"), actor="office", write=False)
    station.goto(base + "/reports")
    listing = station.locator("main table").inner_text()
    assert "采纳" in listing and "退回" in listing
    station.screenshot(path=str(shots / "selfreport-unit-list.png"), full_page=True)
    station.goto(base + "/unit/2015-04/rulin")
    assert "总分 99," in station.locator("main").inner_text()
    station.locator("details.category > summary", has_text="队伍建设").click()
    praise = station.locator("details.item > summary", has_text="工作受上级表扬")
    assert praise.inner_text() == "工作受上级表扬 2 测试大队"
    praise.click()
    station.wait_for_selector("text=金公通〔2015〕12号")
    station.screenshot(path=str(shots / "selfreport-unit-points.png"), full_page=True)
    assert problems == []
