"""Tamper evidence (kaohe.store.integrity, docs/integrity.md): the hash chain, the store's protections and
``kaohe verify``, each tampering done as someone holding the file would do it — with plain sqlite3
on the bureau's real database, or by editing a published file.

The bureau is the three-station office bureau of office_bureau.py, taken through a month's cycle
once: April imported, published (第1版, 2015-05-06: the period is locked, ``[publication] lock`` by
default), 甲's record L2 voided on appeal (复查第1号: an appeal's decision works on a locked period),
the period unlocked with a reason, a 通知单 for 乙, a sign-off, published again (第2版, 2015-05-12,
locked again). Each test works on a copy of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import zipfile
from decimal import Decimal
from pathlib import Path

import office_bureau as ob
import pytest
import sqlite_utils
from kaohe.store.integrity import verify
from kaohe.store.store import SCHEMA_VERSION, Store, _migrate_1
from kaohe.store.ledger import migrate_2

EDITION_1 = Path("published") / "2015-04" / "第1版"
EDITION_2 = Path("published") / "2015-04" / "第2版"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cycle")
    ob.make(d)
    ob.kaohe(d, "ingest", "register.csv", "--actor", "考核办 录入员")
    ob.kaohe(d, "publish", "2015-04", "--date", "2015-05-06")
    ob.kaohe(d, "appeal", "file", "2015-04", "甲派出所", "office.late", "--record", "office.late:L2",
             "--reason", "系群众重复报警", "--received", "2015-05-08")
    ob.kaohe(d, "appeal", "decide", "1", "--void", "--by", "考核办 王某", "--reason", "核实属重复报警")
    ob.kaohe(d, "unlock", "2015-04", "--reason", "倒查发现乙派出所台账问题,下发通知单")  # the 通知单 needs it
    ob.kaohe(d, "adjust", "add", "2015-04", "乙派出所", "-0.5", "--reason", "倒查发现台账问题", "--approved-by", "考核领导小组")
    ob.kaohe(d, "signoff", "考核办", "2015-04")
    ob.kaohe(d, "publish", "2015-04", "--date", "2015-05-12")
    return d


@pytest.fixture
def bureau(cycle: Path, tmp_path: Path) -> Path:
    d = tmp_path / "bureau"
    shutil.copytree(cycle, d)
    return d


def raw(bureau: Path) -> sqlite3.Connection:
    """The database opened as another tool opens it (no kaohe function, autocommit)."""
    return sqlite3.connect(bureau / "kaohe.sqlite", isolation_level=None)


def check(bureau: Path, *args: str) -> tuple[int, list[str]]:
    out = ob.kaohe(bureau, "verify", *args, check=False)
    assert "Traceback" not in out.stderr
    return out.returncode, out.stdout.splitlines()


def findings(bureau: Path) -> list[str]:
    code, lines = check(bureau)
    assert code == 1, lines
    assert lines[-1].startswith("发现 ") and "处问题" in lines[-1]
    return [ln[2:] for ln in lines if ln.startswith("✗ ")]


def refused(bureau: Path, *command: str) -> str:
    """A write command on the tampered store: a one-line error telling to run kaohe verify."""
    out = ob.kaohe(bureau, *command, check=False)
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert lines[0].startswith("错误:数据库 kaohe.sqlite 的防篡改保护已缺失或被破坏:")
    assert lines[0].endswith(";拒绝写入。请运行 kaohe verify 查看")
    return lines[0]


def test_a_clean_store_verifies_clean(bureau: Path) -> None:
    code, lines = check(bureau)
    assert code == 0
    # 17 rows appended to chained tables: audit 导入, 发布, 发布文件 (第1版), 复查申请, 撤销记录,
    # 复查决定, 解除锁定, 调整, 签收, 发布, 发布文件 (第2版) = 11 audit entries; 2 editions, 1 appeal,
    # 1 decision, 1 adjustment, 1 sign-off = 6 rows; the baseline entry is made only for an existing database
    assert lines == [lines[0]] and lines[0].startswith("完整:审计链 17 环、4 条记录、2 个版本、6 个已发布文件核对无误;链头 ")
    db = raw(bureau)
    assert lines[0].endswith(db.execute("SELECT hash FROM chain WHERE seq = 17").fetchone()[0])
    db.close()


def test_the_chain_head_is_recorded_in_each_edition_and_printed_in_its_report(bureau: Path) -> None:
    from openpyxl import load_workbook

    db = raw(bureau)
    heads = dict(db.execute("SELECT number, chain_head FROM editions").fetchall())
    # 第1版 follows the import's entry (link 1): its head is link 1's hash; 第2版 follows link 14
    # (the sign-off's entry: links 3-14 are 发布 and 发布文件 of 第1版, the appeal and its entry, the
    # voiding's entry, the decision and its entry, the unlocking's entry, the adjustment and its
    # entry, the sign-off and its entry; the sign-off's entry is audit entry 9: 导入, 发布, 发布文件,
    # 复查申请, 撤销记录, 复查决定, 解除锁定, 调整, 签收)
    chain = dict(db.execute("SELECT seq, hash FROM chain").fetchall())
    assert heads == {1: chain[1], 2: chain[14]}
    assert db.execute("SELECT tbl, ref FROM chain WHERE seq IN (14, 15) ORDER BY seq").fetchall() == [("audit", 9), ("editions", 2)]
    db.close()
    head = heads[2]
    assert len(head) == 64
    report = json.loads((bureau / EDITION_2 / "report-2015-04.json").read_text(encoding="utf-8"))
    assert report["edition"]["chain_head"] == head
    assert f"审计链头 <code>{head}</code>" in (bureau / EDITION_2 / "index.html").read_text(encoding="utf-8")
    wb = load_workbook(bureau / EDITION_2 / "通报-2015-04.xlsx", read_only=True)
    facts = [tuple(row[:2]) for row in wb["版本说明"].iter_rows(values_only=True) if row and (row[0] or row[1])]
    wb.close()
    assert ("审计链头(SHA-256)", head) in facts  # the label in one cell, the head beside it
    assert (None, "kaohe verify --head 可核对数据库此后未被改写") in facts
    # the head read from a report: the chain holds it; a head it does not hold is a finding
    assert check(bureau, "--head", head)[0] == 0
    code, lines = check(bureau, "--head", "0" * 64)
    assert code == 1 and f"✗ 审计链中没有 {'0' * 64}:持有该链头的通报之后,数据库的历史被改写" in lines


def test_the_chain_is_sha256_over_the_previous_hash_and_the_rows_canonical_json(bureau: Path) -> None:
    db = raw(bureau)
    db.row_factory = None
    row = db.execute("SELECT rowid, id, time, actor, action, period, department, unit, subject, detail FROM audit WHERE id = 1").fetchone()
    seq, prev, h = db.execute("SELECT seq, prev, hash FROM chain WHERE tbl = 'audit' AND ref = 1").fetchone()
    assert (seq, prev) == (1, "")
    text = json.dumps(["audit", *row], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert h == hashlib.sha256(b"\n" + text.encode("utf-8")).hexdigest()
    second = db.execute("SELECT prev FROM chain WHERE seq = 2").fetchone()[0]
    assert second == h
    db.close()


def test_another_tool_cannot_append_to_a_chained_table(bureau: Path) -> None:
    db = raw(bureau)
    with pytest.raises(sqlite3.OperationalError, match="no such function: kaohe_chain_link"):
        db.execute("INSERT INTO audit (time, actor, action) VALUES ('2015-05-13', '某人', '调整')")
    db.close()
    assert check(bureau)[0] == 0


def test_unvoiding_a_record_voided_on_appeal(bureau: Path) -> None:
    db = raw(bureau)
    with pytest.raises(sqlite3.IntegrityError, match="a voided record stays void"):
        db.execute("UPDATE records SET voided = 0 WHERE key = 'office.late:L2'")
    db.execute("DROP TRIGGER records_stay_void")
    db.execute("UPDATE records SET voided = 0 WHERE key = 'office.late:L2'")
    db.close()
    found = findings(bureau)
    assert "触发器 records_stay_void 缺失(防篡改保护已失效)" in found
    assert any(
        f.startswith("记录 office.late:L2 已于 ") and f.endswith("由复查复核第1号作废,数据库中却未作废(作废标记被改回)") for f in found
    )
    assert len(found) == 2
    # no command writes to it: publishing again would re-impose the deduction
    before = raw(bureau).execute("SELECT count(*) FROM editions").fetchone()
    assert "触发器 records_stay_void 缺失" in refused(bureau, "publish", "2015-04", "--date", "2015-05-13")
    refused(bureau, "adjust", "add", "2015-04", "甲派出所", "1", "--reason", "x", "--approved-by", "考核领导小组")
    refused(bureau, "ingest", "register.csv")
    refused(bureau, "score", "2015-04")
    db = raw(bureau)
    assert db.execute("SELECT count(*) FROM editions").fetchone() == before
    assert not (bureau / "published" / "2015-04" / "第3版").exists()
    db.close()
    # reading still works
    assert ob.kaohe(bureau, "editions").returncode == 0


def test_unvoiding_a_record_with_its_trigger_put_back(bureau: Path) -> None:
    """The schema is then as kaohe made it, so its check alone would let the next edition re-impose
    the deduction: the writes refuse a record voided on appeal that is valid again."""
    db = raw(bureau)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'records_stay_void'").fetchone()[0]
    db.execute("DROP TRIGGER records_stay_void")
    db.execute("UPDATE records SET voided = 0 WHERE key = 'office.late:L2'")
    db.execute(sql)
    before = db.execute("SELECT count(*) FROM editions").fetchone()
    db.close()
    found = findings(bureau)
    assert len(found) == 1 and found[0].startswith("记录 office.late:L2 已于 ")
    message = refused(bureau, "publish", "2015-04", "--date", "2015-05-13")
    assert "记录 office.late:L2 已由复查复核作废,数据库中却未作废(作废标记被改回)" in message
    refused(bureau, "adjust", "add", "2015-04", "甲派出所", "1", "--reason", "x", "--approved-by", "考核领导小组")
    assert raw(bureau).execute("SELECT count(*) FROM editions").fetchone() == before
    assert not (bureau / "published" / "2015-04" / "第3版").exists()


def test_voiding_a_record_outside_kaohe(bureau: Path) -> None:
    """Voiding is allowed by the triggers (kaohe does it on appeal), so a plain UPDATE can remove a
    deduction: verify names it and no command writes (the next edition would drop it unnoticed)."""
    db = raw(bureau)
    db.execute("UPDATE records SET voided = 1 WHERE key = 'office.late:L1'")
    db.close()
    assert findings(bureau) == ["记录 office.late:L1 被标为作废,审计记录中却没有作废的登记"]
    message = refused(bureau, "publish", "2015-04", "--date", "2015-05-13")
    assert "记录 office.late:L1 被标为作废,审计记录中却没有作废的登记" in message
    refused(bureau, "score", "2015-04")
    assert not (bureau / "published" / "2015-04" / "第3版").exists()


def test_changing_an_imports_checksum(bureau: Path) -> None:
    db = raw(bureau)
    original = db.execute("SELECT checksum FROM imports WHERE id = 1").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        db.execute("UPDATE imports SET checksum = 'forged' WHERE id = 1")
    db.execute("DROP TRIGGER imports_fixed")
    db.execute("UPDATE imports SET checksum = 'forged' WHERE id = 1")
    db.close()
    assert findings(bureau) == [
        "触发器 imports_fixed 缺失(防篡改保护已失效)",
        f"第1号导入(register.csv)的校验和被改动:审计记录为 {original},数据库中为 forged",
    ]


def test_dropping_triggers_and_deleting_audit_rows(bureau: Path) -> None:
    db = raw(bureau)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit WHERE action = '撤销记录'")
    db.execute("DROP TRIGGER audit_no_delete")
    db.execute("DELETE FROM audit WHERE action = '撤销记录'")  # entry 5, link 7
    db.close()
    found = findings(bureau)
    assert found[0] == "触发器 audit_no_delete 缺失(防篡改保护已失效)"
    assert "审计记录第5行已不存在(被删除),审计链第7环仍记着它" in found
    # and the voided record now has no voiding on record
    assert "记录 office.late:L2 被标为作废,审计记录中却没有作废的登记" in found
    assert "触发器 audit_no_delete 缺失" in refused(bureau, "signoff", "考核办", "2015-04")


def test_deleting_an_edition_and_its_trail_with_the_triggers_put_back(bureau: Path) -> None:
    """The edition number would be reused: 第2版 deleted with every row and link it left, and the
    triggers made again exactly as they were; its published files remain, unaccounted for."""
    db = raw(bureau)
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER [{name}]")
    last = db.execute("SELECT min(seq) FROM chain WHERE tbl = 'editions' AND ref = 2").fetchone()[0]
    db.execute("DELETE FROM editions WHERE number = 2")
    db.execute("DELETE FROM audit WHERE id >= 10")  # its 发布 and 发布文件 entries (10, 11)
    db.execute("DELETE FROM chain WHERE seq >= ?", [last])
    for _, sql in triggers:
        db.execute(sql)
    db.close()
    found = findings(bureau)
    assert found == [f"{bureau / EDITION_2} 是数据库中没有的版本(数据库中没有 2015-04 第2版:版本被删除,或目录不是 kaohe 写的)"]
    old = json.loads((bureau / EDITION_2 / "report-2015-04.json").read_text(encoding="utf-8"))["edition"]
    # the history up to the head printed on the deleted 第2版 is intact: --head finds it
    assert not any(ln.startswith("✗ 审计链中没有") for ln in check(bureau, "--head", old["chain_head"])[1])
    # the store now passes kaohe's checks: something changes and the period is published again, as
    # 第2版 again; the folder keeps the old 第2版's files, whose edition is not the store's 第2版
    ob.kaohe(bureau, "adjust", "add", "2015-04", "甲派出所", "1", "--reason", "补录", "--approved-by", "考核领导小组")
    assert "第2版" in ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-13").stdout
    new = raw(bureau).execute("SELECT digest FROM editions WHERE number = 2").fetchone()[0]
    assert new != old["digest"]
    assert findings(bureau) == [
        f"{bureau / EDITION_2} 中的通报是校验码为 {old['digest'][:16]} 的第2版,"
        f"而数据库中 2015-04 第2版的校验码为 {new[:16]}(版本号被重用,或版本被改动)"
    ]


def test_dropping_the_audit_table(bureau: Path) -> None:
    db = raw(bureau)
    db.execute("DROP TABLE audit")
    db.close()
    found = findings(bureau)
    assert "表 audit 缺失" in found and "触发器 audit_no_update 缺失(防篡改保护已失效)" in found
    assert "审计链中有 11 环记的是审计记录,而表 audit 已不存在(连同其中各行被删除)" in found
    assert "第1号导入(register.csv)在审计记录中没有登记" in found
    # the next write does not make the table again: it refuses (publish too, before scoring: it
    # once failed on the missing table with "数据库操作失败(no such table: audit)")
    assert "表 audit 缺失" in refused(bureau, "adjust", "add", "2015-04", "甲派出所", "1", "--reason", "x", "--approved-by", "考核领导小组")
    refused(bureau, "ingest", "register.csv")
    assert "表 audit 缺失" in refused(bureau, "publish", "2015-04", "--date", "2015-05-13")
    # reading the trail says it is gone, not that no entry matches
    out = ob.kaohe(bureau, "audit", check=False)
    assert out.returncode == 2 and "没有符合条件" not in out.stdout
    assert out.stderr.strip() == "错误:数据库 kaohe.sqlite 中没有审计记录表(audit):已被删除,请运行 kaohe verify 查看"
    db = raw(bureau)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'audit'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM adjustments").fetchone() == (1,)
    db.close()


def test_a_dropped_adjustments_table_is_not_read_as_no_adjustment(bureau: Path) -> None:
    """``kaohe adjust list`` said 没有调整 and ranking scored 乙 without its 通知单 (−0.5): sqlite-utils
    reads a missing table as empty."""
    db = raw(bureau)
    db.execute("DROP TABLE adjustments")
    db.close()
    assert "表 adjustments 缺失" in findings(bureau)
    for command in (("adjust", "list"), ("ranking", "2015-04")):
        out = ob.kaohe(bureau, *command, check=False)
        assert out.returncode == 2 and "没有调整" not in out.stdout, (command, out.stdout)
        assert out.stderr.strip() == "错误:数据库 kaohe.sqlite 中没有调整表(adjustments):已被删除,请运行 kaohe verify 查看"


def test_the_audit_table_made_again_without_its_protection(bureau: Path) -> None:
    """As sqlite-utils' insert would make it: the same columns, no triggers, no rows."""
    db = raw(bureau)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'audit'").fetchone()[0]
    db.execute("DROP TABLE audit")
    db.execute(sql)
    db.execute("CREATE INDEX idx_audit_period ON audit (period)")
    db.execute("CREATE INDEX idx_audit_action ON audit (action)")
    db.close()
    found = findings(bureau)
    assert {"触发器 audit_no_update 缺失(防篡改保护已失效)", "触发器 audit_chain 缺失(防篡改保护已失效)"} <= set(found)
    assert "审计记录第1行已不存在(被删除),审计链第1环仍记着它" in found
    assert "审计记录第11行已不存在(被删除),审计链第17环仍记着它" in found
    refused(bureau, "signoff", "考核办", "2015-04")


