"""``kaohe ranking`` at full scale, whole process, under 0.5 s (issue 18's goal): the stored results
read as rows in two queries (``Store.stored_rows``), and a start-up that imports only what the
command needs (the officers' command group, the analysis, the reminders' mail, the published
report's modules: imported by the commands that use them).

The stored rows, worked by hand on tests/report_bureau.py's January 2015 (2014-12-21 … 2015-01-20;
队伍建设 base 40 weight 40, 基础工作建设 base 60 weight 60; each score = raw ÷ the series' highest
raw × weight, two decimals, half up):

- 儒林 (rulin): late three times (基础 −3 → 57) and criticised by 督察 once (队伍 −2 → 38);
- 金城 (jincheng) and 直溪 (zhixi): late once each (基础 59, 队伍 40);
- 薛埠 (xuebu) and the formula-named unit: praised once each (队伍 +2 → 42, 基础 60);
- 恶意所 (evil): nothing (40, 60).

The highest raw scores are 42 (队伍) and 60 (基础) in both series, so 队伍 40 → 40/42×40 = 38.10,
38 → 36.19, 42 → 40.00; 基础 59 → 59.00, 57 → 57.00; the totals: jincheng and zhixi 97.10,
evil 98.10, formula and xuebu 100.00, rulin 93.19."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import click

from inprocess import kaohe as run_kaohe
from pg_support import database, pg_url  # noqa: F401 (fixtures)
from kaohe.core.periods import Period
from kaohe.office.results import stored_result
from kaohe.store.store import Store

HAND = {  # unit → (total, 队伍建设 raw and score, 基础工作建设 raw and score)
    "jincheng": ("97.10", ("40", "38.10"), ("59", "59.00")),
    "evil": ("98.10", ("40", "38.10"), ("60", "60.00")),
    "formula": ("100.00", ("42", "40.00"), ("60", "60.00")),
    "xuebu": ("100.00", ("42", "40.00"), ("60", "60.00")),
    "rulin": ("93.19", ("38", "36.19"), ("57", "57.00")),
    "zhixi": ("97.10", ("40", "38.10"), ("59", "59.00")),
}


def test_stored_rows_are_the_hand_worked_month_on_both_backends(tmp_path: Path, database: str) -> None:  # noqa: F811
    import report_bureau

    _, _, db = report_bureau.make(tmp_path, database)
    with Store(db, readonly=True) as store:
        rows = store.stored_rows("2015-01")
        got = {
            d["unit"]: (Decimal(d["total"]), *((c[0], c[1], Decimal(c[2]), Decimal(c[3]), Decimal(c[6])) for c in cats))
            for d, cats in rows
        }
        want = {
            u: (Decimal(t), ("duiwu", "队伍建设", Decimal(40), Decimal(dr), Decimal(ds)), ("jichu", "基础工作建设", Decimal(60), Decimal(jr), Decimal(js)))
            for u, (t, (dr, ds), (jr, js)) in HAND.items()
        }
        assert got == want
        # the weights and each category's highest raw score, as stored (42 and 60 in both series)
        assert {(c[0], Decimal(c[4]), Decimal(c[5])) for _, cats in rows for c in cats} == {
            ("duiwu", Decimal(42), Decimal(40)), ("jichu", Decimal(60), Decimal(60)),
        }
        # the same rows as stored_units gives them, in the same order (units and their categories)
        units = store.stored_units("2015-01")
        assert [d for d, _ in rows] == [d for d, _ in units]
        assert [[c[0] for c in cats] for _, cats in rows] == [[c["category"] for c in cats] for _, cats in units]
        assert [[c["explanation"] for c in cats] for _, cats in units] == [[c[7] for c in cats] for _, cats in rows]
        # the ranking made of them: every unit once, the hand-worked totals, ranked within its series
        result = stored_result(store, Period.parse("2015-01"))
        assert result is not None
        assert {u.unit: u.total for u in result.units} == {u: Decimal(t) for u, (t, _, _) in HAND.items()}
        assert {u.unit: u.rank for u in result.units if u.series == "s2"} == {"xuebu": 1, "zhixi": 2, "rulin": 3}
        assert store.stored_rows("2014-12") == []


HEAVY = (
    "kaohe.plugins.officers.cli", "kaohe.plugins.officers.bonus", "kaohe.plugins.officers.settings",
    "kaohe.report.data", "kaohe.report.html", "kaohe.report.jsondata", "kaohe.office.publication",
    "kaohe.office.analysis", "kaohe.report.analysis_files", "kaohe.office.remind", "smtplib", "openpyxl", "jinja2",
    "starlette",
)


def test_start_up_imports_only_what_a_reading_command_needs() -> None:
    # the command line, with every plugin loaded (as `kaohe ranking` loads them): none of the
    # modules only other commands use
    code = (
        "import sys\nimport kaohe.cli.main\nfrom kaohe.plugins.discovery import load_registry\nload_registry()\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_deferred_commands_are_listed_and_run() -> None:
    from kaohe.cli.main import cli

    # `kaohe --help` lists every plugin's command, the officers' group with its help
    listed = run_kaohe("--help")
    assert listed.returncode == 0 and "officers" in listed.stdout and "民警考核系数与民警个人考核" in listed.stdout
    group = cli.get_command(click.Context(cli), "officers")
    assert isinstance(group, click.Group) and "coefficients" in group.list_commands(click.Context(group))
    # the group runs when called: its help (the usage line in Chinese), its subcommands' help
    shown = run_kaohe("officers", "--help")
    assert shown.returncode == 0 and shown.stdout.startswith("用法: kaohe officers [选项] 命令 [参数]...")
    assert "coefficients" in shown.stdout and "bonus" in shown.stdout
    sub = run_kaohe("officers", "bonus", "--help")
    assert sub.returncode == 0 and "用法: kaohe officers bonus [选项]" in sub.stdout
    # and gives its own error where the bureau has no [officers] table (the demo's configuration has none)
    missing = run_kaohe("-c", "no-such-kaohe.toml", "officers", "2015-Q1")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
