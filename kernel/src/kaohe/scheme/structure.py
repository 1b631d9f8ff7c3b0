"""The tables of a bureau's configuration as attrs classes, structured by cattrs.

A table of ``kaohe.toml`` (the kernel's, or one a plugin claims with ``kaohe_config_tables``) is
declared as an attrs class whose fields are its keys; a field's ``Annotated`` metadata (``Expect``)
says in Chinese what the key holds, its choices or its bounds. ``structure(data, cls, file, path)``
builds the class, or raises the ``ConfigError`` of the first problem, naming the file and the key
(``scheme.decimals``, ``units[2].start``, ``officers.roles.徒弟级.unless``) with the message the
office reads: ``应为 0-6,得到 9``, ``缺少此项,应为文本``, ``未知的配置项;此处可用:…``. cattrs
collects every error with its path (an ExceptionGroup); the first is reported, an unknown key
before the other errors of its table. See docs/configuration.md.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.errors import AttributeValidationNote, ForbiddenExtraKeysError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, override

from ..core.decimals import bounded
from ..core.errors import ConfigError

T = TypeVar("T")


@attrs.frozen
class Kind:
    """A kind of value the configuration writes in more than one TOML type."""

    name: str


NUMBER = Kind("数字")
DATE = Kind("日期")
Number = Annotated[int | float | str, NUMBER]
"""A number of the configuration: an integer, a decimal or a text such as ``"0.5"`` (kept as
written), finite and within the parameters' bounds (kaohe.core.decimals): ``weight = nan`` or
``year_scale = 1e400`` is refused, naming its key."""
Date = Annotated[dt.date, DATE]
"""A date: a TOML date or a text such as ``"2015-06-01"``; empty is none."""


@attrs.frozen
class Expect:
    """What a key holds, for its message: ``应为{what},得到 …`` and ``缺少此项,应为{what}``."""

    what: str = ""
    """Said in the messages instead of the type's name (文本, 整数, 数组 …)."""
    choices: tuple[str, ...] = ()
    """The values allowed: ``应为 month / quarter 之一,得到 …``."""
    low: int | None = None
    high: int | None = None
    beyond: str = ""
    """The message of a value outside ``low`` … ``high``, with ``{value}``."""
    check: Callable[[Any], str | None] | None = None
    """A last check of the value: the message of what is wrong, or None."""


def within(low: int, high: int, what: str = "", beyond: str = "应为 {low} 至 {high} 的整数,得到 {value}") -> Expect:
    """A whole number from ``low`` to ``high``: ``what`` (``{low} 至 {high} 的整数`` when not given)
    in the messages of a wrong type, ``beyond`` (with ``{low}``, ``{high}``, ``{value}``) of a
    value outside."""
    return Expect(
        what or f"{low} 至 {high} 的整数", low=low, high=high, beyond=beyond.replace("{low}", str(low)).replace("{high}", str(high))
    )


class Invalid(ValueError):
    """A value refused, with the message that follows the key."""


TYPE_NAMES: dict[Any, str] = {str: "文本", int: "整数", bool: "true/false", list: "数组", dict: "表", NUMBER: "数字", DATE: "日期"}
NOT_TABLE = "应为表,得到 {type}"


def _annotated(kind: Any) -> bool:
    return hasattr(kind, "__metadata__")


def _unwrap(kind: Any) -> tuple[Any, Expect]:
    """(the type without ``Annotated`` and ``None`` — or its Kind —, its Expect)."""
    expect = Expect()
    while True:
        if _annotated(kind):
            meta = kind.__metadata__
            expect = next((m for m in meta if isinstance(m, Expect)), expect)
            kinds = [m for m in meta if isinstance(m, Kind)]
            if kinds:
                return kinds[0], expect
            kind = get_args(kind)[0]
        elif get_origin(kind) in (Union, types.UnionType) and type(None) in get_args(kind):
            args = [a for a in get_args(kind) if a is not type(None)]
            if len(args) != 1:
                return kind, expect
            kind = args[0]
        else:
            return kind, expect


def _plain(kind: Any) -> Any:
    return get_origin(kind) or kind


def _expected(kind: Any, expect: Expect) -> str:
    return expect.what or TYPE_NAMES.get(_plain(kind), getattr(kind, "__name__", str(kind)))


