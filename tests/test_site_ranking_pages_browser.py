"""The ranking in pages in a real headless Chromium (issue 16, point 5): a station lands on the page
holding its own row, goes to another series' page by the links, finds a unit by its name and lands on
its row; no console error or CSP violation; screenshots at a desktop's and a phone's width
(``$KAOHE_SCREENSHOTS`` when set, else the test's tmp dir). report_bureau's 2015-02 at two rows a page
(the ranks: test_site_ranking_pages)."""

from __future__ import annotations

import os
from pathlib import Path

import attrs
from browser_support import ARGS, CHROMIUM, MARKS
from site_support import PASSWORD, make_site, running

pytestmark = MARKS


def test_a_station_pages_through_the_ranking_and_finds_a_unit(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    bureau, _ = make_site(tmp_path)
    paged = attrs.evolve(bureau, office=attrs.evolve(bureau.office, site=attrs.evolve(bureau.site, ranking_rows=2)))
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with running(paged) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(base + "/login")
        page.fill("input[name=account]", "rulin")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        page.goto(base + "/ranking/2015-02")  # 儒林, 3rd of 二类所: the series' second page
        rows = page.locator("table.ranking tbody tr")
        expect(rows).to_have_count(1)
        assert rows.first.get_attribute("id") == "u-rulin" and rows.first.locator("a").inner_text() == "儒林派出所"
        assert page.locator("nav.pages strong[aria-current=page]").inner_text() == "3–3"
        assert page.locator("nav.pages div").nth(1).inner_text().startswith("二类所")
        assert "本单位:儒林派出所,第3名(见二类所第 2 页)" in page.locator("p.own").inner_text()
        page.screenshot(path=str(shots / "ranking-pages-station.png"), full_page=True)

        page.click("a[rel=prev]")  # 二类所 1–2: 薛埠, 直溪, neither a link for this station
        expect(rows).to_have_count(2)
        assert [r.get_attribute("id") for r in rows.all()] == ["u-xuebu", "u-zhixi"] and page.locator("table.ranking a").count() == 0
        page.click("nav.pages a:text('1–2') >> nth=0")  # 一类所's first page
        assert page.url == base + "/ranking/2015-02?series=s1&page=1"
        assert [r.get_attribute("id") for r in rows.all()] == ["u-formula", "u-jincheng"]

        page.fill("form.search input[name=find]", "金城")  # one unit found: its page, its row shown
        page.click("form.search button")
        assert page.url == base + "/ranking/2015-02?series=s1&page=1#u-jincheng"
        assert page.locator("tr:target").get_attribute("id") == "u-jincheng"
        page.screenshot(path=str(shots / "ranking-pages-found.png"), full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        page.goto(base + "/ranking/2015-02")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
        page.screenshot(path=str(shots / "ranking-pages-phone.png"), full_page=True)
        page.emulate_media(media="print")
        assert not page.locator("nav.pages").is_visible() and not page.locator("form.search").is_visible()
        page.screenshot(path=str(shots / "ranking-pages-print.png"), full_page=True)
        browser.close()
    assert problems == []
