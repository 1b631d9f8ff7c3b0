"""The PostgreSQL backup and restore drill of docs/deployment.md ("备份与恢复:PostgreSQL"), run for
real on this machine with Debian's PostgreSQL (a throwaway cluster on a local socket): a primary with
WAL archiving, a streaming replica made with ``pg_basebackup -R``, a base backup, a nightly
``pg_dump -Fc``, a wrong bulk write after a known moment, then (1) the dump restored into a new
database with ``pg_restore``, (2) point-in-time recovery of the base backup to the moment before the
wrong write. Each restore is checked against the primary (row count and an MD5 of the table's
content). Prints the time of each step.

The table stands in for kaohe's records (append-only: a trigger refuses UPDATE and DELETE, as the
store's protections do): the drill tests the procedure, whatever schema the database holds.

Usage::

    python bench/pg_restore_drill.py [--rows 200000]

Run as root, it runs PostgreSQL as the ``postgres`` user (``runuser``); otherwise as the user running it.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]) if glob.glob("/usr/lib/postgresql/*/bin") else Path("/usr/bin")
AS_ROOT = os.geteuid() == 0


def run(*cmd: str, check: bool = True, capture: bool = False) -> str:
    full = [str(BIN / cmd[0]) if (BIN / cmd[0]).exists() else cmd[0], *cmd[1:]]
    if AS_ROOT:
        full = ["runuser", "-u", "postgres", "--", *full]
    p = subprocess.run(full, check=check, capture_output=True, text=True)
    return p.stdout.strip() if capture else ""


class Cluster:
    def __init__(self, data: Path, socket: Path, port: int) -> None:
        self.data, self.socket, self.port = data, socket, port

    def start(self) -> None:
        run("pg_ctl", "-D", str(self.data), "-l", str(self.data.parent / f"{self.data.name}.log"), "-w", "-t", "120", "start",
            "-o", f"-c listen_addresses='' -c unix_socket_directories='{self.socket}' -c port={self.port}")

    def stop(self) -> None:
        run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop", check=False)

    def sql(self, text: str, db: str = "kaohe") -> str:
        return run("psql", "-h", str(self.socket), "-p", str(self.port), "-U", "kaohe", "-d", db, "-XAtq", "-v", "ON_ERROR_STOP=1",
                   "-c", text, capture=True)


CHECK = "SELECT count(*) || ' ' || md5(coalesce(string_agg(id || ':' || unit || ':' || points || ':' || note, ',' ORDER BY id), '')) FROM records"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=200_000)
    a = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kaohe-pg-drill-"))
    (work / "archive").mkdir()
    if AS_ROOT:
        shutil.chown(work, "postgres")
        shutil.chown(work / "archive", "postgres")
    times: dict[str, float] = {}
    primary = Cluster(work / "primary", work, 55432)
    replica = Cluster(work / "replica", work, 55433)
    restored = Cluster(work / "restored", work, 55434)
    try:
        run("initdb", "-D", str(primary.data), "-U", "kaohe", "-A", "trust", "--no-sync")
        with (primary.data / "postgresql.conf").open("a", encoding="utf-8") as f:
            f.write(f"wal_level = replica\narchive_mode = on\narchive_command = 'cp %p {work}/archive/%f'\nmax_wal_senders = 5\n")
        primary.start()
        run("createdb", "-h", str(work), "-p", str(primary.port), "-U", "kaohe", "kaohe")
        primary.sql(
            "CREATE TABLE records (id bigserial PRIMARY KEY, unit text NOT NULL, points numeric NOT NULL, note text NOT NULL);"
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION '只能追加'; END$$;"
            "CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records FOR EACH ROW EXECUTE FUNCTION refuse();"
        )
        insert = ("INSERT INTO records (unit, points, note) SELECT 'u' || (g % 2000), (g % 7) - 3.5, '第' || g || '条' "
                  f"FROM generate_series(1, {a.rows}) g")
        primary.sql(insert)
        # the streaming replica
        t0 = time.perf_counter()
        run("pg_basebackup", "-h", str(work), "-p", str(primary.port), "-U", "kaohe", "-D", str(replica.data), "-X", "stream", "-R", "-c", "fast")
        replica.start()
        times["replica made (pg_basebackup -R, started)"] = time.perf_counter() - t0
        # the base backup for point-in-time recovery
        t0 = time.perf_counter()
        run("pg_basebackup", "-h", str(work), "-p", str(primary.port), "-U", "kaohe", "-D", str(work / "base"), "-X", "stream", "-c", "fast")
        times["base backup (pg_basebackup)"] = time.perf_counter() - t0
        primary.sql(insert)
        good = primary.sql(CHECK)
        t0 = time.perf_counter()
        run("pg_dump", "-h", str(work), "-p", str(primary.port), "-U", "kaohe", "-Fc", "-f", str(work / "kaohe.dump"), "kaohe")
        times["nightly dump (pg_dump -Fc)"] = time.perf_counter() - t0
        moment = primary.sql("SELECT now()")
        time.sleep(1.5)
        primary.sql(insert.replace(f"generate_series(1, {a.rows})", "generate_series(1, 1000)").replace("'第'", "'错误导入第'"))
        primary.sql("SELECT pg_switch_wal()")
        after = primary.sql(CHECK)
        for _ in range(100):  # the replica has the wrong write too: a replica is not a backup
            if replica.sql(CHECK) == after:
                break
            time.sleep(0.2)
        replica_same = replica.sql(CHECK) == after
        refused = subprocess.run(
            (["runuser", "-u", "postgres", "--"] if AS_ROOT else []) + [str(BIN / "psql"), "-h", str(work), "-p", str(replica.port), "-U", "kaohe",
                                                                         "-d", "kaohe", "-XAtq", "-c", "INSERT INTO records (unit, points, note) VALUES ('x', 0, 'x')"],
            capture_output=True, text=True,
        ).returncode != 0
        # (1) the dump into a new database
        t0 = time.perf_counter()
        run("createdb", "-h", str(work), "-p", str(primary.port), "-U", "kaohe", "kaohe_restored")
        run("pg_restore", "-h", str(work), "-p", str(primary.port), "-U", "kaohe", "-d", "kaohe_restored", str(work / "kaohe.dump"))
        times["restore the dump (pg_restore)"] = time.perf_counter() - t0
        dump_ok = primary.sql(CHECK, db="kaohe_restored") == good
        replica.stop()
        primary.stop()
        # (2) point-in-time recovery to the moment before the wrong write
        t0 = time.perf_counter()
        shutil.copytree(work / "base", restored.data, symlinks=True)
        if AS_ROOT:
            subprocess.run(["chown", "-R", "postgres:postgres", str(restored.data)], check=True)
        (restored.data / "recovery.signal").touch()
        with (restored.data / "postgresql.auto.conf").open("a", encoding="utf-8") as f:
            f.write(f"restore_command = 'cp {work}/archive/%f %p'\nrecovery_target_time = '{moment}'\nrecovery_target_action = 'promote'\n"
                    "archive_mode = off\n")
        if AS_ROOT:
            subprocess.run(["chown", "-R", "postgres:postgres", str(restored.data)], check=True)
        restored.start()
        for _ in range(300):
            if restored.sql("SELECT pg_is_in_recovery()") == "f":
                break
            time.sleep(0.2)
        times["point-in-time recovery (base backup + WAL)"] = time.perf_counter() - t0
        pitr_ok = restored.sql(CHECK) == good
        restored.stop()
    finally:
        for c in (restored, replica, primary):
            c.stop()
    size = (work / "kaohe.dump").stat().st_size
    print(f"PostgreSQL drill ({BIN.parent.name}), {2 * a.rows:,} rows before the wrong write of 1,000; dump {size / 1e6:.1f} MB")
    for name, seconds in times.items():
        print(f"  {name}: {seconds:.1f} s")
    print(f"  the replica followed the primary (the wrong write too): {replica_same}; the replica refused a write: {refused}")
    print(f"  the dump restored is the primary at dump time (count and MD5): {dump_ok}")
    print(f"  point-in-time recovery to {moment} is the primary before the wrong write (count and MD5): {pitr_ok}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if dump_ok and pitr_ok and replica_same and refused else 1


if __name__ == "__main__":
    raise SystemExit(main())
