"""The `kaohe` command as a user runs it: help, one-line errors, init, and the demo end to end."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal

import pytest
from inprocess import kaohe as run_kaohe

COMMANDS = [
    "init", "plugins", "ingest", "score", "explain", "ranking", "publish", "appeal-deadline", "demo",
    "status", "signoff", "editions", "diff", "appeal", "adjust", "audit", "verify", "serve", "users",
]


def kaohe(*args, cwd=None, env=None):
    return run_kaohe(*args, cwd=cwd, env=env)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    out = kaohe(command, "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("用法: kaohe ") and any("\u4e00" <= ch <= "\u9fff" for ch in out.stdout)
    # click's own words said in Chinese too: headings, the help option, placeholders
    assert "选项:" in out.stdout and "显示本说明并退出。" in out.stdout and "[选项]" in out.stdout
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[OPTIONS]", "TEXT", "[default:", "[required]"):
        assert english not in out.stdout, (english, out.stdout)


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
    again = kaohe("-c", cfg, "publish", "2015", "--actor", "kaoheban", cwd=d)  # the demo has an office account
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


def test_plugins_shows_the_bureaus_overrides_and_survives_a_wrong_item(tmp_path):
    assert kaohe("init", str(tmp_path)).returncode == 0
    cfg = tmp_path / "kaohe.toml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(
        text + '\n[items."zhihui110.callback_satisfaction".params]\ntarget = 96\n'
        '\n[items."jiaoxunjing.fatal_hit_run"]\narticle = "第八条(二)"\n',
        encoding="utf-8",
    )
    out = kaohe("plugins", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if "zhihui110.callback_satisfaction" in ln)
    # the target this bureau scores with, and the plugin's default beside it
    assert line.startswith("  [启用] zhihui110.callback_satisfaction  回访满意率达到95%以上  (每月;seed 000 l.554;目标 96%,")
    assert "〔本局调整:参数;插件默认:目标 95%,每低1个百分点 -0.5〕" in line
    # the article a bureau cites instead of the plugin's (seed 000 l.644 is 第十一条(六)1 of 2015)
    cited = next(ln for ln in out.stdout.splitlines() if "jiaoxunjing.fatal_hit_run" in ln)
    assert "〔本局调整:依据 第十一条(六)1→第八条(二);" in cited
    untouched = next(ln for ln in out.stdout.splitlines() if "zhihui110.arrival_late" in ln)
    assert "本局调整" not in untouched
    # a configuration naming an item that does not exist: the plugins are still listed, with a warning
    cfg.write_text(text.replace("disable = []", 'disable = ["xiaofang.monthly_meeting"]'), encoding="utf-8")
    out = kaohe("plugins", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "xiaofang" in out.stdout and "zhihui110.callback_satisfaction  回访满意率达到95%以上" in out.stdout
    assert out.stderr.strip().startswith("警告:配置有误,以下不显示本局的启用情况和参数:")
    assert "是否应为 xiaofang.meeting?" in out.stderr
    score = kaohe("score", "2015-04", cwd=tmp_path)
    assert score.returncode == 2 and "是否应为 xiaofang.meeting?" in score.stderr


def test_records_of_an_uninstalled_plugin_are_not_dropped_silently(demo):
    """消防's plugin uninstalled (its items were on by the pattern "*"): its stored records count in
    no item any more — explain, ranking and status say so, with how many records."""
    import os
    import sqlite3

    d, _ = demo
    cfg = str(d / "kaohe.toml")
    with sqlite3.connect(d / "kaohe.sqlite") as db:  # April is 2015-03-21 … 2015-04-20 (cut-off day 20)
        (n,) = db.execute(
            "SELECT count(*) FROM records WHERE kind LIKE 'xiaofang.%' AND date BETWEEN '2015-03-21' AND '2015-04-20' AND voided = 0"
        ).fetchone()
    assert n > 0
    others = "bangongshi,churujing,guobao,jiaoxunjing,jingzhen,jiwei,xingzhen,zhian,zhihui110"
    env = {**os.environ, "KAOHE_LOAD_PLUGINS": others}
    warning = f"警告:数据库中有 消防大队(xiaofang) 在 2015-04 的 {n} 条记录,但插件 xiaofang 未安装:这些记录不计分"
    for args in (["explain", "jincheng", "2015-04"], ["ranking", "2015-04"], ["status", "2015-04"]):
        out = kaohe("-c", cfg, *args, env=env)
        assert out.returncode == 0, out.stderr
        assert warning in out.stderr, (args, out.stderr)
    # with the plugin installed, nothing to say
    assert "未安装" not in kaohe("-c", cfg, "status", "2015-04").stderr


def test_a_file_with_rejected_rows_imports_its_good_rows_and_exits_3(tmp_path):
    """README: the good rows are stored, each bad row listed, exit code 3; --strict refuses the whole
    file (exit 1, nothing stored); --dry-run stores nothing and says the same (exit 3)."""
    import office_bureau as ob

    ob.make(tmp_path, rows=[*ob.APRIL, "X1,戊派出所,2015-04-15,office.late,,,到场超时"])
    dry = ob.kaohe(tmp_path, "ingest", "--dry-run", "register.csv", check=False)
    assert dry.returncode == 3 and "第6行" in dry.stdout and "戊派出所" in dry.stdout
    strict = ob.kaohe(tmp_path, "ingest", "--strict", "register.csv", check=False)
    assert strict.returncode == 1
    ranking = json.loads(ob.kaohe(tmp_path, "ranking", "--json", "2015-04").stdout)["ranking"]
    assert {r["unit"]: Decimal(r["total"]) for r in ranking} == {"a": 100, "b": 100, "c": 100}  # nothing stored
    out = ob.kaohe(tmp_path, "ingest", "register.csv", check=False)
    assert out.returncode == 3, out.stderr
    assert "新增4条" in out.stdout
    assert out.stderr.strip().splitlines()[-1].startswith("有被拒绝的行:其余行已导入")
    # the four good rows count, by hand: 甲 100 − 2 − 2 = 96, 乙 100 − 2 − 1 = 97, 丙 100
    ranking = json.loads(ob.kaohe(tmp_path, "score", "-q", "2015-04") and ob.kaohe(tmp_path, "ranking", "--json", "2015-04").stdout)["ranking"]
    assert {r["unit"]: Decimal(r["total"]) for r in ranking} == {"a": 96, "b": 97, "c": 100}


def test_of_several_files_an_unreadable_one_says_which_were_imported_and_which_not(tmp_path):
    """kaohe ingest A B C where B has no known header: A is imported (its line says so), the
    one-line error on B names C as not imported, exit 2; C's rows are not stored."""
    import office_bureau as ob

    ob.make(tmp_path, rows=ob.APRIL[:2])
    (tmp_path / "c.csv").write_text(ob.HEADER + ob.APRIL[2] + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("名称,数量\n甲,1\n", encoding="utf-8")
    out = ob.kaohe(tmp_path, "ingest", "register.csv", "b.csv", "c.csv", check=False)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    (line,) = out.stderr.strip().splitlines()
    assert line.startswith("错误:b.csv:") and line.endswith("(此前的文件已导入,见上;其后的文件未导入:c.csv)")
    assert "导入 register.csv" in out.stdout and "c.csv" not in out.stdout
    ranking = json.loads(ob.kaohe(tmp_path, "ranking", "--json", "2015-04").stdout)["ranking"]
    # by hand: 甲's two late arrivals (−2 each) count, 乙's (in c.csv) does not
    assert {r["unit"]: Decimal(r["total"]) for r in ranking} == {"a": 96, "b": 100, "c": 100}


@pytest.mark.parametrize("typed", ["2015-4", "2015年4月", "2015/04", "2015年4月份"])
def test_periods_are_typed_as_files_write_them(tmp_path, typed):
    assert kaohe("init", str(tmp_path)).returncode == 0
    out = kaohe("score", "-q", typed, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    # cut-off day 20 (the template's): April is 2015-03-21 … 2015-04-20
    assert out.stdout.startswith("已计算 2015年4月(2015-03-21 至 2015-04-20)")


def test_a_period_not_yet_begun_is_refused(tmp_path):
    import datetime as dt

    assert kaohe("init", str(tmp_path)).returncode == 0
    year = dt.date.today().year + 1
    # next year's February begins on 01-21 of next year (cut-off day 20): always after today
    for args in (["score", f"{year}-02"], ["ranking", f"{year}-02"], ["publish", f"{year}-02"]):
        out = kaohe(*args, cwd=tmp_path)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert out.stderr.strip() == (
            f"错误:{year}年2月({year}-01-21 至 {year}-02-20)尚未开始,不能计分:今天是 {dt.date.today().isoformat()}(期间写错了?)"
        )


def test_explain_states_the_periods_dates(demo):
    d, _ = demo
    out = kaohe("-c", str(d / "kaohe.toml"), "explain", "jincheng", "2015-04")
    assert out.returncode == 0, out.stderr
    # the demo's cut-off day is the 20th (seed 000 l.696): April runs from March 21st
    assert out.stdout.splitlines()[0] == "考核期间:2015年4月,2015-03-21 至 2015-04-20"


def test_running_an_example_leaves_nothing_untracked():
    """An example's README runs kaohe in the example's folder: its database and published reports,
    and the quick start's kaohe-demo folder, are ignored by git."""
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    paths = ["examples/siwei-2025/kaohe.sqlite", "examples/xiacheng-2011/published/2011/第1版/index.html", "kaohe-demo/kaohe.sqlite"]
    out = subprocess.run(["git", "check-ignore", "-z", "--stdin"], input="\0".join(paths) + "\0", cwd=root, capture_output=True, text=True)
    assert out.stdout.split("\0")[:-1] == paths
    # the examples' own files are not ignored
    kept = subprocess.run(["git", "check-ignore", "examples/siwei-2025/kaohe.toml", "examples/siwei-2025/units.csv"], cwd=root, capture_output=True, text=True)
    assert kept.stdout == ""


def test_demo_explanations_read_from_the_store_equal_a_fresh_scoring(demo):
    """Issue 18: ``explain`` shows the stored result (the quarters and the year aggregated from the
    stored months, unit by unit) and it is what scoring the period afresh from the records gives:
    every unit's ``explain --json`` of a month and a quarter, and every unit's stored tree of the
    year, byte for byte."""
    from click.testing import CliRunner

    from kaohe.cli.main import cli
    from kaohe.core.periods import Period
    from kaohe.office.jobs import score_period
    from kaohe.office.results import stored_unit
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.scoring.explain import unit_data
    from kaohe.scoring.treejson import TreeEncoder
    from kaohe.store.store import Store, dumps

    d, _ = demo
    cfg = str(d / "kaohe.toml")
    reg = load_registry()
    bureau = load_bureau(cfg, reg).evolve(engine="python")  # the fresh scoring with every record's line
    runner = CliRunner()
    with Store(d / "kaohe.sqlite", readonly=True) as store:
        runs = store.count("runs")
        for label in ("2015-04", "2015-Q2"):
            fresh = score_period(store, bureau, reg, Period.parse(label), save=False)
            assert len(fresh.units) == 15
            for u in fresh.units:
                out = runner.invoke(cli, ["-c", cfg, "explain", "--json", u.unit, label])
                assert out.exit_code == 0, out.output
                assert json.loads(out.stdout) == unit_data(u)
                assert out.stdout == json.dumps(unit_data(u), ensure_ascii=False, indent=2) + "\n"
        # the year: what explain shows is the fresh scoring with every record's line (the year's own
        # items' lines, which the SQL engine stores folded, made again on demand) ...
        year = score_period(store, bureau, reg, Period.parse("2015"), save=False)
        for u in year.units:
            out = runner.invoke(cli, ["-c", cfg, "explain", "--json", u.unit, "2015"])
            assert out.exit_code == 0, out.output
            assert json.loads(out.stdout) == unit_data(u)
        # ... and the stored trees, their items' lines referring to the months' (``"lines_from":
        # "parts"``) made again as they are read, are byte for byte a fresh scoring's under the
        # bureau's own engine
        own = score_period(store, load_bureau(cfg, reg), reg, Period.parse("2015"), save=False)
        trees = TreeEncoder(dumps)
        stored = dict(store.db.execute("SELECT unit, tree FROM explanations WHERE period = '2015'").fetchall())
        assert all('"lines_from": "parts"' in t for t in stored.values())
        made = {}
        for unit in stored:
            r = stored_unit(store, Period.parse("2015"), unit)
            assert r is not None
            made[unit] = trees.unit(r)
        assert made == {u.unit: trees.unit(u) for u in own.units}
        assert store.count("runs") == runs  # explain scored nothing again


def test_a_path_of_the_wrong_kind_is_said_in_chinese(tmp_path):
    """click's own words for a file given where a folder is expected (and the reverse), in Chinese like
    every other message: ``kaohe init`` on a file, ``kaohe ingest`` on a folder."""
    f = tmp_path / "kaohe.toml"
    f.write_text("", encoding="utf-8")
    r = run_kaohe("init", str(f))
    assert r.returncode == 2
    assert f"'{f}' 是文件,此处应为目录" in r.stderr
    assert "is a file" not in r.stderr
    r = run_kaohe("ingest", str(tmp_path))
    assert r.returncode == 2
    assert f"'{tmp_path}' 是目录,此处应为文件" in r.stderr

def test_demo_makes_one_account_per_role_that_signs_in(demo):
    """Issue 16, point 6: the demo prints one account per role with its password once, and how to
    start the site; each account signs in and sees what its role may (only the year is published)."""
    import re

    from site_support import Client, running

    from kaohe.office.accounts import DEPARTMENT, LEADER, OFFICE, UNIT
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    d, stdout = demo
    printed = {account: (role, pw) for role, account, pw in re.findall(r"^  (\S+) ([a-z]+)(?:.*) 密码:(\S+)$", stdout, re.M)}
    assert {a: r for a, (r, _) in printed.items()} == {"jincheng": UNIT, "bumen": DEPARTMENT, "kaoheban": OFFICE, "lingdao": LEADER}
    assert f"启动网站:kaohe -c {d / 'kaohe.toml'} serve" in stdout
    assert "须指明考核办账号:加 --actor kaoheban,或设环境变量 KAOHE_ACTOR=kaoheban" in stdout
    bureau = load_bureau(d / "kaohe.toml", load_registry())
    with Store(bureau.database) as store:
        rows = {u["account"]: (u["role"], u["unit"] or u["department"] or "") for u in store.users()}
        added = store.audit(action="新建账号")
    assert rows == {"jincheng": (UNIT, "jincheng"), "bumen": (DEPARTMENT, "治安大队"), "kaoheban": (OFFICE, ""), "lingdao": (LEADER, "")}
    assert sorted(e["subject"] for e in added) == sorted(rows) and {e["actor"] for e in added} == {"demo"}
    with running(bureau) as base:
        clients = {}
        for account, (_, password) in printed.items():
            c = Client(base)
            assert c.login(account, password) == 303, account
            clients[account] = c
        assert Client(base).login("jincheng", "Wrong-Password-1") == 401
        station, dept, office, leader = (clients[a] for a in ("jincheng", "bumen", "kaoheban", "lingdao"))
        assert station.json("/unit/2015/jincheng.json")[0] == 200
        assert station.json("/unit/2015/huacheng.json")[0] == 403
        assert station.json("/unit/2015-04/jincheng.json")[0] == 403  # a month: not published
        assert leader.json("/ranking/2015.json")[0] == 200 and leader.json("/ranking/2015-04.json")[0] == 403
        assert office.json("/ranking/2015-04.json")[0] == 200
        status, draft = dept.json("/unit/2015-04/jincheng.json")
        assert status == 200 and draft["total"] is None
        assert {i["department"] for c in draft["categories"] for i in c["items"]} == {"治安大队"}
        # the department's page and the office's dashboard over the bundled plugins (the data status
        # reads which plugin owns which kind of record)
        status, page = dept.json("/department/%E6%B2%BB%E5%AE%89%E5%A4%A7%E9%98%9F/2015-04.json")  # 治安大队
        assert status == 200 and page["items"] and [r["period"] for r in page["data_status"]] == ["2015-04"]
        assert page["data_status"][0]["state"] in ("已报送", "迟报") and page["data_status"][0]["records"] > 0
        status, board = office.json("/office.json")
        assert status == 200 and "治安大队" in {d["department"] for d in board["data_status"]} and board["editions"][0]["period"] == "2015"
        assert dept.json("/office.json")[0] == 403
        # search: a station's own record key finds the published year that counts it (its month is a
        # draft), another station's finds nothing
        from urllib.parse import quote

        def first_key(client, unit):
            tree = client.json(f"/unit/2015/{unit}.json")[1]
            return next(ln["record"] for c in tree["categories"] for i in c["items"] for ln in i["lines"] if ln["record"])

        own, other = first_key(station, "jincheng"), first_key(leader, "huacheng")
        found = station.json("/search.json?q=" + quote(own))[1]["records"]
        assert [r["period"] for r in found] == ["2015"] and station.get(found[0]["link"])[0] == 200
        assert station.json("/search.json?q=" + quote(other))[1]["records"] == []


def test_bench_serve_runs_over_a_copy_of_the_demo(demo, tmp_path):
    """bench/serve.py (issue 16, point 5) at a tiny load: the server in its own process, a station and
    the office signed in, each page answered 200 (it stops on any other status) and the table printed."""
    import shutil
    import sys
    from pathlib import Path

    d = tmp_path / "kaohe-demo"
    shutil.copytree(demo[0], d, ignore=shutil.ignore_patterns("exports", "published"))
    bench = Path(__file__).resolve().parents[1] / "bench" / "serve.py"
    out = subprocess.run(
        [sys.executable, str(bench), "--config", str(d / "kaohe.toml"), "--unit", "jincheng", "--period", "2015",
         "--clients", "3", "--requests", "6", "--json", str(tmp_path / "f.json")],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    figures = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))["figures"]
    assert [f["path"] for f in figures] == ["/static/site.css", "/unit/2015/jincheng", "/ranking/2015", "/unit/2015/jincheng", "/ranking/2015"]
    assert all(f["requests"] == 6 and 0 < f["p50"] <= f["p95"] <= f["p99"] and f["rps"] > 0 for f in figures)
    assert "| static file /static/site.css (baseline) |" in out.stdout and "slowest page p95:" in out.stdout


def test_score_keeps_the_cycle_collector_paused_until_its_result_is_let_go(tmp_path, monkeypatch):
    """``kaohe score`` pauses Python's cycle collector for the whole command (the scoring, the longer
    periods brought up to date, the ranking printed): resumed while the period's result is alive, its
    first pass would walk every object the scoring made. Resumed when the command ends, after an error too."""
    import gc

    from kaohe.cli import scores

    assert kaohe("init", str(tmp_path)).returncode == 0
    seen: list[tuple[str, bool]] = []
    real_scored, real_text = scores.scored_now, scores.ranking_text

    def scored(*a, **k):  # type: ignore[no-untyped-def]
        seen.append(("scored", gc.isenabled()))
        if k.pop("fail", False) or seen[0][0] == "fail":
            raise OSError("磁盘已满")
        return real_scored(*a, **k)

    def text(*a, **k):  # type: ignore[no-untyped-def]
        seen.append(("text", gc.isenabled()))
        return real_text(*a, **k)

    monkeypatch.setattr(scores, "scored_now", scored)
    monkeypatch.setattr(scores, "ranking_text", text)
    assert gc.isenabled()
    out = kaohe("score", "2015-04", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert seen == [("scored", False), ("text", False)] and gc.isenabled()
    seen[:] = [("fail", True)]
    out = kaohe("score", "2015-04", cwd=tmp_path)
    assert out.returncode != 0 and "磁盘已满" in out.stderr
    assert seen == [("fail", True), ("scored", False)] and gc.isenabled()


@pytest.mark.parametrize("args", [("ranking", "2015-04"), ("explain", "station1", "2015-04")])
def test_ranking_and_explain_read_with_the_cycle_collector_paused(tmp_path, monkeypatch, args):
    """``kaohe ranking`` and ``kaohe explain`` read the stored results with Python's cycle collector
    paused (its passes over the 2,000 units' results decoded cost about 25 ms of a 0.5 s ranking at full
    scale: bench/RESULTS.md), and resume it when the command ends, after an error too."""
    import gc

    from kaohe.cli import scores

    assert kaohe("init", str(tmp_path)).returncode == 0
    assert kaohe("score", "2015-04", cwd=tmp_path).returncode == 0
    seen: list[bool] = []
    real_shown = scores.shown

    def shown(*a, **k):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        if len(seen) > 1:
            raise OSError("磁盘已满")
        return real_shown(*a, **k)

    monkeypatch.setattr(scores, "shown", shown)
    assert gc.isenabled()
    out = kaohe(*args, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert seen == [False] and gc.isenabled()
    out = kaohe(*args, cwd=tmp_path)
    assert out.returncode != 0 and "磁盘已满" in out.stderr
    assert seen == [False, False] and gc.isenabled()