@pytest.mark.parametrize("with_digest", [True, False])
def test_an_edition_altered_with_its_trigger_put_back_is_not_read_as_published(bureau: Path, with_digest: bool) -> None:
    """第2版's payload (the latest) rewritten (甲's late arrival L1 made −20), with or without its digest, and the
    trigger made again: the schema is as kaohe made it, so the writes' check passed, and an appeal
    took its points from the altered line (−20 changed to 0 would give +20). Reading the edition
    now refuses it; verify names it."""
    import zlib

    db = raw(bureau)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'editions_no_update'").fetchone()[0]
    db.execute("DROP TRIGGER editions_no_update")
    payload = zlib.decompress(db.execute("SELECT payload FROM editions WHERE number = 2").fetchone()[0])
    assert payload.count(b'"points":"-2"') >= 1
    altered = payload.replace(b'"points":"-2"', b'"points":"-20"')
    digest = hashlib.sha256(altered).hexdigest() if with_digest else db.execute("SELECT digest FROM editions WHERE number = 2").fetchone()[0]
    db.execute("UPDATE editions SET payload = ?, digest = ? WHERE number = 2", [zlib.compress(altered), digest])
    db.execute(sql)
    db.close()
    assert findings(bureau)  # verify sees it
    why = "与审计链记下的不符" if with_digest else "的内容与其校验码不符"
    for command in (
        ("appeal", "file", "2015-04", "甲派出所", "office.late", "--record", "office.late:L1", "--reason", "x", "--received", "2015-05-13"),
        ("diff", "2015-04#1", "2015-04#2"),
        ("publish", "2015-04", "--date", "2015-05-13"),
    ):
        out = ob.kaohe(bureau, *command, check=False)
        assert out.returncode == 2 and "Traceback" not in out.stderr, (command, out.stderr)
        assert out.stderr.strip() == f"错误:数据库中 2015-04 第2版{why}(版本在 kaohe 之外被改动);请运行 kaohe verify 查看"
    db = raw(bureau)
    assert db.execute("SELECT count(*) FROM appeals").fetchone() == (1,)  # the fixture's only
    db.close()


