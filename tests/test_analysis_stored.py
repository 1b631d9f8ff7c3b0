"""``kaohe diagnose`` from the stored results read in bulk (issue 20, "Speed"): the stored category
and item results of every base period and of the period (``office.analysis.from_stored``) give the
same diagnostics as the months scored again from their stored item trees and the period formed from
them (``office.analysis.analysed``, the way they were made before): the demo's year, a quarter and
a month, with the office's blocks; and a month whose data is partly missing, where one item's line
marked 数据缺失 stands beside a line of the office's.

The missing month, worked by hand: five stations, only 刑侦 and 110 sent April's files; 第五派出所
(s5) has no row in either. 110's 回访满意率 (``zhihui110.callback_satisfaction``) is then
marked 数据缺失 for s5 alone; the office adds s5 an item adjustment of +1 on it (a line of its own).
So the item is triggered (a line not marked missing) by s1–s4 (their rates) and by s5 (the
adjustment's line): 5 of 5. An item of a department that sent nothing (治安's) has every unit's one
line marked missing: triggered by none (a dead item)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from inprocess import kaohe as run_kaohe
from pg_support import database, pg_url  # noqa: F401 (fixtures)
from kaohe.core.periods import Period
from kaohe.office.analysis import Proposal, SharedRecords, _not_missing, analysed, diagnose, from_stored
from kaohe.plugins.discovery import load_registry
from kaohe.report.analysis import diagnose_data, diagnose_text
from kaohe.scheme.config import load_bureau
from kaohe.scheme.proposal import analysis_settings, proposal
from kaohe.store.store import Store

BLOCKS = ("analysis.blocks.打击=[\"dachu\"]", "analysis.blocks.基础=[\"jichu\", \"duiwu\"]")


def both(config: Path, label: str, sets: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The diagnostics of ``label`` from the stored results read in bulk, and made by scoring the
    stored trees again (the reference), with the ``[analysis]`` blocks ``sets``."""
    registry = load_registry()
    bureau = load_bureau(config, registry)
    scheme = proposal(bureau, registry, None, sets)[0] if sets else bureau
    blocks = analysis_settings(scheme).blocks
    period = Period.parse(label)
    with Store(bureau.database, readonly=True) as store, store.snapshot():
        fast = from_stored(store, bureau, scheme, period)
        assert fast is not None, "stored and up to date: read in bulk"
        scored = analysed(scheme, registry, store, SharedRecords(store), period, True, bureau)
        assert fast.parts == scored.parts and fast.items == scored.items and fast.months == scored.months
        assert [(u.unit, u.series, u.total, u.rank) for u in fast.result.units] == [
            (u.unit, u.series, u.total, u.rank) for u in scored.result.units
        ]
        return diagnose_data(fast, blocks, "本局现行方案"), diagnose_data(scored, blocks, "本局现行方案")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kaohe.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo"), echo=lambda s: None)


@pytest.mark.parametrize("label", ["2015", "2015-Q3", "2015-06"])
def test_the_demo_read_in_bulk_gives_the_same_diagnostics(demo: Path, label: str) -> None:
    fast, scored = both(demo, label, BLOCKS)
    assert fast == scored
    assert diagnose_text(fast) == diagnose_text(scored)
    assert json.dumps(fast, ensure_ascii=False) == json.dumps(scored, ensure_ascii=False)
    assert fast["series"][0]["blocks"] and len(fast["series"][0]["blocks"][0]["months"]) == {"2015": 12, "2015-Q3": 3, "2015-06": 1}[label]


def test_the_command_reads_in_bulk_and_says_the_same(demo: Path) -> None:
    registry = load_registry()
    bureau = load_bureau(demo, registry)
    year = Period.parse("2015")
    with Store(bureau.database, readonly=True) as store:
        assert diagnose(store, bureau, registry, year, Proposal()) == both(demo, "2015")[1]
        assert diagnose(store, bureau, registry, year, Proposal(sets=BLOCKS)) == both(demo, "2015", BLOCKS)[1]


UNITS = """id,name,series,class,headcount,tags,aliases
s1,第一派出所,A,A,10,城区,第一所
s2,第二派出所,A,A,10,城区,第二所
s3,第三派出所,A,A,10,城区,第三所
s4,第四派出所,B,B,10,农村,第四所
s5,第五派出所,B,B,10,农村,第五所
"""


def xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def missing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("missing")
    assert run_kaohe("init", str(d), "--name", "新局公安分局", cwd=d).returncode == 0
    (d / "units.csv").write_text(UNITS, encoding="utf-8")
    xz = xlsx(d / "刑侦月度.xlsx", ["统计截止日期", "派出所", "指纹捺印份数", "是否设立技术员"], [
        ["2015-04-20", "第一派出所", 50, "是"], ["2015-04-20", "第二派出所", 30, "是"],
        ["2015-04-20", "第三派出所", 50, "是"], ["2015-04-20", "第四派出所", 50, "是"],
    ])
    zh = xlsx(d / "110月度.xlsx", ["统计月份", "派出所", "回访满意率", "巡逻民警人数", "盘查人(辆)次"], [
        ["2015-04", "第一派出所", 95, 10, 1550], ["2015-04", "第二派出所", 90, 10, 1550],
        ["2015-04", "第三派出所", 95, 10, 1550], ["2015-04", "第四派出所", 80, 10, 1550],
    ])
    for f in (xz, zh):
        out = run_kaohe("ingest", str(f), cwd=d)
        assert out.returncode == 0, out.stdout + out.stderr
    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    with Store(bureau.database) as store, store.writing():
        store.add_adjustment("2015-04", "s5", Decimal(1), "回访核实", "考核领导小组", item="zhihui110.callback_satisfaction", actor="test")
    out = run_kaohe("score", "2015-04", "-q", cwd=d)
    assert out.returncode == 0, out.stdout + out.stderr
    return d / "kaohe.toml"


