"""The SQLite backup and restore steps of docs/deployment.md ("备份与恢复:SQLite"), as written there:
an online backup with the sqlite3 tool while the bureau's site is open and another process holds an
import's transaction open (the backup is the committed state: the import is not in it), the database
lost, the backup put back with the session key, then checked — ``PRAGMA integrity_check``, kaohe's
``verify`` clean, every edition's digest the one published — and the site signs in again."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from kaohe.store.integrity import verify
from kaohe.store.store import Store
from site_support import make_site, running, signed_in

pytestmark = pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 tool (apt-get install sqlite3)")


class Abandoned(Exception):
    """Ends the other writer's transaction without committing it."""


def test_an_online_backup_restored_is_the_bureau_as_it_was(tmp_path):
    bureau, db = make_site(tmp_path)
    with Store(db, readonly=True) as store:
        digests = [(e["period"], e["number"], e["digest"]) for e in store.editions()]
        trail = len(store.audit())
    backup = tmp_path / "backup"
    backup.mkdir()
    with running(bureau) as base:
        signed_in(base, "rulin")  # the site is open, its store held by its worker thread
        with Store(db) as writer, pytest.raises(Abandoned):
            with writer.writing():  # another writer's transaction, open while the backup runs
                writer.log("测试", "x", subject="not committed")
                # step 1 of the document: the online backup, and the session key beside it
                subprocess.run(["sqlite3", str(db), f".backup '{backup / 'kaohe.sqlite'}'"], check=True, timeout=120)
                shutil.copy(str(db) + ".site-key", backup / "kaohe.sqlite.site-key")
                raise Abandoned
    # the database lost
    for suffix in ("", "-wal", "-shm", ".site-key"):
        (tmp_path / f"kaohe.sqlite{suffix}").unlink(missing_ok=True)
    # step 2: put the backup back (the site stopped), then check it
    shutil.copy(backup / "kaohe.sqlite", db)
    shutil.copy(backup / "kaohe.sqlite.site-key", str(db) + ".site-key")
    check = subprocess.run(["sqlite3", str(db), "PRAGMA integrity_check"], check=True, capture_output=True, text=True)
    assert check.stdout.strip() == "ok"
    with Store(db) as store:
        assert verify(store).clean
        assert [(e["period"], e["number"], e["digest"]) for e in store.editions()] == digests
        # the sign-in before the backup is in it; the other writer's uncommitted entry is not
        assert [e["action"] for e in store.audit()[trail:]] == ["登录"]
    with running(bureau) as base:
        c = signed_in(base, "rulin")
        assert c.json("/ranking/2015-02.json")[0] == 200
