"""kaohe — open software for police performance assessment (公安绩效考核).

A department's plugin imports what it needs from here::

    from kaohe import hookimpl, ItemSet, Adapter, Column, Draft, row_key, rules

Plugins import only from ``kaohe``, ``kaohe.rules``, ``kaohe.testing`` and ``kaohe.demo``
(tests/test_plugin_api.py); every name here is described in docs/plugin-guide.md.
"""

from __future__ import annotations

from . import rules
from .contract.adapters import Adapter, CellError, Column, Draft, Row, month_of, row_key
from .contract.hookspecs import CONTRACT_VERSION, DemoBureau, hookimpl, hookspec
from .contract.items import Item, ItemSet, ReportField, SelfReport, cite
from .core.decimals import ZERO, D, fmt, fmt_points, quantize
from .core.errors import ConfigError, KaoheError, PluginError
from .core.model import Line, Record, Unit
from .core.periods import Calendar, Period
from .core.workdays import deadline as working_day_deadline
from .core.version import __version__ as __version__
from .scheme.bureau import Bureau

__all__ = [
    "CONTRACT_VERSION", "ZERO", "Adapter", "Bureau", "Calendar", "CellError", "Column", "ConfigError", "D",
    "DemoBureau", "Draft", "Item", "ItemSet", "KaoheError", "Line", "Period", "PluginError", "Record", "ReportField", "Row",
    "SelfReport",     "Unit", "cite", "fmt", "fmt_points", "hookimpl", "hookspec", "month_of", "quantize", "row_key", "rules",
    "working_day_deadline",
]
