"""A bureau as the kernel scores it: its calendar, scheme, units and enabled items."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from ..contract.items import Item
from ..core.model import Unit
from ..core.periods import Calendar, Period
from ..core.workdays import WorkCalendar
from .scheme import Scheme


@attrs.frozen
class Publication:
    """``[publication]``: what publishing checks (docs/configuration.md)."""

    missing_data: str = "refuse"
    """A period with data missing (a department's, or a unit's figure the department has not signed
    off): ``refuse`` (publish only with an explicit, recorded confirmation: ``--allow-missing``) or
    ``warn`` (publish, saying so)."""
    data_due_days: int | None = None
    """Days after a period's last day by which departments' data is due (seed 000 l.696: data of the
    month ending on the 20th is published by the departments from the 25th to the 28th: 8); data
    first imported later is shown as late. None: lateness is not judged."""
    require_signoff: bool = False
    """Whether a department's data counts as missing until the department has signed it off."""
    lock: bool = True
    """Whether a published period is locked (the default): imports, withdrawals, self-report
    acceptances and the office's adjustments touching it are refused until the office unlocks it
    with a reason (kaohe.office.lock); the appeals' decisions are not."""


@attrs.frozen
class Regulation:
    """``[regulations.<key>]``: a regulation the bureau's items cite (docs/configuration.md)."""

    key: str
    """The key items cite it by (``Item.document``)."""
    title: str
    """Its title, without 《》: ``派出所绩效考核制度``."""
    number: str = ""
    """Its 文号: ``坛公发〔2015〕12号``."""
    date: dt.date | None = None
    """The day it was issued (印发日期)."""

    @property
    def name(self) -> str:
        """《title》(文号,date): how a list of the regulations names it."""
        extra = ",".join(x for x in (self.number, f"{self.date.year}年{self.date.month}月{self.date.day}日印发" if self.date else "") if x)
        return f"《{self.title}》" + (f"({extra})" if extra else "")


LINES_PER_ITEM = 20
"""How many record lines of an item the HTML report lists one by one, by default."""


@attrs.frozen
class ReportSettings:
    """``[report]``: how the published report is laid out (docs/configuration.md)."""

    lines_per_item: int = LINES_PER_ITEM
    """An item with more record lines than this shows its first ``lines_per_item`` on the report's
    web page and folds the rest into one line (their number and points, and where each is listed:
    the unit's sheet of the XLSX and the JSON, which keep every line)."""


STALE_MODES = ("score", "warn")


@attrs.frozen
class SiteSettings:
    """``[site]``: the accounts and sessions of the bureau's site, ``kaohe serve`` (docs/configuration.md,
    "[site]")."""

    idle_minutes: int = 30
    """A session unused this long is over: the next request asks to sign in again."""
    lockout_failures: int = 5
    """This many failed sign-ins in a row lock the account ..."""
    lockout_minutes: int = 15
    """... for this long (the office may also unlock it at once with ``kaohe users reset-password``)."""
    password_min_length: int = 10
    """The shortest password accepted (with at least three of: lower case, upper case, digits, other signs)."""
    cli_account: str = ""
    """The office's account the command line acts as when no ``--actor`` (nor ``KAOHE_ACTOR``) names
    one (kaohe.office.accounts.cli_account; docs/readings.md, "命令行的操作人")."""
    api_max_mb: int = 16
    """The largest body of one push to the API (``POST /api/v1/records``, kaohe.web.api), in MiB:
    a larger one is refused (413) before it is read whole."""
    appeal_pending_days: int = 3
    """The office's inbox lists an appeal still undecided this many working days after it was
    received (kaohe.office.inbox)."""
    ranking_rows: int = 100
    """The ranking page's rows a page: a larger ranking is shown a series at a time, in pages of at
    most this many units (kaohe.web.pages; docs/site.md, "排名的分页")."""
    gzip: bool = True
    """Pages asked for over plain HTTP sent compressed (gzip) to a browser that accepts it; over
    HTTPS never (kaohe.web.app.SecurityHeaders: BREACH)."""


