"""The province benchmark (bench/) is not part of the test suite; this runs its generator and script
once at a tiny size (4 stations, a few thousand records) so that they keep working."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.slow
def test_generator_and_script_run_at_a_tiny_size(tmp_path):
    out = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--scales", "0.001", "--thin", "0.03", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads((tmp_path / "scale-0.001" / "results.json").read_text(encoding="utf-8"))
    steps = result["steps"]
    assert set(steps) == {
        "ingest-csv", "bare-csv", "ingest-xlsx", "bare-xlsx", "score-year", "score-month", "scan-month", "publish-month",
        "publish-edition", "score-month-only", "aggregate-year", "explain-month", "explain-year", "ranking-month",
        "ranking-year", "rescore-month", "rescore-year",
    }
    # every generated row is accepted by the departments' adapters, and the bare insert saw the same rows
    assert steps["ingest-csv"]["records"] == result["rows"] == steps["bare-csv"]["records"]
    assert steps["ingest-xlsx"]["records"] == result["xlsx_rows"] == steps["bare-xlsx"]["records"]
    assert steps["score-year"]["periods"] == 19
    assert steps["scan-month"]["records"] > 0
    assert all(s["rss"] > 0 and s["wall"] > 0 for s in steps.values())
    assert "kaohe ÷ bare" in out.stdout and "score month ÷ bare `GROUP BY unit, item`" in out.stdout
    assert "**score month ÷ bare `GROUP BY unit, kind`** (issue 18's goal ≤ 3 at full scale)" in out.stdout
    edition = tmp_path / "scale-0.001" / "published-edition" / "2015-06" / "第1版"
    assert steps["publish-edition"]["bytes"] == sum(f.stat().st_size for f in edition.iterdir()) > 0
    assert "`kaohe publish 2015-06` (first edition" in out.stdout
