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

from ...contract.hookspecs import hookimpl
from ...core.version import __version__ as __version__
from .cli import officers as officers
from .cli import status_notes
from .settings import parse_settings

TABLE = "officers"


@hookimpl
def kaohe_config_tables(register: Callable[[str, Callable[[Any, str, Path], Any]], None]) -> None:
    register(TABLE, parse_settings)


@hookimpl
def kaohe_commands(register: Callable[[Any], None]) -> None:
    register(officers)




@hookimpl
def kaohe_status_notes(register: Callable[[Any], None]) -> None:
    register(status_notes)
