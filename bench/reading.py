"""What a station chief waits for at the command line (issue 18's goal: ``kaohe explain`` and
``kaohe ranking`` of any period, whole process, under 0.5 s at full scale), on a prepared province.

    python bench/reading.py --dir bench/out/serve-1 [--runs 5] [--unit u0001]

Each command runs as its own process (the whole of it: Python starting, kaohe and its plugins
imported, the configuration and its units file read, the store opened, the stored results read
and printed), interleaved, best and median of ``--runs``. Beside them, in the same run, the floor:
``kaohe --version`` (Python starting and kaohe imported, no work). Nothing is written: the stored
results are read as they are (a period out of date would be scored first, and the script says so).
Python's compiled files (``__pycache__``) are made first, as ``pip install`` makes them: without
them every run would compile kaohe's sources again. Beside the wall time, each process's CPU time
(user + system, from the operating system): on a machine others load, the steadier figure.

``--before SRC`` runs every command a second time, interleaved, with another version of the
kernel's sources (``SRC``: a ``kernel/src`` folder, e.g. ``git archive main kernel/src | tar -x -C
/tmp/main``) first on ``PYTHONPATH``: the same data, the same load, before and after a change.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a prepared province (bench/serve.py --data's folder)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--unit", default="u0001")
    p.add_argument("--before", type=Path, help="another version's kernel/src, run beside this one")
    a = p.parse_args()
    config = a.dir / "kaohe.toml"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    sources = [str(HERE.parent / "kernel" / "src"), str(HERE.parent / "plugins"), *([str(a.before)] if a.before else [])]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *sources], check=True, env=env, stdout=subprocess.DEVNULL)
    kaohe = [str(Path(sys.executable).parent / "kaohe")]
    commands = {
        "floor: kaohe --version": [*kaohe, "--version"],
        f"kaohe explain {a.unit} 2015-06": [*kaohe, "-c", str(config), "explain", a.unit, "2015-06"],
        f"kaohe explain {a.unit} 2015-Q2": [*kaohe, "-c", str(config), "explain", a.unit, "2015-Q2"],
        f"kaohe explain {a.unit} 2015": [*kaohe, "-c", str(config), "explain", a.unit, "2015"],
        "kaohe ranking 2015-06": [*kaohe, "-c", str(config), "ranking", "2015-06"],
        "kaohe ranking 2015-Q2": [*kaohe, "-c", str(config), "ranking", "2015-Q2"],
        "kaohe ranking 2015": [*kaohe, "-c", str(config), "ranking", "2015"],
    }
    envs = {"": env}
    if a.before:
        envs[" (before)"] = {**env, "PYTHONPATH": str(a.before)}
    runs = {name + tag: (cmd, e) for name, cmd in commands.items() for tag, e in envs.items()}
    times: dict[str, list[float]] = {k: [] for k in runs}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(a.runs):
        for name, (cmd, e) in runs.items():
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(cmd, env=e, capture_output=True, text=True)
            times[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
            if done.returncode != 0:
                print(f"{name}: exit {done.returncode}: {done.stderr.strip()[:300]}")
                return 1
            if "已过时" in done.stdout or "已过时" in done.stderr:
                print(f"{name}: the stored results were out of date: {done.stdout.splitlines()[0][:200]}")
    print(f"{a.dir}: best and median of {a.runs} runs, whole process, wall and CPU seconds; load average {os.getloadavg()[0]:.2f}")
    print(f"{'command':<44} {'best s':>8} {'median s':>9} {'CPU best':>9} {'CPU median':>11}")
    for name, ts in times.items():
        print(f"{name:<44} {min(ts):>8.3f} {statistics.median(ts):>9.3f} {min(cpu[name]):>9.3f} {statistics.median(cpu[name]):>11.3f}")
    worst = max(min(ts) for n, ts in times.items() if not n.startswith("floor") and not n.endswith("(before)"))
    print(f"slowest command (best): {worst:.3f} s (goal < 0.5 s); floor {min(times['floor: kaohe --version']):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
