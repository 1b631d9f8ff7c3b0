"""Stored results as the single source of what is shown (issue 18): ``kaohe ranking`` and ``kaohe
explain`` read what ``kaohe score`` stored and never re-score it while it is up to date; a stored
result made out of date (a correction imported, an adjustment, the configuration edited) is scored
again before it is shown (``[results] stale = "score"``) or shown with a one-line warning
(``"warn"``), never silently; and after a correction the stored quarter is brought up to date.

On the three-station bureau of office_bureau.py, worked by hand (base 100, 接警后未按时到场 −2 a
time; quarters are the sum of their months, ``scheme.aggregate = "sum"``): April 甲 96 (two late
arrivals), 乙 97, 丙 100; May and June have no record, so every unit has 100 in each; 2015-Q2 is
甲 96 + 100 + 100 = 296, 乙 297, 丙 300. A corrected register adds a third late arrival of 甲 (L4):
April 甲 94, and 2015-Q2 甲 294.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import office_bureau as ob
import pytest

CORRECTED = [*ob.APRIL, "L4,甲派出所,2015-04-20,office.late,,,到场超时"]


def stored_total(d: Path, period: str, unit: str = "a") -> Decimal:
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        row = db.execute("SELECT total FROM scores WHERE period = ? AND unit = ?", [period, unit]).fetchone()
        return Decimal(row[0])
    finally:
        db.close()


def runs(d: Path) -> int:
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])
    finally:
        db.close()


def ranked(d: Path, period: str) -> tuple[dict[str, Decimal], str]:
    out = ob.kaohe(d, "ranking", "--json", period)
    return {r["unit"]: Decimal(r["total"]) for r in json.loads(out.stdout)["ranking"]}, out.stderr


def correct(d: Path) -> None:
    """The department sends April's register again with one more record (a correction)."""
    (d / "fix.csv").write_text(ob.HEADER + "\n".join(CORRECTED) + "\n", encoding="utf-8")
    ob.kaohe(d, "ingest", "fix.csv")


@pytest.fixture()
def scored(tmp_path: Path) -> Path:
    ob.make(tmp_path)
    ob.kaohe(tmp_path, "ingest", "register.csv")
    ob.kaohe(tmp_path, "score", "2015-Q2")
    return tmp_path


def test_stored_results_are_read_not_rescored(scored: Path) -> None:
    d = scored
    assert stored_total(d, "2015-04") == 96 and stored_total(d, "2015-Q2") == 296
    assert stored_total(d, "2015-Q2", "b") == 297 and stored_total(d, "2015-Q2", "c") == 300
    before = runs(d)
    totals, err = ranked(d, "2015-Q2")
    assert totals == {"a": Decimal(296), "b": Decimal(297), "c": Decimal(300)} and err == ""
    tree = json.loads(ob.kaohe(d, "explain", "--json", "a", "2015-04").stdout)
    assert Decimal(tree["total"]) == 96
    assert [ln["record"] for c in tree["categories"] for i in c["items"] for ln in i["lines"]] == ["office.late:L1", "office.late:L2"]
    quarter = json.loads(ob.kaohe(d, "explain", "--json", "a", "2015-Q2").stdout)
    assert [(p["period"], Decimal(p["total"])) for p in quarter["parts"]] == [("2015-04", 96), ("2015-05", 100), ("2015-06", 100)]
    assert runs(d) == before  # nothing was scored again: the stored results were up to date


def test_a_correction_makes_the_stored_quarter_stale_and_ranking_scores_it_again(scored: Path) -> None:
    d = scored
    correct(d)
    totals, err = ranked(d, "2015-Q2")
    assert totals["a"] == 294
    # the command and the database agree: the quarter was scored again and stored
    assert stored_total(d, "2015-Q2") == 294 and stored_total(d, "2015-04") == 94
    tree = json.loads(ob.kaohe(d, "explain", "--json", "a", "2015-04").stdout)
    assert Decimal(tree["total"]) == 94


def test_scoring_the_corrected_month_brings_its_stored_quarter_up_to_date(scored: Path) -> None:
    d = scored
    correct(d)
    ob.kaohe(d, "score", "2015-04")
    assert stored_total(d, "2015-04") == 94
    assert stored_total(d, "2015-Q2") == 294  # not left at 296
    db = sqlite3.connect(d / "kaohe.sqlite")
    assert db.execute("SELECT count(*) FROM scores WHERE period IN ('2015-H1', '2015')").fetchone()[0] == 0
    db.close()


