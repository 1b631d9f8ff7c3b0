"""One platform for a province's bureaus (issue 22, point 2): the platform's file (``platform.toml``:
its name, its host name, the database of its own accounts, and each bureau's key, name and
configuration), and the province's roll-up of the bureaus' PUBLISHED results.

Each bureau stays what it is alone — its configuration, its units, its accounts and its data in its
own store — and is served under its own host name (``<key>.<domain>``, docs/site.md "平台"); the
province's people have accounts in the platform's own store (role 省厅, kaohe.office.accounts) and
read the roll-up made from each bureau's latest edition of each period, never from stored results
that may be a draft (a period scored again since its edition).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import attrs

from ..core.errors import KaoheError
from ..report.editions import payload_parts
from ..scheme.bureau import SiteSettings
from ..store.postgres import check_url, is_url, redacted
from ..store.store import Store
from .results import published_unchanged

DATABASE_ENV = "KAOHE_PLATFORM_DATABASE_URL"
"""The environment variable that, when set, is the platform's own database (a PostgreSQL URL that
may hold the password), whatever ``platform.toml`` says: as ``KAOHE_DATABASE_URL`` for a bureau."""

KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")
"""A bureau's key: a DNS label (its host name is ``<key>.<domain>``)."""
DOMAIN = re.compile(r"^(?=.{1,200}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")


@attrs.frozen
class PlatformBureau:
    """A bureau on the platform: its key (its host name's first label), its name as the province
    calls it, and its configuration file."""

    key: str
    name: str
    config: Path

    def host(self, domain: str) -> str:
        return f"{self.key}.{domain}"


@attrs.frozen
class Platform:
    """``platform.toml``: the platform's name, the domain its bureaus are served under (the province
    at ``<domain>`` itself, each bureau at ``<key>.<domain>``), the database of the platform's own
    accounts (the province's), the sign-in settings of those accounts, and the bureaus."""

    name: str
    domain: str
    database: str
    bureaus: tuple[PlatformBureau, ...]
    site: SiteSettings = SiteSettings()
    source: str = ""

    def bureau(self, key: str) -> PlatformBureau | None:
        return next((b for b in self.bureaus if b.key == key), None)

    @property
    def key_file(self) -> str:
        """Where the key signing the province's sessions and passes is kept (``<this>.site-key``,
        kaohe.web.base.secret_key): beside the SQLite database, or beside ``platform.toml`` when the
        accounts are on a PostgreSQL server (``platform.site-key``; every web server of the
        platform has the same file, docs/deployment.md)."""
        if not is_url(self.database):
            return self.database
        return str(Path(self.source or "platform.toml").resolve().parent / "platform")


