"""The bureau configuration (TOML): what a bureau's assessment office edits.

Every error names the file, the key and what was expected. See docs/configuration.md.
"""

from __future__ import annotations

import csv
import difflib
import fnmatch
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import attrs

if sys.version_info >= (3, 11):  # noqa: UP036 - tomli where a Python before 3.11 is used
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import re

from ..contract.items import Item, ReportField, SelfReport
from ..contract.registry import ConfigTable, Registry
from ..core.decimals import bounded
from ..core.errors import ConfigError, KaoheError, PluginError, RuleError
from ..core.model import Unit
from ..core.periods import Calendar
from ..core.workdays import CALENDARS
from ..rules import build
from .bureau import (
    LINES_PER_ITEM,
    STALE_MODES,
    Assessment,
    Bureau,
    EvidenceLimits,
    IntakeLimits,
    OfficeSettings,
    Publication,
    Regulation,
    ReportSettings,
    NotifySettings, ResultsSettings, SiteSettings,
)
from .scheme import Category, Scheme, Series
from .dated import versions
from .keys import TOP_KEYS
from .structure import Date, Expect, Invalid, Number, Structurer, date_of, keys_of, unknown_key, within

STRUCTURER = Structurer()
"""The one converter of the configuration's tables (a plugin's claimed table uses it too)."""



MAX_APPEAL_DAYS = 60
"""``[appeals] working_days`` at most: about three months of working days (the seeds say 2)."""
LAST_PLACE_MAX = 24
"""``[scheme] last_place_months`` at most: two years of months (the periods before are scored for it)."""


# --- the tables, as cattrs structures them (kaohe.scheme.structure) -------------------------------


def _cutoff(value: Any) -> str | None:
    try:
        Calendar(value)
    except KaoheError:
        return f"应为 1-27 的整数或 \"end\"(自然月),得到 {value!r}"
    return None


def _coefficient(value: Any) -> str | None:
    """``[scheme] class_coefficients``: a number above 0 (难度系数)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return f"应为数字(难度系数),得到 {value!r}"
    try:
        above = bounded(value) > 0
    except (TypeError, ValueError) as exc:
        problem = str(exc) if isinstance(value, int | float) or "not a number" not in str(exc) else "不是数字"
        return f"应为大于0的数字(难度系数),{problem},得到 {value!r}"
    return None if above else f"应为大于0的数字(难度系数),得到 {value!r}"


def _missing_data(value: str) -> str | None:
    if value in ("warn", "refuse"):
        return None
    return f'应为 "refuse"(须经确认才发布)或 "warn"(提示后发布),得到 {value!r}'


def _calendar(value: str) -> str | None:
    if value in CALENDARS:
        return None
    return f'应为 "official"(国务院公布的节假日安排,chinesecalendar)或 "weekdays"(周一至周五),得到 {value!r}'


def _evidence_dir(value: str) -> str | None:
    return None if value.strip() else "应为目录(相对于数据库所在目录),不能为空"


ENGINES = ("python", "sql")
"""``[scoring] engine``: how the items are scored (kaohe.scoring.aggregated)."""


def _stale(value: str) -> str | None:
    if value in STALE_MODES:
        return None
    return f'应为 "score"(先重新计算再显示)或 "warn"(显示已保存的结果并提示已过时),得到 {value!r}'


def _engine(value: str) -> str | None:
    if value in ENGINES:
        return None
    return f"应为 {' 或 '.join(ENGINES)}(逐条记录计分,或按汇总计数计分),得到 {value!r}"


def _lines(value: int) -> str | None:
    return None if value >= 1 else f"应为正整数(每个项目在网页上逐条列出的记录数),得到 {value}"


MaybeNumber = Annotated[Number | None, Expect("数字")]


@attrs.frozen(kw_only=True)
class BureauTable:
    """``[bureau]``."""

    name: str
    cutoff_day: Annotated[Any, Expect(check=_cutoff)] = 20
    database: Any = "kaohe.sqlite"
    """Checked as text after the other tables (the order the messages have always come in)."""


@attrs.frozen(kw_only=True)
class SeriesTable:
    """``[[series]]``: a 考核序列."""

    NOT_TABLE: ClassVar[str] = "应为表"
    id: str
    name: str | None = None
    pass_mark: MaybeNumber = None


@attrs.frozen(kw_only=True)
class CategoryTable:
    """``[[categories]]``: a 考核内容 (kaohe.scheme.scheme.Category)."""

    NOT_TABLE: ClassVar[str] = "应为表"
    id: str
    name: str
    weight: Annotated[Number, Expect("数字(权重)")]
    full: MaybeNumber = None
    base: Annotated[Number, Expect("数字")] = 0
    floor: MaybeNumber = None
    cap: MaybeNumber = None
    per_capita: bool = False
    normalise: bool = True
    weights: dict[str, Annotated[Number, Expect("数字(该序列的权重)")]] = attrs.field(factory=dict)
    scope: Annotated[str, Expect(choices=("period", "year"))] = "period"
    series: Annotated[list[Any], Expect("序列编号的数组")] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class SchemeTable:
    """``[scheme]`` (kaohe.scheme.scheme.Scheme)."""

    name: str = "考核方案"
    base_period: Annotated[str, Expect(choices=("month", "quarter"))] = "month"
    normalise_within: Annotated[str, Expect(choices=("series", "class", "all"))] = "series"
    decimals: Annotated[int, within(0, 6, "整数", "应为 0-6,得到 {value}")] = 2
    aggregate: Annotated[str, Expect(choices=("sum", "mean"))] = "sum"
    year_method: Annotated[str, Expect(choices=("sum", "mean", "scaled"))] = "mean"
    year_scale: Annotated[Number, Expect("数字")] = 100
    per_capita_direct: Annotated[str, Expect(choices=("plain", "times_headcount"))] = "plain"
    last_place_months: Annotated[  # each period back is scored: 10^11 of them never end
        int, within(0, LAST_PLACE_MAX, "整数", "应为 {low}-{high} 的整数(连续几期排名末位时加标记),得到 {value}")
    ] = 3
    class_coefficients: dict[str, Annotated[Any, Expect(check=_coefficient)]] = attrs.field(factory=dict)
    span_version: Annotated[str, Expect(choices=("end", "start"))] = "end"
    """The dated change a longer period is formed under (kaohe.scheme.dated): its last month's or its first's."""


@attrs.frozen(kw_only=True)
class UnitTable:
    """``[[units]]``, or a row of ``units_file`` (kaohe.core.model.Unit)."""

    NOT_TABLE: ClassVar[str] = "应为表"
    id: str
    name: str
    series: str
    class_: Any = None
    headcount: Any = attrs.field(factory=dict)
    tags: Any = ()
    aliases: Any = ()
    start: Date | None = None
    end: Date | None = None


@attrs.frozen(kw_only=True)
class RegulationTable:
    """``[regulations.<key>]`` (kaohe.scheme.bureau.Regulation)."""

    NOT_TABLE: ClassVar[str] = '应为表,如 [regulations.jintan_2015] title = "派出所绩效考核制度"'
    title: Annotated[str, Expect("文件标题(不含书名号)")]
    number: Annotated[str, Expect("文号")] = ""
    date: Date | None = None


@attrs.frozen(kw_only=True)
class IntakeTable:
    """``[intake]``: the earliest date, and the limits on a department's file (kaohe.scheme.bureau.IntakeLimits)."""

    earliest: Date | None = None
    max_file_mb: Annotated[int | None, within(1, 1 << 20)] = None
    max_rows: Annotated[int | None, within(1, 1_000_000_000)] = None
    max_columns: Annotated[int | None, within(1, 16_384)] = None
    max_cell_chars: Annotated[int | None, within(1, 1 << 30)] = None
    rejections_kept: Annotated[int | None, within(1, 1_000_000)] = None
    """At least one: ``report.rejected`` is empty only when nothing was rejected."""


