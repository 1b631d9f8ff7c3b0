"""A quarter's officers as the commands and the site read them: the officers' files read, the
coefficients, the unit results of the quarter (brought up to date and stored first for the command
line; the stored ones only for the site), the corrections of upheld objections, the scores, ranks,
bands and grades, and the bonus where the bureau's rule can divide it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from ...core.errors import KaoheError
from ...core.periods import Period
from ...office.jobs import shown
from ...office.results import stored_result
from ...store.store import Store
from .bonus import Share, bonus
from .coefficients import OfficerQuarter, quarter
from .files import read_data, read_records
from .objections import corrections, objections
from .scores import OfficerScore, officers_quarter
from .settings import OfficerSettings, cited

TABLE = "officers"


@attrs.frozen
class Quarter:
    """What the officer-level commands and pages work on."""

    bureau: Any
    settings: OfficerSettings
    period: Period
    scores: list[OfficerScore]
    rows: list[OfficerQuarter]
    totals: dict[str, Decimal]
    note: str

    def shares(self) -> list[Share] | None:
        """The bonus of the quarter by the bureau's rule with its configured pool; None where the
        bureau divides none, or gives no pool (the command line's ``--pool``)."""
        rule = self.settings.bonus
        if rule is None or (rule.pool is None and not rule.amounts):
            return None
        try:
            return bonus(self.settings, self.scores, None, self.totals)
        except KaoheError:
            return None


def settings_of(bureau: Any) -> OfficerSettings:
    settings = bureau.plugin_config.get(TABLE)
    if settings is None:
        raise KaoheError(f"{bureau.source} 没有 [officers] 配置:民警个人考核需要民警名单(见 docs/configuration.md)")
    return settings  # type: ignore[no-any-return]


def load(store: Store, bureau: Any, registry: Any, p: Period, refresh: bool = True) -> Quarter:
    """The quarter ``p`` of every officer. ``refresh``: the unit results brought up to date and stored
    first, as ``kaohe ranking`` does (kaohe.office.jobs.shown); else the stored ones as they are."""
    settings = cited(settings_of(bureau), bureau.regulations, bureau.source)
    if p.kind != "quarter":
        raise KaoheError(f"民警个人考核按季度计算:{p.label} 不是季度(如 {p.year}-Q2)")
    units = {n: u.id for u in bureau.units for n in u.names}
    data = read_data(settings, units)
    rows = quarter(settings, data, bureau.calendar, p)
    records = read_records(settings, {o.id: o.name for o in data.officers})
    note = ""
    if refresh:
        result, note = shown(store, bureau, registry, p)
    else:
        stored = stored_result(store, p)
        if stored is None:
            raise KaoheError(f"{p.label} 尚未计算单位考核结果")
        result = stored
    fixes = corrections(objections(store, p.label))
    names = {u.id: u.name for u in bureau.units}
    series = {u.id: u.series for u in bureau.units}
    scores = officers_quarter(settings, rows, {u.unit: u for u in result.units}, records, bureau.calendar, p, names, series, fixes)
    return Quarter(bureau, settings, p, scores, rows, {u.unit: u.total for u in result.units}, note)
