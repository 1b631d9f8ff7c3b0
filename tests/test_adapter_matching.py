"""Which adapter takes a file (issue #19 point 2), and which sheets of a workbook are read (#19
point 5, #23 point 7): the bundled 消防 and 出入境 plugins, real XLSX files, a real SQLite store."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import kaohe_churujing
import kaohe_xiaofang
import openpyxl
import pytest
from intake_helpers import DISPATCH_HEADERS, write_xlsx
from intake_helpers import bureau as small_bureau
from inprocess import kaohe as run_kaohe
from intake_helpers import registry as small_registry
from kaohe.core.errors import KaoheError
from kaohe.core.periods import Period
from kaohe.intake.reader import HEADER_SCAN_ROWS, read_export
from kaohe.office.ingest import ingest
from kaohe.office.jobs import score_period
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store

TODAY = dt.date(2016, 1, 1)

# 出入境管理月度数据 (churujing.monthly): 金城 reports 2 常驻境外人员漏登 in April 2015
MONTHLY_HEADERS = ["统计截止日期", "派出所", "常驻境外人员漏登人次", "租房境外人员户数", "签订保证书户数"]
MONTHLY_ROWS = [[dt.date(2015, 4, 20), "金城派出所", 2, 4, 4]]
# 消防监督系统执法文书 (xiaofang.enforcement) with 文书类型 misspelt 文书种类: its 派出所 and 日期
# are all that 出入境's monthly adapter requires (日期 is an alias of 统计截止日期)
FIRE_HEADERS = ["文书编号", "派出所", "日期", "文书类型", "罚款金额"]
MISSPELT = ["文书编号", "派出所", "日期", "文书种类", "罚款金额"]
FIRE_ROWS = [["XF2015001", "金城派出所", dt.date(2015, 4, 20), "当场处罚", 500]]


def registry():
    pm = get_plugin_manager(load_entrypoints=False, plugins=[("xiaofang", kaohe_xiaofang), ("churujing", kaohe_churujing)])
    reg = load_registry(pm)
    assert not reg.errors, reg.errors
    return reg


def bureau(reg, **items):
    return parse_bureau(
        {
            "bureau": {"name": "测试局", "cutoff_day": 20},
            "series": [{"id": "A"}],
            "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
            "units": [{"id": "jincheng", "name": "金城派出所", "series": "A", "class": "A", "headcount": 40}],
            "items": items or {"enable": ["*"]},
        },
        reg,
        "test.toml",
    )


def sheet_file(path, *sheets):
    """A workbook of (sheet name, header or None, rows) sheets, each with a title row when it has a
    header."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(name)
        if headers is not None:
            ws.append([f"{name} 导出"])
            ws.append(headers)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


@pytest.fixture
def reg():
    return registry()


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "kaohe.sqlite") as s:
        yield s


def points(store, b, reg, item):
    res = score_period(store, b, reg, Period.parse("2015-04"), save=False)
    for cat in res.unit("jincheng").categories:
        for it in cat.items:
            if it.item == item:
                return it.points
    raise AssertionError(item)


def test_a_misspelt_fire_file_does_not_replace_the_monthly_figures(tmp_path, reg, store):
    b = bureau(reg)
    monthly = write_xlsx(tmp_path / "churujing.xlsx", MONTHLY_ROWS, headers=MONTHLY_HEADERS)
    assert ingest(store, b, reg, monthly, today=TODAY).adapter == "churujing.monthly"
    # 2 常驻境外人员漏登 × 扣0.5分 (seed 000 l.622) = -1
    assert points(store, b, reg, "churujing.resident_missed") == Decimal("-1.0")
    before = store.db.execute("SELECT key, attrs, version FROM records ORDER BY key").fetchall()

    fire = write_xlsx(tmp_path / "xiaofang.xlsx", FIRE_ROWS, headers=MISSPELT, title="消防大队 执法文书")
    with pytest.raises(KaoheError) as err:
        ingest(store, b, reg, fire, today=TODAY)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("xiaofang.xlsx:无法识别的数据格式:最接近“消防监督系统执法文书”(消防大队)")
    assert "缺少列:文书类型" in message and "表头中的“文书种类”是否应为“文书类型”" in message
    # nothing stored changed: 出入境's figures stand, and still cost 金城 1 point
    assert store.db.execute("SELECT key, attrs, version FROM records ORDER BY key").fetchall() == before
    assert [i["adapter"] for i in store.imports()] == ["churujing.monthly"]
    assert points(store, b, reg, "churujing.resident_missed") == Decimal("-1.0")

    # pinned to 出入境, the file is still refused: it has none of the monthly figures
    with pytest.raises(KaoheError, match="最接近“出入境管理月度数据”.*只有单位和日期列"):
        ingest(store, b, reg, fire, today=TODAY, department="出入境大队")
    # corrected, it goes to 消防: one 当场处罚 on 2015-04-20
    fixed = write_xlsx(tmp_path / "xiaofang2.xlsx", FIRE_ROWS, headers=FIRE_HEADERS, title="消防大队 执法文书")
    report = ingest(store, b, reg, fixed, today=TODAY)
    assert (report.adapter, report.new) == ("xiaofang.enforcement", 1)
    assert store.db.execute("SELECT key, attrs, version FROM records ORDER BY key").fetchall()[:1] == before


