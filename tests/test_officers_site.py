"""The second level on the site (issue 21): an officer's own page (only his own) and the unit leader's page,
each also as JSON, under kaohe.office.accounts.allowed; officers' accounts opened from the roster
(``kaohe officers accounts``). examples/shangcheng-2010, its 2010-Q2 scored and published; the values are those
worked out by hand in tests/test_officers_second_level.py."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest
from click.testing import CliRunner
from example_helpers import EXAMPLES
from inprocess import kaohe as run_kaohe
from kaohe.cli.common import Ctx
from kaohe.core.periods import Period
from kaohe.office.accounts import add_users
from kaohe.office.publication import publish
from kaohe.plugins.discovery import BUILTIN, get_plugin_manager, load_registry
from kaohe.plugins.officers import officers
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store
from site_support import PASSWORD, running, signed_in

HERE = EXAMPLES / "shangcheng-2010"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("officers-site")
    for f in HERE.iterdir():
        if f.suffix in (".toml", ".csv"):
            shutil.copy(f, tmp / f.name)
    config = tmp / "kaohe.toml"
    for args in (("ingest", "考核办_季度考核登记_2010.csv", "--actor", "kaoheban"), ("score", "2010-Q2")):
        out = run_kaohe("-c", str(config), *args, cwd=str(tmp))
        assert out.returncode == 0, out.stderr
    # officers' accounts from the roster: 19 officers (1011 is in 湖滨 on 2010-06-20), passwords written once
    made = CliRunner().invoke(officers, ["accounts", "--out", str(tmp / "账号.csv"), "--date", "2010-06-20", "--actor", "kaoheban"],
                              obj=Ctx(str(config)))
    assert made.exit_code == 0, (made.output, made.exception)
    assert "已开设 19 个民警账号,已有账号跳过 0 名" in made.stdout
    rows = list(csv.DictReader((tmp / "账号.csv").read_text(encoding="utf-8").lstrip("\ufeff").splitlines()))
    assert {r["账号"]: r["单位"] for r in rows}["1011"] == "湖滨派出所" and all(r["初始密码"] for r in rows)
    again = CliRunner().invoke(officers, ["accounts", "--out", str(tmp / "账号2.csv")], obj=Ctx(str(config)))
    assert "已开设 0 个民警账号,已有账号跳过 19 名" in again.stdout
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=BUILTIN))
    bureau = load_bureau(config, reg)
    with Store(bureau.database) as store:
        publish(store, bureau, reg, Period.parse("2010-Q2"), published_on=dt.date(2010, 6, 25), actor="test", write=False,
                allow_missing="政治处的训练达标率本季度未考")
        accounts = [("office", "考办甲", "考核办", ""), ("hubin", "湖滨所长", "单位", "hubin"), ("xingzhen", "刑侦大队长", "单位", "xingzhen"),
                    ("leader", "局领导", "领导", "")]
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in accounts], "test")
        for account in ("1001", "1012"):  # the officers' own passwords, as they would set them
            from kaohe.office.accounts import reset_password

            reset_password(store, bureau, account, "test", PASSWORD)
    with running(bureau, reg) as base:
        yield base


def test_an_officer_sees_his_own_page_only(site: str) -> None:
    c = signed_in(site, "1001")
    status, data = c.json("/officers/2010-Q2/1001.json")
    # 113 × 1.35 = 152.55, 1st of 湖滨's 11 and of the bureau's 13, band 1, 优秀; the example's pool of 100,000 元 over the
    # 13 scores adding up to 1,554.6: 100,000 × 152.55 / 1,554.6 = 9,812.8135… → 9,812.81, or .82 if its remainder is among
    # the largest
    assert status == 200 and data["score"] == "152.55" and (data["unit_rank"], data["rank"], data["band"], data["grade"]) == (1, 1, 1, "优秀")
    assert data["bonus"] in ("9812.81", "9812.82") and data["explanation"]["children"][0]["points"] == "152.55"
    status, body = c.get("/officers/2010-Q2/1001")[0], c.get("/officers/2010-Q2/1001")[2]
    assert status == 200 and "113 × 1.35 = 152.55" in body and "第1名(共11人)" in body and 'href="/officers"' in body
    for path in ("/officers/2010-Q2/1002", "/officers/2010-Q2/1002.json", "/officers/2010-Q2", "/ranking/2010-Q2", "/unit/2010-Q2/hubin"):
        assert c.get(path)[0] in (403, 404), path
    assert c.json("/officers.json") == (200, {"account": "1001", "role": "民警", "periods": [
        {"period": "2010-Q2", "name": "2010年第2季度", "link": "/officers/2010-Q2/1001"}]})
    # a first-quarter officer: scored, not ranked
    status, data = signed_in(site, "1012").json("/officers/2010-Q2/1012.json")
    assert status == 200 and data["score"] == "21.95" and data["rank"] is None and data["bonus"] is None


def test_the_unit_leader_sees_his_officers(site: str) -> None:
    c = signed_in(site, "hubin")
    status, data = c.json("/officers/2010-Q2.json")
    assert status == 200 and data["unit_name"] == "湖滨派出所" and data["total"] == "113" and len(data["officers"]) == 17
    by = {o["officer"]: o for o in data["officers"]}
    assert (by["1002"]["score"], by["1002"]["grade"], by["1008"]["score"]) == ("142.25", "称职", None)
    assert c.get("/officers/2010-Q2/1017")[0] == 200
    body = c.get("/officers/2010-Q2")[2]
    assert "湖滨派出所 2010年第2季度 民警考核结果" in body and "/officers/2010-Q2/1001" in body
    assert '<td class="num">3</td>' in body and "built-in" not in body  # 1017's own items, +3
    other = signed_in(site, "xingzhen")
    assert other.get("/officers/2010-Q2/1001")[0] == 403
    assert {o["officer"] for o in other.json("/officers/2010-Q2.json")[1]["officers"]} == {"2001", "2002"}
    assert signed_in(site, "leader").get("/officers/2010-Q2.json")[0] == 403
    office = signed_in(site, "office")
    assert office.json("/officers/2010-Q2.json?unit=hubin")[0] == 200 and office.get("/officers/2010-Q2/2001")[0] == 200
    assert office.get("/officers/2010-Q3.json?unit=hubin")[0] in (403, 404)  # not scored
    # the list's heading names whose results: the office's, every unit's; a unit's, its own
    assert "各单位民警考核结果" in office.get("/officers")[2] and "本单位民警考核结果" not in office.get("/officers")[2]
    assert "<th>本单位民警考核结果</th>" in c.get("/officers")[2]


def test_only_the_unit_acts_on_its_officers_results_and_an_officer_objects_to_his_own_only(site: str) -> None:
    """The internal publication, decisions and filing are the unit's (and the office's); an objection is the officer's
    own, within the publication's 3 days: every other request refused, nothing written."""
    officer = signed_in(site, "1001")
    token = officer.csrf("/officers")
    for act in ("publish", "decide", "file"):
        assert officer.request(f"/officers/2010-Q2/{act}", {"csrf": token, "date": "2010-06-22"})[0] == 403, act
    assert officer.request("/officers/2010-Q2/1002/object", {"csrf": token, "text": "不服"})[0] == 403
    status, _, body = officer.request("/officers/2010-Q2/1001/object", {"csrf": token, "text": "漏计破案"})
    assert status == 400 and "尚未在单位内部公布,还不能提出异议" in body
    leader = signed_in(site, "leader")
    assert leader.request("/officers/2010-Q2/publish", {"csrf": leader.csrf("/officers"), "date": "2010-06-22"})[0] == 403
    unit = signed_in(site, "hubin")
    assert unit.request("/officers/2010-Q2/publish", {"date": "2010-06-22"})[0] == 403  # no CSRF token
    status, _, body = unit.request("/officers/2010-Q2/decide", {"csrf": unit.csrf("/officers"), "objection": "999", "decision": "uphold", "reason": "x"})
    assert status == 400 and "没有第 999 号异议" in body
    status, data = unit.json("/officers/2010-Q2.json")
    assert status == 200 and (data["publication"], data["editions"], data["objections"], data["may_act"]) == (None, [], [], True)
