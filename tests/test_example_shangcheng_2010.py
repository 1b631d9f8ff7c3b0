"""examples/shangcheng-2010: 上城区公安分局 2010 (seed 000 l.14-274) on its synthetic register,
ingested into a real store; the second quarter (2010-03-21 … 2010-06-20) worked out by hand from the
seed's words, and the officer coefficients of 湖滨派出所 through ``kaohe officers``."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from example_helpers import EXAMPLES, Example, make_data
from inprocess import kaohe as run_kaohe
from kaohe.cli.common import Ctx
from kaohe.core.periods import Period
from kaohe.plugins.officers import officers
from kaohe.plugins.officers.coefficients import NO_BUSINESS, OUT_POSTED, OUT_QUARTER, OUT_YEAR, for_period
from kaohe.plugins.officers.files import read_data

HERE = EXAMPLES / "shangcheng-2010"


def cats(unit):  # type: ignore[no-untyped-def]
    return {c.category: c.score for c in unit.categories}


def item(unit, item_id):  # type: ignore[no-untyped-def]
    return next(i for c in unit.categories for i in c.items if i.item == item_id)


@pytest.fixture(scope="module")
def q2(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    ex = Example("shangcheng-2010", tmp_path_factory.mktemp("sc"))
    assert ex.bureau.calendar.range_text(Period.parse("2010-Q2")) == "2010-03-21 至 2010-06-20"  # l.56
    return ex.score("2010-Q2")


def test_first_series_second_quarter_by_hand(q2) -> None:  # type: ignore[no-untyped-def]
    # base 100 = 业务 80 + 队伍建设 10 + 效能督察 10, plus 专项工作 and 机动加分 (l.48); no normalising.
    #
    # 业务工作 (l.74): each key work ranked in the series, middle place of 7 is 4, ±1 per place:
    #   追逃 12, 10, 9, 7, 5, 4, 2 (湖滨 … 站前) → +3, +2, +1, 0, −1, −2, −3
    #   破案 湖滨 20, 小营 25, 望江 20, 南星 18, 紫阳 15, 清波 10, 站前 30 → 站前 1st +3, 小营 2nd +2,
    #        湖滨 and 望江 tie 3rd +1 each, 南星 5th −1, 紫阳 6th −2, 清波 7th −3
    #   可防性案件发案 (fewer is better) 湖滨 30, 小营 40, 望江 50, 南星 20, 紫阳 60, 清波 35, 站前 45 →
    #        南星 +3, 湖滨 +2, 清波 +1, 小营 0, 站前 −1, 望江 −2, 紫阳 −3
    #   targets ±1: 湖滨 +1 − 1 = 0; 小营 +2; 站前 −1
    #   湖滨 80 + 3 + 1 + 2 + 0 = 86; 小营 80 + 2 + 2 + 0 + 2 = 86; 望江 80 + 1 + 1 − 2 = 80;
    #   南星 80 + 0 − 1 + 3 = 82; 紫阳 80 − 1 − 2 − 3 = 74; 清波 80 − 2 − 3 + 1 = 76; 站前 80 − 3 + 3 − 1 − 1 = 78
    # 队伍建设 (附件二): 湖滨 第4条 on 03-21 and 06-20 (the quarter's first and last days) −0.5 × 2, 第3条 −0.5
    #   (its 第3条 of 03-15 is the first quarter's), 抽考达标率 98 % → 2 points below 100 × −1 = −2
    #   → 10 − 1 − 0.5 − 2 = 6.5;
    #   小营: one 黄牌警告 entered as 第10条 (−1) and 第56条 (−2), same event → the highest only, −2;
    #   谈话告诫 −0.5 → 7.5; 清波 第20条 (5-10) entered at −5 → 5
    # 效能督察: 湖滨 着装 −1, 上级督察指正 −2 → 7; 望江 旷工半天 −1, 迟到、早退 −0.5 × 2 → 8; 站前 擅离职守 −2 → 8
    # 专项工作 (l.90): two campaigns, base 5 each plus the leading department's points:
    #   湖滨 5.5 + 5 = 10.5; 紫阳 4 + 5 = 9; 站前 5 + 4.5 = 9.5; the others 10
    # 机动加分: 湖滨 论文省厅获奖 +2, 个人三等功 → unit +1 → 3
    s1 = {u.unit: u for u in q2.series()["S1"]}
    expected = {
        "xiaoying": (86, "7.5", 10, 10, 0, "113.5"),
        "hubin": (86, "6.5", 7, "10.5", 3, 113),
        "nanxing": (82, 10, 10, 10, 0, 112),
        "wangjiang": (80, 10, 8, 10, 0, 108),
        "zhanqian": (78, 10, 8, "9.5", 0, "105.5"),
        "ziyang": (74, 10, 10, 9, 0, 103),
        "qingbo": (76, 5, 10, 10, 0, 101),
    }
    for uid, (yw, dw, xn, zx, jd, total) in expected.items():
        u = s1[uid]
        want = {"yewu": yw, "duiwu": dw, "xiaoneng": xn, "zhuanxiang": zx, "jidong": jd}
        assert cats(u) == {k: Decimal(str(v)) for k, v in want.items()}, uid
        assert u.total == Decimal(str(total)), uid
    assert [u.unit for u in q2.series()["S1"]] == list(expected)
    assert [u.rank for u in q2.series()["S1"]] == [1, 2, 3, 4, 5, 6, 7]


def test_reasons_of_the_second_quarter(q2) -> None:  # type: ignore[no-untyped-def]
    xy, hb = q2.unit("xiaoying"), q2.unit("hubin")
    # the repeated yellow card: −1 shown with 0 points and why
    lines = item(xy, "office.duiwu").lines
    assert [ln.points for ln in lines] == [Decimal("-0.5"), 0, -2]
    assert "同一事项“王某黄牌警告”已按第56条黄牌警告计-2分,重复情况按最高分统计,此条不计分" in lines[1].reason
    # the tie in 破案: 湖滨 and 望江 share 3rd
    pa = [ln.reason for ln in item(hb, "office.zhongdian").lines]
    assert "“破案”完成数20,组内第3名(共7个单位),中间名次4,计+1分" in pa
    assert item(hb, "office.choukao").lines[0].reason == "2010年第2季度为98%,低于目标100% 2 个百分点"
    zx = [ln.reason for ln in item(hb, "office.zhuanxiang").lines]
    assert zx == ["专项工作“禁毒专项行动”:基本分5,本专项考核+0.5分,计5.5分", "专项工作“交通秩序整治”:基本分5,本专项考核+0分,计5分"]


def test_leading_departments_and_other_series(q2) -> None:  # type: ignore[no-untyped-def]
    # 禁毒大队 leads 禁毒专项: the superior ranks the bureau 2nd of 13 → middle 7, (7 − 2) × 0.5 = +2.5;
    #   总评 2nd of 13 → +2; one 通报表彰 +1 → 专项工作 5.5, total 100 + 5.5 = 105.5
    jd = q2.unit("jindu")
    assert cats(jd)["zhuanxiang"] == Decimal("5.5") and jd.total == Decimal("105.5")
    # 巡(特)警大队 leads 交通秩序整治: 11th of 13 → (7 − 11) × 0.5 = −2; 总评 12th of 13 is 倒数第2 → −2;
    #   one 通报批评 −1 → −5, total 95, last of the series
    xt = q2.unit("xunte")
    assert cats(xt)["zhuanxiang"] == -5 and xt.total == 95 and "末位" in xt.flags
    assert "第12名(共13个单位),倒数第2名 -2分" in item(xt, "office.zhuanxiang_zongping").lines[0].reason
    # 刑侦大队: 追逃 ranked among the three 直属单位 reporting it (8, 5, 3): middle 2 → +1; its first-quarter
    #   figure (6, 2010-02-10) does not count. 机动加分: case “4·12” rated 市局 (+1) and 专案组三等功 (+2)
    #   → only the highest, +2 (l.260); case “5·20” 省厅 +3 → 5; its 全市同类第1名 is a year item (Q4)
    #   → 81 + 10 + 10 + 0 + 5 = 106
    xz = q2.unit("xingzhen")
    assert cats(xz)["yewu"] == 81 and cats(xz)["jidong"] == 5 and xz.total == 106
    assert [ln.points for ln in item(xz, "office.jidong_anjian").lines] == [0, 3, 2]
    assert q2.unit("zhian1").total == 99 and q2.unit("jingzhen").total == 100
    # 第三序列: 法制科 信访件未按期报结 −0.5 → 99.5, last
    fz = q2.unit("fazhike")
    assert fz.total == Decimal("99.5") and fz.rank == 7


def test_shipped_files_are_the_generated_ones(tmp_path: Path) -> None:
    module = make_data("shangcheng-2010")
    for f in module.write(tmp_path) + module.write_officers(tmp_path):
        assert f.read_bytes() == (HERE / f.name).read_bytes(), f.name


# --- officer coefficients (l.62-70, l.84-86) -------------------------------------------------------------


def _example_config(tmp_path: Path) -> Path:
    for f in HERE.iterdir():
        if f.suffix in (".toml", ".csv"):
            shutil.copy(f, tmp_path / f.name)
    return tmp_path / "kaohe.toml"


def _bureau():  # type: ignore[no-untyped-def]
    """The example's configuration only (no store)."""
    from kaohe.plugins.discovery import BUILTIN, get_plugin_manager, load_registry
    from kaohe.scheme.config import load_bureau

    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=BUILTIN))
    return load_bureau(HERE / "kaohe.toml", reg)