def test_a_complete_match_is_refused_when_another_format_has_more_of_its_columns(tmp_path, reg):
    b = bureau(reg)
    # the misspelt 消防 file with one of 出入境's monthly columns as well: 出入境 has one column of
    # its own here, 消防 two (文书编号, 罚款金额): weak, refused naming both
    headers = [*MISSPELT, "常驻境外人员漏登人次"]
    f = write_xlsx(tmp_path / "mixed.xlsx", [[*FIRE_ROWS[0], 0]], headers=headers)
    with pytest.raises(KaoheError) as err:
        read_export(f, b, reg, today=TODAY)
    message = str(err.value)
    assert "“出入境管理月度数据”(出入境大队,churujing.monthly)" in message
    assert "更像“消防监督系统执法文书”(消防大队,xiaofang.enforcement)" in message
    assert "缺少列:文书类型" in message and "--department" in message
    # the department named, the file is read as 出入境's
    assert read_export(f, b, reg, today=TODAY, department="churujing").adapter.id == "churujing.monthly"


def test_the_format_with_more_of_its_own_columns_takes_the_file(tmp_path):
    reg = small_registry()
    b = small_bureau(reg)
    # a header with every column of both the 110 export and the fire acts, nothing else: each has
    # 警情编号 … or 文书编号 … beyond its unit and date
    headers = [*DISPATCH_HEADERS, "文书编号", "日期", "文书类型"]
    f = write_xlsx(tmp_path / "both.xlsx", [], headers=headers)
    # 110: 6 columns beyond unit/date; fire acts: 2 (文书编号, 文书类型): not a tie, 110 takes it
    assert read_export(f, b, reg, today=TODAY).adapter.id == "t110.dispatch"
    g = write_xlsx(tmp_path / "tie.xlsx", [], headers=["文书编号", "派出所", "日期", "文书类型", "统计月份", "回访满意率"])
    # fire acts: 文书编号, 文书类型 (2); monthly figures: 回访满意率 (1, its 统计月份 is its date):
    # fire acts; with a second monthly column there would be a tie, which the small plugin lacks
    assert read_export(g, b, reg, today=TODAY).adapter.id == "tfire.acts"


def test_a_tie_is_refused(tmp_path, reg):
    b = bureau(reg)
    # 消防 activities and 消防 meetings share nothing but 派出所: a header with all the required
    # columns of both and 2 columns beyond the unit and date of each (活动编号, 活动类型; 会议编号,
    # 会议内容), 4 columns of each in all: a tie
    headers = ["活动编号", "派出所", "活动日期", "活动类型", "会议编号", "会议日期", "会议内容"]
    f = write_xlsx(tmp_path / "tie.xlsx", [], headers=headers)
    with pytest.raises(KaoheError) as err:
        read_export(f, b, reg, today=TODAY)
    assert "表头同时符合" in str(err.value)
    assert "xiaofang.activities" in str(err.value) and "xiaofang.meetings" in str(err.value)
    assert read_export(f, b, reg, today=TODAY, adapter_id="xiaofang.meetings").adapter.id == "xiaofang.meetings"


