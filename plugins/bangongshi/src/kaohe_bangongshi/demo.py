"""The demo year 2015 of the 局办公室, 信息中心 and 政工室 (dates 2014-12-21 .. 2015-12-20).

Deterministic from the seed. Each station has a diligence (0.55-1.0): a diligent station reports
its intelligence quota, signs instructions in time and has its articles adopted; a careless one
falls short, is late and gets returns. Three rows are bad on purpose (text in a number column, a
unit not in the bureau, an impossible date) for the intake to reject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kaohe import DemoBureau, Period, Unit
from kaohe.demo import DEMO_YEAR, demo_random, random_day, write_export, written_name

from .adapters import (
    ADOPTIONS,
    ANALYSIS_REGISTER,
    BANK_CATCHES,
    INSTRUCTIONS,
    INTEL_MONTHLY,
    KEY_PERSONS,
    PUBLICITY_REGISTER,
    QUALITY_REGISTER,
    REPORTING_REGISTER,
    WARNINGS,
)
from .items import ANALYSIS_KINDS, FABRICATED, RETURNED

YEAR = DEMO_YEAR
PLUGIN_SEED = 456  # seed 000 l.456: fixed per plugin so each department's demo differs
OFFICE_TITLE = "金坛市公安局办公室"
INFO_TITLE = "金坛市公安局信息中心"
ZG_TITLE = "金坛市公安局政工室"

ARCHIVE_TARGET = {"A": 4, "B": 2, "C": 2}
PUBLICITY_TARGET = {"A": 2, "B": 1, "C": 1}
BLOCK = {"A": 1, "B": 3, "C": 6}  # 预警信息、政工信息:A类每月、B类每季、C类每半年


class _Year:
    def __init__(self, bureau: DemoBureau, seed: int) -> None:
        self.rng = demo_random(seed, PLUGIN_SEED)
        self.cal = bureau.calendar
        self.units = list(bureau.units)
        self.diligence = {u.id: round(self.rng.uniform(0.55, 1.0), 2) for u in self.units}
        self.months = Period(YEAR, "year").months()

    def klass(self, unit: Unit) -> str:
        return unit.klass if unit.klass in ("A", "B", "C") else "B"

    def careless(self, unit: Unit) -> float:
        return 1 - self.diligence[unit.id]

    def day_in(self, periods: Sequence[Period]) -> dt.date:
        return random_day(self.rng, self.cal.start(periods[0]), self.cal.end(periods[-1]))

    def name(self, unit: Unit) -> str:
        return written_name(self.rng, unit, 0.15)

    def around(self, target: int, unit: Unit, exceed: float) -> int:
        r = self.rng.random()
        if r < self.careless(unit) * 0.7:
            return max(0, target - self.rng.randint(1, max(1, target // 2 + 1)))
        if r > 1 - exceed:
            return target + self.rng.randint(1, 2)
        return target


def _intel(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for m in y.months:
        for unit in y.units:
            head = unit.headcount_for(m) or 10
            c = y.careless(unit)
            total = round(3 * head * y.rng.uniform(1.05 - c * 0.5, 1.25 - c * 0.3))
            stability = round(head * y.rng.uniform(1.02 - c * 0.6, 1.4 - c * 0.4))
            archive = y.around(ARCHIVE_TARGET[y.klass(unit)], unit, 0.2)
            rows.append([f"{YEAR}年{m.index}月", y.name(unit), None, total, min(stability, total), archive])
    # Bad on purpose: text in a number column.
    rows.insert(len(rows) // 2, [f"{YEAR}年6月", "尧塘派出所", None, "约40条", 15, 2])
    return rows


TITLES = ["辖区出租房屋人员流动异常", "某企业拖欠工资职工欲集体上访", "网吧未成年人出入情况", "村民土地纠纷可能激化",
          "外地来坛人员聚集情况", "涉众型经济案件苗头", "道路交通安全隐患", "重点人员动态", "校园周边治安情况",
          "拆迁户不满情绪", "寄递物流安全隐患", "旅馆业异常住宿人员"]


def _quality(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for m in y.months:
        for unit in y.units:
            for _ in range(2):
                if y.rng.random() < y.careless(unit) * 0.35:
                    rows.append([None, y.name(unit), y.day_in([m]), y.rng.choice(TITLES), RETURNED,
                                 y.rng.choice(["要素不全", "表达不清", "内容粗糙"])])
    rows.sort(key=lambda r: r[2])
    # Twice in the year a piece of information was invented.
    for i in (len(rows) // 4, 3 * len(rows) // 4):
        rows[i][4], rows[i][5] = FABRICATED, "内容虚构"
    for i, r in enumerate(rows, start=1):
        r[0] = f"THDJ{YEAR}{i:03d}"
    return rows


ADOPTION_WEIGHTS = [("每日公安情况", 50), ("公安社情民意", 20), ("国保信息", 6), ("金坛市政府", 8), ("常州市局", 9),
                    ("常州市政府", 3), ("省厅", 3), ("江苏省政府", 0.5), ("公安部", 0.5)]


def _adoptions(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    names = [n for n, _ in ADOPTION_WEIGHTS]
    weights = [w for _, w in ADOPTION_WEIGHTS]
    for m in y.months:
        for unit in y.units:
            n = sum(1 for _ in range(4) if y.rng.random() < y.diligence[unit.id] * (0.5 if unit.klass == "A" else 0.3))
            for _ in range(n):
                level = y.rng.choices(names, weights)[0]
                if level == "常州市局" and y.rng.random() < 0.3:
                    level = "常州市局、省厅"  # adopted at two levels: the higher counts
                archive = "是" if y.rng.random() < 0.3 else "否"
                endorsed = "是" if y.rng.random() < 0.03 else None
                rows.append([None, y.name(unit), y.day_in([m]), y.rng.choice(TITLES), archive, level, endorsed])
    rows.sort(key=lambda r: r[2])
    for i, r in enumerate(rows, start=1):
        r[0] = f"QBXX{YEAR}{i:04d}"
    # Bad on purpose: a station not in the bureau.
    rows.insert(len(rows) // 3, [f"QBXX{YEAR}9001", "东城派出所", dt.date(YEAR, 5, 6), "辖区治安动态", "否", "每日公安情况", None])
    return rows


def _reporting(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    matters = {"未按规定报送": ["月度工作小结未报送", "治安形势分析报表迟交", "半年工作总结未报送"],
               "迟报": ["辖区发生重大交通事故迟报"], "漏报": ["辖区发生火灾未报告"], "瞒报": ["辖区发生群体性事件未报告"]}
    for unit in y.units:
        for _ in range(int(y.careless(unit) * 8)):
            v = y.rng.choices(list(matters), [10, 3, 2, 0.5])[0]
            notified = "是" if v != "未按规定报送" and y.rng.random() < 0.3 else None
            rows.append([None, y.name(unit), y.day_in(y.months), v, y.rng.choice(matters[v]), notified])
    rows.sort(key=lambda r: r[2])
    for i, r in enumerate(rows, start=1):
        r[0] = f"BGZD{YEAR}{i:03d}"
    return rows


def _analysis(y: _Year) -> list[list[Any]]:
    careless = sorted(y.units, key=lambda u: y.diligence[u.id])[:3]
    rows = [[f"YPWT{YEAR}{i:02d}", y.name(u), y.day_in(y.months), y.rng.choice(ANALYSIS_KINDS), "网络舆情炒作扩散"]
            for i, u in enumerate(careless, start=1)]
    rows.sort(key=lambda r: r[2])
    return rows


def _blocks(y: _Year, unit: Unit) -> list[list[Period]]:
    n = BLOCK[y.klass(unit)]
    return [y.months[i : i + n] for i in range(0, 12, n)]


def _warnings(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for unit in y.units:
        for block in _blocks(y, unit):
            for _ in range(y.around(1, unit, 0.3)):
                rows.append([None, y.name(unit), y.day_in(block), "预警:" + y.rng.choice(TITLES)])
    rows.sort(key=lambda r: r[2])
    for i, r in enumerate(rows, start=1):
        r[0] = f"YJXX{YEAR}{i:03d}"
    return rows


def _instructions(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    serial = 0
    for m in y.months:
        for kind in ("查控指令", "预警信息", "通知"):
            if kind == "通知" and y.rng.random() < 0.5:
                continue
            serial += 1
            issued = y.day_in([m])
            allowed = 2 if kind != "通知" else 1
            for unit in y.units:
                r = y.rng.random()
                c = y.careless(unit)
                if r < c * 0.05:
                    signed = None
                elif r < c * 0.35:
                    signed = issued + dt.timedelta(days=allowed + 3)
                else:
                    signed = issued + dt.timedelta(days=y.rng.randint(0, allowed))
                substandard = "是" if y.rng.random() < c * 0.15 else None
                catches = y.rng.randint(1, 2) if kind != "通知" and y.rng.random() < 0.05 else None
                this_year = 1 if catches and y.rng.random() < 0.4 else None
                earlier = 1 if catches and y.rng.random() < 0.2 else None
                rows.append([f"JTZL{YEAR}{serial:03d}", y.name(unit), kind, issued, signed, substandard, catches, this_year, earlier])
    # Bad on purpose: an impossible date.
    rows.insert(len(rows) // 2, [f"JTZL{YEAR}999", "金城派出所", "查控指令", "2015-02-30", None, None, None, None, None])
    return rows


SURNAMES = "王李张刘陈杨赵黄周吴徐孙朱马胡郭林何高罗"


def _person(y: _Year) -> str:
    return y.rng.choice(SURNAMES) + y.rng.choice(["某", "某某"])


def _key_persons(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for m in y.months:
        for unit in y.units:
            n = y.rng.randint(0, 2) if unit.klass == "A" else (1 if y.rng.random() < 0.4 else 0)
            for _ in range(n):
                c = y.careless(unit)
                late = "是" if y.rng.random() < c * 0.4 else None
                notified = "是" if y.rng.random() < c * 0.08 else None
                catches = 1 if y.rng.random() < 0.06 else None
                this_year = 1 if catches and y.rng.random() < 0.5 else None
                earlier = 1 if catches and y.rng.random() < 0.2 else None
                rows.append([None, y.name(unit), y.day_in([m]), _person(y), late, notified, catches, this_year, earlier, None])
    rows.sort(key=lambda r: r[2])
    for i, r in enumerate(rows, start=1):
        r[0] = f"ZDRY{YEAR}{i:04d}"
    if len(rows) > 10:
        rows[len(rows) // 2][9] = "是"  # one key person checked back by the province
    return rows


def _bank(y: _Year) -> list[list[Any]]:
    rows = [[None, y.name(u), y.day_in(y.months), _person(y)] for u in y.units if y.rng.random() < 0.45]
    rows.sort(key=lambda r: r[2])
    for i, r in enumerate(rows, start=1):
        r[0] = f"YHBJ{YEAR}{i:02d}"
    return rows


MEDIA = {"全国": ["人民公安报", "法制日报"], "省级": ["江苏法制报", "新华日报"], "地级": ["常州日报", "常州晚报"],
         "金坛级": ["金坛日报", "金坛电视台"], "公安部": ["公安部政工简报"], "省厅政治部": ["江苏公安政工信息"],
         "常州市局政治部": ["政工快讯"]}
STORIES = ["民警雨夜救助走失老人", "派出所破获系列盗窃电动车案", "社区民警上门宣传防诈骗", "所长带班巡逻护平安",
           "派出所开展“平安村庄”创建", "民警帮群众找回遗失钱包", "队伍教育整顿见成效", "青年民警座谈会"]


def _publicity(y: _Year) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for m in y.months:
        for unit in y.units:
            for _ in range(y.around(PUBLICITY_TARGET[y.klass(unit)], unit, 0.3)):
                level = y.rng.choices(["地级", "省级", "全国"], [75, 20, 5])[0]
                if level == "地级" and y.rng.random() < 0.1:
                    level = "地级、省级"  # adopted at two levels: the higher counts
                rows.append([None, y.name(unit), y.day_in([m]), "宣传报道", y.rng.choice(STORIES), level,
                             y.rng.choice(MEDIA[level.split("、")[-1]])])
            for _ in range(y.rng.randint(0, 2)):
                rows.append([None, y.name(unit), y.day_in([m]), "宣传报道", y.rng.choice(STORIES), "金坛级",
                             y.rng.choice(MEDIA["金坛级"])])
    for unit in y.units:
        for block in _blocks(y, unit):
            for _ in range(y.around(1, unit, 0.25)):
                level = y.rng.choices(["常州市局政治部", "省厅政治部", "公安部"], [85, 12, 3])[0]
                rows.append([None, y.name(unit), y.day_in(block), "政工信息", y.rng.choice(STORIES), level, MEDIA[level][0]])
    rows.sort(key=lambda r: (r[2], r[3]))
    for i, r in enumerate(rows, start=1):
        r[0] = f"XCZG{YEAR}{i:04d}"
    return rows


def write_demo(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    y = _Year(bureau, seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = [
        (INTEL_MONTHLY, OFFICE_TITLE, "情报信息报送月统计表", _intel(y)),
        (QUALITY_REGISTER, OFFICE_TITLE, "情报信息退回及弄虚作假登记", _quality(y)),
        (ADOPTIONS, OFFICE_TITLE, "情报信息录用登记", _adoptions(y)),
        (REPORTING_REGISTER, OFFICE_TITLE, "报告制度执行情况登记", _reporting(y)),
        (ANALYSIS_REGISTER, INFO_TITLE, "情报信息分析研判问题登记", _analysis(y)),
        (WARNINGS, INFO_TITLE, "预警信息录用登记", _warnings(y)),
        (INSTRUCTIONS, INFO_TITLE, "查控指令、预警信息签注反馈及查控登记", _instructions(y)),
        (KEY_PERSONS, INFO_TITLE, "重点人员签收反馈及管控登记", _key_persons(y)),
        (BANK_CATCHES, INFO_TITLE, "银行系统报警抓获网上逃犯登记", _bank(y)),
        (PUBLICITY_REGISTER, ZG_TITLE, "宣传报道及政工信息录用登记", _publicity(y)),
    ]
    return [
        write_export(directory / f"{name}_{YEAR}.xlsx", f"{office} {YEAR}年{name}", adapter.columns, rows)
        for adapter, office, name, rows in tables
    ]
