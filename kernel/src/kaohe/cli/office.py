"""The office's commands around publication: ``status``, ``signoff``, ``publish`` (editions),
``editions``, ``diff``, ``appeal``, ``appeal-deadline``, ``adjust``, ``audit`` and ``verify``. Each
parses its arguments, calls the office's use case (kaohe.office) with the acting person, and prints."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import click

from ..core.adjustments import KINDS
from ..core.errors import KaoheError
from ..core.periods import MAX_YEAR, MIN_YEAR
from ..core.workdays import deadline_text
from ..office import adjustments, appeals, lock, signoffs
from ..office.appeals import appeal_line, appeal_text
from ..office.evidence import unchanged as evidence_unchanged
from ..office.session import unit_id
from ..office.status import period_status
from ..report.editions import diff_data, diff_text
from ..store.integrity import verification_text
from ..store.integrity import verify as check
from .common import Ctx, acting, actor_option, parse_date, parse_period, parse_points, pass_ctx, refuse_future, table, warn_uninstalled


# --- status and sign-off ---------------------------------------------------------------------------


@click.command()
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@pass_ctx
def status(obj: Ctx, period: str, as_json: bool) -> None:
    """PERIOD 各部门数据报送情况:已报送、迟报、沿用上期、未报送,以及部门是否已签收。"""

    p = parse_period(period)
    st = period_status(obj, p, warn=lambda store: warn_uninstalled(store, obj.bureau, obj.registry, p))
    if as_json:
        click.echo(json.dumps(st.data(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{obj.bureau.name} {p.chinese} 数据报送情况")
    # 报送情况 last: its cells (counts, first import's time) are the longest, and the last column is
    # not padded, so a long one does not push the sign-off out of its column
    body = [
        [r.department, r.period, _signed(r), r.text()]
        for r in st.rows
    ]
    click.echo(table(["部门", "期间", "部门签收", "报送情况"], body))
    if st.unscored:
        click.echo(f"\n(无法计分,未检查各单位缺少的数据:{st.unscored})")
    if st.units:
        click.echo(f"\n单位缺少的数据({len(st.units)}项,该项暂不计分;部门签收本期即确认所报数据完整):")
        body = [[g.name, g.period, g.title, g.department, "已签收" if st.unit_signed(g) else "未签收"] for g in st.units]
        click.echo(table(["单位", "期间", "项目", "部门", "部门签收"], body))
    issues = st.issues(obj.bureau)
    if issues:
        action = "须经确认才发布:--allow-missing \"理由\"" if obj.bureau.publication.missing_data == "refuse" else "发布时将提示"
        click.echo(f"\n数据不全({action}):" + ";".join(issues))
    if st.editions:
        last = st.editions[-1]
        click.echo(f"\n已发布 {len(st.editions)} 版,最新第{last['number']}版({last['published_on']} 公布)")
    else:
        click.echo("\n尚未发布")
    if st.pending:
        click.echo(f"待决定的复查申请 {len(st.pending)} 件(kaohe appeal list --period {p.label})")
    if st.notes:
        click.echo("")
    for note in st.notes:
        click.echo(note)


def _signed(r: Any) -> str:
    if r.signed is None:
        return "未签收"
    text = f"{r.signed['actor']} {r.signed['time'][:10]}"
    return text if r.signed_off else f"{text}(签收后又有导入,需重新签收)"


@click.command()
@click.argument("department")
@click.argument("period")
@actor_option("签收人的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account;尚未开设网站账号时可写任意姓名,默认为当前系统用户)。")
@click.option("--note", default="", help="说明。")
@pass_ctx
def signoff(obj: Ctx, department: str, period: str, actor: str | None, note: str) -> None:
    """部门签收 PERIOD 的数据:确认本部门已报送的数据完整、准确(记入审计记录)。"""

    p = parse_period(period)
    done = signoffs.sign_off(obj, department, p, acting(obj, actor), note)
    before = done.before
    click.echo(f"{department} 已签收 {p.label} 的数据" + (f"(此前已于 {before['time'][:10]} 由 {before['actor']} 签收)" if before else ""))
    if done.empty:
        click.echo(f"注意:{department} 在 {p.label} 没有任何数据,签收即确认本期无数据")


# --- publish, editions, diff ------------------------------------------------------------------------


@click.command()
@click.argument("period")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path), help="输出目录(默认为配置文件旁的 published/期间;每版写入其下的“第N版”)。")
@click.option("--date", "published_on", help="公布日期(默认今天),复查申请期限由此起算。")
@click.option("--reason", default="", help="本版说明(默认自动列出与上一版相比的变化原因)。")
@actor_option("发布人的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account;尚未开设网站账号时可写任意姓名,默认为当前系统用户)。")
@click.option("--allow-missing", "allow_missing", metavar="理由", help="数据不全时仍然发布,须写明理由(记入审计记录和通报)。")
@pass_ctx
def publish(obj: Ctx, period: str, out: Path | None, published_on: str | None, reason: str, actor: str | None, allow_missing: str | None) -> None:
    """发布 PERIOD 的通报:计分并冻结为带编号的版本(第1版、第2版……),写出 HTML、XLSX 和 JSON。

    与最新一版完全相同时不产生新版本(该版文件缺失时补写,已有的不改动);数据、配置、调整或复查决定
    有变化时产生新版本,并在通报中列出与上一版相比的变化。"""
    from ..office.publication import publish_period  # the published report's modules: imported by the commands that use them

    p = parse_period(period)
    refuse_future(obj.bureau, p)
    day = parse_date(published_on, "公布日期")
    base = out or obj.config.parent / "published" / p.label
    done = publish_period(
        obj, p, actor=acting(obj, actor), out=base, published_on=day, reason=reason, allow_missing=allow_missing,
        warn=lambda store: warn_uninstalled(store, obj.bureau, obj.registry, p),
    )
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
    if done.chain_head:
        click.echo(f"审计链头:{done.chain_head}(印在通报上;kaohe verify --head 可核对)")
    click.echo(f"用浏览器打开:{done.html}")


@click.command()
@click.argument("period")
@click.option("--reason", required=True, help="解除锁定的理由(记入审计记录)。")
@actor_option("解除锁定的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account)。")
@pass_ctx
def unlock(obj: Ctx, period: str, reason: str, actor: str | None) -> None:
    """解除已发布期间 PERIOD 的锁定([publication] lock = true 时):此后可再导入、撤回、调整该期间的数据,
    再次发布即产生新版本(并重新锁定)。"""

    p = parse_period(period)
    held = lock.unlock(obj, p, reason, acting(obj, actor))
    click.echo(f"已解除 {p.label} 的锁定(第{held.number}版发布后锁定):可以导入、撤回、调整该期间的数据;更正后请重新发布(将产生新版本)")


@click.command()
@click.argument("period", required=False)
@pass_ctx
def editions(obj: Ctx, period: str | None) -> None:
    """已发布的通报版本(PERIOD 省略时列出全部)。"""
    from ..office import editions as published

    p = parse_period(period) if period else None
    rows = published.listing(obj, p)
    others = published.plugin_listing(obj, p)
    if not rows and not others:
        click.echo("尚未发布任何通报" if p is None else f"{p.label} 尚未发布")
        return
    if rows:
        click.echo(table(
            ["版本", "公布日期", "发布时间", "发布人", "校验码", "说明"],
            [[f"{r['period']}#{r['number']}", r["published_on"], r["time"][:19].replace("T", " "), r["actor"], r["digest"][:16], r["reason"]] for r in rows],
        ))
    if others:  # a plugin's own editions (kaohe.office.plugin_editions): e.g. a unit's officer results
        click.echo(("\n" if rows else "") + "插件发布的版本:")
        click.echo(table(
            ["版本", "阶段", "时间", "操作人", "校验码", "说明"],
            [[e.label, e.stage, e.time[:19].replace("T", " "), e.actor, e.digest[:16], e.reason] for e in others],
        ))
        for e in others:
            if e.changes:
                click.echo(f"{e.label} 的变化:" + ";".join(e.changes))


@click.command()
@click.argument("before")
@click.argument("after")
@click.option("--json", "as_json", is_flag=True, help="JSON 格式。")
@pass_ctx
def diff(obj: Ctx, before: str, after: str, as_json: bool) -> None:
    """两版通报的差异:各单位总分、名次、项目加扣分的变化及原因。版本写作 2015-04#1,或 2015-04(最新一版)。"""
    from ..office import editions as published

    refs = published.edition_ref(before), published.edition_ref(after)
    d = published.compare(obj, *refs)
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
@actor_option("登记人的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account;尚未开设网站账号时可写任意姓名,默认为当前系统用户)。")
@pass_ctx
def appeal_file(obj: Ctx, period: str, unit: str, item: str, record: str | None, reason: str, received: str | None, actor: str | None) -> None:
    """登记 UNIT 对 PERIOD 最新一版通报中项目 ITEM(的一条记录)的复查申请。"""

    a = appeals.file(
        obj, parse_period(period), unit, item, reason, record=record,
        received=parse_date(received, "收到日期"), actor=acting(obj, actor),
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
@pass_ctx
def appeal_list(obj: Ctx, period: str | None, department: str | None, unit: str | None, pending: bool, as_json: bool) -> None:
    """复查申请及其决定,按部门分列待办。"""

    rows = appeals.listing(
        obj, period=parse_period(period) if period else None, department=department, unit=unit, pending=pending,
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
@actor_option("登记人的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account;尚未开设网站账号时可写任意姓名,默认为当前系统用户)。")
@pass_ctx
def appeal_decide(obj: Ctx, appeal_id: int, keep: bool, points: str | None, void: bool, decider: str, reason: str, actor: str | None) -> None:
    """记录对第 APPEAL_ID 号复查申请的决定:--keep 维持、--points 改分 或 --void 撤销记录(三者选一)。"""

    chosen = [o for o, on in (("维持", keep), ("改分", points is not None), ("撤销记录", void)) if on]
    if len(chosen) > 1:
        raise KaoheError("--keep、--points、--void 只能选一个")
    if not chosen:
        raise KaoheError("请选择决定:--keep(维持)、--points 分值(改分)或 --void(撤销记录)")
    outcome = chosen[0]
    d = appeals.decide(
        obj, appeal_id, outcome, decider, reason,
        points=parse_points(points, "--points") if points is not None else None, actor=acting(obj, actor),
    )
    click.echo(f"第{appeal_id}号复查申请:{outcome}({decider})")
    if outcome == "撤销记录":
        click.echo(f"记录 {d['record']} 已作废:读取这条记录的所有项目都不再计它的分")
    if outcome != "维持":
        click.echo(f"运行 kaohe publish {d['period']} 发布更正后的新版通报")


@click.command("appeal-deadline")
@click.argument("published")
@pass_ctx
def appeal_deadline(obj: Ctx, published: str) -> None:
    """复查申请截止日:通报于 PUBLISHED(如 2011-12-23)公布后,按本局 [appeals] working_days 个工作日计算。"""


    try:
        day = dt.date.fromisoformat(published.strip())
    except ValueError:
        raise KaoheError(f"公布日期应为 2011-12-23 这样的日期,得到 {published!r}") from None

    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise KaoheError(f"公布日期 {day.isoformat()} 不在 {MIN_YEAR}-{MAX_YEAR} 年之间:是否写错了?")
    b = obj.bureau
    click.echo(f"{b.name}:" + deadline_text(day, b.appeal_days, b.work_calendar))


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
@actor_option("登记人的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account;尚未开设网站账号时可写任意姓名,默认为当前系统用户)。")
@pass_ctx
def adjust_add(obj: Ctx, period: str, unit: str, points: str, reason: str, approver: str, kind: str, actor: str | None) -> None:
    """对 UNIT 在 PERIOD 的总分直接加减 POINTS 分(如 2、-1.5)。"""
    p = parse_period(period)
    uid = unit_id(obj, unit)
    a = adjustments.add(obj, p, uid, parse_points(points), reason, approver, kind, acting(obj, actor))
    click.echo(f"已登记:{a.text(obj.bureau.unit(uid).name)}")
    click.echo(f"重新计分或发布(kaohe publish {p.label})后生效")


@adjust.command("list")
@click.argument("period", required=False)
@pass_ctx
def adjust_list(obj: Ctx, period: str | None) -> None:
    """已登记的调整(含已撤销的)。"""

    rows = adjustments.listing(obj, parse_period(period) if period else None)
    if not rows:
        click.echo("没有调整")
        return
    for r in rows:
        a = r.adjustment
        state = f"  [已撤销:{r.revoked['reason']}({r.revoked['actor']} {r.revoked['time'][:10]})]" if r.revoked else ""
        unit = obj.bureau.unit(a.unit)
        click.echo(f"{a.text(unit.name if unit else None)};{r.actor} {r.time[:10]} 登记{state}")


@adjust.command("revoke")
@click.argument("adjustment_id", type=int)
@click.option("--reason", required=True, help="撤销理由。")
@actor_option("登记人的考核办账号(记入审计记录;也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account;尚未开设网站账号时可写任意姓名,默认为当前系统用户)。")
@pass_ctx
def adjust_revoke(obj: Ctx, adjustment_id: int, reason: str, actor: str | None) -> None:
    """撤销第 ADJUSTMENT_ID 号调整(保留记录并标明撤销)。"""
    a = adjustments.revoke(obj, adjustment_id, reason, acting(obj, actor))
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
@pass_ctx
def audit(obj: Ctx, period: str | None, action: str | None, actor: str | None, department: str | None, unit: str | None,
          since: str | None, until: str | None, as_json: bool) -> None:
    """审计记录:每次导入、更正、调整、复查申请与决定、签收和发布,按时间顺序,只增不改。"""

    parse_date(since, "--since")
    parse_date(until, "--until")
    if action and action not in ACTIONS:
        raise KaoheError(f"没有操作 “{action}”:可选 {'、'.join(ACTIONS)}")
    with obj.store(readonly=True) as store:
        rows = store.audit(
            period=parse_period(period).label if period else None, action=action, actor=actor, department=department,
            unit=unit_id(obj, unit) if unit else None, since=since, until=until,
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


ACTIONS = ("导入", "导入被拒绝", "发布", "确认缺数据发布", "发布文件", "调整", "撤销调整", "复查申请", "复查决定", "撤销记录", "签收", "解除锁定", "启用防篡改")


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
@pass_ctx
def verify(obj: Ctx, folders: tuple[Path, ...], heads: tuple[str, ...]) -> None:
    """核对数据库与已发布文件是否在 kaohe 之外被改动:审计链、触发器与表结构、各版本、导入与记录、已发布文件、证据文件。

    每处问题一行;全部无误时输出“完整”,退出码 0,否则退出码 1。见 docs/integrity.md。"""
    from ..office.publication import bureau_root

    for h in heads:  # a mistyped head is the user's slip, not a rewritten history
        if not re.fullmatch(r"[0-9a-fA-F]{64}", h.strip()):
            raise KaoheError(f"--head {h!r} 不是审计链头:应为通报上印的 64 位十六进制数(0-9、a-f),请完整复制")
    for folder in folders:  # a folder mistyped would be checked as holding nothing: "完整"
        if not folder.is_dir():
            raise KaoheError(f"--published 的目录 {folder} 不存在")
    database = Path(obj.bureau.database)
    if "://" not in obj.bureau.database and not database.is_file():  # a PostgreSQL URL: the server says
        raise KaoheError(f"数据库 {database} 不存在")
    with obj.store(readonly=True) as store:  # a backup on a read-only medium is checked too
        result = check(store, folders, heads, bureau_root(obj.bureau))
        result.evidence, missing = evidence_unchanged(store, obj.bureau.office.evidence_directory)
    for text in missing:
        result.add("evidence", text)
    for line in verification_text(result):
        click.echo(line)
    if not result.clean:
        raise SystemExit(1)


COMMANDS = {
    "status": status, "signoff": signoff, "publish": publish, "unlock": unlock, "editions": editions, "diff": diff, "appeal": appeal,
    "appeal-deadline": appeal_deadline, "adjust": adjust, "audit": audit, "verify": verify,
}
