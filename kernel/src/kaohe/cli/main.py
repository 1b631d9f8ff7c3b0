"""The ``kaohe`` command. Messages about scores are in Chinese; a user's mistake gives a one-line
error and a non-zero exit code, never a traceback."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import click

from ..core.decimals import fmt
from ..core.errors import KaoheError, Refused
from ..core.periods import MAX_YEAR, MIN_YEAR
from ..core.version import __version__
from ..core.workdays import deadline_text
from ..demo import run_demo
from ..office.ingest import ingest as ingest_file
from ..office.jobs import scored_now, shown
from ..plugins import readme as plugin_readme
from ..plugins.discovery import load_registry
from ..scoring.explain import gap_data, ranking_columns, unit_data, unit_text
from ..scoring.status import carried_into
from ..store.store import Store, writable
from . import text as cli_text
from .common import Ctx, _period, csv_row, refuse_future, table, warn_uninstalled
from .office import register

cli_text.install()  # before the commands are declared: click's help and usage in Chinese

DEFAULT_CONFIG = "kaohe.toml"

EXIT_REFUSED = 1
"""``--strict``: a file with a bad row was refused whole (nothing of it stored); ``publish`` refused
while data is missing (:class:`~kaohe.errors.Refused`); also a cancelled command."""
EXIT_ERROR = 2
"""A mistake in the command, the configuration or a file (one line says which); nothing written."""
EXIT_PARTIAL = 3
"""``kaohe ingest``: the good rows were imported (or, with --dry-run, would be), some rows rejected."""
EXIT_DATABASE = 4
"""The database could not be written (another kaohe command writing, the disk): try again."""


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


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", default="某某市公安局", help="局名。")
@click.pass_obj
def init(obj: Ctx, directory: Path, name: str) -> None:
    """新建一个局:在 DIRECTORY 写入带注释的配置模板、单位名单,并建立空数据库。"""


    directory.mkdir(parents=True, exist_ok=True)
    config = directory / DEFAULT_CONFIG
    if config.exists():
        raise KaoheError(f"{config} 已存在,未覆盖")
    template = files("kaohe").joinpath("templates/kaohe.toml").read_text(encoding="utf-8")
    config.write_text(template.replace("某某市公安局", name), encoding="utf-8")
    units = directory / "units.csv"
    if not units.exists():
        units.write_text(files("kaohe").joinpath("templates/units.csv").read_text(encoding="utf-8"), encoding="utf-8")
    Store(directory / "kaohe.sqlite").close()
    click.echo(f"已新建:{config}、{units}、{directory / 'kaohe.sqlite'}")
    click.echo("下一步:编辑 kaohe.toml 和 units.csv,运行 kaohe plugins 查看已安装的考核项目。")


@cli.command()
@click.option("--items/--no-items", "show_items", default=True, help="列出每个插件的考核项目。")
@click.option("--readme", "readme", metavar="NAMESPACE", help="输出插件 NAMESPACE 的考核项目表和各数据格式的列表(README 用)。")
@click.option(
    "--update",
    "update_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="与 --readme 同用:按插件的项目和列重写该 README 中 <!-- kaohe:items --> 等标记之间的表格,其余文字不动。",
)
@click.pass_obj
def plugins(obj: Ctx, show_items: bool, readme: str | None, update_file: Path | None) -> None:
    """已安装的插件、版本、考核项目,以及本局是否启用。"""
    reg = obj.registry
    if update_file is not None and readme is None:
        raise click.UsageError("--update 须与 --readme NAMESPACE 同用")
    if readme is not None:
        if update_file is None:
            click.echo(plugin_readme.tables(reg, readme), nl=False)
            return
        old = update_file.read_text(encoding="utf-8")
        new = plugin_readme.update(old, reg, readme, str(update_file))
        if not plugin_readme.marked(old):
            raise KaoheError(f"{update_file} 中没有 <!-- kaohe:items --> 或 <!-- kaohe:columns ... --> 标记,未改动")
        if new != old:
            update_file.write_text(new, encoding="utf-8")
        click.echo(f"{update_file}:{'已更新' if new != old else '已是最新,未改动'}")
        return
    enabled: set[str] | None = None
    bureau: Any = None
    if obj.config.exists():
        try:
            bureau = obj.bureau
        except KaoheError as exc:  # the plugins are what one looks at to mend the configuration
            click.echo(f"警告:配置有误,以下不显示本局的启用情况和参数:{exc}", err=True)
        else:
            enabled = {i.id for i in bureau.items}
    if not reg.plugins:
        click.echo("没有安装任何部门插件(入口点组 kaohe)。")
    for name, info in sorted(reg.plugins.items()):
        head = f"{name} {info.version}".rstrip() + (f"({info.distribution})" if info.distribution else "")
        if info.error:
            click.echo(f"{head}  ✗ 已拒绝加载:{info.error}")
            continue
        items = reg.items_of(name)
        extras = reg.extras_of(name)
        if extras and not items and not reg.adapters_of(name):
            click.echo(f"{head}  {'、'.join(extras)}")
        else:
            click.echo(f"{head}  {len(items)} 个考核项目,{len(reg.adapters_of(name))} 种数据格式" + "".join(f",{e}" for e in extras))
        if show_items:
            for it in items:
                state = "" if enabled is None else ("[启用] " if it.id in enabled else "[停用] ")
                if enabled is not None and it.id in bureau.inapplicable:
                    state = "[不适用:本局方案无此考核内容] "
                # the bureau's item as it scores (its overrides applied), and the plugin's default beside it
                own = bureau.item(it.id) if bureau is not None else None
                shown = own or it
                text = f"  {state}{it.id}  {shown.title}  ({shown.cadence_name};{shown.reference};{shown.rule.describe()})"
                if own is not None and own != it:
                    diff = _item_changes(it, own)
                    text += f"  〔本局调整:{diff};插件默认:{it.rule.describe()}〕" if diff else ""
                click.echo(text)
            for ad in reg.adapters_of(name):
                click.echo(f"  数据格式 {ad.id}:{ad.title}")
    if bureau is not None:
        office = [i for i in bureau.items if i.plugin == "office"]
        if office:
            click.echo(f"考核办自设项目 {len(office)} 个")
            for it in office:
                click.echo(f"  [启用] {it.id}  {it.title}  ({it.cadence_name};{it.reference})")


def _item_changes(default: Any, own: Any) -> str:
    """What a bureau's configuration changed in a plugin's item (``[items."id"]``), in Chinese."""

    out = []
    if own.rule != default.rule:
        out.append("参数")
    if own.category != default.category:
        out.append(f"考核内容 {default.category}→{own.category}")
    if own.cadence != default.cadence:
        out.append(f"周期 {default.cadence_name}→{own.cadence_name}")
    if (own.document, own.article) != (default.document, default.article):  # [items."id"] article, document
        moved = f"{own.document} " if own.document != default.document else ""
        out.append(f"依据 {default.article or default.reference}→{moved}{own.article or own.reference}")
    for key, name in (("cap", "上限"), ("floor", "下限")):
        a, b = getattr(default, key), getattr(own, key)
        if a != b:
            out.append(f"{name} {'无' if a is None else fmt(a)}→{'无' if b is None else fmt(b)}")
    return "、".join(out)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查文件,不写入数据库(部门上报前自查)。")
@click.option("--strict", is_flag=True, help="有任何一行错误就拒绝整个文件。")
@click.option("--adapter", "adapter_id", help="指定数据格式(默认按表头自动识别)。")
@click.option("--department", help="指定部门:插件名或部门名(如 xiaofang 或 消防大队),只按该部门的数据格式识别。")
@click.option("--actor", help="导入人(默认为当前系统用户)。")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度。")
@click.pass_obj
def ingest(obj: Ctx, files: tuple[Path, ...], dry_run: bool, strict: bool, adapter_id: str | None, department: str | None, actor: str | None, quiet: bool) -> None:
    """导入部门的数据文件(XLSX 或 CSV)。"""
    bureau, reg = obj.bureau, obj.registry
    failed = partial = False
    with obj.store() as store:
        for n, f in enumerate(files):
            try:
                report = _ingest_one(store, f, bureau, reg, dry_run, strict, adapter_id, actor, quiet, department)
            except KaoheError as exc:
                if len(files) == 1:
                    raise
                # several files: say which were read before this one, and that the rest were not
                done = "此前的文件" + ("已检查" if dry_run else "已导入,见上") if n else ""
                rest = "、".join(g.name for g in files[n + 1 :])
                after = f"其后的文件未{'检查' if dry_run else '导入'}:{rest}" if rest else ""
                tail = ";".join(x for x in (done, after) if x)
                raise KaoheError(f"{exc}({tail})" if tail else str(exc)) from None
            failed = failed or (strict and bool(report.rejected))
            partial = partial or bool(report.rejected)
    if failed:
        sys.exit(EXIT_REFUSED)
    if partial:  # the good rows are stored, the rejected ones listed above: not a clean success
        click.echo(
            "有被拒绝的行:其余行" + ("可以导入(--dry-run,未写入)" if dry_run else "已导入") + ";改正被拒绝的行后重新导入该文件即可(已导入的行不会重复计算)",
            err=True,
        )
        sys.exit(EXIT_PARTIAL)


def _ingest_one(store: Any, f: Path, bureau: Any, reg: Any, dry_run: bool, strict: bool, adapter_id: str | None, actor: str | None, quiet: bool, department: str | None = None) -> Any:
    bar: Any = None
    progress: Callable[[int], None] | None = None
    if not quiet and f.exists() and f.stat().st_size > 2_000_000:
        bar = click.progressbar(length=0, label=f"导入 {f.name}", show_pos=True)
        bar.__enter__()

        def progress(n: int) -> None:
            bar.pos = n
            bar.render_progress()

    try:
        report = ingest_file(store, bureau, reg, f, strict=strict, dry_run=dry_run, adapter_id=adapter_id, actor=actor, progress=progress, department=department)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    verb = "检查" if dry_run else "导入"
    summary = (
        f"{verb} {f.name}({report.department}·{report.adapter}):共{report.rows}行,"
        f"新增{report.new}条,更正{report.changed}条,未变{report.unchanged}条,拒绝{report.rejected_total}行"
    )
    click.echo(summary)
    for note in report.notes:
        click.echo(f"  · {note}")
    for rej in report.rejected[:50]:
        click.echo(f"  ✗ {rej.text()}")
    if report.rejected_total > 50:
        click.echo(f"  …… 另有 {report.rejected_total - 50} 行被拒绝")
        for line in report.summary()[:20]:  # beyond the rejections kept: by column and reason
            click.echo(f"     {line}")
    if strict and report.rejected:
        click.echo(f"  --strict:{f.name} 有错误行,整个文件未导入", err=True)
    elif dry_run:
        click.echo("  (--dry-run:未写入数据库)")
    return report


@cli.command()
@click.argument("period")
@click.option("--quiet", "-q", is_flag=True, help="不打印排名。")
@click.option("--full", is_flag=True, help="全部重新计算(默认只重新计算上次计算后有变化的部分,结果相同)。")
@click.pass_obj
def score(obj: Ctx, period: str, quiet: bool, full: bool) -> None:
    """计算 PERIOD(2015-04、2015-Q2、2015-H1、2015)的得分并保存。"""

    p = _period(period)
    refuse_future(obj.bureau, p)
    with obj.store() as store:
        _warn_empty(store, p, obj.bureau, obj.registry)
        warn_uninstalled(store, obj.bureau, obj.registry, p)
        result = scored_now(store, obj.bureau, obj.registry, p, full=full)
    _warn_gaps(result)
    click.echo(f"已计算 {p.chinese}({obj.bureau.calendar.range_text(p)}):{len(result.units)} 个单位")
    if not quiet:
        click.echo(_ranking_text(obj.bureau, result))


def _ranking_text(bureau: Any, result: Any) -> str:
    out = []
    columns = ranking_columns(bureau, result)
    for series, units in result.series().items():
        s = bureau.scheme.series_by_id(series)
        out.append(f"\n{s.name if s else series}")
        headers = ["名次", "单位", "总分", *[h for h, _ in columns], "标记"]
        rows = []
        for u in units:
            rows.append([str(u.rank), u.name, fmt(u.total), *[fmt(get(u)) for _, get in columns], "、".join(u.flags)])
        out.append(table(headers, rows, right={0, 2, *range(3, 3 + len(columns))}))
    return "\n".join(out)


def _warn_empty(store: Any, period: Any, bureau: Any = None, registry: Any = None) -> None:
    """A period with no record at all is scored as if every unit had done nothing wrong (and nothing
    right): say so, it is usually a mistyped period or data not yet imported. Not when the period
    is scored from last period's data carried over (``[carry_over]``): that is said as 沿用上期."""
    months = [m.label for m in period.months()]
    if not any(store.has_records(d, months) for d in store.imported_departments()) and not (
        bureau is not None and registry is not None and carried_into(store, bureau, registry, period)
    ):
        click.echo(f"警告:数据库中没有 {period.label} 的任何记录(期间写错了,还是数据尚未导入?),以下得分是在没有任何记录的情况下算出的", err=True)