@attrs.frozen
class NotifySettings:
    """``[notify]``: e-mail reminders of what awaits each account (``kaohe remind``; off while
    ``smtp_host`` is empty). The password is never in the configuration: it is read from the
    environment variable ``password_env`` (docs/configuration.md, "[notify]")."""

    smtp_host: str = ""
    smtp_port: int = 25
    sender: str = ""
    """The ``From`` address (``from``)."""
    starttls: bool = True
    username: str = ""
    password_env: str = "KAOHE_SMTP_PASSWORD"
    site_url: str = ""
    """The site's address as the accounts open it (``https://kaohe.example.gov.cn``): the messages'
    links start with it; empty: the links are paths (``/inbox``)."""

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host)


@attrs.frozen
class EvidenceLimits:
    """``[appeals]``'s limits on the evidence files of an appeal filed on the site, and where they are
    kept (docs/configuration.md, "[appeals]")."""

    max_bytes: int = 10 << 20
    """One file's size (``evidence_max_mb``)."""
    max_files: int = 5
    """Files with one appeal (``evidence_max_files``)."""
    directory: str = ""
    """Where the files are kept, outside the database (``evidence_dir``, relative to the database's
    directory; "": ``evidence`` beside the database)."""


@attrs.frozen
class ResultsSettings:
    """``[results]``: what the commands that show stored results do when a period's stored results
    are out of date (docs/configuration.md, "[results]")."""

    stale: str = "score"
    """``"score"``: score the period again (and store it) before showing it; ``"warn"``: show the
    stored results with a one-line warning that they are out of date."""


@attrs.frozen
class IntakeLimits:
    """``[intake]``'s limits on a department's file (docs/configuration.md, "导入文件的上限"): a file
    beyond one is refused whole, with a one-line error, before the store's write lock is taken."""

    max_file_mb: int = 1024
    """The file's size on disk, and each unpacked part of a workbook, in MiB."""
    max_rows: int = 5_000_000
    """Rows of the data table (after the header)."""
    max_columns: int = 1000
    """Columns: a row's cells, and the width a workbook's sheet declares (A1:XFD1048576 is 16,384)."""
    max_cell_chars: int = 32_767
    """Characters in one cell (Excel's own limit); also the CSV field limit."""
    rejections_kept: int = 1000
    """Rejected rows kept one by one (shown and stored); beyond them, rejected rows are counted by
    column and reason."""

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb << 20


@attrs.frozen(kw_only=True)
class Version:
    """A dated change of the scheme (``[[changes]]``, docs/configuration.md): what is in force from
    its first month on."""

    start: Period
    """Its first month."""
    note: str
    """What the office wrote of it (its document, its reason); may be empty."""
    keys: tuple[str, ...]
    """What it changes, as written (``items."xingzhen.pochuan".params.target``, ``停用 office.minor``)."""
    assessment: Assessment
    """The whole assessment in force from ``start`` (every earlier change applied too)."""
    written: str = ""
    """The change as written (canonical JSON of its table): what the stored results' digest of the
    configuration covers (kaohe.office.results.config_digest)."""

    @property
    def label(self) -> str:
        """``自2015年7月起``."""
        return f"自{self.start.year}年{self.start.index}月起"

    def entry(self) -> dict[str, Any]:
        """As an edition and the JSON say it."""
        return {"from": self.start.label, "label": self.label, "note": self.note, "changes": list(self.keys)}


