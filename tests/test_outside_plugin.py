"""An outside department's plugin, built from the plugin author's guide, installed as a package and
scored through the `kaohe` command with no change to the kernel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "plugin-guide.md"
BLOCK = re.compile(r"^```\w+ file=(\S+)\n(.*?)^```", re.M | re.S)

UNITS = """id,name,series,class,headcount,tags,aliases
jincheng,金城派出所,A,A,40,城区,金城
huacheng,华城派出所,A,A,30,城区,华城
xuebu,薛埠派出所,B,B,18,农村,薛埠
jianchang,建昌派出所,C,C,9,农村,建昌
"""

CONFIG = """units_file = "units.csv"

[bureau]
name = "测试局"

[scheme]
name = "测试方案"

[[series]]
id = "A"
name = "A类所"

[[series]]
id = "B"
name = "B类所"

[[series]]
id = "C"
name = "C类所"

[[categories]]
id = "dachu"
name = "打处绩效"
weight = 300
base = 300

[items]
enable = ["jingji.*"]
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Write the guide's files, install the package into a target folder, return the environment
    under which `kaohe` sees it (and only it)."""
    src = tmp_path_factory.mktemp("src")
    blocks = BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    assert {name for name, _ in blocks} == {
        "kaohe-jingji/pyproject.toml",
        "kaohe-jingji/src/kaohe_jingji/__init__.py",
    }
    for name, text in blocks:
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(target), str(src / "kaohe-jingji")],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "KAOHE_LOAD_PLUGINS": "jingji"}
    return env


def kaohe(env, cwd, *args):
    exe = [sys.executable, "-c", "from kaohe.cli.main import main; main()"]
    return subprocess.run([*exe, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_outside_plugin_is_found_and_scored(installed, tmp_path):
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "kaohe.toml").write_text(CONFIG, encoding="utf-8")
    out = kaohe(installed, tmp_path, "plugins")
    assert out.returncode == 0, out.stderr
    assert "jingji 0.1.0" in out.stdout and "[启用] jingji.prosecuted_quarterly" in out.stdout

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["经侦大队 经济案件打击处理人员名单"])
    ws.append(["人员编号", "办案单位", "处理日期", "姓名", "处理方式"])
    rows = [
        ("JZ1", "金城", "2015-01-05"), ("JZ2", "金城", "2015-02-10"),
        ("JZ3", "金城", "2015-03-01"), ("JZ4", "金城", "2015-03-02"), ("JZ5", "金城", "2015-03-03"),
        ("JZ6", "华城", "2015-02-01"),
        ("JZ7", "薛埠", "2015-01-15"), ("JZ8", "薛埠", "2015-03-10"),
        ("JZ9", "建昌", "2015-01-20"),
    ]
    for n, unit, day in rows:
        ws.append([n, unit, day, "某人", "刑拘"])
    wb.save(tmp_path / "jz.xlsx")
    out = kaohe(installed, tmp_path, "ingest", "jz.xlsx")
    assert out.returncode == 0, out.stderr
    assert "新增9条" in out.stdout

    out = kaohe(installed, tmp_path, "explain", "--json", "金城", "2015-03")
    assert out.returncode == 0, out.stderr
    import json

    def points(unit):
        tree = json.loads(kaohe(installed, tmp_path, "explain", "--json", unit, "2015-03").stdout)
        (cat,) = tree["categories"]
        return cat["items"][0]["points"], cat["raw"], cat["score"], tree["total"]

    # Q1 = 2014-12-21 … 2015-03-20, assessed in 2015-03 (the quarter's last month).
    # 金城 (A, target 3): 5 persons → 2 over; the surplus carries to Q2 (no points now) → 0
    #   raw 300 + 0 = 300, the top of series A → 300.
    assert points("jincheng") == ("0", "300", "300", "300")
    # 华城 (A, target 3): 1 person → 2 short × −5 = −10; raw 290; 290 / 300 × 300 = 290
    assert points("huacheng") == ("-10", "290", "290", "290")
    # 薛埠 (B, target 1): 2 persons → 1 over, carried → 0
    assert points("xuebu") == ("0", "300", "300", "300")
    # 建昌 (C): assessed per half-year (window_months C = 6), not in March → no line, 0
    assert points("jianchang") == ("0", "300", "300", "300")


def test_refused_when_an_item_is_outside_its_namespace(installed, tmp_path):
    """The same package with an item id outside its namespace is refused whole, with a message."""
    site = Path(installed["PYTHONPATH"])
    bad = tmp_path / "site"
    import shutil

    shutil.copytree(site, bad)
    init = bad / "kaohe_jingji" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace('id="jingji.prosecuted_quarterly"', 'id="xingzhen.prosecuted"'), encoding="utf-8")
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "kaohe.toml").write_text(CONFIG, encoding="utf-8")
    env = {**installed, "PYTHONPATH": str(bad)}
    out = kaohe(env, tmp_path, "plugins", "--no-items")
    assert "插件 jingji 的考核项目 xingzhen.prosecuted: 项目编号应以插件名“jingji.”开头" in out.stderr
    # the bureau switches on jingji.*, which is now missing: said (the plugins are still listed, to mend it)
    assert "警告:配置有误" in out.stderr and "jingji.* 所属插件 jingji 加载失败" in out.stderr
    assert kaohe(env, tmp_path, "score", "2015-03").returncode == 2


def test_two_distributions_claiming_one_namespace_are_both_refused(installed, tmp_path):
    """The guide's package installed under the bundled 经侦 plugin's namespace (as the guide once had
    it): neither is loaded — the install order must not decide which one scores — and both are named."""
    site = Path(installed["PYTHONPATH"])
    clash = tmp_path / "site"
    import shutil

    shutil.copytree(site, clash)
    (points,) = clash.glob("kaohe_jingji-*.dist-info/entry_points.txt")
    points.write_text(points.read_text(encoding="utf-8").replace("jingji = kaohe_jingji", "jingzhen = kaohe_jingji"), encoding="utf-8")
    env = {k: v for k, v in installed.items() if k != "KAOHE_LOAD_PLUGINS"}
    env["PYTHONPATH"] = str(clash)
    out = kaohe(env, tmp_path, "plugins", "--no-items")
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("jingzhen"))
    assert "✗ 已拒绝加载:命名空间 jingzhen 被 2 个发行包同时声明:kaohe-jingji 0.1.0、kaohe-jingzhen 0.1.0" in line
    assert "警告:插件 jingzhen: 命名空间 jingzhen 被 2 个发行包同时声明" in out.stderr
    # the other plugins still load
    assert any(ln.startswith("xingzhen ") and "个考核项目" in ln for ln in out.stdout.splitlines())
    # a bureau switching on every item is told the 经侦 items are missing, never scored by either silently
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "kaohe.toml").write_text(CONFIG.replace('enable = ["jingji.*"]', 'enable = ["jingzhen.*"]'), encoding="utf-8")
    out = kaohe(env, tmp_path, "score", "2015-03")
    assert out.returncode == 2 and "错误:" in out.stderr and "jingzhen.* 所属插件 jingzhen 加载失败" in out.stderr


def test_demo_reads_each_plugins_file_with_its_own_adapters(installed, tmp_path):
    """The guide's plugin reads the same export as the bundled jingzhen (the same header): the demo
    reads each file with the adapters of the plugin that wrote it, rather than refusing it as
    ambiguous."""
    env = {**installed, "KAOHE_LOAD_PLUGINS": "jingji,jingzhen"}
    out = kaohe(env, tmp_path, "demo", str(tmp_path / "demo"))
    assert out.returncode == 0, out.stdout + out.stderr
    # the guide's kaohe_demo_data writes 60 persons, every one valid
    assert "导入 经侦_打击处理人员.xlsx:60 条,拒绝 0 行" in out.stdout
    assert "导入 经侦大队_经济案件打击处理人员名单_2015.xlsx:" in out.stdout
