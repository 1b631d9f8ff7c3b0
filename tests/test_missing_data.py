"""Missing data as a first-class state (issue 19, point 1), as a new bureau meets it: ``kaohe init``,
five stations, two departments' files for April 2015, then score, ranking, explain, status and
publish. Every figure is worked out by hand from the rule's text.

The bureau's month runs from the 21st to the 20th: 2015-04 is 2015-03-21 … 2015-04-20, 31 days.
Every station has 10 officers (units.csv). 第五派出所 (s5) has no row in either sheet.

- 刑侦 l.588 "每月人均5份指标数,人均少捺印1份指纹扣0.5分": s1 reports 50 prints (5 each, 0); s2 30
  (3 each, 2 short → −1); s5 no row → 0 prints with the unit list's 10 officers → 5 short → −2.5.
- 110 l.558 "巡逻民警每人每天盘查…不低于5人(辆)次,人均每低一次扣2分": s1 reports 10 patrol
  officers and 1550 checks (1550 ÷ 10 ÷ 31 = 5, 0); s5 no row → 0 checks, 10 officers → 5 short → −10.
- 110 l.554 回访满意率: s5 has no row: not scored, marked 数据缺失.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from kaohe.report import expand
from inprocess import kaohe as run_kaohe

UNITS = """id,name,series,class,headcount,tags,aliases
s1,第一派出所,A,A,10,城区,第一所
s2,第二派出所,A,A,10,城区,第二所
s3,第三派出所,A,A,10,城区,第三所
s4,第四派出所,B,B,10,农村,第四所
s5,第五派出所,B,B,10,农村,第五所
"""


def kaohe(*args, cwd):
    return run_kaohe(*args, cwd=cwd)


def xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    d = tmp_path_factory.mktemp("newcomer")
    assert kaohe("init", str(d), "--name", "新局公安分局", cwd=d).returncode == 0
    (d / "units.csv").write_text(UNITS, encoding="utf-8")
    xz = xlsx(d / "刑侦月度.xlsx", ["统计截止日期", "派出所", "指纹捺印份数", "是否设立技术员"], [
        ["2015-04-20", "第一派出所", 50, "是"], ["2015-04-20", "第二派出所", 30, "是"],
        ["2015-04-20", "第三派出所", 50, "是"], ["2015-04-20", "第四派出所", 50, "是"],
    ])
    zh = xlsx(d / "110月度.xlsx", ["统计月份", "派出所", "回访满意率", "巡逻民警人数", "盘查人(辆)次"], [
        ["2015-04", "第一派出所", 95, 10, 1550], ["2015-04", "第二派出所", 95, 10, 1550],
        ["2015-04", "第三派出所", 95, 10, 1550], ["2015-04", "第四派出所", 95, 10, 1550],
    ])
    for f in (xz, zh):
        out = kaohe("ingest", str(f), cwd=d)
        assert out.returncode == 0, out.stdout + out.stderr
    return d


def explained(d: Path, unit: str) -> dict:
    out = kaohe("explain", unit, "2015-04", "--json", cwd=d)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def item(tree: dict, item_id: str) -> dict:
    return next(i for c in tree["categories"] for i in c["items"] if i["item"] == item_id)


def test_a_missing_row_counts_as_nothing_done_where_the_seed_reads_so(bureau):
    s5, s2, s1 = explained(bureau, "s5"), explained(bureau, "s2"), explained(bureau, "s1")
    assert Decimal(item(s5, "xingzhen.fingerprint_quota")["points"]) == Decimal("-2.5")
    assert Decimal(item(s2, "xingzhen.fingerprint_quota")["points"]) == Decimal(-1)
    assert Decimal(item(s1, "xingzhen.fingerprint_quota")["points"]) == 0
    assert Decimal(item(s5, "zhihui110.patrol_checks")["points"]) == Decimal(-10)
    assert Decimal(item(s1, "zhihui110.patrol_checks")["points"]) == 0
    # the rate the 110 centre did not report for s5 is not scored but marked, never silently 0
    sat = item(s5, "zhihui110.callback_satisfaction")
    assert Decimal(sat["points"]) == 0 and [ln["missing"] for ln in sat["lines"]] == ["2015-04"]
    assert "数据缺失" in s5["flags"]


def test_a_silent_department_is_marked_on_every_unit_and_counts_no_shortfall(bureau):
    s1 = explained(bureau, "s1")
    # 消防 sent nothing: its monthly enforcement quotas (−20 per unmet quota, l.636) are not counted
    quota = [i for c in s1["categories"] for i in c["items"] if i["department"] == "消防大队"]
    assert quota and all(Decimal(i["points"]) == 0 for i in quota)
    assert all(ln["missing"] == "2015-04" and "消防大队 2015-04 数据未报送" in ln["reason"] for i in quota for ln in i["lines"])
    # 纪委 sent nothing: its veto items are marked, and veto nobody
    assert not s1["veto"] and "一票否决" not in s1["flags"] and Decimal(s1["total"]) > 0
    text = kaohe("explain", "s1", "2015-04", cwd=bureau)
    assert "〔数据缺失〕" in text.stdout and "消防大队" in text.stderr


def test_score_ranking_and_status_say_what_is_missing(bureau):
    score = kaohe("score", "-q", "2015-04", cwd=bureau)
    assert score.returncode == 0
    assert "警告:数据不全:未报送(有关项目暂不计分):" in score.stderr and "消防大队 2015-04" in score.stderr
    assert "第五派出所 2015-04 回访满意率达到95%以上:无数据〔110指挥中心〕" in score.stderr
    ranking = kaohe("ranking", "2015-04", "--json", cwd=bureau)
    data = json.loads(ranking.stdout)
    depts = {g["department"] for g in data["missing"] if g["unit"] is None}
    assert {"消防大队", "治安大队", "出入境大队"} <= depts and "刑侦大队" not in depts and "110指挥中心" not in depts
    assert all("数据缺失" in u["flags"] for u in data["ranking"])
    # 基础工作建设 (base 100, weight 100) of series B: 第四 −1 (巡防信息 1 short, l.562) → 99, the top;
    # 第五 −1 − 10 − 2.5 = −13.5 → 86.5 ÷ 99 × 100 = 87.37
    s5 = next(u for u in data["ranking"] if u["unit"] == "s5")
    assert Decimal(s5["categories"]["jichu"]) == Decimal("87.37")
    # a quarter of which only April has data: the other months are named, and no 末位 comes from them
    q2 = kaohe("ranking", "2015-Q2", cwd=bureau)
    assert "2015-05、2015-06 没有任何数据" in q2.stdout
    status = kaohe("status", "2015-04", cwd=bureau)
    assert "消防大队" in status.stdout and "未报送" in status.stdout and "--allow-missing" in status.stdout
    assert "单位缺少的数据(5项" in status.stdout  # s5: 回访满意率 and the four 勘查率
    # each missing figure is a line of that table, said once: the closing sentence counts them
    assert status.stdout.count("回访满意率达到95%以上") == 1 and "5 项单位数据缺失而该部门未签收(见上表)" in status.stdout
    # the departments' table stays aligned although a sent sheet's cell (counts, time) is long:
    # the sign-off column starts at the same display width on every row
    from kaohe.cli.common import _width

    rows = status.stdout.split("\n\n")[0].splitlines()[1:]
    assert rows[0].split()[2] == "部门签收" and any("已报送(" in r for r in rows[2:])
    starts = {_width(r[: r.index(r.split()[2], len(r.split()[0]) + len(r.split()[1]))]) for r in [rows[0], *rows[2:]]}
    assert len(starts) == 1, rows
    units = json.loads(kaohe("status", "2015-04", "--json", cwd=bureau).stdout)["units_missing"]
    assert {(g["unit"], g["item"], g["signed_off"]) for g in units} == {
        ("s5", "zhihui110.callback_satisfaction", False), ("s5", "xingzhen.scene_rate_key", False),
        ("s5", "xingzhen.scene_rate_other", False), ("s5", "xingzhen.scene_rate", False),
        ("s5", "xingzhen.scene_storage_rate", False),
    }


def test_publishing_refuses_then_publishes_with_a_confirmation_naming_every_missing_department(bureau):
    refused = kaohe("publish", "2015-04", cwd=bureau)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr  # refused (1), not a mistake (2)
    assert len(refused.stderr.strip().splitlines()) == 1 and "--allow-missing" in refused.stderr
    done = kaohe("publish", "2015-04", "--date", "2015-04-27", "--allow-missing", "其他部门数据下周补报,先行通报", cwd=bureau)
    assert done.returncode == 0, done.stderr
    edition = bureau / "published" / "2015-04" / "第1版"
    report = expand(json.loads((edition / "report-2015-04.json").read_text(encoding="utf-8")))
    comp = report["completeness"]
    assert comp["complete"] is False and comp["confirmed"] == "其他部门数据下周补报,先行通报"
    silent = {d["department"] for d in comp["departments"]}
    # every department of an enabled item that sent nothing is named: all but 刑侦 and 110
    status = json.loads(kaohe("status", "2015-04", "--json", cwd=bureau).stdout)
    expected = {r["department"] for r in status["departments"] if r["state"] == "未报送"}
    assert silent == expected and len(expected) >= 5 and not {"刑侦大队", "110指挥中心"} & silent
    s5 = next(u for u in report["units"] if u["unit"] == "s5")
    sat = next(i for c in s5["categories"] for i in c["items"] if i["item"] == "zhihui110.callback_satisfaction")
    assert sat["missing"] is True and sat["lines"][0]["missing"] == "2015-04"
    html = (edition / "index.html").read_text(encoding="utf-8")
    block = html[html.index('id="completeness"'):html.index("</section>", html.index('id="completeness"'))]
    assert "其他部门数据下周补报,先行通报" in block
    for dept in expected:
        assert f'data-department="{dept}"' in block
    assert "第五派出所 2015-04 回访满意率达到95%以上:无数据〔110指挥中心〕" in block
    wb = openpyxl.load_workbook(edition / "通报-2015-04.xlsx", read_only=True)
    sheet = [r for r in wb["数据完整性"].iter_rows(values_only=True)]
    assert {r[0] for r in sheet if len(r) > 2 and r[2] == "(全部单位)"} == expected
    audit = kaohe("audit", "--action", "确认缺数据发布", cwd=bureau)
    assert "2015-04#1" in audit.stdout


def test_a_department_signing_off_confirms_its_sheet_and_its_missing_rows(tmp_path):
    """Only 110 and 刑侦 matter here: every other department signs off April (nothing to report);
    110 and 刑侦 sign off their sheets as sent, so s5's absent rows are confirmed and April publishes
    without a confirmation; the report still marks s5's unscored rates."""
    d = tmp_path / "b"
    assert kaohe("init", str(d), cwd=tmp_path).returncode == 0
    (d / "units.csv").write_text(UNITS, encoding="utf-8")
    zh = xlsx(d / "110月度.xlsx", ["统计月份", "派出所", "回访满意率", "巡逻民警人数", "盘查人(辆)次"], [
        ["2015-04", "第一派出所", 95, 10, 1550],
    ])
    assert kaohe("ingest", str(zh), cwd=d).returncode == 0
    status = json.loads(kaohe("status", "2015-04", "--json", cwd=d).stdout)
    for r in status["departments"]:
        if r["state"] == "未报送" or r["department"] == "110指挥中心":
            assert kaohe("signoff", r["department"], "2015-04", cwd=d).returncode == 0
    done = kaohe("publish", "2015-04", "--date", "2015-04-27", cwd=d)
    assert done.returncode == 0, done.stderr
    report = expand(json.loads((d / "published" / "2015-04" / "第1版" / "report-2015-04.json").read_text(encoding="utf-8")))
    assert report["completeness"]["departments"] == [] and report["completeness"]["confirmed"] is None
    # what remains is the rows of s2…s5 missing from the 110 sheet, confirmed by 110's sign-off; the
    # rates of the departments that confirmed having nothing (刑侦's 勘查率 …) are not missing data
    gaps = {(g["unit"], g["department"]) for g in report["completeness"]["missing"]}
    assert gaps == {(u, "110指挥中心") for u in ("s2", "s3", "s4", "s5")}
    # 刑侦 signed off April with nothing sent: its per-capita quota counts every station's silence
    # (5 short × −0.5 = −2.5 each), as the department confirmed
    s1 = next(u for u in report["units"] if u["unit"] == "s1")
    fp = next(i for c in s1["categories"] for i in c["items"] if i["item"] == "xingzhen.fingerprint_quota")
    assert Decimal(fp["points"]) == Decimal("-2.5")