def gaps_text(result: Any, limit: int = 10) -> list[str]:
    """What data is missing in ``result`` (kaohe.model.Gap), in Chinese, one sentence a line: the
    periods with no data at all, the departments that sent nothing, the units' missing figures."""
    out = []
    if result.empty and tuple(result.empty) != (result.period,):  # an empty base period: _warn_empty says it
        out.append(f"{'、'.join(result.empty)} 没有任何数据:各单位该期同分,不评末位")
    by_dept: dict[str, list[str]] = {}
    units = []
    for g in result.missing:
        if g.unit:
            units.append(g)
        elif g.period not in result.empty:
            by_dept.setdefault(g.department, []).append(g.period)
    if by_dept:
        out.append("未报送(有关项目暂不计分):" + ";".join(f"{d} {'、'.join(ps)}" for d, ps in by_dept.items()))
    if units:
        listed = ";".join(g.text() for g in units[:limit])
        more = f" 等{len(units)}项" if len(units) > limit else ""
        out.append(f"单位数据缺失(该项暂不计分):{listed}{more}")
    return out


def _warn_gaps(result: Any) -> None:
    for text in gaps_text(result):
        click.echo(f"警告:数据不全:{text}", err=True)



@cli.command()
@click.argument("unit")
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出完整的计分树。")
@click.option("--all", "show_all", is_flag=True, help="也列出未得分、未扣分的项目。")
@click.option("--ids", is_flag=True, help="列出项目编号和记录编号(申请复查时用)。")
@click.pass_obj
def explain(obj: Ctx, unit: str, period: str, as_json: bool, show_all: bool, ids: bool) -> None:
    """说明 UNIT 在 PERIOD 的得分:总分 → 考核内容 → 项目 → 每条记录。"""

    p = _period(period)
    u = obj.bureau.unit(unit)
    if u is None:
        raise KaoheError(f"没有单位 “{unit}”:可用单位编号或名称,如 {obj.bureau.units[0].id} 或 {obj.bureau.units[0].name}")
    refuse_future(obj.bureau, p)
    with obj.store(readonly=not writable(Path(obj.bureau.database))) as store:
        _warn_empty(store, p, obj.bureau, obj.registry)
        warn_uninstalled(store, obj.bureau, obj.registry, p)
        result, note = shown(store, obj.bureau, obj.registry, p, u.id)
    if note:
        click.echo(note, err=True)
    try:
        res = result.unit(u.id)
    except KeyError:
        raise KaoheError(f"{u.name} 在 {p.label} 不参加考核(单位设立/撤并日期)") from None
    _warn_gaps(attrs.evolve(result, missing=tuple(g for g in result.missing if g.unit in ("", u.id))))
    if as_json:
        click.echo(json.dumps(unit_data(res), ensure_ascii=False, indent=2))
    else:
        # the period's dates first: a line dated 3月21日 belongs to April when the month ends on the 20th
        click.echo(f"考核期间:{p.chinese},{obj.bureau.calendar.range_text(p)}")
        click.echo(unit_text(res, show_zero=show_all, ids=ids))


