"""The office's commands around publication: ``status``, ``signoff``, ``publish`` (editions),
``editions``, ``diff``, ``appeal``, ``adjust`` and ``audit``. Registered on the ``kaohe`` group by
kaohe.cli."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from ..core.adjustments import KINDS, Adjustment
from ..core.decimals import PARAMETER_LIMIT, PARAMETER_PLACES, D, out_of_bounds
from ..core.errors import KaoheError
from ..core.periods import Period
from ..office.jobs import score_period
from ..office.publication import appeal_line, appeal_text, bureau_root, decide_appeal, file_appeal
from ..office.publication import publish as publish_edition
from ..report.editions import diff as compute
from ..report.editions import diff_data, diff_text
from ..scoring.explain import gap_data
from ..scoring.status import data_status, departments, problems, unit_problems
from ..store.integrity import verification_text
from ..store.integrity import verify as check
from .common import Ctx, refuse_future, table, warn_uninstalled

EDITION = re.compile(r"^\s*(?P<period>[^#第\s]+?)\s*(?:(?:#|第)\s*(?P<number>\d+)\s*版?)?\s*$")


def _ctx() -> Any:
    return click.get_current_context().find_object(Ctx)


def _period(label: str) -> Any:
    return Period.parse(label)


def _date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise KaoheError(f"{what}应为 2015-05-06 这样的日期,得到 {text!r}") from None


def _points(text: str, what: str = "分值") -> Decimal:
    try:
        if "_" in text:  # Decimal("1_5") is 15
            raise InvalidOperation
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError, TypeError):
        raise KaoheError(f"{what}应为数字(如 -1、0.5),得到 {text!r}") from None
    problem = out_of_bounds(value, PARAMETER_LIMIT, PARAMETER_PLACES)
    if problem:  # NaN, 1e30, 1e-30: refused before anything is stored (kaohe.decimals)
        raise KaoheError(f"{what}应为数字(如 -1、0.5),{problem},得到 {text!r}")
    return value


def edition_ref(text: str) -> tuple[str, int | None]:
    """``2015-04#2`` or ``2015-04第2版`` → ("2015-04", 2); ``2015-04`` → ("2015-04", None): the latest."""
    m = EDITION.match(text)
    if not m:
        raise KaoheError(f"无法识别的通报版本 {text!r}:应为 2015-04#2(2015年4月第2版)或 2015-04(最新一版)")
    period = _period(m.group("period")).label
    number = m.group("number")
    if number and (len(number.lstrip("0")) > 9 or int(number) < 1):
        raise KaoheError(f"通报版本号 {number} 无效:应为 1 起的版本序号(用 kaohe editions 查看已发布的版本)")
    return period, int(number) if number else None


def _unit_id(bureau: Any, key: str) -> str:
    u = bureau.unit(key)
    if u is None:
        raise KaoheError(f"没有单位 “{key}”:可用单位编号或名称,如 {bureau.units[0].id} 或 {bureau.units[0].name}")
    return u.id


# --- status and sign-off ---------------------------------------------------------------------------


