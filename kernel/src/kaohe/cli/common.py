"""What the commands share: the context (the bureau's configuration, plugins and store, loaded
once) and the one way a command reaches it (``@pass_ctx``), the one way commands are added to a
group (:func:`add_commands`), the arguments' parsers, tables and CSV cells for the terminal, the
warnings several commands give, and the exit codes and error texts."""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import click

from ..core.actor import Actor
from ..core.decimals import PARAMETER_LIMIT, PARAMETER_PLACES, out_of_bounds
from ..core.errors import KaoheError
from ..core.periods import Period
from ..core.texttable import TABLE_CELL as TABLE_CELL, _width as _width, csv_cell as csv_cell, csv_row as csv_row, table as table
from ..office.accounts import CLI_ENV, cli_account
from ..office.status import no_records
from ..plugins.discovery import load_registry
from ..report.text import gaps_text
from ..scheme.config import load_bureau
from ..store.store import Store
from . import text as cli_text

DEFAULT_CONFIG = "kaohe.toml"

EXIT_REFUSED = 1
"""``--strict``: a file with a bad row was refused whole (nothing of it stored); ``publish`` refused
while data is missing (:class:`~kaohe.core.errors.Refused`); also a cancelled command."""
EXIT_ERROR = 2
"""A mistake in the command, the configuration or a file (one line says which); nothing written."""
EXIT_PARTIAL = 3
"""``kaohe ingest``: the good rows were imported (or, with --dry-run, would be), some rows rejected."""
EXIT_DATABASE = 4
"""The database could not be written (another kaohe command writing, the disk): try again."""


class Ctx:
    """The command line's context, and what the office's use cases work on (kaohe.office.session.Office):
    the configuration and the plugins are loaded when first asked for."""

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
"""How a command reaches the context: ``@pass_ctx`` hands it the :class:`Ctx` as first argument."""


def add_commands(group: click.Group, commands: Mapping[str, click.Command], owners: Mapping[str, str] | None = None) -> list[str]:
    """Add ``commands`` (name → command) to ``group``, their usage lines in Chinese. The kernel's
    commands and the plugins' (``owners``: name → plugin) are added alike; a plugin's command whose
    name the group already has is not added (a warning says so). Returns the names added."""
    added: list[str] = []
    for name, command in commands.items():
        if name in group.commands:
            plugin = (owners or {}).get(name, "")
            click.echo(f"警告:插件 {plugin} 的命令 {name} 与 kaohe 自带的命令同名,未添加", err=True)
            continue
        cli_text.localise(command)
        group.add_command(command, name)
        added.append(name)
    return added


ACTOR_OPTION = ("--actor", "--account")
ACTOR_HELP = "操作人的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account;尚未开设网站账号时可写任意姓名,默认为当前系统用户)。"


F = TypeVar("F", bound=Callable[..., Any])


def actor_option(help: str = ACTOR_HELP) -> Callable[[F], F]:
    """The ``--actor`` option (also ``--account``) of a writing command."""
    return click.option(*ACTOR_OPTION, "actor", help=help)


def acting(obj: Ctx, name: str | None, optional: bool = False) -> Actor:
    """Who acts at this terminal, as the audit trail records it: the office's account named by
    ``--actor``, else by the environment variable ``KAOHE_ACTOR``, else by ``[site] cli_account``
    (kaohe.office.accounts.cli_account: refused unless it is an enabled office account). On a bureau
    without accounts: the name given, else the system account. ``optional``: a command that writes
    nothing to the audit trail (``ingest --dry-run``) does not need one named."""
    named, where = name, "选项 --actor"
    if not named and os.environ.get(CLI_ENV):
        named, where = os.environ[CLI_ENV], f"环境变量 {CLI_ENV}"
    if not named and obj.bureau.site.cli_account:
        named, where = obj.bureau.site.cli_account, f"{obj.config} 中 [site] cli_account"
    if optional and not named:
        return Actor.local(None)
    with obj.store() as store:
        account = cli_account(store, named, where)
    return Actor.local(named) if account is None else Actor(account.account)


def parse_period(label: str) -> Period:
    return Period.parse(label)


def parse_date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise KaoheError(f"{what}应为 2015-05-06 这样的日期,得到 {text!r}") from None


