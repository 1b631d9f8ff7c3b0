"""Publication (issue 10): frozen editions, appeals against single deductions, adjustments, data
status and the audit trail — on the three-station bureau of office_bureau.py, worked by hand.

Edition 1 of 2015-04 (published 2015-05-06, a Wednesday): 丙 100 (1st), 乙 97 (2nd), 甲 96 (3rd).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import zlib
from decimal import Decimal
from contextlib import ExitStack
from pathlib import Path

import attrs
import office_bureau as ob
import pytest
from pg_support import BACKENDS, backend, sqlite_only
from kaohe.office.ingest import ingest
from kaohe.scheme.config import load_bureau
from kaohe.store.integrity import register
from kaohe.core.errors import KaoheError
from kaohe.core.periods import Period
from kaohe.scoring.pipeline import score
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.core.actor import Actor
from kaohe.office.appeals import decide_appeal, file_appeal
from kaohe.office.lock import unlock
from kaohe.office.session import Loaded
from kaohe.office.publication import publish
from kaohe.scoring.sources import StoreSource
from kaohe.store.store import Store

APRIL = Period.parse("2015-04")
PUBLISHED = dt.date(2015, 5, 6)  # a Wednesday: 2 working days → Friday 2015-05-08


@pytest.fixture(params=BACKENDS)
def office(request, tmp_path, monkeypatch):
    """Builds the bureau on each backend (SQLite's file, a PostgreSQL schema of its own per bureau)."""
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    opened = ExitStack()
    request.addfinalizer(opened.close)

    def build(extra: str = "", rows: list[str] | None = None, directory: Path | None = None):
        d = directory or tmp_path / "bureau"
        config = ob.make(d, extra, rows)
        if request.param == "postgresql":  # as a server's credentials are given: the same kaohe.toml (its text is in the editions)
            monkeypatch.setenv("KAOHE_DATABASE_URL", opened.enter_context(backend(request.param)))
        reg = load_registry(get_plugin_manager())
        bureau = load_bureau(config, reg)
        store = Store(bureau.database)
        opened.callback(store.close)  # before its schema is dropped
        report = ingest(store, bureau, reg, d / "register.csv", actor="考核办 录入员")
        assert not report.rejected
        return bureau, reg, store

    return build


def unlocked(bureau, reg, reason: str) -> None:
    """The office unlocks 2015-04 (published: locked, ``[publication] lock`` by default) to correct it."""
    assert unlock(Loaded(bureau, reg), APRIL, reason, Actor("考核办")).period == "2015-04"


def totals(edition):
    return {u["unit"]: (Decimal(u["total"]), u["rank"]) for u in edition["data"]["results"]}


def test_first_edition_holds_the_hand_worked_ranking(office):
    bureau, reg, store = office()
    done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED, actor="考核办", write=False)
    assert (done.number, done.new, done.reason) == (1, True, "首次发布")
    e = store.edition("2015-04")
    assert totals(e) == {"c": (Decimal(100), 1), "b": (Decimal(97), 2), "a": (Decimal(96), 3)}
    # the payload is what its digest says, and holds what produced it
    assert hashlib.sha256(e["bytes"]).hexdigest() == e["digest"] == done.digest
    data = e["data"]
    assert [i["id"] for i in data["items"]] == ["office.late", "office.minor"]
    assert data["items"][0]["params"]["points"] == "-2"
    assert data["inputs"]["records"] == 4 and [i["file"] for i in data["inputs"]["imports"]] == ["register.csv"]
    assert "测试区公安分局" in data["config"]["text"]
    assert {p["name"] for p in data["plugins"]} == {"office"}


def test_an_appeal_that_voids_a_record_flips_two_ranks(office):
    """甲 appeals L2 (−2): voided, 甲 = 100 − 2 = 98 > 乙 97, so 甲 goes 3rd → 2nd and 乙 2nd → 3rd."""
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    first = store.edition("2015-04", 1)

    a = file_appeal(store, bureau, APRIL, "甲派出所", "office.late", "系群众重复报警,已由邻所处置",
                    record="office.late:L2", received=dt.date(2015, 5, 8))
    assert (a["department"], Decimal(a["points"]), a["deadline"]) == ("考核办", Decimal(-2), "2015-05-08")
    assert [x["id"] for x in store.appeals(department="考核办", pending=True)] == [a["id"]]
    decide_appeal(store, bureau, a["id"], "撤销记录", "考核办 王某", "核实属重复报警")

    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 12), write=False)
    assert (done.number, done.new) == (2, True)
    assert totals(store.edition("2015-04")) == {"c": (Decimal(100), 1), "a": (Decimal(98), 2), "b": (Decimal(97), 3)}
    # what changed, and why
    d = done.changes
    assert {u.unit: (u.total, u.rank) for u in d.units} == {
        "a": ((Decimal(96), Decimal(98)), (3, 2)),
        "b": ((Decimal(97), Decimal(97)), (2, 3)),
    }
    [item] = next(u for u in d.units if u.unit == "a").items
    assert (item.item, item.before, item.after) == ("office.late", Decimal(-4), Decimal(-2))
    assert item.removed == ("-2 4月9日 二类警情 到场用时18分钟",)
    assert any("复查第1号" in w and "撤销记录" in w for w in d.why)
    assert "数据变化:记录由4条变为3条,作废的记录:office.late:L2" in d.why
    # the voided record stays, marked; edition 1 is untouched
    assert store.db.execute("SELECT voided FROM records WHERE key = 'office.late:L2'").fetchone() == (1,)
    again = store.edition("2015-04", 1)
    assert again["bytes"] == first["bytes"] and again["digest"] == first["digest"]
    assert totals(again)["a"] == (Decimal(96), 3)


def test_a_points_change_on_appeal_is_a_line_of_the_item(office):
    """甲 appeals L1 (−2), changed to −0.5: 甲 = 100 − 0.5 − 2 = 97.5 > 乙 97."""
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    a = file_appeal(store, bureau, APRIL, "a", "office.late", "到场用时含等候指令时间", record="office.late:L1",
                    received=PUBLISHED)
    decide_appeal(store, bureau, a["id"], "改分", "考核办 李某", "扣除等候时间后仅超时1分钟", points=Decimal("-0.5"))
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 12), write=False)
    assert totals(store.edition("2015-04"))["a"] == (Decimal("97.5"), 2)
    assert totals(store.edition("2015-04"))["b"] == (Decimal(97), 3)
    tree = next(u for u in store.edition("2015-04")["data"]["results"] if u["unit"] == "a")
    late = tree["categories"][0]["items"][0]
    assert late["points"] == "-2.5"
    assert late["lines"][-1]["points"] == "1.5" and "复查复核第1号改分" in late["lines"][-1]["reason"]
    assert any("改分,改为-0.5" in w for w in done.changes.why)
    # a decision is final
    with pytest.raises(KaoheError, match="决定不可更改"):
        decide_appeal(store, bureau, a["id"], "维持", "x", "y")