@attrs.frozen(kw_only=True)
class AppealsTable:
    """``[appeals]``: the appeal deadline in working days, and the calendar's exceptions."""

    working_days: Annotated[
        int | None, within(1, MAX_APPEAL_DAYS, "正整数(工作日数)", "应为 {low}-{high} 的整数(公布后几个工作日内可申请复查),得到 {value}")
    ] = None
    holidays: list[Date] = attrs.field(factory=list)
    workdays: list[Date] = attrs.field(factory=list)
    calendar: Annotated[str, Expect('"official" 或 "weekdays"', check=_calendar)] = "official"
    evidence_max_mb: Annotated[
        int, within(1, 1024, "整数", "应为 {low}-{high} 的整数(MB:复查申请的每个证据文件最大多少),得到 {value}")
    ] = 10
    evidence_max_files: Annotated[
        int, within(1, 50, "整数", "应为 {low}-{high} 的整数(一件复查申请最多附几个证据文件),得到 {value}")
    ] = 5
    evidence_dir: Annotated[str, Expect("文本(目录)", check=_evidence_dir)] = "evidence"


@attrs.frozen(kw_only=True)
class PublicationTable:
    """``[publication]`` (kaohe.scheme.bureau.Publication)."""

    missing_data: Annotated[str, Expect('"refuse" 或 "warn"', check=_missing_data)] = "refuse"
    data_due_days: Annotated[  # 10^14 days overflowed the calendar: status and publish crashed
        int | None, within(0, 366, "非负整数(天数)", "应为 {low}-{high} 的整数(期末后几天内报送),得到 {value}")
    ] = None
    require_signoff: Annotated[bool, Expect("true 或 false")] = False
    lock: Annotated[bool, Expect("true 或 false")] = True


@attrs.frozen(kw_only=True)
class ReportTable:
    """``[report]`` (kaohe.scheme.bureau.ReportSettings)."""

    lines_per_item: Annotated[int, Expect("正整数(条数)", check=_lines)] = LINES_PER_ITEM


@attrs.frozen(kw_only=True)
class ResultsTable:
    """``[results]`` (kaohe.scheme.bureau.ResultsSettings)."""

    stale: Annotated[str, Expect('"score" 或 "warn"', check=_stale)] = "score"


