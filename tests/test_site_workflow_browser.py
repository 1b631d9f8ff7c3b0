"""Sign-off and publication in a real headless Chromium (issue 17, point 4): a department signs off
its month from its page, the office signs for the other department, reviews the month from its
dashboard and publishes it, a station then sees the edition; no console error or CSP violation, no
request leaving the site; screenshots ($KAOHE_SCREENSHOTS when set, else the test's tmp dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARGS, CHROMIUM, MARKS
from site_support import PASSWORD, running
from test_site_workflow import make

pytestmark = MARKS


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_a_department_signs_off_the_office_publishes_a_station_sees_it(tmp_path: Path, browser: Any) -> None:
    bureau, reg = make(tmp_path)
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    outside: list[str] = []
    with running(bureau, reg) as base:

        def signed_in(account: str) -> Any:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
            page.goto(base + "/login")
            page.fill("input[name=account]", account)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            assert page.url in (base + "/periods", base + "/inbox")  # /inbox when something awaits (kaohe.office.inbox)
            return page

        dept = signed_in("dept")
        dept.click("header a:text('本部门')")
        dept.click("main a:text('签收2015年4月数据')")
        assert dept.url == base + "/signoff/2015-04"
        dept.fill("textarea[name=note]", "已逐条核对")
        dept.click("main button:text('签收本期数据')")
        assert dept.url == base + "/signoff/2015-04"
        cell = dept.locator("main table tbody tr").first.inner_text()
        assert "已签收" in cell and "dept" in cell
        dept.screenshot(path=str(shots / "site-department-signoff.png"), full_page=True)

        office = signed_in("office")
        office.click("header a[href='/office']")
        office.click("main thead a:text('2015-04')")
        assert office.url == base + "/publish/2015-04"
        assert "督察支队 2015-04 数据未经部门签收" in office.locator("main").inner_text()
        office.screenshot(path=str(shots / "site-office-review.png"), full_page=True)
        office.goto(base + "/signoff/2015-04")  # 督察支队 has no account: the office signs for it
        office.locator("form", has=office.locator("input[value='督察支队']")).locator("button").click()
        office.goto(base + "/publish/2015-04")
        assert "没有妨碍发布的缺失" in office.locator("main").inner_text()
        office.fill("textarea[name=reason]", "按期公布")
        office.click("main button:text('发布第1版')")
        assert office.url == base + "/publish/2015-04?done=1"
        text = office.locator("main").inner_text()
        assert "已发布第1版" in text and "按期公布" in text and "已锁定" in text
        office.screenshot(path=str(shots / "site-office-published.png"), full_page=True)

        station = signed_in("rulin")
        station.goto(base + "/ranking/2015-04")
        assert "儒林派出所" in station.locator("main").inner_text() and "草稿" not in station.locator("main").inner_text()
        station.screenshot(path=str(shots / "site-station-ranking-published.png"), full_page=True)
    assert not problems and not outside, (problems, outside)