def test_changing_a_record_with_or_without_its_hash(bureau: Path) -> None:
    db = raw(bureau)
    with pytest.raises(sqlite3.IntegrityError, match="next version"):
        db.execute("UPDATE records SET note = '到场及时' WHERE key = 'office.late:L1'")
    db.execute("DROP TRIGGER records_keep_version")
    db.execute("UPDATE records SET note = '到场及时' WHERE key = 'office.late:L1'")
    db.close()
    found = findings(bureau)
    assert "记录 office.late:L1 的内容被改动(与其哈希不符)" in found
    # the hash recomputed too: the import's records digest (in its audit entry) still tells
    db = raw(bureau)
    from kaohe.store.integrity import stored_hash

    row = db.execute("SELECT kind, unit, date, value, attrs, note FROM records WHERE key = 'office.late:L1'").fetchone()
    db.execute("UPDATE records SET hash = ? WHERE key = 'office.late:L1'", [stored_hash(*row)])
    db.close()
    found = findings(bureau)
    assert "第1号导入(register.csv)写入的记录被改动、增加或删除(与审计记录的记录摘要不符)" in found
    assert not any("与其哈希不符" in f for f in found)


def _put_back(db: sqlite3.Connection, trigger: str, *statements: str) -> None:
    """Run ``statements`` with ``trigger`` dropped, then make it again exactly as it was."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [trigger]).fetchone()[0]
    db.execute(f"DROP TRIGGER [{trigger}]")
    for statement in statements:
        db.execute(statement)
    db.execute(sql)


@pytest.mark.parametrize("rehash", [False, True])
def test_a_record_moved_to_another_unit_with_its_trigger_put_back_is_not_published(bureau: Path, rehash: bool) -> None:
    """甲's late arrival L1 (−2) moved to 丙, the trigger made again (with its hash recomputed, or not):
    the schema is as kaohe made it, and the next edition was published with 丙 at 98 and 甲 at 98."""
    from kaohe.store.integrity import stored_hash

    db = raw(bureau)
    statements = ["UPDATE records SET unit = 'c' WHERE key = 'office.late:L1'"]
    if rehash:
        row = db.execute("SELECT kind, 'c', date, value, attrs, note FROM records WHERE key = 'office.late:L1'").fetchone()
        statements.append(f"UPDATE records SET hash = '{stored_hash(*row)}' WHERE key = 'office.late:L1'")
    _put_back(db, "records_keep_version", *statements)
    db.close()
    assert findings(bureau)
    out = ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-13", check=False)
    assert out.returncode == 2 and not (bureau / "published" / "2015-04" / "第3版").exists(), out.stderr
    why = "第1号导入(register.csv)写入的记录被改动、增加或删除(与审计记录的记录摘要不符)" if rehash else "记录 office.late:L1 的内容被改动(与其哈希不符)"
    assert out.stderr.strip().startswith(f"错误:数据库 kaohe.sqlite 中的数据在 kaohe 之外被改动:{why}"), out.stderr
    assert out.stderr.strip().endswith(";拒绝发布。请运行 kaohe verify 查看")


def test_an_adjustment_changed_with_its_trigger_put_back_is_not_published(bureau: Path) -> None:
    """乙's 通知单 −0.5 made +5 with the trigger made again: the next edition would have given 乙 +5."""
    db = raw(bureau)
    _put_back(db, "adjustments_no_update", "UPDATE adjustments SET points = '5' WHERE id = 1")
    db.close()
    assert "调整第1行被改动:与审计链第" in " ".join(findings(bureau))
    out = ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-13", check=False)
    assert out.returncode == 2 and "调整第1行被改动:与审计链第" in out.stderr and "拒绝发布" in out.stderr, out.stderr
    assert not (bureau / "published" / "2015-04" / "第3版").exists()


