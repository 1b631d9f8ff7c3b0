"""The ranking page (issue 16, point 4 "Ranking"): per series total, rank, the change since the
previous period of the same kind (only when the account may see that period's ranking), flags, the
data status, links to the units the account may see; and what the site keeps between requests
(``web.base.memo``) seen to follow every change of the store: a new edition, a correction scored
again, an adjustment. The values are worked out by hand from report_bureau's records (its docstring
and the comments below)."""

from __future__ import annotations

import datetime as dt

import pytest
import report_bureau
from kaohe.core.decimals import D
from kaohe.core.periods import Period
from kaohe.office.jobs import score_period
from kaohe.office.publication import publish
from kaohe.store.store import Store
from site_support import make_site, running, signed_in


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    bureau, db = make_site(tmp_path_factory.mktemp("ranking"))  # 2015-02 published
    with running(bureau) as base:
        yield base, bureau, db


def _publish(bureau, db, label, day):
    with Store(db) as store:
        publish(store, bureau, report_bureau.registry(), Period.parse(label), published_on=day, actor="test", write=False)


def _units(ranking, series):
    return {u["unit"]: u for s in ranking["series"] if s["series"] == series for u in s["units"]}


def test_the_change_since_last_period_is_shown_only_when_that_period_may_be_seen(site):
    base, _, _ = site
    station = signed_in(base, "rulin")
    status, ranking = station.json("/ranking/2015-02.json")
    # 2015-01 is not published: a station sees no change (it would tell January's draft totals)
    assert status == 200 and ranking["previous"] is None
    assert {u["change"] for u in _units(ranking, "s1").values()} == {None}
    assert "上期(2015年1月)的排名尚未公布" in station.get("/ranking/2015-02")[2]
    # the office: nothing stored of 2014-Q4, so no change against it either
    assert signed_in(base, "office").json("/ranking/2015-Q1.json")[1]["previous"] is None
    # the office sees drafts: February against January. 一类所 in January: 模拟公式所 praised (+2 →
    # 队伍建设 42, the best: 40 + 60 = 100, 1st), 恶意所 nothing (40 ÷ 42 × 40 = 38.10, + 60 = 98.10,
    # 2nd), 金城 late once (38.10 + 59 = 97.10, 3rd). February: 金城 late twice, 模拟公式所 and
    # 恶意所 nothing (队伍建设's best 40): 金城 40 + 58 = 98.00, 2nd; 恶意所 vetoed: 0, 3rd.
    status, ranking = signed_in(base, "office").json("/ranking/2015-02.json")
    assert ranking["previous"] == {"period": "2015-01", "name": "2015年1月"}
    s1 = _units(ranking, "s1")
    assert s1["jincheng"]["total"] == "98.00" and s1["jincheng"]["change"] == {"total": "+0.90", "rank": 1}
    assert s1["evil"]["total"] == "0" and s1["evil"]["change"] == {"total": "-98.10", "rank": -1}
    assert s1["formula"]["change"] == {"total": "0", "rank": 0}
    assert s1["evil"]["flags"] == ["一票否决", "末位"] and s1["evil"]["veto"] == ["2月11日 发生民警违法违纪案件(一票否决)"]
    assert {u["link"] for u in s1.values()} == {True}


def test_a_published_ranking_with_change_flags_data_status_and_links(site):
    base, bureau, db = site
    _publish(bureau, db, "2015-03", dt.date(2015, 3, 25))
    _publish(bureau, db, "2015-04", dt.date(2015, 4, 25))
    station = signed_in(base, "rulin")
    status, ranking = station.json("/ranking/2015-04.json")
    assert status == 200 and ranking["published"] and ranking["previous"]["period"] == "2015-03"
    # 二类所, March: 薛埠 100 (its February praise carried over: 队伍建设 42, the best); 直溪
    # 40 ÷ 42 × 40 = 38.10 + 60 = 98.10; 儒林 38 ÷ 42 × 40 = 36.19 + 57 = 93.19. April (no praise:
    # 队伍建设's best 40): 薛埠 100; 直溪 late twice: 40 + 58 = 98.00; 儒林 criticised (−2) and
    # late once: 38 + 59 = 97.00 — last for the third month running, above the pass mark 95.
    s2 = _units(ranking, "s2")
    assert [(u, r["rank"], r["total"], r["change"]) for u, r in s2.items()] == [
        ("xuebu", 1, "100.00", {"total": "0", "rank": 0}),
        ("zhixi", 2, "98.00", {"total": "-0.10", "rank": 0}),
        ("rulin", 3, "97.00", {"total": "+3.81", "rank": 0}),
    ]
    assert s2["rulin"]["flags"] == ["末位", "连续3期排名末位"]
    # 一类所 in April: nobody has anything (100 each, all first); 恶意所 was vetoed in March (0, 3rd)
    assert _units(ranking, "s1")["evil"]["change"] == {"total": "+100.00", "rank": 2}
    # links: the station's own page only
    assert [u for s in ranking["series"] for u in s["units"] if u["link"]] == [s2["rulin"]]
    # the data status of April (2015-03-21 … 2015-04-20): 测试大队 sent E31–E33, 督察支队 C07
    assert ranking["data_status"]["periods"] == ["2015-04"]
    assert [(d["department"], d["periods"]["2015-04"]["state"], d["periods"]["2015-04"]["records"])
            for d in ranking["data_status"]["departments"]] == [("测试大队", "已报送", 3), ("督察支队", "已报送", 1)]
    # March: 测试大队 sent nothing and its February data is carried over
    march = station.json("/ranking/2015-03.json")[1]["data_status"]["departments"]
    assert march[0]["department"] == "测试大队" and march[0]["periods"]["2015-03"]["state"] == "沿用上期"
    status, _, html = station.get("/ranking/2015-04")
    assert status == 200 and "+3.81" in html and "-0.10" in html and "↑2" in html and "沿用上期" not in html
    assert "数据报送情况" in html and 'href="/unit/2015-04/rulin"' in html and html.count('href="/unit/') == 1


