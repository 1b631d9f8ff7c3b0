"""The plugin contract: plugins defined here, registered without entry points, collected by
load_registry; a plugin that declares something wrong is refused whole with a message naming it
and the item, and the others still load."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import click
import pytest
from kaohe import Adapter, Column, ConfigError, Draft, Item, PluginError, hookimpl, rules
from kaohe.contract import hookspecs
from kaohe.core.periods import Period
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.pipeline import score
from kernel_helpers import a_stations, bureau, category, rec, source

ROOT = Path(__file__).resolve().parents[1]


def make_item(iid: str, rule=None, category: str = "jichu") -> Item:  # type: ignore[no-untyped-def]
    return Item(
        id=iid,
        title="接警无应答",
        department="110指挥中心",
        category=category,
        reference="seed 000 l.540",
        reads=(iid,),
        rule=rule if rule is not None else rules.PerOccurrence(points=-1),
        text="各派出所网络派单未登录、电话无人接听的,每次扣1分",
    )


def to_records(row):  # type: ignore[no-untyped-def]
    return [Draft(key=f"good.dispatch:{row['id']}", kind="good.unanswered", unit=row["unit"], date=row["date"], note="无应答")]


class Good:
    """A well-behaved department plugin: two items, one adapter, demo data."""

    __version__ = "1.2.3"

    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(make_item("good.unanswered"))
        register(make_item("good.satisfaction", rules.RateTarget(target=95, per_point_below="-0.5")))

    @hookimpl
    def kaohe_adapters(self, register):  # type: ignore[no-untyped-def]
        register(
            Adapter(
                id="good.dispatch",
                title="110接处警记录",
                department="110指挥中心",
                columns=[Column("警情编号", "id"), Column("单位", "unit", "unit"), Column("日期", "date", "date")],
                to_records=to_records,
                kinds=["good.unanswered"],
            )
        )

    @hookimpl
    def kaohe_demo_data(self, bureau, directory, seed):  # type: ignore[no-untyped-def]
        path = Path(directory) / f"good-{seed}.csv"
        path.write_text("警情编号,单位,日期\n1,金城,2015-04-01\n", encoding="utf-8")
        return [path]


class Other:
    """A second good plugin (items only)."""

    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(make_item("other.flag", rules.Flag(points=-2)))


class Duplicate:
    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(make_item("dup.x"))
        register(make_item("dup.x"))


class Stray:
    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(make_item("stray.ok"))
        register(make_item("good.unanswered"))  # another plugin's namespace


class BadRule:
    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(make_item("badrule.ok"))
        register(make_item("badrule.x", rules.PerOccurrence()))  # no points, no range


class NotARule:
    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(make_item("notarule.x", rules.Flag))  # the class, not a rule: forgot (points=…)


class Crashing:
    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("oops")


class StrayAdapter:
    @hookimpl
    def kaohe_adapters(self, register):  # type: ignore[no-untyped-def]
        register(Adapter(id="good.other", title="t", department="d", columns=[], to_records=to_records, kinds=["x"]))


class Claims:
    """A plugin that claims a table and adds a command (contract version 2); ``table`` and
    ``command`` say which."""

    def __init__(self, table: object = "claims", command: object = None) -> None:
        self.table = table
        self.command = command if command is not None else click.Command("claims-report", callback=lambda: None)

    @hookimpl
    def kaohe_config_tables(self, register):  # type: ignore[no-untyped-def]
        register(self.table, lambda table, file, base: dict(table))

    @hookimpl
    def kaohe_commands(self, register):  # type: ignore[no-untyped-def]
        register(self.command)

    @hookimpl
    def kaohe_status_notes(self, register):  # type: ignore[no-untyped-def]
        register(lambda bureau, period, today: [f"{self.table}:{period.label}"])


def registry(*plugins):  # type: ignore[no-untyped-def]
    return load_registry(get_plugin_manager(load_entrypoints=False, plugins=plugins))


def test_good_plugin_items_and_adapters_collected() -> None:
    reg = registry(("good", Good()), ("other", Other()))
    assert reg.errors == []
    assert sorted(reg.items) == ["good.satisfaction", "good.unanswered", "other.flag"]
    assert {i.plugin for i in reg.items_of("good")} == {"good"}
    assert [a.id for a in reg.adapters_of("good")] == ["good.dispatch"]
    assert reg.adapters["good.dispatch"].plugin == "good"
    assert reg.owner_of_kind("good.unanswered") == "110指挥中心"
    assert reg.owner_of_kind("nobody.kind") is None
    assert reg.plugins["good"].version == "1.2.3"
    assert reg.plugins["good"].error == ""


@pytest.mark.parametrize(
    ("name", "plugin", "item"),
    [
        ("dup", Duplicate(), "dup.x"),
        ("stray", Stray(), "good.unanswered"),
        ("notarule", NotARule(), "notarule.x"),
    ],
)
def test_bad_plugin_refused_naming_plugin_and_item(name: str, plugin: object, item: str) -> None:
    reg = registry(("good", Good()), (name, plugin))
    assert len(reg.errors) == 1
    err = reg.errors[0]
    assert isinstance(err, PluginError) and err.plugin == name
    assert name in str(err) and item in str(err)
    # the plugin is refused whole: none of its items, not even the good ones
    assert not reg.items_of(name)
    assert reg.plugins[name].error
    # the good plugin still loads
    assert sorted(reg.items) == ["good.satisfaction", "good.unanswered"]
    assert reg.items["good.unanswered"].plugin == "good"


def test_invalid_rule_refuses_plugin() -> None:
    # rules.PerOccurrence() with neither points nor a range fails while the plugin builds the rule, before
    # the item exists: the message names the plugin and says what is wrong with the rule
    reg = registry(("badrule", BadRule()), ("good", Good()))
    [err] = reg.errors
    assert err.plugin == "badrule"
    assert "badrule" in str(err) and "规则无效" in str(err) and "points" in str(err)
    assert not reg.items_of("badrule")
    assert "good.unanswered" in reg.items


def test_crashing_plugin_and_stray_adapter_refused() -> None:
    reg = registry(("crashing", Crashing()), ("strayadapter", StrayAdapter()), ("other", Other()))
    by_plugin = {e.plugin: str(e) for e in reg.errors}
    assert set(by_plugin) == {"crashing", "strayadapter"}
    assert "ZeroDivisionError" in by_plugin["crashing"] and "kaohe_items" in by_plugin["crashing"]
    assert "good.other" in by_plugin["strayadapter"]
    assert list(reg.items) == ["other.flag"]


def test_bad_rule_in_item_and_id_form() -> None:
    from kaohe.core.errors import RuleError

    with pytest.raises(RuleError):
        make_item("NoNamespace")
    with pytest.raises(RuleError):
        Item(id="x.y", title="t", department="d", category="c", reference="r", reads=["x.y"], rule=rules.Flag(points=-2), cadence="weekly")


MINIMAL = {
    "bureau": {"name": "测试局"},
    "series": [{"id": "A", "name": "A类所"}],
    "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
    "units": [{"id": "jincheng", "name": "金城派出所", "series": "A", "class": "A", "aliases": ["金城"]}],
}


def test_bureau_enabling_item_of_unknown_category() -> None:
    # the item's category is not in this bureau's scheme → PluginError naming plugin and item
    class Elsewhere:
        @hookimpl
        def kaohe_items(self, register):  # type: ignore[no-untyped-def]
            register(make_item("elsewhere.x", category="dachu"))

    reg = registry(("elsewhere", Elsewhere()), ("good", Good()))
    # switched on by name: refused (switched on by a wildcard it is left out: test_config_inapplicable.py)
    with pytest.raises(PluginError) as exc:
        parse_bureau({**MINIMAL, "items": {"enable": ["good.*", "elsewhere.x"]}}, reg, "kaohe.toml")
    assert exc.value.plugin == "elsewhere" and exc.value.item == "elsewhere.x"
    assert "elsewhere" in str(exc.value) and "elsewhere.x" in str(exc.value) and "dachu" in str(exc.value)
    # disabling it, or moving it to a category of the scheme, is accepted
    b = parse_bureau({**MINIMAL, "items": {"disable": ["elsewhere.*"]}}, reg, "kaohe.toml")
    assert {i.id for i in b.items} == {"good.unanswered", "good.satisfaction"}
    b = parse_bureau({**MINIMAL, "items": {"elsewhere.x": {"category": "jichu"}}}, reg, "kaohe.toml")
    assert b.item("elsewhere.x").category == "jichu"


def test_plugin_items_score_end_to_end() -> None:
    # the good plugin's items in a bureau: 金城 2 unanswered × −1 → 基础 98; 华城 100; 城东 satisfaction 93 %
    # → (95 − 93) × −0.5 = −1 → 99; normalised on the top 100: 98, 100, 99

    reg = registry(("good", Good()))
    jc, hc, cd = a_stations()
    b = bureau(tuple(reg.items.values()), (jc, hc, cd), (category("jichu", 100, base=100),))
    data = source(
        rec("good.unanswered", "jincheng", "2015-04-01"),
        rec("good.unanswered", "jincheng", "2015-04-02"),
        rec("good.satisfaction", "chengdong", "2015-04-10", value=93),
    )
    res = score(b, Period.parse("2015-04"), data)
    assert [res.unit(u).total for u in ("jincheng", "huacheng", "chengdong")] == [98, 100, 99]


def test_adapter_hook_to_records() -> None:
    reg = registry(("good", Good()))
    ad = reg.adapters["good.dispatch"]
    row = {c.key: c.convert(v) for c, v in zip(ad.columns, ["7", "金城", "2015-04-03"], strict=True)}
    [draft] = ad.to_records(row)
    assert (draft.key, draft.kind, draft.unit, draft.date) == ("good.dispatch:7", "good.unanswered", "金城", dt.date(2015, 4, 3))
    assert ad.header_score(["警情编号", "单位", "日期", "备注"]) == 3


def test_demo_data_hook(tmp_path: Path) -> None:
    pm = get_plugin_manager(load_entrypoints=False, plugins=[("good", Good()), ("other", Other())])
    b = bureau((), a_stations(), (category("jichu", 100, base=100),))
    results = pm.hook.kaohe_demo_data(bureau=b, directory=tmp_path, seed=7)
    assert results == [[tmp_path / "good-7.csv"]]  # Other does not implement it
    assert (tmp_path / "good-7.csv").read_text(encoding="utf-8").startswith("警情编号")


def test_every_hookspec_is_exercised() -> None:
    """Every hook of the contract appears in a test (or in the plugin guide)."""
    specs = [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("kaohe_")]
    assert set(specs) == {"kaohe_items", "kaohe_adapters", "kaohe_demo_data", "kaohe_config_tables", "kaohe_commands", "kaohe_status_notes"}
    here = Path(__file__).read_text(encoding="utf-8")
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")] if (ROOT / "docs").is_dir() else []
    for name in specs:
        assert f"def {name}(" in here, f"{name} is not implemented by a plugin in test_plugins.py"
        assert any(name in t for t in texts)
    # the plugin manager knows exactly these hooks
    pm = get_plugin_manager(load_entrypoints=False, plugins=[("good", Good())])
    assert {n for n in dir(pm.hook) if n.startswith("kaohe_")} == set(specs)


def test_misspelt_hook_refuses_the_plugin() -> None:
    from kaohe import hookimpl
    from kaohe.plugins.discovery import get_plugin_manager, load_registry

    class Typo:
        @hookimpl
        def kaohe_item(self, register):  # should be kaohe_items
            pass

    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("typo", Typo())]))
    (err,) = reg.errors
    assert err.plugin == "typo" and "未知的挂钩 kaohe_item" in str(err) and "kaohe_items" in str(err)


def test_table_and_command_claims_are_refused_when_they_clash() -> None:
    # a table the kernel reads ([units]), a table or a command another plugin has, or something that
    # is not a click command: that plugin is refused whole, naming the table or the command; the
    # first claimant keeps its own
    reg = registry(
        ("first", Claims()),
        ("again", Claims(command=click.Command("again-report"))),
        ("kernel", Claims(table="units", command=click.Command("kernel-report"))),
        ("twice", Claims(table="twice")),
        ("notcmd", Claims(table="notcmd", command="claims-report")),
    )
    assert reg.config_tables["claims"].plugin == "first" and reg.commands["claims-report"].plugin == "first"
    assert sorted(reg.config_tables) == ["claims"] and sorted(reg.commands) == ["claims-report"]
    assert [n.plugin for n in reg.status_notes] == ["first"]  # a refused plugin adds no line to the data status
    errors = {e.plugin: e.problem for e in reg.errors}
    assert "配置表 [claims] 已由插件 first 认领" in errors["again"]
    assert "配置表 [units] 由内核读取" in errors["kernel"]
    assert "命令 claims-report 重复" in errors["twice"]
    assert "click.Command" in errors["notcmd"]
    # a refused plugin's table is not claimed: still an unknown key of the configuration
    data = {
        "bureau": {"name": "测试局"}, "series": [{"id": "A"}], "categories": [{"id": "jichu", "name": "基础", "weight": 100}],
        "units": [{"id": "jincheng", "name": "金城派出所", "series": "A"}],
    }
    assert parse_bureau({**data, "claims": {"x": 1}}, reg).plugin_config == {"claims": {"x": 1}}
    with pytest.raises(ConfigError, match="配置项 twice: 未知的配置项"):
        parse_bureau({**data, "twice": {}}, reg)
