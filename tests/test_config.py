"""The bureau configuration (TOML): a good file, and every kind of mistake named by file and key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from kaohe import ConfigError, Item, KaoheError, hookimpl, rules
from kaohe.core.periods import Period
from kaohe.plugins.discovery import Registry, get_plugin_manager, load_registry
from kaohe.scheme.config import UnitTable, load_bureau, parse_bureau
from kaohe.scoring.pipeline import score
from kernel_helpers import rec, source


class Zhihui:
    """A stand-in for the 110 plugin: arrival limits by grade and area (seed 000 l.548)."""

    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        register(
            Item(
                id="zhihui.arrival_late",
                title="未在规定时间内赶赴现场",
                department="110指挥中心",
                category="jichu",
                reference="seed 000 l.548",
                reads=("zhihui.dispatch",),
                rule=rules.PerOccurrence(
                    points=-1, when_field="minutes", limit={"一类": {"城区": 5, "城郊": 10}}, limit_by=("grade", "area")
                ),
            )
        )
        register(
            Item(
                id="zhihui.unanswered",
                title="接警无应答",
                department="110指挥中心",
                category="jichu",
                reference="seed 000 l.540",
                reads=("zhihui.unanswered",),
                rule=rules.PerOccurrence(points=-1),
            )
        )


class Broken:
    @hookimpl
    def kaohe_items(self, register):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("zhihui", Zhihui()), ("broken", Broken())]))


GOOD = """
[bureau]
name = "金坛市公安局"
cutoff_day = 20

[scheme]
name = "派出所绩效考核"
normalise_within = "series"

[[series]]
id = "A"
name = "A类所"
pass_mark = 190

[[categories]]
id = "jichu"
name = "基础工作建设"
weight = 100
base = 100

[[units]]
id = "jincheng"
name = "金城派出所"
series = "A"
class = "A"
headcount = 40
aliases = ["金城", "金城所"]
tags = ["城区"]

[[units]]
id = "huacheng"
name = "华城派出所"
series = "A"
class = "A"
headcount = { "*" = 30, "2015-06" = 32 }

[items]
enable = ["zhihui.*", "office.*"]

[items."zhihui.arrival_late".params]
limit = { "一类" = { "城区" = 8, "城郊" = 10 } }

[[office_items]]
id = "office.report_late"
title = "报表、信息迟报"
category = "jichu"
reference = "seed 000 l.466"
shape = "per_occurrence"
params = { points = -2 }
text = "违反规定的,每次扣2分"