def test_a_new_edition_and_a_correction_are_seen_on_the_next_request(site):
    base, bureau, db = site
    reg = report_bureau.registry()
    station, office = signed_in(base, "xuebu"), signed_in(base, "office")
    assert station.json("/ranking/2015-Q1.json")[0] == 403  # not published (and now kept so)
    assert office.json("/ranking/2015-04.json")[1]["stale"] is None
    _publish(bureau, db, "2015-Q1", dt.date(2015, 4, 5))
    assert station.json("/ranking/2015-Q1.json")[0] == 200  # the new edition: seen at once
    # a correction: 直溪 gets −0.5 for April (an adjustment), not scored yet: the office is told the
    # stored results are out of date and still sees them; the station still sees the edition's
    assert _units(station.json("/ranking/2015-04.json")[1], "s2")["zhixi"]["total"] == "98.00"
    with Store(db) as store:
        store.add_adjustment("2015-04", "zhixi", D("-0.5"), "通报批评", "考核办", actor="office")
    ranking = office.json("/ranking/2015-04.json")[1]
    assert ranking["stale"] == "此后有调整" and _units(ranking, "s2")["zhixi"]["total"] == "98.00"
    with Store(db) as store:  # scored again (no audit entry: a new run): 98.00 − 0.5 = 97.50, still 2nd
        score_period(store, bureau, reg, Period.parse("2015-04"))
    ranking = office.json("/ranking/2015-04.json")[1]
    assert ranking["stale"] is None
    assert _units(ranking, "s2")["zhixi"]["link"] is True
    assert (_units(ranking, "s2")["zhixi"]["total"], _units(ranking, "s2")["zhixi"]["change"]) == ("97.50", {"total": "-0.60", "rank": 0})
    # the published edition is no longer what is stored: the station sees nothing until it is published again
    status, body = station.json("/ranking/2015-04.json")
    assert status == 403 and "尚未重新发布" in body["error"]
    assert station.json("/unit/2015-04/xuebu.json")[0] == 403
    _publish(bureau, db, "2015-04", dt.date(2015, 4, 28))
    status, ranking = station.json("/ranking/2015-04.json")
    assert status == 200 and _units(ranking, "s2")["zhixi"]["total"] == "97.50"


def test_each_thread_keeps_its_store_open_and_opens_it_again_when_it_must(tmp_path):
    import os
    import sqlite3

    from kaohe.web.base import Site

    bureau, db = make_site(tmp_path)
    site = Site("test.toml", bureau, report_bureau.registry())
    first = site.held_store()
    site.release(first)
    assert site.held_store() is first  # kept for the thread's next request
    first.close()  # a handler closed it: a new one
    second = site.held_store()
    assert second is not first and second.change_marker()[0] is not None
    second.db.execute("BEGIN")  # a request that left a transaction open: closed at its end
    site.release(second)
    with pytest.raises(sqlite3.ProgrammingError):
        second.db.execute("SELECT 1")
    third = site.held_store()
    site.release(third)
    # the database restored from an older copy (another file at the same path): read afresh
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(copy) as target:
        third.db.conn.backup(target)
    third.db.execute("INSERT INTO runs (period, time, config, items, units) VALUES ('2015-09', 'now', '', 0, 0)")
    marker = third.change_marker()
    third.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(copy, db)
    fourth = site.held_store()
    assert fourth is not third and fourth.change_marker() != marker
    third.close()
    fourth.close()


def test_a_value_asked_for_by_many_requests_at_once_is_made_once_and_kept_over_sign_ins(site):
    import threading
    import time

    from kaohe.web.base import memo

    _, _, db = site
    made: list[int] = []

    def make() -> int:
        made.append(1)
        time.sleep(0.2)  # long enough for every thread to ask meanwhile
        return len(made)

    def ask(out: list[int]) -> None:
        with Store(db) as store:
            out.append(memo(store, ("test-burst",), make))

    got: list[int] = []
    threads = [threading.Thread(target=ask, args=(got,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == [1] and got == [1] * 8
    with Store(db) as store:
        store.log("登录", actor="rulin")  # an account signed in: nothing the pages keep changed
        assert memo(store, ("test-burst",), make) == 1
        store.log("导入被拒绝", actor="test")  # any other entry of the audit trail: made again
        assert memo(store, ("test-burst",), make) == 2
        assert memo(store, ("test-burst",), make) == 2
