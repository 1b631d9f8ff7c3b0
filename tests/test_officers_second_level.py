"""民警个人考核 (二级考核, seed 000 l.62-70, l.84-92; seed 003 按10%一个序列): the officers' scores from
the unit's result × the coefficient ± the officer's own items, their ranks, bands and grades, the bonus
divided to the fen, the checks of the coefficients, and ``kaohe officers scores / ranking / grades /
bonus / checks``. Each value is worked out by hand in the comment above it.

The example is examples/shangcheng-2010: 湖滨派出所's second quarter (2010-03-21 … 2010-06-20) totals
113 (86 + 6.5 + 7 + 10.5 + 3, worked out in tests/test_example_shangcheng_2010.py), 刑侦大队's 106."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from example_helpers import EXAMPLES, Example
from kaohe.cli.common import Ctx
from kaohe.contract.hookspecs import hookimpl
from kaohe.core.errors import ConfigError, KaoheError
from kaohe.core.periods import Calendar, Period
from kaohe.plugins.officers import officers
from kaohe.plugins.officers.bonus import bonus, divide, payroll
from kaohe.plugins.officers.coefficients import ASSESSED, NO_BUSINESS, OfficerQuarter, quarter
from kaohe.plugins.officers.files import read_data, read_records
from kaohe.plugins.officers.scores import (
    BUREAU,
    Node,
    OfficerScore,
    band,
    balance,
    grade_units,
    list_deadline,
    list_states,
    officers_quarter,
    quota_of,
)
from kaohe.plugins.officers.settings import parse_settings

HERE = EXAMPLES / "shangcheng-2010"
Q2 = Period.parse("2010-Q2")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    ex = Example("shangcheng-2010", tmp_path_factory.mktemp("sc2"))
    result = ex.score("2010-Q2")
    b = ex.bureau
    settings = b.plugin_config["officers"]
    units = {n: u.id for u in b.units for n in u.names}
    data = read_data(settings, units)
    rows = quarter(settings, data, b.calendar, Q2)
    records = read_records(settings, {o.id: o.name for o in data.officers})
    scores = officers_quarter(
        settings, rows, {u.unit: u for u in result.units}, records, b.calendar, Q2,
        {u.id: u.name for u in b.units}, {u.id: u.series for u in b.units},
    )
    return ex, result, {s.officer: s for s in scores}


# --- 1. scores ------------------------------------------------------------------------------------------------


def test_hubin_second_quarter_by_hand(example) -> None:  # type: ignore[no-untyped-def]
    _, result, by = example
    assert next(u for u in result.units if u.unit == "hubin").total == 113
    # l.66 "各单位根据考核情况,将个人考核系数因素,统一计算在考核结果中": 113 × coefficient
    # 1001 岗位能手: 113 × 1.35 = 152.55; his 破案 of 03-15 is the first quarter's and does not count
    assert (by["1001"].score, by["1001"].items) == (Decimal("152.55"), 0)
    # 1002 师傅级: 113 × 1.25 = 141.25, 破获刑事案件 2 起 × 0.5 = +1 → 142.25
    assert by["1002"].score == Decimal("142.25") and by["1002"].items == 1
    # 1017 一般民警: 113 + 7 起 × 0.5 = 3.5, the item's cap 3 → 116
    assert by["1017"].score == 116 and by["1017"].items == 3
    # 1004 徒弟级: 113 × 0.9 = 101.7, 通知单 +2 (l.92) → 103.7
    assert by["1004"].score == Decimal("103.7")
    # 1012 joined 05-10: first quarter, not in 业务工作 (l.86): (113 − 业务工作 86) × 0.85 = 22.95; his 破案 is
    # 业务工作 (not counted), his breach of discipline is (按规定考核): −1 → 21.95; scored, not ranked
    s = by["1012"]
    assert (s.status, s.unit_score, s.score, s.ranked, s.rank, s.grade) == (NO_BUSINESS, 27, Decimal("21.95"), False, None, "")
    # an exclusion: 1008, 34 days of 病假 in the quarter (l.84) → no score, not ranked
    assert (by["1008"].score, by["1008"].ranked) == (None, False)
    assert "本季度累计病假、事假34天" in by["1008"].tree.reason
    # the explanation goes down to the records, each citing its source and the regulation
    text = "\n".join(s.tree.lines())
    assert "27 × 0.85 − 1 = 21.95" in text
    assert "违反队伍建设规章制度 -1(依据:《上城区公安分局绩效考核办法(试行)》八、4" in text
    assert "值班脱岗 -1(依据:记录:民警考核登记_2010.csv 第6行)" in text
    assert "破获刑事案件 0:到岗第一个季度不参加业务工作考核,不计" in text
    assert "依据:《上城区公安分局绩效考核办法(试行)》六、3(各单位根据考核情况,将个人考核系数因素,统一计算在考核结果中)" in text
    assert "l.8" not in text and "上城2010" not in text and "示例" not in text  # the regulation by name and article, no seed line


def test_ranks_bands_and_a_tie(example) -> None:  # type: ignore[no-untyped-def]
    _, _, by = example
    # 湖滨's 11 ranked: 152.55, 142.25, 141.25, 116, then 1005 1010 1014 1016 all 113 × 1 = 113 (a tie: they
    # share 5th), 103.7 is 9th (1, 1, 3 ranking), 101.7 10th, 96.05 11th
    assert [by[o].unit_rank for o in ("1001", "1002", "1003", "1017", "1005", "1010", "1014", "1016", "1004", "1007", "1006")] == [
        1, 2, 3, 4, 5, 5, 5, 5, 9, 10, 11,
    ]
    # the bureau's series (seed 003 以分局为单位): 13 ranked with 刑侦大队's 2001 (106 × 1.35 = 143.1, 2nd) and 2002 (106);
    # bands of 10 %: band = ⌈10 × rank / 13⌉: 1st → ⌈0.77⌉ = 1; 2nd → ⌈1.54⌉ = 2; the four tied at 6th → ⌈4.62⌉ = 5;
    # 2002 at 10th → ⌈7.69⌉ = 8; 96.05 at 13th → 10
    assert (by["2001"].score, by["2001"].rank, by["2001"].band) == (Decimal("143.1"), 2, 2)
    assert {(by[o].rank, by[o].band, by[o].count) for o in ("1005", "1010", "1014", "1016")} == {(6, 5, 13)}
    assert (by["2002"].rank, by["2002"].band, by["1006"].band, by["1001"].band) == (10, 8, 10, 1)
    assert by["1001"].series == BUREAU


def test_band_edges() -> None:
    # "排在前10%序列": of 10, the 1st is exactly 10 % → band 1; of 7, the 1st is 14.3 % → band 2; the last is band 10
    assert (band(1, 10, 10), band(1, 7, 10), band(7, 7, 10), band(2, 20, 10), band(3, 20, 10)) == (1, 2, 10, 1, 2)


# --- 2. grades ------------------------------------------------------------------------------------------------


def test_a_grade_quota_that_binds(example) -> None:  # type: ignore[no-untyped-def]
    _, _, by = example
    # 优秀: at least 110 and at most 15 % of the unit's 11 ranked: ⌊1.65⌋ = 1 → 1001 only; 1002 (142.25) and 1003 reach 110
    # but the quota is full → 称职 (≥ 100); 1006 96.05 < 100 → 基本称职 (≥ 90). 刑侦大队: ⌊2 × 0.15⌋ = 0 优秀
    assert by["1001"].grade == "优秀"
    assert by["1002"].grade == "称职" and by["1002"].grade_reason == "优秀名额已满(本单位 11 人 × 15% = 1 人)"
    assert by["1006"].grade == "基本称职" and by["1006"].grade_reason == "称职须 100 分以上"
    assert by["2001"].grade == "称职"
    assert quota_of(Decimal("0.15"), 14) == 2 and quota_of(Decimal("0.15"), 6) == 0


def _settings(**table):  # type: ignore[no-untyped-def]
    return parse_settings(table, "k.toml", Path("."))


GRADES = [{"name": "优秀", "min": 90, "quota": 0.2}, {"name": "称职", "min": 60}, {"name": "不称职"}]


def test_a_tie_across_the_quota() -> None:
    # 10 officers, 优秀 ≤ 20 % → 2. 98 is 1st; 95 and 95 tie for 2nd: one place left for two →
    # exclude (default): both 称职, and the 3rd-best 91 does not get 优秀 before them; include: both 优秀 (3 > 2)
    scores = {"a": Decimal(98), "b": Decimal(95), "c": Decimal(95), "d": Decimal(91), **{f"z{i}": Decimal(70) for i in range(6)}}
    ranks = {"u": {"a": 1, "b": 2, "c": 2, "d": 4, **{f"z{i}": 5 for i in range(6)}}}
    got = grade_units(_settings(grades=GRADES), ranks, {"u": scores})
    assert [got[k][0] for k in "abcd"] == ["优秀", "称职", "称职", "称职"]
    assert got["b"][1] == "优秀名额已满(本单位 10 人 × 20% = 2 人,并列 2 人超出名额)"
    got = grade_units(_settings(grades=GRADES, quota_ties="include"), ranks, {"u": scores})
    assert [got[k][0] for k in "abcd"] == ["优秀", "优秀", "优秀", "称职"]


def test_grade_configuration_errors() -> None:
    with pytest.raises(ConfigError) as info:
        _settings(grades=[{"name": "优秀", "quota": 0.15}, {"name": "称职", "min": 60}])
    assert info.value.key == "officers.grades[1]" and "最后一个等次" in info.value.expected
    with pytest.raises(ConfigError) as info:
        _settings(grades=[{"name": "优秀", "quota": 15}, {"name": "称职"}])
    assert info.value.key == "officers.grades[0].quota" and "0 至 1" in info.value.expected


# --- 4. the bonus ----------------------------------------------------------------------------------------------


def _officer(oid: str, score: str, rank: int, grade: str = "", band_: int = 1) -> OfficerScore:
    return OfficerScore(
        oid, f"民警{oid}", "u", "某所", "2010-Q2", ASSESSED, Decimal(1), Decimal(score), Decimal(0), Decimal(score), True,
        Node("x"), rank=rank, count=7, band=band_, grade=grade,
    )


SEVEN = [_officer("1", "120", 1), _officer("2", "110", 2), _officer("3", "100", 3), _officer("4", "100", 3),
         _officer("5", "90", 5), _officer("6", "80", 6), _officer("7", "70", 7)]


def test_100000_yuan_among_seven_officers_to_the_fen() -> None:
    s = _settings(bonus={"pool": 100000})
    shares = bonus(s, SEVEN, None, {})
    # scores 120 110 100 100 90 80 70 add up to 670; in fen, 10,000,000 × score / 670:
    # 120 → 1,791,044.776; 110 → 1,641,791.045; 100 → 1,492,537.313 (twice); 90 → 1,343,283.582; 80 → 1,194,029.851;
    # 70 → 1,044,776.119. Rounded down they add up to 9,999,997: 3 fen left, to the largest remainders
    # .851 (80), .776 (120), .582 (90)
    assert [str(Decimal(x.amount) / 100) for x in shares] == [
        "17910.45", "16417.91", "14925.37", "14925.37", "13432.84", "11940.3", "10447.76",
    ]
    assert sum(x.amount for x in shares) == 10_000_000
    assert "100000.00 × 120 / 670 = 17910.4477…" in shares[0].reason


def test_floor_and_cap_and_equal_remainders_by_rank() -> None:
    s = _settings(bonus={"pool": 100000, "floor": 12000, "cap": 16000})
    shares = bonus(s, SEVEN, None, {})
    # 120 and 110 would get 17,910 and 16,418 > 16,000 → capped: 32,000; 68,000 over 100+100+90+80+70 = 440 gives 70
    # 10,818 < 12,000 → floor; 56,000 over 370: 100 → 15,135.135…, 90 → 13,621.62…, 80 → 12,108.108… (≥ 12,000, ≤ 16,000).
    # In fen: 1,513,513.51 (twice), 1,362,162.16, 1,210,810.81 → floors add up to 5,599,998: 2 fen left, to .81 (80)
    # and one of the equal .51 — the better ranked; tied 3rd, the smaller 警号 → officer 3
    assert [str(Decimal(x.amount) / 100) for x in shares] == [
        "16000", "16000", "15135.14", "15135.13", "13621.62", "12108.11", "12000",
    ]
    assert sum(x.amount for x in shares) == 10_000_000
    assert "超过封顶,按封顶 16000 元" in shares[0].reason and "低于保底,按保底 12000 元" in shares[6].reason


def test_by_grade_ratios_and_by_band_amounts() -> None:
    three = [_officer("1", "99", 1, "A", 1), _officer("2", "90", 2, "B", 3), _officer("3", "80", 3, "C", 6)]
    # A/B/C = 100/80/60 %: 2,400 元 over 1 + 0.8 + 0.6 = 2.4 → 1,000, 800, 600
    s = _settings(grades=[{"name": "A", "min": 95}, {"name": "B", "min": 85}, {"name": "C"}],
                  bonus={"pool": 2400, "method": "grade", "ratios": {"A": 1, "B": 0.8, "C": 0.6}})
    assert [x.amount for x in bonus(s, three, None, {})] == [100000, 80000, 60000]
    # seed 003: 900 元 for the top band, nothing below
    s = _settings(bonus={"method": "band", "amounts": {"1": 900}})
    got = bonus(s, three, None, {})
    assert [x.amount for x in got] == [90000, 0, 0] and got[0].reason == "第1序列固定金额 900 元"


def test_a_pool_per_unit() -> None:
    # two units: u (score 100, 2 officers) and v (score 50, 2 officers): 3,000 元 by 100 × 2 : 50 × 2 → 2,000 and 1,000
    people = [_officer("1", "100", 1), _officer("2", "100", 1), attrs.evolve(_officer("3", "50", 3), unit="v"),
              attrs.evolve(_officer("4", "25", 4), unit="v")]
    s = _settings(bonus={"pool": 3000, "scope": "unit"})
    got = {x.officer: x.amount for x in bonus(s, people, None, {"u": Decimal(100), "v": Decimal(50)})}
    # within v: 1,000 元 by 50 : 25 → 666.666… and 333.333… → 666.67 (largest remainder .666) and 333.33
    assert got == {"1": 100000, "2": 100000, "3": 66667, "4": 33333}


def test_divide_refuses_what_cannot_add_up() -> None:
    with pytest.raises(KaoheError, match="保底 500.00 元 × 3 人 = 1500.00 元,超过奖金池 1000.00 元"):
        divide(100000, [1, 2, 3], [0, 1, 2], floor=50000)
    with pytest.raises(KaoheError, match="不足奖金池"):
        divide(100000, [1, 2, 3], [0, 1, 2], cap=30000)
    assert divide(100, [1, 1, 1], [2, 0, 1]) == [33, 34, 33]  # the extra fen to the best ranked (order 0)


def test_payroll_workbooks(tmp_path: Path) -> None:
    import openpyxl

    s = _settings(bonus={"pool": 100000})
    shares = bonus(s, SEVEN, None, {})
    (path,) = payroll(tmp_path, "2010-Q2", SEVEN, shares)
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:4] == ("序号", "警号", "姓名", "考核得分") and rows[2][1] == "1"
    assert rows[-1][2] == "合计" and Decimal(str(rows[-1][9])) == Decimal("100000.00")


# --- 3. checks ---------------------------------------------------------------------------------------------------


def test_mean_coefficient_tolerance_and_the_list_deadline() -> None:
    rows = [OfficerQuarter(o, o, u, "2010-Q2", ASSESSED, Decimal(k), "") for o, u, k in
            (("1", "a", "1.35"), ("2", "a", "1"), ("3", "b", "1.05"), ("4", "b", "1"), ("5", "b", "1"))]
    # a: (1.35 + 1) / 2 = 1.175, 0.175 from 1 > 0.05 → flagged; b: 3.05 / 3 = 1.0166… ≤ 0.05 → not
    got = {b.unit: b.flagged for b in balance(_settings(), rows)}
    assert got == {"a": True, "b": False}
    assert {b.unit: b.flagged for b in balance(_settings(balance_tolerance=0.2), rows)} == {"a": False, "b": False}
    # l.62 "当季末月20日前": Q2 of a bureau whose month ends on the 20th ends 06-20 → due 2010-06-20; a bureau of
    # calendar months ends Q2 on 06-30, its last month is June → still 06-20
    assert list_deadline(_settings(), Calendar(20), Q2) == dt.date(2010, 6, 20)
    assert list_deadline(_settings(), Calendar("end"), Q2) == dt.date(2010, 6, 20)
    lists = {("a", "2010-Q2"): dt.date(2010, 6, 20), ("b", "2010-Q2"): dt.date(2010, 6, 21)}
    states = list_states(_settings(), lists, ["a", "b", "c"], Calendar(20), Q2, dt.date(2010, 6, 22))
    assert [s.state for s in states] == ["已按时报送", "逾期报送", "未报送"]
    assert list_states(_settings(), {}, ["c"], Calendar(20), Q2, dt.date(2010, 6, 1))[0].state == "未到期"


# --- files and configuration ------------------------------------------------------------------------------------


def test_records_file_errors(tmp_path: Path) -> None:
    (tmp_path / "名单.csv").write_text("警号,姓名,单位,入警日期\n1001,张伟,湖滨所,2001-07-01\n", encoding="utf-8")
    table = {"roster": "名单.csv", "records_file": "登记.csv",
             "items": {"pa": {"title": "破案", "rule": {"shape": "per_occurrence", "points": 0.5}},
                       "tz": {"title": "通知单", "rule": {"shape": "per_occurrence", "min_points": -5, "max_points": 5}}}}
    s = parse_settings(table, "k.toml", tmp_path)
    names = {"1001": "张伟"}
    for body, message in (
        ("警号,项目,日期\n9999,破案,2010-04-01\n", "登记.csv 第2行 “警号”列:9999 不在民警名单中"),
        ("警号,项目,日期\n1001,抓赌,2010-04-01\n", "登记.csv 第2行 “项目”列:“抓赌”不是本局配置的民警考核项目;可用:破案、通知单"),
        ("警号,项目,日期\n1001,破案,四月\n", "登记.csv 第2行 “日期”列"),
        ("警号,项目,日期,数值\n1001,通知单,2010-04-01,9\n", "登记.csv 第2行:"),
    ):
        (tmp_path / "登记.csv").write_text(body, encoding="utf-8")
        with pytest.raises(KaoheError) as info:
            read_records(s, names)
        assert message in str(info.value), str(info.value)
    (tmp_path / "登记.csv").write_text("警号,项目,日期\n1001,pa,2010-04-01\n1001,破案,2010-04-02\n", encoding="utf-8")
    assert [(r.kind, r.key) for r in read_records(s, names)] == [("pa", "登记.csv 第2行"), ("pa", "登记.csv 第3行")]


@pytest.mark.parametrize(
    ("table", "key", "words"),
    [
        ({"items": {"pa": {"title": "破案", "rule": {"points": 1}}}}, "officers.items.pa.rule.shape", "规则类型"),
        ({"items": {"pa": {"title": "破案", "rule": {"shape": "nope"}}}}, "officers.items.pa.rule", "未知的规则类型"),
        ({"items": {"pa": {"rule": {"shape": "per_occurrence", "points": 1}}}}, "officers.items.pa.title", "缺少"),
        ({"bonus": {"pool": -1}}, "officers.bonus.pool", "金额"),
        ({"bonus": {"pool": "1.005"}}, "officers.bonus.pool", "两位小数"),
        ({"bonus": {"method": "lottery"}}, "officers.bonus.method", "score / band / grade"),
        ({"bonus": {"method": "band"}}, "officers.bonus.amounts", "其中之一"),
        ({"bonus": {"method": "grade", "ratios": {"A": 1}}}, "officers.bonus.method", "[[officers.grades]]"),
        ({"bonus": {"method": "band", "amounts": {"1": 900}, "pool": 100}}, "officers.bonus.pool", "固定金额"),
        ({"bonus": {"pool": 100, "floor": 10, "cap": 5}}, "officers.bonus.floor", "高于封顶"),
        ({"scope": "city"}, "officers.scope", "bureau / series"),
        ({"list_day": 31}, "officers.list_day", "1 至 28"),
        ({"balance_tolerance": "很小"}, "officers.balance_tolerance", "0 至 1"),
    ],
)
def test_second_level_config_errors(table: dict, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings(table, "上城.toml", Path("."))
    assert info.value.file == "上城.toml" and info.value.key == key and words in info.value.expected, info.value.expected


# --- 5. the commands -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's configuration and files with its register ingested and 2010-Q2 scored and stored."""
    from inprocess import kaohe as run_kaohe

    tmp = tmp_path_factory.mktemp("cli")
    for f in HERE.iterdir():
        if f.suffix in (".toml", ".csv"):
            shutil.copy(f, tmp / f.name)
    config = tmp / "kaohe.toml"
    for args in (("ingest", "考核办_季度考核登记_2010.csv", "--actor", "kaoheban"), ("score", "2010-Q2")):
        out = run_kaohe("-c", str(config), *args, cwd=str(tmp))
        assert out.returncode == 0, out.stderr
    return config


