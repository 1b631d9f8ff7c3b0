"""The built-in plugin ``officers``: the second level (二级考核) of 上城 2010 (seed 000 l.62-70, l.84-86)
and seed 003's officer series.

It claims the bureau's ``[officers]`` table (``kaohe_config_tables``; parsed by
``settings.parse_settings``, kept in ``bureau.plugin_config["officers"]``) and adds the command group
``kaohe officers`` (``kaohe_commands``): ``kaohe officers PERIOD`` (= ``coefficients``) each officer's
coefficient per quarter with the reason; ``scores``, ``ranking``, ``grades``, ``bonus`` and ``checks``
the officers' scores from the stored unit results, their ranks, bands, grades, the performance bonus
and the checks of the coefficients (``cli``). The computations are ``coefficients``, ``scores`` and
``bonus``; the units' files are read by ``files``, through the kernel's tables, columns and header
matching (kaohe.intake.reader). It scores no unit: a bureau without ``[officers]`` does not notice it.
The kernel's other layers know nothing of officers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ...contract.hookspecs import hookimpl
from ...core.version import __version__ as __version__

TABLE = "officers"


class _Deferred(click.Group):
    """``kaohe officers`` as the ``kaohe`` group lists it: the group itself (``cli.officers``, with
    the coefficients, scores and bonus it imports) is imported only when the command runs or its help
    is shown, so that every other command starts without it. ``when_loaded`` keeps what is to be
    done to the group once imported (the command line's Chinese usage line: ``kaohe.cli.text``)."""

    def __init__(self) -> None:
        super().__init__(TABLE)
        self._loaded: click.Group | None = None
        self._pending: list[Callable[[click.Command], None]] = []

    def when_loaded(self, action: Callable[[click.Command], None]) -> None:
        if self._loaded is not None:
            action(self._loaded)
        else:
            self._pending.append(action)

    def real(self) -> click.Group:
        if self._loaded is None:
            from .cli import officers as group

            for action in self._pending:
                action(group)
            self._loaded = group
        return self._loaded

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        return self.real().make_context(info_name, args, parent=parent, **extra)

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.real().get_short_help_str(limit)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.real().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self.real().list_commands(ctx)


COMMAND = _Deferred()


def __getattr__(name: str) -> Any:
    """``officers`` (the command group) and ``status_notes`` from ``cli``, imported when first asked for."""
    if name in ("officers", "status_notes"):
        from . import cli

        return getattr(cli, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_settings(table: Any, source: str, base: Path) -> Any:
    """``settings.parse_settings``, imported when a bureau has an ``[officers]`` table."""
    from .settings import parse_settings as parse

    return parse(table, source, base)


def status_lines(bureau: Any, period: Any, today: Any) -> list[str]:
    """``cli.status_notes``, imported when ``kaohe status`` asks."""
    from .cli import status_notes

    return status_notes(bureau, period, today)


@hookimpl
def kaohe_config_tables(register: Callable[[str, Callable[[Any, str, Path], Any]], None]) -> None:
    register(TABLE, parse_settings)


@hookimpl
def kaohe_commands(register: Callable[[Any], None]) -> None:
    register(COMMAND)


@hookimpl
def kaohe_status_notes(register: Callable[[Any], None]) -> None:
    register(status_lines)