def test_an_appeal_after_the_deadline_is_refused(office):
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    with pytest.raises(KaoheError) as err:
        file_appeal(store, bureau, APRIL, "a", "office.late", "迟到的申请", record="office.late:L1", received=dt.date(2015, 5, 11))
    assert str(err.value) == (
        "已超过复查申请期限:2015-04 第1版于 2015-05-06 公布,须在公布后2个工作日内(截至 2015-05-08 星期五)提出;"
        "本申请于 2015-05-11 提出,不予受理"
    )
    assert store.appeals() == []


def test_the_deadline_skips_the_bureaus_holidays(office):
    """With 2015-05-07 a holiday, the two working days after Wednesday 05-06 are 05-08 and Monday 05-11."""
    bureau, reg, store = office('\n[appeals]\nworking_days = 2\nholidays = [2015-05-07]\n')
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    a = file_appeal(store, bureau, APRIL, "a", "office.late", "假期后提出", received=dt.date(2015, 5, 11))
    assert a["deadline"] == "2015-05-11"


def test_appeals_name_a_line_that_lost_points(office):
    bureau, reg, store = office()
    with pytest.raises(KaoheError, match="尚未发布通报"):
        file_appeal(store, bureau, APRIL, "a", "office.late", "x", received=PUBLISHED)
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    with pytest.raises(KaoheError, match="没有扣分"):
        file_appeal(store, bureau, APRIL, "c", "office.late", "丙所没有扣分", received=PUBLISHED)
    with pytest.raises(KaoheError) as err:
        file_appeal(store, bureau, APRIL, "a", "office.late", "别所的记录", record="office.late:L3", received=PUBLISHED)
    assert str(err.value) == (
        "甲派出所 的“接警后未按时到场”中没有记录 office.late:L3 的扣分;该项目扣分的记录为 office.late:L1、office.late:L2"
    )
    file_appeal(store, bureau, APRIL, "a", "office.late", "第一次", record="office.late:L1", received=PUBLISHED)
    with pytest.raises(KaoheError, match="未决的复查申请"):
        file_appeal(store, bureau, APRIL, "a", "office.late", "第二次", record="office.late:L1", received=PUBLISHED)


def test_a_published_edition_is_unchanged_by_a_data_correction(office, tmp_path):
    """The office corrects L3 (it was 台账, not a late arrival): edition 1 keeps 乙 at 97; edition 2
    has 乙 = 100 − 1 − 1 = 98. April is locked once published: the office unlocks it first."""
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    first = store.edition("2015-04", 1)
    fixed = tmp_path / "bureau" / "更正.csv"
    fixed.write_text(ob.HEADER + "L3,乙派出所,2015-04-10,office.minor,,,经核实为台账问题\n", encoding="utf-8")
    with pytest.raises(KaoheError, match="更正.csv 第2行:2015-04 已发布第1版,已锁定"):
        ingest(store, bureau, reg, fixed, actor="考核办")
    unlocked(bureau, reg, "L3 经核实为台账问题,更正")
    # L3's key is office.late:L3 (the kind is part of the key), so the correction is a new record
    # office.minor:L3 and the wrong one is voided by the office
    assert ingest(store, bureau, reg, fixed, actor="考核办").new == 1
    store.void_record("office.late:L3", "更正:该条为台账问题", "考核办")
    assert store.edition("2015-04", 1)["bytes"] == first["bytes"]
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 12), write=False)
    assert done.number == 2
    assert totals(store.edition("2015-04", 1))["b"] == (Decimal(97), 2)
    assert totals(store.edition("2015-04", 2))["b"] == (Decimal(98), 2)
    assert any("数据变化" in w and "更正.csv" in w for w in done.changes.why)


def test_a_corrected_record_replaces_the_old_version_but_not_the_edition(office, tmp_path):
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    first = store.edition("2015-04", 1)
    fixed = tmp_path / "bureau" / "更正.csv"
    fixed.write_text(ob.HEADER + "L2,甲派出所,2015-03-09,office.late,,,日期更正为3月\n", encoding="utf-8")
    # moved to March (not published), L2 leaves the locked April: refused until the office unlocks it
    with pytest.raises(KaoheError, match="更正.csv 第2行:记录 office.late:L2 原属 2015-04,2015-04 已发布第1版,已锁定"):
        ingest(store, bureau, reg, fixed, actor="考核办")
    unlocked(bureau, reg, "L2 日期录错,更正为3月")
    report = ingest(store, bureau, reg, fixed, actor="考核办")
    assert report.changed == 1 and report.corrected == ["office.late:L2"]
    assert store.edition("2015-04", 1)["bytes"] == first["bytes"]
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 12), write=False)
    assert totals(store.edition("2015-04", 2))["a"] == (Decimal(98), 2)
    [entry] = store.audit(action="导入", since="2000-01-01")[1:]
    assert json.loads(entry["detail"])["corrected"] == ["office.late:L2"]
    assert done.number == 2


def test_scoring_the_same_inputs_again_reproduces_the_edition_byte_for_byte(office, tmp_path):
    bureau, reg, store = office(directory=tmp_path / "one")
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    again = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 6, 1), write=False)
    assert (again.number, again.new, again.published_on) == (1, False, "2015-05-06")
    # another office, another database, the same files: the same bytes
    bureau2, reg2, store2 = office(directory=tmp_path / "two")
    other = publish(store2, bureau2, reg2, APRIL, published_on=dt.date(2016, 1, 4), write=False)
    assert store2.edition("2015-04")["bytes"] == store.edition("2015-04")["bytes"]
    assert other.digest == again.digest


