"""The office's use cases (kaohe.office) take the acting person, so that the command line and a web
site call the same functions and the audit trail records who acted: the name given, else the
account. The bureau is tests/office_bureau.py's (three stations, the office's own items)."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import office_bureau as ob
import pytest
from inprocess import kaohe
from kaohe.core.actor import Actor
from kaohe.core.periods import Period
from kaohe.office import adjustments, signoffs
from kaohe.office.session import Loaded, Office
from kaohe.plugins.discovery import load_registry
from kaohe.scheme.config import load_bureau

APRIL = Period.parse("2015-04")


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Office:
    monkeypatch.setenv("KAOHE_LOAD_PLUGINS", "")
    config = ob.make(tmp_path)
    registry = load_registry()
    return Loaded(load_bureau(config, registry), registry)


def test_the_actor_is_recorded_by_the_name_given_else_the_account() -> None:
    assert Actor("wang5", "考核办 王五").recorded == "考核办 王五"
    assert Actor("wang5").recorded == "wang5"
    assert Actor.local() == Actor(getpass.getuser(), "")
    assert Actor.local("考核办 王五") == Actor(getpass.getuser(), "考核办 王五")


def test_a_sign_off_records_who_signed(office: Office) -> None:
    first = signoffs.sign_off(office, "考核办", APRIL, Actor("wang5", "考核办 王五"), note="本月数据已核对")
    assert first.before is None and first.empty  # nothing imported: signing confirms there is no data
    again = signoffs.sign_off(office, "考核办", APRIL, Actor("li4"))
    assert again.before is not None and again.before["actor"] == "考核办 王五"
    with office.store(readonly=True) as store:
        assert [r["actor"] for r in store.audit(action="签收")] == ["考核办 王五", "li4"]


def test_an_adjustment_records_who_entered_it_and_who_revoked_it(office: Office) -> None:
    added = adjustments.add(office, APRIL, "甲派出所", Decimal("1.5"), "协助破获重大案件", "考核领导小组", "机动加分", Actor("zhao6", "考核办 赵六"))
    assert (added.unit, added.points, added.period) == ("a", Decimal("1.5"), "2015-04")
    adjustments.revoke(office, added.id, "重复登记", Actor("qian7"))
    (listed,) = adjustments.listing(office, APRIL)
    assert listed.actor == "考核办 赵六"
    assert listed.revoked is not None and listed.revoked["actor"] == "qian7"


def test_the_command_line_acts_as_the_system_account_unless_actor_names_someone(tmp_path: Path) -> None:
    ob.make(tmp_path)
    ob.kaohe(tmp_path, "signoff", "考核办", "2015-04")
    ob.kaohe(tmp_path, "signoff", "考核办", "2015-04", "--actor", "考核办 王五")
    audit = json.loads(ob.kaohe(tmp_path, "audit", "--action", "签收", "--json").stdout)
    assert [r["actor"] for r in audit] == [getpass.getuser(), "考核办 王五"]


def test_in_process_the_exit_codes_and_messages_are_the_executables(tmp_path: Path) -> None:
    """tests/inprocess.py runs kaohe.cli.main.run: the same one-line error and exit code as the
    ``kaohe`` process (2: a mistake; the usage line for a usage error)."""
    ob.make(tmp_path)
    for args in (["adjust", "revoke", "99", "--reason", "x"], ["score", "2015-13"], ["score"]):
        real = subprocess.run(
            [sys.executable, "-c", "from kaohe.cli.main import main; main()", *args],
            cwd=tmp_path, env=ob.env(), capture_output=True, text=True, timeout=120,
        )
        here = kaohe(*args, cwd=tmp_path, env=ob.env())
        assert real.returncode == here.returncode == 2
        assert (real.stdout, real.stderr) == (here.stdout, here.stderr)
