"""A small bureau for the report's tests, independent of the bundled department plugins.

Two series; an in-test plugin with two departments (测试大队 may carry data over, 督察支队 may not);
four months of records ingested from CSV into a real SQLite store and scored with the office's
jobs. Built so that every flag of the 通报 shows in 2015-03:

- 测试大队 sends nothing for 2015-03, so its February records are carried over (含沿用上期数据);
- 恶意所 (whose name and record notes are HTML injections) has a veto record in February, carried
  into March (一票否决);
- 儒林派出所 is last in series s2 in January, February and March and below the pass mark 95
  (末位, 连续3期排名末位, 整改单位);
- the unit named like a spreadsheet formula tests the XLSX's neutralisation.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from kaohe import Adapter, Column, Draft, Item, hookimpl, rules
from kaohe.core.periods import Period
from kaohe.office.ingest import ingest
from kaohe.office.jobs import score_period
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store

EVIL_NAME = '<script>alert("unit")</script>"><img src=x onerror=alert(1)>所'
EVIL_NOTE = '<script>window.__xss=1</script>"><img src=x onerror="window.__xss=2">'
FORMULA_NAME = '=HYPERLINK("http://example.invalid","点我")'
FORMULA_NOTE = "@SUM(A1:A9)"


def _events(row: dict[str, Any]) -> list[Draft]:
    return [
        Draft(
            key=f"testdept.event:{row['id']}", kind="testdept.event", unit=row["unit"], date=row["date"],
            attrs={"type": row["type"]}, note=row.get("note") or "",
        )
    ]


def _checks(row: dict[str, Any]) -> list[Draft]:
    return [
        Draft(
            key=f"testdept.check:{row['id']}", kind="testdept.check", unit=row["unit"], date=row["date"],
            attrs={"type": "通报批评"}, note=row.get("note") or "",
        )
    ]


COLUMNS = [
    Column("编号", "id"), Column("单位", "unit", "unit"), Column("日期", "date", "date"),
    Column("说明", "note", required=False),
]

ADAPTERS = [
    Adapter(
        id="testdept.events", title="测试大队工作记录", department="测试大队",
        columns=[*COLUMNS, Column("类型", "type", choices=("迟到", "表扬", "否决"))],
        to_records=_events, kinds=["testdept.event"],
    ),
    Adapter(
        id="testdept.checks", title="督察通报", department="督察支队", columns=COLUMNS,
        to_records=_checks, kinds=["testdept.check"],
    ),
]

ITEMS = [
    Item(
        id="testdept.late", title="接警后未按时到场", department="测试大队", category="jichu",
        reference="seed 000 l.548", reads=["testdept.event"],
        rule=rules.PerOccurrence(points=-1, match={"type": "迟到"}),
        text="接警后未按规定时限到达现场的,每次扣1分。",
    ),
    Item(
        id="testdept.praise", title="工作受上级表扬", department="测试大队", category="duiwu",
        reference="seed 000 l.258", reads=["testdept.event"],
        rule=rules.PerOccurrence(points=2, match={"type": "表扬"}), cap=4,
    ),
    Item(
        id="testdept.veto", title="发生一票否决事项", department="测试大队", category="duiwu",
        reference="seed 000 l.430", reads=["testdept.event"], rule=rules.Veto(match={"type": "否决"}),
    ),
    Item(
        id="testdept.criticised", title="被督察通报批评", department="督察支队", category="duiwu",
        reference="seed 000 l.446", reads=["testdept.check"], rule=rules.PerOccurrence(points=-2),
    ),
]


class TestDeptPlugin:
    """The in-test department plugin."""

    __version__ = "0.0.1"

    @hookimpl
    def kaohe_items(self, register: Any) -> None:
        for item in ITEMS:
            register(item)

    @hookimpl
    def kaohe_adapters(self, register: Any) -> None:
        for adapter in ADAPTERS:
            register(adapter)


CONFIG = {
    "bureau": {"name": "测试市公安局", "cutoff_day": 20},
    "scheme": {"name": "测试考核办法", "decimals": 2, "last_place_months": 3},
    "series": [{"id": "s1", "name": "一类所"}, {"id": "s2", "name": "二类所", "pass_mark": 95}],
    "categories": [
        {"id": "duiwu", "name": "队伍建设", "weight": 40, "base": 40},
        {"id": "jichu", "name": "基础工作建设", "weight": 60, "base": 60, "floor": 0},
    ],
    "units": [
        {"id": "jincheng", "name": "金城派出所", "series": "s1", "class": "A", "headcount": 40},
        {"id": "evil", "name": EVIL_NAME, "series": "s1", "class": "A", "headcount": 30},
        {"id": "formula", "name": FORMULA_NAME, "series": "s1", "class": "A", "headcount": 30},
        {"id": "xuebu", "name": "薛埠派出所", "series": "s2", "class": "B", "headcount": 20},
        {"id": "rulin", "name": "儒林派出所", "series": "s2", "class": "B", "headcount": 20},
        {"id": "zhixi", "name": "直溪派出所", "series": "s2", "class": "B", "headcount": 20},
    ],
    "carry_over": {"测试大队": True},
}

# (id, unit, date, type, note): 测试大队 — nothing in March (2015-02-21 … 2015-03-20).
EVENTS = [
    ("E01", "rulin", "2015-01-05", "迟到", "一类警情 到场用时25分钟"),
    ("E02", "rulin", "2015-01-06", "迟到", ""),
    ("E03", "rulin", "2015-01-07", "迟到", ""),
    ("E04", "jincheng", "2015-01-08", "迟到", "二类警情 到场用时18分钟"),
    ("E05", "zhixi", "2015-01-09", "迟到", ""),
    ("E06", "xuebu", "2015-01-10", "表扬", "市局通报表扬"),
    ("E07", "formula", "2015-01-11", "表扬", FORMULA_NOTE),
    ("E11", "rulin", "2015-02-05", "迟到", ""),
    ("E12", "rulin", "2015-02-06", "迟到", ""),
    ("E13", "rulin", "2015-02-07", "迟到", ""),
    ("E14", "jincheng", "2015-02-08", "迟到", ""),
    ("E15", "jincheng", "2015-02-09", "迟到", ""),
    ("E16", "evil", "2015-02-10", "迟到", EVIL_NOTE),
    ("E17", "evil", "2015-02-11", "否决", "发生民警违法违纪案件"),
    ("E18", "xuebu", "2015-02-12", "表扬", ""),
    ("E31", "rulin", "2015-04-05", "迟到", ""),
    ("E32", "zhixi", "2015-04-06", "迟到", ""),
    ("E33", "zhixi", "2015-04-07", "迟到", ""),
]

# 督察支队 — every month.
CHECKS = [
    ("C01", "rulin", "2015-01-12", "着装不规范"),
    ("C02", "rulin", "2015-02-12", "值班脱岗"),
    ("C03", "rulin", "2015-03-12", "值班脱岗"),
    ("C04", "evil", "2015-03-13", EVIL_NOTE),
    ("C05", "jincheng", "2015-03-14", "台账不全"),
    ("C06", "formula", "2015-03-15", "=1+1"),
    ("C07", "rulin", "2015-04-12", ""),
]

MONTHS = ("2015-01", "2015-02", "2015-03", "2015-04")


def registry() -> Any:
    return load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("testdept", TestDeptPlugin())]))


def _write_csv(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def make(tmp: Path, database: str = "kaohe.sqlite") -> tuple[Any, Any, Any]:
    """The bureau, its registry and its store's path, with the four months ingested and scored
    (each month, then 2015-Q1). ``database``: a PostgreSQL URL (tests/pg_support.py), else SQLite's file."""
    reg = registry()
    assert not reg.errors, reg.errors
    bureau = parse_bureau({**CONFIG, "bureau": {**CONFIG["bureau"], "database": database}}, reg, "test.toml", tmp)
    events = _write_csv(tmp / "测试大队.csv", ["编号", "单位", "日期", "类型", "说明"], [(i, u, d, t, n) for i, u, d, t, n in EVENTS])
    checks = _write_csv(tmp / "督察通报.csv", ["编号", "单位", "日期", "说明"], CHECKS)
    with Store(bureau.database) as store:
        for f in (events, checks):
            report = ingest(store, bureau, reg, f, actor="test")
            assert not report.rejected, [r.text() for r in report.rejected]
        for m in MONTHS:
            score_period(store, bureau, reg, Period.parse(m))
        score_period(store, bureau, reg, Period.parse("2015-Q1"))
    return bureau, reg, bureau.database if "://" in bureau.database else Path(bureau.database)


