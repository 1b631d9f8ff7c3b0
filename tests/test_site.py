"""The site (issue 16, points 1, 3, 4): pages and their JSON from the stored results under each
role's permissions, and the attacks — another unit's page by URL, a POST without the CSRF token, a
tampered or expired session cookie, a locked account, an XSS payload in imported text, a path
outside the site. One server for the module (uvicorn on 127.0.0.1, stopped at the end)."""

from __future__ import annotations

import copy
import json
import time

import pytest
import report_bureau
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from kaohe.core.decimals import D
from kaohe.store.store import Store
from kaohe.web.base import secret_key
from pg_support import module_database  # noqa: F401 (the fixture: each backend)
from site_support import Client, make_site, running, signed_in


@pytest.fixture(scope="module")
def site(tmp_path_factory, module_database):  # noqa: F811 - the fixture imported from pg_support
    bureau, db = make_site(tmp_path_factory.mktemp("site"), module_database)
    with running(bureau) as base:
        yield base, bureau, db


def test_sign_in_page_and_security_headers(site):
    base, _, _ = site
    c = Client(base)
    status, headers, body = c.get("/login")
    assert status == 200 and 'name="csrf"' in body
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie  # plain HTTP here
    assert "<script>" not in body.replace('<script src="/static/htmx.min.js" defer></script>', "")  # no inline script
    # every asset is the site's own
    status, headers, js = c.get("/static/htmx.min.js")
    assert status == 200 and 'version:"1.9.10"' in js and headers["content-security-policy"]
    # nothing without signing in
    assert c.get("/ranking/2015-02")[0] == 303
    assert c.json("/ranking/2015-02.json") == (401, {"error": "未登录或登录已过期"})


def test_station_sees_the_published_ranking_and_its_own_drill_down(site):
    base, _, _ = site
    c = signed_in(base, "rulin")
    status, ranking = c.json("/ranking/2015-02.json")
    assert status == 200 and ranking["published"]
    s2 = next(s for s in ranking["series"] if s["series"] == "s2")
    # 儒林: three lates (−3) and one criticism (−2) in February, the others none or a praise: last of
    # three in 二类所, and below its pass mark 95 (整改单位)
    rulin = next(u for u in s2["units"] if u["unit"] == "rulin")
    assert (rulin["rank"], rulin["flags"], rulin["link"]) == (3, ["末位", "整改单位"], True)
    assert [u["link"] for u in s2["units"] if u["unit"] != "rulin"] == [False, False]  # no link to another unit
    status, unit = c.json("/unit/2015-02/rulin.json")
    assert status == 200 and unit["total"] == rulin["total"] and unit["rank"] == 3
    items = {i["item"]: i for cat in unit["categories"] for i in cat["items"]}
    late = items["testdept.late"]
    assert late["points"] == "-3" and late["reference"] == "seed 000 l.548"
    assert [(ln["points"], ln["record"]) for ln in late["lines"]] == [
        ("-1", "testdept.event:E11"), ("-1", "testdept.event:E12"), ("-1", "testdept.event:E13"),
    ]
    assert [(ln["points"], ln["reason"]) for ln in items["testdept.criticised"]["lines"]] == [("-2", "2月12日 值班脱岗")]
    status, record = c.json("/record/2015-02/rulin.json?key=testdept.event:E11")
    assert status == 200 and record["record"]["date"] == "2015-02-05" and record["record"]["file"] == "测试大队.csv"
    assert record["lines"][0]["reason"] == "2月5日" and record["lines"][0]["title"] == "接警后未按时到场"
    # the same page as HTML, and JSON by the Accept header
    status, _, html = c.get("/unit/2015-02/rulin")
    assert status == 200 and "接警后未按时到场" in html and "seed 000 l.548" in html
    assert c.json("/unit/2015-02/rulin")[1] == unit


