"""What awaits each account (issue 17, point 6), kaohe.office.inbox, on hand-worked dates.

The bureau is report_bureau's (cutoff_day 20: the month 2015-05 runs 2015-04-21 … 2015-05-20), with
``[publication] data_due_days = 8``: 2015-05's data is due by 2015-05-20 + 8 = 2015-05-28. 测试大队
sends nothing after April but carries its data over (沿用上期: not missing); 督察支队 sends nothing
after 2015-04-12 and does not carry over, so on 2015-05-21 its 2015-05 data is missing.

2015-02 is published on Thursday 2015-03-05; the appeal window is 2 working days (seed 000 l.382):
Friday 03-06 and Monday 03-09, so it closes on 2015-03-09. An appeal received on Friday 03-06 has
waited 1 working day on Monday 03-09, 2 on Tuesday 03-10 and 3 on Wednesday 03-11."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import report_bureau

from kaohe.core.periods import Period
from kaohe.office.accounts import Actor
from kaohe.office.appeals import decide_appeal, file_appeal
from kaohe.office.inbox import awaiting, due_period, working_days_between
from kaohe.office.publication import publish
from kaohe.scheme.bureau import Publication
from kaohe.store.actor import now
from kaohe.store.store import Store

DUCHA = Actor("ducha", "督察支队内勤", "部门", department="督察支队")
TEST = Actor("dept", "测试大队内勤", "部门", department="测试大队")
RULIN = Actor("rulin", "儒林所", "单位", unit="rulin")
OFFICE = Actor("office", "考办", "考核办")
LEADER = Actor("leader", "领导", "领导")


@pytest.fixture(scope="module")
def bureau_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Path]:
    bureau, reg, db = report_bureau.make(tmp_path_factory.mktemp("inbox"))
    bureau = attrs.evolve(bureau, office=attrs.evolve(bureau.office, publication=Publication(data_due_days=8)))
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-02"), published_on=dt.date(2015, 3, 5), actor="test", write=False)
    return bureau, reg, db


def texts(store: Store, bureau: Any, reg: Any, actor: Actor, day: dt.date) -> list[tuple[str, str, str]]:
    return [(a.kind, a.text, a.link) for a in awaiting(store, bureau, reg, actor, dt.date.fromisoformat(str(day)))]


def test_the_period_due_is_the_month_that_ended_last(bureau_db):
    bureau, _, _ = bureau_db
    assert due_period(bureau, dt.date(2015, 5, 20)) == (Period.parse("2015-04"), dt.date(2015, 4, 28))
    assert due_period(bureau, dt.date(2015, 5, 21)) == (Period.parse("2015-05"), dt.date(2015, 5, 28))
    assert working_days_between(bureau, dt.date(2015, 3, 6), dt.date(2015, 3, 11)) == 3


def test_a_department_on_the_21st_with_its_data_missing(bureau_db):
    bureau, reg, db = bureau_db
    with Store(db) as store:
        assert texts(store, bureau, reg, DUCHA, "2015-05-21") == [
            ("data", "2015年5月的数据尚未报送,应于 2015-05-28 前报送(本期确无数据的,请签收确认)", "/handin"),
        ]
        assert texts(store, bureau, reg, DUCHA, "2015-05-29")[0][1].startswith("2015年5月的数据尚未报送,已超过报送期限 2015-05-28")
        assert texts(store, bureau, reg, TEST, "2015-05-21") == []  # carried over from April
        # April is due on 2015-04-21: 督察支队 sent C07 (2015-04-12) and has not signed it off
        assert texts(store, bureau, reg, DUCHA, "2015-04-21") == [
            ("signoff", "2015年4月的数据(1条)尚未签收", "/signoff/2015-04"),
        ]
        # a database of past years asks nothing of today
        assert texts(store, bureau, reg, DUCHA, "2026-12-05") == []
        assert texts(store, bureau, reg, LEADER, "2015-05-21") == []


def test_the_office_on_the_21st(bureau_db):
    bureau, reg, db = bureau_db
    with Store(db) as store:
        assert texts(store, bureau, reg, OFFICE, "2015-05-21") == [
            ("missing", "2015年5月:督察支队 尚未报送数据(应于 2015-05-28 前报送)", "/office"),
            ("publish", "2015年3月的结果已计算、数据齐全,可以发布(kaohe publish 2015-03)", "/publish/2015-03"),
            ("publish", "2015年4月的结果已计算、数据齐全,可以发布(kaohe publish 2015-04)", "/publish/2015-04"),
        ]


def test_a_unit_on_the_last_day_of_its_window_then_a_decision_and_the_office_after_3_working_days(tmp_path):
    bureau, reg, db = report_bureau.make(tmp_path)
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-02"), published_on=dt.date(2015, 3, 5), actor="test", write=False)
        window = ("window", "2015年2月通报(第1版)对扣分有异议的,还可申请复查至 2015-03-09", "/unit/2015-02/rulin")
        assert texts(store, bureau, reg, RULIN, "2015-03-09") == [window]
        assert texts(store, bureau, reg, RULIN, "2015-03-10") == []
        assert texts(store, bureau, reg, RULIN, "2015-03-04") == []  # not published yet

        a = file_appeal(
            store, bureau, Period.parse("2015-02"), "rulin", "testdept.late", "当日系出警途中遇交通事故",
            record="testdept.event:E11", received=dt.date(2015, 3, 6), actor="rulin",
        )
        appeal = f"第{a['id']}号复查申请(儒林派出所,接警后未按时到场,2015-02)"
        assert texts(store, bureau, reg, TEST, "2015-03-10") == [("appeal", appeal + "待决定,已受理 2 个工作日", f"/appeals/{a['id']}")]
        assert texts(store, bureau, reg, DUCHA, "2015-03-10") == []  # not its item
        assert [k for k, _, _ in texts(store, bureau, reg, OFFICE, "2015-03-10")] == []  # 2 < 3 working days
        assert texts(store, bureau, reg, OFFICE, "2015-03-11")[0] == (
            "appeal", appeal + "待部门决定,已受理 3 个工作日(测试大队)", f"/appeals/{a['id']}",
        )

        decide_appeal(store, bureau, a["id"], "改分", "测试大队", "核实属实", points=Decimal("0"), actor="dept")
        decided = ("decision", f"第{a['id']}号复查申请(接警后未按时到场,2015-02)已有决定:改分", f"/appeals/{a['id']}")
        assert decided in texts(store, bureau, reg, RULIN, "2015-03-11")
        assert texts(store, bureau, reg, TEST, "2015-03-11") == []
        store.see_inbox("rulin", now())
        assert decided not in texts(store, bureau, reg, RULIN, "2015-03-11")
        assert store.inbox_seen("xuebu") is None