@click.command()
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
def status(period: str, as_json: bool) -> None:
    """PERIOD 各部门数据报送情况:已报送、迟报、沿用上期、未报送,以及部门是否已签收。"""

    obj = _ctx()
    p = _period(period)
    with obj.store(readonly=True) as store, store.snapshot():  # one committed state
        warn_uninstalled(store, obj.bureau, obj.registry, p)
        rows = data_status(store, obj.bureau, obj.registry, p)
        editions = store.editions(p.label)
        pending = store.appeals(period=p.label, pending=True)
        # the units' missing figures are found by the items' rules: the period is scored (not stored)
        try:
            units = [g for g in score_period(store, obj.bureau, obj.registry, p, save=False).missing if g.unit]
        except KaoheError as exc:  # the departments' status still shows; why the units' cannot, is said
            units, unscored = [], str(exc)
        else:
            unscored = ""
    if as_json:
        click.echo(json.dumps(
            {
                "period": p.label,
                "departments": [
                    {
                        "department": r.department, "period": r.period, "state": r.state, "expected": r.expected,
                        "records": r.records, "imports": r.imports, "first": r.first, "last": r.last,
                        "due": r.due.isoformat() if r.due else None,
                        "signed_off": {"actor": r.signed["actor"], "time": r.signed["time"], "current": r.signed_off} if r.signed else None,
                    }
                    for r in rows
                ],
                "units_missing": [{**gap_data(g), "signed_off": not unit_problems(rows, [g])} for g in units],
                "editions": [{"number": e["number"], "published_on": e["published_on"], "digest": e["digest"]} for e in editions],
                "pending_appeals": len(pending),
            },
            ensure_ascii=False, indent=2,
        ))
        return
    click.echo(f"{obj.bureau.name} {p.chinese} 数据报送情况")
    # 报送情况 last: its cells (counts, first import's time) are the longest, and the last column is
    # not padded, so a long one does not push the sign-off out of its column
    body = [
        [r.department, r.period, _signed(r), r.text()]
        for r in rows
    ]
    click.echo(table(["部门", "期间", "部门签收", "报送情况"], body))
    if unscored:
        click.echo(f"\n(无法计分,未检查各单位缺少的数据:{unscored})")
    if units:
        click.echo(f"\n单位缺少的数据({len(units)}项,该项暂不计分;部门签收本期即确认所报数据完整):")
        body = [[g.name, g.period, g.title, g.department, "已签收" if not unit_problems(rows, [g]) else "未签收"] for g in units]
        click.echo(table(["单位", "期间", "项目", "部门", "部门签收"], body))
    issues = problems(rows, obj.bureau)
    waiting = unit_problems(rows, units)
    if waiting:  # each is a line of the table above: counted here, not said a second time
        issues.append(f"{len(waiting)} 项单位数据缺失而该部门未签收(见上表)")
    if len(issues) > 10:
        issues = [*issues[:10], f"……共{len(issues)}项"]
    if issues:
        action = "须经确认才发布:--allow-missing \"理由\"" if obj.bureau.publication.missing_data == "refuse" else "发布时将提示"
        click.echo(f"\n数据不全({action}):" + ";".join(issues))
    if editions:
        last = editions[-1]
        click.echo(f"\n已发布 {len(editions)} 版,最新第{last['number']}版({last['published_on']} 公布)")
    else:
        click.echo("\n尚未发布")
    if pending:
        click.echo(f"待决定的复查申请 {len(pending)} 件(kaohe appeal list --period {p.label})")


def _signed(r: Any) -> str:
    if r.signed is None:
        return "未签收"
    text = f"{r.signed['actor']} {r.signed['time'][:10]}"
    return text if r.signed_off else f"{text}(签收后又有导入,需重新签收)"


@click.command()
@click.argument("department")
@click.argument("period")
@click.option("--actor", help="签收人(默认为当前系统用户)。")
@click.option("--note", default="", help="说明。")
def signoff(department: str, period: str, actor: str | None, note: str) -> None:
    """部门签收 PERIOD 的数据:确认本部门已报送的数据完整、准确(记入审计记录)。"""

    obj = _ctx()
    p = _period(period)
    today = dt.date.today()
    if obj.bureau.calendar.start(p) > today:  # 2099-01 for 2015-01: it would confirm "no data" ahead of time
        raise KaoheError(
            f"{p.chinese}({obj.bureau.calendar.range_text(p)})尚未开始,不能签收:今天是 {today.isoformat()}(期间写错了?)"
        )
    known = departments(obj.bureau, obj.registry)
    if department not in known:
        raise KaoheError(f"没有部门 “{department}”:本局启用的项目所涉部门为 {'、'.join(known) or '(无)'}")

    with obj.store() as store:
        before = store.signoffs(p.label).get(department)
        rows = [r for r in data_status(store, obj.bureau, obj.registry, p) if r.department == department]
        store.sign_off(department, p.label, actor, note)
    click.echo(f"{department} 已签收 {p.label} 的数据" + (f"(此前已于 {before['time'][:10]} 由 {before['actor']} 签收)" if before else ""))
    if rows and not any(r.records for r in rows):
        click.echo(f"注意:{department} 在 {p.label} 没有任何数据,签收即确认本期无数据")


# --- publish, editions, diff ------------------------------------------------------------------------


