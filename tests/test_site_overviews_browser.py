"""The office's dashboard and a department's page in a real headless Chromium (Debian's chromium,
Playwright's Python package): the office signs in, opens its dashboard from the header and follows a
department to its page; the department opens its own page and finds no other; no request leaves the
site, no console error or CSP violation; screenshots of each page ($KAOHE_SCREENSHOTS when set,
else the test's tmp dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from browser_support import ARGS, CHROMIUM, MARKS
from site_support import PASSWORD, make_site_with_registry, running
from test_site_overviews import extras

pytestmark = MARKS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("overviews-browser")
    bureau, reg, db = make_site_with_registry(tmp)
    extras(bureau, reg, db, tmp)
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with running(bureau, reg) as base:
        yield base, shots


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser: Any, base: str, account: str, width: int = 1100) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.goto(base + "/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.url in (base + "/periods", base + "/inbox")  # /inbox when something awaits (kaohe.office.inbox)
    return page, problems, outside


def test_the_office_opens_its_dashboard_and_a_department(site, browser):
    base, shots = site
    page, problems, outside = _page(browser, base, "office")
    page.click("header a[href='/office']")
    assert page.url == base + "/office" and page.locator("h1").inner_text() == "考核办工作台"
    rows = page.locator("main table").first.locator("tbody tr")
    assert rows.count() == 2 and "沿用上期" in rows.nth(0).inner_text()
    assert "2015-02-27" in page.locator("main").inner_text()  # the appeal's deadline
    page.screenshot(path=str(shots / "site-office-dashboard.png"), full_page=True)
    page.click("main a:text('测试大队')")
    assert page.url == base + "/department/" + quote("测试大队") + "/2015-04"
    assert page.locator("h1").inner_text() == "测试大队 · 2015年4月"
    page.screenshot(path=str(shots / "site-office-department.png"), full_page=True)
    # the search box in the header
    page.fill("header input[name=q]", "儒林")
    page.press("header input[name=q]", "Enter")
    assert page.locator("main a").first.get_attribute("href") == "/unit/2015-04/rulin"
    page.screenshot(path=str(shots / "site-office-search.png"), full_page=True)
    assert not problems and not outside, (problems, outside)


def test_a_department_reads_its_own_page_and_no_other(site, browser):
    base, shots = site
    page, problems, outside = _page(browser, base, "dept", width=400)  # a phone's width
    page.click("header a:text('本部门')")
    assert page.locator("h1").inner_text() == "测试大队 · 2015年4月"
    page.goto(base + "/department/" + quote("测试大队") + "/2015-02")
    summary = page.locator("main table").nth(1).locator("tbody tr").first.inner_text()
    assert "接警后未按时到场" in summary and "-0.5" in summary and "3 / 6" in summary
    page.screenshot(path=str(shots / "site-department.png"), full_page=True)
    response = page.goto(base + "/department/" + quote("督察支队") + "/2015-02")
    assert response is not None and response.status == 403
    response = page.goto(base + "/office")
    assert response is not None and response.status == 403
    assert not [p for p in problems if "403" not in p] and not outside, (problems, outside)