@pytest.mark.parametrize("name", ["index.html", "report-2015-04.json", "通报-2015-04.xlsx"])
def test_editing_a_published_file(bureau: Path, name: str) -> None:
    path = bureau / EDITION_1 / name
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(path)
        ws = wb["派出所"]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == 96:
                    cell.value = 99
        wb.save(path)
    else:
        text = path.read_text(encoding="utf-8")
        assert '"96"' in text or ">96<" in text
        path.write_text(text.replace('"96"', '"99"').replace(">96<", ">99<"), encoding="utf-8")
    assert findings(bureau) == [f"{path} 被改动:与 2015-04 第1版发布时记下的校验码不符"]


def test_a_published_folder_elsewhere_is_checked_with_published(bureau: Path, tmp_path: Path) -> None:
    site = tmp_path / "site" / "2015-04"
    shutil.copytree(bureau / EDITION_1, site / "第1版")
    assert check(bureau, "--published", str(tmp_path / "site"))[0] == 0
    (site / "第1版" / "index.html").write_text("<p>改过的通报</p>", encoding="utf-8")
    code, lines = check(bureau, "--published", str(tmp_path / "site"))
    assert code == 1 and f"✗ {site / '第1版' / 'index.html'} 被改动:与 2015-04 第1版发布时记下的校验码不符" in lines