def test_a_switched_off_plugin_takes_no_file(tmp_path, reg, store):
    off = bureau(reg, enable=["*"], disable=["churujing.*"])
    monthly = write_xlsx(tmp_path / "churujing.xlsx", MONTHLY_ROWS, headers=MONTHLY_HEADERS)
    with pytest.raises(KaoheError, match="表头符合“出入境管理月度数据”.*已停用插件 churujing 的全部考核项目"):
        ingest(store, off, reg, monthly, today=TODAY)
    with pytest.raises(KaoheError, match="插件 churujing 的考核项目在本局配置中全部停用"):
        ingest(store, off, reg, monthly, today=TODAY, adapter_id="churujing.monthly")
    fire = write_xlsx(tmp_path / "xiaofang.xlsx", FIRE_ROWS, headers=MISSPELT)
    with pytest.raises(KaoheError, match="最接近“消防监督系统执法文书”"):
        ingest(store, off, reg, fire, today=TODAY)
    assert store.count() == 0 and store.imports() == []
    # one 出入境 item switched on again: its plugin takes files again
    some = bureau(reg, enable=["xiaofang.*", "churujing.resident_missed"])
    assert ingest(store, some, reg, monthly, today=TODAY).new == 1


def test_an_unknown_department_lists_the_known_ones(tmp_path, reg):
    f = write_xlsx(tmp_path / "x.xlsx", FIRE_ROWS, headers=FIRE_HEADERS)
    with pytest.raises(KaoheError, match="没有部门 '交警' 的数据格式:可用插件名或部门名 churujing\\(出入境大队\\)、xiaofang\\(消防大队\\)"):
        read_export(f, bureau(reg), reg, today=TODAY, department="交警")


def test_without_any_plugin_the_message_says_so(tmp_path):
    reg = load_registry(get_plugin_manager(load_entrypoints=False))
    f = write_xlsx(tmp_path / "x.xlsx", FIRE_ROWS, headers=FIRE_HEADERS)
    with pytest.raises(KaoheError, match="表头与任何已安装插件的数据格式都不符。可导入的格式:\\(无:未安装任何部门插件\\)"):
        read_export(f, bureau(reg), reg, today=TODAY)


def test_cli_department_pins_the_file(tmp_path):
    config = tmp_path / "kaohe.toml"
    config.write_text(
        '[bureau]\nname = "测试局"\n[[series]]\nid = "A"\n[[categories]]\nid = "jichu"\nname = "基础工作建设"\n'
        'weight = 100\nbase = 100\n[[units]]\nid = "jincheng"\nname = "金城派出所"\nseries = "A"\nclass = "A"\n'
        'headcount = 40\n[items]\nenable = ["xiaofang.*", "churujing.*"]\n',
        encoding="utf-8",
    )
    mixed = write_xlsx(tmp_path / "mixed.xlsx", [[*FIRE_ROWS[0], 0]], headers=[*MISSPELT, "常驻境外人员漏登人次"])

    def kaohe(*args):
        return run_kaohe("--config", str(config), *args)

    refused = kaohe("ingest", str(mixed), "-q")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    (line,) = refused.stderr.splitlines()
    assert "更像“消防监督系统执法文书”" in line
    pinned = kaohe("ingest", str(mixed), "-q", "--department", "出入境大队")
    assert pinned.returncode == 0, pinned.stderr
    assert "导入 mixed.xlsx(出入境大队·churujing.monthly):共1行,新增1条" in pinned.stdout


# --- sheets ------------------------------------------------------------------------------------------


def test_every_sheet_that_fits_is_read(tmp_path, reg, store):
    b = bureau(reg)
    f = sheet_file(
        tmp_path / "two_months.xlsx",
        ("说明", None, [["本表由出入境大队填报"], ["每月一张工作表"]]),
        ("3月", MONTHLY_HEADERS, [[dt.date(2015, 3, 20), "金城派出所", 1, 0, 0]]),
        ("4月", MONTHLY_HEADERS, [[dt.date(2015, 4, 20), "金城派出所", 2, 4, 4]]),
    )
    report = ingest(store, b, reg, f, today=TODAY, readers=0)
    assert (report.rows, report.new, report.rejected) == (2, 2, [])
    assert report.notes == [f"工作表“说明”前{HEADER_SCAN_ROWS}行中没有可识别的表头,未读取", "读取了2个工作表:3月、4月"]
    assert store.db.execute("SELECT sheet, row, month FROM records ORDER BY month").fetchall() == [
        ("3月", 3, "2015-03"), ("4月", 3, "2015-04"),
    ]
    # April's 2 漏登 × -0.5; March's 1 is March's
    assert points(store, b, reg, "churujing.resident_missed") == Decimal("-1.0")


