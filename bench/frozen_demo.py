"""``kaohe demo DIR`` with the clocks that go into its input workbooks frozen (openpyxl's document
properties, the ZIP entries' times), so that two runs write byte-identical inputs and their editions'
digests can be compared: ``python bench/frozen_demo.py DIR``, then
``kaohe -c DIR/kaohe.toml editions``. For a baseline, run it with the baseline's kernel first on
``PYTHONPATH`` (as bench/suite_time.py does)."""
import datetime, sys, time, zipfile, types
FIXED = datetime.datetime(2026, 12, 1, 8, 0, 0)
class FakeDT(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return FIXED.replace(tzinfo=tz) if tz else FIXED
fake_datetime = types.SimpleNamespace(**{k: getattr(datetime, k) for k in dir(datetime) if not k.startswith("__")})
fake_datetime.datetime = FakeDT
import openpyxl.packaging.core as core, openpyxl.writer.excel as excel
core.datetime = fake_datetime
excel.datetime = fake_datetime
fake_time = types.SimpleNamespace(**{k: getattr(time, k) for k in dir(time) if not k.startswith("__")})
fake_time.localtime = lambda *a: FIXED.timetuple()
zipfile.time = fake_time
from kaohe.cli.main import main
sys.argv = ["kaohe", "demo", sys.argv[1]]
main()