@attrs.frozen(kw_only=True)
class SiteTable:
    """``[site]`` (kaohe.scheme.bureau.SiteSettings)."""

    idle_minutes: Annotated[int, within(1, 24 * 60, "整数", "应为 {low}-{high} 的整数(分钟:会话闲置多久后须重新登录),得到 {value}")] = 30
    lockout_failures: Annotated[int, within(1, 100, "整数", "应为 {low}-{high} 的整数(次:连续登录失败多少次后锁定账号),得到 {value}")] = 5
    lockout_minutes: Annotated[int, within(1, 7 * 24 * 60, "整数", "应为 {low}-{high} 的整数(分钟:账号锁定多久),得到 {value}")] = 15
    password_min_length: Annotated[int, within(8, 128, "整数", "应为 {low}-{high} 的整数(位:密码的最短长度),得到 {value}")] = 10
    cli_account: Annotated[str, Expect("考核办的网站账号(命令行的写操作记入审计记录的操作人)")] = ""
    api_max_mb: Annotated[int, within(1, 1024, "整数", "应为 {low}-{high} 的整数(MB:接口一次推送的请求体上限),得到 {value}")] = 16
    appeal_pending_days: Annotated[
        int, within(1, 60, "整数", "应为 {low}-{high} 的整数(工作日:复查申请受理后多久未决定即提醒考核办),得到 {value}")
    ] = 3
    ranking_rows: Annotated[
        int, within(10, 100000, "整数", "应为 {low}-{high} 的整数(行:网站排名页每页显示多少个单位),得到 {value}")
    ] = 100
    gzip: Annotated[bool, Expect("true 或 false(通过 HTTP 直接访问时是否压缩网页)")] = True


@attrs.frozen(kw_only=True)
class NotifyTable:
    """``[notify]`` (kaohe.scheme.bureau.NotifySettings)."""

    smtp_host: Annotated[str, Expect("本局邮件服务器的地址(空:不发邮件)")] = ""
    smtp_port: Annotated[int, within(1, 65535, "整数", "应为 {low}-{high} 的整数(邮件服务器的端口),得到 {value}")] = 25
    from_: Annotated[str, Expect("发件人邮箱地址")] = ""
    starttls: Annotated[bool, Expect(" true/false")] = True
    username: Annotated[str, Expect("登录邮件服务器的用户名(空:不登录)")] = ""
    password_env: Annotated[str, Expect("存放邮件服务器密码的环境变量名(密码不写在配置文件中)")] = "KAOHE_SMTP_PASSWORD"
    site_url: Annotated[str, Expect("考核网站的地址,如 https://kaohe.example.gov.cn(邮件中的链接以此开头)")] = ""


@attrs.frozen(kw_only=True)
class ScoringTable:
    """``[scoring]``: the engine (kaohe.scheme.bureau.Assessment.engine)."""

    engine: Annotated[str, Expect('"python" 或 "sql"', check=_engine)] = "sql"


@attrs.frozen(kw_only=True)
class ItemSwitches:
    """``[items] enable`` and ``disable``: ids or wildcards (``zhihui110.*``)."""

    enable: list[Any] = attrs.field(factory=lambda: ["*"])
    disable: list[Any] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class ItemOverride:
    """``[items."<id>"]``: the bureau's changes to an item (None: not changed)."""

    NOT_TABLE: ClassVar[str] = "应为表(params、category、cap、floor、cadence、document、article、self_report)"
    params: dict[str, Any] | None = None
    category: str | None = None
    cap: MaybeNumber = None
    floor: MaybeNumber = None
    cadence: str | None = None
    document: str | None = None
    article: str | None = None
    self_report: Any = None
    """true / false, or a table (kind, value, fields): see :func:`_self_report`."""


@attrs.frozen(kw_only=True)
class OfficeItemTable:
    """``[[office_items]]``: an item of the office's own (kaohe.contract.items.Item)."""

    NOT_TABLE: ClassVar[str] = "应为表"
    id: str
    shape: str
    params: dict[str, Any] = attrs.field(factory=dict)
    title: str
    department: str = "考核办"
    category: str
    reference: str = "本局考核办通知"
    reads: list[Any] | None = None
    cadence: str = "monthly"
    cap: MaybeNumber = None
    floor: MaybeNumber = None
    direct_per_capita: bool = False
    text: str = ""
    document: Annotated[str, Expect("[regulations] 中的文件键")] = ""
    article: Annotated[str, Expect("条款,如 第十一条(四)1")] = ""


UNIT_KEYS = set(keys_of(UnitTable))
UNKNOWN_OVERRIDE = set(keys_of(ItemOverride))