def test_a_missing_line_beside_the_offices_reads_as_triggered(missing: Path) -> None:
    fast, scored = both(missing, "2015-04")
    assert fast == scored
    registry = load_registry()
    bureau = load_bureau(missing, registry)
    with Store(bureau.database, readonly=True) as store:
        x = from_stored(store, bureau, bureau, Period.parse("2015-04"))
        tree = store.explanation("2015-04", "s5")
    assert x is not None
    line = next(i for c in tree["categories"] for i in c["items"] if i["item"] == "zhihui110.callback_satisfaction")["lines"]
    assert [bool(ln.get("missing")) for ln in line] == [True, False]  # 数据缺失, then the office's +1
    s = x.items["zhihui110.callback_satisfaction"]
    assert (s.cases, s.triggered) == (5, 5)
    dead = {r["item"] for r in fast["dead"]}
    silent = [i for i in x.items if i.startswith("zhian.")]  # 治安 sent nothing for April: one line, marked missing
    assert silent and all(i in dead and x.items[i].triggered == 0 and x.items[i].cases == 5 for i in silent)
    with Store(bureau.database, readonly=True) as store:  # a unit's tree read where the stored counts cannot tell
        assert _not_missing(store, "2015-04", "s5", "zhihui110.callback_satisfaction")
        assert not _not_missing(store, "2015-04", "s5", silent[0])


def test_out_of_date_results_are_scored_as_before(missing: Path, tmp_path: Path) -> None:
    """A record imported since the month was scored: nothing read in bulk, the diagnostics made by
    scoring (the s4 row of 刑侦 now 30 prints)."""
    import shutil

    d = tmp_path / "b"
    shutil.copytree(missing.parent, d)
    xz = xlsx(d / "刑侦补报.xlsx", ["统计截止日期", "派出所", "指纹捺印份数", "是否设立技术员"], [["2015-04-20", "第四派出所", 30, "是"]])
    assert run_kaohe("ingest", str(xz), cwd=d).returncode == 0
    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    april = Period.parse("2015-04")
    with Store(bureau.database, readonly=True) as store:
        assert from_stored(store, bureau, bureau, april) is None
        now = diagnose(store, bureau, registry, april, Proposal())
        assert now == diagnose(store, bureau, registry, april, Proposal(), reuse=False)


def test_a_year_with_dated_changes_and_a_year_category(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """test_dated_changes' bureau (a quota raised from July, an item switched off from October, a
    year category 年终), scored without the plugins: its year and October read in bulk give
    the same diagnostics; the year's parts hold the year category's 表彰 (甲's +4, under December's
    version); its fourth quarter, never stored, is scored. With the plugins installed since, their items were never stored: nothing is read in
    bulk, they are evaluated (the same diagnostics as before)."""
    from office_bureau import kaohe
    from test_dated_changes import _bureau, _rows

    d = _bureau(tmp_path)
    (d / "register.csv").write_text("编号,单位,日期,记录类型,数值,名称,说明\n" + "\n".join(_rows()) + "\n", encoding="utf-8")
    kaohe(d, "ingest", "register.csv")
    kaohe(d, "score", "2015", "-q")
    year = Period.parse("2015")
    registry = load_registry()
    with_plugins = load_bureau(d / "kaohe.toml", registry)
    with Store(with_plugins.database, readonly=True) as store:
        assert from_stored(store, with_plugins, with_plugins, year) is None
        got = diagnose(store, with_plugins, registry, year, Proposal())
        assert got == diagnose_data(analysed(with_plugins, registry, store, SharedRecords(store), year, True, with_plugins), {}, "本局现行方案")
        assert "churujing.exit_ban_filing" in {r["item"] for r in got["dead"]}
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    for label in ("2015", "2015-10"):
        fast, scored = both(d / "kaohe.toml", label)
        assert fast == scored
    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    with Store(bureau.database, readonly=True) as store:  # the quarters were not stored (kaohe score 2015): scored
        assert from_stored(store, bureau, bureau, Period.parse("2015-Q4")) is None
    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    with Store(bureau.database, readonly=True) as store:
        x = from_stored(store, bureau, bureau, Period.parse("2015"))
    assert x is not None and x.parts["a"].values["item:office.award"] == 4 and x.parts["a"].total == 1174
    assert "office.minor" in x.items and x.items["office.minor"].cases == 2 * 9  # switched off from October


def test_read_in_bulk_on_both_backends(tmp_path: Path, database: str) -> None:  # noqa: F811 - the fixture from pg_support
    """report_bureau's February and March (a department's data carried over, a veto), scored and
    stored in SQLite's file and in a PostgreSQL schema: read in bulk from either, the same
    diagnostics as scoring."""
    import report_bureau

    bureau, registry, db = report_bureau.make(tmp_path, database)  # every month and 2015-Q1 scored and stored
    for label in ("2015-02", "2015-03", "2015-Q1"):
        period = Period.parse(label)
        with Store(db) as store, store.snapshot():
            fast = from_stored(store, bureau, bureau, period)
            assert fast is not None
            scored = analysed(bureau, registry, store, SharedRecords(store), period, True, bureau)
            assert fast.parts == scored.parts and fast.items == scored.items
            assert diagnose_data(fast, {}, "本局现行方案") == diagnose_data(scored, {}, "本局现行方案")
