"""The plugins' READMEs: their tables of items and columns are generated from the plugins' ``Item``s
and ``Column``s (kaohe.plugins.readme, ``kaohe plugins --readme NAMESPACE``), not restated by hand
(issue #15 point 7). A README that no longer matches its plugin fails here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kaohe import Adapter, Column, Draft, Item, hookimpl, rules
from kaohe.cli.main import cli
from kaohe.plugins import readme
from kaohe.plugins.discovery import get_plugin_manager, load_registry

ROOT = Path(__file__).resolve().parents[1]
KAOHE = str(Path(sys.executable).with_name("kaohe"))
BUNDLED = sorted(p.parent.name for p in (ROOT / "plugins").glob("*/README.md"))


@pytest.fixture(scope="module")
def registry():  # type: ignore[no-untyped-def]
    return load_registry()


def test_all_ten_plugins_have_a_readme(registry) -> None:  # type: ignore[no-untyped-def]
    assert len(BUNDLED) == 10
    assert set(BUNDLED) <= set(registry.plugins)


@pytest.mark.parametrize("name", BUNDLED)
def test_readme_is_current(registry, name: str) -> None:  # type: ignore[no-untyped-def]
    path = ROOT / "plugins" / name / "README.md"
    text = path.read_text(encoding="utf-8")
    assert readme.update(text, registry, name, str(path)) == text, (
        f"{path} is stale: run `kaohe plugins --readme {name} --update plugins/{name}/README.md`"
    )


@pytest.mark.parametrize("name", BUNDLED)
def test_readme_lists_every_item_and_export_once(registry, name: str) -> None:  # type: ignore[no-untyped-def]
    """Each item in exactly one items table, each adapter in exactly one columns table."""
    text = (ROOT / "plugins" / name / "README.md").read_text(encoding="utf-8")
    blocks = readme.marked(text)
    adapters = registry.adapters_of(name)
    listed: list[str] = []
    for kind, args in blocks:
        if kind == "items":
            listed += [i.id for i in readme.select(registry.items_of(name), args, adapters, name)]
    assert sorted(listed) == sorted(i.id for i in registry.items_of(name))
    assert sorted(a["adapter"] for k, a in blocks if k == "columns") == sorted(a.id for a in adapters)


# --- what a table holds, worked out by hand -----------------------------------------------------


def _to_records(row):  # type: ignore[no-untyped-def]
    return [Draft(key=f"demo.findings:{row['id']}", kind="demo.finding", unit=row["unit"], date=row["date"])]


FINDINGS = Adapter(
    id="demo.findings",
    title="考核事项登记表",
    department="治安大队",
    columns=[
        Column("编号", "id", help="每条一个编号"),
        Column("单位", "unit", "unit", aliases=("派出所",)),
        Column("日期", "date", "date"),
        Column("事项类别", "category", choices=("迟报", "漏报"), help="见项目表"),
        Column("人数", "count", "int", required=False, help="空白按1计"),
    ],
    to_records=_to_records,
    kinds=["demo.finding"],
)
LATE = Item(
    id="demo.late",
    title="迟报重要信息",
    department="治安大队",
    category="jichu",
    reference="seed 000 l.566",
    reads=("demo.finding",),
    rule=rules.PerOccurrence(points=-5, match={"category": "迟报"}),
    article="第十一条(二)1",
)
RATE = Item(
    id="demo.rate",
    title="传输率",
    department="治安大队",
    category="jiakao",
    reference="seed 000 l.570",
    reads=("demo.monthly",),
    rule=rules.Flag(points=10),
    cadence="yearly",
    cap=20,
)


class Demo:
    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(LATE)
        register(RATE)

    @hookimpl
    def kaohe_adapters(self, register):  # type: ignore[no-untyped-def]
        register(FINDINGS)


@pytest.fixture
def demo_registry():  # type: ignore[no-untyped-def]
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("demo", Demo())]))
    assert not reg.errors
    return reg


ITEMS_JICHU = """\
| 项目编号 | 项目 | 分值 | 周期 | 数据来源 | 出处 |
| --- | --- | --- | --- | --- | --- |
| `demo.late` | 迟报重要信息 | 每次 -5 分 | 每月 | 考核事项登记表:事项类别“迟报” | 第十一条(二)1(seed 000 l.566) |"""

COLUMNS = """\
| 列名 | 类型 | 必填 | 说明 | 也可写作 |
| --- | --- | --- | --- | --- |
| 编号 | 文本 | 必填 | 每条一个编号 |  |
| 单位 | 单位名称 | 必填 |  | 派出所 |
| 日期 | 日期(如 2015-04-03) | 必填 |  |  |
| 事项类别 | 文本 | 必填 | 见项目表;可填:迟报、漏报 |  |
| 人数 | 整数 | 可选 | 空白按1计 |  |"""


def test_tables_hold_what_the_items_and_columns_say(demo_registry) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(
        [
            "# 插件",
            "手写的说明。",
            "<!-- kaohe:items category=jichu -->",
            "| 旧表 |",
            "<!-- /kaohe:items -->",
            "中间的说明。",
            "<!-- kaohe:items cadence=yearly -->",
            "<!-- /kaohe:items -->",
            "<!-- kaohe:columns adapter=demo.findings -->",
            "<!-- /kaohe:columns -->",
            "结尾。",
            "",
        ]
    )
    out = readme.update(text, demo_registry, "demo")
    # the yearly item: a Flag of +10 once a year, capped at 20; its kind has no adapter, so the
    # kind itself is its source; no article, so the seed passage is its citation
    rate = "| `demo.rate` | 传输率 | 本期存在即 +10 分(每期只计一次);最高 20 分 | 每年 | demo.monthly | seed 000 l.570 |"
    assert out == "\n".join(
        [
            "# 插件",
            "手写的说明。",
            "<!-- kaohe:items category=jichu -->",
            "",
            ITEMS_JICHU,
            "",
            "<!-- /kaohe:items -->",
            "中间的说明。",
            "<!-- kaohe:items cadence=yearly -->",
            "",
            "| 项目编号 | 项目 | 分值 | 周期 | 数据来源 | 出处 |\n| --- | --- | --- | --- | --- | --- |\n" + rate,
            "",
            "<!-- /kaohe:items -->",
            "<!-- kaohe:columns adapter=demo.findings -->",
            "",
            COLUMNS,
            "",
            "<!-- /kaohe:columns -->",
            "结尾。",
            "",
        ]
    )
    assert readme.update(out, demo_registry, "demo") == out  # regenerating a current README changes nothing


def test_a_changed_item_makes_the_readme_stale(demo_registry) -> None:  # type: ignore[no-untyped-def]
    current = readme.update("<!-- kaohe:items -->\n<!-- /kaohe:items -->\n", demo_registry, "demo")
    edited = current.replace("每次 -5 分", "每次 -6 分")
    assert edited != current and readme.update(edited, demo_registry, "demo") == current


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("<!-- kaohe:columns adapter=demo.nope -->\n<!-- /kaohe:columns -->", "README.md 第2行:列表应写作 adapter=数据格式编号,插件 demo 的数据格式有 demo.findings"),
        ("<!-- kaohe:items unit=jincheng -->\n<!-- /kaohe:items -->", "README.md 第2行:项目表只能按 category、cadence、adapter 筛选,得到 unit"),
        ("<!-- kaohe:items jichu -->\n<!-- /kaohe:items -->", "README.md 第2行:标记中无法识别 'jichu',应写作 键=值(如 category=jichu)"),
    ],
)
def test_a_wrong_marker_is_named(demo_registry, marker: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(readme.ReadmeError) as err:
        readme.update(f"# 插件\n{marker}\n", demo_registry, "demo")
    assert str(err.value) == expected


# --- the command --------------------------------------------------------------------------------


def test_cli_prints_the_tables(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["-c", str(tmp_path / "none.toml"), "plugins", "--readme", "jiaoxunjing"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("## 考核项目\n\n| 项目编号 | 项目 | 分值 | 周期 | 数据来源 | 出处 |\n")
    assert "### 派出所协助破案及稳控登记(`jiaoxunjing.assists`)" in result.output
    assert result.output.count("| `jiaoxunjing.") == 4  # the plugin's four items


def test_cli_updates_a_stale_readme_and_keeps_the_prose(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    shutil.copy(ROOT / "plugins" / "guobao" / "README.md", path)
    original = path.read_text(encoding="utf-8")
    stale = original.replace("| `guobao.dec_cult_case` |", "| `guobao.dec_cult_case_old` |")
    assert stale != original
    path.write_text(stale, encoding="utf-8")
    args = ["-c", str(tmp_path / "none.toml"), "plugins", "--readme", "guobao", "--update", str(path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and result.output == f"{path}:已更新\n"
    assert path.read_text(encoding="utf-8") == original
    assert CliRunner().invoke(cli, args).output == f"{path}:已是最新,未改动\n"


def test_cli_refuses_an_unknown_plugin_and_a_readme_without_markers(tmp_path: Path) -> None:
    # exit codes and stderr are the point: the real command, in a subprocess
    path = tmp_path / "README.md"
    path.write_text("# 没有标记\n", encoding="utf-8")
    for args, message in (
        (["plugins", "--readme", "nope"], "错误:没有已加载的插件 nope(kaohe plugins 列出已安装的插件)\n"),
        (
            ["plugins", "--readme", "guobao", "--update", str(path)],
            f"错误:{path} 中没有 <!-- kaohe:items --> 或 <!-- kaohe:columns ... --> 标记,未改动\n",
        ),
        (["plugins", "--update", str(path)], None),
    ):
        run = subprocess.run([KAOHE, *args], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert run.returncode == 2 and run.stdout == "", run
        if message is not None:
            assert run.stderr == message
        else:
            assert run.stderr.endswith("错误:--update 须与 --readme NAMESPACE 同用\n")
    assert path.read_text(encoding="utf-8") == "# 没有标记\n"
