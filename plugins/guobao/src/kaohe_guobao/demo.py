"""A synthetic year (2015) of the 国保大队's exports for the demo bureau, deterministic from the seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Period
from kaohe.demo import DEMO_YEAR, demo_random, random_day, write_export

from .adapters import CONTROL_COLUMNS, FINDING_COLUMNS
from .items import CULT_CASE, INFO_LATE, LEDGER_217

YEAR = DEMO_YEAR


def write_demo(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    rnd = demo_random(seed, 672)
    directory.mkdir(parents=True, exist_ok=True)
    year = Period(YEAR, "year", 1)
    start, end = bureau.calendar.start(year), bureau.calendar.end(year)
    units = [u for u in bureau.units if u.active(start, end)]
    findings: list[list[Any]] = []
    control: list[list[Any]] = []
    for u in units:
        care = rnd.uniform(0, 1)
        draws = [(INFO_LATE, 1.5 * (1 - care)), (LEDGER_217, 1.2 * (1 - care)), (CULT_CASE, 0.4 * care)]
        for matter, mean in draws:
            n = sum(1 for _ in range(4) if rnd.random() < mean / 4)
            for _ in range(n):
                day = random_day(rnd, start, end)
                count = rnd.choice([1, 1, 2]) if matter == LEDGER_217 else 1
                findings.append([f"GB{YEAR}{len(findings) + 1:04d}", u.name, day, matter, count, None])
        for k in range(rnd.randint(2, 3 + (u.headcount_for(year) or 10) // 8)):
            visits = rnd.choices([0, 1, 2, 3, 4], [1 - care, 2 * (1 - care), 3, 2, 1])[0]
            control.append([YEAR, f"{u.id.upper()}-{k + 1:02d}", u.name, visits, "是" if rnd.random() < 0.3 else "否"])
    return [
        write_export(directory / f"国保大队_考核登记表_{YEAR}.xlsx", f"国保大队考核登记表 {YEAR}年", FINDING_COLUMNS, findings),
        write_export(directory / f"国保大队_管控对象考察情况_{YEAR}.xlsx", f"国保管控对象考察情况 {YEAR}年", CONTROL_COLUMNS, control),
    ]