def test_adjustments_count_once_show_their_reason_and_can_be_revoked(office):
    """通知单 +1.5 for 甲: 96 + 1.5 = 97.5 > 乙 97."""
    bureau, reg, store = office()
    adj = store.add_adjustment("2015-04", "a", Decimal("1.5"), "协助破获重大案件", "考核领导小组", kind="机动加分", actor="考核办")
    done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    a = done.result.unit("a")
    assert (a.total, a.rank, a.subtotal) == (Decimal("97.5"), 2, Decimal("97.5"))
    assert [(ln.points, ln.reason) for ln in a.adjustments] == [
        (Decimal("1.5"), "机动加分第1号:协助破获重大案件(批准:考核领导小组)")
    ]
    assert "考核办调整+1.5,计97.5" in a.explanation
    store.revoke_adjustment(adj.id, "重复登记", "考核办")
    with pytest.raises(KaoheError, match="已撤销"):
        store.revoke_adjustment(adj.id, "再撤", "考核办")
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 12), write=False)
    assert done.result.unit("a").total == Decimal(96)
    assert any("撤销机动加分第1号" in w for w in done.changes.why)
    # both stay on record
    rows = store.adjustment_rows("2015-04")
    assert len(rows) == 1 and rows[0]["revoked"]["reason"] == "重复登记"
    assert [r["action"] for r in store.audit(period="2015-04")] == ["导入", "调整", "发布", "撤销调整", "发布"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit SET actor = 'x'",
        "DELETE FROM audit",
        "UPDATE editions SET reason = 'x'",
        "DELETE FROM editions",
        "DELETE FROM records",
        "DELETE FROM imports",
        "UPDATE decisions SET outcome = '维持'",
        "DELETE FROM adjustments",
        "REPLACE INTO audit (id, time, actor, action) VALUES (1, '2015-01-01', '伪造', '导入')",
        "INSERT OR REPLACE INTO editions (id, period, number, digest) VALUES (1, '2015-04', 1, 'forged')",
        "INSERT OR REPLACE INTO editions (id, period, number, digest) VALUES (99, '2015-04', 1, 'forged')",
        "REPLACE INTO decisions (appeal, outcome) VALUES (1, '改分')",
    ],
)
def test_the_trail_and_the_editions_are_append_only(office, statement, request):
    sqlite_only(request, "另一个工具用 sqlite3 直接打开数据库文件")
    bureau, reg, store = office()
    store.add_adjustment("2015-04", "a", Decimal(1), "x", "考核领导小组")
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    a = file_appeal(store, bureau, APRIL, "a", "office.late", "x", received=PUBLISHED)
    decide_appeal(store, bureau, a["id"], "维持", "考核办", "维持")
    path = store.path
    store.close()
    other = sqlite3.connect(path)  # another tool, not kaohe
    # given kaohe's chain function (without it, any insert into a chained table fails: see
    # test_integrity), as a tool that copied it would be: the triggers refuse on their own
    register(other)
    assert other.execute("PRAGMA recursive_triggers").fetchone() == (0,)  # another tool's default
    with pytest.raises(sqlite3.IntegrityError, match="append-only|never removed"):
        other.execute(statement)
    other.close()


def test_status_shows_arrived_late_carried_and_missing_and_publishing_refuses(office, tmp_path):
    extra = '\n[carry_over]\n"考核办" = false\n[publication]\nmissing_data = "refuse"\ndata_due_days = 8\n'
    bureau, reg, store = office(extra)
    from kaohe.scoring.status import data_status

    [row] = data_status(store, bureau, reg, APRIL)
    assert (row.department, row.state, row.records) == ("考核办", "迟报", 4)  # imported today, due 2015-05-08
    assert row.due == dt.date(2015, 5, 8)
    [may] = data_status(store, bureau, reg, Period.parse("2015-05"))
    assert may.state == "未报送"
    with pytest.raises(KaoheError, match="2015-05 数据不全.*考核办 2015-05 没有数据"):
        publish(store, bureau, reg, Period.parse("2015-05"), write=False)
    assert store.editions("2015-05") == []


def test_missing_data_refuses_by_default_and_carry_over_counts(office):
    bureau, reg, store = office('\n[carry_over]\n"考核办" = true\n')
    from kaohe.scoring.status import data_status

    [may] = data_status(store, bureau, reg, Period.parse("2015-05"))
    assert may.state == "沿用上期"
    [june] = data_status(store, bureau, reg, Period.parse("2015-06"))
    assert june.state == "未报送"
    with pytest.raises(KaoheError, match='2015-06 数据不全.*考核办 2015-06 没有数据.*--allow-missing "理由"'):
        publish(store, bureau, reg, Period.parse("2015-06"), published_on=dt.date(2015, 7, 6), write=False)
    assert store.editions("2015-06") == []
    with pytest.raises(KaoheError, match="须写明确认发布的理由"):
        publish(store, bureau, reg, Period.parse("2015-06"), write=False, allow_missing="  ")
    # the department confirms it had nothing to report: no longer missing
    store.sign_off("考核办", "2015-06", "考核办 张某", "本月无事项")
    [june] = data_status(store, bureau, reg, Period.parse("2015-06"))
    assert june.state == "确认无数据" and not june.missing
    done = publish(store, bureau, reg, Period.parse("2015-06"), published_on=dt.date(2015, 7, 6), write=False)
    assert done.warnings == () and done.number == 1
    assert "completeness" not in store.edition("2015-06")["data"]


def test_missing_data_published_with_a_recorded_confirmation(office):
    # June: 考核办 sent nothing. Its items are not scored (every unit 100: no line counts the silence),
    # each unit's item says so, and publishing needs the office's reason, which the edition and the
    # audit trail keep.
    bureau, reg, store = office()
    june = Period.parse("2015-06")
    done = publish(store, bureau, reg, june, published_on=dt.date(2015, 7, 6), write=False, allow_missing="考核办6月登记表延迟,先行通报")
    assert done.warnings == ("考核办 2015-06 没有数据(未报送,或本期确无需报送的事项:后者请该部门签收确认)",)
    e = store.edition("2015-06")
    assert e["reason"] == "首次发布;数据不全,经确认发布:考核办6月登记表延迟,先行通报"
    assert e["data"]["completeness"] == {
        "confirmed": "考核办6月登记表延迟,先行通报", "empty": ["2015-06"],
        "missing": [{"department": "考核办", "period": "2015-06", "unit": None, "name": None, "item": None, "title": None,
                     "text": "考核办 2015-06 数据未报送"}],
    }
    assert totals(e) == {"a": (Decimal(100), 1), "b": (Decimal(100), 1), "c": (Decimal(100), 1)}
    tree = next(u for u in e["data"]["results"] if u["unit"] == "a")
    lines = [ln for c in tree["categories"] for i in c["items"] for ln in i["lines"]]
    assert lines and all(ln["missing"] == "2015-06" and "考核办 2015-06 数据未报送" in ln["reason"] for ln in lines)
    assert "数据缺失" in tree["flags"] and "末位" not in tree["flags"]
    [entry] = store.audit(period="2015-06", action="确认缺数据发布")
    assert entry["subject"] == "2015-06#1" and "考核办6月登记表延迟" in entry["detail"]


