"""第十二条 12月份加考 (十七) (seed 000 l.682): 平安企业创建, the 治安大队's clause of the December
extra test. Category ``jiakao`` (year scope), cadence ``yearly``.

The seed gives no number of enterprises: the yearly task is the 市局's. The defaults (A类所4家、
B类所3家、C类所2家) are demo assumptions; a bureau sets its own targets by class or by station.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe import Adapter, Column, Draft, Item, row_key, rules

DEPARTMENT = "治安大队"
KIND = "zhian.safe_enterprise"
"""平安企业创建名单: one enterprise that passed the 平安企业 acceptance, credited to a station."""

T682 = "(十七)全年,平安企业创建少完成1家扣10分。"

SAFE_ENTERPRISE = Item(
    id="zhian.dec_safe_enterprise",
    title="平安企业创建",
    department=DEPARTMENT,
    category="jiakao",
    reference="seed 000 l.682",
    reads=[KIND],
    rule=rules.Quota(targets={"A": 4, "B": 3, "C": 2}, per_short=-10, what="平安企业创建数"),
    cadence="yearly",
    text=T682,
)

ITEMS = [SAFE_ENTERPRISE]

COLUMNS = [
    Column("平安企业编号", "id", "text", help="每家企业唯一"),
    Column("派出所", "unit", "unit", aliases=("创建单位",), help="负责创建的派出所"),
    Column("验收日期", "date", "date", aliases=("创建日期",), help="通过验收(命名)的日期,决定计入哪个考核年度"),
    Column("企业名称", "name", "text"),
]


def to_records(row: Mapping[str, Any]) -> list[Draft]:
    return [Draft(key=row_key(KIND, row), kind=KIND, unit=row["unit"], date=row["date"],
                  attrs={"name": row["name"]}, note=f"平安企业 {row['name']}")]


SAFE_ENTERPRISES = Adapter(
    id="zhian.safe_enterprises",
    title="平安企业创建名单",
    department=DEPARTMENT,
    columns=COLUMNS,
    to_records=to_records,
    kinds=[KIND],
)

ADAPTERS = [SAFE_ENTERPRISES]
