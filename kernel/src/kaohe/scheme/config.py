"""The bureau configuration (TOML): what a bureau's assessment office edits.

Every error names the file, the key and what was expected. See docs/configuration.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import fnmatch
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

if sys.version_info >= (3, 11):  # noqa: UP036 - tomli where a Python before 3.11 is used
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import re

from ..contract.items import Item
from ..contract.registry import Registry
from ..core.decimals import bounded
from ..core.errors import ConfigError, KaoheError, PluginError, RuleError
from ..core.model import Unit
from ..core.periods import Calendar
from ..rules import build
from .bureau import LINES_PER_ITEM, STALE_MODES, Bureau, IntakeLimits, Publication, Regulation, ReportSettings, ResultsSettings, SiteSettings
from .scheme import Category, Scheme, Series

TOP_KEYS = {
    "bureau", "scheme", "series", "categories", "units", "units_file", "items", "office_items", "carry_over", "intake", "appeals",
    "publication", "report", "regulations", "results", "scoring", "site",
}
"""The tables the kernel reads itself; any other top-level table must be claimed by a plugin
(``kaohe_config_tables``)."""
ENGINES = ("python", "sql")
"""``[scoring] engine``: how the items are scored (kaohe.scoring.aggregated)."""


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, expected: str) -> ConfigError:
        return ConfigError(self.file, key, expected)

    def table(self, data: Mapping[str, Any], key: str, path: str, required: bool = False) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(path, "缺少此表")
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"应为表,得到 {type(value).__name__}")
        return value

    def get(self, data: Mapping[str, Any], key: str, path: str, kind: type | tuple[type, ...], default: Any = ..., what: str = "") -> Any:
        if key not in data:
            if default is ...:
                raise self.fail(path, f"缺少此项,应为{what or _tname(kind)}")
            return default
        value = data[key]
        if isinstance(value, bool) and kind is not bool and (not isinstance(kind, tuple) or bool not in kind):
            raise self.fail(path, f"应为{what or _tname(kind)},得到 {value!r}")
        if not isinstance(value, kind):
            raise self.fail(path, f"应为{what or _tname(kind)},得到 {value!r}")
        if kind is NUM:
            self.number(value, path, what)
        return value

    def number(self, value: Any, path: str, what: str = "") -> None:
        """A number of the configuration is finite and within the parameters' bounds (kaohe.decimals):
        ``weight = nan`` or ``year_scale = 1e400`` is refused here, naming its key."""
        try:
            bounded(value)
        except (TypeError, ValueError) as exc:
            problem = str(exc) if isinstance(value, int | float) or "not a number" not in str(exc) else "不是数字"
            raise self.fail(path, f"应为{what or '数字'},{problem},得到 {value!r}") from None

    def unknown(self, data: Mapping[str, Any], allowed: set[str], path: str) -> None:
        extra = sorted(set(data) - allowed)
        if extra:
            prefix = f"{path}." if path else ""
            raise self.fail(prefix + extra[0], f"未知的配置项;此处可用:{'、'.join(sorted(allowed))}")


def _tname(kind: type | tuple[type, ...]) -> str:
    names = {str: "文本", int: "整数", float: "数字", bool: "true/false", list: "数组", dict: "表", dt.date: "日期"}
    if isinstance(kind, tuple):
        return "或".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


NUM = (int, float, str)
MAX_APPEAL_DAYS = 60
"""``[appeals] working_days`` at most: about three months of working days (the seeds say 2)."""


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
    return attrs.evolve(parse_bureau(data, registry, file, path.parent), text=text)


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
    r.unknown(data, TOP_KEYS | set(registry.config_tables), "")
    b = r.table(data, "bureau", "bureau", required=True)
    r.unknown(b, {"name", "cutoff_day", "database"}, "bureau")
    name = r.get(b, "name", "bureau.name", str)
    cutoff = b.get("cutoff_day", 20)
    try:
        calendar = Calendar(cutoff)
    except KaoheError:
        raise r.fail("bureau.cutoff_day", f"应为 1-27 的整数或 \"end\"(自然月),得到 {cutoff!r}") from None

    series = _series(r, data)
    categories = _categories(r, data, {s.id for s in series})
    scheme = _scheme(r, data, categories, series)
    units = _units(r, data, {s.id for s in series}, base)
    inapplicable: list[str] = []
    regulations = _regulations(r, data)
    items = _items(r, data, registry, {c.id for c in categories}, inapplicable)
    items = _cited(r, data, items, regulations)
    carry = r.table(data, "carry_over", "carry_over")
    for k, v in carry.items():
        if not isinstance(v, bool):
            raise r.fail(f"carry_over.{k}", f"应为 true/false,得到 {v!r}")
    database = str(base / r.get(b, "database", "bureau.database", str, "kaohe.sqlite"))
    intake = r.table(data, "intake", "intake")
    r.unknown(intake, {"earliest", *LIMITS}, "intake")
    earliest = _date(r, intake.get("earliest"), "intake.earliest")
    limits = _limits(r, intake)
    appeals = r.table(data, "appeals", "appeals")
    r.unknown(appeals, {"working_days", "holidays", "workdays"}, "appeals")
    days = r.get(appeals, "working_days", "appeals.working_days", int, None, "正整数(工作日数)")
    if days is not None and not 1 <= days <= MAX_APPEAL_DAYS:
        raise r.fail("appeals.working_days", f"应为 1-{MAX_APPEAL_DAYS} 的整数(公布后几个工作日内可申请复查),得到 {days}")
    holidays = tuple(_date(r, d, f"appeals.holidays[{i}]") for i, d in enumerate(r.get(appeals, "holidays", "appeals.holidays", list, [])))
    workdays = tuple(_date(r, d, f"appeals.workdays[{i}]") for i, d in enumerate(r.get(appeals, "workdays", "appeals.workdays", list, [])))
    scoring = r.table(data, "scoring", "scoring")
    r.unknown(scoring, {"engine"}, "scoring")
    engine = r.get(scoring, "engine", "scoring.engine", str, "python")
    if engine not in ENGINES:
        raise r.fail("scoring.engine", f"应为 {' 或 '.join(ENGINES)}(逐条记录计分,或按汇总计数计分),得到 {engine!r}")
    plugin_config = {
        name: t.parse(r.table(data, name, name), file, base) for name, t in sorted(registry.config_tables.items()) if name in data
    }
    return Bureau(
        name, calendar, scheme, tuple(units), tuple(items), carry, file, database, earliest,
        days, holidays, workdays, tuple(inapplicable), plugin_config=plugin_config, publication=_publication(r, data),  # type: ignore[arg-type]
        report=_report(r, data), regulations=tuple(regulations.values()), limits=limits, results=_results(r, data), site=_site(r, data), engine=engine,
    )


def _regulations(r: _Reader, data: Mapping[str, Any]) -> dict[str, Regulation]:
    """``[regulations.<key>]``: title, number (文号), date of each regulation the items cite."""
    out: dict[str, Regulation] = {}
    for key, t in r.table(data, "regulations", "regulations").items():
        p = f"regulations.{key}"
        if not isinstance(t, dict):
            raise r.fail(p, '应为表,如 [regulations.jintan_2015] title = "派出所绩效考核制度"')
        r.unknown(t, {"title", "number", "date"}, p)
        title = r.get(t, "title", f"{p}.title", str, what="文件标题(不含书名号)").strip().strip("《》")
        if not title:
            raise r.fail(f"{p}.title", "应为文件标题,不能为空")
        number = r.get(t, "number", f"{p}.number", str, "", "文号").strip()
        out[key] = Regulation(key, title, number, _date(r, t.get("date"), f"{p}.date"))
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


LIMITS = {
    # key: (lowest, highest) allowed
    "max_file_mb": (1, 1 << 20),
    "max_rows": (1, 1_000_000_000),
    "max_columns": (1, 16_384),
    "max_cell_chars": (1, 1 << 30),
    "rejections_kept": (1, 1_000_000),  # at least one: `report.rejected` is empty only when nothing was rejected
}


def _limits(r: _Reader, intake: Mapping[str, Any]) -> IntakeLimits:
    """``[intake]``'s limits on a department's file (kaohe.bureau.IntakeLimits)."""
    values: dict[str, int] = {}
    for key, (low, high) in LIMITS.items():
        value = r.get(intake, key, f"intake.{key}", int, None, f"{low} 至 {high} 的整数")
        if value is None:
            continue
        if not low <= value <= high:
            raise r.fail(f"intake.{key}", f"应为 {low} 至 {high} 的整数,得到 {value}")
        values[key] = value
    return IntakeLimits(**values)


def _publication(r: _Reader, data: Mapping[str, Any]) -> Publication:
    pub = r.table(data, "publication", "publication")
    r.unknown(pub, {"missing_data", "data_due_days", "require_signoff"}, "publication")
    missing = r.get(pub, "missing_data", "publication.missing_data", str, "refuse", '"refuse" 或 "warn"')
    if missing not in ("warn", "refuse"):
        raise r.fail("publication.missing_data", f'应为 "refuse"(须经确认才发布)或 "warn"(提示后发布),得到 {missing!r}')
    due = r.get(pub, "data_due_days", "publication.data_due_days", int, None, "非负整数(天数)")
    if due is not None and not 0 <= due <= 366:  # 10^14 days overflowed the calendar: status and publish crashed
        raise r.fail("publication.data_due_days", f"应为 0-366 的整数(期末后几天内报送),得到 {due}")
    signoff = r.get(pub, "require_signoff", "publication.require_signoff", bool, False, "true 或 false")
    return Publication(missing, due, signoff)


def _report(r: _Reader, data: Mapping[str, Any]) -> ReportSettings:
    rep = r.table(data, "report", "report")
    r.unknown(rep, {"lines_per_item"}, "report")
    n = r.get(rep, "lines_per_item", "report.lines_per_item", int, LINES_PER_ITEM, "正整数(条数)")
    if n < 1:
        raise r.fail("report.lines_per_item", f"应为正整数(每个项目在网页上逐条列出的记录数),得到 {n}")
    return ReportSettings(n)


def _results(r: _Reader, data: Mapping[str, Any]) -> ResultsSettings:
    res = r.table(data, "results", "results")
    r.unknown(res, {"stale"}, "results")
    stale = r.get(res, "stale", "results.stale", str, "score", '"score" 或 "warn"')
    if stale not in STALE_MODES:
        raise r.fail("results.stale", f'应为 "score"(先重新计算再显示)或 "warn"(显示已保存的结果并提示已过时),得到 {stale!r}')
    return ResultsSettings(stale)


SITE_LIMITS = {
    "idle_minutes": (1, 24 * 60, "分钟:会话闲置多久后须重新登录"),
    "lockout_failures": (1, 100, "次:连续登录失败多少次后锁定账号"),
    "lockout_minutes": (1, 7 * 24 * 60, "分钟:账号锁定多久"),
    "password_min_length": (8, 128, "位:密码的最短长度"),
}


def _site(r: _Reader, data: Mapping[str, Any]) -> SiteSettings:
    site = r.table(data, "site", "site")
    r.unknown(site, set(SITE_LIMITS), "site")
    values = {}
    for key, (low, high, what) in SITE_LIMITS.items():
        n = r.get(site, key, f"site.{key}", int, getattr(SiteSettings(), key), f"{low}-{high} 的整数")
        if isinstance(n, bool) or not low <= n <= high:
            raise r.fail(f"site.{key}", f"应为 {low}-{high} 的整数({what}),得到 {n!r}")
        values[key] = n
    return SiteSettings(**values)


def _series(r: _Reader, data: Mapping[str, Any]) -> list[Series]:
    raw = data.get("series")
    if not isinstance(raw, list) or not raw:
        raise r.fail("series", "应为至少一个 [[series]] 表(考核序列)")
    out = []
    for i, s in enumerate(raw):
        p = f"series[{i}]"
        if not isinstance(s, dict):
            raise r.fail(p, "应为表")
        r.unknown(s, {"id", "name", "pass_mark"}, p)
        sid = r.get(s, "id", f"{p}.id", str)
        out.append(Series(sid, r.get(s, "name", f"{p}.name", str, sid), r.get(s, "pass_mark", f"{p}.pass_mark", NUM, None, "数字")))
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        raise r.fail("series", f"序列编号重复:{ids}")
    return out


def _categories(r: _Reader, data: Mapping[str, Any], series: set[str]) -> list[Category]:
    raw = data.get("categories")
    if not isinstance(raw, list) or not raw:
        raise r.fail("categories", "应为至少一个 [[categories]] 表(考核内容)")
    out = []
    allowed = {"id", "name", "weight", "full", "base", "floor", "cap", "per_capita", "normalise", "weights", "scope", "series"}
    for i, c in enumerate(raw):
        p = f"categories[{i}]"
        if not isinstance(c, dict):
            raise r.fail(p, "应为表")
        r.unknown(c, allowed, p)
        weights = r.get(c, "weights", f"{p}.weights", dict, {})
        for k in weights:
            if k not in series:
                raise r.fail(f"{p}.weights.{k}", f"未知的序列;已定义的序列:{'、'.join(sorted(series))}")
            r.number(weights[k], f"{p}.weights.{k}", "数字(该序列的权重)")
        only = r.get(c, "series", f"{p}.series", list, [], "序列编号的数组")
        for k in only:
            if k not in series:
                raise r.fail(f"{p}.series", f"未知的序列 {k!r};已定义的序列:{'、'.join(sorted(series))}")
        try:
            out.append(
                Category(
                    id=r.get(c, "id", f"{p}.id", str),
                    name=r.get(c, "name", f"{p}.name", str),
                    weight=r.get(c, "weight", f"{p}.weight", NUM, what="数字(权重)"),
                    full=r.get(c, "full", f"{p}.full", NUM, None, "数字"),
                    base=r.get(c, "base", f"{p}.base", NUM, 0, "数字"),
                    floor=r.get(c, "floor", f"{p}.floor", NUM, None, "数字"),
                    cap=r.get(c, "cap", f"{p}.cap", NUM, None, "数字"),
                    per_capita=r.get(c, "per_capita", f"{p}.per_capita", bool, False),
                    normalise=r.get(c, "normalise", f"{p}.normalise", bool, True),
                    weights=weights,
                    scope=_choice(r, c, "scope", f"{p}.scope", ("period", "year"), "period"),
                    series=tuple(only),
                )
            )
        except RuleError as exc:
            raise r.fail(p, str(exc)) from None
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise r.fail("categories", f"考核内容编号重复:{ids}")
    return out


def _choice(r: _Reader, data: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in choices:
        raise r.fail(path, f"应为 {' / '.join(choices)} 之一,得到 {value!r}")
    return str(value)


LAST_PLACE_MAX = 24
"""``[scheme] last_place_months`` at most: two years of months (the periods before are scored for it)."""


def _scheme(r: _Reader, data: Mapping[str, Any], categories: list[Category], series: list[Series]) -> Scheme:
    s = r.table(data, "scheme", "scheme")
    allowed = {
        "name", "base_period", "normalise_within", "decimals", "aggregate", "year_method", "year_scale",
        "per_capita_direct", "last_place_months", "class_coefficients",
    }
    r.unknown(s, allowed, "scheme")
    decimals = r.get(s, "decimals", "scheme.decimals", int, 2)
    if not 0 <= decimals <= 6:
        raise r.fail("scheme.decimals", f"应为 0-6,得到 {decimals}")
    last_place = r.get(s, "last_place_months", "scheme.last_place_months", int, 3)
    if not 0 <= last_place <= LAST_PLACE_MAX:  # each period back is scored: 10^11 of them never end
        raise r.fail("scheme.last_place_months", f"应为 0-{LAST_PLACE_MAX} 的整数(连续几期排名末位时加标记),得到 {last_place}")
    return Scheme(
        name=r.get(s, "name", "scheme.name", str, "考核方案"),
        categories=tuple(categories),
        series=tuple(series),
        base_period=_choice(r, s, "base_period", "scheme.base_period", ("month", "quarter"), "month"),
        normalise_within=_choice(r, s, "normalise_within", "scheme.normalise_within", ("series", "class", "all"), "series"),
        decimals=decimals,
        aggregate=_choice(r, s, "aggregate", "scheme.aggregate", ("sum", "mean"), "sum"),
        year_method=_choice(r, s, "year_method", "scheme.year_method", ("sum", "mean", "scaled"), "mean"),
        year_scale=r.get(s, "year_scale", "scheme.year_scale", NUM, 100, "数字"),
        per_capita_direct=_choice(r, s, "per_capita_direct", "scheme.per_capita_direct", ("plain", "times_headcount"), "plain"),
        last_place_months=last_place,
        class_coefficients=_coefficients(r, r.get(s, "class_coefficients", "scheme.class_coefficients", dict, {})),
    )


def _coefficients(r: _Reader, table: dict[str, Any]) -> dict[str, Any]:
    for k, v in table.items():
        if isinstance(v, bool) or not isinstance(v, NUM):
            raise r.fail(f"scheme.class_coefficients.{k}", f"应为数字(难度系数),得到 {v!r}")
        r.number(v, f"scheme.class_coefficients.{k}", "大于0的数字(难度系数)")
        try:
            if bounded(v) <= 0:
                raise ValueError
        except ValueError:
            raise r.fail(f"scheme.class_coefficients.{k}", f"应为大于0的数字(难度系数),得到 {v!r}") from None
    return table


UNIT_KEYS = {"id", "name", "series", "class", "headcount", "tags", "aliases", "start", "end"}


def _date(r: _Reader, value: Any, path: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise r.fail(path, f"应为日期(如 2015-06-01),得到 {value!r}") from None


def _unit(r: _Reader, u: Mapping[str, Any], p: str, series: set[str]) -> Unit:
    r.unknown(u, UNIT_KEYS, p)
    uid = r.get(u, "id", f"{p}.id", str)
    s = r.get(u, "series", f"{p}.series", str)
    if s not in series:
        raise r.fail(f"{p}.series", f"未知的序列 {s!r};已定义的序列:{'、'.join(sorted(series))}")
    hc = u.get("headcount", {})
    if isinstance(hc, int) and not isinstance(hc, bool):
        hc = {"*": hc}
    if not isinstance(hc, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 1_000_000 for v in hc.values()):
        raise r.fail(f"{p}.headcount", f"应为小于 1000000 的正整数,或 期间 → 人数 的表(如 {{\"*\" = 30, \"2015-06\" = 32}}),得到 {hc!r}")
    tags = u.get("tags", [])
    aliases = u.get("aliases", [])
    return Unit(
        id=uid,
        name=r.get(u, "name", f"{p}.name", str),
        series=s,
        klass=u.get("class") or None,
        headcount=hc,
        tags=tuple(tags.split("|") if isinstance(tags, str) else tags),
        start=_date(r, u.get("start"), f"{p}.start"),
        end=_date(r, u.get("end"), f"{p}.end"),
        aliases=tuple(aliases.split("|") if isinstance(aliases, str) else aliases),
    )


def _units(r: _Reader, data: Mapping[str, Any], series: set[str], base: Path) -> list[Unit]:
    units: list[Unit] = []
    inline = data.get("units", [])
    if not isinstance(inline, list):
        raise r.fail("units", "应为 [[units]] 表的数组")
    for i, u in enumerate(inline):
        if not isinstance(u, dict):
            raise r.fail(f"units[{i}]", "应为表")
        units.append(_unit(r, u, f"units[{i}]", series))
    if "units_file" in data:
        units.extend(_units_file(r, base / r.get(data, "units_file", "units_file", str), series))
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
        unit = _unit(f, u, f"第{n}行", series)
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


ITEM_OVERRIDE_KEYS = {"params", "category", "cap", "floor", "cadence", "document", "article"}
OFFICE_ITEM_KEYS = {
    "id", "title", "department", "category", "reference", "reads", "cadence", "shape", "params", "cap", "floor",
    "direct_per_capita", "text", "document", "article",
}


def _items(r: _Reader, data: Mapping[str, Any], registry: Registry, categories: set[str], inapplicable: list[str]) -> list[Item]:
    """The items switched on. An item switched on only by a wildcard (``*``, ``xingzhen.*``) whose
    category is not in the scheme does not apply to this bureau: it is left out and listed in
    ``inapplicable`` (``kaohe plugins`` shows it); an item named by its id is an error instead."""
    t = r.table(data, "items", "items")
    enable = r.get(t, "enable", "items.enable", list, ["*"])
    disable = r.get(t, "disable", "items.disable", list, [])
    overrides = {k: v for k, v in t.items() if k not in ("enable", "disable")}

    office: dict[str, Item] = {}
    for i, o in enumerate(data.get("office_items", [])):
        p = f"office_items[{i}]"
        if not isinstance(o, dict):
            raise r.fail(p, "应为表")
        r.unknown(o, OFFICE_ITEM_KEYS, p)
        iid = r.get(o, "id", f"{p}.id", str)
        if not iid.startswith("office."):
            raise r.fail(f"{p}.id", f"考核办自设项目的编号应以 office. 开头,得到 {iid!r}")
        try:
            rule = build(r.get(o, "shape", f"{p}.shape", str), r.get(o, "params", f"{p}.params", dict, {}))
            item = Item(
                id=iid,
                title=r.get(o, "title", f"{p}.title", str),
                department=r.get(o, "department", f"{p}.department", str, "考核办"),
                category=r.get(o, "category", f"{p}.category", str),
                reference=r.get(o, "reference", f"{p}.reference", str, "本局考核办通知"),
                reads=tuple(r.get(o, "reads", f"{p}.reads", list, [iid])),
                rule=rule,
                cadence=r.get(o, "cadence", f"{p}.cadence", str, "monthly"),
                cap=r.get(o, "cap", f"{p}.cap", NUM, None, "数字"),
                floor=r.get(o, "floor", f"{p}.floor", NUM, None, "数字"),
                direct_per_capita=r.get(o, "direct_per_capita", f"{p}.direct_per_capita", bool, False),
                text=r.get(o, "text", f"{p}.text", str, ""),
                plugin="office",
                document=r.get(o, "document", f"{p}.document", str, "", "[regulations] 中的文件键"),
                article=r.get(o, "article", f"{p}.article", str, "", "条款,如 第十一条(四)1"),
            )
        except RuleError as exc:
            raise r.fail(p, str(exc)) from None
        if iid in office or iid in registry.items:
            raise r.fail(f"{p}.id", f"项目编号 {iid} 重复")
        office[iid] = item

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
            raise r.fail(p, "应为表(params、category、cap、floor、cadence、document、article)")
        r.unknown(ov, ITEM_OVERRIDE_KEYS, p)

    items = []
    for iid in on:
        item = available[iid]
        ov = overrides.get(iid, {})
        p = f'items."{iid}"'
        try:
            if "params" in ov:
                item = item.with_rule(item.rule.with_params(r.get(ov, "params", f"{p}.params", dict)))  # type: ignore[attr-defined]
            changes = {}
            for k in ("category", "cadence", "document", "article"):
                if k in ov:
                    changes[k] = r.get(ov, k, f"{p}.{k}", str)
            for k in ("cap", "floor"):
                if k in ov:
                    changes[k] = r.get(ov, k, f"{p}.{k}", NUM, what="数字")
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