def test_an_editions_workbook_is_written_again_byte_for_byte(bureau: Path) -> None:
    """Removed files of the latest edition are written again by publishing it again: identical
    bytes, the edition's own time inside the workbook."""
    before = {p.name: p.read_bytes() for p in (bureau / EDITION_2).iterdir()}
    db = raw(bureau)
    when = dt.datetime.fromisoformat(db.execute("SELECT time FROM editions WHERE number = 2").fetchone()[0])
    db.close()
    xlsx = bureau / EDITION_2 / "通报-2015-04.xlsx"
    with zipfile.ZipFile(xlsx) as z:
        # (a zip entry's time counts seconds in twos)
        assert {i.date_time for i in z.infolist()} == {(when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)}
        core = z.read("docProps/core.xml").decode("utf-8")
    utc = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'<dcterms:created xsi:type="dcterms:W3CDTF">{utc}</dcterms:created>' in core
    assert f'<dcterms:modified xsi:type="dcterms:W3CDTF">{utc}</dcterms:modified>' in core
    xlsx.unlink()
    (bureau / EDITION_2 / "report-2015-04.json").unlink()
    ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-13")
    after = {p.name: p.read_bytes() for p in (bureau / EDITION_2).iterdir()}
    assert after == before
    assert check(bureau)[0] == 0