[carry_over]
"*" = false
"110指挥中心" = true
"""


def write(tmp_path: Path, text: str, name: str = "kaohe.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_config(tmp_path: Path, reg: Registry) -> None:
    path = write(tmp_path, GOOD)
    b = load_bureau(path, reg)
    assert b.name == "金坛市公安局"
    assert b.source == str(path)
    assert b.database == str(tmp_path / "kaohe.sqlite")
    assert b.calendar.cutoff_day == 20
    assert b.scheme.series_by_id("A").pass_mark == 190
    assert b.scheme.category("jichu").base == 100
    assert [u.id for u in b.units] == ["jincheng", "huacheng"]
    assert b.unit("金城所").id == "jincheng"
    assert b.units[1].headcount_for(Period.parse("2015-06")) == 32
    assert b.units[1].headcount_for(Period.parse("2015-05")) == 30
    assert b.units[0].tags == ("城区",)
    assert {i.id for i in b.items} == {"zhihui.arrival_late", "zhihui.unanswered", "office.report_late"}
    assert b.item("zhihui.arrival_late").rule.limit == {"一类": {"城区": Decimal(8), "城郊": Decimal(10)}}
    assert b.item("office.report_late").plugin == "office"
    assert b.carries_over("110指挥中心") and not b.carries_over("刑侦大队")


def test_override_and_office_item_scored_without_plugin_code(tmp_path: Path, reg: Registry) -> None:
    # the bureau's own item, declared with a shape in the config: l.466 "违反规定的,每次扣2分".
    # 金城: 2 late reports × −2 = −4; a 7-minute 一类 城区 arrival is within the overridden 8 minutes: 0
    # → 96. 华城: a 9-minute arrival is late (9 > 8): −1 → 99. Normalised on the top 99:
    # 96 ÷ 99 × 100 = 96.969… → 96.97; 华城 100.
    b = load_bureau(write(tmp_path, GOOD), reg)
    data = source(
        rec("office.report_late", "jincheng", "2015-04-02"),
        rec("office.report_late", "jincheng", "2015-04-03"),
        rec("zhihui.dispatch", "jincheng", "2015-04-04", grade="一类", area="城区", minutes=7),
        rec("zhihui.dispatch", "huacheng", "2015-04-04", grade="一类", area="城区", minutes=9),
    )
    res = score(b, Period.parse("2015-04"), data)
    assert res.unit("jincheng").total == Decimal("96.97")
    assert res.unit("huacheng").total == 100


def expect(tmp_path: Path, reg: Registry, text: str, key: str, *words: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_bureau(path, reg)
    err = exc.value
    assert err.file == str(path) and str(path) in str(err)
    assert err.key == key, str(err)
    assert key in str(err)
    for w in words:
        assert w in str(err), str(err)
    return err


def test_missing_bureau_name(tmp_path: Path, reg: Registry) -> None:
    expect(tmp_path, reg, GOOD.replace('name = "金坛市公安局"\n', ""), "bureau.name", "缺少")


def test_missing_bureau_table(tmp_path: Path, reg: Registry) -> None:
    text = GOOD.replace('[bureau]\nname = "金坛市公安局"\ncutoff_day = 20\n', "")
    expect(tmp_path, reg, text, "bureau", "缺少")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("[bureau]\n", "[bureu]\nx = 1\n[bureau]\n", "bureu"),
        ("cutoff_day = 20\n", "cutoff_day = 20\ncutof_day = 20\n", "bureau.cutof_day"),
        ('normalise_within = "series"\n', 'normalise_within = "series"\nnormalize_within = "all"\n', "scheme.normalize_within"),
        ("pass_mark = 190\n", "pass_mark = 190\npassmark = 190\n", "series[0].passmark"),
        ("base = 100\n", "base = 100\nbasis = 100\n", "categories[0].basis"),
        ('tags = ["城区"]\n', 'tags = ["城区"]\nheadcont = 3\n', "units[0].headcont"),
        ('text = "违反规定的,每次扣2分"\n', 'text = "违反规定的,每次扣2分"\npoints = -2\n', "office_items[0].points"),
    ],
)
def test_unknown_key(tmp_path: Path, reg: Registry, old: str, new: str, key: str) -> None:
    assert old in GOOD
    expect(tmp_path, reg, GOOD.replace(old, new, 1), key, "未知的配置项")


def test_unknown_series_of_a_unit(tmp_path: Path, reg: Registry) -> None:
    text = GOOD.replace('series = "A"\nclass = "A"\nheadcount = 40', 'series = "B"\nclass = "A"\nheadcount = 40')
    expect(tmp_path, reg, text, "units[0].series", "'B'", "A")


def test_unknown_series_in_units_file(tmp_path: Path, reg: Registry) -> None:
    (tmp_path / "units.csv").write_text("id,name,series,class,headcount\nxuebu,薛埠派出所,B,B,18\n", encoding="utf-8")
    path = write(tmp_path, 'units_file = "units.csv"\n' + GOOD)
    with pytest.raises(ConfigError) as exc:
        load_bureau(path, reg)
    assert "units.csv" in str(exc.value) and "第2行" in str(exc.value) and "series" in str(exc.value)


def test_a_units_file_gives_the_units_its_rows_would_give_as_tables(tmp_path: Path, reg: Registry) -> None:
    """A units file's rows are read without the configuration's converter (``_row_unit``): each unit
    is the one the same row written as a [[units]] table gives, and a row the converter would refuse
    is refused with its words."""
    import datetime as dt

    (tmp_path / "units.csv").write_text(
        "id,name,series,class,headcount,headcount:2015-06,tags,aliases,start,end\n"
        "xuebu,薛埠派出所,A,B,18,19,农村|山区,薛埠|薛埠所, 2015-03-01 ,\n"
        "rulin,儒林派出所,A,,21,,,,,2015-09-30\n",
        encoding="utf-8",
    )
    from_file = load_bureau(write(tmp_path, 'units_file = "units.csv"\n' + GOOD), reg)
    tables = (
        '[[units]]\nid = "xuebu"\nname = "薛埠派出所"\nseries = "A"\nclass = "B"\nheadcount = { "*" = 18, "2015-06" = 19 }\n'
        'tags = ["农村", "山区"]\naliases = "薛埠|薛埠所"\nstart = 2015-03-01\n\n'
        '[[units]]\nid = "rulin"\nname = "儒林派出所"\nseries = "A"\nheadcount = 21\nend = "2015-09-30"\n'
    )
    from_tables = load_bureau(write(tmp_path, GOOD.replace("[items]\n", tables + "\n[items]\n", 1), "tables.toml"), reg)
    assert from_file.units == from_tables.units
    # every field of a [[units]] table is one ``_row_unit`` builds (a new field must be added there too)
    assert [f.name for f in attrs.fields(UnitTable)] == ["id", "name", "series", "class_", "headcount", "tags", "aliases", "start", "end"]
    xuebu, rulin = from_file.unit("xuebu"), from_file.unit("rulin")
    assert xuebu is not None and rulin is not None
    assert (xuebu.klass, xuebu.headcount, xuebu.tags, xuebu.aliases, xuebu.start, xuebu.end) == (
        "B", {"*": 18, "2015-06": 19}, ("农村", "山区"), ("薛埠", "薛埠所"), dt.date(2015, 3, 1), None
    )
    assert (rulin.klass, rulin.headcount, rulin.tags, rulin.aliases, rulin.start, rulin.end) == (None, {"*": 21}, (), (), None, dt.date(2015, 9, 30))
    for text, key, message in (
        ("id,name,class\nxuebu,薛埠派出所,B\n", "第2行.series", "缺少此项,应为文本"),
        ("id,name,series,start\nxuebu,薛埠派出所,A,七月\n", "第2行.start", "应为日期(如 2015-06-01),得到 '七月'"),
        ("id,name,series,end\nxuebu,薛埠派出所,A,2015-13-01\n", "第2行.end", "应为日期(如 2015-06-01),得到 '2015-13-01'"),
    ):
        (tmp_path / "units.csv").write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as exc:
            load_bureau(write(tmp_path, 'units_file = "units.csv"\n' + GOOD), reg)
        assert exc.value.file == str(tmp_path / "units.csv") and exc.value.key == key and str(exc.value).endswith(f"{key}: {message}"), str(exc.value)


def test_a_control_character_in_the_units_file_is_refused_with_its_row_and_column(tmp_path: Path, reg: Registry) -> None:
    """A NUL inside a unit's name (a damaged file) used to be taken as part of the name."""
    (tmp_path / "units.csv").write_text("id,name,series,class,headcount\nxuebu,薛埠派出所,A,B,18\nrulin,儒林\x00派出所,A,B,21\n", encoding="utf-8")
    path = write(tmp_path, 'units_file = "units.csv"\n' + GOOD)
    with pytest.raises(ConfigError) as exc:
        load_bureau(path, reg)
    message = str(exc.value)
    assert "units.csv" in message and "第3行 name 列" in message and "U+0000" in message and "\n" not in message


