"""The site's accounts (issue 16, points 2-3): the role × action table of ``allowed`` and ``sight``,
the password policy, argon2id hashes, the lockout, the CSV import and the ``kaohe users`` commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import report_bureau
from kaohe.office.accounts import (
    ANALYSE, APPEAL, COMMAND, DECIDE, IMPORT, MANAGE, PUBLISH, READ, REPORT, REVIEW, SIGN_OFF, UNLOCK, WITHDRAW, Actor, Resource, SignInRefused, add_users, allowed, current, disable_user,
    policy_problem, read_users_csv, reset_password, sight, sign_in,
)
from kaohe.office.results import staleness
from kaohe.core.periods import Period
from kaohe.core.errors import KaoheError
from kaohe.scheme.bureau import SiteSettings
from kaohe.store.store import Store

OFFICE = Actor("o", "考办", "考核办")
DEPT = Actor("d", "测试", "部门", department="测试大队")
UNIT = Actor("u", "儒林", "单位", unit="rulin")
LEADER = Actor("l", "领导", "领导")
OFFICER = Actor("1001", "张伟", "民警", unit="rulin")  # an officer: account = his 警号 (issue 21)
TOKEN = Actor("api:测试大队-1", "测试大队-1", "接口", department="测试大队")  # a department's system by its token (kaohe.office.tokens)
PROVINCE = Actor("p", "省厅", "省厅")  # the platform's account (issue 22): the roll-up, a bureau's published results read only

# (actor, action, resource, allowed?) — each line read off issue 16's definition of the roles.
TABLE = [
    # 考核办: everything, drafts included
    (OFFICE, READ, Resource("ranking", published=False), True),
    (OFFICE, READ, Resource("unit", published=False, unit="xuebu"), True),
    (OFFICE, MANAGE, Resource("accounts"), True),
    (OFFICE, DECIDE, Resource("appeal", True, unit="rulin", department="督察支队"), True),
    # 部门: its own items, its data, the appeals against its items; what is published
    (DEPT, READ, Resource("item", published=False, department="测试大队"), True),
    (DEPT, READ, Resource("item", published=True, department="督察支队"), False),
    (DEPT, IMPORT, Resource("data", department="测试大队"), True),
    (DEPT, IMPORT, Resource("data", department="督察支队"), False),
    # issue 17: a department withdraws its own records, before publication only
    (DEPT, WITHDRAW, Resource("data", published=False, department="测试大队"), True),
    (DEPT, WITHDRAW, Resource("data", published=True, department="测试大队"), False),
    (DEPT, WITHDRAW, Resource("data", published=False, department="督察支队"), False),
    (OFFICE, WITHDRAW, Resource("data", published=False, department="督察支队"), True),
    (UNIT, WITHDRAW, Resource("data", published=False, department="测试大队"), False),
    (LEADER, WITHDRAW, Resource("data", published=False, department="测试大队"), False),
    (DEPT, READ, Resource("appeal", True, unit="rulin", department="测试大队"), True),
    (DEPT, READ, Resource("appeal", True, unit="rulin", department="督察支队"), False),
    (DEPT, DECIDE, Resource("appeal", True, unit="rulin", department="测试大队"), True),
    (DEPT, DECIDE, Resource("appeal", True, unit="rulin", department="督察支队"), False),
    (DEPT, READ, Resource("ranking", published=False), False),
    (DEPT, READ, Resource("ranking", published=True), True),
    (DEPT, APPEAL, Resource("unit", True, unit="rulin"), False),
    (DEPT, MANAGE, Resource("accounts"), False),
    # 单位: its own results and appeals, published only; never another unit's
    (UNIT, READ, Resource("ranking", published=True), True),
    (UNIT, READ, Resource("ranking", published=False), False),
    (UNIT, READ, Resource("unit", published=True, unit="rulin"), True),
    (UNIT, READ, Resource("unit", published=False, unit="rulin"), False),
    (UNIT, READ, Resource("unit", published=True, unit="xuebu"), False),
    (UNIT, APPEAL, Resource("unit", published=True, unit="rulin"), True),
    (UNIT, APPEAL, Resource("unit", published=True, unit="xuebu"), False),
    (UNIT, READ, Resource("appeal", True, unit="xuebu", department="测试大队"), False),
    (UNIT, READ, Resource("appeal", True, unit="rulin", department="测试大队"), True),
    (UNIT, DECIDE, Resource("appeal", True, unit="rulin", department="测试大队"), False),
    (UNIT, IMPORT, Resource("data", department="测试大队"), False),
    (UNIT, MANAGE, Resource("accounts"), False),
    # 领导: read everything published, nothing else
    (LEADER, READ, Resource("ranking", published=True), True),
    (LEADER, READ, Resource("unit", published=True, unit="xuebu"), True),
    (LEADER, READ, Resource("ranking", published=False), False),
    (LEADER, READ, Resource("unit", published=False, unit="xuebu"), False),
    (LEADER, APPEAL, Resource("unit", True, unit="xuebu"), False),
    (LEADER, DECIDE, Resource("appeal", True, unit="xuebu", department="测试大队"), False),
    (LEADER, MANAGE, Resource("accounts"), False),
    # a department's page (its items across the units, its data status): the department itself,
    # drafts too; the office; leaders once published; never a unit
    (DEPT, READ, Resource("data", published=False, department="测试大队"), True),
    (DEPT, READ, Resource("data", published=True, department="督察支队"), False),
    (LEADER, READ, Resource("item", published=True, department="督察支队"), True),
    (LEADER, READ, Resource("item", published=False, department="督察支队"), False),
    (UNIT, READ, Resource("item", published=True, department="测试大队"), False),
    (OFFICE, READ, Resource("item", published=False, department="督察支队"), True),
    # the office's dashboard: the office only, published or not
    (OFFICE, READ, Resource("dashboard"), True),
    (DEPT, READ, Resource("dashboard", published=True, department="测试大队"), False),
    (UNIT, READ, Resource("dashboard", published=True, unit="rulin"), False),
    (LEADER, READ, Resource("dashboard", published=True), False),
    # the command line acts as an office account only
    (OFFICE, COMMAND, Resource("commands"), True),
    (DEPT, COMMAND, Resource("commands", department="测试大队"), False),
    (UNIT, COMMAND, Resource("commands", unit="rulin"), False),
    (LEADER, COMMAND, Resource("commands", published=True), False),
    # nobody signed in: nothing
    (None, READ, Resource("ranking", published=True), False),
    # an appeal's evidence files (issue 17 point 5): the unit, the item's department and the office only
    (OFFICE, READ, Resource("evidence", True, unit="rulin", department="督察支队"), True),
    (DEPT, READ, Resource("evidence", True, unit="rulin", department="测试大队"), True),
    (DEPT, READ, Resource("evidence", True, unit="rulin", department="督察支队"), False),
    (UNIT, READ, Resource("evidence", True, unit="rulin", department="测试大队"), True),
    (UNIT, READ, Resource("evidence", True, unit="xuebu", department="测试大队"), False),
    (LEADER, READ, Resource("evidence", True, unit="rulin", department="测试大队"), False),
    (LEADER, READ, Resource("appeal", True, unit="rulin", department="测试大队"), True),
    # filing an appeal: the unit for itself (and the office for it, as at the command line), not a department
    (UNIT, APPEAL, Resource("appeal", True, unit="rulin", department="测试大队"), True),
    (UNIT, APPEAL, Resource("appeal", True, unit="xuebu", department="测试大队"), False),
    (DEPT, APPEAL, Resource("appeal", True, unit="rulin", department="测试大队"), False),
    (OFFICE, APPEAL, Resource("appeal", True, unit="rulin", department="测试大队"), True),
    (None, READ, Resource("dashboard"), False),
    # signing off a period's data (issue 17 point 4): the department for itself, and the office
    (DEPT, SIGN_OFF, Resource("data", department="测试大队"), True),
    (DEPT, SIGN_OFF, Resource("data", department="督察支队"), False),
    (OFFICE, SIGN_OFF, Resource("data", department="督察支队"), True),
    (UNIT, SIGN_OFF, Resource("data", True, unit="rulin", department="测试大队"), False),
    (LEADER, SIGN_OFF, Resource("data", True, department="测试大队"), False),
    (None, SIGN_OFF, Resource("data", department="测试大队"), False),
    # a period's publication page, publishing and unlocking: the office only
    (OFFICE, READ, Resource("publication"), True),
    (OFFICE, PUBLISH, Resource("publication"), True),
    (OFFICE, UNLOCK, Resource("publication", True), True),
    (DEPT, READ, Resource("publication", department="测试大队"), False),
    (DEPT, PUBLISH, Resource("publication", department="测试大队"), False),
    (DEPT, UNLOCK, Resource("publication", True, department="测试大队"), False),
    (UNIT, READ, Resource("publication", True, unit="rulin"), False),
    (UNIT, PUBLISH, Resource("publication", True, unit="rulin"), False),
    (LEADER, READ, Resource("publication", True), False),
    (LEADER, UNLOCK, Resource("publication", True), False),
    # an API token (issue 17 point 7): reads and imports as its department; decides, appeals, manages nothing
    (TOKEN, IMPORT, Resource("data", department="测试大队"), True),
    (TOKEN, IMPORT, Resource("data", department="督察支队"), False),
    (TOKEN, READ, Resource("ranking", published=True), True),
    (TOKEN, READ, Resource("ranking", published=False), False),
    (TOKEN, READ, Resource("unit", published=False, unit="xuebu"), True),
    (TOKEN, READ, Resource("item", published=False, department="测试大队"), True),
    (TOKEN, READ, Resource("item", published=True, department="督察支队"), False),
    (TOKEN, READ, Resource("appeal", True, unit="rulin", department="测试大队"), False),
    (TOKEN, READ, Resource("evidence", True, unit="rulin", department="测试大队"), False),
    (TOKEN, DECIDE, Resource("appeal", True, unit="rulin", department="测试大队"), False),
    (TOKEN, APPEAL, Resource("unit", True, unit="rulin"), False),
    (TOKEN, MANAGE, Resource("accounts"), False),
    (TOKEN, READ, Resource("dashboard", published=True, department="测试大队"), False),
    (TOKEN, COMMAND, Resource("commands", department="测试大队"), False),
    # units' self-reports (issue 17 point 3): a unit enters and sees its own, published or not; the
    # item's department sees and reviews those for its items; the office all; leaders none
    (UNIT, REPORT, Resource("selfreport", unit="rulin", department="测试大队"), True),
    (UNIT, REPORT, Resource("selfreport", unit="xuebu", department="测试大队"), False),
    (UNIT, READ, Resource("selfreport", unit="rulin", department="测试大队"), True),
    (UNIT, READ, Resource("selfreport", unit="xuebu", department="测试大队"), False),
    (UNIT, REVIEW, Resource("selfreport", unit="rulin", department="测试大队"), False),
    (DEPT, READ, Resource("selfreport", unit="rulin", department="测试大队"), True),
    (DEPT, READ, Resource("selfreport", unit="rulin", department="督察支队"), False),
    (DEPT, REVIEW, Resource("selfreport", unit="rulin", department="测试大队"), True),
    (DEPT, REVIEW, Resource("selfreport", unit="rulin", department="督察支队"), False),
    (DEPT, REPORT, Resource("selfreport", unit="rulin", department="测试大队"), False),
    (OFFICE, REVIEW, Resource("selfreport", unit="rulin", department="督察支队"), True),
    (OFFICE, READ, Resource("selfreport", unit="rulin", department="督察支队"), True),
    (LEADER, READ, Resource("selfreport", True, unit="rulin", department="测试大队"), False),
    (LEADER, REVIEW, Resource("selfreport", True, unit="rulin", department="测试大队"), False),
    # the office's analysis of a scheme (issue 20): comparisons and diagnostics, the office only
    (OFFICE, ANALYSE, Resource("analysis"), True),
    (OFFICE, READ, Resource("analysis"), True),
    (DEPT, ANALYSE, Resource("analysis", department="测试大队"), False),
    (DEPT, READ, Resource("analysis", True, department="测试大队"), False),
    (UNIT, ANALYSE, Resource("analysis", True, unit="rulin"), False),
    (LEADER, ANALYSE, Resource("analysis", True), False),
    (LEADER, READ, Resource("analysis", True), False),
    (TOKEN, ANALYSE, Resource("analysis", department="测试大队"), False),
    (TOKEN, READ, Resource("analysis", True, department="测试大队"), False),
    (None, ANALYSE, Resource("analysis"), False),
    (OFFICER, ANALYSE, Resource("analysis", True, unit="rulin"), False),
    # the second level (issue 21): an officer reads his own result of a published period, nothing else; his unit's
    # account (its leader) reads its officers'; the office everything; leaders and departments nothing of it
    (OFFICER, READ, Resource("officer", True, unit="rulin", officer="1001"), True),
    (OFFICER, READ, Resource("officer", False, unit="rulin", officer="1001"), False),
    (OFFICER, READ, Resource("officer", True, unit="rulin", officer="1002"), False),
    (OFFICER, READ, Resource("officer", True, unit="xuebu", officer="1001"), False),
    (OFFICER, READ, Resource("officers", True, unit="rulin"), False),
    (OFFICER, READ, Resource("ranking", True), False),
    (OFFICER, READ, Resource("unit", True, unit="rulin"), False),
    (OFFICER, APPEAL, Resource("unit", True, unit="rulin"), False),
    (OFFICER, REPORT, Resource("selfreport", unit="rulin", department="测试大队"), False),
    (UNIT, READ, Resource("officers", True, unit="rulin"), True),
    (UNIT, READ, Resource("officer", True, unit="rulin", officer="1002"), True),
    (UNIT, READ, Resource("officers", True, unit="xuebu"), False),
    (UNIT, READ, Resource("officers", False, unit="rulin"), False),
    # the unit publishes its officers' results inside the unit, decides objections and files them (decide); an
    # officer objects to his own (appeal); nobody else does either
    (UNIT, DECIDE, Resource("officers", True, unit="rulin"), True),
    (UNIT, DECIDE, Resource("officers", True, unit="xuebu"), False),
    (UNIT, DECIDE, Resource("officers", False, unit="rulin"), False),
    (UNIT, DECIDE, Resource("officer", True, unit="rulin", officer="1002"), False),
    (UNIT, APPEAL, Resource("officer", True, unit="rulin", officer="1002"), False),
    (OFFICER, APPEAL, Resource("officer", True, unit="rulin", officer="1001"), True),
    (OFFICER, APPEAL, Resource("officer", False, unit="rulin", officer="1001"), False),
    (OFFICER, APPEAL, Resource("officer", True, unit="rulin", officer="1002"), False),
    (OFFICER, DECIDE, Resource("officers", True, unit="rulin"), False),
    (OFFICER, DECIDE, Resource("officer", True, unit="rulin", officer="1001"), False),
    (LEADER, DECIDE, Resource("officers", True, unit="rulin"), False),
    (DEPT, DECIDE, Resource("officers", True, unit="rulin"), False),
    (OFFICE, DECIDE, Resource("officers", True, unit="rulin"), True),
    (OFFICE, READ, Resource("officers", False, unit="rulin"), True),
    (LEADER, READ, Resource("officers", True, unit="rulin"), False),
    (DEPT, READ, Resource("officer", True, unit="rulin", officer="1001"), False),
    (TOKEN, READ, Resource("officers", True, unit="rulin"), False),
    # 省厅 (issue 22): the roll-up of the bureaus' published editions; in a bureau, its published
    # ranking, units and items, read only; nothing else, never a draft
    (PROVINCE, READ, Resource("rollup"), True),
    (PROVINCE, MANAGE, Resource("rollup"), False),
    (OFFICE, READ, Resource("rollup"), False),
    (LEADER, READ, Resource("rollup"), False),
    (UNIT, READ, Resource("rollup", True), False),
    (DEPT, READ, Resource("rollup", True), False),
    (TOKEN, READ, Resource("rollup", True), False),
    (PROVINCE, READ, Resource("ranking", published=True), True),
    (PROVINCE, READ, Resource("ranking", published=False), False),
    (PROVINCE, READ, Resource("unit", published=True, unit="rulin"), True),
    (PROVINCE, READ, Resource("unit", published=False, unit="rulin"), False),
    (PROVINCE, READ, Resource("item", published=True, department="测试大队"), True),
    (PROVINCE, READ, Resource("data", published=True, department="测试大队"), False),
    (PROVINCE, READ, Resource("appeal", True, unit="rulin", department="测试大队"), False),
    (PROVINCE, READ, Resource("evidence", True, unit="rulin", department="测试大队"), False),
    (PROVINCE, READ, Resource("selfreport", True, unit="rulin", department="测试大队"), False),
    (PROVINCE, READ, Resource("dashboard", True), False),
    (PROVINCE, READ, Resource("publication", True), False),
    (PROVINCE, MANAGE, Resource("accounts"), False),
    (PROVINCE, APPEAL, Resource("unit", True, unit="rulin"), False),
    (PROVINCE, DECIDE, Resource("appeal", True, unit="rulin", department="测试大队"), False),
    (PROVINCE, IMPORT, Resource("data", True, department="测试大队"), False),
    (PROVINCE, WITHDRAW, Resource("data", False, department="测试大队"), False),
    (PROVINCE, SIGN_OFF, Resource("data", True, department="测试大队"), False),
    (PROVINCE, PUBLISH, Resource("publication", True), False),
    (PROVINCE, UNLOCK, Resource("publication", True), False),
    (PROVINCE, COMMAND, Resource("commands", True), False),
    (PROVINCE, REPORT, Resource("selfreport", True, unit="rulin"), False),
    (PROVINCE, REVIEW, Resource("selfreport", True, unit="rulin", department="测试大队"), False),
    # the roles added together (issues 20, 21, 22): the province analyses nothing and sees no officer; an officer no roll-up
    (PROVINCE, ANALYSE, Resource("analysis", True), False),
    (PROVINCE, READ, Resource("analysis", True), False),
    (PROVINCE, READ, Resource("officers", True, unit="rulin"), False),
    (PROVINCE, READ, Resource("officer", True, unit="rulin", officer="1001"), False),
    (OFFICER, READ, Resource("rollup"), False),
    (OFFICE, READ, Resource("rollup"), False),
]


@pytest.mark.parametrize(("actor", "action", "resource", "expected"), TABLE)
def test_role_action_table(actor, action, resource, expected):
    assert allowed(actor, action, resource) is expected


def test_sight_agrees_with_allowed():
    # before publication: only the office sees units; a department sees its own items only
    assert sight(OFFICE).sees_unit("xuebu", published=False)
    assert not sight(UNIT).sees_unit("rulin", published=False)
    assert not sight(LEADER).sees_unit("xuebu", published=False)
    assert sight(UNIT).sees_unit("rulin", True) and not sight(UNIT).sees_unit("xuebu", True)
    assert sight(DEPT).sees_item("测试大队", False) and not sight(DEPT).sees_item("督察支队", True)
    assert sight(TOKEN) == sight(DEPT)
    assert sight(LEADER).sees_item("督察支队", True) and not sight(LEADER).sees_item("督察支队", False)
    assert sight(UNIT).periods(["2015-02"], ["2015-01", "2015-02"]) == ["2015-02"]
    assert sight(OFFICE).periods(["2015-02"], ["2015-01", "2015-02"]) == ["2015-01", "2015-02"]
    assert sight(PROVINCE).periods(["2015-02"], ["2015-01", "2015-02"]) == ["2015-02"]
    assert not sight(PROVINCE).sees_unit("rulin", published=False) and sight(PROVINCE).sees_item("督察支队", True)


def test_an_unknown_action_or_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        allowed(OFFICE, "delete", Resource("ranking"))
    with pytest.raises(ValueError):
        Resource("everything")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Short-1", "密码太短:至少 10 位"),
        ("alllowercaseletters", "密码须含小写字母、大写字母、数字、其他符号中的至少三种"),
        ("Rulin-2015-x", "密码不能包含账号"),
        ("Kaohe-Test-2015", None),
    ],
)
def test_password_policy(password, problem):
    assert policy_problem(password, "rulin", SiteSettings()) == problem


@pytest.fixture(scope="module")
def bureau_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("accounts")
    bureau, _, db = report_bureau.make(tmp)
    with Store(db) as store:
        add_users(store, bureau, [("rulin", "儒林所", "单位", "儒林派出所", "Kaohe-Test-2015")], "office-a")
    return bureau, db


def test_hash_is_argon2id_and_the_password_is_not_stored(bureau_store):
    _, db = bureau_store
    with Store(db) as store:
        row = store.user("rulin")
    assert row is not None and row["hash"].startswith("$argon2id$") and "Kaohe-Test-2015" not in row["hash"]
    assert row["unit"] == "rulin"  # the unit named by its name, stored by its id


def test_lockout_after_repeated_failures_and_the_trail(bureau_store):
    bureau, db = bureau_store
    settings = SiteSettings(lockout_failures=3, lockout_minutes=15)
    t0 = dt.datetime(2015, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
    with Store(db) as store:
        assert sign_in(store, settings, "rulin", "Kaohe-Test-2015", when=t0).unit == "rulin"
        said: list[str] = []
        for n in range(3):
            with pytest.raises(SignInRefused) as refused:
                sign_in(store, settings, "rulin", "wrong", when=t0)
            said.append(str(refused.value))
        # locked after the third: even the right password is refused until the lock ends
        with pytest.raises(SignInRefused) as refused:
            sign_in(store, settings, "rulin", "Kaohe-Test-2015", when=t0 + dt.timedelta(minutes=14))
        said.append(str(refused.value))
        # an account that does not exist, tried as often, is refused in the very same words
        for n in range(4):
            with pytest.raises(SignInRefused) as refused:
                sign_in(store, settings, "nobody", "wrong", when=t0)
            said.append(str(refused.value))
        assert set(said) == {"账号或密码不正确。连续 3 次登录失败的账号将锁定 15 分钟,期间请稍后再试,或请考核办重置密码"}
        assert sign_in(store, settings, "rulin", "Kaohe-Test-2015", when=t0 + dt.timedelta(minutes=16)).account == "rulin"
        why = [json.loads(e["detail"])["why"] for e in store.audit(action="登录失败", actor="rulin")]
        assert why == ["密码错误", "密码错误", "密码错误", "已锁定"]  # the trail tells them apart
        trail = [(e["actor"], e["action"]) for e in store.audit() if e["action"] in ("登录", "登录失败", "新建账号")]
        assert trail == [
            ("office-a", "新建账号"), ("rulin", "登录"), ("rulin", "登录失败"), ("rulin", "登录失败"), ("rulin", "登录失败"),
            ("rulin", "登录失败"), ("nobody", "登录失败"), ("nobody", "登录失败"), ("nobody", "登录失败"),
            ("nobody", "登录失败"), ("rulin", "登录"),
        ]
        # signing in changes nothing a score reads: the stored results stay up to date
        assert staleness(store, bureau, Period.parse("2015-02")) is None


def test_reset_and_disable_end_the_sessions(bureau_store):
    bureau, db = bureau_store
    with Store(db) as store:
        stamp = store.user("rulin")["stamp"]
        assert current(store, "rulin", stamp) is not None
        reset_password(store, bureau, "rulin", "office-a", "Kaohe-Test-2016")
        assert current(store, "rulin", stamp) is None
        stamp = store.user("rulin")["stamp"]
        disable_user(store, "rulin", "office-a")
        assert current(store, "rulin", stamp) is None
        with pytest.raises(SignInRefused):
            sign_in(store, bureau.site, "rulin", "Kaohe-Test-2016")
        reset_password(store, bureau, "rulin", "office-a", "Kaohe-Test-2015")  # enabled again


def test_import_is_all_or_nothing_and_names_the_row(bureau_store, tmp_path):
    bureau, db = bureau_store
    bad = tmp_path / "accounts.csv"
    bad.write_text("账号,姓名,角色,单位或部门\nxb,薛埠所,单位,薛埠派出所\nzx,直溪所,单位,不存在所\n", encoding="utf-8")
    with Store(db) as store:
        with pytest.raises(KaoheError, match=r"accounts.csv 第3行:单位 '不存在所' 不在本局的单位名单中"):
            add_users(store, bureau, read_users_csv(bad), "office-a", where="accounts.csv ")
        assert store.user("xb") is None  # nothing of the file
    with Store(db) as store:
        role = tmp_path / "role.csv"
        role.write_text("账号,姓名,角色,单位或部门\nzz,某人,局长,\n", encoding="utf-8")
        with pytest.raises(KaoheError, match="第2行:角色 '局长' 不对:应为 考核办、部门、单位、领导、民警 之一"):
            add_users(store, bureau, read_users_csv(role), "office-a", where="role.csv ")
        dept = tmp_path / "dept.csv"
        dept.write_text("账号,姓名,角色,单位或部门\ndd,某人,部门,治安大队\n", encoding="utf-8")
        with pytest.raises(KaoheError, match="部门 '治安大队' 没有启用的考核项目"):
            add_users(store, bureau, read_users_csv(dept), "office-a", where="dept.csv ")


def _kaohe(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from kaohe.cli.main import main; main()", *args], cwd=cwd, input=stdin, capture_output=True, text=True,
        env={**os.environ, "KAOHE_ACTOR": "考核办张三"}, timeout=120,
    )


def test_users_commands(tmp_path):
    (tmp_path / "kaohe.toml").write_text(
        '[bureau]\nname = "测试局"\n[scheme]\nname = "测试"\n[[series]]\nid = "s"\nname = "所"\n'
        '[[categories]]\nid = "c"\nname = "类"\nweight = 100\n[[units]]\nid = "a"\nname = "甲所"\nseries = "s"\n',
        encoding="utf-8",
    )
    (tmp_path / "users.csv").write_text("账号,姓名,角色,单位或部门\njia,甲所值班,单位,甲所\nboss,局长,领导,\n", encoding="utf-8")
    out = _kaohe("users", "import", "users.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "已新建 2 个账号" in out.stdout and "jia" in out.stdout
    out = _kaohe("users", "add", "kb", "--name", "考办", "--role", "考核办", "--password-stdin", cwd=tmp_path, stdin="short\n")
    assert out.returncode == 2 and out.stderr.strip() == "错误:密码太短:至少 10 位", out.stderr
    out = _kaohe("users", "disable", "jia", cwd=tmp_path)
    assert out.returncode == 0 and "已停用账号 jia" in out.stdout
    listing = _kaohe("users", "list", cwd=tmp_path).stdout
    assert "jia" in listing and "已停用" in listing and "boss" in listing and "领导" in listing
    out = _kaohe("users", "reset-password", "nobody", cwd=tmp_path)
    assert out.returncode == 2 and "没有账号 nobody" in out.stderr
    audit = _kaohe("audit", cwd=tmp_path).stdout
    assert "新建账号" in audit and "停用账号" in audit and "考核办张三" in audit


def test_the_command_line_acts_as_an_office_account(tmp_path):
    """Issue 16 point 3: once the bureau has an enabled office account, every writing command records
    the office account named by --actor (or --account), KAOHE_ACTOR or [site] cli_account — not the
    system user — and refuses any other name in one line naming where it came from."""
    config = (
        '[bureau]\nname = "测试局"\n[scheme]\nname = "测试"\n[[series]]\nid = "s"\nname = "所"\n'
        '[[categories]]\nid = "c"\nname = "类"\nweight = 100\n[[units]]\nid = "a"\nname = "甲所"\nseries = "s"\n'
    )
    (tmp_path / "kaohe.toml").write_text(config, encoding="utf-8")

    def run(*args: str, env_actor: str | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "KAOHE_ACTOR"}
        if env_actor is not None:
            env["KAOHE_ACTOR"] = env_actor
        return subprocess.run(
            [sys.executable, "-c", "from kaohe.cli.main import main; main()", *args], cwd=tmp_path, input=stdin,
            capture_output=True, text=True, env=env, timeout=120,
        )

    # no office account yet: the first one is opened with a free name (recorded as given)
    out = run("users", "add", "kb", "--name", "考办", "--role", "考核办", "--password-stdin", "--actor", "考核办张三", stdin="Kaohe-Test-2015\n")
    assert out.returncode == 0, out.stderr
    # from now on: nothing named, a name that is no account, a disabled one, another role — refused
    out = run("users", "add", "boss", "--name", "局长", "--role", "领导")
    assert out.returncode == 2 and out.stderr.startswith("错误:本局已开设网站账号,命令行的写操作须指明操作人的考核办账号"), out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    out = run("users", "add", "boss", "--name", "局长", "--role", "领导", "--actor", "考核办张三")
    assert out.returncode == 2 and out.stderr.strip() == (
        "错误:选项 --actor 的值 '考核办张三' 不是本局的网站账号(应为考核办的账号,用 kaohe users list 查看)"
    )
    out = run("users", "add", "boss", "--name", "局长", "--role", "领导", env_actor="nobody")
    assert out.returncode == 2 and "环境变量 KAOHE_ACTOR 的值 'nobody' 不是本局的网站账号" in out.stderr
    out = run("users", "add", "boss", "--name", "局长", "--role", "领导", "--account", "KB")  # case aside
    assert out.returncode == 0, out.stderr
    out = run("signoff", "c", "2015-04", "--actor", "boss")
    assert out.returncode == 2 and out.stderr.strip() == "错误:选项 --actor 的账号 boss 的角色是“领导”:命令行只能以考核办的账号操作"
    # the setting names the account when neither the option nor the variable does
    (tmp_path / "kaohe.toml").write_text(config + '[site]\ncli_account = "kb"\n', encoding="utf-8")
    out = run("users", "disable", "boss")
    assert out.returncode == 0, out.stderr
    out = run("users", "add", "kb2", "--name", "考办二", "--role", "考核办", "--password-stdin", stdin="Kaohe-Test-2015\n")
    assert out.returncode == 0, out.stderr
    out = run("users", "disable", "kb2")
    assert out.returncode == 0, out.stderr
    out = run("users", "reset-password", "boss", "--actor", "kb2")  # disabled now
    assert out.returncode == 2 and out.stderr.strip() == "错误:选项 --actor 的账号 kb2 已停用(应为启用的考核办账号)"
    (tmp_path / "kaohe.toml").write_text(config + '[site]\ncli_account = "ghost"\n', encoding="utf-8")
    out = run("users", "disable", "kb")
    assert out.returncode == 2 and "kaohe.toml 中 [site] cli_account 的值 'ghost' 不是本局的网站账号" in out.stderr
    audit = json.loads(run("audit", "--json").stdout)
    assert [(r["action"], r["actor"], r["subject"]) for r in audit if r["action"] in ("新建账号", "停用账号")] == [
        ("新建账号", "考核办张三", "kb"), ("新建账号", "kb", "boss"), ("停用账号", "kb", "boss"), ("新建账号", "kb", "kb2"),
        ("停用账号", "kb", "kb2"),
    ]
