"""The synthetic data of this example: every station's monthly self-check figures (月自查) for
2025, one row per station, month and indicator, in kaohe's built-in 考核办登记表. Fixed figures, no
randomness: tests/test_example_siwei.py checks the first quarter against values worked out by hand.

    python make_data.py [DIRECTORY]     # writes 指标数据_2025.csv (default: beside this file)
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

FILE = "指标数据_2025.csv"
HEADER = ["编号", "单位", "日期", "记录类型", "数值", "名称", "说明"]

INDICATORS = {
    "case_standard": "案件规范率",
    "bodycam_use": "执法记录仪使用率",
    "callback": "群众回访满意度",
    "key_person": "重点人员动态管控率",
    "hazard": "风险隐患排查整改率",
    "window": "窗口办结效率",
    "mediation": "矛盾纠纷调解成功率",
    "discipline": "纪律作风",
    "training": "培训参与率",
    "housekeeping": "内务规范化",
}

# station → indicator → its figure every month (a list of 12 gives each month its own)
FIGURES = {
    "华亭派出所": {
        "case_standard": [96, 98, 100] + [100] * 9,
        "bodycam_use": 100,
        "callback": "98.5",
        "key_person": 95,
        "hazard": [90, 92, 94] + [95] * 9,
        "window": 100,
        "mediation": 90,
        "discipline": 100,
        "training": 100,
        "housekeeping": 96,
    },
    "城南派出所": {k: 95 for k in INDICATORS},
    "柳河派出所": {**{k: 98 for k in INDICATORS}, "callback": 99, "mediation": 96},
    "石桥派出所": {**{k: 97 for k in INDICATORS}, "window": [97, 93, None] + [97] * 9},  # March not reported
}


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for unit, figures in FIGURES.items():
            for month in range(1, 13):
                for kind, name in INDICATORS.items():
                    value = figures[kind]
                    if isinstance(value, list):
                        value = value[month - 1]
                    if value is None:
                        continue
                    n += 1
                    w.writerow([f"ZB{n:04d}", unit, f"2025-{month:02d}-25", f"office.{kind}", value, name, f"{month}月自查"])
    return [path]


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent):
        print(p)