def test_an_existing_database_gets_its_chain_when_migrated(tmp_path: Path) -> None:
    """A database of schema version 2 with rows in it: migrating links them in order, table by
    table, and attests its imports in a baseline entry."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db["migrations"].create({"version": int, "applied": str}, pk="version")
    _migrate_1(db)
    migrate_2(db)
    db["migrations"].insert_all([{"version": 1, "applied": "2015-01-01"}, {"version": 2, "applied": "2015-01-01"}])
    db["imports"].insert({"file": "a.csv", "path": "/a.csv", "checksum": "c1", "adapter": "x", "department": "考核办", "time": "t", "actor": "u", "rows": 1, "accepted": 1, "new": 1, "changed": 0, "unchanged": 0, "rejected": 0, "strict": 0})
    db["records"].insert({"key": "k1", "kind": "office.late", "unit": "a", "date": "2015-04-03", "month": "2015-04", "value": None, "attrs": "{}", "note": "n", "department": "考核办", "hash": "h1", "version": 1, "import_id": 1, "file": "a.csv", "sheet": "", "row": 2, "voided": 0})
    db["audit"].insert({"time": "t1", "actor": "u", "action": "导入", "period": "2015-04", "department": "考核办", "unit": "", "subject": "a.csv", "detail": json.dumps({"import": 1, "checksum": "c1"})})
    db["adjustments"].insert({"period": "2015-04", "unit": "a", "points": "1", "reason": "r", "approver": "p", "kind": "通知单", "item": None, "appeal": None, "time": "t2", "actor": "u"})
    conn.close()

    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        links = store.db.execute("SELECT seq, tbl, ref, prev FROM chain ORDER BY seq").fetchall()
        # the audit entry, then the adjustment, then the baseline entry appended by the migration
        assert [(s, t, r) for s, t, r, _ in links] == [(1, "audit", 1), (2, "adjustments", 1), (3, "audit", 2)]
        first = json.dumps(["audit", 1, 1, "t1", "u", "导入", "2015-04", "考核办", "", "a.csv", json.dumps({"import": 1, "checksum": "c1"})],
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        h1 = hashlib.sha256(b"\n" + first.encode("utf-8")).hexdigest()
        assert links[1][3] == h1
        baseline = store.audit(action="启用防篡改")[0]
        digest = hashlib.sha256(b"k1\t1\th1\n").hexdigest()
        assert json.loads(baseline["detail"]) == {"imports": {"1": {"file": "a.csv", "checksum": "c1", "records_sha256": digest}}, "linked": 2}
        result = verify(store, root=tmp_path)
        # the record's hash "h1" is not its content's (made by hand above): the only finding
        assert [f.message for f in result.findings] == ["记录 k1 的内容被改动(与其哈希不符)"]
        assert result.links == 3
        store.add_adjustment("2015-05", "a", Decimal("-1"), "r", "p")
        assert store.db.execute("SELECT count(*) FROM chain").fetchone() == (5,)  # the adjustment and its audit entry
    # the import made before the chain: its records are checked against the baseline's digest
    from kaohe.store.integrity import stored_hash

    other = sqlite3.connect(path, isolation_level=None)
    other.execute("DROP TRIGGER records_keep_version")
    other.execute("UPDATE records SET note = 'm', hash = ? WHERE key = 'k1'", [stored_hash("office.late", "a", "2015-04-03", None, "{}", "m")])
    other.close()
    with Store(path) as store:
        found = [f.message for f in verify(store, root=tmp_path).findings]
    assert found == ["触发器 records_keep_version 缺失(防篡改保护已失效)", "第1号导入(a.csv)写入的记录被改动、增加或删除(与审计记录的记录摘要不符)"]


def test_an_old_database_whose_upgrade_is_refused_can_still_be_read(tmp_path: Path) -> None:
    """A schema-2 database with a trigger dropped is not upgraded (no chain_head column): the
    commands that read editions (editions, status, diff) once failed with "no such column"."""
    import zlib

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db["migrations"].create({"version": int, "applied": str}, pk="version")
    _migrate_1(db)
    migrate_2(db)
    db["migrations"].insert_all([{"version": 1, "applied": "2015-01-01"}, {"version": 2, "applied": "2015-01-01"}])
    db["editions"].insert({"period": "2015-04", "number": 1, "time": "t", "published_on": "2015-05-06", "actor": "u",
                           "reason": "首次发布", "digest": "d" * 64, "payload": zlib.compress(b"{}")})
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.close()
    with Store(path, readonly=True) as store:
        assert store.schema_version == 2  # left as it was, for kaohe verify to read
        assert [(e["period"], e["number"], e["chain_head"]) for e in store.editions()] == [("2015-04", 1, None)]
        assert [e["number"] for e in store.editions("2015-04")] == [1]


def test_an_edition_published_before_the_chain_is_checked_by_the_edition_its_report_states(tmp_path: Path) -> None:
    """An edition published before the chain has no digests of its files on record, so its files
    cannot be compared; the edition its report states (number and digest) still can: another
    bureau's 第1版 (or one of an edition deleted and its number reused) was once passed as a note."""
    import zlib

    path = tmp_path / "kaohe.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db["migrations"].create({"version": int, "applied": str}, pk="version")
    _migrate_1(db)
    migrate_2(db)
    db["migrations"].insert_all([{"version": 1, "applied": "2015-01-01"}, {"version": 2, "applied": "2015-01-01"}])
    db["editions"].insert({"period": "2015-04", "number": 1, "time": "t", "published_on": "2015-05-06", "actor": "u",
                           "reason": "首次发布", "digest": hashlib.sha256(b"{}").hexdigest(), "payload": zlib.compress(b"{}")})
    conn.close()
    digest = hashlib.sha256(b"{}").hexdigest()
    folder = tmp_path / "published" / "2015-04" / "第1版"
    folder.mkdir(parents=True)
    stated = {"number": 1, "digest": digest}
    (folder / "report-2015-04.json").write_text('{"units":[],\n"edition":' + json.dumps(stated) + "\n}", encoding="utf-8")
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        result = verify(store, root=tmp_path)
        assert result.clean and any("未核对" in n for n in result.notes)
        stated["digest"] = "e" * 64
        (folder / "report-2015-04.json").write_text('{"units":[],\n"edition":' + json.dumps(stated) + "\n}", encoding="utf-8")
        assert [f.message for f in verify(store, root=tmp_path).findings] == [
            f"{folder} 中的通报是校验码为 {'e' * 16} 的第1版,而数据库中 2015-04 第1版的校验码为 {digest[:16]}(版本号被重用,或版本被改动)"
        ]