def test_officers_commands(stored: Path, tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        out = runner.invoke(officers, list(args), obj=Ctx(str(stored)))
        assert out.exit_code == 0, (out.output, out.exception)
        return out.stdout

    text = run("scores", "2010-Q2", "--unit", "湖滨派出所")
    assert "1001  张伟  湖滨派出所       113  1.35         —    152.55           1         1     1  优秀" in text
    tree = run("scores", "2010-Q2", "--officer", "1017")
    assert "林娜(1017)湖滨派出所 2010年第2季度 个人得分 116:113 × 1 + 3 = 116" in tree
    assert "单位内第4名(共11人),全局第5名(共13人),第4序列,等次:称职(得分 116 ≥ 100)" in tree
    js = json.loads(run("scores", "2010-Q2", "--officer", "1012", "--json"))
    assert js["officers"][0]["score"] == "21.95" and js["officers"][0]["explanation"]["children"][1]["points"] == "-1"
    ranking = run("ranking", "2010-Q2", "--csv").lstrip("\ufeff").splitlines()
    assert ranking[0] == "序列范围,名次,人数,序列,警号,姓名,单位,个人得分,单位内名次" and ranking[2].startswith("全局,2,13,2,2001,马超,刑侦大队,143.1")
    grades = run("grades", "2010-Q2")
    assert "湖滨派出所:优秀 1人、称职 9人、基本称职 1人、不称职 0人" in grades
    # the example's pool: 100,000 元 over the 13 ranked officers' scores, adding up to 1,554.6
    pay = json.loads(run("bonus", "2010-Q2", "--json", "--xlsx", str(tmp_path / "pay")))
    assert pay["total"] == "100000.00" and sum(Decimal(o["amount"]) for o in pay["officers"]) == Decimal("100000.00")
    assert sorted(p.name for p in (tmp_path / "pay").iterdir()) == ["绩效奖金_2010-Q2_刑侦大队.xlsx", "绩效奖金_2010-Q2_湖滨派出所.xlsx"]
    assert "合计 13000.00 元(13人)" in run("bonus", "2010-Q2", "--pool", "13000")
    checks = run("checks", "2010-Q2")
    # 刑侦大队: (1.35 + 1) / 2 = 1.175 → 偏离; its list came 06-25, after 06-20
    assert "刑侦大队           1.175             2  偏离" in checks and "刑侦大队    2010-06-25  逾期报送" in checks
    # the coefficients, as before the subcommands
    assert "刑侦大队  平均考核系数 1.18(2人参加考核)" in run("2010-Q2", "--unit", "刑侦大队")


def test_officers_commands_errors(stored: Path) -> None:
    runner = CliRunner()

    def fails(*args: str) -> str:
        out = runner.invoke(officers, list(args), obj=Ctx(str(stored)))
        assert out.exit_code != 0
        return str(out.exception)

    assert "民警个人考核按季度计算:2010-04 不是季度" in fails("scores", "2010-04")
    assert "--pool 应为金额" in fails("bonus", "2010-Q2", "--pool", "十万")
    assert "没有警号为 9999 的民警" in fails("scores", "2010-Q2", "--officer", "9999")


def test_the_data_status_shows_the_lists_and_the_balance(stored: Path) -> None:
    """l.62: the lists of coefficients are due before the 20th of the quarter's last month (2010-06-20); 湖滨派出所
    sent its list on 06-18 (on time), 刑侦大队 on 06-25 (late); 刑侦大队's mean (1.35 + 1) / 2 = 1.175 is not 基本持平.
    ``kaohe status`` shows them through the plugin's ``kaohe_status_notes``; the kernel knows nothing of officers."""
    from inprocess import kaohe as run_kaohe

    out = run_kaohe("-c", str(stored), "status", "2010-Q2")
    assert out.returncode == 0, out.stderr
    assert "民警考核系数名单(当季末月20日前报考核办,本季度截止 2010-06-20):已按时报送 1 个单位,逾期报送 1 个单位(刑侦大队)" in out.stdout
    assert "平均考核系数偏离1超过 0.05(l.62“总体上要基本持平”):刑侦大队 1.175" in out.stdout
    js = json.loads(run_kaohe("-c", str(stored), "status", "2010-Q2", "--json").stdout)
    assert any("逾期报送 1 个单位(刑侦大队)" in n for n in js["notes"])


def test_a_plugin_status_note_that_fails_is_one_line() -> None:
    from kaohe.contract.registry import Registry, StatusNotes
    from kaohe.office.status import plugin_notes

    def broken(bureau, period, today):  # type: ignore[no-untyped-def]
        raise KaoheError("找不到文件 名单.csv")

    reg = Registry(status_notes=[StatusNotes("officers", broken), StatusNotes("x", lambda b, p, t: ["甲"])])
    assert plugin_notes(None, reg, Q2, dt.date(2010, 6, 1)) == ["插件 officers:找不到文件 名单.csv", "甲"]  # type: ignore[arg-type]


class _Noting:
    """A plugin adding one line to the data status of a quarter."""

    @hookimpl
    def kaohe_status_notes(self, register):  # type: ignore[no-untyped-def]
        register(lambda bureau, period, today: [f"{period.label}:名单截止 {today.isoformat()}"] if period.kind == "quarter" else [])


class _Wrong:
    @hookimpl
    def kaohe_status_notes(self, register):  # type: ignore[no-untyped-def]
        register("名单")


def test_hook_kaohe_status_notes() -> None:
    from kaohe.office.status import plugin_notes
    from kaohe.plugins.discovery import get_plugin_manager, load_registry

    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("noting", _Noting())]))
    assert [n.plugin for n in reg.status_notes] == ["noting"]
    assert plugin_notes(None, reg, Q2, dt.date(2010, 6, 20)) == ["2010-Q2:名单截止 2010-06-20"]  # type: ignore[arg-type]
    assert plugin_notes(None, reg, Period.parse("2010"), dt.date(2010, 6, 20)) == []  # type: ignore[arg-type]
    wrong = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("wrong", _Wrong())]))
    assert wrong.status_notes == [] and "kaohe_status_notes: register() 应传入函数" in wrong.plugins["wrong"].error


