"""A synthetic province for the benchmark: 2,000 police stations in four series, the six bundled
departments' exports for one assessment year (2015), about 20 million records, deterministic from
the seed.

The exports are written with the departments' own headers, read from the installed plugins'
adapters (``kaohe ingest`` recognises them as it recognises a real export): CSV (UTF-8 with BOM,
as Excel writes "CSV UTF-8"), one file per department's table and assessment month. A sample of
the 110 dispatch export is also written as XLSX (title row, then the header, as the demo's
workbooks) for the XLSX intake figure.

Usage::

    python bench/generate.py --scale 0.01 [--seed 2015] [--out bench/out]

``--scale`` scales both the number of stations and the number of records (1: 2,000 stations and
~20 million records; 0.1: 200 and ~2 million; 0.01: 20 and ~200,000), so the records per station
stay those of a real province.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

YEAR = 2015
UNITS_FULL = 2000
CUTOFF_DAY = 20

# Four series: (id, name, class, share of the stations, headcount range, tags).
SERIES = [
    ("A", "城区派出所", "A", 0.25, (30, 60), "城区"),
    ("B", "建制镇派出所", "B", 0.40, (12, 25), "农村|建制镇"),
    ("C", "非建制镇派出所", "C", 0.30, (6, 12), "农村"),
    ("S", "特设派出所(水上、景区、开发区)", "B", 0.05, (10, 20), "城郊"),
]

# Records per station and year, by adapter (about 10,100 a station: 2,000 stations ≈ 20 million).
# A class-A station has 1.5 times the mean, class C 0.6 times (see _volume).
PER_UNIT_YEAR = {
    "zhihui110.dispatch": 5000,
    "zhihui110.alarms": 1500,
    "churujing.lodging": 1500,
    "zhian.vice_persons": 400,
    "xingzhen.persons": 400,
    "zhian.ps_cases": 300,
    "xingzhen.cases": 300,
    "xiaofang.enforcement": 200,
    "zhian.events": 150,
    "zhian.criminal_cases": 100,
    "xingzhen.findings": 100,
    "zhihui110.patrol_info": 30,
    "zhihui110.problems": 20,
    "xiaofang.findings": 20,
    "jiaoxunjing.assists": 20,
    "xiaofang.activities": 12,
    "xiaofang.meetings": 12,
    "zhian.hotel_fugitives": 10,
    "xiaofang.fires": 5,
}
# One row per station and month.
MONTHLY = ["zhihui110.monthly", "churujing.monthly", "xingzhen.monthly", "zhian.monthly"]

CLASS_FACTOR = {"A": 1.5, "B": 1.0, "C": 0.6}

CITIES = ["南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁"]
SYLLABLES = "东西南北中新华金城阳平安宁和兴丰泰山河湖江海桥塘林园港湾桂花松柏石岭坪沟镇集庄店"

CONFIG = """\
# 合成的省级考核局(kaohe 基准测试 bench/generate.py 生成,seed {seed},规模 {scale})。
units_file = "units.csv"

[bureau]
name = "某省公安厅(基准测试)"
cutoff_day = {cutoff}
database = "{database}"

[scheme]
name = "{year}年度派出所主要工作绩效考评(基准测试)"
base_period = "month"
normalise_within = "series"
decimals = 2
aggregate = "sum"
year_method = "scaled"
year_scale = 60
last_place_months = 3

{series}
[[categories]]
id = "duiwu"
name = "队伍建设"
weight = 100
base = 100

[[categories]]
id = "xinxihua"
name = "公安信息化建设"
weight = 100
base = 100

[[categories]]
id = "dachu"
name = "打处绩效"
weight = 300
base = 300

[[categories]]
id = "zhifa"
name = "执法规范化建设"
weight = 100
base = 100

[[categories]]
id = "yingyong"
name = "信息化应用"
weight = 100
base = 100

[[categories]]
id = "jichu"
name = "基础工作建设"
weight = 100
base = 100

[items]
enable = ["*"]

