"""The commands about scores: ``ingest`` (a department's file), ``score``, ``explain`` and
``ranking``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import click

from ..core.errors import KaoheError
from ..office.ingest import ingest as ingest_file
from ..intake.workbook import write_template
from ..office.jobs import scored_now, shown
from ..office.withdraw import withdraw as withdraw_record
from ..report.text import gaps_text, ranking_csv, ranking_data, ranking_text
from ..core.periods import Period
from ..scoring.explain import unit_data, unit_text
from ..scoring.pipeline import collector_paused
from ..store.store import writable
from .common import EXIT_PARTIAL, EXIT_REFUSED, Ctx, acting, actor_option, parse_period, pass_ctx, refuse_future, warn_empty, warn_gaps, warn_uninstalled


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查文件,不写入数据库(部门上报前自查)。")
@click.option("--strict", is_flag=True, help="有任何一行错误就拒绝整个文件。")
@click.option("--adapter", "adapter_id", help="指定数据格式(默认按表头自动识别)。")
@click.option("--department", help="指定部门:插件名或部门名(如 xiaofang 或 消防大队),只按该部门的数据格式识别。")
@actor_option("导入人的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account;尚未开设网站账号时可写任意姓名,默认为当前系统用户;--dry-run 不必写)。")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度。")
@pass_ctx
def ingest(obj: Ctx, files: tuple[Path, ...], dry_run: bool, strict: bool, adapter_id: str | None, department: str | None, actor: str | None, quiet: bool) -> None:
    """导入部门的数据文件(XLSX 或 CSV)。"""
    bureau, reg = obj.bureau, obj.registry
    failed = partial = False
    actor = acting(obj, actor, optional=dry_run).recorded
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


@click.command()
@click.argument("period")
@click.option("--quiet", "-q", is_flag=True, help="不打印排名。")
@click.option("--full", is_flag=True, help="全部重新计算(默认只重新计算上次计算后有变化的部分,结果相同)。")
@pass_ctx
def score(obj: Ctx, period: str, quiet: bool, full: bool) -> None:
    """计算 PERIOD(2015-04、2015-Q2、2015-H1、2015)的得分并保存。"""

    # Python's cycle collector paused until the result is let go: resumed while the period's result
    # is alive (``score_period`` resumes it as it found it), its first pass would walk every object the
    # scoring made (0.4 s of a month at full scale; bench/RESULTS.md); reference counting frees them
    with collector_paused():
        _score(obj, parse_period(period), quiet, full)


def _score(obj: Ctx, p: Period, quiet: bool, full: bool) -> None:
    refuse_future(obj.bureau, p)
    with obj.store() as store:
        warn_empty(store, p, obj.bureau, obj.registry)
        warn_uninstalled(store, obj.bureau, obj.registry, p)
        result = scored_now(store, obj.bureau, obj.registry, p, full=full)
    warn_gaps(result)
    click.echo(f"已计算 {p.chinese}({obj.bureau.calendar.range_text(p)}):{len(result.units)} 个单位")
    if not quiet:
        click.echo(ranking_text(obj.bureau, result))


@click.command()
@click.argument("unit")
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出完整的计分树。")
@click.option("--all", "show_all", is_flag=True, help="也列出未得分、未扣分的项目。")
@click.option("--ids", is_flag=True, help="列出项目编号和记录编号(申请复查时用)。")
@pass_ctx
@collector_paused()
def explain(obj: Ctx, unit: str, period: str, as_json: bool, show_all: bool, ids: bool) -> None:
    """说明 UNIT 在 PERIOD 的得分:总分 → 考核内容 → 项目 → 每条记录。"""

    p = parse_period(period)
    u = obj.bureau.unit(unit)
    if u is None:
        raise KaoheError(f"没有单位 “{unit}”:可用单位编号或名称,如 {obj.bureau.units[0].id} 或 {obj.bureau.units[0].name}")
    refuse_future(obj.bureau, p)
    with obj.store(readonly=not writable(Path(obj.bureau.database))) as store:
        warn_empty(store, p, obj.bureau, obj.registry)
        warn_uninstalled(store, obj.bureau, obj.registry, p)
        result, note = shown(store, obj.bureau, obj.registry, p, u.id)
    if note:
        click.echo(note, err=True)
    try:
        res = result.unit(u.id)
    except KeyError:
        raise KaoheError(f"{u.name} 在 {p.label} 不参加考核(单位设立/撤并日期)") from None
    warn_gaps(attrs.evolve(result, missing=tuple(g for g in result.missing if g.unit in ("", u.id))))
    if as_json:
        click.echo(json.dumps(unit_data(res), ensure_ascii=False, indent=2))
    else:
        # the period's dates first: a line dated 3月21日 belongs to April when the month ends on the 20th
        click.echo(f"考核期间:{p.chinese},{obj.bureau.calendar.range_text(p)}")
        click.echo(unit_text(res, show_zero=show_all, ids=ids))


@click.command()
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@click.option("--csv", "as_csv", is_flag=True, help="CSV 格式(UTF-8 带 BOM,Excel 可直接打开)。")
@pass_ctx
@collector_paused()
def ranking(obj: Ctx, period: str, as_json: bool, as_csv: bool) -> None:
    """PERIOD 的排名:每个序列的名次、总分、各考核内容得分和标记。"""


    p = parse_period(period)
    refuse_future(obj.bureau, p)
    with obj.store(readonly=not writable(Path(obj.bureau.database))) as store:
        warn_empty(store, p, obj.bureau, obj.registry)
        warn_uninstalled(store, obj.bureau, obj.registry, p)
        result, note = shown(store, obj.bureau, obj.registry, p)
    if note:
        click.echo(note, err=True)
    if as_csv:
        warn_gaps(result)
    if as_json:
        click.echo(json.dumps(ranking_data(result), ensure_ascii=False, indent=2))
    elif as_csv:
        click.echo("\ufeff" + ranking_csv(obj.bureau, result), nl=False)
    else:
        click.echo(f"{obj.bureau.name} {p.chinese} 考核排名")
        click.echo(ranking_text(obj.bureau, result))
        for text in gaps_text(result):
            click.echo(f"\n数据不全:{text}")


@click.command()
@click.argument("adapter_id", metavar="ADAPTER")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), help="模板文件(默认:部门_数据格式_导入模板.xlsx)。")
@pass_ctx
def template(obj: Ctx, adapter_id: str, out: Path | None) -> None:
    """写出数据格式 ADAPTER 的空白导入模板(XLSX:标题行、表头、下拉选项、填写说明)。"""
    adapter = obj.registry.adapters.get(adapter_id)
    if adapter is None:
        raise KaoheError(f"没有数据格式 {adapter_id}:可用 {'、'.join(sorted(obj.registry.adapters))}")
    path = out or Path(f"{adapter.department}_{adapter.title}_导入模板.xlsx")
    write_template(path, f"{obj.bureau.name}{adapter.department} {adapter.title}", adapter)
    click.echo(f"已写出 {adapter.title}({adapter.department},{adapter.id})的导入模板:{path}")


@click.command()
@click.argument("key")
@click.option("--reason", required=True, help="撤回的理由。")
@click.option("--department", help="撤回人所在部门(部门名):只能撤回该部门报送的记录。")
@actor_option()
@pass_ctx
def withdraw(obj: Ctx, key: str, reason: str, department: str | None, actor: str | None) -> None:
    """撤回(作废)报送错误的记录 KEY:通报发布前(或考核办解除锁定后)由报送部门撤回,记录保留并标为作废。"""
    with obj.store() as store:
        row = withdraw_record(store, obj.bureau, key, reason, actor=acting(obj, actor).recorded, department=department)
    click.echo(f"已撤回记录 {row['key']}({row['department']},{row['unit']},{row['date']}):已作废,不再计分")


COMMANDS = {"ingest": ingest, "score": score, "explain": explain, "ranking": ranking, "template": template, "withdraw": withdraw}
