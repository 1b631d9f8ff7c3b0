"""A synthetic demo year (2015, and the 2014 monthly figures the year-over-year items compare with)
of the 治安大队's exports, as XLSX files with a merged title row above the header.

Deterministic from ``seed``: every draw comes from ``random.Random(seed + SALT)``. Stations differ in
diligence, so the rankings differ. A few rows are bad on purpose (a unit that is not in the bureau,
text in a number column, an impossible date) for the intake to reject.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Period
from kaohe.demo import DEMO_YEAR, day_in, demo_random, write_export

from .adapters import (
    CRIMINAL_COLUMNS,
    EVENT_COLUMNS,
    HOTEL_COLUMNS,
    MONTHLY_COLUMNS,
    PS_COLUMNS,
    VICE_COLUMNS,
)
from .items import EVENTS

SALT = 564  # seed 000 l.564: fixed per plugin
BUREAU_NAME = "金坛市公安局"
YEAR = DEMO_YEAR

# How often each 事项类别 turns up (relative weights); the others weigh 1.
WEIGHTS = {
    "pop_room_entry": 8, "pop_resident_major_error": 5, "pop_main_item_missing": 5, "venue_inspection_missed": 6,
    "venue_guest_item_error": 5, "venue_staff_unregistered": 5, "pop_work_object_missing": 4,
    "venue_entry_inaccurate": 4, "mediation_case": 10, "econ_enterprise_info": 6, "venue_gambling_machine": 4,
    "venue_fake_id": 3, "pop_one_plus_n": 2, "intel_early_warning": 2, "aux_commended": 2,
    "venue_security_accident": 0.2, "venue_media_exposed": 0.2, "pop_backtrack": 0.3, "intel_person_not_controlled": 0.4,
}
# Items counted in people, times, items or machines: their rows may stand for more than one.
COUNTED = {
    "pop_room_entry", "pop_resident_major_error", "pop_main_item_missing", "venue_staff_unregistered",
    "venue_guest_item_error", "venue_gambling_machine", "mediation_case", "econ_enterprise_info",
    "pop_work_object_missing", "venue_inspection_missed",
}
BASE_GUESTS = {"A": (8000, 15000), "B": (2000, 4000), "C": (600, 1500)}
BASE_BURGLARY = {"A": (20, 40), "B": (6, 15), "C": (2, 8)}


def _pct(value: Decimal) -> str:
    return f"{value}%"


def _yes(rng: random.Random, p: float) -> str:
    return "是" if rng.random() < p else ""


def write_demo(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    rng = demo_random(seed, SALT)
    directory.mkdir(parents=True, exist_ok=True)
    units = [u for u in bureau.units if u.klass in ("A", "B", "C")] or list(bureau.units)
    diligence = {u.id: rng.uniform(0.2, 1.0) for u in units}
    months = [Period(YEAR, "month", m) for m in range(1, 13)]
    files: list[Path] = []

    # --- 月报表, 2014 and 2015 -----------------------------------------------------------------
    guests0 = {u.id: rng.randint(*BASE_GUESTS.get(u.klass or "C", BASE_GUESTS["C"])) for u in units}
    burg0 = {u.id: rng.randint(*BASE_BURGLARY.get(u.klass or "C", BASE_BURGLARY["C"])) for u in units}
    trend = {u.id: rng.uniform(-0.08, 0.12) for u in units}
    last_year: dict[tuple[str, int], tuple[int, int]] = {}
    headers = [c.name for c in MONTHLY_COLUMNS]
    for year in (YEAR - 1, YEAR):
        rows: list[list[Any]] = []
        for m in range(1, 13):
            season = 1 + 0.15 * ((m in (1, 2, 7, 8, 10)) - (m in (3, 11)))
            for u in units:
                d = diligence[u.id]
                if year == YEAR - 1:
                    guests = int(guests0[u.id] * season * rng.uniform(0.9, 1.1))
                    burglary = max(0, int(burg0[u.id] * rng.uniform(0.7, 1.3)))
                    last_year[(u.id, m)] = (guests, burglary)
                else:
                    g0, b0 = last_year[(u.id, m)]
                    guests = int(g0 * (1 + trend[u.id]) * rng.uniform(0.97, 1.03))
                    burglary = max(0, round(b0 * rng.uniform(0.75 + 0.1 * (1 - d), 1.05 + 0.1 * (1 - d))))
                transmission = Decimal(100) if rng.random() < d else Decimal(rng.randint(950, 999)) / 10
                cabinet = Decimal(100) if rng.random() < 0.5 + d / 2 else Decimal(rng.randint(960, 999)) / 10
                informant = Decimal(rng.randint(60, 160)) / 10
                minor = Decimal(rng.randint(2, 18)) / 10
                score = Decimal(rng.randint(int(780 + 150 * d), int(850 + 150 * d))) / 10
                rows.append([u.name, f"{year}-{m:02d}", _pct(transmission), guests, _pct(cabinet), _pct(informant),
                             _pct(minor), burglary, score])
        if year == YEAR:
            rows.insert(40, [units[5].name, f"{year}-03", "九十五", 1200, "100%", "10%", "0.5%", 3, 90])  # bad on purpose
        files.append(write_export(directory / f"治安_派出所治安基础工作月报表_{year}.xlsx",
                            f"{BUREAU_NAME}治安大队 {year}年派出所治安基础工作月报表", headers, rows))

    # --- 考核事项登记表 ---------------------------------------------------------------------------
    negative = [e for e in EVENTS if e.points.startswith("-")]
    positive = [e for e in EVENTS if not e.points.startswith("-")]
    rows = []
    n = 0
    for month in months:
        for u in units:
            d = diligence[u.id]
            picks = rng.choices(negative, [WEIGHTS.get(e.name, 1) for e in negative], k=rng.randint(0, round(3 * (1.3 - d))))
            picks += rng.choices(positive, [WEIGHTS.get(e.name, 1) for e in positive], k=rng.randint(0, round(3 * d)))
            for e in picks:
                n += 1
                count = rng.choice((1, 1, 1, 2, 3)) if e.name in COUNTED else ""
                solved = _yes(rng, 0.5) if e.name == "danger_goods_lost" else ""
                self_rep = _yes(rng, 0.5) if e.name == "aux_misconduct" else ""
                rows.append([f"ZA{YEAR}-{n:04d}", u.name, day_in(rng, bureau.calendar, month), e.category_label, count, solved,
                             self_rep, ""])
    rows.sort(key=lambda r: (r[2], r[0]))
    rows.insert(17, [f"ZA{YEAR}-9001", "开发区派出所", dt.date(2015, 2, 3), "场所未按规定检查", 1, "", "", ""])  # bad
    files.append(write_export(directory / f"治安_考核事项登记表_{YEAR}.xlsx", f"{BUREAU_NAME}治安大队 {YEAR}年考核事项登记表",
                        [c.name for c in EVENT_COLUMNS], rows))

    # --- 旅馆业信息系统抓获人员 ----------------------------------------------------------------
    targets = {"金城": 5, "华城": 14, "城东": 6, "城西": 5, "薛埠": 2, "儒林": 2, "尧塘": 2, "直溪": 2}
    rows = []
    n = 0
    for u in units:
        target = next((v for k, v in targets.items() if k in u.names), 1)
        caught = max(0, round(target * rng.uniform(0.4, 0.8 + diligence[u.id])))
        for _ in range(caught):
            n += 1
            rows.append([f"LG{YEAR}-{n:03d}", u.name, day_in(rng, bureau.calendar, rng.choice(months)),
                         rng.choice(("部厅通缉通报人员", "网上逃犯", "网上逃犯", "省厅布控对象")),
                         f"{u.name[:2]}{rng.choice(('宾馆', '旅社', '快捷酒店', '大酒店'))}", ""])
    rows.sort(key=lambda r: (r[2], r[0]))
    files.append(write_export(directory / f"治安_旅馆业信息系统抓获人员登记表_{YEAR}.xlsx",
                        f"{BUREAU_NAME}治安大队 {YEAR}年旅馆业信息系统抓获人员登记表", [c.name for c in HOTEL_COLUMNS], rows))

    # --- 治安部门管辖刑事案件 ------------------------------------------------------------------
    rows = []
    n = 0
    for month in months:
        for u in units:
            for _ in range(rng.choices((0, 1, 2), (5, 3, 1))[0]):
                n += 1
                nature = rng.choices(("年内在帐", "在帐积隐案", "外省市案件"), (6, 2, 1))[0]
                in_year = nature == "年内在帐"
                rows.append([f"A32048215{YEAR}{n:05d}", u.name, day_in(rng, bureau.calendar, month), nature,
                             _yes(rng, 0.15) if in_year else "", _yes(rng, 0.7) if in_year else "",
                             _yes(rng, 0.05), _yes(rng, 0.1), 1 if rng.random() < 0.02 else "", ""])
    rows.sort(key=lambda r: (r[2], r[0]))
    rows.insert(9, [f"A32048215{YEAR}99999", units[2].name, "2015-02-30", "年内在帐", "", "是", "", "", "", ""])  # bad
    files.append(write_export(directory / f"治安_治安部门管辖刑事案件破案登记表_{YEAR}.xlsx",
                        f"{BUREAU_NAME}治安大队 {YEAR}年治安部门管辖刑事案件破案登记表", [c.name for c in CRIMINAL_COLUMNS], rows))

    # --- 查处治安案件 ----------------------------------------------------------------------------
    rows = []
    n = 0
    for month in months:
        for u in units:
            d = diligence[u.id]
            for _ in range(rng.randint(0, 2 + round(3 * d))):
                n += 1
                econ = rng.random() < 0.15
                ruling = ""
                if rng.random() < 0.05:
                    ruling = "罚款以上处罚" if econ else "查处场所"
                rows.append([f"X{YEAR}{n:05d}", u.name, day_in(rng, bureau.calendar, month), "经文保案件" if econ else "治安案件",
                             _yes(rng, 0.08), ruling, _yes(rng, 0.01), ""])
    rows.sort(key=lambda r: (r[2], r[0]))
    files.append(write_export(directory / f"治安_查处治安案件登记表_{YEAR}.xlsx", f"{BUREAU_NAME}治安大队 {YEAR}年查处治安案件登记表",
                        [c.name for c in PS_COLUMNS], rows))

    # --- 查处治安案件涉案人员 ------------------------------------------------------------------
    rows = []
    n = 0
    for month in months:
        for u in units:
            for _ in range(rng.randint(0, 1 + round(4 * diligence[u.id]))):
                n += 1
                offence = rng.choices(("赌博", "吸毒", "卖淫嫖娼", "其他"), (5, 2, 2, 2))[0]
                rows.append([f"R{YEAR}{n:05d}", u.name, day_in(rng, bureau.calendar, month), offence, _yes(rng, 0.3),
                             _yes(rng, 0.1), "", ""])
    rows.sort(key=lambda r: (r[2], r[0]))
    rows.insert(5, [f"R{YEAR}99999", units[0].name, dt.date(2015, 1, 5), "赌博", "可能", "", "", ""])  # bad
    files.append(write_export(directory / f"治安_查处治安案件涉案人员登记表_{YEAR}.xlsx",
                        f"{BUREAU_NAME}治安大队 {YEAR}年查处治安案件涉案人员登记表", [c.name for c in VICE_COLUMNS], rows))
    return files
