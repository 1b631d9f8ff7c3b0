"""Shared by the tests of the bureau configurations under examples/: load an example's config,
write its synthetic data into tmp_path with its make_data.py, ingest them into a real SQLite store
in tmp_path and score a period."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from kaohe.office.ingest import ingest
from kaohe.office.jobs import score_period
from kaohe.plugins.discovery import BUILTIN, get_plugin_manager, load_registry
from kaohe.scheme.config import load_bureau
from kaohe.store.store import Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def make_data(name: str) -> Any:
    path = EXAMPLES / name / "make_data.py"
    spec = importlib.util.spec_from_file_location(f"example_{name.replace('-', '_')}_make_data", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Example:
    """An example bureau whose database lives in tmp_path, its data ingested."""

    def __init__(self, name: str, tmp_path: Path) -> None:
        # the built-in plugins only (the office's register, the officers' [officers] table): the
        # examples enable no department plugin's items
        self.registry = load_registry(get_plugin_manager(load_entrypoints=False, plugins=BUILTIN))
        bureau = load_bureau(EXAMPLES / name / "kaohe.toml", self.registry)
        self.bureau = bureau.evolve(database=str(tmp_path / "kaohe.sqlite"))
        self.store = Store(self.bureau.database)
        self.reports = []
        for f in make_data(name).write(tmp_path / "data"):
            report = ingest(self.store, self.bureau, self.registry, f)
            assert not report.rejected, [r.text() for r in report.rejected]
            self.reports.append(report)

    def score(self, label: str) -> Any:
        from kaohe.core.periods import Period

        # every record's line, as a publication scores (``[scoring] engine = "python"``)
        return score_period(self.store, self.bureau.evolve(engine="python"), self.registry, Period.parse(label), save=False)
