"""年度加考 (十六) 调研论文 (seed 000 l.680, 第十二条): the 局办公室's register of research papers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kaohe import Adapter, Column, DemoBureau, Draft, Item, ReportField, SelfReport, rules
from kaohe.demo import demo_random, write_export

DEPARTMENT = "局办公室"
PAPER = "bangongshi.paper"
ADOPTED = "bangongshi.paper_adopted"
LEVELS = ("市局", "常州市局", "省厅")
T680 = (
    "(十六)全年各派出所必须上报调研论文2篇,被市局录用一篇加5分,被常州市局录用一篇10分,被省厅录用一篇加30分"
    "(加分不超过40分),未完成上报基数的,每少一篇扣10分。"
)

ITEMS = [
    Item(
        id="bangongshi.dec_papers_reported",
        title="全年上报调研论文2篇,每少一篇扣10分",
        department=DEPARTMENT,
        category="jiakao",
        reference="seed 000 l.680",
        reads=[PAPER],
        cadence="yearly",
        rule=rules.Quota(targets={"*": 2}, per_short=-10, what="上报调研论文"),
        text=T680,
        self_report=SelfReport(),  # a station reports each paper it sends in; 局办公室 reviews it
    ),
    Item(
        id="bangongshi.dec_papers_adopted",
        title="调研论文被录用加分(市局5分、常州市局10分、省厅30分,加分不超过40分)",
        department=DEPARTMENT,
        category="jiakao",
        reference="seed 000 l.680",
        reads=[ADOPTED],
        cadence="yearly",
        rule=rules.Tiered(levels={"市局": 5, "常州市局": 10, "省厅": 30}),
        cap=40,
        text=T680,
        self_report=SelfReport(fields=(ReportField("level", "录用级别", LEVELS),)),
    ),
]


def _papers(row: dict[str, Any]) -> list[Draft]:
    out = [Draft(f"{PAPER}:{row['id']}", PAPER, row["unit"], row["date"], note=f"《{row['title']}》")]
    if row["level"]:
        out.append(
            Draft(f"{ADOPTED}:{row['id']}", ADOPTED, row["unit"], row["date"], attrs={"level": row["level"]},
                  note=f"《{row['title']}》被{row['level']}录用", column="录用级别")
        )
    return out


PAPERS = Adapter(
    id="bangongshi.papers",
    title="调研论文上报及录用登记",
    department=DEPARTMENT,
    columns=[
        Column("论文编号", "id", help="局办公室编的编号,唯一"),
        Column("上报单位", "unit", "unit"),
        Column("上报日期", "date", "date"),
        Column("论文题目", "title"),
        Column("录用级别", "level", required=False, choices=LEVELS,
               help="最高录用级别:市局、常州市局、省厅;未录用留空(同一篇被多级录用只填最高一级)"),
    ],
    to_records=_papers,
    kinds=[PAPER, ADOPTED],
)

ADAPTERS = [PAPERS]


def demo_data(bureau: DemoBureau, directory: Path, seed: int) -> list[Path]:
    """0-3 papers per station over the demo year, a quarter of them adopted; one bad level."""
    rng = demo_random(seed, 680)
    rows: list[list[Any]] = []
    for unit in bureau.units:
        for _ in range(rng.choice([0, 1, 2, 2, 3])):
            n = len(rows) + 1
            level = rng.choice(["", "", "", "市局", "常州市局", "省厅"])
            day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(340))
            rows.append([f"DY{n:03d}", unit.name, day, f"关于{unit.name}辖区治安防控的思考({n})", level])
    rows.append([f"DY{len(rows) + 1:03d}", "金城派出所", dt.date(2015, 6, 1), "社区警务调研", "公安部"])  # not a level of l.680
    path = Path(directory) / "局办公室_调研论文登记_2015.xlsx"
    return [write_export(path, "金坛市公安局办公室 2015年调研论文上报及录用登记", PAPERS.columns, rows, sheet="Sheet")]
