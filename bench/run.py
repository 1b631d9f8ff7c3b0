"""The province-scale benchmark: intake, scoring, publishing and memory, at one or more scales.

    python bench/run.py                      # scales 0.01, 0.1 and 1 (the full province: long)
    python bench/run.py --scales 0.01,0.1    # the smaller ones only
    python bench/run.py --scales 0.001 --out /tmp/b   # a smoke run (the tests use it)

For each scale it generates the synthetic province (bench/generate.py; kept in bench/out/ and
reused when the seed and scale match), then runs each step in a child process of its own so that
the peak resident memory of each step is measured apart (``os.wait4`` gives the child's
``ru_maxrss``). Every figure printed is measured in this run; nothing is carried over.

Steps, in order:

1. ``ingest-csv``: ``kaohe ingest`` of every CSV export into a fresh database (wall time of the
   command, records stored ÷ seconds). A file of 256 KB or more is read by kaohe's reading processes
   (one per core, at most four; kaohe.intake.staging) while the command writes: the peak RSS is that of
   the largest of these processes (``ru_maxrss`` of a child covers its own children), each about
   the same size;
2. ``bare-csv``: the same CSV rows read with ``csv.reader`` and written by a bare ``sqlite3``
   ``executemany`` into a table equivalent to kaohe's ``records`` (same columns, primary key and
   indexes, same pragmas, one transaction a file);
3. ``ingest-xlsx`` and ``bare-xlsx``: the same for the XLSX sample (one month of 110 dispatch);
4. ``score-year``: every month, quarter, half-year and the year scored and stored with their
   explanations (``kaohe.office.jobs.score_year``, what ``kaohe demo`` does);
5. ``score-month``: ``kaohe score 2015-06`` (stores the month and its explanations; the earlier
   months, which the 末位 flag looks at, are stored by then, as in an office's routine);
6. ``scan-month``: the bare SQL floor of scoring the month: ``SELECT unit, item, count(*),
   sum(value) … GROUP BY unit, item`` over the same month's records joined with the items' kinds
   (each record counted once for every item that reads it, as the scoring reads it), and, for
   reference, ``GROUP BY unit, kind`` (each record once);
7. ``publish-month``: the HTML, XLSX and JSON report of 2015-06 (``kaohe.report.publish``; the time
   is that of writing the report; the memory that of the whole process, which scores the month
   first). The month is scored in memory (``score_period(save=False)``) with the SQL engine, whose
   items' record lines are folded (kaohe.scoring.aggregated): these files are smaller than what
   ``kaohe publish`` writes (step 9, the record lines made again from the records), which is the
   published size.
8. issue 18, stored results: ``explain-month``, ``explain-year``, ``ranking-month``,
   ``ranking-year``: ``kaohe explain UNIT 2015-06`` / ``2015`` and ``kaohe ranking 2015-06`` /
   ``2015``, whole process, reading the stored results (up to date after the steps above; each run
   ``LATENCY_RUNS`` times: the median is the figure, the slowest run printed beside it); beside
   them, the baseline of the same run: ``rescore-month`` and ``rescore-year``, the period scored in
   memory without storing (``score_period(save=False)``: what ``explain`` and ``ranking`` did
   before, whole process); ``score-month-only``: the month scored and stored alone
   (``score_period``: what ``kaohe score 2015-06`` did before; it now also brings the stored
   2015-Q2, 2015-H1 and 2015 up to date); ``aggregate-year``: the year aggregated from the stored
   months unit by unit, with its year categories (``results.aggregate_stored``), and its peak RSS;
9. ``publish-edition``: ``kaohe publish 2015-06`` (the month frozen as its first edition, then its
   report written into ``published-edition/2015-06/第1版``; wall time of the command). It adds the
   edition to the database: run by hand a second time it finds the edition unchanged and only
   checks the files.
10. issue 18 point 3, rescoring only what changed: one record of the month corrected (a CSV export
   sent again with the record credited to another station, ``correct-one``, then ``kaohe unlock``
   — the published month is locked — and ``kaohe ingest``);
   ``rescore-changed``: the month scored again and stored, only the items reading what changed
   evaluated (``score_period(full=False)``, what ``kaohe score 2015-06`` does for the month), beside
   ``rescore-full``: the same whole (``kaohe score --full``); the two must store the same digest
   (the run stops otherwise). The ratio's baseline is the first scoring of the month
   (``score-month-only``). ``score-month`` is ``kaohe score --full``: the month scored whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MONTH = "2015-06"
LATENCY_RUNS = 5
"""How many times ``explain`` and ``ranking`` are run (step 8): their median is the figure, the slowest beside it."""
YEAR = 2015
GIB = 1024**3


# --- Child steps (run in their own process) -------------------------------------------------------


def _bare_schema(db: sqlite3.Connection) -> None:
    """The columns, primary key and indexes of kaohe's ``records`` table (store.py, migration 1)."""
    db.execute(
        "CREATE TABLE records ([key] TEXT PRIMARY KEY, [kind] TEXT, [unit] TEXT, [date] TEXT, [month] TEXT,"
        " [value] TEXT, [attrs] TEXT, [note] TEXT, [department] TEXT, [hash] TEXT, [version] INTEGER,"
        " [import_id] INTEGER, [file] TEXT, [sheet] TEXT, [row] INTEGER, [voided] INTEGER)"
    )
    db.execute("CREATE INDEX idx_records_kind_date ON records (kind, date)")
    db.execute("CREATE INDEX idx_records_department_month ON records (department, month)")


