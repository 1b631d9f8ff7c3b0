"""The stored text of a unit's explanation tree, made faster than encoding ``explain.unit_data``.

``unit_json(u)`` is byte for byte ``store.dumps(explain.unit_data(u))`` (keys sorted, the same
separators): the tree is encoded in parts and the parts joined in key order, and the text of an item
without lines (most items of most units: nothing earned, nothing lost) is made once for all units
that share it.

With ``fold`` (the ids of the items whose rule makes a unit's lines from its own records alone,
``rules.base.lines_per_unit``), those items' record lines are folded (``folding.fold_stored``): a base
period's stored tree keeps their count and sum, and the lines are made again for one unit on demand
(kaohe.office.results.explanation).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Any

from ..core.decimals import fmt
from ..core.model import CategoryResult, ItemResult, Line, UnitResult
from .explain import _num, item_data, line_data, unit_fields
from .folding import Referred, fold_stored

_SAMPLE = ItemResult(
    item="d.x", title="标题 \"引号\"\n", department="部门", category="c", reference="第1条", window="2015-06",
    lines=(
        Line(Decimal("-0.50"), "理由\\", "k1", True, missing="2015-05"), Line(Decimal("-0"), "", None),
        Line(Decimal("1E+1"), "加分", "k2", flag="末位"),
    ),
    points=Decimal("-2.0"), uncapped=Decimal("-3"), direct_per_capita=True, note="封顶", veto=("否决", "v"), folded=3,
)
"""An item's result with every part ``item_data`` writes: ``TreeEncoder``'s own encoding of an item
with lines is used only where it gives this one's text as ``encode(item_data(...))`` does."""

_REFERRED = Referred(
    item="d.x", title="标题 \"引号\"\n", department="部门", category="c", reference="第1条", window="2015",
    lines=(Line(Decimal("0"), "[2015-05] ", None, True),), points=Decimal("-2.0"), uncapped=Decimal("-3"),
    direct_per_capita=True, note="封顶", veto=("否决", "v"), folded=3, count=4, records=2,
)
"""A ``Referred`` item with every part its encoding writes: ``TreeEncoder``'s own encoding of such
an item is used only where it gives this one's text as ``encode`` of its data does."""


def _join(head: str, key: str, parts: list[str], tail: str) -> str:
    """``head`` (an encoded object of the keys sorting before ``key``), ``key``'s list of encoded
    ``parts``, then ``tail`` (an encoded object of the keys sorting after it)."""
    return f'{head[:-1]}, "{key}": [{", ".join(parts)}], {tail[1:]}'


