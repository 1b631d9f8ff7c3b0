"""Click's own words — the help's headings, the usage line, the help and version options — in
Chinese, like every other message of ``kaohe``.

Click looks its texts up through :func:`gettext.gettext`, bound as ``_`` in each of its modules;
:func:`install` replaces that name in those modules by a lookup in :data:`CLICK_TEXTS` (a text not
listed passes through unchanged, so the usage errors keep the wording ``kaohe.cli`` matches and
translates). It must run before the commands are declared: some texts (the version option's help)
are read when the decorator runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import click

CLICK_TEXTS: dict[str, str] = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本说明并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s,版本 %(version)s",
    "required": "必填",
    "default: {default}": "默认:{default}",
    "env var: {var}": "环境变量:{var}",
    "(dynamic)": "(动态)",
    "Aborted!": "已取消。",
    "Error: {message}": "错误:{message}",
    "Try '{command} {option}' for help.": "用 {command} {option} 查看说明。",
    "Missing command.": "缺少命令。",
    "deprecated": "已停用",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件,此处应为{name}。",
    "{name} {filename!r} is a directory.": "{filename!r} 是目录,此处应为{name}。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读(权限不足)。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写(权限不足)。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
}
"""Click's texts (its msgids, as in click 8.1–8.4) and the Chinese ``kaohe`` prints instead."""

_MODULES = ("click.core", "click.formatting", "click.decorators", "click.exceptions", "click.parser", "click.types", "click.termui")


_TRANSLATED: set[Callable[[str], str]] = set()
"""The functions :func:`translate` made, so that :func:`install` never wraps one twice."""


def translate(original: Callable[[str], str]) -> Callable[[str], str]:
    def _(message: str) -> str:
        return CLICK_TEXTS.get(message, original(message))

    _TRANSLATED.add(_)
    return _


def install() -> None:
    """Make click speak Chinese (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(name)
        current = getattr(module, "_", None)
        if current is not None and current not in _TRANSLATED:
            setattr(module, "_", translate(current))  # noqa: B010 (a module's attribute mypy cannot know)


def localise(command: Any) -> None:
    """The usage line's placeholders of ``command`` and its subcommands in Chinese: ``[选项]``,
    ``命令 [参数]...``, and an option's value by its type (文字, 整数, 数字, 文件, 目录) where the
    option names none. Run once the commands are declared."""

    command.options_metavar = "[选项]"
    deferred = getattr(command, "when_loaded", None)
    if deferred is not None:  # a command imported when it runs (kaohe.plugins.officers): localised then
        deferred(localise)
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            localise(sub)
    for param in command.params:
        if not isinstance(param, click.Option) or param.metavar is not None or param.is_flag:
            continue
        t = param.type
        if isinstance(t, click.Path):
            name = "目录" if not t.file_okay else "文件" if not t.dir_okay else "路径"
        elif isinstance(t, click.types.IntParamType):
            name = "整数"
        elif isinstance(t, click.types.FloatParamType):
            name = "数字"
        elif isinstance(t, click.types.StringParamType):
            name = "文字"
        else:
            continue
        param.metavar = name
