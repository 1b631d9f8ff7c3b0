"""Records made ready for the store: read, converted, checked and written as the text the store
keeps (attributes as JSON, content hash, assessment month), in this process or in reading
processes of their own.

A large export is read by other processes (``fork``) while this one writes to the database: the
reading (cells converted, the adapter's ``to_records``, the checks, the JSON and the hash) and the
writing (SQLite) run on several processor cores at once. Each reading process parses the whole
file but converts only its own blocks of rows; the blocks come back through pipes in the file's
order. A block waits in its pipe until the writer takes it, so the file is still streamed (never
held whole in memory). The result is the same, row for row, as reading in one process (the tests
compare both).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import traceback
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..contract.adapters import Adapter
from ..contract.registry import Registry
from ..core.errors import KaoheError
from ..core.model import Record
from ..scheme.bureau import Bureau
from .reader import Rejection, iter_export

try:
    import fcntl
except ImportError:  # Windows: no reading processes there anyway
    fcntl = None  # type: ignore[assignment]  # the module's name then holds None (checked before use)

PARALLEL_MIN_BYTES = 1 << 18
"""Files from this size on are read in processes of their own (smaller ones: starting the
processes would cost more than it saves)."""
SEND_BATCH = 1000
"""Rows of the file in a block: each reading process converts its own blocks and sends each
through its pipe at once."""
PIPE_BYTES = 1 << 20
"""The pipe's size asked for: two blocks of a wide export (about 450 bytes a row ready)."""


# --- A record as the store writes it ----------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default)
_text_json = json.encoder.encode_basestring  # a string as that encoder writes it (ensure_ascii off)


def _one_encoder() -> Any:
    """The C encoder behind ``_ENCODER``, made once (``JSONEncoder.encode`` makes one for every
    value it encodes: most of the cost of encoding a record's few attributes). None where the C
    accelerator is missing or takes other arguments (it is internal to the json module): checked
    against ``_ENCODER`` on a sample, so the text written is the same either way."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        encode = make(None, _json_default, _text_json, None, ": ", ", ", True, False, True)
        sample = {"b": Decimal("1.50"), "a": ["文本\"", 1, None, True, dt.date(2015, 4, 3)], "c": {}}
        if "".join(encode(sample, 0)) != _ENCODER.encode(sample):
            return None
    except Exception:
        return None
    return encode


_C_ENCODE = _one_encoder()


def dumps(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True)``, decimals and dates as text (one
    encoder made once: the same text, without making an encoder for every value)."""
    if _C_ENCODE is not None:
        return "".join(_C_ENCODE(value, 0))
    return _ENCODER.encode(value)


def content_hash(rec: Record, attrs_json: str | None = None) -> str:
    """SHA-1 of the record's content (kind, unit, date, value, attributes, note). ``attrs_json``,
    when given, is ``dumps(rec.attrs)`` already computed: the payload is then assembled around it,
    byte for byte the same as ``dumps`` of the whole list (the list's separator is ", "; each text
    written as the encoder writes a text)."""
    value = None if rec.value is None else str(rec.value)
    if attrs_json is None:
        attrs_json = dumps(rec.attrs)
    kind, unit, note = rec.kind, rec.unit, rec.note
    if type(kind) is str and type(unit) is str and type(note) is str:
        payload = (
            f"[{_text_json(kind)}, {_text_json(unit)}, \"{rec.date.isoformat()}\", "
            f"{'null' if value is None else _text_json(value)}, {attrs_json}, {_text_json(note)}]"
        )
    else:
        head = dumps([kind, unit, rec.date.isoformat(), value])
        payload = f"{head[:-1]}, {attrs_json}, {dumps(note)}]"
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


Ready = tuple[str, str, str, str, str, str | None, str, str, str]
"""(key, kind, unit, date, month, value, attributes JSON, note, content hash): a record as the
store's ``records`` table holds it."""

Staged = tuple[Ready | None, str, int, Rejection | None]
"""(ready record or None, sheet, row, None or the row's rejection), in the file's order (a row an
adapter turns into several records gives several, with the same row)."""


