"""Issue 18: the quarters, halves and the year aggregated from the stored months' rows
(``results.aggregate_all``: most items merged from their rows of ``item_results`` without the months'
results made) store what a fresh scoring of each period gives, where the months do not list the same
items (a dated change switches one off from October: the year's and the second half's months are not
paired row by row).

The bureau of test_dated_changes.py, worked by hand there: 甲 100 a month January-June, 95 from July
(the quota raised to 3, one case short: −5); 乙 99 a month (one 台账不规范, −1) until September, 100
from October (台账不规范 off). Quarters, halves and the year the sum of their months, the year with
甲's 表彰 (+4 under December's version).
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

from test_dated_changes import dated  # noqa: F401  (the module's fixture)

from kaohe.core.periods import Period
from kaohe.office.jobs import score_period, score_year
from kaohe.office.results import stored_unit
from kaohe.plugins.discovery import load_registry
from kaohe.scheme.config import load_bureau
from kaohe.scoring.treejson import TreeEncoder
from kaohe.store.store import Store, dumps

LONGER = ["2015-Q1", "2015-Q2", "2015-Q3", "2015-Q4", "2015-H1", "2015-H2", "2015"]


def test_longer_periods_from_rows_equal_a_fresh_scoring_where_months_list_other_items(tmp_path: Path, dated: Path) -> None:  # noqa: F811
    d = tmp_path / "b"
    shutil.copytree(dated, d)
    registry = load_registry()
    bureau = load_bureau(d / "kaohe.toml", registry)
    with Store(bureau.database) as store:
        results = {r.period: r for r in score_year(store, bureau, registry, 2015)}
        totals = {p: {u.unit: u.total for u in results[p].units} for p in LONGER}
        assert totals["2015-Q3"] == {"a": 285, "b": 297}
        assert totals["2015-Q4"] == {"a": 285, "b": 300}
        assert totals["2015-H2"] == {"a": 570, "b": 597}
        assert totals["2015"] == {"a": Decimal("1174"), "b": Decimal("1191")}
        trees = TreeEncoder(dumps)
        for label in LONGER:
            period = Period.parse(label)
            fresh = score_period(store, bureau, registry, period, save=False)
            stored = {u.unit: trees.unit(r) for u in fresh.units if (r := stored_unit(store, period, u.unit)) is not None}
            assert stored == {u.unit: trees.unit(u) for u in fresh.units}, label
        # 乙's 台账不规范 in the year: its nine months' lines (July-September under the new quota
        # too), −1 each; the stored tree refers to them, its row counts them
        tree = json.loads(store.unit_trees("b", ["2015"])[0][1])
        minor = next(i for c in tree["categories"] for i in c["items"] if i["item"] == "office.minor")
        assert (minor["points"], minor["lines_from"]) == ("-9", "parts")
        row = store.db.execute(
            "SELECT points, lines, records FROM item_results WHERE period = '2015' AND unit = 'b' AND item = 'office.minor'"
        ).fetchone()
        assert tuple(row) == ("-9", 9, 9)