class _Reader:
    """Structures the tables of one configuration file; every error names the file and the key."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, expected: str) -> ConfigError:
        return ConfigError(self.file, key, expected)

    def table(self, data: Mapping[str, Any], key: str, required: bool = False) -> dict[str, Any]:
        """A top-level table as written (empty when absent)."""
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "缺少此表")
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"应为表,得到 {type(value).__name__}")
        return value

    def structure(self, data: Any, cl: Any, path: str) -> Any:
        return STRUCTURER.structure(data, cl, self.file, path)


def _has_password(url: str) -> bool:
    """Whether a database URL holds a password (credentials come from the environment, never the TOML)."""
    parts = urlsplit(url)
    return parts.password is not None or any(k == "password" for k, _ in parse_qsl(parts.query))


def load_bureau(path: str | Path, registry: Registry) -> Bureau:
    """Read and validate a bureau configuration; resolve its items against the installed plugins."""
    path = Path(path)
    file = str(path)
    if path.exists() and not path.is_file() and not path.is_dir():  # /dev/zero: read without end
        raise KaoheError(f"{file} 不是普通文件(设备、管道等),不是配置文件:请用 --config 指定 kaohe.toml")
    try:
        raw = path.read_bytes()  # read once: the edition stores this text, the one its results used
    except FileNotFoundError:
        raise KaoheError(f"找不到配置文件 {file}:请先运行 kaohe init,或用 --config 指定") from None
    except IsADirectoryError:
        raise KaoheError(f"{file} 是文件夹,不是配置文件:请用 --config 指定 kaohe.toml") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise KaoheError(f"{file}:第{line}行:配置文件应以 UTF-8 编码保存(用记事本“另存为”时选择 UTF-8)") from None
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise KaoheError(toml_error(file, exc)) from None
    return parse_bureau(data, registry, file, path.parent).evolve(text=text)


_TOML_MESSAGES = [
    (r"Invalid statement", "无法识别的语句(应为 键 = 值、[表] 或 [[表数组]])"),
    (r"Expected newline or end of document after a statement", "一行只能写一项:值的后面应换行"),
    (r"Expected '(.*)'", "此处应为 {0}"),
    (r"Found invalid character (.*)", "无效字符 {0}"),
    (r"Cannot declare (.*) twice", "表 [{0}] 重复定义"),
    (r"Cannot overwrite a value", "键重复定义(同一个键写了两次)"),
    (r"Expected '\]' at the end of a table declaration", "表名后缺少 ]"),
    (r"Expected '\]\]' at the end of an array declaration", "表数组名后缺少 ]]"),
    (r"Cannot mutate immutable namespace (.*)", "{0} 已经定义,不能再添加键"),
    (r"Cannot redefine namespace (.*)", "{0} 重复定义"),
    (r"Expected '=' after a key in a key/value pair", "键后应为 =(写法:键 = 值)"),
    (r"Invalid initial character for a key part", "键名以无效字符开头(中文或含空格的键名须加引号)"),
    (r"Unclosed array", "数组缺少结尾的 ]"),
    (r"Duplicate inline table key (.*)", "内联表中键 {0} 重复"),
    (r"Unclosed inline table", "内联表缺少结尾的 }}"),
    (r"Unescaped '\\' in a string", "字符串中的 \\ 未转义(路径请用单引号 '...' 或写成 \\\\)"),
    (r"Invalid hex value", "无效的十六进制转义"),
    (r"Escaped character is not a Unicode scalar value", "转义字符不是有效的 Unicode 字符"),
    (r"Unterminated string", "字符串缺少结尾的引号"),
    (r"Illegal character '\\n'", "字符串缺少结尾的引号(字符串应在同一行内结束)"),
    (r"Illegal character (.*)", "字符串中有非法字符 {0}"),
    (r"Invalid date or datetime", "无效的日期或时间"),
    (r"Invalid value", "无效的值(文字须加引号,如 name = \"金坛\";数字、true/false、[列表] 不加)"),
]


def _toml_key(text: str) -> str:
    """A key as the parser quotes it, ``('items', 'enable')``, as the file writes it: items.enable."""

    if text.startswith("(") and text.endswith(")"):
        return ".".join(re.findall(r"'([^']*)'", text)) or text
    return text


def toml_error(file: str, exc: Exception) -> str:
    """A TOML parser's message as one Chinese line naming the file, line and column."""

    text = str(exc)
    where = ""
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", text)
    if m:
        where = f"第{m.group(1)}行第{m.group(2)}列:"
        text = text[: m.start()]
    elif text.endswith("(at end of document)"):
        where = "文件末尾:"
        text = text[: -len("(at end of document)")].rstrip()
    for pattern, chinese in _TOML_MESSAGES:
        mm = re.fullmatch(pattern, text)
        if mm:
            keys = [_toml_key(g) for g in mm.groups()]
            return f"{file}:{where}TOML 语法错误:{chinese.format(*keys)}"
    return f"{file}:{where}TOML 语法错误({text})"


