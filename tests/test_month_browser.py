"""A whole month as its people live it, in a real headless Chromium (issue 17, "Tests"): on one bureau
and one server on 127.0.0.1, each person in their own browser session does April 2015 in order.

- 测试大队 (account ``dept``) uploads its file with a rejected row (类型 "迟道"), sees the dry run,
  cancels, fixes the row, uploads again and confirms; 督察支队 (``ducha``) uploads its file;
- 儒林派出所 (``rulin``) self-reports a 表扬 ("工作受上级表扬" is open to self-reports), 测试大队 returns it
  with a reason, the station corrects it, 测试大队 accepts it;
- 测试大队 signs off; the office's publication page shows 督察支队 not signed off (late, to chase);
  督察支队 signs off; the office publishes edition 1;
- the station sees its total and appeals one deduction with a small PDF; 测试大队 changes its points
  to 0; the office publishes edition 2; the station sees the decision and its new total.

The totals are worked out by hand below (the rule texts of tests/report_bureau.py's items and
seed 000 l.686: a category's score is its points ÷ the series' top × its weight).

Screenshots go to the test's tmp dir; with ``KAOHE_DOC_SHOTS=1`` they are written to
``docs/images/site/`` (the walk-through "一个月的工作流程" of docs/site.md shows them):
``KAOHE_DOC_SHOTS=1 python -m pytest -q tests/test_month_browser.py``."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import report_bureau
from browser_support import ARGS, CHROMIUM, MARKS
from site_support import PASSWORD, running
from test_selfreport import PRAISE
from test_site_appeals import PDF

from kaohe.office.accounts import add_users
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store

pytestmark = MARKS

DOC_SHOTS = Path(__file__).resolve().parents[1] / "docs" / "images" / "site"

# One series of three stations, report_bureau's items (its in-test plugin) and categories:
# 队伍建设 base 40 weight 40; 基础工作建设 base 60 weight 60.
CONFIG = {
    "bureau": {"name": "测试市公安局", "cutoff_day": 20, "database": "kaohe.sqlite"},
    "scheme": {"name": "测试考核办法", "decimals": 2},
    "series": [{"id": "s1", "name": "派出所"}],
    "categories": report_bureau.CONFIG["categories"],
    "units": [
        {"id": "rulin", "name": "儒林派出所", "series": "s1", "class": "B", "headcount": 20},
        {"id": "xuebu", "name": "薛埠派出所", "series": "s1", "class": "B", "headcount": 20},
        {"id": "zhixi", "name": "直溪派出所", "series": "s1", "class": "B", "headcount": 20},
    ],
    "items": {"testdept.praise": PRAISE},
    "publication": {"missing_data": "refuse", "require_signoff": True, "lock": True},
}
ACCOUNTS = [
    ("office", "考办甲", "考核办", ""),
    ("dept", "测试大队乙", "部门", "测试大队"),
    ("ducha", "督察支队内勤", "部门", "督察支队"),
    ("rulin", "儒林所丙", "单位", "rulin"),
]

# April 2015 is 2015-03-21 … 2015-04-20 (cutoff day 20).
# 测试大队 ("接警后未按时到场": −1 per 迟到; "工作受上级表扬": +2 per 表扬, at most +4):
EVENTS = [
    ("A01", "rulin", "2015-04-02", "迟到", "一类警情 到场用时25分钟"),
    ("A02", "rulin", "2015-04-03", "迟到", "二类警情 到场用时18分钟"),
    ("A03", "zhixi", "2015-04-06", "迟到", ""),
]
BAD_ROW = ("A03", "zhixi", "2015-04-06", "迟道", "")  # not one of 迟到、表扬、否决: rejected
# 督察支队 ("被督察通报批评": −2 each):
CHECKS = [("B01", "rulin", "2015-04-08", "值班脱岗"), ("B02", "zhixi", "2015-04-09", "着装不规范")]

# By hand, edition 1 (the self-reported 表扬 accepted: +2 for 儒林):
#   儒林: 队伍建设 40 − 2 (B01) + 2 (表扬) = 40; 基础工作建设 60 − 1 (A01) − 1 (A02) = 58
#   薛埠: 40; 60            直溪: 40 − 2 (B02) = 38; 60 − 1 (A03) = 59
#   the series' tops: 40 and 60, so each score is the sum of the two:
#   儒林 40/40×40 + 58/60×60 = 98; 薛埠 100; 直溪 38 + 59 = 97.
# Edition 2, A02 changed to 0 on appeal: 儒林 基础工作建设 59 (the top stays 60): 40 + 59 = 99.
# Ranked 薛埠 100, 儒林, 直溪 97: 儒林 is 2nd in both editions.
TOTAL_1 = "总分 98,名次 2"
TOTAL_2 = "总分 99,名次 2"


def write_csv(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_a_whole_month_uploads_selfreport_signoff_publication_appeal_and_the_second_edition(tmp_path: Path, browser: Any) -> None:
    reg = report_bureau.registry()
    bureau = parse_bureau(CONFIG, reg, str(tmp_path / "kaohe.toml"), tmp_path)
    with Store(bureau.database) as store:  # an empty store: nothing but the accounts
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in ACCOUNTS], "test")
    if os.environ.get("KAOHE_DOC_SHOTS") == "1":
        shots = DOC_SHOTS
    else:
        shots = tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    files = tmp_path / "files"
    files.mkdir()
    praise = tmp_path / "表扬通报.pdf"
    praise.write_bytes(PDF)
    evidence = tmp_path / "到场记录.pdf"
    evidence.write_bytes(PDF)

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(shots / name))

    with running(bureau, reg) as base:

        def sign_in(account: str) -> Any:
            page = browser.new_context(viewport={"width": 1100, "height": 800}).new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: problems.append("outside: " + r.url) if not r.url.startswith(base) else None)
            page.goto(base + "/login")
            page.fill("input[name=account]", account)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            assert page.url == base + "/periods"
            return page

        def upload(page: Any, path: Path) -> str:
            page.goto(base + "/handin")
            page.set_input_files("input[name=file]", str(path))
            with page.expect_navigation():
                page.click("form.handin button[type=submit]")
            assert "/handin/check/" in page.url
            return str(page.locator("main").inner_text())

        dept, ducha, station, office = sign_in("dept"), sign_in("ducha"), sign_in("rulin"), sign_in("office")

        # 1. 测试大队 uploads: one row rejected, nothing stored; cancelled, fixed, uploaded again, confirmed
        header = ["编号", "单位", "日期", "类型", "说明"]
        name = "测试大队_2015年4月.csv"
        body = upload(dept, write_csv(files / name, header, [*EVENTS[:2], BAD_ROW]))
        assert "可导入 2 行,拒绝 1 行" in body and "新增 2 条,更正 0 条,不变 0 条" in body
        cells = dept.locator("main table").nth(1).locator("tbody tr td").all_inner_texts()
        assert cells[1:3] == ["4", "类型"] and "迟到、表扬、否决" in cells[3]  # row 4 of the file (the header is row 1)
        shot(dept, "month-01-handin-rejected.png")
        with Store(bureau.database) as store:
            assert store.count("records") == 0
        with dept.expect_navigation():
            dept.click("button:has-text('取消(删除上传的文件)')")
        body = upload(dept, write_csv(files / name, header, EVENTS))
        assert "可导入 3 行,拒绝 0 行" in body
        with dept.expect_navigation():
            dept.click("button:has-text('确认导入')")
        assert "新增 3 条,更正 0 条,不变 0 条,拒绝 0 行" in dept.locator("main").inner_text()
        shot(dept, "month-02-handin-confirmed.png")

        # 督察支队 uploads its file at once
        upload(ducha, write_csv(files / "督察通报_2015年4月.csv", ["编号", "单位", "日期", "说明"], CHECKS))
        with ducha.expect_navigation():
            ducha.click("button:has-text('确认导入')")
        assert "新增 2 条,更正 0 条,不变 0 条,拒绝 0 行" in ducha.locator("main").inner_text()

        # 2. the station self-reports a 表扬; 测试大队 returns it; the station corrects it; 测试大队 accepts it
        station.click("header a[href='/reports']")
        station.click("main a[href='/reports/new']")
        station.select_option("select[name=item]", "testdept.praise")
        station.click("form.appeal button[type=submit]")
        station.fill("input[name=date]", "2015-04-10")
        station.fill("textarea[name=what]", "协助市局破获盗窃案,受市局通报表扬")
        station.select_option("select[name=type]", "表扬")
        station.set_input_files("input[name=evidence]", str(praise))
        shot(station, "month-03-selfreport-new.png")
        station.click("form.appeal button[type=submit]")
        assert "/reports/" in station.url and "待审核" in station.locator("main").inner_text()
        first = station.url

        dept.click("header a[href='/reports']")
        assert "待审核 1 份" in dept.locator("main").inner_text()
        dept.locator("main table a").first.click()
        dept.check("input[name=outcome][value=退回]")
        dept.fill("form.appeal textarea[name=reason]", "请写明表扬通报的文号")
        dept.click("form.appeal button[type=submit]")
        assert "退回" in dept.locator("p.decision").inner_text()

        station.goto(first)
        assert "请写明表扬通报的文号" in station.locator("main").inner_text()
        shot(station, "month-04-selfreport-returned.png")
        station.click("main a[href^='/reports/new?corrects=']")
        assert station.input_value("input[name=date]") == "2015-04-10"
        station.fill("textarea[name=what]", "协助市局破获盗窃案,受市局通报表扬(金公通〔2015〕12号)")
        station.set_input_files("input[name=evidence]", str(praise))
        station.click("form.appeal button[type=submit]")
        assert "更正" in station.locator("main").inner_text()

        dept.goto(station.url)
        dept.check("input[name=outcome][value=采纳]")
        dept.click("form.appeal button[type=submit]")
        assert "采纳" in dept.locator("p.decision").inner_text()
        shot(dept, "month-05-selfreport-accepted.png")

        # 3. 测试大队 signs off; 督察支队 has not: the office's page says so, and whom to chase. (Nothing is
        # scored yet, so the department's page has no period to show: the sign-off page is opened by its
        # address, as docs/site.md says.)
        dept.goto(base + "/signoff/2015-04")
        dept.fill("textarea[name=note]", "已逐条核对")
        dept.click("main button:text('签收本期数据')")
        assert "已签收" in dept.locator("main table tbody tr").first.inner_text()
        shot(dept, "month-06-signoff.png")

        office.goto(base + "/publish/2015-04")
        text = office.locator("main").inner_text()
        assert "督察支队 2015-04 数据未经部门签收" in text and "测试大队 2015-04" not in text
        chase = office.locator("main table").nth(1).inner_text()
        assert "督察支队" in chase and "督察支队内勤(ducha)" in chase and "测试大队" not in chase
        shot(office, "month-07-publish-not-signed.png")
        office.click("main button:text('发布第1版')")  # refused under require_signoff: nothing published
        refused = office.locator("p.error").inner_text()
        assert "督察支队" in refused and "未经部门签收" in refused, refused
        with Store(bureau.database) as store:
            assert store.editions("2015-04") == []
        assert [p for p in problems if "409 (Conflict)" not in p] == [] and len(problems) == 1  # the refusal's status
        problems.clear()

        ducha.goto(base + "/signoff/2015-04")
        ducha.click("main button:text('签收本期数据')")
        assert "已签收" in ducha.locator("main table tbody tr").first.inner_text()

        # 4. the office publishes edition 1
        office.goto(base + "/publish/2015-04")
        text = office.locator("main").inner_text()
        assert "没有妨碍发布的缺失" in text and "各部门均已报送并签收" in text
        # 测试大队's records: its three rows and the accepted self-report; 督察支队's two
        assert [r.split("\t")[3] for r in office.locator("main table").first.locator("tbody tr").all_inner_texts()] == ["4", "2"]
        office.fill("textarea[name=reason]", "按期公布")
        office.click("main button:text('发布第1版')")
        assert office.url == base + "/publish/2015-04?done=1"
        assert "已发布第1版" in office.locator("main").inner_text()
        shot(office, "month-08-published.png")

        # 5. the station sees its total and appeals A02 (−1) from the item's lines, with a PDF
        station.goto(base + "/unit/2015-04/rulin")
        assert TOTAL_1 in station.locator("main").inner_text()
        assert "现可申请复查" in station.locator("main").inner_text()
        station.locator("details.category > summary", has_text="基础工作建设").click()
        station.locator("details.item > summary", has_text="接警后未按时到场").click()
        link = station.locator("a.appeal[href*='testdept.event%3AA02'], a.appeal[href*='testdept.event:A02']")
        link.wait_for()
        shot(station, "month-09-unit-total.png")
        link.click()
        station.fill("textarea[name=reason]", "当日接警系统故障,到场时间记录有误")
        station.set_input_files("input[name=evidence]", str(evidence))
        station.click("form.appeal button[type=submit]")
        assert "/appeals/" in station.url and "待决定" in station.locator("main").inner_text()
        assert station.locator("a", has_text="到场记录.pdf").count() == 1
        shot(station, "month-10-appeal-filed.png")

        # 6. 测试大队 changes the points to 0
        dept.click("header a[href='/appeals']")
        assert "待决定 1 件" in dept.locator("main").inner_text()
        dept.locator("main table a").first.click()
        dept.check("input[name=outcome][value=改分]")
        dept.fill("input[name=points]", "0")
        dept.fill("form.appeal textarea[name=reason]", "经核查接警系统日志,该次按时到场")
        shot(dept, "month-11-appeal-decide.png")
        dept.click("form.appeal button[type=submit]")
        assert "改为 0" in dept.locator("p.decision").inner_text()

        # 7. the office publishes edition 2; the station sees the decision and its new total
        office.goto(base + "/publish/2015-04")
        office.fill("textarea[name=reason]", "复查改分")
        office.click("main button:text('发布第2版')")
        assert office.url == base + "/publish/2015-04?done=2"

        station.goto(base + "/appeals")
        assert "改分(改为 0)" in station.locator("main table").inner_text()
        station.locator("main table a").first.click()
        assert "经核查接警系统日志,该次按时到场" in station.locator("main").inner_text()
        shot(station, "month-12-appeal-decided.png")
        station.goto(base + "/unit/2015-04/rulin")
        text = station.locator("main").inner_text()
        assert TOTAL_2 in text and "第2版" in text
        station.locator("details.category > summary", has_text="基础工作建设").click()
        late = station.locator("details.item > summary", has_text="接警后未按时到场")
        assert late.inner_text() == "接警后未按时到场 -1 测试大队"  # A01 −1, A02 now 0
        late.click()
        station.locator("a.appeal").first.wait_for()
        # A01 may still be appealed; A02, decided (改分), offers no second appeal
        assert station.locator("a.appeal[href*='A01']").count() == 1
        assert station.locator("a.appeal[href*='A02']").count() == 0
        shot(station, "month-13-unit-new-total.png")
    assert problems == []