@click.command()
@click.argument("period")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path), help="输出目录(默认为配置文件旁的 published/期间;每版写入其下的“第N版”)。")
@click.option("--date", "published_on", help="公布日期(默认今天),复查申请期限由此起算。")
@click.option("--reason", default="", help="本版说明(默认自动列出与上一版相比的变化原因)。")
@click.option("--actor", help="发布人(默认为当前系统用户)。")
@click.option("--allow-missing", "allow_missing", metavar="理由", help="数据不全时仍然发布,须写明理由(记入审计记录和通报)。")
def publish(period: str, out: Path | None, published_on: str | None, reason: str, actor: str | None, allow_missing: str | None) -> None:
    """发布 PERIOD 的通报:计分并冻结为带编号的版本(第1版、第2版……),写出 HTML、XLSX 和 JSON。

    与最新一版完全相同时不产生新版本(该版文件缺失时补写,已有的不改动);数据、配置、调整或复查决定
    有变化时产生新版本,并在通报中列出与上一版相比的变化。"""


    obj = _ctx()
    p = _period(period)
    refuse_future(obj.bureau, p)
    day = _date(published_on, "公布日期")
    base = out or obj.config.parent / "published" / p.label
    with obj.store() as store:
        warn_uninstalled(store, obj.bureau, obj.registry, p)
        done = publish_edition(
            store, obj.bureau, obj.registry, p, published_on=day, reason=reason, actor=actor, out=base, allow_missing=allow_missing
        )
        head = next((e["chain_head"] for e in store.editions(p.label) if e["number"] == done.number), None)
    for w in done.warnings:
        click.echo(f"警告:{w}", err=True)
    if done.new:
        click.echo(f"已发布 {obj.bureau.name} {p.chinese}通报 第{done.number}版({done.published_on},{len(done.result.units)} 个单位):{done.reason}")
    else:
        click.echo(f"与 {p.label} 第{done.number}版({done.published_on} 公布)完全相同,未产生新版本;该版文件:")
    if done.changes is not None and done.new:
        click.echo(diff_text(done.changes))
    assert done.directory is not None
    for f in sorted(done.directory.iterdir()):
        if f.is_file():
            click.echo(f"  {f}")
    click.echo(f"校验码:{done.digest}")
    if head:
        click.echo(f"审计链头:{head}(印在通报上;kaohe verify --head 可核对)")
    click.echo(f"用浏览器打开:{done.html}")


@click.command()
@click.argument("period", required=False)
def editions(period: str | None) -> None:
    """已发布的通报版本(PERIOD 省略时列出全部)。"""

    obj = _ctx()
    label = _period(period).label if period else None
    with obj.store(readonly=True) as store:
        rows = store.editions(label)
    if not rows:
        click.echo("尚未发布任何通报" if label is None else f"{label} 尚未发布")
        return
    click.echo(table(
        ["版本", "公布日期", "发布时间", "发布人", "校验码", "说明"],
        [[f"{r['period']}#{r['number']}", r["published_on"], r["time"][:19].replace("T", " "), r["actor"], r["digest"][:16], r["reason"]] for r in rows],
    ))


@click.command()
@click.argument("before")
@click.argument("after")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
def diff(before: str, after: str, as_json: bool) -> None:
    """两版通报的差异:各单位总分、名次、项目加扣分的变化及原因。版本写作 2015-04#1,或 2015-04(最新一版)。"""

    obj = _ctx()
    (pa, na), (pb, nb) = edition_ref(before), edition_ref(after)
    with obj.store(readonly=True) as store:
        a, b = store.edition(pa, na), store.edition(pb, nb)
    for ref, e in ((before, a), (after, b)):
        if e is None:
            raise KaoheError(f"没有通报版本 {ref}:用 kaohe editions 查看已发布的版本")
    assert a is not None and b is not None
    if pa != pb:
        raise KaoheError(f"只能比较同一期间的两版通报,得到 {pa} 与 {pb}")
    d = compute(a["data"], b["data"], a["number"], b["number"])
    if as_json:
        click.echo(json.dumps(diff_data(d), ensure_ascii=False, indent=2))
    else:
        click.echo(diff_text(d))


# --- appeals -----------------------------------------------------------------------------------------


@click.group()
def appeal() -> None:
    """复查复核(扣分申告):单位对已公布通报中的某一项扣分提出复查,由该项目所属部门决定。"""


