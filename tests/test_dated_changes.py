"""Dated changes of the scheme (issue 20, point 3): ``[[changes]]`` with the month from which each
applies; every base period scored under the version in force then. Worked by hand.

Two stations, 甲 a and 乙 b, natural months of 2015, the year the sum of the months
(``year_method = "sum"``), no normalisation (a category's score is its raw score):

- 打击 daji (base 0): 破案任务 office.case, a quota of 2 cases a month, −5 per case short;
- 基础 jichu (base 100): 台账不规范 office.minor, −1 a time;
- 年终 nianzhong (``scope = "year"``, base 0): 年度表彰 office.award, +2 a time over the year.

Records: every month 甲 2 cases, 乙 3 cases and one 台账不规范; 甲 one 表彰 in December.

Changes: from 2015-07 the quota is 3 and 表彰 is worth +4 (``changes[0]``); from 2015-Q4
(October) 台账不规范 is switched off (``changes[1]``).

- January-June (the old quota 2): 甲 打击 0, 基础 100 → 100; 乙 打击 0 (3 ≥ 2), 基础 99 → 99.
- July-September (quota 3): 甲 打击 −5 (one short), 基础 100 → 95; 乙 99.
- October-December (台账不规范 off): 甲 95; 乙 打击 0, 基础 100 → 100.
- Q3 = 3 × 95 = 285 for 甲, 3 × 99 = 297 for 乙.
- The year, formed under the version of December (``span_version = "end"``): 甲 6 × 100 + 6 × 95 +
  1 表彰 × 4 = 1174; 乙 9 × 99 + 3 × 100 = 1191: 乙 first. Under the version of January
  (``span_version = "start"``) 表彰 is worth 2: 甲 1172.
- As it would have been without the changes: 甲 12 × 100 + 2 = 1202, 乙 12 × 99 = 1188: 甲
  first — the two swap.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaohe.core.errors import ConfigError
from kaohe.core.periods import Period
from kaohe.plugins.discovery import load_registry
from kaohe.scheme.config import load_bureau
from office_bureau import kaohe

CONFIG = """
[bureau]
name = "测试区公安分局"
cutoff_day = "end"

[scheme]
name = "测试考核办法"
year_method = "sum"
SPAN

[publication]
lock = false

[[series]]
id = "s"
name = "派出所"

[[categories]]
id = "daji"
name = "打击"
weight = 100
normalise = false

[[categories]]
id = "jichu"
name = "基础"
weight = 100
base = 100
normalise = false

[[categories]]
id = "nianzhong"
name = "年终"
weight = 20
normalise = false
scope = "year"

[[units]]
id = "a"
name = "甲派出所"
series = "s"
[[units]]
id = "b"
name = "乙派出所"
series = "s"

[[office_items]]
id = "office.case"
title = "破案任务"
category = "daji"
shape = "quota"
params = { targets = { "*" = 2 }, per_short = -5 }

[[office_items]]
id = "office.minor"
title = "台账不规范"
category = "jichu"
shape = "per_occurrence"
params = { points = -1 }

[[office_items]]
id = "office.award"
title = "年度表彰"
category = "nianzhong"
shape = "per_occurrence"
params = { points = 2 }
cadence = "yearly"
"""

CHANGES = """
[[changes]]
from = "2015-07"
note = "测公发〔2015〕7号"
[changes.set]
'office_items."office.case".params' = { targets = { "*" = 3 }, per_short = -5 }
'office_items."office.award".params.points' = 4

