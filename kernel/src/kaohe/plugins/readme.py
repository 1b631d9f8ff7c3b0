"""A plugin README's tables of items and columns, generated from its ``Item``s and ``Column``s.

A README marks each generated table between two HTML comments; everything outside them is the
department's hand-written prose and is kept as it is::

    <!-- kaohe:items category=jichu cadence=monthly -->

    | 项目编号 | 项目 | 分值 | 周期 | 数据来源 | 出处 |
    …

    <!-- /kaohe:items -->

    <!-- kaohe:columns adapter=zhian.events -->

    | 列名 | 类型 | 必填 | 说明 | 也可写作 |
    …

    <!-- /kaohe:columns -->

An items block lists the plugin's items, in the order the plugin declares them, optionally only
those of one ``category`` and/or one ``cadence`` (``monthly``, ``quarterly``, ``month:11`` …); a
columns block lists one adapter's columns. ``kaohe plugins --readme NAMESPACE`` prints the tables,
with ``--update README.md`` it rewrites the marked blocks of that file (docs/plugin-guide.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..contract.adapters import TYPE_NAMES, Adapter, Column
from ..contract.items import Item
from ..contract.registry import Registry
from ..core.decimals import fmt
from ..core.errors import KaoheError

ITEM_HEADER = ("项目编号", "项目", "分值", "周期", "数据来源", "出处")
COLUMN_HEADER = ("列名", "类型", "必填", "说明", "也可写作")
_BLOCK = re.compile(
    r"(?P<open><!-- kaohe:(?P<kind>items|columns)(?P<args>[^>]*?)\s*-->)\n(?P<body>.*?)(?P<close><!-- /kaohe:(?P=kind) -->)",
    re.S,
)
_ARG = re.compile(r"(\w+)=(\S+)")
MAX_CHOICES = 12
"""A column's allowed values are listed in its row up to this many."""
_ITEM_FILTERS = ("category", "cadence", "adapter")


class ReadmeError(KaoheError):
    """A marked block that names no adapter of the plugin, or an unknown filter."""


def _cell(text: str) -> str:
    """A table cell's text: one line, with the table's separator escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table(header: tuple[str, ...], rows: Iterable[Iterable[str]]) -> str:
    lines = [_row(header), "| " + " | ".join("---" for _ in header) + " |"]
    lines += [_row(r) for r in rows]
    return "\n".join(lines)


def points(item: Item) -> str:
    """The item's rule as the seed's points (``每次 -20 分``), with its cap and floor."""
    text = item.rule.describe()
    if item.cap is not None:
        text += f";最高 {fmt(item.cap)} 分"
    if item.floor is not None:
        text += f";最低 {fmt(item.floor)} 分"
    for modifier in getattr(item.rule, "modifiers", ()):
        if getattr(modifier, "label", ""):
            text += f"({modifier.label})"
    if item.direct_per_capita:
        text += ";直接加减人均分"
    return text


def source(item: Item, adapters: Iterable[Adapter]) -> str:
    """Which export the item reads: the adapter's title, and the values a rule's ``match`` keeps
    (``治安大队考核事项登记表:事项类别“场所未按规定检查”``)."""
    match = getattr(item.rule, "match", None) or {}
    out = []
    for ad in adapters:
        if not _reads(item, ad):
            continue
        names = {c.key: c.name for c in ad.columns}
        kept = [
            f"{names[key]}" + "、".join(f"“{v}”" for v in values)
            for key, values in match.items()
            if key in names
        ]
        out.append(ad.title + (":" + ";".join(kept) if kept else ""))
    return ";".join(out) or "、".join(item.reads)


def citation(item: Item) -> str:
    """Where the item comes from: the regulation's article and the seed passage
    (``第十一条(二)1(seed 000 l.566)``), or the seed passage alone."""
    if item.citation:
        return item.citation
    if item.article and item.reference:
        return f"{item.article}({item.reference})"
    return item.article or item.reference


def items_table(items: Iterable[Item], adapters: Iterable[Adapter]) -> str:
    """One row per item; where the items come from more than one department (局办公室, 信息中心 …),
    a column says which supplies the data."""
    adapters, items = list(adapters), list(items)
    if len({i.department for i in items}) > 1:
        header = (*ITEM_HEADER[:2], "数据提供", *ITEM_HEADER[2:])
        return _table(
            header,
            (
                (f"`{i.id}`", i.title, i.department, points(i), i.cadence_name, source(i, adapters), citation(i))
                for i in items
            ),
        )
    return _table(
        ITEM_HEADER,
        ((f"`{i.id}`", i.title, points(i), i.cadence_name, source(i, adapters), citation(i)) for i in items),
    )


def column_help(column: Column) -> str:
    """The column's help, and the values it allows where the help does not name them."""
    help_, choices = column.help, column.choices
    # a help that names them already is enough; a long list (60 事项类别) has its own table in the README
    if choices and len(choices) <= MAX_CHOICES and not all(c in help_ for c in choices):
        help_ = (help_ + ";" if help_ else "") + "可填:" + "、".join(choices)
    return help_