def test_scoring_a_longer_period_brings_the_stored_ones_sharing_its_months_up_to_date(scored: Path) -> None:
    """``kaohe score 2015-Q2`` after the correction: its stored half-year too (January-March 100 each
    for every unit, no record: 甲 100 × 3 + 94 + 100 + 100 = 594, not the 596 stored); then, after a
    second correction (a fourth late arrival of 甲, L5: April 92), ``kaohe score 2015`` brings the
    stored quarter and half-year up to date (甲 292 and 592) as it stores the year (the mean of the
    months, two decimals: (92 + 11 × 100) ÷ 12 = 99.333… → 99.33)."""
    d = scored
    ob.kaohe(d, "score", "2015-H1")
    assert stored_total(d, "2015-H1") == 596
    correct(d)
    ob.kaohe(d, "score", "2015-Q2")
    assert (stored_total(d, "2015-Q2"), stored_total(d, "2015-H1")) == (294, 594)
    assert stored_total(d, "2015-H1", "b") == 597 and stored_total(d, "2015-H1", "c") == 600
    (d / "again.csv").write_text(ob.HEADER + "\n".join([*CORRECTED, "L5,甲派出所,2015-04-22,office.late,,,到场超时"]) + "\n", encoding="utf-8")
    ob.kaohe(d, "ingest", "again.csv")
    ob.kaohe(d, "score", "2015")
    assert stored_total(d, "2015") == Decimal("99.33") and stored_total(d, "2015-04") == 92
    assert (stored_total(d, "2015-Q2"), stored_total(d, "2015-H1")) == (292, 592)
    db = sqlite3.connect(d / "kaohe.sqlite")  # those never scored are not stored by it
    assert db.execute("SELECT count(*) FROM scores WHERE period IN ('2015-Q1', '2015-Q3', '2015-H2')").fetchone()[0] == 0
    db.close()
    _, err = ranked(d, "2015-H1")
    assert err == ""  # up to date: shown as stored, no warning


def test_warn_mode_shows_the_stored_result_and_says_it_is_out_of_date(tmp_path: Path) -> None:
    d = tmp_path
    ob.make(d, '\n[results]\nstale = "warn"\n')
    ob.kaohe(d, "ingest", "register.csv")
    ob.kaohe(d, "score", "2015-Q2")
    correct(d)
    totals, err = ranked(d, "2015-Q2")
    assert totals["a"] == 296  # the stored result, as stored
    lines = [ln for ln in err.splitlines() if ln]
    assert len(lines) == 1 and "2015-Q2 保存的计算结果已过时" in lines[0] and "导入" in lines[0]
    assert "kaohe score 2015-Q2" in lines[0]
    assert stored_total(d, "2015-Q2") == 296  # nothing written
    ob.kaohe(d, "score", "2015-Q2")
    totals, err = ranked(d, "2015-Q2")
    assert totals["a"] == 294 and err == ""


def test_an_adjustment_or_an_edited_configuration_makes_the_stored_result_stale(tmp_path: Path) -> None:
    d = tmp_path
    ob.make(d, '\n[results]\nstale = "warn"\n')
    ob.kaohe(d, "ingest", "register.csv")
    ob.kaohe(d, "score", "2015-04")
    ob.kaohe(d, "adjust", "add", "2015-04", "乙派出所", "2", "--reason", "通知单加分", "--approved-by", "考核办")
    _, err = ranked(d, "2015-04")
    assert "已过时" in err and "调整" in err
    ob.kaohe(d, "score", "2015-04")
    assert stored_total(d, "2015-04", "b") == 99  # 97 + 2
    _, err = ranked(d, "2015-04")
    assert err == ""
    # an adjustment of a later month does not touch April
    ob.kaohe(d, "adjust", "add", "2015-05", "乙派出所", "1", "--reason", "通知单加分", "--approved-by", "考核办")
    assert ranked(d, "2015-04")[1] == ""
    config = d / "kaohe.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("decimals = 2", "decimals = 3"), encoding="utf-8")
    _, err = ranked(d, "2015-04")
    assert "已过时" in err and "配置文件" in err


def test_a_store_being_written_shows_the_fresh_result_and_says_it_is_not_stored(scored: Path) -> None:
    d = scored
    correct(d)
    writer = sqlite3.connect(d / "kaohe.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another command holds the write lock: a ranking never waits for it
    try:
        totals, err = ranked(d, "2015-Q2")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert totals["a"] == 294
    lines = [ln for ln in err.splitlines() if ln]
    assert len(lines) == 1 and "已过时" in lines[0] and "未能保存" in lines[0]
    assert stored_total(d, "2015-Q2") == 296


def test_scoring_an_unchanged_month_again_leaves_its_stored_quarter_alone(scored: Path) -> None:
    """The month scored again gives the same results (the same digest): the stored quarter,
    aggregated from exactly those, is still up to date and is not aggregated again."""
    d = scored
    db = sqlite3.connect(d / "kaohe.sqlite")
    quarter_runs = "SELECT count(*) FROM runs WHERE period = '2015-Q2'"
    before = db.execute(quarter_runs).fetchone()[0]
    ob.kaohe(d, "score", "2015-04")
    assert db.execute(quarter_runs).fetchone()[0] == before
    assert ranked(d, "2015-Q2") == ({"a": Decimal(296), "b": Decimal(297), "c": Decimal(300)}, "")
    assert db.execute(quarter_runs).fetchone()[0] == before
    db.close()
