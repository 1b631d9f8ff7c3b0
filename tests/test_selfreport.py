"""Units report their own work, departments review it (issue 17 point 3).

The bureau is report_bureau's (tests/site_support), with "工作受上级表扬" (testdept.praise, 测试大队,
+2 per 表扬 record, cap 4) open to self-reports. Hand-worked 2015-04 (2015-03-21 … 2015-04-20) of
series s2 (薛埠, 儒林, 直溪): 儒林 has one "接警后未按时到场" (E31, −1: 基础工作建设 59) and one
"被督察通报批评" (C07, −2: 队伍建设 38); 薛埠 has nothing (40, 60); 直溪 is late twice (40, 58). The
series' tops are 40 and 60, so 儒林's score (seed 000 l.686: category ÷ top × weight) is
38/40 × 40 + 59/60 × 60 = 97. With one accepted self-reported 表扬 (+2) 儒林's 队伍建设 is 40 and the
top stays 40: 40 + 59 = 99, and its "工作受上级表扬" is +2. A returned entry counts for nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import report_bureau
from site_support import ACCOUNTS, PASSWORD, running, signed_in
from test_site_appeals import PDF, post_files

from kaohe.core.actor import Actor
from kaohe.core.errors import ConfigError, KaoheError
from kaohe.core.periods import Period
from kaohe.office import selfreport
from kaohe.office.accounts import add_users
from kaohe.office.jobs import score_period
from kaohe.office.session import Loaded
from kaohe.scheme.config import parse_bureau
from kaohe.store.integrity import verify
from kaohe.store.store import Store

PRAISE = {"self_report": {"fields": {"type": {"title": "类型", "choices": ["表扬"]}}}}
UNIT = Actor("rulin")
DEPT = Actor("dept")


def config(items: dict[str, Any] | None = None) -> dict[str, Any]:
    c = report_bureau.CONFIG
    return {**c, "bureau": {**c["bureau"], "database": "kaohe.sqlite"}, "items": {"testdept.praise": PRAISE, **(items or {})}}


def make(tmp: Path) -> tuple[Any, Any, Path]:
    _, reg, db = report_bureau.make(tmp)
    bureau = parse_bureau(config(), reg, "test.toml", tmp)
    with Store(db) as store:
        add_users(store, bureau, [(a, n, r, w, PASSWORD) for a, n, r, w in ACCOUNTS], "test")
        add_users(store, bureau, [("ducha", "督察支队内勤", "部门", "督察支队", PASSWORD)], "test")
    return bureau, reg, db


def points(db: Path, bureau: Any, reg: Any, unit: str = "rulin") -> tuple[str, str]:
    """(the unit's 2015-04 total, its 工作受上级表扬 points), scored now."""
    with Store(db) as store:
        result = score_period(store, bureau, reg, Period.parse("2015-04"))
    u = next(u for u in result.units if u.unit == unit)
    praise = next(i.points for c in u.categories for i in c.items if i.item == "testdept.praise")
    return str(u.total), str(praise)


def snapshot(db: Path) -> tuple[int, int, int]:
    with Store(db) as store:
        return len(store.selfreports()), store.count("records"), store.last_audit_id()


# --- the setting ---------------------------------------------------------------------------------


def test_the_setting_opens_an_item_with_its_form_and_refuses_a_bad_one_naming_the_key(tmp_path):
    reg = report_bureau.registry()
    bureau = parse_bureau(config({"testdept.late": {"self_report": True}}), reg, "test.toml", tmp_path)
    assert [i.id for i in selfreport.items(bureau)] == ["testdept.late", "testdept.praise"]
    praise = bureau.item("testdept.praise").self_report
    assert praise.kind_of(bureau.item("testdept.praise")) == "testdept.event"
    assert [(f.name, f.title, f.choices) for f in praise.fields] == [("type", "类型", ("表扬",))]
    closed = parse_bureau(config({"testdept.praise": {"self_report": False}}), reg, "test.toml", tmp_path)
    assert selfreport.items(closed) == []
    for bad, key in (
        ({"self_report": "yes"}, 'items."testdept.praise".self_report'),
        ({"self_report": {"kind": "testdept.check"}}, 'items."testdept.praise".self_report.kind'),
        ({"self_report": {"fields": {"type": {"title": "类型", "choices": "表扬"}}}}, "self_report.fields.type.choices"),
        ({"self_report": {"form": 1}}, "self_report.form"),
    ):
        with pytest.raises(ConfigError) as exc:
            parse_bureau(config({"testdept.praise": bad}), reg, "test.toml", tmp_path)
        assert key in str(exc.value) and "\n" not in str(exc.value)


# --- the use cases -------------------------------------------------------------------------------


def test_an_accepted_entry_scores_like_a_record_of_its_kind_and_a_returned_one_does_not(tmp_path):
    bureau, reg, db = make(tmp_path)
    office = Loaded(bureau, reg)
    assert points(db, bureau, reg) == ("97.00", "0")

    first = selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "市局通报表扬", actor=UNIT,
                             attrs={"type": "表扬"}, form="f" * 24)
    back = selfreport.decide(office, first["id"], "退回", "缺表扬通报的文号", actor=DEPT, department="测试大队")
    assert back["record"] is None
    assert points(db, bureau, reg) == ("97.00", "0")  # returned: not counted

    second = selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "市局通报表扬(金公通〔2015〕12号)",
                              actor=UNIT, attrs={"type": "表扬"}, evidence=[], form="g" * 24, corrects=first["id"])
    took = selfreport.decide(office, second["id"], "采纳", "", actor=DEPT, department="测试大队")
    assert took["record"] == f"testdept.event:自报{second['id']}"
    assert points(db, bureau, reg) == ("99.00", "2")  # hand-worked above

    with Store(db) as store:
        rec = next(iter(store.stored_records([took["record"]])))
        assert (rec.file, rec.sheet, rec.row) == (f"自报第{second['id']}号", "单位自报", second["id"])
        imp = store.imports()[-1]
        assert (imp["file"], imp["actor"], imp["department"], imp["adapter"]) == (f"自报第{second['id']}号", "dept", "测试大队", "selfreport")
        assert [e["action"] for e in store.audit()][-5:] == ["单位自报", "自报审核", "单位自报", "自报审核", "导入"]
        checked = verify(store)  # the import of an accepted entry is attested like a file's (kaohe verify)
        assert checked.clean, checked

    # a second decision, either way, is refused and changes nothing
    before = snapshot(db)
    for outcome in ("采纳", "退回"):
        with pytest.raises(KaoheError, match="审核结果不可更改"):
            selfreport.decide(office, second["id"], outcome, "再次", actor=DEPT, department="测试大队")
    assert snapshot(db) == before
    assert points(db, bureau, reg) == ("99.00", "2")  # counted once