[carry_over]
"*" = false
"""


# --- Units ---------------------------------------------------------------------------------------


def make_units(n: int, rng: random.Random) -> list[dict[str, Any]]:
    names: set[str] = set()
    units = []
    counts = [max(1, round(n * share)) for *_, share, _, _ in SERIES]
    counts[0] += n - sum(counts)
    i = 0
    for (sid, _sname, klass, _share, (lo, hi), tags), count in zip(SERIES, counts, strict=True):
        for _ in range(count):
            i += 1
            city = CITIES[i % len(CITIES)]
            while True:
                town = "".join(rng.sample(SYLLABLES, 2))
                name = f"{city}{town}派出所"
                if name not in names:
                    break
            names.add(name)
            units.append(
                {
                    "id": f"u{i:04d}", "name": name, "series": sid, "class": klass,
                    "headcount": rng.randint(lo, hi), "tags": tags, "aliases": f"{city}{town}所",
                }
            )
    return units


def write_units(path: Path, units: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "series", "class", "headcount", "tags", "aliases"])
        for u in units:
            w.writerow([u[k] for k in ("id", "name", "series", "class", "headcount", "tags", "aliases")])


def write_config(directory: Path, seed: int, scale: float, database: str = "kaohe.sqlite", name: str = "kaohe.toml") -> Path:
    series = "\n".join(f'[[series]]\nid = "{sid}"\nname = "{sname}"\n' for sid, sname, *_ in SERIES)
    path = directory / name
    path.write_text(
        CONFIG.format(seed=seed, scale=scale, cutoff=CUTOFF_DAY, database=database, year=YEAR, series=series),
        encoding="utf-8",
    )
    return path


# --- Calendar ------------------------------------------------------------------------------------


def months(year: int = YEAR) -> list[tuple[int, dt.date, dt.date]]:
    """(month, first day, last day) of each assessment month: the 21st of the previous month to the 20th."""
    out = []
    for m in range(1, 13):
        end = dt.date(year, m, CUTOFF_DAY)
        prev = dt.date(year - 1, 12, CUTOFF_DAY) if m == 1 else dt.date(year, m - 1, CUTOFF_DAY)
        out.append((m, prev + dt.timedelta(days=1), end))
    return out


# --- Rows ----------------------------------------------------------------------------------------


class Month:
    """Random dates within one assessment month (days precomputed: formatting is the slow part)."""

    def __init__(self, index: int, start: dt.date, end: dt.date) -> None:
        self.index = index
        self.end = end
        self.days = [start + dt.timedelta(days=d) for d in range((end - start).days + 1)]
        self.texts = [d.isoformat() for d in self.days]
        self.label = f"{YEAR}-{index:02d}"


def _moment(rng: random.Random, month: Month) -> tuple[dt.datetime, str]:
    i = rng.randrange(len(month.days))
    day = month.days[i]
    h, m = rng.randrange(24), rng.randrange(60)
    return dt.datetime(day.year, day.month, day.day, h, m), f"{month.texts[i]} {h:02d}:{m:02d}"


def _fmt_dt(t: dt.datetime) -> str:
    return f"{t.year}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def _yn(rng: random.Random, p_yes: float) -> str:
    return "是" if rng.random() < p_yes else "否"


def _opt_yn(rng: random.Random, p_yes: float) -> str:
    r = rng.random()
    return "是" if r < p_yes else ("" if r < 0.9 else "否")


RowFn = Callable[[random.Random, str, dict[str, Any], float, Month, Any], dict[str, Any]]
"""A row of an export as the adapter's column keys → cell values (a column left out is empty)."""


def _choices(adapter: Any, key: str) -> tuple[str, ...]:
    return adapter.column(key).choices


