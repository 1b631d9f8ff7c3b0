"""The daily reminder by e-mail (issue 17, point 6): ``kaohe remind`` through a real SMTP server
started here on 127.0.0.1 (a small one of the standard library's socketserver that keeps what it
receives).

The bureau is report_bureau's with 2015-02 published on Thursday 2015-03-05 (its window: Friday 03-06
and Monday 03-09) and 儒林派出所's appeal against E11 received on 03-06. On Monday 2015-03-09:
儒林's account has its window closing that day; 测试大队's has the appeal to decide (1 working day);
the leader's has nothing; 薛埠's account has no address."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import report_bureau

from kaohe.core.errors import ConfigError, KaoheError
from kaohe.core.periods import Period
from kaohe.office.accounts import add_users, read_users_csv
from kaohe.office.appeals import file_appeal
from kaohe.office.publication import publish
from kaohe.office.remind import remind
from kaohe.scheme.bureau import NotifySettings
from kaohe.scheme.config import parse_bureau
from kaohe.store.store import Store

PASSWORD = "Kaohe-Test-2015"
DAY = dt.date(2015, 3, 9)


class SMTPHandler(socketserver.StreamRequestHandler):
    """Enough of SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        rcpt: list[str] = []
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                rcpt = []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt.append(line.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with .")
                data = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append((rcpt, bytes(data)))  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture()
def smtp() -> Iterator[Any]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def make(tmp: Path, port: int) -> tuple[Any, Any, Path, int]:
    bureau, reg, db = report_bureau.make(tmp)
    notify = NotifySettings(smtp_host="127.0.0.1", smtp_port=port, sender="kaohe@example.gov.cn", starttls=False, site_url="https://kaohe.test")
    bureau = attrs.evolve(bureau, office=attrs.evolve(bureau.office, notify=notify))
    with Store(db) as store:
        publish(store, bureau, reg, Period.parse("2015-02"), published_on=dt.date(2015, 3, 5), actor="test", write=False)
        add_users(store, bureau, [
            ("rulin", "儒林所丙", "单位", "rulin", PASSWORD, "rulin@example.gov.cn"),
            ("dept", "测试大队乙", "部门", "测试大队", PASSWORD, "dept@example.gov.cn"),
            ("leader", "领导戊", "领导", "", PASSWORD, "leader@example.gov.cn"),
            ("xuebu", "薛埠所丁", "单位", "xuebu", PASSWORD),
        ], "test")
        a = file_appeal(
            store, bureau, Period.parse("2015-02"), "rulin", "testdept.late", "系统故障", record="testdept.event:E11",
            received=dt.date(2015, 3, 6), actor="rulin",
        )
    return bureau, reg, db, int(a["id"])


def messages(server: Any) -> dict[str, Any]:
    out = {}
    for rcpt, data in server.received:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        out[rcpt[0]] = msg
    return out


def test_each_account_gets_one_message_of_what_awaits_it_once_a_day(tmp_path, smtp):
    bureau, reg, db, appeal = make(tmp_path, smtp.server_address[1])
    with Store(db) as store:
        dry = remind(store, bureau, reg, DAY, dry_run=True)
        assert [r.account for r in dry.reminders] == ["rulin", "dept"] and dry.nothing == ("leader",) and not dry.sent
        assert smtp.received == [] and store.reminded_on("2015-03-09") == set()

        done = remind(store, bureau, reg, DAY, actor="office")
        assert done.sent and [r.account for r in done.reminders] == ["rulin", "dept"]
        got = messages(smtp)
        assert sorted(got) == ["dept@example.gov.cn", "rulin@example.gov.cn"]
        unit = got["rulin@example.gov.cn"]
        assert unit["Subject"] == "【测试市公安局绩效考核】待办 1 项(2015-03-09)"
        assert unit["From"] == "kaohe@example.gov.cn"
        assert unit.get_content() == (
            "儒林所丙:\n\n截至 2015-03-09,测试市公安局绩效考核中您有 1 项待办:\n\n"
            "1. 2015年2月通报(第1版)对扣分有异议的,还可申请复查至 2015-03-09\n"
            "   https://kaohe.test/unit/2015-02/rulin\n\n"
            "请登录考核网站处理:https://kaohe.test/inbox\n\n(本邮件由考核系统每日自动发送,请勿直接回复。)\n"
        )
        dept = got["dept@example.gov.cn"].get_content()
        assert f"1. 第{appeal}号复查申请(儒林派出所,接警后未按时到场,2015-02)待决定,已受理 1 个工作日\n   https://kaohe.test/appeals/{appeal}\n" in dept

        assert store.reminded_on("2015-03-09") == {"dept", "rulin"}
        rows = store.db.execute("SELECT actor, subject, detail FROM audit WHERE action = '发送提醒' ORDER BY subject").fetchall()
        assert [(r[0], r[1]) for r in rows] == [("office", "dept"), ("office", "rulin")]
        assert '"to": "rulin@example.gov.cn"' in rows[1][2] or '"to":"rulin@example.gov.cn"' in rows[1][2]

        # the same day again: nothing sent twice
        again = remind(store, bureau, reg, DAY, actor="office")
        assert again.reminders == () and again.already == ("rulin", "dept") and len(smtp.received) == 2
        # the next day: the window has shut; the appeal still waits
        nxt = remind(store, bureau, reg, DAY + dt.timedelta(days=1), actor="office")
        assert [r.account for r in nxt.reminders] == ["dept"] and len(smtp.received) == 3


def test_a_server_that_cannot_be_reached_or_logged_into_changes_nothing(tmp_path, smtp, monkeypatch):
    bureau, reg, db, _ = make(tmp_path, smtp.server_address[1])
    closed = attrs.evolve(bureau, office=attrs.evolve(bureau.office, notify=attrs.evolve(bureau.notify, smtp_port=1)))
    with Store(db) as store:
        with pytest.raises(KaoheError, match=r"通过邮件服务器 127\.0\.0\.1:1 发送提醒失败.*未发送任何提醒"):
            remind(store, closed, reg, DAY, actor="office")
        assert store.reminded_on("2015-03-09") == set()

        login = attrs.evolve(bureau, office=attrs.evolve(bureau.office, notify=attrs.evolve(bureau.notify, username="kaohe", password_env="KAOHE_TEST_SMTP_PW")))
        monkeypatch.delenv("KAOHE_TEST_SMTP_PW", raising=False)
        with pytest.raises(KaoheError, match="环境变量 KAOHE_TEST_SMTP_PW 中没有邮件服务器的密码"):
            remind(store, login, reg, DAY, actor="office")
        off = attrs.evolve(bureau, office=attrs.evolve(bureau.office, notify=NotifySettings()))
        with pytest.raises(KaoheError, match=r"未配置邮件服务器\(\[notify\] smtp_host"):
            remind(store, off, reg, DAY, actor="office")
        assert [r.account for r in remind(store, off, reg, DAY, dry_run=True).reminders] == ["rulin", "dept"]
        assert store.reminded_on("2015-03-09") == set() and smtp.received == []


def test_notify_settings_and_account_addresses(tmp_path):
    reg = report_bureau.registry()
    base = {**report_bureau.CONFIG, "bureau": {**report_bureau.CONFIG["bureau"], "database": "kaohe.sqlite"}}
    b = parse_bureau({**base, "notify": {"smtp_host": "mail.gaj.test", "from": "kaohe@gaj.test", "smtp_port": 587}}, reg, "kaohe.toml", tmp_path)
    assert (b.notify.smtp_host, b.notify.smtp_port, b.notify.sender, b.notify.starttls, b.notify.password_env) == (
        "mail.gaj.test", 587, "kaohe@gaj.test", True, "KAOHE_SMTP_PASSWORD",
    )
    assert not parse_bureau(base, reg, "kaohe.toml", tmp_path).notify.enabled
    with pytest.raises(ConfigError, match=r"kaohe.toml: 配置项 notify.from: 设置了 smtp_host 时应为发件人邮箱地址"):
        parse_bureau({**base, "notify": {"smtp_host": "mail.gaj.test"}}, reg, "kaohe.toml", tmp_path)
    with pytest.raises(ConfigError, match=r"notify.password"):
        parse_bureau({**base, "notify": {"smtp_host": "mail.gaj.test", "from": "a@b.c", "password": "secret"}}, reg, "kaohe.toml", tmp_path)

    (tmp_path / "b").mkdir()
    bureau, _, db = report_bureau.make(tmp_path / "b")
    (tmp_path / "users.csv").write_text("账号,姓名,角色,单位或部门,邮箱\nrulin,儒林所丙,单位,rulin,rulin@example.gov.cn\nxuebu,薛埠所丁,单位,xuebu,\n", encoding="utf-8")
    with Store(db) as store:
        with pytest.raises(KaoheError, match="x.csv 第3行:邮箱 'rulin at example' 不对"):
            add_users(store, bureau, [("zhixi", "直溪", "单位", "zhixi", None, ""), ("rulin", "儒林", "单位", "rulin", None, "rulin at example")], "test", where="x.csv ")
        assert store.users() == []  # all or none
        add_users(store, bureau, read_users_csv(tmp_path / "users.csv"), "test")
        assert {u["account"]: u["email"] for u in store.users()} == {"rulin": "rulin@example.gov.cn", "xuebu": ""}


def test_the_commands(tmp_path):
    from inprocess import kaohe

    (tmp_path / "kaohe.toml").write_text(
        '[bureau]\nname = "测试局"\n[scheme]\nname = "测试"\n[[series]]\nid = "s"\nname = "所"\n'
        '[[categories]]\nid = "c"\nname = "类"\nweight = 100\n[[units]]\nid = "a"\nname = "甲所"\nseries = "s"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "KAOHE_ACTOR": "kb"}
    out = kaohe("users", "add", "kb", "--name", "考办", "--role", "考核办", "--email", "kb@example.gov.cn", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    out = kaohe("users", "add", "jia", "--name", "甲所", "--role", "单位", "--unit", "a", "--email", "jia@", cwd=tmp_path, env=env)
    assert out.returncode == 2 and out.stderr.strip() == "错误:邮箱 'jia@' 不对:应为 名字@域名 的形式,如 zhang@example.gov.cn", out.stderr
    assert "kb@example.gov.cn" in kaohe("users", "list", cwd=tmp_path, env=env).stdout
    out = kaohe("remind", cwd=tmp_path, env=env)
    assert out.returncode != 0 and out.stderr.strip().startswith("错误:未配置邮件服务器([notify] smtp_host") and len(out.stderr.strip().splitlines()) == 1
    out = kaohe("remind", "--dry-run", "--date", "2015-05-21", cwd=tmp_path, env=env)
    assert out.returncode == 0 and "2015-05-21 没有需要发送的提醒" in out.stdout, out.stderr
    out = kaohe("remind", "--date", "2015-13-01", cwd=tmp_path, env=env)
    assert out.returncode != 0 and out.stderr.strip() == "错误:--date应为 2015-05-06 这样的日期,得到 '2015-13-01'"