def test_the_sheets_read_in_a_reading_process_too(tmp_path, reg, store):
    b = bureau(reg)
    f = sheet_file(
        tmp_path / "two_months.xlsx",
        ("3月", MONTHLY_HEADERS, [[dt.date(2015, 3, 20), "金城派出所", 1, 0, 0]]),
        ("备注", None, [["无"]]),
        ("4月", MONTHLY_HEADERS, [[dt.date(2015, 4, 20), "金城派出所", 2, 4, 4]]),
    )
    report = ingest(store, b, reg, f, today=TODAY, readers=1)
    assert (report.rows, report.new) == (2, 2)
    assert report.notes == [f"工作表“备注”前{HEADER_SCAN_ROWS}行中没有可识别的表头,未读取", "读取了2个工作表:3月、4月"]


@pytest.mark.parametrize(("second", "third"), [(0, 0), (1200, 0), (1200, 1)])
def test_long_sheets_in_a_reading_process_lose_no_row(tmp_path, reg, store, second, third):
    """Sheets longer than a reader's block (1000 rows), then sheets with a header only or with
    rows: every row arrives once, as when read in this process."""
    b = bureau(reg)

    def rows(prefix, n):
        return [[f"{prefix}{i}", "金城派出所", dt.date(2015, 4, 1), "当场处罚", 0] for i in range(1, n + 1)]

    f = sheet_file(
        tmp_path / "long.xlsx",
        ("3月", FIRE_HEADERS, rows("XF", 1500)), ("4月", FIRE_HEADERS, rows("XG", second)), ("5月", FIRE_HEADERS, rows("XH", third)),
    )
    total = 1500 + second + third
    report = ingest(store, b, reg, f, today=TODAY, readers=1, dry_run=True)
    assert (report.rows, report.new, report.rejected) == (total, total, [])
    here = ingest(store, b, reg, f, today=TODAY, readers=0, dry_run=True)
    assert (here.rows, here.new) == (total, total)


def test_a_header_only_template_sheet_before_the_data(tmp_path, reg, store):
    b = bureau(reg)
    f = sheet_file(
        tmp_path / "template.xlsx",
        ("模板", MONTHLY_HEADERS, []),
        ("4月", MONTHLY_HEADERS, MONTHLY_ROWS),
    )
    report = ingest(store, b, reg, f, today=TODAY)
    assert (report.rows, report.new, report.notes) == (1, 1, ["读取了2个工作表:模板、4月"])
    assert points(store, b, reg, "churujing.resident_missed") == Decimal("-1.0")
    # the template alone: nothing imported, and said so
    g = sheet_file(tmp_path / "only_template.xlsx", ("模板", MONTHLY_HEADERS, []))
    empty = ingest(store, b, reg, g, today=TODAY)
    assert (empty.rows, empty.new, empty.notes) == (0, 0, ["文件中只有表头,没有数据行"])


def test_a_sheet_of_another_format_refuses_the_file(tmp_path, reg, store):
    b = bureau(reg)
    f = sheet_file(
        tmp_path / "mixed.xlsx",
        ("4月", MONTHLY_HEADERS, MONTHLY_ROWS),
        ("消防", FIRE_HEADERS, FIRE_ROWS),
    )
    with pytest.raises(KaoheError) as err:
        ingest(store, b, reg, f, today=TODAY)
    assert str(err.value) == (
        "mixed.xlsx:工作表“4月”是“出入境管理月度数据”(出入境大队,churujing.monthly),"
        "工作表“消防”却是“消防监督系统执法文书”(消防大队,xiaofang.enforcement);一个文件只能是一种数据,请分成两个文件导入"
    )
    assert store.count() == 0 and store.imports() == []


