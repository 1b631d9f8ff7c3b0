"""Attacks on the officers' pages (issue 21, second level) as an outsider and as each role would, against a real server
on 127.0.0.1: examples/shangcheng-2010 with hostile names in its roster (HTML/JS and spreadsheet formulas), its 2010-Q2
scored and published; 湖滨 publishes its officers' results inside the unit today, so that 张伟 (1001) may object."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import urllib.parse
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from example_helpers import EXAMPLES
from inprocess import kaohe as run_kaohe
from kaohe.cli.common import Ctx
from kaohe.core.periods import Period
from kaohe.office.accounts import add_users, reset_password
from kaohe.office.publication import publish
from kaohe.plugins.discovery import BUILTIN, get_plugin_manager, load_registry
from kaohe.plugins.officers import officers
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store
from site_support import PASSWORD, running, signed_in

HERE = EXAMPLES / "shangcheng-2010"
SCRIPT_NAME = "<script>alert(1)</script>李强"
FORMULA_NAME = '=HYPERLINK("http://evil.example/","王芳")'
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("officers-attacks")
    for f in HERE.iterdir():
        if f.suffix in (".toml", ".csv"):
            shutil.copy(f, tmp / f.name)
    roster = tmp / "民警名单_2010.csv"
    rows = list(csv.reader(io.StringIO(roster.read_text(encoding="utf-8-sig"))))
    for r in rows:
        if r[0] == "1002":
            r[1] = SCRIPT_NAME
        if r[0] == "1003":
            r[1] = FORMULA_NAME
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    roster.write_text(out.getvalue(), encoding="utf-8")
    config = tmp / "kaohe.toml"
    for args in (("ingest", "考核办_季度考核登记_2010.csv", "--actor", "kaoheban"), ("score", "2010-Q2")):
        done = run_kaohe("-c", str(config), *args, cwd=str(tmp))
        assert done.returncode == 0, done.stderr
    made = CliRunner().invoke(officers, ["accounts", "--out", str(tmp / "账号.csv"), "--date", "2010-06-20", "--actor", "kaoheban"],
                              obj=Ctx(str(config)))
    assert made.exit_code == 0, (made.output, made.exception)
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=BUILTIN))
    bureau = load_bureau(config, reg)
    with Store(bureau.database) as store:
        publish(store, bureau, reg, Period.parse("2010-Q2"), published_on=dt.date(2010, 6, 25), actor="test", write=False,
                allow_missing="政治处的训练达标率本季度未考")
        accounts = [("office", "考办甲", "考核办", ""), ("hubin", "湖滨所长", "单位", "hubin"), ("xingzhen", "刑侦大队长", "单位", "xingzhen"),
                    ("leader", "局领导", "领导", ""), ("dept", "政治处甲", "部门", "政治处")]
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in accounts], "test")
        for account in ("1001", "1002", "2001"):
            reset_password(store, bureau, account, "test", PASSWORD)
    with running(bureau, reg) as base:
        unit = signed_in(base, "hubin")
        status, _, body = unit.request("/officers/2010-Q2/publish", {"csrf": unit.csrf("/officers"), "date": TODAY.isoformat()},
                                       {"Accept": "application/json"})
        assert status == 200, body
        yield base, tmp, bureau


def audit(bureau: Any, action: str) -> list[dict[str, Any]]:
    with Store(bureau.database) as store:
        return [dict(r) for r in store.audit(period="2010-Q2", action=action)]


def test_an_objection_with_control_characters_is_refused_in_one_line_and_nothing_written(site: Any) -> None:
    base, _, bureau = site
    before = len(audit(bureau, "officers:民警异议"))
    c = signed_in(base, "1001")
    for text in ("漏计\x1b[31m破案", "漏计\x00破案", "漏计\u202e破案"):
        status, _, body = c.request("/officers/2010-Q2/1001/object", {"csrf": c.csrf("/officers"), "text": text}, {"Accept": "application/json"})
        assert status == 400 and "异议理由含有控制字符" in json.loads(body)["error"], (text, body)
    assert len(audit(bureau, "officers:民警异议")) == before


def test_the_payroll_workbook_never_holds_a_formula_from_a_name(site: Any) -> None:
    """The roster's 王芳 is named =HYPERLINK(…): the unit's payroll workbook (in the edition published today) holds the
    name as text, with the apostrophe that keeps a spreadsheet from reading it as a formula."""
    _, tmp, _ = site
    found = sorted((tmp / "published" / "2010-Q2" / "officers").glob("hubin-第*版/绩效奖金_*.xlsx"))
    assert found, list((tmp / "published").rglob("*"))
    ws = openpyxl.load_workbook(found[0]).active
    assert ws is not None
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = {ws.cell(c.row, 2).value: c.value for c in cells if c.column == 3 and c.row > 2}
    assert names["1003"] == "'" + FORMULA_NAME and names["1002"] == SCRIPT_NAME


def test_names_and_objection_texts_are_escaped_on_every_page(site: Any) -> None:
    base, _, _ = site
    text = '<img src=x onerror=alert(2)>"漏计</script>破案'
    officer = signed_in(base, "1002")  # the officer named <script>…
    status, _, body = officer.request("/officers/2010-Q2/1002/object", {"csrf": officer.csrf("/officers"), "text": text})
    assert status == 303, body
    for who, path in (("1002", "/officers/2010-Q2/1002"), ("hubin", "/officers/2010-Q2"), ("office", "/officers/2010-Q2?unit=hubin"),
                      ("office", "/officers")):
        status, _, body = signed_in(base, who).get(path)
        assert status == 200, (who, path)
        assert "<script>alert" not in body and "<img src=x" not in body and "</script>破案" not in body, (who, path)
    body = signed_in(base, "hubin").get("/officers/2010-Q2")[2]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;李强" in body and "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "=HYPERLINK(" in body  # shown as it is written on the page (no spreadsheet reads it there)


def test_roles_tokens_origins_and_numbers_that_must_not_act(site: Any) -> None:
    """Every request here is refused, nothing written: CSRF missing, wrong, another session's; a POST from another
    origin; GET on the POST routes; a leader, a department, an officer trying the unit's acts; a unit acting on another
    unit (``?unit=`` is the office's only); objection numbers non-numeric, negative, huge, another unit's."""
    base, _, bureau = site
    trail = len(audit(bureau, None))  # type: ignore[arg-type]
    officer = signed_in(base, "1001")
    unit, other = signed_in(base, "hubin"), signed_in(base, "xingzhen")
    token, other_token = unit.csrf("/officers"), other.csrf("/officers")
    j = {"Accept": "application/json"}
    for data in ({"date": TODAY.isoformat()}, {"csrf": "x" * 43, "date": TODAY.isoformat()}, {"csrf": other_token, "date": TODAY.isoformat()}):
        assert unit.request("/officers/2010-Q2/publish", data, j)[0] == 403, data
    assert unit.request("/officers/2010-Q2/publish", {"csrf": token, "date": TODAY.isoformat()},
                        {**j, "Origin": "http://evil.example"})[0] == 403
    o_token = officer.csrf("/officers")
    assert officer.request("/officers/2010-Q2/1001/object", {"csrf": token, "text": "别人的令牌"}, j)[0] == 403
    for path in ("/officers/2010-Q2/publish", "/officers/2010-Q2/file", "/officers/2010-Q2/decide"):
        assert unit.get(path)[0] in (403, 404, 405), path  # a GET is the officer's page of an officer "publish" at most: none
    assert officer.get("/officers/2010-Q2/1001/object")[0] in (404, 405)
    for who in ("leader", "dept"):
        c = signed_in(base, who)
        t = c.csrf("/officers")
        for act in ("publish", "decide", "file"):
            assert c.request(f"/officers/2010-Q2/{act}?unit=hubin", {"csrf": t, "date": TODAY.isoformat(), "objection": "1",
                                                                    "decision": "dismiss", "reason": "x"}, j)[0] == 403, (who, act)
        assert c.request("/officers/2010-Q2/1001/object", {"csrf": t, "text": "冒名"}, j)[0] == 403
        assert c.get("/officers/2010-Q2/1001.json")[0] == 403 and c.get("/officers/2010-Q2.json?unit=hubin")[0] == 403
    for path in ("/officers/2010-Q2/1002.json", "/officers/2010-Q2/2001.json", "/officers/2010-Q2/1001%2F..%2F1002.json",
                 "/officers/2010-Q2.json", "/officers/2010-Q2.json?unit=hubin", "/unit/2010-Q2/hubin", "/ranking/2010-Q2",
                 "/officers/2010-Q2/../2010-Q2/1002.json", "/workflow", "/office", "/accounts"):
        assert officer.get(path)[0] in (403, 404), path
    assert officer.json("/inbox.json")[1]["items"] == []  # his own inbox: nothing of anyone's
    hubin = json.loads(unit.get("/officers/2010-Q2.json", **j)[2])
    mine = [o["id"] for o in hubin["objections"]]
    for number in ("abc", "-1", "0", "1e3", "99999999999999999999", "１", str(max(mine or [0]) + 10**6), " 1 ", "0x10"):
        status, _, body = unit.request("/officers/2010-Q2/decide", {"csrf": token, "objection": number, "decision": "dismiss", "reason": "x"}, j)
        assert status == 400 and "没有第" in json.loads(body)["error"], (number, body)
    # 湖滨's objections, decided or filed by 刑侦 (its own ?unit= ignored): refused, or about 刑侦 only
    for number in mine:
        status, _, body = other.request("/officers/2010-Q2/decide?unit=hubin", {"csrf": other_token, "objection": str(number),
                                        "decision": "uphold", "points": "100", "reason": "x"}, j)
        assert status == 400 and "本单位 2010-Q2 没有第" in json.loads(body)["error"]
    status, _, body = other.request("/officers/2010-Q2/file?unit=hubin", {"csrf": other_token, "date": TODAY.isoformat()}, j)
    assert status == 400 and "刑侦" in json.loads(body)["error"], body
    for period in ("2010-Q9", "../../etc", "2010-Q3", "%00"):
        assert unit.request(f"/officers/{period}/publish", {"csrf": token, "date": TODAY.isoformat()}, j)[0] in (403, 404), period
    assert len(audit(bureau, None)) == trail  # type: ignore[arg-type]


def test_an_objection_sent_twice_is_recorded_once(site: Any) -> None:
    """A double click (or the form sent again) while the first is undecided: one objection, not two for the unit to decide."""
    base, _, bureau = site
    c = signed_in(base, "1001")
    before = len(audit(bureau, "officers:民警异议"))
    first = c.request("/officers/2010-Q2/1001/object", {"csrf": c.csrf("/officers"), "text": "6月协助破案未计"}, {"Accept": "application/json"})
    again = c.request("/officers/2010-Q2/1001/object", {"csrf": c.csrf("/officers"), "text": " 6月协助破案未计 "}, {"Accept": "application/json"})
    assert first[0] == 200 and again[0] == 400 and "已提出同一异议" in json.loads(again[2])["error"], again
    assert len(audit(bureau, "officers:民警异议")) == before + 1


def test_the_unit_cannot_file_under_a_later_date_to_close_the_officers_three_days(site: Any) -> None:
    """刑侦 publishes today, no objection yet: its officers may object today and the two days after. Filing now, dated
    three days on, would end their objections today: the site files on today's date at the latest."""
    base, _, bureau = site
    unit = signed_in(base, "xingzhen")
    j = {"Accept": "application/json"}
    assert unit.request("/officers/2010-Q2/publish", {"csrf": unit.csrf("/officers"), "date": TODAY.isoformat()}, j)[0] == 200
    for day in (TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=400)):
        status, _, body = unit.request("/officers/2010-Q2/file", {"csrf": unit.csrf("/officers"), "date": day.isoformat()}, j)
        assert status == 400 and f"报送日期不能晚于今天({TODAY.isoformat()})" in json.loads(body)["error"], body
    assert audit(bureau, "officers:报考核办备案") == []
    assert signed_in(base, "2001").json("/officers/2010-Q2/2001.json")[1]["may_object"] is True


