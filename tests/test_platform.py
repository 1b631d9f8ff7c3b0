"""Several bureaus on one site (issue 22, point 2): each bureau under its own host name with its own
accounts, sessions and data — every role of bureau 甲 refused on every kind of page and action of
bureau 乙 — and the province's read-only roll-up of the PUBLISHED editions, with its way into a
bureau's published pages (and nothing else). One platform for the module."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from contextlib import ExitStack, contextmanager
from decimal import Decimal

import pytest
import report_bureau
from kaohe.core.errors import KaoheError
from kaohe.core.periods import Period
from kaohe.office.accounts import add_users
from kaohe.office.jobs import score_period
from kaohe.office.platform import load_platform, published_summary
from kaohe.office.publication import publish
from kaohe.office.tokens import add_token
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store
from pg_support import BACKENDS, fresh_schema, pg_url  # noqa: F401 (fixture)
from platform_support import B_ACCOUNTS, B_PASSWORD, DOMAIN, P_PASSWORD, HostClient, make_platform, serving, signed
from site_support import ACCOUNTS, PASSWORD

A, B, P = f"alpha.{DOMAIN}", f"beta.{DOMAIN}", DOMAIN


@pytest.fixture(scope="module", params=BACKENDS)
def platform(request, tmp_path_factory):
    """The platform on each backend: every bureau's data and the platform's own accounts, sessions
    and tokens in SQLite files, or all of them on the PostgreSQL server (a schema each)."""
    tmp = tmp_path_factory.mktemp("platform")
    with ExitStack() as stack:
        urls = None
        if request.param == "postgresql":
            urls = {name: stack.enter_context(contextmanager(fresh_schema)()) for name in ("alpha", "beta", "platform")}
        p, bureaus, dbs = make_platform(tmp, urls)
        with serving(p, bureaus) as port:
            yield port, p, dbs


# Every kind of page and action of a bureau: (method, path). A GET of a page answers 303 to the
# sign-in page (JSON: 401) when nobody is signed in; a POST without this site's session is refused
# (403) before anything is read.
PAGES = [
    ("GET", "/periods"), ("GET", "/periods.json"), ("GET", "/ranking/2015-02"), ("GET", "/ranking/2015-02.json"),
    ("GET", "/unit/2015-02/rulin"), ("GET", "/unit/2015-02/rulin.json"), ("GET", "/record/2015-02/rulin"),
    ("GET", "/appeals"), ("GET", "/appeals.json"), ("GET", "/appeals/1/evidence/1"), ("GET", "/search?q=儒林"),
    ("GET", "/search.json?q=儒林"), ("GET", "/office"), ("GET", "/office.json"), ("GET", "/handin"), ("GET", "/handin.json"),
    ("GET", "/reports"), ("GET", "/reports/1/evidence/1"), ("GET", "/inbox"), ("GET", "/department/测试大队"),
    ("GET", "/signoff/2015-03"), ("GET", "/publish/2015-03"),
    ("POST", "/publish/2015-03"), ("POST", "/signoff/2015-03"), ("POST", "/handin/record/withdraw"),
    ("POST", "/reports/1/decide"), ("POST", "/logout"),
]


def _path(path: str) -> str:
    base, _, query = path.partition("?")
    return urllib.parse.quote(base) + ("?" + urllib.parse.quote(query, safe="=&") if query else "")


@pytest.mark.parametrize("account", [a for a, *_ in ACCOUNTS])
def test_every_role_of_one_bureau_is_refused_everywhere_on_another(platform, account):
    port, _, dbs = platform
    a = signed(port, A, account)
    cookie = a.cookie()
    assert a.json("/periods.json")[0] == 200  # signed in on its own bureau
    on_b = a.on(B)  # the same cookie jar offers 甲's cookie to 乙
    with Store(dbs["beta"], readonly=True) as store:
        trail = len(store.audit())
    for method, path in PAGES:
        if method == "GET":
            status, headers, body = on_b.get(_path(path))
            if ".json" in path:
                assert (status, body) == (401, '{"error":"未登录或登录已过期"}'), (account, path)
            else:
                assert status == 303 and headers["location"] == "/login", (account, path, status)
        else:
            status, _, _ = on_b.request(_path(path), {"csrf": "x", "period": "2015-03"}, {"Origin": f"http://{B}:{port}"})
            assert status == 403, (account, path, status)
    # the API of 乙 does not take a session (nor 甲's cookie) for a token
    assert on_b.get("/api/v1/results/2015-02")[0] == 401
    # 甲's account does not exist on 乙 (accounts are per bureau), nor on the province's site
    assert HostClient(port, B).login(account, PASSWORD) == 401
    assert HostClient(port, P).login(account, PASSWORD) == 401
    # nothing of 甲's session was taken by 乙: its audit trail has only the refused sign-in
    with Store(dbs["beta"], readonly=True) as store:
        new = store.audit()[trail:]
    assert [(e["action"], e["actor"]) for e in new] == [("登录失败", account)]
    assert a.cookie() == cookie or a.cookie() is not None


def test_cookies_are_for_their_own_host_name_and_signed_with_their_own_key(platform):
    port, _, _ = platform
    a = HostClient(port, A)
    _, headers, _ = a.get("/login")
    assert "domain=" not in headers["set-cookie"].lower()  # host-only: a browser never sends it to 乙 or the province
    b = signed(port, B, "b-office", B_PASSWORD)
    assert b.json("/periods.json")[0] == 200
    assert b.on(A).json("/periods.json")[0] == 401  # 乙's office is a stranger on 甲
    assert b.on(P).get("/rollup.json")[0] == 401  # and on the province's site


def test_an_unknown_host_name_is_refused(platform):
    port, _, _ = platform
    for host in ("127.0.0.1", f"gamma.{DOMAIN}", f"alpha.{DOMAIN}.evil.example"):
        status, headers, body = HostClient(port, host).get("/login")
        assert status == 404 and "此地址不是本平台的网站" in body and headers["content-security-policy"]


def test_the_province_reads_the_published_editions_only(platform):
    port, _, _ = platform
    p = signed(port, P, "sheng", P_PASSWORD)
    status, data = p.json("/rollup.json")
    assert status == 200
    # 2015-01, 2015-03 and 2015-04 are scored in both bureaus but not published: not in the roll-up
    assert data["periods"] == ["2015-02"] and data["period"] == "2015-02"
    assert [(b["key"], b["name"], b["published"], b["edition"], b["units"]) for b in data["bureaus"]] == [
        ("alpha", "甲市公安局", True, 1, 6), ("beta", "乙市公安局", True, 1, 6),
    ]
    assert data["bureaus"][1]["published_on"] == "2015-02-26"
    # 二类所 in February (each category: raw ÷ the group's best raw × weight): 儒林 队伍建设 40 − 2 = 38,
    # 38 ÷ 42 × 40 = 36.19, 基础工作建设 60 − 3 lates = 57 → 93.19; 薛埠 42 ÷ 42 × 40 + 60 = 100; 直溪
    # 40 ÷ 42 × 40 = 38.10 + 60 = 98.10. Average (93.19 + 100 + 98.10) / 3 = 97.0966… → 97.10
    s2 = next(s for s in data["bureaus"][0]["series"] if s["series"] == "s2")
    assert s2 == {"series": "s2", "name": "二类所", "units": 3, "average": "97.10", "highest": "100", "lowest": "93.19"}
    assert data["bureaus"][1]["series"] == data["bureaus"][0]["series"]  # the same data in 乙
    status, one = p.json("/rollup/2015-02/alpha.json")
    assert status == 200 and one["edition"] == 1
    rows = {u["unit"]: (u["series"], u["rank"], Decimal(u["total"])) for u in one["units"]}
    assert rows["xuebu"] == ("s2", 1, Decimal(100)) and rows["zhixi"] == ("s2", 2, Decimal("98.1")) and rows["rulin"] == ("s2", 3, Decimal("93.19"))
    assert p.json("/rollup/2015-03.json")[0] == 404  # a draft is not a period of the roll-up
    assert p.json("/rollup/2015-03/alpha.json")[0] == 404
    assert p.json("/rollup/2015-02/gamma.json")[0] == 404


def test_the_province_enters_a_bureau_read_only(platform):
    port, plat, dbs = platform
    p = signed(port, P, "sheng", P_PASSWORD)
    status, headers, _ = p.get("/enter/alpha?next=/ranking/2015-02")
    assert status == 303
    url = urllib.parse.urlsplit(headers["location"])
    assert (url.hostname, url.port, url.path) == (A, port, "/province/enter")
    query = urllib.parse.parse_qs(url.query)
    assert query["next"] == ["/ranking/2015-02"]
    # the pass is for 甲 only
    assert HostClient(port, B).get(f"{url.path}?{url.query}")[0] == 403
    a = HostClient(port, A)
    status, headers, _ = a.get(f"{url.path}?{url.query}")
    assert status == 303 and headers["location"] == "/ranking/2015-02"
    status, ranking = a.json("/ranking/2015-02.json")
    assert status == 200 and ranking["published"]
    assert a.json("/unit/2015-02/rulin.json")[0] == 200
    _, _, page = a.get("/ranking/2015-02")
    assert "省厅庚(省厅)" in page and 'href="/appeals"' not in page and 'href="/reports"' not in page
    # read only, and only what is published: drafts, data records, appeals, evidence, self-reports,
    # the dashboard, hand-in and the workflow are refused
    assert a.json("/ranking/2015-03.json")[0] == 403
    assert a.json("/appeals.json") == (200, {"appeals": [], "pending": 0, "role": "省厅", "deciding": False})  # each refused: none listed
    for path in ("/office.json", "/handin.json", "/reports.json", "/record/2015-02/rulin.json"):
        assert a.json(path)[0] in (403, 404), path
    for path in ("/appeals/1/evidence/1", "/signoff/2015-03", "/publish/2015-03"):
        assert a.get(path)[0] in (403, 404), path
    assert a.request("/publish/2015-03", {"csrf": a.csrf("/periods")})[0] == 403
    # signing out on 甲 ends this cookie only: 甲's own account named like the province's keeps its session
    config = {**report_bureau.CONFIG, "bureau": {**report_bureau.CONFIG["bureau"], "database": str(dbs["alpha"])}}
    with Store(dbs["alpha"]) as store:
        add_users(store, parse_bureau(config, report_bureau.registry(), "test.toml", plat.bureaus[0].config.parent), [("sheng", "甲局同名", "领导", "", PASSWORD)], "test")
    namesake = signed(port, A, "sheng")
    # the entry is in 甲's audit trail; its session is refused on 乙
    with Store(dbs["alpha"], readonly=True) as store:
        assert any(e["action"] == "登录" and e["actor"] == "省厅:sheng" for e in store.audit())
    b = HostClient(port, B)
    for cookie in a.jar:
        b.jar.set_cookie(cookie)
    assert b.json("/periods.json")[0] == 401
    assert a.json("/periods.json")[0] == 200
    assert a.request("/logout", {"csrf": a.csrf("/periods")})[0] == 303
    assert a.json("/periods.json")[0] == 401
    assert namesake.json("/periods.json")[0] == 200
    # a pass altered, or from another key, is refused
    assert a.get(ENTER_WITH("x" + query["t"][0][1:]))[0] == 403


def ENTER_WITH(token: str) -> str:
    return "/province/enter?" + urllib.parse.urlencode({"t": token})


def test_a_pass_leads_only_within_the_site(platform):
    port, _, _ = platform
    p = signed(port, P, "sheng", P_PASSWORD)
    _, headers, _ = p.get("/enter/alpha?next=//evil.example/x")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["location"]).query)
    assert query["next"] == ["/periods"]


def test_a_disabled_province_account_loses_its_bureau_session(platform, tmp_path):
    port, plat, _ = platform
    from kaohe.office.accounts import add_platform_users, disable_user

    with Store(plat.database) as store:
        add_platform_users(store, plat.site, [("sheng2", "省厅辛", "省厅", "", P_PASSWORD)], "test")
    p = signed(port, P, "sheng2", P_PASSWORD)
    _, headers, _ = p.get("/enter/beta")
    url = urllib.parse.urlsplit(headers["location"])
    b = HostClient(port, B)
    assert b.get(f"{url.path}?{url.query}")[0] == 303
    assert b.json("/periods.json")[0] == 200
    with Store(plat.database) as store:
        disable_user(store, "sheng2", "test")
    assert b.json("/periods.json")[0] == 401
    assert p.json("/rollup.json")[0] == 401


def test_a_bureau_account_cannot_read_the_roll_up(platform):
    port, _, _ = platform
    for account in ("office", "leader"):
        a = signed(port, A, account)
        assert a.on(P).json("/rollup.json")[0] == 401


def test_the_platform_file_is_checked_with_one_line_errors(tmp_path):
    (tmp_path / "a.toml").write_text("", encoding="utf-8")
    cases = [
        ("", "缺少 [platform] 表"),
        ('[platform]\nname = "平台"\ndomain = "Kaohe Test"\ndatabase = "p.sqlite"\n[[bureaus]]\nkey = "a"\nname = "甲"\nconfig = "a.toml"\n', "domain 应为域名"),
        ('[platform]\nname = "平台"\ndomain = "kaohe.test"\ndatabase = "p.sqlite"\n', "没有 [[bureaus]]"),
        ('[platform]\nname = "平台"\ndomain = "kaohe.test"\ndatabase = "p.sqlite"\n[[bureaus]]\nkey = "Jin Tan"\nname = "甲"\nconfig = "a.toml"\n',
         "[[bureaus]] 第1项 的 key 应为 1-32 个小写字母"),
        ('[platform]\nname = "平台"\ndomain = "kaohe.test"\ndatabase = "p.sqlite"\n[[bureaus]]\nkey = "a"\nname = "甲"\nconfig = "a.toml"\n'
         '[[bureaus]]\nkey = "a"\nname = "乙"\nconfig = "b.toml"\n', "第2项 的 key 'a' 与前面的局重复"),
        ('[platform]\nname = "平台"\ndomain = "kaohe.test"\ndatabase = "p.sqlite"\n[[bureaus]]\nkey = "b"\nname = "乙"\nconfig = "none.toml"\n',
         "找不到配置文件"),
    ]
    for text, expected in cases:
        path = tmp_path / "platform.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(KaoheError) as err:
            load_platform(path)
        message = str(err.value)
        assert expected in message and "\n" not in message and str(path) in message, message
    good = '[platform]\nname = "平台"\ndomain = "kaohe.test"\ndatabase = "p.sqlite"\nidle_minutes = 20\n[[bureaus]]\nkey = "a"\nname = "甲"\nconfig = "a.toml"\n'
    (tmp_path / "platform.toml").write_text(good, encoding="utf-8")
    p = load_platform(tmp_path / "platform.toml")
    assert (p.domain, p.site.idle_minutes, p.bureaus[0].host(p.domain), p.database) == ("kaohe.test", 20, "a.kaohe.test", str(tmp_path / "p.sqlite"))


def test_beta_accounts_are_its_own(platform):
    port, _, _ = platform
    assert [a for a, *_ in B_ACCOUNTS][0] == "b-office"
    assert HostClient(port, A).login("b-office", B_PASSWORD) == 401
    assert re.match(r"^b-", B_ACCOUNTS[-1][0])


def test_the_platform_commands(tmp_path):
    from inprocess import kaohe

    for key, name in (("jt", "金坛市公安局"), ("lz", "溧阳市公安局")):
        assert kaohe("init", key, "--name", name, cwd=tmp_path).returncode == 0
    (tmp_path / "platform.toml").write_text(
        '[platform]\nname = "测试省平台"\ndomain = "kaohe.test"\ndatabase = "platform.sqlite"\n'
        '[[bureaus]]\nkey = "jt"\nname = "金坛"\nconfig = "jt/kaohe.toml"\n[[bureaus]]\nkey = "lz"\nname = "溧阳"\nconfig = "lz/kaohe.toml"\n',
        encoding="utf-8",
    )
    r = kaohe("platform", "check", "--platform", "platform.toml", cwd=tmp_path)
    assert r.returncode == 0 and "jt.kaohe.test" in r.stdout and "lz.kaohe.test" in r.stdout, r.stderr
    r = kaohe("platform", "users-add", "sheng", "--name", "省厅甲", "--password-stdin", "--platform", "platform.toml", cwd=tmp_path, input=P_PASSWORD + "\n")
    assert r.returncode == 0 and "已新建省厅账号 sheng" in r.stdout, r.stderr
    r = kaohe("platform", "users-list", "--platform", "platform.toml", cwd=tmp_path)
    assert "sheng" in r.stdout and "省厅" in r.stdout
    # a bureau's own accounts cannot take the role
    r = kaohe("--config", "jt/kaohe.toml", "users", "add", "p1", "--name", "x", "--role", "省厅", cwd=tmp_path)
    assert r.returncode != 0 and "省厅" in r.stderr
    # a wrong platform file: one line, not zero
    (tmp_path / "bad.toml").write_text('[platform]\nname = "x"\ndomain = "kaohe.test"\ndatabase = "p.sqlite"\n', encoding="utf-8")
    r = kaohe("serve", "--platform", "bad.toml", cwd=tmp_path)
    assert r.returncode != 0 and r.stderr.strip().count("\n") == 0 and "没有 [[bureaus]]" in r.stderr, r.stderr


def test_an_api_token_of_one_bureau_is_refused_by_another(platform):
    port, plat, dbs = platform
    config = {**report_bureau.CONFIG, "bureau": {**report_bureau.CONFIG["bureau"], "database": str(dbs["alpha"])}}
    bureau = parse_bureau(config, report_bureau.registry(), "test.toml", plat.bureaus[0].config.parent)
    with Store(dbs["alpha"]) as store:
        _, secret = add_token(store, bureau, "测试大队", "test")
    auth = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    assert HostClient(port, A).get("/api/v1/results/2015-02", **auth)[0] == 200
    status, _, body = HostClient(port, B).get("/api/v1/results/2015-02", **auth)
    assert status == 401, body
    assert HostClient(port, P).get("/api/v1/results/2015-02", **auth)[0] == 404  # the province's site has no API


def test_the_roll_up_reads_what_was_published_even_after_a_draft(tmp_path):
    bureau, reg, db = report_bureau.make(tmp_path)
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-02"), published_on=dt.date(2015, 2, 25), actor="test", write=False)
        published = published_summary(store)["2015-02"]  # read from the stored results, still the edition's
        edition = store.edition("2015-02")
        assert edition is not None
        assert {u["unit"]: (u["total"], u["rank"]) for u in published["units"]} == {
            r["unit"]: (Decimal(r["total"]), r["rank"]) for r in edition["data"]["results"]
        }
        # 2015-02 scored again under other weights (队伍建设 50, 基础工作建设 50): a draft
        categories = [{**c, "weight": 50} for c in report_bureau.CONFIG["categories"]]
        config = {**report_bureau.CONFIG, "categories": categories, "bureau": {**report_bureau.CONFIG["bureau"], "database": "kaohe.sqlite"}}
        score_period(store, parse_bureau(config, reg, "test.toml", tmp_path), reg, Period.parse("2015-02"))
        # 儒林 in the draft: 38 ÷ 42 × 50 + 57 ÷ 60 × 50 = 45.24 + 47.5 = 92.74
        assert Decimal(next(r for r in store.scores("2015-02") if r["unit"] == "rulin")["total"]) == Decimal("92.74")
        again = published_summary(store)["2015-02"]
    assert again == published  # the roll-up still shows the edition: 93.19
    assert next(u for u in again["units"] if u["unit"] == "rulin")["total"] == Decimal("93.19")


def test_a_new_publication_is_in_the_roll_up_at_once(platform):
    """The roll-up is kept while the bureaus' editions are the same (the second request reads no
    summary again) and made again at the first request after any bureau publishes. Runs last of the
    platform's tests: it publishes 乙's March."""
    port, plat, dbs = platform
    p = signed(port, P, "sheng", P_PASSWORD)
    first = p.json("/rollup.json")[1]
    assert first["periods"] == ["2015-02"]
    assert p.json("/rollup.json")[1] == first  # kept
    config = {**report_bureau.CONFIG, "bureau": {**report_bureau.CONFIG["bureau"], "database": str(dbs["beta"])}}
    bureau = parse_bureau(config, report_bureau.registry(), "test.toml", plat.bureaus[1].config.parent)
    with Store(dbs["beta"]) as store:
        publish(store, bureau, report_bureau.registry(), Period.parse("2015-03"), published_on=dt.date(2015, 3, 27), actor="test", write=False)
        digest = store.edition("2015-03")["digest"]
    status, data = p.json("/rollup.json")  # the very next request
    assert status == 200 and data["periods"] == ["2015-02", "2015-03"] and data["period"] == "2015-03"
    assert [(b["key"], b["published"], b["edition"], b["published_on"], b["digest"]) for b in data["bureaus"]] == [
        ("alpha", False, None, None, None), ("beta", True, 1, "2015-03-27", digest),
    ]
    assert p.json("/rollup/2015-03/beta.json")[0] == 200 and p.json("/rollup/2015-03/alpha.json")[0] == 404


def test_the_platform_database_on_postgresql(tmp_path, monkeypatch, pg_url):  # noqa: F811 - the fixture
    """``database = "postgresql://…"`` in platform.toml: never with a password (one line naming the
    file and the key), the environment's KAOHE_PLATFORM_DATABASE_URL in its place when set; the
    province's accounts made there by the commands, and its session key beside platform.toml."""
    from inprocess import kaohe

    monkeypatch.delenv("KAOHE_PLATFORM_DATABASE_URL", raising=False)
    assert kaohe("init", "jt", "--name", "金坛市公安局", cwd=tmp_path).returncode == 0
    head = '[platform]\nname = "测试省平台"\ndomain = "kaohe.test"\ndatabase = "{}"\n[[bureaus]]\nkey = "jt"\nname = "金坛"\nconfig = "jt/kaohe.toml"\n'
    path = tmp_path / "platform.toml"
    path.write_text(head.format("postgresql://kaohe:secret@db.example/kaohe"), encoding="utf-8")
    with pytest.raises(KaoheError) as err:
        load_platform(path)
    message = str(err.value)
    assert "[platform] database" in message and str(path) in message and "PGPASSWORD" in message and "secret" not in message
    assert "\n" not in message
    # the URL from the environment (which may hold the password) replaces the file's
    path.write_text(head.format("postgresql://kaohe@db.example/kaohe"), encoding="utf-8")
    assert load_platform(path).database == "postgresql://kaohe@db.example/kaohe"
    monkeypatch.setenv("KAOHE_PLATFORM_DATABASE_URL", pg_url)
    p = load_platform(path)
    assert p.database == pg_url and p.key_file == str(tmp_path / "platform")
    r = kaohe("platform", "users-add", "sheng", "--name", "省厅甲", "--password-stdin", "--platform", "platform.toml", cwd=tmp_path, input=P_PASSWORD + "\n")
    assert r.returncode == 0 and "已新建省厅账号 sheng" in r.stdout, r.stderr
    with Store(pg_url) as store:  # on the server, not in a file
        assert [row[0] for row in store.db.execute("SELECT account FROM users").fetchall()] == ["sheng"]
    assert not list(tmp_path.glob("*.sqlite"))
    r = kaohe("platform", "check", "--platform", "platform.toml", cwd=tmp_path)
    assert r.returncode == 0 and "账号数据库 postgresql://" in r.stdout, r.stderr


