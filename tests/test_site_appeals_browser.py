"""Appeals in a real headless Chromium (issue 17, point 5): 儒林派出所 appeals one "接警后未按时到场"
deduction (E11, −1) with a small PDF; 测试大队 changes it to 0 on its queue; the office publishes again;
the station sees the decision and its new total, 94.19 (hand-worked in test_site_appeals: 93.19 + 1).
Screenshots of each page ($KAOHE_SCREENSHOTS when set, else the test's tmp dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARGS, CHROMIUM, MARKS
from browser_support import sign_in as signed_in_page
from site_support import running
from test_site_appeals import LATE, PDF, make

from kaohe.core.periods import Period
from kaohe.office.publication import publish
from kaohe.store.store import Store

pytestmark = MARKS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Any, Any, Path]]:
    tmp = tmp_path_factory.mktemp("site-appeals-browser")
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


def sign_in(browser: Any, base: str, account: str, problems: list[str]) -> Any:
    page = signed_in_page(browser, base, account, problems)
    assert page.url in (base + "/periods", base + "/inbox")  # /inbox when something awaits (kaohe.office.inbox)
    return page


def test_a_station_appeals_with_a_pdf_and_sees_the_departments_decision_in_the_next_edition(site, browser):
    base, shots, bureau, reg, tmp = site
    problems: list[str] = []
    evidence = tmp / "到场记录.pdf"
    evidence.write_bytes(PDF)

    # the station: the "申请复查" link of the deduction E11 lands on the form
    station = sign_in(browser, base, "rulin", problems)
    station.goto(base + LATE)
    table = station.locator("table.deduction").inner_text()
    assert "接警后未按时到场" in table and "-1" in table and "seed 000 l.548" in table
    station.fill("textarea[name=reason]", "当日接警系统故障,到场时间记录有误")
    station.set_input_files("input[name=evidence]", str(evidence))
    station.screenshot(path=str(shots / "appeal-new.png"), full_page=True)
    station.click("form.appeal button[type=submit]")
    assert "/appeals/" in station.url and "待决定" in station.locator("main").inner_text()
    assert station.locator("a", has_text="到场记录.pdf").count() == 1
    station.screenshot(path=str(shots / "appeal-filed.png"), full_page=True)

    # the department: its queue, the appeal, 改分 to 0
    dept = sign_in(browser, base, "dept", problems)
    dept.click("header a[href='/appeals']")
    assert "待决定 1 件" in dept.locator("main").inner_text()
    dept.screenshot(path=str(shots / "appeal-queue.png"), full_page=True)
    dept.locator("main table a").first.click()
    dept.check("input[name=outcome][value=改分]")
    dept.fill("input[name=points]", "0")
    dept.fill("form.appeal textarea[name=reason]", "经核查接警系统日志,该次按时到场")
    dept.screenshot(path=str(shots / "appeal-decide.png"), full_page=True)
    dept.click("form.appeal button[type=submit]")
    decision = dept.locator("p.decision").inner_text()
    assert "改分" in decision and "改为 0" in decision
    assert dept.locator("form.appeal").count() == 0  # decided once: no second form

    # the office publishes the period again (the second edition)
    with Store(bureau.database) as store:
        assert publish(store, bureau, reg, Period.parse("2015-02"), actor="office", write=False).number == 2

    # the station sees the decision on its appeals page, and its new total
    station.goto(base + "/appeals")
    assert "改分(改为 0)" in station.locator("main table").inner_text()
    station.screenshot(path=str(shots / "appeal-unit-list.png"), full_page=True)
    station.goto(base + "/unit/2015-02/rulin")
    assert "总分 94.19" in station.locator("main").inner_text()
    station.screenshot(path=str(shots / "appeal-unit-total.png"), full_page=True)

    # January's window shut long ago: the page says so, and offers no form
    station.goto(base + "/appeals/new/2015-01/rulin?item=testdept.late&record=testdept.event:E01")
    assert "已超过复查申请期限" in station.locator("p.error").inner_text() and station.locator("form.appeal").count() == 0
    station.screenshot(path=str(shots / "appeal-too-late.png"), full_page=True)
    assert problems == []
