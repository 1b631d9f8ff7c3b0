"""第十二条 12月份加考 (十八) (seed 000 l.684): 消防工作先进者, the 消防大队's clause of the December
extra test. Category ``jiakao`` (year scope), cadence ``yearly``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe import Adapter, Column, Draft, Item, row_key, rules

DEPARTMENT = "消防大队"
KIND = "xiaofang.honour"
"""消防工作先进评选: one officer (or station) named 消防工作先进者 by a public-security organ."""

LEVELS = ("常州市局", "省公安厅", "公安部", "金坛市局")
CREDITED = ("常州市局", "省公安厅", "公安部")
"""被常州市局(含)以上公安机关评为: the 金坛 bureau's own awards do not count."""

T684 = "(十八)因工作突出,被常州市局(含)以上公安机关评为消防工作先进者的加10分。"

HONOUR = Item(
    id="xiaofang.dec_fire_honour",
    title="被评为消防工作先进者",
    department=DEPARTMENT,
    category="jiakao",
    reference="seed 000 l.684",
    reads=[KIND],
    rule=rules.PerOccurrence(points=10, match={"level": CREDITED}),
    cadence="yearly",
    text=T684,
)

ITEMS = [HONOUR]

COLUMNS = [
    Column("表彰编号", "id", "text", help="每次表彰中每名受表彰者一行,编号唯一"),
    Column("派出所", "unit", "unit", aliases=("单位",), help="受表彰者所在派出所"),
    Column("表彰日期", "date", "date", help="表彰文件的日期,决定计入哪个考核年度"),
    Column("表彰机关", "level", "text", choices=LEVELS, help="、".join(LEVELS) + ";金坛市局的表彰不加分"),
    Column("受表彰者", "who", "text", required=False, help="民警姓名或单位"),
]


def to_records(row: Mapping[str, Any]) -> list[Draft]:
    who = row.get("who") or ""
    return [Draft(key=row_key(KIND, row), kind=KIND, unit=row["unit"], date=row["date"],
                  attrs={"level": row["level"]}, note=f"{row['level']}评为消防工作先进者 {who}".rstrip())]


HONOURS = Adapter(
    id="xiaofang.honours",
    title="消防工作先进者表彰名单",
    department=DEPARTMENT,
    columns=COLUMNS,
    to_records=to_records,
    kinds=[KIND],
)

ADAPTERS = [HONOURS]
