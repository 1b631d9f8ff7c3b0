"""The publication commands as an office runs them (subprocesses on a real SQLite file, and on a PostgreSQL schema), concurrent
commands against one bureau, and crashes at the steps of publishing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import office_bureau as ob
import pytest
from kaohe.store.store import Store
from pg_support import BACKENDS, backend


@pytest.fixture(params=BACKENDS)
def bureau(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The office bureau on each backend: SQLite's kaohe.sqlite, or a PostgreSQL schema given as a
    server's is (``KAOHE_DATABASE_URL``, which every ``kaohe`` process below inherits)."""
    with backend(request.param) as database:
        if request.param == "postgresql":
            monkeypatch.setenv("KAOHE_DATABASE_URL", database)
        yield _made(tmp_path)


def _made(tmp_path: Path) -> Path:
    ob.make(tmp_path)
    ob.kaohe(tmp_path, "ingest", "register.csv", "--actor", "考核办 录入员")
    return tmp_path


def test_publish_appeal_decide_republish_diff_and_audit(bureau: Path) -> None:
    out = ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-06", "--actor", "考核办 赵某")
    assert "第1版(2015-05-06,3 个单位):首次发布" in out.stdout
    first = bureau / "published" / "2015-04" / "第1版"
    assert {p.name for p in first.iterdir()} == {"index.html", "通报-2015-04.xlsx", "report-2015-04.json"}
    html = (first / "index.html").read_text(encoding="utf-8")
    assert "第1版 · 2015-05-06 公布" in html and "截至 2015-05-08" in html

    late = ob.kaohe(bureau, "appeal", "file", "2015-04", "甲派出所", "office.late", "--record", "office.late:L2",
                    "--reason", "重复报警", "--received", "2015-05-11", check=False)
    assert late.returncode == 2
    assert late.stderr.strip().startswith("错误:已超过复查申请期限:2015-04 第1版于 2015-05-06 公布")
    assert "Traceback" not in late.stderr

    filed = ob.kaohe(bureau, "appeal", "file", "2015-04", "甲派出所", "office.late", "--record", "office.late:L2",
                     "--reason", "系群众重复报警", "--received", "2015-05-08")
    assert "已登记第1号复查申请" in filed.stdout and "转 考核办 决定" in filed.stdout
    queue = ob.kaohe(bureau, "appeal", "list", "--department", "考核办", "--pending").stdout
    assert "考核办(待决定 1 件)" in queue and "待决定" in queue
    ob.kaohe(bureau, "appeal", "decide", "1", "--void", "--by", "考核办 王某", "--reason", "核实属重复报警")
    # a 通知单 for 乙: −0.5 (a negative number as the argument); April is locked since its 第1版
    # (the appeal's decision was not refused): the office unlocks it first
    notice = ("adjust", "add", "2015-04", "乙派出所", "-0.5", "--reason", "倒查发现台账问题", "--approved-by", "考核领导小组")
    locked = ob.kaohe(bureau, *notice, check=False)
    assert locked.returncode == 2 and locked.stderr.strip().startswith("错误:2015-04 已发布第1版,已锁定")
    ob.kaohe(bureau, "unlock", "2015-04", "--reason", "倒查发现乙派出所台账问题,下发通知单", "--actor", "考核办 钱某")
    ob.kaohe(bureau, *notice)

    second = ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-12").stdout
    assert "第2版" in second
    # 甲 96 → 98 (record voided), 乙 97 → 96.5 (通知单): 甲 2nd, 乙 3rd
    diff = json.loads(ob.kaohe(bureau, "diff", "2015-04#1", "2015-04#2", "--json").stdout)
    units = {u["unit"]: (u["total"], u["rank"]) for u in diff["units"]}
    assert units == {"a": (["96", "98"], [3, 2]), "b": (["97", "96.5"], [2, 3])}
    assert any("复查第1号" in w for w in diff["why"]) and any("通知单第1号" in w for w in diff["why"])
    text = ob.kaohe(bureau, "diff", "2015-04#1", "2015-04").stdout
    assert "甲派出所(a):总分 96 → 98(+2),名次 3 → 2" in text

    report = json.loads((bureau / "published" / "2015-04" / "第2版" / "report-2015-04.json").read_text(encoding="utf-8"))
    assert report["edition"]["number"] == 2 and report["changes"]["before"] == 1
    b = next(u for u in report["units"] if u["unit"] == "b")
    assert b["adjustments"][0]["points"] == "-0.5" and b["total"] == "96.5"
    # the report of edition 2 says what changed and why, in the HTML and in the XLSX
    html2 = (bureau / "published" / "2015-04" / "第2版" / "index.html").read_text(encoding="utf-8")
    assert "本版更正(第1版 → 第2版)" in html2 and "复查第1号(甲派出所 · 接警后未按时到场):撤销记录" in html2
    assert '<tr data-unit="a"><td>甲派出所</td><td class="num">96</td><td class="num">98</td><td class="num">3</td><td class="num">2</td>' in html2
    assert "通知单第1号:倒查发现台账问题(批准:考核领导小组)" in html2
    from openpyxl import load_workbook

    assert '<td class="num adj">-0.5</td>' in html2  # the ranking shows the adjustment beside the categories
    ranking = ob.kaohe(bureau, "ranking", "2015-04").stdout
    assert "考核办调整" in ranking and "乙派出所  96.5        97        -0.5  末位" in ranking
    wb = load_workbook(bureau / "published" / "2015-04" / "第2版" / "通报-2015-04.xlsx", read_only=True)
    series = [[c for c in row if c is not None] for row in wb["派出所"].iter_rows(values_only=True)]
    assert ["名次", "单位", "单位编号", "总分", "基础工作", "考核办调整", "上期名次", "名次变化", "标记"] in series
    assert [3, "乙派出所", "b", 96.5, 97, -0.5] == series[series.index(["名次", "单位", "单位编号", "总分", "基础工作", "考核办调整", "上期名次", "名次变化", "标记"]) + 3][:6]
    sheet = [[c for c in row if c is not None] for row in wb["版本说明"].iter_rows(values_only=True)]
    assert ["甲派出所", "a", 96, 98, 3, 2, "接警后未按时到场:-4→-2"] in sheet
    assert any(r and str(r[0]).startswith("第2版,2015-05-12 公布") for r in sheet)
    # the edition's facts stored as numbers and dates, each in its own cell
    import datetime as dt

    assert ["版本号", 2] in sheet and ["复查申请期限(工作日)", 2] in sheet
    assert ["公布日期", dt.datetime(2015, 5, 12)] in sheet
    assert next(r for r in sheet if r and r[0] == "复查申请截止日期")[1].year == 2015
    wb.close()
    # edition 1's files are untouched
    assert (first / "index.html").read_text(encoding="utf-8") == html

    same = ob.kaohe(bureau, "publish", "2015-04").stdout
    assert "完全相同,未产生新版本" in same
    listing = ob.kaohe(bureau, "editions", "2015-04").stdout
    assert "2015-04#1" in listing and "2015-04#2" in listing and "2015-04#3" not in listing

    trail = json.loads(ob.kaohe(bureau, "audit", "--json").stdout)
    # (each edition's files written: their digests recorded, 发布文件, for kaohe verify)
    assert [r["action"] for r in trail] == [
        "导入", "发布", "发布文件", "复查申请", "撤销记录", "复查决定", "解除锁定", "调整", "发布", "发布文件",
    ]
    assert trail[0]["actor"] == "考核办 录入员" and trail[1]["actor"] == "考核办 赵某"
    only = ob.kaohe(bureau, "audit", "--action", "复查决定").stdout
    assert "撤销记录(考核办 王某):核实属重复报警" in only and "调整" not in only.split("\n", 2)[2]

    status = ob.kaohe(bureau, "status", "2015-04").stdout
    row = next(ln for ln in status.splitlines() if ln.startswith("考核办 "))
    assert row.split()[:3] == ["考核办", "2015-04", "未签收"] and row.split()[3].startswith("已报送(3条")
    assert "最新第2版" in status