def date_of(value: Any) -> dt.date | None:
    """A ``Date`` field's value: a TOML date, or a text such as ``"2015-06-01"``; empty is none."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"应为日期(如 2015-06-01),得到 {value!r}") from None


class Structurer:
    """A cattrs converter for configuration tables: strict types (``true`` is no integer, ``1`` no
    text), unknown keys refused, every error with its path."""

    def __init__(self) -> None:
        c = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
        self.converter = c
        self._collections: dict[Any, Callable[[Any, Any], Any]] = {}
        self._kinds: dict[Any, tuple[Any, Expect, Any, str]] = {}
        c.register_structure_hook_factory(attrs.has, self._table_hook)
        c.register_structure_hook_func(_annotated, self._value)
        for kind in (str, int, bool, Any):
            c.register_structure_hook(kind, self._value)
        c.register_structure_hook_func(lambda t: _plain(t) in (list, dict) and not attrs.has(t), self._value)

    def _items(self, kind: Any) -> Callable[[Any, Any], Any]:
        """cattrs' own structuring of a typed list or table (each element with its index or key)."""
        if kind not in self._collections:
            factory = list_structure_factory if _plain(kind) is list else mapping_structure_factory
            self._collections[kind] = factory(kind, self.converter)
        return self._collections[kind]

    def _table_hook(self, cl: Any) -> Callable[[Any, Any], Any]:
        renamed = {f.name: override(rename=f.name.rstrip("_")) for f in attrs.fields(cl) if f.name.endswith("_")}
        # cattrs types the per-field overrides (**kwargs) so that a dict of them cannot be unpacked
        # beside its own keyword options.
        build = make_dict_structure_fn(cl, self.converter, **renamed)  # type: ignore[arg-type]
        not_table: str = getattr(cl, "NOT_TABLE", NOT_TABLE)

        def table(value: Any, _: Any) -> Any:
            if not isinstance(value, dict):
                raise Invalid(not_table.format(type=type(value).__name__, value=repr(value)))
            return build(value, cl)

        return table

    def _kind(self, annotated: Any) -> tuple[Any, Expect, Any, str]:
        """(the type without ``Annotated`` and ``None``, its Expect, its plain type, what a message
        calls it) of a field's annotation, worked out once per annotation (a units file of 2,000 rows
        asks for the same seven)."""
        try:
            return self._kinds[annotated]
        except KeyError:
            pass
        except TypeError:  # an annotation that cannot be a key: worked out each time
            kind, expect = _unwrap(annotated)
            return kind, expect, _plain(kind), _expected(kind, expect)
        kind, expect = _unwrap(annotated)
        found = self._kinds[annotated] = (kind, expect, _plain(kind), _expected(kind, expect))
        return found

    def _value(self, value: Any, annotated: Any) -> Any:
        kind, expect, plain, what = self._kind(annotated)
        if expect.choices:
            if value not in expect.choices:
                raise Invalid(f"应为 {' / '.join(expect.choices)} 之一,得到 {value!r}")
        elif kind is DATE:
            value = date_of(value)
        elif kind is NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise Invalid(f"应为{what},得到 {value!r}")
            try:
                bounded(value)
            except (TypeError, ValueError) as exc:
                problem = str(exc) if isinstance(value, int | float) or "not a number" not in str(exc) else "不是数字"
                raise Invalid(f"应为{expect.what or '数字'},{problem},得到 {value!r}") from None
        elif plain in (str, int, bool, list, dict):
            if not isinstance(value, plain) or (isinstance(value, bool) and plain is not bool):
                raise Invalid(f"应为{what},得到 {value!r}")
            args = get_args(kind)
            if args and args[-1] is not Any:
                value = self._items(kind)(value, kind)
        elif attrs.has(kind):
            value = self.converter.structure(value, kind)
        if expect.low is not None and expect.high is not None and not expect.low <= value <= expect.high:
            raise Invalid(expect.beyond.format(value=value))
        if expect.check is not None:
            wrong = expect.check(value)
            if wrong is not None:
                raise Invalid(wrong)
        return value

    def structure(self, data: Any, cl: type[T], file: str, path: str = "") -> T:
        """``data`` as ``cl``; a ConfigError names ``file`` and the key under ``path``."""
        try:
            return self.converter.structure(data, cl)
        except (ExceptionGroup, Invalid) as exc:  # cattrs' errors, each with its path
            key, message = first_error(exc)
            raise ConfigError(file, _join(path, key), message) from None


def _join(path: str, key: str) -> str:
    if not key:
        return path
    if key.startswith("["):
        return path + key
    return f"{path}.{key}" if path else key


def _step(exc: BaseException) -> str:
    for note in reversed(getattr(exc, "__notes__", [])):
        if isinstance(note, AttributeValidationNote):
            return "." + note.name.rstrip("_")
        if isinstance(note, IterableValidationNote):
            if isinstance(note.index, int) and not note.startswith("Structuring mapping"):
                return f"[{note.index}]"
            return f".{note.index}"
    return ""


def keys_of(cl: Any) -> list[str]:
    """The keys a table declared by ``cl`` holds, for ``未知的配置项;此处可用:…``: sorted, or in
    the order of the class's ``KEYS``."""
    keys = getattr(cl, "KEYS", None)
    return list(keys) if keys else sorted(f.name.rstrip("_") for f in attrs.fields(cl))


def unknown_key(extra: Sequence[str], allowed: Sequence[str]) -> tuple[str, str]:
    """(the first unknown key, its message listing ``allowed`` in their order)."""
    return sorted(extra)[0], f"未知的配置项;此处可用:{'、'.join(allowed)}"


def first_error(exc: BaseException) -> tuple[str, str]:
    """(the key under the table, the message) of the first error cattrs found: an unknown key of a
    table before the other errors of that table, then in the order of the fields."""
    steps: list[str] = []
    while isinstance(exc, BaseExceptionGroup):
        subs = sorted(exc.exceptions, key=lambda e: not isinstance(e, ForbiddenExtraKeysError))
        exc = subs[0]
        steps.append(_step(exc))
    key = "".join(steps).lstrip(".")
    if isinstance(exc, ForbiddenExtraKeysError):
        extra, message = unknown_key(list(exc.extra_fields), keys_of(exc.cl))
        return _join(key, extra), message
    if isinstance(exc, KeyError):  # a required key missing
        note = next((n for n in reversed(getattr(exc, "__notes__", [])) if isinstance(n, AttributeValidationNote)), None)
        kind, expect = _unwrap(note.type) if note is not None else (None, Expect())
        return key, f"缺少此项,应为{_expected(kind, expect)}"
    return key, str(exc)