def test_officer_coefficients_of_hubin_second_quarter() -> None:
    bureau = _bureau()
    data = read_data(bureau.plugin_config["officers"], {n: u.id for u in bureau.units for n in u.names})
    rows = {r.officer: r for r in for_period(bureau.plugin_config["officers"], data, bureau.calendar, Period.parse("2010-Q2")) if r.unit == "hubin"}
    got = {k: (None if r.coefficient is None else str(r.coefficient), r.status) for k, r in rows.items()}
    # 1001 岗位能手 1.35; 1002 师傅级 1.25; 1003 兼职法制员 1.2 + 师傅级 1.25 → 1.25; 1004 徒弟级 0.9;
    # 1005 徒弟级 + 骨干培养 → 1; 1006 joined 2009-12-01 (6 months) → 0.85; 1007 徒弟级 + new → 0.9;
    # 1008 病假 04-01 … 05-04 = 34 days → out; 1009 事假 04-01 … 04-30 = 30 days → out (以上 includes 30);
    # 1010 29 days → 1; 1011 transferred from 小营 on 04-15 → no 业务工作, 1; 1012 joined 05-10 → no 业务工作, 0.85;
    # 1013 病假 from 01-05: 92 days in Q2 → out of the quarter (year to date 167 < 180);
    # 1014 岗位能手 ended 05-31 → 1; 1015 外派 → not assessed; 1016 徒弟级 + 部队转业干部 (joined 02-01, not a
    # 见习期新民警 either) → 1; 1017 40 days of 年休假 (not 病事假) → 1
    assert got == {
        "1001": ("1.35", "参加考核"), "1002": ("1.25", "参加考核"), "1003": ("1.25", "参加考核"),
        "1004": ("0.9", "参加考核"), "1005": ("1", "参加考核"), "1006": ("0.85", "参加考核"),
        "1007": ("0.9", "参加考核"), "1008": (None, OUT_QUARTER), "1009": (None, OUT_QUARTER),
        "1010": ("1", "参加考核"), "1011": ("1", NO_BUSINESS), "1012": ("0.85", NO_BUSINESS),
        "1013": (None, OUT_QUARTER), "1014": ("1", "参加考核"), "1015": (None, OUT_POSTED),
        "1016": ("1", "参加考核"), "1017": ("1", "参加考核"),
    }
    assert rows["1008"].reason == "本季度累计病假、事假34天,在30天以上(含30天),当季不参加考核"
    assert rows["1016"].reason == "徒弟级(部队转业干部,除外)、见习期新民警(部队转业干部,除外),按一般民警 1"
    # the year: 1013's 187 days (75 + 92 + 20) take it out of all four quarters
    year = [r for r in for_period(bureau.plugin_config["officers"], data, bureau.calendar, Period.parse("2010")) if r.officer == "1013"]
    assert [(r.period, r.status) for r in year] == [(f"2010-Q{i}", OUT_YEAR) for i in range(1, 5)]


