"""The office's analysis on the site (issue 20, point 1's site part): the same comparison and
diagnostics as ``kaohe compare`` / ``kaohe diagnose`` on test_analysis's three stations (worked by
hand there), for the office only, nothing stored but the audit entry; JSON and pages; a browser
test with screenshots ($KAOHE_SCREENSHOTS, else the test's folder)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import ARGS, CHROMIUM
from kaohe.office.accounts import add_users
from kaohe.plugins.discovery import load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store
from office_bureau import kaohe
from site_support import PASSWORD, Client, running, signed_in
from test_analysis import CONFIG, ROWS

ACCOUNTS = [("office", "考办甲", "考核办", ""), ("leader", "领导戊", "领导", ""), ("unit", "甲所", "单位", "a")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    d = tmp_path_factory.mktemp("site-analysis")
    (d / "kaohe.toml").write_text(CONFIG, encoding="utf-8")
    (d / "register.csv").write_text("编号,单位,日期,记录类型,数值,名称,说明\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    kaohe(d, "ingest", "register.csv")
    kaohe(d, "score", "2015-04", "-q")
    mp = pytest.MonkeyPatch()
    mp.setenv("KAOHE_LOAD_PLUGINS", "")  # the plugins the CLI loaded (office_bureau.env): the built-in ones only
    reg = load_registry()
    mp.undo()
    bureau = load_bureau(d / "kaohe.toml", reg)
    with Store(bureau.database) as store:
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in ACCOUNTS], "test")
    with running(bureau, reg) as base:
        yield base, d


def _results(d: Path) -> str:
    """The stored results and editions, as a digest: a comparison must leave them as they were."""
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        rows = [db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("period_results", "scores", "explanations", "editions")]
    finally:
        db.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _post(c: Client, path: str, fields: dict[str, str]) -> tuple[int, Any]:
    status, _, body = c.request(path, {"csrf": c.csrf("/office/analysis"), **fields}, {"Accept": "application/json"})
    return status, json.loads(body)


def test_the_office_compares_a_weight_change_as_the_cli_does(site: tuple[str, Path]) -> None:
    base, d = site
    before = _results(d)
    c = signed_in(base, "office")
    status, form = c.json("/office/analysis.json")
    assert status == 200 and form["periods"] == ["2015", "2015-04"]
    assert {x["id"]: x["weight"] for x in form["categories"]} == {"jichu": "100", "daji": "10", "qita": "10"}
    # 打击's weight 10 → 5: 甲 109 → 104, 乙 105 → 102.5, 丙 103: 乙 and 丙 swap (test_analysis, by hand)
    status, data = _post(c, "/office/analysis/compare", {"period": "2015-04", "weight.daji": "5", "weight.jichu": "100"})
    assert status == 200, data
    rows = {r["unit"]: r for r in data["series"][0]["units"]}
    assert [(rows[u]["proposedTotal"], rows[u]["proposedRank"]) for u in "abc"] == [("104", 1), ("102.5", 3), ("103", 2)]
    assert rows["b"]["award"] == "退出" and rows["c"]["award"] == "进入"
    assert rows["b"]["lines"] == {"entered": ["末位", "整改单位"], "left": []}
    assert data["series"][0]["spearman"] == "0.5000" and data["proposal"] == "categories.daji.weight=5"
    # an item off (接警后未按时到场): 甲 113, 乙 107, 丙 103
    status, data = _post(c, "/office/analysis/compare", {"period": "2015-04", "off.office.late": "1"})
    assert [r["proposedTotal"] for r in data["series"][0]["units"]] == ["113", "107", "103"]
    assert _results(d) == before  # nothing stored
    with Store(str(d / "kaohe.sqlite"), readonly=True) as store:
        runs = store.audit(action="方案分析")
    assert [(e["actor"], e["period"], e["subject"]) for e in runs][-2:] == [("office", "2015-04", "compare"), ("office", "2015-04", "compare")]
    assert json.loads(runs[-2]["detail"])["sets"] == ["categories.daji.weight=5"]


def test_a_pasted_proposal_and_the_diagnostics(site: tuple[str, Path]) -> None:
    base, _ = site
    c = signed_in(base, "office")
    pasted = CONFIG.replace('id = "daji"\nname = "打击"\nweight = 10', 'id = "daji"\nname = "打击"\nweight = 5')
    status, data = _post(c, "/office/analysis/compare", {"period": "2015-04", "toml": pasted})
    assert status == 200 and [r["proposedTotal"] for r in data["series"][0]["units"]] == ["104", "102.5", "103"]
    status, data = _post(c, "/office/analysis/diagnose", {"period": "2015-04"})
    assert status == 200 and data["scheme"] == "本局现行方案"
    cats = {x["category"]: x for x in data["series"][0]["categories"]}
    assert (cats["jichu"]["effective"], cats["daji"]["effective"], cats["qita"]["effective"]) == ("-0.6071", "1.6071", "0.0000")
    assert [r["item"] for r in data["dead"]] == ["office.never"] and [r["item"] for r in data["flat"]] == ["office.duty"]


def test_the_pages_show_the_tables_sentences_and_svg_charts(site: tuple[str, Path]) -> None:
    base, _ = site
    c = signed_in(base, "office")
    status, _, page = c.request("/office/analysis/compare", {"csrf": c.csrf("/office/analysis"), "period": "2015-04", "weight.daji": "5"})
    assert status == 200 and "方案对比" in page and "乙派出所" in page and "102.5" in page and "<svg" in page
    assert "Spearman 0.5000" in page and "<script>" not in page and "style=" not in page
    status, _, page = c.request("/office/analysis/diagnose", {"csrf": c.csrf("/office/analysis"), "period": "2015-04"})
    assert status == 200 and "实际权重" in page and "值班" in page and "<rect" in page


@pytest.mark.parametrize(
    "fields, said",
    [
        ({"period": "2015-04", "weight.daji": "abc"}, "打击的权重应为数字"),
        ({"period": "2015-04", "sets": "categories.nosuch.weight=3"}, "categories.nosuch.weight"),
        ({"period": "2015-04"}, "请给出拟议方案"),
        ({"period": "2015-4x", "weight.daji": "5"}, "无法识别的考核周期"),
        ({"period": "2015-04", "toml": "[bureau\nname = 1"}, "TOML 语法错误"),
    ],
)
def test_a_wrong_proposal_is_one_line_on_the_form(site: tuple[str, Path], fields: dict[str, str], said: str) -> None:
    base, _ = site
    c = signed_in(base, "office")
    status, data = _post(c, "/office/analysis/compare", fields)
    assert status == 400 and said in data["error"] and "\n" not in data["error"]
    status, _, page = c.request("/office/analysis/compare", {"csrf": c.csrf("/office/analysis"), **fields})
    assert status == 400 and said in page and 'role="alert"' in page


@pytest.mark.parametrize("account", ["leader", "unit"])
def test_only_the_office_may_analyse(site: tuple[str, Path], account: str) -> None:
    base, _ = site
    c = signed_in(base, account)
    status, data = c.json("/office/analysis.json")
    assert status == 403 and "仅考核办" in data["error"]
    status, _, body = c.request("/office/analysis/compare", {"csrf": c.csrf("/periods"), "period": "2015-04", "weight.daji": "5"}, {"Accept": "application/json"})
    assert status == 403 and "仅考核办" in json.loads(body)["error"]
    anonymous = Client(base)
    assert anonymous.get("/office/analysis")[0] == 303
    status, _, _ = anonymous.request("/office/analysis/compare", {"csrf": anonymous.csrf(), "period": "2015-04"})
    assert status == 303  # not signed in: sent to the sign-in page, nothing run


def test_a_post_without_the_csrf_token_is_refused(site: tuple[str, Path]) -> None:
    base, _ = site
    c = signed_in(base, "office")
    status, _, _ = c.request("/office/analysis/compare", {"period": "2015-04", "weight.daji": "5"})
    assert status == 403


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")
def test_the_office_runs_a_comparison_in_the_browser(site: tuple[str, Path], browser: Any) -> None:
    base, d = site
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or d / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base + "/login")
    page.fill("input[name=account]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("header a[href='/office/analysis']")
    assert page.locator("h1").inner_text() == "方案分析"
    page.screenshot(path=str(shots / "site-analysis-form.png"), full_page=True)
    page.fill("input[name='weight.daji']", "5")
    page.click("button:has-text('对比现行方案与拟议方案')")
    assert page.locator("h1").inner_text().startswith("方案对比")
    row = page.locator("table.analysis tbody tr", has_text="乙派出所")
    assert "102.5" in row.inner_text() and "退出" in row.inner_text()
    assert page.locator("figure.chart svg rect").count() == 6  # 3 units × (现行, 拟议)
    page.screenshot(path=str(shots / "site-analysis-compare.png"), full_page=True)
    page.goto(base + "/office/analysis")
    page.click("button:has-text('诊断')")
    assert page.locator("h1").inner_text().startswith("方案诊断")
    assert page.locator("h2", has_text="实际权重").count() == 1
    page.screenshot(path=str(shots / "site-analysis-diagnose.png"), full_page=True)
    assert problems == []
    page.close()
