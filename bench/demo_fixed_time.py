"""``kaohe demo`` with the exports' XLSX times fixed, so that two runs (two versions of kaohe) write
byte-identical exports and their editions' digests can be compared:

    python bench/demo_fixed_time.py demo /tmp/a        # this tree
    PYTHONPATH=/tmp/base/kernel/src python bench/demo_fixed_time.py demo /tmp/b   # a baseline
    kaohe -c /tmp/a/kaohe.toml editions; kaohe -c /tmp/b/kaohe.toml editions

The XLSX files carry the time they were written (openpyxl's document properties, the zip entries'
times), and an edition's inputs hold the files' checksums: without this, the digest changes from
one run to the next whatever the code. Every other argument goes to ``kaohe`` as given.
"""

from __future__ import annotations

import datetime as _dt
import sys
import types
import zipfile

import openpyxl.packaging.core as core
import openpyxl.writer.excel as excel

FIXED = _dt.datetime(2026, 1, 1, 0, 0, 0)


class _Fixed(_dt.datetime):
    @classmethod
    def now(cls, tz: _dt.tzinfo | None = None) -> _Fixed:
        return FIXED if tz is None else FIXED.replace(tzinfo=tz)  # type: ignore[return-value]


core.datetime = excel.datetime = types.SimpleNamespace(datetime=_Fixed, timezone=_dt.timezone, date=_dt.date)  # type: ignore[attr-defined]
zipfile.time = types.SimpleNamespace(time=lambda: 0.0, localtime=lambda t=None: (2026, 1, 1, 0, 0, 0, 0, 1, 0))  # type: ignore[attr-defined]

if __name__ == "__main__":
    from kaohe.cli.main import main

    sys.argv = ["kaohe", *sys.argv[1:]]
    main()