@pytest.mark.parametrize("bad", ["31", "0", '"monthly"', "true", "20.5"])
def test_bad_cutoff_day(tmp_path: Path, reg: Registry, bad: str) -> None:
    expect(tmp_path, reg, GOOD.replace("cutoff_day = 20", f"cutoff_day = {bad}"), "bureau.cutoff_day", "1-27")


def test_calendar_months_accepted(tmp_path: Path, reg: Registry) -> None:
    b = load_bureau(write(tmp_path, GOOD.replace("cutoff_day = 20", 'cutoff_day = "end"')), reg)
    assert b.calendar.end(Period.parse("2015-04")).day == 30


def test_enable_pattern_for_uninstalled_plugin(tmp_path: Path, reg: Registry) -> None:
    text = GOOD.replace('enable = ["zhihui.*", "office.*"]', 'enable = ["zhihui.*", "zhian.*"]')
    expect(tmp_path, reg, text, "items.enable[1]", "zhian", "未安装")


def test_enable_pattern_for_refused_plugin(tmp_path: Path, reg: Registry) -> None:
    text = GOOD.replace('enable = ["zhihui.*", "office.*"]', 'enable = ["broken.*"]')
    expect(tmp_path, reg, text, "items.enable[0]", "broken", "加载失败", "boom")


