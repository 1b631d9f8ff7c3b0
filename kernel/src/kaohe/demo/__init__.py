"""The demo bureau: 金坛 2015 (seed 000), 15 stations in classes A/B/C."""

from __future__ import annotations

from pathlib import Path

from ..bureau import Bureau
from ..config import load_bureau
from ..plugins import Registry, load_registry

HERE = Path(__file__).parent
CONFIG = HERE / "bureau.toml"
UNITS = HERE / "units.csv"
DEMO_YEAR = 2015
DEMO_SEED = 2015


def demo_bureau(registry: Registry | None = None) -> tuple[Bureau, Registry]:
    """The demo bureau with every installed plugin's items switched on."""
    registry = registry or load_registry()
    return load_bureau(CONFIG, registry), registry
