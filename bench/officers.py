"""The officers' second level at a province's scale (issue 21, point "Speed"): about 60,000 officers in
2,000 units scored, ranked, graded and a bonus divided, from stored unit results, in under a minute.

    python bench/officers.py [--units 2000] [--per-unit 30] [--runs 3] [--out bench/out/officers]

A bureau of ``--units`` stations (上城 2010's scheme, examples/shangcheng-2010/kaohe.toml, with its
[officers] table) gets one 追逃 and one 破案 figure per station in its register, ingested and 2010-Q2
scored and stored (set-up, not timed). The officers' files: ``--per-unit`` officers per station (60,000
at full size), a fifth with a role, one in twenty with leave, one record in two in 民警考核登记.

Timed, interleaved, best and median of ``--runs``:

* baseline — reading the stored unit results of 2010-Q2 (``office.jobs.shown``: what every officer
  command reads first);
* officers — what ``kaohe officers bonus 2010-Q2`` does: the stored results read, the three files and
  the records read, the coefficients, the scores, ranks, bands and grades, and the pool divided to the
  fen with a floor and a cap (the payroll workbooks apart: one unit's is timed on its own).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shangcheng-2010"


def _write(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def prepare(out: Path, units: int, per_unit: int, seed: int) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(seed)
    text = (EXAMPLE / "kaohe.toml").read_text(encoding="utf-8")
    text = text.replace('pool = 100000                      # 每季度奖金池(元)', f"pool = {units * per_unit * 600}\nfloor = 200\ncap = 1000")
    (out / "kaohe.toml").write_text(text, encoding="utf-8")
    ids = [f"p{i:04d}" for i in range(units)]
    _write(out / "units.csv", ["id", "name", "series", "class", "headcount", "tags", "aliases"],
           [(u, f"第{i}派出所", "S1", "", "", "", "") for i, u in enumerate(ids)])
    register = []
    for i, u in enumerate(ids):
        register.append((f"B{2 * i:05d}", f"第{i}派出所", "2010-06-18", "office.zhongdian", rng.randint(0, 40), "追逃", "抓获逃犯数", "", "", ""))
        register.append((f"B{2 * i + 1:05d}", f"第{i}派出所", "2010-06-18", "office.zhongdian", rng.randint(0, 60), "破案", "刑事案件破案数", "", "", ""))
    _write(out / "考核办_季度考核登记_2010.csv", ["编号", "单位", "日期", "记录类型", "数值", "名称", "说明", "级别", "名次", "参评单位数"], register)
    roster, roles, leave, records = [], [], [], []
    n = 0
    for i in range(units):
        for _ in range(per_unit):
            n += 1
            oid = f"{n:06d}"
            joined = f"{rng.randint(1985, 2009)}-{rng.randint(1, 12):02d}-01" if rng.random() > 0.02 else "2010-05-01"
            roster.append((oid, f"民警{n}", f"第{i}派出所", joined, "", ""))
            if rng.random() < 0.2:
                roles.append((oid, rng.choice(["岗位能手", "师傅级", "兼职法制员", "徒弟级"]), "2009-01-01", ""))
            if rng.random() < 0.05:
                days = rng.randint(1, 40)
                leave.append((oid, "病假", "2010-04-01", f"2010-{4 + (days - 1) // 30:02d}-{(days - 1) % 30 + 1:02d}"))
            if rng.random() < 0.5:
                records.append((oid, "破获刑事案件", "2010-05-10", rng.randint(1, 8), "", ""))
    _write(out / "民警名单_2010.csv", ["警号", "姓名", "单位", "入警日期", "调入日期", "调出日期"], roster)
    _write(out / "民警身份_2010.csv", ["警号", "身份", "起始日期", "终止日期"], roles)
    _write(out / "请假登记_2010.csv", ["警号", "假别", "起始日期", "终止日期"], leave)
    _write(out / "民警考核登记_2010.csv", ["警号", "项目", "日期", "数值", "级别", "说明"], records)
    _write(out / "考核系数名单报送_2010.csv", ["单位", "季度", "报送日期"], [])
    config = out / "kaohe.toml"
    kaohe = [sys.executable, "-m", "kaohe.cli.main"]
    for args in (["ingest", "考核办_季度考核登记_2010.csv", "--actor", "bench"], ["score", "2010-Q2"]):
        subprocess.run([*kaohe, "-c", str(config), *args], cwd=out, check=True, stdout=subprocess.DEVNULL)
    return config


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--per-unit", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "officers")
    a = ap.parse_args(argv)

    from kaohe.cli.common import Ctx
    from kaohe.core.periods import Period
    from kaohe.office.jobs import shown
    from kaohe.plugins.officers.bonus import bonus, payroll
    from kaohe.plugins.officers.coefficients import quarter
    from kaohe.plugins.officers.files import read_data, read_records
    from kaohe.plugins.officers.scores import officers_quarter

    t0 = time.perf_counter()
    config = prepare(a.out, a.units, a.per_unit, a.seed)
    print(f"set-up (files written, register ingested, 2010-Q2 scored and stored): {time.perf_counter() - t0:.1f} s")
    q2 = Period.parse("2010-Q2")

    def baseline() -> int:
        ctx = Ctx(str(config))
        with ctx.store() as store:
            result, _ = shown(store, ctx.bureau, ctx.registry, q2)
        return len(result.units)

    def officers() -> tuple[int, int, Decimal]:
        ctx = Ctx(str(config))
        b = ctx.bureau
        s = b.plugin_config["officers"]
        names = {n: u.id for u in b.units for n in u.names}
        data = read_data(s, names)
        rows = quarter(s, data, b.calendar, q2)
        records = read_records(s, {o.id: o.name for o in data.officers})
        with ctx.store() as store:
            result, _ = shown(store, b, ctx.registry, q2)
        scores = officers_quarter(
            s, rows, {u.unit: u for u in result.units}, records, b.calendar, q2,
            {u.id: u.name for u in b.units}, {u.id: u.series for u in b.units},
        )
        shares = bonus(s, scores, None, {u.unit: u.total for u in result.units})
        officers.last = scores, shares  # type: ignore[attr-defined]
        return len(rows), len(shares), Decimal(sum(x.amount for x in shares)) / 100

    base_t: list[float] = []
    off_t: list[float] = []
    for _ in range(a.runs):
        t = time.perf_counter()
        units = baseline()
        base_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        n, paid, total = officers()
        off_t.append(time.perf_counter() - t)
    scores, shares = officers.last  # type: ignore[attr-defined]
    one = scores[0].unit
    t = time.perf_counter()
    payroll(a.out / "payroll", "2010-Q2", [s for s in scores if s.unit == one and s.ranked], [x for x in shares if x.unit == one])
    pay_t = time.perf_counter() - t
    print(f"units {units}, officers {n}, paid {paid}, total {total} 元 (pool {a.units * a.per_unit * 600} 元: 600 元 an officer, floor 200, cap 1000)")
    print(f"baseline: stored unit results read     best {min(base_t):.2f} s  median {statistics.median(base_t):.2f} s")
    print(f"officers: scored, ranked, bonus divided best {min(off_t):.2f} s  median {statistics.median(off_t):.2f} s")
    print(f"one unit's payroll workbook ({sum(1 for s in scores if s.unit == one and s.ranked)} officers): {pay_t:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
