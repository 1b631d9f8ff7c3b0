"""What the commands share: the context (the bureau's configuration, plugins and store, loaded
once), tables and CSV cells for the terminal, and the warnings several commands give."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from ..core.errors import KaoheError
from ..core.periods import Period
from ..core.texttable import TABLE_CELL as TABLE_CELL, _width as _width, csv_cell as csv_cell, csv_row as csv_row, table as table
from ..plugins.discovery import load_registry
from ..scheme.config import load_bureau
from ..store.store import Store


class Ctx:
    def __init__(self, config: str) -> None:
        self.config = Path(config)
        self._registry: Any = None
        self._bureau: Any = None

    @property
    def registry(self) -> Any:
        if self._registry is None:

            self._registry = load_registry()
            for err in self._registry.errors:
                click.echo(f"警告:{err}", err=True)
        return self._registry

    @property
    def bureau(self) -> Any:
        if self._bureau is None:

            self._bureau = load_bureau(self.config, self.registry)
        return self._bureau

    def store(self, readonly: bool = False) -> Any:
        """The bureau's store; ``readonly`` for a command that only reads (it never waits for a
        writer and works on a read-only copy)."""

        return Store(self.bureau.database, readonly=readonly)


pass_ctx = click.make_pass_decorator(Ctx)


def _period(label: str) -> Any:

    return Period.parse(label)


def refuse_future(bureau: Any, period: Any, today: Any = None) -> None:
    """A period that has not begun has no data to score: refused (a mistyped year, usually), rather
    than computed as if every unit had done nothing. A period under way may be scored (a draft)."""

    today = today or dt.date.today()
    start = bureau.calendar.start(period)
    if start > today:
        raise KaoheError(
            f"{period.chinese}({bureau.calendar.range_text(period)})尚未开始,不能计分:今天是 {today.isoformat()}(期间写错了?)"
        )


def warn_uninstalled(store: Any, bureau: Any, registry: Any, period: Any) -> None:
    """Records stored for a plugin no longer installed (or refused) count in no item: an item
    switched on by a pattern (``*``) just disappears with its plugin, so say so."""
    known = {name for name, info in registry.plugins.items() if not info.error}
    cal = bureau.calendar
    for ns, department, n in store.stored_namespaces(cal.start(period), cal.end(period), known):
        who = f"{department}({ns})" if department else ns
        state = "加载失败" if ns in registry.plugins else "未安装"
        click.echo(
            f"警告:数据库中有 {who} 在 {period.label} 的 {n} 条记录,但插件 {ns} {state}:这些记录不计分,"
            f"其项目也不出现在得分和报送情况中(重新安装该插件,或确认不再考核后停用)",
            err=True,
        )
