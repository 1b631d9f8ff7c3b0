"""The HTTP API for the bureau's other systems (issue 17 point 7): tokens issued to a department,
records pushed as JSON through the file intake's checks, results and editions read by token with the
site's permissions, the OpenAPI document, and docs/api.md's example client run against a live server.

The site is report_bureau's (site_support): 2015-02 published, the four months scored. The expected
figures are worked out by hand from the items' rules in report_bureau (每次扣1分 …)."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from kaohe.core.periods import Period
from kaohe.office.jobs import score_period
from kaohe.office.tokens import add_token, revoke_token
from kaohe.store.store import Store
from pg_support import module_database  # noqa: F401 (the fixture: each backend)
from site_support import make_site_with_registry, running, signed_in

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, module_database: str) -> Any:  # noqa: F811 - pg_support's fixture
    tmp = tmp_path_factory.mktemp("api")
    bureau, reg, db = make_site_with_registry(tmp, module_database)
    with Store(db) as store:
        tokens = {
            "dept": add_token(store, bureau, "测试大队", "office", name="测试大队系统")[1],
            "other": add_token(store, bureau, "督察支队", "office", name="督察系统")[1],
            "revoked": add_token(store, bureau, "测试大队", "office", name="旧系统")[1],
            "expired": add_token(
                store, bureau, "测试大队", "office", name="过期系统", expires=dt.date(2026, 1, 2), today=dt.date(2026, 1, 1)
            )[1],
        }
        revoke_token(store, "旧系统", "office")
    with running(bureau, reg) as base:
        yield {"base": base, "bureau": bureau, "registry": reg, "db": db, "tokens": tokens, "tmp": tmp}


def call(api: Any, method: str, path: str, body: Any = None, token: str | None = "dept", headers: dict[str, str] | None = None,
         raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    h = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        h["Authorization"] = f"Bearer {api['tokens'].get(token, token)}"
    req = urllib.request.Request(api["base"] + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def push(api: Any, rows: list[dict[str, Any]], token: str = "dept", adapter: str = "testdept.events", **more: Any) -> tuple[int, Any]:
    return call(api, "POST", "/api/v1/records", {"adapter": adapter, "rows": rows, **more}, token=token)


def stored(api: Any, *keys: str) -> int:
    with Store(api["db"]) as store:
        return len(list(store.stored_records(list(keys))))


def late(n: str, unit: str, date: str) -> dict[str, str]:
    return {"id": n, "unit": unit, "date": date, "type": "迟到"}


# --- pushing ---------------------------------------------------------------------------------------


def test_round_trip_push_score_read(api):
    # two late arrivals of 薛埠 in April (2015-03-21 … 2015-04-20), by key and by header
    status, out = push(api, [late("A01", "xuebu", "2015-04-08"), {"编号": "A02", "单位": "薛埠派出所", "日期": "2015-04-09", "类型": "迟到"}])
    assert status == 200, out
    assert (out["new"], out["changed"], out["unchanged"], out["rejected_total"], out["stored"]) == (2, 0, 0, 0, True)
    assert out["months"] == ["2015-04"]
    with Store(api["db"]) as store:
        score_period(store, api["bureau"], api["registry"], Period.parse("2015-04"))
        entry = store.audit(action="导入")[-1]
        used = {t["name"]: t["last_used"] for t in store.tokens()}
    assert used["测试大队系统"] is not None and used["旧系统"] is None  # a refused token is not "used"
    assert entry["actor"] == "api:测试大队系统" and entry["department"] == "测试大队"
    status, unit = call(api, "GET", "/api/v1/results/2015-04/xuebu")
    assert status == 200, unit
    items = {i["item"]: i for c in unit["categories"] for i in c["items"]}
    # 接警后未按时到场: 每次扣1分, two late arrivals → -2; in a draft, the department's own items only, no total
    assert Decimal(items["testdept.late"]["points"]) == Decimal(-2)
    assert {i["department"] for i in items.values()} == {"测试大队"}
    assert unit["total"] is None and unit["published"] is False
    # a draft's ranking is not the department's to read, by token as on the site
    assert call(api, "GET", "/api/v1/results/2015-04")[0] == 403


def test_published_ranking_is_what_the_site_shows_the_department(api):
    status, ranking = call(api, "GET", "/api/v1/results/2015-02")
    assert status == 200
    s1 = {u["unit"]: u for s in ranking["series"] if s["series"] == "s1" for u in s["units"]}
    # 金城 in February: two late arrivals (E14, E15) → 基础工作 60 - 2 = 58, the top of 一类所 is 60 (formula),
    # so 58 / 60 × 60 = 58; 队伍建设 40 / 40 × 40 = 40; total 98, second behind formula's 100
    assert Decimal(s1["jincheng"]["total"]) == Decimal(98) and s1["jincheng"]["rank"] == 2
    site = signed_in(api["base"], "dept")
    assert site.json("/ranking/2015-02") == (200, ranking)
    status, editions = call(api, "GET", "/api/v1/editions/2015-02")
    assert status == 200 and [e["number"] for e in editions["editions"]] == [1] and editions["current"] is True
    assert editions["editions"][0]["published_on"] == "2015-02-25" and len(editions["editions"][0]["digest"]) == 64
    assert call(api, "GET", "/api/v1/editions/2015-04")[0] == 404


def test_sending_the_same_rows_twice_adds_nothing(api):
    rows = [late("B01", "rulin", "2015-04-10"), late("B02", "zhixi", "2015-04-10")]
    assert push(api, rows)[1]["new"] == 2
    status, again = push(api, rows)
    assert status == 200 and (again["new"], again["changed"], again["unchanged"]) == (0, 0, 2)
    assert stored(api, "testdept.event:B01", "testdept.event:B02") == 2
    # a row changed under the same key is a correction, not a second record
    status, fixed = push(api, [{**rows[0], "note": "补充说明"}])
    assert (fixed["new"], fixed["changed"], fixed["corrected"]) == (0, 1, ["testdept.event:B01"])
    with Store(api["db"]) as store:
        pushes = [e for e in store.audit(action="导入") if e["actor"] == "api:测试大队系统"]
    assert len(pushes) >= 3


def test_row_errors_come_back_as_data(api):
    rows = [
        late("C01", "rulin", "2015-04-11"),
        late("C02", "nowhere", "2015-04-11"),
        late("C03", "rulin", "2015-13-01"),
        {"id": "C04", "unit": "rulin", "date": "2015-04-11", "type": "早退"},
        {"id": "C05", "unit": "rulin", "date": "2015-04-11"},
    ]
    status, out = push(api, rows)
    assert status == 200 and out["accepted"] == 1 and out["rejected_total"] == 4
    assert [(r["index"], r["column"]) for r in out["rejected"]] == [(1, "单位"), (2, "日期"), (3, "类型"), (4, "类型")]
    assert "nowhere" in out["rejected"][0]["message"] and "迟到、表扬、否决" in out["rejected"][2]["message"]
    assert "不能为空" in out["rejected"][3]["message"]
    # nothing accepted: 422, nothing stored
    status, out = push(api, rows[1:3])
    assert status == 422 and out["accepted"] == 0 and out["rejected_total"] == 2
    assert stored(api, "testdept.event:C01", "testdept.event:C02", "testdept.event:C03") == 1


@pytest.mark.parametrize(("body", "expected"), [
    (b"{not json", "不是有效的 JSON"),
    (b"[]", "请求体应为 JSON 对象"),
    (b'{"adapter": "testdept.events", "rows": [{"id": ' + b"9" * 5000 + b"}]}", "不是有效的 JSON"),
    (json.dumps({"adapter": "testdept.events", "rows": [{"编号": "D1", "颜色": "红"}]}).encode(), "rows[0]:数据格式 testdept.events 没有列“颜色”"),
    (json.dumps({"adapter": "testdept.events", "rows": [{"id": "D1", "编号": "D2"}]}).encode(), "是同一列"),
    (json.dumps({"adapter": "testdept.events", "rows": "D1"}).encode(), "“rows”应为数组"),
    (json.dumps({"adapter": "testdept.events", "rows": [], "extra": 1}).encode(), "不认识的键 extra"),
    (json.dumps({"adapter": "nosuch", "rows": []}).encode(), "没有数据格式 'nosuch'"),
    (json.dumps({"adapter": "testdept.events", "rows": [], "dry_run": "yes"}).encode(), "“dry_run”应为 true 或 false"),
])
def test_a_bad_request_is_refused_in_one_line(api, body, expected):
    status, out = call(api, "POST", "/api/v1/records", raw=body)
    assert status == 400 and expected in out["error"] and "\n" not in out["error"], out


def test_the_adapter_found_by_kind_or_as_the_departments_only_one(api):
    rows = [late("L01", "rulin", "2015-04-12")]
    status, out = call(api, "POST", "/api/v1/records", {"kind": "testdept.event", "rows": rows})
    assert status == 200 and out["adapter"] == "testdept.events" and out["new"] == 1
    status, out = call(api, "POST", "/api/v1/records", {"rows": rows})  # 测试大队 has one adapter
    assert status == 200 and out["unchanged"] == 1
    status, out = call(api, "POST", "/api/v1/records", {"kind": "testdept.check", "rows": rows})
    assert status == 400 and "没有唯一读取记录类型 'testdept.check' 的数据格式" in out["error"]


def test_dry_run_says_what_would_happen_and_stores_nothing(api):
    push(api, [late("E01x", "rulin", "2015-04-12")])
    status, out = push(api, [late("E01x", "rulin", "2015-04-12"), late("E02x", "rulin", "2015-04-12")], dry_run=True)
    assert status == 200 and (out["new"], out["unchanged"], out["stored"], out["dry_run"]) == (1, 1, False, True)
    assert stored(api, "testdept.event:E02x") == 0


def test_another_departments_token_is_refused(api):
    status, out = push(api, [late("F01", "rulin", "2015-04-12")], token="other")
    assert status == 403 and "本令牌只能导入督察支队的数据" in out["error"]
    assert stored(api, "testdept.event:F01") == 0
    # and it reads its own department's items only, in a draft
    status, unit = call(api, "GET", "/api/v1/results/2015-04/rulin", token="other")
    assert status == 200 and {i["department"] for c in unit["categories"] for i in c["items"]} == {"督察支队"}


@pytest.mark.parametrize("token", ["revoked", "expired", "kh_not-a-token", "", None])
def test_a_revoked_expired_or_missing_token_is_refused(api, token):
    for method, path, body in (("POST", "/api/v1/records", {"adapter": "testdept.events", "rows": [late("G01", "rulin", "2015-04-12")]}),
                               ("GET", "/api/v1/results/2015-02", None)):
        status, out = call(api, method, path, body, token=token)
        assert status == 401 and out["error"], out
    assert stored(api, "testdept.event:G01") == 0


def test_a_session_cookie_without_a_token_is_refused(api):
    office = signed_in(api["base"], "office")
    status, _, body = office.get("/api/v1/results/2015-02", Accept="application/json")
    assert status == 401 and "缺少接口令牌" in json.loads(body)["error"]
    csrf = office.csrf("/periods")  # the session's own CSRF token: still no way in without a bearer token
    req = urllib.request.Request(
        api["base"] + "/api/v1/records", method="POST",
        data=json.dumps({"adapter": "testdept.events", "rows": [late("H01", "rulin", "2015-04-12")]}).encode(),
        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf},
    )
    try:
        office.opener.open(req, timeout=30)
        status = 200
    except urllib.error.HTTPError as e:
        status = e.code
    assert status == 401 and stored(api, "testdept.event:H01") == 0


def test_an_oversized_body_is_refused_unread(api):
    bureau = api["bureau"]
    small = attrs.evolve(bureau, office=attrs.evolve(bureau.office, site=attrs.evolve(bureau.site, api_max_mb=1)))
    rows = [late(f"I{n:05}", "rulin", "2015-04-12") for n in range(20000)]  # about 1.3 MB
    body = json.dumps({"adapter": "testdept.events", "rows": rows}).encode("utf-8")
    assert len(body) > 1 << 20
    with running(small, api["registry"]) as base:
        # the headers only: the answer comes before a byte of the body is sent (it is refused unread;
        # sending the body first would race the server closing the connection)
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        conn.putrequest("POST", "/api/v1/records")
        for name, value in (("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                            ("Authorization", f"Bearer {api['tokens']['dept']}")):
            conn.putheader(name, value)
        conn.endheaders()
        answer = conn.getresponse()
        status, out = answer.status, json.loads(answer.read())
        conn.close()
    assert status == 413 and "api_max_mb" in out["error"]
    assert stored(api, "testdept.event:I00000") == 0


def test_concurrent_pushes_lose_nothing(api):
    results: list[tuple[int, Any]] = []

    def send(t: int) -> None:
        rows = [late(f"J{t}-{n}", "rulin", "2015-04-13") for n in range(15)] + [late("J-shared", "rulin", "2015-04-13")]
        results.append(push(api, rows))

    threads = [threading.Thread(target=send, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert [s for s, _ in results] == [200] * 6, [o for s, o in results if s != 200]
    assert sum(o["new"] for _, o in results) == 6 * 15 + 1  # the shared row is new once, unchanged five times
    assert sum(o["unchanged"] for _, o in results) == 5
    keys = [f"testdept.event:J{t}-{n}" for t in range(6) for n in range(15)] + ["testdept.event:J-shared"]
    assert stored(api, *keys) == 91


def test_adapters_and_openapi(api):
    status, out = call(api, "GET", "/api/v1/adapters")
    assert status == 200 and [a["adapter"] for a in out["adapters"]] == ["testdept.events"]
    assert [c["key"] for c in out["adapters"][0]["columns"]] == ["id", "unit", "date", "note", "type"]
    assert call(api, "GET", "/api/v1/nothing-here") == (404, {"error": "无此页面"})  # JSON, not the HTML page
    status, doc = call(api, "GET", "/api/v1/openapi.json", token=None)
    assert status == 200 and doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/api/v1/records", "/api/v1/adapters", "/api/v1/results/{period}", "/api/v1/results/{period}/{unit}",
        "/api/v1/editions/{period}", "/api/v1/openapi.json",
    }
    for path in doc["paths"].values():  # every $ref resolves
        for ref in re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(path)):
            assert ref in doc["components"]["schemas"]


def test_the_documented_example_client_runs_against_a_live_server(api, tmp_path):
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    code = re.search(r"## 示例客户端.*?```python\n(.*?)```", text, re.S)
    assert code, "docs/api.md has no example client"
    (tmp_path / "client.py").write_text(code.group(1), encoding="utf-8")
    rows = [late("K01", "jincheng", "2015-04-14"), {"编号": "K02", "单位": "金城派出所", "日期": "2015-04-14", "类型": "表扬"}]
    (tmp_path / "rows.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "KAOHE_TOKEN": api["tokens"]["dept"]}
    run = [sys.executable, "client.py", api["base"], "testdept.events", "rows.json", "2015-02"]
    out = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "已推送:新增 2 条,更正 0 条,不变 0 条" in out.stdout
    assert "一类所 第2名 金城派出所 98.00" in out.stdout  # as worked out above
    assert stored(api, "testdept.event:K01", "testdept.event:K02") == 2
    # a bad row: listed, nothing pushed, a non-zero exit
    (tmp_path / "rows.json").write_text(json.dumps([late("K03", "nowhere", "2015-04-14")]), encoding="utf-8")
    out = subprocess.run(run[:5], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "第 0 行 单位:单位“nowhere”不是本局的考核单位" in out.stdout
    assert stored(api, "testdept.event:K03") == 0


# --- the office's commands -----------------------------------------------------------------------


def _kaohe(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from kaohe.cli.main import main; main()", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "KAOHE_ACTOR": "考核办张三"}, timeout=120,
    )


def test_token_commands(tmp_path):
    demo = ROOT / "kernel" / "src" / "kaohe" / "demo"  # the demo bureau's configuration: every plugin's items on
    (tmp_path / "kaohe.toml").write_text((demo / "bureau.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "units.csv").write_text((demo / "units.csv").read_text(encoding="utf-8"), encoding="utf-8")
    out = _kaohe("token", "add", "--department", "110指挥中心", "--name", "接处警", "--expires", "2099-12-31", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    token = re.search(r"令牌:(kh_\S+)", out.stdout)
    assert token and "有效至 2099-12-31" in out.stdout
    with Store(tmp_path / "kaohe.sqlite") as store:  # only its SHA-256 is kept
        kept = store.db.execute("SELECT department, hash FROM tokens WHERE name = '接处警'").fetchall()
    assert kept == [("110指挥中心", hashlib.sha256(token.group(1).encode()).hexdigest())]
    out = _kaohe("token", "add", "--department", "没有的部门", cwd=tmp_path)
    assert out.returncode == 2 and "部门 '没有的部门' 没有启用的考核项目" in out.stderr and "\n" not in out.stderr.strip()
    out = _kaohe("token", "add", "--department", "110指挥中心", "--name", "接处警", cwd=tmp_path)
    assert out.returncode == 2 and "令牌名称 接处警 已存在" in out.stderr
    out = _kaohe("token", "add", "--department", "110指挥中心", "--expires", "2001-01-01", cwd=tmp_path)
    assert out.returncode == 2 and "有效期 2001-01-01 早于今天" in out.stderr
    assert _kaohe("token", "revoke", "接处警", cwd=tmp_path).returncode == 0
    listing = _kaohe("token", "list", cwd=tmp_path).stdout
    assert "接处警" in listing and "已吊销" in listing and token.group(1) not in listing
    out = _kaohe("token", "revoke", "接处警", cwd=tmp_path)
    assert out.returncode == 2 and "已于" in out.stderr
    audit = _kaohe("audit", cwd=tmp_path).stdout
    assert "新建接口令牌" in audit and "吊销接口令牌" in audit and "考核办张三" in audit
