"""kaohe.testing as a pytest plugin: a case file that fails on purpose says, in Chinese, which unit
and item expected what and got what; a broken case file is one line naming the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kaohe.office.ingest import ingest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
JIWEI_CASES = ROOT / "plugins" / "jiwei" / "tests" / "cases"

PYPROJECT = """[project]
name = "kaohe-jiwei-copy"
[project.entry-points.kaohe]
jiwei = "kaohe_jiwei"
"""

WRONG = """description = "故意写错的期望值:甲城应扣 20 分,这里写成 −30;乙镇的合计写成 90。"
bureau = "_bureau.toml"
period = "2015-07"

[[records]]
kind = "jiwei.deduction"
unit = "a1"
date = 2015-07-03
attrs = { matter = "违反内务条令等被检查督查发现", count = 2, self_reported = false }

[expected.a1]
"jiwei.discipline_found" = -30
[expected.b1]
"合计" = 90
"jiwei.discipline_found" = 0
"""


def project(pytester: pytest.Pytester, case: str) -> Path:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    cases = pytester.path / "tests" / "cases"
    cases.mkdir(parents=True)
    shutil.copy(JIWEI_CASES / "_bureau.toml", cases / "_bureau.toml")
    (cases / "wrong.toml").write_text(case, encoding="utf-8")
    return cases


def test_a_failing_case_names_unit_item_expected_and_got(pytester: pytest.Pytester):
    project(pytester, WRONG)
    res = pytester.runpytest("-p", "no:cacheprovider")
    res.assert_outcomes(failed=1)
    out = res.stdout.str()
    # worked by hand: 甲城 2人次 × −10 = −20 (not −30); 乙镇 has nothing: 队伍建设 100 → total 100 (not 90)
    assert "案例 wrong.toml 与计分结果不符" in out
    assert "单位 a1 的 jiwei.discipline_found:应为 -30,实为 -20" in out
    assert "单位 b1 的 合计:应为 90,实为 100" in out
    assert "单位 b1 的 jiwei.discipline_found" not in out  # the right figure is not reported
    assert "Traceback" not in out


def test_a_broken_case_file_is_one_line_naming_the_key(pytester: pytest.Pytester):
    project(pytester, WRONG.replace('"合计" = 90', '"合计" = "九十"'))
    res = pytester.runpytest("-p", "no:cacheprovider")
    res.assert_outcomes(failed=1)
    assert "案例文件有误:wrong.toml expected.b1.合计:应为数值,实为 '九十'" in res.stdout.str()


def test_an_unknown_item_is_named(pytester: pytest.Pytester):
    project(pytester, WRONG.replace('"jiwei.discipline_found" = 0', '"jiwei.no_such" = 0'))
    res = pytester.runpytest("-p", "no:cacheprovider")
    res.assert_outcomes(failed=1)
    assert "wrong.toml expected.b1.jiwei.no_such:没有事项 jiwei.no_such" in res.stdout.str()


def test_files_starting_with_an_underscore_are_not_cases(pytester: pytest.Pytester):
    cases = project(pytester, WRONG.replace("-30", "-20").replace('"合计" = 90', '"合计" = 100'))
    res = pytester.runpytest("-p", "no:cacheprovider", "-v")
    res.assert_outcomes(passed=1)
    assert "_bureau" not in res.stdout.str()
    assert (cases / "_bureau.toml").exists()


def test_seeds_missing_skip_with_the_reason(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.setenv("KAOHE_SEEDS", str(pytester.path / "nowhere"))
    pytester.makepyfile(test_seed="def test_it(kaohe_seed):\n    kaohe_seed('000')\n")
    res = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    res.assert_outcomes(skipped=1)
    assert "set KAOHE_SEEDS" in res.stdout.str()


def test_seeds_found_through_the_setting(pytester: pytest.Pytester, monkeypatch):
    seeds = pytester.path / "myseeds"
    seeds.mkdir()
    (seeds / "000_abc.txt").write_text("第一行\n第二行\n", encoding="utf-8")
    monkeypatch.setenv("KAOHE_SEEDS", str(seeds))
    pytester.makepyfile(test_seed="def test_it(kaohe_seed):\n    assert kaohe_seed('000')[1] == '第二行'\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_fixtures_write_a_real_export_and_store_it(make_registry, make_bureau, xlsx_export, kaohe_store, tmp_path):
    # 纪委's register with two rows in July 2015 for the demo's 金城 and 华城; stored once each
    registry = make_registry("jiwei")
    assert make_registry("jiwei") is registry  # cached per set of plugins
    bureau = make_bureau("demo", registry)
    assert len(bureau.units) == 15  # seed 000 l.426: 15 stations
    adapter = registry.adapters["jiwei.deductions"]
    header = [c.name for c in adapter.columns]
    row = {"编号": "J1", "单位": "金城派出所", "日期": "2015-07-03", "事项": "书面警诫", "人次": 1, "是否自查主动上报": "否"}
    path = xlsx_export(tmp_path / "纪委.xlsx", header, [[row.get(h) for h in header],
                                                        [{**row, "编号": "J2", "单位": "华城派出所"}.get(h) for h in header]])
    report = ingest(kaohe_store, bureau, registry, path, actor="test")
    assert report.accepted == 2 and kaohe_store.count() == 2


def test_the_plugin_under_test_is_the_projects(pytester: pytest.Pytester):
    project(pytester, WRONG.replace("-30", "-20").replace('"合计" = 90', '"合计" = 100'))
    pytester.makepyfile(**{"tests/test_reg": (
        "def test_it(kaohe_registry, make_bureau):\n"
        "    assert set(kaohe_registry.plugins) == {'jiwei'}\n"
        "    assert len(make_bureau('demo').units) == 15\n")})
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
