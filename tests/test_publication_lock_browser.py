"""A published period locked by default, in a real headless Chromium (issue 17, point 4): the office
publishes 2015-04; the department's hand-in page lists the period as locked and its upload of a late
record of April is refused with the one-line message; the office unlocks the period with a reason
on its publication page; the same upload then goes through; the department signs off again and the
office publishes 第2版, which locks the period again. No console error other than the refusal's
own status, no CSP violation, no request leaving the site. Screenshots in ``$KAOHE_SCREENSHOTS``
when set, else the test's tmp dir.

The bureau is report_bureau's with ``require_signoff`` (test_site_workflow.make), the lock left to
its default. 2015-04 runs from 2015-03-21 to 2015-04-20 (cutoff day 20); 直溪派出所 has two 迟到
(E32, E33: 接警后未按时到场, −1 each) in it and nothing else: 100 − 2 = 98 in 第1版. The late
record E34 (直溪, 2015-04-10, 迟到) takes one more point: 97 in 第2版."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import report_bureau
from browser_support import ARGS, CHROMIUM, MARKS
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store
from site_support import PASSWORD, running
from test_site_workflow import make

pytestmark = MARKS

LOCKED = "2015-04 已发布第1版,已锁定"


def _default_lock(bureau: Any, tmp: Path) -> Any:
    """test_site_workflow's bureau with ``[publication] lock`` not written: the default."""
    config = {
        **report_bureau.CONFIG, "bureau": {**report_bureau.CONFIG["bureau"], "database": "kaohe.sqlite"},
        "publication": {"missing_data": "refuse", "require_signoff": True},
    }
    again = parse_bureau(config, report_bureau.registry(), str(tmp / "kaohe.toml"), tmp)
    assert again.publication.lock is True and again.database == bureau.database
    return again


def _total(page: Any, base: str, unit: str) -> str:
    """``unit``'s total on its 2015-04 page (the JSON), read with the page's session."""
    got = page.request.get(f"{base}/unit/2015-04/{unit}.json")
    assert got.status == 200, got.text()
    return str(got.json()["total"])


def test_publish_refuses_an_upload_until_the_office_unlocks_then_the_second_edition(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    made, reg = make(tmp_path)
    bureau = _default_lock(made, tmp_path)
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    late = tmp_path / "测试大队_2015年4月补报.csv"
    with late.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["编号", "单位", "日期", "类型", "说明"], ["E34", "zhixi", "2015-04-10", "迟到", "漏报"]])
    problems: list[str] = []
    outside: list[str] = []
    with running(bureau, reg) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def signed_in(account: str) -> Any:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
            page.goto(base + "/login")
            page.fill("input[name=account]", account)
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]")
            return page

        def sign_off(page: Any, department: str) -> None:
            page.goto(base + "/signoff/2015-04")
            with page.expect_navigation():
                page.locator("form", has=page.locator(f"input[value='{department}']")).locator("button").click()

        def publish(page: Any, reason: str, number: int) -> None:
            page.goto(base + "/publish/2015-04")
            page.fill("form[action='/publish/2015-04'] textarea[name=reason]", reason)
            with page.expect_navigation():
                page.click(f"main button:text('发布第{number}版')")
            assert page.url == base + f"/publish/2015-04?done={number}"

        dept, office = signed_in("dept"), signed_in("office")
        sign_off(dept, "测试大队")
        sign_off(office, "督察支队")  # no account of its own: the office signs for it
        publish(office, "按期公布", 1)
        text = office.locator("main").inner_text()
        assert "本期间第1版发布后已锁定" in text and office.locator("form[action='/unlock/2015-04']").count() == 1
        office.screenshot(path=str(shots / "lock-office-published.png"), full_page=True)
        assert _total(office, base, "zhixi") == "98"  # 100 − 2 (E32, E33)

        # the department's hand-in page says the month is locked before anything is sent ...
        dept.goto(base + "/handin")
        assert "已发布并锁定:2015年4月(第1版)" in dept.locator("main").inner_text()
        dept.screenshot(path=str(shots / "lock-handin-locked.png"), full_page=True)
        # a record of the month: no withdrawal form, the lock said instead
        dept.goto(base + "/handin/record?key=testdept.event:E32")
        assert dept.locator("form.handin").count() == 0
        assert f"不能撤回:{LOCKED}" in dept.locator("main").inner_text()
        dept.screenshot(path=str(shots / "lock-record-locked.png"), full_page=True)
        dept.goto(base + "/handin")
        # ... and the upload of April's late record is refused in place, with the one line, nothing kept
        dept.set_input_files("input[name=file]", str(late))
        dept.click("form.handin button[type=submit]")
        dept.locator("form.handin[data-progress]").wait_for(state="detached")  # no polling script: the CSP forbids eval
        refused = dept.locator("main").inner_text()
        assert f"第2行:{LOCKED}" in refused and "kaohe unlock 2015-04" in refused
        dept.screenshot(path=str(shots / "lock-upload-refused.png"), full_page=True)
        assert [m for m in problems if "422" in m] and len(problems) == 1  # the refusal's own status, expected
        problems.clear()
        with Store(bureau.database) as store:
            assert store.record_row("testdept.event:E34") is None

        # the office unlocks with a reason
        office.goto(base + "/publish/2015-04")
        office.fill("form[action='/unlock/2015-04'] textarea[name=reason]", "测试大队补报漏报的迟到记录,经分管领导同意")
        with office.expect_navigation():
            office.click("main button:text('解除锁定')")
        assert office.url == base + "/publish/2015-04"
        assert "已锁定" not in office.locator("main").inner_text()
        office.screenshot(path=str(shots / "lock-office-unlocked.png"), full_page=True)

        # the same file now goes through
        dept.goto(base + "/handin")
        assert "已发布并锁定" not in dept.locator("main").inner_text()
        dept.set_input_files("input[name=file]", str(late))
        with dept.expect_navigation():
            dept.click("form.handin button[type=submit]")
        assert "可导入 1 行,拒绝 0 行" in dept.locator("main").inner_text()
        with dept.expect_navigation():
            dept.click("button:has-text('确认导入')")
        assert "新增 1 条,更正 0 条,不变 0 条,拒绝 0 行" in dept.locator("main").inner_text()
        dept.screenshot(path=str(shots / "lock-upload-after-unlock.png"), full_page=True)

        # signed off again (an import after the sign-off needs a new one), published: 第2版, locked again
        sign_off(dept, "测试大队")
        publish(office, "测试大队补报漏报记录", 2)
        text = office.locator("main").inner_text()
        assert "已发布第2版" in text and "本期间第2版发布后已锁定" in text
        office.screenshot(path=str(shots / "lock-office-second-edition.png"), full_page=True)
        assert _total(office, base, "zhixi") == "97"  # 100 − 3 (E32, E33, E34)
        dept.goto(base + "/handin")
        assert "已发布并锁定:2015年4月(第2版)" in dept.locator("main").inner_text()
        browser.close()
    with Store(bureau.database) as store:
        trail = store.audit(period="2015-04", action="解除锁定")
        assert [(e["actor"], e["subject"], json.loads(e["detail"])["reason"]) for e in trail] == [
            ("office", "2015-04#1", "测试大队补报漏报的迟到记录,经分管领导同意")
        ]
    assert problems == [] and outside == [], (problems, outside)