def test_status_signoff_and_refusal(bureau: Path) -> None:
    cfg = bureau / "kaohe.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + '\n[publication]\nmissing_data = "refuse"\n', encoding="utf-8")
    out = ob.kaohe(bureau, "publish", "2015-05", check=False)
    assert out.returncode == 1 and "考核办 2015-05 没有数据" in out.stderr  # refused by the bureau's rule, not a mistake
    bad = ob.kaohe(bureau, "signoff", "刑侦大队", "2015-04", check=False)
    assert bad.returncode == 2 and "没有部门 “刑侦大队”" in bad.stderr
    ob.kaohe(bureau, "signoff", "考核办", "2015-04", "--actor", "考核办 张某")
    status = json.loads(ob.kaohe(bureau, "status", "2015-04", "--json").stdout)
    assert status["departments"][0]["signed_off"]["actor"] == "考核办 张某"


def test_bad_input_to_the_new_commands_gives_one_line(bureau: Path) -> None:
    cases = [
        (["diff", "2015-04#1", "2015-04#2"], "错误:没有通报版本 2015-04#1"),
        (["diff", "2015-04#x", "2015-04"], "错误:无法识别的通报版本"),
        (["adjust", "add", "2015-04", "a", "abc", "--reason", "x", "--approved-by", "y"], "错误:分值应为数字"),
        (["adjust", "add", "2015-04", "nobody", "1", "--reason", "x", "--approved-by", "y"], "错误:没有单位 “nobody”"),
        (["appeal", "decide", "9", "--keep", "--by", "x", "--reason", "y"], "错误:没有第9号复查申请"),
        (["appeal", "decide", "9", "--by", "x", "--reason", "y"], "错误:请选择决定"),
        (["appeal", "decide", "9", "--keep", "--void", "--by", "x", "--reason", "y"], "错误:--keep、--points、--void 只能选一个"),
        (["publish", "2015-04", "--date", "5月6日"], "错误:公布日期应为 2015-05-06 这样的日期"),
    ]
    for args, message in cases:
        out = ob.kaohe(bureau, *args, check=False)
        assert out.returncode != 0, args
        assert out.stderr.strip().startswith(message), (args, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1


def _register(path: Path, prefix: str, unit: str, n: int) -> Path:
    rows = [f"{prefix}{i},{unit},2015-04-{1 + i % 28:02d},office.late,,,第{i}条" for i in range(n)]
    path.write_text(ob.HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_concurrent_imports_and_publishing_lose_nothing(bureau: Path) -> None:
    """Two departments import 6,000 rows each while the office publishes, all at once, as separate
    processes on the same database: every row lands once, the edition is whole, the file is sound.
    April is locked once published (``[publication] lock`` by default): an import that comes after
    the publication is refused whole, with the lock's one line, and lands once the office unlocks."""
    a = _register(bureau / "甲.csv", "X", "甲派出所", 6000)
    b = _register(bureau / "乙.csv", "Y", "乙派出所", 6000)
    cmd = [sys.executable, "-c", "from kaohe.cli.main import main; main()"]
    procs = [
        subprocess.Popen([*cmd, "ingest", "-q", str(a), "--actor", "甲"], cwd=bureau, env=ob.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen([*cmd, "ingest", "-q", str(b), "--actor", "乙"], cwd=bureau, env=ob.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen([*cmd, "publish", "2015-04", "--date", "2015-05-06"], cwd=bureau, env=ob.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    ]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert results[2][0] == 0, results[2]
    landed, refused = set(), set()
    for (code, out, err), name in zip(results[:2], ("甲.csv", "乙.csv"), strict=True):
        if code == 0:
            landed.add(name)
        else:  # after the publication: refused whole, saying so in one line
            assert code == 2 and len(err.strip().splitlines()) == 1, (out, err)
            assert f"{name} 第2行:2015-04 已发布第1版,已锁定" in err, err
            refused.add(name)
    db = _database(bureau)
    assert os.environ.get("KAOHE_DATABASE_URL") or db.execute("PRAGMA integrity_check").fetchone() == ("ok",)  # SQLite's file
    assert db.execute("SELECT count(*) FROM records").fetchone() == (4 + 6000 * len(landed),)
    assert db.execute("SELECT count(DISTINCT key) FROM records").fetchone() == (4 + 6000 * len(landed),)
    actors = {"甲.csv": ("甲", 6000), "乙.csv": ("乙", 6000)}
    assert set(db.execute("SELECT actor, accepted FROM imports").fetchall()) == {("考核办 录入员", 4), *(actors[f] for f in landed)}
    assert db.execute("SELECT count(*) FROM audit WHERE action = '导入'").fetchone() == (1 + len(landed),)
    # the edition saw one consistent state: each import wholly or not at all; one refused came after it
    payload = json.loads(zlib.decompress(db.execute("SELECT payload FROM editions").fetchone()[0]))
    files = {i["file"] for i in payload["inputs"]["imports"]}
    assert payload["inputs"]["records"] == 4 + 6000 * len(files - {"register.csv"})
    assert files - {"register.csv"} <= landed and not files & refused
    # 甲: 100 − 2 × (2 + 6000 if its file was in) = −11904 against 丙's 100 (the top), else 96
    totals = {u["unit"]: u["total"] for u in payload["results"]}
    assert totals["a"] == ("-11904" if "甲.csv" in files else "96")
    assert totals["b"] == ("-11903" if "乙.csv" in files else "97")  # 100 − 2 − 1 − 2 × 6000
    db.close()
    # the files refused are imported once the office unlocks April; publishing again holds
    # everything: a second edition, unless the first already saw both files
    if refused or landed - files:
        ob.kaohe(bureau, "unlock", "2015-04", "--reason", "两部门数据与发布同时提交,补录")
    for name in sorted(refused):
        ob.kaohe(bureau, "ingest", "-q", name)
    out = ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-07").stdout
    assert ("完全相同" in out) == (files == {"register.csv", "甲.csv", "乙.csv"})
    db = _database(bureau)
    last = json.loads(zlib.decompress(db.execute("SELECT payload FROM editions ORDER BY number DESC").fetchone()[0]))
    assert last["inputs"]["records"] == 12004
    db.close()


def test_two_publishes_at_once_make_one_edition(bureau: Path) -> None:
    cmd = [sys.executable, "-c", "from kaohe.cli.main import main; main()", "publish", "2015-04", "--date", "2015-05-06"]
    procs = [subprocess.Popen(cmd, cwd=bureau, env=ob.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [code for code, _, _ in outs] == [0, 0], outs
    assert sum("已发布" in out and "第1版(2015-05-06," in out for _, out, _ in outs) == 1
    assert sum("完全相同" in out for _, out, _ in outs) == 1
    db = _database(bureau)
    assert db.execute("SELECT number FROM editions").fetchall() == [(1,)]
    db.close()
    assert sorted(p.name for p in (bureau / "published" / "2015-04" / "第1版").iterdir()) == [
        "index.html", "report-2015-04.json", "通报-2015-04.xlsx",
    ]


def _database(bureau: Path) -> Any:
    """The bureau's database, read as another tool would (sqlite3; the store's connection on PostgreSQL)."""
    url = os.environ.get("KAOHE_DATABASE_URL")
    return Store(url).db.conn if url else sqlite3.connect(bureau / "kaohe.sqlite")


CRASH = """
import os, sys
from kaohe.office import publication
from kaohe.store import ledger
step = sys.argv[1]
if step == "edition":
    real = ledger.Ledger.insert_edition
    def crash(self, *a, **k):
        real(self, *a, **k)
        os._exit(9)          # the edition row is written, the transaction not committed
    ledger.Ledger.insert_edition = crash
elif step == "files":
    import kaohe.report as report
    def crash(*a, **k):
        os._exit(9)          # the edition is committed, its files not yet written
    report.publish = crash
from kaohe.cli.main import main
sys.argv = ["kaohe", "publish", "2015-04", "--date", "2015-05-06"]
main()
"""


def test_a_crash_while_publishing_leaves_the_last_good_state(bureau: Path) -> None:
    crash = subprocess.run([sys.executable, "-c", CRASH, "edition"], cwd=bureau, env=ob.env(), capture_output=True, text=True, timeout=120)
    assert crash.returncode == 9
    db = _database(bureau)
    assert db.execute("SELECT count(*) FROM editions").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM audit WHERE action = '发布'").fetchone() == (0,)
    # the edition is made from the stored results, brought up to date first (committed before the
    # edition's transaction, as ``kaohe score 2015-04`` stores them): whole, each unit once
    assert db.execute("SELECT count(*), count(DISTINCT unit) FROM scores").fetchone() == (3, 3)
    assert db.execute("SELECT period, count(*) FROM period_results WHERE digest IS NOT NULL GROUP BY period").fetchall() == [("2015-04", 1)]
    db.close()

    crash = subprocess.run([sys.executable, "-c", CRASH, "files"], cwd=bureau, env=ob.env(), capture_output=True, text=True, timeout=120)
    assert crash.returncode == 9
    db = _database(bureau)
    assert db.execute("SELECT number FROM editions").fetchall() == [(1,)]
    db.close()
    assert not (bureau / "published" / "2015-04" / "第1版").exists()
    # running it again writes the files of the same edition, and no second edition
    time.sleep(0.01)
    out = ob.kaohe(bureau, "publish", "2015-04").stdout
    assert "与 2015-04 第1版(2015-05-06 公布)完全相同" in out
    assert (bureau / "published" / "2015-04" / "第1版" / "index.html").exists()
    assert [p.name for p in (bureau / "published" / "2015-04").iterdir()] == ["第1版"]


def test_lists_say_revocations_repeat_signoffs_and_shorten_long_periods(bureau: Path) -> None:
    year = bureau / "全年.csv"
    year.write_text(ob.HEADER + "\n".join(f"Y{m},丙派出所,2015-{m:02d}-10,office.minor,,,第{m}月" for m in range(1, 13)) + "\n", encoding="utf-8")
    ob.kaohe(bureau, "ingest", str(year))
    trail = ob.kaohe(bureau, "audit", "--action", "导入").stdout
    assert "2015-01…2015-12(12期)" in trail
    assert "错误:没有操作 “导出”" in ob.kaohe(bureau, "audit", "--action", "导出", check=False).stderr
    ob.kaohe(bureau, "adjust", "add", "2015-04", "乙派出所", "2", "--kind", "机动加分", "--reason", "立功", "--approved-by", "考核领导小组")
    ob.kaohe(bureau, "adjust", "revoke", "1", "--reason", "重复登记")
    listing = ob.kaohe(bureau, "adjust", "list", "2015-04").stdout
    assert listing.startswith("机动加分第1号 2015-04 乙派出所 总分 +2:立功(批准:考核领导小组)") and "[已撤销:重复登记" in listing
    ob.kaohe(bureau, "signoff", "考核办", "2015-04", "--actor", "张某")
    again = ob.kaohe(bureau, "signoff", "考核办", "2015-04", "--actor", "李某").stdout
    assert "此前已于" in again and "由 张某 签收" in again
    empty = ob.kaohe(bureau, "signoff", "考核办", "2016-04").stdout
    assert "注意:考核办 在 2016-04 没有任何数据,签收即确认本期无数据" in empty


def test_appeal_list_names_the_item_once(bureau: Path) -> None:
    ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-06")
    ob.kaohe(bureau, "appeal", "file", "2015-04", "乙派出所", "office.minor", "--reason", "台账已补", "--received", "2015-05-07")
    listing = ob.kaohe(bureau, "appeal", "list").stdout
    line = next(ln for ln in listing.splitlines() if "第1号" in ln)
    assert line.count("台账不规范") == 1, line
    assert "乙派出所 · 台账不规范〔考核办〕 -1 (全项) —— 理由:台账已补" in line
    # a record's reason that says the title already: the title is not put before it again
    from kaohe.office.appeals import appeal_text

    a = {
        "id": 2, "period": "2015-08", "edition_number": 1, "unit": "jincheng", "title": "采取强制措施未向督察报备",
        "department": "纪委", "points": "-5", "line": "8月12日 采取强制措施未向督察报备:刑事拘留未向督察报备",
        "reason": "已报备", "received": "2015-09-01", "deadline": "2015-09-02", "outcome": None,
    }
    assert appeal_text(a).count("采取强制措施未向督察报备") == 1


def test_notices_are_numbered_apart_from_the_appeals_decisions(bureau: Path) -> None:
    """An appeal decided by a points change is stored as an adjustment too; the office's first 通知单
    is still 通知单第1号 (not 第2号), and the first 机动加分 机动加分第1号."""
    ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-06")
    ob.kaohe(bureau, "appeal", "file", "2015-04", "甲派出所", "office.late", "--record", "office.late:L2",
             "--reason", "重复报警", "--received", "2015-05-07")
    ob.kaohe(bureau, "appeal", "decide", "1", "--points", "-1", "--by", "考核办 王某", "--reason", "减半")
    ob.kaohe(bureau, "unlock", "2015-04", "--reason", "下发通知单、机动加分")  # published: locked
    added = ob.kaohe(bureau, "adjust", "add", "2015-04", "乙派出所", "-0.5", "--reason", "台账问题", "--approved-by", "考核领导小组").stdout
    assert added.startswith("已登记:通知单第1号(调整第2号) 2015-04 乙派出所 总分 -0.5")
    bonus = ob.kaohe(bureau, "adjust", "add", "2015-04", "丙派出所", "1", "--kind", "机动加分", "--reason", "抢险",
                     "--approved-by", "考核领导小组").stdout
    assert bonus.startswith("已登记:机动加分第1号(调整第3号)")
    explained = ob.kaohe(bureau, "explain", "乙派出所", "2015-04").stdout
    assert "通知单第1号:台账问题(批准:考核领导小组)" in explained and "通知单第2号" not in explained
    # the id in brackets is what revoke takes
    revoked = ob.kaohe(bureau, "adjust", "revoke", "2", "--reason", "误登").stdout
    assert revoked.startswith("已撤销:通知单第1号(调整第2号)")
    listing = ob.kaohe(bureau, "adjust", "list").stdout
    assert "复查复核第1号改分(调整第1号)" in listing and "通知单第1号(调整第2号)" in listing and "[已撤销:误登" in listing


def test_editions_and_audit_lines_are_not_padded(bureau: Path) -> None:
    from kaohe.cli.common import TABLE_CELL, _width

    long = "因数据更正重新发布:" + "某派出所的某项扣分经复核后更正," * 8
    ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-06", "--reason", long)
    for args in (("editions",), ("audit",)):
        lines = ob.kaohe(bureau, *args).stdout.splitlines()
        assert all(ln == ln.rstrip() for ln in lines), args
        # the header and the rule are as wide as the columns, not as the longest reason
        assert _width(lines[0]) < 140 and _width(lines[1]) < 140, (args, lines[:2])
    listing = ob.kaohe(bureau, "editions").stdout.splitlines()
    assert listing[2].endswith(long) and len(listing[1].split("  ")[-1]) == TABLE_CELL


def test_missing_departments_in_one_sentence() -> None:
    from kaohe.plugins.discovery import get_plugin_manager, load_registry
    from kaohe.scheme.config import parse_bureau
    from kaohe.scoring.status import MISSING, DataStatus, problems

    bureau = parse_bureau(
        {"bureau": {"name": "测试局"}, "series": [{"id": "s"}], "categories": [{"id": "c", "name": "基础", "weight": 100, "base": 100}],
         "units": [{"id": "a", "name": "甲派出所", "series": "s"}]},
        load_registry(get_plugin_manager(load_entrypoints=False)),
    )
    rows = [DataStatus(d, "2015-04", True, 0, 0, None, None, None, MISSING) for d in ("纪委", "消防大队", "治安大队")]
    assert problems(rows, bureau) == [
        "纪委 2015-04、消防大队 2015-04、治安大队 2015-04 没有数据(未报送,或本期确无需报送的事项:后者请该部门签收确认)"
    ]