@cli.command()
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@click.option("--csv", "as_csv", is_flag=True, help="CSV 格式(UTF-8 带 BOM,Excel 可直接打开)。")
@click.pass_obj
def ranking(obj: Ctx, period: str, as_json: bool, as_csv: bool) -> None:
    """PERIOD 的排名:每个序列的名次、总分、各考核内容得分和标记。"""


    p = _period(period)
    refuse_future(obj.bureau, p)
    with obj.store(readonly=not writable(Path(obj.bureau.database))) as store:
        _warn_empty(store, p, obj.bureau, obj.registry)
        warn_uninstalled(store, obj.bureau, obj.registry, p)
        result, note = shown(store, obj.bureau, obj.registry, p)
    if note:
        click.echo(note, err=True)
    if as_csv:
        _warn_gaps(result)
    if as_json:
        data = [
            {
                "series": u.series, "rank": u.rank, "unit": u.unit, "name": u.name, "total": fmt(u.total),
                "categories": {c.category: fmt(c.score) for c in u.categories}, "flags": list(u.flags),
            }
            for units in result.series().values()
            for u in units
        ]
        click.echo(json.dumps(
            {"period": p.label, "ranking": data, "empty": list(result.empty), "missing": [gap_data(g) for g in result.missing]},
            ensure_ascii=False, indent=2,
        ))
    elif as_csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        columns = ranking_columns(obj.bureau, result)
        csv_row(w, ["序列", "名次", "单位编号", "单位", "总分", *[h for h, _ in columns], "标记"])
        for series, units in result.series().items():
            for u in units:
                csv_row(w, [series, u.rank, u.unit, u.name, fmt(u.total), *[fmt(get(u)) for _, get in columns], "、".join(u.flags)])
        click.echo("\ufeff" + buf.getvalue(), nl=False)
    else:
        click.echo(f"{obj.bureau.name} {p.chinese} 考核排名")
        click.echo(_ranking_text(obj.bureau, result))
        for text in gaps_text(result):
            click.echo(f"\n数据不全:{text}")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="kaohe-demo")
