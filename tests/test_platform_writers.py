"""Several workers and writers on one bureau (issue 22, point 3), SQLite: a worker process killed in
the middle of an import loses nothing — the store rolls the import back, the department's upload is
waiting again and imported whole when confirmed once more, its records counted once — and two
workers confirming the same upload at once import it once; two workers importing two files of the
same period at once take turns (one writer: the store's write lock) and both are stored whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import report_bureau
from kaohe.core.errors import KaoheError
from kaohe.office import handin
from kaohe.office.ingest import ingest
from kaohe.scheme.config import parse_bureau
from kaohe.store.integrity import verify
from kaohe.store.store import BATCH, Store

HERE = Path(__file__).parent
ROWS = 3 * BATCH + 500
DEPARTMENT = "测试大队"

CHILD = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
import report_bureau
from kaohe.core.errors import KaoheError
from kaohe.office import handin
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store

tmp, token, marker, pause = Path(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
reg = report_bureau.registry()
bureau = parse_bureau({{**report_bureau.CONFIG, "bureau": {{**report_bureau.CONFIG["bureau"], "database": "kaohe.sqlite"}}}}, reg, "test.toml", tmp)

def progress(rows):
    if rows >= 2 * {batch} and marker != "-":  # batches written: the import's transaction is open
        Path(marker).touch()
        time.sleep(pause)

try:
    with Store(bureau.database) as store:
        report = handin.confirm(store, bureau, reg, token, account="dept", department="测试大队", progress=progress)
    print("imported", report.new)
except KaoheError as exc:
    print("refused", exc)
"""


def _bureau(tmp: Path):
    reg = report_bureau.registry()
    return parse_bureau({**report_bureau.CONFIG, "bureau": {**report_bureau.CONFIG["bureau"], "database": "kaohe.sqlite"}}, reg, "test.toml", tmp), reg


def _csv(path: Path, prefix: str, rows: int) -> Path:
    units = ["rulin", "xuebu", "zhixi", "jincheng"]
    with path.open("w", encoding="utf-8") as f:
        f.write("编号,单位,日期,类型,说明\n")
        for i in range(rows):
            f.write(f"{prefix}{i:06d},{units[i % 4]},2015-05-{1 + i % 9:02d},迟到,\n")
    return path


def _upload(store: Store, bureau, reg, file: Path) -> str:
    token, folder = handin.new_folder(bureau)
    (folder / file.name).write_bytes(file.read_bytes())
    up = handin.check(store, bureau, reg, token, file.name, account="dept", department=DEPARTMENT)
    assert up.check["accepted"] == ROWS
    return token


def _child(tmp: Path, token: str, marker: str = "-", pause: float = 0.0) -> subprocess.Popen[str]:
    script = CHILD.format(here=str(HERE), batch=BATCH)
    env = {**os.environ, "PYTHONPATH": str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-c", script, str(tmp), token, marker, str(pause)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _stored(store: Store, bureau, reg, file: Path) -> tuple[int, int]:
    """(new, unchanged) of a dry run of ``file``: what of it is stored already."""
    r = ingest(store, bureau, reg, file, dry_run=True, actor="test")
    return r.new, r.unchanged


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_worker_killed_mid_import_loses_nothing(tmp_path):
    bureau, reg = _bureau(tmp_path)
    file = _csv(tmp_path / "测试大队-5月.csv", "K", ROWS)
    with Store(bureau.database) as store:
        token = _upload(store, bureau, reg, file)
        trail = len(store.audit())
    marker = tmp_path / "writing"
    child = _child(tmp_path, token, str(marker), pause=120)
    for _ in range(1200):
        if marker.exists() or child.poll() is not None:
            break
        time.sleep(0.1)
    assert marker.exists(), child.communicate()
    os.kill(child.pid, signal.SIGKILL)  # mid-import: two batches written, the transaction open
    child.wait(30)
    with Store(bureau.database) as store:
        # nothing of it was stored, nothing half-written, nothing recorded as imported
        assert _stored(store, bureau, reg, file) == (ROWS, 0)
        assert [e["action"] for e in store.audit()[trail:]] == []
        assert verify(store).clean
        # the upload is waiting again: listed for the department, and confirmed once more it is
        # imported whole, once
        assert [u.token for u in handin.waiting(bureau, DEPARTMENT)] == [token]
        report = handin.confirm(store, bureau, reg, token, account="dept", department=DEPARTMENT)
        assert (report.new, report.rejected_total) == (ROWS, 0)
        assert _stored(store, bureau, reg, file) == (0, ROWS)
        with pytest.raises(KaoheError, match="已确认、已取消或已过期"):
            handin.confirm(store, bureau, reg, token, account="dept", department=DEPARTMENT)
        assert handin.waiting(bureau, DEPARTMENT) == []
        assert verify(store).clean


def test_two_workers_confirming_one_upload_import_it_once(tmp_path):
    bureau, reg = _bureau(tmp_path)
    file = _csv(tmp_path / "测试大队-5月.csv", "D", ROWS)
    with Store(bureau.database) as store:
        token = _upload(store, bureau, reg, file)
    children = [_child(tmp_path, token) for _ in range(2)]
    outs = sorted(c.communicate(timeout=300)[0].strip() for c in children)
    assert outs[0] == f"imported {ROWS}" and outs[1].startswith("refused"), outs
    with Store(bureau.database) as store:
        assert _stored(store, bureau, reg, file) == (0, ROWS)
        assert sum(1 for e in store.audit() if e["action"] == "导入") == 1
        assert verify(store).clean


def test_two_workers_importing_the_same_period_take_turns(tmp_path):
    bureau, reg = _bureau(tmp_path)
    files = [_csv(tmp_path / f"测试大队-5月-{n}.csv", n, ROWS) for n in ("A", "B")]
    with Store(bureau.database) as store:
        tokens = [_upload(store, bureau, reg, f) for f in files]
    children = [_child(tmp_path, t) for t in tokens]
    outs = [c.communicate(timeout=300)[0].strip() for c in children]
    assert outs == [f"imported {ROWS}"] * 2, outs
    with Store(bureau.database) as store:
        assert [_stored(store, bureau, reg, f) for f in files] == [(0, ROWS)] * 2
        assert verify(store).clean
