"""The ``kaohe`` command. Messages about scores are in Chinese; a user's mistake gives a one-line
error and a non-zero exit code, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import KaoheError
from .officers_cli import officers

DEFAULT_CONFIG = "kaohe.toml"


class Ctx:
    def __init__(self, config: str) -> None:
        self.config = Path(config)
        self._registry: Any = None
        self._bureau: Any = None

    @property
    def registry(self) -> Any:
        if self._registry is None:
            from .plugins import load_registry

            self._registry = load_registry()
            for err in self._registry.errors:
                click.echo(f"警告:{err}", err=True)
        return self._registry

    @property
    def bureau(self) -> Any:
        if self._bureau is None:
            from .config import load_bureau

            self._bureau = load_bureau(self.config, self.registry)
        return self._bureau

    def store(self) -> Any:
        from .store import Store

        return Store(self.bureau.database)


pass_ctx = click.make_pass_decorator(Ctx)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right or set()
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, widths[i], i in right) for i, h in enumerate(headers))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(_pad(c, widths[i], i in right) for i, c in enumerate(r)))
    return "\n".join(lines)


def _period(label: str) -> Any:
    from .periods import Period

    return Period.parse(label)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    from importlib.resources import files

    from .store import Store

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
@click.pass_obj
def plugins(obj: Ctx, show_items: bool) -> None:
    """已安装的插件、版本、考核项目,以及本局是否启用。"""
    reg = obj.registry
    enabled: set[str] | None = None
    if obj.config.exists():
        enabled = {i.id for i in obj.bureau.items}
    if not reg.plugins:
        click.echo("没有安装任何部门插件(入口点组 kaohe)。")
    for name, info in sorted(reg.plugins.items()):
        head = f"{name} {info.version}".rstrip() + (f"({info.distribution})" if info.distribution else "")
        if info.error:
            click.echo(f"{head}  ✗ 已拒绝加载:{info.error}")
            continue
        items = reg.items_of(name)
        click.echo(f"{head}  {len(items)} 个考核项目,{len(reg.adapters_of(name))} 种数据格式")
        if show_items:
            for it in items:
                state = "" if enabled is None else ("[启用] " if it.id in enabled else "[停用] ")
                if enabled is not None and it.id in obj.bureau.inapplicable:
                    state = "[不适用:本局方案无此考核内容] "
                click.echo(f"  {state}{it.id}  {it.title}  ({it.cadence_name};{it.reference};{it.rule.describe()})")
            for ad in reg.adapters_of(name):
                click.echo(f"  数据格式 {ad.id}:{ad.title}")
    if enabled is not None:
        office = [i for i in obj.bureau.items if i.plugin == "office"]
        if office:
            click.echo(f"考核办自设项目 {len(office)} 个")
            for it in office:
                click.echo(f"  [启用] {it.id}  {it.title}  ({it.cadence_name};{it.reference})")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查文件,不写入数据库(部门上报前自查)。")
@click.option("--strict", is_flag=True, help="有任何一行错误就拒绝整个文件。")
@click.option("--adapter", "adapter_id", help="指定数据格式(默认按表头自动识别)。")
@click.option("--actor", help="导入人(默认为当前系统用户)。")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度。")
@click.pass_obj
def ingest(obj: Ctx, files: tuple[Path, ...], dry_run: bool, strict: bool, adapter_id: str | None, actor: str | None, quiet: bool) -> None:
    """导入部门的数据文件(XLSX 或 CSV)。"""
    bureau, reg = obj.bureau, obj.registry
    failed = False
    with obj.store() as store:
        for f in files:
            report = _ingest_one(store, f, bureau, reg, dry_run, strict, adapter_id, actor, quiet)
            failed = failed or (strict and bool(report.rejected))
    if failed:
        sys.exit(1)


def _ingest_one(store: Any, f: Path, bureau: Any, reg: Any, dry_run: bool, strict: bool, adapter_id: str | None, actor: str | None, quiet: bool) -> Any:
    bar: Any = None
    progress: Callable[[int], None] | None = None
    if not quiet and f.exists() and f.stat().st_size > 2_000_000:
        bar = click.progressbar(length=0, label=f"导入 {f.name}", show_pos=True)
        bar.__enter__()

        def progress(n: int) -> None:
            bar.pos = n
            bar.render_progress()

    try:
        report = store.ingest(f, bureau, reg, strict=strict, dry_run=dry_run, adapter_id=adapter_id, actor=actor, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    verb = "检查" if dry_run else "导入"
    summary = (
        f"{verb} {f.name}({report.department}·{report.adapter}):共{report.rows}行,"
        f"新增{report.new}条,更正{report.changed}条,未变{report.unchanged}条,拒绝{report.rejected_total}行"
    )
    click.echo(summary)
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
@click.pass_obj
def score(obj: Ctx, period: str, quiet: bool) -> None:
    """计算 PERIOD(2015-04、2015-Q2、2015-H1、2015)的得分并保存。"""
    from .jobs import score_period

    p = _period(period)
    with obj.store() as store:
        _warn_empty(store, p)
        result = score_period(store, obj.bureau, obj.registry, p)
    click.echo(f"已计算 {p.chinese}({obj.bureau.calendar.range_text(p)}):{len(result.units)} 个单位")
    if not quiet:
        click.echo(_ranking_text(obj.bureau, result))


def ranking_columns(bureau: Any, result: Any) -> list[tuple[str, Any]]:
    """The score columns of a ranking: (header, unit → value). For a base period, each category. For
    a quarter, half-year or year made by summing its base periods, each category summed; made
    otherwise (mean, or the year's scaled 60%), the summed categories would not add up to the total,
    so the part made of the base periods is one column (各期部分), beside the year's own categories."""
    from .decimals import ZERO

    scheme = bureau.scheme
    aggregated = any(u.parts for u in result.units)
    method = scheme.year_method if result.kind == "year" else scheme.aggregate
    year_ids = {c.id for c in scheme.year_categories}

    def score_of(cid: str) -> Any:
        return lambda u: next((c.score for c in u.categories if c.category == cid), None)

    def adjusted(u: Any) -> Any:
        return sum((ln.points for ln in u.adjustments), ZERO) if u.adjustments else None

    adjustment = [("考核办调整", adjusted)] if any(u.adjustments for u in result.units) else []
    if not aggregated or method == "sum":
        cats = [(c.name, score_of(c.id)) for c in scheme.categories if result.kind == "year" or c.id not in year_ids]
        return cats + adjustment

    def part(u: Any) -> Any:
        extra = sum((c.score for c in u.categories if c.category in year_ids), ZERO)
        return u.total - extra - sum((ln.points for ln in u.adjustments), ZERO)

    label = {"year": "月考核部分", "half": "各月部分", "quarter": "各月部分"}.get(result.kind, "各期部分")
    if scheme.base_period == "quarter":
        label = "各季度部分"
    return [(label, part)] + [(c.name, score_of(c.id)) for c in scheme.categories if c.id in year_ids] + adjustment


def _ranking_text(bureau: Any, result: Any) -> str:
    from .decimals import fmt

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


def _warn_empty(store: Any, period: Any) -> None:
    """A period with no record at all is scored as if every unit had done nothing wrong (and nothing
    right): say so, it is usually a mistyped period or data not yet imported."""
    months = [m.label for m in period.months()]
    departments = [d for (d,) in store.db.execute("SELECT DISTINCT department FROM imports").fetchall()]
    q = f"SELECT 1 FROM records WHERE department = ? AND month IN ({','.join('?' * len(months))}) AND voided = 0 LIMIT 1"
    if not any(store.db.execute(q, [d, *months]).fetchone() for d in departments):
        click.echo(f"警告:数据库中没有 {period.label} 的任何记录(期间写错了,还是数据尚未导入?),以下得分是在没有任何记录的情况下算出的", err=True)


def _load_result(obj: Ctx, store: Any, period: Any) -> Any:
    from .jobs import score_period

    return score_period(store, obj.bureau, obj.registry, period, save=not store.scores(period.label))


@cli.command()
@click.argument("unit")
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出完整的计分树。")
@click.option("--all", "show_all", is_flag=True, help="也列出未得分、未扣分的项目。")
@click.option("--ids", is_flag=True, help="列出项目编号和记录编号(申请复查时用)。")
@click.pass_obj
def explain(obj: Ctx, unit: str, period: str, as_json: bool, show_all: bool, ids: bool) -> None:
    """说明 UNIT 在 PERIOD 的得分:总分 → 考核内容 → 项目 → 每条记录。"""
    from .explain import unit_data, unit_text
    from .jobs import score_period

    p = _period(period)
    u = obj.bureau.unit(unit)
    if u is None:
        raise KaoheError(f"没有单位 “{unit}”:可用单位编号或名称,如 {obj.bureau.units[0].id} 或 {obj.bureau.units[0].name}")
    with obj.store() as store:
        _warn_empty(store, p)
        result = score_period(store, obj.bureau, obj.registry, p, save=False)
    try:
        res = result.unit(u.id)
    except KeyError:
        raise KaoheError(f"{u.name} 在 {p.label} 不参加考核(单位设立/撤并日期)") from None
    if as_json:
        click.echo(json.dumps(unit_data(res), ensure_ascii=False, indent=2))
    else:
        click.echo(unit_text(res, show_zero=show_all, ids=ids))


@cli.command()
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@click.option("--csv", "as_csv", is_flag=True, help="CSV 格式(UTF-8 带 BOM,Excel 可直接打开)。")
@click.pass_obj
def ranking(obj: Ctx, period: str, as_json: bool, as_csv: bool) -> None:
    """PERIOD 的排名:每个序列的名次、总分、各考核内容得分和标记。"""
    from .decimals import fmt

    p = _period(period)
    with obj.store() as store:
        _warn_empty(store, p)
        result = _load_result(obj, store, p)
    if as_json:
        data = [
            {
                "series": u.series, "rank": u.rank, "unit": u.unit, "name": u.name, "total": fmt(u.total),
                "categories": {c.category: fmt(c.score) for c in u.categories}, "flags": list(u.flags),
            }
            for units in result.series().values()
            for u in units
        ]
        click.echo(json.dumps({"period": p.label, "ranking": data}, ensure_ascii=False, indent=2))
    elif as_csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        columns = ranking_columns(obj.bureau, result)
        w.writerow(["序列", "名次", "单位编号", "单位", "总分", *[h for h, _ in columns], "标记"])
        for series, units in result.series().items():
            for u in units:
                w.writerow([series, u.rank, u.unit, u.name, fmt(u.total), *[fmt(get(u)) for _, get in columns], "、".join(u.flags)])
        click.echo("\ufeff" + buf.getvalue(), nl=False)
    else:
        click.echo(f"{obj.bureau.name} {p.chinese} 考核排名")
        click.echo(_ranking_text(obj.bureau, result))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="kaohe-demo")