@attrs.frozen(kw_only=True)
class Assessment:
    """What scoring reads of a bureau: its calendar, scheme, units, the items switched on and the
    carry-over rule (the engine, the rules and a department's plugin need nothing else)."""

    name: str
    calendar: Calendar
    scheme: Scheme
    units: tuple[Unit, ...]
    items: tuple[Item, ...]
    """The items switched on, with the bureau's parameter overrides applied."""
    carry_over: Mapping[str, bool] = attrs.field(factory=dict)
    """Department → whether the previous period's data stands in when its data has not arrived
    (seed 000 l.88). Key ``*`` is the default."""
    inapplicable: tuple[str, ...] = ()
    """Items switched on by a wildcard whose category is not in this bureau's scheme: left out."""
    engine: str = "sql"
    """``[scoring] engine``: "sql" (the items whose rule allows it from grouped counts, their record
    lines folded as a base period's stored result keeps them; kaohe.scoring.aggregated) or "python"
    (every item from its records, with a line per record: a publication scores so)."""
    versions: tuple[Version, ...] = ()
    """The dated changes (``[[changes]]``, kaohe.scheme.dated): from each one's first month on, its
    assessment is in force (in order of their months; empty: the same scheme for every period)."""
    span_version: str = "end"
    """``[scheme] span_version``: the version a quarter, half-year or year is formed under (its
    aggregation, its year categories) when a change falls inside it: that of its last month
    ("end") or of its first ("start"); its base periods are each scored under their own."""

    def version_of(self, period: Period) -> Version | None:
        """The dated change in force in ``period`` (None: the configuration as written without its
        changes): for a base period, that of its first month; for a longer one, that of its last
        or first month as ``span_version`` says."""
        if not self.versions:
            return None
        months = period.months()
        month = months[0] if self.span_version == "start" else months[-1]
        found = None
        for v in self.versions:
            if (v.start.year, v.start.index) <= (month.year, month.index):
                found = v
        return found

    def at(self, period: Period) -> Assessment:
        """The assessment in force in ``period`` (itself when it has no dated changes)."""
        if not self.versions:
            return self
        v = self.version_of(period)
        return attrs.evolve(self, versions=()) if v is None else v.assessment

    def unit(self, key: str) -> Unit | None:
        """A unit by id, name or alias."""
        for u in self.units:
            if key in u.names:
                return u
        return None

    def item(self, item_id: str) -> Item | None:
        for i in self.items:
            if i.id == item_id:
                return i
        return None

    def active_units(self, period: Period) -> list[Unit]:
        start, end = self.calendar.start(period), self.calendar.end(period)
        return [u for u in self.units if u.active(start, end)]

    def carries_over(self, department: str) -> bool:
        return bool(self.carry_over.get(department, self.carry_over.get("*", False)))


@attrs.frozen(kw_only=True)
class OfficeSettings:
    """The office's settings of a bureau, which no score depends on: its configuration file, its
    database, what intake accepts, the appeals' deadline, publishing, the report's layout, the
    regulations cited and the plugins' own tables."""

    source: str = ""
    """The configuration file it was read from."""
    text: str = attrs.field(default="", repr=False)
    """The configuration file's text as it was read (once: what an edition stores and digests, even
    if the file is edited while the command runs)."""
    database: str = ""
    """The bureau's SQLite file (``[bureau] database``, relative to the configuration file)."""
    earliest: dt.date | None = None
    """Records dated before this day are refused at intake (``[intake] earliest``)."""
    limits: IntakeLimits = attrs.field(factory=IntakeLimits)
    """``[intake]``'s limits on a department's file."""
    appeal_working_days: int | None = None
    """复查申请期限: working days after publication (``[appeals] working_days``; 下城 2011 l.382)."""
    holidays: tuple[dt.date, ...] = ()
    """Days that are not working days (``[appeals] holidays``)."""
    workdays: tuple[dt.date, ...] = ()
    """Weekend days that are working days (调休, ``[appeals] workdays``)."""
    appeal_calendar: str = "official"
    """``[appeals] calendar``: "official" (the State Council's calendar, chinesecalendar) or
    "weekdays" (Monday to Friday); the bureau's ``holidays`` and ``workdays`` on top of either."""
    evidence: EvidenceLimits = attrs.field(factory=EvidenceLimits)
    """``[appeals]``'s limits on an appeal's evidence files, and their directory."""
    publication: Publication = attrs.field(factory=Publication)
    report: ReportSettings = attrs.field(factory=ReportSettings)
    results: ResultsSettings = attrs.field(factory=ResultsSettings)
    site: SiteSettings = attrs.field(factory=SiteSettings)
    notify: NotifySettings = attrs.field(factory=NotifySettings)
    regulations: tuple[Regulation, ...] = ()
    """The regulations the items cite (``[regulations]``), in the configuration's order."""
    plugin_config: Mapping[str, Any] = attrs.field(factory=dict)
    """The top-level tables claimed by plugins (``kaohe_config_tables``), as their parsers returned
    them, by table name: ``[officers]`` → the built-in plugin ``officers`` (民警考核系数)."""

    @property
    def appeal_days(self) -> int:
        """复查申请期限 in working days: ``[appeals] working_days``, 2 when not set (seed 000 l.382)."""
        return self.appeal_working_days or 2

    @property
    def work_calendar(self) -> WorkCalendar:
        """The working days the appeal deadline counts (``[appeals] calendar``, ``holidays``, ``workdays``)."""
        return WorkCalendar(self.appeal_calendar == "official", frozenset(self.holidays), frozenset(self.workdays))

    @property
    def evidence_directory(self) -> str:
        return self.evidence.directory or str(Path(self.database).parent / "evidence")

    @property
    def beside_database(self) -> str:
        """What the files kept beside the database are named after (``<this>.site-key``, the site's
        key; ``<this>.handin``, the uploads waiting for a decision): SQLite's file, or ``kaohe`` beside
        the evidence folder for a PostgreSQL URL (the configuration's folder by default)."""
        if "://" in self.database:
            return str(Path(self.evidence_directory).parent / "kaohe")
        return self.database


