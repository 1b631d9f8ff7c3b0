"""``score_year`` aggregates the quarters, halves and the year in one pass over the units (each unit's
stored months read and decoded once, ``results.aggregate_all``): what it stores is the same, row for
row, as scoring the months and then aggregating each longer period alone (``aggregate_stored``).

The three-station bureau of office_bureau.py, with a fourth station 丁派出所 opened on 2015-05-01
(natural months: it is in May to December only). Worked by hand: April 甲 96, 乙 97, 丙 100, every
other month 100 for every unit in it; quarters and halves are the sum of their months
(``aggregate = "sum"``), the year their mean (``year_method = "mean"``, 2 decimals):
2015-Q1 has no 丁; 2015-Q2 甲 96 + 100 + 100 = 296, 丁 100 + 100 = 200; 2015-H1 甲 596, 丁 200;
2015 甲 (11 × 100 + 96) / 12 = 99.666… → 99.67, 乙 (1100 + 97) / 12 = 99.75, 丁 800 / 8 = 100.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import office_bureau as ob

from kaohe.core.periods import Period
from kaohe.office.ingest import ingest
from kaohe.office.jobs import score_period, score_year
from kaohe.office.results import aggregate_stored
from kaohe.plugins.discovery import BUILTIN, get_plugin_manager, load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store

FOURTH = """
[[units]]
id = "d"
name = "丁派出所"
series = "s"
start = 2015-05-01
"""

LONGER = ["2015-Q1", "2015-Q2", "2015-Q3", "2015-Q4", "2015-H1", "2015-H2", "2015"]
TABLES = ("period_results", "scores", "explanations", "category_results", "item_results")


def bureau_in(d: Path) -> tuple[Any, Any, Store]:
    config = ob.make(d, FOURTH)
    registry = load_registry(get_plugin_manager(load_entrypoints=False, plugins=BUILTIN))
    bureau = load_bureau(config, registry).evolve(database=str(d / "kaohe.sqlite"))
    store = Store(bureau.database)
    report = ingest(store, bureau, registry, d / "register.csv")
    assert not report.rejected, [r.text() for r in report.rejected]
    return bureau, registry, store


def rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row of every period of 2015, by table, in the order stored (within a period)."""
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM [{t}] ORDER BY period, rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


def test_score_year_stores_what_aggregating_each_period_alone_stores(tmp_path: Path) -> None:
    bureau, registry, store = bureau_in(tmp_path / "year")
    with store:
        results = score_year(store, bureau, registry, 2015)
    totals = {r.period: {u.unit: u.total for u in r.units} for r in results}
    assert [r.period for r in results][12:] == LONGER
    assert totals["2015-Q1"] == {"a": 300, "b": 300, "c": 300}
    assert totals["2015-Q2"] == {"a": 296, "b": 297, "c": 300, "d": 200}
    assert totals["2015-H1"] == {"a": 596, "b": 597, "c": 600, "d": 200}
    assert totals["2015"] == {"a": Decimal("99.67"), "b": Decimal("99.75"), "c": 100, "d": 100}

    bureau2, registry2, alone = bureau_in(tmp_path / "alone")
    with alone:
        for m in range(1, 13):
            score_period(alone, bureau2, registry2, Period(2015, "month", m))
        for label in LONGER:
            aggregate_stored(alone, bureau2, registry2, Period.parse(label))
    one, other = rows(tmp_path / "year" / "kaohe.sqlite"), rows(tmp_path / "alone" / "kaohe.sqlite")
    for t in TABLES:
        assert one[t] == other[t], t
    assert {r[0] for r in one["scores"]} >= set(LONGER)
