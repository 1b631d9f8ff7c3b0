"""Sign-off and publication online (issue 17, point 4): a department signs off its data on the site
and the office's dashboard shows it; the office's publication page says what is missing and whom
to chase, publishes through the same use case as ``kaohe publish`` (refused or warned per
``[publication] missing_data`` while a department has not signed off, ``require_signoff = true``),
a form sent twice makes one edition, a station then sees the edition; a published period is locked
(``lock = true``) until the office unlocks it with a reason.

The bureau is report_bureau's: in 2015-04 测试大队 sent 3 records (E31-E33) and 督察支队 1 (C07);
nobody has signed off, so with ``require_signoff`` both are "数据未经部门签收"."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import report_bureau
from kaohe.core.errors import KaoheError
from kaohe.office.accounts import add_users
from kaohe.office.ingest import ingest
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store
from pg_support import BACKENDS, backend
from site_support import ACCOUNTS, PASSWORD, running, signed_in

TODAY = dt.date.today().isoformat()


def make(tmp: Path, missing_data: str = "refuse", database: str = "kaohe.sqlite") -> tuple[Any, Any]:
    """report_bureau's bureau, 2015-01 … 2015-04 scored, nothing published, with ``require_signoff``
    and ``lock`` and ``missing_data`` as given; its configuration's folder is ``tmp``."""
    report_bureau.make(tmp, database)  # the records, ingested and scored, into tmp/kaohe.sqlite (or PostgreSQL's schema)
    reg = report_bureau.registry()
    config = {
        **report_bureau.CONFIG, "bureau": {**report_bureau.CONFIG["bureau"], "database": database},
        "publication": {"missing_data": missing_data, "require_signoff": True, "lock": True},
    }
    bureau = parse_bureau(config, reg, str(tmp / "kaohe.toml"), tmp)
    with Store(bureau.database) as store:
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in ACCOUNTS], "test")
    return bureau, reg


def csrf(body: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', body)
    assert m, body
    return m.group(1)


def edition_field(body: str) -> str:
    m = re.search(r'name="edition" value="(\d+)"', body)
    assert m, body
    return m.group(1)


@pytest.fixture(params=BACKENDS)
def bureau(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any, Path]]:
    with backend(request.param) as database:
        bureau, reg = make(tmp_path, database=database)
        yield bureau, reg, tmp_path


def test_sign_off_review_publish_once_and_lock(bureau: tuple[Any, Any, Path]) -> None:
    b, reg, tmp = bureau
    with running(b, reg) as base:
        office, dept, station = signed_in(base, "office"), signed_in(base, "dept"), signed_in(base, "rulin")

        # the office's review: both departments sent data, neither signed off
        status, review = office.json("/publish/2015-04.json")
        assert status == 200
        assert review["problems"] == ["测试大队 2015-04、督察支队 2015-04 数据未经部门签收"]
        assert [(c["department"], c["unsigned"], [a["account"] for a in c["accounts"]]) for c in review["chase"]] == [
            ("测试大队", ["2015-04"], ["dept"]), ("督察支队", ["2015-04"], []),
        ]
        assert review["editions"] == [] and review["lock"] is None
        status, body = office.json("/publish/2015-13.json")
        assert status == 404 and "期间 “2015-13” 不对" in body["error"]

        # publishing is refused while they have not signed off (missing_data = "refuse")
        _, _, page = office.get("/publish/2015-04")
        assert "发布第1版" in page and edition_field(page) == "0"
        status, _, body = office.request("/publish/2015-04", {"csrf": csrf(page), "edition": "0", "published_on": TODAY})
        assert status == 409 and "数据未经部门签收" in body

        # the department signs off online: its own department only
        _, _, page = dept.get("/signoff/2015-04")
        assert "签收本期数据" in page and "督察支队" not in page
        status, _, body = dept.request("/signoff/2015-04", {"csrf": csrf(page), "department": "督察支队"})
        assert status == 403 and "无权签收“督察支队”的数据" in body
        status, headers, _ = dept.request("/signoff/2015-04", {"csrf": csrf(page), "department": "测试大队", "note": "已核对"})
        assert status == 303 and headers["location"] == "/signoff/2015-04"
        _, page = dept.json("/signoff/2015-04.json")
        row = page["departments"][0]["rows"][0]
        assert row["signed_off"] is True and row["signed"]["actor"] == "dept"
        # no CSRF token: refused
        status, _, _ = dept.request("/signoff/2015-04", {"department": "测试大队"})
        assert status == 403
        # a station may not sign off
        status, _, _ = station.request("/signoff/2015-04", {"csrf": csrf(station.get("/periods")[2]), "department": "测试大队"})
        assert status == 403

        # the dashboard shows 测试大队's sign-off of 2015-04, not 督察支队's
        _, dash = office.json("/office.json")
        cells = {d["department"]: d["cells"][dash["periods"].index("2015-04")] for d in dash["data_status"]}
        assert cells["测试大队"]["signed_off"] is True and cells["测试大队"]["signed"]["actor"] == "dept"
        assert cells["督察支队"]["signed_off"] is False

        # still refused for 督察支队; the office signs for it, then publishes
        _, review = office.json("/publish/2015-04.json")
        assert review["problems"] == ["督察支队 2015-04 数据未经部门签收"]
        _, _, page = office.get("/signoff/2015-04")
        office.request("/signoff/2015-04", {"csrf": csrf(page), "department": "督察支队"})
        _, _, page = office.get("/publish/2015-04")
        form = {"csrf": csrf(page), "edition": edition_field(page), "published_on": TODAY, "reason": ""}
        status, headers, _ = office.request("/publish/2015-04", form)
        assert status == 303 and headers["location"] == "/publish/2015-04?done=1"
        # the same form again (a reload, a double click): refused, still one edition
        status, _, body = office.request("/publish/2015-04", form)
        assert status == 409 and "已发布到第1版" in body
        _, review = office.json("/publish/2015-04.json")
        assert [e["number"] for e in review["editions"]] == [1] and review["editions"][0]["actor"] == "office"
        assert review["lock"]["number"] == 1
        assert (tmp / "published" / "2015-04" / "第1版" / "index.html").is_file()

        # a station sees the edition
        status, ranking = station.json("/ranking/2015-04.json")
        assert status == 200 and ranking["period"] == "2015-04"

        # locked: an import of a 2015-04 record is refused with the one-line message
        extra = tmp / "督察补报.csv"
        extra.write_text("编号,单位,日期,说明\nC08,rulin,2015-04-13,补报\n", encoding="utf-8")
        with Store(b.database) as store, pytest.raises(KaoheError, match=r"^督察补报.csv 第2行:2015-04 已发布第1版,已锁定"):
            ingest(store, b, reg, extra, actor="test")
        # the office unlocks it with a reason (no reason: refused), then the import is taken
        status, _, body = office.request("/unlock/2015-04", {"csrf": csrf(page), "reason": " "})
        assert status == 400 and "解除锁定须写明理由" in body
        status, _, _ = office.request("/unlock/2015-04", {"csrf": csrf(page), "reason": "督察支队补报漏报记录"})
        assert status == 303
        _, review = office.json("/publish/2015-04.json")
        assert review["lock"] is None
        time.sleep(1.05)  # times are stored to the second: a sign-off and an import in one second count as signed
        with Store(b.database) as store:
            report = ingest(store, b, reg, extra, actor="test")
            assert report.stored and report.new == 1
            unlocked = [e for e in store.audit(action="解除锁定")]
        assert [(e["actor"], e["period"], e["subject"]) for e in unlocked] == [("office", "2015-04", "2015-04#1")]
        # the import came after 督察支队's sign-off: it no longer counts, the department is to be chased again
        _, review = office.json("/publish/2015-04.json")
        row = next(d for d in review["departments"] if d["department"] == "督察支队")["rows"][0]
        assert row["records"] == 2 and row["signed"]["actor"] == "office" and row["signed_off"] is False
        assert [c["department"] for c in review["chase"]] == ["督察支队"]
        _, _, page = office.get("/signoff/2015-04")
        assert "待重新签收" in page


