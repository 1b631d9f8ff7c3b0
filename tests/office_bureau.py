"""A three-station bureau for the publication tests, configured only with the office's own items
(no department plugin), so that every number below can be worked out by hand.

One category 基础工作 (base 100, weight 100); the item 接警后未按时到场 costs 2 points a time, 台账不规范 1
point. April 2015 (natural months):

- 甲派出所 (a): two late arrivals, L1 and L2        → 100 − 2 − 2 = 96
- 乙派出所 (b): one late arrival L3 and one 台账 M1   → 100 − 2 − 1 = 97
- 丙派出所 (c): nothing                              → 100

The top is 100, so the normalised scores equal the raw ones: 丙 1st, 乙 2nd, 甲 3rd.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from inprocess import kaohe as run_kaohe

CONFIG = """
[bureau]
name = "测试区公安分局"
cutoff_day = "end"

[scheme]
name = "测试考核办法"
decimals = 2

[[series]]
id = "s"
name = "派出所"

[[categories]]
id = "jichu"
name = "基础工作"
weight = 100
base = 100

[[units]]
id = "a"
name = "甲派出所"
series = "s"
[[units]]
id = "b"
name = "乙派出所"
series = "s"
[[units]]
id = "c"
name = "丙派出所"
series = "s"

[[office_items]]
id = "office.late"
title = "接警后未按时到场"
department = "考核办"
category = "jichu"
reference = "seed 000 l.548"
reads = ["office.late"]
shape = "per_occurrence"
params = { points = -2 }

[[office_items]]
id = "office.minor"
title = "台账不规范"
department = "考核办"
category = "jichu"
reference = "seed 000 l.560"
reads = ["office.minor"]
shape = "per_occurrence"
params = { points = -1 }
"""

HEADER = "编号,单位,日期,记录类型,数值,名称,说明\n"
APRIL = [
    "L1,甲派出所,2015-04-03,office.late,,,一类警情 到场用时25分钟",
    "L2,甲派出所,2015-04-09,office.late,,,二类警情 到场用时18分钟",
    "L3,乙派出所,2015-04-10,office.late,,,到场超时",
    "M1,乙派出所,2015-04-12,office.minor,,,台账缺页",
]


def make(directory: Path, extra_config: str = "", rows: list[str] | None = None) -> Path:
    """Write the configuration and April's register into ``directory``; returns the config path."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "kaohe.toml"
    config.write_text(CONFIG + extra_config, encoding="utf-8")
    (directory / "register.csv").write_text(HEADER + "\n".join(rows if rows is not None else APRIL) + "\n", encoding="utf-8")
    return config


def env() -> dict[str, str]:
    """Only the built-in office plugin is loaded (faster, and independent of the bundled plugins)."""
    return {**os.environ, "KAOHE_LOAD_PLUGINS": ""}


def kaohe(directory: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    out = run_kaohe(*args, cwd=directory, env=env())
    if check and out.returncode != 0:
        raise AssertionError(f"kaohe {' '.join(args)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out
