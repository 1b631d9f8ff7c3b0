"""The site's commands: ``kaohe serve``, ``kaohe users`` (add, import, list, disable,
reset-password) and ``kaohe token`` (add, list, revoke: the API's tokens). Registered on the
``kaohe`` group by kaohe.cli."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..core.errors import KaoheError
from ..office.accounts import (
    PROVINCE, ROLES, add_platform_users, add_users, disable_user, read_users_csv, reset_password, reset_platform_password,
)
from ..office.platform import Platform, load_platform
from ..scheme.config import load_bureau
from ..core.actor import system_account
from ..store.postgres import redacted
from ..store.store import Store
from ..web.server import serve as run_server
from ..web.server import serve_platform as run_platform
from ..office.tokens import add_token, revoke_token, token_state
from .common import Ctx, acting, actor_option, parse_date, pass_ctx, table


def _by(obj: Ctx, actor: str | None) -> str:
    return acting(obj, actor).recorded


def _password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise KaoheError("标准输入中没有密码(--password-stdin:一行一个密码)")
    return line


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址(默认只接受本机访问;内网访问请经反向代理,或写本机的内网地址)。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口。")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="工作进程数。")
@click.option("--proxy", metavar="地址", help="前面的 HTTPS 反向代理的地址(如 127.0.0.1):信任它转发的 X-Forwarded-Proto/For。")
@click.option("--platform", "platform_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="平台配置文件(如 platform.toml):在一个网站上为其中列出的各局服务,每局一个域名(说明见 docs/site.md“平台”)。")
@pass_ctx
def serve(obj: Ctx, host: str, port: int, workers: int, proxy: str | None, platform_file: Path | None) -> None:
    """启动本局的考核网站(账号用 kaohe users 开设;说明见 docs/site.md)。"""
    if platform_file is not None:
        platform = load_platform(platform_file)
        for b in platform.bureaus:  # every bureau's configuration and database checked (and migrated) before the workers start
            try:
                Store(load_bureau(b.config, obj.registry).database).close()
            except KaoheError as exc:
                raise KaoheError(f"{platform_file} 的局 {b.key}:{exc}") from None
        Store(platform.database).close()
        click.echo(f"{platform.name}:省厅 http://{platform.domain}:{port}/ ,{len(platform.bureaus)} 个局 http://局的代号.{platform.domain}:{port}/  (按 Ctrl+C 停止)")
        run_platform(platform_file, host, port, workers, proxy)
        return
    obj.store().close()  # the configuration and the database checked (and migrated) before the workers start
    click.echo(f"{obj.bureau.name} 考核网站:http://{host}:{port}/  (按 Ctrl+C 停止)")
    run_server(obj.config, host, port, workers, proxy)


@click.group()
def platform() -> None:
    """多局平台(省厅):省厅账号的新建、列出、停用、重置密码,检查平台配置。"""


def _platform_store(platform_file: Path) -> tuple[Platform, Store]:
    p = load_platform(platform_file)
    return p, Store(p.database)


PLATFORM_OPTION = click.option(
    "--platform", "platform_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="平台配置文件(如 platform.toml)。",
)


@platform.command("check")
@PLATFORM_OPTION
@pass_ctx
def platform_check(obj: Ctx, platform_file: Path) -> None:
    """检查平台配置:列出各局的代号、名称、网址和配置文件,并逐一读取各局的配置。"""
    p = load_platform(platform_file)
    rows = []
    for b in p.bureaus:
        try:
            bureau = load_bureau(b.config, obj.registry)
        except KaoheError as exc:
            raise KaoheError(f"{platform_file} 的局 {b.key}:{exc}") from None
        rows.append([b.key, b.name, b.host(p.domain), str(b.config), str(len(bureau.units))])
    click.echo(table(["代号", "名称", "网址", "配置文件", "单位数"], rows))
    click.echo(f"省厅:{p.domain}(账号数据库 {redacted(p.database)})")


@platform.command("users-add")
@click.argument("account")
@click.option("--name", required=True, help="姓名。")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="从标准输入读取密码(默认随机生成并显示一次)。")
@click.option("--by", "by", default=None, help="记入平台审计记录的操作人(默认为系统用户)。")
@PLATFORM_OPTION
def platform_users_add(account: str, name: str, from_stdin: bool, by: str | None, platform_file: Path) -> None:
    """新建省厅账号 ACCOUNT(只读:全省汇总和各局已公布的结果)。"""
    p, store = _platform_store(platform_file)
    with store:
        made = add_platform_users(store, p.site, [(account, name, PROVINCE, "", _password(from_stdin))], by or system_account())
    for acc, pw in made:
        click.echo(f"已新建省厅账号 {acc}" + ("" if from_stdin else f",初始密码:{pw}(只显示这一次)"))


@platform.command("users-list")
@PLATFORM_OPTION
def platform_users_list(platform_file: Path) -> None:
    """列出省厅账号。"""
    _, store = _platform_store(platform_file)
    with store:
        rows = store.users()
    click.echo(table(["账号", "姓名", "角色", "状态"], [[r["account"], r["name"], r["role"], "已停用" if r["disabled"] else "正常"] for r in rows]))


@platform.command("users-disable")
@click.argument("account")
@click.option("--by", "by", default=None, help="记入平台审计记录的操作人(默认为系统用户)。")
@PLATFORM_OPTION
def platform_users_disable(account: str, by: str | None, platform_file: Path) -> None:
    """停用省厅账号 ACCOUNT(其会话立即失效,已进入的各局页面也随之失效)。"""
    _, store = _platform_store(platform_file)
    with store:
        disable_user(store, account, by or system_account())
    click.echo(f"已停用省厅账号 {account}")


@platform.command("users-reset-password")
@click.argument("account")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="从标准输入读取新密码(默认随机生成并显示一次)。")
@click.option("--by", "by", default=None, help="记入平台审计记录的操作人(默认为系统用户)。")
@PLATFORM_OPTION
def platform_users_reset(account: str, from_stdin: bool, by: str | None, platform_file: Path) -> None:
    """重置省厅账号 ACCOUNT 的密码:解除锁定、重新启用,旧会话失效。"""
    p, store = _platform_store(platform_file)
    with store:
        pw = reset_platform_password(store, p.site, account, by or system_account(), _password(from_stdin))
    click.echo(f"已重置省厅账号 {account} 的密码" + ("" if from_stdin else f",新密码:{pw}(只显示这一次)"))


@click.group()
def users() -> None:
    """考核网站的账号:新建、批量导入、列出、停用、重置密码。"""


@users.command("add")
@click.argument("account")
@click.option("--name", required=True, help="姓名。")
@click.option("--role", required=True, type=click.Choice(ROLES), help="角色。")
@click.option("--unit", "where", default="", help="单位(角色为“单位”时:单位编号或名称)或部门(角色为“部门”时:部门名称)。")
@click.option("--department", "department", default="", help="部门名称(与 --unit 二选一)。")
@click.option("--email", default="", help="邮箱(可选):kaohe remind 每天把待办事项发到此地址。")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="从标准输入读取密码(默认随机生成并显示一次)。")
@actor_option()
@pass_ctx
def users_add(
    obj: Ctx, account: str, name: str, role: str, where: str, department: str, email: str, from_stdin: bool, actor: str | None,
) -> None:
    """新建账号 ACCOUNT。"""
    with obj.store() as store:
        made = add_users(store, obj.bureau, [(account, name, role, where or department, _password(from_stdin), email)], _by(obj, actor))
    for acc, pw in made:
        click.echo(f"已新建账号 {acc}" + ("" if from_stdin else f",初始密码:{pw}(只显示这一次)"))


@users.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@actor_option()
@pass_ctx
def users_import(obj: Ctx, csv_file: Path, actor: str | None) -> None:
    """从 CSV 批量新建账号(表头:账号,姓名,角色,单位或部门,可另加“邮箱”列);全部无误才导入,初始密码随机生成并显示一次。"""
    rows = read_users_csv(csv_file)
    with obj.store() as store:
        made = add_users(store, obj.bureau, rows, _by(obj, actor), where=f"{csv_file.name} ")
    click.echo(table(["账号", "初始密码"], [[a, p] for a, p in made]))
    click.echo(f"已新建 {len(made)} 个账号;初始密码只显示这一次,请分别交给本人。")


@users.command("list")
@pass_ctx
def users_list(obj: Ctx) -> None:
    """列出账号。"""
    with obj.store(readonly=True) as store:
        rows = store.users()
    click.echo(table(
        ["账号", "姓名", "角色", "单位或部门", "邮箱", "状态"],
        [[r["account"], r["name"], r["role"], r["unit"] or r["department"] or "", r["email"] or "", "已停用" if r["disabled"] else ("锁定至 " + str(r["locked_until"]) if r["locked_until"] else "正常")] for r in rows],
    ))


@users.command("disable")
@click.argument("account")
@actor_option()
@pass_ctx
def users_disable(obj: Ctx, account: str, actor: str | None) -> None:
    """停用账号 ACCOUNT(其会话立即失效;重置密码可再启用)。"""
    with obj.store() as store:
        disable_user(store, account, _by(obj, actor))
    click.echo(f"已停用账号 {account}")


@users.command("reset-password")
@click.argument("account")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="从标准输入读取新密码(默认随机生成并显示一次)。")
@actor_option()
@pass_ctx
def users_reset(obj: Ctx, account: str, from_stdin: bool, actor: str | None) -> None:
    """重置账号 ACCOUNT 的密码:解除锁定、重新启用,旧会话失效。"""
    with obj.store() as store:
        pw = reset_password(store, obj.bureau, account, _by(obj, actor), _password(from_stdin))
    click.echo(f"已重置账号 {account} 的密码" + ("" if from_stdin else f",新密码:{pw}(只显示这一次)"))


@click.group()
def token() -> None:
    """接口令牌:发给部门的系统(如 110 接处警系统)推送记录、读取成绩(说明见 docs/api.md)。"""


@token.command("add")
@click.option("--department", required=True, help="令牌所属的部门(只能推送和读取该部门的数据)。")
@click.option("--name", default=None, help="令牌名称(审计记录的操作人记为 api:名称;默认“部门-序号”)。")
@click.option("--expires", default=None, metavar="日期", help="有效期的最后一天(如 2027-12-31;默认长期有效,直到吊销)。")
@actor_option()
@pass_ctx
def token_add(obj: Ctx, department: str, name: str | None, expires: str | None, actor: str | None) -> None:
    """新建接口令牌;令牌只显示这一次,数据库只保存其摘要。"""
    last = parse_date(expires, "--expires")
    with obj.store() as store:
        made, secret = add_token(store, obj.bureau, department, _by(obj, actor), name, last)
    click.echo(f"已新建接口令牌 {made}({department}" + (f",有效至 {last}" if last else ",长期有效") + ")")
    click.echo(f"令牌:{secret}")
    click.echo("令牌只显示这一次,请妥善交给该部门系统的管理员;遗失或泄露时用 kaohe token revoke 吊销后重新发放。")


@token.command("list")
@pass_ctx
def token_list(obj: Ctx) -> None:
    """列出接口令牌(不显示令牌本身)。"""
    with obj.store(readonly=True) as store:
        rows = store.tokens()
    click.echo(table(
        ["名称", "部门", "状态", "有效至", "新建时间", "新建人", "最近使用"],
        [[r["name"], r["department"], token_state(r), r["expires"] or "长期", r["created"], r["creator"] or "", r["last_used"] or ""] for r in rows],
    ))


@token.command("revoke")
@click.argument("name")
@actor_option()
@pass_ctx
def token_revoke(obj: Ctx, name: str, actor: str | None) -> None:
    """吊销接口令牌 NAME(立即失效)。"""
    with obj.store() as store:
        revoke_token(store, name, _by(obj, actor))
    click.echo(f"已吊销接口令牌 {name}")


@click.command()
@click.option("--date", "day", metavar="日期", help="提醒哪一天的待办(默认今天),如 2015-05-21。")
@click.option("--dry-run", "dry_run", is_flag=True, help="只显示将发送的邮件,不发送、不记录。")
@actor_option("记入审计记录的考核办账号(也可用环境变量 KAOHE_ACTOR 或配置 [site] cli_account)。")
@pass_ctx
def remind(obj: Ctx, day: str | None, dry_run: bool, actor: str | None) -> None:
    """给有邮箱的每个账号发一封邮件,列出其待办事项(经 [notify] 配置的本局邮件服务器;供考核办每天定时运行)。

    同一账号同一天只发一次(已发送的记入审计记录);没有待办的账号不发。
    """
    from ..office.remind import remind as send_reminders  # with smtplib and ssl: imported by this command only

    date = parse_date(day, "--date") or dt.date.today()
    by = None if dry_run else _by(obj, actor)
    with obj.store() as store:
        done = send_reminders(store, obj.bureau, obj.registry, date, dry_run=dry_run, actor=by)
    for r in done.reminders:
        if dry_run:
            click.echo(f"--- 将发送给 {r.account} <{r.email}>:{r.message['Subject']}")
            click.echo(str(r.message.get_content()).rstrip())
        else:
            click.echo(f"已发送:{r.account} <{r.email}>,待办 {len(r.items)} 项")
    if done.already:
        click.echo(f"{date.isoformat()} 已发送过,不再发送:{'、'.join(done.already)}")
    if not done.reminders:
        click.echo(f"{date.isoformat()} 没有需要发送的提醒(有邮箱且有待办的账号:无)")


COMMANDS: dict[str, click.Command] = {"serve": serve, "users": users, "token": token, "remind": remind, "platform": platform}
"""The site's commands, added to the ``kaohe`` group by kaohe.cli.main."""