@appeal.command("file")
@click.argument("period")
@click.argument("unit")
@click.argument("item")
@click.option("--record", help="针对的记录编号(kaohe explain 或通报中“记录编号”);不写则针对整个项目。")
@click.option("--reason", required=True, help="申请理由。")
@click.option("--received", help="收到申请的日期(默认今天),用于判断是否超过期限。")
@click.option("--actor", help="登记人(默认为当前系统用户)。")
def appeal_file(period: str, unit: str, item: str, record: str | None, reason: str, received: str | None, actor: str | None) -> None:
    """登记 UNIT 对 PERIOD 最新一版通报中项目 ITEM(的一条记录)的复查申请。"""

    obj = _ctx()
    with obj.store() as store:
        a = file_appeal(
            store, obj.bureau, _period(period), unit, item, reason, record=record,
            received=_date(received, "收到日期"), actor=actor,
        )
    click.echo(
        f"已登记第{a['id']}号复查申请:{a['name']} · {a['title']} {appeal_line(a)}({a['points']}分),"
        f"转 {a['department']} 决定(申请期限截至 {a['deadline']})"
    )


@appeal.command("list")
@click.option("--period", help="只列出此期间的申请。")
@click.option("--department", help="只列出转给此部门的申请。")
@click.option("--unit", help="只列出此单位的申请。")
@click.option("--pending", is_flag=True, help="只列出待决定的申请。")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
def appeal_list(period: str | None, department: str | None, unit: str | None, pending: bool, as_json: bool) -> None:
    """复查申请及其决定,按部门分列待办。"""

    obj = _ctx()
    if department:
        known = {*departments(obj.bureau, obj.registry), *(i.department for i in obj.bureau.items)}
        if department not in known:
            raise KaoheError(f"没有部门 “{department}”:本局项目所属部门为 {'、'.join(sorted(known))}")
    with obj.store(readonly=True) as store:
        rows = store.appeals(
            period=_period(period).label if period else None, department=department,
            unit=_unit_id(obj.bureau, unit) if unit else None, pending=True if pending else None,
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("没有待决定的复查申请" if pending else "没有复查申请")
        return
    by_dept: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_dept.setdefault(r["department"], []).append(r)
    for dept, items in by_dept.items():
        open_ = sum(1 for r in items if r["outcome"] is None)
        click.echo(f"{dept}(待决定 {open_} 件)")
        for r in items:
            click.echo("  " + appeal_text(r, obj.bureau))


@appeal.command("decide")
@click.argument("appeal_id", type=int)
@click.option("--keep", is_flag=True, help="维持原扣分。")
@click.option("--points", "points", help="改分:改后的分值(如 -1)。")
@click.option("--void", is_flag=True, help="撤销该记录(记录保留并标记作废,不再计分)。")
@click.option("--by", "decider", required=True, help="决定人或决定机关(如 110指挥中心 张三;考核领导小组)。")
@click.option("--reason", required=True, help="决定理由。")
@click.option("--actor", help="登记人(默认为当前系统用户)。")
def appeal_decide(appeal_id: int, keep: bool, points: str | None, void: bool, decider: str, reason: str, actor: str | None) -> None:
    """记录对第 APPEAL_ID 号复查申请的决定:--keep 维持、--points 改分 或 --void 撤销记录(三者选一)。"""

    obj = _ctx()
    chosen = [o for o, on in (("维持", keep), ("改分", points is not None), ("撤销记录", void)) if on]
    if len(chosen) > 1:
        raise KaoheError("--keep、--points、--void 只能选一个")
    if not chosen:
        raise KaoheError("请选择决定:--keep(维持)、--points 分值(改分)或 --void(撤销记录)")
    outcome = chosen[0]
    with obj.store() as store:
        d = decide_appeal(
            store, obj.bureau, appeal_id, outcome, decider, reason,
            points=_points(points, "--points") if points is not None else None, actor=actor,
        )
    click.echo(f"第{appeal_id}号复查申请:{outcome}({decider})")
    if outcome == "撤销记录":
        click.echo(f"记录 {d['record']} 已作废:读取这条记录的所有项目都不再计它的分")
    if outcome != "维持":
        click.echo(f"运行 kaohe publish {d['period']} 发布更正后的新版通报")


# --- adjustments ---------------------------------------------------------------------------------------


@click.group()
def adjust() -> None:
    """考核办调整:通知单、机动加分等直接加减分(seed 000 l.92、l.256-274),均记入审计记录。"""


@adjust.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("period")
@click.argument("unit")
@click.argument("points")
@click.option("--reason", required=True, help="事由。")
@click.option("--approved-by", "approver", required=True, help="批准机关(如 考核领导小组)。")
@click.option("--kind", type=click.Choice([k for k in KINDS if k != "复查改分"]), default="通知单", show_default=True, help="调整类别。")
@click.option("--actor", help="登记人(默认为当前系统用户)。")
def adjust_add(period: str, unit: str, points: str, reason: str, approver: str, kind: str, actor: str | None) -> None:
    """对 UNIT 在 PERIOD 的总分直接加减 POINTS 分(如 2、-1.5)。"""
    obj = _ctx()
    p = _period(period)
    uid = _unit_id(obj.bureau, unit)
    value = _points(points)
    if value == 0:
        raise KaoheError("调整分值不能为 0")
    with obj.store() as store:
        a = store.add_adjustment(p.label, uid, value, reason, approver, kind=kind, actor=actor)
    click.echo(f"已登记:{a.text(obj.bureau.unit(uid).name)}")
    click.echo(f"重新计分或发布(kaohe publish {p.label})后生效")


@adjust.command("list")
@click.argument("period", required=False)
def adjust_list(period: str | None) -> None:
    """已登记的调整(含已撤销的)。"""

    obj = _ctx()
    with obj.store(readonly=True) as store:
        rows = store.adjustment_rows(_period(period).label if period else None)
    if not rows:
        click.echo("没有调整")
        return
    for r in rows:
        a = Adjustment(r["id"], r["period"], r["unit"], D(r["points"]), r["reason"], r["approver"], r["kind"], r["item"], r["appeal"], r["number"])
        state = f"  [已撤销:{r['revoked']['reason']}({r['revoked']['actor']} {r['revoked']['time'][:10]})]" if r["revoked"] else ""
        unit = obj.bureau.unit(a.unit)
        click.echo(f"{a.text(unit.name if unit else None)};{r['actor']} {r['time'][:10]} 登记{state}")


@adjust.command("revoke")
@click.argument("adjustment_id", type=int)
@click.option("--reason", required=True, help="撤销理由。")
@click.option("--actor", help="登记人(默认为当前系统用户)。")
def adjust_revoke(adjustment_id: int, reason: str, actor: str | None) -> None:
    """撤销第 ADJUSTMENT_ID 号调整(保留记录并标明撤销)。"""
    obj = _ctx()
    if not 0 < adjustment_id < 2**63:  # beyond SQLite's integers: no such adjustment, not an OverflowError
        raise KaoheError(f"没有第{adjustment_id}号调整")
    with obj.store() as store:
        a = store.revoke_adjustment(adjustment_id, reason, actor)
    unit = obj.bureau.unit(a.unit)
    click.echo(f"已撤销:{a.text(unit.name if unit else None)}")


# --- audit ---------------------------------------------------------------------------------------------


@click.command()
@click.option("--period", help="期间(如 2015-04)。")
@click.option("--action", help="操作:导入、导入被拒绝、发布、确认缺数据发布、调整、撤销调整、复查申请、复查决定、撤销记录、签收。")
@click.option("--actor", help="操作人。")
@click.option("--department", help="部门。")
@click.option("--unit", help="单位。")
@click.option("--since", help="起始日期(含)。")
@click.option("--until", help="截止日期(含)。")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
def audit(period: str | None, action: str | None, actor: str | None, department: str | None, unit: str | None,
          since: str | None, until: str | None, as_json: bool) -> None:
    """审计记录:每次导入、更正、调整、复查申请与决定、签收和发布,按时间顺序,只增不改。"""

    obj = _ctx()
    _date(since, "--since")
    _date(until, "--until")
    if action and action not in ACTIONS:
        raise KaoheError(f"没有操作 “{action}”:可选 {'、'.join(ACTIONS)}")
    with obj.store(readonly=True) as store:
        rows = store.audit(
            period=_period(period).label if period else None, action=action, actor=actor, department=department,
            unit=_unit_id(obj.bureau, unit) if unit else None, since=since, until=until,
        )
    if as_json:
        click.echo(json.dumps(
            [{**r, "detail": json.loads(r["detail"]) if r["detail"] else None} for r in rows], ensure_ascii=False, indent=2
        ))
        return
    if not rows:
        click.echo("没有符合条件的审计记录")
        return
    click.echo(table(
        ["序号", "时间", "操作人", "操作", "期间", "部门", "单位", "对象", "摘要"],
        [[str(r["id"]), r["time"][:19].replace("T", " "), r["actor"], r["action"], _short(r["period"]), r["department"], r["unit"], r["subject"], _summary(r)] for r in rows],
    ))


ACTIONS = ("导入", "导入被拒绝", "发布", "确认缺数据发布", "发布文件", "调整", "撤销调整", "复查申请", "复查决定", "撤销记录", "签收", "启用防篡改")


def _short(periods: str) -> str:
    """An import's months, shortened for the table (2015-01…2015-12, 12期)."""
    parts = [p for p in periods.split(",") if p]
    return periods if len(parts) <= 2 else f"{parts[0]}…{parts[-1]}({len(parts)}期)"


def _summary(r: dict[str, Any]) -> str:
    d = json.loads(r["detail"]) if r["detail"] else {}
    a = r["action"]
    if a == "导入":
        return f"新增{d.get('new', 0)} 更正{d.get('changed', 0)} 未变{d.get('unchanged', 0)} 拒绝{d.get('rejected', 0)}"
    if a == "导入被拒绝":
        return f"{d.get('rejected', 0)}行有错,整个文件未导入"
    if a == "发布":
        return f"{d.get('published_on', '')} {d.get('reason', '')}"
    if a == "确认缺数据发布":
        return f"理由:{d.get('reason', '')};缺少 {len(d.get('missing', []))} 项数据"
    if a == "调整":
        return f"{d.get('kind', '')} {d.get('points', '')} {d.get('reason', '')}"
    if a in ("复查申请",):
        return f"{d.get('title', '')} {d.get('points', '')}:{d.get('reason', '')}"
    if a == "复查决定":
        return f"{d.get('outcome', '')}({d.get('decider', '')}):{d.get('reason', '')}"
    if a == "发布文件":
        return f"{len(d.get('files') or {})}个文件的校验码,{d.get('directory', '')}"
    if a == "启用防篡改":
        return f"审计链建立:已有{d.get('linked', 0)}行入链,{len(d.get('imports') or {})}次导入的记录摘要"
    return str(d.get("reason") or d.get("note") or "")


@click.command()
@click.option("--published", "folders", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="另外核对此目录下各“第N版”的已发布文件(publish --out 写到别处的;可多次)。")
@click.option("--head", "heads", multiple=True, help="通报上印的审计链头:核对数据库中仍有这一环(可多次)。")
def verify(folders: tuple[Path, ...], heads: tuple[str, ...]) -> None:
    """核对数据库与已发布文件是否在 kaohe 之外被改动:审计链、触发器与表结构、各版本、导入与记录、已发布文件。

    每处问题一行;全部无误时输出“完整”,退出码 0,否则退出码 1。见 docs/integrity.md。"""
    for h in heads:  # a mistyped head is the user's slip, not a rewritten history
        if not re.fullmatch(r"[0-9a-fA-F]{64}", h.strip()):
            raise KaoheError(f"--head {h!r} 不是审计链头:应为通报上印的 64 位十六进制数(0-9、a-f),请完整复制")
    for folder in folders:  # a folder mistyped would be checked as holding nothing: "完整"
        if not folder.is_dir():
            raise KaoheError(f"--published 的目录 {folder} 不存在")
    obj = _ctx()
    database = Path(obj.bureau.database)
    if not database.is_file():
        raise KaoheError(f"数据库 {database} 不存在")
    with obj.store(readonly=True) as store:  # a backup on a read-only medium is checked too
        result = check(store, folders, heads, bureau_root(obj.bureau))
    for line in verification_text(result):
        click.echo(line)
    if not result.clean:
        raise SystemExit(1)


COMMANDS = (status, signoff, publish, editions, diff, appeal, adjust, audit, verify)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
