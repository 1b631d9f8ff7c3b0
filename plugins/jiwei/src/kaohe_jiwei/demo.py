"""A synthetic year (2015: 2014-12-21 .. 2015-12-20) of the 纪委's registers, deterministic from the
seed. Stations differ in discipline: a few collect most deductions, some none. Exactly one veto, at
a class B station in 2015-07, so the demo shows a vetoed month. Three deduction rows are bad on
purpose (a station not in the bureau, text in the 人次 column, an impossible date)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Period
from kaohe.demo import DEMO_YEAR, day_in, demo_random, write_export, written_name

from .adapters import DEDUCTION_COLUMNS, VETO_COLUMNS
from .items import (
    ACCOUNTABILITY,
    ADMONITION,
    CHANGZHOU,
    COERCIVE,
    CRITICISM,
    DISCIPLINE,
    MAJOR_MATTER,
    NOTICE,
    PROVINCE,
    SITUATIONS,
    VERIFIED_COMPLAINT,
    VERIFIED_DECISION,
    VERIFIED_INSPECTION,
    VERIFIED_SUPERVISED,
    WARNING,
)

YEAR = DEMO_YEAR
SALT = 446_000  # seed 000 l.446: fixed for this plugin so each department's demo differs
TITLE = "金坛市公安局纪委(督察) 2015年"
DEDUCTIONS = 40

# (事项, weight, largest 人次 on one row)
MATTER_WEIGHTS: list[tuple[str, int, int]] = [
    (DISCIPLINE, 30, 2),
    (MAJOR_MATTER, 8, 1),
    (VERIFIED_DECISION, 3, 1),
    (VERIFIED_SUPERVISED, 4, 1),
    (VERIFIED_COMPLAINT, 10, 2),
    (VERIFIED_INSPECTION, 8, 2),
    (COERCIVE, 8, 3),
    (NOTICE, 6, 1),
    (CRITICISM, 6, 2),
    (ADMONITION, 5, 1),
    (WARNING, 4, 1),
    (ACCOUNTABILITY, 2, 1),
    (CHANGZHOU, 2, 1),
    (PROVINCE, 1, 1),
]
REMARKS = {
    DISCIPLINE: ["值班期间脱岗", "着装不规范", "警车私用", "酒后驾驶警车未遂被查", "上班时间玩手机游戏"],
    MAJOR_MATTER: ["民警子女婚嫁未报告", "民警出国(境)未报备", "民警配偶经商情况变化未报告"],
    VERIFIED_DECISION: ["市局部署的集中清查行动未按时落实"],
    VERIFIED_SUPERVISED: ["督办件逾期未办结"],
    VERIFIED_COMPLAINT: ["群众投诉办证推诿,经查属实", "群众投诉接警态度生硬,经查属实"],
    VERIFIED_INSPECTION: ["警务督察发现值班记录缺失", "警务督察发现执法记录仪未开启"],
    COERCIVE: ["刑事拘留未向督察报备", "行政拘留未向督察报备"],
    NOTICE: ["督查督办通知书"],
    CRITICISM: ["违反接处警规定被通报批评"],
    ADMONITION: ["执法不规范,诫勉谈话"],
    WARNING: ["违反枪支管理规定,书面警诫"],
    ACCOUNTABILITY: ["群众反映强烈的推诿扯皮问题,公开问责"],
    CHANGZHOU: ["常州市局通报"],
    PROVINCE: ["省厅通报"],
}


def deduction_rows(bureau: DemoBureau, seed: int) -> list[list[Any]]:
    rng = demo_random(seed, SALT)
    units = list(bureau.units)
    # discipline differs: a weight from 0 (never caught) to 4 (often) per station
    weight = {u.id: rng.choice([0, 0.5, 1, 1, 1.5, 2, 3, 4]) for u in units}
    matters = [m for m, _, _ in MATTER_WEIGHTS]
    mweights = [w for _, w, _ in MATTER_WEIGHTS]
    most = {m: n for m, _, n in MATTER_WEIGHTS}
    months = Period(YEAR, "year").months()
    rows: list[list[Any]] = []
    for _ in range(DEDUCTIONS):
        unit = rng.choices(units, weights=[weight[u.id] for u in units])[0]
        matter = rng.choices(matters, weights=mweights)[0]
        day = day_in(rng, bureau.calendar, rng.choice(months))
        count: Any = rng.randint(1, most[matter])
        self_reported = "是" if matter == DISCIPLINE and rng.random() < 0.25 else "否"
        rows.append([None, written_name(rng, unit), day, matter, count if count > 1 or rng.random() < 0.5 else None,
                     self_reported, rng.choice(REMARKS[matter])])
    rows.sort(key=lambda r: r[2])
    for n, row in enumerate(rows, start=1):
        row[0] = f"JW{YEAR}{n:03d}"
    # bad on purpose: a station not in the bureau, text in the 人次 column, an impossible date
    rows.insert(5, [f"JW{YEAR}901", "城南派出所", dt.date(YEAR, 3, 2), VERIFIED_COMPLAINT, None, "否", "群众投诉"])
    rows.insert(17, [f"JW{YEAR}902", "华城派出所", dt.date(YEAR, 6, 9), DISCIPLINE, "两", "否", "着装不规范"])
    rows.insert(29, [f"JW{YEAR}903", "水北派出所", f"{YEAR}-09-31", WARNING, 1, "否", "书面警诫"])
    return rows


def veto_rows(bureau: DemoBureau, seed: int) -> list[list[Any]]:
    """The one veto of the year: a class B station, in assessment month 2015-07."""
    rng = demo_random(seed, SALT + 1)
    unit = rng.choice([u for u in bureau.units if u.klass == "B"])
    day = day_in(rng, bureau.calendar, Period(YEAR, "month", 7))
    return [[f"JWFJ{YEAR}001", unit.name, day, SITUATIONS[0], "民警酒后驾驶机动车,违反“五条禁令”"]]


def write_demo(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return [
        write_export(directory / "纪委_一票否决情形登记_2015年.xlsx", f"{TITLE}一票否决情形登记", VETO_COLUMNS,
                     veto_rows(bureau, seed)),
        write_export(directory / "纪委_队伍建设扣分登记_2015年.xlsx", f"{TITLE}队伍建设扣分登记", DEDUCTION_COLUMNS,
                     deduction_rows(bureau, seed)),
    ]
