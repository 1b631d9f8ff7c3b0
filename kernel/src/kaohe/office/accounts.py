"""The site's accounts and what each may do (issue 16): the roles, the one function that decides
(``allowed``) and what an actor may see (``sight``), the password policy, argon2id hashes, signing in
with its lockout, and the office's account commands (add, import from a CSV, disable, reset).

Roles (issue 16, point 2):

- 考核办 (the office): everything, drafts before publication included;
- 部门 (a department): its own items, its data and the appeals against its items, before publication
  too; what is published;
- 单位 (an assessed unit): the published ranking, its own results and its own appeals, never another
  unit's;
- 领导 (leaders): read everything published;
- 民警 (an officer, account = his 警号, of his unit): his own officer-level result of a published
  period (the second level, issue 21), nothing else. A unit's account (its leader) reads its own
  officers' results.
- 省厅 (the province, issue 22 point 2): not a bureau's account but the platform's
  (kaohe.office.platform): the roll-up of every bureau's published editions, and each bureau's
  published ranking, units' results and items, read only; never drafts, data records, appeals,
  evidence, self-reports or accounts.

Every sign-in, failure and change of an account is in the audit trail with the account as the actor.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import string
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs

from ..core.errors import KaoheError
from ..scheme.bureau import Bureau, SiteSettings
from ..store.actor import now
from ..store.store import Store

OFFICE, DEPARTMENT, UNIT, LEADER, OFFICER = "考核办", "部门", "单位", "领导", "民警"
ROLES = (OFFICE, DEPARTMENT, UNIT, LEADER, OFFICER)
PROVINCE = "省厅"
PLATFORM_ROLES = (PROVINCE,)
"""The roles of the platform's own accounts (kaohe.office.platform), never a bureau's."""
API = "接口"
"""Not an account's role: a department's system acting by its token (kaohe.office.tokens, issue 17
point 7). It reads what its department reads and imports its department's data; nothing else."""

READ, IMPORT, APPEAL, DECIDE, MANAGE, COMMAND = "read", "import", "appeal", "decide", "manage", "command"
WITHDRAW = "withdraw"
SIGN_OFF, PUBLISH, UNLOCK = "signoff", "publish", "unlock"
REPORT, REVIEW = "report", "review"
ANALYSE = "analyse"
ACTIONS = (READ, IMPORT, APPEAL, DECIDE, MANAGE, COMMAND, WITHDRAW, SIGN_OFF, PUBLISH, UNLOCK, REPORT, REVIEW, ANALYSE)
"""read: see a resource; import: send a department's data; appeal: file an appeal against a
deduction; decide: decide an appeal; manage: accounts, scoring, publication, adjustments; command:
act at the command line (the office's tool: its writing commands record the account, ``cli_actor``);
withdraw: void a wrong record of a department's data before its period is published (issue 17);
signoff: sign off a department's data of a period (the department for itself, and the office);
publish: publish a period's edition; unlock: unlock a published period (both the office's);
report: a unit enters its own work (a self-report); review: the item's department accepts or returns
a self-report; analyse: score the stored data under another scheme, or diagnose a scheme (the
office's what-if analysis, issue 20: nothing stored, the run audited)."""

KINDS = (
    "ranking", "unit", "item", "data", "appeal", "evidence", "accounts", "dashboard", "commands", "publication", "selfreport",
    "analysis", "officers", "officer", "rollup",
)
"""What a resource is: a period's ranking, a unit's results, an item's results across the units, a
department's data, an appeal, an appeal's evidence files (only for the unit, the item's department
and the office: not for leaders), the accounts, the office's dashboard, the command line, a period's
publication (its page: what is missing, the editions, the lock), a unit's self-report with its
evidence files (the unit, the item's department and the office; a draft of data, so never for
leaders), the office's analysis of a scheme (comparisons and diagnostics over every unit, drafts
included: the office only); a unit's officers' results (``officers``: the unit and the office) and one officer's
(``officer``: the officer himself, his unit and the office), of a published period, never for leaders
or departments (the second level is the unit's own assessment of its officers): the unit ``decide``s on
its officers' results (publishes them inside the unit, decides objections, files them with the office),
an officer ``appeal``s against his own (an objection); the province's roll-up of
every bureau's published editions (the province only)."""

