"""Commands that only read (issue 23, point 5): they read a snapshot of the store without waiting for
a writer that holds the write lock, and they work on a bureau in a read-only folder, where a command
that writes says it has no permission (not that the database is locked).

Run as subprocesses on a real SQLite file. Under root, file permissions do not bind: the read-only
folder is then tried in a user namespace (``unshare --user``), where the files' owner gets only the
owner's permission bits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import office_bureau as ob
import pytest

READERS = [
    ("editions",), ("audit",), ("ranking", "2015-04"), ("explain", "a", "2015-04"), ("status", "2015-04"),
    ("diff", "2015-04#1", "2015-04"), ("appeal", "list"), ("adjust", "list"),
]


@pytest.fixture
def bureau(tmp_path: Path) -> Path:
    ob.make(tmp_path)
    ob.kaohe(tmp_path, "ingest", "register.csv")
    ob.kaohe(tmp_path, "publish", "2015-04", "--date", "2015-05-06")
    return tmp_path


def _run(directory: Path, *args: str, prefix: tuple[str, ...] = ()) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    out = subprocess.run(
        [*prefix, sys.executable, "-c", "from kaohe.cli.main import main; main()", *args],
        cwd=directory, env=ob.env(), capture_output=True, text=True, timeout=120,
    )
    return out, time.monotonic() - started


def test_readers_do_not_wait_for_a_writer_holding_the_write_lock(bureau: Path) -> None:
    """A second process holds BEGIN IMMEDIATE (as an import does) with an uncommitted audit entry:
    every reader answers at once (a writer would wait up to 60 s) and sees the last committed state."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "from kaohe.store.integrity import register\n"
         "c = sqlite3.connect('kaohe.sqlite', isolation_level=None)\n"
         "register(c)\n"  # the audit trail's chain link, as kaohe's own writers have it
         "c.execute('BEGIN IMMEDIATE')\n"
         "c.execute(\"INSERT INTO audit (time, actor, action, subject) VALUES ('t', '写入中', '导入', 'uncommitted')\")\n"
         "print('held', flush=True)\n"
         "time.sleep(90)\n"],
        cwd=bureau, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for args in READERS:
            out, seconds = _run(bureau, *args)
            assert out.returncode == 0, (args, out.stderr)
            assert seconds < 15, (args, seconds)  # far below the 60 s a writer waits
            assert "uncommitted" not in out.stdout and "写入中" not in out.stdout
        ranking, _ = _run(bureau, "ranking", "2015-04")
        # 丙 100, 乙 97 (−2 −1), 甲 96 (−2 −2): office_bureau.py
        rows = [line.split()[:3] for line in ranking.stdout.splitlines() if line.split()[:1] in (["1"], ["2"], ["3"])]
        assert rows == [["1", "丙派出所", "100"], ["2", "乙派出所", "97"], ["3", "甲派出所", "96"]]
        assert holder.poll() is None  # the lock was held throughout
    finally:
        holder.kill()
        holder.wait()


def _read_only_prefix() -> tuple[str, ...]:
    if os.geteuid() != 0:
        return ()
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "--user", "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root without user namespaces: file permissions cannot be made to bind")
    return (unshare, "--user")


def test_a_bureau_in_a_read_only_folder_can_be_viewed_but_not_written(bureau: Path) -> None:
    prefix = _read_only_prefix()
    ob.kaohe(bureau, "ranking", "2015-04")  # checkpointed: the folder holds the database alone
    paths = [p for p in bureau.rglob("*")]
    try:
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        bureau.chmod(0o555)
        for args in READERS:
            out, _ = _run(bureau, *args, prefix=prefix)
            assert out.returncode == 0, (args, out.stderr)
        ranking, _ = _run(bureau, "ranking", "2015-04", "--csv", prefix=prefix)
        assert "丙派出所" in ranking.stdout
        # a backup on a read-only medium is verified (docs/integrity.md): it once said 没有写权限
        checked, _ = _run(bureau, "verify", prefix=prefix)
        assert checked.returncode == 0 and checked.stdout.splitlines()[-1].startswith("完整:"), (checked.stdout, checked.stderr)
        writes = [
            ("adjust", "add", "2015-04", "a", "1", "--reason", "机动加分", "--approved-by", "考核领导小组"),
            ("ingest", "register.csv"),
            ("publish", "2015-04", "--date", "2015-05-07"),
        ]
        for args in writes:
            out, _ = _run(bureau, *args, prefix=prefix)
            assert out.returncode != 0, args
            lines = out.stderr.strip().splitlines()
            assert len(lines) == 1 and "没有写权限" in lines[0], (args, out.stderr)
            assert "locked" not in out.stderr and "锁" not in out.stderr
    finally:
        bureau.chmod(0o755)
        for p in paths:
            p.chmod(0o755 if p.is_dir() else 0o644)
    # nothing was written: still one edition, no adjustment
    assert "尚未" not in ob.kaohe(bureau, "editions").stdout
    assert ob.kaohe(bureau, "adjust", "list").stdout.strip() == "没有调整"