def test_a_department_or_a_station_may_not_publish(bureau: tuple[Any, Any, Path]) -> None:
    b, reg, _ = bureau
    with running(b, reg) as base:
        for account in ("dept", "rulin", "leader"):
            c = signed_in(base, account)
            status, _ = c.json("/publish/2015-04.json")
            assert status == 403
            status, _, body = c.request("/publish/2015-04", {"csrf": csrf(c.get("/periods")[2]), "edition": "0"})
            assert status == 403 and "发布页面仅考核办可以查看" in body
            status, _, _ = c.request("/unlock/2015-04", {"csrf": csrf(c.get("/periods")[2]), "reason": "x"})
            assert status == 403


def test_publishing_is_only_warned_under_missing_data_warn(tmp_path: Path) -> None:
    b, reg = make(tmp_path, missing_data="warn")
    with running(b, reg) as base:
        office = signed_in(base, "office")
        _, _, page = office.get("/publish/2015-04")
        status, _, body = office.request(
            "/publish/2015-04", {"csrf": csrf(page), "edition": "0", "published_on": "2015-04-25", "reason": "按期公布"},
            headers={"Accept": "application/json"},
        )
        assert status == 200, body
        done = json.loads(body)
        assert done["number"] == 1 and done["published_on"] == "2015-04-25" and done["reason"] == "按期公布"
        assert done["warnings"] == ["测试大队 2015-04、督察支队 2015-04 数据未经部门签收"]
        # a bad date: one line, nothing published
        _, _, page = office.get("/publish/2015-04")
        status, _, body = office.request("/publish/2015-04", {"csrf": csrf(page), "edition": "1", "published_on": "2015-13-01"})
        assert status == 400 and "公布日期应为 YYYY-MM-DD" in body


def test_a_month_held_by_its_published_quarter_says_so(bureau: tuple[Any, Any, Path]) -> None:
    """2015-Q2 published locks April (seed 000 l.82: the quarter is made from its months): April's
    own page is not locked by an edition of its own, and says which longer period holds it."""
    b, reg, _ = bureau
    with running(b, reg) as base:
        office = signed_in(base, "office")
        _, _, page = office.get("/publish/2015-Q2")
        status, _, _ = office.request("/publish/2015-Q2", {
            "csrf": csrf(page), "edition": "0", "published_on": "2015-07-06", "allow_missing": "五、六月无数据,先行公布",
        })
        assert status == 303
        _, review = office.json("/publish/2015-04.json")
        assert review["lock"] is None
        assert [(h["period"], h["number"], h["name"]) for h in review["held"]] == [("2015-Q2", 1, "2015年第2季度")]
        _, _, html = office.get("/publish/2015-04")
        assert "本期间的数据另由2015年第2季度第1版锁定" in html and 'href="/publish/2015-Q2"' in html
        _, review = office.json("/publish/2015-03.json")  # March is not in Q2
        assert review["held"] == []
