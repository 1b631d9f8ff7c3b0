"""What awaits each account on the site (issue 17, point 6): /inbox (and .json), the count in every
page's header, the sign-in going to /inbox when something awaits, else /periods.

The bureau is test_site_appeals.make's: 2015-02 published today (its appeal window open: 2 working
days from today), 2015-01 on 2015-01-26 (shut); its months 2015-01 … 2015-04 stored, so the office
has 2015-03 and 2015-04 ready to publish. Today's period due (the month that ended last, in 2026)
has no record of any department: nothing is asked of the departments' data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from site_support import Client, running, signed_in
from test_site_appeals import make

from kaohe.core.periods import Period
from kaohe.office.appeals import decide_appeal, file_appeal
from kaohe.store.store import Store


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Path]]:
    bureau, reg, db = make(tmp_path_factory.mktemp("site-inbox"))
    with running(bureau, reg) as base:
        yield base, bureau, db


def count(c: Client, path: str = "/periods") -> int:
    """The header's count of what awaits (0 when none is shown)."""
    _, _, body = c.get(path)
    m = re.search(r'href="/inbox">待办(?: <span class="count">(\d+)</span>)?</a>', body)
    assert m, body
    return int(m.group(1) or 0)


def sign_in_to(base: str, account: str) -> str:
    c = Client(base)
    status, headers, _ = c.request("/login", {"csrf": c.csrf(), "account": account, "password": "Kaohe-Test-2015"})
    assert status == 303
    return headers["location"]


def test_the_inbox_of_each_role_and_the_count_on_every_page(site):
    base, bureau, db = site
    assert Client(base).json("/inbox.json")[0] == 401
    assert sign_in_to(base, "dept") == "/periods"  # nothing awaits it yet
    assert sign_in_to(base, "leader") == "/periods"
    assert sign_in_to(base, "rulin") == "/inbox"
    assert sign_in_to(base, "office") == "/inbox"

    rulin = signed_in(base, "rulin")
    deadline = bureau.work_calendar.deadline(dt.date.today(), 2).isoformat()
    status, data = rulin.json("/inbox.json")
    assert status == 200 and data["items"] == [{
        "kind": "window", "text": f"2015年2月通报(第1版)对扣分有异议的,还可申请复查至 {deadline}", "link": "/unit/2015-02/rulin", "age": None,
    }]
    assert count(rulin) == 1 and count(rulin, "/unit/2015-02/rulin") == 1 and count(rulin, "/appeals") == 1

    office = signed_in(base, "office")
    assert [(i["kind"], i["link"]) for i in office.json("/inbox.json")[1]["items"]] == [
        ("publish", "/publish/2015-03"), ("publish", "/publish/2015-04"),
    ]
    assert count(office, "/office") == 2
    _, _, body = office.get("/inbox")
    assert '<a href="/publish/2015-03">2015年3月的结果已计算、数据齐全,可以发布(kaohe publish 2015-03)</a>' in body

    leader = signed_in(base, "leader")
    assert leader.json("/inbox.json")[1]["items"] == [] and count(leader) == 0
    assert "目前没有待办事项" in leader.get("/inbox")[2]

    # an appeal: the department has it to decide, with its age (received today: 0 working days)
    with Store(db) as store:
        a = file_appeal(store, bureau, Period.parse("2015-02"), "rulin", "testdept.late", "系统故障", record="testdept.event:E11", actor="rulin")
    assert sign_in_to(base, "dept") == "/inbox"
    dept = signed_in(base, "dept")
    assert dept.json("/inbox.json")[1]["items"] == [{
        "kind": "appeal", "text": f"第{a['id']}号复查申请(儒林派出所,接警后未按时到场,2015-02)待决定,已受理 0 个工作日",
        "link": f"/appeals/{a['id']}", "age": 0,
    }]
    assert count(dept) == 1
    assert signed_in(base, "ducha").json("/inbox.json")[1]["items"] == []  # another department's item

    # decided: the unit sees the decision until it opens its inbox
    rulin.get("/inbox")
    with Store(db) as store:
        decide_appeal(store, bureau, a["id"], "维持", "测试大队", "记录属实", actor="dept")
    assert count(dept) == 0
    assert count(rulin) == 2
    _, _, body = rulin.get("/inbox")
    assert f"第{a['id']}号复查申请(接警后未按时到场,2015-02)已有决定:维持" in body
    assert re.search(r'href="/inbox">待办 <span class="count">1</span>', body)  # counted as seen on this page already
    assert count(rulin) == 1
    with Store(db) as store:
        assert store.inbox_seen("rulin") is not None and store.inbox_seen("xuebu") is None
