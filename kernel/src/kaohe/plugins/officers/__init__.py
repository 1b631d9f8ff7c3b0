"""The built-in plugin ``officers``: 民警考核系数 of 上城 2010 (seed 000 l.62-70, l.84-86).

It claims the bureau's ``[officers]`` table (``kaohe_config_tables``; parsed by
``settings.parse_settings``, kept in ``bureau.plugin_config["officers"]``) and adds the command
``kaohe officers PERIOD`` (``kaohe_commands``): each officer's coefficient per quarter with the
reason. The computation is ``coefficients``; the units' files are read by ``files``, through the
kernel's tables, columns and header matching (kaohe.intake.reader). It scores nothing: a bureau
without ``[officers]`` does not notice it. The kernel's other layers know nothing of officers."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click

from ...contract.hookspecs import hookimpl
from ...core.decimals import fmt
from ...core.errors import KaoheError
from ...core.periods import Period
from ...core.texttable import csv_row, table
from ...core.version import __version__ as __version__
from .coefficients import for_period, unit_means
from .files import read_data
from .settings import parse_settings

TABLE = "officers"


@hookimpl
def kaohe_config_tables(register):  # type: ignore[no-untyped-def]
    register(TABLE, parse_settings)


@hookimpl
def kaohe_commands(register):  # type: ignore[no-untyped-def]
    register(officers)


def _rows(obj: Any, period: str, unit: str | None) -> tuple[Any, Any, list[Any]]:
    bureau = obj.bureau
    settings = bureau.plugin_config.get(TABLE)
    if settings is None:
        raise KaoheError(f"{bureau.source} 没有 [officers] 配置:民警考核系数需要身份系数表和民警名单(见 docs/configuration.md)")
    p = Period.parse(period)
    units = {n: u.id for u in bureau.units for n in u.names}
    data = read_data(settings, units)
    rows = for_period(settings, data, bureau.calendar, p)
    if unit is not None:
        u = bureau.unit(unit)
        if u is None:
            raise KaoheError(f"没有单位 “{unit}”:可用单位编号或名称,如 {bureau.units[0].id} 或 {bureau.units[0].name}")
        rows = [r for r in rows if r.unit == u.id]
    return bureau, p, rows


@click.command()
@click.argument("period")
@click.option("--unit", "unit", help="只列出一个单位(编号或名称)。")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@click.option("--csv", "as_csv", is_flag=True, help="CSV 格式(UTF-8 带 BOM,Excel 可直接打开)。")
@click.pass_obj
def officers(obj: Any, period: str, unit: str | None, as_json: bool, as_csv: bool) -> None:
    """民警考核系数:PERIOD(季度如 2010-Q2,或年度如 2010)每名民警的考核系数、是否参加考核及原因。"""

    bureau, p, rows = _rows(obj, period, unit)
    names = {u.id: u.name for u in bureau.units}
    means = unit_means(rows)
    if as_json:
        data = {
            "period": p.label,
            "officers": [
                {
                    "period": r.period, "unit": r.unit, "unit_name": names.get(r.unit, r.unit), "officer": r.officer,
                    "name": r.name, "coefficient": None if r.coefficient is None else fmt(r.coefficient),
                    "status": r.status, "reason": r.reason, "leave_days": r.leave_days,
                    "year_leave_days": r.year_leave_days, "roles": list(r.roles),
                }
                for r in rows
            ],
            "units": [
                {"unit": u, "unit_name": names.get(u, u), "period": q, "mean": fmt(m), "officers": n}
                for (u, q), (m, n) in sorted(means.items())
            ],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if as_csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        csv_row(w, ["季度", "单位编号", "单位", "警号", "姓名", "考核系数", "考核情况", "本季度病事假天数", "本年度累计病事假天数", "说明"])
        for r in rows:
            csv_row(w, [
                r.period, r.unit, names.get(r.unit, r.unit), r.officer, r.name,
                "" if r.coefficient is None else fmt(r.coefficient), r.status, r.leave_days, r.year_leave_days, r.reason,
            ])
        click.echo("\ufeff" + buf.getvalue(), nl=False)
        return
    click.echo(f"{bureau.name} {p.chinese} 民警考核系数({bureau.calendar.range_text(p)})")
    groups: dict[tuple[str, str], list[Any]] = {}
    for r in rows:
        groups.setdefault((r.unit, r.period), []).append(r)
    if not groups:
        click.echo("没有民警。")
    for (u, q), members in groups.items():
        mean = means.get((u, q))
        avg = f"平均考核系数 {fmt(mean[0])}({mean[1]}人参加考核)" if mean else "无人参加考核"
        head = f"\n{names.get(u, u)}" + (f" {q}" if p.kind == "year" else "") + f"  {avg}"
        click.echo(head)
        body = [[r.officer, r.name, "—" if r.coefficient is None else fmt(r.coefficient), r.status, r.reason] for r in members]
        click.echo(table(["警号", "姓名", "系数", "考核情况", "说明"], body, right={2}))
