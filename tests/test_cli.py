"""The `kaohe` command as a user runs it: help, one-line errors, init, and the demo end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

COMMANDS = [
    "init", "plugins", "ingest", "score", "explain", "ranking", "publish", "appeal-deadline", "demo",
    "status", "signoff", "editions", "diff", "appeal", "adjust", "audit", "verify",
]


def kaohe(*args, cwd=None, env=None):
    return subprocess.run(
        [sys.executable, "-c", "from kaohe.cli import main; main()", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    out = kaohe(command, "--help")
    assert out.returncode == 0, out.stderr
    assert "Usage:" in out.stdout and any("\u4e00" <= ch <= "\u9fff" for ch in out.stdout)


def test_top_level_help_lists_the_commands():
    out = kaohe("--help")
    assert out.returncode == 0
    for command in COMMANDS:
        assert command in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "missing.toml", "score", "2015-04"], "错误:找不到配置文件 missing.toml"),
        (["score", "2015-13"], "错误:无法识别的考核周期 '2015-13'"),
        (["explain", "nobody", "2015-04"], "错误:没有单位 “nobody”"),
        (["ingest", "nofile.xlsx"], "错误:找不到文件 nofile.xlsx"),
        (["score", "2015-H3"], "错误:无法识别的考核周期 '2015-H3'"),
    ],
)
def test_user_mistakes_give_one_line_and_no_traceback(tmp_path, args, message):
    assert kaohe("init", str(tmp_path)).returncode == 0
    out = kaohe(*args, cwd=tmp_path)
    assert out.returncode != 0
    assert out.stderr.strip().startswith(message), out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_init_writes_a_config_that_loads_and_refuses_to_overwrite(tmp_path):
    out = kaohe("init", str(tmp_path), "--name", "测试市公安局")
    assert out.returncode == 0, out.stderr
    assert "测试市公安局" in (tmp_path / "kaohe.toml").read_text(encoding="utf-8")
    assert (tmp_path / "kaohe.sqlite").exists() and (tmp_path / "units.csv").exists()
    assert kaohe("plugins", cwd=tmp_path).returncode == 0
    again = kaohe("init", str(tmp_path))
    assert again.returncode != 0 and "已存在,未覆盖" in again.stderr


def test_config_error_names_file_and_key(tmp_path):
    kaohe("init", str(tmp_path))
    cfg = tmp_path / "kaohe.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("cutoff_day = 20", "cutoff_day = 31"), encoding="utf-8")
    out = kaohe("score", "2015-04", cwd=tmp_path)
    assert out.returncode == 2
    assert "kaohe.toml: 配置项 bureau.cutoff_day: 应为 1-27 的整数" in out.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo") / "kaohe-demo"
    out = kaohe("demo", str(d))
    assert out.returncode == 0, out.stderr
    return d, out.stdout


def test_demo_runs_end_to_end(demo):
    d, stdout = demo
    assert "已计算 19 个考核期" in stdout
    assert "✗" in stdout  # the bad rows planted by the plugins were rejected and shown
    assert (d / "kaohe.sqlite").exists()
    again = kaohe("demo", str(d))
    assert again.returncode != 0 and "已存在且不为空" in again.stderr


def test_demo_ranking_matches_the_store_and_the_explanations(demo):
    d, _ = demo
    cfg = str(d / "kaohe.toml")
    ranking = json.loads(kaohe("-c", cfg, "ranking", "--json", "2015-04").stdout)["ranking"]
    assert len(ranking) == 15
    import sqlite3

    db = sqlite3.connect(d / "kaohe.sqlite")
    stored = {u: Decimal(t) for u, t in db.execute("SELECT unit, total FROM scores WHERE period = '2015-04'")}
    assert {r["unit"]: Decimal(r["total"]) for r in ranking} == stored
    for series in "ABC":
        totals = [Decimal(r["total"]) for r in ranking if r["series"] == series]
        assert totals == sorted(totals, reverse=True)
    # the explanation of every unit adds up: total = Σ category scores; raw = base + Σ item points
    firsts = {r["series"]: r for r in reversed(ranking)}  # the last-ranked unit of each series
    for r in firsts.values():
        tree = json.loads(kaohe("-c", cfg, "explain", "--json", r["unit"], "2015-04").stdout)
        assert Decimal(tree["total"]) == sum(Decimal(c["score"]) for c in tree["categories"]) or tree["veto"]
        for c in tree["categories"]:
            items = sum((Decimal(i["points"]) for i in c["items"]), Decimal(0))
            assert Decimal(c["raw"]) == Decimal(c["base"]) + items or "人均" in c["explanation"]


def test_demo_verifies_clean_and_publishing_again_reproduces_its_edition(demo, tmp_path):
    import shutil

    d = tmp_path / "kaohe-demo"
    shutil.copytree(demo[0], d)
    cfg = str(d / "kaohe.toml")
    out = kaohe("-c", cfg, "verify", cwd=d)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("完整:审计链 ") and "3 个已发布文件核对无误" in out.stdout
    edition = d / "published" / "2015" / "第1版"
    files = {f.name: f.read_bytes() for f in edition.iterdir()}
    for f in edition.iterdir():
        f.unlink()
    again = kaohe("-c", cfg, "publish", "2015", cwd=d)
    assert again.returncode == 0, again.stderr
    assert "完全相同,未产生新版本" in again.stdout
    assert {f.name: f.read_bytes() for f in edition.iterdir()} == files  # HTML, XLSX and JSON alike
    assert kaohe("-c", cfg, "verify", cwd=d).returncode == 0


def test_demo_csv_ranking_opens_in_excel(demo):
    d, _ = demo
    out = kaohe("-c", str(d / "kaohe.toml"), "ranking", "--csv", "2015-Q1")
    assert out.returncode == 0
    assert out.stdout.startswith("\ufeff序列,名次,单位编号,单位,总分")
    assert len(out.stdout.strip().splitlines()) == 16


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["publsh"], "错误:没有命令 publsh,是否要用 publish?"),
        (["audit", "--actio", "x"], "错误:没有选项 --actio,是否要用 --action 或 --actor?"),
        (["diff", "2015-04"], "错误:缺少参数 AFTER"),
        (["adjust", "add", "2015-04", "a", "1", "--approved-by", "x"], "错误:缺少选项 --reason"),
        (["appeal", "decide", "x", "--keep", "--by", "a", "--reason", "b"], "错误:APPEAL_ID 的值无效:“x” 不是整数"),
        (["score", "2015-04", "extra"], "错误:多余的参数:extra"),
    ],
)
def test_usage_errors_are_said_in_chinese(tmp_path, args, message):
    assert kaohe("init", str(tmp_path)).returncode == 0
    out = kaohe(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1] == message, out.stderr
    assert "Traceback" not in out.stderr


def test_scoring_a_period_without_any_record_warns(tmp_path):
    assert kaohe("init", str(tmp_path)).returncode == 0
    out = kaohe("score", "-q", "2016-04", cwd=tmp_path)
    assert out.returncode == 0
    assert out.stderr.strip() == "警告:数据库中没有 2016-04 的任何记录(期间写错了,还是数据尚未导入?),以下得分是在没有任何记录的情况下算出的"