def _bare_insert(path: Path, files: list[tuple[Path, str, str, str]], rows_of: Any) -> int:
    """Rows as read, one tuple each (key, unit and date cells in place, the other cells joined as
    the attributes), ``executemany`` in one transaction a file, batches of 5,000 as kaohe writes."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    _bare_schema(db)
    sql = "INSERT OR REPLACE INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    total = 0
    for file, adapter_id, unit_header, date_header in files:
        dept = adapter_id.split(".")[0]
        rows = rows_of(file)
        header = [str(h) for h in next(rows)]
        ui, di = header.index(unit_header), header.index(date_header)
        db.execute("BEGIN")
        batch = []
        n = 0
        for n, row in enumerate(rows, start=2):
            date = str(row[di])
            batch.append((
                f"{adapter_id}:{row[0]}:{row[1]}", adapter_id, row[ui], date[:10], date[:7], None,
                "\t".join(str(c) for c in row), "", dept, "", 1, 1, file.name, "", n, 0,
            ))
            if len(batch) >= 5000:
                db.executemany(sql, batch)
                batch = []
        db.executemany(sql, batch)
        db.execute("COMMIT")
        total += max(n - 1, 0)
    db.close()
    return total


def _adapter_headers(adapter_id: str) -> tuple[str, str]:
    from kaohe.plugins.discovery import load_registry

    ad = load_registry().adapters[adapter_id]
    return ad.column(ad.unit_column).name, ad.column(ad.date_column).name


def step_bare_csv(directory: Path) -> dict[str, Any]:
    import csv

    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    heads: dict[str, tuple[str, str]] = {}
    files = []
    for f in manifest["files"]:
        if f["adapter"] not in heads:
            heads[f["adapter"]] = _adapter_headers(f["adapter"])
        files.append((directory / f["path"], f["adapter"], *heads[f["adapter"]]))

    def rows_of(path: Path) -> Any:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from csv.reader(fh)

    started = time.perf_counter()
    n = _bare_insert(directory / "bare.sqlite", files, rows_of)
    seconds = time.perf_counter() - started
    for suffix in ("", "-wal", "-shm"):  # measured: its disk is given back (the full province's is ~10 GB)
        Path(f"{directory / 'bare.sqlite'}{suffix}").unlink(missing_ok=True)
    return {"records": n, "seconds": seconds}


def step_bare_xlsx(directory: Path) -> dict[str, Any]:
    import openpyxl

    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    x = manifest["xlsx"]
    unit_h, date_h = _adapter_headers(x["adapter"])

    def rows_of(path: Path) -> Any:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        next(rows)  # the title row above the header
        yield from rows
        wb.close()

    started = time.perf_counter()
    n = _bare_insert(directory / "xlsx" / "bare.sqlite", [(directory / x["path"], x["adapter"], unit_h, date_h)], rows_of)
    return {"records": n, "seconds": time.perf_counter() - started}


def _open(directory: Path) -> tuple[Any, Any, Any]:
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(directory / "kaohe.toml", registry)
    return bureau, registry, Store(bureau.database)


def step_score_year(directory: Path) -> dict[str, Any]:
    from kaohe.office.jobs import score_year

    bureau, registry, store = _open(directory)
    started = time.perf_counter()
    results = score_year(store, bureau, registry, YEAR)
    seconds = time.perf_counter() - started
    store.close()
    return {"seconds": seconds, "periods": len(results)}


def step_scan_month(directory: Path) -> dict[str, Any]:
    """The bare SQL floor of scoring the month: ``GROUP BY unit, item`` over the month's records
    (each record once for every item that reads its kind, as scoring reads it: a join with the
    items' kinds), and, for reference, ``GROUP BY unit, kind`` (each record once)."""
    from kaohe.core.periods import Period

    bureau, registry, store = _open(directory)
    kinds = sorted({k for it in bureau.items for k in it.reads})
    item_kinds = sorted({(it.id, k) for it in bureau.items for k in it.reads})
    p = Period.parse(MONTH)
    start, end = bureau.calendar.start(p).isoformat(), bureau.calendar.end(p).isoformat()
    store.close()
    db = sqlite3.connect(bureau.database)
    db.execute("CREATE TEMP TABLE item_kinds (item TEXT, kind TEXT)")
    db.executemany("INSERT INTO item_kinds VALUES (?, ?)", item_kinds)
    by_item = (
        "SELECT r.unit, ik.item, count(*), sum(r.value) FROM records r JOIN item_kinds ik ON ik.kind = r.kind"
        " WHERE r.voided = 0 AND r.date BETWEEN ? AND ? GROUP BY r.unit, ik.item"
    )
    by_kind = (
        f"SELECT unit, kind, count(*), sum(value) FROM records WHERE voided = 0 AND kind IN ({','.join('?' * len(kinds))})"
        " AND date BETWEEN ? AND ? GROUP BY unit, kind"
    )
    out: dict[str, Any] = {}
    for name, q, args in (("item", by_item, [start, end]), ("kind", by_kind, [*kinds, start, end])):
        plan = " / ".join(r[-1] for r in db.execute("EXPLAIN QUERY PLAN " + q, args))
        started = time.perf_counter()
        groups = db.execute(q, args).fetchall()
        seconds = time.perf_counter() - started
        out[name] = {"seconds": seconds, "rows": sum(g[2] for g in groups), "groups": len(groups), "plan": plan}
    db.close()
    # "seconds" and "records": the unit-and-item scan (the goal's floor) and the month's records
    return {"seconds": out["item"]["seconds"], "records": out["kind"]["rows"], "items": len(bureau.items), **out}


def step_publish_month(directory: Path) -> dict[str, Any]:
    from kaohe.core.periods import Period
    from kaohe.office.jobs import score_period
    from kaohe.report import publish

    bureau, registry, store = _open(directory)
    result = score_period(store, bureau, registry, Period.parse(MONTH), save=False)
    out = directory / "published" / MONTH
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    publish(out, bureau, registry, result, store)
    seconds = time.perf_counter() - started
    store.close()
    sizes = {f.name: f.stat().st_size for f in out.iterdir() if f.is_file()}
    return {"seconds": seconds, "bytes": sum(sizes.values()), "files": sizes}


def step_signoff(directory: Path) -> dict[str, Any]:
    """The departments the synthetic province has no data for sign off each month (they had nothing
    to report), as in an office's routine: the year is then complete, every item is scored (a
    department that sent nothing would have its items skipped and marked missing) and the month
    publishes without ``--allow-missing``. Not a figure of the benchmark."""
    from kaohe.core.periods import Period
    from kaohe.scoring.status import data_status

    bureau, registry, store = _open(directory)
    started = time.perf_counter()
    rows = [r for r in data_status(store, bureau, registry, Period(YEAR, "year")) if r.missing]
    for r in rows:
        store.sign_off(r.department, r.period, "bench", "本期无须报送的事项")
    store.close()
    return {"seconds": time.perf_counter() - started, "signed": len(rows)}


def step_rescore(directory: Path, label: str) -> dict[str, Any]:
    """What ``explain`` and ``ranking`` did before issue 18: the period scored in memory, not stored."""
    from kaohe.core.periods import Period
    from kaohe.office.jobs import score_period

    bureau, registry, store = _open(directory)
    started = time.perf_counter()
    result = score_period(store, bureau, registry, Period.parse(label), save=False)
    seconds = time.perf_counter() - started
    store.close()
    return {"seconds": seconds, "units": len(result.units)}


def step_score_month_only(directory: Path) -> dict[str, Any]:
    from kaohe.core.periods import Period
    from kaohe.office.jobs import score_period

    bureau, registry, store = _open(directory)
    started = time.perf_counter()
    score_period(store, bureau, registry, Period.parse(MONTH))
    seconds = time.perf_counter() - started
    store.close()
    return {"seconds": seconds}


def step_aggregate_year(directory: Path) -> dict[str, Any]:
    from kaohe.core.periods import Period
    from kaohe.office.results import aggregate_stored

    bureau, registry, store = _open(directory)
    started = time.perf_counter()
    result = aggregate_stored(store, bureau, registry, Period(YEAR, "year"))
    seconds = time.perf_counter() - started
    store.close()
    return {"seconds": seconds, "units": len(result.units)}


def step_correct_one(directory: Path) -> dict[str, Any]:
    """Issue 18 point 3: a department's CSV export sent again with one record of the month corrected
    (credited to another station, as a correction often is): the file is written beside the others
    (``correction/``), for ``kaohe ingest``. Not timed."""
    import csv

    db = sqlite3.connect(directory / "kaohe.sqlite")
    key, file, unit = db.execute(
        "SELECT key, file, unit FROM records WHERE month = ? AND voided = 0 AND file LIKE '%.csv' ORDER BY key LIMIT 1", [MONTH]
    ).fetchone()
    other = db.execute("SELECT key FROM records WHERE file = ? AND unit != ? ORDER BY key LIMIT 1", [file, unit]).fetchone()[0]
    db.close()
    source = next(f for f in directory.rglob(file) if f.parent.name != "correction")
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    adapter = next(x["adapter"] for x in manifest["files"] if Path(x["path"]).name == source.name)
    unit_h, _ = _adapter_headers(adapter)
    header = next(i for i, r in enumerate(rows) if unit_h in r)
    col = rows[header].index(unit_h)

    def row_of(k: str) -> list[str]:
        return next(r for r in rows[header + 1 :] if k.split(":")[-1] in r)

    row_of(key)[col] = row_of(other)[col]
    out = directory / "correction" / source.name
    out.parent.mkdir(exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return {"file": str(out), "key": key}


def step_rescore_changed(directory: Path, full: bool) -> dict[str, Any]:
    """The month scored again after the correction, and stored: only what changed (``full`` false:
    what ``kaohe score 2015-06`` does now for the month) or whole (``kaohe score --full``); the
    digest of what was stored, for the two to be compared."""
    from kaohe.core.periods import Period
    from kaohe.office.jobs import score_period
    from kaohe.office.rescore import to_evaluate

    bureau, registry, store = _open(directory)
    period = Period.parse(MONTH)
    fresh = None if full else to_evaluate(store, bureau, registry, period)
    started = time.perf_counter()
    score_period(store, bureau, registry, period, full=full)
    seconds = time.perf_counter() - started
    state = store.period_state(MONTH)
    store.close()
    assert state is not None
    return {
        "seconds": seconds, "digest": state["digest"], "items": len(bureau.items),
        "evaluated": len(bureau.items) if fresh is None else len(fresh),
    }


CHILD_STEPS = {
    "correct-one": step_correct_one,
    "rescore-changed": lambda d: step_rescore_changed(d, False),
    "rescore-full": lambda d: step_rescore_changed(d, True),
    "rescore-month": lambda d: step_rescore(d, MONTH),
    "rescore-year": lambda d: step_rescore(d, str(YEAR)),
    "score-month-only": step_score_month_only,
    "aggregate-year": step_aggregate_year,
    "signoff": step_signoff,
    "bare-csv": step_bare_csv,
    "bare-xlsx": step_bare_xlsx,
    "score-year": step_score_year,
    "scan-month": step_scan_month,
    "publish-month": step_publish_month,
}


# --- The parent: one child a step, its wall time and peak memory -----------------------------------


def _kaohe() -> list[str]:
    exe = shutil.which("kaohe", path=str(Path(sys.executable).parent)) or shutil.which("kaohe")
    return [exe] if exe else [sys.executable, "-c", "from kaohe.cli.main import main; main()"]


def _locked(directory: Path, label: str) -> bool:
    """Whether the published period ``label`` is locked now (kaohe.office.lock)."""
    from kaohe.office.lock import lock_of
    from kaohe.store.store import Store

    with Store(directory / "kaohe.sqlite", readonly=True) as store:
        return lock_of(store, label) is not None


def run_child(cmd: list[str], log: Path) -> dict[str, Any]:
    """Run ``cmd``; its wall seconds, peak RSS (bytes) and, for our own steps, the JSON it prints last."""
    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=out, text=True, encoding="utf-8")
        assert p.stdout is not None
        text = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.write(text)
    wall = time.perf_counter() - started
    if p.returncode != 0:
        raise SystemExit(f"step failed ({p.returncode}): {' '.join(cmd)}; see {log}")
    res: dict[str, Any] = {"wall": wall, "rss": usage.ru_maxrss * 1024}
    last = text.strip().splitlines()[-1] if text.strip() else ""
    if last.startswith("{"):
        res.update(json.loads(last))
    return res


def _latency(step: dict[str, Any]) -> str:
    """A latency step's median and slowest run (results of runs before ``LATENCY_RUNS``: the one run)."""
    return f"{step['seconds']:.2f} s ({step.get('slowest', step['seconds']):.2f} s)"


def _count(db: Path, table: str = "records") -> int:
    c = sqlite3.connect(str(db))
    try:
        return int(c.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        c.close()


def _first_unit(db: Path) -> str:
    c = sqlite3.connect(str(db))
    try:
        return str(c.execute("SELECT unit FROM scores WHERE period = ? ORDER BY unit LIMIT 1", [MONTH]).fetchone()[0])
    finally:
        c.close()


def _fresh(directory: Path) -> None:
    for name in ("kaohe.sqlite", "xlsx/kaohe.sqlite", "bare.sqlite", "xlsx/bare.sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{directory / name}{suffix}").unlink(missing_ok=True)


def run_scale(scale: float, seed: int, out: Path, echo: Any = print, thin: float = 1.0) -> dict[str, Any]:
    from generate import generate

    directory = out / f"scale-{scale:g}"
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else None
    wanted = {"seed": seed, "scale": scale, "thin": thin}
    if manifest is None or any(manifest.get(k) != v for k, v in wanted.items()) or "xlsx" not in manifest:
        shutil.rmtree(directory, ignore_errors=True)
        echo(f"  [{scale:g}] generating the province …")
        started = time.perf_counter()
        manifest = generate(directory, scale, seed, echo=lambda s: None, thin=thin)
        echo(f"  [{scale:g}] {manifest['units']:,} stations, {manifest['rows']:,} rows in {time.perf_counter() - started:.0f} s")
    _fresh(directory)
    log = directory / "run.log"
    log.write_text("", encoding="utf-8")
    me = [sys.executable, str(Path(__file__).resolve())]
    cfg = str(directory / "kaohe.toml")
    files = [str(directory / f["path"]) for f in manifest["files"]]
    steps: dict[str, dict[str, Any]] = {}

    def child(name: str, cmd: list[str]) -> dict[str, Any]:
        echo(f"  [{scale:g}] {name} …")
        res = run_child(cmd, log)
        steps[name] = res
        return res

    r = child("ingest-csv", [*_kaohe(), "-c", cfg, "ingest", "-q", *files])
    r["records"] = _count(directory / "kaohe.sqlite")
    r["seconds"] = r["wall"]
    run_child([*me, "--step", "signoff", "--dir", str(directory)], log)  # not a figure: not among the steps
    r = child("bare-csv", [*me, "--step", "bare-csv", "--dir", str(directory)])
    r = child("ingest-xlsx", [*_kaohe(), "-c", str(directory / "xlsx" / "kaohe.toml"), "ingest", "-q",
                              str(directory / manifest["xlsx"]["path"])])
    r["records"] = _count(directory / "xlsx" / "kaohe.sqlite")
    r["seconds"] = r["wall"]
    child("bare-xlsx", [*me, "--step", "bare-xlsx", "--dir", str(directory)])
    child("score-year", [*me, "--step", "score-year", "--dir", str(directory)])
    r = child("score-month", [*_kaohe(), "-c", cfg, "score", "-q", "--full", MONTH])
    r["seconds"] = r["wall"]
    child("scan-month", [*me, "--step", "scan-month", "--dir", str(directory)])
    child("publish-month", [*me, "--step", "publish-month", "--dir", str(directory)])
    child("score-month-only", [*me, "--step", "score-month-only", "--dir", str(directory)])
    child("aggregate-year", [*me, "--step", "aggregate-year", "--dir", str(directory)])
    unit = _first_unit(directory / "kaohe.sqlite")
    for label, period in (("month", MONTH), ("year", str(YEAR))):
        for name, args in ((f"explain-{label}", ["explain", unit, period]), (f"ranking-{label}", ["ranking", period])):
            # a page view's latency: the median of LATENCY_RUNS whole processes (one run on a shared
            # machine varies by ±0.08 s), the slowest beside it
            runs = [child(name, [*_kaohe(), "-c", cfg, *args]) for _ in range(LATENCY_RUNS)]
            walls = sorted(x["wall"] for x in runs)
            steps[name] = {**runs[0], "seconds": walls[len(walls) // 2], "slowest": walls[-1], "walls": walls,
                           "rss": max(x["rss"] for x in runs)}
        r = child(f"rescore-{label}", [*me, "--step", f"rescore-{label}", "--dir", str(directory)])
        r["seconds"] = r["wall"]  # whole process, as the commands' figures
    shutil.rmtree(directory / "published-edition", ignore_errors=True)
    r = child("publish-edition", [*_kaohe(), "-c", cfg, "publish", MONTH, "--date", "2015-07-01", "-o",
                                  str(directory / "published-edition" / MONTH)])
    r["seconds"] = r["wall"]
    r["bytes"] = sum(f.stat().st_size for f in (directory / "published-edition" / MONTH / "第1版").iterdir())
    # issue 18 point 3: one record corrected, the month rescored (only what changed, then whole)
    fix = run_child([*me, "--step", "correct-one", "--dir", str(directory)], log)
    # the month is locked once published ([publication] lock, the default): the office unlocks it
    # with a reason before the correction (already unlocked when this run published no new edition)
    if _locked(directory, MONTH):
        run_child([*_kaohe(), "-c", cfg, "unlock", MONTH, "--reason", "基准测试:更正一条记录"], log)
    run_child([*_kaohe(), "-c", cfg, "ingest", "-q", fix["file"]], log)
    correction: dict[str, Any] = {}  # beside the steps (whose names tests/test_bench_smoke.py lists)
    for name in ("rescore-changed", "rescore-full"):
        echo(f"  [{scale:g}] {name} …")
        correction[name] = run_child([*me, "--step", name, "--dir", str(directory)], log)
    changed, whole = correction["rescore-changed"], correction["rescore-full"]
    if changed["digest"] != whole["digest"]:
        raise SystemExit(f"rescoring what changed stored other results than a full rescore ({changed['digest']} ≠ {whole['digest']})")
    changed["same"] = True
    result = {
        "scale": scale, "seed": seed, "units": manifest["units"], "rows": manifest["rows"],
        "csv_bytes": manifest["csv_bytes"], "xlsx_rows": manifest["xlsx"]["rows"],
        "db_bytes": sum(p.stat().st_size for p in directory.glob("kaohe.sqlite*")),
        "steps": steps, "correction": correction, "machine": machine(), "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    (directory / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


# --- Report ---------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    import kaohe

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "kaohe": kaohe.__version__,
        "commit": _git("rev-parse", "--short", "HEAD"),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _mib(n: float) -> str:
    return f"{n / 1024**2:,.0f} MiB"


def _rate(n: float, s: float) -> str:
    return f"{n / s:,.0f}/s" if s > 0 else "—"


def table(results: list[dict[str, Any]]) -> str:
    """The figures of each scale, as a Markdown table (one column a scale)."""
    heads = [f"1/{round(1 / r['scale']):,}" if r["scale"] < 1 else "1 (province)" for r in results]
    rows: list[tuple[str, list[str]]] = []

    def add(label: str, f: Any) -> None:
        cells = []
        for r in results:
            try:
                cells.append(f(r, r["steps"]))
            except (KeyError, ZeroDivisionError, TypeError):
                cells.append("—")
        rows.append((label, cells))

    add("stations · records in CSV", lambda r, s: f"{r['units']:,} · {r['rows']:,}")
    add("intake CSV: `kaohe ingest`", lambda r, s: f"{_rate(s['ingest-csv']['records'], s['ingest-csv']['seconds'])} ({s['ingest-csv']['seconds']:.1f} s)")
    add("intake CSV: bare `executemany`", lambda r, s: f"{_rate(s['bare-csv']['records'], s['bare-csv']['seconds'])} ({s['bare-csv']['seconds']:.1f} s)")
    add("**intake CSV: kaohe ÷ bare** (goal ≥ 0.5)", lambda r, s: f"**{(s['ingest-csv']['records'] / s['ingest-csv']['seconds']) / (s['bare-csv']['records'] / s['bare-csv']['seconds']):.2f}×**")
    add("intake XLSX: `kaohe ingest` (rows)", lambda r, s: f"{_rate(s['ingest-xlsx']['records'], s['ingest-xlsx']['seconds'])} ({s['ingest-xlsx']['records']:,} in {s['ingest-xlsx']['seconds']:.1f} s)")
    add("intake XLSX: bare `executemany`", lambda r, s: f"{_rate(s['bare-xlsx']['records'], s['bare-xlsx']['seconds'])} ({s['bare-xlsx']['seconds']:.1f} s)")
    add("**intake XLSX: kaohe ÷ bare** (goal ≥ 0.5)", lambda r, s: f"**{(s['ingest-xlsx']['records'] / s['ingest-xlsx']['seconds']) / (s['bare-xlsx']['records'] / s['bare-xlsx']['seconds']):.2f}×**")
    add(f"score one month ({MONTH}), explanations stored", lambda r, s: f"{s['score-month']['seconds']:.1f} s")
    add("bare `GROUP BY unit, item` over the month's records", lambda r, s: f"{s['scan-month']['item']['seconds']:.2f} s ({s['scan-month']['records']:,} records, {s['scan-month']['item']['rows']:,} record × item)")
    add("score month ÷ bare `GROUP BY unit, item` (issue 9's goal ≤ 3)", lambda r, s: f"**{s['score-month']['seconds'] / s['scan-month']['item']['seconds']:.1f}×**")
    add("bare `GROUP BY unit, kind` over the month's records (each record once)", lambda r, s: f"{s['scan-month']['kind']['seconds']:.2f} s")
    add("**score month ÷ bare `GROUP BY unit, kind`** (issue 18's goal ≤ 3 at full scale)", lambda r, s: f"**{s['score-month']['seconds'] / s['scan-month']['kind']['seconds']:.1f}×**")
    add("score the year (12 months, 4 quarters, 2 halves, year; stored)", lambda r, s: f"{s['score-year']['seconds']:.1f} s")
    add(f"report of {MONTH} as scored in memory (HTML + XLSX + JSON; the SQL-scored items' record lines folded, unlike an edition's)", lambda r, s: f"{s['publish-month']['seconds']:.1f} s ({s['publish-month']['bytes'] / 1e6:,.1f} MB)")
    add(f"`kaohe publish {MONTH}` (first edition: score, freeze, HTML + XLSX + JSON)", lambda r, s: f"{s['publish-edition']['seconds']:.1f} s ({s['publish-edition']['bytes'] / 1e6:,.1f} MB)")
    add(f"score one month alone ({MONTH}, stored; what `kaohe score` did before issue 18)", lambda r, s: f"{s['score-month-only']['seconds']:.1f} s")
    for label, period in (("month", MONTH), ("year", str(YEAR))):
        add(f"`kaohe explain UNIT {period}` from the stored results (whole process; median of {LATENCY_RUNS}, the slowest)", lambda r, s, label=label: _latency(s[f"explain-{label}"]))
        add(f"`kaohe ranking {period}` from the stored results (whole process; median of {LATENCY_RUNS}, the slowest)", lambda r, s, label=label: _latency(s[f"ranking-{label}"]))
        add(f"baseline: {period} re-scored in memory (what explain/ranking did before; whole process)", lambda r, s, label=label: f"{s[f'rescore-{label}']['seconds']:.2f} s")
    add("the year aggregated from the stored months (with its year categories)", lambda r, s: f"{s['aggregate-year']['seconds']:.1f} s")
    add("**year from stored months ÷ a month** (goal ≤ 2)", lambda r, s: f"**{s['aggregate-year']['seconds'] / s['score-month-only']['seconds']:.2f}×**")
    add(f"rescore {MONTH} after a one-record correction (only what changed; stored)", lambda r, s: f"{r['correction']['rescore-changed']['seconds']:.2f} s ({r['correction']['rescore-changed']['evaluated']} of {r['correction']['rescore-changed']['items']} items evaluated)")
    add(f"baseline: {MONTH} rescored whole after it (`kaohe score --full`; stored)", lambda r, s: f"{r['correction']['rescore-full']['seconds']:.2f} s (same digest: {'yes' if r['correction']['rescore-changed']['same'] else 'no'})")
    add("**rescore after a correction ÷ a first scoring** (goal ≤ 0.1)", lambda r, s: f"**{r['correction']['rescore-changed']['seconds'] / s['score-month-only']['seconds']:.2f}×** (÷ the full rescore: {r['correction']['rescore-changed']['seconds'] / r['correction']['rescore-full']['seconds']:.2f}×)")
    for name in ("ingest-csv", "bare-csv", "ingest-xlsx", "score-month", "score-year", "publish-month", "publish-edition",
                 "score-month-only", "aggregate-year", "rescore-year", "explain-year", "ranking-year"):
        add(f"peak RSS: {name}", lambda r, s, name=name: _mib(s[name]["rss"]))
    add("database size", lambda r, s: f"{r['db_bytes'] / 1e9:,.2f} GB")
    lines = ["| | " + " | ".join(heads) + " |", "| --- |" + " ---: |" * len(heads)]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]
    return "\n".join(lines)


def growth(results: list[dict[str, Any]]) -> str:
    """Cost per record (µs) at each scale: flat when the cost grows linearly with the data."""
    if len(results) < 2:
        return ""
    out = ["| µs per record | " + " | ".join(f"{r['scale']:g}" for r in results) + " |",
           "| --- |" + " ---: |" * len(results)]
    per = [
        ("ingest CSV", lambda s, r: s["ingest-csv"]["seconds"] / s["ingest-csv"]["records"]),
        ("ingest XLSX", lambda s, r: s["ingest-xlsx"]["seconds"] / s["ingest-xlsx"]["records"]),
        ("score month", lambda s, r: s["score-month"]["seconds"] / s["scan-month"]["records"]),
        ("score year", lambda s, r: s["score-year"]["seconds"] / s["ingest-csv"]["records"]),
        ("publish month", lambda s, r: s["publish-month"]["seconds"] / s["scan-month"]["records"]),
    ]
    for label, f in per:
        cells = []
        for r in results:
            try:
                cells.append(f"{f(r['steps'], r) * 1e6:.1f}")
            except (KeyError, ZeroDivisionError):
                cells.append("—")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def machine_text(m: dict[str, Any]) -> str:
    return (f"{m['cpu']}, {m['cores']} cores, {m['memory'] / GIB:.0f} GiB; {m['os']}; Python {m['python']}, "
            f"SQLite {m['sqlite']}; kaohe {m['kaohe']} ({m['commit']})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="0.01,0.1,1", help="comma-separated (default 0.01,0.1,1)")
    p.add_argument("--seed", type=int, default=2015)
    p.add_argument("--out", type=Path, default=HERE / "out")
    p.add_argument("--step", choices=sorted(CHILD_STEPS), help=argparse.SUPPRESS)
    p.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--show", action="store_true", help="print the tables of the results already in --out")
    p.add_argument("--thin", type=float, default=1.0, help=argparse.SUPPRESS)  # fewer records a station: smoke test
    a = p.parse_args(argv)
    if a.step:
        print(json.dumps(CHILD_STEPS[a.step](a.dir), ensure_ascii=False))
        return 0
    scales = [float(s) for s in a.scales.split(",") if s.strip()]
    results = []
    for scale in scales:
        path = a.out / f"scale-{scale:g}" / "results.json"
        if a.show:
            if path.exists():
                results.append(json.loads(path.read_text(encoding="utf-8")))
            continue
        results.append(run_scale(scale, a.seed, a.out, thin=a.thin))
        print(table(results[-1:]), flush=True)
    if not results:
        print("no results")
        return 1
    print(f"\nMachine: {machine_text(results[-1]['machine'])}\n")
    print(table(results))
    g = growth(results)
    if g:
        print("\nGrowth (cost per record; flat = linear):\n")
        print(g)
    return 0


if __name__ == "__main__":
    sys.exit(main())
