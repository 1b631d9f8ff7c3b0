"""The size of a month's published files (HTML + XLSX + JSON) in three layouts, written from the same
scored month in the same run: as published now (page layout 3: an item's lines drawn by the page's
script from a compressed block; JSON version 3: lines as short arrays, records compactly), as
published before this change (page layout 2, JSON version 2: the "previous" columns), and as the
issue measured them (page layout 1, JSON version 1: the "before" columns, the 116.4 MB baseline at
1/10). The XLSX is the same in all three.

    python bench/json_size.py                    # scale 0.01 (20 stations)
    python bench/json_size.py --scales 0.01,0.1  # and 0.1 (200 stations: about half an hour here)

For each scale it generates the synthetic province (bench/generate.py, kept in bench/out/ and reused
as bench/run.py does), imports it once (reused when the database holds the records), scores 2015-06
without storing it, and writes ``kaohe.report.publish``'s three files (JSON version 3, page layout 3)
and the version-1 and version-2 JSONs and the layout-1 and layout-2 pages of the same ``ReportData``.
It then reads every unit's tree back from the version-3 file with ``kaohe.report.jsondata.read_units``
and checks it equals the version-1 file's tree (a consumer loses nothing); checks that every record
line of every unit's item reads the same in pages 1 and 2 (``same_lines``: the old line's text is the
new one's plus the item's facts, which page 2 says once above the item's lines); and that page 3's
block holds, for every item, the same facts and lines as page 2's markup (``same_drawn``: each line's
text made from the block as report-3.js makes it; tests/test_report_browser.py checks the script
itself in chromium). Every figure is measured in this run.
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
    new, old = directory / "published-size" / "v3", directory / "published-size" / "v1"
    mid = directory / "published-size" / "v2"
    shutil.rmtree(directory / "published-size", ignore_errors=True)
    old.mkdir(parents=True)
    mid.mkdir(parents=True)
    started = time.perf_counter()
    publish(new, bureau, registry, result, store)
    publish_seconds = time.perf_counter() - started
    name = json_name(MONTH)
    data = build(bureau, result, store=store)
    seconds: dict[int, list[float]] = {1: [], 2: [], 3: []}
    for version in (1, 2, 3, 1, 2, 3):  # each layout alone, twice, in turn: the faster of each
        started = time.perf_counter()
        write_json(data, (old, mid, new)[version - 1] / (name if version < 3 else "v3-again.json"), version=version)
        seconds[version].append(time.perf_counter() - started)
    (new / "v3-again.json").unlink()
    old_seconds, mid_seconds, new_seconds = min(seconds[1]), min(seconds[2]), min(seconds[3])
    html_old = old / "index.html"
    html_seconds = html_before(data, html_old)
    html_mid = mid / "index.html"
    html_mid_seconds = html_before(data, html_mid, 2)
    store.close()
    files = {f.name: f.stat().st_size for f in new.iterdir()}
    json_v1 = (old / name).stat().st_size
    # a consumer rebuilds every unit's full tree from the new file: equal to the old file's
    with (old / name).open(encoding="utf-8") as f:
        old_units = (json.loads(ln.rstrip("\n").rstrip(",")) for ln in f if ln.startswith('{"unit"'))
        same = all(a == b for a, b in zip(read_units(new / name), old_units, strict=True))
    html_mid_text = html_mid.read_text(encoding="utf-8")
    html_new_text = (new / "index.html").read_text(encoding="utf-8")
    return {
        "html_v1": html_old.stat().st_size, "html_v1_seconds": html_seconds,
        "html_v2": html_mid.stat().st_size, "html_v2_seconds": html_mid_seconds,
        "html_same_lines": same_lines(html_old.read_text(encoding="utf-8"), html_mid_text),
        "html_same_drawn": same_drawn(html_mid_text, html_new_text),
        "json_v2": (mid / name).stat().st_size, "json_v2_seconds": mid_seconds,
        "units": len(result.units), "records": _records(directory / "kaohe.sqlite"), "files": files, "json_v1": json_v1,
        "json_v3": files[name], "same_trees": same, "publish_seconds": publish_seconds, "json_v1_seconds": old_seconds,
        "json_v3_seconds": new_seconds, "html_v3": files["index.html"], "block": block_size(html_new_text),
    }


def html_before(data: Any, path: Path, layout: int = 1) -> float:
    """The page as the report wrote it before: layout 1 (kept in the package as ``report-1.html.j2``:
    the item's title, reference and period in every record line's details, the template's
    indentation kept) or 2 (``report-2.html.j2``: every line in the markup), from the same
    ``ReportData``."""
    from kaohe.report.html import write_html

    started = time.perf_counter()
    write_html(data, path, layout=layout)
    return time.perf_counter() - started


def block_size(page: str) -> int:
    m = re.search(r'id="lines-data">([^<]*)</script>', page)
    return len(m.group(1)) if m else 0


def _drawn_text(s: list[str], ln: list[Any]) -> str:
    """A line's text as report-3.js draws it from the block (``_text``: white space left out)."""
    def t(i: int) -> str | None:
        return None if i < 0 else s[i]

    if ln[0] == 0:
        return _text(html_lib.escape(t(ln[1]) + t(ln[2])))
    if ln[0] == 1:
        return _text(html_lib.escape(t(ln[1]) + t(ln[2]) + ("含沿用上期" if ln[3] else "")))
    date, note = t(ln[6]), t(ln[8])
    reason = t(ln[2]) if ln[2] >= 0 else f"{int(date[5:7])}月{int(date[8:10])}日 {note or ''}"
    out = t(ln[1]) + reason + ("沿用上期" if ln[4] else "") + ("数据缺失" if ln[5] >= 0 else "")
    pairs: list[tuple[str, str | None]] = [("记录编号", t(ln[3]))]
    if date is not None:
        source = t(ln[10]) + (f" · 工作表 {t(ln[11])}" if ln[11] >= 0 else "") + (f" · 第{t(ln[12])}行" if ln[12] >= 0 else "")
        source += f" · 第{t(ln[13])}版(已更正)" if ln[13] >= 0 else ""
        pairs += [("记录日期", date), ("报送部门", t(ln[7])), ("记录说明", note), ("数值", t(ln[9])), ("来源", source)]
    if ln[4]:
        pairs.append(("说明", "本期数据未报送,沿用上期数据"))
    if ln[5] >= 0:
        pairs.append(("数据缺失", f"缺少 {t(ln[5])} 的数据,该项暂不计分"))
    out += "".join(k + v for k, v in pairs if v is not None)
    return _text(html_lib.escape(out))


