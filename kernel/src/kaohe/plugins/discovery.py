"""Finding and loading plugins: the ``kaohe`` entry-point group, the same path for the bundled
department plugins and any outside one."""

from __future__ import annotations

import importlib.metadata as md
import os
from collections.abc import Iterable
from typing import Any

import attrs
import click
import pluggy

from ..contract import hookspecs
from ..contract.adapters import Adapter
from ..contract.items import Item
from ..contract.registry import ConfigTable, PluginCommand, PluginInfo, Registry, StatusNotes
from ..core.errors import PluginError, RuleError
from ..scheme.keys import TOP_KEYS
from . import builtin as office
from . import officers

ENTRY_POINT_GROUP = "kaohe"

BUILTIN: tuple[tuple[str, Any], ...] = (("office", office), ("officers", officers))
"""The built-in plugins, by name: the office's register (考核办) and the officers' coefficients
(民警考核系数, 上城 2010). Registered with the entry points unless an installed plugin takes the name;
a test without entry points passes them as ``plugins=BUILTIN``."""


class _Manager(pluggy.PluginManager):
    """The plugin manager :func:`get_plugin_manager` makes: pluggy's, with the entry points that
    failed to load (name → why, reported by :func:`load_registry`) and the distribution of each
    loaded one (name → (distribution, version))."""

    def __init__(self) -> None:
        super().__init__("kaohe")
        self.broken: dict[str, str] = {}
        self._kaohe_dists: dict[str, tuple[str, str]] = {}


def get_plugin_manager(load_entrypoints: bool = True, plugins: Iterable[tuple[str, Any]] = ()) -> pluggy.PluginManager:
    """A plugin manager with the kernel's hook specifications.

    Entry points of the ``kaohe`` group are loaded unless ``load_entrypoints`` is false;
    ``KAOHE_LOAD_PLUGINS`` (comma-separated names) restricts which. ``plugins`` adds (name, object)
    pairs, as tests do. A plugin whose module fails to import is reported, not fatal.
    """
    pm = _Manager()
    pm.add_hookspecs(hookspecs)
    if load_entrypoints:
        only = os.environ.get("KAOHE_LOAD_PLUGINS")
        wanted = {n.strip() for n in only.split(",") if n.strip()} if only is not None else None
        found = md.entry_points(group=ENTRY_POINT_GROUP)  # every installed distribution's metadata read once
        claims = _claims(found)
        for ep in found:
            if wanted is not None and ep.name not in wanted:
                continue
            if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name) or ep.name in pm.broken:
                continue
            if len(claims[ep.name]) > 1:  # neither is taken: which one scores must not depend on the install order
                pm.broken[ep.name] = (
                    f"命名空间 {ep.name} 被 {len(claims[ep.name])} 个发行包同时声明:{'、'.join(claims[ep.name])};"
                    "两者都未加载,请卸载其中一个(pip uninstall …),或为自编插件另取命名空间"
                )
                continue
            try:
                module = ep.load()
            except Exception as exc:
                pm.broken[ep.name] = f"无法加载:{type(exc).__name__}: {exc}"
                continue
            pm.register(module, name=ep.name)
            dist = getattr(ep, "dist", None)
            if dist is not None:
                pm._kaohe_dists[ep.name] = (dist.name, dist.version)

        for name, module in BUILTIN:
            if pm.get_plugin(name) is None:
                pm.register(module, name=name)
    for name, obj in plugins:
        pm.register(obj, name=name)
    return pm


def _claims(entry_points: Iterable[Any]) -> dict[str, list[str]]:
    """Namespace → the distributions (``name version``) whose entry points claim it. The same
    distribution seen twice (on two paths) is one claim."""
    out: dict[str, dict[str, str]] = {}
    for ep in entry_points:
        dist = getattr(ep, "dist", None)
        name = dist.name if dist is not None else ep.value
        label = f"{dist.name} {dist.version}" if dist is not None else ep.value
        out.setdefault(ep.name, {}).setdefault(_normalise(name), label)
    return {ns: sorted(d.values()) for ns, d in out.items()}


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _version(pm: pluggy.PluginManager, name: str, obj: Any) -> tuple[str, str]:
    dists: dict[str, tuple[str, str]] = getattr(pm, "_kaohe_dists", {})
    if name in dists:
        return dists[name]
    return "", str(getattr(obj, "__version__", ""))