def test_signoff_required(office):
    bureau, reg, store = office('\n[publication]\nmissing_data = "refuse"\nrequire_signoff = true\n')
    with pytest.raises(KaoheError, match="数据未经部门签收"):
        publish(store, bureau, reg, APRIL, write=False)
    store.sign_off("考核办", "2015-04", "考核办 张某")
    assert publish(store, bureau, reg, APRIL, write=False).number == 1


def test_edition_payload_is_compressed_canonical_json(office):
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    raw = store.db.execute("SELECT payload FROM editions").fetchone()[0]
    text = zlib.decompress(raw)
    assert json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() == text


def test_a_record_is_appealed_against_its_months_edition_not_the_quarters(office):
    bureau, reg, store = office()
    q2 = Period.parse("2015-Q2")
    publish(store, bureau, reg, q2, published_on=dt.date(2015, 7, 6), write=False, allow_missing="五、六月无登记")
    assert totals(store.edition("2015-Q2"))["a"] == (Decimal(296), 3)  # April 96 + May 100 + June 100
    with pytest.raises(KaoheError, match="在各月计分:请针对该扣分所在月的通报申请复查"):
        file_appeal(store, bureau, q2, "a", "office.late", "x", record="office.late:L2", received=dt.date(2015, 7, 7))
    # nor the whole item: it is scored in the months, and changed there
    with pytest.raises(KaoheError, match="在各月计分:请针对该扣分所在月的通报申请复查"):
        file_appeal(store, bureau, q2, "a", "office.late", "x", received=dt.date(2015, 7, 7))


def test_a_decision_is_final_even_through_adjustments(office):
    """A points change decided on appeal is an adjustment of the item; it cannot be revoked like a
    通知单, and the change must lessen or cancel the deduction."""
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    a = file_appeal(store, bureau, APRIL, "a", "office.late", "x", record="office.late:L1", received=PUBLISHED)
    with pytest.raises(KaoheError, match="改后分值与原分值 -2 相同"):
        decide_appeal(store, bureau, a["id"], "改分", "考核办", "y", points=Decimal(-2))
    with pytest.raises(KaoheError, match="改后分值应在 -2 与 0 之间"):
        decide_appeal(store, bureau, a["id"], "改分", "考核办", "y", points=Decimal(1))
    with pytest.raises(KaoheError, match="改后分值应在 -2 与 0 之间"):
        decide_appeal(store, bureau, a["id"], "改分", "考核办", "y", points=Decimal(-3))
    d = decide_appeal(store, bureau, a["id"], "改分", "考核办", "y", points=Decimal(0))
    with pytest.raises(KaoheError, match=f"第{d['adjustment']}号调整是复查复核第1号的改分决定"):
        store.revoke_adjustment(d["adjustment"], "想撤销")
    assert store.adjustment(d["adjustment"]).text("甲派出所").startswith("复查复核第1号改分(调整第1号) 2015-04 甲派出所 项目 office.late +2")


def test_a_new_edition_cannot_be_dated_before_the_last(office):
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    store.add_adjustment("2015-04", "a", Decimal(1), "x", "考核领导小组")
    with pytest.raises(KaoheError, match="公布日期 2015-05-01 早于 2015-04 第1版的公布日期 2015-05-06"):
        publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 1), write=False)
    assert [e["number"] for e in store.editions("2015-04")] == [1]


def test_a_lost_file_of_an_edition_is_written_again(office, tmp_path):
    bureau, reg, store = office()
    done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED, out=tmp_path / "out")
    assert done.directory == tmp_path / "out" / "第1版"
    (done.directory / "通报-2015-04.xlsx").unlink()
    again = publish(store, bureau, reg, APRIL, out=tmp_path / "out")
    assert (again.number, again.new) == (1, False)
    assert sorted(p.name for p in again.directory.iterdir()) == ["index.html", "report-2015-04.json", "通报-2015-04.xlsx"]


def test_an_edition_directory_made_by_another_run_while_writing_is_kept_and_completed(office, tmp_path, monkeypatch):
    """Two publishes at once: the other run renames its 第1版 into place after this run looked and
    before it renames its own (CI saw "Directory not empty"). This run keeps the other's files and
    adds only what is missing; nothing fails."""
    import kaohe.office.publication as publication

    bureau, reg, store = office()
    out = tmp_path / "out"
    real = publication.os.replace

    def other_run_finishes_first(src, dst):  # type: ignore[no-untyped-def]
        theirs = out / "第1版"
        if Path(dst) == theirs and not theirs.exists():  # just before this run renames its directory
            theirs.mkdir()
            (theirs / "index.html").write_bytes((Path(src) / "index.html").read_bytes())
        return real(src, dst)

    monkeypatch.setattr(publication.os, "replace", other_run_finishes_first)
    done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED, out=out)
    assert (done.number, done.new) == (1, True)
    assert sorted(p.name for p in (out / "第1版").iterdir()) == ["index.html", "report-2015-04.json", "通报-2015-04.xlsx"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".kaohe-")] == []


def test_a_decided_deduction_is_not_appealed_again(office):
    """甲's L1 (−2) changed to −0.5 on appeal 1: a second appeal on L1, or on the whole item, would
    stack a second change on the first (−2 + 1.5 + 2 = +1.5, a bonus): refused."""
    bureau, reg, store = office()
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    a = file_appeal(store, bureau, APRIL, "a", "office.late", "x", record="office.late:L1", received=PUBLISHED)
    decide_appeal(store, bureau, a["id"], "改分", "考核办", "y", points=Decimal("-0.5"))
    publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 7), write=False)
    for record in ("office.late:L1", None):
        with pytest.raises(KaoheError, match=re.escape("这项扣分已由复查复核第1号决定(改分,考核办)")):
            file_appeal(store, bureau, APRIL, "a", "office.late", "再申请", record=record, received=dt.date(2015, 5, 8))
    # another record of the same item is another deduction
    b = file_appeal(store, bureau, APRIL, "a", "office.late", "x", record="office.late:L2", received=dt.date(2015, 5, 8))
    decide_appeal(store, bureau, b["id"], "撤销记录", "考核办", "重复")
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 11), write=False)
    assert done.result.unit("a").total == Decimal("99.5")  # 100 − 2 + 1.5 (L1 changed), L2 voided


