"""A synthetic year (2015) of 刑侦大队's exports for the demo bureau, deterministic from the seed.

Each station gets a diligence between 0 and 1: diligent stations solve and process more, lose
fewer points and keep their rates near the targets, so that rankings differ. Three rows are bad
on purpose (a unit not in the bureau, text in a number column, an impossible date).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Period
from kaohe.demo import DEMO_YEAR, demo_random, poisson, random_day, write_export

from . import adapters
from .items import (
    ARREST,
    CULT,
    DETENTION,
    DIRECT_PROSECUTION,
    FUGITIVE,
    MATTERS,
    REEDUCATION,
    REHAB,
)

YEAR = DEMO_YEAR
SALT = 582  # fixed per plugin: the seed passage's first line
TITLE = "金坛市公安局刑侦大队"

CASE_KINDS = ["盗窃", "入室盗窃", "盗窃电动车", "盗窃摩托车", "诈骗", "抢夺", "抢劫", "故意伤害", "盗窃汽车"]
CASE_WEIGHTS = [30, 18, 14, 10, 10, 5, 4, 5, 2]
EIGHT = {"抢劫", "故意伤害"}
# 事项 drawn for the 考核登记表: (item name, weight, (min, max) of the 人数 column).
FINDING_DRAWS: list[tuple[str, int, tuple[int, int]]] = [
    ("alert_transfer_late", 6, (1, 1)),
    ("case_description_unclear", 6, (1, 3)),
    ("phone_pc_not_entered", 4, (1, 1)),
    ("unreviewed_entry", 2, (1, 1)),
    ("suspect_info_late", 3, (1, 2)),
    ("suspect_info_missing", 5, (1, 4)),
    ("suspect_prints", 3, (1, 2)),
    ("suspect_dna", 2, (1, 1)),
    ("missing_person_late", 1, (1, 1)),
    ("missing_person_incomplete", 1, (1, 1)),
    ("missing_person_not_revoked", 1, (1, 1)),
    ("drug_user_entry", 2, (1, 1)),
    ("drug_user_check", 1, (1, 1)),
    ("platform_case", 4, (1, 1)),
    ("platform_document", 5, (1, 3)),
    ("platform_not_used", 1, (1, 1)),
    ("position_control", 2, (1, 1)),
    ("case_review", 3, (1, 1)),
    ("trafficking_dna", 2, (1, 2)),
    ("trafficking_case", 1, (1, 1)),
    ("trafficking_rescue", 1, (1, 2)),
    ("secondhand_incomplete", 3, (1, 1)),
    ("secondhand_phone_match", 3, (1, 2)),
    ("secondhand_mac_match", 1, (1, 1)),
    ("gang_3x1", 1, (1, 1)),
    ("gang_3x3", 1, (1, 1)),
]
BONUS = {"platform_case", "platform_document", "trafficking_dna", "trafficking_case", "trafficking_rescue",
         "secondhand_phone_match", "secondhand_mac_match", "gang_3x1", "gang_3x3"}


def demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    rnd = demo_random(seed, SALT)
    drugs = demo_random(seed, SALT + 530)  # 是否涉毒 of arrests (l.530)
    directory.mkdir(parents=True, exist_ok=True)
    cal = bureau.calendar
    months = [Period(YEAR, "month", m) for m in range(1, 13)]
    units = [u for u in bureau.units if u.active(cal.start(months[0]), cal.end(months[-1]))]
    diligence = {u.id: rnd.uniform(0.15, 0.95) for u in units}

    def name(unit: Any) -> str:
        return rnd.choice([unit.name, *unit.aliases])

    def day(period: Period) -> dt.date:
        start, end = cal.start(period), cal.end(period)
        return random_day(rnd, start, end)

    cases: list[list[Any]] = []
    persons: list[list[Any]] = []
    findings: list[list[Any]] = []
    monthly: list[list[Any]] = []
    serial = {"case": 0, "person": 0, "finding": 0}

    def next_id(kind: str, prefix: str) -> str:
        serial[kind] += 1
        return f"{prefix}{YEAR}{serial[kind]:05d}"

    for period in months:
        for u in units:
            d = diligence[u.id]
            head = u.headcount_for(period) or 10
            # 破案记录
            for _ in range(poisson(rnd, head / 12 * (0.5 + d))):
                kind = rnd.choices(CASE_KINDS, CASE_WEIGHTS)[0]
                other = rnd.random() < 0.08
                in_year = not other and rnd.random() < 0.8
                backlog = not other and not in_year
                cars = 1 if kind == "盗窃汽车" and rnd.random() < 0.6 else None
                cases.append([
                    next_id("case", "A"), name(u), day(period), kind,
                    "是" if kind in EIGHT and not other else "否",
                    "是" if not other and rnd.random() < 0.7 else "否",
                    "是" if in_year else "否",
                    "是" if backlog else "否",
                    "是" if other else "否",
                    cars, None,
                ])
            # 打击处理人员
            plan = [(DETENTION, head / 10 * (0.5 + d)), (ARREST, head / 25 * (0.5 + d)),
                    (DIRECT_PROSECUTION, 0.1), (REEDUCATION, 0.05), (REHAB, 0.3 * (0.5 + d)),
                    (CULT, 0.02), (FUGITIVE, head / 30 * (0.5 + d))]
            for category, mean in plan:
                for _ in range(poisson(rnd, mean)):
                    pid = next_id("person", "R")
                    row: list[Any] = [pid, None, name(u), day(period), category, None, None, None, None, None, None]
                    if category in (ARREST, DIRECT_PROSECUTION) and rnd.random() < 0.15:
                        row[5] = "是"
                    if category in (ARREST, DIRECT_PROSECUTION) and drugs.random() < 0.33:
                        row[6] = "是"  # 是否涉毒 (drawn apart: the other draws stay as they were)
                    if category == FUGITIVE:
                        row[7] = rnd.choices(["外省", "本省外市", "本市"], [3, 3, 4])[0]
                        row[8] = "是" if rnd.random() < 0.2 else "否"
                        row[9] = "是" if rnd.random() < 0.05 else None
                    persons.append(row)
            # 考核登记表
            for _ in range(poisson(rnd, 1.2 + (1 - d) * 1.5)):
                weights = [w * ((0.5 + d) if n in BONUS else (1.5 - d)) for n, w, _ in FINDING_DRAWS]
                n, _, (lo, hi) = rnd.choices(FINDING_DRAWS, weights)[0]
                count = rnd.randint(lo, hi)
                findings.append([next_id("finding", "XZ"), name(u), day(period), MATTERS[n],
                                 count if count != 1 or rnd.random() < 0.5 else None, None])
            # 月度数据
            prints = max(0, round(head * rnd.uniform(3.5 + d, 5.0 + 1.5 * d)))
            target = {"A": 80, "B": 90, "C": 100}.get(u.klass or "", 90)

            def rate(ok: float, low: float) -> float | None:
                """100 % with probability ``ok``, else somewhere between ``low`` and 100."""
                return 100.0 if rnd.random() < ok else round(rnd.uniform(low, 99.9), 1)

            other = min(100.0, round(target + rnd.uniform(-8 + 10 * d, 10), 1))
            monthly.append([
                cal.end(period), name(u), prints,
                rnd.choice([0, 0, 0, 1, 2]) if d < 0.6 else 0,
                "否" if d < 0.25 and period.index <= 3 else "是",
                rate(0.5 + 0.4 * d, 92) if rnd.random() < 0.7 else None,
                other,
                rate(0.4 + 0.5 * d, 95),
                rate(0.4 + 0.5 * d, 94),
            ])

    # Bad on purpose: a unit not in the bureau, text in a number column, an impossible date.
    cases.append(["A201599999", "开发区派出所", dt.date(YEAR, 5, 3), "盗窃", "否", "是", "是", "否", "否", None, None])
    monthly.append([dt.date(YEAR, 6, 20), units[0].name, "十二", 0, "是", None, 90, 95, 95])
    persons.append(["R201599999", None, units[-1].name, "2015-02-30", DETENTION, None, None, None, None, None, None])

    out = [
        write_export(directory / "刑侦大队_破案记录_2015.xlsx", f"{TITLE} {YEAR}年破案记录", adapters.CASE_COLUMNS, cases),
        write_export(directory / "刑侦大队_打击处理人员_2015.xlsx", f"{TITLE} {YEAR}年打击处理人员", adapters.PERSON_COLUMNS,
               persons),
        write_export(directory / "刑侦大队_考核登记表_2015.xlsx", f"{TITLE} {YEAR}年考核登记表", adapters.FINDING_COLUMNS,
               findings),
        write_export(directory / "刑侦大队_基础工作月度数据_2015.xlsx", f"{TITLE} {YEAR}年派出所基础工作月度数据",
               adapters.MONTHLY_COLUMNS, monthly),
    ]
    return out
