"""``kaohe compare`` and ``kaohe diagnose`` (issue 20) on a three-station bureau worked by hand.

Three categories, April 2015, natural months:

- 基础工作 jichu (weight 100, base 100, normalised: the top is 丙's 100, so score = raw):
  接警后未按时到场 −2 a time, 台账不规范 −1 a time;
- 打击 daji (weight 10, base 0, normalised: top 甲's 10): 破案 +5 a case;
- 其他 qita (weight 10, base 0, not normalised): 值班 +3 a time, capped at 3 (每单位两次, 6 → 3).

======  ==========================  ======  ====  =====
unit    records                     基础    打击   其他   total
======  ==========================  ======  ====  =====
甲 a    late ×2, case ×2, duty ×2    96      10    3     109
乙 b    late, minor, case, duty ×2   97      5     3     105
丙 c    duty ×2                      100     0     3     103
======  ==========================  ======  ====  =====

Ranks 甲 1, 乙 2, 丙 3 (丙 末位; pass mark 103: 丙 is not below it, no 整改).

The proposal ``categories.daji.weight=5``: 打击 = raw ÷ 10 × 5 → 甲 5, 乙 2.5, 丙 0; totals 甲 104,
乙 102.5, 丙 103: 甲 1, 丙 2, 乙 3 — 乙 and 丙 swap; 乙 is last and below 103 (末位, 整改单位), 丙 no
longer last. With ``award_places = 2``, 丙 enters the award places and 乙 leaves them. Ranks
(1,2,3) against (1,3,2): Spearman 1 − 6·2 ÷ (3·8) = 0.5; Kendall (2 concordant − 1 discordant) ÷ 3.
乙's move comes from 破案: its contribution 5 × 1 → 5 × 0.5, −2.5.

Effective weights under the scheme in force (n·Σxy − Σx·Σy, the common factor cancels): totals
(109, 105, 103): 3·33515 − 317² = 56. 基础 (96, 97, 100): 3·30949 − 293·317 = −34 → −34/56 =
−0.6071; 打击 (10, 5, 0): 3·1615 − 15·317 = 90 → 1.6071; 其他 (3, 3, 3): 0. Items of 基础 (score =
raw, factor 1): late (−4, −2, 0): 3·(−646) + 6·317 = −36 → −0.6429; minor (0, −1, 0): 3·(−105) +
317 = 2 → 0.0357 (−36 + 2 = −34). 值班 is at its cap for every unit: no weight, flat, 3 of 3 units
at the cap, 3 points lost each (9), records worth 6 at most, 3 above the cap. Nominal: 100/120 =
0.8333, 10/120 = 0.0833.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kaohe.report.analysis import kendall, spearman
from office_bureau import kaohe

CONFIG = """
[bureau]
name = "测试区公安分局"
cutoff_day = "end"

[scheme]
name = "测试考核办法"
decimals = 2

[[series]]
id = "s"
name = "派出所"
pass_mark = 103

[[categories]]
id = "jichu"
name = "基础工作"
weight = 100
base = 100

[[categories]]
id = "daji"
name = "打击"
weight = 10
base = 0

[[categories]]
id = "qita"
name = "其他"
weight = 10
base = 0
normalise = false

[[units]]
id = "a"
name = "甲派出所"
series = "s"
[[units]]
id = "b"
name = "乙派出所"
series = "s"
[[units]]
id = "c"
name = "丙派出所"
series = "s"

[[office_items]]
id = "office.late"
title = "接警后未按时到场"
category = "jichu"
shape = "per_occurrence"
params = { points = -2 }

[[office_items]]
id = "office.minor"
title = "台账不规范"
category = "jichu"
shape = "per_occurrence"
params = { points = -1 }

[[office_items]]
id = "office.case"
title = "破案"
category = "daji"
shape = "per_occurrence"
params = { points = 5 }

[[office_items]]
id = "office.duty"
title = "值班"
category = "qita"
shape = "per_occurrence"
params = { points = 3 }
cap = 3

[[office_items]]
id = "office.never"
title = "从未发生的事项"
category = "jichu"
shape = "per_occurrence"
params = { points = -5 }

