"""The demo year 2015 of the 消防大队 (dates 2014-12-21 .. 2015-12-20), deterministic from the seed.

Each station has a diligence (0.55-1.0): a diligent station meets its quotas and holds its meetings;
a careless one misses more often. Class A stations often exceed their enforcement quotas, class C
stations now and then miss a two-month quota. A few rows are bad on purpose (a unit not in the
bureau, text in the 罚款金额 column, an impossible date) for the intake to reject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Period, Unit
from kaohe.demo import DEMO_YEAR, demo_random, random_day, write_export, written_name

from .adapters import ACT_119, ACT_TRAINING, DOC_GENERAL, DOC_ONSITE, DOC_RECTIFICATION, FINDINGS, FIRES
from .items import BOARD, DOC_FILING, DOC_SYSTEM, DUTY, LEADER, LEDGER_MISSING, LEDGER_STALE, OFFICER, ROOM

YEAR = DEMO_YEAR
PLUGIN_SEED = 626  # seed 000 l.626: fixed per plugin so each department's demo differs
TITLE = "金坛市公安局消防大队"

# (责令改正通知书, 当场处罚, 一般程序处罚) per month (A, B) or per two months (C) — seed 000 l.638.
QUOTAS = {"A": (4, 5, 1), "B": (1, 2, 1), "C": (1, 2, 1)}


class _Year:
    def __init__(self, bureau: DemoBureau, seed: int) -> None:
        self.rng = demo_random(seed, PLUGIN_SEED)
        self.cal = bureau.calendar
        self.units = [u for u in bureau.units if u.klass in QUOTAS or u.klass is None]
        self.diligence = {u.id: round(self.rng.uniform(0.55, 1.0), 2) for u in self.units}

    def months(self) -> list[Period]:
        return Period(YEAR, "year").months()

    def day_in(self, periods: Sequence[Period]) -> dt.date:
        return random_day(self.rng, self.cal.start(periods[0]), self.cal.end(periods[-1]))

    def name(self, unit: Unit) -> str:
        """Departments write a station by its full name, sometimes by its short alias."""
        return written_name(self.rng, unit, 0.15)

    def around(self, target: int, unit: Unit, exceed: float) -> int:
        """A count near ``target``: short more often for a careless station, over with ``exceed``."""
        d = self.diligence[unit.id]
        r = self.rng.random()
        if r < (1 - d) * 0.6:
            return max(0, target - self.rng.randint(1, max(1, target // 2 + 1)))
        if r > 1 - exceed:
            return target + self.rng.randint(1, 2)
        return target


def _enforcement(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    serial = {DOC_RECTIFICATION: 0, DOC_ONSITE: 0, DOC_GENERAL: 0}
    prefix = {DOC_RECTIFICATION: "责改", DOC_ONSITE: "当罚", DOC_GENERAL: "行罚"}
    for unit in y.units:
        klass = unit.klass if unit.klass in QUOTAS else "B"
        step = 2 if klass == "C" else 1
        exceed = {"A": 0.35, "B": 0.2, "C": 0.15}[klass]
        months = y.months()
        for i in range(0, 12, step):
            block = months[i : i + step]
            targets = QUOTAS[klass]
            for doc, target in zip((DOC_RECTIFICATION, DOC_ONSITE, DOC_GENERAL), targets, strict=True):
                for _ in range(y.around(target, unit, exceed)):
                    serial[doc] += 1
                    if doc == DOC_RECTIFICATION:
                        fine: Any = None
                    elif doc == DOC_ONSITE:
                        fine = y.rng.choice([0, 50, 200, 200, 500, 500, 1000])
                    else:
                        fine = y.rng.choice([1000, 3000, 5000, 5000, 5000, 6000, 8000, 10000, 20000])
                    no = f"金公消{prefix[doc]}〔{YEAR}〕{serial[doc]:04d}号"
                    rows.append([no, y.name(unit), y.day_in(block), doc, fine])
    rows.sort(key=lambda r: (r[2], r[0]))
    # Bad on purpose: a station not in the bureau; text in the 罚款金额 column.
    rows.insert(len(rows) // 3, [f"金公消当罚〔{YEAR}〕9001号", "东城派出所", dt.date(YEAR, 4, 8), DOC_ONSITE, 200])
    rows.insert(2 * len(rows) // 3, [f"金公消行罚〔{YEAR}〕9002号", "城西派出所", dt.date(YEAR, 8, 12), DOC_GENERAL, "五千"])
    return rows


FINDING_WEIGHTS = [
    (LEDGER_STALE, 30),
    (ROOM, 20),
    (LEDGER_MISSING, 12),
    (DOC_FILING, 12),
    (DOC_SYSTEM, 8),
    (DUTY, 8),
    (BOARD, 4),
    (OFFICER, 4),
    (LEADER, 2),
]
REMARKS = {
    LEDGER_STALE: ["九小场所台帐未更新", "重点单位档案未修订", "出租房消防检查台帐未更新"],
    ROOM: ["缺少消防器材展示", "无消防工作制度上墙", "无专用办公桌椅", "缺少辖区消防地图"],
    LEDGER_MISSING: ["缺专项治理档案", "缺九小场所基础档案", "缺消防安全检查登记台帐"],
    DOC_FILING: ["上月法律文书未归档"],
    DOC_SYSTEM: ["法律文书领用无登记"],
    DUTY: ["兼职消防民警未开展检查"],
    BOARD: ["宣传栏被拆除未恢复"],
    OFFICER: ["兼职消防民警调岗后未明确"],
    LEADER: ["分管领导调整后未明确"],
}


def _findings(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    cats = [c for c, _ in FINDING_WEIGHTS]
    weights = [w for _, w in FINDING_WEIGHTS]
    for month in y.months():
        for unit in y.units:
            if y.rng.random() > 0.4:
                continue  # not inspected this month
            day = y.day_in([month])
            problems = sum(1 for _ in range(3) if y.rng.random() < (1 - y.diligence[unit.id]) * 1.2)
            for cat in dict.fromkeys(y.rng.choices(cats, weights, k=problems)):
                count = y.rng.randint(1, 3) if cat in (LEDGER_STALE, ROOM, LEDGER_MISSING) else None
                rows.append([None, y.name(unit), day, cat, count, y.rng.choice(REMARKS[cat])])
    rows.sort(key=lambda r: r[2])
    for i, r in enumerate(rows, start=1):
        r[0] = f"XFJC{YEAR}{i:04d}"
    return rows


TOPICS = ["进社区消防安全知识讲座", "九小场所业主消防培训", "学校消防疏散演练", "企业员工灭火器实操培训", "农村用火用电安全宣传"]
DAY119_TOPICS = ["“119”消防宣传日广场咨询", "“119”消防宣传日进社区", "“119”消防宣传日发放宣传资料"]


def _activities(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    months = y.months()
    for half in (months[:6], months[6:]):
        for unit in y.units:
            n = y.around(4, unit, 0.25)
            for _ in range(n):
                rows.append([None, y.name(unit), y.day_in(half), ACT_TRAINING, y.rng.choice(TOPICS), y.rng.randint(20, 120), None])
    for unit in y.units:
        if y.rng.random() < 0.1 + (1 - y.diligence[unit.id]) * 0.3:
            continue  # no 119 activity this year
        day = dt.date(YEAR, 11, y.rng.randint(5, 12))
        monotonous = "是" if y.rng.random() < (1 - y.diligence[unit.id]) else "否"
        rows.append([None, y.name(unit), day, ACT_119, y.rng.choice(DAY119_TOPICS), y.rng.randint(50, 300), monotonous])
    rows.sort(key=lambda r: r[2])
    for i, r in enumerate(rows, start=1):
        r[0] = f"XFXC{YEAR}{i:04d}"
    return rows


def _meetings(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for month in y.months():
        for unit in y.units:
            if y.rng.random() < (1 - y.diligence[unit.id]) * 0.5:
                continue  # no meeting this month
            rows.append([None, y.name(unit), y.day_in([month]), "部署本月消防监督检查工作", y.rng.randint(5, 30)])
    rows.sort(key=lambda r: r[2])
    for i, r in enumerate(rows, start=1):
        r[0] = f"XFLH{YEAR}{i:04d}"
    # Bad on purpose: an impossible date.
    rows.insert(len(rows) // 2, [f"XFLH{YEAR}9001", "金城派出所", "2015-02-30", "部署本月消防监督检查工作", 20])
    return rows


PLACES = ["民房", "小餐馆", "五金店", "出租房", "厂房仓库", "秸秆堆", "电动车车棚", "加工作坊"]


def _fires(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for unit in y.units:
        n = y.rng.randint(2, 5) if unit.klass == "A" else y.rng.randint(0, 3)
        for _ in range(n):
            careless = 1 - y.diligence[unit.id]
            flags = ["是" if y.rng.random() < p else "否" for p in (careless * 0.3, careless * 0.4, careless * 0.15, careless * 0.2)]
            rows.append([None, y.name(unit), y.day_in(y.months()), y.rng.choice(PLACES), "一般", 0, y.rng.randint(2, 80) * 1000, *flags])
    rows.sort(key=lambda r: r[2])
    # A fatal fire and a major one during the year.
    if len(rows) > 6:
        rows[3][5] = 1
        rows[3][3] = "民房"
        rows[-4][4] = "重大"
        rows[-4][6] = 12_000_000
    for i, r in enumerate(rows, start=1):
        r[0] = f"HZ{YEAR}{i:03d}"
    return rows


def write_demo(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    y = _Year(bureau, seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    enforcement = _enforcement(y)
    findings = _findings(y)
    activities = _activities(y)
    meetings = _meetings(y)
    fires = _fires(y)
    return [
        write_export(
            directory / f"消防监督系统执法文书_{YEAR}.xlsx",
            f"{TITLE} {YEAR}年消防监督系统执法文书导出",
            ["文书编号", "派出所", "日期", "文书类型", "罚款金额"],
            enforcement,
        ),
        write_export(
            directory / f"消防检查发现问题清单_{YEAR}.xlsx",
            f"{TITLE} {YEAR}年派出所消防工作检查发现问题清单",
            [c.name for c in FINDINGS.columns],
            findings,
        ),
        write_export(
            directory / f"消防宣传培训活动_{YEAR}.xlsx",
            f"{TITLE} {YEAR}年派出所消防宣传培训活动登记表",
            ["活动编号", "派出所", "活动日期", "活动类型", "活动内容", "参加人数", "内容单调"],
            activities,
        ),
        write_export(
            directory / f"消防工作例会_{YEAR}.xlsx",
            f"{TITLE} {YEAR}年派出所消防工作例会登记表",
            ["会议编号", "派出所", "会议日期", "会议内容", "参会人数"],
            meetings,
        ),
        write_export(
            directory / f"火灾接处警及调查_{YEAR}.xlsx",
            f"{TITLE} {YEAR}年辖区火灾接处警及调查登记表",
            [c.name for c in FIRES.columns],
            fires,
        ),
    ]
