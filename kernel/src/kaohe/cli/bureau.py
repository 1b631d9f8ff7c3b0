"""The commands about the bureau itself: ``init`` (a new bureau), ``plugins`` (what is installed and
what the bureau switched on) and ``demo``."""

from __future__ import annotations

import shutil
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

import click

from ..core.decimals import fmt
from ..core.errors import KaoheError
from ..plugins import readme as plugin_readme
from ..store.store import Store
from .common import DEFAULT_CONFIG, Ctx, pass_ctx


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", default="某某市公安局", help="局名。")
@pass_ctx
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


@click.command()
@click.option("--items/--no-items", "show_items", default=True, help="列出每个插件的考核项目。")
@click.option("--readme", "readme", metavar="NAMESPACE", help="输出插件 NAMESPACE 的考核项目表和各数据格式的列表(README 用)。")
@click.option(
    "--update",
    "update_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="与 --readme 同用:按插件的项目和列重写该 README 中 <!-- kaohe:items --> 等标记之间的表格,其余文字不动。",
)
@pass_ctx
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


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="kaohe-demo")
@click.option("--seed", default=None, type=int, help="随机种子(默认 2015,结果可复现)。")
@click.option("--force", is_flag=True, help="目录已存在时先清空。")
@click.option(
    "--database", default=None, metavar="URL",
    help="存放于 PostgreSQL 数据库(postgresql://…,密码由环境变量提供;默认为目录中的 SQLite 文件)。",
)
@pass_ctx
def demo(obj: Ctx, directory: Path, seed: int | None, force: bool, database: str | None) -> None:
    """演示:建立金坛 2015(seed 000)演示局,生成各部门一年的数据,导入、计分并发布通报。"""

    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise KaoheError(f"{directory} 已存在且不为空:换一个目录,或加 --force 清空后重建")
        shutil.rmtree(directory)
    started = time.monotonic()
    from ..demo import run_demo  # with the published report's modules: imported by this command only

    run_demo(directory, seed=seed, echo=click.echo, database=database)
    click.echo(f"完成,用时 {time.monotonic() - started:.1f} 秒。")


COMMANDS = {"init": init, "plugins": plugins, "demo": demo}
