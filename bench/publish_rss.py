"""`kaohe publish` of a month, whole process: peak RSS, CPU and wall, against a baseline kernel, in one run:

    python bench/publish_rss.py --dir /tmp/copy-0.01 --dir /tmp/copy-0.1 --baseline 993240f --runs 3

Each ``--dir`` is a bureau that ``bench/run.py`` (or ``bench/serve.py``) ingested, signed off and scored,
copied to a scratch folder (the command writes the edition into its database): never the bench data
itself. The month (``--period``, 2015-06) is published once first, untimed (the edition is made and
recorded), then ``kaohe publish PERIOD --date 2015-07-01 -o NEW_FOLDER`` is run ``--runs`` times with
each kernel, interleaved: the current one (this checkout's ``kernel/src``) and the baseline (``git
archive BASELINE kernel`` into a temporary folder, put first on ``PYTHONPATH``; the plugins are this
checkout's). Every run makes the edition again from the stored results and finds it identical to the
recorded one (the same digest), then writes its files into a folder of its own; the files of every
run are compared byte for byte with the first baseline run's. Peak RSS is the child's ``ru_maxrss``
(``os.wait4``, as bench/run.py's ``run_child``), CPU its user + system time; Python's compiled files
are made first and the children run with them.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS bytes) of ``cmd`` (its output discarded)."""
    started = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert p.stderr is not None
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode('utf-8', 'replace')}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


EXE = [sys.executable, "-c", "from kaohe.cli.main import main; main()"]
"""The command line, run with the kernel its environment's ``PYTHONPATH`` puts first (``kernel_envs``)."""


def kernel_envs(baseline: str, scratch: Path, actor: str) -> dict[str, dict[str, str]]:
    """The environments running ``EXE`` with the baseline's kernel (``git archive BASELINE kernel`` into
    ``scratch``) and with this checkout's, first on ``PYTHONPATH`` (the plugins are this checkout's),
    their compiled files made first and used; ``KAOHE_ACTOR`` set to ``actor``."""
    base = scratch / "baseline"
    base.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", baseline, "kernel"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    for tree in (ROOT / "kernel" / "src", ROOT / "plugins", base / "kernel" / "src"):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["KAOHE_ACTOR"] = actor
    return {
        name: {**env, "PYTHONPATH": os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
        for name, src in (("baseline", base / "kernel" / "src"), ("current", ROOT / "kernel" / "src"))
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, action="append", required=True, help="a scored copy of a bench bureau (repeatable)")
    p.add_argument("--baseline", default="main", help="the git revision whose kernel is the baseline")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--period", default="2015-06")
    p.add_argument("--actor", default=os.environ.get("KAOHE_ACTOR", "bench-office"), help="the office's account (a bureau with site accounts)")
    a = p.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="publish-rss-"))
    try:
        kernels = kernel_envs(a.baseline, scratch, a.actor)
        exe = EXE
        load = os.getloadavg()
        print(f"baseline {a.baseline} against this checkout; {a.runs} runs each, interleaved; load average {load[0]:.2f} {load[1]:.2f}")
        print(f"{'bureau':<16} {'kernel':<9} {'stations':>8} {'peak RSS MiB':>13} {'CPU s best':>11} {'wall s best':>12}  files")
        for d in a.dir:
            cfg = str(d / "kaohe.toml")
            stations = sum(1 for line in (d / "units.csv").read_text(encoding="utf-8").splitlines()[1:] if line.strip()) if (d / "units.csv").is_file() else 0
            out = scratch / d.name
            child([*exe, "-c", cfg, "publish", a.period, "--date", "2015-07-01", "-o", str(out / "first")], kernels["current"])
            got: dict[str, list[tuple[float, float, int]]] = {"baseline": [], "current": []}
            reference: Path | None = None
            same = {"baseline": True, "current": True}
            for n in range(a.runs):
                for name, kenv in kernels.items():
                    target = out / f"{name}-{n}"
                    got[name].append(child([*exe, "-c", cfg, "publish", a.period, "--date", "2015-07-01", "-o", str(target)], kenv))
                    edition = next(target.iterdir())
                    if reference is None:
                        reference = edition
                    files = sorted(f.name for f in reference.iterdir())
                    match, mismatch, errors = filecmp.cmpfiles(reference, edition, files, shallow=False)
                    same[name] = same[name] and not mismatch and not errors and sorted(f.name for f in edition.iterdir()) == files
                    if n:  # keep the first run's files only
                        shutil.rmtree(target)
            for name in ("baseline", "current"):
                rss = max(r[2] for r in got[name]) / 2**20
                cpu = min(r[1] for r in got[name])
                wall = min(r[0] for r in got[name])
                print(f"{d.name:<16} {name:<9} {stations:>8} {rss:>13,.0f} {cpu:>11.2f} {wall:>12.2f}  "
                      + ("identical to the baseline's" if same[name] else "DIFFER"))
            shutil.rmtree(out)
        load = os.getloadavg()
        print(f"load average at the end {load[0]:.2f} {load[1]:.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
