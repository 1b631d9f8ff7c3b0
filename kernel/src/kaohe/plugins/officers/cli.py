"""The command group ``kaohe officers``: the officers' coefficients (``kaohe officers PERIOD``, also
``coefficients``), and from the stored unit results their scores, ranking, grades, bonus and the
checks of the coefficients. Output in Chinese; ``--json`` and ``--csv`` where a table is printed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import click

from ...core.decimals import fmt
from ...core.errors import KaoheError
from ...core.periods import Period
from ...core.texttable import csv_row, table
from ...office.accounts import OFFICER, add_users
from .bonus import Share, bonus, payroll, yuan
from .coefficients import for_period, quarter, unit_means
from .files import read_data, read_lists
from .editions import decide_objection, file_unit, publish_unit
from .objections import filed, objections, publication, raise_objection
from .quarter import Quarter, load, settings_of
from .scores import OfficerScore, balance, list_deadline, list_states

TABLE = "officers"


class _Officers(click.Group):
    """``kaohe officers PERIOD …`` is ``kaohe officers coefficients PERIOD …`` (as before the subcommands)."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["coefficients", *args]
        return super().resolve_command(ctx, args)


@click.group(cls=_Officers)
def officers() -> None:
    """民警考核系数与民警个人考核(二级考核):kaohe officers PERIOD 列出民警考核系数(同 coefficients);
    scores、ranking、grades、bonus、checks 由保存的单位考核结果计算民警个人得分、排名、等次、绩效奖金和系数检查。"""


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


@click.command("coefficients")
@click.argument("period")
@click.option("--unit", "unit", help="只列出一个单位(编号或名称)。")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@click.option("--csv", "as_csv", is_flag=True, help="CSV 格式(UTF-8 带 BOM,Excel 可直接打开)。")
@click.pass_obj
def coefficients(obj: Any, period: str, unit: str | None, as_json: bool, as_csv: bool) -> None:
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


officers.add_command(coefficients)


def _quarter(obj: Any, period: str) -> Quarter:
    settings_of(obj.bureau)
    p = Period.parse(period)
    with obj.store() as store:
        return load(store, obj.bureau, obj.registry, p)


def _only(q: Quarter, unit: str | None, officer: str | None = None) -> list[OfficerScore]:
    out = q.scores
    if unit is not None:
        u = q.bureau.unit(unit)
        if u is None:
            raise KaoheError(f"没有单位 “{unit}”:可用单位编号或名称,如 {q.bureau.units[0].id} 或 {q.bureau.units[0].name}")
        out = [s for s in out if s.unit == u.id]
    if officer is not None:
        out = [s for s in out if s.officer == officer]
        if not out:
            raise KaoheError(f"{q.period.label} 没有警号为 {officer} 的民警" + (f"(在 {unit})" if unit else ""))
    return out


