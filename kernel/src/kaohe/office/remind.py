"""The daily reminder (issue 17, point 6): ``kaohe remind``, which the office schedules (cron), sends
each account with an e-mail address one plain-text message in Chinese listing what awaits it
(kaohe.office.inbox), through the bureau's own SMTP server (``[notify]``; off while ``smtp_host`` is
empty). Each message sent is recorded in the audit trail (发送提醒, with the day it is for): an
account is never sent two reminders for the same day, even when the command runs again after a
failure. The password of the SMTP account is read from an environment variable, never from the
configuration."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import attrs

from ..core.errors import KaoheError
from ..scheme.bureau import Bureau, NotifySettings
from ..store.store import Store
from .accounts import REMINDED, actor_of
from .inbox import Awaiting, awaiting


@attrs.frozen
class Reminder:
    """One account's message: to whom, what awaits it, and the message itself."""

    account: str
    email: str
    items: tuple[Awaiting, ...]
    message: EmailMessage


@attrs.frozen
class Reminding:
    """What ``remind`` did: the messages (sent, or only composed with ``dry_run``), the accounts already
    reminded for the day, and the accounts with an address and nothing awaiting."""

    reminders: tuple[Reminder, ...]
    already: tuple[str, ...]
    nothing: tuple[str, ...]
    sent: bool


def compose(bureau: Bureau, user: dict[str, Any], items: list[Awaiting], day: dt.date) -> EmailMessage:
    """The plain-text message to ``user`` listing ``items``."""
    notify = bureau.notify
    url = notify.site_url
    lines = [f"{user['name']}:", "", f"截至 {day.isoformat()},{bureau.name}绩效考核中您有 {len(items)} 项待办:", ""]
    for n, item in enumerate(items, start=1):
        lines.append(f"{n}. {item.text}")
        lines.append(f"   {url}{item.link}")
    lines += ["", f"请登录考核网站处理:{url}/inbox", "", "(本邮件由考核系统每日自动发送,请勿直接回复。)"]
    msg = EmailMessage()
    msg["Subject"] = f"【{bureau.name}绩效考核】待办 {len(items)} 项({day.isoformat()})"
    msg["From"] = notify.sender or "kaohe@localhost"
    msg["To"] = str(user["email"])
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=(notify.sender.partition("@")[2] or None))
    msg.set_content("\n".join(lines) + "\n", charset="utf-8")
    return msg


def remind(store: Store, bureau: Bureau, registry: Any, day: dt.date, *, dry_run: bool = False, actor: str | None = None) -> Reminding:
    """Send each enabled account with an e-mail address the list of what awaits it on ``day`` (none
    when nothing does, nor when it was sent one for ``day`` already); ``dry_run``: compose only."""
    notify = bureau.notify
    if not dry_run and not notify.enabled:
        raise KaoheError("未配置邮件服务器([notify] smtp_host,见 docs/configuration.md):不发送提醒;可用 --dry-run 查看将发送的内容")
    done = store.reminded_on(day.isoformat())
    out, already, nothing = [], [], []
    for user in store.users():
        if user["disabled"] or not user["email"]:
            continue
        if user["account"] in done:
            already.append(str(user["account"]))
            continue
        items = awaiting(store, bureau, registry, actor_of(user), day)
        if not items:
            nothing.append(str(user["account"]))
            continue
        out.append(Reminder(str(user["account"]), str(user["email"]), tuple(items), compose(bureau, user, items, day)))
    if out and not dry_run:
        _send(store, notify, out, day, actor)
    return Reminding(tuple(out), tuple(already), tuple(nothing), bool(out) and not dry_run)


def _password(notify: NotifySettings) -> str:
    password = os.environ.get(notify.password_env, "")
    if not password:
        raise KaoheError(f"[notify] 设置了 username = {notify.username!r},但环境变量 {notify.password_env} 中没有邮件服务器的密码")
    return password


def _send(store: Store, notify: NotifySettings, reminders: list[Reminder], day: dt.date, actor: str | None) -> None:
    """Send the messages through one SMTP session, recording each in the audit trail as soon as the
    server has accepted it (a failure part way leaves the ones sent recorded, the others to send on
    the next run)."""
    where = f"{notify.smtp_host}:{notify.smtp_port}"
    password = _password(notify) if notify.username else ""
    sent = 0
    try:
        with smtplib.SMTP(notify.smtp_host, notify.smtp_port, timeout=30) as smtp:
            if notify.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if notify.username:
                smtp.login(notify.username, password)
            for r in reminders:
                smtp.send_message(r.message)
                store.log(REMINDED, actor, subject=r.account, detail={"date": day.isoformat(), "to": r.email, "items": len(r.items)})
                sent += 1
    except smtplib.SMTPAuthenticationError:
        raise KaoheError(f"邮件服务器 {where} 拒绝登录(用户名 {notify.username}):检查 [notify] username 和环境变量 {notify.password_env}") from None
    except smtplib.SMTPNotSupportedError:
        raise KaoheError(f"邮件服务器 {where} 不支持 STARTTLS:确属内网服务器时可设 [notify] starttls = false") from None
    except (smtplib.SMTPException, OSError) as exc:
        done = f"已发送 {sent} 封并记入审计记录,其余下次运行时补发" if sent else "未发送任何提醒"
        raise KaoheError(f"通过邮件服务器 {where} 发送提醒失败({type(exc).__name__}: {exc}):{done}") from None
