"""``kaohe db copy --to URL``: a bureau's SQLite database moved into PostgreSQL, checked (issue 22,
point 1; kaohe.store.postgres). Registered on the ``kaohe`` group by kaohe.cli."""

from __future__ import annotations

import click

from ..core.errors import KaoheError
from ..store.pgstore import copy_to_postgres
from ..store.postgres import is_url
from .common import EXIT_REFUSED, Ctx, pass_ctx


@click.group("db")
def database_group() -> None:
    """本局的数据库:从 SQLite 迁移到 PostgreSQL。"""


@database_group.command("copy")
@click.option("--to", "url", required=True, metavar="URL", help="目标 PostgreSQL 数据库(postgresql://…,须为空;密码由环境变量 PGPASSWORD 提供)。")
@pass_ctx
def copy(obj: Ctx, url: str) -> None:
    """把本局的 SQLite 数据库整体复制到 PostgreSQL(一个事务,全部或全不),再逐项核对:

    每个考核期的存储结果、每个版本的校验码与内容、审计链头、全部记录在两边相同(逐项输出 ✓/✗;
    有不同时退出码 1)。复制后把配置 [bureau] database 改为该地址即可使用。"""
    if not is_url(url):
        raise KaoheError(f"--to 应为 PostgreSQL 数据库地址(postgresql://…),得到 {url!r}")
    if is_url(obj.bureau.database):
        raise KaoheError("本局的数据库已是 PostgreSQL(配置 [bureau] database 或环境变量 KAOHE_DATABASE_URL):kaohe db copy 从 SQLite 数据库复制")
    with obj.store(readonly=True) as store:
        click.echo(f"复制 {obj.bureau.database} → PostgreSQL:")
        same = copy_to_postgres(store, url, echo=click.echo)
    if not same:
        click.echo("复制后的数据与原数据库不同:请勿切换,并保留原数据库")
        raise SystemExit(EXIT_REFUSED)
    click.echo("核对无误:复制后的存储结果和各版本校验码与原数据库完全相同")


COMMANDS = {"db": database_group}
