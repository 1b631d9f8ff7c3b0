"""A proposed scheme for the office's what-if analysis (``kaohe compare``, ``kaohe diagnose``): the
bureau's configuration, or another TOML file, with overrides given on the command line
(``--set KEY=VALUE``, ``--set KEY+=VALUE``); and the ``[analysis]`` table (the office's blocks of
the scheme, its award places). Nothing here reads or writes the store.

A key is the TOML path of the value, dotted (``scheme.last_place_months``); a part holding a dot is
quoted (``items."xingzhen.pochuan".params.target``). After ``series``, ``categories``, ``units``
and ``office_items`` (arrays of tables) a part is the id of the element (``categories.jichu.weight``);
an id not yet there with a whole table as the value adds that element (a new office item). The value
is read as a TOML value (``300``, ``true``, ``["a", "b"]``, ``{ points = -2 }``), else taken as
text. ``KEY+=VALUE`` appends to an array (``items.disable+=office.minor``: an item switched off).
Each override is checked in turn by the configuration's own reader: a bad one is refused in one
line naming its key."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import attrs

from ..contract.registry import Registry
from ..core.errors import ConfigError, KaoheError
from .bureau import Bureau
from .config import _Reader, parse_bureau, toml_error
from .keys import ARRAYS_BY_ID, TOP_KEYS, put, split_key  # noqa: F401 - ARRAYS_BY_ID, TOP_KEYS: kept importable from here
from .structure import Expect, within

AWARD_PLACES = 3


@attrs.frozen(kw_only=True)
class AnalysisTable:
    """``[analysis]``: what the office's analysis groups and marks (docs/configuration.md)."""

    blocks: dict[str, Annotated[list[str], Expect("考核内容或项目编号的数组")]] = attrs.field(factory=dict)
    award_places: Annotated[int, within(0, 1000, "整数", "应为 {low}-{high} 的整数(每个序列前几名为评先名次),得到 {value}")] = AWARD_PLACES


def analysis_settings(bureau: Bureau, file: str | None = None) -> AnalysisTable:
    """The ``[analysis]`` table of the text ``bureau`` was read from (defaults without one); every
    block's ids must be categories or items of the bureau."""
    if not bureau.text:
        return AnalysisTable()
    name = file or bureau.source
    try:
        data = tomllib.loads(bureau.text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise KaoheError(toml_error(name, exc)) from None
    r = _Reader(name)
    table: AnalysisTable = r.structure(r.table(data, "analysis"), AnalysisTable, "analysis")
    known = {c.id for c in bureau.scheme.categories} | {i.id for i in bureau.items}
    for block, ids in table.blocks.items():
        for n, part in enumerate(ids):
            if part not in known:
                raise ConfigError(name, f"analysis.blocks.{block}[{n}]", f"没有考核内容或项目 {part!r}(应为本局方案中的考核内容编号或已启用的项目编号)")
    return table


def _value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def parse_set(text: str) -> tuple[list[str], bool, Any]:
    """``KEY=VALUE`` or ``KEY+=VALUE`` → (the key's parts, whether it appends, the value)."""
    quoted = False
    at = -1
    for n, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == "=" and not quoted:
            at = n
            break
    if at <= 0:
        raise KaoheError(f"--set {text}:应写成 键=值(如 categories.jichu.weight=300)或 键+=值(如 items.disable+=office.minor)")
    key, append = text[:at], False
    if key.endswith("+"):
        key, append = key[:-1], True
    try:
        parts = split_key(key)
    except ValueError:
        raise KaoheError(f"--set {text}:键 {key.strip()!r} 无法识别(各级用 . 分隔,含 . 的编号加双引号,如 items.\"xingzhen.pochuan\".params.target)") from None
    return parts, append, _value(text[at + 1 :])


def apply_set(data: dict[str, Any], text: str) -> None:
    """Apply one override (``KEY=VALUE``/``KEY+=VALUE``) to the configuration ``data`` in place."""
    parts, append, value = parse_set(text)
    key = ".".join(parts)
    put(data, parts, append, value, lambda why: KaoheError(f"--set {text}:配置项 {key}:{why}"))


UNDATED = "不含按期间生效的变更([[changes]])"
UPLOADED = "上传的方案"


def proposal(
    bureau: Bureau, registry: Registry, file: Path | None = None, sets: Sequence[str] = (), undated: bool = False,
    text: str | None = None,
) -> tuple[Bureau, str]:
    """The proposed bureau: ``file`` (else the bureau's own configuration text) with ``sets``
    applied one by one, each checked by the configuration's reader (a bad one refused, its key
    named), and a one-line description of the proposal. It is scored on the bureau's stored data
    (its own ``database`` is never opened). ``undated``: without the dated changes (``[[changes]]``,
    kaohe.scheme.dated) — the scheme as it would have been had they not been adopted. ``text``: a
    proposal's configuration given as text (the site's form) instead of ``file``."""
    if text is not None:
        name, base = UPLOADED, Path(bureau.source).parent
        file = Path(name)
    elif file is not None:
        try:
            text = file.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise KaoheError(f"找不到方案文件 {file}") from None
        except UnicodeDecodeError:
            raise KaoheError(f"{file}:方案文件应以 UTF-8 编码保存") from None
        name, base = str(file), file.parent
    else:
        text, name, base = bureau.text, bureau.source, Path(bureau.source).parent
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise KaoheError(toml_error(name, exc)) from None
    if undated:
        data.pop("changes", None)
    result = bureau if file is None and not undated else _parsed(data, registry, name, base, None)  # the bureau's own text is read already
    for s in sets:
        data = copy.deepcopy(data)
        apply_set(data, s)
        result = _parsed(data, registry, name, base, s)
    description = "、".join([*([name] if file is not None else []), *([UNDATED] if undated else []), *sets]) or "本局现行方案"
    return result, description


def _parsed(data: Mapping[str, Any], registry: Registry, name: str, base: Path, set_text: str | None) -> Bureau:
    try:
        parsed = parse_bureau({k: v for k, v in data.items() if k != "analysis"}, registry, name if set_text is None else "--set", base)
    except KaoheError as exc:
        if set_text is None:
            raise
        detail = exc.key + ": " + exc.expected if isinstance(exc, ConfigError) else str(exc)
        raise KaoheError(f"--set {set_text}:{detail}") from None
    text = _toml_text(data)
    bureau = parsed.evolve(text=text)
    analysis_settings(bureau, name if set_text is None else f"--set {set_text}")
    return bureau


def _toml_text(data: Mapping[str, Any]) -> str:
    """Only the ``[analysis]`` table is read back from a proposal's text (``analysis_settings``)."""
    analysis = data.get("analysis")
    if not isinstance(analysis, dict):
        return ""
    lines = ["[analysis]"]
    if "award_places" in analysis:
        lines.append(f"award_places = {_toml_value(analysis['award_places'])}")
    blocks = analysis.get("blocks")
    if isinstance(blocks, dict):
        lines.append("[analysis.blocks]")
        lines.extend(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in blocks.items())
    for k in analysis:
        if k not in ("award_places", "blocks"):
            lines.insert(1, f"{_toml_value(k)} = {_toml_value(analysis[k])}")
    return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_value(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    return '"' + str(v) + '"'
