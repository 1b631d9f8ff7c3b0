"""Issue 23, point 7 (the commands' part): what a command accepts is bounded, and what goes wrong is
said in one line — periods outside the plausible years, a publication dated ahead, a future date of
receipt, an absurd edition number, an absurd appeal window, duplicate unit ids, a configuration
edited while publishing, formulas in CSV output, edition folders' permissions, a full disk.

On the three-station bureau of office_bureau.py (丙 100, 乙 97, 甲 96 in April 2015)."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import os
import shutil
import sqlite3
import stat
from decimal import Decimal
from pathlib import Path

import office_bureau as ob
import pytest
from click.testing import CliRunner
from kaohe.cli.common import Ctx, csv_cell
from kaohe.cli.main import database_error_text, os_error_text
from kaohe.core.periods import Period
from kaohe.office.ingest import ingest
from kaohe.office.publication import publish
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.plugins.officers import officers
from kaohe.scheme.config import load_bureau
from kaohe.office.results import config_digest
from kaohe.store.store import Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def bureau(tmp_path: Path) -> Path:
    ob.make(tmp_path)
    ob.kaohe(tmp_path, "ingest", "register.csv")
    return tmp_path


def one_line_error(out, code: int = 2) -> str:  # type: ignore[no-untyped-def]
    assert out.returncode == code, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def editions(directory: Path) -> int:
    with sqlite3.connect(directory / "kaohe.sqlite") as c:
        return int(c.execute("SELECT count(*) FROM editions").fetchone()[0])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("score", "0001"), "年份 1 不在 2000-2099 年之间"),
        (("ranking", "0000-01"), "年份 0 不在 2000-2099 年之间"),
        (("publish", "9999-12", "--date", "2015-05-06"), "年份 9999 不在 2000-2099 年之间"),
        (("publish", "1900-01"), "年份 1900 不在 2000-2099 年之间"),
        (("publish", "2099-01"), "2099年1月(2099-01-01 至 2099-01-31)尚未开始"),
        (("publish", "2015-04", "--date", "2099-01-01"), "公布日期 2099-01-01 晚于今天"),
        (("publish", "2015-04", "--date", "2015-03-31"), "公布日期 2015-03-31 早于 2015-04 的第一天 2015-04-01"),
        (("appeal-deadline", "9999-12-31"), "公布日期 9999-12-31 不在 2000-2099 年之间"),
    ],
)
def test_periods_and_publication_dates_out_of_bounds_are_refused(bureau: Path, args: tuple[str, ...], words: str) -> None:
    line = one_line_error(ob.kaohe(bureau, *args, check=False))
    assert line.startswith("错误:") and words in line
    assert editions(bureau) == 0  # nothing published, no permanent edition of full marks


def test_a_future_date_of_receipt_and_an_absurd_edition_number_are_refused(bureau: Path) -> None:
    ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-06")
    future = ob.kaohe(bureau, "appeal", "file", "2015-04", "a", "office.late", "--record", "office.late:L1",
                      "--reason", "重复", "--received", "2099-01-01", check=False)
    assert "收到申请的日期 2099-01-01 晚于今天" in one_line_error(future)
    assert "没有复查申请" in ob.kaohe(bureau, "appeal", "list").stdout
    huge = ob.kaohe(bureau, "diff", "2015-04#99999999999999999999999", "2015-04", check=False)
    assert "通报版本号 99999999999999999999999 无效" in one_line_error(huge)
    missing = ob.kaohe(bureau, "diff", "2015-04#7", "2015-04", check=False)
    assert "没有通报版本 2015-04#7" in one_line_error(missing)


def test_a_sign_off_ahead_of_its_period_and_an_absurd_adjustment_number_are_refused(bureau: Path) -> None:
    """考核办 signing off 2099-01 (for 2015-01) confirmed "no data" for a month not begun; revoking
    adjustment 99999999999999999999999 ended in an OverflowError traceback."""
    ahead = ob.kaohe(bureau, "signoff", "考核办", "2099-01", check=False)
    assert one_line_error(ahead) == "错误:2099年1月(2099-01-01 至 2099-01-31)尚未开始,不能签收:今天是 " + dt.date.today().isoformat() + "(期间写错了?)"
    with sqlite3.connect(bureau / "kaohe.sqlite") as c:
        assert c.execute("SELECT count(*) FROM signoffs").fetchone() == (0,)
    assert ob.kaohe(bureau, "signoff", "考核办", "2015-04").returncode == 0  # a period begun: signed off
    for number in ("99999999999999999999999", "9223372036854775808", "0"):
        huge = ob.kaohe(bureau, "adjust", "revoke", number, "--reason", "x", check=False)
        assert one_line_error(huge) == f"错误:没有第{number}号调整"


def test_an_absurd_appeal_window_is_refused_before_anything_is_recorded(bureau: Path) -> None:
    config = bureau / "kaohe.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[appeals]\nworking_days = 100000000\n", encoding="utf-8")
    line = one_line_error(ob.kaohe(bureau, "publish", "2015-04", "--date", "2015-05-06", check=False))
    assert "配置项 appeals.working_days: 应为 1-60 的整数" in line and "100000000" in line
    assert editions(bureau) == 0


def test_duplicate_unit_ids_in_the_units_file_are_refused(tmp_path: Path) -> None:
    """Two rows for 甲 would rank two stations, both first, where there is one."""
    ob.make(tmp_path)
    config = tmp_path / "kaohe.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('[[units]]\nid = "c"\nname = "丙派出所"\nseries = "s"\n', "")  # 丙 comes from the file
    config.write_text('units_file = "units.csv"\n' + text, encoding="utf-8")
    (tmp_path / "units.csv").write_text("id,name,series\nc,丙派出所,s\nd,丁派出所,s\nc,丙所,s\n", encoding="utf-8")
    line = one_line_error(ob.kaohe(tmp_path, "ranking", "2015-04", check=False))
    assert "units.csv: 配置项 第4行 id 列: 单位编号 'c' 与第2行重复" in line
    # the same id in [[units]] and the file
    (tmp_path / "units.csv").write_text("id,name,series\nc,丙派出所,s\na,甲所,s\n", encoding="utf-8")
    line = one_line_error(ob.kaohe(tmp_path, "ranking", "2015-04", check=False))
    assert "配置项 units: 单位编号 'a' 重复" in line


def test_the_edition_stores_the_configuration_its_results_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The configuration is edited (乙's 台账 item switched to −5 a time) after it was read and before
    the edition is frozen: the edition stores, and digests, the text the scores came from (乙 97)."""
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    config = ob.make(tmp_path)
    reg = load_registry(get_plugin_manager())
    bureau = load_bureau(config, reg)
    original = config.read_bytes()
    with Store(bureau.database) as store:
        ingest(store, bureau, reg, tmp_path / "register.csv")
        config.write_text(original.decode("utf-8").replace("params = { points = -1 }", "params = { points = -5 }"), encoding="utf-8")
        done = publish(store, bureau, reg, Period.parse("2015-04"), published_on=dt.date(2015, 5, 6), write=False)
        e = store.edition("2015-04")
        run = store.db.execute("SELECT config FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert done.result.unit("b").total == Decimal(97)
    assert e["data"]["config"]["text"].encode("utf-8") == original
    assert e["data"]["config"]["sha256"] == hashlib.sha256(original).hexdigest()
    # the run stored the digest of the configuration as scoring read it (kaohe.office.results.config_digest): the original's
    april = Period.parse("2015-04")
    assert run == config_digest(bureau, april) != config_digest(load_bureau(config, reg), april)


def test_formulas_are_escaped_in_csv_output(tmp_path: Path) -> None:
    assert csv_cell('=HYPERLINK("http://x","甲")') == '\'=HYPERLINK("http://x","甲")'
    assert [csv_cell(v) for v in ("+1+1", "@SUM(A1)", "-2+3", "\t=1")] == ["'+1+1", "'@SUM(A1)", "'-2+3", "'\t=1"]
    assert [csv_cell(v) for v in ("-2", "+1.5", "96", "-0.5", "丙派出所", "", None, 3)] == ["-2", "+1.5", "96", "-0.5", "丙派出所", "", "", "3"]

    ob.make(tmp_path)
    config = tmp_path / "kaohe.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('name = "丙派出所"', 'name = "=HYPERLINK(\\"http://x\\",\\"丙\\")"'), encoding="utf-8")
    ob.kaohe(tmp_path, "ingest", "register.csv")
    out = ob.kaohe(tmp_path, "ranking", "2015-04", "--csv").stdout
    rows = {r[2]: r for r in csv.reader(out.lstrip("\ufeff").splitlines())}
    assert rows["c"][3] == '\'=HYPERLINK("http://x","丙")' and rows["c"][1:5:3] == ["1", "100"]
    assert rows["a"][3:5] == ["甲派出所", "96"]  # 100 − 2 − 2, a number, left as it is

    # officers --csv: an officer's name from the roster
    for f in (EXAMPLES / "shangcheng-2010").iterdir():
        if f.suffix in (".toml", ".csv"):
            shutil.copy(f, tmp_path / f.name)
    roster = tmp_path / "民警名单_2010.csv"
    roster.write_text(roster.read_text(encoding="utf-8-sig").replace("1001,张伟,", "1001,@SUM(1+1)*cmd,"), encoding="utf-8")
    result = CliRunner().invoke(officers, ["2010-Q2", "--csv"], obj=Ctx(str(tmp_path / "kaohe.toml")))
    assert result.exit_code == 0, result.output
    by_id = {r["警号"]: r for r in csv.DictReader(result.output.lstrip("\ufeff").splitlines())}
    assert by_id["1001"]["姓名"] == "'@SUM(1+1)*cmd"
    assert by_id["2001"]["考核系数"] == "1.35"


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_edition_folders_follow_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int, folder: int, file: int) -> None:
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    config = ob.make(tmp_path)
    reg = load_registry(get_plugin_manager())
    bureau = load_bureau(config, reg)
    before = os.umask(umask)
    try:
        with Store(bureau.database) as store:
            ingest(store, bureau, reg, tmp_path / "register.csv")
            done = publish(store, bureau, reg, Period.parse("2015-04"), published_on=dt.date(2015, 5, 6), out=tmp_path / "out")
    finally:
        os.umask(before)
    assert done.directory is not None
    assert stat.S_IMODE(done.directory.stat().st_mode) == folder
    assert {stat.S_IMODE(f.stat().st_mode) for f in done.directory.iterdir()} == {file}