def _ready_rows(path: Path, bureau: Bureau, rows: Generator[Any, None, int]) -> Generator[Staged, None, int]:
    """The rows made ready; returns what ``rows`` returns (the file's last row number)."""
    month_of: dict[dt.date, str] = {}
    calendar = bureau.calendar
    while True:
        try:
            rec, src, rej = next(rows)
        except StopIteration as end:
            return int(end.value)
        if rec is None:
            yield None, src.sheet, src.row, rej
            continue
        attrs_json = dumps(rec.attrs if type(rec.attrs) is dict else dict(rec.attrs))
        month = month_of.get(rec.date)
        if month is None:
            month = month_of[rec.date] = calendar.period_of(rec.date).label
        ready = (
            rec.key, rec.kind, rec.unit, rec.date.isoformat(), month, None if rec.value is None else str(rec.value),
            attrs_json, rec.note, content_hash(rec, attrs_json),
        )
        yield ready, src.sheet, src.row, None


# --- Reading in this process or in processes of their own -----------------------------------------


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def readers_for(path: Path) -> int:
    """How many reading processes for this file (0: read it in this process). A CSV file is read by
    up to four, each converting its own blocks of rows (the text parsing, in C, is cheap; the
    conversion is not); a workbook by one (openpyxl's parsing is most of the work and cannot be
    shared); another type of file in this process, which says it cannot read it.
    ``KAOHE_READERS`` in the environment sets the number for CSV files of that size (0 or 1 for a
    workbook)."""
    if sys.platform == "win32" or not hasattr(os, "fork"):
        return 0
    suffix = path.suffix.lower()
    most = 4 if suffix in (".csv", ".txt") else 1 if suffix in (".xlsx", ".xlsm") else 0
    try:
        size = path.stat().st_size
    except OSError:
        return 0  # read in this process, which says what is wrong with the path
    wanted = os.environ.get("KAOHE_READERS", "").strip()
    if wanted and not (wanted.isascii() and wanted.isdigit() and int(wanted) <= 16):
        raise KaoheError(f"环境变量 KAOHE_READERS 应为读取进程数 0 至 16(0 表示不用读取进程),得到 {wanted!r}")
    if size < PARALLEL_MIN_BYTES:
        return 0
    if wanted:
        return min(int(wanted), 1) if most == 1 else int(wanted) if most else 0
    return min(_cores(), most) if _cores() > 1 else 0


@contextmanager
def staged(
    path: Path,
    bureau: Bureau,
    registry: Registry,
    adapter_id: str | None,
    earliest: dt.date | None,
    today: dt.date | None,
    readers: int | None = None,
    department: str | None = None,
    notes: list[str] | None = None,
    digest: str | None = None,
    table: Iterator[Sequence[Any]] | None = None,
) -> Iterator[tuple[Adapter, Iterator[Staged]]]:
    """(the file's adapter, its rows made ready, in the file's order); a file that cannot be read
    raises ``KaoheError`` on entering. The rows are made ready by ``readers`` reading processes
    (None: :func:`readers_for`; 0: in this process), which find the file's header and adapter
    themselves (a workbook is opened once, by its reader). Leaving the block stops them.
    ``department`` pins the adapter to a department's (kaohe.intake.reader.candidates); what the reading
    says beside the rows (a sheet skipped) is added to ``notes`` as the rows are taken.
    ``digest``: the checksum the file was checked with (kaohe.intake.reader.check_file); each reading
    compares what it read with it. ``table``: rows in memory read instead of the file (in this process;
    see kaohe.intake.reader.iter_export)."""
    today = today or dt.date.today()  # one day for the whole file, whichever process reads a row
    if readers is None:
        readers = readers_for(path)
    if readers <= 0 or table is not None:
        adapter, rows = iter_export(
            path, bureau, registry, adapter_id, earliest, today, department=department, notes=notes, digest=digest, table=table
        )
        try:
            yield adapter, _ready_rows(path, bureau, rows)
        finally:
            rows.close()
        return
    team = _Readers(_Job(path, bureau, registry, adapter_id, earliest, today, department, digest), readers, notes)
    try:
        yield team.adapter(registry), team.rows()
    finally:
        team.stop()


@attrs.frozen
class _Job:
    """What every reading process is given: the file and how to read it."""

    path: Path
    bureau: Bureau
    registry: Registry
    adapter_id: str | None
    earliest: dt.date | None
    today: dt.date
    department: str | None = None
    digest: str | None = None


