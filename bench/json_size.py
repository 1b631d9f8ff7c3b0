"""The size of a month's published files (HTML + XLSX + JSON), each in its current layout beside the
layout before it, written from the same scored month in the same run: the report JSON in version 2
(items described once, records by reference, items without lines left out) and version 1 (every item
of every unit, every line with its whole source record); the page in layout 2 (an item's title,
reference and period once per item, no indentation) and layout 1 (them in every record line's
details, the template's indentation kept).

    python bench/json_size.py                    # scale 0.01 (20 stations)
    python bench/json_size.py --scales 0.01,0.1  # and 0.1 (200 stations: about half an hour here)

For each scale it generates the synthetic province (bench/generate.py, kept in bench/out/ and reused
as bench/run.py does), imports it once (reused when the database holds the records), scores 2015-06
without storing it, and writes ``kaohe.report.publish``'s three files (JSON version 2) and the
version-1 JSON of the same ``ReportData``. It then reads every unit's tree back from the version-2
file with ``kaohe.report.jsondata.read_units`` and checks it equals the version-1 file's tree (a
consumer loses nothing), and checks that every record line of every unit's item reads the same in
both pages (``same_lines``: the old line's text is the new one's plus the item's facts, which the new
page says once above the item's lines). Every figure is measured in this run.
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import re
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


def _records(db: Path) -> int:
    if not db.exists():
        return 0
    c = sqlite3.connect(str(db))
    try:
        return int(c.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        c.close()


def prepare(scale: float, seed: int, out: Path) -> Path:
    """The province at ``scale``, generated and imported (both reused when already there)."""
    from generate import generate
    from run import _kaohe, step_signoff

    directory = out / f"scale-{scale:g}"
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else None
    if manifest is None or manifest.get("seed") != seed or manifest.get("scale") != scale or manifest.get("thin", 1.0) != 1.0:
        shutil.rmtree(directory, ignore_errors=True)
        print(f"  [{scale:g}] generating the province …", flush=True)
        manifest = generate(directory, scale, seed, echo=lambda s: None)
    if _records(directory / "kaohe.sqlite") < manifest["rows"]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{directory / 'kaohe.sqlite'}{suffix}").unlink(missing_ok=True)
        print(f"  [{scale:g}] importing {manifest['rows']:,} rows …", flush=True)
        files = [str(directory / f["path"]) for f in manifest["files"]]
        subprocess.run([*_kaohe(), "-c", str(directory / "kaohe.toml"), "ingest", "-q", *files], check=True,
                       stdout=subprocess.DEVNULL)
        step_signoff(directory)
    return directory


def measure(directory: Path) -> dict[str, Any]:
    from kaohe.core.periods import Period
    from kaohe.office.jobs import score_period
    from kaohe.plugins.discovery import load_registry
    from kaohe.report import build, json_name, publish
    from kaohe.report.jsondata import read_units, write_json
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(directory / "kaohe.toml", registry)
    store = Store(bureau.database)
    print(f"  [{directory.name}] scoring {MONTH} …", flush=True)
    result = score_period(store, bureau, registry, Period.parse(MONTH), save=False)
    new, old = directory / "published-size" / "v2", directory / "published-size" / "v1"
    shutil.rmtree(directory / "published-size", ignore_errors=True)
    old.mkdir(parents=True)
    started = time.perf_counter()
    publish(new, bureau, registry, result, store)
    publish_seconds = time.perf_counter() - started
    name = json_name(MONTH)
    data = build(bureau, result, store=store)
    seconds: dict[int, list[float]] = {1: [], 2: []}
    for version in (1, 2, 1, 2):  # each layout alone, twice, in turn: the faster of each
        started = time.perf_counter()
        write_json(data, old / (name if version == 1 else "v2-again.json"), version=version)
        seconds[version].append(time.perf_counter() - started)
    (old / "v2-again.json").unlink()
    old_seconds, new_seconds = min(seconds[1]), min(seconds[2])
    html_old = old / "index.html"
    html_seconds = html_before(data, html_old)
    store.close()
    files = {f.name: f.stat().st_size for f in new.iterdir()}
    json_v1 = (old / name).stat().st_size
    # a consumer rebuilds every unit's full tree from the new file: equal to the old file's
    with (old / name).open(encoding="utf-8") as f:
        old_units = (json.loads(ln.rstrip("\n").rstrip(",")) for ln in f if ln.startswith('{"unit"'))
        same = all(a == b for a, b in zip(read_units(new / name), old_units, strict=True))
    html_new_text = (new / "index.html").read_text(encoding="utf-8")
    return {
        "html_v1": html_old.stat().st_size, "html_v1_seconds": html_seconds,
        "html_same_lines": same_lines(html_old.read_text(encoding="utf-8"), html_new_text),
        "units": len(result.units), "records": _records(directory / "kaohe.sqlite"), "files": files, "json_v1": json_v1,
        "json_v2": files[name], "same_trees": same, "publish_seconds": publish_seconds, "json_v1_seconds": old_seconds,
        "json_v2_seconds": new_seconds,
    }


def html_before(data: Any, path: Path) -> float:
    """The page as the report wrote it before the compact layout (layout 1, kept in the package as
    ``report-1.html.j2``: the item's title, reference and period in every record line's details, the
    template's indentation kept), from the same ``ReportData``."""
    from kaohe.report.html import write_html

    started = time.perf_counter()
    write_html(data, path, layout=1)
    return time.perf_counter() - started


_LINE = re.compile(r'<details class="item" id="([^"]+)">(.*?)</ol>', re.S)
_FACTS = re.compile(r"考核项目.*?计分期\S*?(?=记录编号|记录日期|说明|数据缺失|$)")


def _text(markup: str) -> str:
    return re.sub(r"\s+", "", html_lib.unescape(re.sub(r"<[^>]+>", "", markup)))


def same_lines(before: str, now: str) -> bool:
    """Every record line of every unit's item says the same in both pages: the old line's text
    (its summary and details) is the new line's text with the item's facts (title, reference,
    period) that the new page says once above the item's lines."""
    old_items = {m.group(1): m.group(2) for m in _LINE.finditer(before)}
    new_items = {m.group(1): m.group(2) for m in _LINE.finditer(now)}
    if old_items.keys() != new_items.keys():
        return False
    for key, body in old_items.items():
        facts = re.search(r'<dl class="item-facts">(.*?)</dl>', new_items[key], re.S)
        old_lines = [_text(x) for x in re.findall(r"<li[^>]*>(.*?)</li>", body, re.S)]
        new_lines = [_text(x) for x in re.findall(r"<li[^>]*>(.*?)</li>", new_items[key], re.S)]
        if len(old_lines) != len(new_lines):
            return False
        for a, b in zip(old_lines, new_lines, strict=True):
            m = _FACTS.search(a)
            if m is None:
                if a != b:
                    return False
            elif facts is None or m.group(0) != _text(facts.group(1)) or a[: m.start()] + a[m.end():] != b:
                return False
    return True


def table(rows: list[tuple[float, dict[str, Any]]]) -> str:
    out = [
        "| scale | stations | HTML now | XLSX | JSON v1 (before) | JSON v2 | JSON v2 ÷ v1 | writing v1 / v2 | files before | files now | now ÷ before | trees equal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for scale, r in rows:
        html = r["files"]["index.html"]
        xlsx = next(v for k, v in r["files"].items() if k.endswith(".xlsx"))
        before = r["html_v1"] + xlsx + r["json_v1"]
        now = html + xlsx + r["json_v2"]
        out.append(
            f"| {scale:g} | {r['units']} | {html / 1e6:.2f} MB | {xlsx / 1e6:.2f} MB | {r['json_v1'] / 1e6:.2f} MB | "
            f"{r['json_v2'] / 1e6:.2f} MB | {r['json_v2'] / r['json_v1']:.2f} | {r['json_v1_seconds']:.1f} s / {r['json_v2_seconds']:.1f} s | "
            f"{before / 1e6:.2f} MB ({before / r['units'] / 1e3:.0f} KB/station) | "
            f"{now / 1e6:.2f} MB ({now / r['units'] / 1e3:.0f} KB/station) | {now / before:.2f} | {'yes' if r['same_trees'] else 'NO'} |"
        )
    return "\n".join(out)


def files_table(rows: list[tuple[float, dict[str, Any]]]) -> str:
    """Every file of the month, as published before (HTML and JSON version 1) and now."""
    out = [
        "| scale | stations | file | before | now | now ÷ before |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for scale, r in rows:
        xlsx = next(v for k, v in r["files"].items() if k.endswith(".xlsx"))
        pairs = [("index.html", r["html_v1"], r["files"]["index.html"]), ("通报-….xlsx", xlsx, xlsx),
                 ("report-….json", r["json_v1"], r["json_v2"])]
        pairs.append(("all files", sum(p[1] for p in pairs), sum(p[2] for p in pairs)))
        for name, before, now in pairs:
            out.append(f"| {scale:g} | {r['units']} | {name} | {before / 1e6:.2f} MB | {now / 1e6:.2f} MB | {now / before:.2f} |")
        out.append(f"| {scale:g} | | (every record line the same text: {'yes' if r['html_same_lines'] else 'NO'}) | | | |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="0.01")
    p.add_argument("--seed", type=int, default=2015)
    p.add_argument("--out", type=Path, default=HERE / "out")
    args = p.parse_args(argv)
    rows = []
    for scale in (float(s) for s in args.scales.split(",")):
        r = measure(prepare(scale, args.seed, args.out))
        print(json.dumps({"scale": scale, **r}, ensure_ascii=False), flush=True)
        rows.append((scale, r))
    print(table(rows))
    print()
    print(files_table(rows))
    return 0 if all(r["same_trees"] and r["html_same_lines"] for _, r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
