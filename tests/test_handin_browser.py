"""A department hands in its month in a real headless Chromium (issue 17, point 1): it uploads a file
with a bad row, sees the dry run (the rejected row by row and column, nothing stored), cancels, fixes
the row, uploads again and confirms; then withdraws a wrong record with a reason. No request leaves
the site, no console error or CSP violation. Screenshots in ``$KAOHE_SCREENSHOTS`` when set, else the
test's tmp dir."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import report_bureau
from browser_support import ARGS, CHROMIUM, MARKS
from kaohe.store.store import Store
from site_support import PASSWORD, make_site, running

pytestmark = MARKS


def write_csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["编号", "单位", "日期", "类型", "说明"])
        w.writerows(rows)
    return path


def test_a_department_uploads_fixes_a_row_confirms_and_withdraws(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    bureau, db = make_site(tmp_path)
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    rows = [("W01", "xuebu", "2015-04-02", "迟到", "四月第一次"), ("W02", "rulin", "2015-04-03", "迟道", "")]
    bad = write_csv(tmp_path / "测试大队_2015年4月.csv", rows)
    with running(bureau, report_bureau.registry()) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        problems: list[str] = []
        outside: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
        uploads: list[str] = []  # how the page sent each upload: by script, to show its progress
        page.on("request", lambda r: uploads.append(r.resource_type) if r.url.endswith("/handin/upload") else None)

        page.goto(base + "/login")
        page.fill("input[name=account]", "dept")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        with page.expect_navigation():
            page.click("header a[href='/handin']")
        assert page.locator("h1").inner_text() == "数据上报 · 测试大队"
        page.screenshot(path=str(shots / "handin-page.png"), full_page=True)

        # a file with a bad row: the dry run, nothing stored
        page.set_input_files("input[name=file]", str(bad))
        with page.expect_navigation():
            page.click("form.handin button[type=submit]")
        assert "/handin/check/" in page.url
        assert uploads == ["xhr"]  # sent by static/upload.js, with a progress bar
        body = page.locator("main").inner_text()
        assert "可导入 1 行,拒绝 1 行" in body and "新增 1 条,更正 0 条,不变 0 条" in body
        cells = page.locator("main table").nth(1).locator("tbody tr td").all_inner_texts()
        assert cells[1:3] == ["3", "类型"] and "迟到、表扬、否决" in cells[3]
        page.screenshot(path=str(shots / "handin-check-bad-row.png"), full_page=True)
        with Store(db) as store:
            assert store.record_row("testdept.event:W01") is None
        with page.expect_navigation():
            page.click("button:has-text('取消(删除上传的文件)')")
        assert page.url == base + "/handin"

        # a file of another type: the refusal shown in place of the page's main part, nothing kept
        other = tmp_path / "照片.png"
        other.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        page.set_input_files("input[name=file]", str(other))
        page.click("form.handin button[type=submit]")
        page.locator("form.handin[data-progress]").wait_for(state="detached")  # no polling script: the CSP forbids eval
        assert page.url == base + "/handin" and ".xlsx" in page.locator("main").inner_text()
        assert [m for m in problems if "415" in m] and len(problems) == 1  # the refusal's own status, expected
        problems.clear()
        page.goto(base + "/handin")

        # fixed and uploaded again, then confirmed
        good = write_csv(tmp_path / "测试大队_2015年4月.csv", [rows[0], ("W02", "rulin", "2015-04-03", "迟到", "")])
        page.set_input_files("input[name=file]", str(good))
        with page.expect_navigation():
            page.click("form.handin button[type=submit]")
        assert "可导入 2 行,拒绝 0 行" in page.locator("main").inner_text()
        page.screenshot(path=str(shots / "handin-check-fixed.png"), full_page=True)
        with page.expect_navigation():
            page.click("button:has-text('确认导入')")
        assert page.locator("h1").inner_text() == "已导入:测试大队_2015年4月.csv"
        assert "新增 2 条,更正 0 条,不变 0 条,拒绝 0 行" in page.locator("main").inner_text()
        page.screenshot(path=str(shots / "handin-done.png"), full_page=True)

        # a wrong record withdrawn, with its reason
        page.goto(base + "/handin")
        page.fill("input[name=key]", "testdept.event:W02")
        with page.expect_navigation():
            page.click("button:has-text('查找')")
        assert "儒林派出所" in page.locator("main").inner_text() and "未发布" in page.locator("main").inner_text()
        page.screenshot(path=str(shots / "handin-record.png"), full_page=True)
        page.fill("input[name=reason]", "单位填错,应为薛埠派出所")
        with page.expect_navigation():
            page.click("button:has-text('撤回(作废这条记录)')")
        assert "已撤回" in page.locator("main").inner_text() and "已作废" in page.locator("main").inner_text()
        page.screenshot(path=str(shots / "handin-withdrawn.png"), full_page=True)
        # from a record's page of the drill-down, the owning department is offered the withdrawal
        page.goto(base + "/record/2015-02/rulin?key=testdept.event:E11")
        assert page.locator("a[href='/handin/record?key=testdept.event%3AE11']").count() == 1
        page.screenshot(path=str(shots / "record-withdraw-link.png"), full_page=True)
        # a published month's record: no button, the way to go said (locked: ``[publication] lock`` by default)
        page.goto(base + "/handin/record?key=testdept.event:E11")
        text = page.locator("main").inner_text()
        assert page.locator("form.handin").count() == 0 and "2015-02 已发布第1版,已锁定" in text
        assert "解除锁定" in text and "复查申请" in text
        page.screenshot(path=str(shots / "handin-record-published.png"), full_page=True)
        browser.close()
    with Store(db) as store:
        assert store.record_row("testdept.event:W01")["voided"] is False
        assert store.record_row("testdept.event:W02")["voided"] is True
    assert problems == [] and outside == []