def test_a_whole_item_appeal_gets_the_points_decided_under_the_items_floor(office):
    """The item floored at −3 (扣完为止): 甲 with L1, L2 and a third late arrival has lines
    −6 and the item −3. Decided: the item −1. The change is made on the lines (−6 → −1, +5), so the
    floor no longer bites and the item is −1: 甲 = 100 − 1 = 99."""
    rows = [*ob.APRIL, "L4,甲派出所,2015-04-20,office.late,,,第三次"]
    bureau, reg, store = office("", rows)
    late = bureau.item("office.late")
    bureau = bureau.evolve(items=tuple(attrs.evolve(i, floor=Decimal(-3)) if i is late else i for i in bureau.items))
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    assert totals(store.edition("2015-04"))["a"] == (Decimal(97), 2)  # level with 乙 (97): both 2nd
    a = file_appeal(store, bureau, APRIL, "a", "office.late", "三次均系同一警情", received=PUBLISHED)
    assert Decimal(a["points"]) == Decimal(-3)
    decide_appeal(store, bureau, a["id"], "改分", "考核办", "按一次计", points=Decimal(-1))
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 7), write=False)
    assert done.result.unit("a").total == Decimal(99)


def test_what_changes_while_publishing_is_scored_again(office, monkeypatch):
    """Another process records a 通知单 while publish is scoring from its snapshot: the edition must
    not be made from the older state (甲 would be 96 instead of 96 + 3 = 99)."""
    import kaohe.office.publication as publication

    bureau, reg, store = office()
    real = publication.payload_chunks
    calls = []

    def meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not calls:
            with Store(store.path) as other:
                other.add_adjustment("2015-04", "a", Decimal(3), "协助破案", "考核领导小组")
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(publication, "payload_chunks", meanwhile)
    done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    assert len(calls) == 2
    assert totals(store.edition("2015-04"))["a"] == (Decimal(99), 2) and done.number == 1


def test_the_edition_does_not_depend_on_earlier_scoring_runs(office, tmp_path):
    """甲 is last in February, March and April (three 末位 running). In one office March was scored
    (and stored) before its March record was voided; the other never scored March. Their April
    editions must be the same: 甲 is not last in March once the record is voided."""
    rows = [
        *ob.APRIL,
        "F1,甲派出所,2015-02-05,office.late,,,二月",
        "R1,甲派出所,2015-03-05,office.late,,,三月",
    ]
    from kaohe.office.jobs import score_period

    bureau1, reg1, store1 = office("", rows, directory=tmp_path / "one")
    score_period(store1, bureau1, reg1, Period.parse("2015-03"))
    assert "末位" in store1.scores("2015-03")[-1]["flags"]
    store1.void_record("office.late:R1", "错报", "考核办")
    bureau2, reg2, store2 = office("", rows, directory=tmp_path / "two")
    store2.void_record("office.late:R1", "错报", "考核办")
    one = publish(store1, bureau1, reg1, APRIL, published_on=PUBLISHED, write=False)
    two = publish(store2, bureau2, reg2, APRIL, published_on=PUBLISHED, write=False)
    assert one.digest == two.digest
    assert "连续3期排名末位" not in one.result.unit("a").flags


def test_a_quarters_adjustment_counts_in_the_half_year_and_the_year(office):
    """+5 for 乙 named for 2015-Q2: Q2 = 97 + 100 + 100 + 5 = 302; H1 (six months, sum) = 100 × 3 +
    97 + 100 + 100 + 5 = 602; the year (mean of 12 months, then the adjustment) = (11 × 100 + 97) / 12
    = 99.75 + 5 = 104.75."""
    bureau, reg, store = office()
    store.add_adjustment("2015-Q2", "b", Decimal(5), "季度通知单", "考核领导小组")
    store.add_adjustment("2015-04", "a", Decimal(-1), "月通知单", "考核领导小组")
    source = StoreSource(store, bureau, reg)

    q2 = score(bureau, Period.parse("2015-Q2"), source)
    h1 = score(bureau, Period.parse("2015-H1"), source)
    year = score(bureau, Period.parse("2015"), source)
    assert q2.unit("b").total == Decimal(302) and h1.unit("b").total == Decimal(602)
    assert year.unit("b").total == Decimal("104.75")
    assert [ln.reason for ln in h1.unit("b").adjustments] == ["[2015-Q2] 通知单第1号:季度通知单(批准:考核领导小组)"]
    # the month's −1 is in April's total: said in the quarter's explanation, not added again
    assert q2.unit("a").total == Decimal(295)  # 95 + 100 + 100
    assert "2015-04考核办调整-1已计入该期得分" in q2.unit("a").explanation


def test_a_signoff_before_a_later_import_does_not_count(office, tmp_path):
    bureau, reg, store = office('\n[publication]\nrequire_signoff = true\nmissing_data = "refuse"\n')
    store.sign_off("考核办", "2015-04", "考核办 张某")
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    fixed = tmp_path / "bureau" / "补报.csv"
    fixed.write_text(ob.HEADER + "L9,丙派出所,2015-04-15,office.late,,,补报\n", encoding="utf-8")
    import time

    time.sleep(1.1)  # times are kept to the second
    unlocked(bureau, reg, "丙派出所补报")  # published: locked until the office unlocks it
    ingest(store, bureau, reg, fixed, actor="考核办")
    with pytest.raises(KaoheError, match="考核办 2015-04 数据未经部门签收"):
        publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    # the import of register.csv brought April and is found by its month
    assert [r["subject"] for r in store.audit(period="2015-04", action="导入")] == ["register.csv", "补报.csv"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('\n[publication]\nmissing_data = "ignore"\n', "publication.missing_data"),
        ("\n[publication]\ndata_due_days = -1\n", "publication.data_due_days"),
        # 10^14 days once passed, and status and publish ended in an OverflowError traceback
        ("\n[publication]\ndata_due_days = 100000000000000\n", "publication.data_due_days: 应为 0-366 的整数"),
        ("\n[publication]\ndata_due_days = 367\n", "publication.data_due_days"),
        ('\n[publication]\nrequire_signoff = "yes"\n', "publication.require_signoff"),
        ("\n[publication]\nmissing = 1\n", "publication.missing"),
    ],
)
def test_publication_settings_errors_name_the_key(tmp_path, monkeypatch, extra, message):
    from kaohe.core.errors import ConfigError

    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    config = ob.make(tmp_path, extra)
    with pytest.raises(ConfigError) as err:
        load_bureau(config, load_registry(get_plugin_manager()))
    assert "kaohe.toml" in str(err.value) and message in str(err.value)


