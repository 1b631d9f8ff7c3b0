"""A published period locked (issue 17, point 4; ``[publication] lock``, true by default): imports,
withdrawals and the office's adjustments touching it are refused with one line until the office
unlocks it with a reason; the appeals' decisions still work on it; publishing the next edition locks
it again; a published quarter locks its months.

The bureau is office_bureau's (April 2015: 甲 96, 乙 97, 丙 100, worked out in its docstring)."""

from __future__ import annotations

import json
from pathlib import Path

import office_bureau as ob
import pytest

LOCKED_1 = "2015-04 已发布第1版,已锁定"


@pytest.fixture
def bureau(tmp_path: Path) -> Path:
    ob.make(tmp_path)  # the lock is the default
    ob.kaohe(tmp_path, "ingest", "register.csv", "--actor", "考核办 录入员")
    ob.kaohe(tmp_path, "publish", "2015-04", "--date", "2015-05-06", "--actor", "考核办 赵某")
    # a late arrival of 甲 reported after the publication
    (tmp_path / "correction.csv").write_text(ob.HEADER + "L4,甲派出所,2015-04-15,office.late,,,补报\n", encoding="utf-8")
    return tmp_path


def _totals(bureau: Path) -> dict[str, str]:
    """Each station's total in ``kaohe ranking 2015-04``."""
    out = {}
    for line in ob.kaohe(bureau, "ranking", "2015-04").stdout.splitlines():
        cells = line.split()
        if len(cells) >= 3 and cells[1].endswith("派出所"):
            out[cells[1]] = cells[2]
    return out


def _actions(bureau: Path) -> list[str]:
    return [r["action"] for r in json.loads(ob.kaohe(bureau, "audit", "--json").stdout)]


def test_a_locked_period_refuses_imports_and_adjustments_until_unlocked(bureau: Path) -> None:
    before = _actions(bureau)
    for args in (("ingest", "correction.csv"), ("ingest", "correction.csv", "--dry-run")):
        out = ob.kaohe(bureau, *args, check=False)
        assert out.returncode == 2, out.stdout + out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in out.stderr
        assert "correction.csv 第2行" in lines[0] and LOCKED_1 in lines[0] and "kaohe unlock 2015-04" in lines[0]
    adj = ob.kaohe(bureau, "adjust", "add", "2015-04", "乙派出所", "-0.5", "--reason", "倒查", "--approved-by", "领导小组", check=False)
    assert adj.returncode == 2 and LOCKED_1 in adj.stderr
    assert _actions(bureau) == before  # nothing stored, nothing audited
    assert _totals(bureau) == {"甲派出所": "96", "乙派出所": "97", "丙派出所": "100"}

    # an appeal's decision still works on the locked period: it makes the next edition
    ob.kaohe(bureau, "appeal", "file", "2015-04", "甲派出所", "office.late", "--record", "office.late:L2",
             "--reason", "系群众重复报警", "--received", "2015-05-08")
    ob.kaohe(bureau, "appeal", "decide", "1", "--void", "--by", "考核办 王某", "--reason", "核实属重复报警")

    empty = ob.kaohe(bureau, "unlock", "2015-04", "--reason", "  ", check=False)
    assert empty.returncode == 2 and "解除锁定须写明理由" in empty.stderr
    out = ob.kaohe(bureau, "unlock", "2015-04", "--reason", "刑侦补报漏报记录,经分管领导同意", "--actor", "考核办 钱某")
    assert "已解除 2015-04 的锁定" in out.stdout
    again = ob.kaohe(bureau, "unlock", "2015-04", "--reason", "再次", check=False)
    assert again.returncode == 2 and "已解除锁定" in again.stderr
    trail = json.loads(ob.kaohe(bureau, "audit", "--action", "解除锁定", "--json").stdout)
    assert [(t["actor"], t["subject"], t["detail"]["reason"]) for t in trail] == [
        ("考核办 钱某", "2015-04#1", "刑侦补报漏报记录,经分管领导同意")
    ]

    ob.kaohe(bureau, "ingest", "correction.csv")
    second = ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-12").stdout
    assert "第2版" in second
    # 甲: 100 − 2 (L1) − 2 (L4); L2 voided by the appeal → 96; 乙 97; 丙 100
    assert _totals(bureau) == {"甲派出所": "96", "乙派出所": "97", "丙派出所": "100"}
    assert "复查第1号" in second  # the edition says the appeal's change

    # the new edition locks the period again
    relocked = ob.kaohe(bureau, "ingest", "correction.csv", check=False)
    assert relocked.returncode == 2 and "2015-04 已发布第2版,已锁定" in relocked.stderr