def load_registry(pm: pluggy.PluginManager | None = None) -> Registry:
    """Collect every plugin's items and adapters, one plugin at a time, refusing a plugin whole when
    it declares a duplicate id, an id outside its namespace, an invalid rule, or fails."""
    pm = pm or get_plugin_manager()
    reg = Registry()
    for name, problem in getattr(pm, "broken", {}).items():
        reg.plugins[name] = PluginInfo(name, "", "", error=problem)
        reg.errors.append(PluginError(name, None, problem))
    for name, obj in pm.list_name_plugin():
        if name is None:
            continue
        dist, version = _version(pm, name, obj)
        info = PluginInfo(name, version, getattr(obj, "__name__", type(obj).__name__), dist)
        reg.plugins[name] = info
        try:
            items, adapters, tables, commands, notes = _collect(pm, name, obj)
            for t in tables:
                if t.name in reg.config_tables:
                    raise PluginError(name, None, f"配置表 [{t.name}] 已由插件 {reg.config_tables[t.name].plugin} 认领")
            for c in commands:
                if c in reg.commands:
                    raise PluginError(name, None, f"命令 {c} 重复(另一插件已添加)")
            for item in items:
                if item.id in reg.items:
                    other = reg.items[item.id].plugin
                    raise PluginError(name, item.id, f"考核项目编号重复(插件 {other} 已声明)")
            for ad in adapters:
                if ad.id in reg.adapters:
                    raise PluginError(name, None, f"数据适配器 {ad.id} 重复(插件 {reg.adapters[ad.id].plugin} 已声明)")
        except PluginError as exc:
            info.error = exc.problem if exc.item is None else f"{exc.item}: {exc.problem}"
            reg.errors.append(exc)
            continue
        for item in items:
            reg.items[item.id] = item
        for ad in adapters:
            reg.adapters[ad.id] = ad
        for t in tables:
            reg.config_tables[t.name] = t
        reg.commands.update(commands)
        reg.status_notes.extend(notes)
    return reg


def _impl_for(pm: pluggy.PluginManager, hook: str, obj: Any) -> list[Any]:
    return [i for i in getattr(pm.hook, hook).get_hookimpls() if i.plugin is obj]


def _collect(
    pm: pluggy.PluginManager, name: str, obj: Any
) -> tuple[list[Item], list[Adapter], list[ConfigTable], dict[str, PluginCommand], list[StatusNotes]]:
    items: list[Item] = []
    adapters: list[Adapter] = []
    tables: list[ConfigTable] = []
    commands: dict[str, PluginCommand] = {}
    notes: list[StatusNotes] = []
    seen: set[str] = set()

    def register_item(item: Item) -> None:
        if not isinstance(item, Item):
            raise PluginError(name, None, f"register() 应传入 kaohe.Item,得到 {type(item).__name__}")
        if item.namespace != name:
            raise PluginError(name, item.id, f"项目编号应以插件名“{name}.”开头")
        if item.id in seen:
            raise PluginError(name, item.id, "考核项目编号重复")
        seen.add(item.id)
        items.append(attrs.evolve(item, plugin=name))

    def register_adapter(adapter: Adapter) -> None:
        if not isinstance(adapter, Adapter):
            raise PluginError(name, None, f"register() 应传入 kaohe.Adapter,得到 {type(adapter).__name__}")
        if not adapter.id.startswith(name + "."):
            raise PluginError(name, None, f"数据适配器编号 {adapter.id} 应以插件名“{name}.”开头")
        adapters.append(attrs.evolve(adapter, plugin=name))

    def register_table(table: str, parse: Any) -> None:
        if not isinstance(table, str) or not table or not callable(parse):
            raise PluginError(name, None, "kaohe_config_tables: register() 应传入 (表名, 解析函数)")
        if table in TOP_KEYS:
            raise PluginError(name, None, f"配置表 [{table}] 由内核读取,插件不能认领")
        if any(t.name == table for t in tables):
            raise PluginError(name, None, f"配置表 [{table}] 认领了两次")
        tables.append(ConfigTable(table, name, parse))

    def register_command(command: Any) -> None:
        if not isinstance(command, click.Command) or not command.name:
            raise PluginError(name, None, f"kaohe_commands: register() 应传入有名称的 click.Command,得到 {type(command).__name__}")
        if command.name in commands:
            raise PluginError(name, None, f"命令 {command.name} 添加了两次")
        commands[command.name] = PluginCommand(command.name, name, command)

    def register_notes(function: Any) -> None:
        if not callable(function):
            raise PluginError(name, None, f"kaohe_status_notes: register() 应传入函数 notes(bureau, period, today),得到 {type(function).__name__}")
        notes.append(StatusNotes(name, function))

    unknown = sorted(
        n for n in dir(obj)
        if n.startswith("kaohe_") and callable(getattr(obj, n, None))
        and not (hasattr(pm.hook, n) and getattr(pm.hook, n).has_spec())
    )
    if unknown:
        known = "、".join(n for n in dir(pm.hook) if n.startswith("kaohe_") and getattr(pm.hook, n).has_spec())
        raise PluginError(name, None, f"未知的挂钩 {', '.join(unknown)}(拼写错误?可用的挂钩:{known})")
    hooks: tuple[tuple[str, Any], ...] = (
        ("kaohe_items", register_item), ("kaohe_adapters", register_adapter),
        ("kaohe_config_tables", register_table), ("kaohe_commands", register_command),
        ("kaohe_status_notes", register_notes),
    )
    for hook, register in hooks:
        for impl in _impl_for(pm, hook, obj):
            try:
                impl.function(register=register)
            except PluginError:
                raise
            except RuleError as exc:
                raise PluginError(name, None, f"规则无效:{exc}") from None
            except Exception as exc:
                raise PluginError(name, None, f"{hook} 出错:{type(exc).__name__}: {exc}") from None
    return items, adapters, tables, commands, notes