def test_override_of_unknown_parameter(tmp_path: Path, reg: Registry) -> None:
    text = GOOD.replace('[items."zhihui.arrival_late".params]\nlimit', '[items."zhihui.arrival_late".params]\nlimits')
    expect(tmp_path, reg, text, 'items."zhihui.arrival_late".params', "limits")


def test_override_making_rule_invalid(tmp_path: Path, reg: Registry) -> None:
    text = GOOD + '\n[items."zhihui.unanswered".params]\npoints = "abc"\n'
    expect(tmp_path, reg, text, 'items."zhihui.unanswered".params')


def test_override_of_unknown_item(tmp_path: Path, reg: Registry) -> None:
    text = GOOD + '\n[items."zhihui.nothing".params]\npoints = -1\n'
    expect(tmp_path, reg, text, 'items."zhihui.nothing"', "zhihui.nothing")


def test_office_item_errors(tmp_path: Path, reg: Registry) -> None:
    expect(tmp_path, reg, GOOD.replace('shape = "per_occurrence"', 'shape = "per_ocurrence"'), "office_items[0]", "per_ocurrence")
    expect(tmp_path, reg, GOOD.replace("params = { points = -2 }", "params = { }"), "office_items[0]", "points")
    expect(tmp_path, reg, GOOD.replace('id = "office.report_late"', 'id = "report_late"'), "office_items[0].id", "office.")
    expect(tmp_path, reg, GOOD.replace('title = "报表、信息迟报"\n', ""), "office_items[0].title")


def test_office_item_on_when_declared_and_off_when_disabled(tmp_path: Path, reg: Registry) -> None:
    # the office's own item is on by being declared (seed 000 l.94: 考核办 … 增加 … 临时性任务的考核内容),
    # even when the enable list names only plugins; `disable` switches it off
    b = load_bureau(write(tmp_path, GOOD.replace('enable = ["zhihui.*", "office.*"]', 'enable = ["zhihui.*"]')), reg)
    assert b.item("office.report_late") is not None
    off = GOOD.replace('enable = ["zhihui.*", "office.*"]', 'enable = ["zhihui.*"]\ndisable = ["office.report_late"]')
    assert load_bureau(write(tmp_path, off), reg).item("office.report_late") is None


def test_office_item_unknown_category(tmp_path: Path, reg: Registry) -> None:
    text = GOOD.replace('category = "jichu"\nreference = "seed 000 l.466"', 'category = "dachu"\nreference = "seed 000 l.466"')
    path = write(tmp_path, text)
    with pytest.raises(KaoheError) as exc:
        load_bureau(path, reg)
    assert "office.report_late" in str(exc.value) and "dachu" in str(exc.value)


def test_bad_headcount_and_types(tmp_path: Path, reg: Registry) -> None:
    expect(tmp_path, reg, GOOD.replace("headcount = 40", "headcount = -4"), "units[0].headcount")
    expect(tmp_path, reg, GOOD.replace("weight = 100", 'weight = "一百"', 1), "categories[0].weight", "一百")
    expect(tmp_path, reg, GOOD.replace('"110指挥中心" = true', '"110指挥中心" = "yes"'), "carry_over.110指挥中心")


