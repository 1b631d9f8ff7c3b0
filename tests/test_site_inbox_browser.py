"""What awaits a department, in a real headless Chromium (issue 17, point 6): 儒林派出所 has appealed
one deduction of 2015-02 (published today); 测试大队 signs in, lands on its inbox with the count 1 in
the header, follows the appeal's link and decides it; its count is then gone. The station, signed in,
sees its open window and the decision. Screenshots ($KAOHE_SCREENSHOTS when set, else the test's tmp dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARGS, CHROMIUM, MARKS
from browser_support import sign_in as signed_in_page
from site_support import running
from test_site_appeals import make

from kaohe.core.periods import Period
from kaohe.office.appeals import file_appeal
from kaohe.store.store import Store

pytestmark = MARKS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int]]:
    tmp = tmp_path_factory.mktemp("site-inbox-browser")
    bureau, reg, db = make(tmp)
    with Store(db) as store:
        a = file_appeal(store, bureau, Period.parse("2015-02"), "rulin", "testdept.late", "当日接警系统故障", record="testdept.event:E11", actor="rulin")
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with running(bureau, reg) as base:
        yield base, shots, int(a["id"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(browser: Any, base: str, account: str, problems: list[str]) -> Any:
    return signed_in_page(browser, base, account, problems, height=800)


def test_a_department_with_an_appeal_waiting_signs_in_to_its_inbox_and_follows_the_link(site, browser):
    base, shots, appeal = site
    problems: list[str] = []
    dept = sign_in(browser, base, "dept", problems)
    assert dept.url == base + "/inbox"
    assert dept.locator("header a[href='/inbox'] .count").inner_text() == "1"
    rows = dept.locator("table.inbox tbody tr")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "复查申请" in text and f"第{appeal}号复查申请(儒林派出所,接警后未按时到场,2015-02)待决定" in text
    dept.screenshot(path=str(shots / "inbox-department.png"), full_page=True)

    rows.first.locator("a").click()
    assert dept.url == base + f"/appeals/{appeal}"
    assert dept.locator("header a[href='/inbox'] .count").inner_text() == "1"  # on every page
    dept.check("input[name=outcome][value=维持]")
    dept.fill("form.appeal textarea[name=reason]", "经核查记录属实")
    dept.click("form.appeal button[type=submit]")
    assert "维持" in dept.locator("p.decision").inner_text()
    assert dept.locator("header a[href='/inbox'] .count").count() == 0  # nothing awaits it now
    dept.click("header a[href='/inbox']")
    assert "目前没有待办事项" in dept.locator("main").inner_text()

    station = sign_in(browser, base, "rulin", problems)
    assert station.url == base + "/inbox"
    main = station.locator("main").inner_text()
    assert "2015年2月通报(第1版)对扣分有异议的,还可申请复查至" in main and f"第{appeal}号复查申请(接警后未按时到场,2015-02)已有决定:维持" in main
    station.screenshot(path=str(shots / "inbox-unit.png"), full_page=True)
    assert problems == []