def test_the_appeal_deadline_is_two_working_days_when_not_set(office):
    bureau, reg, store = office()
    assert bureau.appeal_working_days is None and bureau.appeal_days == 2
    publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 8), write=False)  # a Friday
    a = file_appeal(store, bureau, APRIL, "a", "office.late", "x", received=dt.date(2015, 5, 12))
    assert a["deadline"] == "2015-05-12"  # Monday 11th, Tuesday 12th


def test_audit_filters_by_day_and_action(office):
    bureau, reg, store = office()
    today = dt.date.today().isoformat()
    assert [r["action"] for r in store.audit(since=today, until=today)] == ["导入"]
    assert store.audit(until="2000-01-01") == [] and store.audit(action="发布") == []


@pytest.mark.parametrize("first", ["record", "item"])
def test_two_pending_appeals_against_one_deduction_change_it_once(office, tmp_path, first):
    """乙 has one late arrival L3 (−2) and 台账 M1 (−1): 97. It files an appeal on the record L3 and
    one on the whole item 接警后未按时到场 (−2) before either is decided. Both granted in full would
    give the item −2 + 2 (L3 voided) + 2 (item changed from −2 to 0) = +2 and 乙 100 + 2 − 1 = 101.
    Only the first change stands: record first (L3 voided) → the item 0, 乙 100 − 1 = 99; item first
    (changed to −1) → 乙 100 − 1 − 1 = 98. The second can only be 维持, which changes nothing."""
    bureau, reg, store = office(directory=tmp_path / first)
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    rec = file_appeal(store, bureau, APRIL, "b", "office.late", "重复报警", record="office.late:L3", received=PUBLISHED)
    whole = file_appeal(store, bureau, APRIL, "b", "office.late", "全项有误", received=PUBLISHED)
    assert Decimal(rec["points"]) == Decimal(whole["points"]) == Decimal(-2)
    if first == "record":
        decide_appeal(store, bureau, rec["id"], "撤销记录", "考核办", "核实重复")
        with pytest.raises(KaoheError, match=re.escape(f"其中记录 office.late:L3 已改过分,整个项目不再改分;本申请只能维持")):
            decide_appeal(store, bureau, whole["id"], "改分", "考核办", "全项取消", points=Decimal(0))
        later, expected = whole, Decimal(99)
    else:
        decide_appeal(store, bureau, whole["id"], "改分", "考核办", "按一次计", points=Decimal(-1))
        with pytest.raises(KaoheError, match="整个项目改过分的,不再受理其中单条记录的申请"):
            decide_appeal(store, bureau, rec["id"], "撤销记录", "考核办", "核实重复")
        with pytest.raises(KaoheError, match="整个项目改过分的"):
            decide_appeal(store, bureau, rec["id"], "改分", "考核办", "核实重复", points=Decimal(0))
        later, expected = rec, Decimal(98)
    # the refused decisions left nothing behind: one adjustment at most, L3 voided only by a decision
    assert len(store.adjustment_rows("2015-04")) == (0 if first == "record" else 1)
    voided = store.db.execute("SELECT voided FROM records WHERE key = 'office.late:L3'").fetchone()[0]
    assert voided == (1 if first == "record" else 0)
    assert store.appeal(later["id"])["outcome"] is None
    decide_appeal(store, bureau, later["id"], "维持", "考核办", "已由另一申请决定")
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 7), write=False)
    assert done.result.unit("b").total == expected


SECOND_ITEM = """
[[office_items]]
id = "office.late_extra"
title = "超时到场另扣"
department = "考核办"
category = "jichu"
reference = "seed 000 l.548"
reads = ["office.late"]
shape = "per_occurrence"
params = { points = -1 }
"""


@pytest.mark.parametrize("first", ["item", "void"])
def test_a_record_read_by_two_items_is_not_voided_under_the_other_items_change(office, tmp_path, first):
    """A second item 超时到场另扣 (−1 a time) reads the same late arrivals: 乙's L3 costs −2 in
    接警后未按时到场 and −1 in 超时到场另扣; with 台账 M1, 乙 = 100 − 2 − 1 − 1 = 96. 乙 appeals the whole
    of 超时到场另扣 (−1) and the record L3 in 接警后未按时到场 (−2).

    item first: 超时到场另扣 changed from −1 to 0 (+1). Voiding L3 would take it out of that item too:
    −1 + 1 + 1 = +1 there, past 0 (乙 100 − 0 + 1 − 1 = 100); it is refused. L3's line may still be
    changed in its own item, −2 to 0 (+2): 乙 = 100 − 2 + 2 − 1 + 1 − 1 = 99.
    void first: L3 voided (out of both items: 乙 100 − 1 = 99); the whole item can then only be kept."""
    bureau, reg, store = office(SECOND_ITEM, directory=tmp_path / first)
    done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    assert done.result.unit("b").total == Decimal(96)
    whole = file_appeal(store, bureau, APRIL, "b", "office.late_extra", "全项有误", received=PUBLISHED)
    rec = file_appeal(store, bureau, APRIL, "b", "office.late", "重复报警", record="office.late:L3", received=PUBLISHED)
    assert (Decimal(whole["points"]), Decimal(rec["points"])) == (Decimal(-1), Decimal(-2))
    if first == "item":
        decide_appeal(store, bureau, whole["id"], "改分", "考核办", "全项取消", points=Decimal(0))
        with pytest.raises(KaoheError) as exc:
            decide_appeal(store, bureau, rec["id"], "撤销记录", "考核办", "核实重复")
        assert str(exc.value) == (
            f"第{rec['id']}号复查申请针对的记录 office.late:L3 也计入项目“超时到场另扣”(2015-04),"
            f"该项目已由复查复核第{whole['id']}号整项改分(考核办):撤销这条记录会使该项目的改后分值越过 0;"
            "本申请只能维持(--keep)或改分(--points)"
        )
        assert store.db.execute("SELECT voided FROM records WHERE key = 'office.late:L3'").fetchone()[0] == 0
        decide_appeal(store, bureau, rec["id"], "改分", "考核办", "核实重复", points=Decimal(0))
        expected = Decimal(99)
    else:
        decide_appeal(store, bureau, rec["id"], "撤销记录", "考核办", "核实重复")
        with pytest.raises(KaoheError, match=re.escape("记录 office.late:L3 已作废(另一期或另一项目的复查决定)")):
            decide_appeal(store, bureau, whole["id"], "改分", "考核办", "全项取消", points=Decimal(0))
        expected = Decimal(99)
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 7), write=False)
    assert done.result.unit("b").total == expected
    lines = {i.item: i.points for c in done.result.unit("b").categories for i in c.items}
    assert lines["office.late_extra"] <= 0 and lines["office.late"] <= 0