def test_the_unit_cannot_publish_again_dated_earlier_to_end_the_three_days_at_once(site: Any) -> None:
    """刑侦 published today; publishing again dated five days ago would close its officers' objections now (the
    publication's days are the latest's): on the site the first day is today at the earliest. Too long or empty
    objections are refused as well; nothing written."""
    base, _, bureau = site
    unit = signed_in(base, "xingzhen")
    j = {"Accept": "application/json"}
    before = len(audit(bureau, "officers:内部公布"))
    for day in (TODAY - dt.timedelta(days=5), TODAY - dt.timedelta(days=1)):
        status, _, body = unit.request("/officers/2010-Q2/publish", {"csrf": unit.csrf("/officers"), "date": day.isoformat()}, j)
        assert status == 400 and f"内部公布的第一天不能早于今天({TODAY.isoformat()})" in json.loads(body)["error"], body
    assert len(audit(bureau, "officers:内部公布")) == before
    c = signed_in(base, "2001")
    assert c.json("/officers/2010-Q2/2001.json")[1]["may_object"] is True
    for text in ("", "   ", "字" * 501):
        status, _, body = c.request("/officers/2010-Q2/2001/object", {"csrf": c.csrf("/officers"), "text": text}, j)
        assert status == 400 and json.loads(body)["error"], text[:5]
    assert c.request("/officers/2010-Q2/2001/object", {"csrf": c.csrf("/officers"), "text": "字" * 500}, j)[0] == 200


def test_the_editions_files_are_not_served(site: Any) -> None:
    """The payroll workbook of an edition (every officer's bonus) is in the bureau's folder, never under any address."""
    base, tmp, _ = site
    found = sorted((tmp / "published").rglob("*.xlsx"))
    assert found
    rel = found[0].relative_to(tmp).as_posix()
    for who in ("1001", "hubin", "office"):
        c = signed_in(base, who)
        for path in (f"/{rel}", f"/static/../{rel}", f"/static/%2e%2e/{rel}", f"/static/..%2f..%2f{rel}"):
            status, headers, _ = c.get(urllib.parse.quote(path, safe="/%."))
            assert status in (403, 404) and "spreadsheet" not in headers.get("content-type", ""), (who, path)
