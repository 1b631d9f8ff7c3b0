"""The canonical JSON encoding of an edition's payload and of the chain's content (kaohe.report.editions,
kaohe.store.integrity): keys sorted, no spaces, UTF-8, decimals as their exact text."""

from __future__ import annotations

import codecs
import json
import zlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

CHUNK = 1 << 20
"""How much of a payload ``unpacked`` gives at a time (uncompressed bytes)."""


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default).encode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value)


def unpacked(packed: bytes, size: int = CHUNK) -> Iterator[bytes]:
    """A payload compressed by zlib (an edition's, as stored), uncompressed ``size`` bytes at a time:
    never whole in memory (a province's month is hundreds of MB)."""
    z = zlib.decompressobj()
    data = packed
    while data:
        out = z.decompress(data, size)
        data = z.unconsumed_tail
        if out:
            yield out
    rest = z.flush()
    if rest:
        yield rest
    if not z.eof:  # cut short (as ``zlib.decompress`` refuses it)
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")


_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"
_ENDS = ",]}" + _SPACE
"""What may follow a value in a list or an object."""


class Stream:
    """A JSON document read from its bytes a piece at a time (``unpacked``): its top-level object's
    entries in order (``entries``), the elements of the lists named one at a time, so that a
    payload's ``results`` are never all in memory. Each value is decoded whole by the json module
    (``raw_decode``) once its text has arrived."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._buf = ""
        self._pos = 0
        self._ended = False

    def _more(self) -> bool:
        """More of the text read after what is left of it; False at its end."""
        if self._ended:
            return False
        chunk = next(self._chunks, None)
        if chunk is None:
            self._ended = True
            text = self._utf8.decode(b"", final=True)
        else:
            text = self._utf8.decode(chunk)
        self._buf = self._buf[self._pos :] + text
        self._pos = 0
        return True

    def _char(self) -> str:
        """The next character that is not a space, taken."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _SPACE:
                self._pos += 1
            if self._pos < len(self._buf):
                c = self._buf[self._pos]
                self._pos += 1
                return c
            if not self._more():
                raise ValueError("JSON 文本不完整")

    def _peek(self) -> str:
        c = self._char()
        self._pos -= 1
        return c

    def _expect(self, wanted: str) -> None:
        c = self._char()
        if c != wanted:
            raise ValueError(f"JSON 文本在此处应为 {wanted},得到 {c}")

    def value(self) -> Any:
        """The next value, decoded once its whole text is there (and the character after it: a
        number is never taken before its last digit)."""
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError:
                if self._more():
                    continue
                raise
            # a number may go on in the text not read yet ("1." of "1.5": the json module takes 1):
            # taken only where what follows it ends it
            cut = end >= len(self._buf) or (
                type(value) in (int, float) and self._buf[end] not in _ENDS
            )
            if cut and self._more():
                continue
            self._pos = end
            return value

    def elements(self) -> Iterator[Any]:
        """The elements of the list that comes next, one at a time."""
        self._expect("[")
        if self._peek() == "]":
            self._char()
            return
        while True:
            yield self.value()
            c = self._char()
            if c == "]":
                return
            if c != ",":
                raise ValueError(f"JSON 列表中应为 , 或 ],得到 {c}")

    def entries(self, streamed: Iterable[str] = ()) -> Iterator[tuple[str, Any]]:
        """The top-level object's (key, value) in order; the value of a key of ``streamed`` (a list)
        given as an iterator of its elements (``elements``), read to its end before the next entry."""
        self._expect("{")
        if self._peek() == "}":
            self._char()
            return
        names = set(streamed)
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise ValueError("JSON 对象的键应为字符串")
            self._expect(":")
            if key in names:
                items = self.elements()
                yield key, items
                for _ in items:  # what the caller left of it
                    pass
            else:
                yield key, self.value()
            c = self._char()
            if c == "}":
                return
            if c != ",":
                raise ValueError(f"JSON 对象中应为 , 或 }},得到 {c}")