def publish_period(tmp: Path, label: str = "2015-03") -> tuple[Any, Any, Path, Path]:
    """:func:`make`, then the 通报 of ``label`` published into ``tmp/published`` from the store.
    Returns (bureau, registry, database, index.html)."""
    from kaohe.report import publish

    bureau, reg, db = make(tmp)
    with Store(db) as store:
        # every record's line, as a publication scores (``[scoring] engine = "python"``)
        result = score_period(store, bureau.evolve(engine="python"), reg, Period.parse(label))
        html = publish(tmp / "published", bureau, reg, result, store)
    return bureau, reg, db, html


# A month with more record lines on an item than the web page lists (``[report] lines_per_item``):
# 金城派出所 is late five times (each −1) and praised five times (each +2, the item capped at +4) in
# 2015-06 (2015-05-21 … 2015-06-20); 薛埠派出所, in the same series, has nothing.
FOLDED_EVENTS = [
    *((f"L{n}", "jincheng", f"2015-06-0{n}", "迟到", f"第{n}次迟到") for n in range(1, 6)),
    *((f"P{n}", "jincheng", f"2015-06-1{n}", "表扬", f"第{n}次表扬") for n in range(1, 6)),
]


def publish_folded(tmp: Path, lines_per_item: int | None = 2) -> tuple[Any, Any, Path, Path]:
    """The bureau of FOLDED_EVENTS (one series: 金城派出所 and 薛埠派出所) with ``[report]
    lines_per_item`` (None: not set), its 2015-06 ingested, scored and published from a real store
    into ``tmp/published``. Returns (bureau, registry, database, index.html)."""
    from kaohe.report import publish

    reg = registry()
    config = {
        **CONFIG,
        "bureau": {**CONFIG["bureau"], "database": "kaohe.sqlite"},
        "series": [{"id": "s1", "name": "一类所"}],
        "units": [u for u in CONFIG["units"] if u["id"] in ("jincheng", "xuebu")],
    }
    config["units"] = [{**u, "series": "s1"} for u in config["units"]]
    if lines_per_item is not None:
        config["report"] = {"lines_per_item": lines_per_item}
    bureau = parse_bureau(config, reg, "test.toml", tmp)
    events = _write_csv(tmp / "测试大队.csv", ["编号", "单位", "日期", "类型", "说明"], FOLDED_EVENTS)
    with Store(bureau.database) as store:
        report = ingest(store, bureau, reg, events, actor="test")
        assert not report.rejected, [r.text() for r in report.rejected]
        store.sign_off("督察支队", "2015-06", "test", "本月无事项")  # the month is complete
        result = score_period(store, bureau.evolve(engine="python"), reg, Period.parse("2015-06"))  # every line
        html = publish(tmp / "published", bureau, reg, result, store)
    return bureau, reg, Path(bureau.database), html


def line_rows(ws: Any) -> list[list[Any]]:
    """The rows of an XLSX unit sheet's line table (加扣分明细), below its header."""
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    start = next(n for n, r in enumerate(rows) if r[:2] == ["考核内容", "考核项目"])
    return [r for r in rows[start + 1 :] if r[0]]
