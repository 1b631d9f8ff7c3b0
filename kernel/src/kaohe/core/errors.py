"""Errors a user can act on. The command prints their message on one line, never a traceback."""

from __future__ import annotations


class KaoheError(Exception):
    """A mistake in the user's input (config, file, period, command): the message says what to do."""


class Refused(KaoheError):
    """Not a mistake: the bureau's own rules refuse the command as things stand (publishing while
    data is missing, ``[publication] missing_data = "refuse"``). The command exits 1, like a file
    refused by ``--strict``; the message says how to go on."""


class ConfigError(KaoheError):
    """The bureau configuration is invalid. Names the file, the key and what was expected."""

    def __init__(self, file: str, key: str, expected: str) -> None:
        self.file, self.key, self.expected = file, key, expected
        super().__init__(f"{file}: 配置项 {key}: {expected}")


class PluginError(KaoheError):
    """A plugin declares something the kernel refuses (duplicate item id, unknown category, bad rule)."""

    def __init__(self, plugin: str, item: str | None, problem: str) -> None:
        self.plugin, self.item, self.problem = plugin, item, problem
        where = f"插件 {plugin}" + (f" 的考核项目 {item}" if item else "")
        super().__init__(f"{where}: {problem}")


class RuleError(ValueError):
    """A rule's parameters are invalid (raised while building or overriding a rule)."""
