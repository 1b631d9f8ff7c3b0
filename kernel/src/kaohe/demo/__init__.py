"""The demo bureau: 金坛 2015 (seed 000), 15 stations in classes A/B/C; and the toolkit a plugin's
``kaohe_demo_data`` writes its synthetic year with (docs/plugin-guide.md, "Demo data")."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import cast

from ..contract.hookspecs import DemoBureau
from ..contract.registry import Registry
from ..core.model import PeriodResult, Unit
from ..core.periods import Calendar, Period
from ..office.accounts import DEPARTMENT, LEADER, OFFICE, UNIT, add_users, departments_of
from ..office.ingest import ingest
from ..office.jobs import score_year
from ..plugins.discovery import get_plugin_manager, load_registry
from ..scheme.bureau import Bureau
from ..scheme.config import load_bureau
from ..intake.workbook import write_export
from ..scoring.status import data_status
from ..store.store import Store

HERE = Path(__file__).parent
CONFIG = HERE / "bureau.toml"
UNITS = HERE / "units.csv"
DEMO_YEAR = 2015
DEMO_SEED = 2015

__all__ = [
    "DEMO_SEED", "DEMO_YEAR", "DemoBureau", "day_in", "demo_bureau", "demo_months", "demo_random", "poisson", "random_day",
    "run_demo", "written_name", "write_export",
]


# -- the toolkit of a plugin's demo data -----------------------------------------------------------


def demo_random(seed: int, salt: int) -> random.Random:
    """The plugin's own random stream: ``random.Random(seed + salt)``, ``salt`` a number of the
    plugin's (its seed line, say), so that two plugins never draw the same numbers."""
    return random.Random(seed + salt)


