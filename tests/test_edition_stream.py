"""Two editions compared a unit at a time (``report.editions.diff_packed``): a province's payload decoded
whole is 1.5 GB in memory, so publishing a second edition and ``kaohe diff`` read each payload's units one
at a time from its compressed bytes (``core.canonical.Stream``). The differences are worked out by hand
below, and are those of ``diff`` on the decoded payloads."""

from __future__ import annotations

import json
import zlib
from decimal import Decimal
from typing import Any

import pytest
from kaohe.core.canonical import Stream, canonical, unpacked
from kaohe.report.editions import ItemChange, UnitChange, diff, diff_packed, why_packed


def _unit(uid: str, name: str, series: str, total: str, rank: int, items: list[dict[str, Any]], adjustments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "unit": uid, "name": name, "series": series, "total": total, "rank": rank, "adjustments": adjustments or [],
        "categories": [{"category": "jichu", "name": "基础工作", "items": items}],
    }


def _item(iid: str, points: str, lines: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "item": iid, "title": {"late": "出警迟到", "drill": "演练"}[iid], "department": "指挥中心", "points": points,
        "lines": [{"points": p, "reason": r, "record": None} for p, r in lines],
    }


def _payload(units: list[dict[str, Any]], **head: Any) -> dict[str, Any]:
    return {
        "format": 1, "period": "2015-04", "kind": "month", "bureau": "某局", "scheme": "方案",
        "config": {"file": "kaohe.toml", "sha256": "a" * 64}, "items": [{"id": "late"}, {"id": "drill"}], "plugins": [],
        "inputs": {"imports": [{"file": "警情.csv", "checksum": "c1"}], "records": 10, "voided": []},
        "adjustments": [], "appeals": [], "results": units, **head,
    }


# 第1版: 甲 (A) 96, two late arrivals −2 each; 乙 (A) 97; 丙 (B) 90, no longer in 第2版
FIRST = _payload([
    _unit("a1", "甲派出所", "A", "96", 2, [_item("late", "-4", [("-2", "迟到 L1"), ("-2", "迟到 L2")]), _item("drill", "0", [])]),
    _unit("b2", "乙派出所", "A", "97", 1, [_item("late", "-3", [("-3", "迟到 L3")]), _item("drill", "0", [])]),
    _unit("c3", "丙派出所", "B", "90", 1, [_item("late", "0", [])]),
])
# 第2版: L2 voided (甲 98, first), a 通知单 −0.5 for 乙 (96.5, second), 丁 (B) new; 丙 gone; one record voided
SECOND = _payload(
    [
        _unit("a1", "甲派出所", "A", "98", 1, [_item("late", "-2", [("-2", "迟到 L1")]), _item("drill", "0", [])]),
        _unit("b2", "乙派出所", "A", "96.5", 2, [_item("late", "-3", [("-3", "迟到 L3")]), _item("drill", "0", [])],
              [{"points": "-0.5", "reason": "通知单:台账问题"}]),
        _unit("d4", "丁派出所", "B", "88", 1, [_item("late", "0", []), _item("drill", "1", [("1", "演练 D1")])]),
    ],
    inputs={"imports": [{"file": "警情.csv", "checksum": "c1"}], "records": 10, "voided": ["late:L2"]},
)

BY_HAND = (
    UnitChange("a1", "甲派出所", "A", (Decimal("96"), Decimal("98")), (2, 1),
               (ItemChange("jichu", "late", "出警迟到", "指挥中心", Decimal("-4"), Decimal("-2"), ("-2 迟到 L2",), ()),), ((), ())),
    UnitChange("b2", "乙派出所", "A", (Decimal("97"), Decimal("96.5")), (1, 2), (), ((), ("-0.5 通知单:台账问题",))),
    UnitChange("c3", "丙派出所", "B", (Decimal("90"), None), (1, None),
               (ItemChange("jichu", "late", "出警迟到", "指挥中心", Decimal("0"), None, (), ()),), ((), ())),
    UnitChange("d4", "丁派出所", "B", (None, Decimal("88")), (None, 1),
               (ItemChange("jichu", "late", "出警迟到", "指挥中心", None, Decimal("0"), (), ()),
                ItemChange("jichu", "drill", "演练", "指挥中心", None, Decimal("1"), (), ("+1 演练 D1",))), ((), ())),
)


def _packed(payload: dict[str, Any]) -> bytes:
    return zlib.compress(canonical(payload))


def test_two_editions_compared_a_unit_at_a_time_say_what_was_worked_out_by_hand() -> None:
    got = diff_packed(_packed(FIRST), _packed(SECOND), 1, 2)
    assert (got.period, got.before, got.after) == ("2015-04", 1, 2)
    assert got.units == BY_HAND
    assert got.why == ("数据变化:记录由10条变为10条,作废的记录:late:L2",)
    assert got == diff(FIRST, SECOND, 1, 2)
    assert why_packed(_packed(FIRST), _packed(SECOND)) == list(got.why)
    assert diff_packed(_packed(SECOND), _packed(SECOND)).units == ()


def test_payloads_whose_units_are_not_in_the_order_of_their_ids_are_compared_whole() -> None:
    shuffled = dict(SECOND, results=list(reversed(SECOND["results"])))
    assert diff_packed(_packed(FIRST), _packed(shuffled), 1, 2).units == BY_HAND


@pytest.mark.parametrize("size", [1, 2, 3, 5, 64, 4096])
def test_a_payload_read_a_piece_at_a_time_is_the_payload(size: int) -> None:
    # pieces that split a number, a UTF-8 character (4 bytes: 𠀀), an escape and a literal
    doc = dict(SECOND, note="引号\"\\ 𠀀\u2028", big=123456789012345678901234567890, flag=False, none=None, empty={}, blank=[])
    raw = canonical(doc)
    stream = Stream(unpacked(zlib.compress(raw), size))
    out: dict[str, Any] = {}
    for key, value in stream.entries(["results", "blank"]):
        out[key] = list(value) if key in ("results", "blank") else value
    assert out == json.loads(raw)


def test_a_unit_left_unread_is_passed_over_and_a_broken_payload_is_refused() -> None:
    stream = Stream(unpacked(_packed(SECOND), 7))
    keys = []
    for key, value in stream.entries(["results"]):
        keys.append(key)
        if key == "results":
            assert next(value)["unit"] == "a1"  # the rest of the units left unread
    assert keys == sorted(SECOND)
    with pytest.raises(ValueError):
        list(Stream(unpacked(zlib.compress(canonical(SECOND)[:-40]), 5)).entries(["results"]))


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7])
def test_numbers_cut_by_a_piece_are_read_whole(size: int) -> None:
    """"1." of "1.5" is a number to the json module: a number is taken only where what follows it ends it."""
    doc = {"a": [1.5, -0.25, 2e10, 12345678, 0, 7.0], "b": 3.75, "c": -12, "results": [1.5, 22, 3e-5]}
    raw = canonical(doc)
    out: dict[str, Any] = {}
    for key, value in Stream(unpacked(zlib.compress(raw), size)).entries(["results"]):
        out[key] = list(value) if key == "results" else value
    assert out == json.loads(raw)


def test_a_payload_cut_short_is_refused_as_zlib_refuses_it() -> None:
    packed = _packed(SECOND)
    for cut in (1, 4, 40):
        with pytest.raises(zlib.error, match="incomplete or truncated stream"):
            zlib.decompress(packed[:-cut])
        with pytest.raises(zlib.error, match="incomplete or truncated stream"):
            b"".join(unpacked(packed[:-cut], 64))
    assert b"".join(unpacked(packed, 64)) == canonical(SECOND)
