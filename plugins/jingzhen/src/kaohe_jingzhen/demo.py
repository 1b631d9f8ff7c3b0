"""A synthetic year (2015) of 经侦大队's list of persons dealt with, for the demo bureau.

Deterministic from the seed. Each station gets a diligence: diligent stations deal with more persons
than their class's quota, the others fewer, so that some lose points, some carry a surplus and some
are rewarded at the year's end. One row is bad on purpose (a unit not in the bureau).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Period
from kaohe.demo import DEMO_YEAR, demo_random, poisson, random_day, write_export

from .adapters import COLUMNS
from .items import MEASURES

YEAR = DEMO_YEAR
SALT = 524  # fixed per plugin: the seed passage's line
TITLE = "金坛市公安局经侦大队"
# Mean persons per month by class (the quota is A 3 and B 1 a quarter, C 1.5 a half-year).
PER_MONTH = {"A": 1.0, "B": 0.34, "C": 0.25}


def write_demo(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    rnd = demo_random(seed, SALT)
    directory.mkdir(parents=True, exist_ok=True)
    cal = bureau.calendar
    months = [Period(YEAR, "month", m) for m in range(1, 13)]
    units = [u for u in bureau.units if u.active(cal.start(months[0]), cal.end(months[-1]))]
    diligence = {u.id: rnd.uniform(0.4, 1.6) for u in units}
    rows: list[list[Any]] = []
    n = 0
    for period in months:
        start, end = cal.start(period), cal.end(period)
        for u in units:
            mean = PER_MONTH.get(u.klass or "", 0.3) * diligence[u.id]
            for _ in range(poisson(rnd, mean)):
                n += 1
                day = random_day(rnd, start, end)
                name = rnd.choice([u.name, *u.aliases])
                measure = rnd.choices(MEASURES, (5, 3, 2))[0]
                rows.append([f"JZ{YEAR}{n:04d}", name, day, measure, None, f"J{YEAR}{rnd.randrange(10000):04d}", None])
    rows.sort(key=lambda r: (r[2], r[0]))
    rows.insert(3, [f"JZ{YEAR}9999", "开发区派出所", dt.date(YEAR, 2, 3), "刑事拘留", None, None, None])  # bad

    path = directory / f"经侦大队_经济案件打击处理人员名单_{YEAR}.xlsx"
    return [write_export(path, f"{TITLE} {YEAR}年经济案件打击处理人员名单", COLUMNS, rows)]