def _opt(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return fmt(value) if isinstance(value, Decimal) else str(value)


def _score_data(s: OfficerScore, tree: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "period": s.period, "unit": s.unit, "unit_name": s.unit_name, "officer": s.officer, "name": s.name,
        "status": s.status, "coefficient": None if s.coefficient is None else fmt(s.coefficient),
        "unit_score": None if s.unit_score is None else fmt(s.unit_score), "items": fmt(s.items),
        "score": None if s.score is None else fmt(s.score), "ranked": s.ranked, "unit_rank": s.unit_rank,
        "unit_count": s.unit_count, "series": s.series, "rank": s.rank, "count": s.count, "band": s.band,
        "grade": s.grade or None, "grade_reason": s.grade_reason, "reason": s.tree.reason,
    }
    if tree:
        out["explanation"] = s.tree.data()
    return out


def _emit(rows: list[list[Any]], headers: list[str], as_csv: bool, right: set[int] | None = None) -> None:
    if as_csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        csv_row(w, headers)
        for r in rows:
            csv_row(w, ["" if c is None else (fmt(c) if isinstance(c, Decimal) else c) for c in r])
        click.echo("\ufeff" + buf.getvalue(), nl=False)
    else:
        click.echo(table(headers, [[_opt(c) for c in r] for r in rows], right=right))


def _head(q: Quarter, what: str) -> None:
    if q.note:
        click.echo(q.note, err=True)
    click.echo(f"{q.bureau.name} {q.period.chinese} {what}({q.bureau.calendar.range_text(q.period)})")


FORMATS = [
    click.option("--json", "as_json", is_flag=True, help="JSON 格式。"),
    click.option("--csv", "as_csv", is_flag=True, help="CSV 格式(UTF-8 带 BOM,Excel 可直接打开)。"),
]


def _formats(f: Any) -> Any:
    for o in reversed(FORMATS):
        f = o(f)
    return f


@officers.command("scores")
@click.argument("period")
@click.option("--unit", "unit", help="只列出一个单位(编号或名称)。")
@click.option("--officer", "officer", help="一名民警(警号):列出其得分的完整说明。")
@_formats
@click.pass_obj
def scores_command(obj: Any, period: str, unit: str | None, officer: str | None, as_json: bool, as_csv: bool) -> None:
    """民警个人得分:PERIOD(季度)每名民警的单位得分 × 考核系数 ± 个人考核项目,单位内名次、全局名次、序列和等次。"""
    q = _quarter(obj, period)
    chosen = _only(q, unit, officer)
    if as_json:
        click.echo(json.dumps({"period": q.period.label, "officers": [_score_data(s, tree=officer is not None) for s in chosen]}, ensure_ascii=False, indent=2))
        return
    if officer is not None and not as_csv:
        _head(q, "民警个人得分说明")
        for line in chosen[0].tree.lines():
            click.echo(line)
        s = chosen[0]
        if s.rank is not None:
            click.echo(f"单位内第{s.unit_rank}名(共{s.unit_count}人),{s.series}第{s.rank}名(共{s.count}人),第{s.band}序列" + (f",等次:{s.grade}({s.grade_reason})" if s.grade else ""))
        return
    rows = [
        [s.officer, s.name, s.unit_name, s.unit_score, s.coefficient, s.items if s.items else None, s.score, s.unit_rank, s.rank, s.band, s.grade, s.status]
        for s in chosen
    ]
    if not as_csv:
        _head(q, "民警个人得分")
    _emit(rows, ["警号", "姓名", "单位", "单位得分", "系数", "个人项目", "个人得分", "单位内名次", "全局名次", "序列", "等次", "考核情况"], as_csv, {3, 4, 5, 6, 7, 8, 9})


@officers.command("ranking")
@click.argument("period")
@click.option("--unit", "unit", help="只列出一个单位的民警(名次仍为全局名次)。")
@_formats
@click.pass_obj
def ranking_command(obj: Any, period: str, unit: str | None, as_json: bool, as_csv: bool) -> None:
    """民警排名:PERIOD(季度)参加排名的民警按个人得分排名(并列者名次相同),每10%为一个序列(第1序列为前10%)。"""
    q = _quarter(obj, period)
    chosen = sorted((s for s in _only(q, unit) if s.rank is not None), key=lambda s: (s.series, s.rank or 0, s.officer))
    if as_json:
        click.echo(json.dumps({"period": q.period.label, "officers": [_score_data(s) for s in chosen]}, ensure_ascii=False, indent=2))
        return
    if not as_csv:
        _head(q, "民警排名")
    rows = [[s.series, s.rank, s.count, s.band, s.officer, s.name, s.unit_name, s.score, s.unit_rank] for s in chosen]
    _emit(rows, ["序列范围", "名次", "人数", "序列", "警号", "姓名", "单位", "个人得分", "单位内名次"], as_csv, {1, 2, 3, 7, 8})


@officers.command("grades")
@click.argument("period")
@click.option("--unit", "unit", help="只列出一个单位。")
@_formats
@click.pass_obj
def grades_command(obj: Any, period: str, unit: str | None, as_json: bool, as_csv: bool) -> None:
    """民警考核等次:PERIOD(季度)各单位参加排名的民警按得分门槛和名额(如优秀不超过本单位15%)评定的等次。"""
    q = _quarter(obj, period)
    if not q.settings.grades:
        raise KaoheError("配置中没有 [[officers.grades]](考核等次及其分数线、名额):见 docs/configuration.md")
    chosen = [s for s in _only(q, unit) if s.rank is not None]
    if as_json:
        click.echo(json.dumps({"period": q.period.label, "officers": [_score_data(s) for s in chosen]}, ensure_ascii=False, indent=2))
        return
    rows = [[s.unit_name, s.unit_rank, s.officer, s.name, s.score, s.grade, s.grade_reason] for s in chosen]
    if as_csv:
        _emit(rows, ["单位", "单位内名次", "警号", "姓名", "个人得分", "等次", "说明"], True)
        return
    _head(q, "民警考核等次")
    counts: dict[str, dict[str, int]] = {}
    for s in chosen:
        counts.setdefault(s.unit_name, {}).setdefault(s.grade, 0)
        counts[s.unit_name][s.grade] += 1
    _emit(rows, ["单位", "单位内名次", "警号", "姓名", "个人得分", "等次", "说明"], False, {1, 4})
    click.echo("")
    for name, c in counts.items():
        click.echo(f"{name}:" + "、".join(f"{g.name} {c.get(g.name, 0)}人" for g in q.settings.grades))


@officers.command("bonus", short_help="绩效奖金:按配置的办法把奖金池分到每名民警,精确到分,合计等于奖金池。")
@click.argument("period")
@click.option("--pool", "pool", help="奖金池金额(元);不写时用配置 [officers.bonus] pool。")
@click.option("--unit", "unit", help="只列出一个单位。")
@click.option("--xlsx", "xlsx", type=click.Path(file_okay=False, path_type=Path), help="把每个单位的绩效奖金发放表(XLSX)写入此目录。")
@_formats
@click.pass_obj
def bonus_command(obj: Any, period: str, pool: str | None, unit: str | None, xlsx: Path | None, as_json: bool, as_csv: bool) -> None:
    """绩效奖金:PERIOD(季度)的奖金池按配置的办法(按得分比例,或按序列、等次的固定金额或比例,保底和封顶)分到每名民警,精确到分,合计等于奖金池。"""
    q = _quarter(obj, period)
    amount: Decimal | None = None
    if pool is not None:
        try:
            amount = Decimal(pool.replace(",", "").replace(",", ""))
        except ArithmeticError:
            raise KaoheError(f"--pool 应为金额(元),如 100000,得到 {pool!r}") from None
        if not amount.is_finite():
            raise KaoheError(f"--pool 应为金额(元),如 100000,得到 {pool!r}")
    shares = bonus(q.settings, q.scores, amount, q.totals)
    by = {s.officer: s for s in shares}
    chosen = [s for s in _only(q, unit) if s.officer in by]
    if xlsx is not None:
        units = {s.unit for s in chosen}
        for path in payroll(xlsx, q.period.label, [s for s in q.scores if s.unit in units and s.ranked], shares):
            click.echo(f"已写出 {path}", err=True)
    if as_json:
        data = {
            "period": q.period.label, "total": str(yuan(sum(s.amount for s in shares))),
            "officers": [{**_score_data(s), "amount": str(yuan(by[s.officer].amount)), "bonus_reason": by[s.officer].reason} for s in chosen],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = [[s.officer, s.name, s.unit_name, s.score, s.rank, s.band, s.grade, yuan(by[s.officer].amount), by[s.officer].reason] for s in chosen]
    if not as_csv:
        _head(q, "民警绩效奖金")
    _emit(rows, ["警号", "姓名", "单位", "个人得分", "全局名次", "序列", "等次", "金额(元)", "说明"], as_csv, {3, 4, 5, 7})
    if not as_csv:
        shown_total = sum(by[s.officer].amount for s in chosen)
        click.echo(f"合计 {yuan(shown_total)} 元({len(chosen)}人)" + ("" if unit else f",全部 {yuan(sum(s.amount for s in shares))} 元"))


@officers.command("checks", short_help="民警考核系数检查:平均系数是否基本持平,系数名单是否按时报送。")
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@click.pass_obj
def checks_command(obj: Any, period: str, as_json: bool) -> None:
    """民警考核系数检查:PERIOD(季度)各单位平均考核系数是否基本持平(偏离1超过容差的标出),考核系数名单是否在当季末月20日前报送。"""
    bureau = obj.bureau
    settings = bureau.plugin_config.get(TABLE)
    if settings is None:
        raise KaoheError(f"{bureau.source} 没有 [officers] 配置:见 docs/configuration.md")
    p = Period.parse(period)
    if p.kind != "quarter":
        raise KaoheError(f"民警考核系数按季度计算:{p.label} 不是季度(如 {p.year}-Q2)")
    units = {n: u.id for u in bureau.units for n in u.names}
    rows = quarter(settings, read_data(settings, units), bureau.calendar, p)
    names = {u.id: u.name for u in bureau.units}
    checks = balance(settings, rows)
    with_officers = sorted({r.unit for r in rows})
    lists = list_states(settings, read_lists(settings, units), with_officers, bureau.calendar, p, dt.date.today())
    if as_json:
        click.echo(json.dumps({
            "period": p.label, "tolerance": fmt(settings.balance_tolerance),
            "units": [{"unit": b.unit, "unit_name": names.get(b.unit, b.unit), "mean": fmt(round(b.mean, 4)), "officers": b.officers, "flagged": b.flagged} for b in checks],
            "lists": [{"unit": s.unit, "due": s.due.isoformat(), "sent": s.sent.isoformat() if s.sent else None, "state": s.state} for s in lists],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(f"{bureau.name} {p.chinese} 民警考核系数检查(平均系数与1相差超过 {fmt(settings.balance_tolerance)} 的单位标出,l.62“总体上要基本持平”)")
    body = [[names.get(b.unit, b.unit), fmt(round(b.mean, 4)), str(b.officers), "偏离" if b.flagged else "基本持平"] for b in checks]
    click.echo(table(["单位", "平均考核系数", "参加考核人数", "检查"], body, right={1, 2}))
    due = list_deadline(settings, bureau.calendar, p)
    click.echo(f"\n考核系数分配名单(当季末月{settings.list_day}日前报考核办,本季度截止 {due.isoformat()})")
    if settings.lists_file is None:
        click.echo("未配置 [officers] lists_file(名单报送登记),无法检查报送情况。")
        return
    click.echo(table(["单位", "报送日期", "情况"], [[names.get(s.unit, s.unit), s.sent.isoformat() if s.sent else "—", s.state] for s in lists]))


ACTOR_HELP = "操作人(记入审计记录;也可用环境变量 KAOHE_ACTOR,默认为当前系统用户)。"


def _actor(name: str | None) -> str | None:
    return name or os.environ.get("KAOHE_ACTOR") or None


def _day(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise KaoheError(f"--date 应为日期,如 2010-06-22,得到 {text!r}") from None


def _unit_scores(q: Quarter, unit: str) -> tuple[Any, list[OfficerScore]]:
    u = q.bureau.unit(unit)
    if u is None:
        raise KaoheError(f"没有单位 “{unit}”:可用单位编号或名称,如 {q.bureau.units[0].id} 或 {q.bureau.units[0].name}")
    return u, [s for s in q.scores if s.unit == u.id]


@officers.command("publish")
@click.argument("period")
@click.option("--unit", "unit", required=True, help="单位(编号或名称)。")
@click.option("--date", "day", help="内部公布的第一天(默认今天),如 2010-06-22。")
@click.option("--actor", "actor", help=ACTOR_HELP)
@click.pass_obj
def publish_command(obj: Any, period: str, unit: str, day: str | None, actor: str | None) -> None:
    """单位内部公布:PERIOD(季度)本单位民警考核结果在单位内部公布3天(l.70),期间民警可提出异议。"""
    q = _quarter(obj, period)
    u, mine = _unit_scores(q, unit)
    with obj.store() as store:
        until, edition = publish_unit(store, q, u.id, _day(day), _actor(actor) or "")
    click.echo(f"{u.name} {q.period.label} 民警考核结果已在单位内部公布({len(mine)}人,{edition.label},校验码 {edition.digest[:16]}),"
               f"{until.isoformat()} 前(含当日)可提出异议")


@officers.command("object", short_help="民警异议:民警在单位内部公布的3天内对本人考核结果提出异议。")
@click.argument("period")
@click.argument("officer")
@click.option("--text", "text", required=True, help="异议的理由。")
@click.option("--date", "day", help="提出异议的日期(默认今天)。")
@click.option("--actor", "actor", help=ACTOR_HELP)
@click.pass_obj
def object_command(obj: Any, period: str, officer: str, text: str, day: str | None, actor: str | None) -> None:
    """民警异议:PERIOD(季度)警号为 OFFICER 的民警对本人考核结果提出异议(在单位内部公布的3天内),由单位决定。"""
    q = _quarter(obj, period)
    (s,) = _only(q, None, officer)
    with obj.store() as store:
        number = raise_objection(store, q.period.label, s, text, _day(day), _actor(actor) or "")
    click.echo(f"已登记第 {number} 号异议:{s.name}({s.officer})对 {q.period.label} 考核结果,待 {s.unit_name} 决定")


@officers.command("decide")
@click.argument("period")
@click.argument("number", type=int)
@click.option("--uphold/--dismiss", "uphold", required=True, help="采纳异议(更正得分)或驳回。")
@click.option("--points", "points", help="采纳时对个人得分的更正(分,可为负数),如 2 或 -1.5。")
@click.option("--reason", "reason", required=True, help="决定的理由。")
@click.option("--actor", "actor", help=ACTOR_HELP)
@click.pass_obj
def decide_command(obj: Any, period: str, number: int, uphold: bool, points: str | None, reason: str, actor: str | None) -> None:
    """单位决定异议:PERIOD 第 NUMBER 号异议采纳(可更正得分)或驳回,写明理由;记入审计记录。"""
    p = Period.parse(period)
    value: Decimal | None = None
    if points is not None:
        try:
            value = Decimal(points)
        except ArithmeticError:
            raise KaoheError(f"--points 应为数字(分),如 2 或 -1.5,得到 {points!r}") from None
        if not value.is_finite() or abs(value) > 1000 or value != value.quantize(Decimal("0.01")):
            raise KaoheError(f"--points 应为 -1000 至 1000 的数字(分,最多两位小数),得到 {points!r}")
    with obj.store() as store:
        o, edition = decide_objection(store, obj.bureau, p, number, uphold, value, reason, _actor(actor) or "")
    click.echo(f"第 {o.id} 号异议(警号 {o.officer}){o.state}:{o.reason}")
    if edition is not None:
        click.echo(f"已生成{edition.label}(校验码 {edition.digest[:16]}):" + ";".join(edition.changes))


@officers.command("objections")
@click.argument("period")
@click.option("--unit", "unit", help="只列出一个单位。")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@click.pass_obj
def objections_command(obj: Any, period: str, unit: str | None, as_json: bool) -> None:
    """民警异议:PERIOD(季度)各单位内部公布、民警异议及单位的决定、报考核办备案的情况。"""
    p = Period.parse(period)
    bureau = obj.bureau
    names = {u.id: u.name for u in bureau.units}
    chosen = None
    if unit is not None:
        u = bureau.unit(unit)
        if u is None:
            raise KaoheError(f"没有单位 “{unit}”:可用单位编号或名称,如 {bureau.units[0].id} 或 {bureau.units[0].name}")
        chosen = u.id
    with obj.store(readonly=True) as store:
        found = objections(store, p.label, chosen)
        units = sorted({o.unit for o in found} | ({chosen} if chosen else set()))
        states = {x: (publication(store, p.label, x), filed(store, p.label, x)) for x in units}
    if as_json:
        click.echo(json.dumps({
            "period": p.label,
            "objections": [{**attrs.asdict(o, value_serializer=lambda _i, _a, v: v.isoformat() if isinstance(v, dt.date) else (fmt(v) if isinstance(v, Decimal) else v)), "state": o.state} for o in found],
            "units": [{"unit": x, "published": pub.isoformat() if pub else None, "filed": bool(f)} for x, (pub, f) in states.items()],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(f"{bureau.name} {p.label} 民警异议")
    for x, (pub, f) in states.items():
        click.echo(f"{names.get(x, x)}:" + (f"{pub.isoformat()} 起内部公布3天" if pub else "尚未内部公布") + (f",已报考核办备案({f['on']},校验码 {f['digest'][:16]})" if f else ""))
    if not found:
        click.echo("没有异议。")
        return
    body = [[str(o.id), names.get(o.unit, o.unit), o.officer, o.raised_on.isoformat(), o.text, o.state, o.reason] for o in found]
    click.echo(table(["编号", "单位", "警号", "提出日期", "异议", "决定", "理由"], body))


@officers.command("file")
@click.argument("period")
@click.option("--unit", "unit", required=True, help="单位(编号或名称)。")
@click.option("--date", "day", help="报送日期(默认今天)。")
@click.option("--actor", "actor", help=ACTOR_HELP)
@click.pass_obj
def file_command(obj: Any, period: str, unit: str, day: str | None, actor: str | None) -> None:
    """报考核办备案:PERIOD 本单位民警考核结果在内部公布3天、异议都已决定后报考核办备案(记录结果的校验码)。"""
    q = _quarter(obj, period)
    u, mine = _unit_scores(q, unit)
    with obj.store() as store:
        _, edition = file_unit(store, q, u.id, u.name, _day(day), _actor(actor) or "")
    click.echo(f"{u.name} {q.period.label} 民警考核结果已报考核办备案({len(mine)}人,{edition.label},校验码 {edition.digest[:16]})")


@officers.command("accounts", short_help="民警账号:为民警名单上的每名民警开设网站账号(账号为警号)。")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="写出新账号及初始密码的 CSV 文件(密码只显示这一次,请妥善转交本人)。")
@click.option("--date", "day", help="按此日民警所在单位开设(默认今天)。")
@click.option("--actor", "actor", help="开设账号的考核办账号(记入审计记录)。")
@click.pass_obj
def accounts_command(obj: Any, out: Path, day: str | None, actor: str | None) -> None:
    """民警账号:为民警名单上的每名民警开设网站账号(角色“民警”,账号为警号,属其所在单位),已有账号的跳过;
    民警登录后只能查看本人已发布季度的考核结果。"""
    bureau = obj.bureau
    settings = settings_of(bureau)
    units = {n: u.id for u in bureau.units for n in u.names}
    data = read_data(settings, units)
    when = _day(day)
    stints: dict[str, list[Any]] = {}
    for o in data.officers:
        stints.setdefault(o.id, []).append(o)
    current: dict[str, Any] = {}
    for oid, mine in stints.items():  # the stint that holds the day, else the latest
        holding = [o for o in mine if o.start <= when and (o.left is None or o.left >= when)]
        current[oid] = holding[0] if holding else max(mine, key=lambda o: o.start)
    with obj.store() as store:
        taken = {str(u["account"]).casefold() for u in store.users()}
        rows: list[Any] = [(o.id, o.name, OFFICER, o.unit, None) for o in current.values() if o.id.casefold() not in taken]
        made = add_users(store, bureau, rows, _actor(actor) or "", f"{settings.roster.name if settings.roster else ''} ") if rows else []
    names = {o.id: (o.name, o.unit) for o in current.values()}
    unit_names = {u.id: u.name for u in bureau.units}
    buf = io.StringIO()
    w = csv.writer(buf)
    csv_row(w, ["账号", "姓名", "角色", "单位", "初始密码"])
    for account, password in made:
        name, unit = names[account]
        csv_row(w, [account, name, OFFICER, unit_names.get(unit, unit), password])
    out.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    click.echo(f"已开设 {len(made)} 个民警账号,已有账号跳过 {len(current) - len(made)} 名;账号和初始密码见 {out}")


def status_notes(bureau: Any, period: Period, today: dt.date) -> list[str]:
    """The officers' lines of ``kaohe status`` for a quarter (or a month of it): the units' lists of
    coefficients — due on the ``list_day`` of the quarter's last month (l.62): sent on time, late,
    missing — and the units whose mean coefficient is not 基本持平."""
    settings = bureau.plugin_config.get(TABLE)
    if settings is None or settings.roster is None:
        return []
    if period.kind == "month":
        period = period.containing("quarter")
    if period.kind != "quarter":
        return []
    units = {n: u.id for u in bureau.units for n in u.names}
    names = {u.id: u.name for u in bureau.units}
    rows = quarter(settings, read_data(settings, units), bureau.calendar, period)
    due = list_deadline(settings, bureau.calendar, period)
    out = []
    if settings.lists_file is None:
        out.append(f"民警考核系数名单:当季末月{settings.list_day}日前报考核办(本季度截止 {due.isoformat()});未配置 [officers] lists_file,无法检查报送情况")
    else:
        states = list_states(settings, read_lists(settings, units), sorted({r.unit for r in rows}), bureau.calendar, period, today)
        parts = []
        for state in ("已按时报送", "逾期报送", "未报送", "未到期"):
            who = [names.get(s.unit, s.unit) for s in states if s.state == state]
            if who:
                shown_names = "、".join(who[:5]) + (f"等{len(who)}个" if len(who) > 5 else "")
                parts.append(f"{state} {len(who)} 个单位" + ("" if state == "已按时报送" else f"({shown_names})"))
        out.append(f"民警考核系数名单(当季末月{settings.list_day}日前报考核办,本季度截止 {due.isoformat()}):" + (",".join(parts) or "没有民警"))
    off = [b for b in balance(settings, rows) if b.flagged]
    if off:
        listed = "、".join(f"{names.get(b.unit, b.unit)} {fmt(round(b.mean, 4))}" for b in off[:5]) + (f"等{len(off)}个" if len(off) > 5 else "")
        out.append(f"平均考核系数偏离1超过 {fmt(settings.balance_tolerance)}(l.62“总体上要基本持平”):{listed}")
    return out


__all__ = ["Share", "for_period", "officers", "unit_means"]
