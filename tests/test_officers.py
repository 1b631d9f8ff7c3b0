"""民警考核系数 (二级考核, seed 000 l.62-70, l.84-86): kaohe.plugins.officers on hand-built data, its
configuration block [officers] and the readers of the units' files. Each test quotes the sentence
and works the value out from it. Quarters are those of a bureau whose month ends on the 20th:
2010-Q2 is 2010-03-21 … 2010-06-20 (l.56)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from kaohe.core.errors import ConfigError, KaoheError
from kaohe.core.periods import Calendar, Period
from kaohe.plugins import officers as officers_plugin
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.plugins.officers.coefficients import (
    ASSESSED,
    NO_BUSINESS,
    OUT_POSTED,
    OUT_QUARTER,
    OUT_YEAR,
    Leave,
    Officer,
    OfficerData,
    Role,
    coefficient,
    for_period,
    leave_days,
    unit_means,
)
from kaohe.plugins.officers.files import read_data
from kaohe.plugins.officers.settings import parse_settings

CAL = Calendar(20)
Q2 = Period.parse("2010-Q2")
SEED = {
    "roles": {
        "岗位能手": 1.35, "师傅级": 1.25, "兼职法制员": 1.2,
        "徒弟级": {"coefficient": 0.9, "unless": ["骨干培养", "转岗民警", "部队转业干部"]},
        "不具备独立工作能力": 0.85,
    },
    "statuses": ["骨干培养", "转岗民警"],
    "posted_roles": ["外派管委会、指挥部"],
    "new_officer": {"name": "见习期新民警", "coefficient": 0.85, "unless": ["部队转业干部"]},
}
SETTINGS = parse_settings(SEED, "kaohe.toml", Path("."))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def officer(oid: str, joined: str = "2000-07-01", unit: str = "hubin", arrived: str | None = None, left: str | None = None) -> Officer:
    return Officer(oid, f"民警{oid}", unit, d(joined), d(arrived) if arrived else None, d(left) if left else None)


def one(data: OfficerData, period: Period = Q2, settings=SETTINGS):  # type: ignore[no-untyped-def]
    rows = for_period(settings, data, CAL, period)
    assert len(rows) == 1
    return rows[0]


# --- the coefficient of each role and of several ------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "value"),
    [("岗位能手", "1.35"), ("师傅级", "1.25"), ("兼职法制员", "1.2"), ("徒弟级", "0.9"), ("不具备独立工作能力", "0.85")],
)
def test_each_role(role: str, value: str) -> None:
    # l.66 "分局确认或聘任的岗位能手(1.35);“星火工程”中的“师傅级”民警(1.25);分局确认或聘任的兼职法制员(1.2)
    # … “徒弟级”民警(0.9) … 不具备独立工作能力的民警(0.85)"
    row = one(OfficerData((officer("1"),), (Role("1", role, d("2009-01-01")),)))
    assert row.coefficient == Decimal(value) and row.status == ASSESSED
    assert row.reason == f"{role} {value}"


def test_default_is_one() -> None:
    # l.64 "正常开展工作的民警 … 一般考核系数为1"
    row = one(OfficerData((officer("1"),)))
    assert row.coefficient == 1 and row.reason == "一般民警 1"


def test_highest_of_several() -> None:
    # l.66 "出现两种以上身份类型的民警按最高一种考核系数计算": 兼职法制员 1.2 and 师傅级 1.25 → 1.25;
    # 徒弟级 0.9 and 见习期新民警 0.85 → 0.9 (never the default 1: the default is no 身份类型)
    k, why = coefficient(SETTINGS, ["兼职法制员", "师傅级"])
    assert k == Decimal("1.25") and why == "兼职法制员 1.2、师傅级 1.25,多项适用取最高:师傅级 1.25"
    k, _ = coefficient(SETTINGS, ["徒弟级", "见习期新民警"])
    assert k == Decimal("0.9")


@pytest.mark.parametrize("exception", ["骨干培养", "转岗民警", "部队转业干部"])
def test_apprentice_exceptions(exception: str) -> None:
    # l.66 "“星火工程”中的“徒弟级”民警(0.9)(作为骨干培养的民警和转岗民警以及部队转业干部除外)": 1, not 0.9
    k, why = coefficient(SETTINGS, ["徒弟级", exception])
    assert k == 1 and why == f"徒弟级({exception},除外),按一般民警 1"
    # an exception takes away 徒弟级 only: 徒弟级 + 转岗民警 + 兼职法制员 → 1.2
    k, why = coefficient(SETTINGS, ["徒弟级", exception, "兼职法制员"])
    assert k == Decimal("1.2") and why.startswith(f"徒弟级({exception},除外);兼职法制员 1.2")


def test_roles_are_dated() -> None:
    # a 岗位能手 until 2010-05-31: on the quarter's last day (06-20) no longer → 1; in Q1 (ending 03-20) → 1.35
    data = OfficerData((officer("1"),), (Role("1", "岗位能手", d("2009-06-01"), d("2010-05-31")),))
    assert one(data).coefficient == 1
    assert one(data, Period.parse("2010-Q1")).coefficient == Decimal("1.35")
    # status_on = "start": held on 03-21 → 1.35 in Q2
    start = parse_settings({**SEED, "status_on": "start"}, "kaohe.toml", Path("."))
    assert one(data, settings=start).coefficient == Decimal("1.35")


# --- new officers ----------------------------------------------------------------------------------------


def test_new_officer_under_one_year() -> None:
    # l.66 "工作不满1年的见习期新民警 … (0.85)": joined 2009-12-01; on 2010-06-20 six months → 0.85;
    # on 2010-09-20 nine months → 0.85; on 2010-12-20 twelve months → no longer new → 1
    data = OfficerData((officer("1", joined="2009-12-01"),))
    assert one(data).coefficient == Decimal("0.85") and one(data).reason == "见习期新民警 0.85"
    assert one(data, Period.parse("2010-Q3")).coefficient == Decimal("0.85")
    assert one(data, Period.parse("2010-Q4")).coefficient == 1
    # a demobilised officer (部队转业干部) is not a 见习期新民警 (l.86 names them apart) → 1
    army = OfficerData((officer("2", joined="2009-12-01"),), (Role("2", "部队转业干部", d("2009-12-01")),))
    assert one(army).coefficient == 1


def test_first_quarter_of_a_new_officer() -> None:
    # l.86 "见习期民警、新任军转干部民警在到本岗位工作1个季度内 … 不参加业务工作考核,第二个季度开始正式参加全面考核
    # … 以上民警若违反队伍建设规章制度,按规定考核": joined 2010-05-10 (in Q2) → Q2 not in the 业务工作 assessment,
    # still assessed on 队伍建设, with the new officer's 0.85; Q3 → fully assessed
    data = OfficerData((officer("1", joined="2010-05-10"),))
    row = one(data)
    assert row.status == NO_BUSINESS and row.coefficient == Decimal("0.85")
    assert row.reason.startswith("2010-05-10入警,到岗第一个季度不参加业务工作考核(队伍建设照常考核)")
    assert one(data, Period.parse("2010-Q3")).status == ASSESSED
    # not listed in a quarter before joining
    assert for_period(SETTINGS, data, CAL, Period.parse("2010-Q1")) == []


def test_first_quarter_after_a_transfer() -> None:
    # l.86 "新调动单位民警在调动的该考核季度内,不参加业务工作考核": 小营 until 04-14, 湖滨 from 04-15 →
    # Q2: listed in 湖滨, not in the 业务工作 assessment; Q1: in 小营, assessed; Q3: in 湖滨, assessed
    data = OfficerData((
        officer("1", unit="xiaoying", left="2010-04-14"),
        officer("1", unit="hubin", arrived="2010-04-15"),
    ))
    row = one(data)
    assert (row.unit, row.status, row.coefficient) == ("hubin", NO_BUSINESS, 1)
    assert "2010-04-15调入本单位,调动的考核季度不参加业务工作考核" in row.reason
    q1 = one(data, Period.parse("2010-Q1"))
    assert (q1.unit, q1.status) == ("xiaoying", ASSESSED)
    assert one(data, Period.parse("2010-Q3")).status == ASSESSED


# --- leave -------------------------------------------------------------------------------------------------


def test_leave_days_in_the_quarter() -> None:
    # 04-01 … 05-04: April 30 + May 4 = 34 days; a day covered twice counts once; only 病假 and 事假
    leave = [Leave("1", "病假", d("2010-04-01"), d("2010-05-04")), Leave("1", "事假", d("2010-05-01"), d("2010-05-02")),
             Leave("1", "年休假", d("2010-06-01"), d("2010-06-10"))]
    assert leave_days(leave, "1", ("病假", "事假"), CAL.start(Q2), CAL.end(Q2)) == 34


def test_more_than_a_month_of_leave_in_the_quarter() -> None:
    # l.84 "季度内累计病(事)假在一个月(30天)以上的,当季不参加考核"
    # 34 days → out of Q2; 30 days → out ("以上" includes 30: docs/readings.md); 29 days → assessed
    for days, status in ((34, OUT_QUARTER), (30, OUT_QUARTER), (29, ASSESSED)):
        end = d("2010-04-01") + dt.timedelta(days=days - 1)
        row = one(OfficerData((officer("1"),), (), (Leave("1", "事假", d("2010-04-01"), end),)))
        assert row.status == status and row.leave_days == days
    row = one(OfficerData((officer("1"),), (), (Leave("1", "病假", d("2010-04-01"), d("2010-05-04")),)))
    assert row.coefficient is None
    assert row.reason == "本季度累计病假、事假34天,在30天以上(含30天),当季不参加考核"
    # inclusive = false: 30 days is not more than 30 → assessed
    strict = parse_settings({**SEED, "inclusive": False}, "kaohe.toml", Path("."))
    exactly = OfficerData((officer("1"),), (), (Leave("1", "事假", d("2010-04-01"), d("2010-04-30")),))
    assert one(exactly, settings=strict).status == ASSESSED
    # 40 days of 年休假 do not count (only 病(事)假)
    annual = OfficerData((officer("1"),), (), (Leave("1", "年休假", d("2010-04-06"), d("2010-05-15")),))
    assert one(annual).status == ASSESSED


def test_more_than_six_months_of_leave_in_the_year() -> None:
    # l.84 "全年病(事)假累计在6个月以上的,全年不参加考核" (6 months read as 180 days)
    # 病假 2010-01-05 … 07-10: Q1 (12-21 … 03-20) 27 + 28 + 20 = 75; Q2 11 + 30 + 31 + 20 = 92; Q3 (06-21 …) 10 + 10 = 20
    # → year 187 ≥ 180. Quarter views count the year up to the quarter's end: Q2 75 + 92 = 167 < 180, out of Q2 for
    # its own 92 days; Q3 187 → 全年不参加考核. The year view applies it to every quarter.
    data = OfficerData((officer("1"),), (), (Leave("1", "病假", d("2010-01-05"), d("2010-07-10")),))
    q2 = one(data)
    assert (q2.status, q2.leave_days, q2.year_leave_days) == (OUT_QUARTER, 92, 167)
    q3 = one(data, Period.parse("2010-Q3"))
    assert (q3.status, q3.leave_days, q3.year_leave_days) == (OUT_YEAR, 20, 187)
    assert q3.reason == "本年度累计病假、事假187天,在180天以上(含180天),全年不参加考核"
    year = for_period(SETTINGS, data, CAL, Period.parse("2010"))
    assert [(r.period, r.status, r.coefficient) for r in year] == [(f"2010-Q{i}", OUT_YEAR, None) for i in range(1, 5)]
    # 179 days in the year: never out for the year (Q1's 75 and Q3's 12 days only for their quarters)
    short = OfficerData((officer("1"),), (), (Leave("1", "病假", d("2010-01-05"), d("2010-07-02")),))
    assert {r.status for r in for_period(SETTINGS, short, CAL, Period.parse("2010"))} == {OUT_QUARTER, ASSESSED}


def test_posted_officers_are_not_assessed() -> None:
    # l.86 "分局外派各管委会、指挥部工作民警,不参加考核"
    row = one(OfficerData((officer("1"),), (Role("1", "外派管委会、指挥部"), Role("1", "岗位能手"))))
    assert (row.status, row.coefficient, row.reason) == (OUT_POSTED, None, "外派管委会、指挥部,不参加考核")


def test_unit_mean() -> None:
    # l.62 "每个单位内部民警的考核系数分配总体上要基本持平": 1.35, 0.9 and 0.85 → 3.1 / 3 = 1.033… → 1.03;
    # an officer out of the quarter does not count
    data = OfficerData(
        tuple(officer(i) for i in "1234"),
        (Role("1", "岗位能手"), Role("2", "徒弟级"), Role("3", "不具备独立工作能力")),
        (Leave("4", "病假", d("2010-04-01"), d("2010-06-01")),),
    )
    assert unit_means(for_period(SETTINGS, data, CAL, Q2)) == {("hubin", "2010-Q2"): (Decimal("1.03"), 3)}


def test_period_must_be_a_quarter_or_a_year() -> None:
    with pytest.raises(KaoheError, match="季度"):
        for_period(SETTINGS, OfficerData(()), CAL, Period.parse("2010-04"))


# --- configuration -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "key", "words"),
    [
        ({"roles": {"岗位能手": "高"}}, "officers.roles.岗位能手", "考核系数"),
        ({"roles": {"岗位能手": -1}}, "officers.roles.岗位能手", "大于0"),
        ({"roles": {"徒弟级": {"coefficient": 0.9, "unles": []}}}, "officers.roles.徒弟级.unles", "unless"),
        ({"roles": {"徒弟级": {"unless": []}}}, "officers.roles.徒弟级.coefficient", "缺少"),
        ({"roles": {"徒弟级": {"coefficient": 0.9, "unless": "骨干培养"}}}, "officers.roles.徒弟级.unless", "数组"),
        ({"quarter_leave_days": 0}, "officers.quarter_leave_days", "正整数"),
        ({"year_leave_days": "半年"}, "officers.year_leave_days", "正整数"),
        ({"status_on": "middle"}, "officers.status_on", "end / start"),
        ({"inclusive": "是"}, "officers.inclusive", "true/false"),
        ({"roster": 3}, "officers.roster", "文件名"),
        ({"new_officer": {"name": "见习期新民警"}}, "officers.new_officer.coefficient", "缺少"),
        ({"rolse": {}}, "officers.rolse", "未知的配置项"),
    ],
)
def test_config_errors_name_file_and_key(table: dict, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings(table, "上城.toml", Path("."))
    assert info.value.file == "上城.toml" and info.value.key == key and words in info.value.expected


def test_config_block_in_a_bureau() -> None:
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("officers", officers_plugin)]))
    data = {
        "bureau": {"name": "测试局"},
        "series": [{"id": "S1", "name": "第一序列"}],
        "categories": [{"id": "yewu", "name": "业务工作", "weight": 80}],
        "units": [{"id": "hubin", "name": "湖滨派出所", "series": "S1"}],
        "officers": {**SEED, "roster": "民警名单.csv"},
    }
    b = parse_bureau(data, reg, "上城.toml", Path("/data"))
    settings = b.plugin_config.get("officers")
    assert settings is not None and settings.roster == Path("/data/民警名单.csv")
    assert settings.roles["徒弟级"].unless == ("骨干培养", "转岗民警", "部队转业干部")
    with pytest.raises(ConfigError, match=r"上城.toml: 配置项 officers.default"):
        parse_bureau({**data, "officers": {"default": 0}}, reg, "上城.toml")
    assert parse_bureau({k: v for k, v in data.items() if k != "officers"}, reg).plugin_config.get("officers") is None


# --- the units' files ----------------------------------------------------------------------------------------


def _files(tmp_path: Path, roster: str, roles: str = "警号,身份\n", leave: str = "警号,假别,起始日期,终止日期\n"):  # type: ignore[no-untyped-def]
    (tmp_path / "名单.csv").write_text(roster, encoding="utf-8")
    (tmp_path / "身份.csv").write_text(roles, encoding="utf-8")
    (tmp_path / "请假.csv").write_text(leave, encoding="utf-8")
    return parse_settings({**SEED, "roster": "名单.csv", "roles_file": "身份.csv", "leave_file": "请假.csv"}, "k.toml", tmp_path)


UNITS = {"湖滨派出所": "hubin", "hubin": "hubin", "湖滨所": "hubin"}
GOOD = "警号,姓名,单位,入警日期\n1001,张伟,湖滨所,2001-07-01\n"


def test_reads_the_files(tmp_path: Path) -> None:
    s = _files(tmp_path, GOOD, "警号,身份,起始日期\n1001,岗位能手,2009-01-01\n", "警号,假别,起始日期,终止日期\n1001,病假,2010/4/1,2010年5月4日\n")
    data = read_data(s, UNITS)
    assert data.officers == (Officer("1001", "张伟", "hubin", d("2001-07-01")),)
    assert data.roles == (Role("1001", "岗位能手", d("2009-01-01")),)
    assert data.leave == (Leave("1001", "病假", d("2010-04-01"), d("2010-05-04")),)


@pytest.mark.parametrize(
    ("roster", "roles", "leave", "message"),
    [
        ("警号,姓名,单位\n1,张,湖滨所\n", None, None, "名单.csv 第1行(表头):缺少“入警日期”列"),
        ("警号,姓名,单位,入警日期\n1001,张伟,湖滨所,七月\n", None, None, "名单.csv 第2行 “入警日期”列:应为日期"),
        ("警号,姓名,单位,入警日期\n1001,张伟,西湖所,2001-07-01\n", None, None, "名单.csv 第2行 “单位”列:“西湖所”不是本局的考核单位"),
        ("警号,姓名,单位,入警日期\n1001,张伟,湖滨所,2001-07-01\n1001,张伟,湖滨所,2001-07-01\n", None, None, "名单.csv 第3行 “警号”列:1001 在本单位的时间与另一行重叠"),
        (GOOD, "警号,身份\n1001,岗位高手\n", None, "身份.csv 第2行 “身份”列:“岗位高手”不是本局配置的身份"),
        (GOOD, "警号,身份\n9999,岗位能手\n", None, "身份.csv 第2行 “警号”列:9999 不在民警名单"),
        (GOOD, None, "警号,假别,起始日期,终止日期\n1001,病 假,2010-04-01,2010-04-02\n", "请假.csv 第2行 “假别”列:“病 假”应为 病假、事假"),
        (GOOD, None, "警号,假别,起始日期,终止日期\n1001,病假,2010-04-03,2010-04-02\n", "请假.csv 第2行 “终止日期”列:2010-04-02 早于起始日期"),
        (GOOD, None, "警号,假别,起始日期,终止日期\n1001,病假,2010-04-03,\n", "请假.csv 第2行 “终止日期”列:不能为空"),
    ],
)
def test_file_errors_name_file_row_and_column(tmp_path: Path, roster: str, roles: str | None, leave: str | None, message: str) -> None:
    s = _files(tmp_path, roster, roles or "警号,身份\n", leave or "警号,假别,起始日期,终止日期\n")
    with pytest.raises(KaoheError) as info:
        read_data(s, UNITS)
    assert message in str(info.value)


def test_missing_file_and_missing_roster(tmp_path: Path) -> None:
    s = parse_settings({**SEED, "roster": "没有.csv"}, "k.toml", tmp_path)
    with pytest.raises(KaoheError, match="找不到文件"):
        read_data(s, UNITS)
    with pytest.raises(KaoheError, match="roster"):
        read_data(SETTINGS, UNITS)


def test_reads_every_sheet_of_a_workbook(tmp_path: Path) -> None:
    """A roster kept one sheet per unit (or a sheet of notes before the list) is read whole: every
    sheet whose header holds the columns, not only the first."""
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["每个单位一个工作表;入警日期写成 2001-07-01"])
    first = wb.create_sheet("湖滨所")
    first.append(["警号", "姓名", "单位", "入警日期"])
    first.append(["1001", "张伟", "湖滨所", "2001-07-01"])
    second = wb.create_sheet("湖滨所(续)")
    second.append(["名单续表"])  # the first non-empty row is the header: this sheet is a note
    third = wb.create_sheet("调入民警")
    third.append(["警号", "姓名", "单位", "参加工作日期", "调入本单位日期"])
    third.append(["1002", "李娜", "湖滨派出所", "2005-09-01", "2009-03-01"])
    wb.save(tmp_path / "名单.xlsx")
    s = parse_settings({**SEED, "roster": "名单.xlsx"}, "k.toml", tmp_path)
    data = read_data(s, UNITS)
    assert data.officers == (
        Officer("1001", "张伟", "hubin", d("2001-07-01")),
        Officer("1002", "李娜", "hubin", d("2005-09-01"), d("2009-03-01")),
    )
    third.append(["1003", "王强", "湖滨所", "九月"])
    wb.save(tmp_path / "名单.xlsx")
    with pytest.raises(KaoheError) as info:
        read_data(s, UNITS)
    assert "名单.xlsx 工作表“调入民警” 第3行 “入警日期”列:应为日期" in str(info.value)
    del wb["湖滨所"], wb["调入民警"]
    wb.save(tmp_path / "名单.xlsx")
    with pytest.raises(KaoheError) as info:
        read_data(s, UNITS)
    assert "名单.xlsx 工作表“填表说明” 第1行(表头):缺少“警号”列" in str(info.value)


@pytest.mark.parametrize("table", [{"default": "nan"}, {"roles": {"岗位能手": "nan"}}, {"new_officer": {"coefficient": "nan"}}])
def test_a_coefficient_that_is_no_number_is_refused_in_one_line(table: dict) -> None:
    """``default = "nan"`` was compared with 0 and raised decimal.InvalidOperation (a traceback)."""
    with pytest.raises(ConfigError) as info:
        parse_settings(table, "上城.toml", Path("."))
    assert info.value.expected == "应为大于0的数字(考核系数),得到 'nan'"