# --- the pipeline, on records in memory with a department's silence ----------------------------------

import attrs  # noqa: E402
from kaohe.core.adjustments import Adjustment  # noqa: E402
from kaohe.core.periods import Period  # noqa: E402
from kaohe.rules import Quota  # noqa: E402
from kaohe.scoring.pipeline import MemorySource, score  # noqa: E402
from kernel_helpers import bureau as make_bureau  # noqa: E402
from kernel_helpers import category, rec, unit  # noqa: E402
from kernel_helpers import item as make_item  # noqa: E402


@attrs.frozen
class Silent(MemorySource):
    """Records in memory, and the months in which 测试部门 (the kernel helpers' department) sent nothing."""

    silent: tuple[str, ...] = ()

    def gaps(self, period: Period):
        if period.label in self.silent:
            return {"test.quota": "测试部门"}, True, frozenset()
        return {}, False, frozenset()


def test_a_quarter_with_silent_months_counts_no_shortfall_and_flags_no_last_place():
    # 任务分解 (seed 000 l.636 shape): 2 a month, −20 per unit short. April: 甲 2, 乙 2, 丙 1 → 丙 −20,
    # raw 80, last (末位). May and June: the department sent nothing: no unit is short (raw 100 each,
    # not 100 − 40 = 60), every line is marked, and 丙 — 1 point down in June by a 通知单 — is not
    # flagged 末位 in a month nobody was assessed in, nor 连续3期排名末位 at the quarter's end.
    units = (unit("a", "甲派出所"), unit("b", "乙派出所"), unit("c", "丙派出所"))
    b = make_bureau(
        [make_item("test.quota", Quota(targets={"*": 2}, per_short=-20))], units, [category("jichu", 100, base=100)],
        last_place_months=3,
    )
    april = [rec("test.quota", u, "2015-04-10") for u in ("a", "a", "b", "b", "c")]
    notice = Adjustment(1, "2015-06", "c", Decimal(-1), "通知单", "考核办")
    data = Silent(april, (notice,), silent=("2015-05", "2015-06"))
    history = []
    months = {}
    for m in ("2015-04", "2015-05", "2015-06"):
        months[m] = score(b, Period.parse(m), data, history)
        history.insert(0, months[m])
    assert "末位" in months["2015-04"].unit("c").flags
    may = months["2015-05"]
    assert may.empty == ("2015-05",) and [g.department for g in may.missing] == ["测试部门"]
    assert [c.raw for c in may.unit("a").categories] == [Decimal(100)]
    (line,) = may.unit("a").categories[0].items[0].lines
    assert line.points == 0 and line.missing == "2015-05" and "测试部门 2015-05 数据未报送" in line.reason
    june = months["2015-06"].unit("c")
    assert june.total == Decimal(99) and june.rank == 3 and "末位" not in june.flags
    q2 = score(b, Period.parse("2015-Q2"), data)
    assert q2.empty == ("2015-05", "2015-06")
    assert q2.unit("c").total == Decimal(80 + 100 + 99) and q2.unit("a").total == Decimal(300)
    assert not any(f.startswith("连续") for u in q2.units for f in u.flags)
    assert all("数据缺失" in u.flags for u in q2.units)