def test_toml_syntax_and_missing_file(tmp_path: Path, reg: Registry) -> None:
    lines = GOOD.count("\n")  # GOOD ends with a newline: "[bureau" is on the next line
    path = write(tmp_path, GOOD + "\n[report\n")
    with pytest.raises(KaoheError) as exc:
        load_bureau(path, reg)
    assert str(exc.value) == f"{path}:第{lines + 2}行第8列:TOML 语法错误:表名后缺少 ]"
    path = write(tmp_path, GOOD + "\n[bureau]\n")
    with pytest.raises(KaoheError) as exc:
        load_bureau(path, reg)
    assert str(exc.value) == f"{path}:第{lines + 2}行第8列:TOML 语法错误:表 [bureau] 重复定义"
    with pytest.raises(KaoheError, match="找不到配置文件"):
        load_bureau(tmp_path / "nothing.toml", reg)


def test_a_device_as_the_configuration_or_its_units_file_is_refused(tmp_path: Path, reg: Registry) -> None:
    """kaohe.toml or units_file linked to /dev/zero: read without end (and without bound in memory)."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    config = tmp_path / "zero.toml"
    config.symlink_to("/dev/zero")
    with pytest.raises(KaoheError) as exc:
        load_bureau(config, reg)
    assert str(exc.value) == f"{config} 不是普通文件(设备、管道等),不是配置文件:请用 --config 指定 kaohe.toml"
    (tmp_path / "units.csv").symlink_to("/dev/zero")
    path = write(tmp_path, 'units_file = "units.csv"\n' + GOOD)
    with pytest.raises(ConfigError) as err:
        load_bureau(path, reg)
    assert err.value.key == "units_file" and "不是普通文件(设备、管道等),应为单位文件(CSV)" in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[bureau]\nname = 金坛\n', "第2行第8列:TOML 语法错误:无效的值(文字须加引号"),
        ('[bureau]\nname = "金坛\n', "第2行第11列:TOML 语法错误:字符串缺少结尾的引号"),
        ('[bureau]\nname "金坛"\n', "第2行第6列:TOML 语法错误:键后应为 =(写法:键 = 值)"),
        ('[bureau]\nname = "a"\nname = "b"\n', "第3行第11列:TOML 语法错误:键重复定义"),
        ('[bureau]\ndatabase = "C:\\data\\k.sqlite"\n', "第2行第17列:TOML 语法错误:字符串中的 \\ 未转义"),
    ],
)
def test_toml_errors_are_one_chinese_line_with_line_and_column(tmp_path: Path, reg: Registry, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(KaoheError) as exc:
        load_bureau(path, reg)
    assert str(exc.value).startswith(f"{path}:{message}"), str(exc.value)
    assert "\n" not in str(exc.value) and "line" not in str(exc.value)


def test_a_config_not_in_utf8_is_named(tmp_path: Path, reg: Registry) -> None:
    path = tmp_path / "kaohe.toml"
    path.write_bytes(GOOD.encode("gb18030"))
    with pytest.raises(KaoheError) as exc:
        load_bureau(path, reg)
    assert str(exc.value) == f"{path}:第3行:配置文件应以 UTF-8 编码保存(用记事本“另存为”时选择 UTF-8)"


def test_units_file_saved_by_excel_in_gb18030(tmp_path: Path, reg: Registry) -> None:
    # Excel on a Chinese Windows saves "CSV (逗号分隔)" in GB18030 (GBK), with no BOM
    text = "id,name,series,class,headcount,tags\r\nxuebu,薛埠派出所,A,B,18,农村\r\nrulin,儒林派出所,A,B,21,农村\r\n"
    (tmp_path / "units.csv").write_bytes(text.encode("gb18030"))
    b = load_bureau(write(tmp_path, 'units_file = "units.csv"\n' + GOOD), reg)
    xuebu = b.unit("xuebu")
    assert xuebu is not None and xuebu.name == "薛埠派出所" and b.unit("儒林派出所") is not None
    assert xuebu.tags == ("农村",)


def test_a_mistyped_item_id_gets_the_closest_ids(tmp_path: Path, reg: Registry) -> None:
    text = GOOD.replace('enable = ["zhihui.*", "office.*"]', 'enable = ["zhihui.*"]\ndisable = ["zhihui.arrival_lat"]')
    err = expect(tmp_path, reg, text, "items.disable[0]", "插件 zhihui 没有此项目", "是否应为 zhihui.arrival_late?")
    assert "未安装" not in str(err)
    err = expect(tmp_path, reg, GOOD + '\n[items."zhihui.unanswerd".params]\npoints = -1\n', 'items."zhihui.unanswerd"', "是否应为 zhihui.unanswered?")
    # nothing alike: no suggestion
    err = expect(tmp_path, reg, GOOD.replace('"office.*"]', '"office.*"]\ndisable = ["zhihui.qqqqqqqqqqqq"]'), "items.disable[0]")
    assert "是否应为" not in str(err)


def test_the_configuration_guide_names_real_items(reg: Registry) -> None:
    """docs/configuration.md's [items] example, with the bundled plugins and the demo's scheme."""
    import re
    import tomllib

    from kaohe.plugins.discovery import load_registry

    root = Path(__file__).resolve().parents[1]
    guide = (root / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```toml\n(.*?)```", guide, re.S) if b.startswith("[items]"))
    demo = tomllib.loads((root / "kernel" / "src" / "kaohe" / "demo" / "bureau.toml").read_text(encoding="utf-8"))
    demo["items"] = tomllib.loads(example)["items"]
    demo.pop("units_file", None)
    demo["units"] = [{"id": "jincheng", "name": "金城派出所", "series": "A", "class": "A", "headcount": 40}]
    b = parse_bureau(demo, load_registry())
    assert b.item("xiaofang.meeting") is None  # the example's disable
    assert b.item("xiaofang.training") is not None
    fatal = b.item("jiaoxunjing.fatal_hit_run")
    assert fatal is not None and fatal.category == "jichu" and fatal.cap == 20
    quota = b.item("zhian.venue_hotel_fugitive_quota")
    assert quota is not None and quota.rule.targets["金城"] == 6  # type: ignore[attr-defined]


def test_parse_bureau_from_data(reg: Registry) -> None:
    data = {
        "bureau": {"name": "测试局"},
        "series": [{"id": "A"}],
        "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100}],
        "units": [{"id": "jincheng", "name": "金城派出所", "series": "A"}],
        "items": {"enable": ["zhihui.unanswered"]},
    }
    b = parse_bureau(data, reg, "x.toml")
    assert [i.id for i in b.items] == ["zhihui.unanswered"]
    assert b.calendar.cutoff_day == 20  # the default: 上月21日至当月20日
    with pytest.raises(ConfigError) as exc:
        parse_bureau({**data, "units": []}, reg, "x.toml")
    assert exc.value.key == "units" and "x.toml" in str(exc.value)


def test_report_lines_per_item_default_and_set(tmp_path: Path, reg: Registry) -> None:
    assert load_bureau(write(tmp_path, GOOD), reg).report.lines_per_item == 20
    assert load_bureau(write(tmp_path, GOOD + "\n[report]\nlines_per_item = 5\n"), reg).report.lines_per_item == 5


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("lines_per_item = 0", "report.lines_per_item", ("正整数", "得到 0")),
        ("lines_per_item = -3", "report.lines_per_item", ("正整数", "得到 -3")),
        ('lines_per_item = "二十"', "report.lines_per_item", ("正整数", "'二十'")),
        ("lines_per_item = 2.5", "report.lines_per_item", ("正整数", "2.5")),
        ("lines = 3", "report.lines", ("未知的配置项", "lines_per_item")),
    ],
)
def test_report_settings_errors_name_the_file_and_key(tmp_path: Path, reg: Registry, text: str, key: str, words: tuple[str, ...]) -> None:
    expect(tmp_path, reg, GOOD + f"\n[report]\n{text}\n", key, *words)
