"""A synthetic year (2015) of 出入境大队's exports for the demo bureau, deterministic from the seed.

Foreigners live mostly in the town stations (class A), so class A stations have most of the
registrations and rentals. Each station gets a diligence between 0 and 1: diligent stations
register on time and correctly, miss fewer residents and have every guarantee letter signed.
Three rows are bad on purpose (a unit not in the bureau, an impossible date, text in a number column).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Period
from kaohe.demo import DEMO_YEAR, demo_random, poisson, random_day, write_export

from . import adapters

YEAR = DEMO_YEAR
SALT = 618  # fixed per plugin: the seed passage's first line
TITLE = "金坛市公安局出入境管理大队"
SCALE = {"A": 1.0, "B": 0.3, "C": 0.1}  # how many foreigners, relative to a town station
PEOPLE = [("KIM MINJUN", "韩国"), ("PARK JIWOO", "韩国"), ("SATO HIROSHI", "日本"), ("TANAKA YUKI", "日本"),
          ("JOHN SMITH", "美国"), ("ANNA MUELLER", "德国"), ("陈志明", "台湾地区"), ("李家豪", "香港地区"),
          ("NGUYEN VAN AN", "越南"), ("RAJ KUMAR", "印度"), ("DAVID BROWN", "英国"), ("EMMA WILSON", "加拿大")]


def demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    rnd = demo_random(seed, SALT)
    directory.mkdir(parents=True, exist_ok=True)
    cal = bureau.calendar
    months = [Period(YEAR, "month", m) for m in range(1, 13)]
    units = [u for u in bureau.units if u.active(cal.start(months[0]), cal.end(months[-1]))]
    diligence = {u.id: rnd.uniform(0.1, 0.95) for u in units}
    rentals = {u.id: round(rnd.uniform(8, 30) * SCALE.get(u.klass or "", 0.3)) for u in units}

    def name(unit: Any) -> str:
        return rnd.choice([unit.name, *unit.aliases])

    def day(period: Period) -> dt.date:
        return random_day(rnd, cal.start(period), cal.end(period))

    lodging: list[list[Any]] = []
    monthly: list[list[Any]] = []
    serial = 0
    for period in months:
        for u in units:
            d, scale = diligence[u.id], SCALE.get(u.klass or "", 0.3)
            for _ in range(poisson(rnd, 5 * scale)):
                serial += 1
                count = rnd.choices([1, 2, 3], [85, 10, 5])[0]
                who, nationality = rnd.choice(PEOPLE)
                lodging.append([
                    f"JW{YEAR}{serial:05d}", name(u), day(period), who, nationality,
                    count if count > 1 or rnd.random() < 0.3 else None,
                    "是" if rnd.random() < 0.75 + 0.2 * d else "否",
                    "是" if rnd.random() < 0.8 + 0.15 * d else "否",
                ])
            # the stock of rentals drifts a little from month to month
            rentals[u.id] = max(0, rentals[u.id] + rnd.choice([-1, 0, 0, 0, 1]))
            rent = rentals[u.id]
            signed = max(0, rent - poisson(rnd, (1 - d) * 1.2 * scale)) if rent else 0
            unfiled = min(rent, poisson(rnd, (1 - d) * 0.4))
            monthly.append([
                cal.end(period), name(u),
                poisson(rnd, (1 - d) * 1.5 * scale) or None,
                poisson(rnd, 0.15 * scale) or None,
                poisson(rnd, 0.05 * scale) or None,
                rent, signed, unfiled or None,
                poisson(rnd, (0.3 + 0.7 * d) * (scale + 0.2)) or None,
            ])

    # Bad on purpose: a unit not in the bureau, an impossible date, text in a number column.
    lodging.append(["JW201599998", "开发区派出所", dt.date(YEAR, 7, 2), "JOHN DOE", "美国", None, "是", "是"])
    lodging.append(["JW201599999", units[0].name, "2015-06-31", "JANE DOE", "英国", None, "是", "否"])
    monthly.append([dt.date(YEAR, 8, 20), units[1].name, "两人", None, None, 10, 10, None, None])

    return [
        write_export(directory / "出入境大队_境外人员临时住宿登记_2015.xlsx", f"{TITLE} {YEAR}年境外人员临时住宿登记",
               adapters.LODGING_COLUMNS, lodging),
        write_export(directory / "出入境大队_月度数据_2015.xlsx", f"{TITLE} {YEAR}年派出所出入境管理工作月度数据",
               adapters.MONTHLY_COLUMNS, monthly),
    ]