def columns_table(adapter: Adapter) -> str:
    return _table(
        COLUMN_HEADER,
        (
            (c.name, TYPE_NAMES[c.type], "必填" if c.required else "可选", column_help(c), "、".join(c.aliases))
            for c in adapter.columns
        ),
    )


def _args(text: str, where: str) -> dict[str, str]:
    args = dict(_ARG.findall(text))
    rest = _ARG.sub("", text).strip()
    if rest:
        raise ReadmeError(f"{where}:标记中无法识别 {rest!r},应写作 键=值(如 category=jichu)")
    return args


def _reads(item: Item, adapter: Adapter) -> bool:
    return any(kind in adapter.kinds or kind.split(".", 1)[0] in adapter.kinds for kind in item.reads)


def select(items: Iterable[Item], args: dict[str, str], adapters: Iterable[Adapter], where: str) -> list[Item]:
    """The items a block lists: those of its ``category`` and ``cadence``, and reading the export
    of its ``adapter``."""
    unknown = sorted(set(args) - set(_ITEM_FILTERS))
    if unknown:
        raise ReadmeError(f"{where}:项目表只能按 {'、'.join(_ITEM_FILTERS)} 筛选,得到 {'、'.join(unknown)}")
    fields = {k: v for k, v in args.items() if k != "adapter"}
    chosen = [i for i in items if all(getattr(i, key) == value for key, value in fields.items())]
    if "adapter" in args:
        ad = {a.id: a for a in adapters}.get(args["adapter"])
        if ad is None:
            raise ReadmeError(f"{where}:没有数据格式 {args['adapter']}")
        chosen = [i for i in chosen if _reads(i, ad)]
    return chosen


def tables(registry: Registry, plugin: str) -> str:
    """All the plugin's items in one table, then one table of columns per adapter, each under its
    title: what ``kaohe plugins --readme NAMESPACE`` prints."""
    if plugin not in registry.plugins or registry.plugins[plugin].error:
        raise ReadmeError(f"没有已加载的插件 {plugin}(kaohe plugins 列出已安装的插件)")
    adapters = registry.adapters_of(plugin)
    parts = ["## 考核项目", "", items_table(registry.items_of(plugin), adapters)]
    for ad in adapters:
        parts += ["", f"### {ad.title}(`{ad.id}`)", "", columns_table(ad)]
    return "\n".join(parts) + "\n"


def update(text: str, registry: Registry, plugin: str, name: str = "README.md") -> str:
    """``text`` with each marked block regenerated from the registry; the rest kept as it is."""
    if plugin not in registry.plugins or registry.plugins[plugin].error:
        raise ReadmeError(f"没有已加载的插件 {plugin}(kaohe plugins 列出已安装的插件)")
    items = registry.items_of(plugin)
    adapters = registry.adapters_of(plugin)
    by_id = {a.id: a for a in adapters}

    def block(m: re.Match[str]) -> str:
        line = text.count("\n", 0, m.start()) + 1
        where = f"{name} 第{line}行"
        args = _args(m.group("args"), where)
        if m.group("kind") == "items":
            body = items_table(select(items, args, adapters, where), adapters)
        else:
            ad = by_id.get(args.get("adapter", ""))
            if ad is None or set(args) != {"adapter"}:
                raise ReadmeError(
                    f"{where}:列表应写作 adapter=数据格式编号,插件 {plugin} 的数据格式有 {'、'.join(by_id)}"
                )
            body = columns_table(ad)
        # blank lines around the table: a Markdown renderer then reads the comments as their own blocks
        return f"{m.group('open')}\n\n{body}\n\n{m.group('close')}"

    return _BLOCK.sub(block, text)


def marked(text: str) -> list[tuple[str, dict[str, str]]]:
    """The marked blocks of a README: (``items`` or ``columns``, their arguments), in order."""
    return [(m.group("kind"), dict(_ARG.findall(m.group("args")))) for m in _BLOCK.finditer(text)]