def test_accepting_into_a_locked_month_is_refused_until_the_office_unlocks_it(tmp_path):
    """April published is locked (``[publication] lock`` by default): the department's acceptance of
    an entry dated in it is refused with the lock's line and changes nothing, the entry stays
    pending; once the office unlocks April it is accepted: 儒林 99.00, its 表扬 +2 (hand-worked above)."""
    import datetime as dt

    from kaohe.office.lock import unlock
    from kaohe.office.publication import publish

    bureau, reg, db = make(tmp_path)
    office = Loaded(bureau, reg)
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-04"), published_on=dt.date(2015, 4, 27), actor="test", write=False)
    e = selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "市局通报表扬", actor=UNIT,
                         attrs={"type": "表扬"}, form="h" * 24)
    before = snapshot(db)
    with pytest.raises(KaoheError) as refused:
        selfreport.decide(office, e["id"], "采纳", "", actor=DEPT, department="测试大队")
    assert str(refused.value).startswith(f"自报第{e['id']}号的日期 2015-04-10 属 2015-04,2015-04 已发布第1版,已锁定")
    assert "kaohe unlock 2015-04" in str(refused.value) and "\n" not in str(refused.value)
    assert snapshot(db) == before and selfreport.listing(office, unit="rulin")[-1]["outcome"] is None
    unlock(office, Period.parse("2015-04"), "测试大队补采纳儒林派出所的自报", Actor("office"))
    took = selfreport.decide(office, e["id"], "采纳", "", actor=DEPT, department="测试大队")
    assert took["record"] == f"testdept.event:自报{e['id']}"
    assert points(db, bureau, reg) == ("99.00", "2")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"item": "testdept.late"}, "不接受单位自报"),
        ({"date": "2015-4-10x"}, "“日期”应为日期"),
        ({"date": "2999-01-01"}, "晚于今天"),
        ({"what": "  "}, "请填写“工作内容”"),
        ({"attrs": {"type": "迟到"}}, "“类型”应为 表扬 之一"),
        ({"attrs": {}}, "请填写“类型”"),
        ({"evidence": [("表扬.pdf", b"MZ\x90\x00")]}, "内容不是照片、PDF 或扫描件"),
        ({"evidence": [("表扬.png", PDF)]}, "与文件名的扩展名"),
        ({"evidence": [("大.pdf", PDF + b"0" * (11 << 20))]}, "太大"),
        ({"corrects": 999}, "不是本单位被退回的自报"),
        ({"unit": "nowhere"}, "没有单位"),
    ],
)
def test_bad_entries_are_refused_with_one_line_and_change_nothing(tmp_path, change, message):
    from kaohe.office.evidence import Upload

    bureau, reg, db = make(tmp_path)
    office = Loaded(bureau, reg)
    before = snapshot(db)
    args = {"unit": "rulin", "item": "testdept.praise", "date": "2015-04-10", "what": "表扬", "attrs": {"type": "表扬"},
            "evidence": [], "corrects": None, **change}
    with pytest.raises(KaoheError) as exc:
        selfreport.enter(office, args["unit"], args["item"], args["date"], args["what"], actor=UNIT, attrs=args["attrs"],
                         evidence=[Upload(n, d) for n, d in args["evidence"]], form="h" * 24, corrects=args["corrects"])
    assert message in str(exc.value) and "\n" not in str(exc.value)
    assert snapshot(db) == before
    assert not Path(bureau.office.evidence_directory).exists() or not any(Path(bureau.office.evidence_directory).rglob("*"))