[analysis]
award_places = 2
[analysis.blocks]
"打击" = ["daji"]
"基础" = ["jichu", "office.duty"]
"""

ROWS = [
    "L1,甲派出所,2015-04-03,office.late,,,", "L2,甲派出所,2015-04-09,office.late,,,",
    "L3,乙派出所,2015-04-10,office.late,,,", "M1,乙派出所,2015-04-12,office.minor,,,",
    "C1,甲派出所,2015-04-13,office.case,,,", "C2,甲派出所,2015-04-14,office.case,,,", "C3,乙派出所,2015-04-15,office.case,,,",
    *(f"D{u}{n},{name},2015-04-2{n},office.duty,,," for u, name in (("a", "甲派出所"), ("b", "乙派出所"), ("c", "丙派出所")) for n in (1, 2)),
]


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("analysis")
    (d / "kaohe.toml").write_text(CONFIG, encoding="utf-8")
    (d / "register.csv").write_text("编号,单位,日期,记录类型,数值,名称,说明\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    kaohe(d, "ingest", "register.csv")
    kaohe(d, "score", "2015-04", "-q")
    return d


def _digest(d: Path) -> str:
    """The database file's digest; SQLite's write-ahead log, if it is there, holds nothing."""
    wal = d / "kaohe.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    return hashlib.sha256((d / "kaohe.sqlite").read_bytes()).hexdigest()


def test_weight_change_swaps_two_ranks_and_stores_nothing(bureau: Path) -> None:
    before = _digest(bureau)
    out = kaohe(bureau, "compare", "2015-04", "--set", "categories.daji.weight=5", "--json")
    assert _digest(bureau) == before  # the database byte for byte as it was
    data = json.loads(out.stdout)
    s = data["series"][0]
    rows = {r["unit"]: r for r in s["units"]}
    assert [(rows[u]["total"], rows[u]["rank"]) for u in "abc"] == [("109", 1), ("105", 2), ("103", 3)]
    assert [(rows[u]["proposedTotal"], rows[u]["proposedRank"]) for u in "abc"] == [("104", 1), ("102.5", 3), ("103", 2)]
    assert [rows[u]["move"] for u in "abc"] == [0, -1, 1]
    assert rows["b"]["award"] == "退出" and rows["c"]["award"] == "进入" and rows["a"]["award"] == ""
    assert rows["b"]["lines"] == {"entered": ["末位", "整改单位"], "left": []}
    assert rows["c"]["lines"] == {"entered": [], "left": ["末位"]}
    assert rows["b"]["drivers"][0] == {"part": "item:office.case", "title": "破案", "change": "-2.5000"}
    assert s["spearman"] == "0.5000" and s["kendall"] == "0.3333"
    text = kaohe(bureau, "compare", "2015-04", "--set", "categories.daji.weight=5").stdout
    assert "乙派出所" in text and "↓1" in text and "退出评先名次" in text and "新增整改单位" in text
    assert _digest(bureau) == before


def test_an_item_switched_off_and_an_office_item_added(bureau: Path) -> None:
    # without 接警后未按时到场: 基础 甲 100, 乙 99 → 甲 113, 乙 107, 丙 103
    data = json.loads(kaohe(bureau, "compare", "2015-04", "--off", "office.late", "--json").stdout)
    rows = {r["unit"]: r for r in data["series"][0]["units"]}
    assert [rows[u]["proposedTotal"] for u in "abc"] == ["113", "107", "103"]
    # a new office item of −10 per 台账不规范 in 基础工作: 乙 97 − 10 = 87 → 95
    new = 'office_items."office.new"={ title = "新增扣分", category = "jichu", shape = "per_occurrence", reads = ["office.minor"], params = { points = -10 } }'
    data = json.loads(kaohe(bureau, "compare", "2015-04", "--set", new, "--json").stdout)
    rows = {r["unit"]: r for r in data["series"][0]["units"]}
    assert [rows[u]["proposedTotal"] for u in "abc"] == ["109", "95", "103"]
    assert rows["b"]["proposedRank"] == 3


def test_a_proposal_file(bureau: Path, tmp_path: Path) -> None:
    other = tmp_path / "proposal.toml"
    other.write_text(CONFIG.replace("weight = 10\nbase = 0\n\n[[categories]]\nid = \"qita\"", "weight = 5\nbase = 0\n\n[[categories]]\nid = \"qita\""), encoding="utf-8")
    data = json.loads(kaohe(bureau, "compare", "2015-04", "--proposal", str(other), "--json").stdout)
    assert [r["proposedTotal"] for r in data["series"][0]["units"]] == ["104", "102.5", "103"]  # in the order of the scheme in force: 甲 乙 丙


def test_effective_weights_worked_by_hand(bureau: Path) -> None:
    before = _digest(bureau)
    data = json.loads(kaohe(bureau, "diagnose", "2015-04", "--json").stdout)
    assert _digest(bureau) == before
    s = data["series"][0]
    cats = {c["category"]: c for c in s["categories"]}
    assert (cats["jichu"]["nominal"], cats["jichu"]["effective"]) == ("0.8333", "-0.6071")
    assert (cats["daji"]["nominal"], cats["daji"]["effective"]) == ("0.0833", "1.6071")
    assert cats["qita"]["effective"] == "0.0000" and s["other"] == "0.0000"
    items = {i["item"]: i for c in s["categories"] for i in c["items"]}
    assert items["office.late"]["effective"] == "-0.6429" and items["office.minor"]["effective"] == "0.0357"
    assert items["office.case"]["effective"] == "1.6071"
    # at its cap for every unit: no weight at all
    assert items["office.duty"]["effective"] == "0.0000" and items["office.duty"]["kind"] == "flat"
    sat = {r["item"]: r for r in data["saturation"]}["office.duty"]
    assert (sat["atCap"], sat["cases"], sat["lost"], sat["highest"], sat["aboveCap"]) == (3, 3, "9", "6", "3")
    assert [r["item"] for r in data["dead"]] == ["office.never"]
    assert [r["item"] for r in data["flat"]] == ["office.duty"]
    blocks = {b["block"]: b for b in s["blocks"]}
    assert (blocks["打击"]["nominal"], blocks["打击"]["effective"]) == ("0.0833", "1.6071")
    assert (blocks["基础"]["nominal"], blocks["基础"]["effective"]) == ("0.8333", "-0.6071")  # 值班 adds nothing
    assert any("值班" in t and "封顶" in t for t in data["sentences"]["saturation"])


def test_files_and_the_page(bureau: Path) -> None:
    kaohe(bureau, "diagnose", "2015-04", "--xlsx", "d.xlsx", "--html", "d.html")
    kaohe(bureau, "compare", "2015-04", "--set", "categories.daji.weight=5", "--xlsx", "c.xlsx", "--html", "c.html")
    from openpyxl import load_workbook

    wb = load_workbook(bureau / "c.xlsx")
    ws = wb.worksheets[0]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] == "乙派出所"]
    assert rows and rows[0][1:5] == (105, 2, Decimal("102.5"), 3) or rows[0][1:5] == (105, 2, 102.5, 3)
    page = (bureau / "d.html").read_text(encoding="utf-8")
    assert "方案诊断" in page and "实际权重" in page and "echarts" in page
    assert "http://" not in page.split("<script>")[0] and "src=\"http" not in page


@pytest.mark.parametrize(
    "setting, named",
    [
        ("categories.nosuch.weight=3", "categories.nosuch.weight"),
        ("categories.daji.weight=abc", "categories.daji.weight=abc"),
        ("categories.daji.wieght=5", "wieght"),
        ("nosuch.x=1", "nosuch.x"),
        ('items."office.nope".cap=3', "office.nope"),
        ("scheme.decimals=99", "scheme.decimals"),
        ("items.disable+=nosuch.item", "nosuch.item"),
        ("categories..weight=1", "categories..weight"),
    ],
)
def test_bad_overrides_refused_with_the_key(bureau: Path, setting: str, named: str) -> None:
    out = kaohe(bureau, "compare", "2015-04", "--set", setting, check=False)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误:") and named in lines[0], out.stderr
    assert "Traceback" not in out.stderr


def test_rank_correlations_worked_by_hand() -> None:
    a = {f"u{i}": Decimal(6 - i) for i in range(1, 6)}  # 5 4 3 2 1
    b = {"u1": Decimal(4), "u2": Decimal(5), "u3": Decimal(3), "u4": Decimal(1), "u5": Decimal(2)}
    assert spearman(a, b) == Decimal("0.8")  # 1 − 6·4 ÷ (5·24)
    assert kendall(a, b) == Decimal("0.6")  # (8 − 2) ÷ 10
    # ties: b = 3 3 2 1 against 4 3 2 1 — ρ = 4.5 ÷ √(5 · 4.5), τ-b = 5 ÷ √(6 · 5)
    a2 = {"u1": Decimal(4), "u2": Decimal(3), "u3": Decimal(2), "u4": Decimal(1)}
    b2 = {"u1": Decimal(3), "u2": Decimal(3), "u3": Decimal(2), "u4": Decimal(1)}
    assert Decimal(str(spearman(a2, b2))).quantize(Decimal("0.0001")) == Decimal("0.9487")
    assert Decimal(str(kendall(a2, b2))).quantize(Decimal("0.0001")) == Decimal("0.9129")


def _in_process(d: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object, object]:
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    return Store(bureau.database, readonly=True), bureau, registry


def test_stored_items_taken_as_they_are_give_the_same_result(bureau: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaohe.core.periods import Period
    from kaohe.office.analysis import Proposal, compare, diagnose

    store, b, registry = _in_process(bureau, monkeypatch)
    april = Period.parse("2015-04")
    for change in (Proposal(sets=("categories.daji.weight=5",)), Proposal(sets=('items."office.case".params.points=1',))):
        assert compare(store, b, registry, april, change) == compare(store, b, registry, april, change, reuse=False)  # type: ignore[arg-type]
    assert diagnose(store, b, registry, april, Proposal()) == diagnose(store, b, registry, april, Proposal(), reuse=False)  # type: ignore[arg-type]


def test_a_record_imported_after_scoring_counts(tmp_path: Path) -> None:
    """The stored results out of date: the scheme in force is scored from the records, not taken
    from them (丙 gains a case: 打击 丙 5 → total 108, 2nd)."""
    (tmp_path / "kaohe.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "register.csv").write_text("编号,单位,日期,记录类型,数值,名称,说明\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    kaohe(tmp_path, "ingest", "register.csv")
    kaohe(tmp_path, "score", "2015-04", "-q")
    (tmp_path / "more.csv").write_text("编号,单位,日期,记录类型,数值,名称,说明\nC9,丙派出所,2015-04-20,office.case,,,\n", encoding="utf-8")
    kaohe(tmp_path, "ingest", "more.csv")
    data = json.loads(kaohe(tmp_path, "compare", "2015-04", "--set", "categories.daji.weight=5", "--json").stdout)
    rows = {r["unit"]: r for r in data["series"][0]["units"]}
    assert (rows["c"]["total"], rows["c"]["rank"]) == ("108", 2)
    assert (rows["c"]["proposedTotal"], rows["c"]["proposedRank"]) == ("105.5", 1)  # 100 + 2.5 + 3


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="/usr/bin/chromium is not installed")
def test_the_pages_draw_their_charts_offline(bureau: Path) -> None:
    """Every section with a chart has it drawn (a canvas of some size), no request leaves the file,
    no error in the console."""
    from browser_support import ARGS, CHROMIUM
    from playwright.sync_api import sync_playwright

    kaohe(bureau, "diagnose", "2015-04", "--html", "d.html")
    kaohe(bureau, "compare", "2015-04", "--set", "categories.daji.weight=5", "--html", "c.html")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, charts in (("c.html", 1), ("d.html", 4)):  # d: weights, blocks, saturation, items
            page = b.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            requests: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto((bureau / name).as_uri())
            sizes = page.eval_on_selector_all(".chart", "els => els.map(e => { const c = e.querySelector('canvas'); return c ? [c.width, c.height] : null; })")
            assert len(sizes) == charts and all(s and s[0] > 200 and s[1] > 150 for s in sizes), sizes
            assert errors == [] and requests == [(bureau / name).as_uri()]
            page.close()
        b.close()


def test_a_proposal_file_with_other_units_is_scored_from_the_records(bureau: Path, tmp_path: Path) -> None:
    """A proposal whose units differ (丙 left out) is not given the stored items of the scheme in
    force: its units are scored from the records. Without 丙 the top of 基础 is 乙's 97: 甲 96 ÷ 97 ×
    100 = 98.97 (rounded half up), 乙 100; totals 甲 98.97 + 10 + 3 = 111.97, 乙 100 + 5 + 3 = 108 (末位)."""
    other = tmp_path / "proposal.toml"
    other.write_text(CONFIG.replace('[[units]]\nid = "c"\nname = "丙派出所"\nseries = "s"\n', ""), encoding="utf-8")
    data = json.loads(kaohe(bureau, "compare", "2015-04", "--proposal", str(other), "--json").stdout)
    rows = {r["unit"]: r for r in data["series"][0]["units"]}
    assert [(rows[u]["proposedTotal"], rows[u]["proposedRank"]) for u in "ab"] == [("111.97", 1), ("108", 2)]
    assert "末位" in rows["b"]["proposedFlags"] and data["onlyCurrent"] == ["c"]