def same_drawn(layout2: str, layout3: str) -> bool:
    """Every item of every unit: the lines page 3's block gives its script read as page 2's markup
    has them (same texts, same order), and its facts are page 2's ``item-facts``."""
    from kaohe.report.html import read_block

    block = read_block(layout3)
    ids = re.findall(r'<details class="item" id="([^"]+)">', layout3)
    old_items = {m.group(1): m.group(2) for m in _LINE.finditer(layout2)}
    if len(ids) != len(block["i"]) or set(ids) != old_items.keys():
        return False
    s = block["s"]
    for key, entry in zip(ids, block["i"], strict=True):
        body = old_items[key]
        facts = re.search(r'<dl class="item-facts">(.*?)</dl>', body, re.S)
        f = block["f"][entry[0]]
        if facts is None or _text(facts.group(1)) != _text(html_lib.escape(f"考核项目{s[f[0]]}依据{s[f[1]]}计分期{s[f[2]]}")):
            return False
        old_lines = [_text(x) for x in re.findall(r"<li[^>]*>(.*?)</li>", body, re.S)]
        if old_lines != [_drawn_text(s, ln) for ln in entry[2:]]:
            return False
    return True


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


def files_table(rows: list[tuple[float, dict[str, Any]]]) -> str:
    """Every file of the month in the three layouts: before (page 1, JSON 1: the issue's baseline),
    previous (page 2, JSON 2: published until this change) and now (page 3, JSON 3)."""
    out = [
        "| scale | stations | file | before (1) | previous (2) | now (3) | now ÷ before | now ÷ previous |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scale, r in rows:
        xlsx = next(v for k, v in r["files"].items() if k.endswith(".xlsx"))
        triples = [("index.html", r["html_v1"], r["html_v2"], r["html_v3"]), ("通报-….xlsx", xlsx, xlsx, xlsx),
                   ("report-….json", r["json_v1"], r["json_v2"], r["json_v3"])]
        triples.append(("all files", sum(t[1] for t in triples), sum(t[2] for t in triples), sum(t[3] for t in triples)))
        for name, a, b, c in triples:
            out.append(f"| {scale:g} | {r['units']} | {name} | {a / 1e6:.2f} MB | {b / 1e6:.2f} MB | {c / 1e6:.2f} MB | {c / a:.2f} | {c / b:.2f} |")
        out.append(
            f"| {scale:g} | | (page 3's compressed block of lines: {r['block'] / 1e6:.2f} MB; per station now "
            f"{(r['html_v3'] + xlsx + r['json_v3']) / r['units'] / 1e3:.0f} KB) | | | | | |"
        )
        out.append(
            f"| {scale:g} | | (JSON 3 rebuilds JSON 1's trees: {'yes' if r['same_trees'] else 'NO'}; page 2's lines read as page 1's: "
            f"{'yes' if r['html_same_lines'] else 'NO'}; page 3's block gives page 2's lines: {'yes' if r['html_same_drawn'] else 'NO'}) | | | | | |"
        )
        out.append(
            f"| {scale:g} | | (writing JSON 1 / 2 / 3: {r['json_v1_seconds']:.1f} / {r['json_v2_seconds']:.1f} / {r['json_v3_seconds']:.1f} s; "
            f"page 1 / 2: {r['html_v1_seconds']:.1f} / {r['html_v2_seconds']:.1f} s; publish (page 3, XLSX, JSON 3): {r['publish_seconds']:.1f} s) | | | | | |"
        )
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
    print(files_table(rows))
    return 0 if all(r["same_trees"] and r["html_same_lines"] and r["html_same_drawn"] for _, r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