@click.option("--seed", default=None, type=int, help="随机种子(默认 2015,结果可复现)。")
@click.option("--force", is_flag=True, help="目录已存在时先清空。")
@click.pass_obj
def demo(obj: Ctx, directory: Path, seed: int | None, force: bool) -> None:
    """演示:建立金坛 2015(seed 000)演示局,生成各部门一年的数据,导入、计分并发布通报。"""
    from .demo import run_demo

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
    except KaoheError as exc:
        click.echo(f"错误:{exc}", err=True)
        sys.exit(2)
    except sqlite3.OperationalError as exc:
        click.echo(f"错误:数据库操作失败({exc});若另一个 kaohe 命令正在写入,请稍后再试", err=True)
        sys.exit(3)
    except OSError as exc:
        click.echo(f"错误:{exc.strerror or exc}:{exc.filename or ''}", err=True)
        sys.exit(2)


@cli.command("appeal-deadline")
@click.argument("published")
@click.pass_obj
def appeal_deadline(obj: Ctx, published: str) -> None:
    """复查申请截止日:通报于 PUBLISHED(如 2011-12-23)公布后,按本局 [appeals] working_days 个工作日计算。"""
    import datetime as dt

    from .appeals import deadline_text

    try:
        day = dt.date.fromisoformat(published.strip())
    except ValueError:
        raise KaoheError(f"公布日期应为 2011-12-23 这样的日期,得到 {published!r}") from None
    b = obj.bureau
    click.echo(f"{b.name}:" + deadline_text(day, b.appeal_days, b.holidays, b.workdays))


def _register_office_commands() -> None:
    from .cli_office import register

    register(cli)


_register_office_commands()


cli.add_command(officers)
