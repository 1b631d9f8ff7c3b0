"""A plugin's own editions (第N版): what a plugin publishes besides the units' results — the officers'
results of a unit published inside it and filed with the office (issue 21 point 4) — frozen and
numbered like the units' editions, listed by ``kaohe editions`` and checked by ``kaohe verify``.

An edition of a plugin is one entry of the audit trail (which the hash chain covers, so it is
append-only like the ``editions`` table), of the action ``<kind>:版本`` (a plugin's own action:
kaohe.office.results.not_input), holding:

- ``kind`` (the plugin's name for what it publishes, e.g. ``officers``), ``title`` (in Chinese, as
  listed), the period, the unit it is about (``unit``, "" for the whole bureau) and its number, counted
  per (kind, period, unit) from 1;
- ``stage`` (what made it, e.g. 内部公布, 异议决定, 报考核办备案), ``reason`` and ``changes`` (lines, in
  Chinese, of what changed from the edition before, as the plugin says it);
- ``payload``: the edition's data as JSON-ready data (strings for decimals: no floats), and
  ``digest``: the SHA-256 of its canonical encoding (kaohe.core.canonical);
- ``directory`` and ``files``: the folder its files were written to (relative to the bureau's
  folder when inside it) and each file's SHA-256: ``edition.json`` (the canonical payload: its digest
  is the edition's) and the plugin's own files (a payroll workbook …).

Nothing here knows any plugin: the plugin calls :func:`publish_edition` with its data and files.
The store layer's ``verify`` (kaohe.store.integrity) checks each such entry: the payload against
its digest, the numbers in sequence, the files against their digests."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..core.canonical import canonical
from ..core.errors import KaoheError
from ..store.integrity import PLUGIN_EDITION, folder_name, is_plugin_edition
from ..store.store import Store

PAYLOAD_FILE = "edition.json"
"""The payload's canonical bytes, written beside the plugin's own files."""


@attrs.frozen
class PluginEdition:
    kind: str
    title: str
    period: str
    unit: str
    unit_name: str
    number: int
    stage: str
    reason: str
    changes: tuple[str, ...]
    digest: str
    directory: str
    files: Mapping[str, str]
    payload: Mapping[str, Any]
    time: str
    actor: str
    id: int

    @property
    def label(self) -> str:
        """第N版 with what it is: ``民警考核结果 2010-Q2 上城派出所 第2版``."""
        return f"{self.title} {self.period} {self.unit_name or '全局'} 第{self.number}版"


def action(kind: str) -> str:
    return f"{kind}{PLUGIN_EDITION}"


def digest_of(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def editions(store: Store, kind: str | None = None, period: str | None = None, unit: str | None = None) -> list[PluginEdition]:
    """The plugins' editions (of one kind, period, unit), oldest first."""
    out = []
    for row in store.audit(period=period, action=action(kind) if kind else None, unit=unit):
        if not is_plugin_edition(str(row["action"])):
            continue
        d = _detail(row)
        if not d or (period and d.get("period") != period):
            continue
        out.append(PluginEdition(
            str(d["kind"]), str(d.get("title", d["kind"])), str(d["period"]), str(d.get("unit", "")), str(d.get("unit_name", "")),
            int(d["number"]), str(d.get("stage", "")), str(d.get("reason", "")), tuple(d.get("changes") or ()), str(d["digest"]),
            str(d.get("directory", "")), dict(d.get("files") or {}), d.get("payload") or {}, str(row["time"]), str(row["actor"]), int(row["id"]),
        ))
    return out


def latest(store: Store, kind: str, period: str, unit: str) -> PluginEdition | None:
    found = editions(store, kind, period, unit)
    return found[-1] if found else None


def publish_edition(
    store: Store, root: Path, *, kind: str, title: str, period: str, unit: str = "", unit_name: str = "", stage: str,
    payload: Mapping[str, Any], files: Mapping[str, bytes] = {}, reason: str = "", changes: Sequence[str] = (), actor: str | None = None,
) -> PluginEdition:
    """Freeze ``payload`` as the next edition of (kind, period, unit): its files written under
    ``root/published/<period>/<kind>/<unit>-第N版`` (first to a temporary folder beside it, moved into
    place once the audit entry is written), the entry appended to the audit trail."""
    if PAYLOAD_FILE in files:
        raise KaoheError(f"插件的版本文件不能命名为 {PAYLOAD_FILE}(保留给版本内容)")
    number = len(editions(store, kind, period, unit)) + 1
    payload = json.loads(canonical(payload))  # as the audit trail gives it back: the digest checked against the same data
    body = canonical(payload)
    digest = hashlib.sha256(body).hexdigest()
    base = root / "published" / period / kind
    folder = base / f"{unit or 'all'}-第{number}版"
    base.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=base))
    try:
        written = {PAYLOAD_FILE: body, **files}
        for name, data in written.items():
            (staging / name).write_bytes(data)
        detail = {
            "kind": kind, "title": title, "period": period, "unit": unit, "unit_name": unit_name, "number": number, "stage": stage,
            "reason": reason, "changes": list(changes), "digest": digest, "directory": folder_name(folder, root),
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in written.items()}, "payload": payload,
        }
        entry = store.log(action(kind), actor, period=period, unit=unit, subject=f"{kind}:{period}:{unit}#{number}", detail=detail)
        if folder.exists():  # a folder of another database's edition of the same number: this store's is the one recorded
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    found = [e for e in editions(store, kind, period, unit) if e.id == entry]
    return found[0]


def _detail(row: Mapping[str, Any]) -> dict[str, Any]:
    try:
        out = json.loads(row.get("detail") or "{}")
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}
