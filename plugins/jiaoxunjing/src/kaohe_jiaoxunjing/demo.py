"""A synthetic year (2015) of 交巡警大队's assist register, deterministic from the seed. Stations
differ in how often they help; a few rows are bad on purpose for the intake to reject."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from kaohe import Bureau, Period

from .adapters import COLUMNS
from .items import FATAL_HIT_RUN, MAJOR_INCIDENT, OTHER_HIT_RUN, OTHER_INCIDENT

YEAR = 2015
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


def assist_rows(bureau: Bureau, seed: int) -> list[list[Any]]:
    rng = random.Random(seed + SALT)
    activity = {u.id: rng.uniform(0.5, 2.0) for u in bureau.units}
    cal = bureau.calendar
    rows: list[list[Any]] = []
    n = 0
    for m in range(1, 13):
        p = Period(YEAR, "month", m)
        start, end = cal.start(p), cal.end(p)
        for unit in bureau.units:
            for kind, chance in CHANCES.items():
                if rng.random() < chance * activity[unit.id]:
                    n += 1
                    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
                    name = unit.aliases[-1] if unit.aliases and rng.random() < 0.2 else unit.name
                    case = f"{CASE_PREFIX[kind]}{YEAR}{rng.randrange(1000):03d}"
                    rows.append([f"JX{YEAR}{n:03d}", name, day, kind, case, REMARKS[kind]])
    # bad on purpose: a station that is not in the bureau, an impossible date, a kind the seed does not score
    rows.insert(3, [f"JX{YEAR}901", "城南派出所", dt.date(YEAR, 2, 10), OTHER_HIT_RUN, "TY2015901", REMARKS[OTHER_HIT_RUN]])
    rows.insert(9, [f"JX{YEAR}902", "金城派出所", f"{YEAR}-06-31", OTHER_INCIDENT, "WK2015902", REMARKS[OTHER_INCIDENT]])
    rows.insert(15, [f"JX{YEAR}903", "儒林派出所", dt.date(YEAR, 7, 8), "协助查处酒驾", "", "协助设卡查处酒后驾驶"])
    return rows


def write_demo(bureau: Bureau, directory: Path, seed: int) -> list[Path]:
    from openpyxl import Workbook

    directory.mkdir(parents=True, exist_ok=True)
    headers = [c.name for c in COLUMNS]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in assist_rows(bureau, seed):
        ws.append(row)
        if isinstance(row[2], dt.date):
            ws.cell(ws.max_row, 3).number_format = "yyyy-mm-dd"
    path = directory / "协助破案及稳控登记_2015年.xlsx"
    wb.save(path)
    return [path]