def test_another_units_page_json_or_record_is_refused(site):
    base, _, _ = site
    c = signed_in(base, "rulin")
    assert c.get("/unit/2015-02/xuebu")[0] == 403
    assert c.json("/unit/2015-02/xuebu.json")[0] == 403
    # a record of another unit, asked for under the station's own page: not among its lines
    assert c.json("/record/2015-02/rulin.json?key=testdept.event:E14")[0] == 404
    assert c.json("/record/2015-02/jincheng.json?key=testdept.event:E14")[0] == 403
    # before publication: nothing, not even its own page or the ranking
    assert c.json("/unit/2015-03/rulin.json")[0] == 403
    assert c.json("/ranking/2015-03.json")[0] == 403
    assert [p["period"] for p in c.json("/periods.json")[1]["periods"]] == ["2015-02"]


def test_each_role_sees_what_it_may(site):
    base, _, _ = site
    office = signed_in(base, "office")
    assert office.json("/ranking/2015-03.json")[0] == 200  # a draft
    assert [p["period"] for p in office.json("/periods.json")[1]["periods"]] == ["2015-01", "2015-02", "2015-03", "2015-04", "2015-Q1"]
    leader = signed_in(base, "leader")
    assert leader.json("/unit/2015-02/xuebu.json")[0] == 200
    assert leader.json("/ranking/2015-03.json")[0] == 403
    dept = signed_in(base, "dept")
    status, draft = dept.json("/unit/2015-03/rulin.json")  # before publication: its own items, no totals
    assert status == 200 and draft["total"] is None and draft["rank"] is None
    assert {i["department"] for c in draft["categories"] for i in c["items"]} == {"测试大队"}
    assert dept.json("/ranking/2015-03.json")[0] == 403


def test_post_without_or_with_a_wrong_csrf_token_is_refused(site):
    base, _, db = site
    c = Client(base)
    c.get("/login")
    status, _, body = c.request("/login", {"account": "rulin", "password": "Kaohe-Test-2015"})
    assert status == 403 and "校验码" in body
    status, _, _ = c.request("/login", {"csrf": "forged", "account": "rulin", "password": "Kaohe-Test-2015"})
    assert status == 403
    # a POST with no session at all (another site's form)
    assert Client(base).request("/login", {"csrf": "x", "account": "rulin", "password": "Kaohe-Test-2015"})[0] == 403
    # signed in: sign-out without the token is refused, with it the session ends
    c = signed_in(base, "rulin")
    assert c.request("/logout", {})[0] == 403
    assert c.json("/periods.json")[0] == 200
    token = c.csrf("/periods")
    assert c.request("/logout", {"csrf": token})[0] == 303
    assert c.json("/periods.json")[0] == 401
    with Store(db) as store:
        assert store.audit(action="退出登录", actor="rulin")


