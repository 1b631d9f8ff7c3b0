"""Dated changes of a bureau's scheme (issue 20, point 3): ``[[changes]]`` in ``kaohe.toml``, each
with the period from which it applies, as OpenFisca's parameters carry dates.

Each change says from which month (``from = "2015-07"``; a quarter, half-year or year: its first
month) and what changes then: ``set`` (keys written as ``kaohe compare --set`` writes them, with
their new values), ``off`` (items switched off), ``on`` (items switched on again). The changes are
cumulative and in order of their months: the assessment in force from a change's month is the
configuration as written with that change and every earlier one applied, read again by the
configuration's own reader (so a wrong value is refused as it would be written in place, naming the
change's key). Only what is scored may change (the scheme's values, series, categories, items,
the office's items, the carry-over); the units, the calendar and the base period may not.

Each base period is scored under the version in force in it (``Bureau.at``); a longer period is
formed under the version of its last month (or first: ``[scheme] span_version``). An item a change
alters cites the change where a unit reads it (``自2015年7月起``, with the change's note).
See docs/configuration.md ("按期间生效的变更") and docs/readings.md."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar

import attrs

from ..contract.items import Item
from ..contract.registry import Registry
from ..core.errors import ConfigError, KaoheError
from ..core.periods import MONTHS_PER, Period
from .bureau import Assessment, Version
from .keys import put, split_key
from .structure import Expect, Structurer

CHANGEABLE = ("scheme", "series", "categories", "items", "office_items", "carry_over")
"""The tables a dated change may write in."""
FIXED = ("scheme.base_period", "scheme.span_version")
"""Keys of those tables that no change may write (every period of a bureau has the same base
period; which version forms a longer period is said once)."""

FROM = '起始期间,如 "2015-07"(月)或 "2015-Q3"(季度)'


@attrs.frozen(kw_only=True)
class ChangeTable:
    """``[[changes]]``: one dated change."""

    NOT_TABLE: ClassVar[str] = '应为表,如 [[changes]] from = "2015-07"'
    KEYS: ClassVar[tuple[str, ...]] = ("from", "note", "set", "off", "on")
    from_: Annotated[str, Expect(FROM)]
    note: Annotated[str, Expect("文本(变更的依据或说明)")] = ""
    set_: Annotated[dict[str, Any], Expect('表:配置项 = 新值,如 "categories.jichu.weight" = 300')] = attrs.field(factory=dict)
    off: Annotated[list[str], Expect("项目编号的数组(自该期起停用)")] = attrs.field(factory=list)
    on: Annotated[list[str], Expect("项目编号的数组(自该期起重新启用)")] = attrs.field(factory=list)


def versions(
    data: Mapping[str, Any], registry: Registry, file: str, base: Path, first: Assessment,
    parse: Callable[[Mapping[str, Any], Registry, str, Path], Assessment],
) -> tuple[Version, ...]:
    """The versions of ``[[changes]]`` in ``data`` (the configuration read as ``first``), each read
    by ``parse`` (the configuration's reader); a wrong change is a ConfigError naming ``file`` and
    its key (``changes[1].from``, ``changes[0].set."categories.jichu.weight"``)."""
    raw = data.get("changes")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(file, "changes", '应为 [[changes]] 表的数组(每项写 from 与 set、off 或 on)')
    tables: list[ChangeTable] = Structurer().structure(raw, list[ChangeTable], file, "changes")
    unit = MONTHS_PER[first.scheme.base_period]
    current = {k: v for k, v in data.items() if k != "changes"}
    out: list[Version] = []
    raws: list[Assessment] = [first]
    starts: list[Period] = []
    for n, t in enumerate(tables):
        at = f"changes[{n}]"
        try:
            start = Period.parse(t.from_).months()[0]
        except KaoheError:
            raise ConfigError(file, f"{at}.from", f"应为{FROM},得到 {t.from_!r}") from None
        if (start.index - 1) % unit:
            raise ConfigError(file, f"{at}.from", f"本局按季度考核,变更应自一个季度的第一个月起,得到 {t.from_!r}")
        if starts and start <= starts[-1]:
            earlier = tables[n - 1].from_
            if start == starts[-1]:
                raise ConfigError(file, f"{at}.from", f"与 changes[{n - 1}] 的起始期间 {earlier} 相同(重叠):同一期起的变更请写在同一个 [[changes]] 中")
            raise ConfigError(file, f"{at}.from", f"{t.from_} 早于上一项 changes[{n - 1}] 的 {earlier}:各项应按起始期间先后排列")
        if not (t.set_ or t.off or t.on):
            raise ConfigError(file, at, "没有变更内容:应至少写 set(配置项 = 新值)、off(停用的项目)或 on(重新启用的项目)之一")
        steps: list[tuple[str, Callable[[dict[str, Any]], None]]] = []
        for key, value in t.set_.items():
            where = f'{at}.set."{key}"'
            try:
                parts = split_key(key)
            except ValueError:
                raise ConfigError(file, where, '键无法识别(各级用 . 分隔,含 . 的编号加双引号,如 items."xingzhen.pochuan".params.target)') from None
            if parts[0] not in CHANGEABLE:
                raise ConfigError(file, where, f"不能按期间变更(只能变更 {'、'.join(CHANGEABLE)} 中的值)")
            if ".".join(parts[:2]) in FIXED:
                raise ConfigError(file, where, "各期必须相同,不能按期间变更")
            steps.append((where, _setter(parts, value, file, where, put)))
        for kind, ids in (("off", t.off), ("on", t.on)):
            for i, iid in enumerate(ids):
                steps.append((f"{at}.{kind}[{i}]", _switch(kind, iid)))
        before = current
        current = copy.deepcopy(current)
        for _, step in steps:
            step(current)
        try:
            version = parse(current, registry, file, base)
        except ConfigError as exc:
            raise _blame(exc, before, steps, registry, file, base, parse, t.from_) from None
        except KaoheError as exc:  # a plugin's item refused in this version (its category gone …)
            raise ConfigError(file, at, f"{exc}(自 {t.from_} 起的配置)") from None
        if version.units != first.units or version.calendar != first.calendar:
            raise ConfigError(file, at, "单位和考核周期不能按期间变更")
        raws.append(version)
        starts.append(start)
        out.append(
            Version(
                start=start, note=t.note, assessment=_cited(version, raws, starts, tables),
                keys=(*t.set_, *(f"停用 {i}" for i in t.off), *(f"启用 {i}" for i in t.on)),
                written=json.dumps(raw[n], ensure_ascii=False, sort_keys=True, default=str),
            )
        )
    return tuple(out)


def _setter(parts: list[str], value: Any, file: str, where: str, put: Any) -> Callable[[dict[str, Any]], None]:
    def step(data: dict[str, Any]) -> None:
        put(data, parts, False, copy.deepcopy(value), lambda why: ConfigError(file, where, why))

    return step


def _switch(kind: str, iid: str) -> Callable[[dict[str, Any]], None]:
    def step(data: dict[str, Any]) -> None:
        items = data.setdefault("items", {})
        disable = [x for x in items.get("disable", []) if x != iid]
        if kind == "off":
            disable.append(iid)
        elif iid not in items.get("enable", ["*"]):
            items["enable"] = [*items.get("enable", ["*"]), iid]
        items["disable"] = disable

    return step


def _blame(
    exc: ConfigError, before: dict[str, Any], steps: list[tuple[str, Callable[[dict[str, Any]], None]]], registry: Registry,
    file: str, base: Path, parse: Callable[[Mapping[str, Any], Registry, str, Path], Assessment], start: str,
) -> ConfigError:
    """The error of a change's version, named by the first of its keys that makes it."""
    data = copy.deepcopy(before)
    for where, step in steps:
        step(data)
        try:
            parse(data, registry, file, base)
        except ConfigError as e:
            return ConfigError(file, where, f"{e.expected}(自 {start} 起的配置中的 {e.key})")
    return ConfigError(file, "changes", f"{exc.expected}(自 {start} 起的配置中的 {exc.key})")


def _cited(version: Assessment, raws: list[Assessment], starts: list[Period], tables: list[ChangeTable]) -> Assessment:
    """``version`` (the last of ``raws``) with each item a change altered citing the latest change
    that altered it, where a unit reads the item's basis: ``…;自2015年7月起调整(note)``."""
    items: list[Item] = []
    for item in version.items:
        since = None
        for k in range(len(raws) - 1, 0, -1):
            if raws[k].item(item.id) != raws[k - 1].item(item.id):
                since = k - 1
                break
        if since is not None:
            s = starts[since]
            note = tables[since].note
            cite = f"自{s.year}年{s.index}月起调整" + (f"({note})" if note else "")
            item = attrs.evolve(item, citation=f"{item.basis};{cite}" if item.basis else cite)
        items.append(item)
    return attrs.evolve(version, items=tuple(items))
