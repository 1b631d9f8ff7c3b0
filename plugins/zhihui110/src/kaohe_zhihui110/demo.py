"""A synthetic year (2015, with the 2014 alarms for the year-over-year items) of 110 指挥中心's
exports, deterministic from the seed. Stations differ in diligence, so rankings differ; a few rows
are bad on purpose for the intake to reject."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Unit
from kaohe.demo import DEMO_YEAR, demo_months, demo_random, random_day, write_export, written_name

from .adapters import ALARM_COLUMNS, DISPATCH_COLUMNS, INFO_COLUMNS, MONTHLY_COLUMNS, PROBLEM_COLUMNS
from .items import (
    ANSWER_OK,
    ARRIVAL_LIMITS,
    EQUIPMENT_UNREPORTED,
    HANDOVER_FAILED,
    HANDOVER_REFUSED,
    LEVEL_CITY,
    LEVEL_PROVINCE,
    NO_ANSWER,
    NOT_LOGGED_IN,
    POOR_HANDLING,
    SERIOUS_CONTACT,
    SERIOUS_HANDLING,
)

YEAR = DEMO_YEAR
SALT = 110_000
BUREAU_TITLE = "金坛市公安局110指挥中心"


def _stations(bureau: DemoBureau, seed: int) -> list[tuple[Unit, float]]:
    """Each station with its diligence in [0.3, 1] (1: never late, never short)."""
    rng = demo_random(seed, SALT)
    return [(u, round(rng.uniform(0.3, 1.0), 2)) for u in bureau.units]


def _moment(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    day = random_day(rng, start, end)
    return dt.datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60))


def _area(rng: random.Random, unit: Unit) -> str:
    r = rng.random()
    if unit.klass == "A":
        return "城区" if r < 0.7 else "城郊"
    if unit.klass == "B":
        return "城郊" if r < 0.4 else "农村"
    return "城郊" if r < 0.2 else "农村"


def dispatch_rows(bureau: DemoBureau, seed: int) -> list[list[Any]]:
    rng = demo_random(seed, SALT + 1)
    per_month = {"A": (5, 7), "B": (3, 5), "C": (2, 4)}
    rows: list[list[Any]] = []
    n = 0
    for _period, start, end in demo_months(bureau.calendar, YEAR):
        for unit, dil in _stations(bureau, seed):
            lo, hi = per_month.get(unit.klass or "C", (2, 4))
            for _ in range(rng.randint(lo, hi)):
                n += 1
                grade = rng.choices(["一类", "二类", "三类"], [3, 5, 2])[0]
                area = _area(rng, unit)
                urgent = grade == "一类" and rng.random() < 0.3
                sent = _moment(rng, start, end)
                answer = ANSWER_OK
                if rng.random() < (1 - dil) * 0.08:
                    answer = rng.choices([NOT_LOGGED_IN, NO_ANSWER, EQUIPMENT_UNREPORTED], [3, 3, 1])[0]
                limit = ARRIVAL_LIMITS.get(grade, {}).get(area, 30)
                arrived: dt.datetime | None
                if grade == "三类" and rng.random() < 0.3:
                    arrived = None  # handled by phone, nobody went
                else:
                    late = rng.random() < (1 - dil) * 0.3
                    minutes = limit + rng.uniform(1, 10) if late else limit * rng.uniform(0.4, 0.95)
                    arrived = sent + dt.timedelta(minutes=int(minutes))
                limit_h = 2 if urgent else 24
                late_fb = rng.random() < (1 - dil) * 0.25
                hours = limit_h + rng.uniform(0.2, 6) if late_fb else limit_h * rng.uniform(0.15, 0.9)
                fed_back = sent + dt.timedelta(minutes=int(hours * 60))
                standard = "否" if rng.random() < (1 - dil) * 0.1 else "是"
                rows.append([
                    f"J{YEAR}{n:05d}",
                    written_name(rng, unit),
                    grade,
                    area,
                    "是" if urgent else "否",
                    sent,
                    "" if answer == ANSWER_OK else answer,
                    arrived,
                    fed_back,
                    standard,
                ])
    # bad on purpose: a station that is not in the bureau
    rows.insert(37, [f"J{YEAR}99901", "东门派出所", "二类", "城区", "否", dt.datetime(YEAR, 3, 2, 9, 15), "",
                     dt.datetime(YEAR, 3, 2, 9, 24), dt.datetime(YEAR, 3, 2, 15, 0), "是"])
    return rows


def problem_rows(bureau: DemoBureau, seed: int) -> list[list[Any]]:
    rng = demo_random(seed, SALT + 2)
    rows: list[list[Any]] = []
    n = 0
    for _period, start, end in demo_months(bureau.calendar, YEAR):
        for unit, dil in _stations(bureau, seed):
            found: list[tuple[str, Any]] = []
            if rng.random() < (1 - dil) * 0.5:
                found.append((rng.choice(POOR_HANDLING), ""))
            if rng.random() < 0.03:
                found.append((SERIOUS_HANDLING, rng.randint(5, 10)))
            if rng.random() < 0.02:
                found.append((SERIOUS_CONTACT, rng.randint(5, 10)))
            if rng.random() < (1 - dil) * 0.25:
                found.append((HANDOVER_FAILED, ""))
            if rng.random() < (1 - dil) * 0.12:
                found.append((HANDOVER_REFUSED, ""))
            for problem, points in found:
                n += 1
                day = _moment(rng, start, end).date()
                rows.append([f"WT{YEAR}{n:04d}", written_name(rng, unit), day, problem, points, "", ""])
    # bad on purpose: 扣12分 where the seed allows 5-10 (the item's bounds refuse it)
    rows.insert(5, [f"WT{YEAR}9901", "华城派出所", dt.date(YEAR, 1, 8), SERIOUS_HANDLING, 12, "",
                    "群众投诉处警民警态度生硬"])
    return rows


def monthly_rows(bureau: DemoBureau, seed: int) -> list[list[Any]]:
    rng = demo_random(seed, SALT + 3)
    cal = bureau.calendar
    officers = {"A": (8, 12), "B": (4, 7), "C": (3, 5)}
    rows: list[list[Any]] = []
    for period, _start, _end in demo_months(bureau.calendar, YEAR):
        days = cal.days(period)
        for unit, dil in _stations(bureau, seed):
            lo, hi = officers.get(unit.klass or "C", (3, 5))
            n = rng.randint(lo, hi)
            per_day = rng.uniform(4.4, 5.0) + dil * 0.6
            satisfaction = round(100 - (1 - dil) * rng.uniform(0, 12), 1)
            rows.append([f"{period.year}-{period.index:02d}", written_name(rng, unit), min(satisfaction, 100.0), n,
                         int(n * days * per_day)])
    # bad on purpose: text in a number column
    rows.insert(20, [f"{YEAR}-02", "朱林派出所", 97.5, 5, "三百"])
    return rows


def info_rows(bureau: DemoBureau, seed: int) -> list[list[Any]]:
    rng = demo_random(seed, SALT + 4)
    rows: list[list[Any]] = []
    n = 0
    for _period, start, end in demo_months(bureau.calendar, YEAR):
        for unit, dil in _stations(bureau, seed):
            count = rng.randint(1, 3) if unit.klass == "A" else rng.randint(0, 2)
            if rng.random() > dil:
                count = max(0, count - 1)
            for _ in range(count):
                n += 1
                r = rng.random()
                adopted = ""
                if r < 0.01:
                    adopted = f"{LEVEL_CITY}、{LEVEL_PROVINCE}"
                elif r < 0.05:
                    adopted = LEVEL_PROVINCE
                elif r < 0.2:
                    adopted = LEVEL_CITY
                elif r < 0.3:
                    adopted = "未录用"
                day = _moment(rng, start, end).date()
                rows.append([f"XF{YEAR}{n:04d}", written_name(rng, unit), day, f"{unit.name}巡防工作动态({n})", adopted])
    return rows


def alarm_rows(bureau: DemoBureau, seed: int, year: int) -> list[list[Any]]:
    rng = demo_random(seed, SALT + 5 + year)
    base = {"A": (10, 14), "B": (5, 8), "C": (2, 5)}
    robbery = {"A": (0, 2), "B": (0, 1), "C": (0, 1)}
    rows: list[list[Any]] = []
    n = 0
    for _period, start, end in demo_months(bureau.calendar, year):
        for unit, dil in _stations(bureau, seed):
            k = unit.klass or "C"
            thefts = rng.randint(*base.get(k, (2, 5)))
            robberies = rng.randint(*robbery.get(k, (0, 1)))
            if year == YEAR:  # this year: diligent stations bring the numbers down
                thefts = max(0, round(thefts * (1 + rng.uniform(-0.2, 0.15) - (dil - 0.6) * 0.3)))
                if dil > 0.8 and robberies and rng.random() < 0.5:
                    robberies -= 1
            for kind, count in (("盗窃", thefts), (None, robberies)):
                for _ in range(count):
                    n += 1
                    t = kind or rng.choice(["抢劫", "抢夺"])
                    day = _moment(rng, start, end).date()
                    rows.append([f"A{year}{n:05d}", written_name(rng, unit), day, t])
    if year == YEAR:
        # bad on purpose: an impossible date
        rows.insert(50, [f"A{year}99901", "金城派出所", f"{year}-02-30", "盗窃"])
    return rows


def write_demo(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)

    files = [
        write_export(directory / "两抢及盗窃警情_2014年.xlsx", f"{BUREAU_TITLE} 2014年“两抢”及盗窃警情",
               ALARM_COLUMNS, alarm_rows(bureau, seed, YEAR - 1)),
        write_export(directory / "两抢及盗窃警情_2015年.xlsx", f"{BUREAU_TITLE} 2015年“两抢”及盗窃警情",
               ALARM_COLUMNS, alarm_rows(bureau, seed, YEAR)),
        write_export(directory / "110接处警记录_2015年.xlsx", f"{BUREAU_TITLE} 2015年接处警记录",
               DISPATCH_COLUMNS, dispatch_rows(bureau, seed)),
        write_export(directory / "110处警问题登记_2015年.xlsx", f"{BUREAU_TITLE} 2015年处警问题登记",
               PROBLEM_COLUMNS, problem_rows(bureau, seed)),
        write_export(directory / "月度回访及巡逻盘查统计_2015年.xlsx", f"{BUREAU_TITLE} 2015年派出所回访及巡逻盘查统计",
               MONTHLY_COLUMNS, monthly_rows(bureau, seed)),
        write_export(directory / "巡防信息报送登记_2015年.xlsx", f"{BUREAU_TITLE} 2015年巡防信息报送登记",
               INFO_COLUMNS, info_rows(bureau, seed)),
    ]
    return files
