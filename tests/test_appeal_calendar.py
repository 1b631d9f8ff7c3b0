"""The appeal deadline counts working days from the official calendar by default (issue 17, point 5).

Hand-worked from the State Council's 2015 holiday notice (国办发明电〔2014〕28号): 国庆节 1-7 October
are holidays (Thursday 1st to Wednesday 7th) and Saturday 10 October is a working day (调休). So:

- published Wednesday 2015-09-30, 2 working days: Thursday 10-08 is the first, Friday 10-09 the
  second → 2015-10-09 (Monday to Friday only: 10-01, 10-02 → 2015-10-02);
- published Thursday 2015-10-08: Friday 10-09, then Saturday 10-10 (a working day) → 2015-10-10
  (Monday to Friday: 10-09, Monday 10-12 → 2015-10-12)."""

from __future__ import annotations

import datetime as dt

import office_bureau as ob
import pytest
from inprocess import kaohe

from kaohe.core.workdays import OFFICIAL_YEARS, WorkCalendar

D = dt.date


@pytest.mark.parametrize(
    ("published", "official", "weekdays"),
    [
        (D(2015, 9, 30), D(2015, 10, 9), D(2015, 10, 2)),
        (D(2015, 10, 8), D(2015, 10, 10), D(2015, 10, 12)),
        # 春节 2015: 18-24 February holidays, Sunday 15 and Saturday 28 February working days (02-13 Friday:
        # Sunday 15th, Monday 16th; 02-17 Tuesday: Wednesday 25th, Thursday 26th)
        (D(2015, 2, 13), D(2015, 2, 16), D(2015, 2, 17)),
        (D(2015, 2, 17), D(2015, 2, 26), D(2015, 2, 19)),
    ],
)
def test_two_working_days_across_the_holidays(published, official, weekdays):
    assert WorkCalendar(official=True).deadline(published, 2) == official
    assert WorkCalendar(official=False).deadline(published, 2) == weekdays


def test_the_bureaus_own_lists_count_on_top_of_the_official_calendar():
    # the bureau works on Saturday 10-03 (its own duty day): 10-03, then 10-08
    cal = WorkCalendar(official=True, workdays=frozenset({D(2015, 10, 3)}))
    assert cal.deadline(D(2015, 9, 30), 2) == D(2015, 10, 8)
    # and rests on Friday 10-09 (its own holiday): 10-08, then Saturday 10-10
    cal = WorkCalendar(official=True, holidays=frozenset({D(2015, 10, 9)}))
    assert cal.deadline(D(2015, 9, 30), 2) == D(2015, 10, 10)


def test_a_year_the_package_does_not_know_counts_monday_to_friday():
    beyond = OFFICIAL_YEARS.stop  # 2027 with chinesecalendar 1.11
    first = D(beyond, 1, 1)
    cal = WorkCalendar(official=True)
    assert cal.unknown_years(first, first) == [beyond]
    assert cal.deadline(first, 1) == WorkCalendar(official=False).deadline(first, 1)


@pytest.fixture()
def config(tmp_path):
    def write(extra: str):
        return ob.make(tmp_path / "bureau", extra)

    return write


def test_the_command_uses_the_official_calendar_unless_the_bureau_says_weekdays(config):
    c = config("\n[appeals]\nworking_days = 2\n")
    out = kaohe("--config", str(c), "appeal-deadline", "2015-09-30", env=ob.env())
    assert out.returncode == 0, out.stderr
    assert "截止 2015-10-09(星期五)" in out.stdout
    c = config('\n[appeals]\nworking_days = 2\ncalendar = "weekdays"\n')
    out = kaohe("--config", str(c), "appeal-deadline", "2015-09-30", env=ob.env())
    assert "截止 2015-10-02(星期五)" in out.stdout


def test_a_wrong_calendar_is_one_line_naming_the_key(config):
    c = config('\n[appeals]\ncalendar = "lunar"\n')
    out = kaohe("--config", str(c), "appeal-deadline", "2015-09-30", env=ob.env())
    assert out.returncode != 0 and "Traceback" not in out.stderr
    line = out.stderr.strip()
    assert "\n" not in line and "appeals.calendar" in line and '"official"' in line and "'lunar'" in line


@pytest.mark.parametrize(
    ("extra", "key"),
    [("evidence_max_mb = 0", "appeals.evidence_max_mb"), ("evidence_max_files = 51", "appeals.evidence_max_files")],
)
def test_evidence_limits_are_checked(config, extra, key):
    c = config(f"\n[appeals]\n{extra}\n")
    out = kaohe("--config", str(c), "appeal-deadline", "2015-09-30", env=ob.env())
    assert out.returncode != 0 and key in out.stderr and "\n" not in out.stderr.strip()