# --- objections (l.70) ------------------------------------------------------------------------------------------------


def test_an_objection_that_changes_a_score(stored: Path, tmp_path: Path) -> None:
    """l.70 "各单位考核结果在单位内部公布3天,民警无异议的,报考核办备案": 湖滨派出所 publishes on 06-22 (objections
    until 06-24); 王芳 (1003, 141.25) objects on 06-23 that a case of hers was left out; the unit upholds it with +2
    → 143.25, above 李强's 142.25: she is now 2nd in the unit, he 3rd. Filing: refused before 06-25 and while the
    objection is undecided; then filed, its digest recorded. Each act is in the audit trail with its actor, and the
    unit results stored for 2010-Q2 stay up to date (an officers' entry changes nothing a unit's score reads)."""
    from kaohe.office.results import staleness
    from kaohe.store.store import Store

    config = tmp_path / "kaohe.toml"
    for f in stored.parent.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    runner = CliRunner()

    def run(*args: str) -> str:
        out = runner.invoke(officers, list(args), obj=Ctx(str(config)))
        assert out.exit_code == 0, (out.output, out.exception)
        return out.stdout

    def fails(*args: str) -> str:
        out = runner.invoke(officers, list(args), obj=Ctx(str(config)))
        assert out.exit_code != 0
        return str(out.exception)

    assert "尚未在单位内部公布" in fails("object", "2010-Q2", "1003", "--text", "漏计破案", "--date", "2010-06-22")
    published = run("publish", "2010-Q2", "--unit", "湖滨派出所", "--date", "2010-06-22", "--actor", "湖滨所长")
    assert "2010-06-24 前(含当日)可提出异议" in published and "民警考核结果 2010-Q2 湖滨派出所 第1版" in published
    assert "异议应在 2010-06-22 至 2010-06-24 提出,2010-06-25 不在其内" in fails(
        "object", "2010-Q2", "1003", "--text", "漏计破案", "--date", "2010-06-25")
    assert "已登记第" in run("object", "2010-Q2", "1003", "--text", "5月破获盗窃案1起漏登", "--date", "2010-06-23", "--actor", "王芳")
    number = json.loads(run("objections", "2010-Q2", "--json"))["objections"][0]["id"]
    assert "还有 1 件异议未决定" in fails("file", "2010-Q2", "--unit", "湖滨派出所", "--date", "2010-06-25")
    assert "驳回的异议不更正得分" in fails("decide", "2010-Q2", str(number), "--dismiss", "--points", "2", "--reason", "x")
    out = run("decide", "2010-Q2", str(number), "--uphold", "--points", "2", "--reason", "经核实漏登,补计", "--actor", "湖滨所长")
    assert "已采纳(更正 +2 分)" in out
    # the decision changes the published results: 第2版, with what changed (1003 3rd → 2nd, 1002 2nd → 3rd)
    assert "已生成民警考核结果 2010-Q2 湖滨派出所 第2版" in out and "王芳(1003):个人得分 141.25 → 143.25(+2),单位内名次 3 → 2" in out
    assert "李强(1002):单位内名次 2 → 3" in out
    assert "已于此前采纳" in fails("decide", "2010-Q2", str(number), "--dismiss", "--reason", "再议")
    js = json.loads(run("scores", "2010-Q2", "--unit", "湖滨派出所", "--json"))
    by = {o["officer"]: o for o in js["officers"]}
    assert (by["1003"]["score"], by["1003"]["unit_rank"], by["1002"]["unit_rank"]) == ("143.25", 2, 3)
    tree = run("scores", "2010-Q2", "--officer", "1003")
    assert "异议更正 2:第" in tree and "单位决定采纳:经核实漏登,补计" in tree
    assert "2010-06-25 起才能报考核办备案" in fails("file", "2010-Q2", "--unit", "湖滨派出所", "--date", "2010-06-24")
    filed = run("file", "2010-Q2", "--unit", "湖滨派出所", "--date", "2010-06-25", "--actor", "湖滨所长")
    assert "已报考核办备案(17人,民警考核结果 2010-Q2 湖滨派出所 第3版" in filed
    assert "已报考核办备案" in fails("publish", "2010-Q2", "--unit", "湖滨派出所")
    with Store(str(tmp_path / "kaohe.sqlite")) as store:
        acts = [(r["action"], r["actor"]) for r in store.audit(period="2010-Q2") if r["action"].startswith("officers:")]
        assert acts == [("officers:内部公布", "湖滨所长"), ("officers:版本", "湖滨所长"), ("officers:民警异议", "王芳"),
                        ("officers:异议决定", "湖滨所长"), ("officers:版本", "湖滨所长"), ("officers:报考核办备案", "湖滨所长"),
                        ("officers:版本", "湖滨所长")]
        bureau = Ctx(str(config)).bureau
        assert staleness(store, bureau, Q2) is None


