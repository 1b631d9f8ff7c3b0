"""What the browser tests share: Debian's chromium (never ``playwright install``, which needs the
internet), the flags it runs with, and the marks that skip a test, saying why, where it is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from site_support import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)"),
]


def watched(browser: Any, base: str, problems: list[str], width: int = 1100, height: int = 900) -> Any:
    """A new page of its own context whose console errors and warnings, script errors and requests
    outside ``base`` (the CSP's and the offline rule's breaches) are appended to ``problems``."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: problems.append("outside: " + r.url) if not r.url.startswith(base) else None)
    return page


def sign_in(browser: Any, base: str, account: str, problems: list[str], password: str = PASSWORD, height: int = 900) -> Any:
    """A watched page signed in through the sign-in form as ``account``."""
    page = watched(browser, base, problems, height=height)
    page.goto(base + "/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    return page