class TreeEncoder:
    """Encodes units' trees with ``encode`` (``store.dumps``); remembers the texts of empty items."""

    def __init__(self, encode: Callable[[Any], str], fold: Collection[str] = ()) -> None:
        self.encode = encode
        self.fold = fold
        self._empty: dict[tuple[ItemResult, bool, bool], str] = {}
        self._same: dict[int, tuple[ItemResult, str]] = {}
        self._fixed: dict[tuple[Any, ...], tuple[str, str, str, str, str]] = {}
        self._text: Callable[[Any], str] = json.encoder.encode_basestring
        self._fast = False
        self._fast = self._lined(_SAMPLE) == encode(item_data(_SAMPLE))
        self._fast_referred = False
        self._fast_referred = self._referred(_REFERRED) == encode({**item_data(_REFERRED), "lines": [], "lines_from": "parts"})

    def _parts(self, item: ItemResult) -> tuple[str, str, str, str, str] | None:
        """The parts of ``encode(item_data(item))`` that are the item's own (title, department …),
        encoded once for all units; None where one is not hashable (a list of vetoes)."""
        key = (item.item, item.title, item.department, item.reference, item.window, item.direct_per_capita, item.veto, item.note)
        try:
            fixed = self._fixed.get(key)
        except TypeError:
            return None
        enc = self.encode
        if fixed is None:
            fixed = self._fixed[key] = (
                f', "department": {enc(item.department)}, "direct_per_capita": {enc(item.direct_per_capita)}, ',
                f'"item": {enc(item.item)}, "lines": [',
                f'], "note": {enc(item.note)}, "points": ',
                f', "reference": {enc(item.reference)}, "title": {enc(item.title)}, "uncapped": ',
                f', "veto": {enc(list(item.veto))}, "window": {enc(item.window)}}}',
            )
        return fixed

    def _referred(self, item: Referred) -> str:
        """``encode`` of a ``Referred`` item's data, its lines its base periods' (``"lines_from":
        "parts"``), made in parts as ``_lined`` makes an item with lines."""
        fixed = self._parts(item)
        enc = self.encode
        if fixed is None:
            return enc({**item_data(item), "lines": [], "lines_from": "parts"})
        folded = f'"folded": {enc(item.folded)}, ' if item.folded else ""
        return (
            f'{{"carried": {"true" if item.carried else "false"}{fixed[0]}{folded}{fixed[1]}], "lines_from": "parts"'
            f"{fixed[2][1:]}{_number(item.points, enc)}{fixed[3]}{_number(item.uncapped, enc)}{fixed[4]}"
        )

    def _lined(self, item: ItemResult) -> str:
        """``encode(item_data(item))`` of an item with lines, made in parts (keys in sorted order): the
        parts that are the item's own (title, department …) encoded once for all units."""
        fixed = self._parts(item)
        enc = self.encode
        if fixed is None:  # a part that is not hashable (a list of vetoes): encoded whole
            return enc(item_data(item))
        text = self._text
        lines = []
        carried = False
        for ln in item.lines:
            reason, record, missing, points = ln.reason, ln.record, ln.missing, ln.points
            if ln.carried:
                carried = True
            lines.append(
                f'{{"carried": {"true" if ln.carried is True else "false" if ln.carried is False else enc(ln.carried)}'
                f'{f", {chr(34)}missing{chr(34)}: {enc(missing)}" if missing else ""}'
                f', "points": {f"{chr(34)}{fmt(points)}{chr(34)}" if type(points) is Decimal else _number(points, enc)}'
                f', "reason": {text(reason) if type(reason) is str else enc(reason)}'
                f', "record": {text(record) if type(record) is str else "null" if record is None else enc(record)}}}'
            )
        folded = f'"folded": {enc(item.folded)}, ' if item.folded else ""
        return (
            f'{{"carried": {"true" if carried else "false"}{fixed[0]}{folded}{fixed[1]}{", ".join(lines)}'
            f"{fixed[2]}{_number(item.points, enc)}{fixed[3]}{_number(item.uncapped, enc)}{fixed[4]}"
        )

    def item(self, item: ItemResult) -> str:
        seen = self._same.get(id(item))  # units share one empty result of an item (pipeline)
        if seen is not None and seen[0] is item:
            return seen[1]
        if isinstance(item, Referred):  # its lines are its base periods' (``folding.Referred``)
            return self._referred(item) if self._fast_referred else self.encode({**item_data(item), "lines": [], "lines_from": "parts"})
        if item.lines:
            if len(item.lines) > 1 and item.item in self.fold:  # one line: nothing to fold
                item = fold_stored(item)
            return self._lined(item) if self._fast and type(item) is ItemResult else self.encode(item_data(item))
        key = (item, item.points.is_signed(), item.uncapped.is_signed())  # 0 and -0: equal, printed apart
        text = self._empty.get(key)
        if text is None:
            text = self._empty[key] = self.encode(item_data(item))
        self._same[id(item)] = (item, text)
        return text

    def category(self, cat: CategoryResult) -> str:
        head = self.encode({"base": _num(cat.base), "category": cat.category, "explanation": cat.explanation})
        tail = self.encode({"name": cat.name, "raw": _num(cat.raw), "score": _num(cat.score), "top": _num(cat.top), "weight": _num(cat.weight)})
        return _join(head, "items", [self.item(i) for i in cat.items], tail)

    def unit(self, u: UnitResult) -> str:
        fields = unit_fields(u)
        head = self.encode({k: v for k, v in fields.items() if k < "categories"})
        tail = self.encode({k: v for k, v in fields.items() if k > "categories"})
        return _join(head, "categories", [self.category(c) for c in u.categories], tail)

    def unit_head(self, u: UnitResult, fields: Mapping[str, Any] | None = None) -> str:
        """The text of ``unit(u)`` up to its fields after the categories (the rank, the flags …):
        a unit's tree written before the units are ranked, completed by ``unit_tail``. ``fields``:
        ``unit_fields(u)``, made already."""
        head = self.encode({k: v for k, v in (unit_fields(u) if fields is None else fields).items() if k < "categories"})
        return f'{head[:-1]}, "categories": [{", ".join(self.category(c) for c in u.categories)}], '

    def unit_tail(self, u: UnitResult, fields: Mapping[str, Any] | None = None) -> str:
        """The rest of ``unit(u)`` after ``unit_head(u)``: ``unit_head(u) + unit_tail(u) == unit(u)``."""
        return self.encode({k: v for k, v in (unit_fields(u) if fields is None else fields).items() if k > "categories"})[1:]

    def same_head(self, u: UnitResult, stored: Mapping[str, Any], reused: Mapping[str, Mapping[str, ItemResult]]) -> bool:
        """Whether ``unit_head(u)`` is the head of the stored tree ``stored`` (decoded), found without
        encoding ``u``'s tree: its categories' own fields, its adjustments and carry-over, and each
        item either the very result ``reused`` holds for the unit (taken from that stored tree) or one
        whose data is the stored item's. Then the head is the stored text's (a rescoring of what
        changed writes only the units whose tree changed)."""
        if stored.get("carried") != u.carried or stored.get("adjustments") != [line_data(ln) for ln in u.adjustments]:
            return False
        cats = stored.get("categories", ())
        if len(cats) != len(u.categories):
            return False
        for c, dc in zip(u.categories, cats, strict=True):
            mine = (c.category, c.name, _num(c.base), _num(c.raw), _num(c.top), _num(c.weight), _num(c.score), c.explanation)
            if mine != tuple(dc.get(k) for k in ("category", "name", "base", "raw", "top", "weight", "score", "explanation")):
                return False
            items = dc.get("items", ())
            if len(items) != len(c.items):
                return False
            for i, di in zip(c.items, items, strict=True):
                if di.get("item") != i.item:
                    return False
                if reused.get(i.item, {}).get(u.unit) is i:
                    continue
                if item_data(fold_stored(i) if i.item in self.fold else i) != di:
                    return False
        return True


def _number(value: Decimal | None, enc: Callable[[Any], str]) -> str:
    """``enc(_num(value))``: a number's text (digits, point and sign, nothing to escape) quoted."""
    text = _num(value)
    return "null" if text is None else f'"{text}"' if type(value) is Decimal else enc(text)
