"""The kernel's shape and start-up cost, beside a baseline revision (issue 15, points 1 and 2).

For this working tree's kernel and for the kernel of a baseline revision (``git archive`` into a
temporary folder; default a7a1606, before the layered packages), prints in one run: the modules per
folder, the largest module, the imports of kaohe modules (how many inside functions, how many under
``TYPE_CHECKING``), the import cycles counting every one of them (tests/test_architecture.py's
reading), and the time to import the command's module (``kaohe --help`` without the plugins), the
median of ``--runs`` fresh interpreters; with ``--bureau DIR`` (a demo bureau, ``kaohe demo DIR``),
the time of a whole read-only command, ``kaohe ranking 2015-04`` (plugins loaded, store opened);
with ``--demo``, the wall time of ``kaohe demo``. Each kernel runs with its own revision's plugins,
through ``PYTHONPATH``.

    python bench/layers.py [--base a7a1606] [--base-main kaohe.cli] [--runs 7] [--bureau DIR] [--demo]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_architecture as arch  # noqa: E402  (the test's own reading of the imports)


def extract(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", rev, "kernel/src", "plugins"], cwd=ROOT, capture_output=True, check=True).stdout
    tar = into / "base.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(into, filter="data")
    return into


def shape(kernel: Path) -> dict[str, object]:
    arch.KERNEL = kernel
    modules, imports = arch.kernel_imports()
    edges = arch.kaohe_edges(imports)
    paths = sorted(kernel.rglob("*.py"))
    folders = Counter("(top)" if len(p.relative_to(kernel).parts) == 1 else p.relative_to(kernel).parts[0] for p in paths)
    largest = max(paths, key=lambda p: len(p.read_text(encoding="utf-8").splitlines()))
    return {
        "modules": len(modules),
        "per folder": ", ".join(f"{k} {v}" for k, v in sorted(folders.items())),
        "largest module": f"{largest.relative_to(kernel)} ({len(largest.read_text(encoding='utf-8').splitlines())} lines)",
        "imports of kaohe modules": len(edges),
        "  inside functions": sum(i.local for i in edges),
        "  under TYPE_CHECKING": sum(i.type_checking for i in edges),
        "import cycles (modules in each)": [len(c) for c in arch.cycles(edges)] or "none",
    }


def env_for(src: Path, plugins: Path) -> dict[str, str]:
    paths = [str(src), *(str(p) for p in sorted(plugins.glob("*/src")))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def import_time(env: dict[str, str], module: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], env=env, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def command_time(env: dict[str, str], main: str, bureau: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"from {main} import main; main()", "-c", str(bureau / "kaohe.toml"),
                        "ranking", "2015-04"], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def demo_time(env: dict[str, str], main: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"from {main} import main; main()", "demo", str(Path(tmp) / "demo")],
                       env=env, check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="a7a1606")
    parser.add_argument("--base-main", default="kaohe.cli", help="the baseline's command module (kaohe.cli.main in a layered baseline)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bureau", type=Path)
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = extract(args.base, Path(tmp))
        kernels = {
            f"baseline {args.base}": (base / "kernel/src", base / "plugins", args.base_main),
            "this tree": (ROOT / "kernel/src", ROOT / "plugins", "kaohe.cli.main"),
        }
        rows: dict[str, dict[str, object]] = {}
        for name, (src, plugins, main_module) in kernels.items():
            rows[name] = shape(src / "kaohe")
            env = env_for(src, plugins)
            rows[name][f"import of the command's module (median of {args.runs})"] = f"{import_time(env, main_module, args.runs):.3f} s"
            if args.bureau:
                rows[name][f"kaohe ranking 2015-04 (median of {args.runs})"] = f"{command_time(env, main_module, args.bureau, args.runs):.3f} s"
            if args.demo:
                rows[name]["kaohe demo (wall)"] = f"{demo_time(env, main_module):.1f} s"
    names = list(rows)
    print("| | " + " | ".join(names) + " |")
    print("| --- | " + " | ".join("---" for _ in names) + " |")
    for key in rows[names[0]]:
        print(f"| {key} | " + " | ".join(str(rows[n][key]) for n in names) + " |")


if __name__ == "__main__":
    main()
