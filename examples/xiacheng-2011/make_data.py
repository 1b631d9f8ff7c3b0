"""The synthetic data of this example: the 政治处's register for 2011 (kaohe's built-in
考核办登记表): monthly deductions, the year-end satisfaction surveys (满意度测评), the 创新创优
bonuses and one case that takes a unit out of the awards. Fixed rows, no randomness:
tests/test_example_xiacheng.py checks the year of the 第三序列 against values worked out by hand.

    python make_data.py [DIRECTORY]     # writes 政治处_考核登记_2011.csv (default: beside this file)
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

FILE = "政治处_考核登记_2011.csv"
HEADER = ["编号", "单位", "日期", "记录类型", "数值", "名称", "说明"]

GROUPS_1_2 = ("派出所评议", "分局党委成员评议")
GROUPS_3 = ("派出所民警评议", "辖区群众评议", "分局业务部门评议", "分局党委成员评议")
SERIES = {
    "办公室": 1, "政治处": 1, "法制科": 1, "国保大队": 2, "禁毒大队": 2, "刑侦大队": 2, "经侦大队": 2,
    "天水派出所": 3, "武林派出所": 3, "长庆派出所": 3,
}


def rows() -> list[tuple[str, str, str, object, str, str]]:
    out: list[tuple[str, str, str, object, str, str]] = [
        # (unit, date, kind, value, name, note)
        ("天水派出所", "2011-04-08", "dafangkong", -10, "", "命案积案未按期攻破"),
        ("天水派出所", "2011-09-02", "qita", "-0.5", "", "未及时提供绩效考核数据"),
        ("武林派出所", "2011-08-15", "quxiao", None, "", "民警违反“五条禁令”受纪律处分"),
        ("办公室", "2011-03-10", "yewu", -5, "", "本单位工作目标未完成"),
        ("刑侦大队", "2011-06-12", "zhifa", -8, "", "执法质量考评扣分"),
        ("刑侦一中队", "2011-05-05", "zhongdui", -3, "", "中队考核扣分"),
        # 创新创优 (年底一次性评定)
        ("天水派出所", "2011-11-28", "chuangxin", 1, "社区警务创新", "创新工作"),
        ("天水派出所", "2011-11-28", "chuangxin", "0.8", "智慧安防小区", "创新工作"),
        ("天水派出所", "2011-12-05", "xianjin", "0.6", "省厅表彰", "业务工作受省厅表彰"),
    ]
    # 长庆派出所: 打防控 30 and 队伍建设 50 points off every month (January is 2010-12-21 … 2011-01-20)
    out += [("长庆派出所", f"2011-{m:02d}-05", "dafangkong", -30, "", f"{m}月打防控考评扣分") for m in range(1, 13)]
    out += [("长庆派出所", f"2011-{m:02d}-06", "duiwu", -50, "", f"{m}月队伍建设考评扣分") for m in range(1, 13)]
    # 满意度测评 (年底一次性计分): every group scores 90, except the cases below
    special = {
        ("天水派出所", "辖区群众评议"): [84, 86],
        ("天水派出所", "分局业务部门评议"): [80],
        ("天水派出所", "分局党委成员评议"): [95],
        ("长庆派出所", "*"): [80],
        ("法制科", "派出所评议"): [95],
    }
    for unit, series in SERIES.items():
        for group in GROUPS_3 if series == 3 else GROUPS_1_2:
            scores = special.get((unit, group), special.get((unit, "*"), [90]))
            if (unit, group) == ("天水派出所", "派出所民警评议"):
                scores = [90]
            for score in scores:
                out.append((unit, "2011-12-10", "manyi", score, group, "年终满意度测评"))
    return out


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for n, (unit, day, kind, value, name, note) in enumerate(rows(), start=1):
            w.writerow([f"XC{n:03d}", unit, day, f"office.{kind}", "" if value is None else value, name, note])
    return [path]


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent):
        print(p)