def test_bureaus_sharing_a_database_are_refused(tmp_path, monkeypatch):
    """Two bureaus on one database, a bureau on the province's accounts' database, or the
    environment's KAOHE_DATABASE_URL (which would stand for every bureau's database) on a platform of
    two bureaus: refused in one line naming the platform file, before anything is served."""
    from kaohe.office.platform import check_apart
    from kaohe.office.platform import Platform, PlatformBureau

    (tmp_path / "a.toml").write_text("", encoding="utf-8")
    (tmp_path / "b.toml").write_text("", encoding="utf-8")
    two = ('[platform]\nname = "平台"\ndomain = "kaohe.test"\ndatabase = "p.sqlite"\n[[bureaus]]\nkey = "a"\nname = "甲"\nconfig = "a.toml"\n'
           '[[bureaus]]\nkey = "b"\nname = "乙"\nconfig = "b.toml"\n')
    path = tmp_path / "platform.toml"
    path.write_text(two, encoding="utf-8")
    assert [b.key for b in load_platform(path).bureaus] == ["a", "b"]
    monkeypatch.setenv("KAOHE_DATABASE_URL", "postgresql://kaohe@/shared")
    with pytest.raises(KaoheError) as err:
        load_platform(path)
    assert str(err.value).startswith(f"{path}:设置了环境变量 KAOHE_DATABASE_URL,平台上的 2 个局会共用") and "\n" not in str(err.value)
    monkeypatch.delenv("KAOHE_DATABASE_URL")

    platform = Platform("平台", "kaohe.test", str(tmp_path / "p.sqlite"),
                        (PlatformBureau("a", "甲", tmp_path / "a.toml"), PlatformBureau("b", "乙", tmp_path / "b.toml")), source=str(path))
    check_apart(platform, {"a": str(tmp_path / "a.sqlite"), "b": str(tmp_path / "b.sqlite")})  # apart: nothing said
    check_apart(platform, {"a": "postgresql://kaohe@/k?options=-csearch_path%3Da", "b": "postgresql://kaohe@/k?options=-csearch_path%3Db"})
    for databases, expected in (
        ({"a": str(tmp_path / "x.sqlite"), "b": str(tmp_path / "sub" / ".." / "x.sqlite")}, "局 b 的数据库"),
        ({"a": str(tmp_path / "p.sqlite"), "b": str(tmp_path / "b.sqlite")}, "局 a 的数据库"),
        ({"a": "postgresql://kaohe@/k", "b": "postgresql://kaohe@/k"}, "局 b 的数据库 postgresql://kaohe@/k 与局 a 的数据库相同"),
    ):
        with pytest.raises(KaoheError) as err:
            check_apart(platform, databases)
        assert str(err.value).startswith(f"{path}:") and expected in str(err.value) and "每个局须有自己的数据库" in str(err.value)
    with pytest.raises(KaoheError, match="与省厅账号"):
        check_apart(platform, {"a": str(tmp_path / "p.sqlite")})
