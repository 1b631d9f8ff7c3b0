"""Reading departments' exports: real XLSX and CSV files, good and malformed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from intake_helpers import DISPATCH_HEADERS, bureau, registry, row, write_xlsx
from kaohe.core.errors import KaoheError
from kaohe.intake.reader import read_export

TODAY = dt.date(2016, 1, 1)


@pytest.fixture
def reg():
    return registry()


@pytest.fixture
def b(reg):
    return bureau(reg)


def read(path, b, reg, **kw):
    return read_export(path, b, reg, today=TODAY, **kw)


def test_xlsx_with_merged_title_row(tmp_path, b, reg):
    f = write_xlsx(tmp_path / "110.xlsx", [row(1), row(2, unit="华城派出所", minutes=12.5), row(3, unit="华城")])
    ex = read(f, b, reg)
    assert ex.adapter.id == "t110.dispatch"
    assert ex.rejected == []
    assert [r.unit for r in ex.records] == ["jincheng", "huacheng", "huacheng"]
    first = ex.records[0]
    assert first.key == "t110.dispatch:JQ00001"
    assert first.date == dt.date(2015, 4, 3)
    assert first.attrs["minutes"] == Decimal(7)
    assert ex.records[1].attrs["minutes"] == Decimal("12.5")
    # the title row is row 1, the header row 2: the first data row is Excel row 3
    assert ex.sources[0].row == 3 and ex.sources[0].sheet == "接处警"


def test_text_in_a_number_column_names_file_sheet_row_and_column(tmp_path, b, reg):
    f = write_xlsx(tmp_path / "110.xlsx", [row(1), row(2, minutes="七")])
    ex = read(f, b, reg)
    assert len(ex.records) == 1
    (rej,) = ex.rejected
    assert (rej.file, rej.sheet, rej.row, rej.column) == ("110.xlsx", "接处警", 4, "到场用时(分钟)")
    assert "应为数字" in rej.message and "七" in rej.message
    assert rej.text() == "110.xlsx 工作表“接处警” 第4行 “到场用时(分钟)”列:" + rej.message


def test_dates_as_excel_serial_numbers_and_as_text(tmp_path, b, reg):
    serial = (dt.date(2015, 4, 3) - dt.date(1899, 12, 30)).days  # 42097
    rows = [row(1, day=serial), row(2, day="2015年4月5日"), row(3, day="2015/4/6 14:20"), row(4, day="2015-02-30")]
    ex = read(write_xlsx(tmp_path / "d.xlsx", rows), b, reg)
    assert [r.date for r in ex.records] == [dt.date(2015, 4, 3), dt.date(2015, 4, 5), dt.date(2015, 4, 6)]
    (rej,) = ex.rejected
    assert rej.row == 6 and rej.column == "接警日期" and "不是有效日期" in rej.message


def test_unknown_unit_is_rejected(tmp_path, b, reg):
    ex = read(write_xlsx(tmp_path / "u.xlsx", [row(1, unit="水上派出所")]), b, reg)
    (rej,) = ex.rejected
    assert rej.column == "派出所" and "水上派出所" in rej.message and "不是本局的考核单位" in rej.message


def test_value_outside_the_rule_bounds_is_rejected(tmp_path, b, reg):
    # 造成群众投诉 … 每次扣5-10分 (seed 000 l.546): -12 is outside, -8 inside
    ex = read(write_xlsx(tmp_path / "c.xlsx", [row(1, complaint=-8), row(2, complaint=-12)]), b, reg)
    assert [r.value for r in ex.records if r.kind == "t110.complaint"] == [Decimal(-8)]
    (rej,) = ex.rejected
    assert rej.column == "投诉扣分" and "-12" in rej.message and "-10 至 -5" in rej.message


def test_value_not_in_the_allowed_choices(tmp_path, b, reg):
    ex = read(write_xlsx(tmp_path / "g.xlsx", [row(1, grade="四类")]), b, reg)
    (rej,) = ex.rejected
    assert rej.column == "警情等级" and "一类、二类、三类" in rej.message


def test_missing_column_is_a_file_error_naming_it(tmp_path, b, reg):
    headers = [h for h in DISPATCH_HEADERS if h != "到场用时(分钟)"]
    f = write_xlsx(tmp_path / "m.xlsx", [["JQ1", "金城", dt.date(2015, 4, 3), "一类", "城区", None, ""]], headers=headers)
    with pytest.raises(KaoheError, match="缺少列:到场用时\\(分钟\\)"):
        read(f, b, reg)


def test_wrong_headers_list_the_known_formats(tmp_path, b, reg):
    f = write_xlsx(tmp_path / "w.xlsx", [["a", "b"]], headers=["姓名", "电话"], title=None)
    with pytest.raises(KaoheError, match="无法识别的数据格式.*110接处警记录"):
        read(f, b, reg)


def test_empty_sheet(tmp_path, b, reg):
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "empty.xlsx")
    with pytest.raises(KaoheError, match="empty.xlsx:文件为空"):
        read(tmp_path / "empty.xlsx", b, reg)


def test_duplicate_rows_count_once(tmp_path, b, reg):
    ex = read(write_xlsx(tmp_path / "dup.xlsx", [row(1), row(2), row(1)]), b, reg)
    assert len(ex.records) == 2
    (rej,) = ex.rejected
    assert rej.row == 5 and "与第3行是同一条记录" in rej.message


def test_file_of_another_department_goes_to_its_adapter(tmp_path, b, reg):
    f = write_xlsx(tmp_path / "fire.xlsx", [["XF001", "金城", dt.date(2015, 4, 3), "责令改正通知书"]], headers=["文书编号", "派出所", "日期", "文书类型"])
    assert read(f, b, reg).adapter.department == "消防大队"
    with pytest.raises(KaoheError, match="最接近“110接处警记录”.*缺少列"):
        read(f, b, reg, adapter_id="t110.dispatch")


def test_future_dates_are_refused(tmp_path, b, reg):
    ex = read(write_xlsx(tmp_path / "f.xlsx", [row(1, day=dt.date(2016, 3, 1))]), b, reg)
    assert "晚于今天" in ex.rejected[0].message


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_gb18030_and_utf8(tmp_path, b, reg, encoding):
    text = ",".join(DISPATCH_HEADERS) + "\r\nJQ1,金城,2015-04-03,一类,城郊,11,,迟到\r\nJQ2,华城,2015/4/4,二类,城区,9,,\r\n"
    f = tmp_path / "110.csv"
    f.write_bytes(text.encode(encoding))
    ex = read(f, b, reg)
    assert ex.rejected == []
    assert [(r.unit, r.attrs["area"], r.attrs["minutes"]) for r in ex.records] == [
        ("jincheng", "城郊", Decimal(11)),
        ("huacheng", "城区", Decimal(9)),
    ]
    assert ex.records[0].note == "一类 城郊 到场用时11分钟 迟到"


def test_unsupported_file_type(tmp_path, b, reg):
    f = tmp_path / "x.pdf"
    f.write_bytes(b"%PDF")
    with pytest.raises(KaoheError, match="不支持的文件类型 .pdf"):
        read(f, b, reg)


def test_corrupt_xlsx(tmp_path, b, reg):
    f = tmp_path / "bad.xlsx"
    f.write_bytes(b"not a zip")
    with pytest.raises(KaoheError, match="无法作为 XLSX 工作簿打开"):
        read(f, b, reg)


def test_percentage_cells_month_column_and_unit_placeholder_in_keys(tmp_path, b, reg):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统计月份", "派出所", "回访满意率"])
    ws.append(["2015-04", "金城", 1])  # a cell formatted 0% holding 1 shows 100%
    ws.append(["2015年4月", "华城派出所", 0.935])  # shows 93.5%
    ws.append(["2015-05", "华城", 0.8])  # not formatted: the user typed 0.8 (%)
    ws.append(["2015年13月", "华城", 90])
    ws["C2"].number_format = "0%"
    ws["C3"].number_format = "0.0%"
    wb.save(tmp_path / "m.xlsx")
    ex = read(tmp_path / "m.xlsx", b, reg)
    assert [(r.key, r.date, r.value) for r in ex.records] == [
        # month 2015-04 ends on the cut-off day 2015-04-20; the key names the resolved unit id
        ("tmonth.figures:jincheng:2015-04", dt.date(2015, 4, 20), Decimal(100)),
        ("tmonth.figures:huacheng:2015-04", dt.date(2015, 4, 20), Decimal("93.5")),
        ("tmonth.figures:huacheng:2015-05", dt.date(2015, 5, 20), Decimal("0.8")),
    ]
    (rej,) = ex.rejected
    assert rej.column == "统计月份" and "应为考核月份" in rej.message


def test_same_month_under_two_names_is_one_record(tmp_path, b, reg):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统计月份", "派出所", "回访满意率"])
    ws.append(["2015-04", "金城", 97])
    ws.append(["2015-04", "金城派出所", 97])
    wb.save(tmp_path / "m.xlsx")
    ex = read(tmp_path / "m.xlsx", b, reg)
    assert len(ex.records) == 1 and "与第2行是同一条记录" in ex.rejected[0].message


def test_only_rules_that_can_refuse_a_record_are_asked():
    """The intake checks each record against the rules reading its kind that can refuse one: a
    per-occurrence rule with a fixed number of points cannot (any record counts), one with a range
    or a table of points can, as can a shape with its own check (tiered)."""
    from kaohe import rules

    assert not rules.PerOccurrence(points=-1).checks_records()
    assert rules.PerOccurrence(min_points=-10, max_points=-5).checks_records()
    assert rules.PerOccurrence(points_by={"第1条": -2}, by="article").checks_records()
    assert rules.Tiered(levels={"一般": -1}).checks_records()
    assert not rules.Formula(function=lambda ctx, params: {}).checks_records()
    assert not rules.Flag(points=-2).checks_records()


def test_a_shape_that_checks_is_asked_even_beside_fixed_points():
    """A plugin's subclass of a shape that brings its own check is always asked."""
    import attrs as attrs_
    from kaohe import rules

    @attrs_.frozen
    class Strict(rules.PerOccurrence):
        def check(self, record):
            return "不收" if record.value is None else None

    @attrs_.frozen
    class Checked(rules.Formula):
        def check(self, record):
            return None

    assert Strict(points=-1).checks_records()
    assert Checked(function=lambda ctx, params: {}).checks_records()


def test_a_record_outside_a_range_is_still_refused_at_intake(tmp_path, b, reg):
    """投诉扣分 must lie between -10 and -5 (the range rule asks); the fixed-point rule reading the
    same file does not stop the check."""
    ex = read(write_xlsx(tmp_path / "r.xlsx", [row(1, complaint=-3), row(2, complaint=-6)]), b, reg)
    assert [(r.row, r.column) for r in ex.rejected] == [(3, "投诉扣分")]
    assert "超出规定范围 -10 至 -5" in ex.rejected[0].message
    assert [r.key for r in ex.records] == ["t110.dispatch:JQ00002", "t110.complaint:JQ00002"]
