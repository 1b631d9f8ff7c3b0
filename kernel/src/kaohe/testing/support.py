"""What the pytest plugin and the case files share: the plugin under test, registries of chosen
plugins, bureaus, the seed texts, export writers."""

from __future__ import annotations

import csv
import functools
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from ..demo import CONFIG as DEMO_CONFIG
from ..plugins.discovery import Registry, get_plugin_manager, load_registry
from ..scheme.bureau import Bureau
from ..scheme.config import load_bureau, parse_bureau

SEEDS_ENV = "KAOHE_SEEDS"
SEEDS_INI = "kaohe_seeds"


def plugin_of(path: Path) -> tuple[str, ...]:
    """The plugins a file belongs to: the ``kaohe`` entry points of the nearest ``pyproject.toml``
    above it (a plugin's tests live in its project folder). Empty when there is none."""
    for folder in Path(path).resolve().parents:
        project = folder / "pyproject.toml"
        if project.is_file():
            data = tomllib.loads(project.read_text(encoding="utf-8"))
            eps = data.get("project", {}).get("entry-points", {}).get("kaohe", {})
            if eps:
                return tuple(eps)
    return ()


@functools.cache
def _plugin_object(name: str) -> Any:
    found = entry_points(group="kaohe", name=name)
    if not found:
        raise LookupError(f"没有安装名为 {name} 的插件(entry point 组 kaohe)")
    return next(iter(found)).load()


@functools.cache
def registry_of(names: tuple[str, ...]) -> Registry:
    """A registry with only the named plugins (installed ``kaohe`` entry points), cached per set.
    A plugin that is refused fails the test with the reason."""
    pm = get_plugin_manager(load_entrypoints=False, plugins=[(n, _plugin_object(n)) for n in names])
    reg = load_registry(pm)
    if reg.errors:
        raise AssertionError(f"插件被拒绝:{reg.errors}")
    return reg


TEST_BUREAU = Path("cases") / "_bureau.toml"
"""A plugin's test bureau, beside its tests: ``tests/cases/_bureau.toml`` (the case files name it too)."""


def bureau_of(spec: Mapping[str, Any] | str | Path, registry: Registry, base: Path = Path("."), file: str = "<config>",
              items: Mapping[str, Any] | None = None) -> Bureau:
    """A bureau from a table shaped like a bureau's TOML, a TOML file (relative to ``base``), or
    ``"demo"`` (the demo bureau, 金坛 2015). ``items`` are added to its ``[items]`` table (a
    bureau's settings of single items: ``{"jiwei.x": {"cap": 15}}``)."""
    if not isinstance(spec, Mapping):
        path = DEMO_CONFIG if str(spec) == "demo" else base / spec
        if items is None:
            return load_bureau(path, registry)
        spec, file, base = tomllib.loads(path.read_text(encoding="utf-8")), str(path), path.parent
    if items:
        spec = {**spec, "items": {**spec.get("items", {}), **items}}
    return parse_bureau(spec, registry, file=file, base=base)


def seeds_dir(configured: str | None = None) -> Path | None:
    """The folder of the seed texts: ``$KAOHE_SEEDS``, else the ``kaohe_seeds`` ini option, else
    ``seeds/`` at the repository's root when the seeds are vendored there. None when not found."""
    for candidate in (os.environ.get(SEEDS_ENV), configured):
        if candidate:
            path = Path(candidate).expanduser()
            return path if path.is_dir() else None
    return None


def seed_lines(folder: Path | None, prefix: str) -> list[str] | None:
    """The lines of the seed whose file name starts with ``prefix`` (``"000"``), or None."""
    if folder is None:
        return None
    found = sorted(folder.glob(f"{prefix}*.txt"))
    return found[0].read_text(encoding="utf-8").splitlines() if found else None


def write_xlsx(path: Path, header: Sequence[Any], rows: Iterable[Sequence[Any]], sheet: str | None = None,
               before: Iterable[Sequence[Any]] = ()) -> Path:
    """A real workbook: optional title rows ``before``, the header, the rows."""
    import openpyxl  # noqa: PLC0415 - heavy third-party module

    wb = openpyxl.Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet
    for r in before:
        ws.append(list(r))
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(path: Path, header: Sequence[Any], rows: Iterable[Sequence[Any]], encoding: str = "utf-8-sig") -> Path:
    """A real CSV export (UTF-8 with BOM by default, as spreadsheet programs write it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(list(header))
        w.writerows(list(r) for r in rows)
    return path