def parse_bureau(data: Mapping[str, Any], registry: Registry, file: str = "<config>", base: Path = Path(".")) -> Bureau:
    r = _Reader(file)
    top = TOP_KEYS | set(registry.config_tables)
    extra = set(data) - top
    if extra:
        raise r.fail(*unknown_key(list(extra), sorted(top)))
    b: BureauTable = r.structure(r.table(data, "bureau", required=True), BureauTable, "bureau")
    calendar = Calendar(b.cutoff_day)
    series = _series(r, data)
    categories = _categories(r, data, {s.id for s in series})
    scheme, span = _scheme(r, data, categories, series)
    units = _units(r, data, {s.id for s in series}, base)
    inapplicable: list[str] = []
    regulations = _regulations(r, data)
    items = _items(r, data, registry, {c.id for c in categories}, inapplicable)
    items = _cited(r, data, items, regulations)
    database: str = r.structure(b.database, str, "bureau.database")
    if database.startswith(("postgresql://", "postgres://")) and _has_password(database):
        raise r.fail("bureau.database", "中不得写入数据库密码:请由环境变量 PGPASSWORD 或 ~/.pgpass 提供(或以 KAOHE_DATABASE_URL 给出整个连接地址)")
    database = os.environ.get("KAOHE_DATABASE_URL") or database  # the server's URL with its credentials (docs/postgresql.md)
    url = database.startswith(("postgresql://", "postgres://"))  # a PostgreSQL server (kaohe.store.postgres)
    carry = r.structure(r.table(data, "carry_over"), dict[str, Annotated[bool, Expect(" true/false")]], "carry_over")
    intake: IntakeTable = r.structure(r.table(data, "intake"), IntakeTable, "intake")
    appeals: AppealsTable = r.structure(r.table(data, "appeals"), AppealsTable, "appeals")
    publication: PublicationTable = r.structure(r.table(data, "publication"), PublicationTable, "publication")
    report: ReportTable = r.structure(r.table(data, "report"), ReportTable, "report")
    results: ResultsTable = r.structure(r.table(data, "results"), ResultsTable, "results")
    scoring: ScoringTable = r.structure(r.table(data, "scoring"), ScoringTable, "scoring")
    site: SiteTable = r.structure(r.table(data, "site"), SiteTable, "site")
    notify: NotifyTable = r.structure(r.table(data, "notify"), NotifyTable, "notify")
    if notify.smtp_host and "@" not in notify.from_:
        raise r.fail("notify.from", f"设置了 smtp_host 时应为发件人邮箱地址,得到 {notify.from_!r}")
    plugin_config = {name: _claimed(r, t, data, base) for name, t in sorted(registry.config_tables.items()) if name in data}
    limits = {k: v for k, v in attrs.asdict(intake).items() if k != "earliest" and v is not None}
    bureau = Bureau(
        assessment=Assessment(
            name=b.name, calendar=calendar, scheme=scheme, units=tuple(units), items=tuple(items), carry_over=carry,
            inapplicable=tuple(inapplicable), engine=scoring.engine, span_version=span,
        ),
        office=OfficeSettings(
            source=file, database=database if url else str(base / database), earliest=intake.earliest, limits=IntakeLimits(**limits),
            appeal_working_days=appeals.working_days, holidays=tuple(appeals.holidays), workdays=tuple(appeals.workdays),
            appeal_calendar=appeals.calendar,
            evidence=EvidenceLimits(
                max_bytes=appeals.evidence_max_mb << 20, max_files=appeals.evidence_max_files,
                directory=str((base if url else Path(str(base / database)).parent) / appeals.evidence_dir),
            ),
            publication=Publication(
                missing_data=publication.missing_data, data_due_days=publication.data_due_days,
                require_signoff=publication.require_signoff, lock=publication.lock,
            ),
            report=ReportSettings(lines_per_item=report.lines_per_item), results=ResultsSettings(stale=results.stale),
            site=SiteSettings(**attrs.asdict(site)),
            notify=NotifySettings(
                smtp_host=notify.smtp_host, smtp_port=notify.smtp_port, sender=notify.from_, starttls=notify.starttls,
                username=notify.username, password_env=notify.password_env, site_url=notify.site_url.rstrip("/"),
            ),
            regulations=tuple(regulations.values()),
            plugin_config=plugin_config,
        ),
    )
    if "changes" not in data:
        return bureau
    dated = versions(data, registry, file, base, bureau.assessment, lambda d, reg, f, b: parse_bureau(d, reg, f, b).assessment)
    return bureau.evolve(versions=dated)


def _claimed(r: _Reader, table: ConfigTable, data: Mapping[str, Any], base: Path) -> Any:
    """A table a plugin claims (``kaohe_config_tables``): structured as the plugin's attrs class,
    as the kernel's own tables are, or handed to the plugin's ``parse(table, file, base)``."""
    raw = r.table(data, table.name)
    if isinstance(table.parse, type) and attrs.has(table.parse):
        return r.structure(raw, table.parse, table.name)
    return table.parse(raw, r.file, base)


def _regulations(r: _Reader, data: Mapping[str, Any]) -> dict[str, Regulation]:
    """``[regulations.<key>]``: title, number (文号), date of each regulation the items cite."""
    tables: dict[str, RegulationTable] = r.structure(r.table(data, "regulations"), dict[str, RegulationTable], "regulations")
    out: dict[str, Regulation] = {}
    for key, t in tables.items():
        title = t.title.strip().strip("《》")
        if not title:
            raise r.fail(f"regulations.{key}.title", "应为文件标题,不能为空")
        out[key] = Regulation(key=key, title=title, number=t.number.strip(), date=t.date)
    return out


def _items_table(data: Mapping[str, Any]) -> dict[str, Any]:
    t = data.get("items", {})
    return t if isinstance(t, dict) else {}


def _cited(r: _Reader, data: Mapping[str, Any], items: list[Item], regulations: Mapping[str, Regulation]) -> list[Item]:
    """Each item with its citation (``《title》article``) when it names an article of a regulation
    the configuration names; an item naming an article of a regulation not named is cited by the
    article alone. An item of the office that names an article but no document cites the bureau's
    only regulation, if it names one."""
    only = next(iter(regulations)) if len(regulations) == 1 else None
    named = {iid: ov["document"] for iid, ov in _items_table(data).items() if isinstance(ov, dict) and "document" in ov}
    for i, o in enumerate(data.get("office_items", [])):
        if isinstance(o, dict) and "document" in o:
            named[f"office_items[{i}]"] = o["document"]
    for where, document in named.items():
        if document not in regulations:
            path = f"{where}.document" if where.startswith("office_items") else f'items."{where}".document'
            known = "、".join(regulations) or "(无:请先在 [regulations] 中登记)"
            raise r.fail(path, f"应为 [regulations] 中登记的文件键({known}),得到 {document!r}")
    out = []
    for item in items:
        if item.article:
            document = item.document or (only if item.plugin == "office" else None) or ""
            reg = regulations.get(document)
            citation = f"《{reg.title}》{item.article}" if reg else ""
            if citation != item.citation or document != item.document:
                item = attrs.evolve(item, document=document, citation=citation)
        out.append(item)
    return out