@pytest.mark.parametrize(("args", "message"), [
    (("--head", "3f0c"), "错误:--head '3f0c' 不是审计链头:应为通报上印的 64 位十六进制数(0-9、a-f),请完整复制"),
    (("--head", "z" * 64), f"错误:--head '{'z' * 64}' 不是审计链头:应为通报上印的 64 位十六进制数(0-9、a-f),请完整复制"),
    (("--published", "没有这个目录"), "错误:--published 的目录 没有这个目录 不存在"),
])
def test_verify_refuses_a_mistyped_head_or_folder(bureau: Path, args: tuple[str, ...], message: str) -> None:
    """A head cut short was reported as a rewritten history (exit 1), a mistyped folder checked as
    holding nothing (完整, exit 0): both are the user's slips, told as such."""
    out = ob.kaohe(bureau, "verify", *args, check=False)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == message


def test_a_store_held_open_notices_protections_dropped_meanwhile(bureau: Path) -> None:
    """A long command (an import of many files) checks the protections once while the schema is
    unchanged: a trigger dropped by another tool meanwhile is noticed at its next write."""
    from kaohe.core.errors import KaoheError

    with Store(bureau / "kaohe.sqlite") as store:
        store.sign_off("考核办", "2015-04")
        db = raw(bureau)
        db.execute("DROP TRIGGER adjustments_no_delete")
        db.close()
        with pytest.raises(KaoheError, match="触发器 adjustments_no_delete 缺失.*拒绝写入。请运行 kaohe verify 查看"):
            store.add_adjustment("2015-04", "a", Decimal(1), "x", "考核领导小组")
        assert store.db.execute("SELECT count(*) FROM adjustments").fetchone() == (1,)