def poisson(rng: random.Random, mean: float) -> int:
    """A small Poisson draw (Knuth's method), enough for demo volumes."""
    limit, k, p = math.e ** (-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day from ``start`` to ``end``, both included."""
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def day_in(rng: random.Random, calendar: Calendar, period: Period) -> dt.date:
    """A day of ``period`` (an assessment month, say) by ``calendar``."""
    return random_day(rng, calendar.start(period), calendar.end(period))


def demo_months(calendar: Calendar, year: int = DEMO_YEAR) -> list[tuple[Period, dt.date, dt.date]]:
    """The twelve assessment months of ``year``, each with its first and last day by ``calendar``."""
    return [(p, calendar.start(p), calendar.end(p)) for p in (Period(year, "month", m) for m in range(1, 13))]


def written_name(rng: random.Random, unit: Unit, chance: float = 0.2) -> str:
    """How a department writes a station: its full name, or with ``chance`` its short alias (the
    last one) where it has one."""
    return unit.aliases[-1] if unit.aliases and rng.random() < chance else unit.name


def demo_bureau(registry: Registry | None = None) -> tuple[Bureau, Registry]:
    """The demo bureau with every installed plugin's items switched on."""
    registry = registry or load_registry()
    return load_bureau(CONFIG, registry), registry


def run_demo(
    directory: Path, seed: int | None = None, echo: Callable[[str], None] = print, database: str | None = None,
) -> Path:
    """Create the demo bureau in ``directory``, have every installed plugin write its synthetic
    year, ingest it, score every month, quarter, half-year and the year, and publish the year.
    Returns the configuration file. ``database``: where it is stored (a PostgreSQL URL; default the
    SQLite file beside the configuration)."""

    seed = DEMO_SEED if seed is None else seed
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "kaohe.toml"
    shutil.copy(UNITS, directory / "units.csv")
    text = CONFIG.read_text(encoding="utf-8")
    if database is not None:
        text = text.replace("[bureau]\n", f"[bureau]\ndatabase = {json.dumps(database)}\n", 1)
    config.write_text(text, encoding="utf-8")
    pm = get_plugin_manager()
    registry = load_registry(pm)
    for err in registry.errors:
        echo(f"警告:{err}")
    bureau = load_bureau(config, registry)
    echo(f"演示局:{bureau.name},{len(bureau.units)} 个派出所,{len(bureau.items)} 个考核项目(来自 {len(registry.scoring_plugins())} 个插件)")

    exports = directory / "exports"
    view = DemoBureau.of(bureau)
    files: list[tuple[str, Path]] = []  # (the plugin that wrote it, the file)
    for impl in reversed(pm.hook.kaohe_demo_data.get_hookimpls()):
        name = pm.get_name(impl.plugin)
        if name in {e.plugin for e in registry.errors}:
            continue
        out = exports / str(name)
        out.mkdir(parents=True, exist_ok=True)
        try:
            # pluggy types a hook implementation's result as object; kaohe_demo_data's specification
            # says list[Path] | None.
            written = cast("list[Path] | None", impl.function(bureau=view, directory=out, seed=seed)) or []
        except Exception as exc:
            echo(f"警告:插件 {name} 生成演示数据失败({type(exc).__name__}: {exc}),已跳过")
            continue
        files.extend((str(name), Path(p)) for p in written)
    echo(f"已生成 {len(files)} 个部门数据文件:{exports}")

    rejected = 0
    with Store(bureau.database) as store:
        for plugin, f in files:
            # read by the adapters of the plugin that wrote it: a bureau's own plugin may read the
            # same export as a bundled one (docs/plugin-guide.md), which the header cannot tell apart
            report = ingest(store, bureau, registry, f, actor="demo", department=plugin)
            rejected += len(report.rejected)
            echo(f"  导入 {f.name}:{report.accepted} 条,拒绝 {len(report.rejected)} 行")
            for r in report.rejected:
                echo(f"    ✗ {r.text()}")
        _sign_off(store, bureau, registry, echo)
        results = score_year(store, bureau, registry, DEMO_YEAR)
    echo(f"已计算 {len(results)} 个考核期(12个月、4个季度、2个半年、全年),拒绝的错误行共 {rejected} 行")
    year = results[-1]
    for series, units in year.series().items():
        top = units[0]
        echo(f"  {series}类 {DEMO_YEAR}年度第一名:{top.name} {top.total}")
    published = _publish(directory, bureau, registry, year, echo)
    echo(f"配置:{config}")
    echo(f"数据库:{bureau.database}")
    if published:
        echo(f"通报:{published}")
    echo(f"试试:kaohe -c {config} explain jincheng {DEMO_YEAR}-04")
    _accounts(bureau, config, echo)
    return config


DEMO_STATION = "jincheng"
DEMO_DEPARTMENT = "治安大队"


def demo_accounts(bureau: Bureau) -> list[tuple[str, str, str, str]]:
    """The demo's site accounts, one per role: (account, name, role, unit or department)."""
    departments = departments_of(bureau)
    department = DEMO_DEPARTMENT if DEMO_DEPARTMENT in departments else (departments[0] if departments else "")
    station = next((u for u in bureau.units if u.id == DEMO_STATION), bureau.units[0])
    accounts = [(station.id, f"{station.name}值班室", UNIT, station.id)]
    if department:
        accounts.append(("bumen", f"{department}内勤", DEPARTMENT, department))
    accounts += [("kaoheban", "考核办", OFFICE, ""), ("lingdao", "局领导", LEADER, "")]
    return accounts


def _accounts(bureau: Bureau, config: Path, echo: Callable[[str], None]) -> None:
    """One site account per role, made by the office's use case (so the audit trail records it),
    with random passwords printed once; and how to start the site."""
    accounts = demo_accounts(bureau)
    with Store(bureau.database) as store:
        made = dict(add_users(store, bureau, [(a, n, r, w, None) for a, n, r, w in accounts], "demo"))
    echo("网站账号(每个角色一个;密码随机生成,只显示这一次):")
    for account, name, role, where in accounts:
        echo(f"  {role} {account}({name}{',' + where if where and where != account else ''}) 密码:{made[account]}")
    echo(f"启动网站:kaohe -c {config} serve  然后用浏览器打开 http://127.0.0.1:8000/ 登录(说明见 docs/site.md)")
    office = next((a for a, _, r, _ in accounts if r == OFFICE), None)
    if office:  # kaohe.office.accounts.cli_account: the command line now acts as an office account
        echo(f"命令行的写操作(ingest、publish、signoff 等)须指明考核办账号:加 --actor {office},或设环境变量 KAOHE_ACTOR={office}")


def _sign_off(store: Store, bureau: Bureau, registry: Registry, echo: Callable[[str], None]) -> None:
    """The departments sign off the months in which they have nothing to report (the demo's 纪委 had
    no violation in January), as they do in the month's cycle (DOMAIN.md): the year then publishes
    without missing data."""

    for row in data_status(store, bureau, registry, Period(DEMO_YEAR, "year")):
        if row.missing:
            store.sign_off(row.department, row.period, "demo", "本期无须报送的事项")
            echo(f"  {row.department} 签收 {row.period}:本期无须报送的事项")


def _publish(directory: Path, bureau: Bureau, registry: Registry, result: object, echo: Callable[[str], None]) -> Path | None:
    """Publish the year as its first edition (kaohe.office.publication), as the office would."""
    from ..office.publication import publish  # the report's modules: not imported with the plugins' demo helpers

    assert isinstance(result, PeriodResult)
    with Store(bureau.database) as store:
        done = publish(store, bureau, registry, Period.parse(result.period), actor="demo", out=directory / "published" / result.period)
    for w in done.warnings:
        echo(f"警告:{w}")
    return done.html