[[changes]]
from = "2015-Q4"
note = "台账检查改为季度抽查"
off = ["office.minor"]
"""


def _rows() -> list[str]:
    rows = []
    for m in range(1, 13):
        day = f"2015-{m:02d}-10"
        rows += [f"A{m}-{n},甲派出所,{day},office.case,,," for n in (1, 2)]
        rows += [f"B{m}-{n},乙派出所,{day},office.case,,," for n in (1, 2, 3)]
        rows.append(f"M{m},乙派出所,{day},office.minor,,,")
    rows.append("W1,甲派出所,2015-12-15,office.award,,,")
    return rows


def _bureau(d: Path, span: str = "", changes: str = CHANGES) -> Path:
    (d / "kaohe.toml").write_text(CONFIG.replace("SPAN", span) + changes, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = _bureau(tmp_path_factory.mktemp("dated"))
    (d / "register.csv").write_text("编号,单位,日期,记录类型,数值,名称,说明\n" + "\n".join(_rows()) + "\n", encoding="utf-8")
    kaohe(d, "ingest", "register.csv")
    return d


def _totals(d: Path, period: str) -> dict[str, tuple[str, int]]:
    data = json.loads(kaohe(d, "ranking", period, "--json").stdout)
    return {u["unit"]: (u["total"], u["rank"]) for u in data["ranking"]}


def test_a_target_raised_from_july_scores_the_earlier_months_with_the_old_target(dated: Path) -> None:
    assert _totals(dated, "2015-06") == {"a": ("100", 1), "b": ("99", 2)}
    assert _totals(dated, "2015-07") == {"a": ("95", 2), "b": ("99", 1)}
    # 台账不规范 off from the fourth quarter
    assert _totals(dated, "2015-09")["b"] == ("99", 1)
    assert _totals(dated, "2015-10") == {"a": ("95", 2), "b": ("100", 1)}
    assert _totals(dated, "2015-Q3") == {"a": ("285", 2), "b": ("297", 1)}


def test_the_year_mixes_the_months_and_takes_year_items_at_its_end(dated: Path) -> None:
    assert _totals(dated, "2015") == {"a": ("1174", 2), "b": ("1191", 1)}


def test_the_year_under_the_first_months_version(tmp_path: Path, dated: Path) -> None:
    d = _bureau(tmp_path, 'span_version = "start"')
    (d / "register.csv").write_bytes((dated / "register.csv").read_bytes())
    kaohe(d, "ingest", "register.csv")
    assert _totals(d, "2015") == {"a": ("1172", 2), "b": ("1191", 1)}


def test_the_explanation_cites_the_change(dated: Path) -> None:
    july = json.loads(kaohe(dated, "explain", "甲派出所", "2015-07", "--json").stdout)
    items = {i["item"]: i for c in july["categories"] for i in c["items"]}
    assert "自2015年7月起调整(测公发〔2015〕7号)" in items["office.case"]["reference"]
    assert "目标3" in items["office.case"]["lines"][0]["reason"]
    june = json.loads(kaohe(dated, "explain", "甲派出所", "2015-06", "--json").stdout)
    items = {i["item"]: i for c in june["categories"] for i in c["items"]}
    assert "自2015年" not in items["office.case"]["reference"] and "目标2" in items["office.case"]["lines"][0]["reason"]
    text = kaohe(dated, "explain", "甲派出所", "2015-07").stdout
    assert "自2015年7月起调整" in text


def test_compare_as_adopted_with_as_it_would_have_been(dated: Path) -> None:
    data = json.loads(kaohe(dated, "compare", "2015", "--without-changes", "--json").stdout)
    rows = {r["unit"]: r for r in data["series"][0]["units"]}
    assert [(rows[u]["total"], rows[u]["rank"]) for u in "ab"] == [("1174", 2), ("1191", 1)]
    assert [(rows[u]["proposedTotal"], rows[u]["proposedRank"]) for u in "ab"] == [("1202", 1), ("1188", 2)]
    assert "不含按期间生效的变更" in data["proposal"]


def test_without_changes_where_there_are_none(tmp_path: Path, dated: Path) -> None:
    d = _bureau(tmp_path, changes="")
    (d / "register.csv").write_bytes((dated / "register.csv").read_bytes())
    kaohe(d, "ingest", "register.csv")
    out = kaohe(d, "compare", "2015-07", "--without-changes", check=False)
    assert out.returncode != 0 and out.stderr.strip().splitlines() == ["错误:本局配置中没有按期间生效的变更([[changes]]):不含变更的方案与现行方案相同,无可对比"]


def test_the_edition_records_the_version_of_each_period(dated: Path) -> None:
    kaohe(dated, "publish", "2015-07", "--allow-missing", "测试:只有考核办的数据")
    from kaohe.report.editions import versions_entry
    from kaohe.store.store import Store

    bureau = load_bureau(dated / "kaohe.toml", load_registry())
    with Store(bureau.database, readonly=True) as store:
        edition = store.edition("2015-07", 1)
    assert edition is not None
    data = edition["data"]
    assert data["versions"] == [
        {"period": "2015-07", "from": "2015-07", "label": "自2015年7月起", "note": "测公发〔2015〕7号",
         "changes": ['office_items."office.case".params', 'office_items."office.award".params.points']},
    ]
    case = next(i for i in data["items"] if i["id"] == "office.case")
    assert case["params"]["targets"] == {"*": "3"} and "自2015年7月起调整" in case["citation"]
    entry = versions_entry(bureau, Period.parse("2015-Q3"))
    assert [(e["period"], e["from"]) for e in entry] == [("2015-07", "2015-07"), ("2015-08", "2015-07"), ("2015-09", "2015-07"), ("2015-Q3", "2015-07")]
    assert versions_entry(bureau, Period.parse("2015-05")) == [{"period": "2015-05", "from": None, "label": "配置文件所写(无变更)", "note": "", "changes": []}]
    assert [e["from"] for e in versions_entry(bureau, Period.parse("2015"))][-4:] == ["2015-10", "2015-10", "2015-10", "2015-10"]


def test_stored_results_go_stale_from_the_change_on(tmp_path: Path, dated: Path) -> None:
    from kaohe.office.results import staleness
    from kaohe.store.store import Store

    d = _bureau(tmp_path, changes="")
    (d / "register.csv").write_bytes((dated / "register.csv").read_bytes())
    kaohe(d, "ingest", "register.csv")
    for p in ("2015-06", "2015-07"):
        kaohe(d, "score", p, "-q")

    def stale(label: str) -> str | None:
        bureau = load_bureau(d / "kaohe.toml", load_registry())
        with Store(bureau.database, readonly=True) as store:
            return staleness(store, bureau, Period.parse(label))

    plain = (d / "kaohe.toml").read_text(encoding="utf-8")
    (d / "kaohe.toml").write_text(plain + '\n# 自10月起停用\n[[changes]]\nfrom = "2015-10"\noff = ["office.minor"]\n', encoding="utf-8")
    assert stale("2015-06") is None and stale("2015-07") is None  # before the change: still up to date
    (d / "kaohe.toml").write_text(plain + '\n[[changes]]\nfrom = "2015-07"\noff = ["office.minor"]\n', encoding="utf-8")
    assert stale("2015-06") is None
    assert stale("2015-07") == "此后配置文件(kaohe.toml)已改动"
    kaohe(d, "score", "2015-07", "-q")
    assert stale("2015-07") is None
    assert _totals(d, "2015-07") == {"a": ("100", 1), "b": ("100", 1)}  # the quota unchanged, 台账不规范 off


BAD = [
    ('[[changes]]\nfrom = "2015-13"\noff = ["office.minor"]\n', "changes[0].from", "2015-13"),
    ('[[changes]]\nfrom = "七月"\noff = ["office.minor"]\n', "changes[0].from", "2015-07"),
    ('[[changes]]\nfrom = "2015-07"\noff = ["office.minor"]\n[[changes]]\nfrom = "2015-03"\noff = ["office.case"]\n', "changes[1].from", "先后"),
    ('[[changes]]\nfrom = "2015-07"\noff = ["office.minor"]\n[[changes]]\nfrom = "2015-Q3"\noff = ["office.case"]\n', "changes[1].from", "重叠"),
    ('[[changes]]\nfrom = "2015-07"\n', "changes[0]", "没有变更内容"),
    ('[[changes]]\nfrom = "2015-07"\nset = { "categories.jichu.weight" = "abc" }\n', 'changes[0].set."categories.jichu.weight"', "数字"),
    ('[[changes]]\nfrom = "2015-07"\nset = { "bureau.cutoff_day" = 20 }\n', 'changes[0].set."bureau.cutoff_day"', "不能按期间变更"),
    ('[[changes]]\nfrom = "2015-07"\nset = { "scheme.base_period" = "quarter" }\n', 'changes[0].set."scheme.base_period"', "各期必须相同"),
    ('[[changes]]\nfrom = "2015-07"\nset = { "categories.nosuch.weight" = 3 }\n', 'changes[0].set."categories.nosuch.weight"', "nosuch"),
    ('[[changes]]\nfrom = "2015-07"\noff = ["office.nosuch"]\n', "changes[0].off[0]", "office.nosuch"),
    ('[[changes]]\nfrom = "2015-07"\nwhen = 3\noff = ["office.minor"]\n', "changes[0].when", "未知"),
    ('[changes]\nfrom = "2015-07"\n', "changes", "[[changes]]"),
]


@pytest.mark.parametrize("changes, key, said", BAD)
def test_bad_dated_changes_name_the_file_and_the_key(tmp_path: Path, changes: str, key: str, said: str) -> None:
    d = _bureau(tmp_path, changes=changes)
    with pytest.raises(ConfigError) as info:
        load_bureau(d / "kaohe.toml", load_registry())
    assert info.value.key == key and said in str(info.value) and str(d / "kaohe.toml") in str(info.value)
    out = kaohe(d, "ranking", "2015-07", check=False)
    lines = out.stderr.strip().splitlines()
    assert out.returncode != 0 and len(lines) == 1 and key in lines[0] and "Traceback" not in out.stderr


def test_diagnostics_read_the_version_in_force(dated: Path) -> None:
    def items(period: str) -> set[str]:
        data = json.loads(kaohe(dated, "diagnose", period, "--json").stdout)
        return {i["item"] for s in data["series"] for c in s["categories"] for i in c["items"]}

    assert "office.minor" in items("2015-06")
    assert "office.minor" not in items("2015-10")  # switched off from the fourth quarter


def test_the_site_compares_as_adopted_with_as_it_would_have_been(tmp_path: Path, dated: Path) -> None:
    from kaohe.office.accounts import add_users
    from kaohe.store.store import Store
    from site_support import PASSWORD, running, signed_in

    d = _bureau(tmp_path)  # a bureau of its own: an office account makes the CLI's writing commands name it
    (d / "register.csv").write_bytes((dated / "register.csv").read_bytes())
    kaohe(d, "ingest", "register.csv")
    mp = pytest.MonkeyPatch()
    mp.setenv("KAOHE_LOAD_PLUGINS", "")  # the plugins the CLI loaded (office_bureau.env)
    reg = load_registry()
    mp.undo()
    bureau = load_bureau(d / "kaohe.toml", reg)
    with Store(bureau.database) as store:
        add_users(store, bureau, [("office", "考办甲", "考核办", "", PASSWORD)], "test")
    with running(bureau, reg) as base:
        c = signed_in(base, "office")
        status, form = c.json("/office/analysis.json")
        assert status == 200 and [(x["from"], x["note"]) for x in form["changes"]] == [("2015-07", "测公发〔2015〕7号"), ("2015-10", "台账检查改为季度抽查")]
        status, _, body = c.request(
            "/office/analysis/compare", {"csrf": c.csrf("/office/analysis"), "period": "2015", "undated": "1"}, {"Accept": "application/json"},
        )
        assert status == 200, body
        rows = {r["unit"]: r for r in json.loads(body)["series"][0]["units"]}
        assert [(rows[u]["total"], rows[u]["proposedTotal"]) for u in "ab"] == [("1174", "1202"), ("1191", "1188")]