def parse_points(text: str, what: str = "分值") -> Decimal:
    try:
        if "_" in text:  # Decimal("1_5") is 15
            raise InvalidOperation
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError, TypeError):
        raise KaoheError(f"{what}应为数字(如 -1、0.5),得到 {text!r}") from None
    problem = out_of_bounds(value, PARAMETER_LIMIT, PARAMETER_PLACES)
    if problem:  # NaN, 1e30, 1e-30: refused before anything is stored (kaohe.core.decimals)
        raise KaoheError(f"{what}应为数字(如 -1、0.5),{problem},得到 {text!r}")
    return value


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


def warn_empty(store: Any, period: Any, bureau: Any, registry: Any) -> None:
    """A period with no record at all is scored as if every unit had done nothing wrong (and nothing
    right): say so, it is usually a mistyped period or data not yet imported. Not when the period
    is scored from last period's data carried over (``[carry_over]``): that is said as 沿用上期."""
    if no_records(store, bureau, registry, period):
        click.echo(f"警告:数据库中没有 {period.label} 的任何记录(期间写错了,还是数据尚未导入?),以下得分是在没有任何记录的情况下算出的", err=True)


def warn_gaps(result: Any) -> None:
    for text in gaps_text(result):
        click.echo(f"警告:数据不全:{text}", err=True)


# --- errors: one line, and the exit code ------------------------------------------------------------


def _suggest(m: re.Match[str]) -> str:
    names = re.findall(r"'([^']+)'", m.group(2) or "")
    return f",是否要用 {' 或 '.join(names)}?" if names else ""


def _invalid(m: re.Match[str]) -> str:
    detail = re.sub(r"^'([^']*)' is not a valid (integer|float)\.?$", lambda d: f"“{d.group(1)}” 不是{'整数' if d.group(2) == 'integer' else '数字'}", m.group(2))
    return f"{m.group(1)} 的值无效:{detail}"


USAGE_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^Missing option '([^']+)'\.?$"), lambda m: f"缺少选项 {m.group(1)}"),
    (re.compile(r"^Missing argument '([^']+)'\.?$"), lambda m: f"缺少参数 {m.group(1)}"),
    (re.compile(r"^No such option:? '?([^'\s]+?)'?\.?(\s.*)?$", re.S), lambda m: f"没有选项 {m.group(1)}{_suggest(m)}"),
    (re.compile(r"^No such command:? '?([^'\s]+?)'?\.?(\s.*)?$", re.S), lambda m: f"没有命令 {m.group(1)}{_suggest(m)}"),
    (re.compile(r"^Option '([^']+)' requires an argument\.?$"), lambda m: f"选项 {m.group(1)} 后面要写一个值"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"), lambda m: f"多余的参数:{m.group(1)}"),
    (re.compile(r"^Invalid value for '([^']+)': '([^']*)' is not one of (.*)\.$"), lambda m: f"{m.group(1)} 的值 “{m.group(2)}” 无效,应为 {m.group(3)} 之一"),
    (re.compile(r"^Invalid value for '([^']+)': (.*)$", re.S), _invalid),
]
"""Click's own usage errors, said in Chinese (the usage line and --help stay as Click prints them)."""


def usage_text(message: str) -> str:
    for pattern, text in USAGE_MESSAGES:
        m = pattern.match(message.strip())
        if m:
            return str(text(m))
    return message


def database_error_text(exc: BaseException) -> str:
    """What a database error really means, in one line (the store was left as it was: every write is
    one transaction)."""
    text = str(exc)
    low = text.lower()
    if "disk is full" in low or "disk i/o error" in low:
        what = "磁盘已满" if "full" in low else "磁盘读写出错"
        return f"{what},数据库操作未完成({text}):本次操作的内容均未写入,腾出空间后重试"
    if "readonly" in low or "read-only" in low or "permission" in low:
        return f"没有写权限,数据库操作未完成({text}):数据库文件或所在文件夹只读,本次操作未写入"
    if "unable to open" in low:
        return f"无法打开数据库文件({text}):检查 [bureau] database 的路径,以及文件和所在文件夹的权限"
    if "locked" in low or "busy" in low:
        return f"数据库正被另一个 kaohe 命令写入,等待超时({text}):请稍后再试"
    return f"数据库操作失败({text})"


def os_error_text(exc: OSError) -> str:
    """A file-system error in one line, in Chinese where the cause is a common one."""

    causes = {
        errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
        errno.EROFS: "只读文件系统,不能写入", errno.ENOENT: "文件或文件夹不存在",
    }
    cause = causes.get(exc.errno or 0) or exc.strerror or str(exc)
    where = exc.filename or ""
    return f"{cause}:{where}" if where else cause
