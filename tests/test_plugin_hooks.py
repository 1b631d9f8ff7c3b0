"""Every hook of the plugin contract is documented in docs/plugin-guide.md and has a test of its own
(issue #15 point 7), as datasette's ``test_plugin_hooks_are_documented`` and
``test_plugin_hooks_have_tests``: a hook added to ``kaohe.contract.hookspecs`` fails both until
the guide lists it with its parameters and a ``test_hook_<name>`` exercises it. The
``test_hook_…`` tests below run the hooks through the kernel's plugin manager with a plugin
written here, a real XLSX file and the reader the office uses, a real TOML file and the ``kaohe``
command group."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner
from kaohe import Adapter, Column, ConfigError, Draft, Item, hookimpl, rules
from kaohe.cli.common import Ctx
from kaohe.cli.main import add_plugin_commands, cli
from kaohe.contract import hookspecs
from kaohe.intake.reader import read_export
from kaohe.plugins.discovery import BUILTIN, get_plugin_manager, load_registry
from kaohe.report.editions import plugins_entry
from kaohe.scheme.config import load_bureau, parse_bureau

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "plugin-guide.md"


def hook_specs() -> dict[str, inspect.Signature]:
    """The hooks the contract declares: the functions of the hookspecs module that pluggy marked."""
    marker = f"{hookspecs.hookspec.project_name}_spec"
    return {
        name: inspect.signature(fn)
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(fn, marker)
    }


def test_hook_specs_found() -> None:
    # the three hooks of contract version 1, found by pluggy's marker (not by their names); the
    # plugin manager knows every one of them
    specs = hook_specs()
    assert {"kaohe_items", "kaohe_adapters", "kaohe_demo_data"} <= set(specs)
    pm = get_plugin_manager(load_entrypoints=False)
    assert set(specs) <= {n for n in dir(pm.hook) if n.startswith("kaohe_")}


def test_plugin_hooks_are_documented() -> None:
    """docs/plugin-guide.md names each hook with its parameters as the spec has them:
    ``kaohe_demo_data(bureau, directory, seed)``."""
    guide = GUIDE.read_text(encoding="utf-8")
    for name, sig in hook_specs().items():
        documented = re.findall(rf"`{name}\(([^)]*)\)`", guide)
        assert documented, f"{name} is not documented in docs/plugin-guide.md (write `{name}(…)`)"
        params = [p.strip() for p in documented[0].split(",") if p.strip()]
        assert params == list(sig.parameters), f"docs/plugin-guide.md documents {name}({', '.join(params)}), the spec is {name}{sig}"


def test_plugin_hooks_have_tests() -> None:
    """Each hook has a test function named ``test_hook_<hook>`` somewhere in tests/."""
    names: set[str] = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_hook_")}
    missing = sorted(name for name in hook_specs() if f"test_hook_{name}" not in names)
    assert not missing, f"hooks without a test_hook_<name> test: {', '.join(missing)}"


# --- the hooks, exercised ----------------------------------------------------------------------


def _item(iid: str, points: str, kind: str) -> Item:
    return Item(
        id=iid,
        title="出警迟到",
        department="110指挥中心",
        category="jichu",
        reference="seed 000 l.548",
        reads=(kind,),
        rule=rules.PerOccurrence(points=points),
    )


def _to_records(row):  # type: ignore[no-untyped-def]
    return [Draft(key=f"hooked.late:{row['id']}", kind="hooked.late", unit=row["unit"], date=row["date"])]


ADAPTER = Adapter(
    id="hooked.late",
    title="出警迟到登记",
    department="110指挥中心",
    columns=[Column("编号", "id"), Column("派出所", "unit", "unit"), Column("日期", "date", "date")],
    to_records=_to_records,
    kinds=["hooked.late"],
)


class Hooked:
    """A plugin implementing every hook of the contract (version 2)."""

    def __init__(self) -> None:
        self.demo_calls: list[tuple[object, Path, int]] = []

    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(_item("hooked.late", "-2", "hooked.late"))
        register(_item("hooked.late_twice", "-1", "hooked.late"))

    @hookimpl
    def kaohe_adapters(self, register):  # type: ignore[no-untyped-def]
        register(ADAPTER)

    @hookimpl
    def kaohe_demo_data(self, bureau, directory, seed):  # type: ignore[no-untyped-def]
        self.demo_calls.append((bureau, directory, seed))
        path = Path(directory) / f"出警迟到-{seed}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["编号", "派出所", "日期"])
        ws.append([f"D{seed}", "金城派出所", dt.date(2015, 4, 3)])
        ws.append([f"E{seed}", "开发区派出所", dt.date(2015, 4, 4)])  # not a unit of the bureau: rejected
        wb.save(path)
        return [path]

    @hookimpl
    def kaohe_config_tables(self, register):  # type: ignore[no-untyped-def]
        register("hooked", _parse_hooked)

    @hookimpl
    def kaohe_commands(self, register):  # type: ignore[no-untyped-def]
        register(late_report)


def _parse_hooked(table, file, base):  # type: ignore[no-untyped-def]
    """``[hooked]``: late_minutes (a positive whole number), register (a file, relative to the
    configuration)."""
    unknown = sorted(set(table) - {"late_minutes", "register"})
    if unknown:
        raise ConfigError(file, f"hooked.{unknown[0]}", "未知的配置项;此处可用:late_minutes、register")
    minutes = table.get("late_minutes", 15)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise ConfigError(file, "hooked.late_minutes", f"应为正整数(分钟),得到 {minutes!r}")
    return {"late_minutes": minutes, "register": base / table["register"] if "register" in table else None}


@click.command("hooked-late")
@click.argument("minutes", type=int)
@click.pass_obj
def late_report(obj, minutes):  # type: ignore[no-untyped-def]
    """出警迟到:MINUTES 分钟算不算迟到。"""
    limit = obj.bureau.plugin_config["hooked"]["late_minutes"]
    click.echo(f"{obj.bureau.name}:{minutes}分钟" + ("迟到" if minutes > limit else "不算迟到") + f"(本局规定{limit}分钟)")


def _registry(plugin: Hooked):  # type: ignore[no-untyped-def]
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("hooked", plugin)]))
    assert not reg.errors, reg.errors
    return reg


def _bureau(reg):  # type: ignore[no-untyped-def]
    return parse_bureau(
        {
            "bureau": {"name": "测试局", "cutoff_day": 20},
            "series": [{"id": "A"}],
            "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
            "units": [{"id": "jincheng", "name": "金城派出所", "series": "A", "class": "A"}],
            "items": {"enable": ["*"]},
        },
        reg,
        "test.toml",
    )


def test_hook_kaohe_items() -> None:
    # both items registered, in the plugin's order, each marked with the plugin that declared it
    reg = _registry(Hooked())
    assert [i.id for i in reg.items_of("hooked")] == ["hooked.late", "hooked.late_twice"]
    assert {i.plugin for i in reg.items_of("hooked")} == {"hooked"}
    assert reg.items["hooked.late"].rule == rules.PerOccurrence(points="-2")


def test_hook_kaohe_adapters(tmp_path: Path) -> None:
    # the adapter registered by the hook reads a real workbook with a title row above the header:
    # 2 rows, both 金城派出所, on 2015-04-03 and 04-04 → 2 records of hooked.late
    reg = _registry(Hooked())
    assert [a.id for a in reg.adapters_of("hooked")] == ["hooked.late"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["金坛市公安局110指挥中心 出警迟到登记"])
    ws.append(["编号", "派出所", "日期"])
    ws.append(["1", "金城派出所", dt.date(2015, 4, 3)])
    ws.append(["2", "金城派出所", dt.date(2015, 4, 4)])
    wb.save(tmp_path / "迟到.xlsx")
    export = read_export(tmp_path / "迟到.xlsx", _bureau(reg), reg, today=dt.date(2016, 1, 1))
    assert export.adapter.id == "hooked.late" and not export.rejected
    assert [(r.kind, r.unit, r.date) for r in export.records] == [
        ("hooked.late", "jincheng", dt.date(2015, 4, 3)),
        ("hooked.late", "jincheng", dt.date(2015, 4, 4)),
    ]


def test_hook_kaohe_demo_data(tmp_path: Path) -> None:
    # the hook is called with the bureau, the directory and the seed; the file it returns is read by
    # its own adapter: the 金城 row is taken, the 开发区 row (no such unit) rejected on row 3
    plugin = Hooked()
    reg = _registry(plugin)
    b = _bureau(reg)
    pm = get_plugin_manager(load_entrypoints=False, plugins=[("hooked", plugin)])
    [[path]] = pm.hook.kaohe_demo_data(bureau=b, directory=tmp_path, seed=11)
    assert plugin.demo_calls == [(b, tmp_path, 11)]
    assert path == tmp_path / "出警迟到-11.xlsx"
    export = read_export(path, b, reg, today=dt.date(2016, 1, 1))
    assert [(r.unit, r.date) for r in export.records] == [("jincheng", dt.date(2015, 4, 3))]
    assert [(r.row, r.column) for r in export.rejected] == [(3, "派出所")]


def test_hook_kaohe_config_tables(tmp_path: Path) -> None:
    # the kernel hands [hooked] of a real kaohe.toml to the plugin's parser, with the file's name and
    # its folder: late_minutes 10 as written, the register's path relative to the configuration
    reg = _registry(Hooked())
    assert reg.config_tables["hooked"].plugin == "hooked"
    toml = (
        '[bureau]\nname = "测试局"\n[[series]]\nid = "A"\n[[categories]]\nid = "jichu"\nname = "基础工作建设"\nweight = 100\n'
        '[[units]]\nid = "jincheng"\nname = "金城派出所"\nseries = "A"\n'
    )
    config = tmp_path / "kaohe.toml"
    config.write_text(toml + '[hooked]\nlate_minutes = 10\nregister = "迟到.xlsx"\n', encoding="utf-8")
    b = load_bureau(config, reg)
    assert b.plugin_config == {"hooked": {"late_minutes": 10, "register": tmp_path / "迟到.xlsx"}}
    # the plugin's own error names the file and the key, as the kernel's do
    config.write_text(toml + '[hooked]\nlate_minutes = 0\n', encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_bureau(config, reg)
    assert bad.value.key == "hooked.late_minutes" and "kaohe.toml" in str(bad.value) and "正整数" in str(bad.value)
    # no table: no entry; a table nobody claims is still an unknown key
    config.write_text(toml, encoding="utf-8")
    assert load_bureau(config, reg).plugin_config == {}
    config.write_text(toml + "[hookd]\nlate_minutes = 10\n", encoding="utf-8")
    with pytest.raises(ConfigError) as unclaimed:
        load_bureau(config, reg)
    assert unclaimed.value.key == "hookd" and "未知的配置项" in str(unclaimed.value) and "hooked" in str(unclaimed.value)
    # the same table without the plugin installed: unknown
    config.write_text(toml + '[hooked]\nlate_minutes = 10\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="配置项 hooked: 未知的配置项"):
        load_bureau(config, load_registry(get_plugin_manager(load_entrypoints=False)))


def test_hook_kaohe_commands(tmp_path: Path) -> None:
    # the command the plugin registers is added to a kaohe group and reads the bureau's [hooked]
    # table through the context: 12 minutes against the bureau's 10 → late; 10 → not late (not more than 10)
    reg = _registry(Hooked())
    assert reg.commands["hooked-late"].plugin == "hooked"
    group = click.Group("kaohe", commands={"status": click.Command("status")})
    assert add_plugin_commands(group, reg) == ["hooked-late"]
    config = tmp_path / "kaohe.toml"
    config.write_text(
        '[bureau]\nname = "测试局"\n[[series]]\nid = "A"\n[[categories]]\nid = "jichu"\nname = "基础工作建设"\nweight = 100\n'
        '[[units]]\nid = "jincheng"\nname = "金城派出所"\nseries = "A"\n[hooked]\nlate_minutes = 10\n',
        encoding="utf-8",
    )
    ctx = Ctx(str(config))
    ctx._registry = reg
    assert CliRunner().invoke(group, ["hooked-late", "12"], obj=ctx).output == "测试局:12分钟迟到(本局规定10分钟)\n"
    assert CliRunner().invoke(group, ["hooked-late", "10"], obj=ctx).output == "测试局:10分钟不算迟到(本局规定10分钟)\n"
    # a name a kernel command already has stays the kernel's
    clash = click.Group("kaohe", commands={"hooked-late": click.Command("hooked-late")})
    assert add_plugin_commands(clash, reg) == []
    assert clash.commands["hooked-late"].callback is None


def test_builtin_officers_plugin_claims_its_table_and_adds_its_command() -> None:
    # the officers' coefficients are the built-in plugin "officers": it claims [officers] and adds
    # `kaohe officers`; it gives no item and no adapter, so an edition does not name it
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=BUILTIN))
    assert reg.config_tables["officers"].plugin == "officers"
    assert reg.commands["officers"].plugin == "officers"
    assert [p["name"] for p in plugins_entry(reg)] == ["office"]
    assert cli.get_command(click.Context(cli), "officers") is reg.commands["officers"].command