def _series(r: _Reader, data: Mapping[str, Any]) -> list[Series]:
    raw = data.get("series")
    if not isinstance(raw, list) or not raw:
        raise r.fail("series", "应为至少一个 [[series]] 表(考核序列)")
    tables: list[SeriesTable] = r.structure(raw, list[SeriesTable], "series")
    out = [Series(id=s.id, name=s.id if s.name is None else s.name, pass_mark=s.pass_mark) for s in tables]
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        raise r.fail("series", f"序列编号重复:{ids}")
    return out


def _categories(r: _Reader, data: Mapping[str, Any], series: set[str]) -> list[Category]:
    raw = data.get("categories")
    if not isinstance(raw, list) or not raw:
        raise r.fail("categories", "应为至少一个 [[categories]] 表(考核内容)")
    tables: list[CategoryTable] = r.structure(raw, list[CategoryTable], "categories")
    out = []
    known = "、".join(sorted(series))
    for i, c in enumerate(tables):
        p = f"categories[{i}]"
        for k in c.weights:
            if k not in series:
                raise r.fail(f"{p}.weights.{k}", f"未知的序列;已定义的序列:{known}")
        for k in c.series:
            if k not in series:
                raise r.fail(f"{p}.series", f"未知的序列 {k!r};已定义的序列:{known}")
        try:
            fields = attrs.asdict(c, recurse=False)
            out.append(Category(**{**fields, "series": tuple(c.series)}))
        except RuleError as exc:
            raise r.fail(p, str(exc)) from None
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise r.fail("categories", f"考核内容编号重复:{ids}")
    return out


def _scheme(r: _Reader, data: Mapping[str, Any], categories: list[Category], series: list[Series]) -> tuple[Scheme, str]:
    s: SchemeTable = r.structure(r.table(data, "scheme"), SchemeTable, "scheme")
    fields = attrs.asdict(s, recurse=False)
    span: str = fields.pop("span_version")
    return Scheme(categories=tuple(categories), series=tuple(series), **fields), span


def _unit(r: _Reader, u: Mapping[str, Any], p: str, series: set[str]) -> Unit:
    t: UnitTable = r.structure(u, UnitTable, p)
    return _unit_of(r, t, p, series)


def _row_unit(r: _Reader, u: Mapping[str, Any], p: str, series: set[str]) -> Unit:
    """``_unit`` of a units file's row (``_units_file``: its cells are texts, its headcount a table of
    integers): the table built directly, without the converter (a full-scale units file of 2,000
    rows is read in 16-19 ms, against 30 ms through it, at every command's start: bench/RESULTS.md).
    A row missing a column the table needs, or with a cell that is no date where one is expected,
    goes through the converter, which names what is wrong as for a ``[[units]]`` table."""
    try:
        t = UnitTable(
            id=u["id"], name=u["name"], series=u["series"], class_=u.get("class"), headcount=u.get("headcount", {}),
            tags=u.get("tags", ()), aliases=u.get("aliases", ()), start=date_of(u.get("start")), end=date_of(u.get("end")),
        )
    except (KeyError, Invalid):
        t = r.structure(u, UnitTable, p)
    return _unit_of(r, t, p, series)


def _unit_of(r: _Reader, t: UnitTable, p: str, series: set[str]) -> Unit:
    if t.series not in series:
        raise r.fail(f"{p}.series", f"未知的序列 {t.series!r};已定义的序列:{'、'.join(sorted(series))}")
    hc = t.headcount
    if isinstance(hc, int) and not isinstance(hc, bool):
        hc = {"*": hc}
    if not isinstance(hc, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 1_000_000 for v in hc.values()):
        raise r.fail(f"{p}.headcount", f"应为小于 1000000 的正整数,或 期间 → 人数 的表(如 {{\"*\" = 30, \"2015-06\" = 32}}),得到 {hc!r}")
    return Unit(
        id=t.id,
        name=t.name,
        series=t.series,
        klass=t.class_ or None,
        headcount=hc,
        tags=tuple(t.tags.split("|") if isinstance(t.tags, str) else t.tags),
        start=t.start,
        end=t.end,
        aliases=tuple(t.aliases.split("|") if isinstance(t.aliases, str) else t.aliases),
    )


def _units(r: _Reader, data: Mapping[str, Any], series: set[str], base: Path) -> list[Unit]:
    units: list[Unit] = []
    inline = data.get("units", [])
    if not isinstance(inline, list):
        raise r.fail("units", "应为 [[units]] 表的数组")
    for i, u in enumerate(inline):
        units.append(_unit(r, u, f"units[{i}]", series))
    if "units_file" in data:
        units.extend(_units_file(r, base / r.structure(data["units_file"], str, "units_file"), series))
    if not units:
        raise r.fail("units", "至少需要一个考核单位([[units]] 或 units_file)")
    ids: set[str] = set()
    for u in units:
        if u.id in ids:
            raise r.fail("units", f"单位编号 {u.id!r} 重复(同一单位只能列一次:[[units]] 和 units_file 合起来)")
        ids.add(u.id)
    seen: dict[str, str] = {}
    for u in units:
        for n in u.names:
            if n in seen and seen[n] != u.id:
                raise r.fail("units", f"单位名称或别名 {n!r} 同时属于 {seen[n]} 和 {u.id}")
            seen[n] = u.id
    return units


CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""A control character (a NUL, a tab, a line feed …): never in a units file's cell."""


def _units_file(r: _Reader, path: Path, series: set[str]) -> list[Unit]:
    """A CSV of units: id,name,series,class,headcount,tags,aliases,start,end (tags and aliases
    separated by |); extra columns ``headcount:2015-06`` give the headcount of one period."""
    f = _Reader(str(path))
    if path.exists() and not path.is_file() and not path.is_dir():  # /dev/zero: read without end
        raise r.fail("units_file", f"{path} 不是普通文件(设备、管道等),应为单位文件(CSV)")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise r.fail("units_file", f"找不到单位文件 {path}") from None
    except IsADirectoryError:
        raise r.fail("units_file", f"{path} 是文件夹,应为单位文件(CSV)") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # saved by Excel or WPS on a Chinese Windows
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise r.fail("units_file", f"{path}:无法识别文件编码,应为 UTF-8 或 GB18030(GBK)") from None
    out = []
    first: dict[str, int] = {}
    rows = list(csv.DictReader(text.splitlines()))
    for n, row in enumerate(rows, start=2):
        for k, v in row.items():
            found = CONTROL.search(v) if isinstance(v, str) else None
            if found is not None:  # a NUL or another control character: a damaged file, never a unit's name
                raise f.fail(f"第{n}行 {k} 列", f"含有控制字符 U+{ord(found.group()):04X},应为普通文字(文件可能已损坏)")
        u: dict[str, Any] = {k: v for k, v in row.items() if k in UNIT_KEYS and k != "headcount" and v not in (None, "")}
        hc: dict[str, int] = {}
        for k, v in row.items():
            if k is None or v in (None, ""):
                continue
            if k == "headcount" or k.startswith("headcount:"):
                try:
                    hc["*" if k == "headcount" else k.split(":", 1)[1]] = int(v)
                except ValueError:
                    raise f.fail(f"第{n}行 {k} 列", f"应为整数,得到 {v!r}") from None
            elif k not in UNIT_KEYS:
                raise f.fail(f"第{n}行 {k} 列", f"未知的列;可用:{'、'.join(sorted(UNIT_KEYS))}、headcount:期间")
        if hc:
            u["headcount"] = hc
        unit = _row_unit(f, u, f"第{n}行", series)
        if unit.id in first:
            raise f.fail(f"第{n}行 id 列", f"单位编号 {unit.id!r} 与第{first[unit.id]}行重复:每个单位只能列一行")
        first[unit.id] = n
        out.append(unit)
    return out


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    """``;是否应为 xiaofang.meeting?`` — the closest known ids to a mistyped one, or nothing."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.7)
    if not close and "." in name:  # the same namespace: its item named most alike
        ns, rest = name.split(".", 1)
        same = [k for k in known if k.startswith(ns + ".")]
        close = [k for k in same if rest in k or k.split(".", 1)[1] in rest][:3]
    return f";是否应为 {'、'.join(close)}?" if close else ""


SELF_REPORT_KEYS = ("kind", "value", "fields")


def _self_report(r: _Reader, p: str, value: Any, item: Item) -> SelfReport | None:
    """``[items."<id>"] self_report``: ``true`` opens the item to units' self-reports (the plugin's
    declared form, else its first record kind with a date and what was done), ``false`` closes it; a
    table says the form: ``kind`` (one of the kinds the item reads), ``value`` (the title of a number
    the unit fills, e.g. "篇数"), ``fields`` (attribute → title, or → {title, choices, required})."""
    if value is False:
        return None
    if value is True:
        return item.self_report or SelfReport()
    if not isinstance(value, dict):
        raise r.fail(p, f"应为 true、false 或表(kind、value、fields),得到 {value!r}")
    unknown = sorted(set(value) - set(SELF_REPORT_KEYS))
    if unknown:
        raise r.fail(f"{p}.{unknown[0]}", f"未知的键;可用的键为 {'、'.join(SELF_REPORT_KEYS)}")
    kind = value.get("kind")
    if kind is not None and kind not in item.reads:
        raise r.fail(f"{p}.kind", f"应为该项目读取的记录种类之一({'、'.join(item.reads)}),得到 {kind!r}")
    shown = value.get("value", "")
    if not isinstance(shown, str):
        raise r.fail(f"{p}.value", f"应为数字一栏的标题(文本,如 \"篇数\"),得到 {shown!r}")
    raw = value.get("fields", {})
    if not isinstance(raw, dict):
        raise r.fail(f"{p}.fields", "应为表:属性名 = 标题,或 属性名 = {title = …, choices = […], required = …}")
    fields: list[ReportField] = []
    for name, spec in raw.items():
        q = f"{p}.fields.{name}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in ("value", "date", "note"):
            raise r.fail(q, "属性名应为小写英文(不能是 value、date、note)")
        if isinstance(spec, str):
            fields.append(ReportField(name, spec))
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("title"), str) or set(spec) - {"title", "choices", "required"}:
            raise r.fail(q, "应为标题(文本),或表 {title = …, choices = […], required = true/false}")
        choices = spec.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) and c for c in choices):
            raise r.fail(f"{q}.choices", f"应为文本的数组,得到 {choices!r}")
        required = spec.get("required", True)
        if not isinstance(required, bool):
            raise r.fail(f"{q}.required", f"应为 true 或 false,得到 {required!r}")
        fields.append(ReportField(name, spec["title"], tuple(choices), required))
    return SelfReport(kind=kind, fields=tuple(fields), value=shown)


def _items(r: _Reader, data: Mapping[str, Any], registry: Registry, categories: set[str], inapplicable: list[str]) -> list[Item]:
    """The items switched on. An item switched on only by a wildcard (``*``, ``xingzhen.*``) whose
    category is not in the scheme does not apply to this bureau: it is left out and listed in
    ``inapplicable`` (``kaohe plugins`` shows it); an item named by its id is an error instead."""
    t = r.table(data, "items")
    switches: ItemSwitches = r.structure({k: v for k, v in t.items() if k in ("enable", "disable")}, ItemSwitches, "items")
    enable, disable = switches.enable, switches.disable
    overrides = {k: v for k, v in t.items() if k not in ("enable", "disable")}

    office: dict[str, Item] = {}
    raw_office = data.get("office_items", [])
    if not isinstance(raw_office, list):
        raise r.fail("office_items", "应为 [[office_items]] 表的数组")
    for i, o in enumerate(raw_office):
        p = f"office_items[{i}]"
        ot: OfficeItemTable = r.structure(o, OfficeItemTable, p)
        if not ot.id.startswith("office."):
            raise r.fail(f"{p}.id", f"考核办自设项目的编号应以 office. 开头,得到 {ot.id!r}")
        try:
            fields = {k: v for k, v in attrs.asdict(ot, recurse=False).items() if k not in ("shape", "params")}
            item = Item(**{**fields, "reads": tuple([ot.id] if ot.reads is None else ot.reads), "rule": build(ot.shape, ot.params), "plugin": "office"})
        except RuleError as exc:
            raise r.fail(p, str(exc)) from None
        if ot.id in office or ot.id in registry.items:
            raise r.fail(f"{p}.id", f"项目编号 {ot.id} 重复")
        office[ot.id] = item

    available = {**registry.items, **office}
    refused = {e.plugin: e for e in registry.errors}

    def matched(pattern: str, path: str) -> list[str]:
        if not isinstance(pattern, str):
            raise r.fail(path, f"应为项目编号或通配模式(如 zhihui110.*),得到 {pattern!r}")
        hits = [i for i in available if fnmatch.fnmatchcase(i, pattern)]
        if not hits and pattern != "*":
            ns = pattern.split(".", 1)[0]
            if ns in refused:
                raise r.fail(path, f"{pattern} 所属插件 {ns} 加载失败:{refused[ns]}")
            why = f"插件 {ns} 没有此项目" if ns in registry.plugins else f"插件 {ns} 未安装或没有此项目"
            raise r.fail(path, f"没有与 {pattern!r} 对应的考核项目:{why}{_did_you_mean(pattern, available)}(运行 kaohe plugins 查看)")
        return hits

    on: list[str] = []
    named = {p for p in enable if isinstance(p, str) and p in available}
    for i, pat in enumerate(enable):
        for hit in matched(pat, f"items.enable[{i}]"):
            if hit not in on:
                on.append(hit)
    for iid in office:  # the office's own items are on by being declared; `disable` switches them off
        if iid not in on:
            on.append(iid)
    for i, pat in enumerate(disable):
        for hit in matched(pat, f"items.disable[{i}]"):
            if hit in on:
                on.remove(hit)

    for iid, ov in overrides.items():
        p = f'items."{iid}"'
        if iid not in available:
            raise r.fail(p, f"没有考核项目 {iid}:插件未安装或没有此项目{_did_you_mean(iid, available)}(运行 kaohe plugins 查看)")
        if not isinstance(ov, dict):
            raise r.fail(p, ItemOverride.NOT_TABLE)
        if set(ov) - UNKNOWN_OVERRIDE:
            key, message = unknown_key(list(set(ov) - UNKNOWN_OVERRIDE), sorted(UNKNOWN_OVERRIDE))
            raise r.fail(f"{p}.{key}", message)

    items = []
    for iid in on:
        item = available[iid]
        p = f'items."{iid}"'
        change: ItemOverride = r.structure(overrides[iid], ItemOverride, p) if iid in overrides else ItemOverride()
        try:
            if change.params is not None:
                # Every shape has with_params (rules.base.Shape); the Rule protocol, checked at run time
                # on every item, does not require it.
                item = item.with_rule(item.rule.with_params(change.params))  # type: ignore[attr-defined]
            changes = {
                k: v for k, v in attrs.asdict(change, recurse=False).items() if k not in ("params", "self_report") and v is not None
            }
            if change.self_report is not None:
                changes["self_report"] = _self_report(r, f"{p}.self_report", change.self_report, item)
            if changes:
                item = attrs.evolve(item, **changes)
        except RuleError as exc:
            raise r.fail(f"{p}.params", str(exc)) from None
        if item.category not in categories:
            if iid not in named and iid not in overrides and item.plugin != "office":
                inapplicable.append(iid)
                continue
            if iid in overrides and "category" in overrides[iid]:
                raise r.fail(f"{p}.category", f"未知的考核内容 {item.category!r};已定义:{'、'.join(sorted(categories))}")
            raise PluginError(
                item.plugin, item.id,
                f"所属考核内容 {item.category!r} 不在本局方案中(已定义:{'、'.join(sorted(categories))});"
                f"请在 {r.file} 中用 [items.\"{iid}\"] category = … 指定,或停用此项目",
            )
        items.append(item)
    return items
