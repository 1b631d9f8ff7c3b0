"""The ``kaohe`` command. Messages about scores are in Chinese; a user's mistake gives a one-line
error and a non-zero exit code, never a traceback.

Every command — the kernel's (kaohe.cli.bureau, .scores, .office) and the plugins' own
(``kaohe_commands``) — is a click command added to the group by one function,
:func:`~kaohe.cli.common.add_commands`, and reaches the context through ``@pass_ctx``. :func:`run`
runs the command line and turns every error into its one line and exit code; :func:`main` (the
``kaohe`` executable) exits with that code, and the tests call :func:`run` in-process."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

import click

from ..core.errors import KaoheError, Refused
from ..core.version import __version__
from ..plugins.discovery import load_registry
from . import analysis, bureau, database, office, scores, site
from . import text as cli_text
from .common import DEFAULT_CONFIG, EXIT_DATABASE, EXIT_ERROR, EXIT_PARTIAL, EXIT_REFUSED, Ctx, add_commands
from .common import database_error_text as database_error_text
from .common import os_error_text as os_error_text
from .common import usage_text

__all__ = ["EXIT_DATABASE", "EXIT_ERROR", "EXIT_PARTIAL", "EXIT_REFUSED", "add_plugin_commands", "cli", "main", "run"]


class PluginGroup(click.Group):
    """The ``kaohe`` group. The plugins' own commands (``kaohe_commands``) are added the first time a
    name is not one of the kernel's, or the commands are listed (``--help``): a kernel command does
    not load the plugins for that, and ``kaohe --version`` stays quick."""

    plugins_added = False

    def add_plugins(self) -> None:
        if not self.plugins_added:
            self.plugins_added = True
            add_plugin_commands(self, load_registry())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and not self.plugins_added:
            self.add_plugins()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.add_plugins()
        return super().list_commands(ctx)


@click.group(cls=PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kaohe")
@click.option(
    "-c", "--config", default=DEFAULT_CONFIG, envvar="KAOHE_CONFIG", show_default=True,
    help="本局的配置文件(TOML)。也可用环境变量 KAOHE_CONFIG 指定。",
)
@click.pass_context
def cli(ctx: click.Context, config: str) -> None:
    """kaohe — 公安绩效考核:合并各警种插件的考核项目,按月、季、半年、年计分、排名和通报。"""
    ctx.obj = Ctx(config)


def add_plugin_commands(group: click.Group, registry: Any) -> list[str]:
    """Add the plugins' own commands (``kaohe_commands``) to ``group``; a name the kernel already
    uses stays the kernel's (a warning says so). Returns the names added."""
    commands = dict(sorted(registry.commands.items()))
    return add_commands(group, {n: c.command for n, c in commands.items()}, {n: c.plugin for n, c in commands.items()})


add_commands(cli, {**bureau.COMMANDS, **scores.COMMANDS, **office.COMMANDS, **site.COMMANDS, **analysis.COMMANDS, **database.COMMANDS})
cli_text.localise(cli)  # once every command is declared: the usage line's placeholders in Chinese


def run(args: Sequence[str] | None = None) -> int:
    """Run the command line (``args``, else the process's arguments) and return its exit code; a
    user's mistake is said in one line on stderr. A command that ends with its own code (``ingest``'s
    partial import, ``verify``) raises :class:`SystemExit` as usual."""
    try:
        cli.main(args=list(args) if args is not None else None, standalone_mode=False, prog_name="kaohe")
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        return EXIT_REFUSED
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"用 {exc.ctx.command_path} --help 查看说明。", err=True)
        click.echo(f"错误:{usage_text(exc.format_message())}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except Refused as exc:
        click.echo(f"错误:{exc}", err=True)
        return EXIT_REFUSED
    except KaoheError as exc:
        click.echo(f"错误:{exc}", err=True)
        return EXIT_ERROR
    except sqlite3.Error as exc:
        click.echo(f"错误:{database_error_text(exc)}", err=True)
        return EXIT_DATABASE
    except OSError as exc:
        click.echo(f"错误:{os_error_text(exc)}", err=True)
        return EXIT_ERROR
    return 0


def main() -> None:
    sys.exit(run())
