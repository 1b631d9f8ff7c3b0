"""A quarter's explanation folds each month's record lines into one line that refers to the month
(docs/readings.md, after "Quarters and half-years are the sum of their months"); the points and the
month's own explanation are unchanged."""

from __future__ import annotations

from decimal import Decimal

from kaohe.core.periods import Period
from kaohe.rules import PerOccurrence
from kaohe.scoring.folding import fold_lines, fold_result
from kaohe.scoring.pipeline import score
from kernel_helpers import a_stations, bureau, category, item, rec, source

JC, HC, CD = a_stations()
LATE = item("t.late", PerOccurrence(points=-1), title="到场超时")
RECORDS = (
    rec("t.late", "jincheng", "2015-03-25", key="L1", note="警情1"),  # April's window: 03-21 … 04-20
    rec("t.late", "jincheng", "2015-04-02", key="L2", note="警情2"),
    rec("t.late", "jincheng", "2015-05-05", key="L3", note="警情3"),  # May, alone
)


def _bureau():
    return bureau([LATE], [JC, HC, CD], [category("jichu", 100, base=100)])


def _late(result, uid):
    return next(i for c in result.unit(uid).categories for i in c.items if i.item == "t.late")


def test_the_month_keeps_every_record_line():
    april = score(_bureau(), Period.parse("2015-04"), source(*RECORDS))
    late = _late(april, "jincheng")
    assert [(ln.points, ln.reason, ln.record) for ln in late.lines] == [
        (Decimal(-1), "3月25日 警情1", "L1"),
        (Decimal(-1), "4月2日 警情2", "L2"),
    ]


def test_the_quarter_folds_a_months_record_lines_and_keeps_a_single_one():
    q2 = score(_bureau(), Period.parse("2015-Q2"), source(*RECORDS))
    late = _late(q2, "jincheng")
    # April: 2 records × −1 = −2, folded; May: 1 record, its own line; June: none. Item −3.
    assert [(ln.points, ln.reason, ln.record) for ln in late.lines] == [
        (Decimal(-2), "[2015-04] 2条记录合计-2分,逐条见2015-04的说明", None),
        (Decimal(-1), "[2015-05] 5月5日 警情3", "L3"),
    ]
    assert late.points == late.uncapped == Decimal(-3)
    # raw 100 − 3 = 97 in Q2 (April 98, May 99, June 100), against the top 100 of each month:
    # 98 + 99 + 100 = 297; the others 300
    assert [q2.unit(u).total for u in ("jincheng", "huacheng", "chengdong")] == [297, 300, 300]
    # units that score nothing on the item share one result
    assert _late(q2, "huacheng") is _late(q2, "chengdong")


def test_fold_result_drops_record_lines_but_not_points():
    april = score(_bureau(), Period.parse("2015-04"), source(*RECORDS))
    folded = fold_result(april)
    late = _late(folded, "jincheng")
    assert [(ln.points, ln.reason) for ln in late.lines] == [(Decimal(-2), "2条记录合计-2分,逐条见2015-04的说明")]
    assert fold_lines(late) == late.lines  # folding again changes nothing
    assert folded.unit("jincheng").total == april.unit("jincheng").total == 98
    assert _late(folded, "huacheng") is _late(folded, "chengdong")
