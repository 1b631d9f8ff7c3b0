"""The synthetic data of this example: the 考评办's register of deductions for 2014
(kaohe's built-in 考核办登记表). Fixed rows, no randomness: tests/test_example_shiju.py checks
the second quarter against values worked out by hand.

    python make_data.py [DIRECTORY]     # writes 考评办_扣分登记_2014.csv (default: beside this file)
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

FILE = "考评办_扣分登记_2014.csv"
HEADER = ["编号", "单位", "日期", "记录类型", "数值", "名称", "说明"]

# (unit, date, block, points, note)
ROWS = [
    # 第一季度
    ("城关派出所", "2014-02-11", "duiwu", -1, "民警着装不规范"),
    ("南山派出所", "2014-03-05", "zhian", -2, "重点场所检查台账不全"),
    ("刑侦大队", "2014-03-12", "jiguan", -3, "季度工作目标未按时完成"),
    # 第二季度
    ("城关派出所", "2014-04-10", "daji", -3, "在逃人员未按期上网"),
    ("城关派出所", "2014-05-18", "daji", "-2.5", "破案数据录入不及时"),
    ("城关派出所", "2014-04-22", "renkou", -6, "暂住人口登记漏登"),
    ("城关派出所", "2014-06-02", "renkou", -5, "户籍档案差错"),
    ("城关派出所", "2014-06-15", "zhifa", -4, "案件卷宗不规范"),
    ("东城派出所", "2014-05-06", "qingbao", -2, "情报信息迟报"),
    ("北湖派出所", "2014-04-28", "anfang", -5, "技防设施未落实"),
    ("北湖派出所", "2014-05-30", "anfang", -3, "安全检查漏项"),
    ("刑侦大队", "2014-06-20", "jiguan", "-7.5", "专案工作未按时完成"),
    # 第三季度
    ("城关派出所", "2014-07-08", "anfang", -5, "重点单位检查漏查"),
    ("城关派出所", "2014-08-19", "anfang", -1, "防范宣传未开展"),
    ("西城派出所", "2014-09-09", "zhifa", -6, "执法过错"),
    # 第四季度
    ("河口派出所", "2014-11-04", "renkou", -2, "人口信息差错"),
]


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for n, (unit, day, block, points, note) in enumerate(ROWS, start=1):
            w.writerow([f"LH{n:03d}", unit, day, f"office.{block}", points, "", note])
    return [path]


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent):
        print(p)
