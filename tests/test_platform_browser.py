"""The platform in a real headless Chromium (Debian's ``chromium``; its host-name rules send
``*.kaohe.test`` to 127.0.0.1): the province signs in, reads the roll-up of the published editions,
opens one bureau's units and enters its published ranking; a station of 甲 signed in on 甲 is a
stranger on 乙 (the browser does not even send 甲's cookie there); no request leaves the platform,
no console error or CSP violation. Screenshots of each page (``$KAOHE_SCREENSHOTS`` when set, else
the test's tmp dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARGS, CHROMIUM, MARKS
from platform_support import DOMAIN, P_PASSWORD, make_platform, serving
from site_support import PASSWORD

pytestmark = MARKS


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    tmp = tmp_path_factory.mktemp("platform-browser")
    p, bureaus, _ = make_platform(tmp)
    shots = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with serving(p, bureaus) as port:
        yield port, shots


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, f"--host-resolver-rules=MAP *.{DOMAIN} 127.0.0.1, MAP {DOMAIN} 127.0.0.1"])
        yield b
        b.close()


def _watch(page: Any, port: int) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    outside: list[str] = []
    # over plain HTTP a host name other than localhost is not a "trustworthy origin": Chromium warns
    # that it ignores the Cross-Origin-Opener-Policy header (the platform is served over HTTPS)
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") and "Cross-Origin-Opener-Policy" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if f".{DOMAIN}:{port}/" not in r.url and f"//{DOMAIN}:{port}/" not in r.url else None)
    return problems, outside


def test_the_province_reads_the_roll_up_and_enters_a_bureau(platform, browser):
    port, shots = platform
    home = f"http://{DOMAIN}:{port}"
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    problems, outside = _watch(page, port)
    page.goto(home + "/")
    assert page.url == home + "/login"
    page.screenshot(path=str(shots / "platform-login.png"), full_page=True)
    page.fill("input[name=account]", "sheng")
    page.fill("input[name=password]", P_PASSWORD)
    page.click("button[type=submit]")
    assert page.url == home + "/rollup"
    assert page.locator("h1").inner_text() == "2015年2月全省汇总"
    body = page.locator("table.rollup").inner_text()
    assert "甲市公安局" in body and "乙市公安局" in body and "97.10" in body and "93.19" in body
    page.screenshot(path=str(shots / "platform-rollup.png"), full_page=True)
    page.click("a[href='/rollup/2015-02/alpha']")
    assert page.url == home + "/rollup/2015-02/alpha"
    assert "儒林派出所" in page.locator("table.ranking").inner_text()
    page.screenshot(path=str(shots / "platform-bureau.png"), full_page=True)
    page.click("text=进入该局的已公布页面")
    assert page.url == f"http://alpha.{DOMAIN}:{port}/ranking/2015-02"
    assert page.locator("header .who").inner_text() == "省厅庚(省厅)"
    page.screenshot(path=str(shots / "platform-entered-ranking.png"), full_page=True)
    # 乙 has not been entered: its pages ask to sign in
    page.goto(f"http://beta.{DOMAIN}:{port}/ranking/2015-02")
    assert page.url == f"http://beta.{DOMAIN}:{port}/login"
    assert problems == [] and outside == []
    context.close()


def test_a_station_of_one_bureau_is_a_stranger_on_another(platform, browser):
    port, shots = platform
    alpha, beta = f"http://alpha.{DOMAIN}:{port}", f"http://beta.{DOMAIN}:{port}"
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    problems, outside = _watch(page, port)
    page.goto(alpha + "/login")
    page.fill("input[name=account]", "rulin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.url.startswith(alpha) and page.locator("header .who").inner_text() == "儒林所丙(单位)"
    assert [c["domain"] for c in context.cookies()] == [f"alpha.{DOMAIN}"]  # host-only: never sent to 乙
    page.goto(beta + "/unit/2015-02/rulin")
    assert page.url == beta + "/login"
    page.screenshot(path=str(shots / "platform-other-bureau-login.png"), full_page=True)
    page.fill("input[name=account]", "rulin")  # 甲's account and password are not 乙's
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert "账号或密码不正确" in page.locator("p.error").inner_text()
    page.goto(f"http://{DOMAIN}:{port}/rollup")  # nor the province's
    assert page.url == f"http://{DOMAIN}:{port}/login"
    assert problems == [e for e in problems if "401" in e] and outside == []
    context.close()
