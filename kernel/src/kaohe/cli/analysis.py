"""The office's analysis commands: ``compare`` (the scheme in force against a proposal) and
``diagnose`` (how each part of a scheme really weighs). Both read the store only (docs/analysis.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import Ctx, parse_period, pass_ctx, refuse_future, warn_empty

if TYPE_CHECKING:
    from ..office.analysis import Proposal


def _options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--proposal", "proposal_file", type=click.Path(dir_okay=False, path_type=Path), help="拟议方案的配置文件(TOML);不写则在本局现行配置上修改。"),
            click.option("--set", "sets", multiple=True, metavar="键=值", help="修改一项配置,可多次使用,如 categories.jichu.weight=300、items.\"office.late\".params.points=-3、items.disable+=office.minor。"),
            click.option("--off", "off", multiple=True, metavar="项目编号", help="停用一个项目(即 --set items.disable+=项目编号),可多次使用。"),
            click.option("--without-changes", "undated", is_flag=True, help="拟议方案不含配置中按期间生效的变更([[changes]]):对比“实际采用的”与“不作变更本来会怎样”。"),
            click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。"),
            click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), help="另存为 XLSX 工作簿。"),
            click.option("--html", "page", type=click.Path(dir_okay=False, path_type=Path), help="另存为带图表的网页(单个文件,离线可看)。"),
        ]
    ):
        f = option(f)
    return f


def _proposal(proposal_file: Path | None, sets: tuple[str, ...], off: tuple[str, ...], undated: bool = False) -> Proposal:
    from ..office.analysis import Proposal  # the analysis' modules imported by its commands only: every other command starts without them

    return Proposal(proposal_file, (*sets, *(f'items.disable+="{i}"' for i in off)), undated)


def _run(obj: Ctx, kind: str, period: str, change: Proposal, as_json: bool, xlsx: Path | None, page: Path | None) -> None:
    from ..office.analysis import compare as compare_case, diagnose as diagnose_case
    from ..report.analysis import compare_text, diagnose_text
    from ..report.analysis_files import write_html, write_xlsx

    p = parse_period(period)
    refuse_future(obj.bureau, p)
    with obj.store(readonly=True) as store:
        warn_empty(store, p, obj.bureau, obj.registry)
        case = compare_case if kind == "compare" else diagnose_case
        data = case(store, obj.bureau, obj.registry, p, change)
    if xlsx is not None:
        click.echo(f"已保存:{write_xlsx(kind, data, xlsx)}", err=True)
    if page is not None:
        click.echo(f"已保存:{write_html(kind, data, obj.bureau.name, page)}", err=True)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif xlsx is None and page is None:
        click.echo(compare_text(data) if kind == "compare" else diagnose_text(data))


@click.command()
@click.argument("period")
@_options
@pass_ctx
def compare(
    obj: Ctx, period: str, proposal_file: Path | None, sets: tuple[str, ...], off: tuple[str, ...], undated: bool, as_json: bool,
    xlsx: Path | None, page: Path | None,
) -> None:
    """用同一批已导入的数据,按现行方案和拟议方案分别计算 PERIOD(2015-04、2015-Q2、2015),对比总分、名次、评先和整改/末位。不保存任何结果。"""
    change = _proposal(proposal_file, sets, off, undated)
    if change.empty:
        raise click.UsageError("请用 --proposal、--set / --off 或 --without-changes 给出拟议方案")
    _run(obj, "compare", period, change, as_json, xlsx, page)


@click.command()
@click.argument("period")
@_options
@pass_ctx
def diagnose(
    obj: Ctx, period: str, proposal_file: Path | None, sets: tuple[str, ...], off: tuple[str, ...], undated: bool, as_json: bool,
    xlsx: Path | None, page: Path | None,
) -> None:
    """诊断 PERIOD 的考核方案(现行方案,或用 --proposal / --set 给出的拟议方案):各考核内容和项目的实际权重、封顶、无效和无差异的项目、板块平衡。不保存任何结果。"""
    _run(obj, "diagnose", period, _proposal(proposal_file, sets, off, undated), as_json, xlsx, page)


COMMANDS = {"compare": compare, "diagnose": diagnose}