def load_platform(path: str | Path) -> Platform:
    """The platform described in ``path``; a one-line error naming the file and the key otherwise."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KaoheError(f"无法读取平台配置 {path}:{exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KaoheError(f"{path}:不是有效的 TOML({exc})") from None
    return parse_platform(data, path)


def _text(table: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise KaoheError(f"{where} 的 {key} 应为非空的文字,得到 {value!r}")
    return value.strip()


def parse_platform(data: Mapping[str, Any], path: Path) -> Platform:
    """:func:`load_platform` of the TOML already read (paths relative to ``path``'s folder)."""
    here = path.parent
    top = data.get("platform")
    if not isinstance(top, dict):
        raise KaoheError(f"{path}:缺少 [platform] 表(平台名称 name、域名 domain、省厅账号的数据库 database)")
    unknown = sorted(set(data) - {"platform", "bureaus"})
    if unknown:
        raise KaoheError(f"{path}:不认识的表 {unknown[0]}(应为 [platform] 和 [[bureaus]])")
    where = f"{path} [platform]"
    extra = sorted(set(top) - {"name", "domain", "database", "idle_minutes", "lockout_failures", "lockout_minutes", "password_min_length"})
    if extra:
        raise KaoheError(f"{where}:不认识的键 {extra[0]}")
    domain = _text(top, "domain", where).lower()
    if not DOMAIN.match(domain):
        raise KaoheError(f"{where} 的 domain 应为域名(小写字母、数字、连字符和点,如 kaohe.gat.example),得到 {domain!r}")
    settings: dict[str, Any] = {}
    for key in ("idle_minutes", "lockout_failures", "lockout_minutes", "password_min_length"):
        if key in top:
            value = top[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise KaoheError(f"{where} 的 {key} 应为正整数,得到 {value!r}")
            settings[key] = value
    database = _text(top, "database", where)
    if is_url(database):  # the province's accounts on a PostgreSQL server (docs/postgresql.md)
        check_url(database, f"{path} [platform] database")
    else:
        database = str((here / database).resolve())
    database = os.environ.get(DATABASE_ENV) or database  # the server's URL with its credentials
    rows = data.get("bureaus", [])
    if not isinstance(rows, list) or not rows:
        raise KaoheError(f"{path}:没有 [[bureaus]](每个局一项:key、name、config)")
    bureaus: list[PlatformBureau] = []
    for n, row in enumerate(rows, start=1):
        at = f"{path} [[bureaus]] 第{n}项"
        if not isinstance(row, dict):
            raise KaoheError(f"{at} 应为表(key、name、config)")
        extra = sorted(set(row) - {"key", "name", "config"})
        if extra:
            raise KaoheError(f"{at}:不认识的键 {extra[0]}(应为 key、name、config)")
        key = _text(row, "key", at)
        if not KEY.match(key):
            raise KaoheError(f"{at} 的 key 应为 1-32 个小写字母、数字或连字符(用作网址 {key}.{domain}),得到 {key!r}")
        if any(b.key == key for b in bureaus):
            raise KaoheError(f"{at} 的 key {key!r} 与前面的局重复")
        config = (here / _text(row, "config", at)).resolve()
        if not config.is_file():
            raise KaoheError(f"{at} 的 config:找不到配置文件 {config}")
        if any(b.config == config for b in bureaus):
            raise KaoheError(f"{at} 的 config {config} 与前面的局相同(每个局有自己的配置和数据库)")
        bureaus.append(PlatformBureau(key, _text(row, "name", at), config))
    if os.environ.get("KAOHE_DATABASE_URL") and len(bureaus) > 1:  # it would stand for every bureau's database
        raise KaoheError(
            f"{path}:设置了环境变量 KAOHE_DATABASE_URL,平台上的 {len(bureaus)} 个局会共用它指定的同一个数据库;"
            "请取消该变量,在各局配置的 [bureau] database 中写各自的地址(密码由 PGPASSWORD 或 ~/.pgpass 提供)"
        )
    return Platform(_text(top, "name", where), domain, database, tuple(bureaus), SiteSettings(**settings), str(path))


def check_apart(platform: Platform, databases: Mapping[str, str]) -> None:
    """Refuse (KaoheError, one line) a platform on which two bureaus (``databases``: key → the
    database its configuration names), or a bureau and the province's accounts, share a database:
    their data and accounts would not be apart."""
    seen: dict[str, str] = {_where(platform.database): "省厅账号([platform] database)"}
    for key, database in databases.items():
        where = _where(database)
        if where in seen:
            raise KaoheError(
                f"{platform.source or 'platform.toml'}:局 {key} 的数据库 {redacted(database)} 与{seen[where]}相同;每个局须有自己的数据库"
                "(PostgreSQL 上为各自的库或 schema,见 docs/postgresql.md)"
            )
        seen[where] = f"局 {key} 的数据库"


def _where(database: str) -> str:
    """A database's identity: a SQLite file's resolved path, or a PostgreSQL URL as written."""
    return database if is_url(database) else str(Path(database).resolve())


# --- the province's roll-up ----------------------------------------------------------------------


PLACES = Decimal("0.01")


def _num(value: Any) -> Decimal | None:
    """A total as an exact decimal without trailing zeros ("100.00" stored, "100" in an edition: 100)."""
    return None if value is None else Decimal(format(Decimal(str(value)).normalize(), "f"))


def published_summary(store: Store) -> dict[str, dict[str, Any]]:
    """What the province reads of one bureau: for each period with an edition, its LATEST edition's
    number, date and digest, each unit's total and rank (as published, within the bureau's series),
    and each series' summary — how many units, the average total (rounded half up to 0.01), the
    highest and the lowest. What was published: the stored results while they are still the latest
    edition's (kaohe.office.results.published_unchanged, as the site decides it), else the edition's
    own payload — a period scored again since its edition (a draft) shows what was published."""
    latest: dict[str, int] = {}
    for e in store.editions():
        latest[str(e["period"])] = max(int(e["number"]), latest.get(str(e["period"]), 0))
    metas = {(str(e["period"]), int(e["number"])): e for e in store.editions()}
    out: dict[str, dict[str, Any]] = {}
    for period, number in sorted(latest.items()):
        meta = metas[(period, number)]
        if published_unchanged(store, period):  # the stored results are the edition's: read them, not its whole payload
            units = [
                {"unit": r["unit"], "name": r["name"], "series": r["series"], "total": _num(r["total"]), "rank": r["rank"]}
                for r in store.scores(period)
            ]
        else:  # scored again since (a draft): what the edition holds
            edition = store.edition_packed(period, number)
            if edition is None:
                continue
            head, results = payload_parts(edition["packed"])  # a unit's tree at a time, never the payload whole
            names = {u["id"]: u["name"] for u in head.get("config", {}).get("units", [])}
            units = [
                {"unit": r["unit"], "name": r.get("name") or names.get(r["unit"], r["unit"]), "series": r.get("series", ""),
                 "total": _num(r.get("total")), "rank": r.get("rank")}
                for r in results
            ]
        out[period] = {
            "edition": number, "published_on": meta.get("published_on"), "digest": meta.get("digest"),
            "units": sorted(units, key=lambda u: (str(u["series"]), u["rank"] if u["rank"] is not None else 10**9, str(u["unit"]))),
            "series": series_summary(units),
        }
    return out


def series_summary(units: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each series' count of units, average, highest and lowest total (units without a total are
    counted but not averaged)."""
    by: dict[str, list[Decimal | None]] = {}
    for u in units:
        by.setdefault(str(u["series"]), []).append(u["total"])
    out = []
    for series, totals in sorted(by.items()):
        known = [t for t in totals if t is not None]
        out.append({
            "series": series, "units": len(totals),
            "average": (sum(known, Decimal(0)) / len(known)).quantize(PLACES, ROUND_HALF_UP) if known else None,
            "highest": max(known) if known else None, "lowest": min(known) if known else None,
        })
    return out


def rollup(bureaus: Iterable[tuple[PlatformBureau, Mapping[str, dict[str, Any]] | None]]) -> dict[str, Any]:
    """The province's roll-up from each bureau's :func:`published_summary` (None: its database could
    not be read): the periods any bureau published, and for each bureau what it published of each."""
    rows = []
    periods: set[str] = set()
    for b, summary in bureaus:
        rows.append({"key": b.key, "name": b.name, "readable": summary is not None, "periods": dict(summary or {})})
        periods.update(summary or {})
    return {"periods": sorted(periods), "bureaus": rows}