@click.option("--seed", default=None, type=int, help="随机种子(默认 2015,结果可复现)。")
@click.option("--force", is_flag=True, help="目录已存在时先清空。")
@click.pass_obj
def demo(obj: Ctx, directory: Path, seed: int | None, force: bool) -> None:
    """演示:建立金坛 2015(seed 000)演示局,生成各部门一年的数据,导入、计分并发布通报。"""

    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise KaoheError(f"{directory} 已存在且不为空:换一个目录,或加 --force 清空后重建")
        shutil.rmtree(directory)
    started = time.monotonic()
    run_demo(directory, seed=seed, echo=click.echo)
    click.echo(f"完成,用时 {time.monotonic() - started:.1f} 秒。")


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
            return text(m)
    return message


def main() -> None:
    try:
        cli.main(standalone_mode=False, prog_name="kaohe")
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"用 {exc.ctx.command_path} --help 查看说明。", err=True)
        click.echo(f"错误:{usage_text(exc.format_message())}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Refused as exc:
        click.echo(f"错误:{exc}", err=True)
        sys.exit(EXIT_REFUSED)
    except KaoheError as exc:
        click.echo(f"错误:{exc}", err=True)
        sys.exit(2)
    except sqlite3.Error as exc:
        click.echo(f"错误:{database_error_text(exc)}", err=True)
        sys.exit(EXIT_DATABASE)
    except OSError as exc:
        click.echo(f"错误:{os_error_text(exc)}", err=True)
        sys.exit(2)


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


@cli.command("appeal-deadline")
@click.argument("published")
@click.pass_obj
def appeal_deadline(obj: Ctx, published: str) -> None:
    """复查申请截止日:通报于 PUBLISHED(如 2011-12-23)公布后,按本局 [appeals] working_days 个工作日计算。"""


    try:
        day = dt.date.fromisoformat(published.strip())
    except ValueError:
        raise KaoheError(f"公布日期应为 2011-12-23 这样的日期,得到 {published!r}") from None

    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise KaoheError(f"公布日期 {day.isoformat()} 不在 {MIN_YEAR}-{MAX_YEAR} 年之间:是否写错了?")
    b = obj.bureau
    click.echo(f"{b.name}:" + deadline_text(day, b.appeal_days, b.holidays, b.workdays))


def _register_office_commands() -> None:
    register(cli)


_register_office_commands()


def add_plugin_commands(group: click.Group, registry: Any) -> list[str]:
    """Add the plugins' own commands (``kaohe_commands``) to ``group``; a name the kernel already
    uses stays the kernel's (a warning says so). Returns the names added."""
    added: list[str] = []
    for name, command in sorted(registry.commands.items()):
        if name in group.commands:
            click.echo(f"警告:插件 {command.plugin} 的命令 {name} 与 kaohe 自带的命令同名,未添加", err=True)
            continue
        cli_text.localise(command.command)
        group.add_command(command.command, name)
        added.append(name)
    return added

cli_text.localise(cli)  # once every command is declared: the usage line's placeholders in Chinese
