"""The pytest plugin (entry point ``pytest11``): fixtures for a department's tests, and the case
files ``tests/cases/*.toml`` collected as tests. See ``docs/plugin-guide.md``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from ..core.model import ItemResult, Record
from ..plugins.discovery import Registry
from ..scheme.bureau import Bureau
from ..store.store import Store
from . import as_records, item_points, item_result, item_results, records_from
from .cases import CaseError, run_case
from .support import (
    SEEDS_INI,
    TEST_BUREAU,
    bureau_of,
    plugin_of,
    registry_of,
    seed_lines,
    seeds_dir,
    write_csv,
    write_xlsx,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(SEEDS_INI, "folder of the seed texts (KAOHE_SEEDS overrides; default: seeds/ at the root)",
                  default="")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".toml" and not file_path.name.startswith("_") and file_path.parent.name == "cases" and file_path.parent.parent.name == "tests":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield CaseItem.from_parent(self, name=self.path.stem)


class CaseFailed(Exception):
    pass


class CaseItem(pytest.Item):
    def runtest(self) -> None:
        mismatches = run_case(self.path)
        if mismatches:
            raise CaseFailed("\n".join(m.line() for m in mismatches))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        if isinstance(excinfo.value, CaseFailed):
            return f"案例 {self.path.name} 与计分结果不符:\n{excinfo.value}"
        if isinstance(excinfo.value, CaseError):
            return f"案例文件有误:{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"案例 {self.path.name}"


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kaohe_plugin_names(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The plugins under test: the ``kaohe`` entry points of the project holding the test file."""
    names = plugin_of(request.path)
    if not names:
        pytest.fail(f"{request.path} 不在某个插件的项目目录中(找不到含 kaohe entry point 的 pyproject.toml)")
    return names


@pytest.fixture(scope="module")
def kaohe_registry(kaohe_plugin_names: tuple[str, ...]) -> Registry:
    """A registry with only the plugin under test (cached across tests)."""
    return registry_of(kaohe_plugin_names)


@pytest.fixture
def make_registry() -> Callable[..., Registry]:
    """make_registry("jiwei", "zhian") -> a registry with just those installed plugins."""
    return lambda *names: registry_of(tuple(names))


def _test_bureau(path: Path) -> Path | str:
    """The plugin's test bureau: ``cases/_bureau.toml`` in the test file's folder or above it (up
    to the plugin's project folder), else the demo bureau."""
    for folder in Path(path).resolve().parents:
        if (folder / TEST_BUREAU).is_file():
            return folder / TEST_BUREAU
        if (folder / "pyproject.toml").is_file():
            break
    return "demo"


@pytest.fixture
def make_bureau(request: pytest.FixtureRequest) -> Callable[..., Bureau]:
    """make_bureau(table | "bureau.toml" | "demo" = the plugin's test bureau, registry=None, items=None)
    -> a Bureau; a table is shaped like a bureau's TOML, a file is read relative to the test's
    folder. The registry defaults to the plugin under test; ``items`` adds settings of single items
    (``{"jiwei.x": {"cap": 15}}``) to the ``[items]`` table. The plugin's test bureau is
    ``tests/cases/_bureau.toml``, the one its case files name; without one, the demo bureau."""

    def make(spec: Mapping[str, Any] | str | Path | None = None, registry: Registry | None = None,
             items: Mapping[str, Any] | None = None) -> Bureau:
        if spec is None:
            spec = _test_bureau(request.path)
        return bureau_of(spec, registry or request.getfixturevalue("kaohe_registry"), base=request.path.parent,
                         items=items)

    return make


@pytest.fixture(scope="module")
def kaohe_bureau(request: pytest.FixtureRequest, kaohe_registry: Registry) -> Bureau:
    """The plugin's test bureau (``tests/cases/_bureau.toml``, else the demo bureau) with only the
    plugin under test."""
    return bureau_of(_test_bureau(request.path), kaohe_registry, base=request.path.parent)


@pytest.fixture
def kaohe_store(tmp_path: Path) -> Iterator[Store]:
    """A store on a fresh SQLite file in the test's tmp folder."""
    store = Store(tmp_path / "kaohe.db")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def score_item() -> Callable[..., ItemResult | None]:
    """score_item(bureau, records, "2015-07", "jiwei.x", "a1") -> that unit's ItemResult, or None
    when the item is not due in that period."""
    return item_result


@pytest.fixture
def points_of() -> Callable[..., dict[str, Any]]:
    """points_of(bureau, "jiwei.x", records, period="2015-04") -> unit id -> the item's points
    alone (its own window, no category base or cap); empty when the item is not due."""
    return item_points


@pytest.fixture
def results_of() -> Callable[..., dict[str, ItemResult]]:
    """results_of(bureau, "jiwei.x", records, period="2015-04") -> unit id -> the item's
    ItemResult alone; empty when the item is not due."""
    return item_results


@pytest.fixture
def adapter_records() -> Callable[..., list[Record]]:
    """adapter_records(adapter, row, ..., calendar=None) -> the records the adapter makes of those
    converted rows (the unit already an id)."""

    return records_from


@pytest.fixture
def draft_records() -> Callable[..., list[Record]]:
    """draft_records(drafts, calendar=None) -> the records the intake stores of these drafts (each
    draft's unit already an id)."""
    return as_records


@pytest.fixture
def xlsx_export() -> Callable[..., Path]:
    """xlsx_export(path, header, rows, sheet=None, before=()) -> a real workbook written with openpyxl."""
    return write_xlsx


@pytest.fixture
def csv_export() -> Callable[..., Path]:
    """csv_export(path, header, rows, encoding="utf-8-sig") -> a real CSV export."""
    return write_csv


@pytest.fixture
def kaohe_seed(request: pytest.FixtureRequest) -> Callable[[str], list[str]]:
    """kaohe_seed("000") -> the lines of that seed text; skips the test (with the reason) when the
    seeds are not available: set KAOHE_SEEDS, or the ``kaohe_seeds`` ini option."""
    configured = str(request.config.getini(SEEDS_INI)) or str(request.config.rootpath / "seeds")
    if configured and not Path(configured).is_absolute():
        configured = str(request.config.rootpath / configured)
    folder = seeds_dir(configured)

    def lines(prefix: str) -> list[str]:
        found = seed_lines(folder, prefix)
        if found is None:
            pytest.skip(f"seed {prefix} not available: set KAOHE_SEEDS (or the kaohe_seeds ini option) "
                        "to the folder of the seed texts")
        return found

    return lines