SIGN_IN, SIGN_IN_FAILED, SIGN_OUT = "登录", "登录失败", "退出登录"
ACCOUNT_ADDED, ACCOUNT_DISABLED, PASSWORD_RESET = "新建账号", "停用账号", "重置密码"
TOKEN_ADDED, TOKEN_REVOKED = "新建接口令牌", "吊销接口令牌"
REMINDED = "发送提醒"
"""An e-mail of what awaits an account, sent by ``kaohe remind`` (kaohe.office.remind)."""
ANALYSED = "方案分析"
"""The office ran a comparison or the diagnostics of a scheme on the site (nothing stored)."""
AUDIT_ACTIONS = frozenset({
    SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, ACCOUNT_ADDED, ACCOUNT_DISABLED, PASSWORD_RESET, TOKEN_ADDED, TOKEN_REVOKED, REMINDED, ANALYSED,
})
"""The audit trail's actions of this module, of kaohe.office.tokens and of kaohe.office.remind: none
changes what a score reads."""


@attrs.frozen
class Actor:
    """Who acts: an account of the site."""

    account: str
    name: str
    role: str
    unit: str = ""
    department: str = ""
    stamp: int = 0


@attrs.frozen
class Resource:
    """What an action is on. ``published``: the period it belongs to has a published edition;
    ``unit``: the unit it is about (a unit's page, an appeal); ``department``: the department it
    belongs to (an item, data, an appeal routed to it)."""

    kind: str
    published: bool = False
    unit: str = ""
    department: str = ""
    officer: str = ""
    """The officer (警号) an ``officer`` resource is about."""

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown resource kind {self.kind!r}")