def test_officers_command(tmp_path: Path) -> None:
    config = _example_config(tmp_path)
    runner = CliRunner()
    out = runner.invoke(officers, ["2010-Q2", "--unit", "湖滨派出所"], obj=Ctx(str(config)))
    assert out.exit_code == 0, out.output
    # mean over the 13 officers with a coefficient:
    # 1.35 + 1.25 + 1.25 + 0.9 + 1 + 0.85 + 0.9 + 1 + 1 + 0.85 + 1 + 1 + 1 = 13.35; 13.35 / 13 = 1.0269… → 1.03
    assert "湖滨派出所  平均考核系数 1.03(13人参加考核)" in out.output
    assert "兼职法制员 1.2、师傅级 1.25,多项适用取最高:师傅级 1.25" in out.output
    assert "刑侦大队" not in out.output
    csv_out = runner.invoke(officers, ["2010-Q2", "--csv"], obj=Ctx(str(config)))
    rows = list(csv.DictReader(csv_out.output.lstrip("\ufeff").splitlines()))
    by_id = {r["警号"]: r for r in rows}
    assert by_id["2001"]["考核系数"] == "1.35" and by_id["2001"]["单位"] == "刑侦大队"
    assert by_id["1009"]["考核系数"] == "" and by_id["1009"]["本季度病事假天数"] == "30"
    js = json.loads(runner.invoke(officers, ["2010", "--json"], obj=Ctx(str(config))).output)
    assert js["period"] == "2010"
    q1_1011 = next(o for o in js["officers"] if o["officer"] == "1011" and o["period"] == "2010-Q1")
    assert q1_1011["unit_name"] == "小营派出所" and q1_1011["coefficient"] == "1"
    assert {"unit": "hubin", "unit_name": "湖滨派出所", "period": "2010-Q2", "mean": "1.03", "officers": 13} in js["units"]