@pytest.mark.parametrize(("fire_first", "readers"), [(True, 0), (False, 0), (False, 1)])
def test_a_sheet_of_another_format_refuses_a_pinned_file_too(tmp_path, reg, store, fire_first, readers):
    """--department churujing: the 消防 sheet is not 出入境's data; it is not skipped as a sheet
    "without a header" (its rows would be lost without a word), the file is refused as unpinned."""
    b = bureau(reg)
    sheets = [("4月", MONTHLY_HEADERS, MONTHLY_ROWS), ("消防", FIRE_HEADERS, FIRE_ROWS)]
    f = sheet_file(tmp_path / "mixed.xlsx", *(reversed(sheets) if fire_first else sheets))
    for pin in ({"department": "churujing"}, {"adapter_id": "churujing.monthly"}):
        with pytest.raises(KaoheError) as err:
            ingest(store, b, reg, f, today=TODAY, readers=readers, **pin)
        assert str(err.value) == (
            "mixed.xlsx:工作表“4月”是“出入境管理月度数据”(出入境大队,churujing.monthly),"
            "工作表“消防”却是“消防监督系统执法文书”(消防大队,xiaofang.enforcement);一个文件只能是一种数据,请分成两个文件导入"
        )
    assert store.count() == 0 and store.imports() == []


def test_a_later_sheet_with_a_misspelt_header_refuses_the_file(tmp_path, reg, store):
    b = bureau(reg)
    misspelt = ["统计截止日期", "派出所", "常驻境外人员漏登人数"]  # 人数 for 人次: one column of 3
    f = sheet_file(
        tmp_path / "months.xlsx",
        ("3月", MONTHLY_HEADERS, [[dt.date(2015, 3, 20), "金城派出所", 1, 0, 0]]),
        ("4月", [*misspelt, "租房境外人员户数"], [[dt.date(2015, 4, 20), "金城派出所", 2, 4]]),
    )
    # 4月's header has 租房境外人员户数 and the unit and date: it *is* a complete monthly header
    # (the misspelt column is optional), so it is read; its 漏登 column is not there
    report = ingest(store, b, reg, f, today=TODAY)
    assert report.new == 2
    g = sheet_file(
        tmp_path / "months2.xlsx",
        ("4月", FIRE_HEADERS, FIRE_ROWS),
        ("5月", MISSPELT, [["XF2015002", "金城派出所", dt.date(2015, 5, 20), "当场处罚", 0]]),
    )
    with pytest.raises(KaoheError) as err:
        ingest(store, b, reg, g, today=TODAY)
    assert str(err.value).startswith("months2.xlsx 工作表“5月”:表头与本文件的“消防监督系统执法文书”")
    assert "缺少列:文书类型" in str(err.value)
    assert store.count() == 2  # the first file's records only


def test_a_header_too_far_down_is_named(tmp_path, reg):
    b = bureau(reg)
    preamble = [[f"说明第{i}行"] for i in range(1, HEADER_SCAN_ROWS + 5)]  # header on row 35
    f = sheet_file(tmp_path / "deep.xlsx", ("4月", None, [*preamble, MONTHLY_HEADERS, *MONTHLY_ROWS]))
    with pytest.raises(KaoheError) as err:
        read_export(f, b, reg, today=TODAY)
    assert str(err.value) == (
        f"deep.xlsx 工作表“4月”:表头在第{HEADER_SCAN_ROWS + 5}行,超出了查找范围(表头须在前{HEADER_SCAN_ROWS}行内);"
        "请删去表头上方多余的行"
    )
    # 29 note rows and the header on row 30: found
    near = [[f"说明第{i}行"] for i in range(1, HEADER_SCAN_ROWS)]
    g = sheet_file(tmp_path / "near.xlsx", ("4月", None, [*near, MONTHLY_HEADERS, *MONTHLY_ROWS]))
    ex = read_export(g, b, reg, today=TODAY)
    assert [(s.sheet, s.row) for s in ex.sources] == [("4月", HEADER_SCAN_ROWS + 1)]


def test_a_record_in_two_sheets_counts_once(tmp_path, reg):
    b = bureau(reg)
    f = sheet_file(
        tmp_path / "twice.xlsx",
        ("3月", FIRE_HEADERS, FIRE_ROWS),
        ("4月", FIRE_HEADERS, FIRE_ROWS),
    )
    ex = read_export(f, b, reg, today=TODAY)
    assert len(ex.records) == 1
    (rej,) = ex.rejected
    assert (rej.sheet, rej.row) == ("4月", 3)
    assert rej.message == "与工作表“3月”第3行是同一条记录(编号相同),不重复计算"