def row_makers(registry: Any) -> dict[str, RowFn]:
    """Adapter id → a function making one row, by the adapter's column keys (see ``row_builder``)."""
    from kaohe_xingzhen.items import FUGITIVE
    from kaohe_zhihui110.items import ARRIVAL_LIMITS, SERIOUS_CONTACT, SERIOUS_HANDLING

    ad = registry.adapters
    grades = _choices(ad["zhihui110.dispatch"], "grade")
    areas = _choices(ad["zhihui110.dispatch"], "area")
    answers = [a for a in _choices(ad["zhihui110.dispatch"], "answer") if a != "正常签收"]
    problems = _choices(ad["zhihui110.problems"], "problem")
    alarm_types = _choices(ad["zhihui110.alarms"], "type")
    vice = _choices(ad["zhian.vice_persons"], "offence")
    events = _choices(ad["zhian.events"], "category")
    natures = _choices(ad["zhian.criminal_cases"], "nature")
    hotel_types = _choices(ad["zhian.hotel_fugitives"], "type")
    person_categories = _choices(ad["xingzhen.persons"], "category")
    origins = _choices(ad["xingzhen.persons"], "origin")
    matters = _choices(ad["xingzhen.findings"], "matter")
    fire_findings = _choices(ad["xiaofang.findings"], "category")
    assists = _choices(ad["jiaoxunjing.assists"], "type")
    nations = ["美国", "日本", "韩国", "德国", "英国", "法国", "澳大利亚", "加拿大", "新加坡", "马来西亚"]
    case_categories = ["入室盗窃", "盗窃电动车", "诈骗", "抢劫", "抢夺", "故意伤害", "盗窃汽车", "盗窃摩托车"]

    def dispatch(rng, uid, unit, dil, month, n):
        grade = grades[0] if rng.random() < 0.3 else (grades[1] if rng.random() < 0.7 else grades[2])
        area = areas[0] if unit["class"] == "A" and rng.random() < 0.7 else areas[1 + (rng.random() < 0.6)]
        urgent = grade == grades[0] and rng.random() < 0.3
        sent, sent_text = _moment(rng, month)
        answer = rng.choice(answers) if rng.random() < (1 - dil) * 0.04 else ""
        limit = ARRIVAL_LIMITS.get(grade, {}).get(area, 30)
        if grade == grades[2] and rng.random() < 0.3:
            arrived = ""
        else:
            late = rng.random() < (1 - dil) * 0.1
            minutes = limit + rng.randint(1, 10) if late else int(limit * (0.4 + 0.55 * rng.random()))
            arrived = _fmt_dt(sent + dt.timedelta(minutes=minutes))
        limit_h = 2 if urgent else 24
        hours = limit_h + 0.2 + 6 * rng.random() if rng.random() < (1 - dil) * 0.08 else limit_h * (0.15 + 0.75 * rng.random())
        fed_back = _fmt_dt(sent + dt.timedelta(minutes=int(hours * 60)))
        standard = "否" if rng.random() < (1 - dil) * 0.03 else "是"
        return {"id": f"J{uid}{n:07d}", "unit": unit["written"](rng), "grade": grade, "area": area,
                "urgent": "是" if urgent else "否", "dispatched": sent_text, "answer": answer, "arrived": arrived,
                "fed_back": fed_back, "standard": standard}

    def alarms(rng, uid, unit, dil, month, n):
        t = alarm_types[-1] if rng.random() < 0.9 else rng.choice(alarm_types[:-1])
        return {"id": f"A{uid}{n:07d}", "unit": unit["written"](rng), "date": rng.choice(month.texts), "type": t}

    def problem(rng, uid, unit, dil, month, n):
        p = rng.choice(problems)
        pts = rng.randint(5, 10) if p in (SERIOUS_HANDLING, SERIOUS_CONTACT) else ""
        return {"id": f"W{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts), "problem": p,
                "points": pts}

    def patrol_info(rng, uid, unit, dil, month, n):
        r = rng.random()
        adopted = "省厅" if r < 0.01 else ("常州市局" if r < 0.1 else "")
        return {"id": f"I{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "title": "巡防信息", "adopted": adopted}

    def lodging(rng, uid, unit, dil, month, n):
        return {"id": f"L{uid}{n:07d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "nationality": rng.choice(nations), "count": rng.randint(1, 3),
                "timely": _yn(rng, 0.97 + 0.03 * dil), "accurate": _yn(rng, 0.97 + 0.03 * dil)}

    def vice_person(rng, uid, unit, dil, month, n):
        return {"id": f"V{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "offence": rng.choice(vice), "detained": _opt_yn(rng, 0.3), "special_trade": _opt_yn(rng, 0.05)}

    def ps_case(rng, uid, unit, dil, month, n):
        econ = rng.random() < 0.2
        ruling = ("罚款以上处罚" if econ else "查处场所") if rng.random() < 0.05 else ""
        return {"id": f"P{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "type": "经文保案件" if econ else "治安案件", "dangerous": _opt_yn(rng, 0.02), "ruling": ruling,
                "cross_region": "是" if rng.random() < 0.002 else ""}

    def event(rng, uid, unit, dil, month, n):
        return {"id": f"E{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "category": rng.choice(events), "count": rng.randint(1, 3)}

    def criminal_case(rng, uid, unit, dil, month, n):
        return {"id": f"C{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "nature": rng.choice(natures), "eight_kinds": _opt_yn(rng, 0.1), "local": _opt_yn(rng, 0.5),
                "car_theft": _opt_yn(rng, 0.02), "motorbike": _opt_yn(rng, 0.05),
                "cars_recovered": 1 if rng.random() < 0.01 else ""}

    def hotel(rng, uid, unit, dil, month, n):
        return {"id": f"H{uid}{n:05d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "type": rng.choice(hotel_types)}

    def xz_case(rng, uid, unit, dil, month, n):
        in_year = rng.random() < 0.8
        return {"id": f"X{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "category": rng.choice(case_categories), "eight": _yn(rng, 0.1), "local": _yn(rng, 0.6),
                "in_year": "是" if in_year else "否", "backlog": "" if in_year else _opt_yn(rng, 0.5),
                "other_province": _opt_yn(rng, 0.05), "cars": 1 if rng.random() < 0.01 else ""}

    def xz_person(rng, uid, unit, dil, month, n):
        cat = rng.choice(person_categories)
        fugitive = cat == FUGITIVE
        return {"id": f"R{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "category": cat, "special_trade": _opt_yn(rng, 0.05), "drug": _opt_yn(rng, 0.1),
                "origin": rng.choice(origins) if fugitive else "", "past": _opt_yn(rng, 0.3) if fugitive else "",
                "homicide": "是" if fugitive and rng.random() < 0.01 else ""}

    def xz_finding(rng, uid, unit, dil, month, n):
        return {"id": f"F{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "matter": rng.choice(matters), "count": rng.randint(1, 2)}

    def enforcement(rng, uid, unit, dil, month, n):
        r = rng.random()
        doc, fine = ("责令改正通知书", "") if r < 0.6 else (("当场处罚", rng.randint(1, 5) * 100) if r < 0.9 else
                                                       ("一般程序处罚", rng.randint(5, 100) * 100))
        return {"id": f"D{uid}{n:06d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "doc_type": doc, "fine": fine}

    def fire_finding(rng, uid, unit, dil, month, n):
        return {"id": f"G{uid}{n:05d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "category": rng.choice(fire_findings), "count": 1}

    def activity(rng, uid, unit, dil, month, n):
        day119 = month.index == 11 and rng.random() < 0.3
        return {"id": f"T{uid}{n:05d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "type": "119消防宣传日" if day119 else "消防宣传培训", "people": rng.randint(10, 200),
                "monotonous": "是" if day119 and rng.random() < 0.1 else ""}

    def meeting(rng, uid, unit, dil, month, n):
        return {"id": f"M{uid}{n:05d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "people": rng.randint(3, 20)}

    def fire(rng, uid, unit, dil, month, n):
        r = rng.random()
        grade = "一般" if r < 0.95 else ("较大" if r < 0.99 else "重大")
        return {"id": f"Z{uid}{n:05d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "grade": grade, "loss": rng.randint(1, 500) * 100, "late_arrival": _opt_yn(rng, 0.02),
                "investigation_late": _opt_yn(rng, 0.02)}

    def assist(rng, uid, unit, dil, month, n):
        return {"id": f"S{uid}{n:05d}", "unit": unit["written"](rng), "date": rng.choice(month.texts),
                "type": rng.choice(assists)}

    # Monthly figures: one row per station and month.
    def m110(rng, uid, unit, dil, month, n):
        officers = max(1, unit["headcount"] // 4)
        return {"month": month.label, "unit": unit["written"](rng),
                "satisfaction": round(100 - (1 - dil) * 12 * rng.random(), 1), "patrol_officers": officers,
                "checks": int(officers * 30 * (4.4 + 0.6 * dil + 0.6 * rng.random()))}

    def mcrj(rng, uid, unit, dil, month, n):
        rentals = rng.randint(0, 40)
        return {"date": month.end.isoformat(), "unit": unit["written"](rng), "missed": int(rng.random() < 0.05),
                "illegal": int(rng.random() < 0.03), "illegal_30": 0, "rentals": rentals,
                "signed": rng.randint(rentals * 9 // 10, rentals),
                "unfiled": int(rentals > 0 and rng.random() < 0.05), "exit_ban": rng.randint(0, 3)}

    def mxz(rng, uid, unit, dil, month, n):
        return {"date": month.end.isoformat(), "unit": unit["written"](rng),
                "prints": unit["headcount"] * rng.randint(4, 7), "bad_prints": rng.randint(0, 2),
                "has_technician": _yn(rng, 0.95), "rate_key": round(90 + 10 * rng.random(), 1),
                "rate_other": round(85 + 15 * rng.random(), 1), "rate_scene": round(90 + 10 * rng.random(), 1),
                "rate_storage": round(90 + 10 * rng.random(), 1)}

    def mza(rng, uid, unit, dil, month, n):
        return {"unit": unit["written"](rng), "month": month.label,
                "transmission_rate": round(95 + 5 * rng.random(), 1), "guest_records": rng.randint(500, 5000),
                "gun_cabinet_rate": round(95 + 5 * rng.random(), 1),
                "informant_rate": round(5 + 10 * rng.random(), 1), "minor_error_rate": round(2 * rng.random(), 2),
                "burglary_cases": rng.randint(0, 30), "room_score": round(80 + 20 * rng.random(), 1)}

    return {
        "zhihui110.dispatch": dispatch, "zhihui110.alarms": alarms, "zhihui110.problems": problem,
        "zhihui110.patrol_info": patrol_info, "churujing.lodging": lodging, "zhian.vice_persons": vice_person,
        "zhian.ps_cases": ps_case, "zhian.events": event, "zhian.criminal_cases": criminal_case,
        "zhian.hotel_fugitives": hotel, "xingzhen.cases": xz_case, "xingzhen.persons": xz_person,
        "xingzhen.findings": xz_finding, "xiaofang.enforcement": enforcement, "xiaofang.findings": fire_finding,
        "xiaofang.activities": activity, "xiaofang.meetings": meeting, "xiaofang.fires": fire,
        "jiaoxunjing.assists": assist, "zhihui110.monthly": m110, "churujing.monthly": mcrj,
        "xingzhen.monthly": mxz, "zhian.monthly": mza,
    }


def row_builder(adapter: Any, make: RowFn) -> tuple[list[str], Callable[..., list[Any]]]:
    """The export's header (the adapter's column names, in its order) and a function making a row
    in that order from ``make``'s cells by column key: a column a plugin adds (or moves) is written
    empty (or where it now is) instead of shifting the others; a key the adapter lacks is an error."""
    keys = [c.key for c in adapter.columns]
    known = set(keys)

    def row(*args: Any) -> list[Any]:
        cells = make(*args)
        if not known.issuperset(cells):
            raise KeyError(f"{adapter.id}: no column {sorted(set(cells) - known)}")
        return [cells.get(k, "") for k in keys]

    return [c.name for c in adapter.columns], row


def _volume(rng: random.Random, per_year: int, klass: str) -> int:
    """Rows of one station in one month: the yearly mean spread over 12 months, scaled by class, ±20 %."""
    mean = per_year / 12 * CLASS_FACTOR.get(klass, 1.0)
    return max(0, round(mean * rng.uniform(0.8, 1.2)))


def _writer(units: list[dict[str, Any]], seed: int) -> None:
    """Each station writes itself as its full name, sometimes its short form (20 %)."""
    for u in units:
        full, short = u["name"], u["aliases"]
        u["written"] = lambda rng, full=full, short=short: short if rng.random() < 0.2 else full


def _normalised_class_mix(units: list[dict[str, Any]]) -> float:
    """Volumes are per class; divide by the mean class factor so the total stays ~10,100 a station."""
    return sum(CLASS_FACTOR.get(u["class"], 1.0) for u in units) / len(units)


def generate(
    out: Path, scale: float, seed: int = 2015, xlsx: bool = True, echo: Callable[[str], None] = print, thin: float = 1.0
) -> dict[str, Any]:
    """Write the province into ``out``: kaohe.toml, units.csv, exports/*.csv, xlsx/ (the XLSX sample
    and its own configuration and database). Returns a manifest (also written as manifest.json).
    ``thin`` < 1 scales the records per station down too (only for the tests' smoke run)."""
    from kaohe.plugins.discovery import load_registry

    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    registry = load_registry()
    rng = random.Random(seed)
    n_units = max(4, round(UNITS_FULL * scale))
    units = make_units(n_units, rng)
    write_units(out / "units.csv", units)
    write_config(out, seed, scale)
    _writer(units, seed)
    mix = _normalised_class_mix(units)
    diligence = {u["id"]: round(rng.uniform(0.3, 1.0), 2) for u in units}
    makers = row_makers(registry)
    ms = [Month(i, s, e) for i, s, e in months()]
    exports = out / "exports"
    exports.mkdir(exist_ok=True)
    files: list[dict[str, Any]] = []
    total = 0
    for adapter_id in [*PER_UNIT_YEAR, *MONTHLY]:
        adapter = registry.adapters[adapter_id]
        header, make = row_builder(adapter, makers[adapter_id])
        per_year = PER_UNIT_YEAR.get(adapter_id)
        per_year_scaled = None if per_year is None else per_year * thin / mix
        dept = adapter_id.split(".")[0]
        (exports / dept).mkdir(exist_ok=True)
        frng = random.Random(f"{seed}:{adapter_id}")
        counters = {u["id"]: 0 for u in units}
        for month in ms:
            path = exports / dept / f"{adapter.title}_{month.label}.csv"
            rows = 0
            with path.open("w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow(header)
                batch: list[list[Any]] = []
                for u in units:
                    uid = u["id"]
                    n = 1 if per_year_scaled is None else _volume(frng, per_year_scaled, u["class"])
                    dil = diligence[uid]
                    for _ in range(n):
                        counters[uid] += 1
                        batch.append(make(frng, uid, u, dil, month, counters[uid]))
                    if len(batch) >= 20000:
                        w.writerows(batch)
                        rows += len(batch)
                        batch = []
                w.writerows(batch)
                rows += len(batch)
            total += rows
            files.append({"path": str(path.relative_to(out)), "adapter": adapter_id, "rows": rows, "month": month.label})
        echo(f"  {adapter.title}:{sum(f['rows'] for f in files if f['adapter'] == adapter_id):,} 行")
    manifest: dict[str, Any] = {
        "seed": seed, "scale": scale, "thin": thin, "units": n_units, "rows": total, "files": files,
        "csv_bytes": sum((out / f["path"]).stat().st_size for f in files),
    }
    if xlsx:
        manifest["xlsx"] = write_xlsx_sample(out, scale, seed)
    manifest["seconds"] = round(time.monotonic() - started, 1)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    echo(f"共 {n_units} 个单位,{total:,} 行 CSV({manifest['csv_bytes'] / 1e6:.0f} MB),用时 {manifest['seconds']} 秒")
    return manifest


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.reader(f)


def write_xlsx_sample(out: Path, scale: float, seed: int) -> dict[str, Any]:
    """The 110 dispatch export of one month (2015-06) again as an XLSX workbook, as the department
    exports it (a title row above the header; times as Excel dates), with its own configuration and
    database (xlsx/kaohe.toml → xlsx/kaohe.sqlite), so that it is ingested apart from the CSVs."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    src = next(p for p in (out / "exports" / "zhihui110").glob("110接处警记录_2015-06.csv"))
    directory = out / "xlsx"
    directory.mkdir(exist_ok=True)
    (directory / "units.csv").write_text((out / "units.csv").read_text(encoding="utf-8"), encoding="utf-8")
    write_config(directory, seed, scale)
    path = directory / "110接处警记录_2015-06.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    rows = _csv_rows(src)
    header = next(rows)
    ws.append(["110接处警记录(2015年6月)"])
    ws.append(header)
    times = {i for i, h in enumerate(header) if h in ("派单时间", "到达时间", "反馈时间")}
    n = 0
    for row in rows:
        cells: list[Any] = []
        for i, v in enumerate(row):
            if i in times and v:
                c = WriteOnlyCell(ws, value=dt.datetime.strptime(v, "%Y-%m-%d %H:%M"))
                c.number_format = "yyyy-mm-dd hh:mm"
                cells.append(c)
            else:
                cells.append(v)
        ws.append(cells)
        n += 1
    wb.save(path)
    return {"path": str(path.relative_to(out)), "adapter": "zhihui110.dispatch", "rows": n, "bytes": path.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=2015)
    p.add_argument("--out", type=Path, default=None, help="default: bench/out/scale-<scale>")
    p.add_argument("--no-xlsx", action="store_true")
    a = p.parse_args(argv)
    out = a.out or Path(__file__).parent / "out" / f"scale-{a.scale:g}"
    generate(out, a.scale, a.seed, xlsx=not a.no_xlsx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