def test_a_record_voided_through_another_periods_line_is_not_changed_again(office):
    """The office carries its data over: May has none, so April's records stand in for May (L3 as
    office.late:L3@2015-05). 乙 appeals L3 in April (record and whole item), and May's carried L3;
    May's is decided first: L3 voided, which takes it out of April too (乙 April 100 − 1 = 99). April's
    appeals can then only be kept: a change to 0 on top of the voiding would add +2 (乙 101)."""
    bureau, reg, store = office('\n[carry_over]\n"考核办" = true\n')
    may = Period.parse("2015-05")
    publish(store, bureau, reg, APRIL, published_on=PUBLISHED, write=False)
    rec = file_appeal(store, bureau, APRIL, "b", "office.late", "重复", record="office.late:L3", received=PUBLISHED)
    whole = file_appeal(store, bureau, APRIL, "b", "office.late", "全项", received=PUBLISHED)
    publish(store, bureau, reg, may, published_on=dt.date(2015, 6, 3), write=False)
    carried = file_appeal(store, bureau, may, "b", "office.late", "沿用的记录有误", record="office.late:L3@2015-05",
                          received=dt.date(2015, 6, 3))
    decide_appeal(store, bureau, carried["id"], "撤销记录", "考核办", "重复报警")
    for appeal, points in ((rec, Decimal(0)), (whole, Decimal(0)), (whole, Decimal(-1))):
        with pytest.raises(KaoheError, match=re.escape("记录 office.late:L3 已作废(另一期或另一项目的复查决定),不再计分")):
            decide_appeal(store, bureau, appeal["id"], "改分", "考核办", "取消", points=points)
    with pytest.raises(KaoheError, match="已作废"):
        decide_appeal(store, bureau, rec["id"], "撤销记录", "考核办", "重复")
    assert store.adjustment_rows("2015-04") == []
    done = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 6, 4), write=False)
    assert done.result.unit("b").total == Decimal(99)


def test_an_edition_published_in_json_version_1_still_verifies_and_compares(office, monkeypatch):
    """An edition published before the report JSON's version 2 (its file written by the version-1
    encoder, the audit trail's record of its files without ``json_version``, as the code before
    wrote it): ``kaohe verify`` finds it intact, its missing JSON is written again in version 1 byte
    for byte, and the next edition, in version 2, compares with it (``kaohe diff``); the trees read
    from both files agree where nothing changed."""
    from kaohe.report import expand, jsondata

    bureau, reg, store = office()
    d = Path(bureau.source).parent
    first = d / "published" / "2015-04" / "第1版" / "report-2015-04.json"
    with monkeypatch.context() as m:
        m.setattr(jsondata, "VERSION", 1)
        done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED)
    old_bytes = first.read_bytes()
    old = json.loads(old_bytes)
    assert done.number == 1 and old["version"] == 1 and "items" not in old
    trail = [json.loads(e["detail"]) for e in store.audit(action="发布文件")]
    assert len(trail) == 1 and "json_version" not in trail[0]
    assert ob.kaohe(d, "verify").returncode == 0

    first.unlink()  # written again in the layout it was published in
    again = publish(store, bureau, reg, APRIL, published_on=PUBLISHED)
    assert (again.number, again.new) == (1, False) and first.read_bytes() == old_bytes

    store.add_adjustment("2015-04", "b", Decimal("-0.5"), "倒查发现台账问题", "考核领导小组")
    second = publish(store, bureau, reg, APRIL, published_on=dt.date(2015, 5, 12))
    new = json.loads((second.directory / "report-2015-04.json").read_text(encoding="utf-8"))
    assert second.number == 2 and new["version"] == 3 and new["edition"]["number"] == 2
    assert json.loads(store.audit(action="发布文件")[-1]["detail"])["json_version"] == 3
    verified = ob.kaohe(d, "verify")
    assert verified.returncode == 0 and "6 个已发布文件核对无误" in verified.stdout  # both editions' files
    diff = json.loads(ob.kaohe(d, "diff", "2015-04#1", "2015-04#2", "--json").stdout)
    assert {u["unit"]: u["total"] for u in diff["units"]} == {"b": ["97", "96.5"]}
    trees_1 = {u["unit"]: u for u in old["units"]}
    trees_2 = {u["unit"]: u for u in expand(new)["units"]}
    for unit in ("a", "c"):  # unchanged units: the same tree (the series' mean in the chart moved with b)
        assert trees_2[unit]["categories"] == trees_1[unit]["categories"] and trees_2[unit]["total"] == trees_1[unit]["total"]
    assert trees_2["b"]["total"] == "96.5" and trees_1["b"]["total"] == "97"


def test_a_lost_workbook_of_layout_1_is_written_again_byte_for_byte(office, monkeypatch, tmp_path):
    """An edition published before the workbook's layout 2 (its number columns measured as ``str``
    gives the numbers a scoring computed, the record of its files without ``xlsx_layout``, as the
    code before wrote them): its lost workbook is written again byte for byte, from the period scored
    again (the stored results keep each number as printed: a layout-1 workbook made from them is
    not the one published); ``kaohe verify`` finds the edition intact."""
    import attrs
    import kaohe.office.publication as publication
    from kaohe.office.results import stored_whole
    from kaohe.report import xlsx

    bureau, reg, store = office()
    store.add_adjustment(  # an item's line of points written as they were given
        "2015-04", "b", Decimal("-0.500000"), "复查改分", "考核办", kind="复查改分", item="office.late", actor="考核办",
    )
    d = Path(bureau.source).parent
    book = d / "published" / "2015-04" / "第1版" / "通报-2015-04.xlsx"
    with monkeypatch.context() as m:
        m.setattr(xlsx, "LAYOUT", 1)
        m.setattr(publication, "_stored", lambda *a: None)  # scored from its snapshot, as before
        done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED)
    old = book.read_bytes()
    trail = [json.loads(e["detail"]) for e in store.audit(action="发布文件")]
    assert len(trail) == 1 and "xlsx_layout" not in trail[0]
    stored = stored_whole(store, bureau, reg, APRIL)
    assert stored is not None and stored == done.result
    other, _ = publication.write_edition(store, bureau, reg, attrs.evolve(done, result=stored), tmp_path / "from-stored", xlsx_layout=1)
    assert (other / book.name).read_bytes() != old  # the numbers' printed widths, not the computed ones

    book.unlink()
    again = publish(store, bureau, reg, APRIL, published_on=PUBLISHED)
    assert (again.number, again.new) == (1, False) and book.read_bytes() == old
    assert ob.kaohe(d, "verify").returncode == 0