def _stamp(path: Path) -> tuple[int, int, int]:
    """(size, modification time, inode): what changes when the file is rewritten or replaced."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino


class _Readers:
    """The reading processes and the pipes their batches come through. The file's rows are taken in
    blocks of ``SEND_BATCH`` (by row number); reader ``k`` of ``n`` makes ready the blocks ``b`` with
    ``b % n == k`` and sends every one of them, empty or not, then ``done``: block ``b`` is therefore
    always the next message from reader ``b % n``, and the rows come back in the file's order.

    Each reader opens the file itself, so each says, with its ``done``, the file's last row and its
    size, time and inode when it began and when it ended: a file rewritten or replaced during the
    import is refused rather than stored half old, half new."""

    def __init__(self, job: _Job, count: int, notes: list[str] | None = None) -> None:
        self.notes = notes if notes is not None else []
        ctx = multiprocessing.get_context("fork")
        self.path = job.path
        self.stamp = _stamp(job.path)
        self.pipes: list[Any] = []
        self.processes: list[Any] = []
        # The objects made so far (the bureau, the plugins …) are set aside from the garbage
        # collector while the readers fork: a reader's collections then leave them alone instead
        # of touching, and so copying, every page of memory it shares with this process.
        gc.freeze()
        try:
            for k in range(count):
                incoming, outgoing = ctx.Pipe(duplex=False)
                _widen(outgoing)
                self.pipes.append(incoming)
                process = ctx.Process(
                    target=_read,
                    args=(outgoing, list(self.pipes), job, k, count),
                    daemon=True, name=f"kaohe-read-{k}",
                )
                process.start()
                self.processes.append(process)
                outgoing.close()  # only the reader writes: its pipe ends when it closes its end
        except BaseException:
            self.stop()
            raise
        finally:
            gc.unfreeze()

    def _receive(self, k: int) -> tuple[Any, ...]:
        """Reader ``k``'s next message; its error raised here."""
        try:
            message: tuple[Any, ...] = self.pipes[k].recv()
        except EOFError:
            self.processes[k].join()
            raise KaoheError(
                f"{self.path.name}:读取进程意外退出(退出码 {self.processes[k].exitcode}),本文件没有导入任何数据"
            ) from None
        if message[0] == "kaohe-error":
            raise KaoheError(message[1])
        if message[0] == "error":
            raise RuntimeError(f"{self.path.name}: a reading process failed:\n{message[1]}")
        if message[0] == "notes":  # the first reader's, just before its done
            self.notes.extend(message[1])
            return self._receive(k)
        return message

    def adapter(self, registry: Registry) -> Adapter:
        """The adapter the first reader found for the file (its first message)."""
        message = self._receive(0)
        assert message[0] == "adapter", message[0]
        return registry.adapters[message[1]]

    def rows(self) -> Iterator[Staged]:
        count = len(self.pipes)
        block = 0
        while True:
            k = block % count
            message = self._receive(k)
            if message[0] == "done":
                # every other reader has sent its blocks (all before this one): its next word is
                # its own done, which must tell of the same file
                ends = [message[1:]] + [self._receive((k + i) % count)[1:] for i in range(1, count)]
                if any(end != (ends[0][0], self.stamp, self.stamp) for end in ends):
                    raise KaoheError(
                        f"{self.path.name}:文件在导入过程中被修改或替换,本文件没有导入任何数据;请在文件不再变动后重新导入"
                    )
                return
            yield from message[1]
            block += 1

    def stop(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()


def _widen(pipe: Any) -> None:
    """Let the pipe hold a whole block or two (Linux: up to ``pipe-max-size``, 1 MiB by default), so
    that a reader goes on with its next block while the writer has not yet taken the last one."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is None:
        return
    try:
        fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)
    except OSError:
        pass  # a smaller pipe only means more waiting


def _read(outgoing: Any, inherited: list[Any], job: _Job, k: int, count: int) -> None:
    """Reading process ``k`` of ``count``: its blocks of rows made ready and sent (see
    :class:`_Readers`), then ``done``; or the error."""
    # Ctrl-C is the writer's to handle (it stops the readers); and the receiving ends copied into
    # this process are closed, so that a writer that dies leaves the pipe without a reader and this
    # process ends on its next send (BrokenPipeError) instead of waiting for ever.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for pipe in inherited:
        pipe.close()
    path = job.path
    notes: list[str] = []
    try:
        began = _stamp(path)
        adapter, rows = iter_export(
            path, job.bureau, job.registry, job.adapter_id, job.earliest, job.today,
            only=lambda n: (n // SEND_BATCH) % count == k, department=job.department, notes=notes, digest=job.digest,
        )
        if k == 0:
            outgoing.send(("adapter", adapter.id))
        batch: list[Staged] = []
        block = k  # the next block this reader sends
        items = _ready_rows(path, job.bureau, rows)
        # A workbook's later sheet numbers its rows from 1 again: its rows are placed after the
        # block of the sheet before (a workbook has one reader, so the blocks are only its
        # batches; a CSV file, which several readers share, has one table).
        sheet, offset, at = None, 0, 0
        while True:
            try:
                item = next(items)
            except StopIteration as end:
                # the file's last row, placed as above (a last sheet without rows ends before the
                # block of the rows before it: that block is still sent)
                last = max(offset + end.value, at)
                break
            if item[1] != sheet:
                if sheet is not None:
                    offset = (block + count) * SEND_BATCH
                sheet = item[1]
            at = offset + item[2]
            of = at // SEND_BATCH
            while block < of:  # the row is in a later block: the blocks before it are complete
                outgoing.send(("rows", batch))
                batch = []
                block += count
            batch.append(item)
        while block <= last // SEND_BATCH:
            outgoing.send(("rows", batch))
            batch = []
            block += count
        if k == 0 and notes:
            outgoing.send(("notes", notes))
        outgoing.send(("done", last, began, _stamp(path)))
    except BrokenPipeError:
        pass  # the writer stopped (it failed, or was interrupted): nothing more to send
    except KaoheError as exc:
        _last_word(outgoing, ("kaohe-error", str(exc)))
    except (OSError, csv.Error) as exc:
        _last_word(outgoing, ("kaohe-error", f"{path.name}:读取文件出错:{exc}"))
    except BaseException:
        _last_word(outgoing, ("error", traceback.format_exc()))
    finally:
        outgoing.close()


def _last_word(outgoing: Any, message: tuple[str, str]) -> None:
    try:
        outgoing.send(message)
    except BrokenPipeError:
        pass


# --- The report of an import -------------------------------------------------------------------


@attrs.define
class IngestReport:
    """What an import did (kaohe.office.ingest): the rows read, the records new, changed and
    unchanged, the rows rejected, and whether it was stored."""

    file: str
    adapter: str
    department: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = attrs.field(factory=list)
    corrected: list[str] = attrs.field(factory=list)
    """Keys of the records this import corrected (their previous versions are in record_versions)."""
    import_id: int | None = None
    stored: bool = False
    months: set[str] = attrs.field(factory=set)
    notes: list[str] = attrs.field(factory=list)
    """What the reading said beside the rows (a sheet of the workbook skipped)."""
    kept: int = 1000
    """Rejected rows kept one by one in ``rejected`` (``[intake] rejections_kept``); the others are
    counted in ``rejected_more``."""
    rejected_more: dict[tuple[str, str], int] = attrs.field(factory=dict)
    """(column, reason) → how many more rows were rejected for it, beyond the ``kept`` first."""
    rejected_total: int = 0
    """Every rejected row, kept or counted."""

    @property
    def accepted(self) -> int:
        return self.new + self.changed + self.unchanged

    def reject(self, rejection: Rejection) -> None:
        """One more rejected row: kept while fewer than ``kept`` are, else counted by column and reason
        (a file of a million bad rows holds a thousand rejections in memory, not a million)."""
        self.rejected_total += 1
        if len(self.rejected) < self.kept:
            self.rejected.append(rejection)
            return
        key = (rejection.column, reason_of(rejection.message))
        self.rejected_more[key] = self.rejected_more.get(key, 0) + 1

    def summary(self) -> list[str]:
        """The rejections beyond the kept ones, a line per column and reason, most frequent first."""
        return [
            (f"“{column}”列" if column else "") + f"另有 {n} 行:{reason}"
            for (column, reason), n in sorted(self.rejected_more.items(), key=lambda kv: (-kv[1], kv[0]))
        ]


_VALUE = re.compile(r"(,|:)?得到.*$|“[^”]*”|'[^']*'|(?<![\d^])\d[\d.,:-]*+(?!\^)")


def reason_of(message: str) -> str:
    """A rejection's reason without its row's values (the cell quoted, the unit named, the dates and
    numbers), so that rows refused for the same reason count together."""
    return _VALUE.sub(lambda m: "“…”" if m.group(0).startswith("“") else "" if "得到" in m.group(0) else "…", message)