def test_readme_lists_every_column() -> None:
    """The plugin's README lists the columns of every file it reads, as files.py declares them."""
    from kaohe.contract.adapters import TYPE_NAMES
    from kaohe.plugins.officers import files

    files_of = [("`roster` 民警名单", files.ROSTER_COLUMNS), ("`roles_file` 民警身份", files.ROLE_COLUMNS),
                ("`leave_file` 请假登记", files.LEAVE_COLUMNS), ("`records_file` 民警考核登记", files.RECORD_COLUMNS),
                ("`lists_file` 考核系数名单报送登记", files.LIST_COLUMNS)]
    def kind(c: Any) -> str:
        return TYPE_NAMES[c.type].split("(")[0]  # 日期(如 2015-04-03) → 日期

    def named(c: Any) -> str:
        return c.name + ("(" + "、".join(c.aliases) + ")" if c.aliases else "")

    rows = [f"| {f} | {named(c)} | {'是' if c.required else '否'} | {kind(c)} |" for f, cols in files_of for c in cols]
    readme = (Path(files.__file__).parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- kaohe:officers-files -->\n")[1].split("<!-- /kaohe:officers-files -->")[0]
    assert block.splitlines()[2:] == rows


def test_the_officers_editions_frozen_and_verified(stored: Path, tmp_path: Path) -> None:
    """Issue 21 point 4, "the same editions and audit trail as for units": 湖滨派出所's officer results published
    inside the unit are 第1版 (王芳 1003: 113 × 1.25 = 141.25, 3rd of the unit; 李强 1002: 142.25, 2nd); her objection
    upheld with +2 makes 第2版 (143.25, 2nd; 李强 3rd), filing 第3版 (the same scores, the objection's decision in it).
    Each edition's files (edition.json, the payroll workbook) are checked by kaohe verify; a file changed afterwards
    is reported for its own edition only, 第1版 still verified; kaohe editions lists all three."""
    from inprocess import kaohe as run_kaohe
    from kaohe.office.plugin_editions import editions
    from kaohe.store.store import Store

    for f in stored.parent.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    config = tmp_path / "kaohe.toml"

    def run(*args: str) -> str:
        out = CliRunner().invoke(officers, list(args), obj=Ctx(str(config)))
        assert out.exit_code == 0, (out.output, out.exception)
        return out.stdout

    run("publish", "2010-Q2", "--unit", "hubin", "--date", "2010-06-22", "--actor", "湖滨所长")
    run("object", "2010-Q2", "1003", "--text", "5月破获盗窃案1起漏登", "--date", "2010-06-23", "--actor", "王芳")
    number = json.loads(run("objections", "2010-Q2", "--json"))["objections"][0]["id"]
    run("decide", "2010-Q2", str(number), "--uphold", "--points", "2", "--reason", "经核实漏登,补计", "--actor", "湖滨所长")
    run("file", "2010-Q2", "--unit", "hubin", "--date", "2010-06-25", "--actor", "湖滨所长")
    with Store(str(tmp_path / "kaohe.sqlite")) as store:
        found = editions(store, "officers", "2010-Q2", "hubin")
    assert [(e.number, e.stage) for e in found] == [(1, "内部公布"), (2, "异议决定"), (3, "报考核办备案")]
    scores = [{o["officer"]: (o["score"], o["unit_rank"]) for o in e.payload["officers"]} for e in found]
    assert (scores[0]["1003"], scores[0]["1002"]) == (("141.25", 3), ("142.25", 2))
    assert (scores[1]["1003"], scores[1]["1002"]) == (("143.25", 2), ("142.25", 3)) and scores[2] == scores[1]
    assert found[0].payload["objections"] == [] and found[2].payload["objections"][0]["decision"] == "采纳"
    assert found[2].payload["filed"] == {"on": "2010-06-25"} and found[0].payload["publication"] == {"from": "2010-06-22", "until": "2010-06-24"}
    tree = next(o for o in found[1].payload["officers"] if o["officer"] == "1003")["explanation"]
    assert "单位决定采纳:经核实漏登,补计" in json.dumps(tree, ensure_ascii=False)
    folders = [tmp_path / e.directory for e in found]
    assert [f.relative_to(tmp_path).as_posix() for f in folders] == [f"published/2010-Q2/officers/hubin-第{n}版" for n in (1, 2, 3)]
    assert sorted(p.name for p in folders[0].iterdir()) == ["edition.json", "绩效奖金_2010-Q2_湖滨派出所.xlsx"]
    assert hashlib.sha256((folders[1] / "edition.json").read_bytes()).hexdigest() == found[1].digest
    listed = run_kaohe("-c", str(config), "editions", "2010-Q2", cwd=str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    assert all(f"民警考核结果 2010-Q2 湖滨派出所 第{n}版" in listed.stdout for n in (1, 2, 3))
    ok = run_kaohe("-c", str(config), "verify", cwd=str(tmp_path))
    assert ok.returncode == 0 and "完整" in ok.stdout and "3 个版本、6 个已发布文件" in ok.stdout, ok.stdout
    (folders[1] / "edition.json").write_bytes((folders[1] / "edition.json").read_bytes().replace(b"143.25", b"153.25"))
    bad = run_kaohe("-c", str(config), "verify", cwd=str(tmp_path))
    wrong = [ln for ln in bad.stdout.splitlines() if ln.startswith("✗")]
    assert bad.returncode == 1 and wrong == [f"✗ {folders[1] / 'edition.json'} 被改动:与民警考核结果 2010-Q2 湖滨派出所 第2版发布时记下的校验码不符"]