def test_a_month_stored_before_the_month_its_flags_read_was_scored_again_is_out_of_date(office, tmp_path):
    """甲 is last in February, March and April. March's record is voided, then April scored (and
    stored) while March's stored results still had 甲 last: April's 末位 flag read them. Once March
    is scored again, April's stored results say they are out of date, and its edition is the one of
    an office that never stored anything: 甲 is not last three periods running."""
    from kaohe.office.jobs import score_period
    from kaohe.office.results import staleness

    rows = [*ob.APRIL, "F1,甲派出所,2015-02-05,office.late,,,二月", "R1,甲派出所,2015-03-05,office.late,,,三月"]
    bureau1, reg1, store1 = office("", rows, directory=tmp_path / "one")
    march = Period.parse("2015-03")
    score_period(store1, bureau1, reg1, march)
    store1.void_record("office.late:R1", "错报", "考核办")
    score_period(store1, bureau1, reg1, APRIL)
    assert "连续3期排名末位" in store1.scores("2015-04")[-1]["flags"]  # read from March as stored then
    assert staleness(store1, bureau1, APRIL) is None
    score_period(store1, bureau1, reg1, march)
    assert staleness(store1, bureau1, APRIL) == "此后 2015-03 的计算结果已改变"
    bureau2, reg2, store2 = office("", rows, directory=tmp_path / "two")
    store2.void_record("office.late:R1", "错报", "考核办")
    one = publish(store1, bureau1, reg1, APRIL, published_on=PUBLISHED, write=False)
    two = publish(store2, bureau2, reg2, APRIL, published_on=PUBLISHED, write=False)
    assert one.digest == two.digest
    assert "连续3期排名末位" not in one.result.unit("a").flags
    assert staleness(store1, bureau1, APRIL) is None


def test_a_folded_items_lines_in_the_edition_are_each_units_own_records(office, monkeypatch):
    """甲's two late arrivals (L1, L2: −2 each) are stored folded into one line of −4 (the SQL
    engine's stored tree); the edition, made from the stored results a batch of units at a time
    (two units a batch here: 甲 and 乙 in one, 丙 in the next), lists each of its own records again:
    the JSON's and the workbook's lines of 接警后未按时到场 for 甲 are L1 and L2 at −2, for 乙 L3 at
    −2 (with 台账不规范 M1 at −1), for 丙 none."""
    import openpyxl
    from kaohe.office import results
    from kaohe.office.jobs import score_period
    from kaohe.report.jsondata import expand

    monkeypatch.setattr(results, "BATCH", 2)
    bureau, reg, store = office()
    score_period(store, bureau, reg, APRIL)
    tree = json.loads(store.unit_trees("a", ["2015-04"])[0][1])
    late = next(i for c in tree["categories"] for i in c["items"] if i["item"] == "office.late")
    assert late["folded"] == 2 and len(late["lines"]) == 1  # stored folded: the lines are made again

    done = publish(store, bureau, reg, APRIL, published_on=PUBLISHED)
    assert done.whole is not None  # made from the stored results, not scored again
    doc = expand(json.loads((done.directory / "report-2015-04.json").read_text(encoding="utf-8")))
    trees = {u["unit"]: u for u in doc["units"]}

    def lines(unit: str, item: str) -> list[tuple[str, str]]:
        found = [i for c in trees[unit]["categories"] for i in c["items"] if i["item"] == item]
        return [(ln["points"], ln["record"]) for i in found for ln in i["lines"]]

    assert lines("a", "office.late") == [("-2", "office.late:L1"), ("-2", "office.late:L2")]
    assert lines("b", "office.late") == [("-2", "office.late:L3")]
    assert lines("b", "office.minor") == [("-1", "office.minor:M1")]
    assert lines("c", "office.late") == [] and lines("a", "office.minor") == []
    assert {u: trees[u]["total"] for u in trees} == {"a": "96", "b": "97", "c": "100"}

    book = openpyxl.load_workbook(done.directory / "通报-2015-04.xlsx", read_only=True)
    for name, unit in (("甲派出所", "a"), ("乙派出所", "b"), ("丙派出所", "c")):
        rows = [r for r in book[name].iter_rows(values_only=True) if len(r) > 7 and r[1] == "接警后未按时到场" and r[7]]
        assert [(r[5], r[7]) for r in rows] == [(-2, k) for _, k in lines(unit, "office.late")], name
    book.close()


def test_an_item_whose_lines_made_again_do_not_fold_to_what_is_stored_is_scored_from_the_records(office):
    """The stored results of April say 甲's late arrivals cost 2 × −2 = −4 (folded); the item's rule
    then costs −3 a time while the configuration's text is the same (a plugin's rule changed: the
    stored results still read as up to date). The edition does not take the stored −4 with lines
    of −3: it is scored from the records, 甲 100 − 3 − 3 = 94, 乙 100 − 3 − 1 = 96, 丙 100, and
    that scoring is stored."""
    from kaohe.office.jobs import score_period
    from kaohe.office.results import staleness

    bureau, reg, store = office()
    score_period(store, bureau, reg, APRIL)
    items = [attrs.evolve(i, rule=attrs.evolve(i.rule, points=Decimal(-3))) if i.id == "office.late" else i for i in bureau.items]
    changed = bureau.evolve(items=items)
    assert staleness(store, changed, APRIL) is None
    done = publish(store, changed, reg, APRIL, published_on=PUBLISHED)
    assert done.whole is None  # scored from the records
    assert {u.unit: u.total for u in done.result.units} == {"a": Decimal(94), "b": Decimal(96), "c": Decimal(100)}
    data = totals(store.edition("2015-04", 1))
    assert data == {"a": (Decimal(94), 3), "b": (Decimal(96), 2), "c": (Decimal(100), 1)}
    assert {r["unit"]: Decimal(r["total"]) for r in store.scores("2015-04")}["a"] == Decimal(94)
