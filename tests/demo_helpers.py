"""The demo bureau's year in a test's folder: every plugin's synthetic exports written and ingested
into a real store, nothing scored (the first half of ``kaohe demo``), for the tests that score it
their own way (test_aggregate, test_rescore)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from kaohe import demo
from kaohe.office.ingest import ingest
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store


def ingested_demo(folder: Path) -> tuple[Any, Any, list[Path]]:
    """(bureau, registry, the export files) of the demo's year ingested into ``folder``'s store."""
    shutil.copy(demo.UNITS, folder / "units.csv")
    (folder / "kaohe.toml").write_text(demo.CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    pm = get_plugin_manager()
    registry = load_registry(pm)
    bureau = load_bureau(folder / "kaohe.toml", registry)
    files: list[Path] = []
    for impl in pm.hook.kaohe_demo_data.get_hookimpls():
        out = folder / "exports" / str(pm.get_name(impl.plugin))
        out.mkdir(parents=True)
        files += impl.function(bureau=bureau, directory=out, seed=demo.DEMO_SEED) or []
    with Store(bureau.database) as store:
        for f in files:
            ingest(store, bureau, registry, f, actor="test")
    return bureau, registry, files