def test_unlocking_without_the_setting_or_before_publication_is_refused(tmp_path: Path) -> None:
    ob.make(tmp_path, "\n[publication]\nlock = false\n")
    ob.kaohe(tmp_path, "ingest", "register.csv")
    off = ob.kaohe(tmp_path, "unlock", "2015-04", "--reason", "测试", check=False)
    assert off.returncode == 2 and "lock = false" in off.stderr
    # without the lock a published record is still not withdrawn by its department (issue 17 point 2)
    ob.kaohe(tmp_path, "publish", "2015-04", "--date", "2015-05-06")
    late = ob.kaohe(tmp_path, "withdraw", "office.late:L2", "--reason", "重复", "--department", "考核办", check=False)
    assert late.returncode == 2 and "所在的2015年4月已发布通报,不能再撤回" in late.stderr and "已锁定" not in late.stderr
    ob.make(tmp_path)  # the configuration as it comes: locked (a new database)
    (tmp_path / "kaohe.sqlite").unlink()
    ob.kaohe(tmp_path, "ingest", "register.csv")
    early = ob.kaohe(tmp_path, "unlock", "2015-04", "--reason", "测试", check=False)
    assert early.returncode == 2 and "2015-04 尚未发布,无需解除锁定" in early.stderr
    # another period than the one published is not locked: 2015-05's records are taken
    ob.kaohe(tmp_path, "publish", "2015-04", "--date", "2015-05-06")
    (tmp_path / "may.csv").write_text(ob.HEADER + "L9,乙派出所,2015-05-03,office.late,,,五月\n", encoding="utf-8")
    ob.kaohe(tmp_path, "ingest", "may.csv")
    status = json.loads(ob.kaohe(tmp_path, "status", "2015-05", "--json").stdout)
    assert status["departments"][0]["records"] == 1


def test_a_withdrawal_is_refused_while_locked_and_allowed_once_unlocked(bureau: Path) -> None:
    """甲's L2 (−2) withdrawn by its department after the office unlocks April: 甲 100 − 2 = 98 in 第2版."""
    args = ("withdraw", "office.late:L2", "--reason", "系重复录入", "--department", "考核办")
    out = ob.kaohe(bureau, *args, check=False)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert out.stderr.strip().startswith(f"错误:记录 office.late:L2 属 2015-04,{LOCKED_1}") and "kaohe unlock 2015-04" in out.stderr
    ob.kaohe(bureau, "unlock", "2015-04", "--reason", "考核办录入重复,同意撤回")
    assert "已撤回记录 office.late:L2" in ob.kaohe(bureau, *args).stdout
    assert "第2版" in ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-12").stdout
    assert _totals(bureau) == {"甲派出所": "98", "乙派出所": "97", "丙派出所": "100"}


def test_a_published_quarter_locks_its_months(tmp_path: Path) -> None:
    """Seed 000 l.82: the quarter is made from its months, so 2015-Q2 published locks April's records
    and the adjustments of its months and of itself; a lock names the shortest period first, and
    each one is lifted by itself. 2015-03 (outside Q2) stays open."""
    ob.make(tmp_path)
    ob.kaohe(tmp_path, "ingest", "register.csv")
    (tmp_path / "correction.csv").write_text(ob.HEADER + "L4,甲派出所,2015-04-15,office.late,,,补报\n", encoding="utf-8")
    (tmp_path / "march.csv").write_text(ob.HEADER + "K1,丙派出所,2015-03-10,office.minor,,,三月\n", encoding="utf-8")
    ob.kaohe(tmp_path, "publish", "2015-Q2", "--date", "2015-07-06", "--allow-missing", "五、六月无数据")
    refused = ob.kaohe(tmp_path, "ingest", "correction.csv", check=False)
    assert refused.returncode == 2 and "correction.csv 第2行:2015-Q2 已发布第1版,已锁定" in refused.stderr
    for period in ("2015-05", "2015-Q2"):
        adj = ob.kaohe(tmp_path, "adjust", "add", period, "乙派出所", "1", "--reason", "立功", "--approved-by", "领导小组", check=False)
        assert adj.returncode == 2 and "2015-Q2 已发布第1版,已锁定" in adj.stderr, period
    ob.kaohe(tmp_path, "ingest", "march.csv")  # March is not in Q2
    # April published too: its own lock is named first, then the quarter's once April is unlocked
    ob.kaohe(tmp_path, "publish", "2015-04", "--date", "2015-05-06")
    assert "2015-04 已发布第1版,已锁定" in ob.kaohe(tmp_path, "ingest", "correction.csv", check=False).stderr
    ob.kaohe(tmp_path, "unlock", "2015-04", "--reason", "补报")
    assert "2015-Q2 已发布第1版,已锁定" in ob.kaohe(tmp_path, "ingest", "correction.csv", check=False).stderr
    ob.kaohe(tmp_path, "unlock", "2015-Q2", "--reason", "补报")
    ob.kaohe(tmp_path, "ingest", "correction.csv")
    # 甲: 100 − 2 (L1) − 2 (L2) − 2 (L4) = 94 in April's 第2版
    assert "第2版" in ob.kaohe(tmp_path, "publish", "2015-04", "--date", "2015-05-12").stdout
    assert _totals(tmp_path)["甲派出所"] == "94"
