"""Assessment items (考核项目): declared by a department's plugin or by the office's configuration."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..core.errors import RuleError
from ..core.periods import MONTHS_PER, Period
from ..rules import Rule
from ..rules.base import dec_or_none

CADENCES = {"monthly": "month", "quarterly": "quarter", "half-yearly": "half", "yearly": "year"}
CADENCE_NAMES = {"monthly": "每月", "quarterly": "每季度", "half-yearly": "每半年", "yearly": "每年"}
_NAMED_MONTH = re.compile(r"^month:(\d{1,2})$")
_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")


def _check_cadence(_: object, __: object, value: str) -> None:
    if value in CADENCES:
        return
    m = _NAMED_MONTH.match(value)
    if m and 1 <= int(m.group(1)) <= 12:
        return
    raise RuleError(f"考核频次应为 {'、'.join(CADENCES)} 或 month:N(指定月份,如 month:11),得到 {value!r}")


def _check_id(_: object, __: object, value: str) -> None:
    if not _ID.match(value):
        raise RuleError(f"项目编号应为“命名空间.名称”形式的小写英文(如 zhihui110.arrival_late),得到 {value!r}")


_RULE_CLASSES: set[type] = set()
"""The classes whose instances are rules (checked once a class: a protocol's ``isinstance`` is slow,
and every plugin's item is checked whenever the plugins are loaded)."""


def _check_rule(item: Item, _: object, value: Rule) -> None:
    if type(value) in _RULE_CLASSES:
        return
    if isinstance(value, type) or not isinstance(value, Rule):
        raise RuleError(
            f"考核项目 {item.id} 的 rule 应为规则对象(如 rules.PerOccurrence(points=-1)),得到 {value!r}"
        )
    if isinstance(type(value), Rule):  # the class itself has every member: so has each of its instances
        _RULE_CLASSES.add(type(value))


@attrs.frozen
class ReportField:
    """An attribute a unit fills when it reports its own work (a record attribute of the item's kind)."""

    name: str
    """The attribute's key in the record (``level``)."""
    title: str
    """What the form calls it (``录用级别``)."""
    choices: tuple[str, ...] = ()
    """The values allowed (empty: any text)."""
    required: bool = True


@attrs.frozen
class SelfReport:
    """How units report an item's work themselves (issue 17 point 3): the record kind an accepted
    entry becomes (None: the item's first kind), the attributes the form asks for, and whether it
    asks for a number (``value``, e.g. a count)."""

    kind: str | None = None
    fields: tuple[ReportField, ...] = ()
    value: str = ""
    """The form's title of the record's number (empty: the form asks for none)."""

    def kind_of(self, item: Item) -> str:
        return self.kind or item.reads[0]


@attrs.frozen
class Item:
    """One scoring rule of a department, as the seed writes it."""

    id: str = attrs.field(validator=_check_id)
    """Namespaced id: ``<plugin>.<name>`` (``zhihui110.arrival_late``)."""
    title: str
    """Chinese title in the seed's wording."""
    department: str
    """The department that supplies the data and answers for the item (``110指挥中心``)."""
    category: str
    """The scheme category it scores into (``jichu`` for 基础工作建设)."""
    reference: str
    """The seed passage: file and line or article (``seed 000 l.548``), for the plugin's authors."""
    reads: tuple[str, ...] = attrs.field(converter=tuple)
    """The record kinds it reads (``zhihui110.dispatch``)."""
    rule: Rule = attrs.field(validator=_check_rule)
    cadence: str = attrs.field(default="monthly", validator=_check_cadence)
    cap: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    """Upper bound on the item's points per window (加分最高不超过20分)."""
    floor: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    """Lower bound on the item's points per window."""
    direct_per_capita: bool = False
    """The item acts on the per-capita score (直接扣人均分): see docs/readings.md."""
    text: str = ""
    """The seed's sentence, quoted, for the office to check the rule against its regulation."""
    plugin: str = ""
    """The plugin that declared it (filled in by the kernel); ``office`` for the bureau's own items."""
    document: str = ""
    """The regulation the item implements, by the key a bureau names it under in its configuration
    (``[regulations.<key>]``: title, 文号, date), e.g. ``jintan_2015``."""
    article: str = ""
    """Where in that regulation, as a station finds it: ``第十一条(四)1``, ``附件二第3项``."""
    citation: str = ""
    """The item's source as stations read it, ``《派出所绩效考核制度》第十一条(四)1``: filled in by
    the kernel from the bureau's ``[regulations]`` (kaohe.scheme.config)."""
    self_report: SelfReport | None = None
    """Units may report this item's work themselves on the site, the department reviewing each entry
    (None: not open to self-reports). A plugin declares it; a bureau sets it with ``[items."<id>"]
    self_report`` (kaohe.scheme.config)."""

    @property
    def basis(self) -> str:
        """What the item cites where a station reads it (依据 …): the citation, else the article,
        else the seed passage of an item that names no article."""
        return self.citation or self.article or self.reference

    @property
    def namespace(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def cadence_name(self) -> str:
        m = _NAMED_MONTH.match(self.cadence)
        return f"每年{m.group(1)}月" if m else CADENCE_NAMES[self.cadence]

    def window(self, period: Period) -> Period | None:
        """The window the item is evaluated over when scoring the base ``period``, or None when the
        item is not due in it. An item is due in the base period that ends its cadence window;
        a cadence shorter than the base period is evaluated over the whole base period."""
        m = _NAMED_MONTH.match(self.cadence)
        if m:
            month = Period(period.year, "month", int(m.group(1)))
            return month if period.contains(month) else None
        kind = CADENCES[self.cadence]
        if MONTHS_PER[kind] <= MONTHS_PER[period.kind]:
            return period
        window = period.months()[-1].containing(kind)
        return window if window.ends_with(period.months()[-1]) else None

    def with_rule(self, rule: Rule) -> Item:
        return attrs.evolve(self, rule=rule)


def according(basis: str) -> str:
    """``依据《派出所绩效考核制度》第七条(一)``, as explanations and messages write an item's
    :attr:`Item.basis`; one that is not a citation follows after a space (``依据 seed 000 l.548``)."""
    return f"依据{basis}" if basis.startswith("《") else f"依据 {basis}"


_SEED_LINE = re.compile(r"\bl\.(\d+)")


def cite(items: Iterable[Item], document: str, articles: Mapping[int, str]) -> list[Item]:
    """The items with ``document`` and each one's ``article`` set from ``articles``, a table of the
    seed's line numbers (the first ``l.N`` of the item's ``reference``) to the regulation's article
    (``{620: "第十一条(四)1"}``): a plugin keeps its seed lines for its authors and gives stations the
    article. An item whose line is not in the table raises ``RuleError`` naming it."""
    out = []
    for item in items:
        m = _SEED_LINE.search(item.reference)
        if m is None or int(m.group(1)) not in articles:
            raise RuleError(f"考核项目 {item.id} 的出处 {item.reference!r} 没有对应的条款(articles 表中无此行号)")
        out.append(attrs.evolve(item, document=document, article=articles[int(m.group(1))]))
    return out


def _kinds(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class ItemSet:
    """A department's defaults for its items, and the factory that makes them: a plugin writes
    ``ITEM = ItemSet("jiaoxunjing", "交巡警大队", category="jichu")`` once and then
    ``ITEM.item("fatal_hit_run", "协助侦破死亡逃逸交通事故", 644, ASSIST, rule, text)`` per item, instead of a
    private ``_item`` function of its own. Every default can be overridden per item by keyword."""

    namespace: str
    """The plugin's name, the first part of each item id (``jiaoxunjing``)."""
    department: str
    """The department that supplies the data (``交巡警大队``)."""
    category: str = ""
    """The scheme category the items score into (``jichu``)."""
    reads: tuple[str, ...] = attrs.field(default=(), converter=_kinds)
    """The record kinds an item reads when it names none."""
    cadence: str = "monthly"
    seed: str = "seed 000"
    """The seed text the line numbers refer to: ``reference`` is ``"{seed} l.{line}"``."""

    def id(self, name: str) -> str:
        """``namespace.name``: an item's id, or a record kind's."""
        return f"{self.namespace}.{name}"

    def item(self, name: str, title: str, line: int | str, reads: str | Iterable[str] | None, rule: Rule,
             text: str = "", **fields: Any) -> Item:
        """An :class:`Item` ``namespace.name`` citing ``seed`` line ``line`` (``644`` or
        ``"620-622"``), reading the record kinds ``reads`` (one kind, several, or None for the set's
        ``reads``), with the set's department, category and cadence unless ``fields`` (any other
        field of ``Item``: ``cadence``, ``cap``, ``direct_per_capita`` …) say otherwise."""
        defaults: dict[str, Any] = {
            "department": self.department, "category": self.category, "cadence": self.cadence,
            "reads": _kinds(reads) if reads is not None else self.reads,
        }
        return Item(id=self.id(name), title=title, reference=f"{self.seed} l.{line}", rule=rule, text=text,
                    **{**defaults, **fields})
