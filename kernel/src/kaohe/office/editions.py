"""The published editions (``kaohe editions``) and the difference between two of them (``kaohe
diff``)."""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..core.errors import KaoheError
from ..core.periods import Period
from ..report.editions import Diff, diff_packed
from .plugin_editions import PluginEdition
from .plugin_editions import editions as plugin_editions
from .session import Office

EDITION = re.compile(r"^\s*(?P<period>[^#第\s]+?)\s*(?:(?:#|第)\s*(?P<number>\d+)\s*版?)?\s*$")


@attrs.frozen
class EditionRef:
    text: str
    """As the user wrote it."""
    period: str
    number: int | None
    """None: the latest edition of the period."""


def edition_ref(text: str) -> EditionRef:
    """``2015-04#2`` or ``2015-04第2版`` → 2015-04, 2; ``2015-04`` → 2015-04, None: the latest."""
    m = EDITION.match(text)
    if not m:
        raise KaoheError(f"无法识别的通报版本 {text!r}:应为 2015-04#2(2015年4月第2版)或 2015-04(最新一版)")
    period = Period.parse(m.group("period")).label
    number = m.group("number")
    if number and (len(number.lstrip("0")) > 9 or int(number) < 1):
        raise KaoheError(f"通报版本号 {number} 无效:应为 1 起的版本序号(用 kaohe editions 查看已发布的版本)")
    return EditionRef(text, period, int(number) if number else None)


def listing(office: Office, period: Period | None = None) -> list[dict[str, Any]]:
    """The editions of ``period`` (of every period when None), oldest first."""
    with office.store(readonly=True) as store:
        return store.editions(period.label if period else None)


def plugin_listing(office: Office, period: Period | None = None) -> list[PluginEdition]:
    """The plugins' own editions of ``period`` (of every period when None), oldest first
    (kaohe.office.plugin_editions: e.g. a unit's officer results published inside it and filed)."""
    with office.store(readonly=True) as store:
        return plugin_editions(store, period=period.label if period else None)


def compare(office: Office, before: EditionRef, after: EditionRef) -> Diff:
    """The difference between two editions of one period."""
    with office.store(readonly=True) as store:
        a, b = store.edition_packed(before.period, before.number), store.edition_packed(after.period, after.number)
    for ref, e in ((before, a), (after, b)):
        if e is None:
            raise KaoheError(f"没有通报版本 {ref.text}:用 kaohe editions 查看已发布的版本")
    assert a is not None and b is not None
    if before.period != after.period:
        raise KaoheError(f"只能比较同一期间的两版通报,得到 {before.period} 与 {after.period}")
    return diff_packed(a["packed"], b["packed"], a["number"], b["number"])
