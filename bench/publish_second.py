"""Publishing a second edition of a month (and `kaohe diff` of two editions), whole process: peak RSS, CPU and
wall, against a baseline kernel, in one run:

    python bench/publish_second.py --dir /tmp/copy-0.1 --baseline 92cf824 --runs 2

Each ``--dir`` is a bureau that ``bench/run.py`` ingested, signed off and scored, copied to a scratch folder
(the commands write editions and adjustments into its database): never the bench data itself. The month
(``--period``, 2015-06) is published once first if it has no edition, untimed. Then, ``--runs`` times for
each kernel, interleaved: the month is unlocked, a 通知单 of −0.5 is added for one station (untimed, this
checkout's kernel), and ``kaohe publish PERIOD`` makes the next edition, which describes what changed since
the one before it (``report.editions``: the baseline decodes both payloads whole, twice; this checkout reads
them a unit at a time). Last, ``kaohe diff PERIOD#1 PERIOD#N --json`` with each kernel: its output must be
the same. The current kernel is this checkout's ``kernel/src``, the baseline ``git archive BASELINE kernel``
put first on ``PYTHONPATH`` (the plugins are this checkout's). Peak RSS is the child's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from publish_rss import EXE, child, kernel_envs


def _output(cmd: list[str], env: dict[str, str]) -> bytes:
    return subprocess.run(cmd, check=True, capture_output=True, env=env).stdout


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, action="append", required=True, help="a scored copy of a bench bureau (repeatable)")
    p.add_argument("--baseline", default="main", help="the git revision whose kernel is the baseline")
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--period", default="2015-06")
    a = p.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="publish-second-"))
    try:
        kernels = kernel_envs(a.baseline, scratch, os.environ.get("KAOHE_ACTOR", "bench-office"))
        exe = EXE
        load = os.getloadavg()
        print(f"baseline {a.baseline} against this checkout; {a.runs} runs each, interleaved; load average {load[0]:.2f} {load[1]:.2f}")
        print(f"{'bureau':<16} {'command':<22} {'kernel':<9} {'peak RSS MiB':>13} {'CPU s best':>11} {'wall s best':>12}")
        for d in a.dir:
            cfg = str(d / "kaohe.toml")
            db = sqlite3.connect(f"file:{d / 'kaohe.sqlite'}?mode=ro", uri=True)
            unit = db.execute("SELECT unit FROM scores WHERE period = ? ORDER BY unit LIMIT 1", [a.period]).fetchone()[0]
            editions = db.execute("SELECT count(*) FROM editions WHERE period = ?", [a.period]).fetchone()[0]
            db.close()
            out = scratch / d.name
            if not editions:
                child([*exe, "-c", cfg, "publish", a.period, "--date", "2015-07-01", "-o", str(out / "first")], kernels["current"])
            got: dict[str, list[tuple[float, float, int]]] = {"baseline": [], "current": []}
            for n in range(a.runs):
                for name in (("baseline", "current") if n % 2 == 0 else ("current", "baseline")):
                    # locked by the edition before ([publication] lock): unlocked with a reason (or not locked)
                    subprocess.run([*exe, "-c", cfg, "unlock", a.period, "--reason", "基准测试:下发通知单"], env=kernels["current"],
                                   capture_output=True, check=False)
                    child([*exe, "-c", cfg, "adjust", "add", a.period, unit, "-0.5", "--reason", f"基准测试通知单{n}{name}",
                           "--approved-by", "考核领导小组"], kernels["current"])
                    target = out / f"{name}-{n}"
                    got[name].append(child([*exe, "-c", cfg, "publish", a.period, "--date", "2015-07-01", "-o", str(target)], kernels[name]))
                    shutil.rmtree(target)
            for name in ("baseline", "current"):
                rss = max(r[2] for r in got[name]) / 2**20
                print(f"{d.name:<16} {'publish (next edition)':<22} {name:<9} {rss:>13,.0f} {min(r[1] for r in got[name]):>11.2f} "
                      f"{min(r[0] for r in got[name]):>12.2f}")
            db = sqlite3.connect(f"file:{d / 'kaohe.sqlite'}?mode=ro", uri=True)
            last = db.execute("SELECT max(number) FROM editions WHERE period = ?", [a.period]).fetchone()[0]
            db.close()
            cmd = [*exe, "-c", cfg, "diff", f"{a.period}#1", f"{a.period}#{last}", "--json"]
            texts = {name: _output(cmd, kenv) for name, kenv in kernels.items()}
            for name, kenv in kernels.items():
                wall, cpu, rss = child(cmd, kenv)
                print(f"{d.name:<16} {f'diff #1 #{last}':<22} {name:<9} {rss / 2**20:>13,.0f} {cpu:>11.2f} {wall:>12.2f}")
            print(f"{d.name:<16} diff output: {'the same' if texts['baseline'] == texts['current'] else 'DIFFERS'} "
                  f"({len(texts['current']):,} bytes)")
            shutil.rmtree(out, ignore_errors=True)
        load = os.getloadavg()
        print(f"load average at the end {load[0]:.2f} {load[1]:.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
