"""kaohe — open software for police performance assessment (公安绩效考核).

A department's plugin imports what it needs from here::

    from kaohe import hookimpl, Item, Adapter, Column, Draft, rules
"""

from __future__ import annotations

from . import rules
from .contract.adapters import Adapter, Column, Draft
from .contract.hookspecs import CONTRACT_VERSION, hookimpl, hookspec
from .contract.items import Item, cite
from .core.decimals import D
from .core.errors import ConfigError, KaoheError, PluginError
from .core.model import Line, Record, Unit
from .core.periods import Calendar, Period
from .core.version import __version__ as __version__
from .scheme.bureau import Bureau

__all__ = [
    "CONTRACT_VERSION", "Adapter", "Bureau", "Calendar", "Column", "ConfigError", "D", "Draft", "Item",
    "KaoheError", "Line", "Period", "PluginError", "Record", "Unit", "cite", "hookimpl", "hookspec", "rules",
]