T = TypeVar("T")


class _Of(Generic[T]):
    """``bureau.units`` for ``bureau.assessment.units``: an attribute read from one of the parts."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        value: T = getattr(getattr(obj, self.part), self.name)
        return value


_PARTS = {"assessment": {f.name for f in attrs.fields(Assessment)}, "office": {f.name for f in attrs.fields(OfficeSettings)}}


@attrs.frozen(kw_only=True)
class Bureau:
    """A bureau: what scoring reads (``assessment``) and the office's settings (``office``). Each
    attribute of the parts is also read from the bureau itself (``bureau.units``,
    ``bureau.database``), as the code written before the split reads it."""

    assessment: Assessment
    office: OfficeSettings = attrs.field(factory=OfficeSettings)

    name = _Of[str]("assessment")
    calendar = _Of[Calendar]("assessment")
    scheme = _Of[Scheme]("assessment")
    units = _Of[tuple[Unit, ...]]("assessment")
    items = _Of[tuple[Item, ...]]("assessment")
    carry_over = _Of[Mapping[str, bool]]("assessment")
    inapplicable = _Of[tuple[str, ...]]("assessment")
    engine = _Of[str]("assessment")
    source = _Of[str]("office")
    text = _Of[str]("office")
    database = _Of[str]("office")
    earliest = _Of["dt.date | None"]("office")
    limits = _Of[IntakeLimits]("office")
    appeal_working_days = _Of["int | None"]("office")
    holidays = _Of[tuple[dt.date, ...]]("office")
    workdays = _Of[tuple[dt.date, ...]]("office")
    appeal_calendar = _Of[str]("office")
    evidence = _Of[EvidenceLimits]("office")
    publication = _Of[Publication]("office")
    report = _Of[ReportSettings]("office")
    results = _Of[ResultsSettings]("office")
    site = _Of[SiteSettings]("office")
    notify = _Of[NotifySettings]("office")
    regulations = _Of[tuple[Regulation, ...]]("office")
    plugin_config = _Of[Mapping[str, Any]]("office")

    @property
    def appeal_days(self) -> int:
        return self.office.appeal_days

    @property
    def work_calendar(self) -> WorkCalendar:
        return self.office.work_calendar

    @property
    def beside_database(self) -> str:
        return self.office.beside_database

    def unit(self, key: str) -> Unit | None:
        """A unit by id, name or alias."""
        return self.assessment.unit(key)

    def item(self, item_id: str) -> Item | None:
        return self.assessment.item(item_id)

    def active_units(self, period: Period) -> list[Unit]:
        return self.assessment.active_units(period)

    def at(self, period: Period) -> Bureau:
        """The bureau with the assessment in force in ``period`` (itself without dated changes)."""
        if not self.assessment.versions:
            return self
        return attrs.evolve(self, assessment=self.assessment.at(period))

    def version_of(self, period: Period) -> Version | None:
        return self.assessment.version_of(period)

    def carries_over(self, department: str) -> bool:
        return self.assessment.carries_over(department)

    def evolve(self, **changes: Any) -> Bureau:
        """A copy with attributes of either part changed: ``bureau.evolve(items=…, database=…)``."""
        parts: dict[str, Any] = {}
        for part, names in _PARTS.items():
            mine = {k: v for k, v in changes.items() if k in names}
            if mine:
                parts[part] = attrs.evolve(getattr(self, part), **mine)
        unknown = set(changes) - _PARTS["assessment"] - _PARTS["office"]
        if unknown:
            raise TypeError(f"Bureau has no attribute {sorted(unknown)[0]!r}")
        return attrs.evolve(self, **parts)
