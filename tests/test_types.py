"""The kernel's types are checked strictly (issue #15): mypy, run on the root pyproject.toml's
``[tool.mypy]`` configuration (``strict``, ``kernel/src/kaohe``), reports no error. A failure shows
mypy's own report, one line per error, as ``mypy`` run from the repository's root would print it."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_kernel_types_check_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    # The configuration's paths (files, mypy_path) are relative to the repository's root, as for a
    # developer who runs `mypy` there; its cache goes to .mypy_cache there too.
    monkeypatch.chdir(ROOT)
    report, errors, status = api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert status == 0, f"mypy (exit {status}):\n{report}{errors}"
    assert "Success: no issues found" in report, report
