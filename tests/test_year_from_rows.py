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
from typing import Any

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


def _part(period: str, rows: list[tuple[str, str]]) -> Any:
    from kaohe.office.results import _Part

    return _Part(period, None, [(c, i, f"{period}:{i}", "0", 0, 0, 0, 0) for c, i in rows])  # type: ignore[arg-type]


def test_rows_are_paired_by_item_alike_for_units_of_one_shape_and_apart_for_others(monkeypatch: Any) -> None:
    """``_by_item``: each (category, item) by first appearance, with the months that have it and
    their rows in order; a unit of the same shape as one seen is paired by the same plan, one of
    another shape by its own, and the plans kept never grow past ``PLANS_KEPT``."""
    from kaohe.office import results

    plans: dict[tuple[Any, ...], Any] = {}
    a = [_part("01", [("c", "x"), ("c", "y")]), _part("02", [("c", "y"), ("d", "z"), ("c", "x")])]
    got = results._by_item(a, plans)
    assert [(cid, ps, [r[2] for r in rows]) for cid, ps, rows in got] == [
        ("c", ("01", "02"), ["01:x", "02:x"]),
        ("c", ("01", "02"), ["01:y", "02:y"]),
        ("d", ("02",), ["02:z"]),
    ]
    b = [_part("01", [("c", "x"), ("c", "y")]), _part("02", [("c", "y"), ("d", "z"), ("c", "x")])]
    b[1].rows[0] = ("c", "y", "other", "0", 1, 0, 0, 0)  # the same shape, other values: its own rows
    assert [rows for _, _, rows in results._by_item(b, plans)][1] == (b[0].rows[1], ("c", "y", "other", "0", 1, 0, 0, 0))
    assert len(plans) == 1
    d = [_part("01", [("c", "x"), ("c", "y")]), _part("02", [("c", "y"), ("d", "z"), ("e", "x")])]  # a's items, x in another category
    assert [(cid, ps, [r[2] for r in rows]) for cid, ps, rows in results._by_item(d, plans)] == [
        ("c", ("01",), ["01:x"]),
        ("c", ("01", "02"), ["01:y", "02:y"]),
        ("d", ("02",), ["02:z"]),
        ("e", ("02",), ["02:x"]),
    ]
    assert len(plans) == 2
    c = [_part("01", [("c", "y")]), _part("02", [("e", "y")])]  # the same item in another category: apart
    assert [(cid, ps) for cid, ps, _ in results._by_item(c, plans)] == [("c", ("01",)), ("e", ("02",))]
    assert len(plans) == 3
    monkeypatch.setattr(results, "PLANS_KEPT", 2)
    assert [(cid, ps) for cid, ps, _ in results._by_item(a[:1], plans)] == [("c", ("01",)), ("c", ("01",))]
    assert len(plans) == 1
