"""The site in a real headless Chromium (Debian's ``chromium``, driven by Playwright's Python
package): a station signs in, follows a deduction from the published ranking to the record; another
unit is not a link; no request leaves the site, no console error or CSP violation; screenshots of
each page (``$KAOHE_SCREENSHOTS`` when set, else the test's tmp dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARGS, CHROMIUM, MARKS
from site_support import PASSWORD, make_site, running

pytestmark = MARKS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("site-browser")
    bureau, _ = make_site(tmp)
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


def test_a_station_follows_a_deduction_from_the_ranking_to_the_record(site, browser):
    from playwright.sync_api import expect

    base, shots = site
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)

    page.goto(base + "/")
    assert page.url == base + "/login"
    page.screenshot(path=str(shots / "site-login.png"), full_page=True)
    page.fill("input[name=account]", "rulin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.url == base + "/periods"
    assert page.locator("header .who").inner_text() == "儒林所丙(单位)"
    page.screenshot(path=str(shots / "site-periods.png"), full_page=True)

    page.click("a[href='/ranking/2015-02']")
    assert page.locator("h1").inner_text() == "2015年2月考核排名"
    # only its own unit is a link; the XSS unit name is shown as text
    links = page.locator("main table a")
    assert links.count() == 1 and links.first.inner_text() == "儒林派出所"
    assert page.get_by_text('<script>alert("unit")</script>', exact=False).count() == 1
    row = page.locator("tr", has=page.locator("a", has_text="儒林派出所"))
    assert row.locator("td").nth(0).inner_text() == "3" and "整改单位" in row.inner_text()
    page.screenshot(path=str(shots / "site-ranking.png"), full_page=True)

    links.first.click()
    assert page.url == base + "/unit/2015-02/rulin"
    page.locator("summary", has_text="基础工作建设").click()
    page.locator("summary", has_text="接警后未按时到场").click()
    item = page.locator("details.item", has=page.locator("summary", has_text="接警后未按时到场"))
    assert "依据:seed 000 l.548" in item.inner_text()
    expect(item.locator("ul.lines li")).to_have_count(3)  # the lines loaded on demand when the item opens
    page.screenshot(path=str(shots / "site-unit.png"), full_page=True)

    item.locator("a", has_text="testdept.event:E11").click()
    assert page.url.startswith(base + "/record/2015-02/rulin?key=testdept.event")
    cells = page.locator("main table").first.locator("tbody td").all_inner_texts()
    assert cells == ["基础工作建设", "接警后未按时到场", "-1", "2月5日", "seed 000 l.548", "测试大队"]
    assert "测试大队.csv 第9行" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "site-record.png"), full_page=True)

    # another unit's page by URL: refused
    response = page.goto(base + "/unit/2015-02/xuebu")
    assert response is not None and response.status == 403
    page.screenshot(path=str(shots / "site-refused.png"), full_page=True)

    # a phone's width: the ranking still reads
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/ranking/2015-02")
    page.screenshot(path=str(shots / "site-ranking-phone.png"), full_page=True)

    page.click("header button[type=submit]")  # sign out (a POST with the token)
    assert page.url == base + "/login"
    refused = "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    assert [p for p in problems if p != refused] == [] and problems.count(refused) == 1 and outside == []
    page.close()