def test_a_replayed_form_another_departments_review_and_a_return_without_reason_are_refused(tmp_path):
    bureau, reg, db = make(tmp_path)
    office = Loaded(bureau, reg)
    e = selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "表扬", actor=UNIT, attrs={"type": "表扬"}, form="k" * 24)
    before = snapshot(db)
    with pytest.raises(KaoheError, match="此表单已提交过"):
        selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "表扬", actor=UNIT, attrs={"type": "表扬"}, form="k" * 24)
    with pytest.raises(KaoheError, match="只能由测试大队"):
        selfreport.decide(office, e["id"], "采纳", "", actor=Actor("ducha"), department="督察支队")
    with pytest.raises(KaoheError, match="退回须写明理由"):
        selfreport.decide(office, e["id"], "退回", " ", actor=DEPT, department="测试大队")
    with pytest.raises(KaoheError, match="应为 采纳、退回 之一"):
        selfreport.decide(office, e["id"], "维持", "x", actor=DEPT, department="测试大队")
    with pytest.raises(KaoheError, match="不是本单位被退回的自报"):  # pending: nothing to correct yet
        selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "表扬", actor=UNIT, attrs={"type": "表扬"},
                         form="m" * 24, corrects=e["id"])
    assert snapshot(db) == before


def test_the_ledger_tables_are_append_only(tmp_path):
    import sqlite3

    bureau, reg, db = make(tmp_path)
    office = Loaded(bureau, reg)
    e = selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "表扬", actor=UNIT, attrs={"type": "表扬"}, form="n" * 24)
    selfreport.decide(office, e["id"], "退回", "材料不全", actor=DEPT, department="测试大队")
    conn = sqlite3.connect(db)
    for sql in (
        "UPDATE selfreports SET what = 'x'", "DELETE FROM selfreports", "UPDATE selfreport_decisions SET outcome = '采纳'",
        "DELETE FROM selfreport_decisions", f"INSERT OR REPLACE INTO selfreport_decisions (entry, outcome) VALUES ({e['id']}, '采纳')",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()


# --- the site ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Any, Path]]:
    tmp = tmp_path_factory.mktemp("site-selfreport")
    bureau, reg, db = make(tmp)
    with running(bureau) as base:
        yield base, bureau, reg, db


def tokens(body: str) -> dict[str, str]:
    return dict(re.findall(r'name="(csrf|form|item|corrects)" value="([^"]*)"', body))


def enter_online(c: Any, fields: dict[str, str], files: list[tuple[str, bytes]], path: str = "/reports/new?item=testdept.praise") -> tuple[int, dict[str, str], str]:
    status, _, body = c.get(path)
    assert status == 200, body
    return post_files(c, "/reports/new", {**tokens(body), **fields}, files)


def test_on_the_site_each_sees_only_its_own_and_refusals_change_nothing(site):
    base, bureau, reg, db = site
    rulin, xuebu, dept, ducha, leader, office = (signed_in(base, a) for a in ("rulin", "xuebu", "dept", "ducha", "leader", "office"))
    status, headers, body = enter_online(rulin, {"date": "2015-04-11", "what": "协助破获盗窃案受表扬", "type": "表扬"}, [("表扬信.pdf", PDF)])
    assert status == 303, body
    where = headers["location"]
    n = int(where.rsplit("/", 1)[1])

    # who sees it: the unit, the item's department, the office; not another unit, department or a leader
    assert rulin.json(where)[1]["outcome"] is None and rulin.json(where)[1]["evidence"][0]["name"] == "表扬信.pdf"
    assert dept.json(where)[0] == 200 and office.json(where)[0] == 200
    for other in (xuebu, ducha, leader):
        assert other.json(where)[0] in (403, 404)
    assert [e["id"] for e in xuebu.json("/reports.json")[1]["entries"]] == []
    assert [e["id"] for e in dept.json("/reports.json")[1]["entries"]] == [n]
    assert leader.json("/reports.json")[0] == 403
    assert rulin.get(f"/reports/{n}/evidence/1")[0] == 200 and xuebu.get(f"/reports/{n}/evidence/1")[0] == 404
    assert dept.get("/reports/new")[0] == 403  # a department does not self-report

    before = snapshot(db)
    # a replayed form, another department's review, a unit's review, an item not open, bad evidence
    status, _, body = rulin.get("/reports/new?item=testdept.praise")
    t = tokens(body)
    fields = {**t, "date": "2015-04-12", "what": "再报", "type": "表扬"}
    assert post_files(rulin, "/reports/new", fields, [])[0] == 303
    after_one = snapshot(db)
    status, _, body = post_files(rulin, "/reports/new", fields, [])
    assert status == 409 and "此表单已提交过" in body
    status, _, body = enter_online(rulin, {"date": "2015-04-12", "what": "x", "type": "表扬"}, [("a.exe", b"MZ\x90")])
    assert status == 400 and "不是照片、PDF 或扫描件" in body
    assert rulin.get("/reports/new?item=testdept.late")[0] == 400
    status, _, body = post_files(rulin, "/reports/new", {**t, "form": "z" * 24, "item": "testdept.late", "date": "2015-04-12", "what": "x"}, [])
    assert status == 400 and "不接受单位自报" in body
    for who, code in ((ducha, 404), (rulin, 403), (xuebu, 404)):  # unseen: 404; seen, not its to review: 403
        status, _, body = who.request(f"/reports/{n}/decide", {"csrf": who.csrf(where if who is not xuebu else "/reports"), "outcome": "采纳", "reason": ""})
        assert status == code, body
    assert snapshot(db) == after_one and after_one[0] == before[0] + 1

    # the department returns it; a second decision is refused
    status, _, _ = dept.request(f"/reports/{n}/decide", {"csrf": dept.csrf(where), "outcome": "退回", "reason": "请附表扬通报"})
    assert status == 303
    status, _, body = dept.request(f"/reports/{n}/decide", {"csrf": dept.csrf(where), "outcome": "采纳", "reason": ""})
    assert status == 409 and "审核结果不可更改" in body
    page = rulin.json(where)[1]
    assert (page["outcome"], page["decision_reason"], page["may_correct"]) == ("退回", "请附表扬通报", True)


def test_verify_finds_an_evidence_file_changed_or_removed_outside_kaohe(tmp_path):
    # kaohe verify checks the files kept outside the database too: each against the SHA-256 recorded
    # when it was filed (kaohe.office.evidence.unchanged, called by the CLI's verify)
    from kaohe.office.evidence import Upload, path_of, unchanged

    bureau, reg, db = make(tmp_path)
    office = Loaded(bureau, reg)
    entry = selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "市局通报表扬", actor=UNIT,
                             attrs={"type": "表扬"}, evidence=[Upload("表扬信.pdf", PDF)], form="k" * 24)
    where = Path(bureau.office.evidence_directory)
    with Store(db) as store:
        assert unchanged(store, where) == (1, [])
        kept = path_of(where, store.kept_evidence()[0][1]["sha256"])
        kept.write_bytes(PDF + b"%")  # a byte added outside kaohe
        assert unchanged(store, where) == (1, [f"工作自报第{entry['id']}号的证据文件 表扬信.pdf 已被改动(校验码与提交时记录的不符)"])
        kept.unlink()
        assert unchanged(store, where) == (1, [f"工作自报第{entry['id']}号的证据文件 表扬信.pdf 不在 {kept.parent} 中(被移走或删除)"])