def test_tampered_or_expired_cookie_is_a_stranger(site):
    base, bureau, _ = site
    c = signed_in(base, "rulin")
    value = c.cookie()
    assert value
    # tampered: the payload says another account, the signature no longer matches
    forged = Client(base)
    payload = value.partition(".")[0]
    forged.jar.set_cookie(_cookie(c, value.replace(payload, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"))))
    assert forged.json("/periods.json")[0] == 401
    # signed with another key: refused
    other = URLSafeTimedSerializer("not-the-key", salt="kaohe-session").dumps({"a": "office", "s": 0, "c": "x"})
    forged = Client(base)
    forged.jar.set_cookie(_cookie(c, other))
    assert forged.json("/ranking/2015-03.json")[0] == 401
    # expired: signed with the right key more than [site] idle_minutes ago
    key = secret_key(bureau.beside_database)

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - bureau.site.idle_minutes * 60 - 5

    stale = URLSafeTimedSerializer(key, salt="kaohe-session", signer=Earlier).dumps({"a": "office", "s": 0, "c": "x"})
    forged = Client(base)
    forged.jar.set_cookie(_cookie(c, stale))
    assert forged.json("/ranking/2015-03.json")[0] == 401
    fresh = Client(base)
    fresh.jar.set_cookie(_cookie(c, URLSafeTimedSerializer(key, salt="kaohe-session").dumps({"a": "office", "s": 0, "c": "x"})))
    assert fresh.json("/ranking/2015-03.json")[0] == 200  # the same, signed now: the key is the one


def _cookie(c: Client, value: str):
    template = next(k for k in c.jar if k.name == "kaohe_session")
    cookie = copy.copy(template)
    cookie.value = value
    return cookie


def test_locked_account_is_refused_even_with_its_password(site):
    base, bureau, db = site
    c = Client(base)
    for _ in range(bureau.site.lockout_failures):
        assert c.login("xuebu", "Wrong-Password-1") == 401
    status, _, body = c.request("/login", {"csrf": c.csrf(), "account": "xuebu", "password": "Kaohe-Test-2015"})
    assert status == 401 and "账号或密码不正确" in body and "已锁定" not in body  # the same words as a wrong password
    with Store(db) as store:
        failures = store.audit(action="登录失败", actor="xuebu")
    assert len(failures) == bureau.site.lockout_failures + 1
    assert json.loads(failures[-1]["detail"])["why"] == "已锁定"  # only the trail says it was locked


def test_xss_payload_in_imported_text_is_inert(site):
    base, _, _ = site
    c = signed_in(base, "leader")
    status, _, html = c.get("/ranking/2015-02")
    assert status == 200
    assert report_bureau.EVIL_NAME not in html
    assert "&lt;script&gt;alert(&#34;unit&#34;)&lt;/script&gt;" in html and "<img src=x" not in html
    # the record lines: on the full page, in the fragment loaded on demand and on the item's own page
    for path, headers in [
        ("/unit/2015-02/evil?full=1", {}), ("/unit/2015-02/evil/item/testdept.late", {"HX-Request": "true"}),
        ("/unit/2015-02/evil/item/testdept.late", {}),
    ]:
        status, _, html = c.get(path, **headers)
        assert status == 200 and "<script>window.__xss" not in html and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "path",
    ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e/%2e%2e/store/store.py", "/unit/2015-02/..%2f..%2fetc%2fpasswd"],
)
def test_path_outside_the_site(site, path):
    base, _, _ = site
    c = signed_in(base, "office")
    status, _, body = c.get(path)
    assert status in (403, 404) and "import" not in body and "root:" not in body


def test_secure_cookie_and_hsts_over_https(site):
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1 here, as `kaohe serve --proxy 127.0.0.1` does
    # behind the bureau's HTTPS reverse proxy
    base, _, _ = site
    status, headers, _ = Client(base).get("/login", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "Secure" in headers["set-cookie"] and "HttpOnly" in headers["set-cookie"]
    assert headers["strict-transport-security"] == "max-age=31536000"


def test_a_database_that_cannot_be_opened_is_said_in_one_line(site, tmp_path):
    _, bureau, _ = site
    folder = tmp_path / "kaohe.sqlite"
    folder.mkdir()  # a folder where the database should be
    with running(bureau.evolve(database=str(folder))) as base:
        status, body = Client(base).json("/login")
    assert status == 503 and body["error"].startswith("暂时无法读取考核数据库(") and body["error"].endswith("请联系考核办")
    assert "\n" not in body["error"] and "Traceback" not in body["error"]


def test_the_office_is_told_when_the_stored_results_are_out_of_date(site):
    base, _, db = site
    office = signed_in(base, "office")
    assert office.json("/ranking/2015-04.json")[1]["stale"] is None
    with Store(db) as store:
        store.add_adjustment("2015-04", "zhixi", D("1"), "通报表扬", "考核办", actor="office")
    status, ranking = office.json("/ranking/2015-04.json")
    assert status == 200 and ranking["stale"] == "此后有调整"
    # the page shows what is stored (never scores): 直溪's total is unchanged by the adjustment
    before = next(u for s in ranking["series"] for u in s["units"] if u["unit"] == "zhixi")["total"]
    with Store(db) as store:
        assert next(r for r in store.scores("2015-04") if r["unit"] == "zhixi")["total"] == before
    assert "保存的结果已过时(此后有调整)" in office.get("/ranking/2015-04")[2]
    assert signed_in(base, "leader").json("/ranking/2015-02.json")[1]["stale"] is None  # said to the office only
