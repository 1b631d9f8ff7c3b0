"""A small department plugin and bureau for the intake, store and command tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from kaohe import Adapter, Column, Draft, Item, hookimpl, rules
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau

DISPATCH_HEADERS = ["警情编号", "派出所", "接警日期", "警情等级", "区域", "到场用时(分钟)", "投诉扣分", "备注"]


def _dispatch(row: dict[str, Any]) -> list[Draft]:
    out = [
        Draft(
            key=f"t110.dispatch:{row['id']}",
            kind="t110.dispatch",
            unit=row["unit"],
            date=row["date"],
            attrs={"grade": row["grade"], "area": row["area"], "minutes": row["minutes"]},
            note=f"{row['grade']} {row['area']} 到场用时{row['minutes']}分钟" + (f" {row['note']}" if row["note"] else ""),
        )
    ]
    if row["complaint"] is not None:
        out.append(
            Draft(f"t110.complaint:{row['id']}", "t110.complaint", row["unit"], row["date"], value=row["complaint"],
                  note="群众投诉", column="投诉扣分")
        )
    return out


ADAPTER = Adapter(
    id="t110.dispatch",
    title="110接处警记录",
    department="110指挥中心",
    columns=[
        Column("警情编号", "id"),
        Column("派出所", "unit", "unit", aliases=("处警单位",)),
        Column("接警日期", "date", "date"),
        Column("警情等级", "grade", choices=("一类", "二类", "三类")),
        Column("区域", "area", choices=("城区", "城郊", "农村")),
        Column("到场用时(分钟)", "minutes", "decimal", minimum=0),
        Column("投诉扣分", "complaint", "decimal", required=False),
        Column("备注", "note", required=False),
    ],
    to_records=_dispatch,
    kinds=["t110.dispatch", "t110.complaint"],
)

OTHER = Adapter(
    id="tfire.acts",
    title="消防监督执法记录",
    department="消防大队",
    columns=[Column("文书编号", "id"), Column("派出所", "unit", "unit"), Column("日期", "date", "date"), Column("文书类型", "type")],
    to_records=lambda row: [Draft(f"tfire.acts:{row['id']}", "tfire.acts", row["unit"], row["date"], attrs={"type": row["type"]})],
    kinds=["tfire.acts"],
)


class T110:
    @hookimpl
    def kaohe_items(self, register):
        register(
            Item(
                id="t110.arrival_late", title="未在规定时间内赶赴现场", department="110指挥中心", category="jichu",
                reference="seed 000 l.548", reads=["t110.dispatch"],
                rule=rules.PerOccurrence(
                    points=-1, when_field="minutes", limit={"一类": {"城区": 5, "城郊": 10}, "二类": {"城区": 10, "城郊": 15}},
                    limit_by=("grade", "area"), when_label="到场用时", when_unit="分钟",
                ),
            )
        )
        register(
            Item(
                id="t110.complaint", title="因联络不畅导致群众投诉", department="110指挥中心", category="jichu",
                reference="seed 000 l.548", reads=["t110.complaint"],
                rule=rules.PerOccurrence(min_points=-10, max_points=-5),
            )
        )

    @hookimpl
    def kaohe_adapters(self, register):
        register(ADAPTER)


MONTHLY = Adapter(
    id="tmonth.figures",
    title="月度统计",
    department="110指挥中心",
    columns=[Column("统计月份", "month", "month"), Column("派出所", "unit", "unit"), Column("回访满意率", "rate", "percent")],
    to_records=lambda row: [
        Draft("tmonth.figures:{unit}:" + row["month"].label, "tmonth.figures", row["unit"], row["month"], value=row["rate"])
    ],
    kinds=["tmonth.figures"],
    date_column="month",
)


class TMonth:
    @hookimpl
    def kaohe_adapters(self, register):
        register(MONTHLY)


class TFire:
    @hookimpl
    def kaohe_adapters(self, register):
        register(OTHER)


def registry():
    return load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("t110", T110()), ("tfire", TFire()), ("tmonth", TMonth())]))


BUREAU = {
    "bureau": {"name": "测试局", "cutoff_day": 20},
    "series": [{"id": "A", "name": "A类所"}],
    "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
    "units": [
        {"id": "jincheng", "name": "金城派出所", "series": "A", "class": "A", "headcount": 40, "aliases": ["金城"]},
        {"id": "huacheng", "name": "华城派出所", "series": "A", "class": "A", "headcount": 30, "aliases": ["华城"]},
    ],
}


def bureau(reg=None, **changes):
    data = {**BUREAU, **changes}
    return parse_bureau(data, reg or registry(), "test.toml")


def write_xlsx(path: Path, rows: list[list[Any]], headers=DISPATCH_HEADERS, title: str | None = "金坛市公安局110指挥中心 接处警记录", sheet="接处警") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def row(n: int, unit="金城", day=dt.date(2015, 4, 3), grade="一类", area="城区", minutes=7, complaint=None, note=""):
    return [f"JQ{n:05d}", unit, day, grade, area, minutes, complaint, note]