def test_the_review_page_of_an_entry_in_a_locked_month_offers_only_to_return_it(tmp_path):
    """April published (locked by default): the department's review page of an entry dated 2015-04-10
    says why it cannot be accepted now and offers only 退回; an entry dated in May (not published)
    still offers 采纳. Accepting it anyway is still refused by the use case (the test above)."""
    import datetime as dt

    from kaohe.office.publication import publish

    bureau, reg, db = make(tmp_path)
    office = Loaded(bureau, reg)
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-04"), published_on=dt.date(2015, 4, 27), actor="test", write=False)
    april = selfreport.enter(office, "rulin", "testdept.praise", "2015-04-10", "市局通报表扬", actor=UNIT, attrs={"type": "表扬"}, form="a" * 24)
    may = selfreport.enter(office, "rulin", "testdept.praise", "2015-04-25", "市局通报表扬", actor=UNIT, attrs={"type": "表扬"}, form="b" * 24)
    with running(bureau) as base:
        dept = signed_in(base, "dept")
        status, _, body = dept.get(f"/reports/{april['id']}")
        assert status == 200
        assert "属 2015-04,2015-04 已发布第1版,已锁定" in body and 'value="采纳"' not in body and 'value="退回"' in body
        assert dept.json(f"/reports/{april['id']}")[1]["held"].startswith(f"自报第{april['id']}号的日期 2015-04-10 属 2015-04")
        status, _, body = dept.get(f"/reports/{may['id']}")
        assert status == 200 and 'value="采纳"' in body and "已锁定" not in body
        assert dept.json(f"/reports/{may['id']}")[1]["held"] is None