def test_a_month_scored_from_carried_data_is_not_an_empty_month(bureau, tmp_path):
    """[carry_over] "*" = true: May 2015 (04-21 … 05-20) has no record, but 110's and 刑侦's April
    sheets are carried into it (seed 000 l.88). May is then scored from real figures: it is not a
    month "without any data" where every unit ties and nobody is last, and no warning says its
    scores were made without any record. By hand, series A in May: 第二派出所 alone loses a point
    (30 prints by 10 officers, 2 short × 0.5, carried), so it is last (末位); June (nothing to
    carry: May had no record of its own) is the quarter's only empty month."""
    import shutil

    d = tmp_path / "carry"
    shutil.copytree(bureau, d)
    cfg = d / "kaohe.toml"
    text = cfg.read_text(encoding="utf-8")
    assert '"*" = false' in text
    cfg.write_text(text.replace('"*" = false', '"*" = true'), encoding="utf-8")
    may = kaohe("ranking", "2015-05", "--json", cwd=d)
    assert may.returncode == 0, may.stderr
    assert "没有任何记录" not in may.stderr
    data = json.loads(may.stdout)
    a = {u["unit"]: u for u in data["ranking"] if u["series"] == "A"}
    assert "末位" in a["s2"]["flags"] and "含沿用上期数据" in a["s2"]["flags"]
    assert not any("末位" in a[u]["flags"] for u in ("s1", "s3"))
    assert Decimal(a["s1"]["total"]) - Decimal(a["s2"]["total"]) > 0
    q2 = kaohe("ranking", "2015-Q2", cwd=d)
    assert "2015-06 没有任何数据" in q2.stdout and "2015-05、" not in q2.stdout