def test_officers_command_errors(tmp_path: Path) -> None:
    config = _example_config(tmp_path)
    runner = CliRunner()
    month = runner.invoke(officers, ["2010-04"], obj=Ctx(str(config)))
    assert month.exit_code != 0 and "季度" in str(month.exception)
    bad = runner.invoke(officers, ["2010-Q2", "--unit", "西湖所"], obj=Ctx(str(config)))
    assert "没有单位 “西湖所”" in str(bad.exception)
    (tmp_path / "请假登记_2010.csv").write_text("警号,假别,起始日期,终止日期\n1008,病假,2010-04-01,四月\n", encoding="utf-8")
    broken = runner.invoke(officers, ["2010-Q2"], obj=Ctx(str(config)))
    assert "请假登记_2010.csv 第2行 “终止日期”列" in str(broken.exception)
    text = config.read_text(encoding="utf-8")
    config.write_text(text[: text.index("[officers]")], encoding="utf-8")
    none = runner.invoke(officers, ["2010-Q2"], obj=Ctx(str(config)))
    assert "没有 [officers] 配置" in str(none.exception)


def test_officer_settings_of_the_example() -> None:
    s = _bureau().plugin_config.get("officers")
    assert s is not None
    assert {k: str(v.coefficient) for k, v in s.roles.items()} == {
        "岗位能手": "1.35", "师傅级": "1.25", "兼职法制员": "1.2", "徒弟级": "0.9", "不具备独立工作能力": "0.85",
    }
    assert s.new_officer is not None and str(s.new_officer.coefficient) == "0.85"
    assert (s.quarter_leave_days, s.year_leave_days, s.inclusive) == (30, 180, True)
    assert attrs.asdict(s)["leave_types"] == ("病假", "事假")


def test_kaohe_officers_as_a_user_runs_it(tmp_path: Path) -> None:
    import subprocess

    config = _example_config(tmp_path)

    def kaohe(*args: str) -> subprocess.CompletedProcess[str]:
        return run_kaohe("-c", str(config), *args)

    assert "officers" in kaohe("--help").stdout
    helped = kaohe("officers", "--help")
    assert helped.returncode == 0 and "民警考核系数" in helped.stdout
    out = kaohe("officers", "2010-Q2", "--unit", "刑侦大队")
    assert out.returncode == 0, out.stderr
    # 2001 岗位能手 1.35, 2002 一般民警 1 → (1.35 + 1) / 2 = 1.175 → 1.18
    assert "刑侦大队  平均考核系数 1.18(2人参加考核)" in out.stdout
    wrong = kaohe("officers", "2010-04")
    assert wrong.returncode == 2 and wrong.stderr.strip().startswith("错误:民警考核系数按季度计算")
    assert len(wrong.stderr.strip().splitlines()) == 1


def test_a_tongzhidan_adjusts_the_quarter_and_reorders_it(tmp_path: Path) -> None:
    """l.92: the office's 通知单, approved by the 考核领导小组, "在当季考核中 … 加减分": +2.5 for 紫阳
    (103 in the hand-worked quarter above) makes 105.5, level with 站前 (105.5) in 5th place; −1 for
    南星 (112) makes 111, still 3rd."""
    ex = Example("shangcheng-2010", tmp_path)
    ex.store.add_adjustment("2010-Q2", "ziyang", Decimal("2.5"), "倒查发现协助破获重大案件", "考核领导小组")
    ex.store.add_adjustment("2010-Q2", "nanxing", Decimal(-1), "倒查发现值班记录缺失", "考核领导小组")
    s1 = {u.unit: u for u in ex.score("2010-Q2").series()["S1"]}
    assert (s1["ziyang"].total, s1["ziyang"].rank) == (Decimal("105.5"), 5)
    assert (s1["zhanqian"].total, s1["zhanqian"].rank) == (Decimal("105.5"), 5)
    assert (s1["nanxing"].total, s1["nanxing"].rank) == (Decimal(111), 3)
    assert s1["ziyang"].adjustments[0].reason == "通知单第1号:倒查发现协助破获重大案件(批准:考核领导小组)"
