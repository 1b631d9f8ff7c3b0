"""A synthetic year (2015) of 交巡警大队's assist register, deterministic from the seed. Stations
differ in how often they help; a few rows are bad on purpose for the intake to reject."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kaohe import DemoBureau
from kaohe.demo import DEMO_YEAR, demo_months, demo_random, random_day, write_export, written_name

from .adapters import COLUMNS
from .items import FATAL_HIT_RUN, MAJOR_INCIDENT, OTHER_HIT_RUN, OTHER_INCIDENT

YEAR = DEMO_YEAR
SALT = 642_000
TITLE = "金坛市公安局交巡警大队 2015年派出所协助破案及稳控登记"

# monthly chance of each kind of assist for a station of average activity
CHANCES = {FATAL_HIT_RUN: 0.03, OTHER_HIT_RUN: 0.10, MAJOR_INCIDENT: 0.03, OTHER_INCIDENT: 0.08}
CASE_PREFIX = {FATAL_HIT_RUN: "TY", OTHER_HIT_RUN: "TY", MAJOR_INCIDENT: "WK", OTHER_INCIDENT: "WK"}
REMARKS = {
    FATAL_HIT_RUN: "肇事车辆逃逸致一人死亡,派出所协助排查锁定嫌疑车辆",
    OTHER_HIT_RUN: "肇事车辆逃逸,派出所协助走访查找肇事人",
    MAJOR_INCIDENT: "事故当事人亲属聚集堵路,派出所协助劝离疏导",
    OTHER_INCIDENT: "事故当事人上访,派出所协助稳控",
}


def assist_rows(bureau: DemoBureau, seed: int) -> list[list[Any]]:
    rng = demo_random(seed, SALT)
    activity = {u.id: rng.uniform(0.5, 2.0) for u in bureau.units}
    rows: list[list[Any]] = []
    n = 0
    for _, start, end in demo_months(bureau.calendar, YEAR):
        for unit in bureau.units:
            for kind, chance in CHANCES.items():
                if rng.random() < chance * activity[unit.id]:
                    n += 1
                    day = random_day(rng, start, end)
                    name = written_name(rng, unit)
                    case = f"{CASE_PREFIX[kind]}{YEAR}{rng.randrange(1000):03d}"
                    rows.append([f"JX{YEAR}{n:03d}", name, day, kind, case, REMARKS[kind]])
    # bad on purpose: a station that is not in the bureau, an impossible date, a kind the seed does not score
    rows.insert(3, [f"JX{YEAR}901", "城南派出所", dt.date(YEAR, 2, 10), OTHER_HIT_RUN, "TY2015901", REMARKS[OTHER_HIT_RUN]])
    rows.insert(9, [f"JX{YEAR}902", "金城派出所", f"{YEAR}-06-31", OTHER_INCIDENT, "WK2015902", REMARKS[OTHER_INCIDENT]])
    rows.insert(15, [f"JX{YEAR}903", "儒林派出所", dt.date(YEAR, 7, 8), "协助查处酒驾", "", "协助设卡查处酒后驾驶"])
    return rows


def write_demo(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return [write_export(directory / "协助破案及稳控登记_2015年.xlsx", TITLE, COLUMNS, assist_rows(bureau, seed))]