def test_a_full_disk_is_reported_as_such_and_the_import_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database is held to its present size (SQLite's max_page_count: the same SQLITE_FULL a full
    disk gives). SQLite rolls the import back itself; the error is the full disk, not "cannot rollback
    - no transaction is active", and nothing of the file is stored."""
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    rows = [f"X{i},甲派出所,2015-04-03,office.late,,,{'超时' * 200}" for i in range(2000)]
    config = ob.make(tmp_path, "", rows)
    reg = load_registry(get_plugin_manager())
    bureau = load_bureau(config, reg)
    with Store(bureau.database) as store:
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 20}")
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full") as info:
            ingest(store, bureau, reg, tmp_path / "register.csv")
        assert not store.db.conn.in_transaction
        assert (store.count(), store.count("imports"), store.count("audit")) == (0, 0, 0)
    text = database_error_text(info.value)
    assert text.startswith("磁盘已满") and "cannot rollback" not in text and "稍后再试" not in text
    assert database_error_text(sqlite3.OperationalError("attempt to write a readonly database")).startswith("没有写权限")
    # the same when the edition's files meet a full disk or a folder without permission
    assert os_error_text(OSError(errno.ENOSPC, "No space left on device", "published/2015-04")) == "磁盘已满:published/2015-04"
    assert os_error_text(PermissionError(errno.EACCES, "Permission denied", "published")) == "没有权限:published"
