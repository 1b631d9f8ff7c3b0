"""Attacks on the site (issue 16, point 3) beyond tests/test_site.py: what a department may read of a
draft, a cookie replayed after sign-out, parallel guesses against the lockout, the time a refusal
takes, a cross-site POST, URL tricks. One server for the module (uvicorn on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
import report_bureau
from kaohe.core.decimals import D
from kaohe.core.periods import Period
from kaohe.office.accounts import SignInRefused, add_users, disable_user, refusal, sign_in
from kaohe.office.jobs import score_period
from kaohe.office.publication import publish
from kaohe.store.store import Store
from site_support import ACCOUNTS, PASSWORD, Client, running, signed_in

REGISTRY = []


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    bureau, reg, db = report_bureau.make(tmp_path_factory.mktemp("attacks"))
    REGISTRY.append(reg)
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-02"), published_on=dt.date(2015, 2, 25), actor="test", write=False)
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in ACCOUNTS], "test")
        add_users(store, bureau, [
            ("guessed", "被猜者", "单位", "xuebu", PASSWORD), ("gone", "已停用者", "单位", "xuebu", PASSWORD),
        ], "test")
        disable_user(store, "gone", "test")
    with running(bureau) as base:
        yield base, bureau, db


def test_a_department_reads_no_category_total_of_a_draft(site):
    # 2015-03 is not published: 测试大队 sees its own items of 儒林, not the categories' scores,
    # which count 督察支队's items too (队伍建设 holds both departments' items)
    base, _, _ = site
    status, draft = signed_in(base, "dept").json("/unit/2015-03/rulin.json")
    assert status == 200 and draft["total"] is None
    leaked = [(c["name"], k) for c in draft["categories"] for k in ("score", "raw", "explanation") if c.get(k) not in (None, "")]
    assert leaked == []
    # once published the whole unit is public to it, category scores included
    status, published = signed_in(base, "dept").json("/unit/2015-02/rulin.json")
    assert status == 200 and all(c["score"] for c in published["categories"])


def test_a_department_opens_no_record_of_another_departments_item(site):
    base, _, _ = site
    office = signed_in(base, "office")
    tree = office.json("/unit/2015-03/rulin.json")[1]
    theirs = [ln["record"] for c in tree["categories"] for i in c["items"] if i["department"] == "督察支队" for ln in i["lines"] if ln["record"]]
    assert theirs  # 督察支队's criticism of 儒林 in March
    dept = signed_in(base, "dept")
    assert dept.json(f"/record/2015-03/rulin.json?key={theirs[0]}")[0] == 404
    assert office.json(f"/record/2015-03/rulin.json?key={theirs[0]}")[0] == 200


def test_a_cookie_copied_before_sign_out_is_dead_after_it(site):
    base, _, _ = site
    c = signed_in(base, "rulin")
    stolen = c.cookie()
    assert c.request("/logout", {"csrf": c.csrf("/periods")})[0] == 303
    replay = Client(base)
    status, _, _ = replay.request("/periods.json", headers={"Cookie": f"kaohe_session={stolen}", "Accept": "application/json"})
    assert status == 401


def test_parallel_guesses_do_not_get_past_the_lockout(site):
    base, bureau, db = site
    n = bureau.site.lockout_failures
    results: list[int] = []

    def guess() -> None:
        c = Client(base)
        results.append(c.login("guessed", "Wrong-Password-1"))

    threads = [threading.Thread(target=guess) for _ in range(3 * n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [401] * (3 * n)
    with Store(db) as store:
        why = [json.loads(e["detail"])["why"] for e in store.audit(action="登录失败", actor="guessed")]
    # exactly n passwords were tried; every guess after the n-th found the account locked
    assert why.count("密码错误") == n and why.count("已锁定") == 2 * n
    c = Client(base)
    status, _, body = c.request("/login", {"csrf": c.csrf(), "account": "guessed", "password": PASSWORD})
    assert status == 401 and "账号或密码不正确" in body and "已锁定" not in body
    # an account that does not exist is refused in the same words, after as many guesses
    for _ in range(n + 1):
        assert c.login("nobody-at-all", "Wrong-Password-1") == 401
    status, _, other = c.request("/login", {"csrf": c.csrf(), "account": "nobody-at-all", "password": PASSWORD})
    assert status == 401 and refusal(bureau.site) in other and refusal(bureau.site) in body


def test_a_disabled_account_is_refused_as_slowly_as_a_wrong_password(site):
    # the time of a refusal must not tell a disabled account from a wrong password: both check a hash
    _, bureau, db = site

    def took(account: str, password: str) -> float:
        best = 1e9
        for _ in range(3):
            start = time.perf_counter()
            with Store(db) as store, pytest.raises(SignInRefused):
                sign_in(store, bureau.site, account, password)
            best = min(best, time.perf_counter() - start)
        return best

    wrong = took("office", "Wrong-Password-1")
    disabled = took("gone", PASSWORD)
    assert disabled > wrong / 2, (disabled, wrong)
    with Store(db) as store:
        store.db.execute("UPDATE users SET failures = 0 WHERE account = 'office'")


def test_a_cross_site_post_is_refused_even_with_the_token(site):
    base, _, _ = site
    c = signed_in(base, "rulin")
    token = c.csrf("/periods")
    status, _, body = c.request("/logout", {"csrf": token}, headers={"Origin": "http://evil.example"})
    assert status == 403 and "其他网站" in body
    assert c.json("/periods.json")[0] == 200  # still signed in
    assert c.request("/logout", {"csrf": token}, headers={"Origin": base})[0] == 303


@pytest.mark.parametrize("path", [
    "/unit/2015-02/xuebu%2ejson", "/unit/2015-02/XUEBU.json", "/unit/2015-02/xuebu/", "/unit/2015-02/%2e%2e/xuebu.json",
    "/record/2015-02/xuebu.json?key=testdept.event:E14", "/unit/2015-3/rulin.json", "/ranking/2015-3.json",
    "/unit/2015-03/rulin.json", "/ranking/2015-03.json",
])
def test_a_station_reaches_no_other_unit_nor_a_draft_by_url_tricks(site, path):
    base, _, _ = site
    c = signed_in(base, "rulin")
    status, headers, body = c.get(path, Accept="application/json")
    assert status in (303, 307, 403, 404), (status, body[:200])
    assert "xuebu" not in body.replace("/xuebu", "") or status != 200
    if status == 307:  # the trailing slash: redirected to the same guarded page
        assert c.get(headers["location"].replace(base, ""), Accept="application/json")[0] == 403


def test_private_pages_are_not_cached_and_json_is_json(site):
    base, _, _ = site
    c = signed_in(base, "rulin")
    for path in ("/periods", "/unit/2015-02/rulin", "/unit/2015-02/rulin.json", "/ranking/2015-02.json"):
        status, headers, _ = c.get(path)
        assert status == 200 and headers["cache-control"] == "no-store", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"] and headers["referrer-policy"] == "same-origin"
        if path.endswith(".json"):
            assert headers["content-type"] == "application/json" and headers["x-content-type-options"] == "nosniff"


def test_an_account_differing_only_in_case_and_an_overlong_password_are_refused(site):
    _, bureau, db = site
    from kaohe.core.errors import KaoheError

    with Store(db) as store:
        with pytest.raises(KaoheError, match="账号 Rulin 已存在"):
            add_users(store, bureau, [("Rulin", "冒名者", "单位", "xuebu", PASSWORD)], "test")
        with pytest.raises(KaoheError, match="账号 ｒｕｌｉｎ 已存在"):
            add_users(store, bureau, [("ｒｕｌｉｎ", "冒名者", "单位", "xuebu", PASSWORD)], "test")
        with pytest.raises(KaoheError, match="密码太长:至多 1024 位"):
            add_users(store, bureau, [("longpw", "长密码", "领导", "", "Aa1-" * 257)], "test")
        assert store.user("Rulin") is None and store.user("longpw") is None


def test_results_scored_again_after_publication_are_a_draft_until_published_again(site):
    # the office adjusts 儒林's February (−30, published on 2015-02-25) and scores it again without
    # publishing: the station and the leaders keep seeing nothing new — the stored results are a
    # draft now —, the department sees its items but no total, the office sees the draft
    base, bureau, db = site
    reg = REGISTRY[0]
    station, leader, dept, office = (signed_in(base, a) for a in ("rulin", "leader", "dept", "office"))
    published = D(station.json("/unit/2015-02/rulin.json")[1]["total"])
    feb = Period.parse("2015-02")
    with Store(db) as store:
        store.add_adjustment("2015-02", "rulin", D("-30"), "通知单测试", "考核办", actor="office")
        score_period(store, bureau, reg, feb)
    for client, path in ((station, "/unit/2015-02/rulin.json"), (station, "/ranking/2015-02.json"), (leader, "/ranking/2015-02.json"),
                         (leader, "/unit/2015-02/rulin.json"), (station, "/record/2015-02/rulin.json?key=testdept.event:E11")):
        status, body = client.json(path)
        assert (status, body) == (403, {"error": "2015年2月的成绩已有更正,尚未重新发布;重新发布前暂不显示,请查看已发布的通报"}), path
    status, draft = dept.json("/unit/2015-02/rulin.json")
    assert status == 200 and draft["total"] is None and draft["adjustments"] == []
    status, draft = office.json("/unit/2015-02/rulin.json")
    assert status == 200 and D(draft["total"]) == published - 30 and draft["published"] is False
    # published again: the station sees the new total; scored once more with nothing changed, still
    with Store(db) as store:
        publish(store, bureau, reg, feb, published_on=dt.date(2015, 2, 27), actor="office", write=False)
    assert D(station.json("/unit/2015-02/rulin.json")[1]["total"]) == published - 30
    with Store(db) as store:
        score_period(store, bureau, reg, feb)
    assert D(leader.json("/unit/2015-02/rulin.json")[1]["total"]) == published - 30


def test_a_short_account_forbids_no_letter_and_gets_a_random_password(site):
    # "密码不能包含账号" is about a password that gives the account away: an account of one or two
    # signs would otherwise refuse every password holding that letter, random ones included
    _, bureau, db = site
    from kaohe.office.accounts import policy_problem

    assert policy_problem("Kaohe-Test-2015", "a", bureau.site) is None
    assert policy_problem("Kaohe-Test-2015", "kao", bureau.site) == "密码不能包含账号"
    with Store(db) as store:
        [(account, password)] = add_users(store, bureau, [("e", "短账号", "领导", "", None)], "test")
    assert account == "e" and policy_problem(password, "e", bureau.site) is None