def allowed(actor: Actor | None, action: str, resource: Resource) -> bool:
    """Whether ``actor`` may do ``action`` on ``resource``: the one place that decides it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor is None:
        return False
    if resource.kind == "rollup":  # the platform's page: no bureau's account, the office's neither
        return actor.role == PROVINCE and action == READ
    if actor.role == PROVINCE:
        return action == READ and resource.published and resource.kind in ("ranking", "unit", "item")
    if actor.role == OFFICE:
        return True
    if resource.kind in ("accounts", "dashboard", "commands", "publication", "analysis") or action in (MANAGE, COMMAND, PUBLISH, UNLOCK, ANALYSE):
        return False
    if actor.role == API:  # a department's system: reads and imports as its department, decides and appeals nothing
        if action not in (READ, IMPORT) or resource.kind in ("appeal", "evidence"):
            return False
        actor = attrs.evolve(actor, role=DEPARTMENT)
    own_department = bool(actor.department) and resource.department == actor.department
    own_unit = bool(actor.unit) and resource.unit == actor.unit
    if resource.kind in ("officers", "officer"):  # the second level: the unit's and the officer's own
        if not resource.published or not own_unit:
            return False
        if actor.role == UNIT:  # reads its officers'; publishes them inside the unit, decides objections, files (decide)
            return action == READ or (action == DECIDE and resource.kind == "officers")
        if actor.role == OFFICER and resource.kind == "officer" and resource.officer == actor.account:
            return action in (READ, APPEAL)  # his own result; an objection to it (appeal)
        return False
    if actor.role == OFFICER:  # nothing else
        return False
    if resource.kind == "selfreport":  # not tied to publication: the month's work, before its data is final
        if actor.role == DEPARTMENT:
            return action in (READ, REVIEW) and own_department
        if actor.role == UNIT:
            return action in (READ, REPORT) and own_unit
        return False
    if actor.role == DEPARTMENT:
        if action == READ:
            if resource.kind in ("item", "data", "appeal", "evidence"):
                return own_department
            if resource.kind == "unit":  # its own items only, and the totals once published (``sight``)
                return True
            return resource.published  # the ranking
        if action in (IMPORT, DECIDE):
            return resource.kind in ("data", "appeal", "item") and own_department
        if action == WITHDRAW:  # its own records, before publication (then: an appeal, or the office)
            return resource.kind == "data" and own_department and not resource.published
        if action == SIGN_OFF:
            return resource.kind == "data" and own_department
        return False
    if actor.role == UNIT:
        if not resource.published:
            return False
        if action == READ:
            if resource.kind == "ranking":
                return True
            return resource.kind in ("unit", "appeal", "evidence") and own_unit
        if action == APPEAL:
            return resource.kind in ("unit", "appeal") and own_unit
        return False
    if actor.role == LEADER:
        return action == READ and resource.published and resource.kind not in ("accounts", "evidence")
    return False


@attrs.frozen
class Sight:
    """What an actor may see: the periods (``drafts``: the unpublished ones too) and, within a period,
    the units (None: all) and the departments whose items (None: all)."""

    drafts: bool
    units: frozenset[str] | None
    departments: frozenset[str] | None

    def periods(self, published: Iterable[str], stored: Iterable[str]) -> list[str]:
        """The periods this actor may open: the published ones; the office also every stored one, a
        department also those stored (its own items only)."""
        out = dict.fromkeys(published)
        if self.drafts:
            out.update(dict.fromkeys(stored))
        return sorted(out)

    def sees_unit(self, unit: str, published: bool) -> bool:
        if not published and not self.drafts:
            return False
        return self.units is None or unit in self.units

    def sees_item(self, department: str, published: bool) -> bool:
        if self.departments is not None:
            return department in self.departments
        return published or self.drafts


def sight(actor: Actor) -> Sight:
    """What ``actor`` may see (the same decisions as ``allowed``, as a query's filter)."""
    if actor.role == OFFICE:
        return Sight(True, None, None)
    if actor.role in (DEPARTMENT, API):
        return Sight(True, None, frozenset({actor.department}))
    if actor.role == UNIT:
        return Sight(False, frozenset({actor.unit}), None)
    if actor.role == OFFICER:  # no unit's results, no item: his own officer-level page only
        return Sight(False, frozenset(), frozenset())
    return Sight(False, None, None)


# --- passwords ----------------------------------------------------------------------------------


PASSWORD_MAX = 1024
"""The longest password (the sign-in form reads no more)."""


def policy_problem(password: str, account: str, settings: SiteSettings) -> str | None:
    """Why ``password`` is refused (in Chinese), or None."""
    if len(password) < settings.password_min_length:
        return f"密码太短:至少 {settings.password_min_length} 位"
    if len(password) > PASSWORD_MAX:
        return f"密码太长:至多 {PASSWORD_MAX} 位"
    classes = sum(
        (
            any(c.islower() for c in password), any(c.isupper() for c in password), any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < 3:
        return "密码须含小写字母、大写字母、数字、其他符号中的至少三种"
    if len(account) >= 3 and account.lower() in password.lower():  # an account "a" would forbid every "a"
        return "密码不能包含账号"
    return None


def new_password() -> str:
    """A random password that meets the policy (16 signs, given to the person once)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(14)) + secrets.choice("-_.!") + secrets.choice(string.digits)
        if any(c.islower() for c in pw) and any(c.isupper() for c in pw):
            return pw


def _random_for(account: str, settings: SiteSettings) -> str:
    """A random password ``account`` may have (one that happens to contain the account is drawn again)."""
    while True:
        pw = new_password()
        if policy_problem(pw, account, settings) is None:
            return pw


def _hasher() -> object:
    import argon2  # heavy: loaded by the commands that hash

    return argon2.PasswordHasher(type=argon2.Type.ID)


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))  # type: ignore[attr-defined]


DUMMY_HASH: list[str] = []
"""A hash checked for an unknown account, so that it takes as long as a known one."""


def _verify(hash_: str, password: str) -> tuple[bool, str | None]:
    """(whether ``password`` matches, a new hash when the parameters changed)."""
    import argon2

    hasher = argon2.PasswordHasher(type=argon2.Type.ID)
    try:
        hasher.verify(hash_, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False, None
    return True, (hasher.hash(password) if hasher.check_needs_rehash(hash_) else None)


# --- signing in --------------------------------------------------------------------------------


class SignInRefused(KaoheError):
    """A sign-in refused; the message says why in words that do not tell whether the account exists."""


def actor_of(row: dict[str, object]) -> Actor:
    return Actor(
        str(row["account"]), str(row["name"]), str(row["role"]), str(row["unit"] or ""), str(row["department"] or ""),
        int(row["stamp"] or 0),  # type: ignore[call-overload]
    )


def sign_in(store: Store, settings: SiteSettings, account: str, password: str, where: str = "", when: dt.datetime | None = None) -> Actor:
    """The actor of ``account`` when ``password`` is its password and it is neither disabled nor
    locked; otherwise ``SignInRefused``. Every attempt is in the audit trail; ``lockout_failures``
    failures in a row lock the account for ``lockout_minutes``. The attempt is decided in one write
    transaction, so that parallel guesses take turns and the lock holds after exactly
    ``lockout_failures`` wrong passwords; every refusal checks a hash, so that its time does not tell
    an unknown, disabled or locked account from a wrong password, and every refusal says the same
    words (:func:`refusal`), so that the text does not tell them apart either: only the audit trail
    says which it was."""
    when = when or dt.datetime.now().astimezone()
    account = account.strip()
    detail = {"from": where} if where else None
    if not DUMMY_HASH:
        DUMMY_HASH.append(hash_password(new_password()))
    refused: str | None = None
    with store.writing():  # parallel attempts take turns: none reads a count of failures another is changing
        row = store.user(account) if account else None
        locked = row["locked_until"] if row is not None else None
        if row is None:
            _verify(DUMMY_HASH[0], password)  # as long as for a known account
            store.log(SIGN_IN_FAILED, account or "-", subject=account[:64], detail={**(detail or {}), "why": "无此账号"})
            refused = refusal(settings)
        elif locked and dt.datetime.fromisoformat(str(locked)) > when:
            _verify(DUMMY_HASH[0], password)  # a locked account is not told by the time its refusal takes
            store.log(SIGN_IN_FAILED, account, subject=account, detail={**(detail or {}), "why": "已锁定"})
            refused = refusal(settings)
        elif row["disabled"]:
            _verify(DUMMY_HASH[0], password)  # a disabled account is not told by the time its refusal takes
            store.log(SIGN_IN_FAILED, account, subject=account, detail={**(detail or {}), "why": "已停用"})
            refused = refusal(settings)
        else:
            ok, rehash = _verify(str(row["hash"]), password)
            if ok:
                store.signed_in(account, rehash)
                store.log(SIGN_IN, account, subject=account, detail=detail)
            else:
                failures = int(row["failures"] or 0) + 1
                until = None
                if failures >= settings.lockout_failures:
                    until = (when + dt.timedelta(minutes=settings.lockout_minutes)).isoformat(timespec="seconds")
                    failures = 0
                store.sign_in_failed(account, failures, until)
                store.log(SIGN_IN_FAILED, account, subject=account, detail={**(detail or {}), "why": "密码错误", "locked_until": until})
                refused = refusal(settings)
    if refused is not None or row is None:
        raise SignInRefused(refused or refusal(settings))
    return actor_of(row)


def refusal(settings: SiteSettings) -> str:
    """The one text of every refused sign-in: the same for an unknown account, a wrong password, a
    disabled and a locked account, so that it tells a guesser nothing; it states the lockout rule, so
    that a person locked out knows why the right password is refused (docs/readings.md, "登录失败的提示")."""
    return (
        f"账号或密码不正确。连续 {settings.lockout_failures} 次登录失败的账号将锁定 {settings.lockout_minutes} 分钟,"
        "期间请稍后再试,或请考核办重置密码"
    )


def sign_out(store: Store, actor: Actor) -> None:
    """End every session of ``actor``'s account (a copy of its cookie is dead too) and say so in the
    audit trail."""
    with store.writing():
        store.end_sessions(actor.account)
        store.log(SIGN_OUT, actor.account, subject=actor.account)


def current(store: Store, account: str, stamp: int) -> Actor | None:
    """The actor of a session: None when the account is gone, disabled, or its password was reset
    since the session began (another stamp)."""
    row = store.user(account)
    if row is None or row["disabled"] or int(row["stamp"] or 0) != stamp:
        return None
    return actor_of(row)


# --- the command line's actor ------------------------------------------------------------------


CLI_ENV = "KAOHE_ACTOR"
"""The environment variable that names the account the command line acts as."""


def cli_account(store: Store, named: str | None, where: str) -> Actor | None:
    """The account the command line acts as (issue 16, point 3). ``named``: the account given, by
    ``where`` (the option, the environment variable or the setting, as the error names it).

    A bureau without an enabled office account (a new one, the demo before its accounts, the tests):
    None, and the command line records the name given, else the system user, as before the site
    existed (so the office can open its first account). Once one exists: the enabled account
    ``named`` (case and full-width letters aside), which must be allowed to act at the command line
    (``COMMAND``: the office); anything else is refused with one line naming ``where``
    (docs/readings.md, "命令行的操作人")."""
    users = store.users()
    if not any(u["role"] == OFFICE and not u["disabled"] for u in users):
        return None
    if not named:
        raise KaoheError(
            f"本局已开设网站账号,命令行的写操作须指明操作人的考核办账号:用选项 --actor 账号,"
            f"或环境变量 {CLI_ENV},或配置 [site] cli_account(不再记为系统用户)"
        )
    row = store.user(named.strip())
    if row is None:
        row = next((u for u in users if _fold(str(u["account"])) == _fold(named.strip())), None)
    if row is None:
        raise KaoheError(f"{where} 的值 {named!r} 不是本局的网站账号(应为考核办的账号,用 kaohe users list 查看)")
    if row["disabled"]:
        raise KaoheError(f"{where} 的账号 {row['account']} 已停用(应为启用的考核办账号)")
    actor = actor_of(row)
    if not allowed(actor, COMMAND, Resource("commands")):
        raise KaoheError(f"{where} 的账号 {actor.account} 的角色是“{actor.role}”:命令行只能以考核办的账号操作")
    return actor


# --- the office's account commands -------------------------------------------------------------


def _belongs(bureau: Bureau, role: str, where: str, departments: Sequence[str]) -> tuple[str, str]:
    """(unit, department) of an account of ``role`` given ``where`` (a unit's id or name, or a
    department), or KaoheError saying what was expected."""
    where = where.strip()
    if role in (UNIT, OFFICER):
        for u in bureau.units:
            if where in (u.id, u.name, *u.aliases):
                return u.id, ""
        raise KaoheError(f"单位 {where!r} 不在本局的单位名单中(应为单位编号或名称)")
    if role == DEPARTMENT:
        if where not in departments:
            raise KaoheError(f"部门 {where!r} 没有启用的考核项目(应为:{'、'.join(departments)})")
        return "", where
    if role not in ROLES:
        raise KaoheError(f"角色 {role!r} 不对:应为 {'、'.join(ROLES)} 之一")
    if where:
        raise KaoheError(f"角色 {role} 不属于某个单位或部门,“单位或部门”应留空,得到 {where!r}")
    return "", ""


def departments_of(bureau: Bureau) -> list[str]:
    """The departments with an item switched on (an account of role 部门 names one of them)."""
    return sorted({i.department for i in bureau.items if i.department})


def _fold(account: str) -> str:
    """An account's name as a reader takes it: without case, full-width letters as half-width."""
    return unicodedata.normalize("NFKC", account).casefold()


Row = tuple[str, str, str, str, str | None] | tuple[str, str, str, str, str | None, str]
"""An account to add: account, name, role, unit or department, password (None: a random one) and,
optionally, its e-mail address (``kaohe remind``; empty: none)."""


def email_problem(email: str) -> str | None:
    """What is wrong with an e-mail address (in Chinese), or None (empty is none: no reminders)."""
    if not email:
        return None
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;\"\\" for c in email) or len(email) > 254:
        return f"邮箱 {email!r} 不对:应为 名字@域名 的形式,如 zhang@example.gov.cn"
    return None


def add_users(store: Store, bureau: Bureau, rows: Sequence[Row], by: str, where: str = "") -> list[tuple[str, str]]:
    """Add accounts (:data:`Row`), all or none; returns (account, password) of each. ``where`` names
    the source of the rows for an error (``file.csv 第3行``)."""
    departments = departments_of(bureau)

    def belongs(role: str, place: str) -> tuple[str, str]:
        if role not in ROLES:
            raise KaoheError(f"角色 {role!r} 不对:应为 {'、'.join(ROLES)} 之一")
        return _belongs(bureau, role, place, departments)

    return _add_accounts(store, bureau.site, rows, by, where, belongs)


def add_platform_users(store: Store, settings: SiteSettings, rows: Sequence[Row], by: str, where: str = "") -> list[tuple[str, str]]:
    """Add the platform's own accounts (role 省厅, :data:`PLATFORM_ROLES`) to the platform's store,
    as :func:`add_users` adds a bureau's."""

    def belongs(role: str, place: str) -> tuple[str, str]:
        if role not in PLATFORM_ROLES:
            raise KaoheError(f"角色 {role!r} 不对:平台的账号应为 {'、'.join(PLATFORM_ROLES)}")
        if place.strip():
            raise KaoheError(f"角色 {role} 不属于某个单位或部门,“单位或部门”应留空,得到 {place.strip()!r}")
        return "", ""

    return _add_accounts(store, settings, rows, by, where, belongs)


def _add_accounts(
    store: Store, settings: SiteSettings, rows: Sequence[Row], by: str, where: str, belongs: Callable[[str, str], tuple[str, str]],
) -> list[tuple[str, str]]:
    seen: set[str] = {_fold(str(u["account"])) for u in store.users()}
    prepared = []
    out = []
    for n, row_in in enumerate(rows, start=1):
        account, name, role, place, password = row_in[:5]
        email = str(row_in[5]).strip() if len(row_in) > 5 else ""
        at = f"{where}第{n + 1}行:" if where else ""
        account, name, role = account.strip(), name.strip(), role.strip()
        if not account or any(c.isspace() or c in "/\\<>\"'&" for c in account) or len(account) > 64:
            raise KaoheError(f"{at}账号 {account!r} 不对:应为 1-64 个字符,不含空格和 / \\ < > \" ' &")
        if not name:
            raise KaoheError(f"{at}“姓名”为空")
        if _fold(account) in seen:  # 'Rulin' or a full-width 'ｒｕｌｉｎ' beside 'rulin' would pass for it
            raise KaoheError(f"{at}账号 {account} 已存在(账号不分大小写、全角半角)")
        seen.add(_fold(account))
        try:
            unit, department = belongs(role, place)
        except KaoheError as exc:
            raise KaoheError(f"{at}{exc}") from None
        pw = password if password is not None else _random_for(account, settings)
        problem = policy_problem(pw, account, settings)
        if problem:
            raise KaoheError(f"{at}{problem}")
        problem = email_problem(email)
        if problem:
            raise KaoheError(f"{at}{problem}")
        prepared.append({
            "account": account, "name": name, "role": role, "unit": unit, "department": department, "password": pw, "email": email,
        })
    for row in prepared:
        pw = str(row.pop("password"))
        row["hash"], row["created"] = hash_password(pw), now()
        out.append((str(row["account"]), pw))
    with store.writing():
        store.insert_users(prepared)
        for row in prepared:
            store.log(
                ACCOUNT_ADDED, by, unit=str(row["unit"]), department=str(row["department"]), subject=str(row["account"]),
                detail={"name": row["name"], "role": row["role"]},
            )
    return out


CSV_COLUMNS = {"账号": "account", "姓名": "name", "角色": "role", "单位或部门": "where", "邮箱": "email"}
CSV_ALIASES = {
    "account": "account", "name": "name", "role": "role", "unit": "where", "department": "where", "单位": "where", "部门": "where",
    "email": "email", "e-mail": "email", "电子邮箱": "email",
}


def read_users_csv(path: Path) -> list[Row]:
    """The rows of the office's CSV of accounts (columns 账号, 姓名, 角色, 单位或部门, and optionally
    邮箱; UTF-8 or GB18030)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KaoheError(f"无法读取 {path}:{exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise KaoheError(f"{path}:不是 UTF-8 或 GB18030 编码的 CSV")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise KaoheError(f"{path}:文件为空,应有表头 账号,姓名,角色,单位或部门")
    names = [CSV_COLUMNS.get(h.strip()) or CSV_ALIASES.get(h.strip().lower(), "") for h in header]
    for need, title in (("account", "账号"), ("name", "姓名"), ("role", "角色")):
        if need not in names:
            raise KaoheError(f"{path} 第1行:缺少“{title}”列(表头应为 账号,姓名,角色,单位或部门)")
    rows: list[Row] = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(names):
            raise KaoheError(f"{path} 第{n}行:有 {len(cells)} 列,表头只有 {len(names)} 列")
        d = {names[i]: c for i, c in enumerate(cells) if names[i]}
        rows.append((d.get("account", ""), d.get("name", ""), d.get("role", ""), d.get("where", ""), None, d.get("email", "")))
    return rows


def disable_user(store: Store, account: str, by: str) -> None:
    if store.user(account) is None:
        raise KaoheError(f"没有账号 {account}")
    with store.writing():
        store.disable_user(account)
        store.log(ACCOUNT_DISABLED, by, subject=account)


def reset_password(store: Store, bureau: Bureau, account: str, by: str, password: str | None = None) -> str:
    """A new password for ``account`` (random unless given); the lock is lifted, the account enabled
    again, its sessions ended."""
    return reset_platform_password(store, bureau.site, account, by, password)


def reset_platform_password(store: Store, settings: SiteSettings, account: str, by: str, password: str | None = None) -> str:
    """:func:`reset_password` under ``settings`` (the platform's accounts have no bureau)."""
    if store.user(account) is None:
        raise KaoheError(f"没有账号 {account}")
    pw = password if password is not None else _random_for(account, settings)
    problem = policy_problem(pw, account, settings)
    if problem:
        raise KaoheError(problem)
    hashed = hash_password(pw)
    with store.writing():
        store.set_password(account, hashed)
        store.log(PASSWORD_RESET, by, subject=account)
    return pw
